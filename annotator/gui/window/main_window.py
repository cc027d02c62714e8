"""The main window: two document panes side by side, the label bar, the docks, the menus.

The window builds its parts and owns them: the panes' state
(:class:`~annotator.gui.window.pane_state.PaneState`), the spans on screen
(:class:`~annotator.gui.window.span_sync.SpanSync`), what decorates them
(:class:`~annotator.gui.window.overlays.Overlays`), the status line, and one
controller per area (:mod:`annotator.gui.controllers`), each built from those
parts and never from the window. Every signal is connected in the
``_connect_*`` methods called from :meth:`MainWindow._connect_signals`: read
them to see what a menu item, a key or a click does. Tagging lives here
(:meth:`MainWindow.apply_label` and its neighbours); see ``docs/architecture.md``
for the way a tag travels from the key press to the SQLite row and back to the paint.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QInputDialog, QLabel, QMainWindow, QMenu, QMessageBox, QSizePolicy, QSplitter, QVBoxLayout, QWidget,
)
from shiboken6 import isValid

from annotator import __version__
from annotator.core.errors import AnnotatorError
from annotator.gui import accessibility
from annotator.gui import actions as A
from annotator.gui.commands.annotations import short_quote
from annotator.gui.controllers import durability
from annotator.gui.controllers.codes import Codes
from annotator.gui.controllers.corpus import Corpus
from annotator.gui.controllers.crosssource import CrossSource, is_suggestion
from annotator.gui.controllers.files import Files
from annotator.gui.controllers.recent import RecentProjects
from annotator.gui.controllers.reports import Reports
from annotator.gui.controllers.retrieval import Retrieval
from annotator.gui.controllers.review import Review
from annotator.gui.controllers.tagging import Tagging
from annotator.gui.controllers.memos import Memos
from annotator.gui.controllers.model import ModelSuggestions
from annotator.gui.controllers.team import TeamSync
from annotator.gui.dialogs.agreement import AgreementDialog
from annotator.gui.dialogs.scheme_editor import SchemeEditor
from annotator.gui.dialogs.shortcuts import ShortcutsDialog
from annotator.gui.panels.annotation_list import AnnotationListDock
from annotator.gui.panels.annotators_dock import AnnotatorsDock
from annotator.gui.panels.document_pane import DocumentPane
from annotator.gui.panels.label_bar import LabelBar
from annotator.gui.panels.review_dock import ReviewDock
from annotator.gui.session import AnnotationDelta, ProjectSession
from annotator.gui.views.span_display import SpanDisplay
from annotator.gui.window.overlays import Overlays
from annotator.gui.window.pane_state import PaneState
from annotator.gui.window.project_guard import ProjectGuard
from annotator.gui.window.span_sync import SpanSync
from annotator.gui.window.status import Opener, Status, label_counts_text
from annotator.gui.window_fit import restore_geometry

RESTORE_BACKUP = "file.restore_backup"
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


class MainWindow(QMainWindow):
    def __init__(self, session: ProjectSession, settings: QSettings, open_project: Opener,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self._open_project = open_project
        self.setObjectName("main_window")
        self.setWindowTitle(f"{Path(session.store.path).name} — annotator")
        self.actions = A.create_actions(self)
        for action in self.actions.values():
            self.addAction(action)
        self.last_saved = "no changes yet"
        self._build_parts()
        self._build_docks()
        self._build_status_line()
        self._build_menus()
        self._connect_signals()
        self._reload_labels()
        self._reload_documents(first=True)
        self._restore_state()
        if session.store.readonly:
            self._mark_read_only()

    # ------------------------------------------------------------------ set-up
    def _build_parts(self) -> None:
        """The panes and the objects that own the window's state; the controllers built from them."""
        s = self.session
        self.panes = [DocumentPane("left_pane", self), DocumentPane("right_pane", self)]
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("panes")
        self.splitter.setChildrenCollapsible(False)
        for pane in self.panes:
            self.splitter.addWidget(pane)
            pane.view.setAcceptDrops(False)  # dropped files go to the window: they are documents to add
        self.pane_state = PaneState(s, self.panes, self)
        self.status = Status(self.statusBar(), self)
        self.display = SpanDisplay()
        self.overlays = Overlays(self)
        self.sync = SpanSync(s, self.pane_state, self.display, self.overlays, self.status, self)
        self.external = durability.ExternalChanges(s, self.pane_state, self.status)
        self.team = TeamSync(s, self.pane_state, self.status, self.external)  # inert unless joined to a team
        self.corpus = Corpus(s, self.pane_state, self.status)
        self.cross = CrossSource(s, self.pane_state, self.status, self.display, self.overlays)
        self.review_dock = ReviewDock(s, self)
        self.review = Review(s, self.pane_state, self.status, self.review_dock, self.display, self.overlays)
        self.files = Files(s, self.status, self._open_project, self.external.resync)
        self.recent = RecentProjects(self.settings, s.store.path, self.status, self._open_project)
        self.reports = Reports(s, self.pane_state, self.status, self.settings)
        self.retrieval = Retrieval(s, self.status)  # the Segments and Matrix docks (issue 22)
        self.memos = Memos(s, self.pane_state, self.status)
        self.model = ModelSuggestions(s, self.pane_state, self.status, self.display, self.overlays)  # issue 23
        self.tagging = Tagging(s, self.pane_state, self.status, self.sync, self.cross, self.model)
        self.codes = Codes(s, self.status, self.sync, self.tagging)  # the Codes dock
        self.guard = ProjectGuard(s, self, lambda path: self._open_project(str(path), True))

    def _build_docks(self) -> None:
        """The central column (banner, panes, find bar), the label bar and the docks, tabbed at the bottom."""
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.banner = QLabel(self)
        self.banner.setObjectName("project_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #F0E442; color: #000000; padding: 4px 8px; }")
        self.banner.hide()
        column.addWidget(self.banner)
        column.addWidget(self.splitter, 1)
        column.addWidget(self.corpus.find_bar)
        self.setCentralWidget(central)
        self.setAcceptDrops(True)
        self.label_bar = LabelBar(self)
        self.addToolBar(self.label_bar)
        self.label_bar.set_user(self.session.user)
        self.dock = AnnotationListDock(self.session, self)
        self.annotators_dock = AnnotatorsDock(self.session, self)
        self.addDockWidget(BOTTOM, self.dock)
        for dock in (self.annotators_dock, self.review_dock, self.reports.dock, *self.corpus.docks(),
                     *self.cross.docks(), *self.team.docks(), *self.retrieval.docks(), *self.codes.docks(),
                     *self.model.docks()):
            self.addDockWidget(BOTTOM, dock)
            self.tabifyDockWidget(self.dock, dock)
        self.review_dock.hide()
        self.reports.dock.hide()
        self.dock.raise_()

    def _build_status_line(self) -> None:
        self.status_counts = QLabel(self)
        self.status_counts.setObjectName("status_counts")
        # Its width comes from the status bar, not from its text: new counts after each tag must not
        # make the whole window lay itself out again (that cost ~10 ms per tag with a busy dock).
        self.status_counts.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # A normal widget, not a permanent one: a message (an export's, an import's) takes its place for a few
        # seconds. As a permanent widget with all the stretch it left messages no room at all.
        self.statusBar().addWidget(self.status_counts, 1)

    def _build_menus(self) -> None:
        a = self.actions
        self.actions[A.UNDO] = self._undo_action(a[A.UNDO], redo=False)
        self.actions[A.REDO] = self._undo_action(a[A.REDO], redo=True)
        restore = a[RESTORE_BACKUP] = QAction("Restore from &backup…", self)
        restore.setObjectName(RESTORE_BACKUP)
        restore.setStatusTip("Open one of this project's automatic backups in a new window")
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._fill(file_menu, A.NEW_PROJECT, A.OPEN_PROJECT)
        file_menu.addMenu(self.recent.menu)
        self._fill(file_menu, RESTORE_BACKUP, A.ADD_DOCUMENTS,
                   A.PASTE_DOCUMENT, None, A.IMPORT_SET, A.IMPORT_SET_AS, A.IMPORT_PROJECT, A.IMPORT_OTHER,
                   A.EXPORT_JSON, A.EXPORT_CSV, A.EXPORT_REPORT, A.EXPORT_OTHER, None, A.CHANGE_USER, None, A.QUIT)
        edit_menu = bar.addMenu("&Edit")
        self._fill(edit_menu, A.UNDO, A.REDO, None)
        self.tag_menu = edit_menu.addMenu("&Tag selection as")
        self._fill(edit_menu, A.PICK_LABEL)
        self.relabel_menu = edit_menu.addMenu("&Change label to")
        self._fill(edit_menu, A.DELETE_SPAN, A.EDIT_NOTE, A.EDIT_ATTRIBUTES, A.SET_BOUNDS, A.TAG_ALL, A.NEXT_SPAN,
                   A.PREVIOUS_SPAN, None, A.FIND, A.FIND_NEXT, A.FIND_PREVIOUS, A.CORPUS_SEARCH, None, A.LABEL_SCHEME)
        view_menu = bar.addMenu("&View")
        self._fill(view_menu, A.FOCUS_LEFT, A.FOCUS_RIGHT, None, A.ZOOM_IN, A.ZOOM_OUT, A.ZOOM_RESET, None,
                   A.SYNC_SCROLL, None)
        for dock in (self.dock, *self.corpus.docks(), self.annotators_dock, *self.cross.docks(), self.label_bar,
                     self.reports.dock, *self.team.docks(), *self.retrieval.docks(), *self.model.docks()):
            view_menu.addAction(dock.toggleViewAction())
        self.codes.fill_menu(view_menu)
        self._fill(view_menu, None, A.NEXT_AREA, A.PREVIOUS_AREA)
        view_menu.addMenu(self.reports.theme.menu(view_menu))
        review_menu = bar.addMenu("&Review")
        self._fill(review_menu, A.START_REVIEW, None, A.NEXT_ITEM, A.PREVIOUS_ITEM, None,
                   A.ACCEPT_SPAN, A.REJECT_SPAN, A.ACCEPT_AGREED, None, A.END_REVIEW)
        self.team.fill_menu(review_menu)  # Mark document done, blind coding: a project joined to a team only
        for key in (A.PREVIOUS_ITEM, A.NEXT_ITEM, A.ACCEPT_SPAN, A.REJECT_SPAN, A.ACCEPT_AGREED):
            self.review_dock.add_button(a[key])
        self._fill(analyse := bar.addMenu("&Analyse"), A.LINK_SPANS, A.MARK_LINK_SOURCE, None, A.SUGGEST, A.SHOW_SUGGESTIONS,
                   A.ACCEPT_SUGGESTION, A.ACCEPT_SUGGESTION_GROUP, A.ACCEPT_FIGURES, A.ACCEPT_ACTORS, A.ACCEPT_CLAIMS,
                   None, A.AGREEMENT, None,
                   A.REPORTS, None, A.PROJECT_MEMO, A.DOCUMENT_MEMO, A.CODE_MEMO)
        self.retrieval.fill_menu(analyse)
        self.model.fill_menus(review_menu, analyse, a)  # issue 23: model suggestions, pairs, evaluation
        self._fill(bar.addMenu("&Help"), A.USER_GUIDE, A.SHORTCUTS, A.ABOUT)
        accessibility.install(self)

    def _fill(self, menu: QMenu, *keys: str | None) -> None:
        """Add the actions named by ``keys`` to ``menu``; None is a separator."""
        for key in keys:
            menu.addSeparator() if key is None else menu.addAction(self.actions[key])

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

    # ------------------------------------------------------------------ signals: the one place they are connected
    def _connect_signals(self) -> None:
        self._connect_file_menu()
        self._connect_edit_menu()
        self._connect_view_menu()
        self._connect_review()
        self._connect_analyse_menu()
        self._connect_panes()
        self._connect_state()

    def _on(self, key: str, slot) -> None:
        self.actions[key].triggered.connect(slot)

    def _connect_file_menu(self) -> None:
        f, k, r = self.files, self.corpus, self.reports
        self._on(A.NEW_PROJECT, f.new_project)
        self._on(A.OPEN_PROJECT, f.open_project)
        self._on(RESTORE_BACKUP, lambda: durability.restore_from_backup(self.session, self, self._open_project))
        self._on(A.ADD_DOCUMENTS, k.add_from_dialog)
        self._on(A.PASTE_DOCUMENT, k.paste_document)
        self._on(A.IMPORT_SET, lambda: f.import_set(ask_name=False))
        self._on(A.IMPORT_SET_AS, lambda: f.import_set(ask_name=True))
        self._on(A.IMPORT_PROJECT, f.import_project)
        self._on(A.IMPORT_OTHER, f.import_other)
        self._on(A.EXPORT_JSON, lambda: f.export_set("json"))
        self._on(A.EXPORT_CSV, lambda: f.export_set("csv"))
        self._on(A.EXPORT_OTHER, f.export_other)
        self._on(A.EXPORT_REPORT, r.export_report)
        self._on(A.CHANGE_USER, self.change_user)
        self._on(A.QUIT, self.close)
        self._on(A.USER_GUIDE, r.show_guide)
        self._on(A.SHORTCUTS, self.show_shortcuts)
        self._on(A.ABOUT, self.show_about)

    def _connect_edit_menu(self) -> None:
        k = self.corpus
        t = self.tagging
        self._on(A.DELETE_SPAN, t.delete_selected_span)
        self._on(A.EDIT_NOTE, t.edit_note)
        self._on(A.EDIT_ATTRIBUTES, t.edit_attributes)
        self._on(A.SET_BOUNDS, t.set_bounds_to_selection)
        self._on(A.TAG_ALL, lambda: k.tag_all())
        self._on(A.PICK_LABEL, t.pick_label)
        self._on(A.NEXT_SPAN, lambda: self.pane_state.view().next_span())
        self._on(A.PREVIOUS_SPAN, lambda: self.pane_state.view().previous_span())
        self._on(A.FIND, k.find)
        self._on(A.FIND_NEXT, lambda: k.find_bar.step(+1))
        self._on(A.FIND_PREVIOUS, lambda: k.find_bar.step(-1))
        self._on(A.CORPUS_SEARCH, k.search.focus_query)
        self._on(A.LABEL_SCHEME, self.edit_scheme)
        self.label_bar.label_triggered.connect(self.apply_label)
        self.label_bar.more_requested.connect(self.tagging.pick_label)
        k.find_bar.tag_all_requested.connect(k.tag_all)
        k.library.open_requested.connect(k.open_document)
        k.library.edit_requested.connect(k.edit_document)
        k.library.delete_requested.connect(k.delete_document)
        k.search.hit_activated.connect(k.show_search_hit)
        k.search.annotation_activated.connect(self.jump_to_annotation)
        self.dock.annotation_activated.connect(self.jump_to_annotation)

    def _connect_view_menu(self) -> None:
        self._on(A.FOCUS_LEFT, lambda: self.pane_state.focus(0))
        self._on(A.FOCUS_RIGHT, lambda: self.pane_state.focus(1))
        self._on(A.ZOOM_IN, lambda: self.zoom(+1))
        self._on(A.ZOOM_OUT, lambda: self.zoom(-1))
        self._on(A.ZOOM_RESET, lambda: self.zoom(0))
        self._on(A.NEXT_AREA, lambda: accessibility.cycle_focus(self, +1))
        self._on(A.PREVIOUS_AREA, lambda: accessibility.cycle_focus(self, -1))
        self._on(A.REPORTS, self.show_reports)
        self.actions[A.SYNC_SCROLL].toggled.connect(self.cross.set_sync)
        self.actions[A.SYNC_SCROLL].toggled.connect(lambda on: self.settings.setValue("sync_scroll", on))
        self.annotators_dock.display_changed.connect(self._on_display_changed)
        self.reports.dock.annotation_activated.connect(self.jump_to_annotation)
        self.reports.dock.pair_activated.connect(self.cross.show_pair)

    def _connect_review(self) -> None:
        v = self.review
        self._on(A.START_REVIEW, v.start_review)
        self._on(A.NEXT_ITEM, lambda: self.review_dock.step(+1))
        self._on(A.PREVIOUS_ITEM, lambda: self.review_dock.step(-1))
        self._on(A.ACCEPT_SPAN, v.accept_span)
        self._on(A.REJECT_SPAN, v.reject_span)
        self._on(A.ACCEPT_AGREED, v.accept_agreed)
        self._on(A.END_REVIEW, v.end_review)
        self.review_dock.review_changed.connect(v.on_changed)
        self.review_dock.item_changed.connect(v.on_item)
        self.review_dock.visibilityChanged.connect(self._on_review_dock_visibility)
        v.state_changed.connect(self._update_actions)

    def _connect_analyse_menu(self) -> None:
        c = self.cross
        self._on(A.LINK_SPANS, c.link_spans)
        self._on(A.MARK_LINK_SOURCE, c.mark_link_source)
        self._on(A.SUGGEST, c.suggest_here)
        self._on(A.ACCEPT_SUGGESTION, lambda: self.tagging.activate_span(self.pane_state.active,
                                                                         self.pane_state.selected_span()))
        self._on(A.ACCEPT_SUGGESTION_GROUP, lambda: self.tagging.activate_span(
            self.pane_state.active, self.pane_state.selected_span(), every=True))
        self._on(A.ACCEPT_FIGURES, lambda: c.accept_all("Figure"))
        self._on(A.ACCEPT_ACTORS, lambda: c.accept_all("Actor"))
        self._on(A.ACCEPT_CLAIMS, lambda: c.accept_all("Claim"))
        self._on(A.AGREEMENT, self.show_agreement)
        self.actions[A.SHOW_SUGGESTIONS].toggled.connect(c.set_show_while_reading)
        self.actions[A.SHOW_SUGGESTIONS].toggled.connect(lambda on: self.settings.setValue("show_suggestions", on))
        c.links_dock.link_activated.connect(c.show_pair)
        c.links_dock.delete_requested.connect(c.delete_link)
        c.links_dock.note_requested.connect(c.edit_link_note)
        c.discrepancies_dock.link_activated.connect(c.show_pair)
        c.discrepancies_dock.export_requested.connect(c.export_discrepancies)
        c.claims_dock.annotation_activated.connect(self.jump_to_annotation)
        self.retrieval.segments.annotation_activated.connect(self.jump_to_annotation)
        self.codes.dock.segments_requested.connect(self.retrieval.segments.show_segments)  # a code's segments
        self.memos.connect(self.actions, self.corpus.search)
        self.model.connect(self.actions)
        self.label_bar.memo_requested.connect(self.memos.edit_label_memo)

    def _connect_panes(self) -> None:
        for index, pane in enumerate(self.panes):
            view = pane.view
            pane.document_chosen.connect(lambda doc_id, i=index: self.pane_state.show(i, doc_id))
            view.focused.connect(lambda i=index: self.pane_state.set_active(i))
            view.span_clicked.connect(lambda ann_id, i=index: self._on_span_clicked(i, ann_id))
            view.span_selected.connect(lambda ann_id, i=index: self._on_span_selected(i, ann_id))
            view.span_selected.connect(
                lambda ann_id, v=view: accessibility.describe_span(v, self.sync.annotation(ann_id)))
            view.span_activated.connect(lambda ann_id, i=index: self.tagging.activate_span(i, ann_id))
            view.span_activated_all.connect(lambda ann_id, i=index: self.tagging.activate_span(i, ann_id, True))
            view.scrolled.connect(lambda offset, i=index: self.cross.follow(i, offset))
            view.context_menu_requested.connect(lambda offset, pos, i=index: self._context_menu(i, offset, pos))

    def _connect_state(self) -> None:
        s = self.session
        s.annotations_changed.connect(self._on_annotations_changed)
        s.documents_changed.connect(self._reload_documents)
        s.labels_changed.connect(self._reload_labels)
        s.links_changed.connect(self._on_links_changed)
        s.error.connect(self.show_error)
        s.saved.connect(self._on_saved)
        s.detached.connect(self.guard.stop_writing)
        self.guard.detached.connect(self._on_detached)
        self.pane_state.document_shown.connect(self._on_document_shown)
        self.pane_state.active_changed.connect(self._update_actions)
        self.overlays.changed.connect(self._on_overlay_changed)
        self.sync.patched.connect(self._on_patched)

    # ---------------------------------------------------------------- helpers
    @property
    def active_pane(self) -> int:
        return self.pane_state.active

    @property
    def colors(self) -> dict[str, str]:
        """Label -> colour, in the scheme's order."""
        return self.sync.colors

    def pane_document(self, index: int) -> str | None:
        return self.pane_state.document(index)

    def show_document(self, index: int, doc_id: str) -> None:
        """Open a document in pane ``index`` (0 left, 1 right)."""
        self.pane_state.show(index, doc_id)

    def focus_pane(self, index: int) -> None:
        self.pane_state.focus(index)

    def _update_actions(self, *_) -> None:
        writable = self.session.writable
        selected = self.pane_state.selected_span()
        has_span = selected in self.sync.spans
        suggestion = is_suggestion(selected)
        self.actions[A.DELETE_SPAN].setEnabled(writable and (has_span or suggestion))
        for action in (A.ACCEPT_SUGGESTION, A.ACCEPT_SUGGESTION_GROUP):
            self.actions[action].setEnabled(writable and suggestion)
        for action in (A.LINK_SPANS, A.MARK_LINK_SOURCE, A.ACCEPT_FIGURES, A.ACCEPT_ACTORS, A.ACCEPT_CLAIMS):
            self.actions[action].setEnabled(writable)
        for action in (A.EDIT_NOTE, A.EDIT_ATTRIBUTES):
            self.actions[action].setEnabled(writable and has_span)
        self.relabel_menu.setEnabled(writable and has_span)
        for action in (A.ADD_DOCUMENTS, A.IMPORT_SET, A.IMPORT_SET_AS, A.IMPORT_PROJECT, A.IMPORT_OTHER, A.START_REVIEW):
            self.actions[action].setEnabled(writable)
        self.actions[A.SET_BOUNDS].setEnabled(writable and self.tagging.bounds_target in self.sync.spans)
        for action in (A.NEXT_ITEM, A.PREVIOUS_ITEM, A.END_REVIEW):
            self.actions[action].setEnabled(self.display.reviewing)
        decidable = self.review.decidable()
        self.actions[A.ACCEPT_SPAN].setEnabled(writable and decidable)
        self.actions[A.REJECT_SPAN].setEnabled(writable and decidable)
        self.actions[A.ACCEPT_AGREED].setEnabled(writable and self.review.has_agreed())

    # --------------------------------------------------------------- reloading
    def _reload_labels(self) -> None:
        labels = self.session.store.labels()
        self.sync.set_labels(labels)
        self.label_bar.set_labels([lb for lb in labels if lb.codable])  # a category tags nothing
        self.tagging.fill_label_menus(self.tag_menu, self.relabel_menu, self.label_bar.label_actions)
        self.sync.refresh_all()
        self._update_status()

    def _reload_documents(self, first: bool = False) -> None:
        docs = self.session.store.documents()
        ids = {d.id for d in docs}
        for index, pane in enumerate(self.panes):
            pane.set_documents(docs)
            if pane.document_id is not None and pane.document_id not in ids:  # deleted
                pane.document_id = None
                replacement = next((d.id for d in docs if d.id != self.pane_state.document(1 - index)), None)
                if replacement:
                    self.pane_state.show(index, replacement)
                else:
                    self.pane_state.clear(index)
        self.corpus.library.reload()
        if not first:  # a new dock has just read the store
            self.dock.reload()
        self._reload_annotators()
        self._update_status()
        self.cross.reload()

    def reload_views(self) -> None:
        """Re-read every view from the store: the panes' spans, the list, the annotators, the library, the counts."""
        self.sync.refresh_all()
        self.dock.reload()
        self._reload_annotators()
        self.corpus.library.reload()
        self._update_status()

    def _on_document_shown(self, index: int, doc_id: str) -> None:
        self.sync.refresh(index)
        self._update_status()
        self.cross.panes_changed()

    def _on_links_changed(self) -> None:
        self.cross.reload()
        self.cross.refresh_highlights()

    def _on_overlay_changed(self, doc_id: str) -> None:
        self.sync.refresh_document(doc_id)
        self._update_actions()

    def _on_annotations_changed(self, doc_id: str) -> None:
        delta = self.session.delta
        self.cross.invalidate(doc_id)
        if delta is not None and delta.document == doc_id and self.sync.patch(delta):
            return  # _on_patched follows
        if self.display.reviewing:
            self.review_dock.recompute(keep_row=True)  # re-renders the panes too
        self.sync.refresh_document(doc_id)
        self.dock.reload()
        self._reload_annotators()
        self.cross.reload()
        self.corpus.library.reload()
        self.dock.follow(self.pane_state.selected_span())
        self._update_status()
        self._update_actions()

    def _on_patched(self, delta: AnnotationDelta, labels: dict[str, int], annotators: dict[str, int]) -> None:
        """An edit was patched into the panes: the list and the counts follow by difference."""
        self.dock.apply_delta(delta.added, delta.changed, delta.removed)
        if not self.annotators_dock.adjust_counts(annotators):
            self._reload_annotators()
        self.corpus.library.model.adjust_counts(delta.document, labels)
        if delta.changed or delta.removed:  # labels and links feed the cross-source docks
            self.cross.reload()
        self.dock.follow(self.pane_state.selected_span())
        self._update_status()
        self._update_actions()

    def _on_saved(self, what: str) -> None:
        # In the counts label, not a status-bar message: a new message makes the status bar lay itself
        # out and repaint the window around it, ~10 ms per tag.
        self.last_saved = f"saved: {what}"
        self._update_status()

    def _update_status(self) -> None:
        shown = self.pane_state.shown()
        counts: Counter = self.sync.counts_on_screen()
        parts = [f"{len(shown)} document{'s' if len(shown) != 1 else ''}"]
        parts += [text for text in (label_counts_text(list(self.colors), counts),) if text]
        if self.guard.message is not None:
            parts.append("NOT SAVING: the project file went away")
        else:
            parts.append("read-only" if self.session.store.readonly else self.last_saved)
        self.status_counts.setText(" · ".join(parts))

    # ----------------------------------------------------------------- tagging
    def apply_label(self, label: str) -> None:
        """A label key or button: tag the text selection, or relabel the selected span (see Tagging.apply_label)."""
        self.tagging.apply_label(label)

    def _on_span_selected(self, index: int, ann_id: str) -> None:
        """Click, Tab or a jump selected a span (or none): follow it in the list and the actions."""
        self.tagging.remember_selected(ann_id)
        self.cross.on_span_selected(index, ann_id)
        if index == self.pane_state.active or ann_id:
            self.dock.follow(ann_id or None)
            self.review.on_span_selected(ann_id)
            self.pane_state.set_active(index)  # the actions follow

    def _context_menu(self, index: int, offset: int, global_pos: QPoint) -> None:
        menu = self.tagging.context_menu(index, offset, self.label_bar.label_actions)
        menu.popup(global_pos)
        self.context_menu = menu  # the menu shown last: a reference keeps it alive while it is shown

    def _on_span_clicked(self, index: int, ann_id: str) -> None:
        self.pane_state.set_active(index)
        ann = self.sync.annotation(ann_id)
        if ann:
            self.status.show(f"{ann.label}: '{short_quote(ann.quote, 80)}' · {ann.annotator}", 4000)

    def jump_to_annotation(self, ann_id: str) -> None:
        """Show the annotation's document (in the pane that has it, else the active one) and select it."""
        try:
            ann = self.session.store.annotation(ann_id)
        except AnnotatorError as exc:
            self.show_error(str(exc))
            return
        index = self.pane_state.show_near(ann.document)
        self.pane_state.set_active(index)
        self.panes[index].view.select_span(ann_id)
        self.panes[index].view.setFocus()
        self._update_actions()

    # ------------------------------------------------------------------- display
    def _reload_annotators(self) -> None:
        names = [a.id for a in self.session.store.annotators()]
        self.annotators_dock.reload({n: self.display.annotator_color(n, names) for n in names})

    def _on_display_changed(self) -> None:
        self.display.hidden = self.annotators_dock.hidden()
        self.display.color_by = self.annotators_dock.color_by()
        self.sync.refresh_all()

    def _on_review_dock_visibility(self, visible: bool) -> None:
        self.review.on_visibility(visible, isValid(self) and self.isVisible())

    def show_reports(self) -> None:
        dock = self.reports.dock
        dock.show()
        dock.raise_()
        if self.dockWidgetArea(dock) in (BOTTOM, Qt.DockWidgetArea.TopDockWidgetArea):
            # Leave the panes most of the height, on a small screen too.
            height = min(dock.height(), max(dock.minimumSizeHint().height(), int(self.height() * 0.4)))
            self.resizeDocks([dock], [height], Qt.Orientation.Vertical)
        dock.tabs.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def edit_scheme(self) -> None:
        SchemeEditor(self.session, self).exec()

    def show_agreement(self) -> None:
        AgreementDialog(self.session, self).exec()

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self.corpus.dropped_paths(event.mimeData()) and self.session.writable:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt override)
        paths = self.corpus.dropped_paths(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.corpus.add_paths(paths)

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
        self.status.error(message)

    def _mark_read_only(self) -> None:
        """A read-only project: a banner says so, and every editing action is disabled for good."""
        self.banner.setText(durability.read_only_message(Path(self.session.store.path)))
        self.banner.show()
        for name in durability.EDITING:
            self.actions[name].setEnabled(False)
        self._disable_tagging()
        self.statusBar().showMessage("This project is read-only: you can read and export, not tag.")

    def _disable_tagging(self) -> None:
        self.relabel_menu.setEnabled(False)
        self.label_bar.setEnabled(False)
        self.actions[A.PICK_LABEL].setEnabled(False)
        for action in self.label_bar.label_actions:
            action.setEnabled(False)

    def _on_detached(self, message: str) -> None:
        """The project's files went away: stop editing, and say so where it stays visible."""
        self.banner.setText(message + " (File > Save a copy…)")
        self.banner.show()
        self._disable_tagging()
        self._update_actions()
        self._update_status()

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
        self._show_remembered_documents()
        self._update_actions()

    def _show_remembered_documents(self) -> None:
        """Each pane shows the document it showed last time (if still there), else the next one."""
        s = self.settings
        docs = [d.id for d in self.session.store.documents()]
        remembered = [s.value(f"{self._project_key()}/left"), s.value(f"{self._project_key()}/right")]
        for index, doc_id in enumerate(remembered):
            if doc_id not in docs:
                doc_id = docs[index] if index < len(docs) else (docs[0] if docs else None)
            if doc_id:
                self.pane_state.show(index, doc_id)

    def save_state(self) -> None:
        s = self.settings
        s.setValue("geometry", self.saveGeometry())
        s.setValue("window_state", self.saveState())
        s.setValue("splitter", self.splitter.saveState())
        for index, side in enumerate(("left", "right")):
            if self.pane_state.document(index):
                s.setValue(f"{self._project_key()}/{side}", self.pane_state.document(index))
        s.sync()

    def closeEvent(self, event) -> None:
        self.guard.stop()
        self.external.stop()
        self.team.stop()
        for pane in self.panes:
            pane.view.stop_loading()
        self.dock.stop()
        self.review_dock.visibilityChanged.disconnect(self._on_review_dock_visibility)
        self.save_state()
        super().closeEvent(event)
