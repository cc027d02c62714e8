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
