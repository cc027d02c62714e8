"""Cross-source work in the window: linking spans, showing link partners, suggestions, synced scrolling.

:class:`CrossSource` owns the Links, Discrepancies and Claims docks and the
suggestion state. It is the suggestions' overlay: it paints them through
:class:`~annotator.gui.window.overlays.Overlays` and announces a change there.
The main window connects its actions and signals to the slots here (in
``MainWindow._connect_signals``).

The rules' suggestions for a document take seconds in a long one (a 3 MB
report: ~5 s): they are computed in a worker thread on a read-only connection
of its own, behind the progress dialog of :mod:`annotator.gui.background`
(Cancel works), and kept until an edit invalidates them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QInputDialog

from annotator.core.crosssource import link_anchors, map_offset, write_discrepancies_csv
from annotator.core.errors import AnnotatorError, CancelledError
from annotator.core.fileio import atomic_writer
from annotator.core.learning import Learned
from annotator.core.store import Store
from annotator.core.suggest import Suggestion, suggest_in_project
from annotator.gui.background import Progress, run_in_background
from annotator.gui.commands.annotations import (
    AcceptSuggestions, CreateLink, DeleteLink, EditLinkNote, RejectSuggestions, short_quote,
)
from annotator.gui.dialogs.file_dialogs import save_file
from annotator.gui.dialogs.note_dialog import NoteDialog
from annotator.gui.views.document_view import SpanStyle
from annotator.gui.panels.crosssource_docks import ClaimsDock, DiscrepanciesDock, LinksDock
from annotator.gui.views.span_display import SpanDisplay
from annotator.gui.window.overlays import Overlays
from annotator.gui.window.pane_state import PaneState
from annotator.gui.window.status import Status

SUGGESTION_PREFIX = "suggest|"
#: The model's span suggestions and cross-source pairs (annotator.gui.controllers.model): suggestions too.
MODEL_PREFIX = "model|"
PAIR_PREFIX = "pair|"
KINDS = ("Figure", "Actor", "Claim")


def suggestion_id(s: Suggestion) -> str:
    return f"{SUGGESTION_PREFIX}{s.label}|{s.start}|{s.end}"


def is_suggestion(span_id: str | None) -> bool:
    """Whether ``span_id`` is a suggestion on screen (the rules suggester's or a model's), not an annotation."""
    return bool(span_id) and span_id.startswith((SUGGESTION_PREFIX, MODEL_PREFIX, PAIR_PREFIX))


def default_link_type(source, target, types: list[str]) -> str:
    """A sensible first choice: "said by" for a claim and an actor, "same as" for two actors, else "contradicts"."""
    labels = {source.label, target.label}
    if labels == {"Claim", "Actor"}:
        return "said by"
    if labels == {"Actor"} or source.quote == target.quote:
        return "same as"
    return "contradicts" if "contradicts" in types else types[0]


def suggestion_job(project: Path, doc: str, title: str):
    """The job computing the rules' suggestions for ``doc`` in a worker thread, on a read-only connection of its
    own (a connection belongs to the thread that opened it); what ``suggest_in_project`` returns in the window's
    thread, with its progress."""

    def job(progress: Progress) -> list[Suggestion]:
        with Store.open(project, create=False, readonly=True) as store:
            progress(0, None, "Reading what the project's tags teach…")
            learned = Learned.from_store(store)  # seconds at a million tags
            text = f"Suggesting tags in {title}…"
            progress(0, None, text)
            return suggest_in_project(store, doc, learned=learned,
                                      progress=lambda done, total: progress(done, total, text))

    return job


class CrossSource:
    def __init__(self, session, panes: PaneState, status: Status, display: SpanDisplay, overlays: Overlays):
        self.session = session
        self.panes = panes
        self.status = status
        self.display = display
        self.overlays = overlays
        overlays.add(self)
        parent = status.dialog_parent
        self.links_dock = LinksDock(session, parent)
        self.discrepancies_dock = DiscrepanciesDock(session, parent)
        self.discrepancies_dock.pane_documents = lambda: (panes.document(0), panes.document(1))
        self.claims_dock = ClaimsDock(session, parent)
        self.link_source: str | None = None
        self.requested: set[str] = set()  # documents the analyst asked suggestions for
        self.show_while_reading = False
        self.sync = False
        self._syncing = False
        self._cache: dict[str, dict[str, Suggestion]] = {}
        self._groups: dict[str, dict[tuple[str, str], list[Suggestion]]] = {}  # doc -> (label, quote) -> places
        self._computing: set[str] = set()  # documents whose suggestions a worker is computing now
        self._declined: set[str] = set()  # documents whose computation the analyst cancelled (until asked again)
        self._generation = 0  # counts invalidations: a result computed across one is not kept

    def docks(self):
        return (self.links_dock, self.discrepancies_dock, self.claims_dock)

    def reload(self) -> None:
        self._forget()  # a document's language, a tag or a link may change what is suggested
        for dock in self.docks():
            dock.reload()

    def panes_changed(self) -> None:
        """A pane shows another document: the Discrepancies table follows the panes."""
        self.discrepancies_dock.reload()

    # ------------------------------------------------------------------ linking
    def mark_link_source(self) -> None:
        """Remember the selected span as the start of the next link (for links within one pane)."""
        ann = self.panes.selected_annotation()
        if ann is None:
            self.status.show("Click a span first, then mark it as the link source.", 5000)
            return
        self.link_source = ann.id
        self.status.show(
            f"Link from '{short_quote(ann.quote)}': now select the other span and press Ctrl+L.", 8000)

    def link_spans(self) -> None:
        """Link the marked (or other pane's selected) span to the active pane's selected span."""
        target = self.panes.selected_annotation()
        other = self.panes.selected_span(1 - self.panes.active)
        source = self._annotation(self.link_source or other)
        if target is None or source is None or source.id == target.id:
            self.status.show("Select a span in each pane (or mark a source with Ctrl+Shift+L), "
                                      "then press Ctrl+L.", 6000)
            return
        types = self.session.store.link_types()
        first = default_link_type(source, target, types)
        chosen, ok = QInputDialog.getItem(
            self.status.dialog_parent, "Link spans", f"'{short_quote(source.quote, 30)}'  →  '{short_quote(target.quote, 30)}'\nLink type:",
            types, types.index(first), True,
        )
        if not ok or not chosen.strip():
            return
        if chosen.strip() == "said by" and source.label == "Actor" and target.label == "Claim":
            source, target = target, source  # said by reads claim -> actor
        if self.session.perform(CreateLink(self.session, source, target, chosen.strip())):
            self.link_source = None

    def delete_link(self, link_id: str) -> None:
        try:
            link = self.session.store.link(link_id)
            source, target = (self.session.store.annotation(i) for i in (link.source, link.target))
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        self.session.perform(DeleteLink(self.session, link, source, target))

    def edit_link_note(self, link_id: str) -> None:
        try:
            link = self.session.store.link(link_id)
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        note, ok = NoteDialog.get_note(self.status.dialog_parent, "Link note", f"Note on this '{link.type}' link:",
                                       link.note)
        if ok and note != link.note:
            self.session.perform(EditLinkNote(self.session, link, note))

    def show_pair(self, source_id: str, target_id: str) -> None:
        """Show the two ends of a link: the source in the left pane, the target in the right."""
        for pane, ann_id in ((0, source_id), (1, target_id)):
            ann = self._annotation(ann_id)
            if ann is None:
                continue
            if self.panes.document(pane) != ann.document:
                self.panes.show(pane, ann.document)
            self.panes.view(pane).select_span(ann_id)

    def _annotation(self, ann_id: str | None):
        try:
            return self.session.store.annotation(ann_id) if ann_id else None
        except AnnotatorError:
            return None

    def on_span_selected(self, pane: int, ann_id: str) -> None:
        """Outline the selected span's link partners in both panes; bring the other pane to the first one."""
        partners = set()
        if ann_id and not is_suggestion(ann_id):
            for link in self.session.store.links_of(ann_id):
                partners.add(link.target if link.source == ann_id else link.source)
        for view in (p.view for p in self.panes.panes):
            view.set_highlighted(partners)
        other = self.panes.panes[1 - pane]
        for partner in sorted(partners):
            ann = self._annotation(partner)
            if ann is not None and ann.document == other.document_id:
                other.view.scroll_to_offset(ann.start)
                break
        self.links_dock.select_links_of(ann_id or None)

    def refresh_highlights(self) -> None:
        self.on_span_selected(self.panes.active, self.panes.selected_span() or "")

    # ------------------------------------------------------------- suggestions
    def suggest_here(self) -> None:
        """Analyse > Suggest tags: show suggestions for the document in the active pane."""
        doc = self.panes.document()
        if doc is None:
            return
        self._declined.discard(doc)
        count = len(self.suggestions(doc))  # computed here, behind the progress dialog, before any repaint
        if doc in self._declined:  # cancelled: nothing shown, nothing changed
            return
        self.requested.add(doc)
        self.overlays.changed.emit(doc)
        self.status.show(f"{count} suggestion{'s' if count != 1 else ''}: click one, Enter accepts, Shift+Enter tags "
                         "all like it, Backspace rejects.", 6000)

    def set_show_while_reading(self, on: bool) -> None:
        self.show_while_reading = on
        if on:
            self._declined.clear()
        self.overlays.changed.emit("")

    def suggestions(self, doc: str) -> dict[str, Suggestion]:
        """``doc``'s suggestions by id, computed once (in a worker thread, behind the progress dialog) and kept
        until an edit invalidates them; none while they are being computed or once the analyst cancelled."""
        if doc not in self._cache:
            generation = self._generation
            found = self._compute(doc)
            if found is None:
                return {}
            by_id = {suggestion_id(s): s for s in found}
            if generation != self._generation:  # an edit landed meanwhile (another window, a team member)
                return by_id
            self._cache[doc] = by_id
        return self._cache[doc]

    def _compute(self, doc: str) -> list[Suggestion] | None:
        """The rules' suggestions for ``doc`` from a worker thread; None while already computing or cancelled."""
        if doc in self._computing or doc in self._declined:
            return None
        store = self.session.store
        try:
            title = store.document(doc).title
        except AnnotatorError:
            return []  # the document is gone
        self._computing.add(doc)
        try:
            return run_in_background(self.status.dialog_parent, "Suggesting tags",
                                     suggestion_job(Path(store.path), doc, title))
        except CancelledError:
            self._declined.add(doc)
            self.requested.discard(doc)
            self.status.show("Suggesting tags was cancelled; nothing was changed.", 5000)
            QTimer.singleShot(0, self.overlays, lambda: self.overlays.changed.emit(doc))  # no suggestions shown
            return None
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return []
        finally:
            self._computing.discard(doc)

    def invalidate(self, doc: str | None = None) -> None:
        """Forget the suggestions computed so far: a tag or a rejection in one document teaches the
        suggester something for every document (tagged elsewhere, rejected twice)."""
        self._forget()

    def _forget(self) -> None:
        self._cache.clear()
        self._groups.clear()
        self._generation += 1

    def shows_suggestions(self, doc: str) -> bool:
        """Whether ``doc``'s panes show suggestions (asked for, or shown while reading; never while reviewing)."""
        return not self.display.reviewing and (self.show_while_reading or doc in self.requested)

    # The suggestions' overlay (annotator.gui.window.overlays.Overlay):
    def decorates(self, doc: str) -> bool:
        return self.shows_suggestions(doc)

    def spans(self, doc: str, colors: dict[str, str]) -> list[SpanStyle]:
        """Dashed spans for the suggestions shown in ``doc`` (none unless asked for or shown while reading)."""
        if not self.shows_suggestions(doc):
            return []
        groups = self.groups(doc)
        return [SpanStyle(sid, s.start, s.end, colors.get(s.label, "#888888"),
                          f"Suggested {s.label}: {s.reason}\n{_keys_tip(len(groups[(s.label, s.quote)]))}", dashed=True)
                for sid, s in self.suggestions(doc).items()]

    def groups(self, doc: str) -> dict[tuple[str, str], list[Suggestion]]:
        """``doc``'s suggestions by label and quote (core.suggest_groups): the places "tag all" accepts."""
        if doc not in self._groups:
            found: dict[tuple[str, str], list[Suggestion]] = {}
            for s in self.suggestions(doc).values():
                found.setdefault((s.label, s.quote), []).append(s)
            if doc not in self._cache:  # not kept (being computed, cancelled): neither are its groups
                return found
            self._groups[doc] = found
        return self._groups[doc]

    def accept(self, pane: int, sid: str, label: str | None = None) -> bool:
        doc = self.panes.document(pane)
        s = self.suggestions(doc).get(sid) if doc else None
        if s is None:
            return False
        return self.session.perform(AcceptSuggestions(self.session, doc, [s], label))

    def accept_group(self, pane: int, sid: str) -> bool:
        """Shift+Enter: accept every occurrence of the suggestion ``sid``'s quote with its label in the pane's
        document, as one undoable step."""
        doc = self.panes.document(pane)
        s = self.suggestions(doc).get(sid) if doc else None
        if s is None:
            return False
        return self.session.perform(AcceptSuggestions(self.session, doc, self.groups(doc)[(s.label, s.quote)]))

    def reject(self, pane: int, sid: str) -> bool:
        doc = self.panes.document(pane)
        s = self.suggestions(doc).get(sid) if doc else None
        if s is None:
            return False
        return self.session.perform(RejectSuggestions(self.session, doc, [s]))

    def accept_all(self, kind: str) -> None:
        """Accept every shown suggestion of ``kind`` in the active pane's document, as one undoable step."""
        doc = self.panes.document()
        if doc is None:
            return
        found = [s for s in self.suggestions(doc).values() if s.label == kind]
        if not found:
            self.status.show(f"No {kind} suggestions in this document.", 5000)
            return
        self.session.perform(AcceptSuggestions(self.session, doc, found, kind))

    # -------------------------------------------------------------- scrolling
    def set_sync(self, on: bool) -> None:
        self.sync = on
        if on:
            self.follow(self.panes.active, self.panes.view().top_offset())

    def follow(self, pane: int, offset: int) -> None:
        """The other pane follows ``pane`` by content: linked spans are anchors, characters in between."""
        if not self.sync or self._syncing:
            return
        doc_a, doc_b = self.panes.document(pane), self.panes.document(1 - pane)
        if doc_a is None or doc_b is None:
            return
        view_a, view_b = self.panes.view(pane), self.panes.view(1 - pane)
        anchors = [] if doc_a == doc_b else link_anchors(self.session.store, doc_a, doc_b)
        target = offset if doc_a == doc_b else map_offset(offset, anchors, len(view_a.text()), len(view_b.text()))
        self._syncing = True
        try:
            view_b.scroll_offset_to_top(target)
        finally:
            self._syncing = False

    # ----------------------------------------------------------------- export
    def export_discrepancies(self) -> None:
        path = save_file(self.status.dialog_parent, "Export discrepancies", "CSV (*.csv)", "discrepancies.csv",
                         fallback=Path(self.session.store.path).parent)
        if not path:
            return
        titles = {d.id: d.title for d in self.session.store.documents()}
        try:
            with atomic_writer(path) as fh:
                count = write_discrepancies_csv(self.discrepancies_dock.items, titles, fh)
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        self.status.show(f"{count} linked pair{'s' if count != 1 else ''} exported to {path}.", 6000)


def _keys_tip(count: int) -> str:
    """The keys a suggestion's tooltip names: "Enter accepts, Shift+Enter tags all 12, Backspace rejects"."""
    return f"Enter accepts, Shift+Enter tags all {count}, Backspace rejects" if count > 1 else \
        "Enter accepts, Backspace rejects"
