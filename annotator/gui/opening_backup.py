"""The rolling backup taken when the window opens a project: in a worker thread, its progress in the status bar.

:func:`~annotator.core.store.backup.auto_backup` used to run before the
window appeared (2–3 s at a million annotations). Now :func:`start` is called
once the window is shown, and the backup begins when the event loop runs: a
worker thread copies the project page by page through a read connection of its
own (SQLite's online backup in one read transaction: the copy is the commit it
started from, even while the window writes). When it takes longer than
:data:`SHOW_AFTER_MS`, a bar in the status bar follows it.

Closing the window, or quitting (:func:`stop_all`, called by the application
before it ends), aborts it: the worker stops at its next step of pages and the
temporary file is removed, so no partial backup is ever left; the older
backups stay as they were, and the next opening of the project takes it again.

The worker is a plain :class:`threading.Thread` that never touches a Qt
object: it reports through a :class:`~annotator.gui.background.Progress`,
which a timer in the GUI thread reads.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QProgressBar, QStatusBar

from annotator.core.errors import AnnotatorError, CancelledError
from annotator.core.store.backup import auto_backup
from annotator.gui.background import Progress

#: The bar appears in the status bar only when the backup runs longer than this (milliseconds).
SHOW_AFTER_MS = 300
#: How often the GUI thread looks at the worker (milliseconds).
POLL_MS = 100
#: Object name of the status bar's progress bar (tests find it by this name).
BAR_NAME = "opening_backup_progress"


class OpeningBackup(QObject):
    """One project's opening backup: started by :meth:`start`, stopped with :meth:`abort`."""

    #: The backup ended: "" when it was taken (or not needed), else the sentence saying why it was not.
    finished = Signal(str)

    def __init__(self, store, keep: int, bar: QStatusBar, parent: QObject):
        super().__init__(parent)
        self.project = Path(store.path)
        self.progress = Progress()
        #: The backup written, once the worker is done (None: none was needed, or it failed or was aborted).
        self.taken: Path | None = None
        #: True once the backup has ended (taken, not needed, failed) or was aborted.
        self.done = False
        self._store, self._keep, self._status = store, keep, bar
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="annotator: opening backup")
        self._started = 0.0
        self._bar: QProgressBar | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        parent.installEventFilter(self)

    def start(self) -> None:
        """Start the worker (unless aborted before it began)."""
        if self.progress.cancelled or self._thread.is_alive():
            return
        self._started = time.perf_counter()
        self._thread.start()
        self._timer.start()

    def running(self) -> bool:
        return self._thread.is_alive()

    def abort(self) -> None:
        """Stop the backup and wait for the worker: it leaves no file behind (the window closes, or the app quits)."""
        self.progress.cancel()
        if self._thread.is_alive():
            self._thread.join()
        self.done = True
        _running.discard(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 -- Qt's name
        if event.type() == QEvent.Type.Close:
            self.abort()
        return False

    # ------------------------------------------------------------------ internals
    def _work(self) -> None:
        """The worker thread: take the backup, keep the outcome for the GUI thread."""
        try:
            self.taken = auto_backup(self._store, self._keep, progress=self.progress)
        except BaseException as exc:  # handed to the GUI thread
            self._error = exc

    def _poll(self) -> None:
        if self._thread.is_alive():
            self._show_progress()
            return
        self._timer.stop()
        if self._bar is not None:
            self._status.removeWidget(self._bar)
            self._bar.setParent(None)  # out of the status bar now, deleted when the event loop next runs
            self._bar.deleteLater()
            self._bar = None
        self.done = True
        _running.discard(self)
        message = self._message()
        if message:
            self._status.showMessage(message, 15000)
        self.finished.emit(message)

    def _show_progress(self) -> None:
        done, total, _ = self.progress.snapshot()
        if self._bar is None:
            if (time.perf_counter() - self._started) * 1000 < SHOW_AFTER_MS:
                return
            self._bar = QProgressBar()
            self._bar.setObjectName(BAR_NAME)
            self._bar.setMaximumWidth(160)
            self._bar.setFormat("Backup %p%")
            self._bar.setToolTip("Taking this project's rolling backup (File > Restore from backup lists them); "
                                 "you can work meanwhile.")
            self._status.addPermanentWidget(self._bar)
        self._bar.setRange(0, total or 0)
        if total:
            self._bar.setValue(min(done, total))

    def _message(self) -> str:
        error = self._error
        if error is None or isinstance(error, CancelledError):
            return ""
        if isinstance(error, AnnotatorError):
            return f"No backup was taken: {error}"
        return f"No backup was taken: {type(error).__name__}: {error}"


#: Backups now running (their objects live as long as their windows; this set lets quitting stop them).
_running: set[OpeningBackup] = set()


def start(store, keep: int, bar: QStatusBar, window: QObject) -> OpeningBackup:
    """Take ``store``'s rolling backup in the background once the event loop runs; shown in ``bar``, aborted when
    ``window`` closes. A failure is said in the status bar."""
    backup = OpeningBackup(store, keep, bar, window)
    _running.add(backup)
    QTimer.singleShot(0, backup, backup.start)
    return backup


def stop_all() -> None:
    """Abort every opening backup still running and wait for their workers (the application is quitting)."""
    for backup in list(_running):
        backup.abort()
