"""The Team dock of a project joined to a team server: who is in the team, what arrived, done and blind coding.

It only shows what it is given (:meth:`TeamDock.show_roster`, :meth:`TeamDock.arrived`, :meth:`TeamDock.set_state`)
and says what the analyst asked for through its signals; the Team controller (:mod:`annotator.gui.controllers.team`)
reads the server off the GUI thread and writes through the session's store.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView, QDockWidget, QHBoxLayout, QHeaderView, QLabel, QListWidget, QTableWidget, QTableWidgetItem,
    QToolButton, QVBoxLayout, QWidget,
)

#: The "what arrived" list keeps this many lines.
ARRIVED_KEPT = 200
COLUMNS = ("Member", "State", "Annotations", "Reviews", "Done")


class TeamDock(QDockWidget):
    #: "Mark document done" toggled: True marks the current document done, False takes the mark back.
    done_toggled = Signal(bool)
    #: A lead switched blind coding: (on, for the current document only).
    blind_toggled = Signal(bool, bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Team", parent)
        self.setObjectName("team_dock")
        self.header = QLabel()
        self.header.setObjectName("team_header")
        self.header.setWordWrap(True)
        self.members = QTableWidget(0, len(COLUMNS))
        self.members.setObjectName("team_members")
        self.members.setHorizontalHeaderLabels(COLUMNS)
        self.members.verticalHeader().hide()
        self.members.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.members.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.arrivals = QListWidget()
        self.arrivals.setObjectName("team_arrivals")
        self.done_action = self._action("Mark document done", "team.done",
                                        "You have finished the current document: with blind coding on, "
                                        "colleagues' annotations on it become visible to you")
        self.blind_project_action = self._action("Blind coding for the project", "team.blind_project",
                                                 "Leads: hide colleagues' annotations from each member until they "
                                                 "mark a document done, on every document")
        self.blind_document_action = self._action("Blind coding for this document", "team.blind_document",
                                                  "Leads: blind coding for the current document only")
        self.done_button, self.blind_project, self.blind_document = (
            self._button(a) for a in (self.done_action, self.blind_project_action, self.blind_document_action))
        self.done_action.toggled.connect(self.done_toggled.emit)
        self.blind_project_action.toggled.connect(lambda on: self.blind_toggled.emit(on, False))
        self.blind_document_action.toggled.connect(lambda on: self.blind_toggled.emit(on, True))
        self._layout()

    def _action(self, text: str, name: str, tip: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setCheckable(True)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        return action

    def _button(self, action: QAction) -> QToolButton:
        """A button for ``action`` (the Review menu lists the same action), reached with Tab."""
        button = QToolButton()
        button.setObjectName(action.objectName().replace(".", "_"))
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return button

    def actions_for_menu(self) -> list[QAction]:
        return [self.done_action, self.blind_project_action, self.blind_document_action]

    def _layout(self) -> None:
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(4, 4, 4, 4)
        column.addWidget(self.header)
        row = QHBoxLayout()
        for button in (self.done_button, self.blind_project, self.blind_document):
            row.addWidget(button)
        row.addStretch(1)
        column.addLayout(row)
        lists = QHBoxLayout()
        lists.addWidget(self.members, 3)
        arrived = QVBoxLayout()
        arrived.addWidget(QLabel("What arrived (latest first):"))
        arrived.addWidget(self.arrivals)
        lists.addLayout(arrived, 2)
        column.addLayout(lists, 1)
        self.setWidget(body)

    # ------------------------------------------------------------------ shown
    def set_state(self, header: str, document: str | None, done: bool, lead: bool, blind_project: bool,
                  blind_document: bool) -> None:
        """What the buttons show for the current ``document`` (None: no document on screen)."""
        self.header.setText(header)
        for action, button, checked, enabled, visible in (
                (self.done_action, self.done_button, done, document is not None, True),
                (self.blind_project_action, self.blind_project, blind_project, True, lead),
                (self.blind_document_action, self.blind_document, blind_document, document is not None, lead)):
            action.blockSignals(True)
            action.setChecked(checked)
            action.blockSignals(False)
            action.setEnabled(enabled)
            action.setVisible(visible)
            button.setVisible(visible)  # a tool button does not follow its action's visibility

    def show_roster(self, members, me: str) -> None:
        """``members``: :class:`~annotator.core.team.roster.Member` records, as the server counts them for ``me``."""
        self.members.setRowCount(len(members))
        for row, m in enumerate(members):
            name = m.name + (" (lead)" if m.lead else "") + (" — you" if m.name == me else "")
            state = "online" if m.online else (f"last seen {_local(m.last_seen)}" if m.last_seen else "never synced")
            state += "" if m.active else ", removed"
            for col, value in enumerate((name, state, m.annotations, m.reviews, m.done)):
                item = QTableWidgetItem(str(value))
                if isinstance(value, int):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.members.setItem(row, col, item)

    def member_row(self, name: str) -> dict[str, str]:
        """The cells of member ``name``'s row by column title (empty if not listed)."""
        for row in range(self.members.rowCount()):
            if self.members.item(row, 0).text().split(" ")[0] == name:
                return {title: self.members.item(row, col).text() for col, title in enumerate(COLUMNS)}
        return {}

    def arrived(self, lines: list[str]) -> None:
        """Put ``lines`` at the top of the "what arrived" list, with the time."""
        if not lines:
            return
        stamp = datetime.now().strftime("%H:%M:%S")
        for line in reversed(lines):
            self.arrivals.insertItem(0, f"{stamp}  {line}")
        while self.arrivals.count() > ARRIVED_KEPT:
            self.arrivals.takeItem(self.arrivals.count() - 1)


def _local(iso: str) -> str:
    """A server time (UTC ISO 8601) as the analyst's local date and time."""
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso
