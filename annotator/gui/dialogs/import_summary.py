"""What an import did, after it: the counts in a line, and every detail in a list that scrolls.

A code system of 300 codes with a few things left out used to make a message box taller than the screen, its
OK button out of reach; here the list scrolls and the box keeps to a laptop's height.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QVBoxLayout, QWidget

from annotator.core.formats.import_report import ImportReport

#: Rows of the detail list shown before it scrolls.
VISIBLE_ROWS = 14


class ImportSummaryDialog(QDialog):
    """The counts (``headline``, else the report's first line) over a scrollable list of :meth:`ImportReport.details`."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None, title: str = "Import",
                 headline: str | None = None, left_out: str = "Not imported"):
        super().__init__(parent)
        self.setObjectName("import_summary")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.headline = QLabel(headline or report.summary().split("\n", 1)[0], self)
        self.headline.setObjectName("import_counts")
        self.headline.setWordWrap(True)
        layout.addWidget(self.headline)
        self.details = _Details(self)
        self.details.setObjectName("import_details")
        self.details.addItems(report.details(left_out))
        layout.addWidget(QLabel(f"Details ({self.details.count()}):", self))
        layout.addWidget(self.details, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        self.buttons.accepted.connect(self.accept)
        layout.addWidget(self.buttons)

    def text(self) -> str:
        """Everything the dialog says, as plain text (the counts, then one detail a line)."""
        rows = [self.details.item(i).text() for i in range(self.details.count())]
        return "\n".join([self.headline.text(), *rows])


class _Details(QListWidget):
    """A list as tall as :data:`VISIBLE_ROWS` rows at most: longer ones scroll instead of growing the dialog."""

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        row = max(self.sizeHintForRow(0), self.fontMetrics().height()) if self.count() else self.fontMetrics().height()
        rows = min(max(self.count(), 3), VISIBLE_ROWS)
        width = min(max(self.sizeHintForColumn(0) + 40, 420), 720)
        return QSize(width, rows * row + 2 * self.frameWidth() + 4)
