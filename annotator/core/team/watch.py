"""Keeping a project synced live: ``annotator sync --watch`` and the window's background sync.

:class:`Watcher` syncs once, then waits for either a notification from the server (LISTEN on channel
``annotator``: a colleague committed) or an edit waiting in the project's outbox, and syncs again. Engines that
speak the PostgreSQL protocol without LISTEN/NOTIFY (CockroachDB, YugabyteDB) refuse LISTEN with
``feature_not_supported``: the watcher then polls the server every ``poll`` seconds instead, as it does when
asked to (``--poll SECONDS``). When the server goes out of reach the watcher says so once, keeps the edits
waiting locally, and tries again every few seconds; nothing local is ever lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg

from annotator.core.errors import AnnotatorError, TeamError
from annotator.core.team.connect import connect, server_lost
from annotator.core.team.sync import SyncResult, sync

#: The notification channel of migration 0002_notify.
CHANNEL = "annotator"
#: How often the watcher looks at the project's outbox while waiting (seconds).
LOCAL_EVERY = 0.25
#: How long the watcher waits before trying an unreachable server again (seconds).
RETRY_EVERY = 3.0


@dataclass(frozen=True)
class Event:
    """What the watcher tells its owner: a sync done (``result``), or the server lost (``offline`` with why)."""

    result: SyncResult | None = None
    offline: str | None = None
    waiting: int = 0
    polling: bool = False


class Watcher:
    """Syncs ``store`` with the team server at ``url`` until ``stop()`` returns True."""

    def __init__(self, store, url: str, report: Callable[[Event], None], *, poll: float | None = None,
                 stop: Callable[[], bool] = lambda: False, application: str = "annotator sync"):
        self.store = store
        self.url = url
        self.report = report
        self.poll = poll
        self.stop = stop
        self.application = application
        self.polling = poll is not None
        self.conn: psycopg.Connection | None = None
        self._offline = False
        self._wake = False
        self._version = -1

    def wake(self) -> None:
        """Sync at the next look (an edit was just made), without waiting for the outbox check."""
        self._wake = True

    def run(self) -> None:
        try:
            while not self.stop():
                try:
                    self._connected_loop()
                except TeamError as exc:
                    self._went_offline(str(exc))
                except psycopg.OperationalError as exc:
                    self._went_offline(server_lost(exc))
                self._close()
                self._sleep(RETRY_EVERY)
        finally:
            self._close()

    def _connected_loop(self) -> None:
        self.conn = connect(self.url, application=self.application)
        if not self.polling:
            try:
                self.conn.execute(f"LISTEN {CHANNEL}")
            except psycopg.errors.FeatureNotSupported:
                self.polling = True
                self.poll = self.poll or 2.0
        self._sync()
        last = time.monotonic()
        while not self.stop():
            notified = self._wait()
            due = self.polling and time.monotonic() - last >= (self.poll or 2.0)
            if notified or due or self._wake or self._edited():
                self._wake = False
                self._sync()
                last = time.monotonic()

    def _edited(self) -> bool:
        """True when another connection (the window, a command) committed and edits wait to be pushed."""
        version = self.store.data_version()
        if version == self._version:
            return False
        self._version = version
        return self.store.waiting_edits() > 0

    def _wait(self) -> bool:
        """True when the server notified a commit; waits at most :data:`LOCAL_EVERY`."""
        if self.polling:
            self._sleep(LOCAL_EVERY)
            return False
        got = False
        for _ in self.conn.notifies(timeout=LOCAL_EVERY):
            got = True
            break
        return got

    def _sync(self) -> None:
        result = sync(self.store, self.conn)
        came_back = self._offline
        self._offline = False
        if came_back or result.arrivals.total() or any(result.pushed.values()) or result.stayed_local:
            self.report(Event(result=result, waiting=result.waiting, polling=self.polling))

    def _went_offline(self, why: str) -> None:
        if not self._offline:
            self._offline = True
            try:
                waiting = self.store.waiting_edits()
            except AnnotatorError:
                waiting = 0
            self.report(Event(offline=why, waiting=waiting, polling=self.polling))

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.stop() and not self._wake and time.monotonic() < end:
            time.sleep(min(0.05, max(0.0, end - time.monotonic())))

    def _close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except psycopg.Error:
                pass
            self.conn = None
