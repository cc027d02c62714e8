"""Links between annotations, link types, and rejected suggestions."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Iterator

from annotator.core.errors import InputError, NotFoundError
from annotator.core.model import ANNOTATION_FIELDS, Annotation, Link
from annotator.core.store.annotations import _link_selection_sql
from annotator.core.store.base import StoreBase, _translate, sql_columns
from annotator.core.timeutil import now


class LinksMixin(StoreBase):
    # --------------------------------------------------------------------- links
    def links(self, annotator: str | None = None, annotation_ids: Iterable[str] | None = None) -> list[Link]:
        sql = "SELECT id, type, source, target, annotator, note, created FROM links"
        where, params = [], []
        if annotator is not None:
            where.append("annotator = ?")
            params.append(annotator)
        if annotation_ids is not None:
            ids = list(annotation_ids)
            marks = ", ".join("?" * len(ids))
            where.append(f"source IN ({marks}) AND target IN ({marks})" if ids else "0")
            params.extend(ids + ids)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [Link(*row) for row in self._read(sql + " ORDER BY created, id", params)]

    def linked_pairs(self) -> list[tuple[Link, Annotation, Annotation]]:
        """Every link, in the order of :meth:`links`, with the two annotations it joins: one query that reads only
        the linked annotations (not one query per annotation, nor every annotation of the project)."""
        sql = (f"SELECT l.id, l.type, l.source, l.target, l.annotator, l.note, l.created, "
               f"{sql_columns(ANNOTATION_FIELDS, 'a')}, {sql_columns(ANNOTATION_FIELDS, 'b')} FROM links l "
               "JOIN annotations a ON a.id = l.source JOIN annotations b ON b.id = l.target ORDER BY l.created, l.id")
        n = len(ANNOTATION_FIELDS)
        return [(Link(*row[:7]), Annotation(*row[7:7 + n]), Annotation(*row[7 + n:])) for row in self._read(sql)]

    def links_within(
        self, documents: Iterable[str] | None = None, annotator: str | None = None, status: str | None = None
    ) -> Iterator[Link]:
        """Stream the links of an export selection, ordered by creation: both ends are selected annotations.

        The selection is that of :meth:`annotation_row_batches` (documents,
        annotator, status); with an annotator, the link must be theirs too.
        """
        joins, where, params = _link_selection_sql(documents, annotator, status)
        sql = f"SELECT l.id, l.type, l.source, l.target, l.annotator, l.note, l.created FROM links l {joins}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        try:
            for row in self.db.conn.execute(sql + " ORDER BY l.created, l.id", params):
                yield Link(*row)
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    def add_link(
        self, type: str, source: str, target: str, annotator: str, note: str = "", *, id: str | None = None,
        created: str | None = None,
    ) -> Link:
        """Link two annotations with a typed relation (``contradicts``, ``same as``, ...)."""
        if not type.strip():
            raise InputError("A link needs a type.")
        if source == target:
            raise InputError("A span cannot be linked to itself.")
        for ann_id in (source, target):
            self.annotation(ann_id)
        link = Link(id or str(uuid.uuid4()), " ".join(type.split()), source, target, annotator, note or "",
                    created or now())
        with self.transaction():
            self.ensure_annotator(annotator)
            self.add_link_type(link.type)
            self.db["links"].insert(link.__dict__)
        return link

    def link(self, link_id: str) -> Link:
        rows = self._read("SELECT id, type, source, target, annotator, note, created FROM links WHERE id = ?", [link_id])
        if not rows:
            raise NotFoundError(f"There is no link {link_id} in this project.")
        return Link(*rows[0])

    def links_of(self, ann_id: str) -> list[Link]:
        """Links that start or end at ``ann_id``."""
        rows = self._read(
            "SELECT id, type, source, target, annotator, note, created FROM links WHERE source = ? OR target = ? "
            "ORDER BY created, id", [ann_id, ann_id],
        )
        return [Link(*row) for row in rows]

    def delete_link(self, link_id: str) -> Link:
        link = self.link(link_id)
        with self.transaction():
            self.db["links"].delete(link_id)
        return link

    def restore_link(self, link: Link) -> None:
        with self.transaction():
            self.ensure_annotator(link.annotator)
            self.db["links"].insert(link.__dict__)

    def set_link_note(self, link_id: str, note: str) -> Link:
        self.link(link_id)
        with self.transaction():
            self.db["links"].update(link_id, {"note": note or ""})
        return self.link(link_id)

    def link_types(self) -> list[str]:
        return [r[0] for r in self._read("SELECT name FROM link_types ORDER BY position, name")]

    def add_link_type(self, name: str, description: str = "") -> str:
        """Create a link type (no-op when it exists); returns its name."""
        name = " ".join(name.split())
        if not name:
            raise InputError("A link type needs a name.")
        if name not in self.link_types():
            with self.transaction():
                position = self._read("SELECT COALESCE(MAX(position), -1) + 1 FROM link_types")[0][0]
                self.db["link_types"].insert({"name": name, "description": description, "position": position})
        return name

    def rejected_suggestions(self, document: str) -> set[tuple[str, int, int]]:
        """(label, start, end) of the suggestions rejected in ``document``."""
        rows = self._read('SELECT label, start, "end" FROM rejected_suggestions WHERE document = ?', [document])
        return {tuple(r) for r in rows}

    def reject_suggestions(self, document: str, spans: Iterable[tuple[str, int, int]], undo: bool = False) -> None:
        """Hide suggestions ``(label, start, end)`` for ``document`` (``undo`` shows them again)."""
        spans = list(spans)
        with self.transaction():
            if undo:
                self.db.conn.executemany(
                    'DELETE FROM rejected_suggestions WHERE document = ? AND label = ? AND start = ? AND "end" = ?',
                    [(document, *s) for s in spans],
                )
            else:
                self.db.conn.executemany(
                    'INSERT OR IGNORE INTO rejected_suggestions (document, label, start, "end", quote) '
                    "SELECT ?, ?, ?, ?, substr(text, ? + 1, ? - ?) FROM document_texts WHERE id = ?",
                    [(document, label, start, end, start, end, start, document) for label, start, end in spans],
                )

    def tagged_quotes(self, longest: int = 200, without: str | None = None) -> list[tuple[str, str]]:
        """Distinct ``(label, quote)`` of the annotations not rejected in review, quotes up to ``longest``;
        ``without``: leave that document's annotations out (an evaluation's baseline must not see its gold).
        Made distinct here, in first-seen order, not by SQL's DISTINCT (which sorts: 5 s at a million tags)."""
        found: dict[tuple[str, str], None] = {}
        try:
            for row in self.db.conn.execute("SELECT label, quote FROM annotations WHERE status != 'rejected' "
                                            "AND length(quote) <= ? AND document IS NOT ?", [longest, without]):
                found[row] = None
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None
        return list(found)

    def tagged_spans(self, document: str) -> list[tuple[str, int, int, str]]:
        """``(label, start, end, quote)`` of every annotation of ``document``: what the suggester needs of them,
        without making a hundred thousand :class:`Annotation` records."""
        return self._read('SELECT label, start, "end", quote FROM annotations WHERE document = ?', [document])

    def rejected_patterns(self, without: str | None = None) -> dict[tuple[str, str], int]:
        """How often each ``(label, quote)`` was rejected as a suggestion, over every document (but ``without``).

        Quotes are compared with their spaces collapsed and case folded ("Top  Kremlin" = "top kremlin").
        """
        counts: dict[tuple[str, str], int] = {}
        for label, quote, n in self._read("SELECT label, quote, COUNT(*) FROM rejected_suggestions "
                                          "WHERE quote != '' AND document IS NOT ? GROUP BY label, quote",
                                          [without]):
            key = (label, " ".join(quote.split()).casefold())
            counts[key] = counts.get(key, 0) + n
        return counts

    def has_link(self, link_id: str) -> bool:
        return bool(self._read("SELECT 1 FROM links WHERE id = ?", [link_id]))

