"""Where things live: the user's annotator home, the default project, shipped resources and seeds."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

_PACKAGE = Path(__file__).resolve().parent.parent


def home() -> Path:
    """The folder for the default project and settings: ``$ANNOTATOR_HOME`` or the platform's user data dir."""
    env = os.environ.get("ANNOTATOR_HOME")
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir("annotator", appauthor=False))


def default_project() -> Path:
    """The project opened when ``annotator`` is started without a file."""
    return home() / "project.sqlite"


def _shipped(name: str) -> Path:
    # In a wheel the folders are copied into the package (see pyproject.toml);
    # in a source checkout or editable install they sit at the repository root.
    inside = _PACKAGE / "_data" / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


def resources_dir() -> Path:
    return _shipped("resources")


def seeds_dir() -> Path:
    return _shipped("seeds")


def guide_path() -> Path:
    """The user guide (``docs/guide.md``), shown by Help > User guide."""
    return _shipped("docs") / "guide.md"
