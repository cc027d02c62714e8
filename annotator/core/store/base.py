"""Opening projects and running transactions: the base of :class:`annotator.core.store.Store`.

A project is one SQLite file. Every public method that writes runs in one
transaction (``with self.db.atomic():``), so an operation lands completely or
not at all. Connections use WAL, ``synchronous=FULL`` and ``foreign_keys=ON``.
Errors surface as :mod:`annotator.core.errors` exceptions with messages for
analysts, and a failed operation leaves the file as it was.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from urllib.parse import quote as urlquote

from annotator.core import migrations as mig
from annotator.core.errors import (
    AnnotatorError,
    InputError,
    NewerProjectError,
    NotAProjectError,
    ProjectDetachedError,
    ProjectError,
    ProjectLockedError,
    ReadOnlyProjectError,
)
from annotator.core.model import ANNOTATION_FIELDS, Document, Label
from annotator.core.scheme import PALETTE, default_scheme, tree_order  # noqa: F401 (PALETTE re-exported)
from annotator.core.store.sqlite_db import Database
from annotator.core.store.files import SQLITE_MAGIC, FileGuard, read_header
from annotator.core.store.wal import keep_damaged_log
from annotator.core.timeutil import now


#: Column names that are SQL keywords, quoted wherever a query names them.
_KEYWORDS = frozenset({"end"})


def sql_columns(names: Iterable[str], table: str = "") -> str:
    """The columns ``names`` as an SQL list (``id, label, "end"``), each prefixed with ``table.`` when given."""
    prefix = f"{table}." if table else ""
    return ", ".join(prefix + (f'"{n}"' if n in _KEYWORDS else n) for n in names)


#: Every column of an annotation, in the order of :class:`~annotator.core.model.Annotation`'s fields.
_ANN_COLUMNS = sql_columns(ANNOTATION_FIELDS)
#: A document's columns (its text is kept apart, in ``document_texts``), in the order of its fields.
_DOC_COLUMNS = sql_columns(f.name for f in fields(Document) if f.name != "text")


def _writable(path: Path) -> bool:
    """True if annotator may write ``path`` (an existing file) and create its WAL files beside it.

    Mode bits are checked as well as ``os.access`` because root ignores permissions.
    """
    folder = path.parent
    try:
        st = path.stat()
    except OSError:
        return False
    return (
        bool(st.st_mode & stat.S_IWUSR)
        and os.access(path, os.W_OK)
        and os.access(folder, os.W_OK)
        and bool(folder.stat().st_mode & stat.S_IWUSR)
    )


def needs_upgrade(path: str | os.PathLike) -> bool:
    """Whether opening the project at ``path`` would run migrations (it was written by an older annotator).

    Read from the file's header alone, with no SQLite connection, so that a damaged write-ahead log is left for
    the open itself to find (see :mod:`annotator.core.store.wal`). The main file's schema number can only lag
    the one in its log: True may mean a project already upgraded in its log (opening it then changes nothing),
    never the reverse. A file that is not an annotator project gives False; opening it says what it is.
    """
    header = read_header(path, 64)
    if len(header) < 64 or header[:16] != SQLITE_MAGIC:
        return False
    return 0 < int.from_bytes(header[60:64], "big") < mig.SCHEMA_VERSION


def _translate(exc: sqlite3.Error, path: Path) -> AnnotatorError:
    msg = str(exc).lower()
    if "locked" in msg or "busy" in msg:
        return ProjectLockedError(
            f"The project {path.name} is in use by another program; close it there and try again."
        )
    if "readonly" in msg or "read-only" in msg:
        return ReadOnlyProjectError(f"The project {path.name} is read-only; nothing was changed.")
    if "disk is full" in msg:
        return ProjectError(f"The disk holding the project {path.name} is full: this change was not saved, and "
                            "everything saved before it is kept; free some space and try again.")
    if "not a database" in msg or "malformed" in msg:
        return NotAProjectError(f"{path} is not an annotator project (the file is damaged or not SQLite).")
    return ProjectError(f"The project {path.name} could not be used: {exc}.")



class StoreBase:
    """One open project file.

    Use :meth:`open`; close with :meth:`close` or a ``with`` block.
    """

    def __init__(self, db: Database, path: Path, readonly: bool, guard: FileGuard | None = None):
        self.db = db
        self.path = path
        self.readonly = readonly
        #: True when :meth:`open` created this project file (see :meth:`discard`).
        self.created = False
        #: A sentence for the analyst when this open found the write-ahead log damaged (and kept a copy of it).
        self.damaged_log: str | None = None
        self._guard = guard
        #: The texts read last, by document id (a document's id is its text's hash, so an entry never goes
        #: stale): tagging in a long document does not read its text from the project again for each tag.
        self._texts: dict[str, str] = {}
        #: The documents' words by consonant key for searching in other scripts, and the (count, last rowid) of
        #: the texts it has learnt (``SearchMixin.spellings``).
        self._spellings_state: tuple | None = None

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = True, readonly: bool = False,
             scheme: list[Label] | None = None) -> StoreBase:
        """Open (and with ``create``, create) the project at ``path``.

        Raises :class:`NotAProjectError` for a missing file (without ``create``),
        an empty file, a non-SQLite file or a SQLite file of another program;
        :class:`NewerProjectError` for a project written by a newer annotator.
        A read-only file opens read-only: writes then raise
        :class:`ReadOnlyProjectError`. A new project starts with ``scheme``
        (a list of labels), or the default scheme; :attr:`created` tells that
        this call made the file. An existing file is never treated as new,
        and the file is never opened outside SQLite except through its
        :class:`~annotator.core.store.files.FileGuard`.
        """
        path = Path(path).expanduser().resolve()
        if path.is_dir():
            raise NotAProjectError(f"{path} is a folder, not a project file.")
        if not path.exists():
            if not create or readonly:
                raise NotAProjectError(f"There is no project file at {path}.")
            store = cls._create(path, scheme)
            if store is not None:
                return store
            # Another process created the file meanwhile: open it like any existing project.
        guard = FileGuard.existing(path)
        try:
            return cls._open_existing(path, guard, readonly)
        except BaseException:
            guard.release()
            raise

    @classmethod
    def _open_existing(cls, path: Path, guard: FileGuard, readonly: bool) -> StoreBase:
        """Open an existing project; read-only when asked (``mode=ro``: the -wal is never checkpointed nor deleted)
        or when the file cannot be written; an older project opened read-only is refused. A damaged write-ahead log
        is first copied beside the project (:attr:`damaged_log` says so)."""
        # Only the first store of this process on the file looks: later ones would find SQLite's locks on -shm.
        damaged = None if guard.held.refs > 1 else keep_damaged_log(path)
        # A damaged log of which no copy could be kept (a full disk) is left as it is: the project is only read.
        readonly = readonly or not _writable(path) or (damaged is not None and not damaged.kept)
        damaged_log = damaged.sentence if damaged is not None else None
        conn = cls._connect(path, readonly)
        try:
            cls._check_project(conn, path)
            if readonly and mig.migrations.pending(Database(conn, execute_plugins=False)):
                raise ReadOnlyProjectError(
                    f"The project {path.name} was made by an older annotator and needs upgrading, "
                    "but it is read-only."
                )
            store = cls(Database(conn, execute_plugins=False), path, readonly, guard)
            store.damaged_log = damaged_log
            if not readonly:
                store._configure()
                if damaged_log:  # the copy is kept: let SQLite write what it can replay and start a fresh log
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                guard.attach_wal()
                if mig.migrations.pending(store.db):
                    store.check_files()  # never upgrade a file that is not the one opened
                    mig.migrations.apply(store.db)
            return store
        except sqlite3.Error as exc:
            conn.close()
            raise _translate(exc, path) from None
        except AnnotatorError:
            conn.close()
            raise

    @classmethod
    def _create(cls, path: Path, scheme: list[Label] | None = None) -> StoreBase | None:
        """A new project at ``path``, which must not exist; None if another process created it meanwhile."""
        if not path.parent.exists():
            try:
                path.parent.mkdir(parents=True)
            except OSError as exc:
                raise ProjectError(f"The folder {path.parent} cannot be created ({exc.strerror}).") from None
        if not os.access(path.parent, os.W_OK):
            raise ReadOnlyProjectError(f"A project cannot be created in {path.parent}: the folder is read-only.")
        guard = FileGuard.new(path)
        if guard is None:
            return None
        conn = None
        try:
            conn = cls._connect(path, False)
            store = cls(Database(conn, execute_plugins=False), path, False, guard)
            store.created = True
            store._configure()
            mig.migrations.apply(store.db)
            with store.db.atomic():
                # Parents first: a label's parent must exist when it is inserted (the positions keep the order).
                for label, _ in tree_order(scheme if scheme is not None else default_scheme()):
                    store._insert_label(label)
                store.db["meta"].insert({"key": "created", "value": now()})
            guard.attach_wal(created=True)  # the first writes made the -wal and -shm
        except BaseException as exc:
            if conn is not None:
                conn.close()
            guard.discard_created()
            guard.release()
            if isinstance(exc, sqlite3.Error):
                raise _translate(exc, path) from None
            raise
        return store

    @staticmethod
    def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
        if readonly:
            uri = f"file:{urlquote(str(path))}?mode=ro"
            # Without a write-ahead log beside it no connection is writing the file: read it immutable, so
            # that nothing (-wal, -shm) is created beside a read-only project or a colleague's file (issue 13).
            if not os.access(path.parent, os.W_OK) or not Path(f"{path}-wal").exists():
                uri += "&immutable=1"
            return sqlite3.connect(uri, uri=True, timeout=2.0, check_same_thread=False)
        return sqlite3.connect(str(path), timeout=2.0, check_same_thread=False)

    @staticmethod
    def _check_project(conn: sqlite3.Connection, path: Path) -> None:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "_sqlite_migrations" not in tables:
            if tables:
                raise NotAProjectError(f"{path} is a SQLite database of another program, not an annotator project.")
            return
        applied = {
            r[0]
            for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [mig.MIGRATION_SET])
        }
        if not applied:
            raise NotAProjectError(f"{path} is a SQLite database of another program, not an annotator project.")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > mig.SCHEMA_VERSION or applied - mig.KNOWN_MIGRATIONS:
            raise NewerProjectError(
                f"The project {path.name} was saved by a newer version of annotator; "
                "update annotator to open it."
            )

    def _configure(self) -> None:
        conn = self.db.conn
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 2000")
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")

    def checkpoint(self) -> None:
        """Copy the write-ahead log into the project file now (it is also done on close)."""
        if not self.readonly:
            self.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            if self._guard is not None:
                self._guard.release()

    def discard(self) -> None:
        """Close, and delete the project file if :meth:`open` created it in this very call (a failed command).

        Only the files this store created are removed, checked by device and inode, never by name alone.
        """
        guard, created = self._guard, self.created
        self._guard = None
        self.db.close()
        if guard is not None:
            if created:
                guard.discard_created()
            guard.release()

    # ------------------------------------------------------------ file identity
    def file_problem(self) -> str | None:
        """None while the project and its write-ahead log are the files this store opened; else what happened.

        Cheap (two ``fstat`` and two ``stat`` calls): the window asks at every commit and when idle.
        """
        return None if self._guard is None else self._guard.problem()

    def check_files(self) -> None:
        """Raise :class:`ProjectDetachedError` if the project's files were deleted or replaced on disk."""
        problem = self.file_problem()
        if problem:
            raise ProjectDetachedError(
                f"The project file {self.path.name} was {problem} while it was open, so annotator has stopped "
                "saving to it."
            )

    def save_copy(self, target: str | os.PathLike) -> Path:
        """Write everything this connection sees to a new project file ``target`` (``VACUUM INTO``).

        Works on a detached store too: its connection still reads the files it had open. ``target`` must not
        exist. Returns the resolved path.
        """
        target = Path(target).expanduser().resolve()
        if target.exists():
            raise InputError(f"{target.name} already exists; choose a new file name for the copy.")
        try:
            self.db.conn.execute("VACUUM INTO ?", [str(target)])
        except sqlite3.Error as exc:
            with contextlib.suppress(OSError):
                target.unlink()
            raise ProjectError(f"The copy {target.name} could not be written: {exc}.") from None
        return target

    def __enter__(self) -> StoreBase:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -------------------------------------------------------------- transactions
    @contextlib.contextmanager
    def transaction(self) -> Iterator[StoreBase]:
        """One atomic operation: everything inside lands, or nothing does.

        Nested use becomes a savepoint. sqlite errors are translated into
        :class:`AnnotatorError` subclasses after the rollback.
        """
        if self.readonly:
            raise ReadOnlyProjectError(f"The project {self.path.name} is read-only; nothing was changed.")
        conn = self.db.conn
        try:
            if conn.in_transaction:
                with self.db.atomic():  # nested: a savepoint
                    yield self
                return
            self.check_files()
            # IMMEDIATE takes the write lock up front, so a busy project is
            # waited for (busy_timeout) instead of failing at the first write.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
                # The files are checked again just before the commit: nothing is committed to a log
                # that another program has deleted.
                self.check_files()
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            if self._guard is not None:
                self._guard.attach_wal()  # from the first commit on, the log is checked too
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    def _read(self, sql: str, params: Iterable = ()) -> list[tuple]:
        try:
            return self.db.conn.execute(sql, list(params)).fetchall()
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    # ---------------------------------------------------------------------- meta
    def meta(self, key: str, default: str | None = None) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key = ?", [key])
        return rows[0][0] if rows else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.db["meta"].upsert({"key": key, "value": value}, pk="key")

