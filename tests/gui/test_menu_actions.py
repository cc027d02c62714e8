"""Every menu entry works headless: each has a handler, and each runs with every dialog answered "Cancel".

The entries are found by walking the menu bar (submenus too: Tag selection as, Change label to, Theme), so a new
menu item is covered the day it is added. Disabled entries are enabled for the test: a handler must cope with
being run at any moment (a shortcut, a menu opened before a state change) by saying what is missing, not by
raising.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import SIGNAL
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMenu, QMessageBox

from annotator.gui import actions as A


def menu_entries(menu: QMenu) -> list:
    """The actions of ``menu`` and of its submenus, separators and submenu titles left out."""
    found = []
    for action in menu.actions():
        if action.isSeparator():
            continue
        if action.menu() is not None:
            found += menu_entries(action.menu())
        else:
            found.append(action)
    return found


def all_entries(window) -> list:
    entries = []
    for top in window.menuBar().actions():
        entries += menu_entries(top.menu())
    return list(dict.fromkeys(entries))


def receivers(action) -> int:
    return action.receivers(SIGNAL("triggered(bool)")) + action.receivers(SIGNAL("toggled(bool)"))


def baseline(window) -> int:
    """What Qt itself connects to an action in a menu of the window (a menu listens to its actions)."""
    menu = window.menuBar().addMenu("probe")
    probe = menu.addAction("probe")
    count = receivers(probe)
    window.menuBar().removeAction(menu.menuAction())
    return count


@pytest.fixture
def cancelling(monkeypatch):
    """Every dialog answers Cancel (or No) at once; the boxes shown are recorded."""
    shown: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([], ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: "")
    for name in ("getText", "getItem", "getMultiLineText"):
        monkeypatch.setattr(QInputDialog, name, lambda *a, **k: ("", False))
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (0, False))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    for name in ("warning", "information", "critical", "about"):
        monkeypatch.setattr(QMessageBox, name, lambda parent, title, text, *a, **k: shown.append(text))
    monkeypatch.setattr(QDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: QMessageBox.StandardButton.Cancel)
    monkeypatch.setattr(QMenu, "exec", lambda self, *a, **k: None)
    return shown


def test_the_menus_hold_every_action_of_the_window(window):
    entries = set(all_entries(window))
    missing = [key for key, action in window.actions.items() if action not in entries]
    # F6 / Shift+F6 and the review buttons live in the menus too; only the label keys are the label bar's.
    assert missing == []


def test_every_menu_entry_has_a_handler(window):
    entries = all_entries(window)
    assert len(entries) > 60
    qt_own = baseline(window)
    unconnected = [a.text() for a in entries if receivers(a) <= qt_own]
    assert unconnected == []


def test_every_menu_entry_runs_headless_with_every_dialog_cancelled(window, qtbot, cancelling):
    store = window.session.store
    before = (len(store.documents()), store.annotations(), store.links(), store.labels())
    quit_action = window.actions[A.QUIT]
    ran = 0
    for action in all_entries(window):
        if action is quit_action:
            continue
        action.setEnabled(True)
        if action.isCheckable():
            action.trigger()  # on, then back off: the window ends as it began
        action.trigger()
        qtbot.wait(1)
        ran += 1
    assert ran > 60
    assert window.isVisible()
    after = (len(store.documents()), store.annotations(), store.links(), store.labels())
    # Entries that need no dialog (accept all Figure suggestions, say) may tag; Undo then takes them back.
    while window.session.undo_stack.canUndo():
        window.session.undo_stack.undo()
    assert (len(store.documents()), store.annotations(), store.links(), store.labels()) == before, after
    quit_action.trigger()
    qtbot.waitUntil(lambda: not window.isVisible())
