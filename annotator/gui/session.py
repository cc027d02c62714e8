"""The open project as the GUI sees it: the store, the undo stack, the analyst, and change signals.

Views never write to the database: gestures become :mod:`annotator.gui.commands.annotations`
pushed through :meth:`ProjectSession.perform`; commands call Store methods and
then announce the change through this session, the one way changes are told:
:meth:`ProjectSession.announce` (annotations of a document),
:meth:`~ProjectSession.announce_documents`, :meth:`~ProjectSession.announce_labels`,
:meth:`~ProjectSession.announce_links`, :meth:`~ProjectSession.announce_memo`. Their ``*_changed`` signals tell views
to repaint from the store; nothing else emits them.

An edit of a few annotations also says *which* ones changed
(:class:`AnnotationDelta`, readable as ``session.delta`` while
``annotations_changed`` is being emitted), so views re-read just those rows
instead of the whole document: that keeps tagging instant in a document with
50,000 annotations. A change without a delta means "re-read everything".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core.errors import AnnotatorError, ProjectDetachedError, ProjectLockedError
from annotator.core.store import Store


@dataclass(frozen=True)
class AnnotationDelta:
    """Which annotations of one document an edit created (or restored), changed, or removed."""

    document: str
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


class ProjectSession(QObject):
    #: Annotations of one document changed (created, deleted, edited); argument: document id.
    annotations_changed = Signal(str)
    #: Documents were added or their metadata changed.
    documents_changed = Signal()
    #: The label scheme changed.
    labels_changed = Signal()
    #: Links between spans were added or removed.
    links_changed = Signal()
    #: A memo was written; arguments: whose (``document``, ``label`` or ``project``) and its owner (a document's
    #: id, a label's name, '' for the project).
    memos_changed = Signal(str, str)
    #: An operation was refused or failed; argument: a message for the analyst.
    error = Signal(str)
    #: A change reached the project file (its commit returned); argument: a short description.
    saved = Signal(str)
    #: The project's files were deleted or replaced on disk: nothing more can be saved; argument: why.
    detached = Signal(str)

    def __init__(self, store: Store, user: str, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.user = user
        self.undo_stack = QUndoStack(self)
        #: The delta of the ``annotations_changed`` being emitted, if the edit gave one; None otherwise.
        self.delta: AnnotationDelta | None = None
        #: False when nothing may be written: a read-only project, or one whose files went away.
        self.writable = not store.readonly
        #: Asked when an edit found the project locked by another program; True means "try again".
        self.retry_locked: Callable[[str], bool] | None = None
        if not store.readonly:
            store.ensure_annotator(user)

    def perform(self, command: QUndoCommand) -> bool:
        """Run ``command`` once; on success put it on the undo stack, on failure report and drop it."""
        while True:
            try:
                command.apply()
                break
            except ProjectLockedError as exc:
                # Another program held the write lock past the busy timeout: offer to try again (issue 13).
                if self.retry_locked is None:
                    self.report(exc)
                    return False
                if not self.retry_locked(str(exc)):
                    return False  # the analyst read the message and cancelled
            except AnnotatorError as exc:
                self.report(exc)
                return False
        command.applied = True
        self.undo_stack.push(command)
        return True

    def report(self, exc: AnnotatorError) -> None:
        """Tell the window an operation failed: ``detached`` for vanished project files, else ``error``."""
        if isinstance(exc, ProjectDetachedError):
            self.writable = False
            self.detached.emit(str(exc))
        else:
            self.error.emit(str(exc))

    def announce(self, document: str, delta: AnnotationDelta | None = None) -> None:
        """Emit ``annotations_changed(document)``, with ``delta`` readable as :attr:`delta` meanwhile."""
        self.delta = delta
        try:
            self.annotations_changed.emit(document)
        finally:
            self.delta = None

    def announce_documents(self) -> None:
        """Documents were added, removed or edited: the library, the panes' choosers and the counts re-read."""
        self.documents_changed.emit()

    def announce_labels(self) -> None:
        """The label scheme changed: the label bar, the menus and the colours re-read."""
        self.labels_changed.emit()

    def announce_links(self) -> None:
        """Links were added, removed or edited: the cross-source docks and the highlights re-read."""
        self.links_changed.emit()

    def announce_memo(self, kind: str, owner: str) -> None:
        """The memo of a document, a label or the project (``kind``, ``owner``) was written."""
        self.memos_changed.emit(kind, owner)

    def announce_everything(self, documents: list[str]) -> None:
        """Another connection changed the project in unknown ways: every view re-reads (``documents``: on screen)."""
        self.announce_documents()
        self.announce_labels()
        self.announce_links()
        for document in documents:
            self.announce(document)  # no delta: the panes re-read their spans

    def set_user(self, user: str) -> None:
        self.store.ensure_annotator(user)
        self.user = user

    def close(self) -> None:
        self.undo_stack.clear()
        self.store.close()
