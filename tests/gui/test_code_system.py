"""Issue 20, D6: a real code system (a MAXQDA project of 300 codes) must not break the window.

The import's summary keeps to a laptop's height, the label bar to one row (the rest behind "More labels…", a
type-to-filter picker), the status line to a few labels; hiding the label bar gives its room back. The label
menus list the keyed and most used labels, then "Other label…" (the picker); F1 lists only keyed labels.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from annotator.gui import actions as A
from annotator.gui.dialogs.import_summary import ImportSummaryDialog
from annotator.gui.controllers.tagging import MENU_LABELS
from annotator.gui.dialogs.label_picker import LabelPicker
from annotator.gui.window.status import label_counts_text

from gui_helpers import code_system, tag

LAPTOP = (1280, 800)


@pytest.fixture
def imported(window, tmp_path, monkeypatch, qtbot):
    """The window at 1280 × 800 after File > Import from other tools of a 300-code project; the summaries shown."""
    window.resize(*LAPTOP)
    qtbot.wait(20)
    path = code_system(tmp_path / "maxqda.qdpx", 300)
    shown: list[ImportSummaryDialog] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(ImportSummaryDialog, "exec", lambda self: shown.append(self) or 1)
    window.actions[A.IMPORT_OTHER].trigger()
    qtbot.wait(50)
    return window, shown


def inside(widget, outer) -> bool:
    return outer.rect().contains(QRect(widget.mapTo(outer, QPoint(0, 0)), widget.size()))


def test_the_window_stays_on_a_laptop_screen(imported, qtbot):
    window, _ = imported
    assert len(window.session.store.labels()) == 304
    assert window.width() <= LAPTOP[0] and window.height() <= LAPTOP[1]
    hint = window.minimumSizeHint()
    assert hint.width() <= LAPTOP[0] and hint.height() <= LAPTOP[1]
    message = window.statusBar().currentMessage()
    assert "300 new labels" in message and "Code 000" not in message


def test_the_label_bar_is_one_row_with_the_rest_behind_more_labels(imported):
    window, _ = imported
    bar = window.label_bar
    row = max(b.sizeHint().height() for b in bar.buttons)
    assert bar.height() < 1.5 * row + 12
    shown = [b for b in bar.panel.buttons if b.isVisible()]
    assert [b.text() for b in shown[:4]] == ["1 Claim", "2 Actor", "3 Figure", "4 Plan point"]  # keyed first
    assert all(inside(b, window) for b in shown)
    more = bar.panel.more
    assert more.isVisible() and inside(more, window)
    assert more.text() == f"More labels… ({304 - len(shown)})" == f"More labels… ({bar.hidden_labels()})"


def test_hiding_the_label_bar_gives_its_room_back(imported, qtbot):
    window, _ = imported
    before = window.splitter.height()
    window.label_bar.toggleViewAction().trigger()
    qtbot.waitUntil(lambda: window.splitter.height() > before)
    assert window.height() <= LAPTOP[1] and window.minimumSizeHint().height() <= LAPTOP[1]


def test_the_summary_is_counts_over_a_list_that_scrolls(imported, qtbot):
    _, shown = imported
    (dialog,) = shown
    qtbot.addWidget(dialog)
    assert dialog.headline.text().startswith("300 annotations imported; 1 document added; 300 new labels")
    assert dialog.details.count() == 302  # every new label by name, then the two things left out
    assert "Not imported: 1 × PDF sources" in dialog.text() and "New label: Code 299" in dialog.text()
    assert dialog.sizeHint().height() <= 800 - 60 and dialog.sizeHint().width() <= 1280
    dialog.resize(dialog.sizeHint())
    dialog.show()
    qtbot.waitExposed(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isVisible() and inside(ok, dialog)
    assert dialog.details.verticalScrollBar().maximum() > 0  # the list scrolls instead of growing


def test_the_status_line_names_the_labels_on_screen_capped(imported):
    window, _ = imported
    interview = next(d.id for d in window.session.store.documents() if d.title == "Interview")
    window.pane_state.show(0, interview)
    text = window.status_counts.text()
    assert re.search(r"Code 000 1 · .* · … \+298 labels", text), text
    assert len(text) < 200


def test_label_counts_text():
    assert label_counts_text(["Claim", "Actor", "Figure"], {"Actor": 2}) == "Claim 0 · Actor 2 · Figure 0"
    names = ["Claim", "Actor"] + [f"Code {n}" for n in range(298)]
    assert label_counts_text(names, {"Claim": 5, "Actor": 3}) == "Claim 5 · Actor 3 · … +298 labels"
    assert label_counts_text(names, {"Actor": 3, "Code 7": 9}, cap=1) == "Code 7 9 · … +299 labels"
    assert label_counts_text(names, {}) == "300 labels, none on screen"


def pick_by_typing(monkeypatch, qtbot, typed: str, *moves: Qt.Key) -> list[LabelPicker]:
    """Make the picker, when it opens, receive ``typed`` and then ``moves`` and Enter, as keys (not a modal loop)."""
    opened: list[LabelPicker] = []

    def run(picker: LabelPicker) -> int:
        opened.append(picker)
        qtbot.keyClicks(picker.filter, typed)
        for key in moves:
            qtbot.keyClick(picker.filter, key)
        qtbot.keyClick(picker.filter, Qt.Key.Key_Return)
        return picker.result()

    monkeypatch.setattr(LabelPicker, "exec", run)
    return opened


def select_witkoff(window):
    """Select "Steve Witkoff" in the left pane, made active; its view and the selection's start."""
    view = window.panes[0].view
    start = view.text().index("Steve Witkoff")
    window.pane_state.set_active(0)
    view.set_selection(start, start + len("Steve Witkoff"))
    return view, start


def test_ctrl_k_finds_a_label_by_typing_and_tags_with_it(imported, monkeypatch, qtbot):
    window, _ = imported
    view, start = select_witkoff(window)
    opened = pick_by_typing(monkeypatch, qtbot, "code 04", Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    (picker,) = opened
    assert picker.shown() == [f"Code {n:03d}" for n in range(40, 50)]
    ann = window.session.store.annotation(view.selected_span())
    assert (ann.label, ann.quote) == ("Code 041", "Steve Witkoff")


def test_more_labels_opens_the_picker_and_escape_changes_nothing(imported, monkeypatch, qtbot):
    window, _ = imported
    before = window.session.store.annotations()
    opened: list[LabelPicker] = []

    def run(picker: LabelPicker) -> int:
        opened.append(picker)
        qtbot.keyClicks(picker.filter, "code 1")
        qtbot.keyClick(picker.filter, Qt.Key.Key_Escape)
        return picker.result()

    monkeypatch.setattr(LabelPicker, "exec", run)
    qtbot.mouseClick(window.label_bar.panel.more, Qt.MouseButton.LeftButton)
    assert len(opened) == 1 and len(opened[0].shown()) == 100 and opened[0].chosen() is None
    assert window.session.store.annotations() == before


def labels_listed(menu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator() and a.menu() is None]


def test_the_label_menus_list_the_keyed_and_most_used_then_other_label(imported, qtbot):
    """Edit > Tag selection as and Change label to: 300 codes make no 300-entry menu (issue 20)."""
    window, _ = imported
    store = window.session.store
    interview = next(d.id for d in store.documents() if d.title == "Interview")
    text = store.document_text(interview)
    start = text.index("Passage 0.")
    for n in (3, 4, 5):  # Code 007 becomes the most used code
        store.add_annotation(interview, "Code 007", start + n, start + n + 1, "alice")
    window.tag_menu.aboutToShow.emit()
    tags, relabels = labels_listed(window.tag_menu), labels_listed(window.relabel_menu)
    assert len(tags) <= MENU_LABELS + 1 and len(relabels) <= MENU_LABELS + 1
    assert tags[:5] == ["1 Claim", "2 Actor", "3 Figure", "4 Plan point", "Code 007"]
    assert relabels[:5] == ["Claim", "Actor", "Figure", "Plan point", "Code 007"]
    assert tags[-1] == "Other label…\tCtrl+K" and relabels[-1] == "Other label…"
    rows = A.shortcut_rows(window.label_bar.label_actions)
    assert rows[:4] == [("1", "1 Claim"), ("2", "2 Actor"), ("3", "3 Figure"), ("4", "4 Plan point")]
    assert not any(name.startswith("Code ") for _, name in rows)  # F1: only labels that have a key


def test_other_label_in_the_tag_menu_tags_through_the_picker(imported, monkeypatch, qtbot):
    window, _ = imported
    view, start = select_witkoff(window)
    opened = pick_by_typing(monkeypatch, qtbot, "code 123")
    other = next(a for a in window.tag_menu.actions() if a.text().startswith("Other label…"))
    other.trigger()
    assert len(opened) == 1 and opened[0].windowTitle() == "Tag with label"
    ann = window.session.store.annotation(view.selected_span())
    assert (ann.label, ann.quote) == ("Code 123", "Steve Witkoff")


def test_other_label_relabels_the_selected_span_in_one_undo_step(imported, monkeypatch, qtbot):
    window, _ = imported
    tag(window, 0, "Steve Witkoff", "Actor")
    view = window.panes[0].view
    ann = window.session.store.annotation(view.selected_span())
    undo = window.session.undo_stack
    steps = undo.count()
    opened = pick_by_typing(monkeypatch, qtbot, "code 250")
    window.relabel_menu.aboutToShow.emit()
    next(a for a in window.relabel_menu.actions() if a.text() == "Other label…").trigger()
    assert len(opened) == 1 and opened[0].windowTitle() == "Change label"
    assert window.session.store.annotation(ann.id).label == "Code 250"
    assert undo.count() == steps + 1
    undo.undo()
    assert window.session.store.annotation(ann.id) == ann


def test_the_span_context_menu_is_capped_and_relabels_through_the_picker(imported, monkeypatch, qtbot):
    window, _ = imported
    tag(window, 0, "Steve Witkoff", "Actor")
    view = window.panes[0].view
    ann = window.session.store.annotation(view.selected_span())
    view.set_selection(ann.start, ann.end)
    view.context_menu_requested.emit(ann.start + 1, view.mapToGlobal(view.rect().center()))
    menu = window.context_menu
    tag_sub = next(a.menu() for a in menu.actions() if a.menu() and a.text().startswith("Tag "))
    span_sub = next(a.menu() for a in menu.actions() if a.menu() and a.text().startswith("Actor: "))
    assert len(labels_listed(tag_sub)) <= MENU_LABELS + 1 and labels_listed(tag_sub)[-1].startswith("Other label…")
    relabels = [t for t in labels_listed(span_sub) if t.startswith("Change label to")]
    assert len(relabels) <= MENU_LABELS + 1 and relabels[-1] == "Change label to Other label…"
    opened = pick_by_typing(monkeypatch, qtbot, "code 299")
    next(a for a in span_sub.actions() if a.text() == "Change label to Other label…").trigger()
    menu.close()
    assert len(opened) == 1
    assert window.session.store.annotation(ann.id).label == "Code 299"
