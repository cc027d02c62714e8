"""Syncing a local project with the team server: push the member's own changes, pull colleagues' (docs/team.md).

* **Push** (:func:`push`): the rows waiting in the project's outbox, in one server transaction. A member pushes
  their own annotations, links, review decisions (as their own ``reviews`` rows) and documents marked done; a
  lead also documents and labels. Rows that are not the member's stay local and are said so; rows that need a
  document or label the server does not have yet wait for it. Only after the server committed does the project
  forget the entries it sent (an edit made meanwhile is sent next time). A push cut short at any moment is sent
  again whole: rows are written by id with ``INSERT … ON CONFLICT (id) DO UPDATE``, and an unchanged row is not
  written again, so a replay changes nothing.
* **Pull** (:func:`pull`): the rows written since the last pull's horizon (:mod:`.changes`), applied in one local
  transaction with the new horizon (:mod:`annotator.core.store.team`).
* **Sync** (:func:`sync`): pull, then push. **Join** (:func:`join`): record the server in the project, then sync.
* **Progress** (:class:`SyncProgress`): a sync tells ``stage(what)`` when it begins pulling, reading the outbox or
  pushing, and ``report(done, total)`` with the rows of that stage (rows pulled, with no total: counting them
  first would cost the server as much as half of reading them, row-level security being checked on each; outbox
  entries read; rows sent of those to send, :data:`PUSH_BATCH` to a statement). Either may
  raise (Ctrl+C, a cancel) at any moment: the pull's local transaction or the push's server transaction rolls back,
  and what a push had committed before the project forgot it is sent again, idempotently, by the next sync.

Same member on two machines: each push writes whole rows; the version the server committed last wins and both
machines converge on it by pulling. A local edit waiting in the outbox is never overwritten by a pull: the push
that follows commits it after the pulled version.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from annotator.core.errors import InputError, TeamError
from annotator.core.store.team import Arrivals, Outgoing, is_uuid
from annotator.core.team.connect import refusal
from annotator.core.team.schema import require_schema
from annotator.core.timeutil import now

#: Columns a pull reads, per table, in the order :class:`~annotator.core.store.team_pull.PullApplier` takes them.
PULLED = {
    "documents": ("id", "title", "source", "published", "url", "language", "text", "position", "memo", "deleted"),
    "labels": ("id::text", "name", "color", "shortcut", "description", "position", "parent", "codable", "memo",
               "deleted", "attributes::text"),
    "blind": ("document", "blind", "deleted"),
    "done": ("id::text", "document", "owner::text", "deleted"),
    "annotations": ("id::text", "document", "label", "start", '"end"', "quote", "note", "origin", "created",
                    "modified", "owner::text", "deleted", "attributes::text"),
    "links": ("id::text", "document", "type", "source::text", "target::text", "note", "created", "owner::text",
              "deleted"),
    "reviews": ("id::text", "annotation::text", "document", "status", "note", "at", "owner::text", "deleted",
                "xid::text::bigint", "seq"),
}
#: Column types for COPY, matching :data:`PULLED`.
_TYPES = {"deleted": "bool", "blind": "bool", "codable": "bool", "position": "int4", "start": "int4", '"end"': "int4",
          "xid::text::bigint": "int8", "seq": "int8"}
#: Rows a push writes to the server in one statement (between two reports of its progress).
PUSH_BATCH = 10_000
#: Rows a pull reads between two reports of its progress.
PULL_EVERY = 1_000
#: The stages a sync tells :attr:`SyncProgress.stage`.
PULLING, READING, PUSHING = "Pulling colleagues' rows", "Reading your edits", "Pushing your edits"

#: Columns a push writes, per table (the local row's order in :class:`~annotator.core.store.team.Outgoing`).
PUSHED = {
    "documents": ("id", "title", "source", "published", "url", "language", "text", "position", "memo"),
    "labels": ("id", "name", "color", "shortcut", "description", "position", "parent", "codable", "memo",
               "attributes"),
    "annotations": ("id", "document", "label", "start", "end", "quote", "note", "origin", "created", "modified",
                    "attributes"),
    "reviews": ("id", "annotation", "document", "status", "note", "at"),
    "links": ("id", "document", "type", "source", "target", "note", "created"),
    "done": ("id", "document", "deleted"),
}


@dataclass
class SyncProgress:
    """Where a sync is: ``stage(what)`` when a stage begins (:data:`PULLING`, :data:`READING`, :data:`PUSHING`),
    ``report(done, total)`` with its rows; both optional, both may raise to stop the sync."""

    report: Callable[[int, int | None], None] | None = None
    stage: Callable[[str], None] | None = None
    done: int = 0
    total: int | None = 0

    def begin(self, what: str, total: int | None) -> None:
        """A stage of ``total`` rows begins (None: not known; told from the first rows on)."""
        self.done, self.total = 0, total
        if total == 0:  # nothing to do in this stage: nothing to show
            return
        if self.stage is not None:
            self.stage(what)
        if total is not None:
            self.tell()

    def add(self, n: int) -> None:
        if n:
            self.done += n
            self.tell()

    def tell(self) -> None:
        if self.report is not None:
            self.report(self.done, self.total)

    def counted(self, rows: Iterable[tuple]) -> Iterator[tuple]:
        """``rows``, told every :data:`PULL_EVERY` rows (and at their end)."""
        n = 0
        for n, row in enumerate(rows, start=1):
            yield row
            if n % PULL_EVERY == 0:
                self.add(PULL_EVERY)
        if n % PULL_EVERY:
            self.add(n % PULL_EVERY)


@dataclass
class SyncResult:
    """What one sync did: rows pushed and pulled, what stayed local and why, and what still waits."""

    pushed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    arrivals: Arrivals = field(default_factory=Arrivals)
    stayed_local: list[str] = field(default_factory=list)
    waiting: int = 0
    lead: bool = False

    def lines(self) -> list[str]:
        pushed = _counted(self.pushed)
        pulled = _counted(self.arrivals.counts)
        out = [f"pushed {pushed or 'nothing'}; pulled {pulled or 'nothing'}."]
        if self.arrivals.mismatched:
            out.append(f"{self.arrivals.mismatched} annotation{'s' if self.arrivals.mismatched != 1 else ''} from "
                       "the server left out: their quote is not their document's text at their offsets (written by "
                       "another client).")
        for title in self.arrivals.kept_documents:
            out.append(f"{title}: a lead removed it from the team; it stays in this project, with your annotations.")
        out += self.stayed_local
        if self.waiting:
            out.append(f"{self.waiting} edit{'s' if self.waiting != 1 else ''} still waiting (see above).")
        return out


def _counted(counts: dict[str, int]) -> str:
    names = {"documents": ("document", "documents"), "labels": ("label", "labels"),
             "annotations": ("annotation", "annotations"), "links": ("link", "links"),
             "reviews": ("review decision", "review decisions"), "done": ("document marked done",
                                                                           "documents marked done"),
             "blind": ("blind setting", "blind settings")}
    return ", ".join(f"{n} {names[t][n != 1]}" for t, n in counts.items() if n and t in names)


def stored_url(url: str) -> str:
    """``url`` as the project records it: never with a password (credentials stay with libpq)."""
    if "://" not in url:
        parts = [p for p in url.split() if not p.startswith("password=")]
        return " ".join(parts)
    split = urlsplit(url)
    if split.password is None:
        return url
    host = split.hostname or ""
    netloc = (split.username or "") + "@" + (f"[{host}]" if ":" in host else host)
    netloc += f":{split.port}" if split.port else ""
    return urlunsplit((split.scheme, netloc, split.path, split.query, split.fragment))


# --------------------------------------------------------------------- join
def join(store, conn: psycopg.Connection, url: str, progress: SyncProgress | None = None) -> SyncResult:
    """Join ``store`` to the team server of ``conn`` and run the first sync (its progress told to ``progress``)."""
    require_schema(conn)
    member, database = conn.info.user, conn.info.dbname
    link = store.team()
    if link is not None and (link.member, link.database) != (member, database):
        raise InputError(f"{store.path.name} is already joined to database {link.database} as {link.member}; "
                         "a project syncs with one team.")
    others = store.join_team(stored_url(url), member, database) if link is None else {}
    result = sync(store, conn, progress)
    for who, n in others.items():
        result.stayed_local.insert(0, f"{n} annotation{'s' if n != 1 else ''} by {who} stayed local: they are "
                                      f"{who}'s to publish (the team sees what {who} pushes).")
    return result


# --------------------------------------------------------------------- sync
def sync(store, conn: psycopg.Connection, progress: SyncProgress | None = None) -> SyncResult:
    """Pull colleagues' changes, then push the member's own; one server transaction each (its stages and rows
    told to ``progress``)."""
    link = store.team()
    if link is None:
        raise InputError(f"{store.path.name} is not joined to a team: run annotator team join PROJECT URL first.")
    if conn.info.user != link.member or conn.info.dbname != link.database:
        raise InputError(f"{store.path.name} syncs with database {link.database} as {link.member}, not as "
                         f"{conn.info.user} on {conn.info.dbname}.")
    roles = require_schema(conn)
    result = SyncResult()
    progress = progress or SyncProgress()
    try:
        result.lead = bool(conn.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')",
                                        (roles.lead,)).fetchone()[0])
        result.arrivals = pull(store, conn, link.member, progress)
        push(store, conn, link.member, result, progress)
        if result.pushed.get("done"):  # a document marked done: colleagues' rows on it are now the member's to read
            result.arrivals.absorb(pull(store, conn, link.member, progress))
    except psycopg.errors.InsufficientPrivilege as exc:
        raise TeamError(f"the server refused the sync ({refusal(exc)}): {link.member} may no longer be a member "
                        "of this team; local work is untouched.") from None
    except (psycopg.errors.IntegrityError, psycopg.errors.DataError) as exc:
        raise TeamError(f"the server refused the push ({refusal(exc)}); nothing of it was written there, and "
                        "local work is untouched.") from None
    store.set_team_state(synced=now(), lead=int(result.lead))
    result.waiting = store.waiting_edits()
    return result


# --------------------------------------------------------------------- pull
def pull(store, conn: psycopg.Connection, member: str, progress: SyncProgress | None = None) -> Arrivals:
    """Apply the rows written on the server since the last pull, in one local transaction with the new horizon."""
    progress = progress or SyncProgress()
    since = store.team().horizon
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        horizon = int(str(conn.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())").fetchone()[0]))
        if horizon <= since:
            return Arrivals()
        progress.begin(PULLING, None)
        with store.applying(member) as applier:
            for table in ("documents", "labels", "blind", "done"):
                with closing(_rows(conn, table, since, horizon)) as rows:
                    getattr(applier, table)(progress.counted(rows))
            refetch = applier.arrivals.refetch
            start = 0 if "" in refetch else since
            for table in ("annotations", "links", "reviews"):
                with closing(_rows(conn, table, start, horizon, sorted(refetch))) as rows:
                    getattr(applier, table)(progress.counted(rows))
            return applier.finish(horizon)


def _where(since: int, horizon: int, refetch: list[str] | None) -> tuple[str, list]:
    """The rows of a pull: written in ``[since, horizon)``, or on a document of ``refetch``."""
    where = "xid < %s::text::xid8 AND (xid >= %s::text::xid8"
    params: list = [str(horizon), str(since)]
    if refetch:
        where += " OR document = ANY(%s)"
        params.append(refetch)
    return where + ")", params


def _rows(conn: psycopg.Connection, table: str, since: int, horizon: int,
          refetch: list[str] | None = None) -> Iterator[tuple]:
    """The current versions of ``table``'s rows written in ``[since, horizon)`` (and every row of the documents
    in ``refetch``), in the server's commit order, streamed with COPY. Close it (``closing``) when the pull stops
    early, Ctrl+C included: the COPY holds the connection's lock until then, and the rollback would wait for it."""
    columns = PULLED[table]
    where, params = _where(since, horizon, refetch)
    query = sql.SQL("COPY (SELECT {} FROM annotator.{} WHERE " + where + " ORDER BY xid, seq) TO STDOUT").format(
        sql.SQL(", ").join(sql.SQL(c) for c in columns), sql.Identifier(table))
    with conn.cursor() as cur, cur.copy(query, params) as copy:
        copy.set_types([_TYPES.get(c, "text") for c in columns])
        yield from copy.rows()


# --------------------------------------------------------------------- push
def push(store, conn: psycopg.Connection, member: str, result: SyncResult,
         progress: SyncProgress | None = None) -> None:
    """Send the outbox in one server transaction; forget what the server took (or will never take)."""
    progress = progress or SyncProgress()
    store.assign_uuids(member)
    out = _outgoing(store, member, progress)
    if not len(out):
        _seen(conn)
        return
    if out.labels:
        _adopt_labels(store, conn, out)
        out = store.outgoing(member)
    waiting: set[tuple[str, str]] = set()
    progress.begin(PUSHING, _candidates(out))
    with conn.transaction():
        docs, labels = _lead_rows(conn, out, result, waiting, progress)
        annotations = [r for r in out.annotations if r[1] in docs and r[2] in labels]
        waiting.update(("annotations", r[0]) for r in out.annotations if r[1] not in docs or r[2] not in labels)
        _upsert(conn, "annotations", annotations, result, progress)
        _tombstone(conn, "annotations", out.gone.get("annotations", []), result, progress)
        on_server = _ids(conn, "annotations", [r[1] for r in out.reviews] + [r[3] for r in out.links]
                         + [r[4] for r in out.links] + [i for ids in out.others.values() for i in ids])
        _upsert(conn, "reviews", [r for r in out.reviews if r[1] in on_server], result, progress)
        _tombstone(conn, "reviews", out.withdrawn, result, progress)
        _upsert(conn, "links", [r for r in out.links if r[3] in on_server and r[4] in on_server], result, progress)
        waiting.update(("links", r[0]) for r in out.links if r[3] not in on_server or r[4] not in on_server)
        _tombstone(conn, "links", out.gone.get("links", []), result, progress)
        _upsert(conn, "done", [r for r in out.done if r[1] in docs], result, progress)
        _seen(conn)
    progress.add(progress.total - progress.done)  # the rows not sent (not the member's, or waiting) are done with too
    _report_local(out, on_server, waiting, result)
    store.remember_reviews(member, [r for r in out.reviews if r[1] in on_server], out.withdrawn)
    store.forget_pushed(e for e in out.entries if (e[0], e[1]) not in waiting)


def _outgoing(store, member: str, progress: SyncProgress) -> Outgoing:
    """The outbox, its entries read told to ``progress`` (a big first push reads for seconds)."""
    progress.begin(READING, store.waiting_edits())
    return store.outgoing(member, progress=lambda done, total: progress.add(done - progress.done))


def _candidates(out: Outgoing) -> int:
    """The rows a push may send: every row and deletion read from the outbox."""
    return (len(out.documents) + len(out.labels) + len(out.annotations) + len(out.reviews) + len(out.links)
            + len(out.done) + sum(len(ids) for ids in out.gone.values()) + len(out.withdrawn))


def _lead_rows(conn, out: Outgoing, result: SyncResult, waiting: set,
               progress: SyncProgress) -> tuple[set[str], set[str]]:
    """Documents and labels: pushed by a lead; for a member, those the server lacks wait. Returns the documents
    and label names the server has once this push commits."""
    if result.lead:
        _upsert(conn, "documents", out.documents, result, progress)
        _upsert(conn, "labels", out.labels, result, progress)
        _tombstone(conn, "documents", out.gone.get("documents", []), result, progress)
        _tombstone(conn, "labels", out.gone.get("labels", []), result, progress)
    referenced = {r[1] for r in out.annotations} | {r[1] for r in out.done} | {r[0] for r in out.documents}
    docs = _ids(conn, "documents", sorted(referenced))
    names = {r[0] for r in conn.execute("SELECT name FROM annotator.labels WHERE NOT deleted")}
    if not result.lead:
        missing_docs = [r for r in out.documents if r[0] not in docs]
        missing_labels = [r for r in out.labels if r[1] not in names]
        waiting.update(("documents", r[0]) for r in missing_docs)
        waiting.update(("labels", r[0]) for r in missing_labels)
        if missing_docs:
            result.stayed_local.append(
                f"{len(missing_docs)} document{'s' if len(missing_docs) != 1 else ''} stayed local: only a lead adds "
                "documents to the team (your annotations on them wait until a lead adds the same text).")
        if missing_labels:
            result.stayed_local.append(
                f"label{'s' if len(missing_labels) != 1 else ''} {', '.join(r[1] for r in missing_labels)} stayed "
                "local: only a lead changes the team's label scheme (annotations with them wait).")
    return docs, names


def _adopt_labels(store, conn, out: Outgoing) -> None:
    """Local labels that the server has under the same name but another id take the server's id."""
    names = [r[1] for r in out.labels]
    server = dict(conn.execute("SELECT name, id::text FROM annotator.labels WHERE name = ANY(%s)", (names,)))
    pairs = [(r[1], server[r[1]]) for r in out.labels if r[1] in server and server[r[1]] != r[0]]
    if pairs:
        store.adopt_label_ids(pairs)


def _report_local(out: Outgoing, on_server: set[str], waiting: set, result: SyncResult) -> None:
    for who, ids in sorted(out.others.items()):
        n = len([i for i in ids if i not in on_server])  # not a colleague's row pulled here and merely reviewed
        if not n:
            continue
        result.stayed_local.append(f"{n} row{'s' if n != 1 else ''} by {who} stayed local: they are {who}'s to "
                                   f"publish (the team sees what {who} pushes).")
    held = sum(1 for t, _ in waiting if t in ("annotations", "links"))
    if held:
        result.stayed_local.append(f"{held} annotation{'s' if held != 1 else ''} or link{'s' if held != 1 else ''} "
                                   "wait for a document, label or span the team does not have yet.")


def _ids(conn, table: str, ids: list[str]) -> set[str]:
    """Those of ``ids`` the server has (not deleted)."""
    if table == "documents":
        ids, select, given = list(set(ids)), sql.SQL("id"), sql.SQL("%s")
    else:
        ids, select, given = [i for i in set(ids) if is_uuid(i)], sql.SQL("id::text"), sql.SQL("%s::uuid[]")
    if not ids:
        return set()
    rows = conn.execute(sql.SQL("SELECT {} FROM annotator.{} WHERE id = ANY({}) AND NOT deleted").format(
        select, sql.Identifier(table), given), (ids,))
    return {r[0] for r in rows}




def _upsert(conn, table: str, rows: list[tuple], result: SyncResult, progress: SyncProgress) -> None:
    """Write ``rows`` by id through a temporary table (COPY); a row equal to the server's is not written again."""
    if not rows:
        return
    columns = PUSHED[table]
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    temp = sql.Identifier(f"incoming_{table}")
    conn.execute(sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM annotator.{} WITH NO DATA").format(
        temp, cols, sql.Identifier(table)))
    updates = [c for c in columns if c != "id"] + ([] if "deleted" in columns else ["deleted"])
    new = [sql.SQL("EXCLUDED.{}").format(sql.Identifier(c)) if c != "deleted" or "deleted" in columns
           else sql.SQL("false") for c in updates]
    query = sql.SQL("INSERT INTO annotator.{t} ({cols}) SELECT {cols} FROM {temp} ON CONFLICT (id) DO UPDATE SET "
                    "({upd}) = ROW({new}) WHERE ({old}) IS DISTINCT FROM ({new})").format(
        t=sql.Identifier(table), cols=cols, temp=temp,
        upd=sql.SQL(", ").join(sql.Identifier(c) for c in updates), new=sql.SQL(", ").join(new),
        old=sql.SQL(", ").join(sql.SQL("{}.{}").format(sql.Identifier(table), sql.Identifier(c)) for c in updates))
    it = iter(rows)
    while batch := list(islice(it, PUSH_BATCH)):  # a statement a batch: progress between them, Ctrl+C anywhere
        with conn.cursor() as cur, cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(temp, cols)) as copy:
            for row in batch:
                copy.write_row(row)
        conn.execute(query)
        conn.execute(sql.SQL("TRUNCATE {}").format(temp))
        result.pushed[table] += len(batch)
        progress.add(len(batch))


def _tombstone(conn, table: str, ids: list[str], result: SyncResult, progress: SyncProgress) -> None:
    """Mark ``ids`` deleted on the server (only the member's own rows match the row-level rules)."""
    if not ids:
        return
    if table == "documents":
        ids_sql = sql.SQL("%s")
    else:  # uuid ids: only the well-formed can be on the server (compared as uuid, the primary key is used)
        ids, ids_sql = [i for i in ids if is_uuid(i)], sql.SQL("%s::uuid[]")
    if not ids:
        return
    cur = conn.execute(sql.SQL("UPDATE annotator.{} SET deleted = true WHERE id = ANY({}) AND NOT deleted").format(
        sql.Identifier(table), ids_sql), (list(ids),))
    result.pushed[table] += cur.rowcount
    progress.add(len(ids))


def _seen(conn) -> None:
    conn.execute("INSERT INTO annotator.seen (owner, at) VALUES (current_user, now()) "
                 "ON CONFLICT (owner) DO UPDATE SET at = now()")
