"""Docks for reading sources against each other: links, discrepancies, and claims grouped by actor."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidgetItem,
    QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from annotator.core.crosssource import VERDICT_MARKS, Discrepancy, claims_by_actor, discrepancies
from annotator.gui.commands.annotations import short_quote
from annotator.gui.panels.tables import row_table

ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _body(*widgets, row: list[QWidget] | None = None) -> QWidget:
    body = QWidget()
    layout = QVBoxLayout(body)
    layout.setContentsMargins(4, 4, 4, 4)
    for w in widgets:
        layout.addWidget(w)
    if row:
        line = QHBoxLayout()
        for w in row:
            line.addWidget(w)
        layout.addLayout(line)
    return body


def _span_text(ann, titles: dict[str, str]) -> str:
    return f"{ann.label} '{short_quote(ann.quote, 40)}' · {short_quote(titles.get(ann.document, ''), 30)}"


class LinksDock(QDockWidget):
    """Every link: type, the two spans, who linked them. Double-click shows both ends."""

    #: A link was activated: (source annotation id, target annotation id).
    link_activated = Signal(str, str)
    #: The Delete button was pressed on a link; argument: its id.
    delete_requested = Signal(str)
    #: The Note button was pressed on a link; argument: its id.
    note_requested = Signal(str)

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__("Links", parent)
        self.setObjectName("links_dock")
        self.session = session
        self.table = row_table("link_table", ["Type", "From", "To", "Annotator", "Note"])
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.delete_button = QPushButton("Delete link")
        self.delete_button.setObjectName("delete_link")
        self.note_button = QPushButton("Note…")
        self.note_button.setObjectName("link_note")
        self.hint = QLabel("Select a span in each pane, then Ctrl+L links them.")
        self.setWidget(_body(self.table, row=[self.hint, self.note_button, self.delete_button]))
        self.links = []
        self.table.doubleClicked.connect(self._activate)
        self.table.activated.connect(self._activate)
        self.delete_button.clicked.connect(lambda: self._emit(self.delete_requested))
        self.note_button.clicked.connect(lambda: self._emit(self.note_requested))

    def reload(self) -> None:
        store = self.session.store
        titles = {d.id: d.title for d in store.documents()}
        self.links = store.links()
        anns = {}
        self.table.setRowCount(len(self.links))
        for r, link in enumerate(self.links):
            for ann_id in (link.source, link.target):
                if ann_id not in anns:
                    anns[ann_id] = store.annotation(ann_id)
            cells = [link.type, _span_text(anns[link.source], titles), _span_text(anns[link.target], titles),
                     link.annotator, link.note]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, link.id)
                self.table.setItem(r, c, item)
        self.delete_button.setEnabled(bool(self.links) and not store.readonly)
        self.note_button.setEnabled(bool(self.links) and not store.readonly)

    def select_links_of(self, ann_id: str | None) -> None:
        """Highlight the rows of the links touching ``ann_id``."""
        self.table.clearSelection()
        for r, link in enumerate(self.links):
            if ann_id in (link.source, link.target):
                self.table.selectRow(r)
                return

    def _activate(self, index) -> None:
        if 0 <= index.row() < len(self.links):
            link = self.links[index.row()]
            self.link_activated.emit(link.source, link.target)

    def _emit(self, signal) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.links):
            signal.emit(self.links[row].id)


class DiscrepanciesDock(QDockWidget):
    """Linked figures with the numbers read from each side, and actors named differently.

    "Left" and "Right" are the panes: a pair with a span in the document shown in the left pane has
    that span on the left, whichever way the link points. ``pane_documents`` gives the two panes'
    document ids (the window sets it).
    """

    HEADERS = ["", "Kind", "Left document", "Left", "Reads", "Right document", "Right", "Reads", "Why"]

    link_activated = Signal(str, str)
    #: "Export CSV…" was pressed.
    export_requested = Signal()

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__("Discrepancies", parent)
        self.setObjectName("discrepancies_dock")
        self.session = session
        self.items: list[Discrepancy] = []
        self.pane_documents = lambda: (None, None)
        self.table = row_table("discrepancy_table", self.HEADERS)
        self.table.horizontalHeader().setSectionResizeMode(len(self.HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel()
        self.summary.setObjectName("discrepancy_summary")
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setObjectName("export_discrepancies")
        self.setWidget(_body(self.table, row=[self.summary, self.export_button]))
        self.table.doubleClicked.connect(self._activate)
        self.table.activated.connect(self._activate)
        self.export_button.clicked.connect(self.export_requested.emit)

    def reload(self) -> None:
        store = self.session.store
        titles = {d.id: d.source or d.title for d in store.documents()}
        left_doc, right_doc = self.pane_documents()
        self.items = [d.facing(left_doc, right_doc) for d in discrepancies(store)]
        self.table.setRowCount(len(self.items))
        for r, d in enumerate(self.items):
            cells = [VERDICT_MARKS.get(d.verdict, d.verdict), d.kind,
                     _document_cell(titles, d.left.document, d.left_language), d.left.quote, d.left_value,
                     _document_cell(titles, d.right.document, d.right_language), d.right.quote, d.right_value,
                     d.explanation]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(" ".join(text.split()))
                if c in (3, 4, 6, 7):  # quotes and readings in any script: each cell in its own direction
                    item.setToolTip(text)
                self.table.setItem(r, c, item)
        differing = sum(d.differs for d in self.items)
        compatible = sum(d.verdict == "compatible" for d in self.items)
        self.summary.setText(f"{differing} of {len(self.items)} linked pairs differ"
                             + (f", {compatible} compatible" if compatible else "") if self.items
                             else "Link two Figure spans (or two names of one actor) to compare them here.")
        self.export_button.setEnabled(bool(self.items))

    def _activate(self, index) -> None:
        if 0 <= index.row() < len(self.items):
            d = self.items[index.row()]
            self.link_activated.emit(d.left.id, d.right.id)


def _document_cell(titles: dict[str, str], doc_id: str, language: str) -> str:
    title = short_quote(titles.get(doc_id, doc_id), 30)
    return f"{title} · {language}" if language else title


class ClaimsDock(QDockWidget):
    """Claims grouped by the actor they are "said by", across documents and sources."""

    #: A claim was activated; argument: its annotation id.
    annotation_activated = Signal(str)

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__("Claims by actor", parent)
        self.setObjectName("claims_dock")
        self.session = session
        self.tree = QTreeWidget()
        self.tree.setObjectName("claims_tree")
        self.tree.setHeaderLabels(["Actor / claim", "Source", "Said as"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.hint = QLabel("Link a Claim to its Actor with the link type “said by”.")
        self.setWidget(_body(self.tree, self.hint))
        self.tree.itemActivated.connect(self._activate)
        self.tree.itemDoubleClicked.connect(self._activate)

    def reload(self) -> None:
        store = self.session.store
        sources = {d.id: d.source or d.title for d in store.documents()}
        self.tree.clear()
        for group in claims_by_actor(store):
            names = f" (also: {', '.join(group.names[1:])})" if len(group.names) > 1 else ""
            top = QTreeWidgetItem([f"{group.name}{names} — {len(group.claims)} claim"
                                   f"{'s' if len(group.claims) != 1 else ''}", "", ""])
            for claim, actor in group.claims:
                child = QTreeWidgetItem([" ".join(claim.quote.split()), sources.get(claim.document, ""), actor.quote])
                child.setData(0, ID_ROLE, claim.id)
                child.setToolTip(0, claim.quote)
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)

    def _activate(self, item, _column=0) -> None:
        ann_id = item.data(0, ID_ROLE)
        if ann_id:
            self.annotation_activated.emit(ann_id)
