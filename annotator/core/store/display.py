"""Read models for views: light span rows for painting, and the annotation list's ids, pages and positions.

Views of a 50,000-annotation document must not build 50,000 full records to
show one screen. These queries return plain tuples of just the columns a view
needs; the list of every annotation is a list of ids in the requested order,
whose rows are read a page at a time as they scroll into view.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from annotator.core.model import SpanRow
from annotator.core.store.base import sql_columns

_SPAN_COLUMNS = sql_columns(SpanRow._fields)

#: The annotation list's columns in display order, by what each holds, with the SQL that sorts by it.
#: (Their titles are the window's: ``annotator.gui.views.annotation_model``.)
_SORT_SQL = {
    "document": "d.title COLLATE NOCASE",
    "label": "a.label COLLATE NOCASE",
    "quote": "a.quote COLLATE NOCASE",
    "annotator": "a.annotator COLLATE NOCASE",
    "note": "a.note COLLATE NOCASE",
    "status": "a.status",
}
#: What the list's columns hold, in display order: a ``column`` argument below is an index into it.
LIST_COLUMNS = tuple(_SORT_SQL)
_LIST_SORT = dict(enumerate(_SORT_SQL.values()))
#: The list's default order (and the tie-break of every other): document, then reading position.
_LIST_DEFAULT = 'a.document, a.start, a."end", a.id'
#: Ids per query when fetching rows by id (well under SQLite's variable limit).
_CHUNK = 500
#: A GLOB pattern matching text with a character outside ASCII.
_NON_ASCII = "*[^\x01-\x7f]*"


#: ``SpanRow._make`` without the class-method call: this runs 50,000 times when a big document opens.
_make_row = partial(tuple.__new__, SpanRow)


def _fold(value: str | None) -> str:
    return value.casefold() if value else ""


class DisplayMixin:
    def span_rows(self, document: str, start_from: int | None = None, start_before: int | None = None) -> list[SpanRow]:
        """The annotations of ``document`` (those starting in ``[start_from, start_before)`` when given)
        as :class:`SpanRow`, in reading order: ``(start, -end, id)``.

        (SQLite compares text byte by byte in UTF-8, which orders like Python's code points.)
        """
        sql, params = f"SELECT {_SPAN_COLUMNS} FROM annotations WHERE document = ?", [document]
        if start_from is not None:
            sql += " AND start >= ?"
            params.append(start_from)
        if start_before is not None:
            sql += " AND start < ?"
            params.append(start_before)
        return list(map(_make_row, self._read(sql + ' ORDER BY start, "end" DESC, id', params)))

    def span_rows_by_id(self, ids: Iterable[str]) -> list[SpanRow]:
        """The :class:`SpanRow` of each id that exists (missing ids are left out)."""
        ids = list(ids)
        out: list[SpanRow] = []
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            rows = self._read(f"SELECT {_SPAN_COLUMNS} FROM annotations WHERE id IN ({', '.join('?' * len(chunk))})",
                              chunk)
            out.extend(map(_make_row, rows))
        return out

    # --------------------------------------------------------- the annotation list
    def _list_where(self, label: str | None, text: str, walk_order: bool = False,
                    attribute: tuple[str, str] | None = None) -> tuple[str, list]:
        """The WHERE clause of the list; ``walk_order``: read in reading order (the index of that order walked,
        the label tested on each row) rather than by the label's index, then sorted. ``attribute``: only the
        annotations whose attribute ``name`` has ``value`` (``(name, value)``)."""
        clauses, params = [], []
        if label:
            clauses.append("+a.label = ?" if walk_order else "a.label = ?")
            params.append(label)
        if attribute:
            clauses.append("a.id IN (SELECT annotation FROM annotation_attributes WHERE key = ? AND value = ?)")
            params.extend(attribute)
        if text:
            self._ensure_fold()
            # SQLite's lower() folds ASCII only, which is exact for a row of plain ASCII; only rows it misses
            # that hold another character pay for the Python fold (the answer is the same as folding every row).
            hay = "d.title || ' ' || a.label || ' ' || a.quote || ' ' || a.annotator || ' ' || a.note || ' ' || a.status"
            clauses.append(f"(instr(lower({hay}), ?) > 0 OR ({hay} GLOB ? AND instr(annotator_fold({hay}), ?) > 0))")
            needle = text.casefold()
            params += [needle, _NON_ASCII, needle]
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def _ensure_fold(self) -> None:
        """Register ``annotator_fold`` (Unicode case folding; SQLite's lower() only folds ASCII) once."""
        conn = self.db.conn
        if not getattr(self, "_fold_registered", False):
            conn.create_function("annotator_fold", 1, _fold, deterministic=True)
            self._fold_registered = True

    @staticmethod
    def _list_order(column: int, descending: bool) -> str:
        if column in _LIST_SORT:
            return f"{_LIST_SORT[column]} {'DESC' if descending else 'ASC'}, {_LIST_DEFAULT}"
        return _LIST_DEFAULT

    def annotation_list_ids(self, label: str | None = None, text: str = "", column: int = -1,
                            descending: bool = False, attribute: tuple[str, str] | None = None) -> list[str]:
        """Ids of the annotations with ``label`` whose columns contain ``text`` (case-insensitive), sorted.

        ``column`` is an index into :data:`LIST_COLUMNS` (-1: document and reading order).
        """
        where, params = self._list_where(label, text, attribute=attribute)
        join = " JOIN documents d ON d.id = a.document" if (text or column == 0) else ""
        order = self._list_order(column, descending)
        return [row[0] for row in self._read(f"SELECT a.id FROM annotations a{join}{where} ORDER BY {order}", params)]

    def annotation_list_count(self, label: str | None = None, text: str = "",
                              attribute: tuple[str, str] | None = None) -> int:
        """How many annotations :meth:`annotation_list_ids` lists (a count over an index without ``text``)."""
        where, params = self._list_where(label, text, attribute=attribute)
        join = " JOIN documents d ON d.id = a.document" if text else ""
        return self._read(f"SELECT count(*) FROM annotations a{join}{where}", params)[0][0]

    def annotation_list_page(self, label: str | None = None, text: str = "", column: int = -1,
                             descending: bool = False, offset: int = 0, limit: int = 100,
                             attribute: tuple[str, str] | None = None) -> list[tuple]:
        """Rows ``offset`` to ``offset + limit`` of the list in that order, each
        ``(id, document title, label, quote, annotator, note, status, document id)``."""
        where, params = self._list_where(label, text, walk_order=column not in _LIST_SORT, attribute=attribute)
        order = self._list_order(column, descending)
        return self._list_select(column, text, where, order, [*params, max(0, limit), max(0, offset)],
                                 " LIMIT ? OFFSET ?")

    def _list_select(self, column: int, text: str, where: str, order: str, params: list, tail: str) -> list[tuple]:
        """The list's rows for a query; sorted by a column, SQLite sorts just the ids (the sorter then carries
        a few keys per row, not every cell: about half the time over a million rows) and the cells follow."""
        cells = "a.id, d.title, a.label, a.quote, a.annotator, a.note, a.status, a.document"
        if column not in _LIST_SORT:
            return self._read(f"SELECT {cells} FROM annotations a JOIN documents d ON d.id = a.document"
                              f"{where} ORDER BY {order}{tail}", params)
        join = " JOIN documents d ON d.id = a.document" if (text or column == 0) else ""
        ids = [row[0] for row in self._read(f"SELECT a.id FROM annotations a{join}{where} ORDER BY {order}{tail}",
                                            params)]
        rows = self.annotation_list_rows(ids)
        return [(ann_id, *rows[ann_id]) for ann_id in ids if ann_id in rows]

    def _list_key_clause(self, ann_id: str, where: str, params: list, column: int, descending: bool,
                         after: bool) -> tuple[str, list] | None:
        """The condition "listed before (or after) ``ann_id``" in that order, or None when it is not listed."""
        sort = _LIST_SORT.get(column)
        keys = 'a.document, a.start, a."end", a.id' + (f", {sort}" if sort else "")
        where_id = (where + " AND" if where else " WHERE") + " a.id = ?"
        found = self._read(f"SELECT {keys} FROM annotations a JOIN documents d ON d.id = a.document{where_id}",
                           [*params, ann_id])
        if not found:
            return None
        key = list(found[0])
        tie = ">" if after else "<"
        clause, key_params = f'(a.document, a.start, a."end", a.id) {tie} (?, ?, ?, ?)', key[:4]
        if sort:
            op = "<" if descending == after else ">"
            clause = f"({sort} {op} ? OR ({sort} = ? AND {clause}))"
            key_params = [key[4], key[4], *key[:4]]
        return clause, key_params

    def annotation_list_position(self, ann_id: str, label: str | None = None, text: str = "", column: int = -1,
                                 descending: bool = False, within: int | None = None,
                                 attribute: tuple[str, str] | None = None) -> int | None:
        """The row of ``ann_id`` in that list, or None when it is not listed (or does not exist).

        With ``within``, a row at or after ``within`` gives ``within`` (the count stops there).
        """
        where, params = self._list_where(label, text, attribute=attribute)
        before = self._list_key_clause(ann_id, where, params, column, descending, after=False)
        if before is None:
            return None
        where_before = (where + " AND " if where else " WHERE ") + before[0]
        join = " JOIN documents d ON d.id = a.document" if (text or column == 0) else ""
        sql, params = f"SELECT 1 FROM annotations a{join}{where_before}", [*params, *before[1]]
        if within is not None:
            sql, params = sql + " LIMIT ?", [*params, max(0, within)]
        return self._read(f"SELECT count(*) FROM ({sql})", params)[0][0]

    def annotation_list_next(self, ann_id: str, label: str | None = None, text: str = "", column: int = -1,
                             descending: bool = False, limit: int = 100, backwards: bool = False,
                             attribute: tuple[str, str] | None = None) -> list[tuple] | None:
        """The ``limit`` rows listed right after ``ann_id`` (``backwards``: right before it, still in list
        order), as :meth:`annotation_list_page` gives them; None when ``ann_id`` is not listed.

        A page next to a known row, read by its sort key rather than by walking the rows before it (``OFFSET``).
        """
        where, params = self._list_where(label, text, walk_order=column not in _LIST_SORT, attribute=attribute)
        near = self._list_key_clause(ann_id, where, params, column, descending, after=not backwards)
        if near is None:
            return None
        order = self._list_order(column, descending)
        if backwards:
            order = ", ".join(term.replace(" DESC", " ASC") if term.endswith(" DESC") else
                              term.replace(" ASC", "") + " DESC" for term in order.split(", "))
        rows = self._list_select(column, text, (where + " AND " if where else " WHERE ") + near[0], order,
                                 [*params, *near[1], max(0, limit)], " LIMIT ?")
        return rows[::-1] if backwards else rows

    def annotation_list_rows(self, ids: Iterable[str]) -> dict[str, tuple]:
        """``{id: (document title, label, quote, annotator, note, status, document id)}`` for existing ids."""
        ids = list(ids)
        out: dict[str, tuple] = {}
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            rows = self._read(
                "SELECT a.id, d.title, a.label, a.quote, a.annotator, a.note, a.status, a.document "
                f"FROM annotations a JOIN documents d ON d.id = a.document WHERE a.id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            out.update((row[0], row[1:]) for row in rows)
        return out

    def annotation_sort_keys(self, ids: Iterable[str]) -> list[tuple]:
        """``(id, document, start, end, id, label)`` for each existing id: the list's default sort key and label."""
        ids = list(ids)
        out: list[tuple] = []
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            out.extend(self._read(f'SELECT id, document, start, "end", id, label FROM annotations '
                                  f"WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        return out
