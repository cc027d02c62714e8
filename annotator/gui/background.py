"""Long operations off the GUI thread, behind a cancellable progress dialog.

:func:`run_in_background` runs a *job* (a plain function) in a worker thread
while the GUI thread keeps handling events in short slices, so the window
repaints and answers throughout. A window-modal :class:`QProgressDialog` with
a Cancel button appears once the job has run for :data:`SHOW_AFTER_MS`.

The worker is a :class:`threading.Thread`, not a ``QThread``: jobs are pure
Python over :mod:`annotator.core` and must never touch a Qt object. They
report through the :class:`Progress` they are given; the dialog is updated
only in the GUI thread, from the numbers the job left there.

Jobs that read or write the project open their own
:class:`~annotator.core.store.Store` in the worker (``Store.open(path)``,
``readonly=True`` for reading) and close it when done: the GUI's connection
stays with the GUI thread. WAL lets the GUI keep reading meanwhile.

CPU-heavy pure-Python work (the agreement report) goes one step further with
:func:`run_in_process`: a child interpreter of its own, so it neither holds
the GUI's GIL nor triggers garbage collections in the GUI's heap, either of
which would stall the window for hundreds of milliseconds on large sets.

Until the dialog is on screen, keyboard and mouse input is held back (it is
delivered afterwards, and the window-modal dialog then refuses it), so the
analyst cannot start an edit while a job works on the project.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.core.errors import AnnotatorError, CancelledError

T = TypeVar("T")

#: The progress dialog appears only when a job runs longer than this (milliseconds).
SHOW_AFTER_MS = 300
#: The longest the GUI thread spends handling events in one go while waiting (milliseconds).
EVENT_SLICE_MS = 20
#: How long the GUI thread waits for the worker between two event slices (seconds).
WAIT_SLICE_S = 0.01
#: How often a job waiting for its child process looks at Cancel (seconds).
CHILD_POLL_S = 0.05
#: Object name of the progress dialog (tests find it by this name).
DIALOG_NAME = "background_progress"

_log = logging.getLogger(__name__)
_ALL = QEventLoop.ProcessEventsFlag.AllEvents
_NO_INPUT = QEventLoop.ProcessEventsFlag.AllEvents | QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents


class BackgroundJobError(AnnotatorError):
    """A background job failed on an unexpected exception (a bug); the message names it in one line."""


class Progress:
    """The job's side of the progress dialog.

    The job calls ``progress(done, total)`` from the worker thread (``total``
    None when unknown; an optional ``text`` replaces the dialog's label). The
    call only records the numbers, and raises :class:`CancelledError` once
    the analyst has pressed Cancel, so a job stops at its next call. Plain
    attribute assignments keep it cheap and thread-safe: the GUI thread only
    reads them, through :meth:`snapshot`.
    """

    def __init__(self) -> None:
        self._state: tuple[int, int | None] = (0, None)
        self._text: str | None = None
        self._cancelled = False

    def __call__(self, done: int, total: int | None = None, text: str | None = None) -> None:
        self._state = (done, total)
        if text is not None:
            self._text = text
        if self._cancelled:
            raise CancelledError("Cancelled; nothing was changed.")

    def cancel(self) -> None:
        """Ask the job to stop: its next call raises :class:`CancelledError`."""
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    def snapshot(self) -> tuple[int, int | None, str | None]:
        """``(done, total, text)`` as the job last reported them."""
        done, total = self._state
        return done, total, self._text


class BackgroundRun:
    """One job in its worker thread with its progress dialog; see :func:`run_in_background`."""

    def __init__(self, parent: QWidget | None, title: str, job: Callable[[Progress], T], text: str,
                 on_cancel: Callable[[], None] | None = None):
        self.title = title
        self.progress = Progress()
        self._job = job
        self._on_cancel = on_cancel
        self._result: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name=f"annotator: {title}", daemon=True)
        self.dialog = QProgressDialog(text, "Cancel", 0, 0, parent)
        self.dialog.setObjectName(DIALOG_NAME)
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setAutoReset(False)  # a range of 0..0 (unknown total) would otherwise hide it at once
        self.dialog.setAutoClose(False)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self._shown_total: int | None = None
        self._shown_done = 0
        self._shown_text = text

    def cancel(self) -> None:
        """What the Cancel button does: the job stops at its next progress call."""
        self.dialog.cancel()
        self._cancel_job()

    def _cancel_job(self) -> None:
        """Tell the job to stop, once: its next progress call raises; ``on_cancel`` interrupts a wait it is in."""
        if self.progress.cancelled:
            return
        self.progress.cancel()
        if self._on_cancel is not None:
            self._on_cancel()

    def run(self) -> T:
        """Start the job, keep the GUI responsive until it ends, and return its value (or raise)."""
        _running.append(self)
        try:
            self.dialog.setValue(0)  # starts the dialog's SHOW_AFTER_MS timer
            started = time.perf_counter()
            self._thread.start()
            while self._thread.is_alive():
                QCoreApplication.processEvents(_ALL if self.dialog.isVisible() else _NO_INPUT, EVENT_SLICE_MS)
                if self.dialog.wasCanceled():
                    self._cancel_job()
                if self.progress.cancelled:
                    self._show_cancelling(time.perf_counter() - started)
                else:
                    self._update_dialog()
                self._thread.join(WAIT_SLICE_S)
        finally:
            _running.remove(self)
            self.dialog.reset()  # stops the timer that would show it
            self.dialog.hide()
            self.dialog.deleteLater()
        if self._error is None:
            return self._result
        if isinstance(self._error, AnnotatorError):
            raise self._error
        error = self._error
        if not isinstance(error, Exception):  # KeyboardInterrupt, SystemExit: not ours to translate
            raise error
        _log.error("%s failed", self.title, exc_info=(type(error), error, error.__traceback__))
        what = " ".join(f"{type(error).__name__}: {error}".split())  # one line, whatever the message
        raise BackgroundJobError(f"{self.title} stopped on an unexpected error ({what}).") from error

    # ------------------------------------------------------------------ internals
    def _work(self) -> None:
        """The worker thread: run the job and keep its value or exception for the GUI thread."""
        try:
            self._result = self._job(self.progress)
        except BaseException as exc:  # handed to the GUI thread, which re-raises it
            self._error = exc

    def _update_dialog(self) -> None:
        done, total, text = self.progress.snapshot()
        dialog = self.dialog
        if text is not None and text != self._shown_text:
            dialog.setLabelText(text)
            self._shown_text = text
        if total != self._shown_total:
            dialog.setRange(0, max(total or 0, 0))  # 0..0: a busy indicator
            self._shown_total = total
        value = min(max(done, 0), total) if total else 0
        if value != self._shown_done:
            dialog.setValue(value)
            self._shown_done = value

    def _show_cancelling(self, elapsed: float) -> None:
        """The job has not noticed Cancel yet: say so, and keep the window blocked while it winds down."""
        if self._shown_text != "Cancelling…":
            self.dialog.setLabelText("Cancelling…")
            self._shown_text = "Cancelling…"
        if not self.dialog.isVisible() and elapsed * 1000 >= SHOW_AFTER_MS:
            self.dialog.show()


#: Jobs now running, innermost last.
_running: list[BackgroundRun] = []


def run_in_background(parent: QWidget | None, title: str, job: Callable[[Progress], T], *,
                      text: str | None = None, on_cancel: Callable[[], None] | None = None) -> T:
    """Run ``job(progress)`` in a worker thread and return its value; the GUI keeps running meanwhile.

    ``title`` names the operation ("Importing annotations"); ``text`` is the
    dialog's first label (``title`` followed by an ellipsis by default).
    Raises :class:`CancelledError` when the analyst cancelled (the job saw
    it at a progress call), re-raises the job's :class:`AnnotatorError`, and
    turns any other exception into a one-line :class:`BackgroundJobError`.
    A job that completes although Cancel was pressed returns its value: its
    work happened, and the caller should report it. ``on_cancel`` is called
    once, on the GUI thread, when Cancel is pressed: for a job that may be
    waiting where it makes no progress call (a network request), it
    interrupts the wait (the model client's ``abort``).
    """
    return BackgroundRun(parent, title, job, text or f"{title}…", on_cancel).run()


def running() -> bool:
    """True while a background job runs (its own connection may be committing: not another program's edits)."""
    return bool(_running)


def cancel_running() -> None:
    """Press Cancel on every job now running (when the application quits, and in tests)."""
    for run in _running:
        run.cancel()


# --------------------------------------------------------------------------- child processes
#: The shortest time between two progress reports a child sends (seconds); calls in between only count.
CHILD_PROGRESS_S = 0.02

#: What the child interpreter runs: read ``(fn, args, kwargs, progress_arg)`` pickled on stdin, write pickled
#: messages on stdout: ``("progress", done, total, text)`` any number of times, then one
#: ``(outcome, value, details)``. Started with ``-c`` rather than through :mod:`multiprocessing`, so the child
#: never re-imports the parent's main script.
_CHILD_CODE = """
import os, pickle, sys, time, traceback
out, sys.stdout = sys.stdout.buffer, sys.stderr  # nothing fn prints may reach the messages
if hasattr(os, "nice"):
    os.nice(5)  # on a busy machine the window gets the processor first
from annotator.core.errors import AnnotatorError
last = [float("-inf")]
def progress(done, total=None, text=None):
    now = time.monotonic()
    if now - last[0] >= %r:
        last[0] = now
        out.write(pickle.dumps(("progress", done, total, text)))
        out.flush()
try:
    fn, args, kwargs, progress_arg = pickle.load(sys.stdin.buffer)
    if progress_arg:
        kwargs[progress_arg] = progress
    message = ("value", fn(*args, **kwargs), "")
except AnnotatorError as exc:
    message = ("error", exc, "")
except BaseException:
    message = ("error", None, traceback.format_exc())
try:
    data = pickle.dumps(message)
except Exception:
    data = pickle.dumps(("error", None, traceback.format_exc()))
out.write(data)
out.flush()
""" % CHILD_PROGRESS_S


class _ChildChannel:
    """The parent's end of a child's pipes: a reader thread sends the call, then keeps the child's last
    progress report and its result as they arrive."""

    def __init__(self, child: subprocess.Popen, payload: bytes) -> None:
        self.child = child
        self.progress: tuple[int, int | None, str | None] | None = None
        self.result: tuple | None = None
        self.finished = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(payload,), name="annotator: child pipe", daemon=True)
        self._thread.start()

    def _read(self, payload: bytes) -> None:
        child = self.child
        try:
            try:
                child.stdin.write(payload)
                child.stdin.close()
            except OSError:  # the child is gone already; its end of stdout says the rest
                pass
            while True:
                message = pickle.load(child.stdout)
                if message[0] != "progress":
                    self.result = message
                    return
                self.progress = message[1:]
        except Exception:  # end of the pipe without a result: the child died (or was killed)
            return
        finally:
            self.finished.set()

    def close(self) -> None:
        """Kill the child if it still runs, reap it and close the pipes."""
        if self.child.poll() is None:
            self.child.kill()
        self.child.wait()
        self._thread.join()
        for pipe in (self.child.stdin, self.child.stdout):
            try:
                pipe.close()
            except OSError:
                pass


def run_in_process(progress: Progress, fn: Callable[..., T], *args, progress_arg: str | None = None, **kwargs) -> T:
    """Call ``fn(*args, **kwargs)`` in a child Python process and return its value; for use inside a job.

    ``fn`` must be a module-level function and its arguments and value
    picklable; ``fn`` opens whatever it reads itself (a project by its path).
    With ``progress_arg``, ``fn`` gets a callback under that keyword:
    ``callback(done, total=None, text=None)`` in the child is passed on to
    ``progress`` (at most every :data:`CHILD_PROGRESS_S`), so the dialog
    shows how far the child is. Meanwhile the job keeps looking at
    ``progress``: Cancel kills the child and raises :class:`CancelledError`.
    The child's :class:`AnnotatorError` comes back as it is; anything else,
    or a child that dies, becomes a :class:`BackgroundJobError`. Starting the
    child costs a few hundred milliseconds, so keep it for work that takes
    longer than that.
    """
    payload = pickle.dumps((fn, args, kwargs, progress_arg))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))  # the parent's imports
    done, total, _ = progress.snapshot()
    child = subprocess.Popen([sys.executable, "-c", _CHILD_CODE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             env=env)
    channel = _ChildChannel(child, payload)
    try:
        while not channel.finished.wait(CHILD_POLL_S):
            reported = channel.progress
            progress(*(reported or (done, total)))  # raises CancelledError when the analyst cancelled
    finally:
        channel.close()
    if channel.result is None:  # no result at all: the child died
        raise BackgroundJobError(
            f"The computation stopped unexpectedly (its process ended with code {child.returncode})."
        )
    outcome, value, details = channel.result
    if outcome == "value":
        return value
    if isinstance(value, AnnotatorError):
        raise value
    _log.error("A child process failed:\n%s", details)
    what = (details.strip().splitlines() or ["no details"])[-1]
    raise BackgroundJobError(f"The computation stopped on an unexpected error ({what}).")
