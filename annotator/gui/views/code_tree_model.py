"""The Codes dock's item model: a thin Qt adapter over :class:`~annotator.core.code_tree.CodeTree`.

Three columns: the code (its colour swatch and name; a category, which tags nothing, in italics), the segments
coded with it, and those coded with it or a code under it. :meth:`CodeTreeModel.set_tree` replaces the tree (the
scheme changed); :meth:`CodeTreeModel.add_counts` adjusts the counts after a tag and repaints only their cells.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from annotator.core.code_tree import CodeNode, CodeTree
from annotator.gui.panels.label_bar import color_icon

NAME, OWN, ALL = 0, 1, 2
HEADERS = ("Code", "Own", "With codes under it")
HEADER_TIPS = ("The codes, as a tree: drag a code onto another to put it there",
               "Segments coded with this code", "Segments coded with this code or a code under it")
#: The label's name, in every column.
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


class CodeTreeModel(QAbstractItemModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.tree = CodeTree([])
        self._icons: dict[str, object] = {}
        self._italic = QFont()
        self._italic.setItalic(True)

    # ------------------------------------------------------------------ filling
    def set_tree(self, tree: CodeTree) -> None:
        """Show ``tree`` (a model reset: the view keeps nothing; the dock restores what was open)."""
        self.beginResetModel()
        self.tree = tree
        self._icons = {}
        self.endResetModel()

    def add_counts(self, diff: dict[str, int]) -> None:
        """A tag (or its undo) changed these labels' counts (label -> +/-n): their rows and their ancestors'."""
        for name in self.tree.add_counts(diff):
            node = self.tree.nodes[name]
            self.dataChanged.emit(self.createIndex(node.row, OWN, node), self.createIndex(node.row, ALL, node),
                                  [Qt.ItemDataRole.DisplayRole])

    def index_of(self, name: str, column: int = NAME) -> QModelIndex:
        node = self.tree.nodes.get(name)
        return QModelIndex() if node is None else self.createIndex(node.row, column, node)

    def node(self, index: _Index) -> CodeNode | None:
        return index.internalPointer() if index.isValid() else None

    # ------------------------------------------------------------------ QAbstractItemModel
    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:
        siblings = self.node(parent).children if parent.isValid() else self.tree.top
        if 0 <= row < len(siblings) and 0 <= column < len(HEADERS):
            return self.createIndex(row, column, siblings[row])
        return QModelIndex()

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        node = self.node(index)
        if node is None or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.parent.row, NAME, node.parent)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt override)
        if parent.isValid():
            return len(self.node(parent).children) if parent.column() == NAME else 0
        return len(self.tree.top)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt override)
        return len(HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        node = self.node(index)
        if node is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return node.name if column == NAME else (node.own if column == OWN else node.total)
        if role == NAME_ROLE:
            return node.name
        if role == Qt.ItemDataRole.DecorationRole and column == NAME:
            icon = self._icons.get(node.name)
            if icon is None:
                icon = self._icons[node.name] = color_icon(node.label.color, 12)
            return icon
        if role == Qt.ItemDataRole.FontRole and column == NAME and not node.label.codable:
            return self._italic
        if role == Qt.ItemDataRole.TextAlignmentRole and column != NAME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == NAME:
            return self._tooltip(node)
        return None

    def _tooltip(self, node: CodeNode) -> str:
        lines = [self.tree.path_text(node.name)]
        if not node.label.codable:
            lines.append("A category: it holds codes and tags nothing.")
        if node.label.shortcut:
            lines.append(f"Key: {node.label.shortcut}")
        if node.label.description:
            lines.append(node.label.description)
        return "\n".join(lines)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
