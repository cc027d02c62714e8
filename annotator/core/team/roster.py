"""The team as the server knows it: members, who is online, and each one's counts (the Team dock, team status).

"Online" means connected to the project's database with annotator right now (``pg_stat_activity`` shows every
session's user and application to every member, never their queries). Counts are of the rows the asking member
may read: on a blind document a colleague's annotations are not counted until the asker has marked it done.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class Member:
    name: str
    lead: bool
    active: bool
    online: bool
    last_seen: str  # ISO 8601 UTC, '' if never synced
    annotations: int
    reviews: int
    done: int


@dataclass(frozen=True)
class Roster:
    me: str
    members: tuple[Member, ...]

    def lines(self) -> list[str]:
        out = ["members:"]
        for m in self.members:
            state = "online" if m.online else (f"last seen {m.last_seen}" if m.last_seen else "never synced")
            role = " (lead)" if m.lead else ""
            gone = ", removed" if not m.active else ""
            you = " — you" if m.name == self.me else ""
            out.append(f"  {m.name}{role}{you}: {state}{gone}; {m.annotations} annotations, {m.reviews} review "
                       f"decisions, {m.done} documents done")
        return out


def roster(conn: psycopg.Connection) -> Roster:
    """The project's members with their state and counts, read in one transaction."""
    with conn.transaction():
        people = conn.execute("SELECT name::text, lead, active, "
                              "coalesce(to_char(last_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') "
                              "FROM annotator.members ORDER BY name").fetchall()
        online = {r[0] for r in conn.execute(
            "SELECT DISTINCT usename::text FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name LIKE 'annotator%%'")}
        counts = {}
        for table in ("annotations", "reviews", "done"):
            counts[table] = dict(conn.execute(
                f"SELECT owner::text, count(*) FROM annotator.{table} WHERE NOT deleted GROUP BY owner").fetchall())
    members = tuple(Member(name, lead, active, name in online, seen, counts["annotations"].get(name, 0),
                           counts["reviews"].get(name, 0), counts["done"].get(name, 0))
                    for name, lead, active, seen in people)
    return Roster(conn.info.user, members)
