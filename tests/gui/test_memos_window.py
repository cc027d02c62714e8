"""Memos in the window (issue 22): Analyse > Project memo…, Memo on this document…, Memo on a code…, the scheme
editor's Memo…; each is one undoable step; the Search dock finds memos and opens them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QMenu, QToolButton

from annotator.gui import actions as A
from annotator.gui.dialogs.memo_dialog import MemoDialog
from annotator.gui.dialogs.scheme_editor import SchemeEditor


@pytest.fixture
def typing(monkeypatch):
    """The memo editor, shown modally, gets ``typing.text`` typed over what it holds and then the key in
    ``typing.key`` (Ctrl+Enter saves, Esc cancels), as an analyst would; what it showed is recorded."""

    class Typing:
        text = ""
        key = (Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        shown: list[tuple[str, str]] = []

    typing = Typing()
    typing.shown = []

    def run(dialog: MemoDialog) -> int:
        typing.shown.append((dialog.windowTitle(), dialog.editor.toPlainText()))
        dialog.show()
        dialog.editor.selectAll()
        for n, line in enumerate(typing.text.split("\n")):
            if n:
                QTest.keyClick(dialog.editor, Qt.Key.Key_Return)  # a plain Return is a new line
            QTest.keyClicks(dialog.editor, line)
        QTest.keyClick(dialog.editor, *typing.key)
        if dialog.isVisible():  # Esc reaches the dialog through its editor
            QTest.keyClick(dialog, *typing.key)
        return dialog.result()

    monkeypatch.setattr(MemoDialog, "exec", run)
    return typing


def test_the_project_memo_is_written_from_the_analyse_menu_and_undone(window, typing):
    store, stack = window.session.store, window.session.undo_stack
    changed = []
    window.session.memos_changed.connect(lambda kind, owner: changed.append((kind, owner)))
    typing.text = "Round 1: frames of the peace talks."
    window.actions[A.PROJECT_MEMO].trigger()
    assert store.memo("project") == "Round 1: frames of the peace talks."
    assert typing.shown == [("Project memo", "")]
    assert changed == [("project", "")] and stack.undoText() == "Project memo saved"
    stack.undo()
    assert store.memo("project") == "" and changed[-1] == ("project", "")
    stack.redo()
    assert store.memo("project") == "Round 1: frames of the peace talks."


def test_esc_cancels_and_changes_nothing(window, typing):
    typing.text = "Not kept."
    typing.key = (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    count = window.session.undo_stack.count()
    window.actions[A.PROJECT_MEMO].trigger()
    assert window.session.store.memo("project") == "" and window.session.undo_stack.count() == count


def test_the_memo_of_the_document_in_the_active_pane(window, typing):
    window.pane_state.set_active(1)
    doc = window.pane_state.document(1)
    title = window.session.store.document(doc).title
    typing.text = "Check the casualty figure\nwith the wire."
    window.actions[A.DOCUMENT_MEMO].trigger()
    assert window.session.store.memo("document", doc) == "Check the casualty figure\nwith the wire."
    assert typing.shown == [(f"Memo on document {title}", "")]
    window.session.undo_stack.undo()
    assert window.session.store.memo("document", doc) == ""


def test_a_code_memo_from_the_menu_asks_which_label(window, typing, monkeypatch):
    asked = []

    def get_item(parent, title, label, items, current, editable):
        asked.append(items[current])
        return "Figure", True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    typing.text = "Counts of people, money or weapons."
    window.actions[A.CODE_MEMO].trigger()
    assert window.session.store.memo("label", "Figure") == "Counts of people, money or weapons."
    assert asked == ["Claim"] and typing.shown == [("Memo on code Figure", "")]


def test_the_scheme_editor_writes_a_label_memo_in_one_undoable_step(window, typing, qtbot):
    editor = SchemeEditor(window.session, window)
    qtbot.addWidget(editor)
    editor.show()
    editor.select("Actor")
    typing.text = "People and institutions that act."
    qtbot.mouseClick(editor.buttons["memo"], Qt.MouseButton.LeftButton)
    store = window.session.store
    assert store.memo("label", "Actor") == "People and institutions that act."
    assert editor.message.text() == "Memo on code Actor saved."
    typing.text = "People and institutions that act."  # the same text: nothing to undo
    count = window.session.undo_stack.count()
    qtbot.mouseClick(editor.buttons["memo"], Qt.MouseButton.LeftButton)
    assert window.session.undo_stack.count() == count
    editor.undo_action.trigger()
    assert store.memo("label", "Actor") == ""
    editor.done(QDialog.DialogCode.Accepted)


def test_the_search_finds_a_memo_says_whose_it_is_and_opens_it(window, typing):
    store = window.session.store
    doc = window.pane_state.document(0)
    title = store.document(doc).title
    store.set_memo("document", doc, "Ask the desk about the zeppelin photo.")
    store.set_memo("label", "Claim", "A zeppelin is never a claim.")
    dock = window.corpus.search
    dock.query.setText("zeppelin")
    dock.run()
    rows = [[dock.table.item(r, c).text() for c in range(3)] for r in range(dock.table.rowCount())]
    assert rows == [
        [f"Memo on document {title}", title, "…Ask the desk about the [zeppelin] photo.…"],
        ["Memo on code Claim", "", "…A [zeppelin] is never a claim.…"],
    ]
    assert dock.summary.text().endswith("; 2 memos")
    typing.text = "Ask the desk about the zeppelin photo (done)."
    dock.table.doubleClicked.emit(dock.table.model().index(0, 2))
    assert typing.shown == [(f"Memo on document {title}", "Ask the desk about the zeppelin photo.")]
    assert store.memo("document", doc) == "Ask the desk about the zeppelin photo (done)."


def test_a_label_buttons_context_menu_opens_its_memo(window, typing, qtbot):
    button = window.findChild(QToolButton, "label_button.Figure")
    typing.text = "Counts only."
    center = button.rect().center()
    QApplication.sendEvent(button, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, center,
                                                     button.mapToGlobal(center)))
    menu = window.label_bar.findChild(QMenu, "label_menu")
    qtbot.waitExposed(menu)
    [action] = menu.actions()
    assert action.text() == "Memo on code Figure…"
    QTest.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())
    assert window.session.store.memo("label", "Figure") == "Counts only."
