"""``annotator apply`` (arguments in :mod:`annotator.cli_durability`): scripted edits, one JSON object a line.

Each line is applied in its own transaction and acknowledged on standard output (flushed) after its commit;
progress on standard error after two seconds (:mod:`annotator.cli_progress`). Ctrl+C keeps the edits acknowledged
before it and nothing of the edit it was applying.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
from collections.abc import Iterator

from annotator.cli import _project
from annotator.cli_output import silence_stdout
from annotator.cli_progress import Progress
from annotator.core.apply import AcknowledgementError, apply_lines
from annotator.core.errors import InputError


def cmd_apply(args: argparse.Namespace) -> int:
    """Each line in its own transaction, acknowledged on stdout (flushed) after its commit."""
    if args.edits == "-":
        source = sys.stdin.buffer
    else:
        try:
            source = open(args.edits, "rb")  # noqa: SIM115 -- closed below
        except OSError as exc:
            raise InputError(f"{args.edits} cannot be read ({exc.strerror}).") from None
    try:
        with _project(args.project, create=False) as store, Progress("Applying edits (lines read)") as progress:
            store.set_busy_timeout(args.wait)
            count = apply_lines(store, source, sys.stdout, args.user, on_line=progress, whole=_ctrl_c_held)
    except AcknowledgementError:
        # The unwritten acknowledgement stays in stdout's buffer: send it nowhere, so that the exit does not fail
        # on it again; the error names the last line committed.
        with contextlib.suppress(OSError, ValueError):  # a stdout without a descriptor has nothing to drop
            silence_stdout()
        raise
    finally:
        if source is not sys.stdin.buffer:
            source.close()
    print(f"{count} edit{'s' if count != 1 else ''} applied.", file=sys.stderr)
    return 0


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Ctrl+C during one edit and its acknowledgement takes effect once both are done: a committed edit is always
    acknowledged, and the edit interrupted is the next one, never applied. Elsewhere (waiting for a line on
    standard input) Ctrl+C stops at once."""
    pending: list[object] = []

    def hold(signum, frame) -> None:
        pending.append(signum)

    try:
        previous = signal.signal(signal.SIGINT, hold)
    except ValueError:  # not the main thread: nothing to hold
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pending:
        raise KeyboardInterrupt
