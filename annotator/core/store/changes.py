"""Noticing other programs' commits: the base of the window's watch for edits made by another process."""

from __future__ import annotations

from annotator.core.store.base import StoreBase


class ChangesMixin(StoreBase):
    def data_version(self) -> int:
        """SQLite's ``PRAGMA data_version``: it changes when another connection commits (never for our own)."""
        return self._read("PRAGMA data_version")[0][0]
