"""The main window: two document panes side by side, the label bar, the annotation dock, menus.

All signal wiring lives in :meth:`MainWindow._connect_signals`. Slots turn
gestures into commands (:mod:`annotator.gui.commands`) and views repaint from
the store when the session announces a change.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QSettings, Qt
from PySide6.QtWidgets import (
    QFileDialog, QInputDialog, QLabel, QMainWindow, QMenu, QMessageBox, QSplitter, QWidget,
)

from annotator import __version__
from annotator.core.errors import AnnotatorError
from annotator.core.fileio import atomic_writer
from annotator.core.formats.csv_set import export_csv
from annotator.core.formats.json_set import export_json, import_json, parse_set
from annotator.core.model import Annotation
from annotator.gui import actions as A
from annotator.gui.commands import CreateAnnotation, DeleteAnnotation, EditAnnotation, short_quote
from annotator.gui.dialogs.add_documents import AddDocumentsDialog
from annotator.gui.dialogs.shortcuts import ShortcutsDialog
from annotator.gui.document_view import SpanStyle
from annotator.gui.panels.annotation_list import AnnotationListDock
from annotator.gui.panels.document_pane import DocumentPane
from annotator.gui.panels.label_bar import LabelBar
from annotator.gui.session import ProjectSession


def span_tooltip(a: Annotation) -> str:
    """label · annotator · note · date, as shown when hovering a span."""
    lines = [f"{a.label} · {a.annotator} · {a.modified[:10]}"]
    if a.note:
        lines.append(a.note)
    if a.status != "pending":
        lines.append(f"status: {a.status}")
    return "\n".join(lines)


class MainWindow(QMainWindow):
    def __init__(self, session: ProjectSession, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.setObjectName("main_window")
        self.setWindowTitle(f"{Path(session.store.path).name} — annotator")
        self.actions = A.create_actions(self)
        for action in self.actions.values():
            self.addAction(action)
        self.active_pane = 0
        self.spans: dict[str, Annotation] = {}  # annotations of the documents on screen, by id
        self.last_saved = "no changes yet"

        self.panes = [DocumentPane("left_pane", self), DocumentPane("right_pane", self)]
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("panes")
        self.splitter.setChildrenCollapsible(False)
        for pane in self.panes:
            self.splitter.addWidget(pane)
        self.setCentralWidget(self.splitter)

        self.label_bar = LabelBar(self)
        self.addToolBar(self.label_bar)
        self.label_bar.set_user(session.user)
        self.dock = AnnotationListDock(session, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.status_counts = QLabel(self)
        self.status_counts.setObjectName("status_counts")
        self.statusBar().addPermanentWidget(self.status_counts, 1)

        self._build_menus()
        self._connect_signals()
        self._reload_labels()
        self._reload_documents()
        self._restore_state()
        if session.store.readonly:
            self.statusBar().showMessage("This project is read-only: you can read and export, not tag.")

    # ------------------------------------------------------------------ set-up
    def _build_menus(self) -> None:
        a = self.actions
        self.actions[A.UNDO] = self._undo_action(a[A.UNDO], redo=False)
        self.actions[A.REDO] = self._undo_action(a[A.REDO], redo=True)
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for key in (A.OPEN_PROJECT, A.ADD_DOCUMENTS, None, A.IMPORT_SET, A.IMPORT_SET_AS, A.EXPORT_JSON,
                    A.EXPORT_CSV, None, A.CHANGE_USER, None, A.QUIT):
            file_menu.addSeparator() if key is None else file_menu.addAction(a[key])
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.actions[A.UNDO])
        edit_menu.addAction(self.actions[A.REDO])
        edit_menu.addSeparator()
        self.tag_menu = edit_menu.addMenu("&Tag selection as")
        self.relabel_menu = edit_menu.addMenu("&Change label to")
        for key in (A.DELETE_SPAN, A.EDIT_NOTE, A.NEXT_SPAN, A.PREVIOUS_SPAN):
            edit_menu.addAction(a[key])
        view_menu = bar.addMenu("&View")
        for key in (A.FOCUS_LEFT, A.FOCUS_RIGHT, None, A.ZOOM_IN, A.ZOOM_OUT, A.ZOOM_RESET, None):
            view_menu.addSeparator() if key is None else view_menu.addAction(a[key])
        view_menu.addAction(self.dock.toggleViewAction())
        view_menu.addAction(self.label_bar.toggleViewAction())
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(a[A.SHORTCUTS])
        help_menu.addAction(a[A.ABOUT])

    def _undo_action(self, template, redo: bool):
        """Replace the plain undo/redo action with the stack's, which names the action it undoes."""
        stack = self.session.undo_stack
        action = stack.createRedoAction(self, "&Redo") if redo else stack.createUndoAction(self, "&Undo")
        action.setObjectName(template.objectName())
        action.setShortcuts(template.shortcuts())
        self.removeAction(template)
        template.deleteLater()
        self.addAction(action)
        return action

    def _connect_signals(self) -> None:
        a, s = self.actions, self.session
        a[A.OPEN_PROJECT].triggered.connect(self.open_project)
        a[A.ADD_DOCUMENTS].triggered.connect(self.add_documents)
        a[A.IMPORT_SET].triggered.connect(lambda: self.import_set(ask_name=False))
        a[A.IMPORT_SET_AS].triggered.connect(lambda: self.import_set(ask_name=True))
        a[A.EXPORT_JSON].triggered.connect(lambda: self.export_set("json"))
        a[A.EXPORT_CSV].triggered.connect(lambda: self.export_set("csv"))
        a[A.CHANGE_USER].triggered.connect(self.change_user)
        a[A.QUIT].triggered.connect(self.close)
        a[A.DELETE_SPAN].triggered.connect(self.delete_selected_span)
        a[A.EDIT_NOTE].triggered.connect(self.edit_note)
        a[A.NEXT_SPAN].triggered.connect(lambda: self.view().next_span())
        a[A.PREVIOUS_SPAN].triggered.connect(lambda: self.view().previous_span())
        a[A.FOCUS_LEFT].triggered.connect(lambda: self.focus_pane(0))
        a[A.FOCUS_RIGHT].triggered.connect(lambda: self.focus_pane(1))
        a[A.ZOOM_IN].triggered.connect(lambda: self.zoom(+1))
        a[A.ZOOM_OUT].triggered.connect(lambda: self.zoom(-1))
        a[A.ZOOM_RESET].triggered.connect(lambda: self.zoom(0))
        a[A.SHORTCUTS].triggered.connect(self.show_shortcuts)
        a[A.ABOUT].triggered.connect(self.show_about)
        self.label_bar.label_triggered.connect(self.apply_label)
        self.dock.annotation_activated.connect(self.jump_to_annotation)
        for index, pane in enumerate(self.panes):
            pane.document_chosen.connect(lambda doc_id, i=index: self.show_document(i, doc_id))
            pane.view.focused.connect(lambda i=index: self._set_active(i))
            pane.view.span_clicked.connect(lambda ann_id, i=index: self._on_span_clicked(i, ann_id))
            pane.view.span_selected.connect(lambda ann_id, i=index: self._on_span_selected(i, ann_id))
            pane.view.context_menu_requested.connect(lambda offset, pos, i=index: self._context_menu(i, offset, pos))
        s.annotations_changed.connect(self._on_annotations_changed)
        s.documents_changed.connect(self._reload_documents)
        s.labels_changed.connect(self._reload_labels)
        s.error.connect(self.show_error)
        s.saved.connect(self._on_saved)

    # ---------------------------------------------------------------- helpers
    def view(self, index: int | None = None):
        return self.panes[self.active_pane if index is None else index].view

    def pane_document(self, index: int) -> str | None:
        return self.panes[index].document_id

    def _set_active(self, index: int) -> None:
        self.active_pane = index
        self._update_actions()

    def focus_pane(self, index: int) -> None:
        self._set_active(index)
        self.panes[index].view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def selected_annotation(self) -> Annotation | None:
        ann_id = self.view().selected_span()
        return self.spans.get(ann_id) if ann_id else None

    def _update_actions(self) -> None:
        writable = not self.session.store.readonly
        has_span = self.selected_annotation() is not None
        self.actions[A.DELETE_SPAN].setEnabled(writable and has_span)
        self.actions[A.EDIT_NOTE].setEnabled(writable and has_span)
        self.relabel_menu.setEnabled(writable and has_span)
        for action in (A.ADD_DOCUMENTS, A.IMPORT_SET, A.IMPORT_SET_AS):
            self.actions[action].setEnabled(writable)

    # --------------------------------------------------------------- reloading
    def _reload_labels(self) -> None:
        labels = self.session.store.labels()
        self.colors = {lb.name: lb.color for lb in labels}
        self.label_bar.set_labels(labels)
        self.tag_menu.clear()
        self.relabel_menu.clear()
        for action in self.label_bar.label_actions:
            self.tag_menu.addAction(action)
        for label in labels:
            act = self.relabel_menu.addAction(label.name)
            act.triggered.connect(lambda _=False, name=label.name: self.relabel_selected(name))
        for index in range(len(self.panes)):
            self._refresh_spans(index)
        self._update_status()

    def _reload_documents(self) -> None:
        docs = self.session.store.documents()
        for pane in self.panes:
            pane.set_documents(docs)
        self.dock.reload()
        self._update_status()

    def show_document(self, index: int, doc_id: str) -> None:
        """Open a document in pane ``index`` (0 left, 1 right)."""
        try:
            doc = self.session.store.document(doc_id)
            text = self.session.store.document_text(doc_id)
        except AnnotatorError as exc:
            self.show_error(str(exc))
            return
        self.panes[index].show_document(doc, text)
        self._refresh_spans(index)
        self._update_status()

    def _refresh_spans(self, index: int) -> None:
        doc_id = self.pane_document(index)
        if doc_id is None:
            return
        anns = self.session.store.annotations(document=doc_id)
        for ann_id in [k for k, a in self.spans.items() if a.document == doc_id]:
            del self.spans[ann_id]
        self.spans.update((a.id, a) for a in anns)
        view = self.panes[index].view
        selected = view.selected_span()
        view.set_spans([SpanStyle(a.id, a.start, a.end, self.colors.get(a.label, "#888888"), span_tooltip(a)) for a in anns])
        if selected in self.spans:
            view.select_span(selected, scroll=False)
        elif selected is not None:
            view.select_span(None, scroll=False)

    def _on_annotations_changed(self, doc_id: str) -> None:
        for index in range(len(self.panes)):
            if self.pane_document(index) == doc_id:
                self._refresh_spans(index)
        self.dock.reload()
        self.dock.select_annotation(self.view().selected_span())
        self._update_status()
        self._update_actions()

    def _on_saved(self, what: str) -> None:
        self.last_saved = "saved"
        self.statusBar().showMessage(what, 4000)
        self._update_status()

    def _update_status(self) -> None:
        shown = sorted({d for d in (self.pane_document(i) for i in range(len(self.panes))) if d})
        counts = self.session.store.label_counts(shown)
        parts = [f"{len(shown)} document{'s' if len(shown) != 1 else ''}"]
        parts += [f"{name} {counts.get(name, 0)}" for name in self.colors]
        parts.append("read-only" if self.session.store.readonly else self.last_saved)
        self.status_counts.setText(" · ".join(parts))

    # ----------------------------------------------------------------- tagging
    def apply_label(self, label: str) -> None:
        """A label key or button: tag the text selection, or relabel the selected span."""
        view = self.view()
        doc_id = self.pane_document(self.active_pane)
        if doc_id is None:
            self.statusBar().showMessage("Open a document first.", 4000)
            return
        start, end = view.selection_range()
        if start == end:
            if self.selected_annotation() is not None:
                self.relabel_selected(label)
            else:
                self.statusBar().showMessage("Select some text first, then press a label key.", 4000)
            return
        command = CreateAnnotation(self.session, doc_id, label, start, end, view.text()[start:end])
        if self.session.execute(command):
            view.select_span(command.annotation.id, scroll=False)
            self._update_actions()

    def relabel_selected(self, label: str) -> None:
        ann = self.selected_annotation()
        if ann is None or ann.label == label:
            return
        self.session.execute(EditAnnotation(self.session, ann, "label", label))

    def delete_selected_span(self) -> None:
        ann = self.selected_annotation()
        if ann is None:
            self.statusBar().showMessage("Click a span to select it, then press Delete.", 4000)
            return
        self.session.execute(DeleteAnnotation(self.session, ann))

    def edit_note(self) -> None:
        ann = self.selected_annotation()
        if ann is None:
            self.statusBar().showMessage("Click a span to select it, then press N to write a note.", 4000)
            return
        note, ok = QInputDialog.getMultiLineText(
            self, "Note", f"Note on {ann.label} '{short_quote(ann.quote)}':", ann.note
        )
        if ok and note != ann.note:
            self.session.execute(EditAnnotation(self.session, ann, "note", note))

    def _on_span_selected(self, index: int, ann_id: str) -> None:
        """Click, Tab or a jump selected a span (or none): follow it in the list and the actions."""
        if index == self.active_pane or ann_id:
            self.active_pane = index
            self.dock.select_annotation(ann_id or None)
            self._update_actions()

    def _on_span_clicked(self, index: int, ann_id: str) -> None:
        self._set_active(index)
        ann = self.spans.get(ann_id)
        if ann:
            self.statusBar().showMessage(f"{ann.label}: '{short_quote(ann.quote, 80)}' · {ann.annotator}", 4000)

    def _context_menu(self, index: int, offset: int, global_pos: QPoint) -> None:
        self._set_active(index)
        view = self.panes[index].view
        menu = QMenu(self)
        start, end = view.selection_range()
        if start != end:
            tag = menu.addMenu(f"Tag '{short_quote(view.text()[start:end], 30)}' as")
            for action in self.label_bar.label_actions:
                tag.addAction(action)
        for ann_id in view.span_ids_at(offset) if offset is not None and offset >= 0 else []:
            ann = self.spans.get(ann_id)
            if ann is None:
                continue
            sub = menu.addMenu(f"{ann.label}: '{short_quote(ann.quote, 30)}'")
            for name in self.colors:
                act = sub.addAction(f"Change label to {name}")
                act.setEnabled(name != ann.label)
                act.triggered.connect(lambda _=False, i=ann_id, n=name: (view.select_span(i, scroll=False),
                                                                        self.relabel_selected(n)))
            sub.addSeparator()
            sub.addAction("Write note…").triggered.connect(lambda _=False, i=ann_id: (view.select_span(i, scroll=False),
                                                                                      self.edit_note()))
            sub.addAction("Delete").triggered.connect(lambda _=False, i=ann_id: (view.select_span(i, scroll=False),
                                                                                 self.delete_selected_span()))
        if menu.isEmpty():
            menu.addAction("Select text to tag it, or right-click a span").setEnabled(False)
        menu.popup(global_pos)
        self._context = menu  # keep a reference while it is shown

    def jump_to_annotation(self, ann_id: str) -> None:
        """Show the annotation's document (in the pane that has it, else the active one) and select it."""
        try:
            ann = self.session.store.annotation(ann_id)
        except AnnotatorError as exc:
            self.show_error(str(exc))
            return
        index = next((i for i in range(len(self.panes)) if self.pane_document(i) == ann.document), None)
        if index is None:
            index = self.active_pane
            self.show_document(index, ann.document)
        self._set_active(index)
        self.panes[index].view.select_span(ann_id)
        self.panes[index].view.setFocus()
        self._update_actions()

    # -------------------------------------------------------------------- files
    def open_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Open or create a project", str(Path(self.session.store.path).parent),
            "annotator project (*.sqlite)", options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            from annotator.gui.app import open_window

            window = open_window(path, self.settings, self.session.user)
            if window is not None:
                self.close()

    def add_documents(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Add documents", "", "Articles (*.txt *.md);;All files (*)")
        if not paths:
            return
        dialog = AddDocumentsDialog(paths, self)
        if dialog.exec() != AddDocumentsDialog.DialogCode.Accepted:
            return
        added, first = 0, None
        try:
            with self.session.store.transaction():
                for article, title in dialog.entries():
                    doc, created = self.session.store.add_document(
                        article.text, title, dialog.source.text().strip(), dialog.published.text().strip() or None
                    )
                    added += created
                    first = first or doc.id
        except AnnotatorError as exc:
            self.show_error(str(exc))
            return
        self.session.documents_changed.emit()
        if first:
            self.show_document(self.active_pane, first)
        self.statusBar().showMessage(f"{added} document{'s' if added != 1 else ''} added.", 5000)

    def import_set(self, ask_name: bool) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import annotations", "", "Annotation set (*.json)")
        if not path:
            return
        as_name = None
        if ask_name:
            as_name, ok = QInputDialog.getText(self, "Import as", "Import every annotation under the annotator name:")
            if not ok or not as_name.strip():
                return
        try:
            data = parse_set(Path(path).read_text(encoding="utf-8"), Path(path).name)
            report = import_json(self.session.store, data, as_annotator=as_name, name=Path(path).name)
        except (AnnotatorError, OSError, UnicodeDecodeError) as exc:
            self.show_error(str(exc) if isinstance(exc, AnnotatorError) else f"{path} cannot be read as UTF-8 text.")
            return
        # An import is not undoable step by step; it cannot be mixed into the undo history safely.
        self.session.undo_stack.clear()
        self.session.documents_changed.emit()
        self.session.labels_changed.emit()
        for index in range(len(self.panes)):
            self._refresh_spans(index)
        self.statusBar().showMessage(report.summary(), 8000)

    def export_set(self, fmt: str) -> None:
        suffix = {"json": "JSON annotation set (*.json)", "csv": "CSV (*.csv)"}[fmt]
        default = str(Path(self.session.store.path).with_suffix(f".{fmt}"))
        path, _ = QFileDialog.getSaveFileName(self, f"Export as {fmt.upper()}", default, suffix)
        if not path:
            return
        try:
            with atomic_writer(path) as fh:
                count = export_json(self.session.store, fh) if fmt == "json" else export_csv(self.session.store, fh)
        except AnnotatorError as exc:
            self.show_error(str(exc))
            return
        self.statusBar().showMessage(f"{count} annotation{'s' if count != 1 else ''} exported to {path}.", 6000)

    def change_user(self) -> None:
        name, ok = QInputDialog.getText(self, "Annotator name", "Name recorded on your annotations:",
                                        text=self.session.user)
        if ok and name.strip():
            try:
                self.session.set_user(name.strip())
            except AnnotatorError as exc:
                self.show_error(str(exc))
                return
            self.settings.setValue("user", name.strip())
            self.label_bar.set_user(name.strip())

    # --------------------------------------------------------------------- view
    def zoom(self, delta: int) -> None:
        value = 0 if delta == 0 else self.panes[0].view.zoom() + delta
        value = max(-6, min(value, 16))
        for pane in self.panes:
            pane.view.set_zoom(value)
        self.settings.setValue("zoom", value)

    def show_shortcuts(self) -> None:
        ShortcutsDialog(A.shortcut_rows(self.label_bar.label_actions), self).exec()

    def show_about(self) -> None:
        QMessageBox.about(
            self, "About annotator",
            f"<b>annotator {__version__}</b><p>Annotate several reports of the same event side by side.</p>"
            f"<p>Project: {self.session.store.path}</p>",
        )

    def show_error(self, message: str) -> None:
        QMessageBox.warning(self, "annotator", message)

    # -------------------------------------------------------------------- state
    def _project_key(self) -> str:
        return "projects/" + str(Path(self.session.store.path)).replace("/", "|")

    def _restore_state(self) -> None:
        s = self.settings
        geometry = s.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        state = s.value("window_state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = s.value("splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([1, 1])
        zoom = int(s.value("zoom", 0) or 0)
        if zoom:
            for pane in self.panes:
                pane.view.set_zoom(zoom)
        docs = [d.id for d in self.session.store.documents()]
        remembered = [s.value(f"{self._project_key()}/left"), s.value(f"{self._project_key()}/right")]
        for index, doc_id in enumerate(remembered):
            if doc_id not in docs:
                doc_id = docs[index] if index < len(docs) else (docs[0] if docs else None)
            if doc_id:
                self.show_document(index, doc_id)
        self._update_actions()

    def save_state(self) -> None:
        s = self.settings
        s.setValue("geometry", self.saveGeometry())
        s.setValue("window_state", self.saveState())
        s.setValue("splitter", self.splitter.saveState())
        for index, side in enumerate(("left", "right")):
            if self.pane_document(index):
                s.setValue(f"{self._project_key()}/{side}", self.pane_document(index))
        s.sync()

    def closeEvent(self, event) -> None:
        self.save_state()
        super().closeEvent(event)
