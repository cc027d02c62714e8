"""Tag with label… (Ctrl+K, the label bar's "More labels…", a label menu's "Other label…"): type a few letters,
Enter tags with the label (or, from Change label to, gives the selected span that label).

A code system of hundreds of labels does not fit a bar of buttons; this finds any of them by a part of its path
(or of its description) in a list that scrolls. Each code is shown with its path in the tree ("Figure ›
Casualties"), so typing a parent's name finds the codes under it; a category, which tags nothing, is not listed.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from annotator.core.code_tree import label_paths
from annotator.core.model import Label
from annotator.gui.panels.label_bar import color_icon

_MOVES = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}


class LabelPicker(QDialog):
    """A filter line over the labels; Enter (or a double click) picks the selected one: :meth:`chosen`."""

    def __init__(self, labels: list[Label], parent: QWidget | None = None, relabel: str | None = None):
        """``labels``: the whole scheme (the tree gives the paths; categories are left out); ``relabel``: the
        label of the span to relabel (Change label to > Other label…), None to tag."""
        super().__init__(parent)
        paths = label_paths(labels)
        labels = [lb for lb in labels if lb.codable]
        self.setObjectName("label_picker")
        self.setWindowTitle("Tag with label" if relabel is None else "Change label")
        self._chosen: str | None = None
        layout = QVBoxLayout(self)
        hint = QLabel("Type part of a code's name or of the codes above it; Enter tags the selection with it."
                      if relabel is None else
                      f"Type part of a code's name or of the codes above it; Enter changes {relabel} to it.", self)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("label_filter")
        self.filter.setPlaceholderText(f"Filter {len(labels)} labels")
        self.filter.setClearButtonEnabled(True)
        layout.addWidget(self.filter)
        self.list = QListWidget(self)
        self.list.setObjectName("label_choices")
        for label in labels:
            path = paths[label.name]
            item = QListWidgetItem(color_icon(label.color), f"{path}  ({label.shortcut})" if label.shortcut
                                   else path, self.list)
            item.setData(Qt.ItemDataRole.UserRole, label.name)
            item.setData(Qt.ItemDataRole.UserRole + 1, f"{path}\n{label.description}".casefold())
            if label.description:
                item.setToolTip(label.description)
        layout.addWidget(self.list, 1)
        self.filter.textChanged.connect(self.apply_filter)
        self.filter.returnPressed.connect(self.pick)
        self.list.itemActivated.connect(lambda _item: self.pick())
        self.filter.installEventFilter(self)
        self.resize(360, 420)
        self.apply_filter("")

    def apply_filter(self, text: str) -> None:
        """Show the labels whose path or description holds ``text`` (any case); select the first shown."""
        wanted = text.strip().casefold()
        first = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = bool(wanted) and wanted not in item.data(Qt.ItemDataRole.UserRole + 1)
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        self.list.setCurrentItem(first)

    def shown(self) -> list[str]:
        """The names of the labels the filter leaves in the list, in order."""
        return [self.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.list.count())
                if not self.list.item(r).isHidden()]

    def pick(self) -> None:
        """Take the selected label and close (nothing happens when the filter left no label)."""
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return
        self._chosen = item.data(Qt.ItemDataRole.UserRole)
        self.accept()

    def chosen(self) -> str | None:
        """The label picked, or None if the picker was cancelled."""
        return self._chosen

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        """Up, Down, Page Up and Page Down in the filter line move through the list."""
        if watched is self.filter and event.type() == event.Type.KeyPress and event.key() in _MOVES:
            QCoreApplication.sendEvent(self.list, event)
            return True
        return super().eventFilter(watched, event)
