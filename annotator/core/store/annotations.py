"""Annotations: tagging, editing, review fields, counts."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Iterator

from annotator.core.errors import InputError, NotFoundError, SpanError
from annotator.core.model import STATUSES, Annotation
from annotator.core.store.base import _ANN_COLUMNS, StoreBase, _translate
from annotator.core.timeutil import now


class AnnotationsMixin(StoreBase):
    # --------------------------------------------------------------- annotations
    def check_span(self, doc_id: str, start: int, end: int, text: str | None = None) -> str:
        """Validate ``[start, end)`` against the document and return its quote."""
        if text is None:
            text = self.document_text(doc_id)
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
            raise SpanError(f"Span offsets must be whole numbers (got {start!r}, {end!r}).")
        if start < 0 or end > len(text):
            raise SpanError(
                f"The span {start}–{end} lies outside the document, which has {len(text)} characters."
            )
        if start >= end:
            raise SpanError(f"The span {start}–{end} is empty: its start must come before its end.")
        return text[start:end]

    def add_annotation(
        self,
        document: str,
        label: str,
        start: int,
        end: int,
        annotator: str,
        note: str = "",
        *,
        id: str | None = None,
        status: str = "pending",
        created: str | None = None,
        modified: str | None = None,
    ) -> Annotation:
        """Tag ``[start, end)`` of ``document`` with ``label``; the quote is taken from the text."""
        quote = self.check_span(document, start, end)
        self.label(label)
        if status not in STATUSES:
            raise InputError(f"Unknown status {status!r}; use one of {', '.join(STATUSES)}.")
        stamp = now()
        ann = Annotation(
            id=id or str(uuid.uuid4()),
            document=document,
            label=label,
            start=start,
            end=end,
            quote=quote,
            annotator=annotator,
            note=note or "",
            status=status,
            created=created or stamp,
            modified=modified or created or stamp,
        )
        with self.transaction():
            self.ensure_annotator(annotator)
            self._insert_annotations([ann])
        return ann

    def restore_annotation(self, ann: Annotation) -> None:
        """Put back an annotation exactly as it was (undo of a delete)."""
        with self.transaction():
            self.ensure_annotator(ann.annotator)
            self._insert_annotations([ann])

    def insert_annotations(self, anns: Iterable[Annotation]) -> None:
        """Insert already-validated annotations in one batch (imports); their annotators and labels must exist."""
        with self.transaction():
            self._insert_annotations(anns)

    def _insert_annotations(self, anns: Iterable[Annotation]) -> None:
        self.db.conn.executemany(
            f"INSERT INTO annotations ({_ANN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (a.id, a.document, a.label, a.start, a.end, a.quote, a.annotator, a.note, a.status, a.created,
                 a.modified, a.reviewer, a.reviewed, a.review_note)
                for a in anns
            ),
        )

    def annotation(self, ann_id: str) -> Annotation:
        rows = self._read(f"SELECT {_ANN_COLUMNS} FROM annotations WHERE id = ?", [ann_id])
        if not rows:
            raise NotFoundError(f"There is no annotation {ann_id} in this project.")
        return Annotation(*rows[0])

    def has_annotation(self, ann_id: str) -> bool:
        return bool(self._read("SELECT 1 FROM annotations WHERE id = ?", [ann_id]))

    def annotations(self, **filters) -> list[Annotation]:
        """Annotations matching every given filter (see :meth:`iter_annotations`), in reading order."""
        return list(self.iter_annotations(**filters))

    def iter_annotations(
        self,
        document: str | None = None,
        annotator: str | None = None,
        label: str | None = None,
        status: str | None = None,
        documents: Iterable[str] | None = None,
    ) -> Iterator[Annotation]:
        """Stream annotations matching the filters without loading them all at once."""
        where, params = [], []
        for column, value in (("document", document), ("annotator", annotator), ("label", label), ("status", status)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if documents is not None:
            docs = list(documents)
            where.append(f"document IN ({', '.join('?' * len(docs))})" if docs else "0")
            params.extend(docs)
        sql = f"SELECT {_ANN_COLUMNS} FROM annotations"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += ' ORDER BY document, start, "end", id'
        try:
            for row in self.db.conn.execute(sql, params):
                yield Annotation(*row)
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    def delete_annotation(self, ann_id: str) -> Annotation:
        """Remove an annotation (and its links); returns it so it can be restored."""
        ann = self.annotation(ann_id)
        with self.transaction():
            self.db["annotations"].delete(ann_id)
        return ann

    def update_annotation(self, ann_id: str, **fields) -> Annotation:
        """Change label, note or status (and bounds: start/end re-take the quote); stamps ``modified``."""
        allowed = {"label", "note", "status", "start", "end", "modified"}
        unknown = set(fields) - allowed
        if unknown:
            raise InputError(f"An annotation has no field {sorted(unknown)[0]!r}.")
        ann = self.annotation(ann_id)
        if "label" in fields:
            self.label(fields["label"])
        if "status" in fields and fields["status"] not in STATUSES:
            raise InputError(f"Unknown status {fields['status']!r}; use one of {', '.join(STATUSES)}.")
        if "start" in fields or "end" in fields:
            start, end = fields.get("start", ann.start), fields.get("end", ann.end)
            fields["quote"] = self.check_span(ann.document, start, end)
        fields.setdefault("modified", now())
        with self.transaction():
            self.db["annotations"].update(ann_id, fields)
        return self.annotation(ann_id)

    def set_review(self, ann_id: str, status: str, reviewer: str, note: str = "", when: str | None = None) -> Annotation:
        """Record a review decision: ``status`` (accepted, rejected or pending), by whom, when, and why."""
        if status not in STATUSES:
            raise InputError(f"Unknown status {status!r}; use one of {', '.join(STATUSES)}.")
        self.annotation(ann_id)
        fields = {"status": status, "reviewer": reviewer if status != "pending" else "",
                  "reviewed": (when or now()) if status != "pending" else "", "review_note": note or ""}
        with self.transaction():
            if reviewer:
                self.ensure_annotator(reviewer)
            self.db["annotations"].update(ann_id, fields)
        return self.annotation(ann_id)

    def restore_review(self, ann: Annotation) -> None:
        """Put back ``ann``'s review fields exactly (undo of a decision)."""
        with self.transaction():
            self.db["annotations"].update(
                ann.id, {"status": ann.status, "reviewer": ann.reviewer, "reviewed": ann.reviewed,
                         "review_note": ann.review_note},
            )

    def find_span(self, document: str, start: int, end: int, label: str, annotator: str) -> Annotation | None:
        """The annotation of ``annotator`` with exactly these bounds and label, if any."""
        rows = self._read(
            f'SELECT {_ANN_COLUMNS} FROM annotations WHERE document = ? AND start = ? AND "end" = ? AND label = ? '
            "AND annotator = ? ORDER BY created, id LIMIT 1",
            [document, start, end, label, annotator],
        )
        return Annotation(*rows[0]) if rows else None

    def label_counts(self, documents: Iterable[str] | None = None) -> dict[str, int]:
        """Number of annotations per label, over ``documents`` (all when None)."""
        sql, params = "SELECT label, COUNT(*) FROM annotations", []
        if documents is not None:
            docs = list(documents)
            sql += f" WHERE document IN ({', '.join('?' * len(docs))})" if docs else " WHERE 0"
            params = docs
        return dict(self._read(sql + " GROUP BY label", params))

    def annotation_counts_by_document(self) -> dict[str, int]:
        return dict(self._read("SELECT document, COUNT(*) FROM annotations GROUP BY document"))

    def label_counts_by_document(self) -> dict[str, dict[str, int]]:
        """Annotation counts per document and label, in one query (for the document library)."""
        counts: dict[str, dict[str, int]] = {}
        for doc, label, n in self._read("SELECT document, label, COUNT(*) FROM annotations GROUP BY document, label"):
            counts.setdefault(doc, {})[label] = n
        return counts

    def annotation_counts_by_annotator(self) -> dict[str, int]:
        return dict(self._read("SELECT annotator, COUNT(*) FROM annotations GROUP BY annotator"))

    def annotation_count(self) -> int:
        return self._read("SELECT COUNT(*) FROM annotations")[0][0]

