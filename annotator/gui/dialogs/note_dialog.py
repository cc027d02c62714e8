"""Writing a note: a wrapped multi-line editor that saves with Ctrl+Enter."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from annotator.gui.window_fit import fit_dialog


class NoteDialog(QDialog):
    """The note text wraps at the dialog's width; Ctrl+Enter (or Ctrl+Return) saves, Esc cancels."""

    def __init__(self, title: str, prompt: str, text: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("note_dialog")
        self.setWindowTitle(title)
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.editor = QPlainTextEdit(text)
        self.editor.setObjectName("note_text")
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.editor.setTabChangesFocus(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setToolTip("Save the note (Ctrl+Enter)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.editor.installEventFilter(self)
        hint = QLabel("Ctrl+Enter saves · Esc cancels")
        hint.setStyleSheet("color: palette(mid);")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.editor, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        fit_dialog(self, (520, 260))
        self.editor.moveCursor(self.editor.textCursor().MoveOperation.End)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        """Ctrl+Enter / Ctrl+Return in the editor saves (a plain Return is a new line)."""
        if (watched is self.editor and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def note(self) -> str:
        return self.editor.toPlainText()

    @classmethod
    def get_note(cls, parent: QWidget | None, title: str, prompt: str, text: str = "") -> tuple[str, bool]:
        """Like ``QInputDialog.getMultiLineText``: (the text, whether it was saved)."""
        dialog = cls(title, prompt, text, parent)
        saved = dialog.exec() == QDialog.DialogCode.Accepted
        note = dialog.note()
        dialog.deleteLater()
        return note, saved
