"""Progress of a long command on standard error: a bar on a terminal, a plain line every few seconds otherwise.

Core functions take ``progress(done, total)`` callbacks (``annotator.core.errors``); a command hands them a
:class:`Progress`. Nothing is shown for work that ends within :data:`QUIET_S` seconds, so quick commands print
exactly what they printed before. On a terminal the bar is redrawn at most :data:`BAR_EVERY_S` apart and erased
when the work ends (or before any message printed through :meth:`Progress.say`); elsewhere (a log, a pipe, CI) a
line "what: 41% (410,000 of 1,000,000)" is written every :data:`LINE_EVERY_S` seconds, and a last line when the
work ends. Standard output is never touched: a command's output stays clean for pipes.

Usage::

    with Progress("Writing the report") as progress:
        write_report(store, out, progress=progress)
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from typing import TextIO

#: Work that ends within this many seconds shows nothing.
QUIET_S = 2.0
#: The shortest time between two redraws of the bar on a terminal.
BAR_EVERY_S = 0.1
#: The time between two plain progress lines when standard error is not a terminal.
LINE_EVERY_S = 5.0
#: The width of the bar itself, in characters.
BAR_WIDTH = 24


def _amount(done: int, total: int | None) -> str:
    if total:
        return f"{min(done, total) * 100 // total}% ({done:,} of {total:,})"
    return f"{done:,}"


class Progress:
    """A ``progress(done, total=None)`` callback for one piece of long work, shown on ``stream`` (standard error).

    ``tty`` says whether to draw a bar (default: whether ``stream`` is a terminal); ``clock`` is a monotonic clock
    in seconds (tests give their own). ``total`` may change from call to call (a phase with its own count) or be
    None when unknown (then only the count is shown).
    """

    def __init__(self, what: str, stream: TextIO | None = None, *, tty: bool | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.what = what
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.clock = clock
        self.started = clock()
        self.shown_at: float | None = None  # when something was last written
        self.drawn = 0  # the width of the bar on the terminal (to erase it)
        self.last: tuple[int, int | None] = (0, None)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.close(finished=kind is None)

    def __call__(self, done: int, total: int | None = None) -> None:
        self.last = (done, total)
        now = self.clock()
        if now - self.started < QUIET_S:
            return
        if self.tty:
            if self.shown_at is None or now - self.shown_at >= BAR_EVERY_S:
                self._draw(done, total)
                self.shown_at = now
        elif self.shown_at is None or now - self.shown_at >= LINE_EVERY_S:
            self._line(f"{self.what}: {_amount(done, total)}")
            self.shown_at = now

    def say(self, message: str, stream: TextIO | None = None) -> None:
        """Print ``message`` on its own line of standard error, or of ``stream`` (say, standard output); the bar,
        if drawn, is erased first."""
        self._erase()
        print(message, file=stream or self.stream, flush=True)

    def close(self, finished: bool = True) -> None:
        """The work ended: erase the bar; a plain last line ("what: done") if progress lines were written."""
        drew_bar = self.drawn > 0
        self._erase()
        if self.shown_at is not None and not drew_bar and finished:
            done, total = self.last
            self._line(f"{self.what}: done ({total or done:,})" if (total or done) else f"{self.what}: done")
        self.shown_at = None

    # -- drawing ------------------------------------------------------------------------------------------------
    def _draw(self, done: int, total: int | None) -> None:
        width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)
        if total:
            filled = min(done, total) * BAR_WIDTH // total
            bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
        else:
            bar = ""
        line = f"{self.what}: {bar}{_amount(done, total)}"[:width]
        self._erase()
        self.stream.write(line)
        self.stream.flush()
        self.drawn = len(line)

    def _erase(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * self.drawn + "\r")
            self.stream.flush()
            self.drawn = 0

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)
