"""F1: every keyboard shortcut in one table."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout

from annotator.gui.window_fit import fit_dialog

EXTRA_ROWS = [
    ("Drag", "Select text (snaps to whole words)"),
    ("Alt+Drag", "Select exact characters"),
    ("Click a span", "Select it (click again to cycle through overlapping spans)"),
    ("Right-click", "Label menu for the selection or the span"),
    ("Label key on a selected span", "Change its label"),
]


class ShortcutsDialog(QDialog):
    def __init__(self, rows: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = rows + EXTRA_ROWS
        table = QTableWidget(len(rows), 2, self)
        table.setObjectName("shortcuts")
        table.setHorizontalHeaderLabels(["Keys", "Action"])
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for r, (keys, text) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(keys))
            table.setItem(r, 1, QTableWidgetItem(text))
        table.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        fit_dialog(self, (520, 560))
