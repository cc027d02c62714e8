"""Corpus search (SQLite full-text search): every document's text, annotation quotes and notes, and memos."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QDockWidget, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.gui.commands.annotations import short_quote
from annotator.gui.settings import settings

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
#: The document column is at most this wide (pixels) unless widened by hand: the context column needs the room.
TITLE_WIDTH = 220
#: settings.ini key: whether a search also finds its words written in other scripts (on unless turned off).
OTHER_SCRIPTS = "search/other_scripts"


class SearchDock(QDockWidget):
    #: A text hit was activated: (document id, start, end) in code points.
    hit_activated = Signal(str, int, int)
    #: An annotation hit was activated: its id.
    annotation_activated = Signal(str)
    #: A memo hit was activated: whose memo (``document``, ``label`` or ``project``) and its owner (a document's
    #: id, a label's name, '' for the project).
    memo_activated = Signal(str, str)

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__("Search", parent)
        self.setObjectName("search_dock")
        self.session = session
        self.query = QLineEdit()
        self.query.setObjectName("search_query")
        self.query.setPlaceholderText("Search every document, annotation quotes and notes, and memos…")
        self.query.setClearButtonEnabled(True)
        self.go = QPushButton("Search")
        self.other_scripts = QCheckBox("Match other scripts")
        self.other_scripts.setObjectName("search_other_scripts")
        self.other_scripts.setToolTip("Also find the words written in other scripts: Witkoff finds Виткофф and "
                                      "ويتكوف (transliterated, as actor matching does)")
        self.other_scripts.setChecked(settings().value(OTHER_SCRIPTS, True, type=bool))
        self.summary = QLabel()
        self.summary.setObjectName("search_summary")
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("search_results")
        self.table.setHorizontalHeaderLabels(["Where", "Document", "Context"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        # The context is what the search is for: it takes the room left; a long title is elided (tooltip).
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(self.go)
        top.addWidget(self.other_scripts)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self.setWidget(body)
        self.query.returnPressed.connect(self.run)
        self.go.clicked.connect(self.run)
        self.other_scripts.toggled.connect(self._other_scripts_toggled)
        self.table.doubleClicked.connect(self._activate)
        self.table.activated.connect(self._activate)

    def focus_query(self) -> None:
        self.show()
        self.raise_()
        self.query.setFocus()
        self.query.selectAll()

    def run(self) -> None:
        """Search the corpus for the query's words (as a phrase, any case) and list the hits."""
        query = self.query.text().strip()
        if not query:
            return
        store = self.session.store
        other = self.other_scripts.isChecked()
        try:
            hits = store.search_documents(query, other_scripts=other)
            anns = store.search_annotations(query, other_scripts=other)
            memos = store.search_memos(query)
        except AnnotatorError as exc:
            self.summary.setText(str(exc))
            self.table.setRowCount(0)
            return
        titles = {d.id: d.title for d in store.documents()}
        self.table.setRowCount(len(hits) + len(anns) + len(memos))
        for r, h in enumerate(hits):
            context = f"…{' '.join(h.before.split())} [{h.match}] {' '.join(h.after.split())}…"
            self._row(r, ("text", h.title, context), ("text", h.document, h.start, h.end))
        for r, a in enumerate(anns, start=len(hits)):
            where = f"{a.label} ({a.annotator})"
            context = f"'{short_quote(a.quote, 60)}'" + (f" — note: {short_quote(a.note, 60)}" if a.note else "")
            self._row(r, (where, titles.get(a.document, ""), context), ("annotation", a.id))
        for r, m in enumerate(memos, start=len(hits) + len(anns)):
            context = f"…{' '.join(m.before.split())} [{m.match}] {' '.join(m.after.split())}…"
            self._row(r, (m.whose, m.name if m.kind == "document" else "", context), ("memo", m.kind, m.owner))
        self.table.setColumnWidth(1, min(self.table.sizeHintForColumn(1), TITLE_WIDTH))
        documents = len({h.document for h in hits})
        self.summary.setText(f"{len(hits)} place{'s' if len(hits) != 1 else ''} in {documents} "
                             f"document{'s' if documents != 1 else ''}; {len(anns)} annotation"
                             f"{'s' if len(anns) != 1 else ''}; {len(memos)} memo{'s' if len(memos) != 1 else ''}"
                             + (" (first 200 shown)" if len(hits) >= 200 else ""))

    def _other_scripts_toggled(self, on: bool) -> None:
        """Remember the choice, and search again with it when there is a query."""
        settings().setValue(OTHER_SCRIPTS, on)
        self.run()

    def _row(self, r: int, cells: tuple[str, str, str], data: tuple) -> None:
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(HIT_ROLE, data)
            item.setToolTip(text)
            self.table.setItem(r, c, item)

    def _activate(self, index) -> None:
        data = index.data(HIT_ROLE)
        if not data:
            return
        if data[0] == "text":
            self.hit_activated.emit(data[1], data[2], data[3])
        elif data[0] == "memo":
            self.memo_activated.emit(data[1], data[2])
        else:
            self.annotation_activated.emit(data[1])
