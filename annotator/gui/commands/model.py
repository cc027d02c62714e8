"""Undoable edits of model suggestions: accept or reject many at once, accept a pair, mark a document reviewed.

Accepting a model suggestion creates the annotation with the suggestion's provenance in ``origin`` (model,
prompt version, time, reason) and an empty note: the model's reason is not the analyst's note. Rejecting one
hides it in the same table as the rules suggester's rejections. Each command is one undoable step and one
transaction however many suggestions and documents it covers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from annotator.core.lazy import lazy_module
from annotator.core.llm.types import ModelSuggestion, PairSuggestion
from annotator.core.model import Annotation
from annotator.gui.commands.annotations import AddAnnotations, StoreCommand, short_quote

if TYPE_CHECKING:  # import-linter reads this import: the contracts still see the dependency
    from annotator.core.llm import pairs as llm_pairs
else:
    llm_pairs = lazy_module("annotator.core.llm.pairs")


def _what(suggestions: Sequence[ModelSuggestion], label: str | None) -> str:
    first = suggestions[0]
    if len(suggestions) == 1:
        return f"model suggestion '{short_quote(first.quote)}' as {label or first.label}"
    labels = {label} if label else {s.label for s in suggestions}
    kind = f" {next(iter(labels))}" if len(labels) == 1 else ""
    return f"{len(suggestions)}{kind} model suggestions"


class AcceptModelSuggestions(AddAnnotations):
    """Turn model suggestions (of any documents) into annotations, with their provenance in ``origin``."""

    def __init__(self, session, suggestions: Sequence[ModelSuggestion], label: str | None = None):
        suggestions = list(suggestions)
        super().__init__(session, f"Accept {_what(suggestions, label)}",
                         lambda store: [store.add_annotation(s.document, label or s.label, s.start, s.end,
                                                             session.user, "", origin=s.origin) for s in suggestions],
                         (s.document for s in suggestions))
        self.suggestions = suggestions
        self.label = label


class RejectModelSuggestions(StoreCommand):
    """Hide model suggestions (of any documents) until undone: the store's rejected suggestions."""

    def __init__(self, session, suggestions: Sequence[ModelSuggestion]):
        super().__init__(session, f"Reject {_what(suggestions, None)}")
        self.spans: dict[str, list[tuple[str, int, int]]] = {}
        for s in suggestions:
            self.spans.setdefault(s.document, []).append((s.label, s.start, s.end))

    def _do(self) -> None:
        self._apply(undo=False)
        self._each_document(self.text())

    def _undo(self) -> None:
        self._apply(undo=True)
        self._each_document("Undo: " + self.text())

    def _apply(self, undo: bool) -> None:
        store = self.session.store
        with store.transaction():
            for document, spans in self.spans.items():
                store.reject_suggestions(document, spans, undo=undo)

    def _each_document(self, what: str) -> None:
        for document in sorted(self.spans):
            self.session.announce(document)
        self.session.saved.emit(what)


class MarkReviewed(StoreCommand):
    """Mark a document reviewed by the analyst (or take the mark back): the evaluation counts only reviewed
    documents. ``changed`` is called after each change (the evaluation view re-reads the list)."""

    def __init__(self, session, document: str, title: str, reviewed: bool, changed: Callable[[], None]):
        what = "reviewed" if reviewed else "not reviewed"
        super().__init__(session, f"Mark '{short_quote(title)}' {what}")
        self.document = document
        self.reviewed = reviewed
        self.changed = changed

    def _do(self) -> None:
        self._set(self.reviewed, self.text())

    def _undo(self) -> None:
        self._set(not self.reviewed, "Undo: " + self.text())

    def _set(self, reviewed: bool, what: str) -> None:
        self.session.store.mark_done(self.document, self.session.user, reviewed)
        self.session.saved.emit(what)
        self.changed()


class AcceptPair(StoreCommand):
    """Accept a cross-source pair: the target span tagged with the source's label (unless it is so already) and
    linked to the source with the relation's link type, in one transaction (:func:`accept_pair`); undo removes
    the link and the tag it created."""

    def __init__(self, session, pair: PairSuggestion, source_quote: str):
        super().__init__(session, f"Link '{short_quote(source_quote, 25)}' {pair.link_type} "
                                  f"'{short_quote(pair.quote, 25)}'")
        self.pair = pair
        self.annotation: Annotation | None = None  # the tag it created (None: the span was tagged already)
        self.link = None

    def _do(self) -> None:
        store, pair = self.session.store, self.pair
        if self.link is None:
            tagged = any((a.start, a.end) == (pair.start, pair.end)
                         for a in store.iter_annotations(document=pair.document, label=pair.label))
            annotation_id, link_id = llm_pairs.accept_pair(store, pair, self.session.user)
            self.annotation = None if tagged else store.annotation(annotation_id)
            self.link = store.link(link_id)
        else:
            with store.transaction():
                if self.annotation is not None:
                    store.restore_annotation(self.annotation)
                store.restore_link(self.link)
        self._announce(self.text())

    def _undo(self) -> None:
        store = self.session.store
        with store.transaction():
            store.delete_link(self.link.id)
            if self.annotation is not None:
                store.delete_annotation(self.annotation.id)
        self._announce("Undo: " + self.text())

    def _announce(self, what: str) -> None:
        self.session.announce(self.pair.document)
        self.session.announce_links()
        self.session.saved.emit(what)
