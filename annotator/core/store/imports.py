"""An import as one undoable step: which rows it added, taking them out, and putting them back.

An import runs in one transaction (often on a connection of its own, in a background job), so the rows it adds
are exactly those whose rowid lies past each table's largest rowid when it began
(:meth:`ImportsMixin.recording_added_rows`). The window then *adopts* the import
(:meth:`~ImportsMixin.adopt_import`): the keys of those rows go into the *import record*, a scratch database
file attached to the store's connection as ``undo``, so the record follows the rows by key, not by rowid, and is
never written to the project file (the undo history lives as long as the window; the file is removed with the
store). :meth:`~ImportsMixin.undo_import` moves the rows to the record's tables and deletes them,
:meth:`~ImportsMixin.redo_import` puts them back; each is one transaction of a few set-wise statements, whatever
the number of rows (nothing is held in Python). Because the record is a file, a background job's own connection
can attach it too (:meth:`~ImportsMixin.import_record`, :meth:`~ImportsMixin.attach_import_record`) and undo or
redo a big import off the window's thread, still in one transaction over both databases.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.store.base import StoreBase, _translate

#: The tables an import writes, each with its key, in the order rows are put back (referenced before referring).
IMPORTED_TABLES = (
    ("link_types", "name"),
    ("annotators", "id"),
    ("labels", "name"),
    ("documents", "id"),
    ("document_texts", "id"),
    ("annotations", "id"),
    ("annotation_attributes", "annotation"),
    ("links", "id"),
    ("meta", "key"),  # the project memo an import gives a project without one (``project.memo``)
)
_KEYS = dict(IMPORTED_TABLES)
#: Tables whose rows go with another table's (kept aside and put back with them; deleted by their cascade).
_FOLLOWING = {"document_texts": "documents", "annotation_attributes": "annotations"}
#: Tables without a rowid: what an import added to them is found through the table they follow.
_WITHOUT_ROWID = {"annotation_attributes"}
#: From this many annotations an undo or redo takes the bulk path, and rebuilds the indexes when the import's
#: annotations are at least this fraction of the table (the thresholds of the import, ``json_import.BULK_MIN``).
BULK_MIN = 5000
BULK_INDEX_FRACTION = 0.25

#: ``progress(done, total)``: called between the statements of an undo or redo, and every
#: :data:`PROGRESS_EVERY` SQLite instructions inside one; raising stops it (all of it rolled back).
StepProgress = Callable[[int, int], None]
#: How many SQLite virtual-machine instructions run between two progress calls inside a statement (a few
#: milliseconds' work), so that Cancel stops even a statement over a million rows.
PROGRESS_EVERY = 200_000


def _remove_record(path: str) -> None:
    for name in (path, path + "-journal"):
        with contextlib.suppress(OSError):
            os.remove(name)


class ImportsMixin(StoreBase):
    def row_marks(self) -> dict[str, int]:
        """The largest rowid of each table an import writes (0 when empty)."""
        return {table: self._read(f"SELECT COALESCE(MAX(rowid), 0) FROM {table}")[0][0]
                for table, _ in IMPORTED_TABLES if table not in _WITHOUT_ROWID}

    def rows_added_since(self, marks: dict[str, int]) -> dict[str, tuple[int, int]]:
        """The rowid ranges ``(after, last]`` added to each table since :meth:`row_marks` gave ``marks``, inside
        one transaction (where no row is deleted): the rows an import added."""
        now = self.row_marks()
        return {table: (marks[table], last) for table, last in now.items() if last > marks[table]}

    @contextlib.contextmanager
    def recording_added_rows(self, into: dict[str, tuple[int, int]]) -> Iterator[dict[str, tuple[int, int]]]:
        """Inside an import's transaction: on leaving without error, ``into`` holds :meth:`rows_added_since`
        the start, the rows the import added."""
        marks = self.row_marks()
        yield into
        into.update(self.rows_added_since(marks))

    def adopt_import(self, added: dict[str, tuple[int, int]]) -> int:
        """Record, by key, the rows an import just committed (``added``: :meth:`rows_added_since`); returns the
        number to undo and redo it by. Call it right after the import, before any other change."""
        conn = self.db.conn
        try:
            self._create_import_tables()
            with self.db.atomic():
                batch = conn.execute("SELECT COALESCE(MAX(batch), 0) + 1 FROM undo.import_keys").fetchone()[0]
                for table, (after, last) in added.items():
                    if table in _KEYS and table not in _FOLLOWING:  # texts go with their documents
                        conn.execute(
                            f'INSERT INTO undo.import_keys (batch, tbl, key) SELECT ?, ?, "{_KEYS[table]}" '
                            f"FROM main.{table} WHERE rowid > ? AND rowid <= ?", [batch, table, after, last])
                # A row marks the batch even when the import added nothing.
                conn.execute("INSERT OR IGNORE INTO undo.import_keys (batch, tbl, key) VALUES (?, '', '')", [batch])
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None
        return batch

    def undo_import(self, batch: int, progress: StepProgress | None = None) -> None:
        """Take out the rows import ``batch`` added (kept aside in the import record for :meth:`redo_import`).

        ``progress(done, total)`` is called before each statement; an exception it raises (Cancel) rolls back.
        """
        conn = self.db.conn
        step = _Steps(progress, 2 * len(IMPORTED_TABLES) - len(_FOLLOWING))
        with self.transaction(), step.inside(conn):
            for table, key in IMPORTED_TABLES:
                step()
                conn.execute(f"INSERT INTO undo.undone_{table} SELECT ?, * FROM main.{table} WHERE {self._of(key)}",
                             [batch, batch, _FOLLOWING.get(table, table)])
            try:
                for table, key in reversed(IMPORTED_TABLES):
                    if table not in _FOLLOWING:  # deleted with their documents, their annotations
                        step()
                        with self._bulk(batch, table):
                            conn.execute(f"DELETE FROM main.{table} WHERE {self._of(key)}", [batch, table])
            except sqlite3.IntegrityError:
                raise InputError("The import cannot be undone: work added since uses its labels, documents or "
                                 "annotators; nothing was changed.") from None
            step.finish()

    def redo_import(self, batch: int, progress: StepProgress | None = None) -> None:
        """Put back the rows :meth:`undo_import` took out of import ``batch`` (``progress`` as there)."""
        conn = self.db.conn
        step = _Steps(progress, len(IMPORTED_TABLES))
        with self.transaction(), step.inside(conn):
            for table, _ in IMPORTED_TABLES:
                step()
                columns = ", ".join(f'"{row[1]}"' for row in conn.execute(f"PRAGMA main.table_info({table})"))
                with self._bulk(batch, table):
                    conn.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM undo.undone_{table} "
                                 "WHERE undone_batch = ?", [batch])
                conn.execute(f"DELETE FROM undo.undone_{table} WHERE undone_batch = ?", [batch])
            step.finish()

    def import_record(self) -> Path | None:
        """The import record's file (None before the first :meth:`adopt_import`), for a background job's own
        connection to attach with :meth:`attach_import_record`."""
        return getattr(self, "_import_record", None)

    def attach_import_record(self, path: str | os.PathLike) -> None:
        """Use the import record at ``path`` (another connection's :meth:`import_record`) on this connection."""
        self._attach_record(Path(path))

    def _bulk(self, batch: int, table: str) -> contextlib.AbstractContextManager:
        """The annotations of a big import go on the store's bulk path (their indexes rebuilt once after, when
        they are a large part of the table), as the import itself did; anything else row by row."""
        if table != "annotations":
            return contextlib.nullcontext()
        count = self._read("SELECT count(*) FROM undo.import_keys WHERE batch = ? AND tbl = 'annotations'",
                           [batch])[0][0]
        if count < BULK_MIN:
            return contextlib.nullcontext()
        return self.bulk_annotation_load(indexes=count >= BULK_INDEX_FRACTION * self.annotation_count())

    def import_counts(self, batch: int) -> dict[str, int]:
        """How many rows of each table import ``batch`` added (documents, labels, annotations, links…)."""
        if self.import_record() is None:
            return {}
        rows = self._read("SELECT tbl, count(*) FROM undo.import_keys WHERE batch = ? AND tbl != '' GROUP BY tbl",
                          [batch])
        return dict(rows)

    @staticmethod
    def _of(key: str) -> str:
        """The condition for a table's rows recorded in a batch (parameters: batch, table)."""
        return f'"{key}" IN (SELECT key FROM undo.import_keys WHERE batch = ? AND tbl = ?)'

    def _create_import_tables(self) -> None:
        """Attach the import record (a new scratch file, removed with the store) and create its tables."""
        if self.import_record() is None:
            fd, name = tempfile.mkstemp(prefix="annotator-undo-", suffix=".sqlite")
            os.close(fd)
            weakref.finalize(self, _remove_record, name)
            self._attach_record(Path(name))
        conn = self.db.conn
        with self.db.atomic():
            conn.execute("CREATE TABLE IF NOT EXISTS undo.import_keys (batch INTEGER NOT NULL, tbl TEXT NOT NULL, "
                         "key TEXT NOT NULL, PRIMARY KEY (batch, tbl, key)) WITHOUT ROWID")
            for table, _ in IMPORTED_TABLES:
                conn.execute(f"CREATE TABLE IF NOT EXISTS undo.undone_{table} AS "
                             f"SELECT 0 AS undone_batch, * FROM main.{table} WHERE 0")

    def _attach_record(self, path: Path) -> None:
        conn = self.db.conn
        conn.execute("ATTACH DATABASE ? AS undo", [str(path)])
        conn.execute("PRAGMA undo.synchronous = OFF")  # scratch: gone with the window anyway
        self._import_record = path


class _Steps:
    """Counts the statements of an undo or redo for ``progress``, and calls it inside long ones too."""

    def __init__(self, progress: StepProgress | None, total: int):
        self.progress, self.total, self.done = progress, total, 0
        self.stopped: BaseException | None = None

    @contextlib.contextmanager
    def inside(self, conn: sqlite3.Connection) -> Iterator[None]:
        """Inside the transaction: a statement ``progress`` stops (Cancel) is interrupted, and what ``progress``
        raised comes out in place of the error that made (the transaction then rolls back)."""
        if self.progress is None:
            yield
            return
        conn.set_progress_handler(self._handler, PROGRESS_EVERY)
        try:
            yield
        except Exception:
            # Once progress stopped the statement, whatever came of it is the stop: SQLite's "interrupted", or
            # the store's sentence for it when a read (_read) met the interruption first.
            if self.stopped is not None:
                raise self.stopped from None
            raise
        finally:
            conn.set_progress_handler(None, 0)

    def _handler(self) -> int:
        try:
            self.progress(max(self.done - 1, 0), self.total)
        except Exception as exc:  # noqa: BLE001 (handed on by inside(), once SQLite has stopped)
            self.stopped = exc
            return 1
        return 0

    def __call__(self) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total)
        self.done += 1

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)

