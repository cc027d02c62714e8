"""Backups, restores and health checks of project files, all through SQLite (never by copying the file).

* :func:`backup_project` writes a consistent copy with ``VACUUM INTO``: it is a
  snapshot of the last commit even while a window or a script is writing.
* :func:`auto_backup` keeps rolling backups of a project in the annotator home
  (``backups/<name>-<hash>/``, next to the settings, never beside the
  project): one when a project is opened after it changed, the newest ``keep``
  kept.
* :func:`restore_backup` puts a backup in place of a project, never over an
  existing file unless told to, and never under a program that has it open.
* :func:`check_project` reports integrity, foreign keys and the schema version.

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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote as urlquote

from annotator.core import migrations as mig
from annotator.core.errors import InputError, NotAProjectError, ProjectError, ProjectLockedError
from annotator.core.paths import home
from annotator.core.store.files import held_for, refuse_open_project
from annotator.core.store.wal import keep_damaged_log

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

    @property
    def healthy(self) -> bool:
        return not self.problems and self.log is None

    def text(self) -> str:
        verdict = "healthy" if self.healthy else "DAMAGED: " + " ".join([*self.problems, *filter(None, [self.log])])
        return "\n".join([*self.lines, f"{self.path.name}: {verdict}"])


def check_project(path: str | os.PathLike) -> CheckReport:
    """Integrity, foreign keys and schema version of the project at ``path``, without writing anything."""
    path = Path(path).expanduser().resolve()
    report = CheckReport(path)
    if not path.is_file():
        raise NotAProjectError(f"There is no project file at {path}.")
    if path.stat().st_size == 0:
        report.problems.append("The file is empty (0 bytes), so it holds no project.")
        return report
    damaged = keep_damaged_log(path, index=held_for(path) is None)  # -shm only where no SQLite lock can be lost
    report.log = damaged.sentence if damaged is not None else None
    try:
        with open_readonly(path) as conn:
            _check(conn, report)
    except sqlite3.DatabaseError as exc:
        message = str(exc).lower()
        if "locked" in message or "busy" in message:
            raise ProjectLockedError(f"The project {path.name} is being written by another program; "
                                     "try again in a moment.") from None
        what = "it is not a SQLite database" if "not a database" in message else f"SQLite says: {exc}"
        report.problems.append(f"The file cannot be read as a project ({what}).")
    return report


def _check(conn: sqlite3.Connection, report: CheckReport) -> None:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    integrity = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
    if integrity == ["ok"]:
        report.lines.append("integrity: ok")
    else:
        report.lines.append("integrity: " + "; ".join(integrity[:5]))
        report.problems.append("SQLite's integrity check found damage.")
    if "_sqlite_migrations" not in tables:
        report.problems.append("It is a SQLite database of another program, not an annotator project.")
        return
    applied = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                                          [mig.MIGRATION_SET])}
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if not applied:
        report.problems.append("It is a SQLite database of another program, not an annotator project.")
        return
    if version > mig.SCHEMA_VERSION or applied - mig.KNOWN_MIGRATIONS:
        report.lines.append(f"schema: version {version}, newer than this annotator ({mig.SCHEMA_VERSION})")
    elif version < mig.SCHEMA_VERSION:
        report.lines.append(f"schema: version {version} (upgraded to {mig.SCHEMA_VERSION} when opened)")
    else:
        report.lines.append(f"schema: version {version} (current)")
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables_hit = sorted({r[0] for r in broken})
        report.lines.append(f"foreign keys: {len(broken)} broken reference(s) in {', '.join(tables_hit)}")
        report.problems.append("Some rows point to rows that do not exist.")
    else:
        report.lines.append("foreign keys: ok")
    report.lines.append("contents: " + ", ".join(f"{n} {what}" for what, n in counts(conn).items()))


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """How many documents, annotations and links a project connection holds."""
    return {what: conn.execute(f"SELECT count(*) FROM {what}").fetchone()[0]  # noqa: S608 -- fixed names
            for what in ("documents", "annotations", "links")}


# ------------------------------------------------------------------- copying
def _vacuum_into(conn: sqlite3.Connection, target: Path) -> None:
    """Write a consistent copy of ``conn``'s database to ``target`` (a temporary file first, then renamed)."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        tmp.unlink()
    try:
        conn.execute("VACUUM INTO ?", [str(tmp)])
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


def _healthy_project(path: Path, what: str) -> CheckReport:
    """The check of ``path``; raises when the file is damaged (a damaged log alone does not stop a copy of what
    SQLite can still read)."""
    report = check_project(path)
    if report.problems:
        raise NotAProjectError(f"{path} cannot be {what}: {report.problems[0]}")
    return report


def backup_project(project: str | os.PathLike, target: str | os.PathLike, force: bool = False,
                   warn: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write a backup of ``project`` to ``target`` with ``VACUUM INTO``; returns its counts.

    Consistent while another connection writes; refuses an existing ``target``
    unless ``force``, and a damaged project (its copy would be damaged too).
    A damaged write-ahead log does not stop it (the backup holds what SQLite
    can read): ``warn`` is told the sentence about it, and a copy of the log is kept.
    """
    project, target = Path(project).expanduser().resolve(), Path(target).expanduser()
    if target.exists() and not force:
        raise InputError(f"{target} already exists; choose another name or add --force to replace it.")
    if target.resolve() == project:
        raise InputError("A backup cannot be written over the project itself.")
    refuse_open_project(target, "written over with a backup")
    report = _healthy_project(project, "backed up")
    if report.log and warn is not None:
        warn(report.log)
    with open_readonly(project) as conn:
        _vacuum_into(conn, target)
    with open_readonly(target) as conn:
        return counts(conn)


def restore_backup(backup: str | os.PathLike, target: str | os.PathLike, force: bool = False) -> dict[str, int]:
    """Put the backup at ``backup`` in place as the project ``target``; returns its counts.

    The backup must be a healthy project. An existing ``target`` is replaced
    only with ``force``, and never while a program has it open (its
    write-ahead log is still beside it).
    """
    backup, target = Path(backup).expanduser().resolve(), Path(target).expanduser().resolve()
    if backup == target:
        raise InputError("A backup cannot be restored over itself.")
    _healthy_project(backup, "restored")
    refuse_open_project(target, "replaced while it is open")
    if target.exists() or Path(f"{target}-wal").exists():
        if not force:
            raise InputError(f"{target} already exists; add --force to replace it with the backup.")
        _release(target)
    with open_readonly(backup) as conn:
        _vacuum_into(conn, target)
    with open_readonly(target) as conn:
        return counts(conn)


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


def auto_backup(store, keep: int = DEFAULT_KEEP) -> Path | None:
    """Back up the open project if it changed since its last rolling backup; keeps the newest ``keep``.

    Call it right after opening. Returns the new backup, or None when nothing
    changed (or ``keep`` is 0). A backup that cannot be written raises
    :class:`ProjectError`; the project is never touched.
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
    _vacuum_into(store.db.conn, target)
    state = {"project": str(project), "fingerprint": fingerprint}
    with contextlib.suppress(OSError):
        state_file.write_text(json.dumps(state), encoding="utf-8")
    for old in sorted(folder.glob("*.sqlite"), reverse=True)[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target
