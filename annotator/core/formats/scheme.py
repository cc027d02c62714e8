"""The label scheme file (``annotator.label-scheme``, version 3): sharing labels with a team.

What the file holds and how its text is checked is :mod:`annotator.core.scheme`
(:func:`parse_scheme`, re-exported here); this module reads a scheme file a
user chose (:func:`read_scheme_file`) and writes one label per line
(:func:`write_scheme`) so that schemes kept under version control diff cleanly.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TextIO

from annotator.core.errors import InputError
from annotator.core.model import Label
from annotator.core.scheme import FORMAT, VERSION, parse_scheme
from annotator.core.store.files import refuse_open_project

__all__ = ["FORMAT", "MAX_BYTES", "VERSION", "parse_scheme", "read_scheme_file", "scheme_text", "write_scheme"]

#: The largest scheme file read, in bytes.
MAX_BYTES = 4 * 1024 * 1024


def scheme_text(scheme: dict) -> str:
    """The JSON text of a scheme object, one label per line (as in ``resources/labels.json``)."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    lines = [
        "    " + dumps({**{key: item.get(key, "") for key in ("name", "color", "shortcut", "description", "parent")},
                       "codable": item.get("codable", True), "attributes": item.get("attributes", [])})
        for item in scheme["labels"]
    ]
    labels = "[\n" + ",\n".join(lines) + "\n  ]" if lines else "[]"
    return (
        "{\n"
        f'  "format": {dumps(scheme.get("format", FORMAT))},\n'
        f'  "version": {int(scheme.get("version", VERSION))},\n'
        f'  "labels": {labels}\n'
        "}\n"
    )


def write_scheme(store, out: TextIO) -> int:
    """Write the project's label scheme to ``out``; returns how many labels were written."""
    scheme = store.scheme()
    out.write(scheme_text(scheme))
    return len(scheme["labels"])


def read_scheme_file(path: str | os.PathLike) -> list[Label]:
    """Read and check the scheme file at ``path`` (UTF-8, a byte-order mark is allowed)."""
    path = Path(path)
    refuse_open_project(path, "read as a label scheme")
    try:
        if path.stat().st_size > MAX_BYTES:  # a scheme of 500 labels is 50 KB: refused before it is read
            raise InputError(f"{path.name} is larger than {MAX_BYTES // 1024 // 1024} MB, so it is not a label scheme.")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path.name} cannot be read ({exc.strerror}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not UTF-8 text, so it cannot be a label scheme.") from None
    return parse_scheme(text, path.name)
