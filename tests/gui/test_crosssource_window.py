"""Cross-source work in the window: links across panes, discrepancies, claims by actor, suggestions, sync."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from annotator.gui import actions as A
from annotator.gui.dialogs.note_dialog import NoteDialog
from annotator.gui.controllers.crosssource import is_suggestion

from gui_helpers import tag


def choose_type(monkeypatch, link_type):
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (link_type, True))


def test_link_left_to_right_then_discrepancy_and_undo(window, monkeypatch):
    six = tag(window, 0, "at least six people", "Figure")
    seven = tag(window, 1, "seven people", "Figure")
    window.panes[0].view.select_span(six.id)
    window.focus_pane(1)
    window.panes[1].view.select_span(seven.id)
    choose_type(monkeypatch, "contradicts")
    window.actions[A.LINK_SPANS].trigger()
    store = window.session.store
    links = store.links()
    assert [(k.type, k.source, k.target, k.annotator) for k in links] == [("contradicts", six.id, seven.id, "tester")]
    dock = window.cross.discrepancies_dock
    # at least 6 and 7 can both be true: the mark and the explanation say the same thing
    assert dock.table.rowCount() == 1 and dock.items[0].verdict == "compatible" and not dock.items[0].differs
    assert dock.table.item(0, 0).text() == "≈ compatible" and dock.table.item(0, 8).text().startswith("compatible")
    assert "0 of 1 linked pairs differ, 1 compatible" in dock.summary.text()
    assert window.cross.links_dock.table.rowCount() == 1
    # Selecting one end outlines its partner in the other pane.
    assert window.panes[0].view._highlighted == {six.id}  # seven is selected on the right
    window.panes[0].view.select_span(None)
    window.panes[0].view.select_span(six.id)
    assert window.panes[1].view._highlighted == {seven.id}
    # A note on the link, from the Links dock; undoable.
    monkeypatch.setattr(NoteDialog, "get_note", lambda *a, **k: ("FT counts the dead earlier", True))
    links_dock = window.cross.links_dock
    links_dock.table.selectRow(0)
    links_dock.note_button.click()
    assert store.links()[0].note == "FT counts the dead earlier"
    assert links_dock.table.item(0, 4).text() == "FT counts the dead earlier"
    window.session.undo_stack.undo()
    assert store.links()[0].note == ""
    window.session.undo_stack.undo()
    assert store.links() == [] and dock.table.rowCount() == 0
    window.session.undo_stack.redo()
    assert len(store.links()) == 1


def test_said_by_links_build_claims_by_actor(window, monkeypatch):
    trump = tag(window, 0, "Donald Trump said", "Actor")  # tagged wide, then narrowed below
    window.session.store.update_annotation(trump.id, end=trump.start + len("Donald Trump"))
    claim = tag(window, 0, "tremendous progress", "Claim")
    view = window.panes[0].view
    view.select_span(trump.id)
    window.cross.mark_link_source()
    view.select_span(claim.id)
    choose_type(monkeypatch, "said by")
    window.actions[A.LINK_SPANS].trigger()
    link = window.session.store.links()[0]
    assert (link.type, link.source, link.target) == ("said by", claim.id, trump.id)  # claim -> actor
    tree = window.cross.claims_dock.tree
    assert tree.topLevelItemCount() == 1
    assert tree.topLevelItem(0).text(0).startswith("Donald Trump")
    assert tree.topLevelItem(0).child(0).text(0) == "tremendous progress"


def test_suggestions_accept_reject_and_accept_all(window, qtbot):
    window.focus_pane(1)
    window.actions[A.SUGGEST].trigger()
    view = window.panes[1].view
    figures = {sid: s for sid, s in window.cross.suggestions(window.panes[1].document_id).items()
               if s.label == "Figure"}
    by_quote = {s.quote: sid for sid, s in figures.items()}
    assert {"seven people", "30 countries", "28-point"} <= set(by_quote)
    assert view.has_span(by_quote["seven people"])
    # Enter accepts the selected suggestion as a real annotation.
    view.select_span(by_quote["seven people"])
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    store = window.session.store
    assert [(a.label, a.quote) for a in store.annotations()] == [("Figure", "seven people")]
    # Backspace rejects one: it stays hidden for this document.
    view.select_span(by_quote["30 countries"])
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    assert not view.has_span(by_quote["30 countries"])
    assert store.rejected_suggestions(window.panes[1].document_id)
    # Accept all actors at once: one undo step.
    window.actions[A.ACCEPT_ACTORS].trigger()
    actors = store.annotations(label="Actor")
    assert any(a.quote == "Steve Witkoff" for a in actors)
    window.session.undo_stack.undo()
    assert store.annotations(label="Actor") == []
    assert all(not is_suggestion(i) or i in view.span_styles() for i in [view.selected_span()] if i)


def test_synchronised_scrolling_follows_content(window, monkeypatch):
    window.resize(900, 500)
    left, right = (p.view for p in window.panes)
    window.actions[A.SYNC_SCROLL].setChecked(True)
    left.scroll_offset_to_top(len(left.text()) // 2)
    expected = round(len(right.text()) * left.top_offset() / len(left.text()))
    line = len(right.text()) // max(1, right.document().lineCount())
    assert abs(right.top_offset() - expected) <= 6 * line + 200
    window.actions[A.SYNC_SCROLL].setChecked(False)
    before = right.verticalScrollBar().value()
    left.scroll_offset_to_top(0)
    assert right.verticalScrollBar().value() == before


def test_shift_enter_tags_every_occurrence_of_a_suggestion_as_one_undo_step(window, qtbot):
    """Issue 24: a name suggested 12 times is tagged in one keystroke; the tooltip says so; one undo takes all back."""
    window.focus_pane(1)
    window.actions[A.SUGGEST].trigger()
    doc = window.panes[1].document_id
    view = window.panes[1].view
    groups = window.cross.groups(doc)
    (label, quote), places = max(groups.items(), key=lambda item: (len(item[1]), item[0]))
    assert len(places) > 1
    first = next(sid for sid, s in window.cross.suggestions(doc).items() if (s.label, s.quote) == (label, quote)
                 and s.start == places[0].start)
    assert f"Shift+Enter tags all {len(places)}" in view.span_styles()[first].tooltip
    store = window.session.store
    before = len(store.annotations(document=doc))
    view.select_span(first)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    tagged = [(a.start, a.end) for a in store.annotations(document=doc, label=label) if a.quote == quote]
    assert sorted(tagged) == [(s.start, s.end) for s in places]
    assert len(store.annotations(document=doc)) == before + len(places)
    window.session.undo_stack.undo()
    assert len(store.annotations(document=doc)) == before
    # The menu entry does the same for the selected suggestion; Enter alone still takes one.
    view.select_span(first)
    window.actions[A.ACCEPT_SUGGESTION_GROUP].trigger()
    assert len(store.annotations(document=doc)) == before + len(places)
    window.session.undo_stack.undo()
    view.select_span(first)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert len(store.annotations(document=doc)) == before + 1
