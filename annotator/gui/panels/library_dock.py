"""The document library: every document with its metadata and annotation counts per label.

Sortable and filterable; texts are not loaded (only the documents table and
one counting query), so it opens quickly on large corpora.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QDockWidget, QFormLayout, QHBoxLayout, QHeaderView,
    QLabel, QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget,
)

from annotator.core.dates import parse_date
from annotator.core.errors import InputError
from annotator.core.language import RULES
from annotator.core.model import Document
from annotator.gui.window_fit import fit_dialog

DOC_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


class LibraryModel(QAbstractTableModel):
    """Rows: documents. Columns: title, source, published, length, then one count column per label."""

    FIXED = ("Title", "Source", "Published", "Length")

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.docs: list[Document] = []
        self.labels: list[str] = []
        self.counts: dict[str, dict[str, int]] = {}

    def reload(self) -> None:
        store = self.session.store
        self.beginResetModel()
        self.docs = store.documents()
        self.labels = [lb.name for lb in store.labels()]
        self.counts = store.label_counts_by_document()
        self.endResetModel()

    def adjust_counts(self, doc_id: str, changes: dict[str, int]) -> None:
        """Add ``changes`` (label -> +n/-n) to one document's counts, after one edit, without a query."""
        counts = self.counts.setdefault(doc_id, {})
        for label, n in changes.items():
            counts[label] = counts.get(label, 0) + n
        row = next((r for r, d in enumerate(self.docs) if d.id == doc_id), None)
        if row is not None:
            self.dataChanged.emit(self.index(row, len(self.FIXED)), self.index(row, self.columnCount() - 1))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.docs)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.FIXED) + len(self.labels)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (*self.FIXED, *self.labels)[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        doc = self.docs[index.row()]
        col = index.column()
        if role == DOC_ID_ROLE:
            return doc.id
        if col < len(self.FIXED):
            value = (doc.title, doc.source, doc.published or "", doc.length)[col]
        else:
            value = self.counts.get(doc.id, {}).get(self.labels[col - len(self.FIXED)], 0)
        if role == SORT_ROLE:
            return value
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{value:,}" if isinstance(value, int) else value
        if role == Qt.ItemDataRole.ToolTipRole and col == 0:
            return f"{doc.title}\n{doc.id}" + (f"\n{doc.url}" if doc.url else "")
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class LibraryFilter(QSortFilterProxyModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)


class DocumentDetailsDialog(QDialog):
    """Title, source, published date, URL and language of one document."""

    def __init__(self, doc: Document, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Document details")
        self.fields = {}
        form = QFormLayout()
        for key, label, value in (("title", "Title:", doc.title), ("source", "Source:", doc.source),
                                  ("published", "Published:", doc.published or ""), ("url", "URL:", doc.url or "")):
            edit = QLineEdit(value)
            edit.setObjectName(key)
            self.fields[key] = edit
            form.addRow(label, edit)
        self.fields["published"].setPlaceholderText("YYYY-MM-DD, or 26/11/2025, 26 November 2025")
        self.date_problem = QLabel()
        self.date_problem.setObjectName("date_problem")
        self.date_problem.setStyleSheet("color: #B00020;")
        self.date_problem.setWordWrap(True)
        form.addRow("", self.date_problem)
        self.language = language_chooser(doc.language)
        form.addRow("Language:", self.language)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.fields["published"].textChanged.connect(self._check_date)
        self._check_date()
        fit_dialog(self, (560, 220))

    def _check_date(self) -> None:
        """Say inline why a date cannot be read; OK waits until it can (or is empty)."""
        try:
            parse_date(self.fields["published"].text())
            problem = ""
        except InputError as exc:
            problem = str(exc)
        self.date_problem.setText(problem)
        self.date_problem.setVisible(bool(problem))
        self.ok.setEnabled(not problem)

    def values(self) -> dict[str, str | None]:
        out = {k: e.text().strip() for k, e in self.fields.items()}
        values = {k: (v or None) if k in ("published", "url") else v for k, v in out.items()}
        values["published"] = parse_date(out["published"])
        values["language"] = self.language.currentData()
        return values


def language_chooser(current: str) -> QComboBox:
    """The languages with rules of their own, "unknown", and ``current`` if it is another one."""
    box = QComboBox()
    box.setObjectName("language")
    box.setToolTip("Detected when the document was added; it picks the rules for figures and suggestions.")
    box.addItem("unknown", "")
    for code, name in RULES.items():
        box.addItem(f"{name} ({code})", code)
    if current and current not in RULES:
        box.addItem(f"{current} (figures read with the English rules)", current)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


class LibraryDock(QDockWidget):
    #: Open a document; arguments: document id and pane (0 left, 1 right).
    open_requested = Signal(str, int)
    #: Edit a document's details; argument: document id.
    edit_requested = Signal(str)
    #: Delete a document; argument: document id.
    delete_requested = Signal(str)

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__("Library", parent)
        self.setObjectName("library_dock")
        self.model = LibraryModel(session, self)
        self.proxy = LibraryFilter(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit()
        self.filter.setObjectName("library_filter")
        self.filter.setPlaceholderText("Filter by title, source, date…")
        self.filter.setClearButtonEnabled(True)
        self.table = QTableView()
        self.table.setObjectName("library_table")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.buttons = {}
        row = QHBoxLayout()
        row.addWidget(self.filter, 1)
        for key, text in (("left", "Open left"), ("right", "Open right"), ("edit", "Details…"), ("delete", "Delete…")):
            button = QPushButton(text)
            button.setObjectName(f"library_{key}")
            row.addWidget(button)
            self.buttons[key] = button
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.table)
        self.setWidget(body)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.table.doubleClicked.connect(lambda _: self._emit_open(0))
        self.table.activated.connect(lambda _: self._emit_open(0))
        self.buttons["left"].clicked.connect(lambda: self._emit_open(0))
        self.buttons["right"].clicked.connect(lambda: self._emit_open(1))
        self.buttons["edit"].clicked.connect(lambda: self._emit(self.edit_requested))
        self.buttons["delete"].clicked.connect(lambda: self._emit(self.delete_requested))

    def reload(self) -> None:
        current = self.current_id()
        self.model.reload()
        # Fixed widths: measuring every cell (resizeColumnsToContents) costs seconds on a large corpus.
        for col, width in enumerate((380, 170, 90, 70)):
            self.table.setColumnWidth(col, width)
        for col in range(len(LibraryModel.FIXED), self.model.columnCount()):
            self.table.setColumnWidth(col, max(60, self.fontMetrics().horizontalAdvance(
                self.model.headerData(col, Qt.Orientation.Horizontal)) + 24))
        if current:
            self.select(current)

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        return index.data(DOC_ID_ROLE) if index.isValid() else None

    def select(self, doc_id: str) -> None:
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(DOC_ID_ROLE) == doc_id:
                self.table.setCurrentIndex(index)
                return

    def _emit_open(self, pane: int) -> None:
        doc_id = self.current_id()
        if doc_id:
            self.open_requested.emit(doc_id, pane)

    def _emit(self, signal) -> None:
        doc_id = self.current_id()
        if doc_id:
            signal.emit(doc_id)
