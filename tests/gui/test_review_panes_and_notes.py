"""Issue 10, D9: review panes say whose tags they show; the note dialog wraps and saves with Ctrl+Enter;
file dialogs open in the last folder used."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QPlainTextEdit

from annotator.gui import actions as A
from annotator.gui.dialogs.note_dialog import NoteDialog

from gui_helpers import import_sets, tag


def test_review_panes_say_whose_tags(window, tmp_path, monkeypatch):
    import_sets(window, tmp_path, monkeypatch, {"bob": [("Steve Witkoff", "Actor")],
                                                "dave": [("Steve Witkoff", "Claim")]})
    assert not window.panes[0].whose.isVisible()
    window.actions[A.START_REVIEW].trigger()
    assert window.panes[0].whose.text() == "bob's tags" and window.panes[0].whose.isVisible()
    assert window.panes[1].whose.text() == "dave's tags" and window.panes[1].whose.isVisible()
    window.actions[A.END_REVIEW].trigger()
    assert not window.panes[0].whose.isVisible() and not window.panes[1].whose.isVisible()


def test_note_dialog_wraps_and_saves_with_ctrl_enter(qtbot):
    dialog = NoteDialog("Note", "Note on Actor 'Steve Witkoff':", "")
    qtbot.addWidget(dialog)
    assert dialog.editor.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.editor, "Named envoy on 21 November")
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Return)  # a plain Return is a new line
    qtbot.keyClicks(dialog.editor, "second line")
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == NoteDialog.DialogCode.Accepted
    assert dialog.note() == "Named envoy on 21 November\nsecond line"


def test_n_opens_the_note_dialog_and_ctrl_enter_saves_the_note(window, qtbot):
    ann = tag(window, 0, "Steve Witkoff", "Actor")
    window.panes[0].view.select_span(ann.id)

    def type_and_save():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, NoteDialog)
        qtbot.keyClicks(dialog.editor, "the envoy")
        qtbot.keyClick(dialog.editor, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)

    QTimer.singleShot(100, type_and_save)
    window.actions[A.EDIT_NOTE].trigger()
    assert window.session.store.annotation(ann.id).note == "the envoy"


def test_file_dialogs_open_in_the_last_folder_used(window, tmp_path, monkeypatch, errors):
    elsewhere = tmp_path / "exports"
    elsewhere.mkdir()
    seen = []

    def save(parent, title, start, *a, **k):
        seen.append(start)
        return str(elsewhere / "mine.json"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    window.actions[A.EXPORT_JSON].trigger()
    opened = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda p, t, start, *a, **k: opened.append(start) or ("", ""))
    window.actions[A.IMPORT_SET].trigger()
    assert opened == [str(elsewhere)]
    window.actions[A.EXPORT_CSV].trigger()
    assert seen[-1].startswith(str(elsewhere))
