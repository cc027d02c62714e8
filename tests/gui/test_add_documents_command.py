"""Adding documents from the window is one undoable step: ``AddDocuments`` over the core's ``add_documents``."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.formats.documents import Article
from annotator.core.store import Store
from annotator.gui.commands.annotations import AddDocuments, CreateAnnotation
from annotator.gui.session import ProjectSession


@pytest.fixture
def session(tmp_path):
    store = Store.open(tmp_path / "p.sqlite")
    s = ProjectSession(store, "tester")
    yield s
    s.close()


def article(text: str, title: str, source: str = "") -> Article:
    return Article(Path(f"{title}.txt"), text, title, source)


def test_adding_is_one_step_that_undo_removes_and_redo_puts_back_exactly(qtbot, session):
    store = session.store
    kept, _ = store.add_document("Already here.", "Kept")
    saved: list[str] = []
    session.saved.connect(saved.append)
    command = AddDocuments(session, [article("First new text.", "One", "Wire"), article("Already here.", "Again"),
                                     article("Second new text.", "Two")])
    with qtbot.waitSignal(session.documents_changed):
        assert session.perform(command)
    assert command.text() == "Add 3 documents" and saved == ["Add 3 documents"]
    assert [d.title for d in command.result.created] == ["One", "Two"] and command.result.present == [kept]
    added = store.documents()
    assert [d.title for d in added] == ["Kept", "One", "Two"] and added[1].source == "Wire"
    assert session.undo_stack.count() == 1

    with qtbot.waitSignal(session.documents_changed):
        session.undo_stack.undo()
    assert store.documents() == [kept] and saved[-1] == "Undo: Add 3 documents"

    with qtbot.waitSignal(session.documents_changed):
        session.undo_stack.redo()
    assert store.documents() == added and saved[-1] == "Add 3 documents"
    assert store.document_text(added[2].id) == "Second new text."


def test_undo_after_tagging_a_new_document_takes_the_tag_first(qtbot, session):
    store = session.store
    assert session.perform(AddDocuments(session, [article("Steve Witkoff met Putin.", "Talks")]))
    (doc,) = store.documents()
    assert session.undo_stack.undoText() == "Add document 'Talks'"
    assert session.perform(CreateAnnotation(session, doc.id, "Actor", 0, 13, "Steve Witkoff"))
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert store.documents() == [] and store.annotation_count() == 0
    session.undo_stack.redo()
    session.undo_stack.redo()
    assert store.documents() == [doc] and [a.quote for a in store.annotations()] == ["Steve Witkoff"]


def test_an_article_that_cannot_be_added_adds_nothing_and_leaves_no_step(qtbot, session):
    errors: list[str] = []
    session.error.connect(errors.append)
    command = AddDocuments(session, [article("A good text.", "Good"), article("  \n", "Blank")])
    assert not session.perform(command)
    assert session.store.documents() == [] and session.undo_stack.count() == 0
    assert errors == ["The document 'Blank' has no text."]


def test_adding_only_documents_already_present_undoes_to_the_same_project(qtbot, session):
    store = session.store
    kept, _ = store.add_document("Already here.", "Kept")
    command = AddDocuments(session, [article("Already here.", "Again")])
    assert session.perform(command)
    assert command.result.created_ids == [] and command.result.present == [kept]
    session.undo_stack.undo()
    assert store.documents() == [kept]
