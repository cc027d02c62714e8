"""The Matrix dock (issue 22): segments per code and document (or annotator), and the codes that co-occur.

*Matrix*: a row per code (the tree indented), a column per document or annotator, the total last; *With children*
counts each code's descendants in its row too. A click on a cell asks for its segments (:attr:`cell_activated`:
the Retrieval controller opens them in the Segments dock). *Co-occurrence*: the pairs of codes whose segments
overlap in the same document, with the overlapping segments and the documents. The dock shows what it is given
(:meth:`show_matrix`, :meth:`show_pairs`); the Retrieval controller computes it, off the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDockWidget, QHBoxLayout, QHeaderView, QLabel, QPushButton,
    QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from annotator.core.retrieval import Matrix, Pair, code_paths_of
from annotator.gui.commands.annotations import short_quote

CELL_ROLE = Qt.ItemDataRole.UserRole + 1
#: A column header is at most this many characters (the full title is its tooltip).
HEADER_CHARS = 24


def _table(name: str) -> QTableWidget:
    table = QTableWidget(0, 0)
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setDefaultSectionSize(22)
    return table


class MatrixDock(QDockWidget):
    #: A matrix cell was clicked: (label, with children, document id or "", annotator or "").
    cell_activated = Signal(str, bool, str, str)
    #: The matrix's choices changed, or *Refresh* was pressed: compute it again.
    refresh_requested = Signal()
    #: *Export CSV…* on the matrix (False) or the co-occurrence table (True).
    export_requested = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Matrix", parent)
        self.setObjectName("matrix_dock")
        self.table: Matrix | None = None
        self.pairs: list[Pair] = []
        self.by = QComboBox()
        self.by.setObjectName("matrix_by")
        self.by.addItem("Codes × documents", "document")
        self.by.addItem("Codes × annotators", "annotator")
        self.with_children = QCheckBox("With children")
        self.with_children.setObjectName("matrix_with_children")
        self.with_children.setToolTip("A code's row counts the segments of the codes under it too")
        self.refresh = QPushButton("Refresh")
        self.refresh.setObjectName("matrix_refresh")
        self.export = QPushButton("Export CSV…")
        self.export.setObjectName("matrix_export")
        self.grid = _table("matrix_table")
        self.grid.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.grid.setToolTip("Click a cell to see its segments")
        self.pair_table = _table("cooccurrence_table")
        self.pair_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.pair_table.verticalHeader().hide()
        self.across = QCheckBox("Across annotators")
        self.across.setObjectName("cooccurrence_across")
        self.across.setToolTip("Pair any two overlapping segments, whoever made them (by default only one "
                               "annotator's segments are paired)")
        self.pair_export = QPushButton("Export CSV…")
        self.pair_export.setObjectName("cooccurrence_export")
        self.summary = QLabel()
        self.summary.setObjectName("matrix_summary")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("matrix_tabs")
        self.tabs.addTab(self._matrix_page(), "Matrix")
        self.tabs.addTab(self._pairs_page(), "Co-occurrence")
        self.setWidget(self.tabs)
        self.by.currentIndexChanged.connect(self.refresh_requested)
        self.with_children.toggled.connect(self.refresh_requested)
        self.across.toggled.connect(self.refresh_requested)
        self.refresh.clicked.connect(self.refresh_requested)
        self.export.clicked.connect(lambda: self.export_requested.emit(False))
        self.pair_export.clicked.connect(lambda: self.export_requested.emit(True))
        self.grid.cellClicked.connect(self._cell_clicked)

    def _matrix_page(self) -> QWidget:
        page = QWidget()
        top = QHBoxLayout()
        for widget in (self.by, self.with_children, self.refresh):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.export)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.summary)
        return page

    def _pairs_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        top.addWidget(QLabel("Codes whose segments overlap in the same document"))
        top.addWidget(self.across)
        top.addStretch(1)
        top.addWidget(self.pair_export)
        layout.addLayout(top)
        layout.addWidget(self.pair_table, 1)
        return page

    def choice(self) -> tuple[str, bool, bool]:
        """``(by, with_children, across_annotators)``: what the matrix and the co-occurrence count."""
        return self.by.currentData(), self.with_children.isChecked(), self.across.isChecked()

    def show_matrix(self, table: Matrix) -> None:
        """Fill the matrix: a row per code, a column per document or annotator, the total last."""
        self.table = table
        paths = code_paths_of(table)
        grid = self.grid
        grid.clear()
        grid.setRowCount(len(table.rows))
        grid.setColumnCount(len(table.columns) + 1)
        for c, column in enumerate(table.columns):
            item = QTableWidgetItem(short_quote(table.headers[column], HEADER_CHARS))
            item.setToolTip(table.headers[column])
            grid.setHorizontalHeaderItem(c, item)
        grid.setHorizontalHeaderItem(len(table.columns), QTableWidgetItem("Total"))
        peak = max([1, *table.counts.values()])
        for r, (name, depth) in enumerate(table.rows):
            head = QTableWidgetItem("    " * depth + name)
            head.setToolTip(" › ".join(paths[name]))
            grid.setVerticalHeaderItem(r, head)
            for c, column in enumerate([*table.columns, None]):
                n = table.count(name, column) if column is not None else table.row_total(name)
                item = QTableWidgetItem(str(n) if n else "")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setData(CELL_ROLE, (name, column))
                if n and column is not None:  # a heat map: the more segments, the darker the cell
                    item.setBackground(QBrush(QColor(0, 114, 178, 30 + int(120 * n / peak))))
                grid.setItem(r, c, item)
        grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        kind = "documents" if table.by == "document" else "annotators"
        rolled = ", children counted in their parents" if table.with_children else ""
        self.summary.setText(f"{len(table.rows)} codes × {len(table.columns)} {kind}{rolled}; click a cell to see "
                             "its segments")

    def show_pairs(self, pairs: list[Pair]) -> None:
        self.pairs = pairs
        table = self.pair_table
        table.clear()
        table.setColumnCount(4)
        table.setHorizontalHeaderLabels(["Code", "Code", "Overlapping segments", "Documents"])
        table.setRowCount(len(pairs))
        for r, pair in enumerate(pairs):
            for c, value in enumerate((pair.first, pair.second, pair.segments, pair.documents)):
                item = QTableWidgetItem(str(value))
                if c > 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def _cell_clicked(self, row: int, column: int) -> None:
        item = self.grid.item(row, column)
        if item is None or self.table is None:
            return
        name, key = item.data(CELL_ROLE)
        by = self.table.by
        self.cell_activated.emit(name, self.table.with_children, key if key and by == "document" else "",
                                 key if key and by == "annotator" else "")
