"""The Codes dock (issue 22): the label tree with its counts, folding by keyboard, type-to-filter, a real mouse
drag to move a code (one undoable step; a move under its own child refused in one sentence), double-click and
Enter asking for the segments, tagging the selection with the code selected; and the Ctrl+K picker over a tree.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFont, QScreen
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton

from annotator.core.store import Store
from annotator.gui import actions as A
from annotator.gui.dialogs.label_picker import LabelPicker
from annotator.gui.views.code_tree_model import NAME, OWN

from gui_helpers import close_windows, open_project_window, tag
from test_fits_small_screens import problems_in


@pytest.fixture
def tree(window, qtbot):
    """Actor > Person > Leader, Actor > State, a category Topics > Peace plan; Person and Leader tag a span each.
    The Codes dock is shown."""
    store = window.session.store
    store.add_label("Person", parent="Actor")
    store.add_label("Leader", parent="Person")
    store.add_label("State", parent="Actor")
    store.add_label("Topics", codable=False)
    store.add_label("Peace plan", parent="Topics")
    doc = window.pane_document(0)
    text = store.document_text(doc)
    for quote, label in (("Steve Witkoff", "Person"), ("Donald Trump", "Leader")):
        start = text.index(quote)
        store.add_annotation(doc, label, start, start + len(quote), "tester")
    window.session.announce_labels()
    dock = window.codes.dock
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: dock.isVisible() and not dock.dirty)
    dock.tree.expandAll()
    return dock


def center(dock, name: str, column: int = NAME) -> QPoint:
    return dock.tree.visualRect(dock.view_index(name, column)).center()


def drag(dock, source: str, target: QPoint) -> None:
    """A real mouse drag in the tree: press on ``source``, move in two steps, release at ``target``."""
    viewport = dock.tree.viewport()
    start = center(dock, source)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, start + QPoint(0, 12))
    QTest.mouseMove(viewport, target)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target)


def test_the_view_menu_toggles_the_dock(window, qtbot):
    dock = window.codes.dock
    toggle = dock.toggleViewAction()
    assert toggle in window.menuBar().actions()[2].menu().actions()  # View
    dock.show()
    assert dock.isVisible()
    toggle.trigger()
    assert not dock.isVisible()


def test_the_tree_shows_each_code_with_its_own_count_and_with_the_codes_under_it(tree):
    dock = tree
    assert dock.shown() == ["Claim", "Actor", "Person", "Leader", "State", "Figure", "Plan point", "Topics",
                            "Peace plan"]
    assert dock.counts("Actor") == (0, 2) and dock.counts("Person") == (1, 2) and dock.counts("Leader") == (1, 1)
    assert dock.view_index("Person", OWN).data() == 1 and dock.view_index("Actor", 2).data() == 2
    category = dock.view_index("Topics").data(Qt.ItemDataRole.FontRole)
    assert isinstance(category, QFont) and category.italic()
    assert dock.view_index("Actor").data(Qt.ItemDataRole.FontRole) is None
    dock.select("Topics")
    assert not dock.tag_action.isEnabled()  # a category tags nothing
    dock.select("Leader")
    assert dock.tag_action.isEnabled()


def test_a_tag_and_its_undo_move_the_counts_without_reading_the_tree_again(window, tree, qtbot):
    dock = tree
    before = dock.model.tree
    tag(window, 0, "Vladimir Putin", "Leader")
    assert dock.counts("Leader") == (2, 2) and dock.counts("Person") == (1, 3) and dock.counts("Actor") == (0, 3)
    window.session.undo_stack.undo()
    assert dock.counts("Leader") == (1, 1) and dock.counts("Actor") == (0, 2)
    assert dock.model.tree is before  # patched, not rebuilt
    qtbot.wait(10)
    assert dock.counts("Actor") == (0, 2)  # nothing counted twice after the event loop ran


def test_a_change_that_was_not_patched_is_counted_again(window, tree, qtbot):
    dock = tree
    store = window.session.store
    doc, _ = store.add_document("Kyiv was hit overnight.", "Other report", "Wire")  # on no pane
    store.add_annotation(doc.id, "State", 0, 4, "tester")
    window.session.announce(doc.id)
    qtbot.waitUntil(lambda: dock.counts("State") == (1, 1))
    assert dock.counts("Actor") == (0, 3)


def test_codes_fold_and_open_by_keyboard(tree, qtbot):
    dock = tree
    view = dock.tree
    view.setFocus()
    dock.select("Actor")
    QTest.keyClick(view, Qt.Key.Key_Left)
    assert not view.isExpanded(dock.view_index("Actor"))
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert view.isExpanded(dock.view_index("Actor"))
    dock.collapse_action.trigger()
    assert not view.isExpanded(dock.view_index("Actor"))
    dock.expand_action.trigger()
    assert view.isExpanded(dock.view_index("Person"))


def test_typing_in_the_filter_keeps_matching_codes_and_the_codes_above_them(tree, qtbot):
    dock = tree
    dock.tree.collapseAll()
    qtbot.keyClicks(dock.filter, "LEAD")
    assert dock.shown() == ["Actor", "Person", "Leader"]
    assert dock.tree.isExpanded(dock.view_index("Person"))  # the match is in sight
    dock.filter.clear()
    assert len(dock.shown()) == 9


def test_dragging_a_code_onto_another_puts_it_there_in_one_undoable_step(window, tree, qtbot):
    dock = tree
    store = window.session.store
    steps = window.session.undo_stack.count()
    drag(dock, "State", center(dock, "Figure"))
    assert store.label("State").parent == "Figure"
    assert window.session.undo_stack.count() == steps + 1
    assert window.session.undo_stack.undoText() == "Move label 'State' under 'Figure'"
    assert dock.shown().index("State") == dock.shown().index("Figure") + 1
    assert dock.counts("Figure") == (0, 0)
    drag(dock, "Person", center(dock, "Topics"))  # with its child and its counts
    assert store.label("Person").parent == "Topics" and store.label("Leader").parent == "Person"
    assert dock.counts("Topics") == (0, 2) and dock.counts("Actor") == (0, 0)
    window.session.undo_stack.undo()
    window.session.undo_stack.undo()
    assert store.label("State").parent == "Actor" and store.label("Person").parent == "Actor"
    assert dock.counts("Actor") == (0, 2)


def test_dragging_a_code_below_every_code_puts_it_at_the_top(window, tree, qtbot):
    dock = tree
    window.resizeDocks([dock], [420], Qt.Orientation.Vertical)
    qtbot.waitUntil(lambda: dock.tree.viewport().height() > 220)
    viewport = dock.tree.viewport()
    last = dock.tree.visualRect(dock.view_index("Peace plan"))
    assert last.bottom() + 20 < viewport.height()
    drag(dock, "Leader", QPoint(last.center().x(), last.bottom() + 15))
    assert window.session.store.label("Leader").parent == ""
    assert window.session.undo_stack.undoText() == "Move label 'Leader' to the top"


def test_a_move_under_its_own_child_is_refused_in_one_sentence(window, tree, errors, qtbot):
    dock = tree
    store = window.session.store
    before = store.labels()
    steps = window.session.undo_stack.count()
    drag(dock, "Actor", center(dock, "Leader"))
    assert errors == ["Actor cannot go under Leader, which already sits under Actor."]
    assert store.labels() == before and window.session.undo_stack.count() == steps
    drag(dock, "Actor", center(dock, "Actor") + QPoint(0, 1))  # dropped on itself: nothing, and nothing said
    assert len(errors) == 1 and store.labels() == before


def test_escape_while_dragging_moves_nothing(window, tree, qtbot):
    dock = tree
    viewport = dock.tree.viewport()
    start, target = center(dock, "State"), center(dock, "Figure")
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, target)
    QTest.keyClick(dock.tree, Qt.Key.Key_Escape)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target)
    assert window.session.store.label("State").parent == "Actor"


def double_click(widget, pos: QPoint) -> None:
    """What the mouse sends for a double-click: a click, then the second press as a double-click, then release."""
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    QTest.mouseDClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)


def test_double_click_and_enter_ask_for_the_segments(tree, qtbot):
    dock = tree
    viewport = dock.tree.viewport()
    with qtbot.waitSignal(dock.segments_requested) as asked:
        double_click(viewport, center(dock, "Person"))
    assert asked.args == ["Person", True]
    with qtbot.waitSignal(dock.segments_requested) as asked:
        double_click(viewport, center(dock, "Person", OWN))
    assert asked.args == ["Person", False]  # the "Own" count: its own segments only
    dock.select("Actor")
    dock.tree.setFocus()
    with qtbot.waitSignal(dock.segments_requested) as asked:
        QTest.keyClick(dock.tree, Qt.Key.Key_Return)
    assert asked.args == ["Actor", True]
    menu = dock.context_menu("Leader")
    entries = {a.text(): a for a in menu.actions()}
    assert not entries["Show its segments and those of the codes under it"].isEnabled()  # it holds none
    with qtbot.waitSignal(dock.segments_requested) as asked:
        entries["Show its segments"].trigger()
    assert asked.args == ["Leader", False]


def test_tag_selection_with_the_code_selected(window, tree, qtbot):
    dock = tree
    view = window.panes[1].view
    start = view.text().index("Vladimir Putin")
    window.pane_state.set_active(1)
    view.set_selection(start, start + len("Vladimir Putin"))
    dock.select("State")
    qtbot.mouseClick(dock.findChild(QToolButton, "codes_tag"), Qt.MouseButton.LeftButton)
    (ann,) = window.session.store.annotations(label="State")
    assert ann.quote == "Vladimir Putin" and ann.document == window.pane_document(1)
    assert dock.counts("Actor") == (0, 3)
    menu = dock.context_menu("Leader")
    assert dock.tag_action in menu.actions() and dock.current() == "Leader"


def test_the_picker_shows_each_code_with_its_path_matches_the_path_and_skips_categories(window, tree, qtbot):
    picker = LabelPicker(window.session.store.labels(), window)
    qtbot.addWidget(picker)
    items = [picker.list.item(r).text() for r in range(picker.list.count())]
    assert "Actor › Person › Leader" in items and "Topics › Peace plan" in items
    assert "Topics" not in items and "1 Claim" not in items and "Claim  (1)" in items
    picker.filter.setText("person")
    shown = picker.shown()
    assert "Person" in shown and "Leader" in shown and "State" not in shown  # Leader sits under Person
    picker.filter.setText("topics")
    assert picker.shown() == ["Peace plan"]
    picker.filter.setText("actor › person › l")
    assert picker.shown() == ["Leader"]


def test_ctrl_k_tags_with_a_code_found_by_its_path(window, tree, qtbot, monkeypatch):
    def pick(self):
        self.filter.setText("person › lea")
        self.pick()
        return LabelPicker.DialogCode.Accepted

    monkeypatch.setattr(LabelPicker, "exec", pick)
    view = window.panes[0].view
    start = view.text().index("Vladimir Putin")
    window.pane_state.set_active(0)
    view.set_selection(start, start + len("Vladimir Putin"))
    window.actions[A.PICK_LABEL].trigger()
    assert [a.quote for a in window.session.store.annotations(label="Leader")] == ["Donald Trump", "Vladimir Putin"]


# ---------------------------------------------------------------------- a thousand codes
LAPTOP = (1280, 800)
COLORS = ("#56B4E9", "#D55E00", "#F0E442", "#000000")


def thousand_codes(path) -> list[str]:
    """A project of 1,000 codes on three levels (10 × 9 × 10), one document with a span coded with a leaf; the
    leaves' names. Each code is given a colour (picking 1,000 distinct colours one by one takes ~20 s)."""
    store = Store.open(path)
    leaves = []
    with store.transaction():
        doc, _ = store.add_document("Kyiv was hit overnight; officials counted seven people dead.", "Report", "Wire")
        for i in range(10):
            store.add_label(f"Theme {i}", COLORS[i % 4])
            for j in range(9):
                store.add_label(f"Theme {i}.{j}", COLORS[j % 4], parent=f"Theme {i}")
                for k in range(10):
                    leaves.append(f"Code {i}.{j}.{k}")
                    store.add_label(leaves[-1], COLORS[k % 4], parent=f"Theme {i}.{j}")
        store.add_annotation(doc.id, "Code 9.8.9", 0, 4, "tester")
    store.close()
    return leaves


def test_a_thousand_codes_open_fit_a_laptop_screen_and_tag(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(0, 0, *LAPTOP))
    leaves = thousand_codes(tmp_path / "codes.annotator")
    window = open_project_window(qtbot, tmp_path / "codes.annotator")
    try:
        window.resize(*LAPTOP)
        qtbot.waitExposed(window)
        dock = window.codes.dock
        dock.show()
        dock.raise_()
        qtbot.waitUntil(lambda: not dock.dirty)
        assert len(dock.shown()) == 1000 + 4 and dock.model.tree.depth() == 3
        assert dock.counts("Theme 9") == (0, 1)
        assert window.width() <= LAPTOP[0] and window.height() <= LAPTOP[1]
        hint = window.minimumSizeHint()
        assert hint.width() <= LAPTOP[0] and hint.height() <= LAPTOP[1]
        assert window.rect().contains(QRect(dock.mapTo(window, QPoint(0, 0)), dock.size()))
        assert problems_in(dock) == []
        bar = window.label_bar
        assert bar.height() < 1.5 * max(b.sizeHint().height() for b in bar.buttons) + 12  # one row
        view = window.panes[0].view
        window.pane_state.set_active(0)
        view.set_selection(5, 8)
        dock.select(leaves[0])
        dock.tag_action.trigger()
        assert dock.counts("Theme 0") == (0, 1) and dock.counts(leaves[0]) == (1, 1)
    finally:
        close_windows()


def test_a_dock_behind_another_tab_reads_nothing_until_it_is_shown(window, qtbot):
    dock = window.codes.dock
    window.dock.raise_()
    qtbot.waitUntil(lambda: dock.visibleRegion().isEmpty())
    window.session.store.add_label("Person", parent="Actor")
    window.session.announce_labels()
    assert dock.dirty and "Person" not in dock.model.tree.nodes
    dock.raise_()
    qtbot.waitUntil(lambda: not dock.dirty)
    assert dock.model.tree.path("Person") == ["Actor", "Person"]


def test_moving_a_code_keeps_the_label_bar_as_it_is(window, tree, qtbot):
    """A move changes nothing the label bar shows: its buttons stay (a rebuild took ~0.2 s with 1,000 codes)."""
    buttons = list(window.label_bar.buttons)
    drag(tree, "State", center(tree, "Figure"))
    assert window.session.store.label("State").parent == "Figure"
    assert window.label_bar.buttons == buttons and all(b.isVisibleTo(window.label_bar) for b in buttons[:4])
    window.session.store.update_label("State", color="#000000")
    window.session.announce_labels()
    assert window.label_bar.buttons != buttons  # a new colour is shown


def test_in_a_read_only_project_the_tree_reads_but_moves_and_tags_nothing(qtbot, tmp_path):
    project = tmp_path / "ro.annotator"
    store = Store.open(project)
    store.add_label("Person", parent="Actor")
    store.add_label("State", parent="Actor")
    store.close()
    project.chmod(0o444)
    window = open_project_window(qtbot, project)
    try:
        assert window.session.store.readonly
        dock = window.codes.dock
        dock.show()
        dock.raise_()
        qtbot.waitUntil(lambda: not dock.dirty)
        dock.tree.expandAll()
        drag(dock, "State", center(dock, "Claim"))
        assert window.session.store.label("State").parent == "Actor"
        dock.select("State")
        assert not dock.tag_action.isEnabled()
        assert not dict((a.text(), a) for a in dock.context_menu("State").actions())[
            "Move to the top of the tree"].isEnabled()
    finally:
        close_windows()


def test_a_code_double_clicked_opens_its_segments_in_the_segments_dock(window, tree, qtbot):
    double_click(tree.tree.viewport(), center(tree, "Person"))
    segments = window.retrieval.segments
    qtbot.waitUntil(lambda: segments.isVisible() and segments.table.model().rowCount() == 2)
    assert segments.choice()["label"] == "Person" and segments.choice()["with_children"]
    double_click(tree.tree.viewport(), center(tree, "Person", OWN))
    qtbot.waitUntil(lambda: segments.table.model().rowCount() == 1)  # Witkoff only: Trump is the child's
    assert not segments.choice()["with_children"]
