"""The Segments dock (issue 22): every coded segment of a code across the corpus, to read and to export.

A row per segment: document, code path, the quote with :data:`CONTEXT` characters of text on each side, annotator,
status, note. The filters choose the code (with the codes under it or not), the document, the annotator and the
status; a double-click (or Enter) on a row asks to jump to the segment in its document (:attr:`annotation_activated`).
The rows come from :func:`annotator.core.retrieval.segments`; at most :data:`SHOWN` are listed (the summary says
how many there are), and *Export…* writes them all (:attr:`export_requested`: the Retrieval controller asks for a
file and writes it in the background).

The list re-reads the store when the annotations, documents or labels change, and only while it is shown.
"""

from __future__ import annotations

from itertools import islice

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QDockWidget, QHBoxLayout, QHeaderView, QLabel, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from annotator.core.attributes import attribute_choices, parse_filter
from annotator.core.errors import AnnotatorError
from annotator.core.model import STATUSES
from annotator.core.retrieval import chosen_labels, segments, tree_order
from annotator.gui.commands.annotations import short_quote

ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: Characters of text shown on each side of a quote.
CONTEXT = 40
#: The most rows listed; the export writes every one.
SHOWN = 2000
#: How long after a change the shown list re-reads the store (milliseconds): a burst of tags costs one read.
RELOAD_MS = 300
COLUMNS = ("Document", "Code", "Segment", "Annotator", "Status", "Note")


class SegmentsDock(QDockWidget):
    #: A segment was double-clicked or activated: its annotation id.
    annotation_activated = Signal(str)
    #: *Export…* was pressed: the filters' current choice is in :meth:`choice`.
    export_requested = Signal()

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__("Segments", parent)
        self.setObjectName("segments_dock")
        self.session = session
        self.stale = True
        self.code = self._combo("segments_code", "Every code")
        self.with_children = QCheckBox("With children")
        self.with_children.setObjectName("segments_with_children")
        self.with_children.setToolTip("Also the segments of the codes under the chosen one, at any depth")
        self.document = self._combo("segments_document", "Every document")
        self.annotator = self._combo("segments_annotator", "Everyone")
        self.status = self._combo("segments_status", "Any status")
        for status in STATUSES:
            self.status.addItem(status, status)
        self.attribute = self._combo("segments_attribute", "Any attributes")
        self.attribute.setToolTip("Only the segments carrying this attribute value (shown once a label declares one)")
        self.export = QPushButton("Export…")
        self.export.setObjectName("segments_export")
        self.export.setToolTip("Write every segment listed (not only those shown) as CSV or JSON")
        self.summary = QLabel()
        self.summary.setObjectName("segments_summary")
        self.table = self._table()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(RELOAD_MS)
        self._lay_out()
        self._connect()
        self.fill_choices()

    def _combo(self, name: str, every: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(10)
        combo.addItem(every, None)
        return combo

    def _table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setObjectName("segments_table")
        table.setHorizontalHeaderLabels(list(COLUMNS))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(22)
        table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        return table

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        for widget in (self.code, self.with_children, self.document, self.annotator, self.status, self.attribute):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.export)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self.setWidget(body)

    def _connect(self) -> None:
        for combo in (self.code, self.document, self.annotator, self.status, self.attribute):
            combo.currentIndexChanged.connect(self.reload)
        self.with_children.toggled.connect(self.reload)
        self.export.clicked.connect(self.export_requested)
        self.table.doubleClicked.connect(self._activate)
        self.table.activated.connect(self._activate)
        self.timer.timeout.connect(self.reload_if_shown)
        self.visibilityChanged.connect(lambda visible: visible and self.stale and self.reload())
        self.session.annotations_changed.connect(self.changed)
        self.session.documents_changed.connect(self._choices_changed)
        self.session.labels_changed.connect(self._choices_changed)

    # ------------------------------------------------------------------ what is chosen
    def fill_choices(self) -> None:
        """The codes (in tree order, indented), documents and annotators to choose from; the choice is kept."""
        store = self.session.store
        keep = self.choice()
        for combo, items in (
            (self.code, [("    " * depth + lb.name, lb.name) for lb, depth in tree_order(store.labels())]),
            (self.document, [(short_quote(d.title, 50), d.id) for d in store.documents()]),
            (self.annotator, [(a.id, a.id) for a in store.annotators()]),
            (self.attribute, attribute_choices(store.label_attributes())),
        ):
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for text, data in items:
                combo.addItem(text, data)
            combo.blockSignals(False)
        self._set_choice(keep["label"], keep["with_children"], keep["document"], keep["annotator"], keep["status"])
        self._set_attribute(keep["attribute"])
        self.attribute.setVisible(self.attribute.count() > 1)

    def _set_attribute(self, attribute: str | None) -> None:
        self.attribute.blockSignals(True)
        self.attribute.setCurrentIndex(max(0, self.attribute.findData(attribute)) if attribute else 0)
        self.attribute.blockSignals(False)

    def choice(self) -> dict:
        """The filters: ``label``, ``with_children``, ``document``, ``annotator``, ``status``, ``attribute``
        (``name=value``) (None: any)."""
        return {"label": self.code.currentData(), "with_children": self.with_children.isChecked(),
                "document": self.document.currentData(), "annotator": self.annotator.currentData(),
                "status": self.status.currentData(), "attribute": self.attribute.currentData()}

    def _set_choice(self, label, with_children, document, annotator, status) -> None:
        widgets = (self.code, self.with_children, self.document, self.annotator, self.status)
        for widget in widgets:
            widget.blockSignals(True)
        for combo, value in ((self.code, label), (self.document, document), (self.annotator, annotator),
                             (self.status, status)):
            combo.setCurrentIndex(max(0, combo.findData(value)) if value is not None else 0)
        self.with_children.setChecked(with_children)
        for widget in widgets:
            widget.blockSignals(False)

    def show_segments(self, label: str | None, with_children: bool, *, document: str | None = None,
                      annotator: str | None = None, status: str | None = None) -> None:
        """Show the dock listing the segments of ``label`` (None: every code), its children's too if
        ``with_children``, in ``document`` by ``annotator`` with ``status`` (None: any)."""
        if self.code.findData(label) < 0 or self.document.findData(document) < 0:
            self.fill_choices()  # a code or document just added
        self._set_choice(label, with_children, document, annotator, status)
        self._set_attribute(None)  # exactly the segments asked for (a matrix cell's)
        self.show()
        self.raise_()
        self.reload()
        self.table.setFocus()

    # ------------------------------------------------------------------ reading
    def segments(self, context: int = CONTEXT):
        """The segments the filters choose, streamed (:func:`annotator.core.retrieval.segments`)."""
        c = self.choice()
        labels = None if c["label"] is None else [c["label"]]
        documents = None if c["document"] is None else [c["document"]]
        return segments(self.session.store, labels, c["with_children"], documents, c["annotator"], c["status"],
                        context, attributes=[parse_filter(c["attribute"])] if c["attribute"] else [])

    def count(self) -> int:
        c = self.choice()
        store = self.session.store
        labels = None if c["label"] is None else chosen_labels(store, [c["label"]], c["with_children"])
        return store.count_segments(labels, None if c["document"] is None else [c["document"]], c["annotator"],
                                    c["status"], [parse_filter(c["attribute"])] if c["attribute"] else [])

    def reload(self, *_) -> None:
        """Re-read the segments the filters choose (the first :data:`SHOWN`) and their number."""
        self.stale = False
        try:
            rows = list(islice(self.segments(), SHOWN))
            total = self.count()
        except AnnotatorError as exc:
            self.table.setRowCount(0)
            self.summary.setText(str(exc))
            return
        self.table.setRowCount(len(rows))
        for r, seg in enumerate(rows):
            context = f"…{_flat(seg.before)}[{_flat(seg.quote)}]{_flat(seg.after)}…"
            cells = (seg.title, seg.code, context, seg.annotator, seg.status, _flat(seg.note))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, seg.id)
                item.setToolTip(seg.quote if c == 2 else text)
                self.table.setItem(r, c, item)
        for column in (0, 1):
            self.table.setColumnWidth(column, min(self.table.sizeHintForColumn(column), 200))
        shown = f" (the first {SHOWN:,} shown; Export… writes them all)" if total > len(rows) else ""
        self.summary.setText(f"{total:,} segment{'s' if total != 1 else ''}{shown}")

    def changed(self, *_) -> None:
        """The project changed: re-read soon if shown, else when shown next."""
        self.stale = True
        self.timer.start()

    def reload_if_shown(self) -> None:
        if self.stale and self.isVisible():
            self.reload()

    def _choices_changed(self) -> None:
        self.fill_choices()
        self.changed()

    def _activate(self, index) -> None:
        ann_id = index.data(ID_ROLE)
        if ann_id:
            self.annotation_activated.emit(ann_id)


def _flat(text: str) -> str:
    """On one line: a line end shows as ⏎."""
    return text.replace("\n", "⏎")
