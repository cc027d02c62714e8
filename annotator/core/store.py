"""The project store: the only module that speaks SQL (through sqlite-utils).

A project is one SQLite file. Every public method that writes runs in one
transaction (``with self.db.atomic():``), so an operation lands completely or
not at all. Connections use WAL, ``synchronous=FULL`` and ``foreign_keys=ON``.
Errors surface as :mod:`annotator.core.errors` exceptions with messages for
analysts, and a failed operation leaves the file as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote as urlquote

from sqlite_utils import Database

from annotator.core import migrations as mig
from annotator.core.errors import (
    AnnotatorError,
    InputError,
    NewerProjectError,
    NotAProjectError,
    NotFoundError,
    ProjectError,
    ProjectLockedError,
    ReadOnlyProjectError,
    SpanError,
)
from annotator.core.model import STATUSES, Annotation, Annotator, Document, Label, Link
from annotator.core.paths import resources_dir
from annotator.core.text import document_id, normalize
from annotator.core.timeutil import now

SQLITE_MAGIC = b"SQLite format 3\x00"
#: Colours given to new labels, in order, after the four defaults (Okabe–Ito palette).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")

_ANN_COLUMNS = (
    'id, document, label, start, "end", quote, annotator, note, status, created, modified, reviewer, reviewed, review_note'
)
_DOC_COLUMNS = "id, title, source, published, url, length, added"


def load_scheme(path: Path | None = None) -> list[Label]:
    """Read a label scheme file (``resources/labels.json`` by default)."""
    path = path or resources_dir() / "labels.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            Label(
                name=item["name"],
                color=item["color"],
                shortcut=item.get("shortcut", ""),
                description=item.get("description", ""),
                position=i,
            )
            for i, item in enumerate(data["labels"])
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"The label scheme {path} cannot be read ({exc}).") from None


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


class Store:
    """One open project file.

    Use :meth:`open`; close with :meth:`close` or a ``with`` block.
    """

    def __init__(self, db: Database, path: Path, readonly: bool):
        self.db = db
        self.path = path
        self.readonly = readonly

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = True, readonly: bool = False) -> Store:
        """Open (and with ``create``, create) the project at ``path``.

        Raises :class:`NotAProjectError` for a missing file (without ``create``),
        a non-SQLite file or a SQLite file of another program;
        :class:`NewerProjectError` for a project written by a newer annotator.
        A read-only file opens read-only: writes then raise
        :class:`ReadOnlyProjectError`.
        """
        path = Path(path).expanduser().resolve()
        new = not path.exists() or path.stat().st_size == 0
        if new:
            if not create:
                raise NotAProjectError(f"There is no project file at {path}.")
            if readonly:
                raise NotAProjectError(f"There is no project file at {path}.")
            return cls._create(path)
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
    def _create(cls, path: Path) -> Store:
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
                for label in load_scheme():
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

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -------------------------------------------------------------- transactions
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
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

    # ----------------------------------------------------------------- documents
    def add_document(
        self,
        text: str,
        title: str,
        source: str = "",
        published: str | None = None,
        url: str | None = None,
    ) -> tuple[Document, bool]:
        """Add a document; returns ``(document, created)``.

        The text is normalised (CRLF -> LF). A text already in the project is
        recognised by its id and not added twice (``created`` is False).
        """
        text = normalize(text)
        if not text.strip():
            raise InputError(f"The document {title!r} has no text.")
        doc_id = document_id(text)
        existing = self._read(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", [doc_id])
        if existing:
            return Document(*existing[0]), False
        doc = Document(
            id=doc_id,
            title=title.strip() or "Untitled",
            source=source or "",
            published=published or None,
            url=url or None,
            length=len(text),
            added=now(),
        )
        with self.transaction():
            position = self._read("SELECT COALESCE(MAX(position), -1) + 1 FROM documents")[0][0]
            self.db["documents"].insert(
                {
                    "id": doc.id,
                    "title": doc.title,
                    "source": doc.source,
                    "published": doc.published,
                    "url": doc.url,
                    "length": doc.length,
                    "added": doc.added,
                    "position": position,
                }
            )
            self.db["document_texts"].insert({"id": doc.id, "text": text})
        return doc, True

    def documents(self) -> list[Document]:
        """All documents in project order, without their texts."""
        rows = self._read(f"SELECT {_DOC_COLUMNS} FROM documents ORDER BY position, added, id")
        return [Document(*row) for row in rows]

    def document(self, doc_id: str, with_text: bool = False) -> Document:
        rows = self._read(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", [doc_id])
        if not rows:
            raise NotFoundError(f"There is no document {doc_id} in this project.")
        doc = Document(*rows[0])
        if with_text:
            doc = Document(*rows[0], text=self.document_text(doc_id))
        return doc

    def document_text(self, doc_id: str) -> str:
        rows = self._read("SELECT text FROM document_texts WHERE id = ?", [doc_id])
        if not rows:
            raise NotFoundError(f"There is no document {doc_id} in this project.")
        return rows[0][0]

    def find_document(self, ref: str) -> Document:
        """A document by full id, unique id prefix (with or without ``sha256:``) or exact title."""
        ref = ref.strip()
        candidates = [ref] if ref.startswith("sha256:") else [ref, "sha256:" + ref]
        for cand in candidates:
            rows = self._read(f"SELECT {_DOC_COLUMNS} FROM documents WHERE id = ?", [cand])
            if rows:
                return Document(*rows[0])
        prefixed = "sha256:" + ref.removeprefix("sha256:")
        rows = self._read(
            f"SELECT {_DOC_COLUMNS} FROM documents WHERE substr(id, 1, ?) = ? OR title = ?",
            [len(prefixed), prefixed, ref],
        )
        if len(rows) == 1:
            return Document(*rows[0])
        if not rows:
            raise NotFoundError(f"There is no document matching {ref!r} in this project.")
        raise InputError(f"{ref!r} matches {len(rows)} documents; give more of the id.")

    def update_document(self, doc_id: str, **fields: str | None) -> Document:
        """Change a document's title, source, published date or URL (never its text)."""
        allowed = {"title", "source", "published", "url"}
        unknown = set(fields) - allowed
        if unknown:
            raise InputError(f"A document has no field {sorted(unknown)[0]!r}.")
        self.document(doc_id)
        if "title" in fields and not (fields["title"] or "").strip():
            raise InputError("A document's title cannot be empty.")
        with self.transaction():
            self.db["documents"].update(doc_id, fields)
        return self.document(doc_id)

    # -------------------------------------------------------------------- labels
    def labels(self) -> list[Label]:
        rows = self._read("SELECT name, color, shortcut, description, position FROM labels ORDER BY position, name")
        return [Label(*row) for row in rows]

    def label(self, name: str) -> Label:
        rows = self._read("SELECT name, color, shortcut, description, position FROM labels WHERE name = ?", [name])
        if not rows:
            raise NotFoundError(f"There is no label {name!r} in this project.")
        return Label(*rows[0])

    def next_color(self) -> str:
        """The first palette colour no label uses yet (the palette cycles when all are taken)."""
        used = {label.color.upper() for label in self.labels()}
        for color in PALETTE:
            if color.upper() not in used:
                return color
        return PALETTE[len(used) % len(PALETTE)]

    def add_label(self, name: str, color: str | None = None, shortcut: str = "", description: str = "") -> Label:
        """Create a label; it takes the next unused palette colour unless ``color`` is given."""
        name = name.strip()
        if not name:
            raise InputError("A label needs a name.")
        if self._read("SELECT 1 FROM labels WHERE name = ?", [name]):
            raise InputError(f"There is already a label {name!r}.")
        with self.transaction():
            position = self._read("SELECT COALESCE(MAX(position), -1) + 1 FROM labels")[0][0]
            label = Label(name, color or self.next_color(), shortcut, description, position)
            self._insert_label(label)
        return label

    def ensure_label(self, name: str, color: str | None = None, description: str = "") -> Label:
        """The label ``name``, created if missing (used by imports)."""
        try:
            return self.label(name)
        except NotFoundError:
            return self.add_label(name, color=color, description=description)

    def _insert_label(self, label: Label) -> None:
        self.db["labels"].insert(
            {
                "name": label.name,
                "color": label.color,
                "shortcut": label.shortcut,
                "description": label.description,
                "position": label.position,
            }
        )

    # ---------------------------------------------------------------- annotators
    def annotators(self) -> list[Annotator]:
        return [Annotator(*row) for row in self._read("SELECT id, name FROM annotators ORDER BY id")]

    def ensure_annotator(self, annotator_id: str, name: str = "") -> Annotator:
        """The annotator ``annotator_id``, created if missing; a non-empty ``name`` is recorded."""
        annotator_id = annotator_id.strip()
        if not annotator_id:
            raise InputError("An annotator needs a name.")
        rows = self._read("SELECT id, name FROM annotators WHERE id = ?", [annotator_id])
        if rows and (not name or rows[0][1] == name):
            return Annotator(*rows[0])
        with self.transaction():
            self.db["annotators"].upsert({"id": annotator_id, "name": name or (rows[0][1] if rows else "")}, pk="id")
        return Annotator(annotator_id, name)

    # --------------------------------------------------------------- annotations
    def check_span(self, doc_id: str, start: int, end: int, text: str | None = None) -> str:
        """Validate ``[start, end)`` against the document and return its quote."""
        if text is None:
            text = self.document_text(doc_id)
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
            raise SpanError(f"Span offsets must be whole numbers (got {start!r}, {end!r}).")
        if start < 0 or end > len(text):
            raise SpanError(
                f"The span {start}–{end} lies outside the document, which has {len(text)} characters."
            )
        if start >= end:
            raise SpanError(f"The span {start}–{end} is empty: its start must come before its end.")
        return text[start:end]

    def add_annotation(
        self,
        document: str,
        label: str,
        start: int,
        end: int,
        annotator: str,
        note: str = "",
        *,
        id: str | None = None,
        status: str = "pending",
        created: str | None = None,
        modified: str | None = None,
    ) -> Annotation:
        """Tag ``[start, end)`` of ``document`` with ``label``; the quote is taken from the text."""
        quote = self.check_span(document, start, end)
        self.label(label)
        if status not in STATUSES:
            raise InputError(f"Unknown status {status!r}; use one of {', '.join(STATUSES)}.")
        stamp = now()
        ann = Annotation(
            id=id or str(uuid.uuid4()),
            document=document,
            label=label,
            start=start,
            end=end,
            quote=quote,
            annotator=annotator,
            note=note or "",
            status=status,
            created=created or stamp,
            modified=modified or created or stamp,
        )
        with self.transaction():
            self.ensure_annotator(annotator)
            self._insert_annotations([ann])
        return ann

    def restore_annotation(self, ann: Annotation) -> None:
        """Put back an annotation exactly as it was (undo of a delete)."""
        with self.transaction():
            self.ensure_annotator(ann.annotator)
            self._insert_annotations([ann])

    def insert_annotations(self, anns: Iterable[Annotation]) -> None:
        """Insert already-validated annotations in one batch (imports); their annotators and labels must exist."""
        with self.transaction():
            self._insert_annotations(anns)

    def _insert_annotations(self, anns: Iterable[Annotation]) -> None:
        self.db.conn.executemany(
            f"INSERT INTO annotations ({_ANN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (a.id, a.document, a.label, a.start, a.end, a.quote, a.annotator, a.note, a.status, a.created,
                 a.modified, a.reviewer, a.reviewed, a.review_note)
                for a in anns
            ),
        )

    def annotation(self, ann_id: str) -> Annotation:
        rows = self._read(f"SELECT {_ANN_COLUMNS} FROM annotations WHERE id = ?", [ann_id])
        if not rows:
            raise NotFoundError(f"There is no annotation {ann_id} in this project.")
        return Annotation(*rows[0])

    def has_annotation(self, ann_id: str) -> bool:
        return bool(self._read("SELECT 1 FROM annotations WHERE id = ?", [ann_id]))

    def annotations(self, **filters) -> list[Annotation]:
        """Annotations matching every given filter (see :meth:`iter_annotations`), in reading order."""
        return list(self.iter_annotations(**filters))

    def iter_annotations(
        self,
        document: str | None = None,
        annotator: str | None = None,
        label: str | None = None,
        status: str | None = None,
        documents: Iterable[str] | None = None,
    ) -> Iterator[Annotation]:
        """Stream annotations matching the filters without loading them all at once."""
        where, params = [], []
        for column, value in (("document", document), ("annotator", annotator), ("label", label), ("status", status)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if documents is not None:
            docs = list(documents)
            where.append(f"document IN ({', '.join('?' * len(docs))})" if docs else "0")
            params.extend(docs)
        sql = f"SELECT {_ANN_COLUMNS} FROM annotations"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += ' ORDER BY document, start, "end", id'
        try:
            for row in self.db.conn.execute(sql, params):
                yield Annotation(*row)
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    def delete_annotation(self, ann_id: str) -> Annotation:
        """Remove an annotation (and its links); returns it so it can be restored."""
        ann = self.annotation(ann_id)
        with self.transaction():
            self.db["annotations"].delete(ann_id)
        return ann

    def update_annotation(self, ann_id: str, **fields) -> Annotation:
        """Change label, note or status (and bounds: start/end re-take the quote); stamps ``modified``."""
        allowed = {"label", "note", "status", "start", "end", "modified"}
        unknown = set(fields) - allowed
        if unknown:
            raise InputError(f"An annotation has no field {sorted(unknown)[0]!r}.")
        ann = self.annotation(ann_id)
        if "label" in fields:
            self.label(fields["label"])
        if "status" in fields and fields["status"] not in STATUSES:
            raise InputError(f"Unknown status {fields['status']!r}; use one of {', '.join(STATUSES)}.")
        if "start" in fields or "end" in fields:
            start, end = fields.get("start", ann.start), fields.get("end", ann.end)
            fields["quote"] = self.check_span(ann.document, start, end)
        fields.setdefault("modified", now())
        with self.transaction():
            self.db["annotations"].update(ann_id, fields)
        return self.annotation(ann_id)

    def set_review(self, ann_id: str, status: str, reviewer: str, note: str = "", when: str | None = None) -> Annotation:
        """Record a review decision: ``status`` (accepted, rejected or pending), by whom, when, and why."""
        if status not in STATUSES:
            raise InputError(f"Unknown status {status!r}; use one of {', '.join(STATUSES)}.")
        self.annotation(ann_id)
        fields = {"status": status, "reviewer": reviewer if status != "pending" else "",
                  "reviewed": (when or now()) if status != "pending" else "", "review_note": note or ""}
        with self.transaction():
            if reviewer:
                self.ensure_annotator(reviewer)
            self.db["annotations"].update(ann_id, fields)
        return self.annotation(ann_id)

    def restore_review(self, ann: Annotation) -> None:
        """Put back ``ann``'s review fields exactly (undo of a decision)."""
        with self.transaction():
            self.db["annotations"].update(
                ann.id, {"status": ann.status, "reviewer": ann.reviewer, "reviewed": ann.reviewed,
                         "review_note": ann.review_note},
            )

    def find_span(self, document: str, start: int, end: int, label: str, annotator: str) -> Annotation | None:
        """The annotation of ``annotator`` with exactly these bounds and label, if any."""
        rows = self._read(
            f'SELECT {_ANN_COLUMNS} FROM annotations WHERE document = ? AND start = ? AND "end" = ? AND label = ? '
            "AND annotator = ? ORDER BY created, id LIMIT 1",
            [document, start, end, label, annotator],
        )
        return Annotation(*rows[0]) if rows else None

    def label_counts(self, documents: Iterable[str] | None = None) -> dict[str, int]:
        """Number of annotations per label, over ``documents`` (all when None)."""
        sql, params = "SELECT label, COUNT(*) FROM annotations", []
        if documents is not None:
            docs = list(documents)
            sql += f" WHERE document IN ({', '.join('?' * len(docs))})" if docs else " WHERE 0"
            params = docs
        return dict(self._read(sql + " GROUP BY label", params))

    def annotation_counts_by_document(self) -> dict[str, int]:
        return dict(self._read("SELECT document, COUNT(*) FROM annotations GROUP BY document"))

    def annotation_counts_by_annotator(self) -> dict[str, int]:
        return dict(self._read("SELECT annotator, COUNT(*) FROM annotations GROUP BY annotator"))

    def annotation_count(self) -> int:
        return self._read("SELECT COUNT(*) FROM annotations")[0][0]

    # --------------------------------------------------------------------- links
    def links(self, annotator: str | None = None, annotation_ids: Iterable[str] | None = None) -> list[Link]:
        sql = "SELECT id, type, source, target, annotator, note, created FROM links"
        where, params = [], []
        if annotator is not None:
            where.append("annotator = ?")
            params.append(annotator)
        if annotation_ids is not None:
            ids = list(annotation_ids)
            marks = ", ".join("?" * len(ids))
            where.append(f"source IN ({marks}) AND target IN ({marks})" if ids else "0")
            params.extend(ids + ids)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [Link(*row) for row in self._read(sql + " ORDER BY created, id", params)]

    def add_link(
        self, type: str, source: str, target: str, annotator: str, note: str = "", *, id: str | None = None,
        created: str | None = None,
    ) -> Link:
        """Link two annotations with a typed relation (``contradicts``, ``same as``, ...)."""
        if not type.strip():
            raise InputError("A link needs a type.")
        if source == target:
            raise InputError("A span cannot be linked to itself.")
        for ann_id in (source, target):
            self.annotation(ann_id)
        link = Link(id or str(uuid.uuid4()), " ".join(type.split()), source, target, annotator, note or "",
                    created or now())
        with self.transaction():
            self.ensure_annotator(annotator)
            self.add_link_type(link.type)
            self.db["links"].insert(link.__dict__)
        return link

    def link(self, link_id: str) -> Link:
        rows = self._read("SELECT id, type, source, target, annotator, note, created FROM links WHERE id = ?", [link_id])
        if not rows:
            raise NotFoundError(f"There is no link {link_id} in this project.")
        return Link(*rows[0])

    def links_of(self, ann_id: str) -> list[Link]:
        """Links that start or end at ``ann_id``."""
        rows = self._read(
            "SELECT id, type, source, target, annotator, note, created FROM links WHERE source = ? OR target = ? "
            "ORDER BY created, id", [ann_id, ann_id],
        )
        return [Link(*row) for row in rows]

    def delete_link(self, link_id: str) -> Link:
        link = self.link(link_id)
        with self.transaction():
            self.db["links"].delete(link_id)
        return link

    def restore_link(self, link: Link) -> None:
        with self.transaction():
            self.ensure_annotator(link.annotator)
            self.db["links"].insert(link.__dict__)

    def link_types(self) -> list[str]:
        return [r[0] for r in self._read("SELECT name FROM link_types ORDER BY position, name")]

    def add_link_type(self, name: str, description: str = "") -> str:
        """Create a link type (no-op when it exists); returns its name."""
        name = " ".join(name.split())
        if not name:
            raise InputError("A link type needs a name.")
        if name not in self.link_types():
            with self.transaction():
                position = self._read("SELECT COALESCE(MAX(position), -1) + 1 FROM link_types")[0][0]
                self.db["link_types"].insert({"name": name, "description": description, "position": position})
        return name

    def rejected_suggestions(self, document: str) -> set[tuple[str, int, int]]:
        """(label, start, end) of the suggestions rejected in ``document``."""
        rows = self._read('SELECT label, start, "end" FROM rejected_suggestions WHERE document = ?', [document])
        return {tuple(r) for r in rows}

    def reject_suggestions(self, document: str, spans: Iterable[tuple[str, int, int]], undo: bool = False) -> None:
        """Hide suggestions ``(label, start, end)`` for ``document`` (``undo`` shows them again)."""
        spans = list(spans)
        with self.transaction():
            if undo:
                self.db.conn.executemany(
                    'DELETE FROM rejected_suggestions WHERE document = ? AND label = ? AND start = ? AND "end" = ?',
                    [(document, *s) for s in spans],
                )
            else:
                self.db.conn.executemany(
                    'INSERT OR IGNORE INTO rejected_suggestions (document, label, start, "end") VALUES (?, ?, ?, ?)',
                    [(document, *s) for s in spans],
                )

    def has_link(self, link_id: str) -> bool:
        return bool(self._read("SELECT 1 FROM links WHERE id = ?", [link_id]))

    # ---------------------------------------------------------------------- meta
    def meta(self, key: str, default: str | None = None) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key = ?", [key])
        return rows[0][0] if rows else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.db["meta"].upsert({"key": key, "value": value}, pk="key")
