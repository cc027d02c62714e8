"""What a label scheme is: the labels of a scheme file's text (``annotator.label-scheme``, version 1), and the
scheme every new project starts with (``resources/labels.json``).

The file is the JSON object of ``resources/labels.json``::

    {"format": "annotator.label-scheme", "version": 1,
     "labels": [{"name": "Claim", "color": "#0072B2", "shortcut": "1", "description": "..."}]}

:func:`parse_scheme` checks everything before anything is imported and raises
:class:`InputError` with a message for analysts. Reading a scheme file a user
chose, and writing one, is :mod:`annotator.core.formats.scheme`'s. This module
imports neither the store nor the formats, so the store can take its default
labels from here.
"""

from __future__ import annotations

import re
from typing import Any

from annotator.core.errors import InputError
from annotator.core.jsonfile import load_versioned
from annotator.core.model import Label
from annotator.core.paths import resources_dir

FORMAT = "annotator.label-scheme"
VERSION = 1

_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")

#: The key of the window's Write note action (a plain key, like a label's).
NOTE_KEY = "N"

#: The single keys the window's own actions answer to, and what each does there: a label cannot have one
#: (its key and the action's would both stop working). The window builds those actions' shortcuts from here,
#: and ``tests/gui/test_label_keys.py`` checks that every single-key window shortcut is listed.
RESERVED_KEYS: dict[str, str] = {NOTE_KEY: "Write note"}


def reserved_key_owner(key: str | None) -> str | None:
    """What the window does with ``key`` (a label's key), or None if a label may have it.

    Keys are compared as the window reads them, without case: ``n`` and ``N`` are the same key.
    """
    key = (key or "").strip()
    return RESERVED_KEYS.get(key.upper()) if key else None


def check_label_key(key: str | None, label: str) -> None:
    """Refuse a key the window keeps for itself, naming what the window does with it."""
    owner = reserved_key_owner(key)
    if owner:
        raise InputError(f"The key {(key or '').strip().upper()} is already used by {owner} in the window; "
                         f"choose another key for {label}.")


def default_scheme() -> list[Label]:
    """The labels a new project starts with: those of the shipped ``resources/labels.json``."""
    path = resources_dir() / "labels.json"
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"The default label scheme {path} cannot be read ({exc}); reinstall annotator.") from None
    return parse_scheme(text, path.name)


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
    check_label_key(shortcut, f"{label_name!r} in {name}")
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
