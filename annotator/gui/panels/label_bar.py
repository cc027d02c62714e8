"""The label bar: one button per label with its key, and who is annotating."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolBar, QWidget

from annotator.core.model import Label
from annotator.gui.actions import key_owner


def color_icon(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class LabelBar(QToolBar):
    """Shows the scheme as ``[1 Claim] [2 Actor] …``; triggering one emits :attr:`label_triggered`."""

    #: A label button or its key was used; argument: label name.
    label_triggered = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Labels", parent)
        self.setObjectName("label_bar")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.label_actions: list[QAction] = []
        self.user_label = QLabel(self)
        self.user_label.setObjectName("user_label")
        self._spacer = QWidget(self)
        self._spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_labels(self, labels: list[Label]) -> None:
        """Rebuild the buttons (and their window-wide shortcuts) from the scheme."""
        for action in self.label_actions:
            self.removeAction(action)
            action.deleteLater()
        self.clear()
        self.label_actions = []
        window = self.parentWidget() or self
        for label in labels:
            text = f"{label.shortcut} {label.name}" if label.shortcut else label.name
            action = QAction(color_icon(label.color), text, window)
            action.setObjectName(f"label.{label.name}")
            # A key a menu action already has (a scheme made elsewhere) is shown but not bound: binding it
            # would make both ambiguous, and Qt would then ignore the key for both.
            taken = key_owner(label.shortcut)
            key_tip = (f" (key {label.shortcut} unavailable: used by {taken})" if taken
                       else f" ({label.shortcut})" if label.shortcut else "")
            action.setToolTip(f"Tag the selection as {label.name}" + key_tip
                              + (f"\n{label.description}" if label.description else ""))
            if label.shortcut and not taken:
                action.setShortcut(QKeySequence(label.shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _=False, name=label.name: self.label_triggered.emit(name))
            window.addAction(action)
            self.addAction(action)
            self.label_actions.append(action)
        self.addWidget(self._spacer)
        self.addWidget(self.user_label)

    def set_user(self, user: str) -> None:
        self.user_label.setText(f"annotator: <b>{user}</b>  ")
