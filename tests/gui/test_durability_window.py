"""The window and durability: what an import does to the undo history."""

from __future__ import annotations

from gui_helpers import colleague_set

from annotator.gui import actions as A


def test_an_import_says_that_it_cleared_the_undo_history(window, tmp_path, monkeypatch, errors):
    colleague_set(window, tmp_path, monkeypatch)
    assert window.session.undo_stack.count() == 1
    window.actions[A.IMPORT_SET_AS].trigger()
    message = window.statusBar().currentMessage()
    assert message.startswith("1 annotation imported")
    assert message.endswith("The undo history (1 step) was cleared: an import cannot be undone.")
    assert window.session.undo_stack.count() == 0 and errors == []
