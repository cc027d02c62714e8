"""The main window: two document panes side by side, the label bar, the annotation dock, menus.

All signal wiring lives in :meth:`MainWindow._connect_signals`. Slots turn
gestures into commands (:mod:`annotator.gui.commands`) and views repaint from
the store when the session announces a change.
"""

from __future__ import annotations

from collections import ChainMap, Counter
from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QSettings, Qt
from PySide6.QtWidgets import (
    QInputDialog, QLabel, QMainWindow, QMenu, QMessageBox, QSizePolicy, QSplitter, QVBoxLayout, QWidget,
)

from annotator import __version__
from annotator.core.errors import AnnotatorError
from annotator.core.model import Annotation, SpanRow
from annotator.gui import actions as A
from annotator.gui import file_actions
from annotator.gui.corpus_actions import Corpus
from annotator.gui.crosssource_actions import CrossSource, is_suggestion
from annotator.gui.project_guard import ProjectGuard
from annotator.gui.reports_actions import Reports
from annotator.gui.review_actions import Review
from annotator.gui.window_fit import restore_geometry
from annotator.gui.commands import (
    AdjustBounds, CreateAnnotation, DeleteAnnotation, EditAnnotation, short_quote,
)
from annotator.gui.dialogs.note_dialog import NoteDialog
from annotator.gui.dialogs.shortcuts import ShortcutsDialog
from annotator.gui.panels.annotation_list import AnnotationListDock
from annotator.gui.panels.annotators_dock import AnnotatorsDock
from annotator.gui.panels.document_pane import DocumentPane
from annotator.gui.panels.label_bar import LabelBar
from annotator.gui.panels.review_dock import ReviewDock
from annotator.gui.session import ProjectSession
from annotator.gui.span_display import SpanDisplay
from annotator.gui.span_sync import SpanSync


class MainWindow(SpanSync, QMainWindow):
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
        self.doc_spans: dict[str, dict[str, SpanRow]] = {}  # per document on screen: id -> light row
        self.spans: ChainMap = ChainMap()  # every span on screen by id: a view over doc_spans
        self.label_counts: dict[str, Counter] = {}  # per document on screen: label -> annotations
        self.last_saved = "no changes yet"

        self.panes = [DocumentPane("left_pane", self), DocumentPane("right_pane", self)]
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("panes")
        self.splitter.setChildrenCollapsible(False)
        for pane in self.panes:
            self.splitter.addWidget(pane)
            pane.view.setAcceptDrops(False)  # dropped files go to the window: they are documents to add
        self.corpus = Corpus(self)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.splitter, 1)
        column.addWidget(self.corpus.find_bar)
        self.setCentralWidget(central)
        self.setAcceptDrops(True)

        self.label_bar = LabelBar(self)
        self.addToolBar(self.label_bar)
        self.label_bar.set_user(session.user)
        self.display = SpanDisplay()
        self.bounds_target: str | None = None  # the span "Set bounds to selection" moves
        self.dock = AnnotationListDock(session, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.annotators_dock = AnnotatorsDock(session, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.annotators_dock)
        self.review_dock = ReviewDock(session, self)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.review_dock)
        self.tabifyDockWidget(self.dock, self.annotators_dock)
        self.tabifyDockWidget(self.dock, self.review_dock)
        self.cross = CrossSource(self)
        self.review = Review(self)
        self.reports = Reports(self)
        for dock in (*self.corpus.docks(), *self.cross.docks()):
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            self.tabifyDockWidget(self.dock, dock)
        self.review_dock.hide()
        self.dock.raise_()
        self.status_counts = QLabel(self)
        self.status_counts.setObjectName("status_counts")
        # Its width comes from the status bar, not from its text: new counts after each tag must not
        # make the whole window lay itself out again (that cost ~10 ms per tag with a busy dock).
        self.status_counts.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # A normal widget, not a permanent one: a message (an export's, an import's) takes its place for a few
        # seconds. As a permanent widget with all the stretch it left messages no room at all.
        self.statusBar().addWidget(self.status_counts, 1)

        self.banner = QLabel(self)
        self.banner.setObjectName("project_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #F0E442; color: #000000; padding: 4px 8px; }")
        self.banner.hide()
        column.insertWidget(0, self.banner)
        self.guard = ProjectGuard(session, self, self._open_rescued_copy)

        self._build_menus()
        self._connect_signals()
        self._reload_labels()
        self._reload_documents(first=True)
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
        for key in (A.NEW_PROJECT, A.OPEN_PROJECT, A.ADD_DOCUMENTS, A.PASTE_DOCUMENT, None, A.IMPORT_SET, A.IMPORT_SET_AS, A.IMPORT_PROJECT,
                    A.IMPORT_OTHER, A.EXPORT_JSON, A.EXPORT_CSV, A.EXPORT_OTHER, None, A.CHANGE_USER, None, A.QUIT):
            file_menu.addSeparator() if key is None else file_menu.addAction(a[key])
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.actions[A.UNDO])
        edit_menu.addAction(self.actions[A.REDO])
        edit_menu.addSeparator()
        self.tag_menu = edit_menu.addMenu("&Tag selection as")
        self.relabel_menu = edit_menu.addMenu("&Change label to")
        for key in (A.DELETE_SPAN, A.EDIT_NOTE, A.SET_BOUNDS, A.TAG_ALL, A.NEXT_SPAN, A.PREVIOUS_SPAN, None,
                    A.FIND, A.FIND_NEXT, A.FIND_PREVIOUS, A.CORPUS_SEARCH, None, A.LABEL_SCHEME):
            edit_menu.addSeparator() if key is None else edit_menu.addAction(a[key])
        view_menu = bar.addMenu("&View")
        for key in (A.FOCUS_LEFT, A.FOCUS_RIGHT, None, A.ZOOM_IN, A.ZOOM_OUT, A.ZOOM_RESET, None):
            view_menu.addSeparator() if key is None else view_menu.addAction(a[key])
        view_menu.addAction(a[A.SYNC_SCROLL])
        view_menu.addSeparator()
        for dock in (self.dock, *self.corpus.docks(), self.annotators_dock, *self.cross.docks(), self.label_bar):
            view_menu.addAction(dock.toggleViewAction())
        review_menu = bar.addMenu("&Review")
        for key in (A.START_REVIEW, None, A.NEXT_ITEM, A.PREVIOUS_ITEM, None, A.ACCEPT_SPAN, A.REJECT_SPAN,
                    A.ACCEPT_AGREED, None, A.END_REVIEW):
            review_menu.addSeparator() if key is None else review_menu.addAction(a[key])
        for key in (A.PREVIOUS_ITEM, A.NEXT_ITEM, A.ACCEPT_SPAN, A.REJECT_SPAN, A.ACCEPT_AGREED):
            self.review_dock.add_button(a[key])
        analyse_menu = bar.addMenu("&Analyse")
        for key in (A.LINK_SPANS, A.MARK_LINK_SOURCE, None, A.SUGGEST, A.SHOW_SUGGESTIONS, A.ACCEPT_SUGGESTION,
                    A.ACCEPT_FIGURES, A.ACCEPT_ACTORS, A.ACCEPT_CLAIMS, None, A.AGREEMENT):
            analyse_menu.addSeparator() if key is None else analyse_menu.addAction(a[key])
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(a[A.SHORTCUTS])
        help_menu.addAction(a[A.ABOUT])
        self.reports.install(file_menu, view_menu, analyse_menu, help_menu)

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
        a[A.NEW_PROJECT].triggered.connect(lambda: file_actions.new_project(self))
        a[A.OPEN_PROJECT].triggered.connect(lambda: file_actions.open_project(self))
        k = self.corpus
        a[A.ADD_DOCUMENTS].triggered.connect(k.add_from_dialog)
        a[A.PASTE_DOCUMENT].triggered.connect(k.paste_document)
        a[A.TAG_ALL].triggered.connect(lambda: k.tag_all())
        a[A.FIND].triggered.connect(k.find)
        a[A.FIND_NEXT].triggered.connect(lambda: k.find_bar.step(+1))
        a[A.FIND_PREVIOUS].triggered.connect(lambda: k.find_bar.step(-1))
        a[A.CORPUS_SEARCH].triggered.connect(k.search.focus_query)
        a[A.LABEL_SCHEME].triggered.connect(self.edit_scheme)
        k.find_bar.tag_all_requested.connect(k.tag_all)
        k.library.open_requested.connect(k.open_document)
        k.library.edit_requested.connect(k.edit_document)
        k.library.delete_requested.connect(k.delete_document)
        k.search.hit_activated.connect(k.show_search_hit)
        k.search.annotation_activated.connect(self.jump_to_annotation)
        a[A.IMPORT_SET].triggered.connect(lambda: file_actions.import_set(self, ask_name=False))
        a[A.IMPORT_SET_AS].triggered.connect(lambda: file_actions.import_set(self, ask_name=True))
        a[A.IMPORT_PROJECT].triggered.connect(lambda: file_actions.import_project(self))
        a[A.EXPORT_JSON].triggered.connect(lambda: file_actions.export_set(self, "json"))
        a[A.EXPORT_CSV].triggered.connect(lambda: file_actions.export_set(self, "csv"))
        a[A.IMPORT_OTHER].triggered.connect(lambda: file_actions.import_other(self))
        a[A.EXPORT_OTHER].triggered.connect(lambda: file_actions.export_other(self))
        a[A.SET_BOUNDS].triggered.connect(self.set_bounds_to_selection)
        a[A.START_REVIEW].triggered.connect(self.review.start_review)
        a[A.NEXT_ITEM].triggered.connect(lambda: self.review_dock.step(+1))
        a[A.PREVIOUS_ITEM].triggered.connect(lambda: self.review_dock.step(-1))
        a[A.ACCEPT_SPAN].triggered.connect(self.review.accept_span)
        a[A.REJECT_SPAN].triggered.connect(self.review.reject_span)
        a[A.ACCEPT_AGREED].triggered.connect(self.review.accept_agreed)
        a[A.END_REVIEW].triggered.connect(self.review.end_review)
        a[A.AGREEMENT].triggered.connect(self.show_agreement)
        c = self.cross
        a[A.LINK_SPANS].triggered.connect(c.link_spans)
        a[A.MARK_LINK_SOURCE].triggered.connect(c.mark_link_source)
        a[A.SUGGEST].triggered.connect(c.suggest_here)
        a[A.SHOW_SUGGESTIONS].toggled.connect(c.set_show_while_reading)
        a[A.ACCEPT_SUGGESTION].triggered.connect(lambda: self._activate_span(self.active_pane, self.view().selected_span()))
        a[A.ACCEPT_FIGURES].triggered.connect(lambda: c.accept_all("Figure"))
        a[A.ACCEPT_ACTORS].triggered.connect(lambda: c.accept_all("Actor"))
        a[A.ACCEPT_CLAIMS].triggered.connect(lambda: c.accept_all("Claim"))
        a[A.SYNC_SCROLL].toggled.connect(c.set_sync)
        c.links_dock.link_activated.connect(c.show_pair)
        c.links_dock.delete_requested.connect(c.delete_link)
        c.links_dock.note_requested.connect(c.edit_link_note)
        c.discrepancies_dock.link_activated.connect(c.show_pair)
        c.discrepancies_dock.export_requested.connect(c.export_discrepancies)
        c.claims_dock.annotation_activated.connect(self.jump_to_annotation)
        s.links_changed.connect(self._on_links_changed)
        self.annotators_dock.display_changed.connect(self._on_display_changed)
        self.review_dock.review_changed.connect(self.review.on_changed)
        self.review_dock.item_changed.connect(self.review.on_item)
        self.review_dock.visibilityChanged.connect(self.review.on_visibility)
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
            pane.view.span_activated.connect(lambda ann_id, i=index: self._activate_span(i, ann_id))
            pane.view.scrolled.connect(lambda offset, i=index: self.cross.follow(i, offset))
            pane.view.context_menu_requested.connect(lambda offset, pos, i=index: self._context_menu(i, offset, pos))
        s.annotations_changed.connect(self._on_annotations_changed)
        s.documents_changed.connect(self._reload_documents)
        s.labels_changed.connect(self._reload_labels)
        s.error.connect(self.show_error)
        s.saved.connect(self._on_saved)
        self.guard.detached.connect(self._on_detached)

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

    def annotation(self, ann_id: str | None) -> Annotation | None:
        """The full record of an annotation shown in a pane, read from the store (None if not on screen)."""
        if not ann_id or ann_id not in self.spans:
            return None
        try:
            return self.session.store.annotation(ann_id)
        except AnnotatorError:
            return None

    def selected_annotation(self) -> Annotation | None:
        return self.annotation(self.view().selected_span())

    def _update_actions(self) -> None:
        writable = self.session.writable
        has_span = self.view().selected_span() in self.spans
        suggestion = is_suggestion(self.view().selected_span())
        self.actions[A.DELETE_SPAN].setEnabled(writable and (has_span or suggestion))
        self.actions[A.ACCEPT_SUGGESTION].setEnabled(writable and suggestion)
        for action in (A.LINK_SPANS, A.MARK_LINK_SOURCE, A.ACCEPT_FIGURES, A.ACCEPT_ACTORS, A.ACCEPT_CLAIMS):
            self.actions[action].setEnabled(writable)
        self.actions[A.EDIT_NOTE].setEnabled(writable and has_span)
        self.relabel_menu.setEnabled(writable and has_span)
        for action in (A.ADD_DOCUMENTS, A.IMPORT_SET, A.IMPORT_SET_AS, A.IMPORT_PROJECT, A.IMPORT_OTHER, A.START_REVIEW):
            self.actions[action].setEnabled(writable)
        self.actions[A.SET_BOUNDS].setEnabled(writable and self.bounds_target in self.spans)
        reviewing = self.reviewing()
        current = self.review_dock.current() if reviewing else None
        for action in (A.NEXT_ITEM, A.PREVIOUS_ITEM, A.END_REVIEW):
            self.actions[action].setEnabled(reviewing)
        decidable = current is not None or (reviewing and self.review_dock.item_of(self.view().selected_span()) is not None)
        self.actions[A.ACCEPT_SPAN].setEnabled(writable and decidable)
        self.actions[A.REJECT_SPAN].setEnabled(writable and decidable)
        self.actions[A.ACCEPT_AGREED].setEnabled(
            writable and reviewing and any(g.category == "agreed" for g in self.review_dock.items)
        )

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

    def _reload_documents(self, first: bool = False) -> None:
        docs = self.session.store.documents()
        ids = {d.id for d in docs}
        for index, pane in enumerate(self.panes):
            pane.set_documents(docs)
            if pane.document_id is not None and pane.document_id not in ids:  # deleted
                pane.document_id = None
                replacement = next((d.id for d in docs if d.id != self.pane_document(1 - index)), None)
                if replacement:
                    self.show_document(index, replacement)
                else:
                    pane.view.set_document("")
        self.corpus.library.reload()
        if not first:  # a new dock has just read the store
            self.dock.reload()
        self._reload_annotators()
        self._update_status()
        self.cross.reload()

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
        self.cross.panes_changed()

    def _on_links_changed(self) -> None:
        self.cross.reload()
        self.cross.refresh_highlights()

    def _on_annotations_changed(self, doc_id: str) -> None:
        delta = self.session.delta
        if delta is not None and delta.document == doc_id and self._patch(delta):
            return
        self.cross.invalidate(doc_id)
        if self.reviewing():
            self.review_dock.recompute(keep_row=True)  # re-renders the panes too
        for index in range(len(self.panes)):
            if self.pane_document(index) == doc_id:
                self._refresh_spans(index)
        self.dock.reload()
        self._reload_annotators()
        self.cross.reload()
        self.corpus.library.reload()
        self.dock.follow(self.view().selected_span())
        self._update_status()
        self._update_actions()

    def _on_saved(self, what: str) -> None:
        # In the counts label, not a status-bar message: a new message makes the status bar lay itself
        # out and repaint the window around it, ~10 ms per tag.
        self.last_saved = f"saved: {what}"
        self._update_status()

    def _update_status(self) -> None:
        shown = sorted({d for d in (self.pane_document(i) for i in range(len(self.panes))) if d})
        counts: Counter = Counter()
        for doc_id in shown:
            counts.update(self.label_counts.get(doc_id, {}))
        parts = [f"{len(shown)} document{'s' if len(shown) != 1 else ''}"]
        parts += [f"{name} {counts.get(name, 0)}" for name in self.colors]
        if self.guard.message is not None:
            parts.append("NOT SAVING: the project file went away")
        else:
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
        if start == end and is_suggestion(view.selected_span()):
            self.cross.accept(self.active_pane, view.selected_span(), label)
            return
        if start == end:
            if self.selected_annotation() is not None:
                self.relabel_selected(label)
            else:
                self.statusBar().showMessage("Select some text first, then press a label key.", 4000)
            return
        command = CreateAnnotation(self.session, doc_id, label, start, end, view.text()[start:end], view.text())
        if self.session.perform(command):
            view.select_span(command.annotation.id, scroll=False)
            self._update_actions()

    def relabel_selected(self, label: str) -> None:
        ann = self.selected_annotation()
        if ann is None or ann.label == label:
            return
        self.session.perform(EditAnnotation(self.session, ann, "label", label))

    def _activate_span(self, index: int, span_id: str | None) -> None:
        """Enter on a span: accept it if it is a suggestion."""
        if is_suggestion(span_id):
            self.cross.accept(index, span_id)

    def delete_selected_span(self) -> None:
        if is_suggestion(self.view().selected_span()):
            self.cross.reject(self.active_pane, self.view().selected_span())
            return
        ann = self.selected_annotation()
        if ann is None:
            self.statusBar().showMessage("Click a span to select it, then press Delete.", 4000)
            return
        self.session.perform(DeleteAnnotation(self.session, ann))

    def edit_note(self) -> None:
        ann = self.selected_annotation()
        if ann is None:
            self.statusBar().showMessage("Click a span to select it, then press N to write a note.", 4000)
            return
        note, ok = NoteDialog.get_note(
            self, "Note", f"Note on {ann.label} '{short_quote(ann.quote)}':", ann.note
        )
        if ok and note != ann.note:
            self.session.perform(EditAnnotation(self.session, ann, "note", note))

    def _on_span_selected(self, index: int, ann_id: str) -> None:
        """Click, Tab or a jump selected a span (or none): follow it in the list and the actions."""
        if ann_id and not is_suggestion(ann_id):
            self.bounds_target = ann_id
        self.cross.on_span_selected(index, ann_id)
        if index == self.active_pane or ann_id:
            self.active_pane = index
            self.dock.follow(ann_id or None)
            self.review.on_span_selected(ann_id)
            self._update_actions()

    def _on_span_clicked(self, index: int, ann_id: str) -> None:
        self._set_active(index)
        ann = self.annotation(ann_id)
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
            ann = self.annotation(ann_id)
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

    def set_bounds_to_selection(self) -> None:
        """Edit > Set span bounds to selection: move the last selected span to the selected text."""
        ann = self.annotation(self.bounds_target)
        start, end = self.view().selection_range()
        if ann is None or start == end:
            self.statusBar().showMessage("Click a span, then select the text it should cover, then press Ctrl+B.", 5000)
            return
        if self.pane_document(self.active_pane) != ann.document:
            self.statusBar().showMessage("Select the new bounds in the span's own document.", 5000)
            return
        if self.session.perform(AdjustBounds(self.session, ann, start, end, self.view().text()[start:end])):
            self.view().select_span(ann.id, scroll=False)

    # ------------------------------------------------------------------- display
    def _reload_annotators(self) -> None:
        names = [a.id for a in self.session.store.annotators()]
        self.annotators_dock.reload({n: self.display.annotator_color(n, names) for n in names})

    def _on_display_changed(self) -> None:
        self.display.hidden = self.annotators_dock.hidden()
        self.display.color_by = self.annotators_dock.color_by()
        for index in range(len(self.panes)):
            self._refresh_spans(index)

    # -------------------------------------------------------------------- review
    def reviewing(self) -> bool:
        return self.display.review_annotators is not None

    def edit_scheme(self) -> None:
        from annotator.gui.dialogs.scheme_editor import SchemeEditor

        SchemeEditor(self.session, self).exec()

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self.corpus.dropped_paths(event.mimeData()) and self.session.writable:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt override)
        paths = self.corpus.dropped_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.corpus.add_paths(paths)

    def show_agreement(self) -> None:
        from annotator.gui.dialogs.agreement import AgreementDialog

        AgreementDialog(self.session, self).exec()

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

    def _on_detached(self, message: str) -> None:
        """The project's files went away: stop editing, and say so where it stays visible."""
        self.banner.setText(message + " (File > Save a copy…)")
        self.banner.show()
        self.label_bar.setEnabled(False)
        for action in self.label_bar.label_actions:
            action.setEnabled(False)
        self._update_actions()
        self._update_status()

    def _open_rescued_copy(self, path: Path) -> bool:
        """Open a copy saved after the project's files went away, in place of this window."""
        from annotator.gui.app import open_window

        opened = open_window(str(path), self.settings, self.session.user)
        if opened is not None:
            self.close()
        return opened is not None

    # -------------------------------------------------------------------- state
    def _project_key(self) -> str:
        return "projects/" + str(Path(self.session.store.path)).replace("/", "|")

    def _restore_state(self) -> None:
        s = self.settings
        restore_geometry(self, s.value("geometry"))  # only where it still fits the screens
        state = s.value("window_state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = s.value("splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([1, 1])
        for key, action in (("show_suggestions", A.SHOW_SUGGESTIONS), ("sync_scroll", A.SYNC_SCROLL)):
            self.actions[action].setChecked(str(s.value(key, "false")).lower() == "true")
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
        self.guard.stop()
        for pane in self.panes:
            pane.view.stop_loading()
        self.dock.stop()
        self.review_dock.visibilityChanged.disconnect(self.review.on_visibility)
        self.save_state()
        super().closeEvent(event)
