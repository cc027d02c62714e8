"""The review dock: compare annotators on one document (or all), walk the disagreements, decide.

The dock computes the review items (``annotator.core.review``) and shows them
as a table; the main window shows the spans in the panes and runs decisions
as undoable commands. The table is a view of :class:`ReviewItemsModel`, whose
cells are made only when a row is painted: two annotators' 250,000 spans each
list ~400,000 items, and a table item per cell froze the window for ~35 s.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDockWidget, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QListWidget,
    QListWidgetItem, QPushButton, QTableView, QVBoxLayout, QWidget,
)

from annotator.core.errors import CancelledError
from annotator.core.review import ReviewGroup, review_groups
from annotator.core.store import Store
from annotator.gui.background import run_in_background
from annotator.gui.commands.annotations import short_quote
from annotator.gui.views.span_display import CATEGORY_NAMES

#: Glyphs that tell the categories apart in the list without relying on colour.
CATEGORY_MARKS = {"agreed": "=", "label_conflict": "≠", "boundary_conflict": "↔", "only": "∅"}
#: Up to this many annotations of the compared annotators the review list is read at once; more are read in
#: the background behind a progress dialog.
INLINE_BELOW = 20_000


def loading_text(done: int, total: int | None) -> str:
    """The progress dialog's text while the review list loads."""
    return f"Comparing annotators: {done:,} of {total:,} spans read…" if total else "Comparing annotators…"


#: The review buttons stand in a column beside the table, at most this many high (five actions: one column).
BUTTON_ROWS = 5
_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)


class ReviewItemsModel(QAbstractTableModel):
    """The listed review items, one row each: category, document, quote, then each compared annotator's label
    (and decision). A cell's text is made when the view asks for it (its tooltip is the same, whole text)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[ReviewGroup] = []
        self._names: list[str] = []
        self._titles: dict[str, str] = {}

    def reset(self, rows: list[ReviewGroup], names: list[str], titles: dict[str, str]) -> None:
        self.beginResetModel()
        self._rows, self._names, self._titles = rows, names, titles
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 -- Qt's names
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 3 + len(self._names)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            headers = ["Category", "Document", "Quote", *self._names]
            return headers[section] if 0 <= section < len(headers) else None
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in _TEXT_ROLES:
            return None
        return self.cell(index.row(), index.column())

    def cell(self, row: int, column: int) -> str:
        """The text of a cell (what the table shows, elided, and its tooltip, whole)."""
        group = self._rows[row]
        if column == 0:
            return f"{CATEGORY_MARKS.get(group.category, '')} {CATEGORY_NAMES.get(group.category, group.category)}"
        if column == 1:
            return self._titles.get(group.document, group.document)
        by_name = dict(group.members)
        if column == 2:
            return short_quote(next(iter(by_name.values())).quote, 60)
        a = by_name.get(self._names[column - 3])
        return "—" if a is None else a.label + ("" if a.status == "pending" else f" ({a.status})")


class ReviewDock(QDockWidget):
    #: The compared annotators, document or items changed; the window re-renders the panes.
    review_changed = Signal()
    #: The current item changed; argument: its index in :attr:`items` (or -1).
    item_changed = Signal(int)

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__("Review", parent)
        self.setObjectName("review_dock")
        self.session = session
        self.items: list[ReviewGroup] = []
        self.shown: list[int] = []  # indices into items, as listed

        self.document = QComboBox()
        self.document.setObjectName("review_document")
        self.annotators = QListWidget()
        self.annotators.setObjectName("review_annotators")
        self.annotators.setFlow(QListWidget.Flow.LeftToRight)
        self.annotators.setMaximumHeight(30)
        self.show_agreed = QCheckBox("Show agreed")
        self.show_agreed.setObjectName("show_agreed")
        self.summary = QLabel()
        self.summary.setObjectName("review_summary")
        self.model = ReviewItemsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setObjectName("review_items")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.buttons: dict[str, QPushButton] = {}

        # Laid out for the table's height, on a 1024 × 700 screen too: the choices on one line, the buttons in a
        # column beside the table (not rows under it), the summary on its own wrapping line.
        self.document.setMinimumContentsLength(12)
        self.document.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        top = QHBoxLayout()
        top.addWidget(QLabel("Document:"))
        top.addWidget(self.document, 2)
        top.addWidget(QLabel("Annotators:"))
        top.addWidget(self.annotators, 3)
        top.addWidget(self.show_agreed)
        self.summary.setWordWrap(True)
        self.button_grid = QGridLayout()
        self.button_grid.setVerticalSpacing(4)
        self.button_grid.setRowStretch(BUTTON_ROWS, 1)
        middle = QHBoxLayout()
        middle.addWidget(self.table, 1)
        middle.addLayout(self.button_grid)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(self.summary)
        self.setWidget(body)

        self.document.currentIndexChanged.connect(lambda _: self.recompute())
        self.annotators.itemChanged.connect(lambda _: self.recompute())
        self.show_agreed.toggled.connect(lambda _: self._fill_table())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._on_selection())

    def add_button(self, action) -> None:
        """A button for a Review menu action (same text, shortcut and enabled state)."""
        button = QPushButton(action.text().replace("&", "").split("\t")[0])
        button.setToolTip(f"{action.toolTip()} ({action.shortcut().toString()})" if action.shortcut().toString()
                          else action.toolTip())
        button.clicked.connect(action.trigger)
        action.enabledChanged.connect(button.setEnabled)
        button.setEnabled(action.isEnabled())
        n = len(self.buttons)
        self.button_grid.addWidget(button, n % BUTTON_ROWS, n // BUTTON_ROWS)
        self.buttons[action.objectName()] = button

    # ----------------------------------------------------------------- set-up
    def prepare(self, preferred: str) -> None:
        """Fill the document and annotator choices; compare ``preferred`` with one colleague by default."""
        store = self.session.store
        current_doc = self.document.currentData()
        self.document.blockSignals(True)
        self.document.clear()
        self.document.addItem("All documents", None)
        for doc in store.documents():
            self.document.addItem(doc.title, doc.id)
        index = self.document.findData(current_doc) if current_doc else 0
        self.document.setCurrentIndex(max(index, 0))
        self.document.blockSignals(False)

        checked = set(self.compared()) or self._default_pair(preferred)
        self.annotators.blockSignals(True)
        self.annotators.clear()
        for annotator in store.annotators():
            item = QListWidgetItem(annotator.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if annotator.id in checked else Qt.CheckState.Unchecked)
            self.annotators.addItem(item)
        self.annotators.blockSignals(False)
        self.recompute()

    def _default_pair(self, preferred: str) -> set[str]:
        counts = self.session.store.annotation_counts_by_annotator()
        names = [n for n, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c]
        if preferred in names:
            names.remove(preferred)
            names.insert(0, preferred)
        return set(names[:2])

    def compared(self) -> list[str]:
        return [self.annotators.item(i).text() for i in range(self.annotators.count())
                if self.annotators.item(i).checkState() == Qt.CheckState.Checked]

    def document_id(self) -> str | None:
        return self.document.currentData()

    # ---------------------------------------------------------------- content
    def recompute(self, keep_row: bool = False) -> None:
        """Recategorise the compared annotators' spans and refill the list."""
        row = self.current_row()
        names = self.compared()
        cancelled = False
        if len(names) >= 2:
            try:
                self.items = self._read_items(names, self.document_id())
            except CancelledError:
                self.items, cancelled = [], True
        else:
            self.items = []
        self._fill_table(row if keep_row else None)
        if cancelled:
            self.summary.setText("Comparing was cancelled: change a choice to compare again.")
        self.review_changed.emit()

    def _read_items(self, names: list[str], doc: str | None) -> list[ReviewGroup]:
        """The review items: read at once for a small selection, else in the background behind a progress
        dialog counting the spans read (the phases of ``annotator review``); Cancel raises CancelledError."""
        store = self.session.store
        counts = store.annotation_counts_by_annotator()
        if sum(counts.get(name, 0) for name in names) < INLINE_BELOW:
            return list(review_groups(store, names, doc))
        path = str(store.path)

        def job(progress) -> list[ReviewGroup]:
            with Store.open(path, create=False, readonly=True) as mine:  # the worker's own connection
                return list(review_groups(mine, names, doc, lambda done, total: progress(done, total,
                                                                                         loading_text(done, total))))

        return run_in_background(self, "Comparing annotators", job, text=loading_text(0, None))

    def _fill_table(self, row: int | None = None) -> None:
        names = self.compared()
        titles = {d.id: d.title for d in self.session.store.documents()}
        every = self.show_agreed.isChecked()
        self.shown = [i for i, g in enumerate(self.items) if every or g.category != "agreed"]
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        self.model.reset([self.items[i] for i in self.shown], names, titles)
        # Every column stays on screen: the quote takes what is left, the others share out the rest, and
        # long cells are elided (their whole text is in the tooltip).
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(40)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        selection.blockSignals(False)
        counts = Counter(g.category for g in self.items)
        self.summary.setText(
            " · ".join(f"{CATEGORY_NAMES[c]} {counts[c]}" for c in ("agreed", "label_conflict", "boundary_conflict", "only"))
            if len(names) >= 2 else "Tick at least two annotators to compare."
        )
        if self.shown:
            self.select_row(min(row, len(self.shown) - 1) if row is not None and row >= 0 else 0)
        else:
            self.item_changed.emit(-1)

    def select_row(self, row: int) -> None:
        if 0 <= row < len(self.shown):
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def current_row(self) -> int:
        """The listed row that is current (-1: none)."""
        return self.table.currentIndex().row()

    def item_of(self, ann_id: str | None) -> int | None:
        """Index in :attr:`items` of the item that holds annotation ``ann_id`` (None if no item does)."""
        if not ann_id:
            return None
        return next((i for i, g in enumerate(self.items) if any(a.id == ann_id for _, a in g.members)), None)

    def select_item(self, index: int) -> bool:
        """Make item ``index`` the current row, listing agreed items if it is one; False if it is not listed."""
        if index not in self.shown and self.items[index].category == "agreed" and not self.show_agreed.isChecked():
            self.show_agreed.setChecked(True)
        if index not in self.shown:
            return False
        row = self.shown.index(index)
        if row != self.current_row():
            self.select_row(row)
        return True

    def current(self) -> ReviewGroup | None:
        row = self.current_row()
        return self.items[self.shown[row]] if 0 <= row < len(self.shown) else None

    def step(self, delta: int) -> None:
        """Move to the next (+1) or previous (-1) listed item, wrapping around."""
        if self.shown:
            self.select_row((self.current_row() + delta) % len(self.shown))

    def _on_selection(self) -> None:
        row = self.current_row()
        self.item_changed.emit(self.shown[row] if 0 <= row < len(self.shown) else -1)

    def categories(self) -> dict[str, str]:
        """Annotation id -> category, for painting."""
        return {a.id: g.category for g in self.items for _, a in g.members}
