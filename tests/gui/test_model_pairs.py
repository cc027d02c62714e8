"""Cross-source pairs in the window: asked for the selected Figure, shown dashed in the other pane and in the Pairs
tab, accepted (Enter, or the button) as tag + link in one undoable step, then listed in the Discrepancies dock."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.gui import actions as A
from annotator.gui.dialogs.model_dialog import BASE_URL_KEY, NAME_KEY
from annotator.gui.settings import settings

from gui_helpers import tag

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "llm"))
from chat_server import ChatServer  # noqa: E402  (tests/llm is not a package)


def remember(url: str, model: str = "test-model") -> None:
    """What Start in Analyse > Model suggestions… leaves in settings.ini."""
    s = settings()
    s.setValue(BASE_URL_KEY, url)
    s.setValue(NAME_KEY, model)
    s.sync()


def pair_styles(view) -> dict:
    return {sid: s for sid, s in view.span_styles().items() if sid.startswith("pair|")}


def find_seven(window, server):
    six = tag(window, 0, "at least six people", "Figure")  # selected in the left pane
    remember(server.base_url)
    window.actions[A.MODEL_PAIRS].trigger()
    return six


def test_a_pair_accepted_with_enter_is_a_tag_and_a_link_in_the_discrepancies(window, qtbot):
    store = window.session.store
    with ChatServer("good") as server:
        six = find_seven(window, server)
        assert server.chat_requests
    right = window.panes[1].view
    [(sid, style)] = pair_styles(right).items()
    assert right.text()[style.start:style.end] == "seven people" and style.dashed
    assert "contradicts" in style.tooltip and style.tooltip.endswith("Backspace hides")
    dock = window.model.dock
    assert dock.isVisible() and dock.tabs.currentIndex() == 1 and dock.pair_table.rowCount() == 1
    assert dock.pair_table.item(0, 1).text() == "seven people"
    assert dock.pair_table.item(0, 2).text() == "contradicts (contradicts)"
    discrepancies = window.cross.discrepancies_dock
    assert discrepancies.table.rowCount() == 0
    # Enter on the dashed span (a real key event): tag + link, one undo step.
    window.focus_pane(1)
    right.select_span(sid)
    right.setFocus()
    depth = window.session.undo_stack.count()
    qtbot.keyClick(right, Qt.Key.Key_Return)
    [seven] = [a for a in store.annotations() if a.id != six.id]
    assert (seven.label, seven.quote, seven.note) == ("Figure", "seven people", "")
    assert seven.origin.startswith("model test-model") and "pairs-1" in seven.origin
    [link] = store.links()
    assert (link.type, link.source, link.target, link.note) == ("contradicts", six.id, seven.id, "")
    assert window.session.undo_stack.count() == depth + 1
    assert discrepancies.table.rowCount() == 1
    assert not pair_styles(right) and dock.pair_table.rowCount() == 0
    window.session.undo_stack.undo()
    assert store.links() == [] and [a.id for a in store.annotations()] == [six.id]
    assert discrepancies.table.rowCount() == 0
    assert list(pair_styles(right)) == [sid] and dock.pair_table.rowCount() == 1
    # The button accepts the selected row; Backspace on the span hides it.
    dock.pair_accept_button.click()
    assert len(store.links()) == 1 and discrepancies.table.rowCount() == 1
    window.session.undo_stack.undo()
    right.select_span(sid)
    right.setFocus()
    qtbot.keyClick(right, Qt.Key.Key_Backspace)
    assert not pair_styles(right) and dock.pair_table.rowCount() == 0
    assert [a.id for a in store.annotations()] == [six.id] and store.links() == []


def test_pairs_need_a_span_and_a_model(window):
    store = window.session.store
    window.actions[A.MODEL_PAIRS].trigger()
    assert "Select a Claim or Figure span" in window.statusBar().currentMessage()
    tag(window, 0, "at least six people", "Figure")
    window.actions[A.MODEL_PAIRS].trigger()
    assert "Choose a model first" in window.statusBar().currentMessage()
    assert store.links() == []
