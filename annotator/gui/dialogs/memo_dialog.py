"""Writing a memo: the note editor (multi-line, wrapped; Ctrl+Enter saves, Esc cancels), titled with whose memo."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from annotator.gui.dialogs.note_dialog import NoteDialog

#: What a memo is for, under the dialog's title.
PROMPT = ("Your notes on {what}: what stands out, what to check, ideas for the analysis. Saved with the project, "
          "found by Search all documents; empty the text to remove the memo.")


class MemoDialog(NoteDialog):
    """A memo's editor: :class:`NoteDialog` with the memo's title and a Save button that says so."""

    def __init__(self, title: str, what: str, text: str = "", parent: QWidget | None = None):
        super().__init__(title, PROMPT.format(what=what), text, parent)
        self.setObjectName("memo_dialog")
        self.editor.setObjectName("memo_text")
        save = self.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        save.setToolTip("Save the memo (Ctrl+Enter)")

    @classmethod
    def get_memo(cls, parent: QWidget | None, title: str, what: str, text: str = "") -> tuple[str, bool]:
        """(the text, whether it was saved)."""
        dialog = cls(title, what, text, parent)
        saved = dialog.exec() == QDialog.DialogCode.Accepted
        memo = dialog.note()
        dialog.deleteLater()
        return memo, saved
