"""Applying a pull: colleagues' rows written into the local project (see :mod:`annotator.core.store.team`).

:class:`PullApplier` is used inside :meth:`TeamMixin.applying`'s transaction, table by table in the order a pull
reads them (documents, labels, blind settings, documents marked done, annotations, links, review decisions). It
never overwrites a row that waits in the outbox (the member's own edit, pushed next), and it tells what changed
(:class:`Arrivals`) so that the window patches exactly those rows in.
"""

from __future__ import annotations

import contextlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice

from annotator.core.errors import InputError
from annotator.core.language import normalize_language
from annotator.core.scheme import next_label_color
from annotator.core.timeutil import now

def _attributes(text: str | None) -> dict[str, str]:
    """A pulled annotation's attributes (jsonb as text): ``{name: value}``, empty for anything else."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _declarations(text: str | None) -> list[tuple[str, str, str]]:
    """A pulled label's attribute declarations (jsonb as text): ``(name, type, choices one per line)`` each."""
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    out = []
    for d in value if isinstance(value, list) else []:
        if isinstance(d, dict) and isinstance(d.get("name"), str) and d.get("type") in ("flag", "choice", "text"):
            out.append((d["name"], d["type"], "\n".join(str(c) for c in d.get("choices") or [])))
    return out


def _language(value: str | None) -> str:
    """A pulled document's language as stored here ('' when the server holds something that is not one)."""
    try:
        return normalize_language(value)
    except InputError:
        return ""


#: Rows applied per statement batch.
BATCH = 5000
#: A pull that has inserted this many annotations, and at least a quarter as many as the project held before it,
#: loads the rest in bulk (:meth:`~annotator.core.store.annotations.AnnotationsMixin.bulk_annotation_load`: the
#: search index and the secondary indexes are built once at the end): a new member's first pull, a big catch-up.
BULK_AFTER = 20_000


@dataclass
class Arrivals:
    """What a pull changed locally: per document the annotations added, changed and removed (the window patches
    them in), counts per table and per colleague, and whether documents, labels or links changed."""

    added: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    changed: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    removed: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_owner: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    documents_changed: bool = False
    labels_changed: bool = False
    links_changed: bool = False
    refetch: set[str] = field(default_factory=set)  # documents to read again from the start ('' = all)
    mismatched: int = 0  # annotations left out: their quote is not their document's text at their offsets
    kept_documents: list[str] = field(default_factory=list)  # removed by a lead, kept here for the member's work

    def documents(self) -> set[str]:
        return set(self.added) | set(self.changed) | set(self.removed)

    def absorb(self, later: Arrivals) -> None:
        """Add what a later pull of the same sync brought."""
        for mine, theirs in ((self.added, later.added), (self.changed, later.changed), (self.removed, later.removed),
                             (self.counts, later.counts), (self.by_owner, later.by_owner)):
            for key, value in theirs.items():
                mine[key] += value
        self.mismatched += later.mismatched
        self.kept_documents += later.kept_documents
        self.documents_changed |= later.documents_changed
        self.labels_changed |= later.labels_changed
        self.links_changed |= later.links_changed

    def total(self) -> int:
        return sum(self.counts.values())


class PullApplier:
    """Writes pulled rows into the project; one per pull, inside the pull's local transaction."""

    def __init__(self, store, member: str):
        self.store = store
        self.conn = store.db.conn
        self.member = member
        self.arrivals = Arrivals()
        self._pending: dict[str, set[str]] = {}
        self._annotators: set[str] = set()
        self._texts: dict[str, str] = {}  # the texts annotations are checked against, read once per pull
        self._inserted = 0  # annotations this pull inserted

    def pending(self, table: str) -> set[str]:
        """Ids of ``table`` waiting in the outbox: the member's edits, which a pulled version must not undo."""
        if table not in self._pending:
            self._pending[table] = {r[0] for r in self.conn.execute("SELECT id FROM team_outbox WHERE tbl = ?",
                                                                    [table])}
        return self._pending[table]

    def _annotator(self, owner: str) -> None:
        if owner not in self._annotators:
            self.conn.execute("INSERT OR IGNORE INTO annotators (id, name) VALUES (?, '')", [owner])
            self._annotators.add(owner)

    # ------------------------------------------------------------- lead tables
    def documents(self, rows: Iterable[tuple]) -> None:
        """``(id, title, source, published, url, language, text, position, memo, deleted)``."""
        pending = self.pending("documents")
        for doc_id, title, source, published, url, language, text, position, memo, deleted in rows:
            if doc_id in pending:
                continue
            exists = self.conn.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone()
            if deleted:
                mine = exists and self.conn.execute("SELECT 1 FROM annotations WHERE document = ? AND annotator = ? "
                                                    "LIMIT 1", [doc_id, self.member]).fetchone()
                if mine:
                    self.arrivals.kept_documents.append(title)  # removed by a lead, but the member's work is on it
                elif exists:
                    self.conn.execute("DELETE FROM documents WHERE id = ?", [doc_id])
                    self._count("documents")
                continue
            values = [title, source, published, url, _language(language), position, memo]
            if exists:
                if not self.conn.execute(
                        "UPDATE documents SET title = ?, source = ?, published = ?, url = ?, language = ?, position = ?, "
                        "memo = ? WHERE id = ? AND (title, source, published, url, language, position, memo) "
                        "IS NOT (?, ?, ?, ?, ?, ?, ?)", [*values, doc_id, *values]).rowcount:
                    continue
            else:
                self.conn.execute("INSERT INTO documents (title, source, published, url, language, position, memo, id, "
                                  "length, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                  [*values, doc_id, len(text), now()])
                self.conn.execute("INSERT INTO document_texts (id, text) VALUES (?, ?)", [doc_id, text])
            self._count("documents")

    def labels(self, rows: Iterable[tuple]) -> None:
        """``(id, name, color, shortcut, description, position, parent, codable, memo, deleted, attributes)``: matched
        by id, else adopted by name. Parents are set once every label of the pull is in (a child may come before its
        parent); declared attributes replace the label's."""
        pending = self.pending("labels")
        placed, gone = [], []
        for label_id, name, color, shortcut, description, position, parent, codable, memo, deleted, declared in rows:
            if label_id in pending:
                continue
            if deleted:
                gone.append(label_id)
            elif self._label(label_id, name, color, shortcut, description, position, codable, memo):
                placed.append((label_id, parent))
                self._declare(label_id, _declarations(declared))
        for label_id, parent in placed:
            self._place(label_id, parent)
        for label_id in gone:
            mine = self.conn.execute("SELECT name FROM labels WHERE uuid = ?", [label_id]).fetchone()
            if mine and not self.conn.execute(
                    "SELECT 1 FROM annotations WHERE label = ? UNION ALL SELECT 1 FROM labels WHERE parent = ? LIMIT 1",
                    [mine[0], mine[0]]).fetchone():
                self.conn.execute("DELETE FROM labels WHERE uuid = ?", [label_id])
                self._count("labels")

    def _label(self, label_id, name, color, shortcut, description, position, codable, memo) -> bool:
        """Insert or update one pulled label (not its parent); False when it cannot be (a name taken here)."""
        mine = self.conn.execute("SELECT name FROM labels WHERE uuid = ?", [label_id]).fetchone()
        if not mine and self.conn.execute("SELECT 1 FROM labels WHERE name = ?", [name]).fetchone():
            self.conn.execute("UPDATE labels SET uuid = ? WHERE name = ?", [label_id, name])
            mine = (name,)
        if mine and mine[0] != name and self.conn.execute("SELECT 1 FROM labels WHERE name = ?", [name]).fetchone():
            return False  # renamed to a name this project uses for another label: kept apart
        if shortcut and self.conn.execute("SELECT 1 FROM labels WHERE shortcut = ? AND name != ?",
                                          [shortcut, mine[0] if mine else name]).fetchone():
            shortcut = ""  # the key is another label's here
        values = [name, color, shortcut, description, position, int(codable), memo]
        if not mine:
            self.conn.execute("INSERT INTO labels (name, color, shortcut, description, position, codable, memo, uuid) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [*values, label_id])
            self._count("labels")
        elif self.conn.execute("UPDATE labels SET name = ?, color = ?, shortcut = ?, description = ?, position = ?, "
                               "codable = ?, memo = ? WHERE uuid = ? AND (name, color, shortcut, description, position, "
                               "codable, memo) IS NOT (?, ?, ?, ?, ?, ?, ?)", [*values, label_id, *values]).rowcount:
            self._count("labels")
        return True

    def _declare(self, label_id: str, declared: list[tuple[str, str, str]]) -> None:
        """Make ``declared`` the attributes of the pulled label ``label_id`` declares, unless it already does."""
        (name,) = self.conn.execute("SELECT name FROM labels WHERE uuid = ?", [label_id]).fetchone()
        now_declared = self.conn.execute("SELECT name, type, choices FROM label_attributes WHERE label = ? "
                                         "ORDER BY position, name", [name]).fetchall()
        if [tuple(r) for r in now_declared] == declared:
            return
        self.conn.execute("DELETE FROM label_attributes WHERE label = ?", [name])
        self.conn.executemany("INSERT INTO label_attributes (label, name, type, choices, position) "
                              "VALUES (?, ?, ?, ?, ?)", [(name, *d, i) for i, d in enumerate(declared)])
        self._count("labels")

    def _place(self, label_id: str, parent: str | None) -> None:
        """Put a pulled label under ``parent`` (at the top when this project has no such label, or when it would
        sit under itself: a tree written by another client may be broken)."""
        (name,) = self.conn.execute("SELECT name FROM labels WHERE uuid = ?", [label_id]).fetchone()
        up, seen = parent, {name}
        while up is not None:
            if up in seen:
                parent = None
                break
            seen.add(up)
            row = self.conn.execute("SELECT parent FROM labels WHERE name = ?", [up]).fetchone()
            if row is None:
                parent = None
                break
            up = row[0]
        if self.conn.execute("UPDATE labels SET parent = ? WHERE uuid = ? AND parent IS NOT ?",
                             [parent, label_id, parent]).rowcount:
            self._count("labels")

    def blind(self, rows: Iterable[tuple]) -> None:
        """``(document, blind, deleted)``; a document no longer blind is read again from the start."""
        for document, blind, deleted in rows:
            if not self.conn.execute(
                    "INSERT INTO team_blind (document, blind, deleted) VALUES (?, ?, ?) ON CONFLICT (document) DO UPDATE "
                    "SET blind = excluded.blind, deleted = excluded.deleted "
                    "WHERE (blind, deleted) IS NOT (excluded.blind, excluded.deleted)",
                    [document, int(blind), int(deleted)]).rowcount:
                continue
            if deleted or not blind:
                self.arrivals.refetch.add(document)
            self._count("blind")

    def done(self, rows: Iterable[tuple]) -> None:
        """``(id, document, owner, deleted)``; the member's own mark makes colleagues' rows on it visible."""
        pending = self.pending("done")
        for row_id, document, owner, deleted in rows:
            if row_id in pending:
                continue
            if owner == self.member and not deleted:  # marked here, now on the server: its rows are readable
                self.arrivals.refetch.add(document)
            if not self.conn.execute("INSERT INTO team_done (id, document, owner, deleted) VALUES (?, ?, ?, ?) "
                                     "ON CONFLICT (id) DO UPDATE SET deleted = excluded.deleted "
                                     "WHERE deleted IS NOT excluded.deleted",
                                     [row_id, document, owner, int(deleted)]).rowcount:
                continue
            self._count("done")

    # ------------------------------------------------------------- own tables
    def annotations(self, rows: Iterable[tuple]) -> None:
        """``(id, document, label, start, end, quote, note, origin, created, modified, owner, deleted, attributes)``."""
        it = iter(rows)
        with contextlib.ExitStack() as stack:
            bulk = False
            while batch := list(islice(it, BATCH)):
                self._annotation_batch(batch)
                if not bulk and self._worth_bulk():
                    stack.enter_context(self.store.bulk_annotation_load())
                    bulk = True

    def _worth_bulk(self) -> bool:
        """True once this pull inserted :data:`BULK_AFTER` annotations, and a quarter as many as the project held."""
        if self._inserted < BULK_AFTER:
            return False
        total = self.conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0]
        return self._inserted * 4 >= total - self._inserted

    def _annotation_batch(self, batch: list[tuple]) -> None:
        pending = self.pending("annotations")
        batch = [r for r in batch if r[0] not in pending]
        ids = [r[0] for r in batch]
        known = {r[0]: r[1:] for r in self._existing(
            'SELECT id, document, label, start, "end", quote, note, origin, created, modified, annotator '
            "FROM annotations WHERE id IN ({})", ids)}
        docs = {r[0] for r in self._existing("SELECT id FROM documents WHERE id IN ({})",
                                             list({r[1] for r in batch}))}
        labels = {r[0] for r in self.conn.execute("SELECT name FROM labels")}
        texts = self._texts
        for doc in docs - texts.keys():
            texts[doc] = self.conn.execute("SELECT text FROM document_texts WHERE id = ?", [doc]).fetchone()[0]
        current = self.store.attributes_for(known)
        inserts, updates, deletes, attribute_writes = [], [], [], []
        for row in batch:
            ann_id, document, label, owner, deleted = row[0], row[1], row[2], row[10], row[11]
            if deleted:
                if ann_id in known:
                    deletes.append((ann_id,))
                    self.arrivals.removed[known[ann_id][0]].append(ann_id)
                continue
            if document not in docs:
                continue  # a document this project does not have (deleted here, or not pulled)
            start, end, quote = row[3], row[4], row[5]
            if not (0 <= start < end <= len(texts[document]) and texts[document][start:end] == quote):
                self.arrivals.mismatched += 1  # written by another client with a quote its text does not have
                continue
            self._ensure_label(label, labels)
            self._annotator(owner)
            values, attributes = (*row[1:10], owner), _attributes(row[12])
            if known.get(ann_id) == values and current.get(ann_id, {}) == attributes:
                continue  # as here already (the member's own push coming back)
            if current.get(ann_id, {}) != attributes:
                attribute_writes.append((ann_id, attributes))
            if ann_id in known:
                updates.append((*values, ann_id))
                self.arrivals.changed[document].append(ann_id)
            else:
                inserts.append((ann_id, *values))
                self.arrivals.added[document].append(ann_id)
            self.arrivals.by_owner[owner] += 1
        self.conn.executemany("DELETE FROM annotations WHERE id = ?", deletes)
        self.conn.executemany(
            'UPDATE annotations SET document = ?, label = ?, start = ?, "end" = ?, quote = ?, note = ?, origin = ?, '
            "created = ?, modified = ?, annotator = ? WHERE id = ?", updates)
        self.conn.executemany(
            'INSERT INTO annotations (id, document, label, start, "end", quote, note, origin, created, modified, '
            "annotator) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", inserts)
        self._inserted += len(inserts)
        self._write_attributes(attribute_writes)
        self._count("annotations", len(inserts) + len(updates) + len(deletes))

    def _ensure_label(self, label: str, labels: set[str]) -> None:
        """A label a pulled annotation uses and this project lacks is made (in a colour of its own)."""
        if label not in labels:
            colors = [r[0] for r in self.conn.execute("SELECT color FROM labels")]
            self.conn.execute("INSERT INTO labels (name, color) VALUES (?, ?)", [label, next_label_color(colors)])
            labels.add(label)

    def _write_attributes(self, writes: list[tuple[str, dict[str, str]]]) -> None:
        """Replace pulled annotations' attributes (``{name: value}`` each)."""
        self.conn.executemany("DELETE FROM annotation_attributes WHERE annotation = ?", [(a,) for a, _ in writes])
        self.conn.executemany("INSERT INTO annotation_attributes (annotation, key, value) VALUES (?, ?, ?)",
                              [(a, k, str(v)) for a, values in writes for k, v in values.items()])

    def links(self, rows: Iterable[tuple]) -> None:
        """``(id, document, type, source, target, note, created, owner, deleted)``."""
        pending = self.pending("links")
        for link_id, _doc, type_, source, target, note, created, owner, deleted in rows:
            if link_id in pending:
                continue
            if deleted:
                if self.conn.execute("DELETE FROM links WHERE id = ?", [link_id]).rowcount:
                    self._count("links")
                continue
            ends = self._existing("SELECT id FROM annotations WHERE id IN ({})", [source, target])
            if len({r[0] for r in ends}) < len({source, target}):
                continue  # an end this project does not have
            self._annotator(owner)
            if self.conn.execute("INSERT INTO links (id, type, source, target, annotator, note, created) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET type = excluded.type, "
                                 "note = excluded.note WHERE (type, note) IS NOT (excluded.type, excluded.note)",
                                 [link_id, type_, source, target, owner, note, created]).rowcount:
                self._count("links")

    def reviews(self, rows: Iterable[tuple]) -> None:
        """``(id, annotation, document, status, note, at, owner, deleted, xid, seq)``: the latest decision on an
        annotation, in the server's order, is written on it; with none left it is pending again."""
        touched: set[str] = set()
        for row in rows:
            self.conn.execute(
                "INSERT INTO team_reviews (id, annotation, document, status, note, at, owner, deleted, xid, seq) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status, "
                "note = excluded.note, at = excluded.at, deleted = excluded.deleted, xid = excluded.xid, "
                "seq = excluded.seq", [*row[:7], int(row[7]), int(row[8]), int(row[9])])
            touched.add(row[1])
        pending = self.pending("annotations")
        for ann_id in touched - pending:
            self._decide(ann_id)

    def _decide(self, ann_id: str) -> None:
        latest = self.conn.execute("SELECT status, owner, at, note FROM team_reviews WHERE annotation = ? "
                                   "AND NOT deleted ORDER BY xid DESC, seq DESC LIMIT 1", [ann_id]).fetchone()
        status, reviewer, at, note = latest or ("pending", "", "", "")
        if reviewer:
            self._annotator(reviewer)
        row = self.conn.execute("SELECT document FROM annotations WHERE id = ?", [ann_id]).fetchone()
        if row and self.conn.execute(
                "UPDATE annotations SET status = ?, reviewer = ?, reviewed = ?, review_note = ? WHERE id = ? "
                "AND NOT (status = ? AND reviewer = ? AND reviewed = ? AND review_note = ?)",
                [status, reviewer, at, note, ann_id, status, reviewer, at, note]).rowcount:
            self.arrivals.changed[row[0]].append(ann_id)
            self._count("reviews")

    # ------------------------------------------------------------------ helpers
    def _existing(self, sql: str, ids: list[str]) -> list[tuple]:
        out: list[tuple] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.extend(self.conn.execute(sql.format(", ".join("?" * len(chunk))), chunk).fetchall())
        return out

    def _count(self, table: str, n: int = 1) -> None:
        if not n:
            return
        self.arrivals.counts[table] += n
        if table == "documents":
            self.arrivals.documents_changed = True
        elif table == "labels":
            self.arrivals.labels_changed = True
        elif table == "links":
            self.arrivals.links_changed = True

    def finish(self, horizon: int) -> Arrivals:
        """Store the server's horizon with the rows (same transaction): the next pull starts there."""
        self.conn.execute("INSERT INTO meta (key, value) VALUES ('team.horizon', ?) ON CONFLICT (key) DO UPDATE "
                          "SET value = excluded.value", [str(horizon)])
        return self.arrivals
