"""Issue 10, D2: accepting and rejecting in review mode works from every entry point, visibly and undoably."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from annotator.gui import actions as A

from gui_helpers import click_offset, import_sets


@pytest.fixture
def bob_and_dave(window, tmp_path, monkeypatch, qtbot):
    """Bob and Dave disagree on "Steve Witkoff" (Actor / Claim); the reviewer (tester) has no spans."""
    import_sets(window, tmp_path, monkeypatch, {"bob": [("Steve Witkoff", "Actor"), ("Vladimir Putin", "Actor")],
                                                "dave": [("Steve Witkoff", "Claim"), ("Vladimir Putin", "Actor")]})
    window.actions[A.START_REVIEW].trigger()
    assert window.review_dock.compared() == ["bob", "dave"]
    return window


def click_dave(window, qtbot):
    store = window.session.store
    dave = store.annotation("dave-0")
    view = window.panes[1].view
    assert window.display.pane_annotator[1] == "dave"
    click_offset(qtbot, view, dave.start + 2)
    assert view.selected_span() == "dave-0"
    return dave


def statuses(window) -> dict[str, str]:
    return {a.id: a.status for a in window.session.store.annotations() if a.id.startswith(("bob", "dave"))}


@pytest.mark.parametrize("entry", ["shortcut", "button", "menu"])
def test_accepting_the_clicked_span_from_every_entry_point(bob_and_dave, qtbot, entry):
    window = bob_and_dave
    # The list starts on another item than the clicked one would be if there were several: make it so.
    click_dave(window, qtbot)
    if entry == "shortcut":
        qtbot.keyClick(window.panes[1].view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    elif entry == "button":
        qtbot.mouseClick(window.review_dock.buttons[A.ACCEPT_SPAN], Qt.MouseButton.LeftButton)
    else:
        window.actions[A.ACCEPT_SPAN].trigger()
    assert statuses(window) == {"bob-0": "rejected", "dave-0": "accepted", "bob-1": "pending", "dave-1": "pending"}
    copies = window.session.store.annotations(annotator="tester", status="accepted")
    assert [(a.quote, a.label) for a in copies] == [("Steve Witkoff", "Claim")]
    assert "Accept" in window.status_counts.text()
    # Visible: the list shows the decision.
    model = window.review_dock.model
    row = [model.cell(r, 2) for r in range(model.rowCount())].index("Steve Witkoff")
    assert "accepted" in model.cell(row, 4) and "rejected" in model.cell(row, 3)
    window.session.undo_stack.undo()
    assert set(statuses(window).values()) == {"pending"}
    assert window.session.store.annotations(annotator="tester") == []


def test_the_clicked_span_decides_even_when_the_list_is_elsewhere(bob_and_dave, qtbot):
    """Clicking a span in a pane makes its item the current one, so the decision is about what was clicked."""
    window = bob_and_dave
    dock = window.review_dock
    dock.show_agreed.setChecked(True)  # two items now: the agreement on Putin is listed too
    putin_row = next(r for r in range(dock.model.rowCount()) if dock.model.cell(r, 2) == "Vladimir Putin")
    dock.select_row(putin_row)
    click_dave(window, qtbot)
    assert dock.current().start == window.session.store.annotation("dave-0").start
    window.actions[A.ACCEPT_SPAN].trigger()
    assert statuses(window)["dave-0"] == "accepted"


@pytest.mark.parametrize("entry", ["shortcut", "button", "menu"])
def test_rejecting_the_clicked_span_from_every_entry_point(bob_and_dave, qtbot, monkeypatch, entry):
    window = bob_and_dave
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("not a claim", True))
    click_dave(window, qtbot)
    if entry == "shortcut":
        qtbot.keyClick(window.panes[1].view, Qt.Key.Key_Backspace,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    elif entry == "button":
        qtbot.mouseClick(window.review_dock.buttons[A.REJECT_SPAN], Qt.MouseButton.LeftButton)
    else:
        window.actions[A.REJECT_SPAN].trigger()
    dave = window.session.store.annotation("dave-0")
    assert (dave.status, dave.review_note, dave.reviewer) == ("rejected", "not a claim", "tester")
    window.session.undo_stack.undo()
    assert window.session.store.annotation("dave-0").status == "pending"


def test_accept_without_a_chosen_span_says_what_to_do(bob_and_dave, qtbot):
    window = bob_and_dave
    window.panes[0].view.select_span(None)
    window.panes[1].view.select_span(None)
    window.focus_pane(0)
    window.display.pane_annotator = {}
    window.actions[A.ACCEPT_SPAN].trigger()
    assert set(statuses(window).values()) == {"pending"}
    assert "Select" in window.statusBar().currentMessage()
