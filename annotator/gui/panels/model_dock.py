"""The Model suggestions dock: the current model suggestions, cross-source pairs, and the evaluation.

Three tabs. *Suggestions*: the run's summary line, a filter by label and minimum confidence, the table
(document, label, quote, confidence, reason) and *Accept shown* / *Reject shown*, which act on every row that
passes the filter as one undoable step. *Pairs*: spans in other reports that state the same thing as a claim or
figure (source quote, target quote, relation, reason) and *Accept pair*. *Evaluation*: precision, recall and F1
per suggester and label over the documents marked reviewed. The dock only shows and asks: the model controller
(:mod:`annotator.gui.controllers.model`) does the work.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QDockWidget, QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton,
    QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from annotator.core.llm.types import ModelSuggestion, PairSuggestion
from annotator.gui.commands.annotations import short_quote
from annotator.gui.panels.tables import row_table

ALL_LABELS = "All labels"
MATCH_MODES = ("overlap", "exact")
SUGGESTION_COLUMNS = ["Document", "Label", "Quote", "Confidence", "Reason"]
PAIR_COLUMNS = ["Source", "Target", "Relation", "Reason"]
EVALUATION_COLUMNS = ["Suggester", "Label", "P", "R", "F1", "tp", "fp", "fn"]


def _fill_row(table: QTableWidget, row: int, values: list[str], tip: str = "") -> None:
    for column, value in enumerate(values):
        item = QTableWidgetItem(value)
        if tip:
            item.setToolTip(tip)
        table.setItem(row, column, item)


def _figure(value: float, denominator: int) -> str:
    """A measure to two decimals; "–" when undefined (nothing to divide by), as the CLI's table shows it."""
    return f"{value:.2f}" if denominator else "–"


def _button(text: str, name: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    return button


class ModelDock(QDockWidget):
    """Model suggestions, pairs and the evaluation, in tabs; double click (or Enter) shows a row's span."""

    #: A suggestion row was activated: its id (the controller shows it in the pane that has its document).
    suggestion_activated = Signal(str)
    #: *Accept shown* / *Reject shown* pressed: the controller reads :meth:`shown`.
    accept_shown = Signal()
    reject_shown = Signal()
    #: A pair row was activated, or *Accept pair* pressed: the pair's id.
    pair_activated = Signal(str)
    pair_accept_requested = Signal(str)
    #: The evaluation should be computed again with this match mode ("overlap" or "exact").
    evaluation_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Model suggestions", parent)
        self.setObjectName("model_dock")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("model_tabs")
        self.items: list[tuple[str, ModelSuggestion]] = []
        self.titles: dict[str, str] = {}
        self.pairs: list[tuple[str, PairSuggestion, str]] = []
        self._rows: list[str] = []
        self.tabs.addTab(self._suggestions_tab(), "Suggestions")
        self.tabs.addTab(self._pairs_tab(), "Pairs")
        self.tabs.addTab(self._evaluation_tab(), "Evaluation")
        self.setWidget(self.tabs)

    # ------------------------------------------------------------------ building
    def _suggestions_tab(self) -> QWidget:
        self.summary = QLabel("No model run yet: Analyse > Model suggestions… (Ctrl+Alt+G).")
        self.summary.setObjectName("model_summary")
        self.summary.setWordWrap(True)
        self.label_filter = QComboBox()
        self.label_filter.setObjectName("model_label_filter")
        self.label_filter.addItem(ALL_LABELS)
        self.min_confidence = QDoubleSpinBox()
        self.min_confidence.setObjectName("model_min_confidence")
        self.min_confidence.setRange(0.0, 1.0)
        self.min_confidence.setSingleStep(0.05)
        self.min_confidence.setDecimals(2)
        self.accept_button = _button("Accept shown", "model_accept_shown",
                                     "Accept every suggestion the filter shows, as one undoable step")
        self.reject_button = _button("Reject shown", "model_reject_shown",
                                     "Reject every suggestion the filter shows, as one undoable step")
        self.table = row_table("model_table", SUGGESTION_COLUMNS, 4)
        filters = QHBoxLayout()
        for widget in (QLabel("Label:"), self.label_filter, QLabel("Confidence at least:"), self.min_confidence):
            filters.addWidget(widget)
        filters.addStretch(1)
        filters.addWidget(self.accept_button)
        filters.addWidget(self.reject_button)
        self.label_filter.currentIndexChanged.connect(self._refill)
        self.min_confidence.valueChanged.connect(self._refill)
        self.accept_button.clicked.connect(self.accept_shown)
        self.reject_button.clicked.connect(self.reject_shown)
        self.table.doubleClicked.connect(self._activate)
        self.table.activated.connect(self._activate)
        return self._page(self.summary, filters, self.table)

    def _pairs_tab(self) -> QWidget:
        self.pairs_summary = QLabel("Select a Claim or Figure span, then Analyse > Find the same statement in "
                                    "other reports.")
        self.pairs_summary.setObjectName("pairs_summary")
        self.pairs_summary.setWordWrap(True)
        self.pair_table = row_table("pair_table", PAIR_COLUMNS, 3)
        self.pair_accept_button = _button("Accept pair", "pair_accept",
                                          "Tag the target span and link it to the source (one undoable step)")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.pair_accept_button)
        self.pair_table.doubleClicked.connect(lambda index: self._emit_pair(self.pair_activated, index.row()))
        self.pair_table.activated.connect(lambda index: self._emit_pair(self.pair_activated, index.row()))
        self.pair_accept_button.clicked.connect(
            lambda: self._emit_pair(self.pair_accept_requested, self.pair_table.currentRow()))
        return self._page(self.pairs_summary, row, self.pair_table)

    def _evaluation_tab(self) -> QWidget:
        self.reviewed = QLabel("No document is marked reviewed: Review > Mark document reviewed (Ctrl+Alt+D).")
        self.reviewed.setObjectName("evaluation_reviewed")
        self.reviewed.setWordWrap(True)
        self.match = QComboBox()
        self.match.setObjectName("evaluation_match")
        self.match.addItems(MATCH_MODES)
        self.match.setToolTip("overlap: a suggestion overlapping a tag of its label counts; exact: same bounds only")
        self.refresh_button = _button("Refresh", "evaluation_refresh", "Compute the figures again (no network)")
        self.evaluation_table = row_table("evaluation_table", EVALUATION_COLUMNS, None)
        row = QHBoxLayout()
        row.addWidget(QLabel("Match:"))
        row.addWidget(self.match)
        row.addStretch(1)
        row.addWidget(self.refresh_button)
        self.match.currentTextChanged.connect(self.evaluation_requested)
        self.refresh_button.clicked.connect(lambda: self.evaluation_requested.emit(self.match.currentText()))
        return self._page(self.reviewed, row, self.evaluation_table)

    @staticmethod
    def _page(top: QWidget, row, table: QTableWidget) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(top)
        layout.addLayout(row)
        layout.addWidget(table, 1)
        return page

    # ------------------------------------------------------------------ suggestions
    def set_suggestions(self, items: list[tuple[str, ModelSuggestion]], titles: dict[str, str],
                        labels: list[str]) -> None:
        """Show ``items`` ((id, suggestion), in reading order); the label filter lists ``labels``."""
        self.items = list(items)
        self.titles = titles
        current = self.label_filter.currentText()
        self.label_filter.blockSignals(True)
        self.label_filter.clear()
        self.label_filter.addItem(ALL_LABELS)
        self.label_filter.addItems(labels)
        self.label_filter.setCurrentIndex(max(0, self.label_filter.findText(current)))
        self.label_filter.blockSignals(False)
        self._refill()

    def set_summary(self, line: str) -> None:
        self.summary.setText(line)

    def shown(self) -> list[tuple[str, ModelSuggestion]]:
        """The suggestions that pass the filter (label, minimum confidence)."""
        label = self.label_filter.currentText()
        least = self.min_confidence.value()
        return [(sid, s) for sid, s in self.items
                if (label == ALL_LABELS or s.label == label) and s.confidence >= least - 1e-9]

    def _refill(self) -> None:
        shown = self.shown()
        self._rows = [sid for sid, _ in shown]
        self.table.setRowCount(len(shown))
        for row, (_, s) in enumerate(shown):
            _fill_row(self.table, row, [short_quote(self.titles.get(s.document, s.document), 30), s.label,
                                        short_quote(s.quote, 60), f"{s.confidence:.2f}", s.reason],
                      f"{s.quote}\n{s.reason}")
        for button in (self.accept_button, self.reject_button):
            button.setEnabled(bool(shown))

    def _activate(self, index) -> None:
        if 0 <= index.row() < len(self._rows):
            self.suggestion_activated.emit(self._rows[index.row()])

    # ------------------------------------------------------------------ pairs
    def set_pairs(self, pairs: list[tuple[str, PairSuggestion, str]], summary: str) -> None:
        """Show ``pairs`` ((id, pair, the source's quote)) under the line ``summary``."""
        self.pairs = list(pairs)
        self.pairs_summary.setText(summary)
        self.pair_table.setRowCount(len(self.pairs))
        for row, (_, p, source) in enumerate(self.pairs):
            _fill_row(self.pair_table, row, [short_quote(source, 50), short_quote(p.quote, 50),
                                             f"{p.relation} ({p.link_type})", p.reason],
                      f"{source}\n→ {p.quote}\n{p.reason}")
        self.pair_accept_button.setEnabled(bool(self.pairs))
        if self.pairs:
            self.pair_table.selectRow(0)

    def _emit_pair(self, signal, row: int) -> None:
        if 0 <= row < len(self.pairs):
            signal.emit(self.pairs[row][0])

    # ------------------------------------------------------------------ evaluation
    def set_evaluation(self, rows: list, reviewed: list[str], total: int) -> None:
        """Show the evaluation's ``rows`` (Score records) over the ``reviewed`` documents' titles, of ``total``."""
        if reviewed:
            names = ", ".join(short_quote(t, 30) for t in reviewed)
            self.reviewed.setText(f"{len(reviewed)} of {total} documents reviewed: {names}")
        else:
            self.reviewed.setText(f"0 of {total} documents reviewed: mark the documents you have checked with "
                                  "Review > Mark document reviewed (Ctrl+Alt+D).")
        self.evaluation_table.setRowCount(len(rows))
        for row, score in enumerate(rows):
            _fill_row(self.evaluation_table, row, [
                score.suggester, score.label, _figure(score.precision, score.tp + score.fp),
                _figure(score.recall, score.tp + score.fn), _figure(score.f1, 2 * score.tp + score.fp + score.fn),
                str(score.tp), str(score.fp), str(score.fn)])
            for column in range(2, 8):
                self.evaluation_table.item(row, column).setTextAlignment(
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
