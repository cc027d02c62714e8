"""Issue 20, D7: at 1280×800 and 1024×700 every dock and every dialog fits, its main widgets shown whole.

The window is opened on the seeds with spans by three annotators, a linked figure pair and a search run, so
every dock has rows. Each dock the window has (enumerated, not listed here) is raised in turn, each tab of a
tabbed dock shown; each dialog is opened by its menu action as a person would (File > Restore from backup with a backup taken) (``QDialog.exec`` is patched to
show it and measure it instead of blocking). The screen the test pretends to have is the size under test
(``QScreen.availableGeometry`` is patched: offscreen Qt has one 800 × 800 screen).

What "fits" means here:

- the dock lies inside the window, the dialog's frame is no larger than the screen;
- every visible button, combo box and line edit lies wholly inside its dock or dialog;
- every table or list shows at least :data:`MIN_ROWS` rows (the review table :data:`REVIEW_ROWS`);
- a table's right-most column starts inside the viewport with at least :data:`COLUMN_PEEK` pixels of it shown,
  or a horizontal scroll bar reaches it; a word-wrapped table gives each column at least
  :data:`WRAP_CHARS` characters (or all its text needs), so no sentence breaks one word a line, and its first
  row is no taller than the table;
- a chart's plot area is at least :data:`PLOT_SHARE` of its view's height (titles and legend take the rest);
- a wrapped label is as tall as its text needs at its width (nothing cut off).

Screenshots of the docks and dialogs are written to the test's temporary folder (``*.png``).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractItemView, QComboBox, QDialog, QDockWidget, QHeaderView, QLabel, QLineEdit, QListView,
    QTableView, QTabWidget,
)

from annotator.core.store.backup import auto_backup
from annotator.gui import actions as A
from annotator.gui.panels.reports_dock import ChartView

from gui_helpers import import_sets, tag

SIZES = [(1280, 800), (1024, 700)]
MIN_ROWS = 3
REVIEW_ROWS = {(1280, 800): 6, (1024, 700): 5}
COLUMN_PEEK = 60
WRAP_CHARS = 20
PLOT_SHARE = 0.45
#: The search results' context column takes at least this share of the table's width.
CONTEXT_SHARE = 0.5


@pytest.fixture(params=SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def screen_size(request, monkeypatch):
    size = request.param
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(0, 0, *size))
    return size


#: Two more documents with long titles (choosers, search results): four documents on the Labels chart.
MORE = [("Witkoff heads to Moscow as the White House presses for a deal before the end of the year", "Wire"),
        ("Analysis: what the envoy’s trip tells us about the talks, the plan and the sceptics in Kyiv, and why "
         "the European capitals that were left out of the first draft now insist on a seat at every table", "Weekly")]


def populate(window, tmp_path, monkeypatch) -> None:
    """Four documents, spans by tester, bob and carol (agreeing and not), a linked figure pair, a search."""
    store = window.session.store
    for title, source in MORE:
        doc, _ = store.add_document(f"Steve Witkoff met officials. {title}.", title, source)
        store.add_annotation(doc.id, "Actor", 0, 13, "tester")
        store.add_annotation(doc.id, "Claim", 14, 27, "bob")
    window.session.documents_changed.emit()
    import_sets(window, tmp_path, monkeypatch, {"bob": [("Steve Witkoff", "Actor"), ("Vladimir Putin", "Claim"),
                                                        ("28-point", "Figure")],
                                                "carol": [("Steve Witkoff", "Claim"), ("Kremlin", "Actor")]})
    for quote, label in (("Steve Witkoff", "Actor"), ("Vladimir Putin", "Actor"), ("Donald Trump", "Actor"),
                         ("Kremlin", "Claim"), ("28-point", "Figure")):
        tag(window, 0, quote, label)
    six = tag(window, 0, "at least six people", "Figure")
    seven = tag(window, 1, "seven people", "Figure")
    store.add_link("contradicts", six.id, seven.id, "tester")
    window.session.links_changed.emit()
    search = window.corpus.search
    search.query.setText("Witkoff")
    search.run()


def rect_in(widget, root) -> QRect:
    return QRect(widget.mapTo(root, QPoint(0, 0)), widget.size())


def row_height(view: QAbstractItemView) -> int:
    if isinstance(view, QTableView):
        return view.verticalHeader().defaultSectionSize()
    rows = view.model().rowCount() if view.model() is not None else 0
    return view.sizeHintForRow(0) if rows else view.fontMetrics().height() + 4


def view_problems(view: QAbstractItemView, min_rows: int) -> list[str]:
    name = view.objectName() or type(view).__name__
    problems = []
    viewport = view.viewport()
    one_line = isinstance(view, QListView) and view.flow() == QListView.Flow.LeftToRight
    if not one_line and viewport.height() < min_rows * row_height(view):
        problems.append(f"{name}: {viewport.height()} px shows fewer than {min_rows} rows")
    if not isinstance(view, QTableView) or view.model() is None or view.horizontalHeader().isHidden():
        return problems
    header = view.horizontalHeader()
    in_order = [header.logicalIndex(v) for v in range(header.count())]
    columns = [c for c in in_order if not header.isSectionHidden(c)]
    if not columns:
        return problems
    last = columns[-1]
    peek = min(header.sectionSize(last), COLUMN_PEEK)
    if header.sectionViewportPosition(last) + peek > viewport.width() and not view.horizontalScrollBar().isVisible():
        problems.append(f"{name}: its last column starts off screen with no scroll bar to reach it")
    if view.wordWrap() and view.model().rowCount():
        if view.rowHeight(0) > viewport.height():
            problems.append(f"{name}: its first row is {view.rowHeight(0)} px, taller than the table")
        chars = WRAP_CHARS * view.fontMetrics().averageCharWidth()
        for c in columns:
            if header.sectionSize(c) < min(view.sizeHintForColumn(c), chars):
                problems.append(f"{name}: column {c} is {header.sectionSize(c)} px, its text wraps a word a line")
    return problems


def chart_problems(view: ChartView) -> list[str]:
    chart = view.chart
    if chart is None or not view.isVisible():
        return [f"{view.objectName()}: no chart shown"]
    if (chart.width, chart.height) != (view.width(), view.height()) and chart.plot is not None:
        return [f"{view.objectName()}: a {chart.width}×{chart.height} chart in a {view.width()}×{view.height()} view"]
    if chart.plot is not None and chart.plot[3] < PLOT_SHARE * view.height():
        return [f"{view.objectName()}: plot {chart.plot[3]:.0f} px of a {view.height()} px chart"]
    return []


def problems_in(root, rows: dict[str, int] | None = None) -> list[str]:
    """What does not fit in ``root`` (a dock or a dialog), in words; empty when everything fits.

    ``rows``: how many rows a view (by object name) must show, where it is not :data:`MIN_ROWS`.
    """
    problems = []
    area = root.rect()
    for w in root.findChildren(QAbstractButton) + root.findChildren(QComboBox) + root.findChildren(QLineEdit):
        if w.isVisible() and not area.contains(rect_in(w, root)):
            problems.append(f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r} cut off at {rect_in(w, root)}")
    for view in root.findChildren(QAbstractItemView):
        if view.isVisible() and not isinstance(view, QHeaderView):
            problems += view_problems(view, (rows or {}).get(view.objectName(), MIN_ROWS))
    for chart in root.findChildren(ChartView):
        if chart.isVisible():
            problems += chart_problems(chart)
    for label in root.findChildren(QLabel):
        if label.isVisible() and label.wordWrap() and label.text():
            needed = label.heightForWidth(label.width())
            if label.height() < needed - 1:
                problems.append(f"label {label.text()[:30]!r} cut off: {label.height()} of {needed} px")
    return problems


def test_every_dock_fits(window, qtbot, tmp_path, monkeypatch, screen_size):
    populate(window, tmp_path, monkeypatch)
    window.resize(*screen_size)
    window.actions[A.START_REVIEW].trigger()
    window.actions[A.REPORTS].trigger()
    qtbot.wait(20)
    assert (window.width(), window.height()) == screen_size
    docks = window.findChildren(QDockWidget)
    assert len(docks) >= 9
    report = {}
    for dock in docks:
        dock.show()
        dock.raise_()
        tabs = dock.findChild(QTabWidget)
        for page in range(tabs.count()) if tabs else [None]:
            if tabs is not None:
                tabs.setCurrentIndex(page)
            if dock is window.reports.dock:
                qtbot.waitUntil(lambda: dock.data is not None and not dock._dirty)
            qtbot.wait(10)
            name = dock.objectName() + (f"[{tabs.tabText(page)}]" if tabs else "")
            dock.grab().save(str(tmp_path / f"{screen_size[0]}x{screen_size[1]}-{name}.png"))
            found = problems_in(dock, {"review_items": REVIEW_ROWS[screen_size]})
            if not window.rect().contains(rect_in(dock, window)):
                found.append(f"the dock reaches past the window: {rect_in(dock, window)}")
            if found:
                report[name] = found
    assert not report, "\n".join(f"{name}: {found}" for name, found in report.items())
    search = window.corpus.search.table
    context = search.horizontalHeader()
    assert context.sectionViewportPosition(2) + context.sectionSize(2) <= search.viewport().width()
    assert context.sectionSize(2) >= CONTEXT_SHARE * search.viewport().width()


def open_every_dialog(window, qtbot, monkeypatch, measure) -> list[str]:
    """Open each dialog from its menu action (``exec`` measures instead of blocking); their object names."""
    opened = []

    def exec_(dialog):
        dialog.show()
        qtbot.waitExposed(dialog)
        qtbot.wait(10)
        opened.append(dialog.windowTitle())
        measure(dialog)
        dialog.hide()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(QDialog, "exec", exec_)
    for action in (A.AGREEMENT, A.LABEL_SCHEME, A.SHORTCUTS, A.USER_GUIDE):
        window.actions[action].trigger()
    tag(window, 0, "Steve Witkoff", "Actor")
    window.actions[A.EDIT_NOTE].trigger()
    QGuiApplication.clipboard().setText("A long article pasted from the clipboard. " * 40)
    window.actions[A.PASTE_DOCUMENT].trigger()
    window.corpus.edit_document(window.pane_document(0))
    assert auto_backup(window.session.store) is not None  # File > Restore from backup then has one to list
    window.actions["file.restore_backup"].trigger()
    return opened


def test_every_dialog_fits(window, qtbot, tmp_path, monkeypatch, screen_size):
    populate(window, tmp_path, monkeypatch)
    window.resize(*screen_size)
    report = {}
    backups: list[int] = []

    def measure(dialog):
        found = problems_in(dialog)
        frame = dialog.frameGeometry()
        if frame.width() > screen_size[0] or frame.height() > screen_size[1]:
            found.append(f"frame {frame.width()}x{frame.height()} larger than the screen")
        name = dialog.windowTitle()
        if name == "Restore from backup":
            backups.append(dialog.list.count())
        dialog.grab().save(str(tmp_path / f"{screen_size[0]}x{screen_size[1]}-{name}.png"))
        if found:
            report[name] = found

    opened = open_every_dialog(window, qtbot, monkeypatch, measure)
    assert len(opened) == 8 and len(backups) == 1 and backups[0] >= 1, (opened, backups)
    assert not report, "\n".join(f"{name}: {found}" for name, found in report.items())
