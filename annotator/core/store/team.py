"""The local side of team sync: what waits to be pushed, and applying what a pull brought (docs/team.md).

A project joined to a team (``annotator team join``) records its server in ``meta`` (``team.url`` without any
password, ``team.member``, ``team.database``, ``team.horizon``, ``team.synced``). From then on the triggers of
migration ``0008_team`` record every insert, update and delete of documents, labels, annotations and links in
``team_outbox``; a push reads the rows named there (:meth:`TeamMixin.outgoing`) and, once the server committed
them, forgets exactly the entries it read (:meth:`TeamMixin.forget_pushed`: an entry changed meanwhile stays).

A pull applies colleagues' rows in one local transaction (:meth:`TeamMixin.applying`) with ``team.applying`` set,
so the triggers do not record them, and stores the server's horizon with them: a pull interrupted at any moment
leaves the project as it was before it. A row that waits in the outbox is not overwritten by a pulled version:
the push that follows commits it on the server after that version, so it wins there too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from annotator.core.store.base import StoreBase
from annotator.core.store.team_pull import Arrivals, PullApplier  # noqa: F401 (Arrivals re-exported)
from annotator.core.timeutil import now

#: A review decision's id on the server: one row per (annotation, reviewer), the same on every machine.
REVIEW_NAMESPACE = uuid.UUID("5d7f7c8e-3f4a-4b43-9a39-0c3b2f6d1a11")
#: The local tables the outbox follows, in the order a push sends them (referenced rows first).
FOLLOWED = ("documents", "labels", "annotations", "links", "done")
_ANN_PUSH = 'a.id, a.document, a.label, a.start, a."end", a.quote, a.note, a.origin, a.created, a.modified'


def review_id(annotation: str, reviewer: str) -> str:
    return _uuid5(f"review:{annotation}:{reviewer}")


def done_id(document: str, member: str) -> str:
    return _uuid5(f"done:{document}:{member}")


def _uuid5(name: str) -> str:
    """``str(uuid.uuid5(REVIEW_NAMESPACE, name))`` without building UUID objects: a push names one review per
    annotation it sends (a decision, or its withdrawal), and the objects cost ten times the hash."""
    digest = bytearray(hashlib.sha1(REVIEW_NAMESPACE.bytes + name.encode("utf-8")).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = digest.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


@dataclass(frozen=True)
class TeamLink:
    """The team server a project is joined to (no password: credentials stay with libpq)."""

    url: str
    member: str
    database: str
    horizon: int  # the last pull's horizon (0: never pulled)
    synced: str  # when the last sync finished (UTC ISO 8601), '' if never
    lead: bool


@dataclass
class Outgoing:
    """The rows a push sends, read from the outbox in one snapshot; ``entries`` are what it may then forget."""

    entries: list[tuple[str, str, int]] = field(default_factory=list)
    documents: list[tuple] = field(default_factory=list)  # id, title, … text, position, memo
    labels: list[tuple] = field(default_factory=list)  # uuid, name, … parent, codable, memo
    annotations: list[tuple] = field(default_factory=list)  # id, document, label, start, end, quote, note, ...
    reviews: list[tuple] = field(default_factory=list)  # id, annotation, document, status, note, at
    links: list[tuple] = field(default_factory=list)  # id, document, type, source, target, note, created
    done: list[tuple] = field(default_factory=list)  # id, document, deleted
    gone: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # table -> ids deleted locally
    withdrawn: list[str] = field(default_factory=list)  # review ids of decisions the member took back
    others: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # colleague -> their ids

    def __len__(self) -> int:
        return len(self.entries)


class TeamMixin(StoreBase):
    # ------------------------------------------------------------------ joining
    def team(self) -> TeamLink | None:
        """The team server this project is joined to, or None."""
        rows = dict(self._read("SELECT key, value FROM meta WHERE key LIKE 'team.%'"))
        if "team.member" not in rows:
            return None
        return TeamLink(rows.get("team.url", ""), rows["team.member"], rows.get("team.database", ""),
                        int(rows.get("team.horizon", "0")), rows.get("team.synced", ""),
                        rows.get("team.lead", "0") == "1")

    def join_team(self, url: str, member: str, database: str) -> dict[str, int]:
        """Record the team server and queue the member's own rows (all documents and labels too: a lead's push
        sends them); returns, per colleague, how many of their annotations stay local."""
        with self.transaction():
            conn = self.db.conn
            for key, value in (("url", url), ("member", member), ("database", database), ("horizon", "0"),
                               ("synced", ""), ("lead", "0")):
                conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                             "SET value = excluded.value", [f"team.{key}", value])
            self.ensure_annotator(member)
            conn.execute("INSERT OR IGNORE INTO team_outbox (tbl, id) SELECT 'documents', id FROM documents")
            conn.execute("INSERT OR IGNORE INTO team_outbox (tbl, id) SELECT 'labels', uuid FROM labels")
            conn.execute("INSERT OR IGNORE INTO team_outbox (tbl, id) SELECT 'annotations', id FROM annotations "
                         "WHERE annotator = ? OR reviewer = ?", [member, member])
            conn.execute("INSERT OR IGNORE INTO team_outbox (tbl, id) SELECT 'links', id FROM links "
                         "WHERE annotator = ?", [member])
        return dict(self._read("SELECT annotator, COUNT(*) FROM annotations WHERE annotator != ? "
                               "GROUP BY annotator ORDER BY annotator", [member]))

    def leave_team(self) -> None:
        """Forget the team server (the local rows stay; nothing more is recorded for a push)."""
        with self.transaction():
            self.db.conn.execute("DELETE FROM meta WHERE key LIKE 'team.%'")
            for table in ("team_outbox", "team_reviews", "team_done", "team_blind"):
                self.db.conn.execute(f"DELETE FROM {table}")

    def set_team_state(self, **values: str) -> None:
        """Store ``team.KEY`` values (the horizon, when the last sync ended, whether the member is a lead)."""
        with self.transaction():
            for key, value in values.items():
                self.db.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                                     "SET value = excluded.value", [f"team.{key}", str(value)])

    # ------------------------------------------------------------------ pushing
    def waiting_edits(self) -> int:
        """How many rows wait to be pushed."""
        return self._read("SELECT COUNT(*) FROM team_outbox")[0][0]

    def mark_done(self, document: str, member: str, done: bool = True) -> None:
        """The member has finished ``document`` (blind coding): recorded locally, pushed by the next sync."""
        row_id = done_id(document, member)
        with self.transaction():
            self.db.conn.execute(
                "INSERT INTO team_done (id, document, owner, deleted) VALUES (?, ?, ?, ?) ON CONFLICT (id) "
                "DO UPDATE SET deleted = excluded.deleted", [row_id, document, member, int(not done)])
            self.db.conn.execute("INSERT INTO team_outbox (tbl, id) VALUES ('done', ?) ON CONFLICT (tbl, id) "
                                 "DO UPDATE SET n = n + 1", [row_id])

    def done_documents(self, member: str | None = None) -> dict[str, set[str]]:
        """Per document, the members who marked it done (as last pulled or marked here)."""
        out: dict[str, set[str]] = defaultdict(set)
        for doc, owner in self._read("SELECT document, owner FROM team_done WHERE NOT deleted"):
            if member is None or owner == member:
                out[doc].add(owner)
        return out

    def blind_documents(self) -> dict[str, bool]:
        """Blind settings as last pulled: document id ('' for the whole project) -> blind."""
        return {doc: bool(b) for doc, b in self._read("SELECT document, blind FROM team_blind WHERE NOT deleted")}

    def outgoing(self, member: str, limit: int | None = None,
                 progress: Callable[[int, int | None], None] | None = None) -> Outgoing:
        """The rows waiting in the outbox (at most ``limit`` entries), read in one snapshot; ``progress(done,
        total)`` is told the entries read."""
        out = Outgoing()
        with self._snapshot():
            sql = "SELECT tbl, id, n FROM team_outbox ORDER BY tbl, id" + (f" LIMIT {int(limit)}" if limit else "")
            out.entries = [tuple(r) for r in self._read(sql)]
            by_table: dict[str, list[str]] = defaultdict(list)
            for tbl, row_id, _ in out.entries:
                by_table[tbl].append(row_id)
            done = 0
            for tbl, ids in by_table.items():
                for chunk in _chunks(ids):
                    getattr(self, f"_outgoing_{tbl}")(out, chunk, member)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, len(out.entries))
        return out

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[None]:
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            yield
        finally:
            conn.execute("COMMIT")

    def _found(self, out: Outgoing, table: str, ids: list[str], rows: list[tuple], key: int = 0) -> None:
        present = {r[key] for r in rows}
        out.gone[table].extend(i for i in ids if i not in present)

    def _outgoing_documents(self, out: Outgoing, ids: list[str], member: str) -> None:
        rows = self._read("SELECT d.id, d.title, d.source, d.published, d.url, d.language, t.text, d.position, "
                          f"d.memo FROM documents d JOIN document_texts t ON t.id = d.id WHERE d.id IN ({_marks(ids)})", ids)
        out.documents.extend(rows)
        self._found(out, "documents", ids, rows)

    def _outgoing_labels(self, out: Outgoing, ids: list[str], member: str) -> None:
        rows = self._read("SELECT uuid, name, color, shortcut, description, position, parent, codable, memo "
                          f"FROM labels WHERE uuid IN ({_marks(ids)})", ids)
        declared: dict[str, list[dict]] = defaultdict(list)
        for d in self.label_attributes():
            declared[d.label].append({"name": d.name, "type": d.type, "choices": list(d.choices)})
        out.labels.extend((*r[:7], bool(r[7]), r[8], _json(declared.get(r[1], []))) for r in rows)
        self._found(out, "labels", ids, rows)

    def _outgoing_annotations(self, out: Outgoing, ids: list[str], member: str) -> None:
        rows = self._read(f"SELECT {_ANN_PUSH}, a.annotator, a.status, a.reviewer, a.reviewed, a.review_note, "
                          "r.id IS NOT NULL FROM annotations a LEFT JOIN team_reviews r ON r.annotation = a.id "
                          f"AND r.owner = ? AND NOT r.deleted WHERE a.id IN ({_marks(ids)})", [member, *ids])
        self._found(out, "annotations", ids, rows)
        attributes = self.attributes_for(r[0] for r in rows if r[10] == member)
        for row in rows:
            ann_id, document = row[0], row[1]
            annotator, status, reviewer, reviewed, note, decided_before = row[10:]
            if annotator == member:
                out.annotations.append((*row[:10], _json(attributes.get(ann_id, {}))))
            if reviewer == member and status != "pending":
                out.reviews.append((review_id(ann_id, member), ann_id, document, status, note, reviewed or now()))
                continue
            if decided_before:  # the member's decision on the server, taken back here
                out.withdrawn.append(review_id(ann_id, member))
            if annotator != member:
                out.others[annotator].append(ann_id)

    def _outgoing_links(self, out: Outgoing, ids: list[str], member: str) -> None:
        rows = self._read("SELECT k.id, a.document, k.type, k.source, k.target, k.note, k.created, k.annotator "
                          f"FROM links k JOIN annotations a ON a.id = k.source WHERE k.id IN ({_marks(ids)})", ids)
        self._found(out, "links", ids, rows)
        for row in rows:
            if row[7] == member:
                out.links.append(row[:7])
            else:
                out.others[row[7]].append(row[0])

    def _outgoing_done(self, out: Outgoing, ids: list[str], member: str) -> None:
        rows = self._read(f"SELECT id, document, deleted FROM team_done WHERE id IN ({_marks(ids)}) AND owner = ?",
                          [*ids, member])
        out.done.extend((r[0], r[1], bool(r[2])) for r in rows)

    def assign_uuids(self, member: str) -> int:
        """Give the member's waiting annotations and links whose ids are not UUIDs (made by an older tool or an
        import) a UUID derived from the old id, as the server requires; links follow their annotations."""
        bad = {t: [i for (i,) in self._read("SELECT id FROM team_outbox WHERE tbl = ?", [t]) if not is_uuid(i)]
               for t in ("annotations", "links")}
        if not bad["annotations"] and not bad["links"]:
            return 0
        with self.transaction():
            conn = self.db.conn
            conn.execute("PRAGMA defer_foreign_keys = ON")
            for table in ("annotations", "links"):
                for old in bad[table]:
                    new = str(uuid.uuid5(REVIEW_NAMESPACE, f"{table}:{old}"))
                    if not conn.execute(f"UPDATE {table} SET id = ? WHERE id = ? AND annotator = ?",
                                        [new, old, member]).rowcount:
                        continue
                    if table == "annotations":
                        conn.execute("UPDATE links SET source = ? WHERE source = ?", [new, old])
                        conn.execute("UPDATE links SET target = ? WHERE target = ?", [new, old])
                    conn.execute("DELETE FROM team_outbox WHERE tbl = ? AND id = ?", [table, old])
        return sum(len(v) for v in bad.values())

    def remember_reviews(self, member: str, pushed: list[tuple], withdrawn: list[str]) -> None:
        """Record the decisions a push sent (and took back) as the server now holds them, so that the next push
        knows which decisions of the member's there are to take back; the pull that follows brings their order."""
        with self.transaction():
            self.db.conn.executemany(
                "INSERT INTO team_reviews (id, annotation, document, owner, status, note, at, deleted, xid, seq) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0) ON CONFLICT (id) DO UPDATE SET status = excluded.status, "
                "note = excluded.note, at = excluded.at, deleted = 0",
                [(r[0], r[1], r[2], member, r[3], r[4], r[5]) for r in pushed])
            self.db.conn.executemany("UPDATE team_reviews SET deleted = 1 WHERE id = ?", [(i,) for i in withdrawn])

    def forget_pushed(self, entries: Iterable[tuple[str, str, int]]) -> None:
        """Forget outbox entries the server committed (or that will never be pushed), unless changed since read."""
        with self.transaction():
            self.db.conn.executemany("DELETE FROM team_outbox WHERE tbl = ? AND id = ? AND n = ?", list(entries))

    def adopt_label_ids(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Give local labels the server's ids: ``(name, server uuid)`` pairs (the same label made apart)."""
        with self._applying():
            for name, server_id in pairs:
                self.db.conn.execute("DELETE FROM team_outbox WHERE tbl = 'labels' AND id = "
                                     "(SELECT uuid FROM labels WHERE name = ?)", [name])
                self.db.conn.execute("UPDATE labels SET uuid = ? WHERE name = ?", [server_id, name])
                self.db.conn.execute("INSERT INTO team_outbox (tbl, id) VALUES ('labels', ?) "
                                     "ON CONFLICT (tbl, id) DO UPDATE SET n = n + 1", [server_id])

    # ------------------------------------------------------------------ pulling
    @contextlib.contextmanager
    def _applying(self) -> Iterator[None]:
        """One transaction in which the outbox triggers are off (rows written are the server's, not edits)."""
        with self.transaction():
            self.db.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('team.applying', '1')")
            yield
            self.db.conn.execute("DELETE FROM meta WHERE key = 'team.applying'")

    @contextlib.contextmanager
    def applying(self, member: str) -> Iterator[PullApplier]:
        """Apply a pull: one local transaction; :meth:`PullApplier.finish` stores the horizon with the rows."""
        with self._applying():
            yield PullApplier(self, member)


def _json(value) -> str:
    """Attributes as the server's jsonb columns take them (and give them back: keys in order)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def is_uuid(value: str) -> bool:
    """A UUID in the canonical form the server writes (lower-case hex, dashes at 8-4-4-4-12)."""
    return (len(value) == 36 and value[8] == value[13] == value[18] == value[23] == "-"
            and set(value.replace("-", "")) <= _HEX)


_HEX = frozenset("0123456789abcdef")


def _marks(ids: list) -> str:
    return ", ".join("?" * len(ids))


def _chunks(ids: list[str], size: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(ids), size):
        yield ids[i:i + size]

