"""Which format a file to import is in, and the one call that imports any of the other tools' formats."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from annotator.core.formats.interop import Progress
from annotator.core.formats.json_import import ImportReport
from annotator.core.formats.project_set import is_project_file
from annotator.core.formats.registry import FORMATS, ImportRequest
from annotator.core.store import Store

#: Bytes read from the start of a JSON file to tell a W3C collection from a JSON set.
_SNIFF = 1 << 16


def detect_format(path: str | os.PathLike) -> str:
    """``json``, ``project``, ``qdpx``, ``w3c`` or ``brat`` (names of :data:`~annotator.core.formats.registry.FORMATS`),
    from what ``path`` is and holds.

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
    found = FORMATS.get(fmt)
    if found is None or not found.other_tool or found.reader is None:
        raise ValueError(f"not a foreign format: {fmt}")
    return found.read(store, path, ImportRequest(as_annotator=as_annotator, annotator=annotator, user=user,
                                                 progress=progress))
