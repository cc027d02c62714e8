"""The pull rule: rows in the server's commit order, never by wall clock (docs/team.md, "The change order").

Every INSERT and UPDATE of a synced row stores the writing transaction's id, ``xid`` (``pg_current_xact_id()``,
a 64-bit xid8 that never wraps). A sequence alone is not commit order: a transaction that took sequence value 10
may commit after one that took 11, and a puller that had read up to 11 would never see 10.

The rule: a pull runs in one REPEATABLE READ transaction and reads ``horizon = pg_snapshot_xmin(
pg_current_snapshot())``: every transaction with an id below it has ended (committed or rolled back), and no
transaction will ever again get an id below it. The pull takes the rows whose ``xid`` is at or above the last
pull's horizon and below this one, in ``(xid, seq)`` order, then remembers this horizon. Rows written by a
transaction still running (or committed but above the horizon) wait for a later pull; none is skipped, none is
read twice at the same version. A long transaction anywhere on the server holds the horizon back (pulls wait,
they never lose rows).
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

#: The synced tables, in the order a pull applies them (referenced rows first).
SYNCED = ("documents", "labels", "blind", "annotations", "links", "reviews", "done")


@dataclass(frozen=True)
class Changes:
    rows: list[dict]  # the rows' current versions, in (xid, seq) order
    horizon: int  # the next pull's ``since``


def changes_since(conn: psycopg.Connection, table: str, since: int) -> Changes:
    """The rows of ``table`` written since the pull whose horizon was ``since`` (0: everything)."""
    if table not in SYNCED:
        raise ValueError(f"{table} is not a synced table")
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        horizon = int(str(conn.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())").fetchone()[0]))
        query = sql.SQL("SELECT *, xid::text::bigint AS position FROM annotator.{} "
                        "WHERE xid >= %s::text::xid8 AND xid < %s::text::xid8 ORDER BY xid, seq"
                        ).format(sql.Identifier(table))
        with conn.cursor(row_factory=dict_row) as cur:
            rows = cur.execute(query, (since, horizon)).fetchall()
    return Changes(rows, horizon)
