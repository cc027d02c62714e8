"""The annotation list dock: every annotation, filterable by label and text; double-click jumps to it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDockWidget, QHBoxLayout, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget,
)

from annotator.gui.models import ANNOTATION_ID_ROLE, AnnotationFilterProxy, AnnotationTableModel


class AnnotationListDock(QDockWidget):
    #: An annotation was double-clicked (or Enter pressed on it); argument: annotation id.
    annotation_activated = Signal(str)

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__("Annotations", parent)
        self.setObjectName("annotations_dock")
        self.model = AnnotationTableModel(session, self)
        self.proxy = AnnotationFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.label_filter = QComboBox()
        self.label_filter.setObjectName("label_filter")
        self.text_filter = QLineEdit()
        self.text_filter.setObjectName("text_filter")
        self.text_filter.setPlaceholderText("Filter by quote, note, annotator, document…")
        self.text_filter.setClearButtonEnabled(True)
        self.table = QTableView()
        self.table.setObjectName("annotation_table")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Reading order (the model's order) until the analyst clicks a column header.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((240, 110, 360, 90, 260, 80)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        body = QWidget()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.label_filter)
        top.addWidget(self.text_filter, 1)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.setWidget(body)

        self.label_filter.currentIndexChanged.connect(lambda _: self.proxy.set_label(self.label_filter.currentData()))
        self.text_filter.textChanged.connect(self.proxy.set_text)
        self.table.activated.connect(self._on_activated)
        self.table.doubleClicked.connect(self._on_activated)
        self.reload()

    def reload(self) -> None:
        """Refresh rows and the label filter from the store."""
        self.model.reload()
        current = self.label_filter.currentData()
        self.label_filter.blockSignals(True)
        self.label_filter.clear()
        self.label_filter.addItem("All labels", None)
        for name in self.model.colors:
            self.label_filter.addItem(name, name)
        index = self.label_filter.findData(current) if current else 0
        self.label_filter.setCurrentIndex(max(index, 0))
        self.label_filter.blockSignals(False)

    def _on_activated(self, index) -> None:
        ann_id = index.data(ANNOTATION_ID_ROLE)
        if ann_id:
            self.annotation_activated.emit(ann_id)

    def select_annotation(self, ann_id: str | None) -> None:
        """Highlight the row of ``ann_id`` (without emitting activation)."""
        if ann_id is None:
            self.table.clearSelection()
            return
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(ANNOTATION_ID_ROLE) == ann_id:
                self.table.selectRow(row)
                self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
                return

    def visible_count(self) -> int:
        return self.proxy.rowCount()

