"""The label tree in the scheme editor (issue 22): placing a label under another is one undoable step, a cycle is
never offered, a category leaves the label bar, and deleting a parent asks what becomes of its children (both
answers undoable)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from annotator.gui.dialogs.scheme_editor import NAME, TOP, UNDER


@pytest.fixture
def tree(window):
    """Actor > Person > Leader, Actor > State; Person tags a span, Leader another."""
    store = window.session.store
    store.add_label("Person", parent="Actor")
    store.add_label("Leader", parent="Person")
    store.add_label("State", parent="Actor")
    doc = store.documents()[0].id
    text = store.document_text(doc)
    for quote, label in (("Steve Witkoff", "Person"), ("Donald Trump", "Leader")):
        start = text.index(quote)
        store.add_annotation(doc, label, start, start + len(quote), "tester")
    window.session.announce_labels()
    return store


def choose(monkeypatch, parent: str) -> list[list[str]]:
    """Patch QInputDialog.getItem to choose ``parent``; returns the choices it offered."""
    offered: list[list[str]] = []

    def get_item(widget, title, label, items, current=0, editable=True, *args, **kwargs):
        offered.append(list(items))
        return parent, True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    return offered


def state(store):
    return store.labels(), store.annotations(), store.links()


def row_of(editor, name: str) -> int:
    return next(r for r in range(editor.table.rowCount()) if editor.table.item(r, NAME).text() == name)


def test_placing_a_label_under_another_is_one_undoable_step(window, editor, tree, monkeypatch):
    stack = window.session.undo_stack
    before = state(tree)
    editor.select("Person")
    offered = choose(monkeypatch, "Claim")
    editor.buttons["under"].click()
    assert TOP in offered[0] and "Actor" in offered[0]
    assert "Leader" not in offered[0] and "Person" not in offered[0]  # under itself: never offered
    assert tree.label("Person").parent == "Claim" and tree.label("Leader").parent == "Person"
    assert editor.table.item(row_of(editor, "Person"), UNDER).text() == "Claim"
    assert stack.count() == 1 and stack.undoText() == "Move label 'Person' under 'Claim'"
    stack.undo()
    assert state(tree) == before
    assert editor.table.item(row_of(editor, "Person"), UNDER).text() == "Actor"
    stack.redo()
    choose(monkeypatch, TOP)
    editor.select("Person")
    editor.buttons["under"].click()
    assert tree.label("Person").parent == "" and stack.undoText() == "Move label 'Person' to the top"


def test_a_category_leaves_the_label_bar_and_comes_back_with_undo(window, editor, tree):
    stack = window.session.undo_stack
    bar = [a.text() for a in window.label_bar.label_actions]
    editor.select("Plan point")
    editor.buttons["category"].click()
    assert tree.label("Plan point").codable is False
    assert editor.table.item(row_of(editor, "Plan point"), NAME).font().italic()
    assert [a.text() for a in window.label_bar.label_actions] == [t for t in bar if "Plan point" not in t]
    assert "Plan point" not in window.tagging.menu_labels()
    stack.undo()
    assert tree.label("Plan point").codable is True
    assert [a.text() for a in window.label_bar.label_actions] == bar


def answer_children(monkeypatch, button: str) -> list[str]:
    """Patch QMessageBox.exec to click the button named ``button``; returns the questions asked."""
    asked: list[str] = []

    def exec_(box):
        asked.append(box.text())
        next(b for b in box.buttons() if b.objectName() == button).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return asked


@pytest.mark.parametrize(("button", "left"), [("children_up", {"Leader": "Actor"}), ("children_delete", {})])
def test_deleting_a_parent_asks_what_becomes_of_its_children_and_undo_restores_all(window, editor, tree,
                                                                                  monkeypatch, button, left):
    stack = window.session.undo_stack
    before = state(tree)
    editor.select("Person")
    asked = answer_children(monkeypatch, button)
    editor.buttons["delete"].click()
    assert asked and asked[0].startswith("Person holds 1 label (Leader).")
    assert {lb.name: lb.parent for lb in tree.labels() if lb.name in ("Person", "Leader")} == left
    assert stack.count() == 1
    stack.undo()
    assert state(tree) == before
    stack.redo()
    assert {lb.name: lb.parent for lb in tree.labels() if lb.name in ("Person", "Leader")} == left


def test_cancelling_the_question_deletes_nothing(window, editor, tree, monkeypatch):
    before = state(tree)
    editor.select("Actor")
    monkeypatch.setattr(QMessageBox, "exec", lambda box: box.button(QMessageBox.StandardButton.Cancel).click())
    editor.buttons["delete"].click()
    assert state(tree) == before and window.session.undo_stack.count() == 0


def test_importing_a_scheme_that_rearranges_the_tree_undoes_exactly(window, editor, tree, monkeypatch, tmp_path):
    stack = window.session.undo_stack
    before = state(tree)
    path = tmp_path / "tree.json"
    path.write_text(json.dumps({"format": "annotator.label-scheme", "version": 2, "labels": [
        {"name": "Person", "color": "#0072B2", "parent": "Agents"},
        {"name": "Agents", "color": "#000000", "parent": "", "codable": False},
        {"name": "Actor", "color": "#E69F00", "shortcut": "2", "parent": "Person"},
    ]}), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    editor.buttons["import"].click()
    placed = {lb.name: (lb.parent, lb.codable) for lb in tree.labels()}
    assert placed["Person"] == ("Agents", True) and placed["Agents"] == ("", False)
    assert placed["Actor"] == ("Person", True) and placed["Leader"] == ("Person", True)
    assert stack.count() == 1
    stack.undo()
    assert state(tree) == before
    stack.redo()
    assert {lb.name: (lb.parent, lb.codable) for lb in tree.labels()} == placed
    editor.buttons["import"].click()  # the same file again: nothing to change, nothing pushed
    assert stack.count() == 1 and "nothing changed" in editor.message.text()
