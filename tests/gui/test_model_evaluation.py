"""Review > Mark document reviewed in any project (undoable), and the Model dock's Evaluation tab: its figures are
evaluate()'s, computed from the project and the cache (the server is gone when the table is computed)."""

from __future__ import annotations

import sys
from pathlib import Path

from annotator.core.llm.endpoint import make_endpoint
from annotator.core.llm.evaluate import project_evaluation
from annotator.gui import actions as A
from annotator.gui.dialogs.model_dialog import ModelRun

from gui_helpers import tag

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "llm"))
from chat_server import ChatServer  # noqa: E402  (tests/llm is not a package)


def table(dock) -> list[list[str]]:
    t = dock.evaluation_table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def measure(value: float, denominator: int) -> str:
    return f"{value:.2f}" if denominator else "–"  # undefined, as the CLI's table shows it


def expected(evaluation) -> list[list[str]]:
    return [[s.suggester, s.label, measure(s.precision, s.tp + s.fp), measure(s.recall, s.tp + s.fn),
             measure(s.f1, 2 * s.tp + s.fp + s.fn), str(s.tp), str(s.fp), str(s.fn)] for s in evaluation.rows]


def test_mark_document_reviewed_works_without_a_team_and_undoes(window):
    store = window.session.store
    assert store.team() is None
    action = window.actions[A.MARK_REVIEWED]
    left = window.panes[0].document_id
    window.focus_pane(0)
    assert not action.isChecked()
    action.trigger()
    assert store.done_documents() == {left: {"tester"}} and action.isChecked()
    assert window.session.undo_stack.undoText().endswith("reviewed")
    window.focus_pane(1)  # the check mark follows the active pane's document
    assert not action.isChecked()
    window.focus_pane(0)
    assert action.isChecked()
    window.session.undo_stack.undo()
    assert store.done_documents() == {} and not action.isChecked()
    window.session.undo_stack.redo()
    assert store.done_documents() == {left: {"tester"}}
    action.trigger()  # again: the mark is taken back
    assert store.done_documents() == {} and not action.isChecked()


def test_the_evaluation_view_shows_evaluates_figures(window):
    store = window.session.store
    dock = window.model.dock
    window.actions[A.MODEL_EVALUATION].trigger()
    assert dock.isVisible() and dock.tabs.currentIndex() == 2
    assert dock.reviewed.text().startswith("0 of 2 documents reviewed")
    # Gold on the left document: three figures and an actor, the document marked reviewed.
    for quote, label in (("28-point", "Figure"), ("at least six people", "Figure"), ("Steve Witkoff", "Actor"),
                         ("three dozen countries", "Figure")):
        tag(window, 0, quote, label)
    window.focus_pane(0)
    window.actions[A.MARK_REVIEWED].trigger()
    labels = [label.name for label in store.codable_labels()]  # the dialog's default: every label
    with ChatServer("good") as server:
        window.model.run(ModelRun(make_endpoint(server.base_url, "test-model"), window.pane_state.shown(), labels))
    # Computed again on its own (the reviewed mark changed it already), with the server gone: from the cache.
    dock.refresh_button.click()
    rows = table(dock)
    want = project_evaluation(store, match="overlap")
    assert rows == expected(want)
    assert {r[0] for r in rows} == {"rules", "test-model (spans-1)"}
    model_all = next(r for r in rows if r[:2] == ["test-model (spans-1)", "all labels"])
    assert int(model_all[5]) > 0  # the scripted model finds some of the figures
    assert dock.reviewed.text().startswith("1 of 2 documents reviewed: ")
    dock.match.setCurrentText("exact")
    assert table(dock) == expected(project_evaluation(store, match="exact"))
    assert window.model.review.evaluation.match == "exact"
