"""Edit > Label scheme…: every edit goes through the undo stack and undo restores the project exactly."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QColorDialog,
    QDialog,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QToolButton,
)

from annotator.core.errors import AnnotatorError
from annotator.core.formats.scheme import read_scheme_file
from annotator.core.model import Label
from annotator.core.store import Store
from annotator.gui.dialogs.scheme_editor import (
    COUNT,
    DESCRIPTION,
    KEY,
    NAME,
    SchemeEditor,
)
from annotator.gui.commands.scheme import (
    AddLabel,
    DeleteLabel,
    EditLabel,
    ImportScheme,
    MoveLabel,
    merged_order,
)
from annotator.gui.session import ProjectSession

DEFAULT = ["Claim", "Actor", "Figure", "Plan point"]


# ----------------------------------------------------------------- helpers


def answer(monkeypatch, text: str, ok: bool = True) -> list[tuple]:
    """Patch QInputDialog.getText to answer ``text``; returns the prompts it was asked."""
    asked: list[tuple] = []

    def get_text(parent, title, label, *args, **kwargs):
        asked.append((title, label, kwargs.get("text", "")))
        return text, ok

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    return asked


def state(store):
    """Everything a scheme edit may touch, for exact before/after comparisons."""
    return store.labels(), store.annotations(), store.links()


def names(store) -> list[str]:
    return [lb.name for lb in store.labels()]


def bar_texts(window) -> list[str]:
    return [action.text() for action in window.label_bar.label_actions]


def table_column(dialog, column: int) -> list[str]:
    return [dialog.table.item(row, column).text() for row in range(dialog.table.rowCount())]


def tag(store, quote: str, label: str, document: int = 0, user: str = "tester"):
    doc = store.documents()[document].id
    start = store.document_text(doc).index(quote)
    return store.add_annotation(doc, label, start, start + len(quote), user)


def select(dialog, name: str) -> None:
    dialog.select(name)
    assert dialog.current_name() == name


# ------------------------------------------------------------------- tests
def test_add_label_takes_the_next_colour_and_undo_removes_it(window, editor, monkeypatch):
    store, stack = window.session.store, window.session.undo_stack
    before = state(store)
    asked = answer(monkeypatch, "  Location ")
    editor.buttons["add"].click()
    assert asked and asked[0][0] == "Add label"
    assert store.label("Location") == Label("Location", "#56B4E9", "", "", 4)
    assert table_column(editor, NAME) == [*DEFAULT, "Location"]
    assert editor.current_name() == "Location"
    assert bar_texts(window)[-1] == "Location"
    assert stack.undoText() == "Add label 'Location'"

    stack.undo()
    assert state(store) == before
    assert table_column(editor, NAME) == DEFAULT and len(bar_texts(window)) == 4
    stack.redo()
    assert store.label("Location") == Label("Location", "#56B4E9", "", "", 4)

    answer(monkeypatch, "", ok=False)  # cancelled: nothing happens
    editor.buttons["add"].click()
    assert stack.count() == 1


def test_add_label_refuses_a_duplicate_name(window, editor, monkeypatch, errors):
    before = state(window.session.store)
    answer(monkeypatch, "Claim")
    editor.buttons["add"].click()
    assert errors == ["There is already a label 'Claim'."]
    assert editor.message.text() == "There is already a label 'Claim'."
    assert state(window.session.store) == before and window.session.undo_stack.count() == 0


def test_rename_keeps_annotations_updates_the_label_bar_and_undoes(window, editor, monkeypatch, qtbot):
    session, store = window.session, window.session.store
    ann = tag(store, "Steve Witkoff", "Actor")
    other = tag(store, "Steve Witkoff", "Actor", document=1)
    link = store.add_link("same as", ann.id, other.id, "tester")
    before = state(store)
    changed: list[str] = []
    session.annotations_changed.connect(changed.append)
    select(editor, "Actor")
    asked = answer(monkeypatch, "Person")
    editor.buttons["rename"].click()

    assert asked[0][2] == "Actor"  # the prompt starts from the current name
    assert store.annotation(ann.id).label == "Person" and store.annotation(other.id).label == "Person"
    assert store.links() == [link]
    assert bar_texts(window) == ["1 Claim", "2 Person", "3 Figure", "4 Plan point"]
    assert sorted(changed) == sorted({ann.document, other.document})
    assert editor.current_name() == "Person" and table_column(editor, COUNT)[1] == "2"
    assert session.undo_stack.undoText() == "Rename label 'Actor' to 'Person'"
    assert window.sync.spans[ann.id].label == "Person"  # the pane repainted from the store

    session.undo_stack.undo()
    assert state(store) == before
    assert bar_texts(window) == ["1 Claim", "2 Actor", "3 Figure", "4 Plan point"]
    assert editor.current_name() == "Actor"
    session.undo_stack.redo()
    assert store.annotation(ann.id).label == "Person"


def test_editing_cells_inline(window, editor, errors):
    store, stack = window.session.store, window.session.undo_stack
    before = state(store)
    editor.table.item(1, NAME).setText("Person")
    assert names(store) == ["Claim", "Person", "Figure", "Plan point"]
    editor.table.item(1, KEY).setText("7")
    editor.table.item(1, DESCRIPTION).setText("Someone named")
    assert store.label("Person") == Label("Person", "#E69F00", "7", "Someone named", 1)
    assert [stack.text(i) for i in range(stack.count())] == [
        "Rename label 'Actor' to 'Person'", "Set key of label 'Person' to 7", "Describe label 'Person'"]

    editor.table.item(1, KEY).setText("1")  # Claim's key: refused, the cell shows the stored key again
    assert errors == ["The key 1 already belongs to Claim."]
    assert editor.message.text() == errors[0]
    assert editor.table.item(1, KEY).text() == "7" and stack.count() == 3
    editor.table.item(1, NAME).setText("Person")  # unchanged: nothing pushed
    assert stack.count() == 3

    for _ in range(3):
        stack.undo()
    assert state(store) == before
    assert table_column(editor, NAME) == DEFAULT and table_column(editor, KEY) == ["1", "2", "3", "4"]


def test_recolour_with_the_colour_dialog(window, editor, monkeypatch):
    store, stack = window.session.store, window.session.undo_stack
    before = state(store)
    offered = []

    def get_color(initial, parent, title, *a):
        offered.append(initial.name().upper())
        return QColor("#d55e00")

    monkeypatch.setattr(QColorDialog, "getColor", get_color)
    select(editor, "Figure")
    editor.buttons["color"].click()
    assert offered == ["#009E73"]
    assert store.label("Figure").color == "#D55E00"
    assert editor.table.item(2, 0).text() == "#D55E00"
    assert window.label_bar.label_actions[2].icon().pixmap(8, 8).toImage().pixelColor(4, 4).name() == "#d55e00"
    assert stack.undoText() == "Recolour label 'Figure' to #D55E00"
    stack.undo()
    assert state(store) == before

    monkeypatch.setattr(QColorDialog, "getColor", lambda *a: QColor())  # cancelled
    editor.buttons["color"].click()
    assert stack.index() == 0 and stack.canRedo() and state(store) == before


def test_set_and_clear_key(window, editor, monkeypatch, errors):
    store, stack = window.session.store, window.session.undo_stack
    before = state(store)
    select(editor, "Plan point")
    answer(monkeypatch, "p")
    editor.buttons["key"].click()
    assert store.label("Plan point").shortcut == "p"
    assert bar_texts(window)[3] == "p Plan point"
    assert stack.undoText() == "Set key of label 'Plan point' to p"
    answer(monkeypatch, "")
    editor.buttons["key"].click()
    assert bar_texts(window)[3] == "Plan point" and stack.undoText() == "Remove key of label 'Plan point'"
    answer(monkeypatch, "2")
    editor.buttons["key"].click()
    assert errors == ["The key 2 already belongs to Actor."] and stack.count() == 2
    stack.undo()
    stack.undo()
    assert state(store) == before and bar_texts(window)[3] == "4 Plan point"


def test_describe(window, editor, monkeypatch):
    store = window.session.store
    before = state(store)
    select(editor, "Claim")
    asked = answer(monkeypatch, "Something asserted, with its speaker")
    editor.buttons["describe"].click()
    assert asked[0][2] == "An assertion attributed to someone"
    assert store.label("Claim").description == "Something asserted, with its speaker"
    assert table_column(editor, DESCRIPTION)[0] == "Something asserted, with its speaker"
    window.session.undo_stack.undo()
    assert state(store) == before


def test_reorder_with_up_and_down(window, editor):
    store, stack = window.session.store, window.session.undo_stack
    before = state(store)
    select(editor, "Figure")
    editor.buttons["up"].click()
    editor.buttons["up"].click()
    assert names(store) == ["Figure", "Claim", "Actor", "Plan point"]
    assert table_column(editor, NAME) == names(store) and editor.current_name() == "Figure"
    assert bar_texts(window)[0] == "3 Figure"
    assert not editor.buttons["up"].isEnabled() and editor.buttons["down"].isEnabled()
    select(editor, "Actor")
    editor.buttons["down"].click()
    assert names(store) == ["Figure", "Claim", "Plan point", "Actor"]
    assert not editor.buttons["down"].isEnabled()
    assert [stack.text(i) for i in range(stack.count())] == [
        "Move label 'Figure' up", "Move label 'Figure' up", "Move label 'Actor' down"]
    while stack.canUndo():
        stack.undo()
    assert state(store) == before and table_column(editor, NAME) == DEFAULT
    while stack.canRedo():
        stack.redo()
    assert names(store) == ["Figure", "Claim", "Plan point", "Actor"]


def test_delete_a_label_in_use_asks_first_and_undo_restores_everything(window, editor, monkeypatch):
    session, store = window.session, window.session.store
    figures = [tag(store, quote, "Figure") for quote in ("28", "Trump")]
    figures.append(tag(store, "Trump", "Figure", document=1))
    actor = tag(store, "Steve Witkoff", "Actor")
    store.add_link("said by", figures[0].id, actor.id, "tester")
    store.add_link("same as", figures[1].id, figures[2].id, "tester")
    keep = store.add_link("same as", actor.id, tag(store, "Steve Witkoff", "Actor", document=1).id, "tester")
    before = state(store)
    questions: list[str] = []

    def ask(reply):
        def question(parent, title, text, *a):
            questions.append(text)
            return reply
        monkeypatch.setattr(QMessageBox, "question", question)

    select(editor, "Figure")
    ask(QMessageBox.StandardButton.No)
    editor.buttons["delete"].click()
    assert state(store) == before and session.undo_stack.count() == 0
    assert "3 annotations" in questions[0] and "2 links" in questions[0] and "Undo" in questions[0]

    changed: list[str] = []
    session.annotations_changed.connect(changed.append)
    ask(QMessageBox.StandardButton.Yes)
    editor.buttons["delete"].click()
    assert names(store) == ["Claim", "Actor", "Plan point"]
    assert store.annotations(label="Figure") == [] and store.links() == [keep]
    assert sorted(set(changed)) == sorted({a.document for a in figures})
    assert session.undo_stack.undoText() == "Delete label 'Figure' (3 annotations)"
    assert bar_texts(window) == ["1 Claim", "2 Actor", "4 Plan point"]
    assert table_column(editor, NAME) == ["Claim", "Actor", "Plan point"]
    assert editor.current_name() == "Plan point"  # the row below moves up into the selection

    session.undo_stack.undo()
    assert state(store) == before
    assert table_column(editor, NAME) == DEFAULT and table_column(editor, COUNT) == ["0", "2", "3", "0"]
    session.undo_stack.redo()
    assert store.annotations(label="Figure") == [] and store.links() == [keep]


def test_delete_an_unused_label_does_not_ask(window, editor, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest.fail("asked about an unused label"))
    store = window.session.store
    before = state(store)
    select(editor, "Plan point")
    editor.buttons["delete"].click()
    assert names(store) == ["Claim", "Actor", "Figure"]
    assert window.session.undo_stack.undoText() == "Delete label 'Plan point'"
    window.session.undo_stack.undo()
    assert state(store) == before


def test_the_dialog_has_its_own_undo_and_redo(window, editor, monkeypatch):
    store = window.session.store
    before = state(store)
    answer(monkeypatch, "Location")
    editor.buttons["add"].click()
    button = editor.findChild(QToolButton, "undo")
    assert button.defaultAction() is editor.undo_action
    assert editor.undo_action.text() == "&Undo Add label 'Location'"
    button.click()
    assert state(store) == before
    assert editor.redo_action.text() == "&Redo Add label 'Location'"
    editor.redo_action.trigger()
    assert "Location" in names(store)
    assert editor.undo_action.shortcut().toString() == "Ctrl+Z"


def test_export_then_import_into_a_fresh_project(window, editor, monkeypatch, tmp_path, qtbot):
    store = window.session.store
    store.add_label("Location", description="A place")
    store.update_label("Location", shortcut="5")
    store.update_label("Claim", color="#000000", shortcut="9")
    store.reorder_labels(["Figure", "Location", "Claim", "Actor", "Plan point"])
    window.session.labels_changed.emit()
    target = tmp_path / "team-labels"  # no suffix: .json is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Label scheme (*.json)"))
    editor.buttons["export"].click()
    exported = target.with_suffix(".json")
    assert json.loads(exported.read_text(encoding="utf-8")) == store.scheme()
    assert "5 labels exported" in editor.message.text()

    fresh = Store.open(tmp_path / "fresh.sqlite")
    session = ProjectSession(fresh, "tester")
    try:
        before = state(fresh)
        dialog = SchemeEditor(session)
        qtbot.addWidget(dialog)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(exported), "Label scheme (*.json)"))
        dialog.buttons["import"].click()
        expected = [(lb.name, lb.color, lb.shortcut, lb.description) for lb in store.labels()]
        assert [(lb.name, lb.color, lb.shortcut, lb.description) for lb in fresh.labels()] == expected
        assert table_column(dialog, NAME) == [e[0] for e in expected]
        assert dialog.message.text() == "Imported team-labels.json: 1 new label (Location), 4 updated."
        assert session.undo_stack.undoText() == "Import label scheme team-labels.json (1 new, 4 updated)"

        dialog.buttons["import"].click()  # the same file again changes nothing and pushes nothing
        assert session.undo_stack.count() == 1 and "nothing changed" in dialog.message.text()

        session.undo_stack.undo()
        assert state(fresh) == before and table_column(dialog, NAME) == DEFAULT
        session.undo_stack.redo()
        assert [(lb.name, lb.color, lb.shortcut, lb.description) for lb in fresh.labels()] == expected
    finally:
        session.close()


def test_import_merges_swaps_keys_and_undo_restores_exactly(window, editor, monkeypatch, tmp_path):
    session, store = window.session, window.session.store
    ann = tag(store, "Steve Witkoff", "Actor")
    before = state(store)
    path = tmp_path / "swap.json"
    path.write_text(json.dumps({"format": "annotator.label-scheme", "version": 1, "labels": [
        {"name": "Actor", "color": "#e69f00", "shortcut": "1", "description": "Who acts"},
        {"name": "Place", "color": "#F0E442", "shortcut": "2"},
        {"name": "Claim", "color": "#0072B2", "shortcut": "", "description": "Said"},
    ]}), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    editor.buttons["import"].click()
    got = {lb.name: lb for lb in store.labels()}
    assert names(store) == ["Actor", "Place", "Claim", "Figure", "Plan point"]
    assert (got["Actor"].shortcut, got["Place"].shortcut, got["Claim"].shortcut) == ("1", "2", "")
    assert got["Actor"].description == "Who acts" and store.annotation(ann.id).label == "Actor"
    session.undo_stack.undo()
    assert state(store) == before
    assert bar_texts(window) == ["1 Claim", "2 Actor", "3 Figure", "4 Plan point"]


def test_a_bad_scheme_file_shows_a_message_and_changes_nothing(window, editor, monkeypatch, tmp_path, errors):
    store = window.session.store
    before = state(store)
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "annotator.label-scheme", "version": 1, "labels": [{"name": "X", "color": "red"}]}',
                   encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    editor.buttons["import"].click()
    assert errors == ["The label 'X' in broken.json has the colour 'red', which is not #RRGGBB (such as #56B4E9)."]
    assert editor.message.text() == errors[0]
    bad.write_text("not json", encoding="utf-8")
    editor.buttons["import"].click()
    assert "broken.json is not valid JSON" in errors[1]
    assert state(store) == before and window.session.undo_stack.count() == 0

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))  # cancelled
    editor.buttons["import"].click()
    assert len(errors) == 2


def test_export_to_an_unwritable_place_reports_it(window, editor, monkeypatch, tmp_path, errors):
    target = tmp_path / "missing-folder" / "labels.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    editor.buttons["export"].click()
    assert len(errors) == 1 and "cannot be written" in errors[0] and not target.exists()


def test_window_opens_it_modally_and_a_reopened_dialog_is_fresh(window, qtbot):
    session = window.session
    seen: list[SchemeEditor] = []

    def close_it():
        dialog = QApplication.activeModalWidget()
        seen.append(dialog)
        assert isinstance(dialog, SchemeEditor) and dialog.isVisible()
        dialog.reject()

    QTimer.singleShot(0, close_it)
    assert SchemeEditor(session, window).exec() == QDialog.DialogCode.Rejected
    first = seen[0]
    assert not first._connected  # a closed dialog no longer follows the session
    session.store.add_label("Location")
    session.labels_changed.emit()
    assert first.table.rowCount() == 4
    first.show()  # shown again: it catches up and follows again
    qtbot.waitExposed(first)
    assert first.table.rowCount() == 5 and first._connected
    first.close()
    assert not first._connected

    QTimer.singleShot(0, close_it)
    SchemeEditor(session, window).exec()
    assert table_column(seen[1], NAME) == [*DEFAULT, "Location"]


def test_read_only_project_allows_export_only(window, editor, monkeypatch):
    monkeypatch.setattr(window.session.store, "readonly", True)
    editor.refresh()
    for key in ("add", "rename", "color", "key", "describe", "up", "down", "delete", "import"):
        assert not editor.buttons[key].isEnabled(), key
    assert editor.buttons["export"].isEnabled()
    assert not editor.table.item(0, NAME).flags() & Qt.ItemFlag.ItemIsEditable


# ------------------------------------------------- property: undo/redo sequences
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.sampled_from(["Place", "Date", "Claim"])),
        st.tuples(st.just("rename"), st.integers(0, 9), st.sampled_from(["Person", "Actor", "Thing"])),
        st.tuples(st.just("color"), st.integers(0, 9), st.sampled_from(["#000000", "#56b4e9", "#E69F00"])),
        st.tuples(st.just("key"), st.integers(0, 9), st.sampled_from(["", "1", "2", "x"])),
        st.tuples(st.just("move"), st.integers(0, 9), st.integers(0, 9)),
        st.tuples(st.just("delete"), st.integers(0, 9)),
        st.tuples(st.just("import"), st.permutations(["Claim", "Actor", "Place", "Figure"]).map(lambda p: p[:3])),
    ),
    max_size=8,
)


def _command(session, op):
    labels = session.store.labels()
    pick = labels[op[1] % len(labels)].name if labels and isinstance(op[1], int) else None
    kind = op[0]
    if kind == "add":
        return AddLabel(session, op[1])
    if pick is None and kind != "import":
        return None
    if kind == "rename":
        return EditLabel(session, pick, new_name=op[2])
    if kind == "color":
        return EditLabel(session, pick, color=op[2])
    if kind == "key":
        return EditLabel(session, pick, shortcut=op[2])
    if kind == "move":
        return MoveLabel(session, pick, op[2])
    if kind == "delete":
        return DeleteLabel(session, pick)
    keys = iter("123")
    return ImportScheme(session, [Label(n, "#D55E00", next(keys), f"about {n}", i) for i, n in enumerate(op[1])])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_any_sequence_of_scheme_edits_undoes_and_redoes_exactly(qapp, ops):
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(Path(folder) / "p.sqlite")
        session = ProjectSession(store, "tester")
        try:
            from annotator.core.formats.documents import import_seeds

            import_seeds(store)
            tag(store, "Steve Witkoff", "Actor")
            a, b = tag(store, "Trump", "Claim"), tag(store, "Trump", "Figure", document=1)
            store.add_link("same as", a.id, b.id, "tester")
            errors: list[str] = []
            session.error.connect(errors.append)
            snapshots = [state(store)]
            for op in ops:
                try:
                    command = _command(session, op)
                except AnnotatorError:
                    continue
                if command is None or getattr(command, "is_noop", lambda: False)():
                    continue
                if session.perform(command):
                    snapshots.append(state(store))
            for expected in reversed(snapshots[:-1]):
                session.undo_stack.undo()
                assert state(store) == expected
            for expected in snapshots[1:]:
                session.undo_stack.redo()
                assert state(store) == expected
            assert session.undo_stack.count() == len(snapshots) - 1
        finally:
            session.close()


def test_merged_order_follows_the_file():
    assert merged_order(DEFAULT, ["Claim", "Location", "Actor", "Figure", "Plan point"]) == [
        "Claim", "Location", "Actor", "Figure", "Plan point"]
    assert merged_order(DEFAULT, ["Location", "Figure"]) == ["Claim", "Actor", "Location", "Figure", "Plan point"]
    assert merged_order(DEFAULT, ["Plan point", "Claim"]) == ["Plan point", "Actor", "Figure", "Claim"]
    assert merged_order(DEFAULT, ["X", "Y"]) == [*DEFAULT, "X", "Y"]


def test_scheme_file_written_by_the_dialog_reads_back(window, editor, monkeypatch, tmp_path):
    target = tmp_path / "labels.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    editor.buttons["export"].click()
    assert read_scheme_file(target) == window.session.store.labels()


def test_importing_a_code_system_counts_its_labels(window, editor, tmp_path, monkeypatch):
    """Issue 20, D6: a scheme of 300 new labels is counted in the message, five named, not all 300."""
    scheme = tmp_path / "codes.json"
    scheme.write_text(json.dumps({"format": "annotator.label-scheme", "version": 1, "labels": [
        {"name": f"Code {n:03d}", "color": "#56B4E9"} for n in range(300)]}), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(scheme), "Label scheme (*.json)"))
    editor.buttons["import"].click()
    assert editor.message.text() == ("Imported codes.json: 300 new labels (Code 000, Code 001, Code 002, Code 003, "
                                     "Code 004, … +295).")
    assert len(window.session.store.labels()) == 304
