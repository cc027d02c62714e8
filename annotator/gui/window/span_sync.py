"""The spans on screen kept in step with the store: full loads, loading in parts, and patches after an edit.

:class:`SpanSync` is owned by the main window. It keeps, per document on
screen, a light row per annotation (:attr:`SpanSync.doc_spans`; :attr:`SpanSync.spans`
is a view over all of them) and its label counts, and paints the panes from
them through :class:`~annotator.gui.views.span_display.SpanDisplay` and the
:class:`~annotator.gui.window.overlays.Overlays`. After an edit that names its
annotations (an :class:`~annotator.gui.session.AnnotationDelta`) it re-reads just
those rows (:meth:`SpanSync.patch`) and says what changed with
:attr:`SpanSync.patched`, so the list and the counts elsewhere follow without a reload.
"""

from __future__ import annotations

from collections import ChainMap, Counter
from operator import itemgetter

from PySide6.QtCore import QObject, Signal

from annotator.core.attributes import FLAG_ON
from annotator.core.errors import AnnotatorError
from annotator.core.model import Annotation, Label, SpanRow
from annotator.gui.session import AnnotationDelta
from annotator.gui.views.span_display import SpanDisplay
from annotator.gui.window.overlays import Overlays
from annotator.gui.window.pane_state import PaneState
from annotator.gui.window.status import Status

#: Documents with more annotations than this show their first screens' spans at once and load the rest
#: in steps from the event loop. The text is read in parts of about LOAD_STEP_SPANS spans (by the document's
#: average density), of at most LOAD_STEP_CHARS characters: a 3 MB text with 50,000 spans loads ~2,200 spans
#: a step, a dense 400,000-character one with 125,000 spans ~4,000 (one step of 131,072 characters there held
#: 41,000 spans, 0.3 s before the first paint and as long a pause in each step after it).
PROGRESSIVE_FROM = 5000
LOAD_STEP_CHARS = 1 << 17
LOAD_STEP_SPANS = 4000


def load_step(length: int, spans: int) -> int:
    """How many characters of a ``length``-character text with ``spans`` spans to load in one step."""
    by_density = LOAD_STEP_SPANS * length // max(spans, 1)
    return max(1, min(LOAD_STEP_CHARS, max(by_density, 1024)))


class SpanSync(QObject):
    #: An edit was followed by a patch; arguments: the delta, and the change in label counts and in
    #: annotator counts it made (label -> +/-n, annotator -> +/-n; zero entries left out).
    patched = Signal(object, object, object)

    def __init__(self, session, panes: PaneState, display: SpanDisplay, overlays: Overlays, status: Status,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.panes = panes
        self.display = display
        self.overlays = overlays
        self.status = status
        self.colors: dict[str, str] = {}  # label -> colour, in the scheme's order
        self.doc_spans: dict[str, dict[str, SpanRow]] = {}  # per document on screen: id -> light row
        self.spans: ChainMap = ChainMap()  # every span on screen by id: a view over doc_spans
        self.label_counts: dict[str, Counter] = {}  # per document on screen: label -> annotations

    def set_labels(self, labels: list[Label]) -> None:
        """The scheme changed: new colours; the caller repaints."""
        self.colors = {lb.name: lb.color for lb in labels}

    def counts_on_screen(self) -> Counter:
        """Annotations per label over the documents on screen."""
        counts: Counter = Counter()
        for doc_id in self.panes.shown():
            counts.update(self.label_counts.get(doc_id, {}))
        return counts

    def annotation(self, ann_id: str | None) -> Annotation | None:
        """The full record of an annotation shown in a pane, read from the store (None if not on screen)."""
        if not ann_id or ann_id not in self.spans:
            return None
        try:
            return self.session.store.annotation(ann_id)
        except AnnotatorError:
            return None

    # ------------------------------------------------------------------ painting
    def refresh_all(self) -> None:
        for index in range(len(self.panes)):
            self.refresh(index)

    def refresh_document(self, doc_id: str) -> None:
        """Repaint the panes showing ``doc_id`` ("" : every pane)."""
        for index in range(len(self.panes)):
            if not doc_id or self.panes.document(index) == doc_id:
                self.refresh(index)

    def refresh(self, index: int) -> None:
        """Re-read the spans of pane ``index``'s document and repaint it.

        A document with many annotations shows the spans of its first screens
        at once and the rest a part at a time from the event loop (see
        :meth:`DocumentView.set_spans`), so it paints in a fraction of a second.
        """
        doc_id = self.panes.document(index)
        if doc_id is None:
            return
        store = self.session.store
        view = self.panes.view(index)
        counts = Counter(store.label_counts([doc_id]))
        total = sum(counts.values())
        progressive = total > PROGRESSIVE_FROM and not self.overlays.decorates(doc_id)
        step = load_step(len(view.text()), total)
        first_end = max(step, view.bottom_offset() + 1) if progressive else None
        rows = store.span_rows(doc_id, start_before=first_end)
        table = self._forget_others(doc_id)
        table.update(zip(map(itemgetter(0), rows), rows))
        self.label_counts[doc_id] = counts
        selected = view.selected_span()
        view.tooltip_provider = self._span_tooltip
        names = self._annotator_names()
        extra = self.overlays.spans(doc_id, self.colors)
        loader = self._loader(index, doc_id, table, first_end, step, names) if progressive else None
        view.set_spans(self.display.styles(rows, index, self.colors, names) + extra,
                       presorted=not extra, loader=loader)
        if selected is not None and view.has_span(selected):
            view.select_span(selected, scroll=False)
        elif selected is not None:
            view.select_span(None, scroll=False)

    def _forget_others(self, doc_id: str) -> dict[str, SpanRow]:
        """Drop the tables of documents no longer on screen; a new, empty table for ``doc_id``."""
        shown = set(self.panes.shown())
        self.doc_spans = {d: t for d, t in self.doc_spans.items() if d in shown and d != doc_id}
        table = self.doc_spans[doc_id] = {}
        self.spans = ChainMap(*self.doc_spans.values())
        self.label_counts = {d: c for d, c in self.label_counts.items() if d in shown}
        return table

    def _loader(self, index: int, doc_id: str, table: dict, first_end: int, chars: int, names: list[str]):
        """A function handing pane ``index`` the spans of the next ``chars`` characters; False once all are in."""
        store, view = self.session.store, self.panes.view(index)
        length, step = len(view.text()), {"next": first_end}

        def loader() -> bool:
            start = step["next"]
            if start >= length:
                return False
            step["next"] = start + chars
            try:
                part = store.span_rows(doc_id, start_from=start, start_before=step["next"])
            except AnnotatorError as exc:
                self.status.show(f"Not every span could be shown: {exc}", 8000)
                return False
            table.update(zip(map(itemgetter(0), part), part))
            view.extend_spans(self.display.styles(part, index, self.colors, names))
            return step["next"] < length

        return loader

    def _annotator_names(self) -> list[str]:
        return [a.id for a in self.session.store.annotators()]

    def _span_tooltip(self, ann_id: str) -> str:
        ann = self.annotation(ann_id)
        if ann is None:
            return ""
        values = self.session.store.annotation_attributes(ann_id)  # one small query, on hover only
        shown = " · ".join(k if v == FLAG_ON else f"{k}: {v}" for k, v in values.items())
        return self.display.tooltip(ann) + (f"\n{shown}" if shown else "")

    # ------------------------------------------------------------------ patching
    def patch(self, delta: AnnotationDelta) -> bool:
        """Follow an edit of a few annotations by re-reading just those rows; False if a full reload is needed.

        This is the path of every tag, delete, relabel, note and bounds edit
        outside review, and why tagging costs the same in a 50,000-span
        document as in an empty one.
        """
        doc_id = delta.document
        panes = [i for i in range(len(self.panes)) if self.panes.document(i) == doc_id]
        table = self.doc_spans.get(doc_id)
        if not panes or table is None or self.overlays.decorates(doc_id):
            return False
        for index in panes:  # every old row must be known before it is replaced
            self.panes.view(index).finish_loading()
        ids = list(dict.fromkeys(delta.added + delta.changed + delta.removed))
        rows = self.session.store.span_rows_by_id(i for i in ids if i not in delta.removed)
        labels, annotators = self._replace_rows(table, ids, rows)
        self.label_counts.setdefault(doc_id, Counter()).update(labels)
        names = self._annotator_names()
        for index in panes:
            styles = self.display.styles(rows, index, self.colors, names)
            painted = {st.id for st in styles}
            self.panes.view(index).update_spans(styles, [i for i in ids if i not in painted])
        self.patched.emit(delta, {k: v for k, v in labels.items() if v}, {k: v for k, v in annotators.items() if v})
        return True

    @staticmethod
    def _replace_rows(table: dict[str, SpanRow], ids: list[str], rows: list[SpanRow]) -> tuple[Counter, Counter]:
        """Put ``rows`` in place of the old rows of ``ids``; the change in label and annotator counts."""
        labels: Counter = Counter()
        annotators: Counter = Counter()
        for ann_id in ids:  # the old state leaves the counts, the new one enters
            old = table.pop(ann_id, None)
            if old is not None:
                labels[old.label] -= 1
                annotators[old.annotator] -= 1
        for row in rows:
            labels[row.label] += 1
            annotators[row.annotator] += 1
            table[row.id] = row
        return labels, annotators
