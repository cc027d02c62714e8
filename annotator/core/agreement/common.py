"""Constants and array helpers shared by the agreement modules."""

from __future__ import annotations

import re
from operator import attrgetter

from annotator.core.lazy import lazy_module

np = lazy_module("numpy")

#: The token rule of FORMATS.md.
TOKEN_PATTERN = re.compile(r"\w+|[^\w\s]")
#: The category of a token that no span of an annotator covers.
OUTSIDE = "O"

_get_start = attrgetter("start")
_get_end = attrgetter("end")
_get_who_label_doc = attrgetter("annotator", "label", "document")


def _components(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Components of (transitively) overlapping intervals sorted by start: ``(heads, sizes, reach)``.

    ``heads`` are the indices where a component begins (an interval starting at or after every earlier end),
    ``sizes`` how many intervals each holds, ``reach`` the running maximum of the ends (at a component's last
    interval: its furthest end).
    """
    n = len(starts)
    reach = np.maximum.accumulate(ends) if n else ends
    first = np.ones(n + 1, dtype=bool)
    first[1:n] = starts[1:] >= reach[:-1]
    heads = np.flatnonzero(first)
    return heads[:-1], np.diff(heads), reach


def _merged(a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """Two annotators' columns (the first: starts) as one list sorted by start, ``a``'s first at equal starts.

    The side of each row (0 for ``a``, 1 for ``b``) comes as one more column.
    """
    sides = np.concatenate((np.zeros(len(a[0]), dtype=np.int8), np.ones(len(b[0]), dtype=np.int8)))
    columns = [np.concatenate((x, y)) for x, y in zip(a, b)]
    order = np.argsort(columns[0], kind="stable")
    return tuple(c[order] for c in columns) + (sides[order],)


def _distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` of integers by sorting: numpy 2's hashing ``unique`` took 0.4 s on 600,000 values."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _distinct_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_counts=True)`` of integers, by sorting (see :func:`_distinct`)."""
    ordered = np.sort(values)
    if not len(ordered):
        return ordered, np.zeros(0, dtype=np.int64)
    firsts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return ordered[firsts], np.diff(np.append(firsts, len(ordered)))
