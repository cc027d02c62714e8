"""sqlite_utils' :class:`Database` and :class:`Migrations`, imported without numpy (for the store and the
migrations, the only modules that speak SQL).

sqlite_utils imports numpy when it is installed, only to map numpy's number types to column types. The store
never hands it a numpy value, and numpy takes 0.1–0.3 s of every start of the window and of every command, so
numpy is hidden while sqlite_utils loads (when nothing has imported it yet). numpy stays importable afterwards:
the agreement report and bulk imports load it when they first need it (:mod:`annotator.core.lazy`).

The store opens its connections with ``execute_plugins=False``: sqlite-utils plugins installed on the machine
have no business on a project's connection, and finding them scans every installed package's entry points
(tens of milliseconds at every start).
"""

from __future__ import annotations

import sys

_HIDE_NUMPY = "numpy" not in sys.modules
if _HIDE_NUMPY:
    sys.modules["numpy"] = None  # type: ignore[assignment]  # "import numpy" now fails: sqlite_utils goes without
try:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations
finally:
    if _HIDE_NUMPY:
        del sys.modules["numpy"]

__all__ = ["Database", "Migrations"]
