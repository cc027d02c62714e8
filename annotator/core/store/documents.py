"""Documents: adding, listing, reading texts, metadata."""

from __future__ import annotations

from dataclasses import dataclass, field


from annotator.core.errors import InputError, NotFoundError
from annotator.core.language import detect_language, normalize_language
from annotator.core.model import Annotation, Document, Link
from annotator.core.store.base import _DOC_COLUMNS, StoreBase
from annotator.core.text import document_id, normalize
from annotator.core.timeutil import now

#: How many document texts a store keeps after reading them (the two panes, and a little more).
TEXTS_KEPT = 4


@dataclass(frozen=True)
class DocumentSnapshot:
    """Everything deleting a document removed, to put it back exactly."""

    document: Document
    text: str
    position: int
    annotations: list[Annotation]
    links: list[Link]
    rejected: list[tuple[str, int, int]]
    #: The annotations' attributes, ``{id: {name: value}}``.
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)


class DocumentsMixin(StoreBase):
    # ----------------------------------------------------------------- documents
    def add_document(
        self,
        text: str,
        title: str,
        source: str = "",
        published: str | None = None,
        url: str | None = None,
        language: str | None = None,
    ) -> tuple[Document, bool]:
        """Add a document; returns ``(document, created)``.

        The text is normalised (CRLF -> LF). A text already in the project is
        recognised by its id and not added twice (``created`` is False).
        ``language`` (a code such as ``"ru"``) is detected from the text when not given.
        """
        text = normalize(text)
        if not text.strip():
            raise InputError(f"The document {title!r} has no text.")
        doc_id = document_id(text)
        existing = self._read(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", [doc_id])
        if existing:
            return Document(*existing[0]), False
        doc = Document(
            id=doc_id,
            title=title.strip() or "Untitled",
            source=source or "",
            published=published or None,
            url=url or None,
            length=len(text),
            added=now(),
            language=detect_language(text) if language is None else normalize_language(language),
        )
        with self.transaction():
            position = self._read("SELECT COALESCE(MAX(position), -1) + 1 FROM documents")[0][0]
            self.db["documents"].insert(
                {
                    "id": doc.id,
                    "title": doc.title,
                    "source": doc.source,
                    "published": doc.published,
                    "url": doc.url,
                    "length": doc.length,
                    "added": doc.added,
                    "language": doc.language,
                    "position": position,
                }
            )
            self.db["document_texts"].insert({"id": doc.id, "text": text})
        return doc, True

    def documents(self) -> list[Document]:
        """All documents in project order, without their texts."""
        rows = self._read(f"SELECT {_DOC_COLUMNS} FROM documents ORDER BY position, added, id")
        return [Document(*row) for row in rows]

    def document(self, doc_id: str, with_text: bool = False) -> Document:
        rows = self._read(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", [doc_id])
        if not rows:
            raise NotFoundError(f"There is no document {doc_id} in this project.")
        doc = Document(*rows[0])
        if with_text:
            doc = Document(*rows[0], text=self.document_text(doc_id))
        return doc

    def document_text(self, doc_id: str) -> str:
        rows = self._read("SELECT text FROM document_texts WHERE id = ?", [doc_id])
        if not rows:
            raise NotFoundError(f"There is no document {doc_id} in this project.")
        self._texts.pop(doc_id, None)
        self._texts[doc_id] = rows[0][0]
        while len(self._texts) > TEXTS_KEPT:
            del self._texts[next(iter(self._texts))]
        return rows[0][0]

    def document_slice(self, doc_id: str, start: int, end: int) -> tuple[int, str]:
        """``(length of the text, text[start:end])`` in code points, without reading the whole text.

        SQLite's ``substr`` counts characters of UTF-8 text, i.e. code points, like Python.
        """
        rows = self._read("SELECT d.length, substr(t.text, ?, ?) FROM documents d JOIN document_texts t ON t.id = d.id "
                          "WHERE d.id = ?", [max(start, 0) + 1, max(end - max(start, 0), 0), doc_id])
        if not rows:
            raise NotFoundError(f"There is no document {doc_id} in this project.")
        return rows[0][0], rows[0][1]

    def find_document(self, ref: str) -> Document:
        """A document by full id, unique id prefix (with or without ``sha256:``) or exact title."""
        ref = ref.strip()
        candidates = [ref] if ref.startswith("sha256:") else [ref, "sha256:" + ref]
        for cand in candidates:
            rows = self._read(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", [cand])
            if rows:
                return Document(*rows[0])
        prefixed = "sha256:" + ref.removeprefix("sha256:")
        rows = self._read(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE substr(id, 1, ?) = ? OR title = ?",
            [len(prefixed), prefixed, ref],
        )
        if len(rows) == 1:
            return Document(*rows[0])
        if not rows:
            raise NotFoundError(f"There is no document matching {ref!r} in this project.")
        raise InputError(f"{ref!r} matches {len(rows)} documents; give more of the id.")

    def update_document(self, doc_id: str, **fields: str | None) -> Document:
        """Change a document's title, source, published date, URL or language (never its text)."""
        allowed = {"title", "source", "published", "url", "language"}
        unknown = set(fields) - allowed
        if unknown:
            raise InputError(f"A document has no field {sorted(unknown)[0]!r}.")
        self.document(doc_id)
        if "title" in fields and not (fields["title"] or "").strip():
            raise InputError("A document's title cannot be empty.")
        if "language" in fields:
            fields["language"] = normalize_language(fields["language"])
        with self.transaction():
            self.db["documents"].update(doc_id, fields)
        return self.document(doc_id)


    def delete_document(self, doc_id: str) -> DocumentSnapshot:
        """Delete a document with its annotations and links; the snapshot lets :meth:`restore_document` undo it."""
        doc = self.document(doc_id)
        text = self.document_text(doc_id)
        position = self._read("SELECT position FROM documents WHERE id = ?", [doc_id])[0][0]
        anns = self.annotations(document=doc_id)
        ids = {a.id for a in anns}
        links = [k for k in self.links() if k.source in ids or k.target in ids]
        rejected = sorted(self.rejected_suggestions(doc_id))
        attributes = self.attributes_for(ids)
        with self.transaction():
            self.db.conn.execute("DELETE FROM documents WHERE id = ?", [doc_id])
        return DocumentSnapshot(doc, text, position, anns, links, rejected, attributes)

    def restore_document(self, snap: DocumentSnapshot) -> None:
        with self.transaction():
            d = snap.document
            self.db["documents"].insert({"id": d.id, "title": d.title, "source": d.source, "published": d.published,
                                         "url": d.url, "length": d.length, "added": d.added,
                                         "language": d.language, "memo": d.memo, "position": snap.position})
            self.db["document_texts"].insert({"id": d.id, "text": snap.text})
            for annotator in {a.annotator for a in snap.annotations} | {k.annotator for k in snap.links}:
                self.ensure_annotator(annotator)
            self._insert_annotations(snap.annotations)
            self.put_attributes(snap.attributes)
            for link in snap.links:
                self.db["links"].insert(link.__dict__)
            self.reject_suggestions(d.id, snap.rejected)
