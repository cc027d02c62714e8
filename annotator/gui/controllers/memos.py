"""Memos in the window: Analyse > Project memo…, Memo on this document…, Memo on a code…; a memo that
Search all documents found opens here too.

Each edit is an :class:`~annotator.gui.commands.memos.EditMemo` run through ``session.perform`` (one undoable
step); the editor is :class:`~annotator.gui.dialogs.memo_dialog.MemoDialog` (Ctrl+Enter saves, Esc cancels).
The scheme editor's Memo… button writes a label's memo the same way.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog

from annotator.core.errors import AnnotatorError
from annotator.core.store.memos import memo_title
from annotator.gui import actions as A
from annotator.gui.commands.memos import EditMemo
from annotator.gui.dialogs.memo_dialog import MemoDialog
from annotator.gui.panels.search_dock import SearchDock
from annotator.gui.window.pane_state import PaneState
from annotator.gui.window.status import Status


class Memos:
    """Opens the memo editor for the project, a document or a label, and performs what it saves."""

    def __init__(self, session, panes: PaneState, status: Status):
        self.session = session
        self.panes = panes
        self.status = status

    def connect(self, actions: dict[str, QAction], search: SearchDock) -> None:
        """Answer the Analyse menu's memo entries and the memo hits of the Search dock."""
        actions[A.PROJECT_MEMO].triggered.connect(self.edit_project_memo)
        actions[A.DOCUMENT_MEMO].triggered.connect(lambda: self.edit_document_memo())
        actions[A.CODE_MEMO].triggered.connect(lambda: self.edit_label_memo())
        search.memo_activated.connect(self.open_memo)

    def open_memo(self, kind: str, owner: str) -> None:
        """The memo editor of a document (``owner``: its id), a label (its name) or the project."""
        if kind == "project":
            self.edit_project_memo()
        elif kind == "document":
            self.edit_document_memo(owner)
        else:
            self.edit_label_memo(owner)

    def edit_project_memo(self) -> None:
        self._edit("project", "", "", "the project")

    def edit_document_memo(self, doc_id: str | None = None) -> None:
        """The memo of ``doc_id``, or of the document the active pane shows."""
        doc_id = doc_id or self.panes.document()
        if doc_id is None:
            self.status.show("Open a document first: its memo is written from the pane that shows it.")
            return
        try:
            title = self.session.store.document(doc_id).title
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        self._edit("document", doc_id, title, f"the document {title}")

    def edit_label_memo(self, name: str | None = None) -> None:
        """The memo of the label ``name``; without one, the label asked for (the selected span's first)."""
        if name is None:
            name = self._ask_label()
            if name is None:
                return
        self._edit("label", name, name, f"the code {name}")

    def _ask_label(self) -> str | None:
        store = self.session.store
        names = [lb.name for lb in store.labels()]
        span = self.panes.selected_span()
        current = store.annotation(span).label if span else None
        first = names.index(current) if current in names else 0
        name, ok = QInputDialog.getItem(self.status.dialog_parent, "Memo on a code", "The memo of which label?",
                                        names, first, False)
        return name if ok and name else None

    def _edit(self, kind: str, owner: str, name: str, what: str) -> None:
        try:
            old = self.session.store.memo(kind, owner)
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        text, saved = MemoDialog.get_memo(self.status.dialog_parent, memo_title(kind, name), what, old)
        if not saved:
            return
        try:
            command = EditMemo(self.session, kind, owner, text, name)
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        if not command.is_noop():
            self.session.perform(command)
