"""Exchange formats, one module each: JSON set, CSV set, documents (articles and seeds)."""

import json

from annotator.core.errors import InputError


def load_versioned(raw: str, name: str, fmt: str, kind: str, short: str, newest: int) -> dict:
    """Parse one of annotator's JSON files and check its ``format`` and ``version``.

    ``kind`` names the file in messages ("annotation set"), ``short`` names its
    version ("set version 2"); a version above ``newest`` asks for an update.
    Raises :class:`InputError` with one plain sentence.
    """
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{name} is not valid JSON (it may be truncated or damaged: line {exc.lineno}, column {exc.colno})."
        ) from None
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise InputError(f"{name} is not an annotator {kind} (its \"format\" is not {fmt!r}).")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InputError(f"{name} has no valid \"version\".")
    if version > newest:
        raise InputError(f"{name} was written by a newer annotator ({short} version {version}); "
                         "update annotator to read it.")
    return data
