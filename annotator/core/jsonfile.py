"""Reading annotator's own JSON files (annotation sets, label schemes): parse, then check format and version.

Used by the formats and by :mod:`annotator.core.scheme`; it imports neither the store nor the formats.
"""

import json

from annotator.core.errors import InputError

#: Deepest nesting of arrays and objects any annotator JSON file may have (they are at most 3 deep).
MAX_DEPTH = 64


def _too_deep(data: object, limit: int = MAX_DEPTH) -> bool:
    """True when ``data`` nests lists and dicts more than ``limit`` levels deep (checked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def load_versioned(raw: str, name: str, fmt: str, kind: str, short: str, newest: int) -> dict:
    """Parse one of annotator's JSON files and check its ``format`` and ``version``.

    ``kind`` names the file in messages ("annotation set"), ``short`` names its
    version ("set version 2"); a version above ``newest`` asks for an update.
    Raises :class:`InputError` with one plain sentence; so does nesting deeper
    than :data:`MAX_DEPTH` (the parser stops at Python's recursion limit, so a
    file of 100,000 nested brackets costs no memory).
    """
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{name} is not valid JSON (it may be truncated or damaged: line {exc.lineno}, column {exc.colno})."
        ) from None
    except RecursionError:
        data = deep = True
    else:
        deep = _too_deep(data)
    if deep:
        raise InputError(f"{name} is nested more than {MAX_DEPTH} levels deep, so it cannot be an annotator {kind}.")
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise InputError(f"{name} is not an annotator {kind} (its \"format\" is not {fmt!r}).")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InputError(f"{name} has no valid \"version\".")
    if version > newest:
        raise InputError(f"{name} was written by a newer annotator ({short} version {version}); "
                         "update annotator to read it.")
    return data
