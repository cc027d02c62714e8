"""Retrieval by code: the rows of the segments chosen by code, document, annotator and status, and their counts.

The computations over these rows (context, code paths, the matrix's roll-up, co-occurrence) are in
:mod:`annotator.core.retrieval`; here is only the SQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from annotator.core.errors import InputError
from annotator.core.store.annotations import _IN_CHUNK, _selection_sql
from annotator.core.store.base import StoreBase

#: The columns of a segment row, in order (:meth:`RetrievalMixin.segment_row_batches`).
SEGMENT_COLUMNS = ("id", "document", "label", "start", "end", "quote", "annotator", "status", "note")
#: What a matrix may count by: the column of ``annotations`` each names.
MATRIX_BY = ("document", "annotator")


def _chosen(labels: Iterable[str] | None, documents: Iterable[str] | None, annotator: str | None,
            status: str | None, attributes: Iterable[tuple[str, str]] = ()) -> tuple[list[str], list]:
    """WHERE terms and parameters on ``annotations a``: the selection of an export, the labels (None: all), and
    the attributes a segment must carry (``(name, value)`` pairs, every one)."""
    where, params = _selection_sql("a", documents, annotator, status)
    for key, value in attributes or ():
        where.append("EXISTS (SELECT 1 FROM annotation_attributes x WHERE x.annotation = a.id AND x.key = ? "
                     "AND x.value = ?)")
        params.extend((key, value))
    if labels is not None:
        names = list(labels)
        if len(names) > _IN_CHUNK:  # a whole tree is rarely this big; SQLite's json_each takes any number
            where.append("a.label IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(names))
        else:
            where.append(f"a.label IN ({', '.join('?' * len(names))})" if names else "0")
            params.extend(names)
    return where, params


class RetrievalMixin(StoreBase):
    def segment_row_batches(self, labels: Iterable[str] | None = None, documents: Iterable[str] | None = None,
                            annotator: str | None = None, status: str | None = None,
                            size: int = 1000, attributes: Iterable[tuple[str, str]] = ()) -> Iterator[list[tuple]]:
        """The annotations with one of ``labels`` (None: any) in reading order (documents in project order, then
        offsets), as lists of up to ``size`` tuples of :data:`SEGMENT_COLUMNS`; never all of them at once.

        One query per document (on the reading index): no sort of every row before the first comes. ``attributes``:
        only the annotations carrying each of these ``(name, value)`` pairs."""
        where, params = _chosen(labels, None, annotator, status, attributes)
        columns = ", ".join(f'a."{c}"' for c in SEGMENT_COLUMNS)
        wanted = None if documents is None else set(documents)
        for (doc_id,) in self._read("SELECT id FROM documents ORDER BY position, added, id"):
            if wanted is None or doc_id in wanted:
                yield from self._row_batches(f"SELECT {columns} FROM annotations a", ["a.document = ?", *where],
                                             [doc_id, *params], ' ORDER BY a.start, a."end", a.id', size)

    def label_counts_by(self, by: str, documents: Iterable[str] | None = None, annotator: str | None = None,
                        status: str | None = None) -> list[tuple[str, str, int]]:
        """``(label, document or annotator, count)`` for every pair that has annotations, in one query."""
        if by not in MATRIX_BY:
            raise InputError(f"A matrix counts by {' or '.join(MATRIX_BY)}, not {by!r}.")
        where, params = _chosen(None, documents, annotator, status)
        sql = f"SELECT a.label, a.{by}, COUNT(*) FROM annotations a"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self._read(sql + f" GROUP BY a.label, a.{by}", params)

    def count_segments(self, labels: Iterable[str] | None = None, documents: Iterable[str] | None = None,
                       annotator: str | None = None, status: str | None = None,
                       attributes: Iterable[tuple[str, str]] = ()) -> int:
        """How many rows :meth:`segment_row_batches` gives for the same choice."""
        where, params = _chosen(labels, documents, annotator, status, attributes)
        sql = "SELECT COUNT(*) FROM annotations a" + (" WHERE " + " AND ".join(where) if where else "")
        return self._read(sql, params)[0][0]
