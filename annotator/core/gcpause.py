"""Pausing Python's cyclic garbage collector around bulk work that allocates no cycles."""

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
