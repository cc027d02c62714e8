"""The annotation list dock: every annotation, filterable by label, attribute and text; double-click jumps to it.

The model (:mod:`annotator.gui.views.annotation_model`) filters and sorts in SQL and reads a page of rows as it scrolls into
view, never the whole list, so the dock opens and follows edits quickly on a project of a million annotations.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDockWidget, QHBoxLayout, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget,
)

from annotator.core.attributes import attribute_choices, parse_filter
from annotator.gui.views.annotation_model import ANNOTATION_ID_ROLE, AnnotationTableModel


#: How long the list waits before following the selected span (see :meth:`AnnotationListDock.follow`).
FOLLOW_DELAY_MS = 120


class AnnotationListDock(QDockWidget):
    #: An annotation was double-clicked (or Enter pressed on it); argument: annotation id.
    annotation_activated = Signal(str)

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__("Annotations", parent)
        self.setObjectName("annotations_dock")
        self.model = AnnotationTableModel(session, self)

        self.label_filter = QComboBox()
        self.label_filter.setObjectName("label_filter")
        # Shown once some label declares an attribute: "negated", "certainty = reported" ...
        self.attribute_filter = QComboBox()
        self.attribute_filter.setObjectName("attribute_filter")
        self.attribute_filter.setToolTip("Only the spans carrying this attribute value")
        self.text_filter = QLineEdit()
        self.text_filter.setObjectName("text_filter")
        self.text_filter.setPlaceholderText("Filter by quote, note, annotator, document…")
        self.text_filter.setClearButtonEnabled(True)
        self.table = QTableView()
        self.table.setObjectName("annotation_table")
        self.table.setModel(self.model)
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
        top.addWidget(self.attribute_filter)
        top.addWidget(self.text_filter, 1)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self.setWidget(body)

        self.label_filter.currentIndexChanged.connect(lambda _: self.model.set_label(self.label_filter.currentData()))
        self.attribute_filter.currentIndexChanged.connect(lambda _: self.model.set_attribute(self.attribute()))
        self.text_filter.textChanged.connect(self.model.set_text)
        self.table.activated.connect(self._on_activated)
        self.table.doubleClicked.connect(self._on_activated)
        self._pending: str | None = None
        self._following = False
        self._deltas: list[tuple] = []  # edits not yet applied to the list (see apply_delta)
        self._follow_timer = QTimer(self)
        self._follow_timer.setSingleShot(True)
        self._follow_timer.setInterval(FOLLOW_DELAY_MS)
        self._follow_timer.timeout.connect(self._catch_up)
        self._fill_label_filter()
        session.labels_changed.connect(self._fill_attribute_filter)  # a declaration added or removed

    def reload(self) -> None:
        """Refresh rows and the label filter from the store."""
        self._deltas = []
        self.model.reload()
        self._fill_label_filter()

    def _fill_label_filter(self) -> None:
        current = self.label_filter.currentData()
        self.label_filter.blockSignals(True)
        self.label_filter.clear()
        self.label_filter.addItem("All labels", None)
        for name in self.model.colors:
            self.label_filter.addItem(name, name)
        index = self.label_filter.findData(current) if current else 0
        self.label_filter.setCurrentIndex(max(index, 0))
        self.label_filter.blockSignals(False)
        if self.label_filter.currentData() != self.model.label:  # the filtered label was deleted
            self.model.set_label(self.label_filter.currentData())
        self._fill_attribute_filter()

    def _fill_attribute_filter(self) -> None:
        """Every flag and every choice some label declares (free text is found with the text filter's words)."""
        current = self.attribute_filter.currentData()
        entries = attribute_choices(self.model.session.store.label_attributes())
        self.attribute_filter.blockSignals(True)
        self.attribute_filter.clear()
        self.attribute_filter.addItem("All attributes", None)
        for text, key in entries:
            self.attribute_filter.addItem(text, key)
        index = self.attribute_filter.findData(current) if current else 0
        self.attribute_filter.setCurrentIndex(max(index, 0))
        self.attribute_filter.blockSignals(False)
        self.attribute_filter.setVisible(bool(entries))
        if self.attribute() != self.model.attribute:  # its declaration was removed
            self.model.set_attribute(self.attribute())

    def attribute(self) -> tuple[str, str] | None:
        """The attribute filter's ``(name, value)``, or None for every span."""
        chosen = self.attribute_filter.currentData()
        return parse_filter(chosen) if chosen else None

    def apply_delta(self, added, changed, removed) -> None:
        """Follow one edit without reloading every row (see :meth:`AnnotationTableModel.apply_delta`).

        Applied shortly after, with the list's scroll to the selected span: a table repaints its whole
        viewport when a row is inserted (~6 ms here), which must not delay the tagged span's own paint.
        """
        self._deltas.append((tuple(added), tuple(changed), tuple(removed)))
        self._follow_timer.start()

    def flush(self) -> None:
        """Apply the edits still waiting (see :meth:`apply_delta`) now."""
        deltas, self._deltas = self._deltas, []
        if deltas:  # as one edit: the model places rows by the store's state now, after all of them
            self.model.apply_delta(*([i for delta in deltas for i in delta[k]] for k in range(3)))

    def _catch_up(self) -> None:
        self.flush()
        if self._following:
            self.select_annotation(self._pending)

    def stop(self) -> None:
        """Drop waiting edits and scrolls (the window is closing; the project may be closed next)."""
        self._follow_timer.stop()
        self._deltas = []
        self._following = False

    def _on_activated(self, index) -> None:
        ann_id = index.data(ANNOTATION_ID_ROLE)
        if ann_id:
            self.annotation_activated.emit(ann_id)

    def follow(self, ann_id: str | None) -> None:
        """Highlight the row of ``ann_id`` shortly (coalesced), so the list follows the selected span.

        Scrolling a long list to a new row and painting it costs ~10 ms; done at once it would double
        the time of every tag and click. A burst of selections scrolls the list once, after the last.
        """
        self._pending = ann_id
        self._following = True
        self._follow_timer.start()

    def select_annotation(self, ann_id: str | None) -> None:
        """Highlight the row of ``ann_id`` now (without emitting activation)."""
        self._follow_timer.stop()
        self._following = False
        self.flush()
        if ann_id is None:
            self.table.clearSelection()
            return
        row = self.model.row_of(ann_id)
        if row is None:
            self.table.clearSelection()
            return
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.EnsureVisible)

    def visible_count(self) -> int:
        self.flush()
        return self.model.total_count()

