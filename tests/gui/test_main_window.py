"""End-to-end GUI tests on the seeded default project (offscreen)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from annotator.gui import actions as A
from annotator.gui.dialogs.note_dialog import NoteDialog


def select(view, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """Select ``needle`` in a document view through its code-point API; return (start, end)."""
    text = view.text()
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    view.set_selection(start, start + len(needle))
    return start, start + len(needle)


def test_first_start_shows_both_seeds_side_by_side(window):
    store = window.session.store
    docs = store.documents()
    assert [d.source for d in docs] == ["Financial Times", "news report (photo credit: Reuters)"]
    left, right = window.panes
    assert left.document_id == docs[0].id and right.document_id == docs[1].id
    assert left.view.text().startswith("Donald Trump sends top envoy")
    assert right.view.text().startswith("Trump to send Witkoff")
    assert "Financial Times · 25 Nov 2025 · Donald Trump" in left.chooser.currentText()
    labels = [a.text() for a in window.label_bar.label_actions]
    assert labels == ["1 Claim", "2 Actor", "3 Figure", "4 Plan point"]


def test_tag_steve_witkoff_with_key_2_then_undo_redo(window, qtbot):
    view = window.panes[0].view
    view.setFocus()
    start, end = select(view, "Steve Witkoff")
    qtbot.keyClick(view, Qt.Key.Key_2)
    store = window.session.store
    anns = store.annotations()
    assert len(anns) == 1
    ann = anns[0]
    assert (ann.label, ann.quote, ann.start, ann.end, ann.annotator) == ("Actor", "Steve Witkoff", start, end, "tester")
    assert store.document_text(ann.document)[ann.start:ann.end] == "Steve Witkoff"
    undo = window.actions[A.UNDO]
    assert undo.text() == "&Undo Tag 'Steve Witkoff' as Actor" or "Tag 'Steve Witkoff' as Actor" in undo.text()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.annotations() == []
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [a.quote for a in store.annotations()] == ["Steve Witkoff"]
    assert store.annotations()[0].id == ann.id


def test_relabel_note_and_delete_are_undoable(window, qtbot, monkeypatch):
    view = window.panes[1].view
    view.setFocus()
    select(view, "Sergey Lavrov")
    window.apply_label("Actor")
    store = window.session.store
    ann = store.annotations()[0]
    assert view.selected_span() == ann.id
    window.apply_label("Claim")  # label key on a selected span relabels it
    assert store.annotation(ann.id).label == "Claim"
    monkeypatch.setattr(NoteDialog, "get_note", lambda *a, **k: ("Spelled Sergei in the FT", True))
    window.actions[A.EDIT_NOTE].trigger()
    assert store.annotation(ann.id).note == "Spelled Sergei in the FT"
    window.actions[A.DELETE_SPAN].trigger()
    assert store.annotations() == []
    stack = window.session.undo_stack
    stack.undo()
    assert store.annotation(ann.id).note == "Spelled Sergei in the FT"
    stack.undo()
    assert store.annotation(ann.id).note == ""
    stack.undo()
    assert store.annotation(ann.id).label == "Actor"
    stack.undo()
    assert store.annotations() == []


def test_both_panes_share_one_undo_history(window):
    left, right = (p.view for p in window.panes)
    left.setFocus()
    window.pane_state.set_active(0)
    select(left, "Vladimir Putin")
    window.apply_label("Actor")
    window.pane_state.set_active(1)
    select(right, "Vladimir Putin")
    window.apply_label("Actor")
    store = window.session.store
    assert len(store.annotations()) == 2
    window.session.undo_stack.undo()
    assert [a.document for a in store.annotations()] == [window.panes[0].document_id]


def test_annotation_list_filters_and_jumps(window, qtbot):
    window.pane_state.set_active(0)
    view = window.panes[0].view
    select(view, "Steve Witkoff")
    window.apply_label("Actor")
    select(view, "Vladimir Putin")
    window.apply_label("Actor")
    select(view, "tremendous progress")
    window.apply_label("Claim")
    dock = window.dock
    assert dock.visible_count() == 3
    dock.label_filter.setCurrentIndex(dock.label_filter.findData("Actor"))
    assert dock.visible_count() == 2
    dock.text_filter.setText("putin")
    assert dock.visible_count() == 1
    view.select_span(None)
    index = dock.table.model().index(0, 2)
    dock.table.doubleClicked.emit(index)
    putin = next(a for a in window.session.store.annotations() if a.quote == "Vladimir Putin")
    assert view.selected_span() == putin.id
    assert "Actor 2" in window.status_counts.text() and "Claim 1" in window.status_counts.text()


def test_window_state_and_documents_come_back(window, qtbot):
    from annotator.gui import app as gui_app

    right_doc = window.panes[0].document_id
    window.show_document(1, right_doc)  # same document in both panes
    window.close()
    window.session.store.close()
    again = gui_app.open_window(None, gui_app.settings(), user="tester")
    qtbot.addWidget(again)
    try:
        assert again.panes[1].document_id == right_doc
    finally:
        again.close()
        again.session.store.close()


def test_read_only_project_refuses_tagging_with_a_message(window, qtbot, monkeypatch):
    messages = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: messages.append(text))
    window.session.store.readonly = True
    select(window.panes[0].view, "Steve Witkoff")
    window.apply_label("Actor")
    assert messages and "read-only" in messages[0]
    assert window.session.undo_stack.count() == 0


def test_tab_selects_next_span_and_delete_removes_it(window, qtbot):
    window.pane_state.set_active(0)
    view = window.panes[0].view
    select(view, "Steve Witkoff")
    window.apply_label("Actor")
    select(view, "Vladimir Putin")
    window.apply_label("Actor")
    view.select_span(None)
    view.set_selection(0, 0)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    witkoff = next(a for a in window.session.store.annotations() if a.quote == "Steve Witkoff")
    assert view.selected_span() == witkoff.id
    assert window.actions[A.DELETE_SPAN].isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert [a.quote for a in window.session.store.annotations()] == ["Vladimir Putin"]
    assert "Delete 'Steve Witkoff' (Actor)" in window.actions[A.UNDO].text()


def test_documents_open_at_their_first_line(window):
    for pane in window.panes:
        assert pane.view.verticalScrollBar().value() == 0
        assert pane.view.firstVisibleBlock().blockNumber() == 0


def test_no_two_actions_share_a_shortcut(window):
    """An ambiguous shortcut does nothing at all in Qt (seen: Ctrl+Q listed twice on Quit)."""
    from PySide6.QtGui import QAction, QKeySequence

    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for key in action.shortcuts():
            text = key.toString(QKeySequence.SequenceFormat.PortableText)
            if not text:
                continue
            owner = action.objectName() or action.text()
            assert text not in seen or seen[text] == owner, f"{text}: {seen.get(text)} and {owner}"
            assert seen.get(text) != owner or action.shortcuts().count(key) == 1, f"{text} twice on {owner}"
            seen[text] = owner


def test_quit_closes_the_window_and_saves_its_state(window, qtbot):
    from annotator.gui import app as gui_app

    window.actions[A.QUIT].trigger()
    assert not window.isVisible()
    assert gui_app.settings().value("geometry") is not None
