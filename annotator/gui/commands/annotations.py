"""Undoable edits. ``redo``/``undo`` only call Store methods and announce the change.

Each command is run first by :meth:`ProjectSession.perform` through
``apply()``, which raises on failure so nothing lands on the undo stack; the
stack's first ``redo()`` call after a push is then skipped. Later failures
(for example a project made read-only meanwhile) are reported through
``session.error`` and leave the stack where it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtGui import QUndoCommand

from annotator.core import decisions
from annotator.core.errors import AnnotatorError
from annotator.core.formats.documents import AddedDocuments, Article, add_documents
from annotator.core.model import Annotation
from annotator.core.store.documents import DocumentSnapshot
from annotator.gui.session import AnnotationDelta


def short_quote(quote: str, limit: int = 40) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= limit else quote[: limit - 1] + "…"


class StoreCommand(QUndoCommand):
    """Base: remembers the session and guards redo/undo against store errors."""

    def __init__(self, session, text: str):
        super().__init__(text)
        self.session = session
        self.applied = False

    def apply(self) -> None:
        self._do()

    def redo(self) -> None:
        if self.applied:
            self.applied = False  # the push's own redo(): already done by apply()
            return
        if not self._foreign_changes():
            self._guard(self._do)

    def undo(self) -> None:
        if not self._foreign_changes():
            self._guard(self._undo)

    def _foreign_changes(self) -> bool:
        """True when another program committed since the window last looked: then this step is not replayed.

        The window (:mod:`annotator.gui.controllers.durability`) then shows that program's
        changes and clears the undo history, so that no undo removes its work.
        """
        check = getattr(self.session, "foreign_changes", None)
        return bool(check is not None and check())

    def _guard(self, fn) -> None:
        try:
            fn()
        except AnnotatorError as exc:
            self.setObsolete(True)
            self.session.report(exc)

    def _do(self) -> None:  # pragma: no cover - abstract
        raise AssertionError("subclasses define _do")

    def _undo(self) -> None:  # pragma: no cover - abstract
        raise AssertionError("subclasses define _undo")

    def _changed(self, document: str, what: str, delta: AnnotationDelta | None = None) -> None:
        self.session.announce(document, delta)
        self.session.saved.emit(what)


class CreateAnnotation(StoreCommand):
    """Tag ``[start, end)`` of a document with a label."""

    def __init__(self, session, document: str, label: str, start: int, end: int, quote: str):
        super().__init__(session, f"Tag '{short_quote(quote)}' as {label}")
        self.args = (document, label, start, end)
        self.annotation: Annotation | None = None

    def _do(self) -> None:
        document, label, start, end = self.args
        if self.annotation is None:
            self.annotation = self.session.store.add_annotation(document, label, start, end, self.session.user)
        else:
            self.session.store.restore_annotation(self.annotation)
        self._changed(document, self.text(), AnnotationDelta(document, added=(self.annotation.id,)))

    def _undo(self) -> None:
        self.session.store.delete_annotation(self.annotation.id)
        self._changed(self.annotation.document, "Undo: " + self.text(),
                      AnnotationDelta(self.annotation.document, removed=(self.annotation.id,)))


class DeleteAnnotation(StoreCommand):
    def __init__(self, session, annotation: Annotation):
        super().__init__(session, f"Delete '{short_quote(annotation.quote)}' ({annotation.label})")
        self.annotation = annotation
        self.links = []
        self.attributes: dict[str, str] = {}

    def _do(self) -> None:
        store = self.session.store
        self.links = [k for k in store.links() if self.annotation.id in (k.source, k.target)]
        self.attributes = store.annotation_attributes(self.annotation.id)
        self.annotation = store.delete_annotation(self.annotation.id)
        self._changed(self.annotation.document, self.text(),
                      AnnotationDelta(self.annotation.document, removed=(self.annotation.id,)))
        if self.links:
            self.session.announce_links()

    def _undo(self) -> None:
        store = self.session.store
        with store.transaction():
            store.restore_annotation(self.annotation)
            if self.attributes:
                store.restore_annotation_attributes(self.annotation.id, self.attributes, self.annotation.modified)
            for k in self.links:
                store.add_link(k.type, k.source, k.target, k.annotator, k.note, id=k.id, created=k.created)
        self._changed(self.annotation.document, "Undo: " + self.text(),
                      AnnotationDelta(self.annotation.document, added=(self.annotation.id,)))
        if self.links:
            self.session.announce_links()


class EditAnnotation(StoreCommand):
    """Change one field of an annotation (label, note or status), keeping the old value for undo."""

    DESCRIPTIONS = {"label": "Relabel '{q}' as {new}", "note": "Edit note on '{q}'", "status": "Mark '{q}' {new}"}

    def __init__(self, session, annotation: Annotation, field: str, new_value: str):
        text = self.DESCRIPTIONS[field].format(q=short_quote(annotation.quote), new=new_value)
        super().__init__(session, text)
        self.annotation = annotation
        self.field = field
        self.old = getattr(annotation, field)
        self.old_modified = annotation.modified
        self.new = new_value

    def _do(self) -> None:
        self.session.store.update_annotation(self.annotation.id, **{self.field: self.new})
        self._changed(self.annotation.document, self.text(), self._delta())

    def _undo(self) -> None:
        self.session.store.update_annotation(
            self.annotation.id, **{self.field: self.old, "modified": self.old_modified}
        )
        self._changed(self.annotation.document, "Undo: " + self.text(), self._delta())

    def _delta(self) -> AnnotationDelta:
        return AnnotationDelta(self.annotation.document, changed=(self.annotation.id,))


class EditAttributes(StoreCommand):
    """Give a span exactly these attributes (``{name: value}``; checked against its label's declarations)."""

    def __init__(self, session, annotation: Annotation, values: dict[str, str]):
        super().__init__(session, f"Edit attributes of '{short_quote(annotation.quote)}'")
        self.annotation = annotation
        self.new = dict(values)
        self.old: dict[str, str] | None = None

    def _do(self) -> None:
        old = self.session.store.set_annotation_attributes(self.annotation.id, self.new)
        if self.old is None:
            self.old = old
        self._changed(self.annotation.document, self.text(), self._delta())

    def _undo(self) -> None:
        self.session.store.restore_annotation_attributes(self.annotation.id, self.old or {},
                                                         self.annotation.modified)
        self._changed(self.annotation.document, "Undo: " + self.text(), self._delta())

    def _delta(self) -> AnnotationDelta:
        return AnnotationDelta(self.annotation.document, changed=(self.annotation.id,))


class ReviewCommand(StoreCommand):
    """One review decision (accept, reject, accept all agreed); ``decide`` runs the core decision once."""

    def __init__(self, session, decide):
        super().__init__(session, "Review decision")
        self.decide = decide
        self.decision = None

    def _do(self) -> None:
        if self.decision is None:
            self.decision = self.decide()
            self.setText(self.decision.description)
        else:
            decisions.redo(self.session.store, self.decision)
        self._announce(self.text())

    def _undo(self) -> None:
        decisions.undo(self.session.store, self.decision)
        self._announce("Undo: " + self.text())

    def _announce(self, what: str) -> None:
        for document in sorted(self.decision.documents):
            self.session.announce(document)
        self.session.saved.emit(what)


class AdjustBounds(StoreCommand):
    """Move a span to new bounds (its quote follows the text)."""

    def __init__(self, session, annotation: Annotation, start: int, end: int, quote: str):
        super().__init__(session, f"Set bounds of '{short_quote(annotation.quote)}' to '{short_quote(quote)}'")
        self.annotation = annotation
        self.new = (start, end)

    def _do(self) -> None:
        start, end = self.new
        self.session.store.update_annotation(self.annotation.id, start=start, end=end)
        self._changed(self.annotation.document, self.text(),
                      AnnotationDelta(self.annotation.document, changed=(self.annotation.id,)))

    def _undo(self) -> None:
        a = self.annotation
        self.session.store.update_annotation(a.id, start=a.start, end=a.end, modified=a.modified)
        self._changed(a.document, "Undo: " + self.text(), AnnotationDelta(a.document, changed=(a.id,)))


class CreateLink(StoreCommand):
    """Link two spans with a typed relation."""

    def __init__(self, session, source: Annotation, target: Annotation, link_type: str):
        super().__init__(session, f"Link '{short_quote(source.quote, 25)}' {link_type} '{short_quote(target.quote, 25)}'")
        self.args = (link_type, source, target)
        self.link = None

    def _do(self) -> None:
        link_type, source, target = self.args
        if self.link is None:
            self.link = self.session.store.add_link(link_type, source.id, target.id, self.session.user)
        else:
            self.session.store.restore_link(self.link)
        self._announce(self.text())

    def _undo(self) -> None:
        self.session.store.delete_link(self.link.id)
        self._announce("Undo: " + self.text())

    def _announce(self, what: str) -> None:
        self.session.announce_links()
        self.session.saved.emit(what)


class DeleteLink(StoreCommand):
    def __init__(self, session, link, source: Annotation, target: Annotation):
        super().__init__(session, f"Delete link '{short_quote(source.quote, 25)}' {link.type} "
                                  f"'{short_quote(target.quote, 25)}'")
        self.link = link

    def _do(self) -> None:
        self.session.store.delete_link(self.link.id)
        self.session.announce_links()
        self.session.saved.emit(self.text())

    def _undo(self) -> None:
        self.session.store.restore_link(self.link)
        self.session.announce_links()
        self.session.saved.emit("Undo: " + self.text())


class AcceptSuggestions(StoreCommand):
    """Turn suggestions of one document into annotations (one undoable step however many)."""

    def __init__(self, session, document: str, suggestions, label: str | None = None):
        what = (f"'{short_quote(suggestions[0].quote)}' as {label or suggestions[0].label}" if len(suggestions) == 1
                else f"{len(suggestions)} {label or suggestions[0].label} suggestions")
        super().__init__(session, f"Accept suggestion {what}" if len(suggestions) == 1 else f"Accept {what}")
        self.document = document
        self.suggestions = list(suggestions)
        self.label = label
        self.created: list[Annotation] = []

    def _do(self) -> None:
        store = self.session.store
        with store.transaction():
            if not self.created:
                for s in self.suggestions:
                    # The reason is provenance, not the analyst's note: it goes to ``origin``.
                    self.created.append(store.add_annotation(self.document, self.label or s.label, s.start, s.end,
                                                             self.session.user, origin=f"suggested: {s.reason}"))
            else:
                for a in self.created:
                    store.restore_annotation(a)
        self._changed(self.document, self.text())

    def _undo(self) -> None:
        store = self.session.store
        with store.transaction():
            for a in self.created:
                store.delete_annotation(a.id)
        self._changed(self.document, "Undo: " + self.text())


class RejectSuggestions(StoreCommand):
    """Hide suggestions for their document (they stay hidden until undone)."""

    def __init__(self, session, document: str, suggestions):
        super().__init__(session, f"Reject suggestion '{short_quote(suggestions[0].quote)}'" if len(suggestions) == 1
                         else f"Reject {len(suggestions)} suggestions")
        self.document = document
        self.spans = [(s.label, s.start, s.end) for s in suggestions]

    def _do(self) -> None:
        self.session.store.reject_suggestions(self.document, self.spans)
        self._changed(self.document, self.text())

    def _undo(self) -> None:
        self.session.store.reject_suggestions(self.document, self.spans, undo=True)
        self._changed(self.document, "Undo: " + self.text())


class DeleteDocument(StoreCommand):
    """Delete a document with its annotations and links; undo puts everything back."""

    def __init__(self, session, document):
        super().__init__(session, f"Delete document '{short_quote(document.title)}'")
        self.document = document
        self.snapshot = None

    def _do(self) -> None:
        self.snapshot = self.session.store.delete_document(self.document.id)
        self.session.announce_documents()
        self.session.saved.emit(self.text())

    def _undo(self) -> None:
        self.session.store.restore_document(self.snapshot)
        self.session.announce_documents()
        self.session.announce(self.document.id)
        self.session.saved.emit("Undo: " + self.text())


class AddDocuments(StoreCommand):
    """Add articles as documents, as one undoable step however many (``core.formats.documents.add_documents``).

    ``articles`` carry the title, source, date and URL to record (the Add documents dialog's, or the file's).
    ``result`` tells, once done, which documents were created and which were already in the project; undo
    deletes just the created ones, and redo puts them back exactly as they were (ids, dates, order).
    """

    def __init__(self, session, articles: Sequence[Article]):
        many = len(articles) != 1
        super().__init__(session, f"Add {len(articles)} documents" if many else
                         f"Add document '{short_quote(articles[0].title)}'")
        self.articles = list(articles)
        self.result: AddedDocuments | None = None
        self.snapshots: list[DocumentSnapshot] = []

    def _do(self) -> None:
        store = self.session.store
        if self.result is None:
            self.result = add_documents(store, self.articles)
        else:
            with store.transaction():
                for snapshot in self.snapshots:
                    store.restore_document(snapshot)
        self.session.announce_documents()
        self.session.saved.emit(self.text())

    def _undo(self) -> None:
        store = self.session.store
        with store.transaction():
            self.snapshots = [store.delete_document(doc_id) for doc_id in self.result.created_ids]
        self.session.announce_documents()
        self.session.saved.emit("Undo: " + self.text())


class EditDocument(StoreCommand):
    """Change a document's title, source, published date, URL or language."""

    def __init__(self, session, document, **fields):
        super().__init__(session, f"Edit details of '{short_quote(document.title)}'")
        self.document = document
        self.new = fields
        self.old = {k: getattr(document, k) for k in fields}

    def _do(self) -> None:
        self.session.store.update_document(self.document.id, **self.new)
        self.session.announce_documents()
        self.session.saved.emit(self.text())

    def _undo(self) -> None:
        self.session.store.update_document(self.document.id, **self.old)
        self.session.announce_documents()
        self.session.saved.emit("Undo: " + self.text())


class AddAnnotations(StoreCommand):
    """Add several annotations (of any documents) as one undoable step and one transaction: ``make(store)`` creates
    them the first time; redo restores the very same rows (same ids), undo deletes them."""

    def __init__(self, session, text: str, make: Callable[[object], list[Annotation]], documents: Iterable[str]):
        super().__init__(session, text)
        self.make = make
        self.documents = sorted(set(documents))
        self.created: list[Annotation] = []

    def _do(self) -> None:
        store = self.session.store
        with store.transaction():
            if not self.created:
                self.created = self.make(store)
            else:
                for ann in self.created:
                    store.restore_annotation(ann)
        self._each_document(self.text())

    def _undo(self) -> None:
        store = self.session.store
        with store.transaction():
            for ann in self.created:
                store.delete_annotation(ann.id)
        self._each_document("Undo: " + self.text())

    def _each_document(self, what: str) -> None:
        for document in self.documents:
            self.session.announce(document)
        self.session.saved.emit(what)


class TagAll(AddAnnotations):
    """Tag every given occurrence ``(document, start, end)`` with one label, as one undoable step."""

    def __init__(self, session, phrase: str, label: str, places: list[tuple[str, int, int]]):
        super().__init__(session, f"Tag {len(places)} occurrence{'s' if len(places) != 1 else ''} of "
                                  f"'{short_quote(phrase)}' as {label}",
                         lambda store: [store.add_annotation(d, label, a, b, session.user) for d, a, b in places],
                         (d for d, _, _ in places))
        self.label = label
        self.places = places


class EditLinkNote(StoreCommand):
    def __init__(self, session, link, note: str):
        super().__init__(session, f"Edit note on link '{link.type}'")
        self.link = link
        self.note = note

    def _do(self) -> None:
        self.session.store.set_link_note(self.link.id, self.note)
        self.session.announce_links()
        self.session.saved.emit(self.text())

    def _undo(self) -> None:
        self.session.store.set_link_note(self.link.id, self.link.note)
        self.session.announce_links()
        self.session.saved.emit("Undo: " + self.text())
