"""What a label scheme is: the labels of a scheme file's text (``annotator.label-scheme``, version 3; versions 1
and 2 are read too), and the scheme every new project starts with (``resources/labels.json``).

The file is the JSON object of ``resources/labels.json``::

    {"format": "annotator.label-scheme", "version": 3,
     "labels": [{"name": "Claim", "color": "#0072B2", "shortcut": "1", "description": "...",
                 "parent": "", "codable": true,
                 "attributes": [{"name": "certainty", "type": "choice", "choices": ["reported", "confirmed"]}]}]}

Version 2 added ``parent`` (the name of the label this one sits under, "" at the top; it must be a label of the
file, and no label may sit under itself) and ``codable`` (false for a category that only holds labels); version 3
``attributes``, what the label's spans may carry (:mod:`annotator.core.attributes`).

:func:`parse_scheme` checks everything before anything is imported and raises
:class:`InputError` with a message for analysts. Reading a scheme file a user
chose, and writing one, is :mod:`annotator.core.formats.scheme`'s. This module
imports neither the store nor the formats, so the store can take its default
labels from here.
"""

from __future__ import annotations

import functools
from dataclasses import replace
import math
import re
from collections.abc import Iterable
from typing import Any

from annotator.core.errors import InputError
from annotator.core.jsonfile import load_versioned
from annotator.core.attributes import check_decls
from annotator.core.model import AttributeDecl, Label
from annotator.core.paths import resources_dir

FORMAT = "annotator.label-scheme"
VERSION = 3

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


#: Colours given to new labels, in order (the Okabe–Ito palette); past them, :func:`next_label_color` makes more.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

#: No colour made past the palette is closer than this to a colour a label already has (CIE76 ΔE in CIELAB;
#: about 2.3 is the smallest difference people notice side by side).
MIN_COLOR_DISTANCE = 6.0

_GOLDEN_ANGLE = 137.50776405003785
#: The made colours' lightness and chroma ranges (CIELAB): mid-tones, which stay legible under the window's
#: translucent fill and as underlines in both the light and the dark theme.
_LIGHTNESS = (38.0, 74.0)
_CHROMA = (22.0, 58.0)
#: How many colours past the palette there are to choose from (more than any code system needs).
_CANDIDATES = 6_000


def next_label_color(used: Iterable[str]) -> str:
    """The colour a new label takes when the labels have the colours ``used`` (``#RRGGBB``, any case).

    First the palette's colours in order, each while no label has it; past them, hues spread by the golden
    angle (lightness and chroma spread alongside), the first of them no closer than
    :data:`MIN_COLOR_DISTANCE` to any colour in use. The same ``used`` always gives the same colour.
    """
    taken = {color.upper() for color in used if _COLOR.fullmatch(color)}
    for color in PALETTE:
        if color not in taken:
            return color
    near = _Neighbourhood(_lab(color) for color in taken)
    for color, lab in _candidates():
        if color not in taken and not near.within(lab, MIN_COLOR_DISTANCE):
            return color
    # Past about 700 labels the mid-tones are full: still a colour no label has, if no longer far from all.
    return next((color for color, _ in _candidates() if color not in taken), _candidates()[0][0])


class _Neighbourhood:
    """CIELAB points in cubes of :data:`MIN_COLOR_DISTANCE`, so a nearness test looks at 27 cubes, not all."""

    def __init__(self, points: Iterable[tuple[float, float, float]]) -> None:
        self.cubes: dict[tuple[int, ...], list[tuple[float, float, float]]] = {}
        for point in points:
            self.cubes.setdefault(self._cube(point), []).append(point)

    @staticmethod
    def _cube(point: tuple[float, float, float]) -> tuple[int, ...]:
        return tuple(math.floor(v / MIN_COLOR_DISTANCE) for v in point)

    def within(self, point: tuple[float, float, float], distance: float) -> bool:
        x, y, z = self._cube(point)
        return any(math.dist(point, other) < distance
                   for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1)
                   for other in self.cubes.get((x + dx, y + dy, z + dz), ()))


@functools.cache
def _candidates() -> tuple[tuple[str, tuple[float, float, float]], ...]:
    """The colours past the palette in the order they are offered, each with its CIELAB coordinates."""
    out = []
    for index in range(_CANDIDATES):
        color = _candidate(index)
        out.append((color, _lab(color)))
    return tuple(out)


def _candidate(index: int) -> str:
    """The ``index``-th colour past the palette: a golden-angle hue, lightness and chroma from a low-discrepancy
    sequence (the plastic number's), its chroma lowered until it lies in sRGB."""
    hue = math.radians((20.0 + index * _GOLDEN_ANGLE) % 360.0)
    lightness = _LIGHTNESS[0] + (_LIGHTNESS[1] - _LIGHTNESS[0]) * ((0.5 + index * 0.7548776662466927) % 1.0)
    chroma = _CHROMA[0] + (_CHROMA[1] - _CHROMA[0]) * ((0.5 + index * 0.5698402909980532) % 1.0)
    rgb = _srgb(lightness, chroma * math.cos(hue), chroma * math.sin(hue))
    while rgb is None:
        chroma -= 1.0
        rgb = _srgb(lightness, chroma * math.cos(hue), chroma * math.sin(hue))
    return "#{:02X}{:02X}{:02X}".format(*(round(c * 255) for c in rgb))


_WHITE = (0.95047, 1.0, 1.08883)  # D65


def _srgb(lightness: float, a: float, b: float) -> tuple[float, float, float] | None:
    """The sRGB channels (0–1) of a CIELAB colour, or None if it lies outside sRGB."""
    fy = (lightness + 16.0) / 116.0
    fx, fz = fy + a / 500.0, fy - b / 200.0
    x, y, z = (w * (f ** 3 if f ** 3 > 0.008856 else (f - 16.0 / 116.0) / 7.787)
               for w, f in zip(_WHITE, (fx, fy, fz)))
    linear = (3.2406 * x - 1.5372 * y - 0.4986 * z, -0.9689 * x + 1.8758 * y + 0.0415 * z,
              0.0557 * x - 0.2040 * y + 1.0570 * z)
    if any(c < -1e-9 or c > 1.0 + 1e-9 for c in linear):
        return None
    red, green, blue = (12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055
                        for c in (min(max(c, 0.0), 1.0) for c in linear))
    return red, green, blue


def _lab(color: str) -> tuple[float, float, float]:
    """The CIELAB coordinates of ``#RRGGBB`` (D65 white)."""
    channels = [int(color[i:i + 2], 16) / 255.0 for i in (1, 3, 5)]
    r, g, bl = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    xyz = (0.4124 * r + 0.3576 * g + 0.1805 * bl, 0.2126 * r + 0.7152 * g + 0.0722 * bl,
           0.0193 * r + 0.1192 * g + 0.9505 * bl)
    fx, fy, fz = (t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16.0 / 116.0
                  for t in (v / w for v, w in zip(xyz, _WHITE)))
    return 116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)


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
    if data["version"] < 3:  # no attributes in the file: it says nothing of what a label declares
        labels = [replace(lb, attributes=None) for lb in labels]
    if data["version"] < 2:  # no tree in the file: it says nothing of where a label sits
        return [replace(lb, parent=None) for lb in labels]
    check_tree({lb.name: lb.parent for lb in labels}, name)
    return labels


def tree_order(labels: Iterable[Label]) -> list[tuple[Label, int]]:
    """The labels depth-first, each with its depth (0 at the top): a parent, then the labels under it in scheme
    order. A label whose parent is missing from ``labels`` counts as at the top."""
    labels = list(labels)
    names = {lb.name for lb in labels}
    under: dict[str, list[Label]] = {}
    for lb in labels:
        under.setdefault(lb.parent if lb.parent in names else "", []).append(lb)
    out: list[tuple[Label, int]] = []
    stack = [(lb, 0) for lb in reversed(under.get("", []))]
    while stack:
        lb, depth = stack.pop()
        out.append((lb, depth))
        stack.extend((child, depth + 1) for child in reversed(under.get(lb.name, [])))
    return out


def check_tree(parents: dict[str, str], name: str) -> None:
    """Refuse a tree (each label's parent by name, "" at the top) with a parent missing or a label under itself."""
    for label, parent in parents.items():
        if parent and parent not in parents:
            raise InputError(f"In {name} the label {label!r} sits under {parent!r}, which is not a label there.")
        seen = {label}
        while parent:
            if parent in seen:
                raise InputError(f"In {name} the label {label!r} sits under itself (through {parent!r}).")
            seen.add(parent)
            parent = parents.get(parent, "")


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
    parent = item.get("parent") or ""
    if not isinstance(parent, str):
        raise InputError(f"{what} has a parent that is not a label's name.")
    codable = item.get("codable", True)
    if not isinstance(codable, bool):
        raise InputError(f"{what} has \"codable\" that is neither true nor false.")
    return Label(label_name, color.strip().upper(), shortcut, description.strip(), number - 1, parent.strip(),
                 codable, attributes=_declarations(item.get("attributes") or [], label_name, what))


def _declarations(items: Any, label: str, what: str) -> tuple[AttributeDecl, ...]:
    """A scheme label's ``attributes`` (``{"name", "type", "choices"}`` each), checked."""
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise InputError(f"{what} has attributes that are not a list of declarations.")
    decls = []
    for item in items:
        choices = item.get("choices") or []
        if not isinstance(item.get("name"), str) or not isinstance(choices, list):
            raise InputError(f"{what} has an attribute without a name or with a bad list of choices.")
        decls.append(AttributeDecl(label, item["name"], str(item.get("type") or "text"), tuple(map(str, choices))))
    return tuple(check_decls(decls))
