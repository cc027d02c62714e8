"""Thin Qt layer over :mod:`annotator.core`.

Importing this package checks for the PySide6 build that corrupts the
interpreter (see :func:`check_pyside`), so users get a sentence instead of a
``Fatal Python error`` minutes into their work.

The project store (and the SQLite toolkit under it, with click, dateutil and pluggy) is imported *before*
PySide6, on purpose: once PySide6 is loaded, its ``__feature__`` import hook reads the source of every module
imported after it, looking for the word "PySide6" (for ``from __feature__ import snake_case``). Modules already
loaded before PySide6 escape most of that reading: ~20 ms of every start of the window (docs/performance.md,
"Starting and quitting"; tests/gui/test_startup_imports.py checks the order).
"""

import sys

import annotator.core.formats.documents  # noqa: F401  (before PySide6: see the module's docstring)
from annotator.core.store import Store  # noqa: F401  (before PySide6: see the module's docstring)
import PySide6

from annotator.core.errors import AnnotatorError


def pyside_is_broken(version: str = PySide6.__version__, python: tuple = tuple(sys.version_info[:2])) -> bool:
    """True for PySide6 6.12.0 on Python < 3.12: it leaks a reference to None on every void call.

    On Python 3.12+ None is immortal, so the leak is harmless there.
    """
    return version.startswith("6.12.0") and python < (3, 12)


def check_pyside() -> None:
    if pyside_is_broken():
        raise AnnotatorError(
            f"PySide6 {PySide6.__version__} crashes on Python {sys.version_info[0]}.{sys.version_info[1]}; "
            "install a working version with: pip install 'PySide6-Essentials<6.12'."
        )
