"""A span's attributes edited in the window (issue 22): Ctrl+Shift+A or the span's context menu opens a dialog of
the attributes its label declares; the edit is one undoable step, and undoing a delete brings them back."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QDialogButtonBox, QLineEdit, QPushButton

from annotator.core.formats.scheme import parse_scheme
from annotator.core.model import AttributeDecl
from annotator.gui import actions as A
from annotator.gui.commands.annotations import EditAttributes
from annotator.gui.commands.scheme import DeleteLabel, EditLabelAttributes, ImportScheme
from annotator.gui.dialogs.attribute_declarations import CHOICES, KIND, NAME, AttributeDeclarations
from annotator.gui.dialogs.attributes_dialog import AttributesDialog


def select(view, needle: str) -> None:
    start = view.text().index(needle)
    view.set_selection(start, start + len(needle))


def declare(window) -> None:
    window.session.store.set_label_attributes("Actor", [
        AttributeDecl("Actor", "certainty", "choice", ("reported", "confirmed")),
        AttributeDecl("Actor", "negated", "flag"),
        AttributeDecl("Actor", "source", "text")])


def fill_dialog_then(answers: dict[str, object], done: list) -> None:
    """When the attributes dialog is up: set its fields as ``answers`` say and press Save (real widgets)."""
    def act():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AttributesDialog)
        for name, value in answers.items():
            field = dialog.findChild(QComboBox, f"attribute_{name}") or dialog.findChild(
                QCheckBox, f"attribute_{name}") or dialog.findChild(QLineEdit, f"attribute_{name}")
            if isinstance(field, QComboBox):
                field.setCurrentText(value)
            elif isinstance(field, QCheckBox):
                field.setChecked(bool(value))
            else:
                field.setText(value)
        done.append(dialog.values())
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
    QTimer.singleShot(0, act)


def test_ctrl_shift_a_edits_the_attributes_in_one_undoable_step(window, qtbot):
    declare(window)
    view = window.panes[1].view
    view.setFocus()
    select(view, "Sergey Lavrov")
    window.apply_label("Actor")
    store = window.session.store
    ann = store.annotations()[0]
    done: list = []
    fill_dialog_then({"certainty": "reported", "negated": True, "source": "the Kremlin"}, done)
    qtbot.keyClick(view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert done, "the dialog did not open"
    assert store.annotation_attributes(ann.id) == {"certainty": "reported", "negated": "true", "source": "the Kremlin"}
    stack = window.session.undo_stack
    assert "Edit attributes of 'Sergey Lavrov'" in stack.undoText()
    stack.undo()
    assert store.annotation_attributes(ann.id) == {}
    stack.redo()
    assert store.annotation_attributes(ann.id)["certainty"] == "reported"
    window.actions[A.DELETE_SPAN].trigger()
    assert store.annotations() == []
    stack.undo()
    assert store.annotation_attributes(ann.id) == {"certainty": "reported", "negated": "true", "source": "the Kremlin"}


def test_the_span_menu_opens_the_attributes_and_a_cleared_field_drops_its_value(window, qtbot):
    declare(window)
    view = window.panes[0].view
    select(view, "Steve Witkoff")
    window.apply_label("Actor")
    store = window.session.store
    ann = store.annotations()[0]
    store.set_annotation_attributes(ann.id, {"certainty": "confirmed", "negated": "true"})
    menu = window.tagging.context_menu(0, ann.start + 1, window.label_bar.label_actions)
    span_menu = next(a.menu() for a in menu.actions() if a.menu() and a.text().startswith("Actor:"))
    entry = next(a for a in span_menu.actions() if a.text() == "Attributes…")
    done: list = []
    fill_dialog_then({"certainty": "—", "negated": False}, done)
    entry.trigger()
    assert done == [{}]
    assert store.annotation_attributes(ann.id) == {}


def test_a_label_without_attributes_says_where_to_declare_them(window, qtbot):
    view = window.panes[0].view
    select(view, "Steve Witkoff")
    window.apply_label("Claim")
    window.actions[A.EDIT_ATTRIBUTES].trigger()
    assert "Claim declares no attributes; add them in the label scheme" in window.statusBar().currentMessage()


def test_the_scheme_editor_declares_attributes_in_one_undoable_step(window, editor, qtbot):
    store = window.session.store
    editor.select("Figure")

    def fill():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, AttributeDeclarations)
        qtbot.mouseClick(dialog.findChild(QPushButton, "add_attribute"), Qt.MouseButton.LeftButton)
        dialog.table.item(0, NAME).setText("certainty")
        dialog.table.cellWidget(0, KIND).setCurrentIndex(1)  # one of a list
        dialog.table.item(0, CHOICES).setText("reported, confirmed")
        qtbot.mouseClick(dialog.findChild(QPushButton, "add_attribute"), Qt.MouseButton.LeftButton)
        dialog.table.item(1, NAME).setText("negated")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    QTimer.singleShot(0, fill)
    qtbot.mouseClick(editor.buttons["attributes"], Qt.MouseButton.LeftButton)
    assert store.label_attributes("Figure") == [
        AttributeDecl("Figure", "certainty", "choice", ("reported", "confirmed")),
        AttributeDecl("Figure", "negated", "flag")]
    assert "Edit the attributes of 'Figure'" in editor.message.text()
    window.session.undo_stack.undo()
    assert store.label_attributes("Figure") == []


def test_a_bad_declaration_is_one_sentence_and_nothing_changes(window, editor, qtbot, errors):
    store = window.session.store
    editor.select("Figure")

    def fill():
        dialog = QApplication.activeModalWidget()
        dialog.add_row(AttributeDecl("Figure", "two words", "text"))
        dialog.accept()

    QTimer.singleShot(0, fill)
    editor.edit_attributes()
    assert store.label_attributes("Figure") == []
    assert errors and "cannot name an attribute" in errors[-1]


def test_undoing_a_label_delete_brings_back_its_attributes_and_their_values(window):
    store = window.session.store
    declare(window)
    doc = store.documents()[0].id
    start = store.document_text(doc).index("Steve Witkoff")
    ann = store.add_annotation(doc, "Actor", start, start + len("Steve Witkoff"), "tester")
    store.set_annotation_attributes(ann.id, {"certainty": "reported"})
    window.session.perform(DeleteLabel(window.session, "Actor"))
    assert store.label_attributes() == [] and store.attributes_for([ann.id]) == {}
    window.session.undo_stack.undo()
    assert [d.name for d in store.label_attributes("Actor")] == ["certainty", "negated", "source"]
    assert store.annotation_attributes(ann.id) == {"certainty": "reported"}


def test_the_annotation_list_filters_on_an_attribute(window, qtbot):
    store = window.session.store
    dock = window.dock
    assert not dock.attribute_filter.isVisibleTo(dock)  # nothing declared: no filter shown
    window.session.perform(EditLabelAttributes(window.session, "Actor", [
        AttributeDecl("Actor", "certainty", "choice", ("reported", "confirmed")),
        AttributeDecl("Actor", "negated", "flag")]))
    assert dock.attribute_filter.isVisibleTo(dock)
    assert [dock.attribute_filter.itemText(i) for i in range(dock.attribute_filter.count())] == [
        "All attributes", "certainty = reported", "certainty = confirmed", "negated"]
    doc = store.documents()[0].id
    text = store.document_text(doc)
    anns = [store.add_annotation(doc, "Actor", text.index(q), text.index(q) + len(q), "tester")
            for q in ("Steve Witkoff", "Vladimir Putin")]
    window.session.perform(EditAttributes(window.session, anns[1], {"certainty": "reported"}))
    window.session.perform(EditAttributes(window.session, anns[0], {"negated": "true"}))
    dock.reload()
    assert dock.visible_count() == 2
    dock.attribute_filter.setCurrentIndex(dock.attribute_filter.findText("certainty = reported"))
    assert dock.visible_count() == 1 and dock.model.ids == [anns[1].id]
    dock.attribute_filter.setCurrentIndex(dock.attribute_filter.findText("negated"))
    assert dock.model.ids == [anns[0].id]
    window.session.undo_stack.undo()  # the flag goes: the span leaves the filtered list
    dock.flush()
    assert dock.visible_count() == 0


def test_importing_a_scheme_replaces_a_labels_attributes_and_undo_puts_them_back(window, tmp_path):
    store = window.session.store
    declare(window)
    scheme = store.scheme()
    actor = next(lb for lb in scheme["labels"] if lb["name"] == "Actor")
    actor["attributes"] = [{"name": "role", "type": "choice", "choices": ["envoy", "leader"]}]
    window.session.perform(ImportScheme(window.session, parse_scheme(json.dumps(scheme))))
    assert [d.name for d in store.label_attributes("Actor")] == ["role"]
    window.session.undo_stack.undo()
    assert [d.name for d in store.label_attributes("Actor")] == ["certainty", "negated", "source"]


def test_the_segments_dock_filters_on_an_attribute(window, qtbot):
    store = window.session.store
    dock = window.retrieval.segments
    assert not dock.attribute.isVisibleTo(dock)
    declare(window)
    window.session.announce_labels()
    assert dock.attribute.isVisibleTo(dock)
    doc = store.documents()[0].id
    text = store.document_text(doc)
    anns = [store.add_annotation(doc, "Actor", text.index(q), text.index(q) + len(q), "tester")
            for q in ("Steve Witkoff", "Vladimir Putin")]
    store.set_annotation_attributes(anns[1].id, {"certainty": "confirmed"})
    dock.show_segments("Actor", False)
    assert dock.table.rowCount() == 2
    dock.attribute.setCurrentIndex(dock.attribute.findText("certainty = confirmed"))
    assert dock.choice()["attribute"] == "certainty=confirmed"
    assert dock.table.rowCount() == 1 and dock.count() == 1
    assert "Vladimir Putin" in dock.table.item(0, 2).text()


def test_a_spans_tooltip_shows_its_attributes_and_follows_an_edit(window, qtbot):
    declare(window)
    window.pane_state.set_active(1)
    view = window.panes[1].view
    select(view, "Sergey Lavrov")
    window.apply_label("Actor")
    ann = window.session.store.annotations()[0]
    assert "certainty" not in view.tooltip_at(ann.start + 1)
    window.session.perform(EditAttributes(window.session, ann, {"certainty": "reported", "negated": "true"}))
    assert view.tooltip_at(ann.start + 1).endswith("\ncertainty: reported · negated")
