"""The annotation list's model: every annotation of the project, read from the store a page at a time.

The model never holds the whole list. Without a text filter it knows the
number of rows (one ``count(*)`` over an index) and reads the page of rows the
view asks for (``LIMIT``/``OFFSET`` in the list's order, sorting and filtering
in SQL). With a text filter, counting would read every row, so rows arrive as
the view scrolls to the end (Qt's ``canFetchMore``/``fetchMore``). An edit
removes the rows it touched and inserts them at the place SQL gives, instead
of reloading the list.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from annotator.core.errors import AnnotatorError
from annotator.core.store.display import LIST_COLUMNS

#: The list's column titles, by what the store says each column holds.
_TITLES = {"document": "Document", "label": "Label", "quote": "Quote", "annotator": "Annotator", "note": "Note",
           "status": "Status"}
COLUMNS = tuple(_TITLES[column] for column in LIST_COLUMNS)
ANNOTATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
DOCUMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 2

#: Rows read per query, and the most rows kept in memory.
PAGE = 100
CACHE_ROWS = 4000
#: Edits touching more annotations than this reload the list instead of patching it.
PATCH_LIMIT = 50


class AnnotationTableModel(QAbstractTableModel):
    """Annotations matching a label and a text filter, in document and reading order or by a column."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.colors: dict[str, str] = {}
        self.label: str | None = None
        self.attribute: tuple[str, str] | None = None  # (name, value): only spans carrying it
        self.text = ""
        self.column = -1  # -1: document and reading order
        self.descending = False
        self._count = 0  # rows shown (with a text filter: rows fetched so far)
        self._more = False  # with a text filter: rows remain to fetch
        self._rows: dict[int, tuple] = {}  # row -> (id, title, label, quote, annotator, note, status, document)
        self.reload()

    # ----------------------------------------------------------------- loading
    def _query(self) -> dict:
        return {"label": self.label, "text": self.text, "column": self.column, "descending": self.descending,
                "attribute": self.attribute}

    def reload(self) -> None:
        """Re-read the labels and the number of matching annotations; rows are read again when shown."""
        store = self.session.store
        self.beginResetModel()
        self.colors = {lb.name: lb.color for lb in store.labels()}
        self._rows = {}
        if self.text:
            self._count, self._more = 0, True
            self._count, self._more = self._probe(PAGE)
        else:
            self._count, self._more = store.annotation_list_count(self.label, attribute=self.attribute), False
        self.endResetModel()

    def _probe(self, rows: int) -> tuple[int, bool]:
        """With a text filter: read rows until ``rows`` rows are known or none remain; ``(count, more)``.

        The rows are read in one query (each ``OFFSET`` query walks the rows before it again).
        """
        count, more = self._count, self._more
        if not more or count >= rows:
            return count, more
        start = count // PAGE * PAGE
        want = -(-rows // PAGE) * PAGE - start
        got = self.session.store.annotation_list_page(**self._query(), offset=start, limit=want)
        self._keep(start, got)
        return max(count, start + len(got)), len(got) == want

    def _keep(self, start: int, rows: list[tuple]) -> None:
        """Cache ``rows`` as the rows from ``start`` (the last :data:`CACHE_ROWS` of them at most)."""
        if len(self._rows) + len(rows) > CACHE_ROWS:
            self._rows = {}
        skip = max(0, len(rows) - CACHE_ROWS)
        self._rows.update(zip(range(start + skip, start + len(rows)), rows[skip:]))

    def _grow(self, rows: int) -> None:
        """With a text filter: show at least ``rows`` rows (or every match), telling the view."""
        count, more = self._probe(rows)
        if count > self._count:
            self.beginInsertRows(QModelIndex(), self._count, count - 1)
            self._count = count
            self.endInsertRows()
        self._more = more

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: N802 (Qt override)
        return not parent.isValid() and self._more

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: N802 (Qt override)
        if not parent.isValid():
            self._grow(self._count + PAGE)

    @property
    def ids(self) -> list[str]:
        """The ids of the rows shown, in order (reads every page: for tests and small lists)."""
        return [self._id(row) for row in range(self._count)]

    def total_count(self) -> int:
        """How many annotations match the filters (with a text filter, counted in SQL, not just those fetched)."""
        if not self.text:
            return self._count
        return self.session.store.annotation_list_count(self.label, self.text, attribute=self.attribute)

    def set_label(self, label: str | None) -> None:
        self.label = label or None
        self.reload()

    def set_attribute(self, attribute: tuple[str, str] | None) -> None:
        """List only the spans whose attribute ``name`` is ``value`` (``(name, value)``), or every span (None)."""
        self.attribute = attribute or None
        self.reload()

    def set_text(self, text: str) -> None:
        self.text = text.strip()
        self.reload()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:  # noqa: D401 (Qt override)
        column = column if 0 <= column < len(COLUMNS) else -1
        descending = order == Qt.SortOrder.DescendingOrder
        if (column, descending) == (self.column, self.descending):
            return  # already in that order (the view asks once when sorting is switched on)
        self.column, self.descending = column, descending
        self.reload()

    def _cached_row_of(self, ann_id: str) -> int | None:
        return next((row for row, cells in self._rows.items() if cells[0] == ann_id), None)

    def _shift(self, at: int, by: int) -> None:
        """Rows from ``at`` on move by ``by`` in the cache (a row was inserted or removed before them)."""
        self._rows = {(row + by if row >= at else row): cells for row, cells in self._rows.items()}

    def row_of(self, ann_id: str) -> int | None:
        """The row of ``ann_id`` (fetching up to it with a text filter), or None when it is not listed."""
        row = self._cached_row_of(ann_id)
        if row is not None:
            return row
        row = self.session.store.annotation_list_position(ann_id, **self._query())
        if row is None:
            return None
        if row >= self._count:
            self._grow(row + 1)
        return row if row < self._count else None

    # ----------------------------------------------------------------- patching
    def apply_delta(self, added: Iterable[str], changed: Iterable[str], removed: Iterable[str]) -> None:
        """Follow one edit (or several merged, as the store is after the last): the rows it touched leave
        and arrive at the place SQL gives, the rest stay (their cached cells move with them, so the rows on
        screen are not read again).

        A row leaves from where the model last read it. A listed row never read (far from the screen) has
        no known place: then the number of rows tells whether one was missed, and the list reloads (cheap:
        a ``count(*)``, then the rows on screen).
        """
        added, changed, removed = list(added), list(changed), list(removed)
        if len(added) + len(changed) + len(removed) > PATCH_LIMIT:
            self.reload()
            return
        store = self.session.store
        leaving_ids = set(removed + changed)  # (an added row cached already, after an undo, leaves too)
        known = {row for row, cells in self._rows.items() if cells[0] in leaving_ids or cells[0] in added}
        known_ids = {self._rows[row][0] for row in known}
        for row in sorted(known, reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self._shift(row + 1, -1)
            self._count -= 1
            self.endRemoveRows()
        query = self._query()
        within = self._count + 1 if self.text else None  # with a text filter, counting stops past the rows fetched
        places = sorted((p, i) for i in dict.fromkeys(added + changed)
                        if (p := store.annotation_list_position(i, **query, within=within)) is not None)
        cells = store.annotation_list_rows([i for _, i in places])
        for place, ann_id in places:
            if place > self._count or (place == self._count and self._more) or ann_id not in cells:
                continue  # not fetched yet: it arrives with the rows after it
            self.beginInsertRows(QModelIndex(), place, place)
            self._shift(place, 1)
            self._rows[place] = (ann_id, *cells[ann_id])
            self._count += 1
            self.endInsertRows()
        if self.text:  # rows past those fetched are read again when fetched
            self._rows = {row: c for row, c in self._rows.items() if row < self._count}
        if not leaving_ids <= known_ids and not self._still_exact():
            self.reload()

    def _still_exact(self) -> bool:
        """After an edit touching a row the cache did not hold: is the list still the store's?"""
        if not self.text:
            return self.session.store.annotation_list_count(self.label, attribute=self.attribute) == self._count
        # The rows fetched were all cached, so the missing row was not among them.
        return all(row in self._rows for row in range(self._count))

    # ----------------------------------------------------------------- Qt model
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def _row(self, row: int) -> tuple | None:
        """``(id, title, label, quote, annotator, note, status, document)`` of a row (its page read if
        needed), or None."""
        cells = self._rows.get(row)
        if cells is None:
            try:
                if not self._read_near(row):
                    start = row // PAGE * PAGE
                    page = self.session.store.annotation_list_page(**self._query(), offset=start, limit=PAGE)
                    self._keep(start, page[: self._count - start])
            except AnnotatorError:
                return None
            cells = self._rows.get(row)
        return cells

    def _read_near(self, row: int) -> bool:
        """Read the page from the cached row nearest ``row`` (within a page) by its sort key, not by ``OFFSET``
        (which walks every row before: ~0.2 s half-way down a million); False when no row is near."""
        anchor = next((r for d in range(1, PAGE) for r in (row - d, row + d) if r in self._rows), None)
        if anchor is None:
            return False
        backwards = anchor > row
        limit = min(PAGE, anchor) if backwards else min(PAGE, self._count - anchor - 1)
        page = self.session.store.annotation_list_next(self._rows[anchor][0], **self._query(), limit=limit,
                                                       backwards=backwards)
        if page is None or len(page) != limit:
            return False  # the list changed under the cache: read by position
        self._keep(anchor - limit if backwards else anchor + 1, page)
        return True

    def _id(self, row: int) -> str | None:
        cells = self._row(row)
        return cells[0] if cells else None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        # A table view asks for a dozen roles per cell on every repaint: answer the unused ones first.
        if role not in _ROLES or not index.isValid() or index.row() >= self._count:
            return None
        cells = self._row(index.row())
        if cells is None:
            return None
        if role == ANNOTATION_ID_ROLE:
            return cells[0]
        col = index.column()
        if role == DOCUMENT_ID_ROLE:
            return cells[7]
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(self.colors.get(cells[2], "#888888")) if col == 1 else None
        value = cells[col + 1]
        return " ".join(value.split()) if role == Qt.ItemDataRole.DisplayRole else value


_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DecorationRole,
                    ANNOTATION_ID_ROLE, DOCUMENT_ID_ROLE})
