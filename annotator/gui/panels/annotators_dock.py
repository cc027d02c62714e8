"""The annotators dock: who annotated this project, show or hide each, colour spans by label or annotator."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QDockWidget, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, \
    QRadioButton, QVBoxLayout, QWidget

from annotator.gui.panels.label_bar import color_icon


class AnnotatorsDock(QDockWidget):
    #: Visibility or colour mode changed.
    display_changed = Signal()

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__("Annotators", parent)
        self.setObjectName("annotators_dock")
        self.session = session
        self.counts: dict[str, int] = {}
        self.list = QListWidget()
        self.list.setObjectName("annotator_list")
        self.by_label = QRadioButton("Label")
        self.by_label.setObjectName("color_by_label")
        self.by_annotator = QRadioButton("Annotator")
        self.by_annotator.setObjectName("color_by_annotator")
        self.by_label.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.by_label)
        group.addButton(self.by_annotator)
        row = QHBoxLayout()
        row.addWidget(QLabel("Colour spans by:"))
        row.addWidget(self.by_label)
        row.addWidget(self.by_annotator)
        row.addStretch(1)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.list)
        self.setWidget(body)
        self.list.itemChanged.connect(lambda _: self.display_changed.emit())
        self.by_annotator.toggled.connect(lambda _: self.display_changed.emit())

    def reload(self, colors: dict[str, str]) -> None:
        """Refill from the store, keeping which annotators are hidden; ``colors``: annotator -> colour."""
        hidden = self.hidden()
        counts = self.counts = self.session.store.annotation_counts_by_annotator()
        self.list.blockSignals(True)
        self.list.clear()
        for annotator in self.session.store.annotators():
            n = counts.get(annotator.id, 0)
            item = QListWidgetItem(color_icon(colors.get(annotator.id, "#888888")), _entry(annotator.id, n))
            item.setData(Qt.ItemDataRole.UserRole, annotator.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked if annotator.id in hidden else Qt.CheckState.Checked)
            self.list.addItem(item)
        self.list.blockSignals(False)

    def adjust_counts(self, changes: dict[str, int]) -> bool:
        """Add ``changes`` (annotator -> +n/-n) to the shown counts; False if an annotator is not listed yet."""
        items = {self.list.item(i).data(Qt.ItemDataRole.UserRole): self.list.item(i) for i in range(self.list.count())}
        if any(name not in items for name in changes):
            return False
        self.list.blockSignals(True)
        for name, n in changes.items():
            self.counts[name] = self.counts.get(name, 0) + n
            items[name].setText(_entry(name, self.counts[name]))
        self.list.blockSignals(False)
        return True

    def hidden(self) -> set[str]:
        return {self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() != Qt.CheckState.Checked}

    def color_by(self) -> str:
        return "annotator" if self.by_annotator.isChecked() else "label"


def _entry(annotator: str, count: int) -> str:
    return f"{annotator}  ({count} annotation{'s' if count != 1 else ''})"
