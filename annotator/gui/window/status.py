"""How controllers speak to the analyst: a status-bar line, an error box, and the widget their dialogs belong to."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

#: Opens a project file in a new window: ``opener(path, replace)``; with ``replace`` the window asking closes
#: once the new one is open. True if it opened. The application (:mod:`annotator.gui.app`) provides it, so
#: nothing under ``annotator.gui`` imports the module that starts the application.
Opener = Callable[[str, bool], bool]

#: The status line names at most this many labels; a longer scheme shows those most used on screen.
STATUS_LABELS = 6


def label_counts_text(names: Sequence[str], counts: Mapping[str, int], cap: int = STATUS_LABELS) -> str:
    """The status line's label counts: every label of a short scheme (``Claim 5 · Actor 3 · Figure 0``); of a
    longer one, the labels on screen, most used first, at most ``cap``, and how many labels are not named
    (``Claim 5 · Actor 3 · … +297 labels``), so a code system of 300 codes does not fill the status bar."""
    if len(names) <= cap:
        return " · ".join(f"{name} {counts.get(name, 0)}" for name in names)
    order = {name: i for i, name in enumerate(names)}
    # The few most used, without sorting every label (this runs after each tag: ~1 ms a call with 1,000 codes).
    used = [name for _, _, name in heapq.nsmallest(cap, ((-n, order[name], name) for name, n in counts.items()
                                                          if n > 0 and name in order))]
    if not used:
        return f"{len(names)} labels, none on screen"
    rest = len(names) - len(used)
    return " · ".join([f"{name} {counts[name]}" for name in used] + [f"… +{rest} labels"])


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
