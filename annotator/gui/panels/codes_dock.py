"""The Codes dock (issue 22): the label tree with its counts, a filter, drag to move a code, double-click for its
segments, and "Tag selection with this code".

It reads the store and says what the analyst asked for through its signals; the Codes controller
(:mod:`annotator.gui.controllers.codes`) does the moving and the tagging and keeps the counts current. Nothing
here replaces a key: the label bar keeps the keyed labels, Ctrl+K finds any code by typing.

- **Counts**: "Own" counts the segments coded with the code, "With codes under it" adds those of every code below.
  A tag moves one count (:meth:`CodesDock.adjust_counts`); while the dock is hidden nothing is kept up to date,
  and it reads the store again when it is shown.
- **Filter**: typing keeps the codes whose name holds the text, with the codes above them, opened.
- **Drag** a code onto another to put it under it, between two codes to put it beside them, or below the last
  code to put it at the top of the tree (:attr:`CodesDock.move_requested`).
- **Double-click or Enter** asks for the code's segments (:attr:`CodesDock.segments_requested`): with the codes
  under it, except a double-click on the "Own" count, which asks for the code's own segments only.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QDockWidget, QHBoxLayout, QHeaderView, QLineEdit, QMenu, QToolButton, QTreeView, QVBoxLayout,
    QWidget,
)

from annotator.core.code_tree import CodeTree
from annotator.gui.views.code_tree_model import ALL, NAME, NAME_ROLE, OWN, CodeTreeModel

class CodeTreeView(QTreeView):
    """A tree whose codes are moved with the mouse: press on a code, drag it, release it on another code (it goes
    under that code), between two codes (beside them) or below every code (to the top); :attr:`dropped` says
    ``(code, new parent)``, "" for the top of the tree. Escape while dragging puts nothing anywhere.

    The drag is the tree's own (press, move, release), not the system's drag and drop: a code never leaves the
    window, and the same gesture works on every platform Qt runs on, offscreen included.
    """

    dropped = Signal(str, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("codes_tree")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setExpandsOnDoubleClick(False)  # a double-click asks for the segments; arrows and keys fold
        self.setUniformRowHeights(True)  # a thousand codes lay out at once
        self.setAllColumnsShowFocus(True)
        self.movable = True
        self._pressed: tuple[QPersistentModelIndex, QPoint] | None = None
        self._dragging = False
        self._target: tuple[str, QRect] | None = None  # the parent a release would give, and where to show it

    def drop_target(self, pos: QPoint) -> tuple[str, QRect]:
        """The new parent of a code released at ``pos`` and the line or box that shows it."""
        index = self.indexAt(pos)
        if not index.isValid():
            return "", QRect(0, pos.y(), self.viewport().width(), 2)
        rect = self.visualRect(index.siblingAtColumn(NAME))
        row = QRect(0, rect.top(), self.viewport().width(), rect.height())
        margin = max(2, rect.height() // 4)
        if pos.y() < rect.top() + margin:  # the upper edge: beside it
            return index.parent().data(NAME_ROLE) or "", QRect(rect.left(), rect.top(), row.width(), 2)
        if pos.y() > rect.bottom() - margin and not self.isExpanded(index.siblingAtColumn(NAME)):
            return index.parent().data(NAME_ROLE) or "", QRect(rect.left(), rect.bottom(), row.width(), 2)
        return index.data(NAME_ROLE), row

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().mousePressEvent(event)
        index = self.indexAt(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and index.isValid() and self.movable:
            self._pressed = (QPersistentModelIndex(index), event.position().toPoint())

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt override)
        pos = event.position().toPoint()
        if self._pressed is None or not event.buttons() & Qt.MouseButton.LeftButton:
            super().mouseMoveEvent(event)
            return
        if not self._dragging and (pos - self._pressed[1]).manhattanLength() < QApplication.startDragDistance():
            return
        self._dragging = True
        self.viewport().setCursor(Qt.CursorShape.DragMoveCursor)
        self._target = self.drop_target(pos)
        self.viewport().update()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt override)
        pressed, dragging = self._pressed, self._dragging
        self._end_drag()
        super().mouseReleaseEvent(event)  # the view's own press ends too
        if dragging and pressed is not None and pressed[0].isValid():
            parent, _ = self.drop_target(event.position().toPoint())
            self.dropped.emit(pressed[0].data(NAME_ROLE), parent)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self._dragging and event.key() == Qt.Key.Key_Escape:
            self._end_drag()
            return
        super().keyPressEvent(event)

    def _end_drag(self) -> None:
        if self._dragging:
            self.viewport().unsetCursor()
            self.viewport().update()
        self._pressed, self._dragging, self._target = None, False, None

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().paintEvent(event)
        if self._target is None:
            return
        painter = QPainter(self.viewport())
        painter.setPen(QPen(self.palette().highlight().color(), 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(self._target[1].adjusted(1, 1, -1, -1))
        painter.end()


class CodesDock(QDockWidget):
    #: Show the segments coded with a code: (its name, with the codes under it). The lead wires it to the
    #: Segments view.
    segments_requested = Signal(str, bool)
    #: Tag the text selected in the active pane with this code.
    tag_requested = Signal(str)
    #: Put a code under another ("" : at the top of the tree).
    move_requested = Signal(str, str)

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__("Codes", parent)
        self.setObjectName("codes_dock")
        self.session = session
        self.model = CodeTreeModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)  # a match keeps the codes above it
        # The filter reads names only: a count that changes need not filter again (that re-read every code's name
        # at each tag, 40 ms with 1,000 codes).
        self.proxy.setDynamicSortFilter(False)
        self.proxy.setFilterRole(NAME_ROLE)
        self.proxy.setFilterKeyColumn(NAME)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tree = CodeTreeView()
        self.tree.setModel(self.proxy)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        # The count columns as wide as their titles (or seven digits): sized to their contents, each tag would
        # measure every row (40 ms with 1,000 codes).
        for column in (OWN, ALL):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            digits = self.tree.fontMetrics().horizontalAdvance("0000000")
            header.resizeSection(column, max(header.sectionSizeFromContents(column).width(), digits) + 8)
        self.filter = QLineEdit()
        self.filter.setObjectName("codes_filter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText("Filter codes")
        self.tag_action = self._action("&Tag selection with this code", "codes.tag",
                                       "Tag the text selected in the active pane with the code selected here")
        self.expand_action = self._action("E&xpand all", "codes.expand", "Open every code that holds others")
        self.collapse_action = self._action("C&ollapse all", "codes.collapse", "Close every code that holds others")
        self.dirty = True  # the tree has not been read yet (or changed while the dock was hidden)
        self._layout()
        self._connect()

    def _action(self, text: str, name: str, tip: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setToolTip(tip.replace("&", ""))
        action.setStatusTip(tip)
        return action

    def _layout(self) -> None:
        row = QHBoxLayout()
        row.addWidget(self.filter, 1)
        for action in (self.tag_action, self.expand_action, self.collapse_action):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setObjectName(action.objectName().replace(".", "_"))
            row.addWidget(button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(row)
        layout.addWidget(self.tree, 1)
        self.setWidget(body)

    def _connect(self) -> None:
        self.filter.textChanged.connect(self.apply_filter)
        self.tree.activated.connect(self._on_activated)
        self.tree.dropped.connect(self.move_requested)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.selectionModel().currentChanged.connect(lambda *_: self._update_actions())
        self.tag_action.triggered.connect(self._tag_current)
        self.expand_action.triggered.connect(self.tree.expandAll)
        self.collapse_action.triggered.connect(self.tree.collapseAll)
        self.visibilityChanged.connect(self._on_visibility)

    # ------------------------------------------------------------------ reading
    def reload(self) -> None:
        """Read the labels and their counts again (one query each), keeping what was open and selected."""
        store = self.session.store
        first = not self.model.tree.nodes
        opened = self.expanded()
        current = self.current()
        self.model.set_tree(CodeTree(store.labels(), store.label_counts()))
        self.dirty = False
        if first:
            self.tree.expandToDepth(0)
        else:
            self._expand(opened)
        if self.filter.text().strip():
            self.tree.expandAll()
        if current:
            self.select(current)
        self.tree.movable = self.session.writable
        self._update_actions()

    def recount(self) -> None:
        """Read every code's count again (one query) and repaint the rows whose counts moved."""
        if self.dirty:
            return
        counts = self.session.store.label_counts()
        self.model.add_counts({name: counts.get(name, 0) - node.own for name, node in self.model.tree.nodes.items()
                               if counts.get(name, 0) != node.own})

    def adjust_counts(self, diff: dict[str, int]) -> None:
        """A tag (or its undo) changed these labels' counts by ``diff`` (label -> +/-n)."""
        if not self.dirty:
            self.model.add_counts(diff)

    def labels_changed(self) -> None:
        """The scheme changed: read it now if the dock is shown, else when it is."""
        self.dirty = True
        if self.on_screen():
            self.reload()

    def on_screen(self) -> bool:
        """Shown, and not a tab behind another dock (such a dock is "visible" to Qt, with nothing of it seen)."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def _on_visibility(self, visible: bool) -> None:
        if visible and self.dirty:
            self.reload()

    # ------------------------------------------------------------------ what is shown
    def counts(self, name: str) -> tuple[int, int]:
        """The counts shown for ``name``: (own, with the codes under it)."""
        node = self.model.tree.nodes[name]
        return node.own, node.total

    def view_index(self, name: str, column: int = NAME) -> QModelIndex:
        """Where ``name`` is in the tree view (invalid when the filter hides it)."""
        return self.proxy.mapFromSource(self.model.index_of(name, column))

    def current(self) -> str | None:
        """The code selected in the tree, if any."""
        index = self.tree.currentIndex()
        return index.data(NAME_ROLE) if index.isValid() else None

    def select(self, name: str) -> None:
        index = self.view_index(name)
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)

    def expanded(self) -> set[str]:
        """The codes shown open."""
        return {name for name, node in self.model.tree.nodes.items()
                if node.children and self.tree.isExpanded(self.view_index(name))}

    def _expand(self, names: set[str]) -> None:
        for name in names:
            index = self.view_index(name)
            if index.isValid():
                self.tree.expand(index)

    def shown(self) -> list[str]:
        """The codes the filter leaves in the tree, parents before their children (open or not)."""
        out: list[str] = []

        def walk(parent: QModelIndex) -> None:
            for row in range(self.proxy.rowCount(parent)):
                index = self.proxy.index(row, NAME, parent)
                out.append(index.data(NAME_ROLE))
                walk(index)

        walk(QModelIndex())
        return out

    def apply_filter(self, text: str) -> None:
        """Keep the codes whose name holds ``text`` (any case) and the codes above them, opened."""
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.tree.expandAll()

    # ------------------------------------------------------------------ asking
    def _on_activated(self, index: QModelIndex) -> None:
        self.segments_requested.emit(index.data(NAME_ROLE), index.column() != OWN)

    def _codable(self, name: str | None) -> bool:
        node = self.model.tree.nodes.get(name or "")
        return node is not None and node.label.codable

    def _update_actions(self) -> None:
        self.tag_action.setEnabled(self.session.writable and self._codable(self.current()))

    def _tag_current(self) -> None:
        name = self.current()
        if self._codable(name):
            self.tag_requested.emit(name)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.tree.indexAt(pos)
        menu = self.context_menu(index.data(NAME_ROLE) if index.isValid() else None)
        menu.popup(self.tree.viewport().mapToGlobal(pos))
        self.menu = menu  # kept alive while it is shown

    def context_menu(self, name: str | None) -> QMenu:
        """The menu of a right-click on ``name`` (None: below the codes)."""
        menu = QMenu(self)
        if name is not None:
            self.select(name)
            menu.addAction(self.tag_action)
            node = self.model.tree.nodes[name]
            menu.addAction("Show its segments").triggered.connect(
                lambda _=False: self.segments_requested.emit(name, False))
            under = menu.addAction("Show its segments and those of the codes under it")
            under.setEnabled(bool(node.children))
            under.triggered.connect(lambda _=False: self.segments_requested.emit(name, True))
            menu.addSeparator()
            top = menu.addAction("Move to the top of the tree")
            top.setEnabled(self.session.writable and node.parent is not None)
            top.triggered.connect(lambda _=False: self.move_requested.emit(name, ""))
            menu.addSeparator()
        menu.addAction(self.expand_action)
        menu.addAction(self.collapse_action)
        return menu
