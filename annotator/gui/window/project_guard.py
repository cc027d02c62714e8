"""The window's watch over its project file: are the files on disk still the ones it opened?

The store checks before every commit (:meth:`~annotator.core.store.base.StoreBase.check_files`); this object
also looks while the window is idle, every :data:`CHECK_EVERY_MS`, so an analyst hears of a deleted or replaced
project before the next tag, not after it. Once the files are gone the window stops writing (its editing actions
are disabled, a banner says why) and offers to save everything its connection still sees to a new file
(``VACUUM INTO``) and to open that copy.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.core.errors import AnnotatorError
from annotator.gui.dialogs.file_dialogs import save_file
from annotator.gui.session import ProjectSession

#: How often the idle check runs (milliseconds). Each check is two ``fstat`` and two ``stat`` calls.
CHECK_EVERY_MS = 2000


class ProjectGuard(QObject):
    #: The project's files were found deleted or replaced; argument: the sentence shown to the analyst.
    detached = Signal(str)

    def __init__(self, session: ProjectSession, parent: QWidget, open_copy: Callable[[Path], bool]):
        super().__init__(parent)
        self.session = session
        self.parent = parent
        self._open_copy = open_copy
        self.message: str | None = None
        self.timer = QTimer(self)
        self.timer.setObjectName("project_guard_timer")
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        if not session.store.readonly:
            self.timer.start()

    def stop(self) -> None:
        """The window is closing: no more checks."""
        self.timer.stop()

    def check(self) -> bool:
        """True while the project's files are intact; otherwise stop writing and tell the analyst (once)."""
        if self.message is not None:
            return False
        try:
            self.session.store.check_files()
        except AnnotatorError as exc:
            self.stop_writing(str(exc))
            return False
        return True

    def stop_writing(self, message: str) -> None:
        """The files went away (found here, or by a commit: ``session.detached``): stop, say so once, offer a copy."""
        if self.message is not None:
            return
        self.message = message
        self.timer.stop()
        self.session.writable = False
        self.detached.emit(message)
        self.offer_copy()

    def offer_copy(self) -> None:
        """Ask whether to save what the window sees to a new project file, and open it if saved."""
        text = f"{self.message or ''} Save a copy of what the window shows to keep your work."
        box = QMessageBox(QMessageBox.Icon.Critical, "annotator", text, parent=self.parent)
        box.setObjectName("detached_box")
        save = box.addButton("Save a copy…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is save:
            self.save_copy()

    def save_copy(self) -> Path | None:
        store = self.session.store
        suggested = Path(store.path).with_name(Path(store.path).stem + "-rescued.sqlite")
        path = save_file(self.parent, "Save a copy of the project", "annotator project (*.sqlite)", suggested.name,
                         fallback=suggested.parent)
        if not path:
            return None
        try:
            copy = store.save_copy(path)
        except AnnotatorError as exc:
            QMessageBox.warning(self.parent, "annotator", str(exc))
            return None
        self._open_copy(copy)
        return copy
