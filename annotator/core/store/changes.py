"""Noticing other programs' commits: the base of the window's watch for edits made by another process."""

from __future__ import annotations

import sqlite3

from annotator.core.store.base import StoreBase


class ChangesMixin(StoreBase):
    def data_version(self) -> int:
        """SQLite's ``PRAGMA data_version``: it changes when another connection commits (never for our own)."""
        return self._read("PRAGMA data_version")[0][0]

    def own_changes(self) -> int:
        """How many rows this connection has written since it opened (SQLite's ``total_changes``), -1 once closed.

        Safe to read from another thread: the window's team sync reads the window's count to tell the window's own
        commits from another program's (:mod:`annotator.gui.team_worker`)."""
        try:
            return self.db.conn.total_changes
        except sqlite3.Error:
            return -1

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another program's write lock before :class:`ProjectLockedError`."""
        self._read(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")
