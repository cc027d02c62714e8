"""Edit > Label scheme…: add, rename, recolour, re-key, describe, reorder, place in the tree, declare attributes
and delete labels; share schemes.

Every change is a command of :mod:`annotator.gui.commands.scheme` run through
``session.perform``, so it lands on the window's undo stack (the dialog has
its own Undo/Redo buttons and Ctrl+Z too, since the window's shortcuts do not
reach a modal dialog). The table is rebuilt from the store whenever the
session announces a change, so the dialog never holds state of its own: it
can be shown modally (``SchemeEditor(session, window).exec()``) or left open
beside the window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.fileio import atomic_writer
from annotator.core.formats.scheme import read_scheme_file, write_scheme
from annotator.core.model import Label
from annotator.core.store.label_tree import CHILDREN_DELETE, CHILDREN_UP
from annotator.core.store.memos import memo_title
from annotator.gui.commands.memos import EditMemo
from annotator.gui.dialogs.attribute_declarations import AttributeDeclarations
from annotator.gui.dialogs.file_dialogs import open_file, save_file
from annotator.gui.dialogs.memo_dialog import MemoDialog
from annotator.gui.commands.scheme import (
    AddLabel,
    DeleteLabel,
    EditLabel,
    EditLabelAttributes,
    ImportScheme,
    MoveLabel,
    merged_order,
)
from annotator.gui.window_fit import fit_dialog

COLOR, NAME, KEY, UNDER, DESCRIPTION, COUNT = range(6)
HEADERS = ("Colour", "Name", "Key", "Under", "Description", "Annotations")
#: The choice of "Place under…" that puts a label at the top of the tree.
TOP = "(the top)"
#: The editable columns and the EditLabel argument each one sets.
EDITABLE = {NAME: "new_name", KEY: "shortcut", DESCRIPTION: "description"}
#: An imported scheme's new labels named in the message at most (a code system of 300 is counted, not listed).
NAMED = 5


def swatch(color: str, size: int = 14) -> QIcon:
    """A square of the label's colour, left untinted when its row is selected."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    icon = QIcon()
    for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected):
        icon.addPixmap(pixmap, mode)
    return icon


def label_path(parents: dict[str, str], name: str) -> list[str]:
    """The names from the top of the tree down to ``name``, given each label's parent."""
    path = [name]
    while parents.get(path[0]) and len(path) <= len(parents):
        path.insert(0, parents[path[0]])
    return path


def _same(current: Label, incoming: Label) -> bool:
    """True when importing ``incoming`` (a scheme file's label) would not change ``current``; a label of a version
    1 file (``parent`` None) says nothing of the tree."""
    fields = ["shortcut", "description"] + (["parent", "codable"] if incoming.parent is not None else [])
    return current.color.upper() == incoming.color and all(getattr(current, f) == getattr(incoming, f) for f in fields)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class SchemeEditor(QDialog):
    """The project's labels in a table, with buttons for every scheme edit."""

    BUTTONS = (
        ("add", "&Add…", "Add a label (it takes the next unused colour)"),
        ("rename", "Re&name…", "Rename the label; its annotations keep it"),
        ("color", "&Colour…", "Change the label's colour"),
        ("key", "&Key…", "Set the key that applies the label"),
        ("describe", "&Describe…", "Describe what the label is for"),
        ("memo", "&Memo…", "Write the label's memo: how it is used, doubts, examples (Ctrl+Enter saves)"),
        ("under", "&Place under…", "Put the label under another label, or at the top of the tree"),
        ("category", "Cate&gory", "Make the label a category that holds labels but tags nothing (or a label again)"),
        ("attributes", "A&ttributes…", "The attributes this label's spans may carry (certainty, negated …)"),
        ("up", "Move &up", "Move the label up (Alt+Up)"),
        ("down", "Move do&wn", "Move the label down (Alt+Down)"),
        ("delete", "De&lete…", "Delete the label and its annotations (Del)"),
        ("export", "&Export…", "Save the scheme as a file to share with your team"),
        ("import", "&Import…", "Merge a scheme file into this project's labels"),
    )

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("scheme_editor")
        self.setWindowTitle("Label scheme")
        self._loading = False
        self._connected = False
        self.table = self._build_table()
        side = self._build_buttons()
        self.message = QLabel(self)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.table, 1)
        top.addLayout(side)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.message)
        layout.addLayout(self._build_bottom_row())
        fit_dialog(self, (720, 380))
        self._wire()
        self._connect_session()
        self.refresh()

    def _build_table(self) -> QTableWidget:
        table = QTableWidget(0, len(HEADERS), self)
        table.setObjectName("labels")
        table.setHorizontalHeaderLabels(HEADERS)
        table.verticalHeader().hide()
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = table.horizontalHeader()
        for column in (COLOR, NAME, KEY, COUNT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self.delete_action = QAction("Delete label", table)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        table.addAction(self.delete_action)
        return table

    def _build_buttons(self) -> QVBoxLayout:
        """The column of buttons beside the table (:attr:`BUTTONS`), in :attr:`buttons` by name."""
        self.buttons: dict[str, QPushButton] = {}
        side = QVBoxLayout()
        for key, text, tip in self.BUTTONS:
            button = QPushButton(text, self)
            button.setObjectName(key)
            button.setToolTip(tip)
            button.setAutoDefault(False)  # Enter in the table must not add or delete anything
            self.buttons[key] = button
            side.addWidget(button)
            if key in ("attributes", "down", "delete"):
                side.addSpacing(8)
        side.addStretch(1)
        self.buttons["up"].setShortcut(QKeySequence("Alt+Up"))
        self.buttons["down"].setShortcut(QKeySequence("Alt+Down"))
        return side

    def _build_bottom_row(self) -> QHBoxLayout:
        """Undo and Redo (the window's own stack: an edit here is undone like any other), then Close."""
        stack = self.session.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Redo))
        bottom = QHBoxLayout()
        for name, action in (("undo", self.undo_action), ("redo", self.redo_action)):
            self.addAction(action)
            tool = QToolButton(self)
            tool.setObjectName(name)
            tool.setDefaultAction(action)
            bottom.addWidget(tool)
        bottom.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        bottom.addWidget(close)
        return bottom

    # ------------------------------------------------------------------ wiring
    def _wire(self) -> None:
        b = self.buttons
        b["add"].clicked.connect(self.add_label)
        b["rename"].clicked.connect(self.rename_label)
        b["color"].clicked.connect(self.choose_color)
        b["key"].clicked.connect(self.set_key)
        b["describe"].clicked.connect(self.describe_label)
        b["memo"].clicked.connect(self.write_memo)
        b["under"].clicked.connect(self.place_under)
        b["category"].clicked.connect(self.toggle_category)
        b["attributes"].clicked.connect(self.edit_attributes)
        b["up"].clicked.connect(lambda: self.move_label(-1))
        b["down"].clicked.connect(lambda: self.move_label(+1))
        b["delete"].clicked.connect(self.delete_label)
        b["export"].clicked.connect(self.export_scheme)
        b["import"].clicked.connect(self.import_scheme)
        self.delete_action.triggered.connect(self.delete_label)
        self.table.itemChanged.connect(self._on_item_changed)
        self.table.cellDoubleClicked.connect(self._on_double_click)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.finished.connect(self._disconnect_session)

    def _connect_session(self) -> None:
        """Follow the session while the dialog is open (reconnected when it is shown again)."""
        if self._connected:
            return
        s = self.session
        s.labels_changed.connect(self.refresh)
        s.annotations_changed.connect(self._on_annotations_changed)
        s.error.connect(self._show_error)
        self._connected = True

    def _disconnect_session(self, *_) -> None:
        if not self._connected:
            return
        s = self.session
        s.labels_changed.disconnect(self.refresh)
        s.annotations_changed.disconnect(self._on_annotations_changed)
        s.error.disconnect(self._show_error)
        self._connected = False

    def showEvent(self, event) -> None:
        self._connect_session()
        self.refresh()  # whatever happened while the dialog was closed
        super().showEvent(event)

    # ----------------------------------------------------------------- reading
    def labels(self) -> list[Label]:
        return self.session.store.labels()

    def current_name(self) -> str | None:
        """The name of the selected label (None when nothing is selected)."""
        row = self.table.currentRow()
        item = self.table.item(row, NAME) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select(self, name: str) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, NAME).data(Qt.ItemDataRole.UserRole) == name:
                self.table.setCurrentCell(row, NAME)
                return

    def refresh(self) -> None:
        """Rebuild the rows from the store, keeping the selected label (or row) selected.

        Items are updated in place, so a refresh caused by an edit committed
        from a cell editor never deletes the item being committed.
        """
        store = self.session.store
        try:
            labels = store.labels()
            counts = store.label_counts()
        except AnnotatorError as exc:
            self._show_error(str(exc))
            return
        name, row = self.current_name(), self.table.currentRow()
        writable = not store.readonly
        parents = {lb.name: lb.parent for lb in labels}
        self._loading = True
        try:
            self.table.setRowCount(len(labels))
            for r, label in enumerate(labels):
                count = counts.get(label.name, 0)
                cells = {
                    COLOR: label.color,
                    NAME: label.name,
                    KEY: label.shortcut,
                    UNDER: label.parent,
                    DESCRIPTION: label.description,
                    COUNT: str(count),
                }
                for column, text in cells.items():
                    item = self.table.item(r, column)
                    if item is None:
                        item = QTableWidgetItem()
                        self.table.setItem(r, column, item)
                    item.setText(text)
                    item.setData(Qt.ItemDataRole.UserRole, label.name)
                    flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
                    if writable and column in EDITABLE:
                        flags |= Qt.ItemFlag.ItemIsEditable
                    item.setFlags(flags)
                self._mark_category(self.table.item(r, NAME), label)
                self.table.item(r, UNDER).setToolTip(
                    " › ".join(label_path(parents, label.name)) + " — double-click to place it elsewhere")
                colour = self.table.item(r, COLOR)
                colour.setIcon(swatch(label.color))
                colour.setToolTip(f"{label.color} — double-click to change")
                self.table.item(r, COUNT).setTextAlignment(
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
                self.table.item(r, COUNT).setToolTip(f"{_plural(count, 'annotation')} use {label.name}")
        finally:
            self._loading = False
        names = [lb.name for lb in labels]
        if name in names:
            self.select(name)
        elif labels:
            self.table.setCurrentCell(max(0, min(row, len(labels) - 1)), NAME)
        self._update_buttons()

    @staticmethod
    def _mark_category(item: QTableWidgetItem, label: Label) -> None:
        """A category's name in italics, with a tooltip saying it tags nothing."""
        font = item.font()
        font.setItalic(not label.codable)
        item.setFont(font)
        item.setToolTip("" if label.codable else f"{label.name} is a category: it holds labels and tags nothing.")

    def _on_annotations_changed(self, _document: str) -> None:
        """Only the counts can change: update that column."""
        try:
            counts = self.session.store.label_counts()
        except AnnotatorError:
            return
        self._loading = True
        try:
            for row in range(self.table.rowCount()):
                item = self.table.item(row, COUNT)
                if item is not None:
                    item.setText(str(counts.get(item.data(Qt.ItemDataRole.UserRole), 0)))
        finally:
            self._loading = False

    def _update_buttons(self) -> None:
        writable = not self.session.store.readonly
        row, rows = self.table.currentRow(), self.table.rowCount()
        selected = writable and 0 <= row < rows
        for key in ("rename", "color", "key", "describe", "memo", "under", "category", "attributes", "delete"):
            self.buttons[key].setEnabled(selected)
        self.delete_action.setEnabled(selected)
        self.buttons["up"].setEnabled(selected and row > 0)
        self.buttons["down"].setEnabled(selected and row < rows - 1)
        self.buttons["add"].setEnabled(writable)
        self.buttons["import"].setEnabled(writable)

    # ---------------------------------------------------------------- messages
    def _show_error(self, message: str) -> None:
        self.message.setProperty("error", True)
        self.message.setText(message)

    def _show_info(self, message: str) -> None:
        self.message.setProperty("error", False)
        self.message.setText(message)

    def _fail(self, message: str) -> None:
        """Report a refusal the way the window reports every error (``session.error``), and here."""
        self.session.error.emit(message)
        if not self._connected:
            self._show_error(message)

    def _perform(self, make) -> bool:
        """Build a command with ``make()`` and run it through the session (so it can be undone)."""
        try:
            command = make()
        except AnnotatorError as exc:
            self._fail(str(exc))
            return False
        if getattr(command, "is_noop", lambda: False)():
            return False
        self.message.clear()
        done = self.session.perform(command)
        if done:
            self._show_info(command.text() + ".")
        return done

    # ----------------------------------------------------------------- editing
    def add_label(self) -> None:
        name, ok = QInputDialog.getText(self, "Add label", "Name of the new label:")
        if not ok or not name.strip():
            return
        if self._perform(lambda: AddLabel(self.session, name)):
            self.select(name.strip())

    def rename_label(self) -> None:
        name = self.current_name()
        if name is None:
            return
        new, ok = QInputDialog.getText(self, "Rename label", f"New name for {name} (its annotations keep it):",
                                       text=name)
        if ok:
            self._edit(name, new_name=new)

    def choose_color(self) -> None:
        name = self.current_name()
        if name is None:
            return
        color = QColorDialog.getColor(QColor(self.session.store.label(name).color), self, f"Colour of {name}")
        if color.isValid():
            self._edit(name, color=color.name(QColor.NameFormat.HexRgb).upper())

    def set_key(self) -> None:
        name = self.current_name()
        if name is None:
            return
        key, ok = QInputDialog.getText(self, "Label key", f"Key that applies {name} (one character; empty for none):",
                                       text=self.session.store.label(name).shortcut)
        if ok:
            self._edit(name, shortcut=key)

    def describe_label(self) -> None:
        name = self.current_name()
        if name is None:
            return
        text, ok = QInputDialog.getText(self, "Describe label", f"What is {name} for?",
                                        text=self.session.store.label(name).description)
        if ok:
            self._edit(name, description=text)

    def write_memo(self) -> None:
        """The selected label's memo, in the memo editor; saving it is one undoable step."""
        name = self.current_name()
        if name is None:
            return
        text, saved = MemoDialog.get_memo(self, memo_title("label", name), f"the code {name}",
                                          self.session.store.memo("label", name))
        if saved:
            self._perform(lambda: EditMemo(self.session, "label", name, text, name))

    def _edit(self, name: str, **changes) -> None:
        new_name = (changes.get("new_name") or "").strip() or name
        if self._perform(lambda: EditLabel(self.session, name, **changes)):
            self.select(new_name)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._loading or item.column() not in EDITABLE:
            return
        name = item.data(Qt.ItemDataRole.UserRole)
        column = item.column()
        self._edit(name, **{EDITABLE[column]: item.text()})
        self.refresh()  # a refused or unchanged edit puts the stored value back in the cell

    def _on_double_click(self, row: int, column: int) -> None:
        if column == COLOR and not self.session.store.readonly:
            self.choose_color()
        elif column == UNDER and not self.session.store.readonly:
            self.place_under()

    def place_under(self) -> None:
        """Choose the label's parent (or the top): one step on the undo stack."""
        name = self.current_name()
        if name is None:
            return
        store = self.session.store
        label, below = store.label(name), set(store.descendants(name))
        choices = [TOP] + [lb.name for lb in store.labels() if lb.name != name and lb.name not in below]
        current = choices.index(label.parent) if label.parent in choices else 0
        parent, ok = QInputDialog.getItem(self, "Place label", f"Put {name} under:", choices, current, False)
        if ok:
            self._edit(name, parent="" if parent == TOP else parent)

    def toggle_category(self) -> None:
        """Make the label a category (it holds labels, tags nothing), or a category a label again."""
        name = self.current_name()
        if name is not None:
            self._edit(name, codable=not self.session.store.label(name).codable)

    def edit_attributes(self) -> None:
        """The attributes the label declares, in their dialog: one step on the undo stack."""
        name = self.current_name()
        if name is None:
            return
        dialog = AttributeDeclarations(name, self.session.store.label_attributes(name), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            decls = dialog.declarations()
            self._perform(lambda: EditLabelAttributes(self.session, name, decls))
        dialog.deleteLater()

    def move_label(self, delta: int) -> None:
        name = self.current_name()
        if name is None:
            return
        row = self.table.currentRow()
        if self._perform(lambda: MoveLabel(self.session, name, row + delta)):
            self.select(name)

    def delete_label(self) -> None:
        name = self.current_name()
        if name is None:
            return
        store = self.session.store
        if store.children(name):
            children = self.ask_children(name)
            if children is not None:
                self._perform(lambda: DeleteLabel(self.session, name, children))
            return
        count = store.label_counts().get(name, 0)
        if count:
            ids = {a.id for a in store.iter_annotations(label=name)}
            links = sum(1 for k in store.links() if k.source in ids or k.target in ids)
            also = f" and {_plural(links, 'link')} between spans" if links else ""
            answer = QMessageBox.question(
                self, "Delete label",
                f"Delete the label {name!r} and its {_plural(count, 'annotation')}{also}?\n\n"
                "You can bring them back with Edit > Undo.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self._perform(lambda: DeleteLabel(self.session, name))

    def ask_children(self, name: str) -> str | None:
        """Deleting a label that holds others: they move up to its parent, or go with it (None: cancelled)."""
        store = self.session.store
        held, parent = store.descendants(name), store.label(name).parent
        counts = store.label_counts()
        own, theirs = counts.get(name, 0), sum(counts.get(n, 0) for n in held)
        named = ", ".join(held[:NAMED]) + (f", … +{len(held) - NAMED}" if len(held) > NAMED else "")
        box = QMessageBox(QMessageBox.Icon.Question, "Delete label",
                          f"{name} holds {_plural(len(held), 'label')} ({named}). Delete {name} with its "
                          f"{_plural(own, 'annotation')}, and what becomes of the labels under it?\n\n"
                          "You can bring everything back with Edit > Undo.", parent=self)
        up = box.addButton(f"Move them under {parent}" if parent else "Move them to the top",
                           QMessageBox.ButtonRole.AcceptRole)
        up.setObjectName("children_up")
        gone = box.addButton(f"Delete them too ({_plural(theirs, 'annotation')})",
                             QMessageBox.ButtonRole.DestructiveRole)
        gone.setObjectName("children_delete")
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(up)
        box.exec()
        clicked = box.clickedButton()
        return CHILDREN_UP if clicked == up else CHILDREN_DELETE if clicked == gone else None

    # ---------------------------------------------------------------- sharing
    def export_scheme(self) -> None:
        store = self.session.store
        path = save_file(self, "Export label scheme", "Label scheme (*.json);;All files (*)",
                         Path(store.path).stem + "-labels.json", fallback=Path(store.path).parent)
        if not path:
            return
        if not Path(path).suffix:
            path += ".json"
        try:
            with atomic_writer(path) as out:
                count = write_scheme(store, out)
        except AnnotatorError as exc:
            self._fail(str(exc))
            return
        self._show_info(f"{_plural(count, 'label')} exported to {path}.")

    def import_scheme(self) -> None:
        path = open_file(self, "Import label scheme", "Label scheme (*.json);;All files (*)")
        if not path:
            return
        name = Path(path).name
        try:
            labels = read_scheme_file(path)
            current = {lb.name: lb for lb in self.session.store.labels()}
        except AnnotatorError as exc:
            self._fail(str(exc))
            return
        if not labels:
            self._show_info(f"{name} has no labels; nothing changed.")
            return
        same_fields = all(lb.name in current and _same(current[lb.name], lb) for lb in labels)
        if same_fields and merged_order(list(current), [lb.name for lb in labels]) == list(current):
            self._show_info(f"The labels in {name} are already this project's; nothing changed.")
            return
        command = ImportScheme(self.session, labels, name)
        self.message.clear()
        if self.session.perform(command):
            parts = []
            if command.added:
                named = ", ".join(command.added[:NAMED]) + (f", … +{len(command.added) - NAMED}"
                                                             if len(command.added) > NAMED else "")
                parts.append(f"{_plural(len(command.added), 'new label')} ({named})")
            if command.updated:
                parts.append(f"{len(command.updated)} updated")
            self._show_info(f"Imported {name}: " + ", ".join(parts) + ".")
