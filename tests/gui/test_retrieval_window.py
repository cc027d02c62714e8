"""Retrieval by code in the window (issue 22): the Segments dock (filters, double-click jumps to the span, export)
and the Matrix dock (a click on a cell opens its segments; co-occurrence)."""

from __future__ import annotations

import csv
import io
import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from annotator.gui.controllers.retrieval import SHOW_MATRIX, SHOW_SEGMENTS

from gui_helpers import tag


def code_tree(window) -> dict:
    """Figure › Casualties; spans in both panes: Figure, Casualties (overlapping it), Actor."""
    store = window.session.store
    store.add_label("Casualties")
    store.set_label_parent("Casualties", "Figure")
    window.session.announce_labels()
    spans = {
        "six": tag(window, 0, "at least six people", "Casualties"),
        "six_figure": tag(window, 0, "six", "Figure"),
        "seven": tag(window, 1, "seven people", "Casualties"),
        "putin": tag(window, 0, "Vladimir Putin", "Actor"),
    }
    return spans


def rows(dock) -> list[tuple[str, ...]]:
    table = dock.table
    return [tuple(table.item(r, c).text() for c in range(table.columnCount())) for r in range(table.rowCount())]


def menu(window, title: str):
    return next(a.menu() for a in window.menuBar().actions() if a.text() == title)


def trigger(window, key: str) -> None:
    """The Analyse menu's entry ``key``, as a person picks it."""
    (action,) = [a for a in menu(window, "&Analyse").actions() if a.objectName() == key]
    action.trigger()


def test_segments_dock_lists_a_code_with_its_children_and_filters(window, qtbot):
    spans = code_tree(window)
    dock = window.retrieval.segments
    trigger(window, SHOW_SEGMENTS)
    assert dock.isVisible()
    dock.show_segments("Figure", False)
    assert [r[1] for r in rows(dock)] == ["Figure"]
    dock.show_segments("Figure", True)
    found = rows(dock)
    assert sorted(r[1] for r in found) == ["Figure", "Figure › Casualties", "Figure › Casualties"]
    six = next(r for r in found if "[at least six people]" in r[2])
    assert six[3] == "tester" and six[4] == "pending"
    assert dock.summary.text() == "3 segments"
    dock.show_segments("Figure", True, document=spans["seven"].document)
    assert [r[2].count("[seven people]") for r in rows(dock)] == [1]
    dock.status.setCurrentIndex(dock.status.findData("accepted"))
    assert rows(dock) == [] and dock.summary.text() == "0 segments"


def test_segments_dock_follows_new_tags(window, qtbot):
    code_tree(window)
    dock = window.retrieval.segments
    dock.show_segments("Actor", False)
    assert len(rows(dock)) == 1
    tag(window, 1, "Putin", "Actor")
    qtbot.waitUntil(lambda: len(rows(dock)) == 2)


def test_double_click_on_a_segment_jumps_to_its_span(window, qtbot):
    spans = code_tree(window)
    dock = window.retrieval.segments
    dock.show_segments("Casualties", False)
    window.panes[1].view.select_span(None)
    window.pane_state.show(1, window.pane_state.document(0))  # the other document is nowhere on screen
    row = next(r for r, cells in enumerate(rows(dock)) if "[seven people]" in cells[2])
    table = dock.table
    rect = table.visualRect(table.model().index(row, 2))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    seven = spans["seven"]
    shown = window.pane_state.index_of(seven.document)
    assert shown is not None
    assert window.panes[shown].view.selected_span() == seven.id
    assert window.pane_state.active == shown


def click_cell(qtbot, grid, row: int, column: int) -> None:
    rect = grid.visualRect(grid.model().index(row, column))
    grid.scrollTo(grid.model().index(row, column))
    rect = grid.visualRect(grid.model().index(row, column))
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_matrix_cell_click_opens_its_segments(window, qtbot):
    spans = code_tree(window)
    trigger(window, SHOW_MATRIX)
    matrix = window.retrieval.matrix
    qtbot.waitUntil(lambda: matrix.table is not None)
    grid = matrix.grid
    names = [grid.verticalHeaderItem(r).text().strip() for r in range(grid.rowCount())]
    figure, casualties = names.index("Figure"), names.index("Casualties")
    assert casualties == figure + 1 and grid.verticalHeaderItem(casualties).text().startswith("    ")
    left = matrix.table.columns.index(spans["six"].document)
    assert (grid.item(figure, left).text(), grid.item(casualties, left).text()) == ("1", "1")
    matrix.with_children.setChecked(True)  # counts again, children rolled up
    qtbot.waitUntil(lambda: matrix.table.with_children)
    assert grid.item(figure, left).text() == "2"
    click_cell(qtbot, grid, figure, left)
    dock = window.retrieval.segments
    assert dock.isVisible()
    assert dock.choice() == {"label": "Figure", "with_children": True, "document": spans["six"].document,
                             "annotator": None, "status": None, "attribute": None}
    assert sorted(r[1] for r in rows(dock)) == ["Figure", "Figure › Casualties"]
    pairs = matrix.pair_table
    assert [pairs.item(0, c).text() for c in range(4)] == ["Casualties", "Figure", "1", "1"]


def test_cooccurrence_of_one_annotator_or_across(window, qtbot):
    code_tree(window)
    window.session.set_user("bob")
    tag(window, 0, "Vladimir Putin", "Claim")  # over tester's Actor: bob's Claim, not the same analyst's
    trigger(window, SHOW_MATRIX)
    matrix = window.retrieval.matrix
    qtbot.waitUntil(lambda: matrix.table is not None)
    pairs = matrix.pair_table
    assert [pairs.item(r, 0).text() + "+" + pairs.item(r, 1).text() for r in range(pairs.rowCount())] == [
        "Casualties+Figure"]
    matrix.tabs.setCurrentIndex(1)
    qtbot.mouseClick(matrix.across, Qt.MouseButton.LeftButton, pos=matrix.across.rect().center())
    qtbot.waitUntil(lambda: pairs.rowCount() == 2)
    assert {pairs.item(r, 0).text() + "+" + pairs.item(r, 1).text() for r in range(2)} == {
        "Casualties+Figure", "Actor+Claim"}


def test_matrix_by_annotator_and_stale_counts(window, qtbot):
    code_tree(window)
    matrix = window.retrieval.matrix
    trigger(window, SHOW_MATRIX)
    matrix.by.setCurrentIndex(matrix.by.findData("annotator"))
    qtbot.waitUntil(lambda: matrix.table is not None and matrix.table.by == "annotator")
    assert matrix.table.columns == ["tester"]
    tag(window, 1, "Putin", "Actor")
    assert "Refresh" in matrix.summary.text()
    matrix.refresh.click()
    assert matrix.table.count("Actor", "tester") == 2


def test_segments_export_csv_and_json(window, qtbot, tmp_path, monkeypatch):
    code_tree(window)
    dock = window.retrieval.segments
    dock.show_segments("Figure", True)
    target = tmp_path / "figure.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV (*.csv)"))
    dock.export.click()
    exported = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert sorted(r["code"] for r in exported) == ["Figure", "Figure › Casualties", "Figure › Casualties"]
    store = window.session.store
    for r in exported:
        text = store.document_text(r["document"])
        start, end = int(r["start"]), int(r["end"])
        assert text[start - len(r["before"]):end + len(r["after"])] == r["before"] + r["quote"] + r["after"]
    target = tmp_path / "figure.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "JSON (*.json)"))
    dock.export.click()
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 3


def test_docks_start_hidden_and_are_in_the_view_menu(window):
    for dock in window.retrieval.docks():
        assert not dock.isVisible()
    assert {"Segments", "Matrix"} <= {a.text() for a in menu(window, "&View").actions()}
