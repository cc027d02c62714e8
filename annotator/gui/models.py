"""Qt item models: thin adapters over Store queries, rebuilt from the store when it changes."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from annotator.core.model import Annotation

COLUMNS = ("Document", "Label", "Quote", "Annotator", "Note", "Status")
ANNOTATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
DOCUMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 2


class AnnotationTableModel(QAbstractTableModel):
    """Every annotation of the project, one row each, in document and reading order."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.rows: list[Annotation] = []
        self.titles: dict[str, str] = {}
        self.colors: dict[str, str] = {}
        self.reload()

    def reload(self) -> None:
        """Rebuild from the store (documents, labels and annotations)."""
        store = self.session.store
        self.beginResetModel()
        self.titles = {d.id: d.title for d in store.documents()}
        self.colors = {lb.name: lb.color for lb in store.labels()}
        self.rows = store.annotations()
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        a = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = (self.titles.get(a.document, a.document), a.label, a.quote, a.annotator, a.note, a.status)[col]
            return " ".join(value.split()) if role == Qt.ItemDataRole.DisplayRole else value
        if role == Qt.ItemDataRole.DecorationRole and col == 1:
            return QColor(self.colors.get(a.label, "#888888"))
        if role == ANNOTATION_ID_ROLE:
            return a.id
        if role == DOCUMENT_ID_ROLE:
            return a.document
        return None


class AnnotationFilterProxy(QSortFilterProxyModel):
    """Filters rows by label (exact) and by a case-insensitive text that may occur in any column."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label: str | None = None
        self.text = ""
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_label(self, label: str | None) -> None:
        self.beginFilterChange()
        self.label = label or None
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.casefold().strip()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:
        model = self.sourceModel()
        a = model.rows[row]
        if self.label and a.label != self.label:
            return False
        if not self.text:
            return True
        hay = " ".join((model.titles.get(a.document, ""), a.label, a.quote, a.annotator, a.note, a.status))
        return self.text in hay.casefold()
