"""The label bar: one row of label buttons with their keys, "More labels… (N)", and who is annotating.

The row never grows the window: a code system of 300 codes shows the keyed
labels first, then as many others as fit, and the rest behind the overflow
button, which opens the type-to-filter picker (Edit > Tag with label…, Ctrl+K).
Every label keeps its key whether its button is shown or not.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QLabel, QMenu, QSizePolicy, QToolBar, QToolButton, QWidget

from annotator.core.model import Label
from annotator.gui.actions import key_owner


def color_icon(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class _Buttons(QWidget):
    """The label buttons in one row, then "More labels… (N)" for those without room.

    The row never asks for more than one button's height, nor for more width than the overflow button: the
    buttons that do not fit are hidden (their keys still work) and counted on the overflow button, which opens
    the type-to-filter picker. Buttons come keyed labels first, then the rest in scheme order.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("label_buttons")
        self.buttons: list[QToolButton] = []
        self._measured: tuple[int, int] | None = None
        self.more = QToolButton(self)
        self.more.setObjectName("more_labels")
        self.more.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.more.setToolTip("Every label, found by typing part of its name (Ctrl+K)")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_buttons(self, buttons: list[QToolButton]) -> None:
        self.buttons = buttons
        self._measured = None
        self.updateGeometry()
        self.arrange()

    def _measures(self) -> tuple[int, int]:
        """(the row's height, the keyed buttons' width), measured once per set of buttons and font: asking 1,000
        buttons their size at every layout pass took ~0.1 s of opening a window on a 1,000-code scheme."""
        if self._measured is None:
            height = max([b.sizeHint().height() for b in self.buttons] + [self.more.sizeHint().height()])
            keyed = sum(b.sizeHint().width() + 2 for b in self.buttons if b.property("keyed"))
            self._measured = (height, keyed)
        return self._measured

    def changeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._measured = None
        super().changeEvent(event)

    def hidden_count(self) -> int:
        """How many labels have no button on screen (the number the overflow button shows)."""
        return sum(b.isHidden() for b in self.buttons)

    def arrange(self) -> None:
        """Place the buttons that fit the width, left to right; hide the rest behind the overflow button."""
        spacing, width, height = 2, self.width(), self._row_height()
        widths, used = [], -spacing
        for button in self.buttons:  # measured until the row is full: the rest are hidden anyway
            widths.append(button.sizeHint().width())
            used += widths[-1] + spacing
            if used > width:
                break
        room = width
        if used > width:
            self.more.setText(f"More labels… ({len(self.buttons)})")  # its widest text: room is kept for it
            room = width - self.more.sizeHint().width() - spacing
        x, full = 0, False
        for i, button in enumerate(self.buttons):
            w = widths[i] if i < len(widths) else 0
            full = full or i >= len(widths) or x + w > room  # once one does not fit, the later ones go behind too
            button.setVisible(not full)
            if not full:
                button.setGeometry(QRect(x, 0, w, height))
                x += w + spacing
        hidden = self.hidden_count()
        self.more.setText(f"More labels… ({hidden})")
        self.more.setVisible(hidden > 0)
        self.more.setGeometry(QRect(x, 0, self.more.sizeHint().width(), height))

    def _row_height(self) -> int:
        return self._measures()[0]

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self.arrange()

    def sizeHint(self) -> QSize:  # noqa: N802
        """Room for the keyed labels and the overflow button: what the bar would like, never what it needs."""
        return QSize(self._measures()[1] + self.more.sizeHint().width(), self._row_height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(self.more.sizeHint().width(), self._row_height())


class LabelBar(QToolBar):
    """Shows the scheme as ``[1 Claim] [2 Actor] …``; triggering one emits :attr:`label_triggered`."""

    #: A label button or its key was used; argument: label name.
    label_triggered = Signal(str)
    #: "More labels…" was clicked: the window opens the label picker.
    more_requested = Signal()
    #: "Memo on code …" was chosen in a label button's context menu; argument: label name.
    memo_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Labels", parent)
        self.setObjectName("label_bar")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.label_actions: list[QAction] = []
        self.buttons: list[QToolButton] = []
        self.shown: list[tuple[str, str, str, str]] = []  # what the buttons show, label by label
        self.panel = _Buttons(self)
        self.panel.more.clicked.connect(self.more_requested.emit)
        self.user_label = QLabel(self)
        self.user_label.setObjectName("user_label")
        self.addWidget(self.panel)
        self.addWidget(self.user_label)

    def set_labels(self, labels: list[Label]) -> None:
        """Rebuild the buttons (and their window-wide shortcuts) from the scheme; nothing to do when what the bar
        shows did not change (a code moved in the tree: with 1,000 codes a rebuild takes ~0.2 s)."""
        shown = [(lb.name, lb.color, lb.shortcut, lb.description) for lb in labels]
        if shown == self.shown and self.buttons:
            return
        self.shown = shown
        window = self.parentWidget() or self
        for action in self.label_actions:
            window.removeAction(action)
            action.deleteLater()
        for button in self.buttons:
            button.hide()
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
            button.setProperty("keyed", bool(label.shortcut))
            button.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            button.customContextMenuRequested.connect(
                lambda pos, name=label.name, b=button: self._label_menu(name, b.mapToGlobal(pos)))
            self.label_actions.append(action)
            self.buttons.append(button)
        self.panel.set_buttons(sorted(self.buttons, key=lambda b: not b.property("keyed")))  # stable: keyed first

    def _label_menu(self, name: str, where: QPoint) -> None:
        """A label button's context menu (it pops up and goes when closed): its memo."""
        menu = QMenu(self)
        menu.setObjectName("label_menu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        memo = menu.addAction(f"Memo on code {name}…")
        memo.triggered.connect(lambda: self.memo_requested.emit(name))
        menu.popup(where)

    def hidden_labels(self) -> int:
        """How many labels are behind "More labels…" (no button on screen)."""
        return self.panel.hidden_count()

    def button_for(self, action: QAction) -> QToolButton | None:
        return next((b for b in self.buttons if b.defaultAction() is action), None)

    def set_user(self, user: str) -> None:
        self.user_label.setText(f"annotator: <b>{user}</b>  ")
