"""Model suggestions in the window: the run, the overlay in both panes, accepting and rejecting, the dock.

Analyse > *Model suggestions…* (Ctrl+Alt+G) opens :class:`~annotator.gui.dialogs.model_dialog.ModelDialog`;
Start runs :func:`annotator.core.llm.spans.suggest_spans` in the background (progress: chunks done of the
total; Cancel also aborts the request under way). Cached answers are read before the run and the new raw
answers saved after it, on the GUI thread (``store.save_answers``: the run's one write). The suggestions are an
:class:`~annotator.gui.window.overlays.Overlay` of their own, painted dashed in the label's colour in every pane
showing their document, with ids ``model|…``: click selects one, Enter accepts it (an annotation whose
``origin`` holds the model, prompt version, time and reason; the note stays empty), Backspace rejects it (the
store's rejected suggestions, shared with the rules suggester). The Model suggestions dock
(:class:`~annotator.gui.panels.model_dock.ModelDock`) lists them with a filter and bulk accept or reject (one
undoable step each). Cross-source pairs (ids ``pair|…``) and the evaluation are in
:mod:`annotator.gui.controllers.model_pairs`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from annotator.core.lazy import lazy_module
from annotator.core.errors import AnnotatorError
from annotator.core.llm.endpoint import check_allowed
from annotator.core.llm.types import ModelSuggestion, Summary
from annotator.gui import actions as A
from annotator.gui.commands.annotations import short_quote
from annotator.gui.commands.model import AcceptModelSuggestions, RejectModelSuggestions
from annotator.gui.controllers.crosssource import MODEL_PREFIX
from annotator.gui.controllers.model_ask import ask_in_background, cache_answers
from annotator.gui.controllers.model_pairs import ModelPairs
from annotator.gui.controllers.model_review import ModelReview
from annotator.gui.dialogs.model_dialog import ModelDialog, ModelRun
from annotator.gui.panels.model_dock import ModelDock
from annotator.gui.views.document_view import SpanStyle
from annotator.gui.views.span_display import SpanDisplay
from annotator.gui.window.overlays import Overlays
from annotator.gui.window.pane_state import PaneState
from annotator.gui.window.status import Status

if TYPE_CHECKING:  # import-linter reads these imports: the contracts still see the dependency
    from annotator.core.llm import spans as llm_spans
else:
    llm_spans = lazy_module("annotator.core.llm.spans")


def model_suggestion_id(s: ModelSuggestion) -> str:
    return f"{MODEL_PREFIX}{s.document}|{s.label}|{s.start}|{s.end}"


def tooltip(s: ModelSuggestion) -> str:
    return (f"Suggested {s.label} by {s.provenance.model} (confidence {s.confidence:.2f}): {s.reason} — "
            "Enter accepts, Backspace rejects")


def failure_text(summary: Summary) -> str:
    """Each distinct failure sentence once, for the message box of a run whose every request failed."""
    return " ".join(summary.messages) or "Every request to the model failed."


def run_job(request, client, cached: dict, model: str):
    """The background job of a span run: :func:`suggest_spans` reporting chunks done of the total."""
    def job(progress):
        return llm_spans.suggest_spans(request, client, cached=cached,
                             progress=lambda done, total: progress(done, total, f"Asking {model}: chunk {done} "
                                                                                 f"of {total}…"),
                             cancelled=lambda: progress.cancelled)
    return job


class ModelSuggestions(QObject):
    """The model run, its overlay, its dock, and what accepting or rejecting a model suggestion does."""

    def __init__(self, session, panes: PaneState, status: Status, display: SpanDisplay, overlays: Overlays):
        super().__init__(status.dialog_parent)
        self.session = session
        self.panes = panes
        self.status = status
        self.display = display
        self.overlays = overlays
        self.dock = ModelDock(status.dialog_parent)
        self.dock.hide()
        self.found: dict[str, ModelSuggestion] = {}  # id -> suggestion, every document of the runs so far
        self._hidden: dict[str, set[tuple[str, int, int]]] = {}  # document -> (label, start, end) not shown
        self.review = ModelReview(session, panes, status, self.dock)
        self.pairs = ModelPairs(session, panes, status, self.dock, overlays)
        self.extra = [self.pairs]  # more suggestions on screen: decorates, spans, owns, accept, reject
        overlays.add(self)
        # Connected before the window's own slot: the panes repaint from fresh lists.
        session.annotations_changed.connect(self._annotations_changed)
        self.dock.suggestion_activated.connect(self.show_suggestion)
        self.dock.accept_shown.connect(self.accept_shown)
        self.dock.reject_shown.connect(self.reject_shown)

    def fill_menus(self, review_menu: QMenu, analyse_menu: QMenu, actions: dict[str, QAction]) -> None:
        """Review > Mark document reviewed; Analyse > the model's entries, after a separator."""
        review_menu.addSeparator()
        review_menu.addAction(actions[A.MARK_REVIEWED])
        analyse_menu.addSeparator()
        for key in (A.MODEL_RUN, A.MODEL_DOCK, A.MODEL_PAIRS, A.MODEL_EVALUATION):
            analyse_menu.addAction(actions[key])

    def connect(self, actions: dict[str, QAction]) -> None:
        """Answer the model's menu entries (run, dock, pairs, evaluation, mark reviewed)."""
        actions[A.MODEL_RUN].triggered.connect(self.configure)
        actions[A.MODEL_DOCK].triggered.connect(lambda: self.show_dock())
        self.review.connect(actions)
        self.pairs.connect(actions)

    def docks(self) -> list:
        return [self.dock]

    def show_dock(self, tab: int = 0) -> None:
        self.dock.show()
        self.dock.raise_()
        self.dock.tabs.setCurrentIndex(tab)
        self.dock.tabs.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ------------------------------------------------------------------ the run
    def configure(self) -> None:
        """Analyse > Model suggestions…: the dialog, then (on Start) the run."""
        store = self.session.store
        documents = [(d.id, d.title) for d in store.documents()]
        dialog = ModelDialog(store, documents, self.panes.shown(), [lb.name for lb in store.codable_labels()],
                             self.status.dialog_parent)
        if dialog.exec() == ModelDialog.DialogCode.Accepted:
            self.run(dialog.chosen())

    def run(self, chosen: ModelRun) -> Summary | None:
        """Ask the model for spans in the chosen documents and labels; the summary of the run, or None."""
        store, endpoint = self.session.store, chosen.endpoint
        try:
            check_allowed(endpoint, store.model_hosts_allowed())  # nothing leaves without consent
            request = llm_spans.span_request(store, chosen.documents, chosen.labels)
            keys = llm_spans.cache_keys(request, endpoint)
            cached = store.cached_answers(keys)
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return None
        result = ask_in_background(self.status, "Model suggestions", endpoint,
                                   lambda client: run_job(request, client, cached, endpoint.model),
                                   f"Asking {endpoint.model} at {endpoint.host}…")
        if result is None:
            return None
        cache_answers(self.session, self.status, llm_spans.cache_rows(request, endpoint, result.answers))
        self._show_result(chosen.documents, result.suggestions, result.summary, endpoint.model)
        return result.summary

    def _show_result(self, documents: list[str], suggestions: list[ModelSuggestion], summary: Summary,
                     model: str) -> None:
        asked = set(documents)
        self.found = {sid: s for sid, s in self.found.items() if s.document not in asked}
        self.found.update((model_suggestion_id(s), s) for s in suggestions)
        self._hidden.clear()
        line = f"{model}: {summary.line()}"
        if summary.failed and summary.failed >= summary.asked:
            self.status.error(failure_text(summary))
        elif summary.messages:
            line += " — " + " ".join(summary.messages)
        self.dock.set_summary(line)
        self.status.show(line, 0)
        self.refresh_dock()
        for doc in sorted(asked):
            self.overlays.changed.emit(doc)
        if self.found:
            self.dock.show()
            self.dock.raise_()

    # ------------------------------------------------------------------ what is shown
    def _annotations_changed(self, doc: str) -> None:
        """A tag, an acceptance or a rejection: what is hidden in ``doc`` is read again."""
        self._hidden.pop(doc, None)
        if self.found:
            self.refresh_dock()

    def hidden(self, doc: str) -> set[tuple[str, int, int]]:
        """(label, start, end) not shown in ``doc``: rejected, or tagged so already."""
        if doc not in self._hidden:
            store = self.session.store
            tagged = {(a.label, a.start, a.end) for a in store.iter_annotations(document=doc)}
            self._hidden[doc] = tagged | store.rejected_suggestions(doc)
        return self._hidden[doc]

    def visible(self, doc: str | None = None) -> list[tuple[str, ModelSuggestion]]:
        """The suggestions shown (of ``doc``, or of every document), in document and reading order."""
        items = [(sid, s) for sid, s in self.found.items() if doc is None or s.document == doc]
        items = [(sid, s) for sid, s in items if (s.label, s.start, s.end) not in self.hidden(s.document)]
        return sorted(items, key=lambda item: (item[1].document, item[1].start, item[1].end, item[1].label))

    def refresh_dock(self) -> None:
        store = self.session.store
        titles = {d.id: d.title for d in store.documents()}
        self.dock.set_suggestions(self.visible(), titles, sorted({s.label for s in self.found.values()}))

    # The overlay (annotator.gui.window.overlays.Overlay):
    def decorates(self, doc: str) -> bool:
        return not self.display.reviewing and (any(s.document == doc for s in self.found.values()) or
                                               any(e.decorates(doc) for e in self.extra))

    def spans(self, doc: str, colors: dict[str, str]) -> list[SpanStyle]:
        if self.display.reviewing:
            return []
        styles = [SpanStyle(sid, s.start, s.end, colors.get(s.label, "#888888"), tooltip(s), dashed=True)
                  for sid, s in self.visible(doc)]
        return styles + [style for e in self.extra for style in e.spans(doc, colors)]

    # ------------------------------------------------------------------ accepting and rejecting
    def owns(self, span_id: str | None) -> bool:
        """Whether ``span_id`` is a model suggestion or pair (the rules suggester's are the cross-source's)."""
        return bool(span_id) and (span_id.startswith(MODEL_PREFIX) or any(e.owns(span_id) for e in self.extra))

    def accept(self, pane: int, sid: str, label: str | None = None) -> bool:
        """Enter (or a label key) on a model suggestion in pane ``pane``: it becomes an annotation."""
        for extra in self.extra:
            if extra.owns(sid):
                return extra.accept(sid)
        s = self.found.get(sid)
        if s is None or s.document != self.panes.document(pane):
            return False
        return self.session.perform(AcceptModelSuggestions(self.session, [s], label))

    def reject(self, pane: int, sid: str) -> bool:
        """Backspace on a model suggestion: hidden until undone."""
        for extra in self.extra:
            if extra.owns(sid):
                return extra.reject(sid)
        s = self.found.get(sid)
        if s is None or s.document != self.panes.document(pane):
            return False
        return self.session.perform(RejectModelSuggestions(self.session, [s]))

    def accept_shown(self) -> bool:
        """The dock's Accept shown: every suggestion passing its filter, as one undoable step."""
        shown = [s for _, s in self.dock.shown()]
        if not shown:
            self.status.show("No model suggestion passes the filter.", 5000)
            return False
        return self.session.perform(AcceptModelSuggestions(self.session, shown))

    def reject_shown(self) -> bool:
        shown = [s for _, s in self.dock.shown()]
        if not shown:
            self.status.show("No model suggestion passes the filter.", 5000)
            return False
        return self.session.perform(RejectModelSuggestions(self.session, shown))

    def show_suggestion(self, sid: str) -> None:
        """A dock row activated: the span selected in the pane that shows its document (else the active one)."""
        s = self.found.get(sid)
        if s is None:
            return
        index = self.panes.show_near(s.document)
        self.panes.set_active(index)
        view = self.panes.view(index)
        view.select_span(sid)
        view.setFocus()
        self.status.show(f"{s.label} '{short_quote(s.quote, 60)}': Enter accepts, Backspace rejects.", 5000)
