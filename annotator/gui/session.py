"""The open project as the GUI sees it: the store, the undo stack, the analyst, and change signals.

Views never write to the database: gestures become :mod:`annotator.gui.commands`
pushed through :meth:`ProjectSession.perform`; commands call Store methods and
then the ``*_changed`` signals tell views to repaint from the store.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core.errors import AnnotatorError
from annotator.core.store import Store


class ProjectSession(QObject):
    #: Annotations of one document changed (created, deleted, edited); argument: document id.
    annotations_changed = Signal(str)
    #: Documents were added or their metadata changed.
    documents_changed = Signal()
    #: The label scheme changed.
    labels_changed = Signal()
    #: Links between spans were added or removed.
    links_changed = Signal()
    #: An operation was refused or failed; argument: a message for the analyst.
    error = Signal(str)
    #: A change reached the project file; argument: a short description.
    saved = Signal(str)

    def __init__(self, store: Store, user: str, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.user = user
        self.undo_stack = QUndoStack(self)
        if not store.readonly:
            store.ensure_annotator(user)

    def perform(self, command: QUndoCommand) -> bool:
        """Run ``command`` once; on success put it on the undo stack, on failure report and drop it."""
        try:
            command.apply()
        except AnnotatorError as exc:
            self.error.emit(str(exc))
            return False
        command.applied = True
        self.undo_stack.push(command)
        return True

    def set_user(self, user: str) -> None:
        self.store.ensure_annotator(user)
        self.user = user

    def close(self) -> None:
        self.undo_stack.clear()
        self.store.close()
