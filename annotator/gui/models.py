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

COLUMNS = LIST_COLUMNS
ANNOTATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
DOCUMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 2

#: Rows read per query, and the most pages kept in memory.
PAGE = 100
CACHE_PAGES = 40
#: Edits touching more annotations than this reload the list instead of patching it.
PATCH_LIMIT = 50


class AnnotationTableModel(QAbstractTableModel):
    """Annotations matching a label and a text filter, in document and reading order or by a column."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.colors: dict[str, str] = {}
        self.label: str | None = None
        self.text = ""
        self.column = -1  # -1: document and reading order
        self.descending = False
        self._count = 0  # rows shown (with a text filter: rows fetched so far)
        self._more = False  # with a text filter: rows remain to fetch
        self._pages: dict[int, list[tuple]] = {}  # page number -> rows (id, title, label, ..., document)
        self.reload()

    # ----------------------------------------------------------------- loading
    def _query(self) -> dict:
        return {"label": self.label, "text": self.text, "column": self.column, "descending": self.descending}

    def reload(self) -> None:
        """Re-read the labels and the number of matching annotations; rows are read again when shown."""
        store = self.session.store
        self.beginResetModel()
        self.colors = {lb.name: lb.color for lb in store.labels()}
        self._pages = {}
        if self.text:
            self._count, self._more = 0, True
            self._count, self._more = self._probe(PAGE)
        else:
            self._count, self._more = store.annotation_list_count(self.label), False
        self.endResetModel()

    def _probe(self, rows: int) -> tuple[int, bool]:
        """With a text filter: read pages until ``rows`` rows are known or none remain; ``(count, more)``."""
        count, more = self._count, self._more
        while more and count < rows:
            number = count // PAGE
            page = self._page(number)
            got = number * PAGE + len(page)
            more = len(page) == PAGE and got > count
            count = max(count, got)
        return count, more

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
        return self.session.store.annotation_list_count(self.label, self.text) if self.text else self._count

    def set_label(self, label: str | None) -> None:
        self.label = label or None
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
        for number, page in self._pages.items():
            for k, row in enumerate(page):
                if row[0] == ann_id:
                    return number * PAGE + k
        return None

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
        """Follow one edit: the rows it touched leave and arrive at their new place, the rest stay.

        A row leaves from where the model last read it; a listed row never read (far from the screen)
        has no known place, and then the list reloads (cheap: the number of rows, then one page).
        """
        added, changed, removed = list(added), list(changed), list(removed)
        if len(added) + len(changed) + len(removed) > PATCH_LIMIT:
            self.reload()
            return
        store = self.session.store
        leaving = sorted({r for r in map(self._cached_row_of, removed + changed) if r is not None}, reverse=True)
        self._pages = {}
        for row in leaving:
            self.beginRemoveRows(QModelIndex(), row, row)
            self._count -= 1
            self.endRemoveRows()
        query = self._query()
        places = sorted(p for p in (store.annotation_list_position(i, **query) for i in added + changed)
                        if p is not None)
        for place in places:
            if place > self._count or (place == self._count and self._more):
                continue  # not fetched yet: it arrives with the rows after it
            self.beginInsertRows(QModelIndex(), place, place)
            self._count += 1
            self.endInsertRows()
        # A listed row that had not been read left no trace above: the number of rows tells (every row
        # shown is read again from the store, so the rows are right; only their count can be off).
        if not self.text:
            if store.annotation_list_count(self.label) != self._count:
                self.reload()
                return
        elif self._count and not store.annotation_list_page(**query, offset=self._count - 1, limit=1):
            self.reload()
            return
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(COLUMNS) - 1))

    # ----------------------------------------------------------------- Qt model
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def _page(self, number: int) -> list[tuple]:
        page = self._pages.get(number)
        if page is None:
            if len(self._pages) >= CACHE_PAGES:
                self._pages = {}
            page = self._pages[number] = self.session.store.annotation_list_page(
                **self._query(), offset=number * PAGE, limit=PAGE)
        return page

    def _row(self, row: int) -> tuple | None:
        """``(id, title, label, quote, annotator, note, status, document)`` of a row, or None."""
        try:
            page = self._page(row // PAGE)
        except AnnotatorError:
            return None
        k = row % PAGE
        return page[k] if k < len(page) else None

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
