"""Tagging: a label key, the label bar or the context menu turned into undoable commands.

:meth:`Tagging.apply_label` is where a tag starts: the selection of the active
pane becomes a :class:`~annotator.gui.commands.CreateAnnotation`, which
:meth:`ProjectSession.perform` runs (the store writes the row in one
transaction) and puts on the undo stack; the command then announces an
:class:`~annotator.gui.session.AnnotationDelta`, and the window's
:class:`~annotator.gui.window.span_sync.SpanSync` patches the panes from it.
``docs/architecture.md`` follows the whole path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

from annotator.core.model import Annotation, Label
from annotator.gui.commands.annotations import (
    AdjustBounds, CreateAnnotation, DeleteAnnotation, EditAnnotation, EditAttributes, short_quote,
)
from annotator.gui.controllers.crosssource import CrossSource, is_suggestion
from annotator.gui.dialogs.attributes_dialog import AttributesDialog
from annotator.gui.dialogs.label_picker import LabelPicker
from annotator.gui.dialogs.note_dialog import NoteDialog
from annotator.gui.window.pane_state import PaneState
from annotator.gui.window.span_sync import SpanSync
from annotator.gui.window.status import Status

if TYPE_CHECKING:
    from annotator.gui.controllers.model import ModelSuggestions


#: A label menu lists every label up to this many; past it, the keyed labels and the most used up to this many,
#: then "Other label…", which opens the type-to-filter picker (a code system of 300 labels is no menu).
MENU_LABELS = 12
OTHER_TAG = "Other label…\tCtrl+K"
OTHER_RELABEL = "Other label…"


def menu_labels(labels: list[Label], counts: dict[str, int], cap: int = MENU_LABELS) -> list[str]:
    """The labels a label menu lists: all of them up to ``cap``; past it every keyed label, then the most used
    (by ``counts``, scheme order among equals) while the menu has fewer than ``cap``."""
    if len(labels) <= cap:
        return [label.name for label in labels]
    names = [label.name for label in labels if label.shortcut]
    used = sorted((label for label in labels if not label.shortcut and counts.get(label.name)),
                  key=lambda label: -counts[label.name])
    return names + [label.name for label in used[:max(0, cap - len(names))]]


class Tagging:
    def __init__(self, session, panes: PaneState, status: Status, sync: SpanSync, cross: CrossSource,
                 model: ModelSuggestions | None = None):
        self.session = session
        self.panes = panes
        self.status = status
        self.sync = sync
        self.cross = cross
        self.model = model  # the model's suggestions and pairs; the rules suggester's are the cross-source's
        self.bounds_target: str | None = None  # the span "Set bounds to selection" moves: the last one selected
        self.label_menus: tuple[QMenu, QMenu, list] | None = None  # Edit > Tag selection as, Change label to

    def fill_label_menus(self, tag_menu: QMenu, relabel_menu: QMenu, label_actions: list) -> None:
        """Edit > Tag selection as (the label bar's actions) and Change label to: the labels of
        :func:`menu_labels`, then "Other label…" when some are left out. Refilled as either opens, so the most
        used stay current."""
        if self.label_menus is None or self.label_menus[:2] != (tag_menu, relabel_menu):
            tag_menu.aboutToShow.connect(self.refresh_label_menus)
            relabel_menu.aboutToShow.connect(self.refresh_label_menus)
        self.label_menus = (tag_menu, relabel_menu, label_actions)
        names = self.menu_labels()
        tag_menu.clear()
        relabel_menu.clear()
        self._fill_tag_menu(tag_menu, names, label_actions)
        for name in names:
            relabel_menu.addAction(name).triggered.connect(lambda _=False, n=name: self.relabel_selected(n))
        if len(names) < len(label_actions):
            relabel_menu.addSeparator()
            relabel_menu.addAction(OTHER_RELABEL).triggered.connect(lambda _=False: self.pick_relabel())

    def _fill_tag_menu(self, menu: QMenu, names: list[str], label_actions: list) -> None:
        """The label bar's actions of the labels ``names``, then "Other label…" if some are left out."""
        by_name = {action.objectName().removeprefix("label."): action for action in label_actions}
        for name in names:
            if name in by_name:
                menu.addAction(by_name[name])
        if len(names) < len(by_name):
            menu.addSeparator()
            menu.addAction(OTHER_TAG).triggered.connect(lambda _=False: self.pick_label())

    def refresh_label_menus(self) -> None:
        """A label menu opens: relist its labels if the most used may have changed (only past MENU_LABELS)."""
        if self.label_menus is not None and len(self.label_menus[2]) > MENU_LABELS:
            self.fill_label_menus(*self.label_menus)

    def menu_labels(self) -> list[str]:
        """The labels the label menus list now (:func:`menu_labels` over the store's labels and counts)."""
        labels = self.session.store.codable_labels()
        return menu_labels(labels, self.session.store.label_counts() if len(labels) > MENU_LABELS else {})

    def suggester(self, span_id: str | None) -> CrossSource | ModelSuggestions:
        """Who answers for the suggestion ``span_id``: the model controller for its own, else the cross-source."""
        return self.model if self.model is not None and self.model.owns(span_id) else self.cross

    def selected_annotation(self) -> Annotation | None:
        """The span selected in the active pane, if it is an annotation on screen."""
        return self.sync.annotation(self.panes.selected_span())

    def remember_selected(self, ann_id: str) -> None:
        """A span was selected: it is the one Set bounds moves."""
        if ann_id and not is_suggestion(ann_id):
            self.bounds_target = ann_id

    def pick_label(self) -> None:
        """Edit > Tag with label… (Ctrl+K) or the label bar's More labels: any label, found by typing part of its
        name, then applied as its key would be."""
        picker = LabelPicker(self.session.store.labels(), self.status.dialog_parent)
        if picker.exec() == LabelPicker.DialogCode.Accepted and picker.chosen():
            self.apply_label(picker.chosen())

    def pick_relabel(self) -> None:
        """Change label to > Other label…: the picker, then the selected span takes the label picked (one undo)."""
        ann = self.selected_annotation()
        if ann is None:
            self.status.show("Click a span to select it, then change its label.", 4000)
            return
        picker = LabelPicker(self.session.store.labels(), self.status.dialog_parent, relabel=ann.label)
        if picker.exec() == LabelPicker.DialogCode.Accepted and picker.chosen():
            self.relabel_selected(picker.chosen())

    def apply_label(self, label: str) -> None:
        """A label key or button: tag the text selection, or relabel the selected span."""
        view = self.panes.view()
        doc_id = self.panes.document()
        if doc_id is None:
            self.status.show("Open a document first.", 4000)
            return
        start, end = view.selection_range()
        if start == end and is_suggestion(view.selected_span()):
            self.suggester(view.selected_span()).accept(self.panes.active, view.selected_span(), label)
            return
        if start == end:
            if self.selected_annotation() is not None:
                self.relabel_selected(label)
            else:
                self.status.show("Select some text first, then press a label key.", 4000)
            return
        command = CreateAnnotation(self.session, doc_id, label, start, end, view.text()[start:end])
        if self.session.perform(command):
            view.select_span(command.annotation.id, scroll=False)
            self.panes.set_active(self.panes.active)  # the actions follow the new span

    def relabel_selected(self, label: str) -> None:
        ann = self.selected_annotation()
        if ann is None or ann.label == label:
            return
        self.session.perform(EditAnnotation(self.session, ann, "label", label))

    def activate_span(self, index: int, span_id: str | None, every: bool = False) -> None:
        """Enter on a span: accept it if it is a suggestion; Shift+Enter (``every``): a rules suggestion's every
        occurrence in the document (a model's suggestion: just this one)."""
        if not is_suggestion(span_id):
            return
        suggester = self.suggester(span_id)
        if every and suggester is self.cross:
            self.cross.accept_group(index, span_id)
        else:
            suggester.accept(index, span_id)

    def delete_selected_span(self) -> None:
        selected = self.panes.selected_span()
        if is_suggestion(selected):
            self.suggester(selected).reject(self.panes.active, selected)
            return
        ann = self.selected_annotation()
        if ann is None:
            self.status.show("Click a span to select it, then press Delete.", 4000)
            return
        self.session.perform(DeleteAnnotation(self.session, ann))

    def edit_note(self) -> None:
        ann = self.selected_annotation()
        if ann is None:
            self.status.show("Click a span to select it, then press N to write a note.", 4000)
            return
        note, ok = NoteDialog.get_note(
            self.status.dialog_parent, "Note", f"Note on {ann.label} '{short_quote(ann.quote)}':", ann.note
        )
        if ok and note != ann.note:
            self.session.perform(EditAnnotation(self.session, ann, "note", note))

    def edit_attributes(self) -> None:
        """Edit > Attributes…: the selected span's attributes, in a dialog of those its label declares."""
        ann = self.selected_annotation()
        if ann is None:
            self.status.show("Click a span to select it, then press Ctrl+Shift+A to set its attributes.", 4000)
            return
        store = self.session.store
        decls, values = store.label_attributes(ann.label), store.annotation_attributes(ann.id)
        if not decls and not values:
            self.status.show(f"{ann.label} declares no attributes; add them in the label scheme (Ctrl+Alt+L).",
                             5000)
            return
        new, ok = AttributesDialog.get_values(self.status.dialog_parent,
                                              f"Attributes of {ann.label} '{short_quote(ann.quote)}':", decls, values)
        if ok and new != values:
            self.session.perform(EditAttributes(self.session, ann, new))

    def set_bounds_to_selection(self) -> None:
        """Edit > Set span bounds to selection: move the last selected span to the selected text."""
        ann = self.sync.annotation(self.bounds_target)
        view = self.panes.view()
        start, end = view.selection_range()
        if ann is None or start == end:
            self.status.show("Click a span, then select the text it should cover, then press Ctrl+B.", 5000)
            return
        if self.panes.document() != ann.document:
            self.status.show("Select the new bounds in the span's own document.", 5000)
            return
        if self.session.perform(AdjustBounds(self.session, ann, start, end, view.text()[start:end])):
            view.select_span(ann.id, scroll=False)

    def context_menu(self, index: int, offset: int, label_actions: list) -> QMenu:
        """The menu of a right-click at ``offset`` in pane ``index``: tag the selection, or act on a span there."""
        self.panes.set_active(index)
        view = self.panes.view(index)
        menu = QMenu(self.status.dialog_parent)
        start, end = view.selection_range()
        names = self.menu_labels()
        if start != end:
            self._fill_tag_menu(menu.addMenu(f"Tag '{short_quote(view.text()[start:end], 30)}' as"), names,
                                label_actions)
        for ann_id in view.span_ids_at(offset) if offset is not None and offset >= 0 else []:
            ann = self.sync.annotation(ann_id)
            if ann is not None:
                self._span_menu(menu.addMenu(f"{ann.label}: '{short_quote(ann.quote, 30)}'"), view, ann, names)
        if menu.isEmpty():
            menu.addAction("Select text to tag it, or right-click a span").setEnabled(False)
        return menu

    def _span_menu(self, sub: QMenu, view, ann: Annotation, names: list[str]) -> None:
        """A span's entries in the context menu: relabel (the labels ``names``, then "Other label…" if some are
        left out), note, attributes, delete (each selects the span first)."""
        def on_span(do):
            return lambda _=False: (view.select_span(ann.id, scroll=False), do())

        for name in names:
            act = sub.addAction(f"Change label to {name}")
            act.setEnabled(name != ann.label)
            act.triggered.connect(on_span(lambda n=name: self.relabel_selected(n)))
        if len(names) < len(self.sync.colors):
            sub.addAction(f"Change label to {OTHER_RELABEL}").triggered.connect(on_span(self.pick_relabel))
        sub.addSeparator()
        sub.addAction("Write note…").triggered.connect(on_span(self.edit_note))
        sub.addAction("Attributes…").triggered.connect(on_span(self.edit_attributes))
        sub.addAction("Delete").triggered.connect(on_span(self.delete_selected_span))
