"""The label scheme's *Attributes…*: the attributes a label declares, one row each — a name, a kind (a flag, one
of a list, free text) and, for a list, its choices separated by spaces or commas."""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from annotator.core.model import ATTRIBUTE_TYPES, AttributeDecl
from annotator.gui.window_fit import fit_dialog

NAME, KIND, CHOICES = range(3)
#: What the kind list shows for each type.
KINDS = {"flag": "flag (yes or no)", "choice": "one of a list", "text": "free text"}


class AttributeDeclarations(QDialog):
    """Rows of a label's declared attributes; :meth:`declarations` reads them back."""

    def __init__(self, label: str, decls: list[AttributeDecl], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("attribute_declarations")
        self.setWindowTitle(f"Attributes of {label}")
        self.label = label
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("declarations")
        self.table.setHorizontalHeaderLabels(("Name", "Kind", "Choices (for a list)"))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(CHOICES, QHeaderView.ResizeMode.Stretch)
        for decl in decls:
            self.add_row(decl)
        add, remove = QPushButton("&Add", self), QPushButton("&Remove", self)
        add.setObjectName("add_attribute")
        remove.setObjectName("remove_attribute")
        add.clicked.connect(lambda: self.add_row(AttributeDecl(label, "", "flag")))
        remove.clicked.connect(self.remove_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        hint = QLabel(f"What spans tagged {label} may carry, e.g. certainty (one of: reported confirmed) or "
                      "negated (a flag). Names: letters, digits, _ and -.")
        hint.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(buttons)
        fit_dialog(self, (560, 300))

    def add_row(self, decl: AttributeDecl) -> int:
        """A row for ``decl``; returns its index (the name cell is current, ready to type)."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, NAME, QTableWidgetItem(decl.name))
        kind = QComboBox()
        for key in ATTRIBUTE_TYPES:
            kind.addItem(KINDS[key], key)
        kind.setCurrentIndex(ATTRIBUTE_TYPES.index(decl.type))
        self.table.setCellWidget(row, KIND, kind)
        self.table.setItem(row, CHOICES, QTableWidgetItem(" ".join(decl.choices)))
        self.table.setCurrentCell(row, NAME)
        return row

    def remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def declarations(self) -> list[AttributeDecl]:
        """The rows as declarations, in order (a row without a name is left out; the store checks the rest)."""
        out = []
        for row in range(self.table.rowCount()):
            name = (self.table.item(row, NAME).text() if self.table.item(row, NAME) else "").strip()
            kind = self.table.cellWidget(row, KIND).currentData()
            choices = self.table.item(row, CHOICES).text() if self.table.item(row, CHOICES) else ""
            if name:
                out.append(AttributeDecl(self.label, name, kind,
                                         tuple(re.split(r"[\s,]+", choices.strip())) if kind == "choice" else ()))
        return out
