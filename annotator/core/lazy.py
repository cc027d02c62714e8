"""Heavy third-party packages imported on first use, so that starting the window or a command does not pay for them.

``np = lazy_module("numpy")`` at the top of a module reads like ``import numpy as np`` and is used the same way
(``np.array(...)``), but numpy is imported only when an attribute is first asked for. numpy, rapidfuzz and
ijson take tens of milliseconds each to import; none is needed to show the window.
Only the packages listed in ``tests/core/test_architecture.py`` (``HEAVY``) are loaded this way; the test
checks every call. ``lazy_pattern`` does the same for a long regular expression: compiled when first used.
"""

from __future__ import annotations

import importlib
import re
from types import ModuleType
from typing import Any


class LazyModule:
    """A module imported the first time one of its attributes is read (from any thread).

    ``also`` names submodules to import with it (``lazy_module("docx", "docx.shared")`` makes
    ``docx.shared`` usable as an attribute, as after ``import docx.shared``). An attribute, once
    read, is kept on the proxy, so later reads cost what an ordinary attribute read does.
    """

    def __init__(self, name: str, *also: str) -> None:
        self._names = (name, *also)
        self._module: ModuleType | None = None

    def _load(self) -> ModuleType:
        if self._module is None:  # two threads may both get here: Python's import lock makes that harmless
            for name in reversed(self._names):
                importlib.import_module(name)
            self._module = importlib.import_module(self._names[0])
        return self._module

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)  # copy, pickle and inspect probe dunders: they must not load the package
        value = getattr(self._load(), attr)
        setattr(self, attr, value)
        return value

    def __repr__(self) -> str:
        state = "loaded" if self._module is not None else "not loaded yet"
        return f"<lazy module {self._names[0]!r}, {state}>"


def lazy_module(name: str, *also: str) -> LazyModule:
    """``name`` (with the submodules ``also``), imported when first used; see the module docstring."""
    return LazyModule(name, *also)


class LazyPattern:
    """A regular expression compiled the first time it is used, read like a compiled one (``.match``,
    ``.finditer``...): the longest of ours take 10–15 ms each to compile, at every start if compiled on import."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        value = getattr(re.compile(*self._args), attr)
        setattr(self, attr, value)
        return value


def lazy_pattern(pattern: str, flags: int = 0) -> LazyPattern:
    """``re.compile(pattern, flags)``, done on first use."""
    return LazyPattern(pattern, flags)
