"""The review loop in the window: a colleague's set imported, compared, accepted and rejected, undone."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from annotator.gui import actions as A

from gui_helpers import tag


@pytest.fixture
def colleague_set(window, tmp_path):
    """Bob's set for the first seed: one agreement, one label conflict, one span only Bob has."""
    store = window.session.store
    doc = window.panes[0].document_id
    text = store.document_text(doc)
    anns = []
    for i, (quote, label) in enumerate([("Steve Witkoff", "Actor"), ("Vladimir Putin", "Claim"),
                                        ("tremendous progress", "Claim")]):
        start = text.index(quote)
        anns.append({"id": f"bob-{i}", "document": doc, "label": label, "start": start, "end": start + len(quote),
                     "quote": quote, "annotator": "bob"})
    data = {"format": "annotator.annotation-set", "version": 1, "documents": [{"id": doc}], "annotations": anns}
    path = tmp_path / "bob.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_import_review_accept_reject_and_undo(window, colleague_set, monkeypatch, qtbot):
    tag(window, 0, "Steve Witkoff", "Actor")
    tag(window, 0, "Vladimir Putin", "Actor")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(colleague_set), ""))
    window.actions[A.IMPORT_SET].trigger()
    store = window.session.store
    assert sorted(a.id for a in store.annotators()) == ["bob", "tester"]

    window.actions[A.START_REVIEW].trigger()
    dock = window.review_dock
    assert dock.isVisible() and dock.compared() == ["bob", "tester"]
    assert sorted(g.category for g in dock.items) == ["agreed", "label_conflict", "only"]
    # Disagreements only by default; the same document in both panes, one annotator each.
    assert dock.model.rowCount() == 2
    assert window.panes[0].document_id == window.panes[1].document_id
    left_ids = {s for s in window.panes[0].view.span_styles()}
    assert all(store.annotation(i).annotator == "bob" for i in left_ids)

    # Item 1: label conflict on "Vladimir Putin": accept tester's Actor (right pane), reject Bob's Claim.
    dock.select_row(0)
    group = dock.current()
    assert group.category == "label_conflict"
    window.focus_pane(1)
    mine = dict(group.members)["tester"]
    window.panes[1].view.select_span(mine.id)
    window.actions[A.ACCEPT_SPAN].trigger()
    assert store.annotation(mine.id).status == "accepted"
    assert store.annotation("bob-1").status == "rejected"
    assert store.annotation("bob-1").reviewer == "tester"

    # Item 2: Bob's "tremendous progress" only: reject with a reason (F8 moves to it).
    qtbot.keyClick(dock.table, Qt.Key.Key_F8)
    group = dock.current()
    assert group.category == "only" and group.members[0][1].id == "bob-2"
    window.focus_pane(0)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("a slogan, not a claim", True))
    window.actions[A.REJECT_SPAN].trigger()
    bob2 = store.annotation("bob-2")
    assert (bob2.status, bob2.review_note, bob2.reviewer) == ("rejected", "a slogan, not a claim", "tester")
    assert bob2.reviewed

    # Undo restores the previous state, one decision at a time.
    window.session.undo_stack.undo()
    assert store.annotation("bob-2").status == "pending"
    window.session.undo_stack.undo()
    assert store.annotation(mine.id).status == "pending" and store.annotation("bob-1").status == "pending"
    window.session.undo_stack.redo()
    assert store.annotation("bob-1").status == "rejected"


def test_accept_all_agreed_and_end_review(window, colleague_set, monkeypatch):
    tag(window, 0, "Steve Witkoff", "Actor")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(colleague_set), ""))
    window.actions[A.IMPORT_SET].trigger()
    window.actions[A.START_REVIEW].trigger()
    assert window.actions[A.ACCEPT_AGREED].isEnabled()
    window.actions[A.ACCEPT_AGREED].trigger()
    store = window.session.store
    assert {a.annotator for a in store.annotations(status="accepted")} == {"tester", "bob"}
    assert [a.quote for a in store.annotations(annotator="tester", status="accepted")] == ["Steve Witkoff"]
    window.actions[A.END_REVIEW].trigger()
    assert not window.display.reviewing
    # Back to normal: both annotators' spans in the left pane again.
    assert len(window.panes[0].view.span_styles()) == 4


def test_annotators_can_be_hidden_and_spans_coloured_by_annotator(window, colleague_set, monkeypatch):
    tag(window, 0, "Steve Witkoff", "Actor")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(colleague_set), ""))
    window.actions[A.IMPORT_SET].trigger()
    dock = window.annotators_dock
    assert dock.list.count() == 2
    bob = next(dock.list.item(i) for i in range(dock.list.count()) if dock.list.item(i).text().startswith("bob"))
    bob.setCheckState(Qt.CheckState.Unchecked)
    spans = window.panes[0].view.span_styles()
    assert {window.session.store.annotation(i).annotator for i in spans} == {"tester"}
    bob.setCheckState(Qt.CheckState.Checked)
    dock.by_annotator.setChecked(True)
    colors = {window.session.store.annotation(i).annotator: s.color for i, s in window.panes[0].view.span_styles().items()}
    assert colors["bob"] != colors["tester"]


def test_set_bounds_to_selection_is_undoable(window):
    tag(window, 0, "Steve Witkoff", "Actor")
    view = window.panes[0].view
    ann = window.session.store.annotations()[0]
    view.select_span(ann.id)
    start = view.text().index("special envoy Steve Witkoff")
    view.set_selection(start, start + len("special envoy Steve Witkoff"))
    window.actions[A.SET_BOUNDS].trigger()
    assert window.session.store.annotation(ann.id).quote == "special envoy Steve Witkoff"
    window.session.undo_stack.undo()
    assert window.session.store.annotation(ann.id).quote == "Steve Witkoff"
