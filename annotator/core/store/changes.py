"""Noticing other programs' commits: the base of the window's watch for edits made by another process."""

from __future__ import annotations

from annotator.core.store.base import StoreBase


class ChangesMixin(StoreBase):
    def data_version(self) -> int:
        """SQLite's ``PRAGMA data_version``: it changes when another connection commits (never for our own)."""
        return self._read("PRAGMA data_version")[0][0]

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another program's write lock before :class:`ProjectLockedError`."""
        self._read(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")
