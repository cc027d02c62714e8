"""Ctrl+F: find in the focused pane, with every match highlighted, next/previous and a match count."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QCheckBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from annotator.core.occurrences import find_all


class FindBar(QWidget):
    #: "Tag all…" was pressed: the window tags every occurrence of the search text.
    tag_all_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("find_bar")
        self.view = None
        self.matches: list[tuple[int, int]] = []
        self.current = -1
        self.edit = QLineEdit()
        self.edit.setObjectName("find_text")
        self.edit.setPlaceholderText("Find in this document (Enter: next, Shift+Enter: previous, Esc: close)")
        self.edit.setClearButtonEnabled(True)
        self.case = QCheckBox("Match case")
        self.count = QLabel()
        self.count.setObjectName("find_count")
        self.count.setMinimumWidth(90)
        buttons = {}
        for key, text, tip in (("previous", "▲", "Previous match (Shift+F3)"), ("next", "▼", "Next match (F3)"),
                               ("tag", "Tag all…", "Tag every occurrence with a label"),
                               ("close", "✕", "Close (Esc)")):
            button = QToolButton()
            button.setObjectName(f"find_{key}")
            button.setText(text)
            button.setToolTip(tip)
            buttons[key] = button
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.case)
        for key in ("previous", "next", "tag", "close"):
            layout.addWidget(buttons[key])
        self.edit.textChanged.connect(lambda _: self.search())
        self.case.toggled.connect(lambda _: self.search())
        self.edit.returnPressed.connect(self._on_return)
        buttons["previous"].clicked.connect(lambda: self.step(-1))
        buttons["next"].clicked.connect(lambda: self.step(+1))
        buttons["tag"].clicked.connect(lambda: self.tag_all_requested.emit(self.edit.text()))
        buttons["close"].clicked.connect(self.close_bar)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close_bar,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.hide()

    def open_on(self, view, text: str = "") -> None:
        """Show the bar for ``view`` (the focused pane), starting with ``text`` (the selection) if given."""
        if self.view is not None and self.view is not view:
            self.view.set_matches([])
        self.view = view
        self.show()
        if text:
            self.edit.setText(text)
        self.edit.setFocus()
        self.edit.selectAll()
        self.search()

    def search(self) -> None:
        if self.view is None:
            return
        self.matches = find_all(self.view.text(), self.edit.text(), self.case.isChecked())
        start = self.view.selection_range()[0]
        self.current = next((i for i, (a, _) in enumerate(self.matches) if a >= start), 0) if self.matches else -1
        self._show()

    def step(self, delta: int) -> None:
        if self.matches:
            self.current = (self.current + delta) % len(self.matches)
            self._show()

    def _on_return(self) -> None:
        shift = QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier
        self.step(-1 if shift else +1)

    def _show(self) -> None:
        self.view.set_matches(self.matches, self.current)
        if self.matches:
            self.count.setText(f"{self.current + 1} of {len(self.matches)}")
        else:
            self.count.setText("no matches" if self.edit.text() else "")

    def close_bar(self) -> None:
        if self.view is not None:
            self.view.set_matches([])
            self.view.setFocus()
        self.matches, self.current = [], -1
        self.hide()
