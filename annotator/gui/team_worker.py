"""The window's team sync off the GUI thread (issue 21, docs/team.md): no Qt here.

:class:`TeamWorker` runs two daemon threads, each with its own connections (never the GUI's; see
:mod:`annotator.gui.background`):

* **sync**: a :class:`~annotator.core.team.watch.Watcher` over the worker's own :class:`CountedStore` of the
  project, live through LISTEN/NOTIFY or polling; what it reports goes to :attr:`TeamWorker.events`;
* **jobs**: the Team dock's server reads and writes (the roster after each sync that brought something and every
  :data:`ROSTER_EVERY` seconds; blind coding on or off), each on a short connection of its own.

The window drains :attr:`TeamWorker.events` on its own thread (:mod:`annotator.gui.controllers.team`). Stopping
only sets a flag: the threads see it within a quarter of a second, or, when blocked on the network, whenever the
network answers; as daemons they never hold up the end of the program.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.store import Store
from annotator.core.team.connect import server
from annotator.core.team.members import set_blind
from annotator.core.team.roster import Roster, roster
from annotator.core.team.watch import RETRY_EVERY, Event, Watcher

#: How often the jobs thread reads the roster when nothing else asked for it (seconds).
ROSTER_EVERY = 30.0
#: How often both threads look at the stop flag while idle (seconds).
TICK = 0.25
#: What the window's connections are called on the server (the roster counts ``annotator…`` ones as online).
APPLICATION = "annotator window"

_log = logging.getLogger(__name__)


class CountedStore(Store):
    """The sync's own connection to the project, which tells the window what it committed and what others did.

    * :attr:`generation` counts its write transactions: odd while one runs, even between them. A commit the window
      sees while it changed is the sync's, shown as deltas: no re-read, the undo history stays.
    * :attr:`foreign` counts the commits of other programs it noticed (``PRAGMA data_version`` changed before or
      during one of its transactions while the window's own row count, ``gui_changes()``, stayed the same): the
      sync pushes an edit of ``annotator apply`` at once, and the window must still re-read for it. A commit of
      the window's own background job (an import) is :meth:`forgive`-n. (A program committing in the same
      instant as the window's own edit is taken for the window's: shown at the next re-read.)
    * ``on_synced(at)`` is called when a sync finished, whether or not it moved anything.
    """

    generation = 0
    foreign = 0
    on_synced = None
    gui_changes = None
    _seen = None
    _gui_seen = None
    _forgiven = False

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        outer = not self.db.conn.in_transaction
        if outer:
            self.observe()
            self.generation += 1
        try:
            with super().transaction() as store:
                yield store
        finally:
            if outer:
                self.observe()  # a commit by another connection while ours ran
                self.generation += 1

    def observe(self) -> None:
        """Count a commit of another program made since the last look (see the class docstring)."""
        try:
            version = self.data_version()
        except AnnotatorError:
            return
        gui = self.gui_changes() if self.gui_changes is not None else 0
        if self._seen is not None and version != self._seen and gui == self._gui_seen and not self._forgiven:
            self.foreign += 1
        self._seen, self._gui_seen, self._forgiven = version, gui, False

    def forgive(self) -> None:
        """The next commit noticed is the window's own (a background job's): not another program's."""
        self._forgiven = True

    def set_team_state(self, **values: str) -> None:
        super().set_team_state(**values)
        if "synced" in values and self.on_synced is not None:
            self.on_synced(str(values["synced"]))


@dataclass(frozen=True)
class Synced:
    """A sync finished (whether or not it moved anything): ``waiting`` edits are left, ``at`` is when."""

    at: str
    waiting: int
    polling: bool


@dataclass(frozen=True)
class RosterRead:
    roster: Roster


@dataclass(frozen=True)
class JobDone:
    """A server job of the Team dock ended: ``message`` for the status bar, ``failed`` if refused or lost."""

    message: str
    failed: bool = False


class TeamWorker:
    """The project at ``path`` kept in sync with the team server at ``url`` (see the module docstring)."""

    def __init__(self, path: str | Path, url: str, gui_changes: Callable[[], int] | None = None):
        self.path = Path(path)
        self.url = url
        self.gui_changes = gui_changes
        #: What the threads tell the window, in order: Event, Synced, RosterRead, JobDone.
        self.events: queue.Queue = queue.Queue()
        self.store: CountedStore | None = None
        self.watcher: Watcher | None = None
        self._stop = threading.Event()
        self._jobs: queue.Queue = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._next_look = 0.0

    # ------------------------------------------------------------ the window's side
    def start(self) -> None:
        for name, target in (("team-sync", self._sync_loop), ("team-jobs", self._job_loop)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, wait: float = 0.0) -> None:
        """Ask both threads to end; wait at most ``wait`` seconds for them (they are daemons)."""
        self._stop.set()
        deadline = time.monotonic() + wait
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def alive(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def generation(self) -> int:
        """The sync connection's write count (see :class:`CountedStore`); 0 before it opened the project."""
        store = self.store
        return store.generation if store is not None else 0

    def foreign(self) -> int:
        """Other programs' commits the sync noticed (see :class:`CountedStore`)."""
        store = self.store
        return store.foreign if store is not None else 0

    def forgive(self) -> None:
        """The window's own background job just committed: not another program's commit."""
        store = self.store
        if store is not None:
            store.forgive()

    def wake(self) -> None:
        """Sync now: an edit was just saved (or the analyst wants the server tried again at once)."""
        watcher = self.watcher
        if watcher is not None:
            watcher.wake()

    def read_roster(self) -> None:
        self._jobs.put(("roster",))

    def set_blind(self, on: bool, document: str | None) -> None:
        """Blind coding on or off for the project (``document`` None) or one document; a lead's server call."""
        self._jobs.put(("blind", on, document))

    # ------------------------------------------------------------ the sync thread
    def _sync_loop(self) -> None:
        try:
            store = CountedStore.open(self.path, create=False)
        except AnnotatorError as exc:
            self.events.put(Event(offline=str(exc)))
            return
        store.on_synced = self._synced
        store.gui_changes = self.gui_changes
        store.observe()  # the baseline: commits before this one are the window's business
        self.store = store
        self.watcher = Watcher(store, self.url, self.events.put, stop=self._between_syncs, application=APPLICATION)
        last = None
        try:
            while not self._stop.is_set():
                try:
                    self.watcher.run()
                except AnnotatorError as exc:  # refused by the rules (the URL) or the project (locked, gone)
                    why = str(exc)
                except Exception as exc:  # noqa: BLE001 (a driver's or our own error must not end live sync)
                    _log.warning("team sync failed: %r", exc)
                    why = f"the team sync stopped on an unexpected error ({exc}); it tries again in a moment."
                else:
                    continue
                if why != last:
                    self.events.put(Event(offline=why, waiting=self._waiting()))
                last = why
                self._stop.wait(RETRY_EVERY)
        finally:
            store.close()

    def _between_syncs(self) -> bool:
        """The watcher's ``stop()``, asked in this thread between syncs every 50–250 ms: True to end. Meanwhile it
        looks for other programs' commits (at most every :data:`TICK`), so the window hears of one even when the
        sync has nothing to push for it, or cannot (offline)."""
        if self._stop.is_set():
            return True
        moment = time.monotonic()
        if moment >= self._next_look and self.store is not None:
            self._next_look = moment + TICK
            self.store.observe()
        return False

    def _synced(self, at: str) -> None:
        watcher = self.watcher
        self.events.put(Synced(at, self._waiting(), bool(watcher is not None and watcher.polling)))

    def _waiting(self) -> int:
        try:
            return self.store.waiting_edits() if self.store is not None else 0
        except AnnotatorError:
            return 0

    # ------------------------------------------------------------ the jobs thread
    def _job_loop(self) -> None:
        next_roster = time.monotonic() + ROSTER_EVERY
        while not self._stop.is_set():
            try:
                job = self._jobs.get(timeout=TICK)
            except queue.Empty:
                if time.monotonic() < next_roster:
                    continue
                job = ("roster",)
            if job[0] == "roster":
                next_roster = time.monotonic() + ROSTER_EVERY
                while not self._jobs.empty() and self._jobs.queue[0] == ("roster",):
                    self._jobs.get_nowait()  # one read answers every request made meanwhile
            self._run(job)

    def _run(self, job: tuple) -> None:
        try:
            with server(self.url) as conn:
                if job[0] == "roster":
                    self.events.put(RosterRead(roster(conn)))
                else:
                    _, on, document = job
                    set_blind(conn, on, document)
                    where = "this document" if document else "the project"
                    self.events.put(JobDone(f"Blind coding is {'on' if on else 'off'} for {where}."))
        except AnnotatorError as exc:
            if job[0] != "roster":  # the status bar already says when the server is out of reach
                self.events.put(JobDone(str(exc), failed=True))
        except Exception as exc:  # noqa: BLE001 (a driver error must not end the thread; the sync reports the server)
            _log.warning("team job %s failed: %s", job[0], exc)
            if job[0] != "roster":
                self.events.put(JobDone(f"The team server did not do it: {exc}", failed=True))
