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
from pathlib import Path
from urllib.parse import quote as urlquote

from sqlite_utils import Database

from annotator.core import migrations as mig
from annotator.core.errors import (
    AnnotatorError,
    NewerProjectError,
    NotAProjectError,
    ProjectError,
    ProjectLockedError,
    ReadOnlyProjectError,
)
from annotator.core.model import Label
from annotator.core.paths import resources_dir
from annotator.core.timeutil import now

SQLITE_MAGIC = b"SQLite format 3\x00"
#: Colours given to new labels, in order, after the four defaults (Okabe–Ito palette).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

_ANN_COLUMNS = (
    'id, document, label, start, "end", quote, annotator, note, status, created, modified, reviewer, reviewed, review_note'
    ", origin"
)
_DOC_COLUMNS = "id, title, source, published, url, length, added, language"


def load_scheme(path: Path | None = None) -> list[Label]:
    """Read a label scheme file (``resources/labels.json`` by default)."""
    from annotator.core.formats.scheme import read_scheme_file

    return read_scheme_file(path or resources_dir() / "labels.json")


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


def _translate(exc: sqlite3.Error, path: Path) -> AnnotatorError:
    msg = str(exc).lower()
    if "locked" in msg or "busy" in msg:
        return ProjectLockedError(
            f"The project {path.name} is in use by another program; close it there and try again."
        )
    if "readonly" in msg or "read-only" in msg:
        return ReadOnlyProjectError(f"The project {path.name} is read-only; nothing was changed.")
    if "not a database" in msg or "malformed" in msg:
        return NotAProjectError(f"{path} is not an annotator project (the file is damaged or not SQLite).")
    return ProjectError(f"The project {path.name} could not be used: {exc}.")



class StoreBase:
    """One open project file.

    Use :meth:`open`; close with :meth:`close` or a ``with`` block.
    """

    def __init__(self, db: Database, path: Path, readonly: bool):
        self.db = db
        self.path = path
        self.readonly = readonly

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = True, readonly: bool = False,
             scheme: list[Label] | None = None) -> StoreBase:
        """Open (and with ``create``, create) the project at ``path``.

        Raises :class:`NotAProjectError` for a missing file (without ``create``),
        a non-SQLite file or a SQLite file of another program;
        :class:`NewerProjectError` for a project written by a newer annotator.
        A read-only file opens read-only: writes then raise
        :class:`ReadOnlyProjectError`. A new project starts with ``scheme``
        (a list of labels), or the default scheme.
        """
        path = Path(path).expanduser().resolve()
        new = not path.exists() or path.stat().st_size == 0
        if new:
            if not create:
                raise NotAProjectError(f"There is no project file at {path}.")
            if readonly:
                raise NotAProjectError(f"There is no project file at {path}.")
            return cls._create(path, scheme)
        if path.is_dir():
            raise NotAProjectError(f"{path} is a folder, not a project file.")
        try:
            with path.open("rb") as fh:
                header = fh.read(16)
        except OSError as exc:
            raise ProjectError(f"The project {path} cannot be read ({exc.strerror}).") from None
        if header != SQLITE_MAGIC:
            raise NotAProjectError(f"{path} is not an annotator project (it is not a SQLite database).")
        readonly = readonly or not _writable(path)
        conn = cls._connect(path, readonly)
        try:
            cls._check_project(conn, path)
            store = cls(Database(conn), path, readonly)
            if not readonly:
                store._configure()
                if mig.migrations.pending(store.db):
                    mig.migrations.apply(store.db)
            elif mig.migrations.pending(Database(conn)):
                raise ReadOnlyProjectError(
                    f"The project {path.name} was made by an older annotator and needs upgrading, "
                    "but it is read-only."
                )
            return store
        except sqlite3.Error as exc:
            conn.close()
            raise _translate(exc, path) from None
        except AnnotatorError:
            conn.close()
            raise

    @classmethod
    def _create(cls, path: Path, scheme: list[Label] | None = None) -> StoreBase:
        if not path.parent.exists():
            try:
                path.parent.mkdir(parents=True)
            except OSError as exc:
                raise ProjectError(f"The folder {path.parent} cannot be created ({exc.strerror}).") from None
        if not os.access(path.parent, os.W_OK):
            raise ReadOnlyProjectError(f"A project cannot be created in {path.parent}: the folder is read-only.")
        conn = cls._connect(path, False)
        store = cls(Database(conn), path, False)
        try:
            store._configure()
            mig.migrations.apply(store.db)
            with store.db.atomic():
                for label in scheme if scheme is not None else load_scheme():
                    store._insert_label(label)
                store.db["meta"].insert({"key": "created", "value": now()})
        except BaseException:
            conn.close()
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    Path(str(path) + suffix).unlink()
            raise
        return store

    @staticmethod
    def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
        if readonly:
            uri = f"file:{urlquote(str(path))}?mode=ro"
            if not os.access(path.parent, os.W_OK):
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
        self.db.close()

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
            # IMMEDIATE takes the write lock up front, so a busy project is
            # waited for (busy_timeout) instead of failing at the first write.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
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

