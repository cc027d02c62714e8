"""Add documents: check each article's title, source, date and URL (pre-filled from the file) before adding."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from annotator.core.dates import parse_date
from annotator.core.errors import InputError
from annotator.core.formats.documents import Article
from annotator.gui.window_fit import fit_dialog

COLUMNS = ("File", "Title", "Source", "Published", "URL")
PUBLISHED = COLUMNS.index("Published")
#: Background of a cell whose date cannot be read.
INVALID = QColor("#F8D7DA")


def readable_date(text: str) -> tuple[str, str | None]:
    """(the text to show, the problem or None): a readable date is shown as YYYY-MM-DD."""
    try:
        iso = parse_date(text)
    except InputError as exc:
        return text, str(exc)
    return iso or "", None


class AddDocumentsDialog(QDialog):
    """One editable row per readable article; files that could not be read are listed with the reason."""

    def __init__(self, articles: list[Article], errors: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Add documents")
        self.articles = articles
        self.errors = errors
        self.table = QTableWidget(len(articles), len(COLUMNS), self)
        self.table.setObjectName("titles")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, article in enumerate(articles):
            values = (Path(article.path).name, article.title, getattr(article, "source", "") or "",
                      readable_date(getattr(article, "published", None) or "")[0],
                      getattr(article, "url", None) or "")
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col == 0:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, item)

        layout = QVBoxLayout(self)
        if errors:
            problems = QLabel("These files cannot be added:\n" + "\n".join(f"• {e}" for e in errors))
            problems.setObjectName("problems")
            problems.setWordWrap(True)
            layout.addWidget(problems)
        hint = QLabel("Edit any cell. Dates are stored as YYYY-MM-DD (26/11/2025 and 26 November 2025 are read too). "
                      "The same text already in the project is not added twice.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.table)
        self.date_problem = QLabel()
        self.date_problem.setObjectName("date_problem")
        self.date_problem.setStyleSheet("color: #B00020;")
        self.date_problem.setWordWrap(True)
        layout.addWidget(self.date_problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(f"Add {len(articles)}" if len(articles) != 1 else "Add")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.cellChanged.connect(self._on_cell_changed)
        self._check_dates()
        fit_dialog(self, (900, 360))

    def _on_cell_changed(self, row: int, column: int) -> None:
        if column == PUBLISHED:
            self._check_dates()

    def _check_dates(self) -> None:
        """Flag every date that cannot be read (red cell, the reason below); Add waits until all can."""
        problems = []
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            item = self.table.item(row, PUBLISHED)
            _, problem = readable_date(item.text())
            item.setBackground(QBrush(INVALID) if problem else QBrush())
            item.setToolTip(problem or "")
            if problem:
                problems.append(f"{self.table.item(row, 0).text()}: {problem}")
        self.table.blockSignals(False)
        self.date_problem.setText("\n".join(problems))
        self.date_problem.setVisible(bool(problems))
        self.ok.setEnabled(bool(self.articles) and not problems)

    def set_all(self, column: str, value: str) -> None:
        """Fill one column (``Source``, ``Published``, ``URL``) for every row."""
        col = COLUMNS.index(column)
        for row in range(self.table.rowCount()):
            self.table.item(row, col).setText(value)

    def entries(self) -> list[tuple[Article, dict[str, str | None]]]:
        """(article, metadata) for every row, with the metadata as edited."""
        out = []
        for row, article in enumerate(self.articles):
            cell = lambda c: self.table.item(row, c).text().strip()  # noqa: E731
            out.append((article, {"title": cell(1) or article.title, "source": cell(2),
                                  "published": parse_date(cell(PUBLISHED)), "url": cell(4) or None}))
        return out
