"""How controllers speak to the analyst: a status-bar line, an error box, and the widget their dialogs belong to."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

#: Opens a project file in a new window: ``opener(path, replace)``; with ``replace`` the window asking closes
#: once the new one is open. True if it opened. The application (:mod:`annotator.gui.app`) provides it, so
#: nothing under ``annotator.gui`` imports the module that starts the application.
Opener = Callable[[str, bool], bool]


class Status:
    """The window's voice, handed to each controller instead of the window itself."""

    def __init__(self, bar: QStatusBar, dialog_parent: QWidget):
        self.bar = bar
        #: The widget dialogs and message boxes are shown over (the window, as a plain widget).
        self.dialog_parent = dialog_parent

    def show(self, message: str, ms: int = 5000) -> None:
        """A line in the status bar for ``ms`` milliseconds (0: until the next message)."""
        self.bar.showMessage(message, ms)

    def error(self, message: str) -> None:
        """One sentence in a warning box: an operation was refused or failed, and nothing changed."""
        QMessageBox.warning(self.dialog_parent, "annotator", message)
