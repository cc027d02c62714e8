"""Add documents: check each article's title, source, date and URL (pre-filled from the file) before adding."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from annotator.core.formats.documents import Article

COLUMNS = ("File", "Title", "Source", "Published", "URL")


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
                      getattr(article, "published", None) or "", getattr(article, "url", None) or "")
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
        hint = QLabel("Edit any cell; dates as YYYY-MM-DD. The same text already in the project is not added twice.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"Add {len(articles)}" if len(articles) != 1 else "Add")
        ok.setEnabled(bool(articles))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(900, 360)

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
                                  "published": cell(3) or None, "url": cell(4) or None}))
        return out
