"""The label scheme file (``annotator.label-scheme``, version 1): sharing labels with a team.

The file is the JSON object of ``resources/labels.json``::

    {"format": "annotator.label-scheme", "version": 1,
     "labels": [{"name": "Claim", "color": "#0072B2", "shortcut": "1", "description": "..."}]}

:func:`parse_scheme` checks everything before anything is imported and raises
:class:`InputError` with a message for analysts; :func:`write_scheme` writes one
label per line so that schemes kept under version control diff cleanly.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, TextIO

from annotator.core.errors import InputError
from annotator.core.store.files import refuse_open_project
from annotator.core.formats import load_versioned
from annotator.core.model import Label

FORMAT = "annotator.label-scheme"
VERSION = 1
#: The largest scheme file read, in bytes.
MAX_BYTES = 4 * 1024 * 1024

_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


def parse_scheme(raw: str, name: str = "the file") -> list[Label]:
    """The labels of a scheme file's text, in file order (``position`` 0, 1, …).

    Colours come back as upper-case ``#RRGGBB``; names and descriptions are stripped.
    ``name`` is how the file is called in error messages.
    """
    data = load_versioned(raw, name, FORMAT, "label scheme", "scheme", VERSION)
    items = data.get("labels")
    if not isinstance(items, list):
        raise InputError(f"{name} has no \"labels\" list.")

    labels: list[Label] = []
    names: set[str] = set()
    keys: dict[str, str] = {}
    for number, item in enumerate(items, start=1):
        labels.append(_label(item, number, name, names, keys))
    return labels


def _label(item: Any, number: int, name: str, names: set[str], keys: dict[str, str]) -> Label:
    what = f"Label {number} in {name}"
    if not isinstance(item, dict):
        raise InputError(f"{what} is not an object.")
    label_name = item.get("name")
    if not isinstance(label_name, str) or not label_name.strip():
        raise InputError(f"{what} has no name.")
    label_name = label_name.strip()
    what = f"The label {label_name!r} in {name}"
    if label_name in names:
        raise InputError(f"{name} names the label {label_name!r} twice.")
    names.add(label_name)

    color = item.get("color")
    if not isinstance(color, str) or not _COLOR.fullmatch(color.strip()):
        shown = "no colour" if color is None else f"the colour {color!r}, which is not #RRGGBB (such as #56B4E9)"
        raise InputError(f"{what} has {shown}.")
    shortcut = item.get("shortcut", "")
    if shortcut is None:
        shortcut = ""
    if not isinstance(shortcut, str) or len(shortcut.strip()) > 1:
        raise InputError(f"{what} has the key {shortcut!r}; a label's key is a single character, such as 5.")
    shortcut = shortcut.strip()
    if shortcut and shortcut in keys:
        raise InputError(f"In {name} the key {shortcut} belongs to both {keys[shortcut]!r} and {label_name!r}.")
    if shortcut:
        keys[shortcut] = label_name
    description = item.get("description", "")
    if description is None:
        description = ""
    if not isinstance(description, str):
        raise InputError(f"{what} has a description that is not text.")
    return Label(label_name, color.strip().upper(), shortcut, description.strip(), number - 1)


def scheme_text(scheme: dict) -> str:
    """The JSON text of a scheme object, one label per line (as in ``resources/labels.json``)."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    lines = [
        "    " + dumps({key: item.get(key, "") for key in ("name", "color", "shortcut", "description")})
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
