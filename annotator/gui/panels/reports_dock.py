"""The Reports dock (Analyse > Reports): the report's charts and tables live, redrawn when annotations change.

Charts are the very SVG charts of the HTML/PDF report (:mod:`annotator.core.report.charts`), written for the
dock's size and painted with Qt's ``QSvgRenderer``; hovering a bar shows what it counts. The dock redraws only
while it is shown, a moment after the last change, so tagging never waits for it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDockWidget, QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem,
    QSplitter, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from annotator.core.errors import CancelledError, InputError
from annotator.core.lazy import lazy_module
from annotator.core.store import Store
from annotator.gui import theme
from annotator.gui.background import run_in_background
from annotator.gui.commands.annotations import short_quote

if TYPE_CHECKING:  # the report's data and charts: loaded when the dock first draws (docs/architecture.md)
    from annotator.core import report
    from annotator.core.report import charts
    from annotator.core.report.data import ReportData
else:
    report = lazy_module("annotator.core.report")
    charts = lazy_module("annotator.core.report.charts")

ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: Milliseconds between the last change and the redraw.
REDRAW_DELAY_MS = 400


class ChartView(QWidget):
    """One chart of :mod:`annotator.core.report.charts`, written for the widget's size and painted by Qt's SVG
    renderer (the same SVG as the report's); hovering a bar or a point shows what it counts."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(name.replace("_", " "))
        self.setMinimumSize(160, 100)
        self.setMouseTracking(True)
        self.chart = None  # the Chart shown
        self._make: Callable[[float, float], charts.Chart] | None = None
        self._renderer = QSvgRenderer(self)

    def show_chart(self, make: Callable[[float, float], charts.Chart], description: str) -> None:
        """Show the chart ``make(width, height)`` writes, written again whenever the widget changes size."""
        self._make = make
        self.setAccessibleDescription(description)
        self._redraw()

    def _redraw(self) -> None:
        if self._make is None:
            return
        self.chart = self._make(max(160, self.width()), max(100, self.height()))
        self._renderer.load(QByteArray(self.chart.svg.encode("utf-8")))
        self.setToolTip("")
        self.update()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._redraw()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self.chart is None:
            return
        painter = QPainter(self)
        self._renderer.render(painter, QRectF(0, 0, self.chart.width, self.chart.height))
        painter.end()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt override)
        point = event.position()
        tips = self.chart.tips if self.chart is not None else ()
        self.setToolTip(next((tip.text for tip in tips if tip.contains(point.x(), point.y())), ""))
        super().mouseMoveEvent(event)


def _table(name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setAccessibleName(name.replace("_", " "))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setDefaultSectionSize(22)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def _page(*widgets: QWidget, row: list[QWidget] | None = None) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(4, 4, 4, 4)
    if row:
        line = QHBoxLayout()
        for w in row:
            line.addWidget(w)
        line.addStretch(1)
        layout.addLayout(line)
    for w in widgets:
        layout.addWidget(w, 1)
    return page


class ReportsDock(QDockWidget):
    """Tabs: labels per document/source, claims by actor × source, figures side by side, activity, agreement."""

    #: A claim was activated in the claims list; argument: its annotation id.
    annotation_activated = Signal(str)
    #: A row of the figures table was activated: (left annotation id, right annotation id).
    pair_activated = Signal(str, str)

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__("Reports", parent)
        self.setObjectName("reports_dock")
        self.session = session
        self.data: ReportData | None = None
        self._dirty = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REDRAW_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self._gathering = False
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reports_tabs")
        self.tabs.setAccessibleName("Reports")
        self.label_by = QComboBox()
        self.label_by.setObjectName("labels_by")
        self.label_by.setAccessibleName("Count labels per")
        self.label_by.addItem("per document", "document")
        self.label_by.addItem("per source", "source")
        self.labels_chart = ChartView("labels_chart")
        self.tabs.addTab(_page(self.labels_chart, row=[QLabel("Labels"), self.label_by]), "Labels")
        self.matrix = _table("actor_matrix", ["Actor"])
        self.matrix.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.claims = QListWidget()
        self.claims.setObjectName("actor_claims")
        self.claims.setAccessibleName("Claims in the chosen cell")
        split = QSplitter(Qt.Orientation.Horizontal)  # side by side: the dock is a wide, short strip
        split.addWidget(self.matrix)
        split.addWidget(self.claims)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.tabs.addTab(_page(split), "Claims by actor")
        self.figures = _table("figure_pairs", ["Left", "Reading", "Right", "Reading", "Verdict"])
        self.figures.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.figures.setWordWrap(True)
        # The sentences take the width, the readings what they need; rows follow the wrapped sentences.
        fit = self.figures.horizontalHeader()
        for column, mode in enumerate((QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.ResizeToContents) * 2
                                      + (QHeaderView.ResizeMode.Stretch,)):
            fit.setSectionResizeMode(column, mode)
        fit.sectionResized.connect(lambda *_: self.figures.resizeRowsToContents())
        self.tabs.addTab(_page(self.figures), "Figures side by side")
        self.activity_chart = ChartView("activity_chart")
        self.tabs.addTab(_page(self.activity_chart), "Activity")
        self.first = QComboBox()
        self.first.setObjectName("agreement_first")
        self.first.setAccessibleName("First annotator")
        self.second = QComboBox()
        self.second.setObjectName("agreement_second")
        self.second.setAccessibleName("Second annotator")
        self.agreement_chart = ChartView("agreement_chart")
        self._agreement_page = _page(self.agreement_chart, row=[QLabel("Agreement between"), self.first,
                                                                 QLabel("and"), self.second])
        self._with_agreement = False
        self.tabs.addTab(self._agreement_page, "Agreement")
        self.setWidget(self.tabs)
        self._connect()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        # The text panes are the hero: the dock asks for a strip, not half the window (charts scale down).
        return QSize(640, 260)

    def _connect(self) -> None:
        s = self.session
        for signal in (s.annotations_changed, s.documents_changed, s.labels_changed, s.links_changed):
            signal.connect(self.schedule)
        self.visibilityChanged.connect(lambda visible: visible and self._dirty and self._timer.start(0))
        self.label_by.currentIndexChanged.connect(lambda _: self._draw_labels())
        self.tabs.currentChanged.connect(self._tab_changed)
        self.first.currentIndexChanged.connect(lambda _: self.schedule())
        self.second.currentIndexChanged.connect(lambda _: self.schedule())
        self.matrix.cellClicked.connect(self._show_cell)
        self.matrix.currentCellChanged.connect(lambda r, c, *_: self._show_cell(r, c))
        self.claims.itemActivated.connect(lambda item: self.annotation_activated.emit(item.data(ID_ROLE)))
        self.figures.activated.connect(self._activate_pair)
        self.figures.doubleClicked.connect(self._activate_pair)

    # ----------------------------------------------------------------- refresh
    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self._agreement_page and not self._with_agreement:
            self._dirty = True
            self._timer.start(0)

    def schedule(self, *_args) -> None:
        """Something changed: redraw soon if shown, else when next shown."""
        self._dirty = True
        if self.isVisible():
            self._timer.start()

    def chart_style(self):
        return charts.DARK if theme.current() == "dark" else charts.LIGHT

    def _pair(self) -> list[str] | None:
        a, b = self.first.currentText(), self.second.currentText()
        return [a, b] if a and b and a != b else None

    def refresh(self) -> None:
        """Gather the counts in the background (a progress dialog shows if it takes long: a big project), then draw."""
        if self._gathering:  # a change while gathering: redraw again after this one
            self._timer.start()
            return
        agreement = self.tabs.currentWidget() is self._agreement_page
        project, pair = self.session.store.path, self._pair()
        self._gathering = True
        try:
            self.data = run_in_background(self, "Reports", lambda progress: _gather(project, pair, agreement, progress),
                                          text=f"{report.GATHERING}…")
        except CancelledError:
            return  # the dock keeps what it showed, and is still due for a redraw
        finally:
            self._gathering = False
        self._with_agreement = agreement
        self._dirty = False
        self._fill_annotators()
        self._draw_labels()
        self._fill_matrix()
        self._fill_figures()
        d, style = self.data, self.chart_style()
        self.activity_chart.show_chart(lambda w, h: charts.activity_chart(d, style, w, h),
                                       f"Annotations per day for {len(d.activity)} annotators")
        if self._with_agreement:
            pair = " and ".join(d.agreement_pair) if d.agreement_pair else "nobody"
            self.agreement_chart.show_chart(lambda w, h: charts.agreement_chart(d, style, w, h),
                                            f"Agreement per label between {pair}")

    def _fill_annotators(self) -> None:
        names = sorted({a.id for a in self.session.store.annotators()})
        chosen = self.data.agreement_pair or ("", "")
        for combo, name in ((self.first, chosen[0]), (self.second, chosen[1])):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(names)
            combo.setCurrentText(name)
            combo.blockSignals(False)

    def _draw_labels(self) -> None:
        """The Labels chart; each bar's count stands beside it while the bars are tall enough (charts.BAR_TEXT_PX)."""
        if self.data is None:
            return
        d, by, style = self.data, self.label_by.currentData(), self.chart_style()
        counts = d.label_counts if by == "document" else d.source_counts
        self.labels_chart.show_chart(lambda w, h: charts.labels_chart(d, by, style, width=w, height=h),
                                     f"Spans kept per label for {len(counts)} {by}s: {charts.labels_summary(d, by)}")

    def _fill_matrix(self) -> None:
        d = self.data
        self.matrix.clear()
        self.matrix.setColumnCount(1 + len(d.sources))
        self.matrix.setHorizontalHeaderLabels(["Actor", *d.sources])
        self.matrix.setRowCount(len(d.actors))
        for r, row in enumerate(d.actors):
            self.matrix.setItem(r, 0, QTableWidgetItem(row.actor.name))
            for c, source in enumerate(d.sources, 1):
                item = QTableWidgetItem(str(row.count(source)))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setToolTip(f"{row.count(source)} claims by {row.actor.name} in {source}: click to list them")
                self.matrix.setItem(r, c, item)
        self.matrix.resizeColumnsToContents()
        self.claims.clear()
        if not d.actors:
            self.claims.addItem("No claims are linked to actors yet: link a Claim to an Actor with \"said by\".")

    def _show_cell(self, row: int, column: int) -> None:
        d = self.data
        if d is None or not 0 <= row < len(d.actors):
            return
        actor = d.actors[row]
        sources = d.sources if column <= 0 else [d.sources[column - 1]]
        self.claims.clear()
        for source in sources:
            for claim in actor.by_source.get(source, ()):
                item = QListWidgetItem(f"{source} · {short_quote(d.title_of(claim.document), 30)}: "
                                       f"'{short_quote(claim.quote, 90)}'")
                item.setData(ID_ROLE, claim.id)
                self.claims.addItem(item)

    def _fill_figures(self) -> None:
        d = self.data
        self.figures.setRowCount(len(d.figures))
        for r, f in enumerate(d.figures):
            x = f.discrepancy
            word = x.verdict or ("differs" if x.differs else "compatible")
            verdict = x.explanation if x.explanation.startswith(word) else f"{word}: {x.explanation}"
            cells = [(f"{short_quote(d.title_of(x.left.document), 60)}\n{_sentence(f.left_context)}",
                      f"{d.title_of(x.left.document)}\n{_sentence(f.left_context, None)}"),
                     (x.left_value, x.left_value),
                     (f"{short_quote(d.title_of(x.right.document), 60)}\n{_sentence(f.right_context)}",
                      f"{d.title_of(x.right.document)}\n{_sentence(f.right_context, None)}"),
                     (x.right_value, x.right_value), (verdict, verdict)]
            for c, (text, whole) in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(whole)
                item.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                self.figures.setItem(r, c, item)
        self.figures.resizeRowsToContents()

    def _activate_pair(self, index) -> None:
        if self.data is not None and 0 <= index.row() < len(self.data.figures):
            x = self.data.figures[index.row()].discrepancy
            self.pair_activated.emit(x.left.id, x.right.id)


#: Characters of a figure's sentence shown each side of the quote in the table (the tooltip has it all).
SENTENCE_REACH = 70


def _sentence(c, reach: int | None = SENTENCE_REACH) -> str:
    """The quote «marked» in its sentence, cut to ``reach`` characters each side (None: the whole sentence)."""
    before, after = " ".join(c.before.split()), " ".join(c.after.split())
    cut_before, cut_after = c.cut_before, c.cut_after
    if reach is not None and len(before) > reach:
        before, cut_before = before[-reach:].split(" ", 1)[-1], True  # whole words
    if reach is not None and len(after) > reach:
        after, cut_after = after[:reach].rsplit(" ", 1)[0], True
    return f"{'…' if cut_before else ''}{before} «{c.quote}» {after}{'…' if cut_after else ''}".replace("  ", " ")


def _gather(project, pair: list[str] | None, agreement: bool, progress) -> ReportData:
    """The dock's data, read through a connection of its own (in a worker thread); a pair no longer in the project
    falls back to the two most active annotators."""
    with Store.open(project, create=False, readonly=True) as store:
        try:
            return report.gather(store, pair=pair, with_spans=False, with_agreement=agreement, progress=progress)
        except InputError:
            return report.gather(store, with_spans=False, with_agreement=agreement, progress=progress)
