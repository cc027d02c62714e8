"""Which format a file to import is in, and the one call that imports any of the foreign ones."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from annotator.core.formats.brat import import_brat
from annotator.core.formats.interop import Progress, current_user
from annotator.core.formats.json_import import ImportReport
from annotator.core.formats.project_set import is_project_file
from annotator.core.formats.qdpx import import_qdpx
from annotator.core.formats.w3c import import_w3c
from annotator.core.store import Store

#: Bytes read from the start of a JSON file to tell a W3C collection from a JSON set.
_SNIFF = 1 << 16


def detect_format(path: str | os.PathLike) -> str:
    """``json``, ``project``, ``qdpx``, ``w3c`` or ``brat``, from what ``path`` is and holds.

    A folder or a ``.ann`` file is brat; a zip (or a ``.qdpx``) is REFI-QDA;
    an annotator project is ``project``; JSON whose start names the Web
    Annotation ``@context`` (or a ``.jsonld``) is W3C; anything else is read as
    a JSON set, whose reader explains what is wrong with it.
    """
    p = Path(path)
    if p.is_dir() or p.suffix.lower() == ".ann":
        return "brat"
    if not p.is_file():
        return "json"
    if is_project_file(p):
        return "project"
    if p.suffix.lower() == ".qdpx" or zipfile.is_zipfile(p):
        return "qdpx"
    try:
        with open(p, "rb") as fh:
            head = fh.read(_SNIFF)
    except OSError:
        return "json"
    if p.suffix.lower() == ".jsonld" or (b'"@context"' in head and b"www.w3.org/ns/anno.jsonld" in head):
        return "w3c"
    return "json"


def import_foreign(store: Store, fmt: str, path: str | os.PathLike, *, as_annotator: str | None = None,
                   annotator: str | None = None, user: str | None = None,
                   progress: Progress | None = None) -> ImportReport:
    """Import a REFI-QDA, W3C or brat file into ``store`` (one transaction); returns the report.

    ``annotator`` (``--annotator``) names brat's annotator, and the annotator
    of REFI-QDA and W3C annotations that name none; ``user`` (default: the OS
    user) is brat's annotator outside a folder-per-annotator layout.
    """
    name = Path(path).name
    if fmt == "qdpx":
        return import_qdpx(store, path, as_annotator=as_annotator, default_annotator=annotator or "unknown",
                           name=name, progress=progress)
    if fmt == "w3c":
        return import_w3c(store, path, as_annotator=as_annotator, default_annotator=annotator or "unknown",
                          name=name, progress=progress)
    if fmt == "brat":
        return import_brat(store, path, annotator=annotator, as_annotator=as_annotator,
                           default_annotator=user or current_user(), name=name, progress=progress)
    raise ValueError(f"not a foreign format: {fmt}")
