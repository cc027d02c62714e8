"""The label bar: one button per label with its key, and who is annotating.

The buttons sit in a :class:`FlowLayout` inside the tool bar: when the window
is too narrow for every label (a long scheme on a 1024-pixel screen) they wrap
onto a second row instead of hiding behind an overflow menu.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QLabel, QLayout, QSizePolicy, QToolBar, QToolButton, QWidget, QWidgetItem

from annotator.core.model import Label
from annotator.gui.actions import key_owner


def color_icon(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class FlowLayout(QLayout):
    """Items left to right, wrapping onto new rows; its height follows its width."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 2):
        super().__init__(parent)
        self._items: list[QWidgetItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item) -> None:  # noqa: N802 (Qt override)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):  # noqa: N802
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):  # noqa: N802
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        height = self._arrange(rect, move=True)
        owner = self.parentWidget()
        if isinstance(owner, _Buttons):
            owner.fit(height)

    def sizeHint(self) -> QSize:  # noqa: N802
        width = sum(i.sizeHint().width() + self.spacing() for i in self._items)
        height = max((i.sizeHint().height() for i in self._items), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:  # noqa: N802
        widest = max((i.minimumSize().width() for i in self._items), default=0)
        return QSize(widest, max((i.sizeHint().height() for i in self._items), default=0))

    def _arrange(self, rect: QRect, move: bool) -> int:
        x, y, row = rect.x(), rect.y(), 0
        for item in self._items:
            size = item.sizeHint()
            if x > rect.x() and x + size.width() > rect.right() + 1:
                x, y, row = rect.x(), y + row + self.spacing(), 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), size))
            x += size.width() + self.spacing()
            row = max(row, size.height())
        return y + row - rect.y()


class _Buttons(QWidget):
    """The label buttons; its minimum height is what its rows need at its current width."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("label_buttons")
        self.flow = FlowLayout(self)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit(self.flow.heightForWidth(self.width()))

    def fit(self, height: int) -> None:
        """Ask for the height the rows need (the tool bar then grows or shrinks to it)."""
        if height != self.minimumHeight():
            self.setMinimumHeight(height)
            bar = self.parentWidget()
            if bar is not None and bar.layout() is not None:  # the tool bar caches its items' sizes
                bar.layout().invalidate()
                bar.updateGeometry()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.flow.minimumSize()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.flow.sizeHint().width(), max(self.minimumHeight(), self.flow.sizeHint().height()))


class LabelBar(QToolBar):
    """Shows the scheme as ``[1 Claim] [2 Actor] …``; triggering one emits :attr:`label_triggered`."""

    #: A label button or its key was used; argument: label name.
    label_triggered = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Labels", parent)
        self.setObjectName("label_bar")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.label_actions: list[QAction] = []
        self.buttons: list[QToolButton] = []
        self.panel = _Buttons(self)
        self.user_label = QLabel(self)
        self.user_label.setObjectName("user_label")
        self.addWidget(self.panel)
        self.addWidget(self.user_label)

    def set_labels(self, labels: list[Label]) -> None:
        """Rebuild the buttons (and their window-wide shortcuts) from the scheme."""
        window = self.parentWidget() or self
        for action in self.label_actions:
            window.removeAction(action)
            action.deleteLater()
        for button in self.buttons:
            self.panel.flow.removeWidget(button)
            button.deleteLater()
        self.label_actions, self.buttons = [], []
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
            button = QToolButton(self.panel)
            button.setObjectName(f"label_button.{label.name}")
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self.panel.flow.addWidget(button)
            self.label_actions.append(action)
            self.buttons.append(button)
        self.panel.setMinimumHeight(0)
        self.panel.updateGeometry()

    def button_for(self, action: QAction) -> QToolButton | None:
        return next((b for b in self.buttons if b.defaultAction() is action), None)

    def set_user(self, user: str) -> None:
        self.user_label.setText(f"annotator: <b>{user}</b>  ")
