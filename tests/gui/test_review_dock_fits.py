"""Issue 10, D4: at 1024×700 the review dock shows every button, the Show agreed box and every column."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect

from annotator.gui import actions as A

from gui_helpers import import_sets


def visible_in(widget, dock) -> bool:
    """``widget`` lies wholly inside the dock's area on screen (not clipped)."""
    top_left = widget.mapTo(dock, QPoint(0, 0))
    return dock.rect().contains(QRect(top_left, widget.size())) and widget.isVisible() and widget.width() > 20


def test_review_dock_fits_1024_by_700(window, tmp_path, monkeypatch, qtbot):
    import_sets(window, tmp_path, monkeypatch, {"bob": [("Steve Witkoff", "Actor")],
                                                "carol": [("Steve Witkoff", "Claim")],
                                                "dave": [("Steve Witkoff", "Figure")]})
    window.resize(1024, 700)
    window.actions[A.START_REVIEW].trigger()
    dock = window.review_dock
    for i in range(dock.annotators.count()):  # three annotators: three columns of their own
        dock.annotators.item(i).setCheckState(dock.annotators.item(i).checkState().Checked)
    qtbot.wait(50)
    assert window.width() <= 1024 and dock.width() <= 1024
    for button in dock.buttons.values():
        assert visible_in(button, dock), button.text()
    assert visible_in(dock.show_agreed, dock)
    header = dock.table.horizontalHeader()
    assert len(dock.compared()) >= 3 and dock.model.columnCount() == 3 + len(dock.compared())
    right = max(header.sectionViewportPosition(c) + header.sectionSize(c) for c in range(dock.model.columnCount()))
    assert right <= dock.table.viewport().width()
    window.grab().save(str(tmp_path / "review-1024.png"))
