"""The Codes dock's controller (issue 22): moving a code in the tree, tagging with the code selected, and the
counts kept current without reading the project again for one tag.

A move is the scheme editor's "Place under…": one :class:`~annotator.gui.commands.scheme.EditLabel` on the undo
stack; a move that would put a code under itself is refused in one sentence before anything is pushed. The counts
follow the session's announcements: a tag patched into the panes comes with the change in label counts
(:attr:`SpanSync.patched <annotator.gui.window.span_sync.SpanSync.patched>`), which moves a few cells; an
announcement that was not patched (a document not on screen, an import) makes the dock count again, once per
pass of the event loop, with one query.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from annotator.core.errors import AnnotatorError
from annotator.gui.commands.scheme import EditLabel
from annotator.gui.controllers.tagging import Tagging
from annotator.gui.panels.codes_dock import CodesDock
from annotator.gui.window.span_sync import SpanSync
from annotator.gui.window.status import Status


class Codes(QObject):
    def __init__(self, session, status: Status, sync: SpanSync, tagging: Tagging):
        super().__init__(status.dialog_parent)
        self.session = session
        self.status = status
        self.tagging = tagging
        self.dock = CodesDock(session, status.dialog_parent)
        self.announced = 0  # annotations_changed seen since the last check …
        self.patched = 0  # … and how many of them were patched with their label counts
        session.labels_changed.connect(self.dock.labels_changed)
        session.annotations_changed.connect(self._on_announced)
        sync.patched.connect(self._on_patched)
        self.dock.move_requested.connect(self.move)
        self.dock.tag_requested.connect(self.tagging.apply_label)

    def docks(self) -> list:
        return [self.dock]

    def fill_menu(self, menu) -> None:
        """The View menu's toggle of the Codes dock."""
        menu.addAction(self.dock.toggleViewAction())

    def move(self, name: str, parent: str) -> None:
        """Put code ``name`` under ``parent`` ("" : at the top of the tree); one undoable step."""
        if not self.session.writable or name == parent:
            return
        try:
            command = EditLabel(self.session, name, parent=parent)
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        if command.is_noop():
            return
        if self.session.perform(command):
            self.status.show(command.text(), 4000)
            self.dock.select(name)

    # ------------------------------------------------------------------ counts
    def _on_announced(self, _document: str) -> None:
        if not self.announced:
            QTimer.singleShot(0, self._settle)
        self.announced += 1

    def _on_patched(self, _delta, labels: dict[str, int], _annotators) -> None:
        self.patched += 1
        self.dock.adjust_counts(labels)

    def _settle(self) -> None:
        """After the announcements of one pass: count again if some were not patched."""
        if self.announced > self.patched:
            self.dock.recount()
        self.announced = self.patched = 0
