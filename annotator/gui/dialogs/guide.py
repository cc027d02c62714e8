"""Help > User guide: ``docs/guide.md`` rendered as Markdown (QTextBrowser needs no extra library)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from annotator.core import paths
from annotator.gui.window_fit import fit_dialog

#: Shown in an empty pane: what to do first.
FIRST_RUN_HINT = (
    "No document here yet.\n\n"
    "Add articles with File > Add documents (Ctrl+Shift+O), drop files on the window, "
    "or paste text as a new document (Ctrl+Shift+V).\n\n"
    "Then select text and press a label's number key to tag it. "
    "F1 lists every shortcut; Help > User guide (Shift+F1) walks through tagging, linking, review, "
    "exchange and reports."
)


def guide_markdown() -> str:
    path = paths.guide_path()
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return f"# User guide\n\nThe guide could not be read from `{path}`; it is `docs/guide.md` in the source."


class GuideDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("guide_dialog")
        self.setWindowTitle("annotator — user guide")
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guide")
        self.browser.setAccessibleName("User guide")
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(guide_markdown())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        fit_dialog(self, (760, 820))
