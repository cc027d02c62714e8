"""File > Open Recent: the projects opened last, remembered in settings.ini.

Each window records the project it opened; the menu lists the others, newest first, at most :data:`KEEP`. A
project file that no longer exists is shown greyed out (choosing it anyway drops it from the list); "Clear list"
forgets them all. Opening goes through the window's :data:`~annotator.gui.window.status.Opener`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from annotator.gui.window.status import Opener, Status

#: settings.ini key: the recent project files, newest first.
RECENT = "recent_projects"
#: How many projects the list keeps.
KEEP = 8


def recent_projects(settings: QSettings) -> list[str]:
    """The remembered project paths, newest first (a single remembered path reads back as a plain string)."""
    value = settings.value(RECENT, [])
    if isinstance(value, str):
        value = [value] if value else []
    return [str(p) for p in value or [] if p][:KEEP]


def remember_project(settings: QSettings, path: str | Path) -> None:
    """Put ``path`` first in the recent list, keeping at most :data:`KEEP`."""
    path = str(Path(path).expanduser().resolve())
    paths = [path] + [p for p in recent_projects(settings) if p != path]
    settings.setValue(RECENT, paths[:KEEP])


def forget_project(settings: QSettings, path: str) -> None:
    settings.setValue(RECENT, [p for p in recent_projects(settings) if p != path])


class RecentProjects:
    """The File > Open Recent submenu of one window, rebuilt each time it opens (another window may have added
    a project since)."""

    def __init__(self, settings: QSettings, project: str | Path, status: Status, open_project: Opener):
        self.settings = settings
        self.status = status
        self._open = open_project
        self.current = str(Path(project).expanduser().resolve())
        remember_project(settings, self.current)
        self.menu = QMenu("Open &Recent", status.dialog_parent)
        self.menu.setObjectName("recent_projects_menu")
        #: The menu's entries by project path, and its "Clear list" (made by :meth:`rebuild`).
        self.entries: dict[str, QAction] = {}
        self.clear_action: QAction | None = None
        self.menu.aboutToShow.connect(self.rebuild)
        self.rebuild()

    def others(self) -> list[str]:
        """The recent projects other than this window's, newest first."""
        return [p for p in recent_projects(self.settings) if p != self.current]

    def rebuild(self) -> None:
        """One entry per recent project (greyed out when its file is gone), then "Clear list"."""
        self.menu.clear()
        self.entries = {}
        for number, path in enumerate(self.others(), start=1):
            exists = Path(path).is_file()
            action = QAction(f"&{number} {Path(path).name}" if number < 10 else Path(path).name, self.menu)
            action.setToolTip(path if exists else f"{path} (not found)")
            action.setStatusTip(path if exists else f"{path} no longer exists")
            action.setEnabled(exists)
            action.triggered.connect(lambda _=False, p=path: self.open(p))
            self.menu.addAction(action)
            self.entries[path] = action
        self.menu.addSeparator()
        self.clear_action = self.menu.addAction("&Clear list")
        self.clear_action.setObjectName("recent_projects_clear")
        self.clear_action.setEnabled(bool(self.entries))
        self.clear_action.triggered.connect(self.clear)

    def open(self, path: str) -> None:
        """Open a recent project in place of this window's, or say it is gone and drop it from the list."""
        if not Path(path).is_file():
            forget_project(self.settings, path)
            self._drop([path])
            self.status.error(f"{path} no longer exists; it was removed from the recent projects.")
            return
        self._open(path, True)

    def clear(self) -> None:
        """Forget every recent project but this window's own."""
        self.settings.setValue(RECENT, [self.current])
        self._drop(list(self.entries))
        self.status.show("The list of recent projects was cleared.", 4000)

    def _drop(self, paths: list[str]) -> None:
        """Take entries out of the menu (later: an entry may be the action whose signal is running)."""
        for path in paths:
            action = self.entries.pop(path, None)
            if action is not None:
                self.menu.removeAction(action)
                action.deleteLater()
        self.clear_action.setEnabled(bool(self.entries))
