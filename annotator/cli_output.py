"""Where the command line writes: standard output that notices its own failure, and ``-o FILE`` written whole.

Issue 20, D11: ``annotator export ... > /dev/full`` (or onto a full disk, or into a closed pipe) used to end in a
traceback, and a command whose few lines sat in the buffer until exit failed after ``main`` had returned 0.
:func:`watched_stdout` puts a file under ``sys.stdout`` that remembers a failed write, so that ``main`` can tell
an error of standard output from any other and say so in one sentence (exit 2).
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
from collections.abc import Iterator

from annotator.core.fileio import atomic_writer


class WatchedFile(io.FileIO):
    """Standard output's descriptor (never closed here) that keeps the first error a write met."""

    error: OSError | None = None

    def write(self, data) -> int | None:
        try:
            return super().write(data)
        except OSError as exc:
            if self.error is None:
                self.error = exc
            raise


@contextlib.contextmanager
def watched_stdout() -> Iterator[WatchedFile | None]:
    """While inside, ``sys.stdout`` writes through a :class:`WatchedFile`; yields it (None when ``sys.stdout`` is
    not the process's own, e.g. captured by a test). Afterwards ``sys.stdout`` is what it was."""
    real = sys.stdout
    if real is None or real is not sys.__stdout__ or not hasattr(real, "buffer"):
        yield None
        return
    real.flush()
    raw = WatchedFile(real.fileno(), "w", closefd=False)
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(raw), encoding=real.encoding, errors=real.errors,
                                  line_buffering=real.line_buffering)
    try:
        yield raw
    finally:
        watched, sys.stdout = sys.stdout, real
        if raw.error is not None:
            silence_stdout()  # what is still buffered goes nowhere, not into a second error at exit
        with contextlib.suppress(OSError, ValueError):
            watched.flush()


def silence_stdout() -> None:
    """Point standard output's descriptor at the null device: nothing more written there can fail."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno() if hasattr(sys.stdout, "fileno") else 1)
    os.close(devnull)


@contextlib.contextmanager
def output(path: str | None) -> Iterator:
    """Stream to standard output (``path`` None or ``-``), or to a temporary file that replaces ``path`` on success."""
    if path is None or path == "-":
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="", write_through=False) \
            if hasattr(sys.stdout, "buffer") else sys.stdout
        try:
            yield out
        finally:
            out.flush()
            if out is not sys.stdout:
                out.detach()
        return
    with atomic_writer(path) as fh:
        yield fh


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a service manager stopping the command), handled as Ctrl+C is: the interrupted
    operation undoes itself (its transaction rolled back, its ``-o`` file's temporary copy removed)."""


def _terminate(signum, frame) -> None:
    raise Terminated


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread; afterwards its handler is what it was.

    Outside the main thread (a test calling ``main``) nothing changes.
    """
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
