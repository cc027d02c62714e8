"""The annotation list's model: every annotation of the project, read from the store a page at a time.

The model holds only the ids of the rows, in the order shown; a row's cells are
read (with the rows around it) when the view first asks for them. Filtering and
sorting are SQL queries, and an edit of one annotation moves, inserts or removes
one row instead of reloading 50,000.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from annotator.core.errors import AnnotatorError
from annotator.core.store.display import LIST_COLUMNS

COLUMNS = LIST_COLUMNS
ANNOTATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
DOCUMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 2

#: Rows read per query around the row the view asks for, and the most rows kept in memory.
PAGE = 80
CACHE_LIMIT = 4000
#: Edits touching more annotations than this reload the list instead of patching it.
PATCH_LIMIT = 50


class AnnotationTableModel(QAbstractTableModel):
    """Annotations matching a label and a text filter, in document and reading order or by a column."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.ids: list[str] = []
        self.colors: dict[str, str] = {}
        self.label: str | None = None
        self.text = ""
        self.column = -1  # -1: document and reading order
        self.descending = False
        self._rows: dict[str, tuple] = {}  # id -> (title, label, quote, annotator, note, status, document)
        self._keys: dict[str, tuple] = {}  # id -> default sort key, for the rows a bisect has read
        self.reload()

    # ----------------------------------------------------------------- loading
    def reload(self) -> None:
        """Re-read the labels and the ids of the matching annotations; cells are read again when shown."""
        store = self.session.store
        self.beginResetModel()
        self.colors = {lb.name: lb.color for lb in store.labels()}
        self.ids = store.annotation_list_ids(self.label, self.text, self.column, self.descending)
        self._rows = {}
        self._keys = {}
        self.endResetModel()

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

    def row_of(self, ann_id: str) -> int | None:
        try:
            return self.ids.index(ann_id)
        except ValueError:
            return None

    # ----------------------------------------------------------------- patching
    def apply_delta(self, added: Iterable[str], changed: Iterable[str], removed: Iterable[str]) -> None:
        """Follow one edit: rows leave, move or arrive without reloading the rest.

        With a text filter or a sort column the new place of a row is not known
        cheaply, so the list reloads (a few SQL queries, still no full records).
        """
        added, changed, removed = list(added), list(changed), list(removed)
        if self.text or self.column != -1 or len(added) + len(changed) + len(removed) > PATCH_LIMIT:
            self.reload()
            return
        store = self.session.store
        for ann_id in removed + changed:
            self._remove_row(ann_id)
        keys = {row[0]: row for row in store.annotation_sort_keys(added + changed)}
        try:
            for ann_id in sorted(keys, key=lambda i: keys[i][1:5]):
                if self.label and keys[ann_id][5] != self.label:
                    continue
                place = bisect_left(self.ids, keys[ann_id][1:5], key=self._sort_key)
                self.beginInsertRows(QModelIndex(), place, place)
                self.ids.insert(place, ann_id)
                self.endInsertRows()
        except _Missing:
            self.reload()

    def _remove_row(self, ann_id: str) -> None:
        self._rows.pop(ann_id, None)
        self._keys.pop(ann_id, None)
        row = self.row_of(ann_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.ids[row]
            self.endRemoveRows()

    def _sort_key(self, ann_id: str) -> tuple:
        """``(document, start, end, id)`` of a listed annotation (a bisect reads ~16; the middle rows of the
        list are read again by every insertion, so the keys read are kept until the row moves or leaves)."""
        key = self._keys.get(ann_id)
        if key is None:
            keys = self.session.store.annotation_sort_keys([ann_id])
            if not keys:
                raise _Missing(ann_id)
            key = self._keys[ann_id] = keys[0][1:5]
        return key

    # ----------------------------------------------------------------- Qt model
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def _row(self, row: int) -> tuple | None:
        ann_id = self.ids[row]
        cells = self._rows.get(ann_id)
        if cells is None:
            if len(self._rows) > CACHE_LIMIT:
                self._rows = {}
            page = [i for i in self.ids[max(0, row - PAGE // 4) : row + PAGE] if i not in self._rows]
            try:
                self._rows.update(self.session.store.annotation_list_rows(page))
            except AnnotatorError:
                return None
            cells = self._rows.get(ann_id)
        return cells

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        # A table view asks for a dozen roles per cell on every repaint: answer the unused ones first.
        if role not in _ROLES or not index.isValid() or index.row() >= len(self.ids):
            return None
        if role == ANNOTATION_ID_ROLE:
            return self.ids[index.row()]
        cells = self._row(index.row())
        if cells is None:
            return None
        col = index.column()
        if role == DOCUMENT_ID_ROLE:
            return cells[6]
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(self.colors.get(cells[1], "#888888")) if col == 1 else None
        value = cells[col]
        return " ".join(value.split()) if role == Qt.ItemDataRole.DisplayRole else value


_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DecorationRole,
                    ANNOTATION_ID_ROLE, DOCUMENT_ID_ROLE})


class _Missing(Exception):
    """A listed annotation is no longer in the store: the list is out of date and reloads."""
