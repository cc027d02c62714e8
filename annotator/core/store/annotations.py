"""Annotations: tagging, editing, review fields, counts."""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from itertools import compress
from operator import attrgetter

from annotator.core.errors import InputError, NotFoundError, SpanError
from annotator.core.model import ANNOTATION_FIELDS, EXCHANGED_FIELDS, STATUSES, Annotation, Annotator, ComparedSpan
from annotator.core.store.base import _ANN_COLUMNS, StoreBase, _translate, sql_columns
from annotator.core.timeutil import now

#: An annotation's values in the order of :data:`_ANN_COLUMNS`, read by field name.
_values = attrgetter(*ANNOTATION_FIELDS)
_new = object.__new__


def _annotation_of(row: tuple, fields: tuple[str, ...] = ANNOTATION_FIELDS) -> Annotation:
    """The annotation of a row of :data:`_ANN_COLUMNS`: ``Annotation(*row)`` without the frozen dataclass's
    ``__init__`` (one ``object.__setattr__`` per field), which took two thirds of the time of reading a million."""
    ann = _new(Annotation)
    ann.__dict__.update(zip(fields, row))
    return ann


_COMPARED_COLUMNS = sql_columns(ComparedSpan._fields)
#: The same columns with id, quote and status left empty (``iter_compared_spans(counted_only=True)``).
_COUNTED_COLUMNS = ", ".join("''" if f in ("id", "quote", "status") else c
                             for f, c in zip(ComparedSpan._fields, _COMPARED_COLUMNS.split(", ")))
#: ``ComparedSpan._make`` without the class-method call (a million calls when two annotators are compared).
_compared_span = partial(tuple.__new__, ComparedSpan)


#: Fields that never need the CSV formula escaping: the offsets (numbers) and the status (one of three plain
#: words, by a CHECK constraint).
_NOT_ESCAPED = frozenset({"start", "end", "status"})
#: Page cache (KiB) of a bulk load (:meth:`AnnotationsMixin.bulk_annotation_load`).
BULK_CACHE_KIB = 65536
#: Most ids one ``IN (...)`` query binds (old SQLite builds allow 999 parameters).
_IN_CHUNK = 500


def _selection_sql(alias: str, documents: Iterable[str] | None, annotator: str | None,
                   status: str | None) -> tuple[list[str], list]:
    """WHERE terms on the annotations table ``alias``, and their parameters, for an export selection.

    ``documents`` None means every document; an empty list selects nothing.
    """
    where: list[str] = []
    params: list = []
    if documents is not None:
        docs = list(documents)
        where.append(f"{alias}.document IN ({', '.join('?' * len(docs))})" if docs else "0")
        params.extend(docs)
    for column, value in (("annotator", annotator), ("status", status)):
        if value is not None:
            where.append(f"{alias}.{column} = ?")
            params.append(value)
    return where, params


def _link_selection_sql(documents: Iterable[str] | None, annotator: str | None,
                        status: str | None) -> tuple[str, list[str], list]:
    """Joins, WHERE terms and parameters choosing the links (``l``) between two annotations of a selection.

    Both ends (``s``, ``t``) must be selected; with an annotator, the link must be theirs too.
    """
    docs = None if documents is None else list(documents)
    src, src_params = _selection_sql("s", docs, annotator, status)
    dst, dst_params = _selection_sql("t", docs, annotator, status)
    where, params = src + dst, src_params + dst_params
    if annotator is not None:
        where.append("l.annotator = ?")
        params.append(annotator)
    joins = "JOIN annotations s ON s.id = l.source JOIN annotations t ON t.id = l.target"
    return joins, where, params


def _escaped(column: str, chars: str) -> str:
    """SQL for ``column``, prefixed with ``'`` when it begins with one of ``chars`` (CSV formula escaping)."""
    if not chars:
        return column
    codes = ", ".join(str(ord(c)) for c in chars)
    return f"CASE WHEN unicode({column}) IN ({codes}) THEN '''' || {column} ELSE {column} END"


def _export_columns(fields: Sequence[str], escape: str) -> list[str]:
    """The SQL of ``fields``' columns of ``annotations a``, text cells with the CSV formula escaping of ``escape``."""
    unknown = set(fields) - set(ANNOTATION_FIELDS)
    if unknown:
        raise ValueError(f"an annotation has no field {sorted(unknown)[0]!r}")
    return [sql_columns([f], "a") if f in _NOT_ESCAPED else _escaped(sql_columns([f], "a"), escape) for f in fields]


class _InsertedIds:
    """A Bloom filter of the ids a bulk load inserted (a fixed 8 MiB, two bits an id).

    An id it does not hold was not inserted; into a project that had no
    annotations, that id is not in the project, so only the few ids it may
    hold (about 4 % of new ids at a million inserted) are looked up.
    """

    _BITS = 1 << 23

    def __init__(self) -> None:
        import numpy  # only for big imports: not loaded when the store opens

        self._np = numpy
        self._bits = numpy.zeros(self._BITS, dtype=bool)

    def _slots(self, ids: list[str]):
        hashes = self._np.fromiter(map(hash, ids), self._np.int64, len(ids))
        return hashes & (self._BITS - 1), (hashes >> 32) & (self._BITS - 1)

    def add(self, ids: list[str]) -> None:
        low, high = self._slots(ids)
        self._bits[low] = True
        self._bits[high] = True

    def candidates(self, ids: list[str]) -> list[str]:
        """Those of ``ids`` that may have been inserted."""
        low, high = self._slots(ids)
        return list(compress(ids, (self._bits[low] & self._bits[high]).tolist()))


class AnnotationsMixin(StoreBase):
    #: While a bulk load into a project without annotations runs: the ids it inserted.
    _bulk_ids: _InsertedIds | None = None

    # --------------------------------------------------------------- annotations
    def check_span(self, doc_id: str, start: int, end: int, text: str | None = None) -> str:
        """Validate ``[start, end)`` against the document and return its quote.

        Without ``text`` only the span's slice is read from the project, not the whole text.
        """
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
            raise SpanError(f"Span offsets must be whole numbers (got {start!r}, {end!r}).")
        if text is None:
            length, quote = self.document_slice(doc_id, start, end)
        else:
            length, quote = len(text), text[start:end]
        if start < 0 or end > length:
            raise SpanError(
                f"The span {start}–{end} lies outside the document, which has {length} characters."
            )
        if start >= end:
            raise SpanError(f"The span {start}–{end} is empty: its start must come before its end.")
        return quote

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
        origin: str = "",
    ) -> Annotation:
        """Tag ``[start, end)`` of ``document`` with ``label``; the quote is taken from the text.

        A text read lately (a window showing it) is not read again: that keeps a tag in a long document
        cheap. ``origin``: where the tag came from when not tagged by hand ("suggested: ...").
        """
        text = self._texts.get(document)
        if text is not None and len(text) != self.document(document).length:
            text = None
        quote = self.check_span(document, start, end, text)
        self.tagging_label(label)
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
            origin=origin or "",
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
        marks = ", ".join("?" * len(ANNOTATION_FIELDS))
        self.db.conn.executemany(f"INSERT INTO annotations ({_ANN_COLUMNS}) VALUES ({marks})", map(_values, anns))

    def insert_annotation_rows(self, rows: Iterable[tuple]) -> None:
        """Insert already-validated annotations given as plain tuples (batched imports).

        A row holds the values of :data:`~annotator.core.model.EXCHANGED_FIELDS`
        in that order; the other field (origin) starts empty. Annotators
        and labels must exist.
        """
        marks = ", ".join("?" * len(EXCHANGED_FIELDS))
        if self._bulk_ids is not None:
            rows = list(rows)
            self._bulk_ids.add([row[EXCHANGED_FIELDS.index("id")] for row in rows])
        with self.transaction():
            self.db.conn.executemany(f"INSERT INTO annotations ({sql_columns(EXCHANGED_FIELDS)}) VALUES ({marks})",
                                     rows)

    @contextlib.contextmanager
    def bulk_annotation_load(self, indexes: bool = True) -> Iterator[None]:
        """Insert many annotations at once: their search index (and with ``indexes`` their secondary indexes)
        is built once at the end instead of row by row.

        Runs as one transaction (a savepoint inside the caller's): the trigger
        that feeds each new annotation's quote and note to the full-text index
        is dropped, and so are the indexes on ``annotations`` other than the
        primary key's; on leaving, the new rows go to the full-text index in one
        statement, the indexes are created again from their own definitions and
        the trigger is put back. An exception rolls all of it back, the dropped
        schema included (SQLite's DDL is transactional). Only inserts of new
        annotations (through :meth:`insert_annotation_rows`, or an undone
        import's put back) may happen inside, or deletes (their trigger stays:
        an import undone), never updates, and reads that need the
        dropped indexes are slow there. Into a project without annotations,
        :meth:`existing_annotation_ids` looks up only the ids a filter of the
        inserted ones may hold (:class:`_InsertedIds`).
        """
        conn = self.db.conn
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        # Room for the primary key's index of a million ids, so that ids inserted in random order do not
        # spill pages to the write-ahead log again and again; bounded, and given back afterwards.
        conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        try:
            with self.transaction():
                trigger = conn.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'annotations_ai'"
                ).fetchone()
                dropped = conn.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'annotations' "
                    "AND sql IS NOT NULL ORDER BY name"
                ).fetchall() if indexes else []
                last = conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM annotations").fetchone()[0]
                if not last and self._bulk_ids is None:
                    self._bulk_ids = _InsertedIds()
                if trigger:
                    conn.execute("DROP TRIGGER annotations_ai")
                for name, _ in dropped:
                    conn.execute(f'DROP INDEX "{name}"')
                yield
                for _, sql in dropped:
                    conn.execute(sql)
                if trigger:
                    conn.execute(
                        "INSERT INTO annotation_search (rowid, quote, note) "
                        "SELECT rowid, quote, note FROM annotations WHERE rowid > ?", [last]
                    )
                    conn.execute(trigger[0])
        finally:
            self._bulk_ids = None
            conn.execute(f"PRAGMA cache_size = {cache}")

    def existing_annotation_ids(self, ids: Iterable[str]) -> set[str]:
        """Those of ``ids`` that are annotations of this project (one query per 500 ids)."""
        ids = list(dict.fromkeys(ids))
        if self._bulk_ids is not None:  # a bulk load into a project that had no annotations
            ids = self._bulk_ids.candidates(ids)
        found: set[str] = set()
        for i in range(0, len(ids), _IN_CHUNK):
            part = ids[i : i + _IN_CHUNK]
            rows = self._read(f"SELECT id FROM annotations WHERE id IN ({', '.join('?' * len(part))})", part)
            found.update(row[0] for row in rows)
        return found

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
        annotators: Iterable[str] | None = None,
    ) -> Iterator[Annotation]:
        """Stream annotations matching the filters without loading them all at once (``annotators``: any of them)."""
        where, params = [], []
        for column, value in (("document", document), ("annotator", annotator), ("label", label), ("status", status)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if documents is not None:
            docs = list(documents)
            where.append(f"document IN ({', '.join('?' * len(docs))})" if docs else "0")
            params.extend(docs)
        if annotators is not None:
            names = list(annotators)
            # "+annotator": not through the annotator index, whose rows would then be sorted whole before the
            # first came out; the reading index streams them in order (review_groups yields as it reads).
            where.append(f"+annotator IN ({', '.join('?' * len(names))})" if names else "0")
            params.extend(names)
        sql = f"SELECT {_ANN_COLUMNS} FROM annotations"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += ' ORDER BY document, start, "end", id'
        try:
            yield from map(_annotation_of, self.db.conn.execute(sql, params))
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    def iter_compared_spans(
        self, annotators: Iterable[str], document: str | None = None, label: str | None = None, ordered: bool = True,
        counted_only: bool = False,
    ) -> Iterator[ComparedSpan]:
        """The spans of ``annotators`` (one document, one label, or all) as light records.

        ``ordered``: in reading order (document, start, end, id), read through the reading index in its order
        one row at a time, so nothing is sorted or held before the first comes out. Otherwise in no particular
        order, through the annotator index: the quickest way to read all of an annotator's spans.
        ``counted_only``: id, quote and status are left empty (what agreement counts does not need them; a
        million spans then take half the memory).
        """
        names = list(annotators)
        where = [f"{'+' if ordered else ''}annotator IN ({', '.join('?' * len(names))})" if names else "0"]
        params: list = list(names)
        for column, value in (("document", document), ("label", label)):
            if value is not None:
                where.append(f"+{column} = ?" if column == "label" or not ordered else f"{column} = ?")
                params.append(value)
        columns = _COUNTED_COLUMNS if counted_only else _COMPARED_COLUMNS
        sql = f"SELECT {columns} FROM annotations WHERE {' AND '.join(where)}"
        if ordered:
            sql += ' ORDER BY document, start, "end", id'
        try:
            yield from map(_compared_span, self.db.conn.execute(sql, params))
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    # ------------------------------------------------------------------ exports
    def count_annotations(
        self, documents: Iterable[str] | None = None, annotator: str | None = None, status: str | None = None
    ) -> int:
        """How many annotations an export selection holds (see :meth:`annotation_row_batches`)."""
        where, params = _selection_sql("a", documents, annotator, status)
        sql = "SELECT COUNT(*) FROM annotations a" + (" WHERE " + " AND ".join(where) if where else "")
        return self._read(sql, params)[0][0]

    def annotation_row_batches(
        self,
        documents: Iterable[str] | None = None,
        annotator: str | None = None,
        status: str | None = None,
        *,
        with_document: bool = False,
        escape: str = "",
        size: int = 1000,
        fields: Sequence[str] = EXCHANGED_FIELDS,
    ) -> Iterator[list[tuple]]:
        """Stream an export selection's annotations in reading order, as lists of up to ``size`` plain tuples.

        A row holds the values of ``fields`` (annotation field names; by default
        :data:`~annotator.core.model.EXCHANGED_FIELDS`), in that order;
        ``with_document`` adds the document's title and source after the
        ``document`` field, which ``fields`` must then name. A text cell that
        begins with one of the characters of ``escape`` comes back prefixed with
        ``'`` (the CSV formula escaping, done here so rows can go straight to
        ``csv.writer``). No :class:`Annotation` is built, so a million rows
        stream quickly.
        """
        if not with_document:
            columns = _export_columns(fields, escape)
            where, params = _selection_sql("a", documents, annotator, status)
            sql = f"SELECT {', '.join(columns)} FROM annotations a"
            yield from self._row_batches(sql, where, params, ' ORDER BY a.document, a.start, a."end", a.id', size)
            return
        for _cells, rows in self.document_row_batches(documents, annotator, status, escape=escape, size=size,
                                                      fields=fields):
            yield rows

    def document_row_batches(
        self,
        documents: Iterable[str] | None = None,
        annotator: str | None = None,
        status: str | None = None,
        *,
        escape: str = "",
        size: int = 1000,
        fields: Sequence[str] = EXCHANGED_FIELDS,
        marker: str | None = None,
    ) -> Iterator[tuple[tuple[str, str, str], list[tuple]]]:
        """:meth:`annotation_row_batches` with the document's cells, a document at a time (in id order).

        Yields ``((id, title, source), rows)``, the three cells escaped like the
        rows; ``fields`` must name ``document``. A row holds the document's
        three cells in the place of that field; with ``marker``, that one value
        instead (the CSV export writes the three cells into its text once per
        batch).
        """
        # One query per document, its title and source bound as values: no join with the documents for
        # each of a million rows (a tenth of the CSV export's time), and the same order (document ids
        # sort alike in SQLite and Python: UTF-8 bytes order like code points).
        columns = _export_columns(fields, escape)
        at = list(fields).index("document")
        columns[at : at + 1] = ["?"] if marker is not None else [columns[at], "?", "?"]
        where, params = _selection_sql("a", documents, annotator, status)
        sql = f"SELECT {', '.join(columns)} FROM annotations a"
        docs = None if documents is None else set(documents)
        heads = tuple(escape)
        for doc_id, title, source in self._read("SELECT id, title, source FROM documents ORDER BY id"):
            if docs is not None and doc_id not in docs:
                continue
            cells = tuple("'" + v if heads and v.startswith(heads) else v for v in (doc_id, title, source))
            values = [marker] if marker is not None else list(cells[1:])
            for rows in self._row_batches(sql, ["a.document = ?", *where], [*values, doc_id, *params],
                                          ' ORDER BY a.start, a."end", a.id', size):
                yield cells, rows  # type: ignore[misc]

    def _row_batches(self, sql: str, where: list[str], params: list, order: str, size: int) -> Iterator[list[tuple]]:
        if where:
            sql += " WHERE " + " AND ".join(where)
        try:
            cursor = self.db.conn.execute(sql + order, params)
            while rows := cursor.fetchmany(size):
                yield rows
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    def selection_annotators(
        self, documents: Iterable[str] | None = None, annotator: str | None = None, status: str | None = None
    ) -> list[Annotator]:
        """The annotators of an export selection, ordered by id: who made one of its annotations, or a link.

        The links counted are those of :meth:`links_within`.
        """
        docs = None if documents is None else list(documents)
        own, own_params = _selection_sql("a", docs, annotator, status)
        joins, links, link_params = _link_selection_sql(docs, annotator, status)
        sql = (
            "SELECT x.id, x.name FROM annotators x WHERE "
            f"EXISTS (SELECT 1 FROM annotations a WHERE {' AND '.join(['a.annotator = x.id', *own])}) "
            f"OR EXISTS (SELECT 1 FROM links l {joins} WHERE {' AND '.join(['l.annotator = x.id', *links])}) "
            "ORDER BY x.id"
        )
        return [Annotator(*row) for row in self._read(sql, own_params + link_params)]

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
            self.tagging_label(fields["label"])
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

