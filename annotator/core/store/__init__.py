"""The project store: the only package that speaks SQL (through sqlite-utils).

A project is one SQLite file. Every public method that writes runs in one
transaction (:meth:`Store.transaction`), so an operation lands completely or
not at all. Connections use WAL, ``synchronous=FULL`` and ``foreign_keys=ON``.
Errors surface as :mod:`annotator.core.errors` exceptions with messages for
analysts, and a failed operation leaves the file as it was.

:class:`Store` is assembled from one mixin per kind of data (``documents``,
``labels``, ``label_tree``, ``annotations``, ``attributes``, ``links``, ``search``, ``display``, ``retrieval``,
``imports``, ``team``, ``memos``, ``model_cache``, ``report_counts``) over :class:`StoreBase` (opening, transactions, metadata).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.core.store.base import PALETTE, SQLITE_MAGIC, StoreBase, needs_upgrade
    from annotator.core.store.memos import MemoHit
    from annotator.core.store.search import Hit
    from annotator.core.store.store import Store

#: Where each public name lives. Importing the package itself loads nothing else: a command that needs only
#: ``annotator.core.store.files`` or ``.backup`` (``annotator backup``, ``check``) starts without sqlite-utils
#: and the mixins (~0.2 s of a 0.5 s backup at 100,000 annotations); the first use of a name loads its module.
_HOMES = {
    "PALETTE": "annotator.core.store.base", "SQLITE_MAGIC": "annotator.core.store.base",
    "StoreBase": "annotator.core.store.base", "needs_upgrade": "annotator.core.store.base",
    "Hit": "annotator.core.store.search", "MemoHit": "annotator.core.store.memos",
    "Store": "annotator.core.store.store",
}


def __getattr__(name: str):
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # loaded once: later look-ups find it here
    return value


__all__ = ["PALETTE", "SQLITE_MAGIC", "Hit", "MemoHit", "Store", "StoreBase", "needs_upgrade"]
