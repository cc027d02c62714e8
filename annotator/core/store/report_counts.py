"""What the comparison report counts, as SQL aggregates (GROUP BY): no annotation is loaded to count it.

A report of a million annotations reads a few thousand grouped rows here, and the spans it lists (the
``--all-spans`` appendix) in batches, one document at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from annotator.core.store.annotations import _selection_sql
from annotator.core.store.base import StoreBase


def _where(documents: Iterable[str] | None, *more: str) -> tuple[str, list]:
    where, params = _selection_sql("a", documents, None, None)
    where = [*where, *more]
    return (" WHERE " + " AND ".join(where)) if where else "", params


class ReportCountsMixin(StoreBase):
    def tally_rows(self, documents: Iterable[str] | None = None) -> list[tuple[str, str, str, str, str, int]]:
        """``(document, label, annotator, status, day, count)`` over the annotations of ``documents`` (all if None).

        ``day`` is the first ten characters of when the annotation was made (``YYYY-MM-DD``, or ``''``).
        """
        where, params = _where(documents)
        return self._read("SELECT a.document, a.label, a.annotator, a.status, substr(a.created, 1, 10), COUNT(*) "
                          f"FROM annotations a{where} GROUP BY 1, 2, 3, 4, 5", params)

    def distinct_span_rows(self, documents: Iterable[str] | None = None) -> list[tuple[str, str, int]]:
        """``(document, label, spans)``: the distinct kept spans (same label, same characters: one span).

        Kept means accepted or pending; a rejected annotation is never counted.
        """
        where, params = _where(documents, "a.status != 'rejected'")
        # One integer per span (offsets stay far below 2**32): twice as fast as DISTINCT over two columns.
        return self._read('SELECT a.document, a.label, COUNT(DISTINCT a.start * 4294967296 + a."end") '
                          f"FROM annotations a{where} GROUP BY 1, 2", params)

    def pair_span_batches(self, annotators: Iterable[str], documents: Iterable[str] | None = None,
                          size: int = 10_000) -> Iterator[list[tuple[str, str, str, int, int]]]:
        """``(annotator, label, document, start, end)`` of the annotations of ``annotators``, in batches."""
        names = list(annotators)
        where, params = _where(documents, f"a.annotator IN ({', '.join('?' * len(names))})" if names else "0")
        yield from self._row_batches(f'SELECT a.annotator, a.label, a.document, a.start, a."end" FROM annotations a'
                                     f"{where}", [], [*params, *names], "", size)
