"""Reading a colleague's work straight from their project file.

The other project is opened read-only and exported to the JSON set in memory,
so importing from a project follows exactly the JSON import rules (one
transaction, idempotent by id, ``--as``).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.formats.json_set import export_json
from annotator.core.store import SQLITE_MAGIC, Store
from annotator.core.store.files import held_for, read_header


def is_project_file(path: str | os.PathLike) -> bool:
    """True when ``path`` starts like a SQLite database (whatever its name)."""
    # Never open() it directly: if it is a project this process has open, closing that descriptor would
    # release SQLite's locks on it (see annotator.core.store.files).
    return read_header(path) == SQLITE_MAGIC


def read_project_set(path: str | os.PathLike, target: Store | None = None) -> dict:
    """Every document, label and annotation of the project at ``path``, as a parsed JSON set."""
    path = Path(path)
    if target is not None and (path.resolve() == Path(target.path).resolve() or held_for(path) is not None):
        raise InputError("A project cannot import from itself.")
    other = Store.open(path, create=False, readonly=True)
    try:
        buffer = io.StringIO()
        export_json(other, buffer)
    finally:
        other.close()
    return json.loads(buffer.getvalue())
