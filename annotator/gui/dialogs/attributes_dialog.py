"""Editing a span's attributes: one field per attribute its label declares (a check box for a flag, a list for a
choice, a line for free text); values of attributes no longer declared are shown and kept as they are."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget,
)

from annotator.core.attributes import FLAG_ON
from annotator.core.model import AttributeDecl
from annotator.gui.window_fit import fit_dialog

#: What a choice list shows for "no value".
NO_VALUE = "—"


class AttributesDialog(QDialog):
    """The fields of ``decls`` filled from ``values``; :meth:`values` reads them back (empty ones left out)."""

    def __init__(self, prompt: str, decls: list[AttributeDecl], values: dict[str, str],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("attributes_dialog")
        self.setWindowTitle("Attributes")
        self.decls = decls
        self.fields: dict[str, QWidget] = {}
        declared = {d.name for d in decls}
        self.kept = {k: v for k, v in values.items() if k not in declared}
        form = QFormLayout()
        for decl in decls:
            field = self._field(decl, values.get(decl.name, ""))
            field.setObjectName(f"attribute_{decl.name}")
            self.fields[decl.name] = field
            form.addRow(decl.name if decl.type != "flag" else "", field)
        for key, value in self.kept.items():
            form.addRow(key, QLabel(f"{value}  (no longer declared; kept)"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        label = QLabel(prompt)
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(form)
        layout.addWidget(buttons)
        fit_dialog(self, (420, 120 + 32 * (len(decls) + len(self.kept))))

    @staticmethod
    def _field(decl: AttributeDecl, value: str) -> QWidget:
        if decl.type == "flag":
            box = QCheckBox(decl.name)
            box.setChecked(value == FLAG_ON)
            return box
        if decl.type == "choice":
            combo = QComboBox()
            combo.addItems([NO_VALUE, *decl.choices])
            if value and value not in decl.choices:  # a value from before the choices changed: shown, kept
                combo.addItem(value)
            combo.setCurrentText(value or NO_VALUE)
            return combo
        line = QLineEdit(value)
        line.setPlaceholderText("free text")
        return line

    def values(self) -> dict[str, str]:
        """The attributes as the fields say, with the undeclared ones kept; a cleared field is left out."""
        out = dict(self.kept)
        for decl in self.decls:
            field = self.fields[decl.name]
            if isinstance(field, QCheckBox):
                value = FLAG_ON if field.isChecked() else ""
            elif isinstance(field, QComboBox):
                value = "" if field.currentText() == NO_VALUE else field.currentText()
            else:
                value = field.text().strip()
            if value:
                out[decl.name] = value
        return out

    @classmethod
    def get_values(cls, parent: QWidget | None, prompt: str, decls: list[AttributeDecl],
                   values: dict[str, str]) -> tuple[dict[str, str], bool]:
        """(the attributes, whether they were saved)."""
        dialog = cls(prompt, decls, values, parent)
        saved = dialog.exec() == QDialog.DialogCode.Accepted
        result = dialog.values()
        dialog.deleteLater()
        return result, saved
