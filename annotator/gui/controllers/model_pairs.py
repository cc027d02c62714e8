"""Analyse > Find the same statement in other reports: cross-source pairs offered as links to accept.

On the selected span (a Claim or a Figure), :func:`annotator.core.llm.pairs.suggest_pairs` asks the model set
in Analyse > Model suggestions… (remembered in settings.ini) which spans of the OTHER documents state the same
thing and whether they agree, are compatible or contradict: in the background, with progress and Cancel, cached
like span answers. Each pair is painted dashed in the pane showing its target document (ids ``pair|…``) and
listed in the Model dock's Pairs tab. Accepting one (Enter on it, or *Accept pair*) is one undoable step: the
target span tagged with the source's label (unless it is so already) and linked to the source with the
relation's link type (:data:`annotator.core.llm.types.RELATIONS`) — and the Discrepancies dock lists it.
Backspace hides a pair for this session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from collections.abc import Iterable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from annotator.core.lazy import lazy_module
from annotator.core.errors import AnnotatorError
from annotator.core.llm.endpoint import Endpoint, check_allowed, make_endpoint
from annotator.core.llm.types import PairSuggestion
from annotator.gui import actions as A
from annotator.gui.commands.annotations import short_quote
from annotator.gui.commands.model import AcceptPair
from annotator.gui.controllers.crosssource import PAIR_PREFIX
from annotator.gui.controllers.model_ask import ask_in_background, cache_answers
from annotator.gui.dialogs.model_dialog import BASE_URL_KEY, CONTEXT_KEY, NAME_KEY, TIMEOUT_KEY
from annotator.gui.panels.model_dock import ModelDock
from annotator.gui.settings import settings
from annotator.gui.views.document_view import SpanStyle
from annotator.gui.window.overlays import Overlays
from annotator.gui.window.pane_state import PaneState
from annotator.gui.window.status import Status

if TYPE_CHECKING:  # import-linter reads these imports: the contracts still see the dependency
    from annotator.core.llm import pairs as llm_pairs
else:
    llm_pairs = lazy_module("annotator.core.llm.pairs")

PAIRS_TAB = 1
#: The labels a pair is asked for; another label is asked about too, after saying so.
PAIR_LABELS = ("Claim", "Figure")


def remembered_endpoint() -> Endpoint | None:
    """The endpoint last started in Analyse > Model suggestions… (None before the first; raises for a bad one)."""
    s = settings()
    name = str(s.value(NAME_KEY, "") or "")
    if not name:
        return None
    return make_endpoint(str(s.value(BASE_URL_KEY, "") or ""), name, timeout=float(s.value(TIMEOUT_KEY, 120)),
                         context_tokens=int(s.value(CONTEXT_KEY, 8192)))


def pair_tooltip(pair: PairSuggestion, source_quote: str) -> str:
    return (f"Same statement as '{short_quote(source_quote, 50)}' ({pair.relation}: link '{pair.link_type}') "
            f"by {pair.provenance.model}: {pair.reason} — Enter accepts (tag and link), Backspace hides")


class ModelPairs(QObject):
    """The pairs found for a source span: painted in the panes, listed in the dock, accepted as tag + link."""

    def __init__(self, session, panes: PaneState, status: Status, dock: ModelDock, overlays: Overlays):
        super().__init__(status.dialog_parent)
        self.session = session
        self.panes = panes
        self.status = status
        self.dock = dock
        self.overlays = overlays
        self.found: dict[str, PairSuggestion] = {}
        self.sources: dict[str, str] = {}  # source annotation id -> its quote
        self._count = 0
        dock.pair_activated.connect(self.show_pair)
        dock.pair_accept_requested.connect(self.accept)
        session.links_changed.connect(lambda: self.found and self.refresh())
        session.annotations_changed.connect(lambda _doc: self.found and self.refresh())

    def connect(self, actions: dict[str, QAction]) -> None:
        actions[A.MODEL_PAIRS].triggered.connect(self.find_pairs)

    # ------------------------------------------------------------------ the run
    def find_pairs(self) -> bool:
        """Ask the model for the selected span's statement in the other documents; True if it answered."""
        ann = self.panes.selected_annotation()
        if ann is None:
            self.status.show("Select a Claim or Figure span first, then look for it in the other reports.", 6000)
            return False
        try:
            endpoint = remembered_endpoint()
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return False
        if endpoint is None:
            self.status.show("Choose a model first: Analyse > Model suggestions… (Ctrl+Alt+G).", 6000)
            return False
        store = self.session.store
        others = [d.id for d in store.documents() if d.id != ann.document]
        try:
            check_allowed(endpoint, store.model_hosts_allowed())
            request = llm_pairs.pair_request(store, [ann.id], others)
            keys = llm_pairs.pair_cache_keys(request, endpoint)
            cached = store.cached_answers(keys)
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return False
        result = self._ask(request, endpoint, cached)
        if result is None:
            return False
        self._save(result.answers, keys, endpoint.model)
        self._show(ann, result, endpoint.model)
        return True

    def _ask(self, request, endpoint: Endpoint, cached: dict):
        def job(client):
            return lambda progress: llm_pairs.suggest_pairs(
                request, client, cached=cached, cancelled=lambda: progress.cancelled,
                progress=lambda done, total: progress(done, total, f"Asking {endpoint.model}: passage {done} of "
                                                                   f"{total}…"))
        return ask_in_background(self.status, "Same statement in other reports", endpoint, job)

    def _save(self, answers: dict, keys: dict[str, str], model: str) -> None:
        cache_answers(self.session, self.status, [(key, keys[key], model, llm_pairs.PAIRS_PROMPT_VERSION, answer, when)
                                                  for key, (answer, when) in answers.items() if key in keys])

    def _show(self, ann, result, model: str) -> None:
        summary = result.summary
        if summary.failed and summary.failed >= summary.asked:
            self.status.error(" ".join(summary.messages) or "Every request to the model failed.")
        self.sources[ann.id] = ann.quote
        before = {p.document for p in self.found.values()}
        self.found = {sid: p for sid, p in self.found.items() if p.source != ann.id}
        for pair in result.pairs:
            self._count += 1
            self.found[f"{PAIR_PREFIX}{self._count}"] = pair
        line = (f"'{short_quote(ann.quote, 50)}' in other reports, by {model}: "
                f"{len(result.pairs)} pair{'s' if len(result.pairs) != 1 else ''}; {summary.line()}")
        self.status.show(line, 0)
        self.refresh(line, also=before)
        self.dock.show()
        self.dock.raise_()
        self.dock.tabs.setCurrentIndex(PAIRS_TAB)

    # ------------------------------------------------------------------ what is shown
    def linked(self, pair: PairSuggestion) -> bool:
        """Whether the pair was accepted: its target span linked to its source."""
        store = self.session.store
        for link in store.links_of(pair.source):
            other = link.target if link.source == pair.source else link.source
            try:
                ann = store.annotation(other)
            except AnnotatorError:
                continue
            if (ann.document, ann.start, ann.end) == (pair.document, pair.start, pair.end):
                return True
        return False

    def visible(self, doc: str | None = None) -> list[tuple[str, PairSuggestion]]:
        return [(sid, p) for sid, p in self.found.items()
                if (doc is None or p.document == doc) and p.source in self.sources and not self.linked(p)]

    def refresh(self, summary: str | None = None, also: Iterable[str] = ()) -> None:
        """The dock's Pairs tab and the panes follow (a pair accepted, undone or hidden; ``also``: documents whose
        pairs are gone)."""
        if summary is None:
            summary = self.dock.pairs_summary.text()
        self.dock.set_pairs([(sid, p, self.sources[p.source]) for sid, p in self.visible()], summary)
        for doc in sorted({p.document for p in self.found.values()} | set(also)):
            self.overlays.changed.emit(doc)

    def decorates(self, doc: str) -> bool:
        return any(p.document == doc for p in self.found.values())

    def spans(self, doc: str, colors: dict[str, str]) -> list[SpanStyle]:
        return [SpanStyle(sid, p.start, p.end, colors.get(p.label, "#888888"),
                          pair_tooltip(p, self.sources[p.source]), dashed=True)
                for sid, p in self.visible(doc)]

    # ------------------------------------------------------------------ accepting
    def owns(self, span_id: str | None) -> bool:
        return bool(span_id) and span_id.startswith(PAIR_PREFIX)

    def accept(self, sid: str) -> bool:
        """Enter on a pair, or *Accept pair*: tag + link, one undoable step."""
        pair = self.found.get(sid)
        if pair is None or self.linked(pair):
            return False
        return self.session.perform(AcceptPair(self.session, pair, self.sources[pair.source]))

    def reject(self, sid: str) -> bool:
        """Backspace on a pair: hidden (nothing is stored)."""
        pair = self.found.pop(sid, None)
        if pair is None:
            return False
        self.refresh(also=[pair.document])
        return True

    def show_pair(self, sid: str) -> None:
        """A Pairs row activated: the source in one pane, the target selected in the other."""
        pair = self.found.get(sid)
        if pair is None:
            return
        try:
            source = self.session.store.annotation(pair.source)
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        target_pane = self.panes.show_near(pair.document)
        if source.document != pair.document and self.panes.document(1 - target_pane) != source.document:
            self.panes.show(1 - target_pane, source.document)
        self.panes.view(1 - target_pane).select_span(source.id)
        self.panes.set_active(target_pane)
        self.panes.view(target_pane).select_span(sid)
        self.panes.view(target_pane).setFocus()
