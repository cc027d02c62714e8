"""Pausing Python's cyclic garbage collector around bulk work that allocates no cycles, and during the start."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector while building many short-lived tuples (they hold no cycles).

    Hundreds of thousands of them would otherwise trigger repeated full
    collections over everything the application holds.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def keep_long_lived() -> None:
    """Move every object alive now out of the cyclic collector's sight (``gc.freeze``).

    For the tens of thousands of span records a long document keeps for as
    long as it is open: without this, each full collection walks all of them
    again (50–250 ms pauses in the window). Frozen objects are still freed by
    reference counting when dropped; only reference cycles among them would
    outlive their use, and span records hold none.
    """
    gc.freeze()


#: Whether :func:`pause_for_start` turned the collector off (and :func:`resume_after_start` must turn it back on).
_START = {"paused": False}


def pause_for_start() -> None:
    """Turn the cyclic collector off while the program starts, until :func:`resume_after_start`.

    Importing ~300 modules and building the window allocate hundreds of thousands of objects (modules, classes,
    functions, Qt wrappers) that all live as long as the program: the collector ran ~110 times during a start
    (~20 ms) and freed next to nothing. With it off, the start leaves ~550 unreachable objects (tens of kB),
    frozen with the rest by :func:`resume_after_start` and never freed: a small, one-time cost.
    """
    if gc.isenabled():
        gc.disable()
        _START["paused"] = True


def resume_after_start() -> None:
    """Once the first window is built: freeze what the start made (:func:`keep_long_lived`) and turn the collector
    back on if :func:`pause_for_start` turned it off (a collector turned off by anyone else stays off)."""
    keep_long_lived()
    if _START["paused"]:
        _START["paused"] = False
        gc.enable()
