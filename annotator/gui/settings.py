"""The window's settings file, and the folder file dialogs open in.

Settings live in ``$ANNOTATOR_HOME/settings.ini`` (never the platform registry). File dialogs start in the
folder the analyst last used in any of them (remembered there), not in the annotator home.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from annotator.core import paths

LAST_FOLDER = "dialogs/last_folder"


def settings() -> QSettings:
    home = paths.home()
    home.mkdir(parents=True, exist_ok=True)
    return QSettings(str(home / "settings.ini"), QSettings.Format.IniFormat)


def start_folder(fallback: str | Path | None = None) -> Path:
    """Where a file dialog opens: the last folder used, else ``fallback``, else the user's home folder."""
    last = settings().value(LAST_FOLDER)
    if isinstance(last, str) and last and Path(last).is_dir():
        return Path(last)
    if fallback is not None and Path(fallback).is_dir():
        return Path(fallback)
    return Path.home()


def remember_folder(chosen: str | Path | list) -> None:
    """Remember the folder of a file (or of the first of several) the analyst chose in a dialog."""
    first = chosen[0] if isinstance(chosen, list) else chosen
    if first:
        settings().setValue(LAST_FOLDER, str(Path(first).expanduser().resolve().parent))
