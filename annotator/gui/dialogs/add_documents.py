"""Add documents: pick .txt/.md files, check their titles and metadata, add them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QDialogButtonBox, QFormLayout, QHeaderView, QLabel, QLineEdit, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.formats.documents import Article, read_article


class AddDocumentsDialog(QDialog):
    """Lists the readable files with an editable title each, plus shared source and date fields.

    Files that cannot be read are listed with the reason and skipped.
    """

    def __init__(self, paths: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Add documents")
        self.articles: list[Article] = []
        self.errors: list[str] = []
        for p in paths:
            try:
                self.articles.append(read_article(p))
            except AnnotatorError as exc:
                self.errors.append(str(exc))

        self.table = QTableWidget(len(self.articles), 2, self)
        self.table.setObjectName("titles")
        self.table.setHorizontalHeaderLabels(["File", "Title (editable)"])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for row, article in enumerate(self.articles):
            name = QTableWidgetItem(Path(article.path).name)
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 0, name)
            self.table.setItem(row, 1, QTableWidgetItem(article.title))
        self.table.resizeColumnToContents(0)

        self.source = QLineEdit()
        self.source.setObjectName("source")
        self.source.setPlaceholderText("e.g. Financial Times")
        self.published = QLineEdit()
        self.published.setObjectName("published")
        self.published.setPlaceholderText("YYYY-MM-DD")
        form = QFormLayout()
        form.addRow("Source:", self.source)
        form.addRow("Published:", self.published)

        layout = QVBoxLayout(self)
        if self.errors:
            problems = QLabel("These files cannot be added:\n" + "\n".join(f"• {e}" for e in self.errors))
            problems.setObjectName("problems")
            problems.setWordWrap(True)
            layout.addWidget(problems)
        layout.addWidget(self.table)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.articles))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 320)

    def entries(self) -> list[tuple[Article, str]]:
        """(article, title) for every readable file, with the titles as edited."""
        return [
            (article, (self.table.item(row, 1).text().strip() or article.title))
            for row, article in enumerate(self.articles)
        ]
