"""Backups, restores and health checks of project files, all through SQLite (never by copying the file).

* :func:`backup_project` checks a project (the quick check of :func:`check_project`)
  and copies it page by page with SQLite's online backup, both reading the same
  commit (the check beside the copy in a thread of its own: :class:`_CheckBeside`):
  the copy is the commit that was checked, even while a window or a script is
  writing, and the copy reports its progress.
* :func:`auto_backup` keeps rolling backups of a project in the annotator home
  (``backups/<name>-<hash>/``, next to the settings, never beside the
  project): one when a project is opened after it changed, the newest ``keep``
  kept.
* :func:`restore_backup` puts a backup in place of a project, never over an
  existing file unless told to, and never under a program that has it open.
* :func:`check_project` reports integrity (SQLite's quick check, or with ``full`` its
  integrity check), foreign keys and the schema version.

Reading a project here never writes to it or beside it: a project without a
write-ahead log is opened ``immutable`` (nothing is created next to it), one
with a log read-only. The project file itself is never opened with Python file
I/O, which would drop SQLite's POSIX locks of this process.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from typing import Protocol
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote as urlquote

from annotator.core import schema_version as mig
from annotator.core.errors import CancelledError, InputError, NotAProjectError, ProjectError, ProjectLockedError
from annotator.core.paths import home
from annotator.core.store.files import held_for, refuse_open_project
from annotator.core.store.wal import keep_damaged_log

#: A long function's ``progress(done, total)`` callback (annotator/core/errors.py); it may raise to stop the work.
Progress = Callable[[int, "int | None"], None]
#: How many rolling backups of each project are kept unless the settings say otherwise.
DEFAULT_KEEP = 10
_STAMP = "%Y%m%d-%H%M%S-%f"


# -------------------------------------------------------------------- reading
@contextlib.contextmanager
def open_readonly(path: str | os.PathLike) -> Iterator[sqlite3.Connection]:
    """A connection that cannot write to ``path`` nor create anything beside it; raises for a missing file."""
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise NotAProjectError(f"There is no project file at {path}.")
    wal = Path(f"{path}-wal")
    uri = f"file:{urlquote(str(path))}?mode=ro"
    if not wal.exists() or not os.access(path.parent, os.W_OK):
        uri += "&immutable=1"  # no log to read: nothing needs -shm, and nothing is created
    conn = sqlite3.connect(uri, uri=True, timeout=2.0)
    try:
        yield conn
    finally:
        conn.close()


@dataclass
class CheckReport:
    """What :func:`check_project` found: ``problems`` is empty for a healthy project."""

    path: Path
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: The sentence about a damaged write-ahead log (edits SQLite cannot replay), or None.
    log: str | None = None
    #: How many documents, annotations and links the checked snapshot holds (empty when it could not be read).
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return not self.problems and self.log is None

    def text(self) -> str:
        verdict = "healthy" if self.healthy else "DAMAGED: " + " ".join([*self.problems, *filter(None, [self.log])])
        return "\n".join([*self.lines, f"{self.path.name}: {verdict}"])


#: The steps of a check, as its progress counts them: the pages, the references, the contents.
CHECK_STEPS = 3
#: SQLite virtual-machine steps between two calls of the progress handler during one long statement.
_TICK_EVERY = 100_000
#: Pages copied by one step of SQLite's online backup (16 MB of 4 KB pages), each step reported as progress.
_COPY_STEP = 4096


class _Ticker:
    """Runs the long statements of a check with SQLite's progress handler installed.

    The handler calls ``progress(*at)`` every :data:`_TICK_EVERY` steps, so the progress of a command is drawn
    while one statement runs for seconds, and Ctrl+C (or a :class:`CancelledError` raised by ``progress``) stops
    that statement at once instead of after it: the exception is kept, SQLite is told to stop, and the kept
    exception is raised in place of SQLite's "interrupted".
    """

    def __init__(self, conn: sqlite3.Connection, progress: Progress | None, at: tuple[int, int | None]):
        self.conn, self.progress, self.at = conn, progress, at
        self.error: BaseException | None = None

    def _tick(self) -> int:
        try:
            if self.progress is not None:
                self.progress(*self.at)
        except BaseException as exc:  # noqa: BLE001 -- Ctrl+C or a cancel: kept, raised once SQLite stopped
            self.error = exc
            return 1
        return 0

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        self.conn.set_progress_handler(self._tick, _TICK_EVERY)
        try:
            return self.conn.execute(sql, params or []).fetchall()
        except sqlite3.OperationalError as exc:
            if self.error is not None:
                raise self.error from None
            if str(exc) == "interrupted":
                # Ctrl+C reached Python as the handler was called, before its first line: SQLite stopped and
                # Python dropped the KeyboardInterrupt (nothing else interrupts this connection).
                raise KeyboardInterrupt from None
            raise
        finally:
            self.conn.set_progress_handler(None, 0)


def check_project(path: str | os.PathLike, full: bool = False, progress: Progress | None = None) -> CheckReport:
    """Structure, foreign keys and schema version of the project at ``path``, without writing anything.

    The structure is SQLite's ``quick_check`` (every page, record and constraint; the check a backup runs), or
    with ``full`` its ``integrity_check``, which also compares every index entry with its row. ``progress`` is
    told ``(step, CHECK_STEPS)`` while each step runs.
    """
    return _examine(Path(path).expanduser().resolve(), full, progress)[0]


def _examine(path: Path, full: bool, progress: Progress | None,
             then: Callable[[sqlite3.Connection], object] | None = None,
             hooks: _Hooks | None = None) -> tuple[CheckReport, object]:
    """The check of ``path``; then, when it is healthy, ``then(conn)`` in the same read transaction (so a copy
    holds exactly the commit that was checked and counted), whose result is returned with the report.

    ``hooks`` (a copy made beside the check, :class:`_CheckBeside`) is told when the project is about to be
    opened and when the check's read transaction has begun."""
    report = CheckReport(path)
    if not path.is_file():
        raise NotAProjectError(f"There is no project file at {path}.")
    if path.stat().st_size == 0:
        report.problems.append("The file is empty (0 bytes), so it holds no project.")
        return report, None
    damaged = keep_damaged_log(path, index=held_for(path) is None)  # -shm only where no SQLite lock can be lost
    report.log = damaged.sentence if damaged is not None else None
    with contextlib.ExitStack() as stack:
        try:
            if hooks is not None:
                hooks.opening()
            conn = stack.enter_context(open_readonly(path))
            conn.execute("BEGIN")  # one read transaction: the check, the counts and a copy see the same commit
            if hooks is not None:
                conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # the transaction's commit, fixed
                hooks.begun(conn)
            _check(_Ticker(conn, progress, (0, CHECK_STEPS)), report, full)
        except sqlite3.DatabaseError as exc:
            message = str(exc).lower()
            if "locked" in message or "busy" in message:
                raise ProjectLockedError(f"The project {path.name} is being written by another program; "
                                         "try again in a moment.") from None
            what = "it is not a SQLite database" if "not a database" in message else f"SQLite says: {exc}"
            report.problems.append(f"The file cannot be read as a project ({what}).")
        if report.problems or then is None:
            return report, None
        return report, then(conn)


def _check(ticker: _Ticker, report: CheckReport, full: bool) -> None:
    tables = {r[0] for r in ticker.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
    kind = "integrity_check" if full else "quick_check"
    integrity = [r[0] for r in ticker.rows(f"PRAGMA {kind}(20)")]
    how = "full check" if full else "quick check"
    if integrity == ["ok"]:
        report.lines.append(f"integrity: ok ({how})")
    else:
        report.lines.append(f"integrity ({how}): " + "; ".join(integrity[:5]))
        report.problems.append("SQLite's integrity check found damage.")
    if "_sqlite_migrations" not in tables:
        report.problems.append("It is a SQLite database of another program, not an annotator project.")
        return
    applied = {r[0] for r in ticker.rows("SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                                         [mig.MIGRATION_SET])}
    version = ticker.rows("PRAGMA user_version")[0][0]
    if not applied:
        report.problems.append("It is a SQLite database of another program, not an annotator project.")
        return
    if version > mig.SCHEMA_VERSION or applied - mig.KNOWN_MIGRATIONS:
        report.lines.append(f"schema: version {version}, newer than this annotator ({mig.SCHEMA_VERSION})")
    elif version < mig.SCHEMA_VERSION:
        report.lines.append(f"schema: version {version} (upgraded to {mig.SCHEMA_VERSION} when opened)")
    else:
        report.lines.append(f"schema: version {version} (current)")
    ticker.at = (1, CHECK_STEPS)
    broken = ticker.rows("PRAGMA foreign_key_check")
    if broken:
        tables_hit = sorted({r[0] for r in broken})
        report.lines.append(f"foreign keys: {len(broken)} broken reference(s) in {', '.join(tables_hit)}")
        report.problems.append("Some rows point to rows that do not exist.")
    else:
        report.lines.append("foreign keys: ok")
    ticker.at = (2, CHECK_STEPS)
    report.counts = counts(ticker.conn)
    report.lines.append("contents: " + ", ".join(f"{n} {what}" for what, n in report.counts.items()))
    if ticker.progress is not None:
        ticker.progress(CHECK_STEPS, CHECK_STEPS)


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many documents, annotations and links a project connection holds."""
    return {what: conn.execute(f"SELECT count(*) FROM {what}").fetchone()[0]  # noqa: S608 -- fixed names
            for what in ("documents", "annotations", "links")}


# ------------------------------------------------------------------- copying
def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


@contextlib.contextmanager
def _written_whole(target: Path) -> Iterator[Path]:
    """The temporary file to write a copy of ``target`` to: renamed to ``target`` when the block ends without an
    exception, removed (with any journal SQLite left of it) whatever happens (a full disk, Ctrl+C)."""
    tmp = _temporary(target)
    with contextlib.suppress(OSError):
        tmp.unlink()
    try:
        yield tmp
        os.replace(tmp, target)
    except sqlite3.Error as exc:
        raise ProjectError(f"The copy {target.name} could not be written: {exc}.") from None
    except OSError as exc:
        raise InputError(f"{target} cannot be written ({exc.strerror}).") from None
    finally:
        # A copy that failed part-way (a full disk) leaves SQLite's rollback journal of it too (issue 20, D12).
        for leftover in (tmp, Path(f"{tmp}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _vacuum_into(conn: sqlite3.Connection, target: Path) -> None:
    """Write a compacted consistent copy of ``conn``'s database to ``target`` (a temporary file first, then renamed).

    For the rolling backups, taken from the window's own read-write connection (where ``VACUUM INTO`` is as fast
    as SQLite's shell; from a read-only connection it is several times slower, so :func:`_copy_pages` is used).
    """
    with _written_whole(target) as tmp:
        conn.execute("VACUUM INTO ?", [str(tmp)])


def _copy_pages(conn: sqlite3.Connection, target: Path, progress: Progress | None,
                before_keeping: Callable[[], None] | None = None) -> None:
    """Copy ``conn``'s database page by page with SQLite's online backup into ``target`` (through a temporary
    file), in ``conn``'s open read transaction: the copy is exactly the commit that transaction sees.

    ``progress(pages copied, pages)`` after each step; an exception it raises (Ctrl+C, a cancel) stops the copy
    and nothing is left behind.
    """
    def step(_status: int, remaining: int, total: int) -> None:
        if progress is not None:
            progress(total - remaining, total)

    with _written_whole(target) as tmp:
        copy = sqlite3.connect(tmp, isolation_level=None)
        try:
            copy.execute("PRAGMA journal_mode = OFF")  # a copy that fails is deleted, never rolled back
            conn.backup(copy, pages=_COPY_STEP, progress=step)
        finally:
            copy.close()
        if before_keeping is not None:  # may raise: the copy is then removed, never renamed into place
            before_keeping()


def _healthy(path: Path, what: str, report: CheckReport) -> None:
    """Raises when the check of ``path`` found damage (a damaged log alone does not stop a copy of what SQLite
    can still read)."""
    if report.problems:
        raise NotAProjectError(f"{path} cannot be {what}: {report.problems[0]}")


def _checked_copy(source: Path, target: Path, what: str, progress: Progress | None) -> CheckReport:
    """Check ``source`` (the quick check of ``annotator check``) and copy it to ``target``, both on one commit;
    raises when it is damaged. ``progress`` sees the pages copied (beside the check), or, when a commit landed
    as the two began, ``(0, pages)`` while checking, then the pages copied (one after the other)."""
    pages: list[int] = []

    def checking(_step: int, _steps: int | None = None) -> None:
        if progress is not None:
            progress(0, pages[0] if pages else None)

    def copy(conn: sqlite3.Connection) -> None:
        _copy_pages(conn, target, progress)

    with contextlib.suppress(OSError):  # the page count only labels the bar while the check runs
        pages.append(max(1, source.stat().st_size // 4096))
    report = _CheckBeside(source).copy(target, progress)
    if report is None:  # a commit landed as the two began: check, then copy, in one transaction
        report, _ = _examine(source, False, checking, then=copy)
    _healthy(source, what, report)
    return report


class _Hooks(Protocol):
    def opening(self) -> None: ...
    def begun(self, conn: sqlite3.Connection) -> None: ...


class _Damaged(Exception):
    """The check beside a copy found damage: the copy is thrown away."""


class _CheckBeside(threading.Thread):
    """The check of a project in a thread of its own while the calling thread copies it: the check reads every
    page and the copy writes every page, on two cores at once (a third less time than one after the other).

    Both must see the same commit. The copying connection reads ``PRAGMA data_version`` before the check's read
    transaction begins and again inside its own: SQLite changes that number when any other connection has
    committed in between, so equal numbers mean both transactions hold the same commit. Otherwise
    :meth:`copy` gives up (returns None) and the caller checks and copies in one transaction, one after the
    other. The check's figures, damage and errors are exactly :func:`check_project`'s (quick check).
    """

    def __init__(self, path: Path):
        super().__init__(name="annotator-check", daemon=True)
        self.path = path
        self.ready = threading.Event()  # the project may be opened (the check has kept a damaged log first)
        self.go = threading.Event()  # the copying connection has read its data_version
        self.reading = threading.Event()  # the check's transaction has begun, or the check has ended
        self.stop = threading.Event()  # the copy failed or was interrupted: the check ends at its next step
        self.conn: sqlite3.Connection | None = None
        self.result: CheckReport | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result, _ = _examine(self.path, False, self._stopped, hooks=self)
        except BaseException as exc:  # noqa: BLE001 -- raised again in the calling thread
            self.error = exc
        finally:
            self.ready.set()
            self.reading.set()

    def _stopped(self, _done: int, _total: int | None = None) -> None:
        """The check's progress (the calling thread shows the copy's): it ends the check once :attr:`stop` is set.

        Never :meth:`sqlite3.Connection.interrupt` from the other thread: the check may be closing its connection
        at that very moment."""
        if self.stop.is_set():
            raise CancelledError("The backup was stopped.")

    def opening(self) -> None:
        self.ready.set()
        self.go.wait()

    def begun(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.reading.set()

    def report(self) -> CheckReport:
        self.join()
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result

    def copy(self, target: Path, progress: Progress | None) -> CheckReport | None:
        """The check's report, with ``target`` written when it found the project healthy; None (nothing
        written) when a commit landed between the two transactions' beginnings."""
        self.start()
        try:
            return self._copy_beside(target, progress)
        except BaseException:
            self.stop.set()  # Ctrl+C or a failed copy: the check stops at its next step
            self.go.set()
            self.join()
            raise

    def _copy_beside(self, target: Path, progress: Progress | None) -> CheckReport | None:
        self.ready.wait()
        if self.reading.is_set():  # the check ended before opening the project (an empty file)
            return self.report()
        with open_readonly(self.path) as conn:
            try:
                before = conn.execute("PRAGMA data_version").fetchone()[0]
                self.go.set()
                self.reading.wait()
                if self.conn is not None:
                    conn.execute("BEGIN")
                    conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
                    same = conn.execute("PRAGMA data_version").fetchone()[0] == before
            except sqlite3.DatabaseError:  # not a database, locked: the check says so, or the caller's does
                self.go.set()
                return self.report() if self.report().problems else None
            if self.conn is None:  # the check could not read the project: its report says why
                return self.report()
            if not same:
                self.report()
                return None
            try:
                _copy_pages(conn, target, progress, before_keeping=self._healthy_or_damaged)
            except _Damaged:
                pass
        return self.report()

    def _healthy_or_damaged(self) -> None:
        if self.report().problems:
            raise _Damaged


def backup_project(project: str | os.PathLike, target: str | os.PathLike, force: bool = False,
                   warn: Callable[[str], None] | None = None, progress: Progress | None = None) -> dict[str, int]:
    """Check ``project`` and copy it to ``target`` page by page; returns the copy's counts.

    The check is :func:`check_project`'s (quick) check, run in the same read
    transaction as the copy and the counts: the copy is the commit that was
    checked, consistent while another connection writes. Refuses an existing
    ``target`` unless ``force``, and a damaged project (its copy would be
    damaged too). A damaged write-ahead log does not stop it (the backup holds
    what SQLite can read): ``warn`` is told the sentence about it, and a copy
    of the log is kept. ``progress(pages copied, pages)``; an exception it
    raises leaves no file behind.
    """
    project, target = Path(project).expanduser().resolve(), Path(target).expanduser()
    if target.exists() and not force:
        raise InputError(f"{target} already exists; choose another name or add --force to replace it.")
    if target.resolve() == project:
        raise InputError("A backup cannot be written over the project itself.")
    refuse_open_project(target, "written over with a backup")
    report = _checked_copy(project, target, "backed up", progress)
    if report.log and warn is not None:
        warn(report.log)
    return report.counts


def restore_backup(backup: str | os.PathLike, target: str | os.PathLike, force: bool = False,
                   progress: Progress | None = None) -> dict[str, int]:
    """Put the backup at ``backup`` in place as the project ``target``; returns its counts.

    The backup must be a healthy project (the check of :func:`backup_project`).
    An existing ``target`` is replaced only with ``force``, and never while a
    program has it open (its write-ahead log is still beside it).
    """
    backup, target = Path(backup).expanduser().resolve(), Path(target).expanduser().resolve()
    if backup == target:
        raise InputError("A backup cannot be restored over itself.")
    refuse_open_project(target, "replaced while it is open")
    if target.exists() or Path(f"{target}-wal").exists():
        if not force:
            raise InputError(f"{target} already exists; add --force to replace it with the backup.")
        _release(target)
    return _checked_copy(backup, target, "restored", progress).counts


def _release(target: Path) -> None:
    """Make sure no program has ``target`` open before it is replaced."""
    if Path(f"{target}-wal").exists() or Path(f"{target}-shm").exists():
        with contextlib.suppress(sqlite3.DatabaseError):  # a damaged file is being replaced anyway
            conn = sqlite3.connect(str(target), timeout=0.5)
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()  # the last connection to close removes -wal and -shm
    if Path(f"{target}-wal").exists():
        raise ProjectLockedError(
            f"The project {target.name} is open in another program; close it there and try again."
        )


# ------------------------------------------------------------ rolling backups
def backup_folder(project: str | os.PathLike) -> Path:
    """Where the rolling backups of ``project`` live: in the annotator home, one folder per project path."""
    project = Path(project).expanduser().resolve()
    digest = hashlib.sha256(str(project).encode("utf-8")).hexdigest()[:10]
    return home() / "backups" / f"{project.stem}-{digest}"


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: datetime
    counts: dict[str, int]


def list_backups(project: str | os.PathLike) -> list[Backup]:
    """The rolling backups of ``project``, newest first, with when they were taken and what they hold."""
    found = []
    for path in sorted(backup_folder(project).glob("*.sqlite"), reverse=True):
        try:
            taken = datetime.strptime(path.stem, _STAMP).replace(tzinfo=timezone.utc)
            with open_readonly(path) as conn:
                found.append(Backup(path, taken, counts(conn)))
        except (ValueError, sqlite3.Error, ProjectError):
            continue  # not one of ours, or unreadable: never offered
    return found


def _fingerprint(project: Path) -> list[int]:
    """Size and modification time of the project and its log: they change when anything was written."""
    out = []
    for path in (project, Path(f"{project}-wal")):
        try:
            st = os.stat(path)
        except OSError:
            continue
        if st.st_size:
            out += [st.st_size, st.st_mtime_ns]
    return out


def auto_backup(store, keep: int = DEFAULT_KEEP, progress: Progress | None = None) -> Path | None:
    """Back up the open project if it changed since its last rolling backup; keeps the newest ``keep``.

    Call it right after opening. Returns the new backup, or None when nothing
    changed (or ``keep`` is 0). A backup that cannot be written raises
    :class:`ProjectError`; the project is never touched.

    Without ``progress`` the copy is ``VACUUM INTO`` on ``store``'s own
    connection. With ``progress`` (the window's worker thread: only
    ``store.path`` is read) it is copied page by page with SQLite's online
    backup through a read connection of its own, in one read transaction: the
    copy is the commit it started from, even while the window writes.
    ``progress(pages copied, pages)``; an exception it raises (an abort) stops
    the copy and leaves no file: the older backups stay as they were, and the
    next opening takes the backup again.
    """
    if keep <= 0:
        return None
    project = Path(store.path)
    folder = backup_folder(project)
    state_file = folder / "state.json"
    fingerprint = _fingerprint(project)
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    if state.get("fingerprint") == fingerprint and any(folder.glob("*.sqlite")):
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ProjectError(f"The backup folder {folder} cannot be created ({exc.strerror}).") from None
    target = folder / (datetime.now(timezone.utc).strftime(_STAMP) + ".sqlite")
    if progress is None:
        _vacuum_into(store.db.conn, target)
    else:
        try:
            with open_readonly(project) as conn:
                conn.execute("BEGIN")  # the read transaction the whole copy is made in
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # ... started: its commit is fixed
                progress(0, conn.execute("PRAGMA page_count").fetchone()[0])
                _copy_pages(conn, target, progress)
        except sqlite3.Error as exc:
            raise ProjectError(f"The project {project.name} could not be read for its backup: {exc}.") from None
    state = {"project": str(project), "fingerprint": fingerprint}
    with contextlib.suppress(OSError):
        state_file.write_text(json.dumps(state), encoding="utf-8")
    for old in sorted(folder.glob("*.sqlite"), reverse=True)[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target
