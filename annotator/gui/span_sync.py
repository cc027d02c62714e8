"""How the main window keeps its panes' spans in step with the store: full loads, loading in parts, patches.

A mixin of :class:`annotator.gui.main_window.MainWindow` (it uses the window's
``session``, ``panes``, ``display``, ``colors``, ``cross``, ``dock`` and docks).
The window keeps, per document on screen, a light row per annotation
(``doc_spans``; ``spans`` is a view over all of them) and its label counts.
"""

from __future__ import annotations

from collections import ChainMap, Counter
from operator import itemgetter

from annotator.core.errors import AnnotatorError

#: Documents with more annotations than this show their first screens' spans at once and load the rest
#: in steps from the event loop; the text is read in parts of LOAD_STEP_CHARS characters.
PROGRESSIVE_FROM = 5000
LOAD_STEP_CHARS = 1 << 17


class SpanSync:
    def _refresh_spans(self, index: int) -> None:
        """Re-read the spans of pane ``index``'s document and repaint it.

        A document with many annotations shows the spans of its first screens
        at once and the rest a part at a time from the event loop (see
        :meth:`DocumentView.set_spans`), so it paints in a fraction of a second.
        """
        doc_id = self.pane_document(index)
        if doc_id is None:
            return
        store = self.session.store
        view = self.panes[index].view
        counts = Counter(store.label_counts([doc_id]))
        progressive = sum(counts.values()) > PROGRESSIVE_FROM and not self.cross.shows_suggestions(doc_id)
        first_end = max(LOAD_STEP_CHARS, view.bottom_offset() + 1) if progressive else None
        rows = store.span_rows(doc_id, start_before=first_end)
        shown = {self.pane_document(i) for i in range(len(self.panes))}
        self.doc_spans = {d: t for d, t in self.doc_spans.items() if d in shown and d != doc_id}
        table = self.doc_spans[doc_id] = dict(zip(map(itemgetter(0), rows), rows))
        self.spans = ChainMap(*self.doc_spans.values())
        self.label_counts = {d: c for d, c in self.label_counts.items() if d in shown}
        self.label_counts[doc_id] = counts
        selected = view.selected_span()
        view.tooltip_provider = self._span_tooltip
        names = self._annotator_names()
        suggestions = self.cross.styles(doc_id)
        loader = None
        if progressive:
            length, step = len(view.text()), {"next": first_end}

            def loader() -> bool:
                """Hand the view the spans of the next part of the text; False once the text is covered."""
                start = step["next"]
                if start >= length:
                    return False
                step["next"] = start + LOAD_STEP_CHARS
                try:
                    part = store.span_rows(doc_id, start_from=start, start_before=step["next"])
                except AnnotatorError as exc:
                    self.statusBar().showMessage(f"Not every span could be shown: {exc}", 8000)
                    return False
                table.update(zip(map(itemgetter(0), part), part))
                view.extend_spans(self.display.styles(part, index, self.colors, names))
                return step["next"] < length

        view.set_spans(self.display.styles(rows, index, self.colors, names) + suggestions,
                       presorted=not suggestions, loader=loader)
        if selected is not None and view.has_span(selected):
            view.select_span(selected, scroll=False)
        elif selected is not None:
            view.select_span(None, scroll=False)

    def _annotator_names(self) -> list[str]:
        return [a.id for a in self.session.store.annotators()]

    def _span_tooltip(self, ann_id: str) -> str:
        ann = self.annotation(ann_id)
        return self.display.tooltip(ann) if ann is not None else ""

    def _patch(self, delta) -> bool:
        """Follow an edit of a few annotations by re-reading just those rows; False if a full reload is needed.

        This is the path of every tag, delete, relabel, note and bounds edit
        outside review, and why tagging costs the same in a 50,000-span
        document as in an empty one.
        """
        doc_id = delta.document
        panes = [i for i in range(len(self.panes)) if self.pane_document(i) == doc_id]
        table = self.doc_spans.get(doc_id)
        if not panes or table is None or self.reviewing() or self.cross.shows_suggestions(doc_id):
            return False
        for index in panes:  # every old row must be known before it is replaced
            self.panes[index].view.finish_loading()
        ids = list(dict.fromkeys(delta.added + delta.changed + delta.removed))
        rows = self.session.store.span_rows_by_id(i for i in ids if i not in delta.removed)
        self.cross.invalidate(doc_id)
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
        self.label_counts.setdefault(doc_id, Counter()).update(labels)
        names = self._annotator_names()
        for index in panes:
            styles = self.display.styles(rows, index, self.colors, names)
            painted = {st.id for st in styles}
            self.panes[index].view.update_spans(styles, [i for i in ids if i not in painted])
        self.dock.apply_delta(delta.added, delta.changed, delta.removed)
        if not self.annotators_dock.adjust_counts({k: v for k, v in annotators.items() if v}):
            self._reload_annotators()
        self.corpus.library.model.adjust_counts(doc_id, {k: v for k, v in labels.items() if v})
        if delta.changed or delta.removed:  # labels and links feed the cross-source docks
            self.cross.reload()
        self.dock.follow(self.view().selected_span())
        self._update_status()
        self._update_actions()
        return True
