"""annotator's schema on the team server: numbered migrations, the group roles, and checking a database.

Like the local migrations (:mod:`annotator.core.migrations`), every server schema change is a new numbered
entry of :data:`MIGRATIONS`, never an edit of one that shipped; ``annotator.migrations`` records the names
applied. A database whose ``annotator`` schema records a migration this annotator does not know is newer and is
refused; one whose ``annotator`` schema has no such record was not made by annotator and is refused too.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from annotator.core.errors import TeamError
from annotator.core.team import schema_0001, schema_0002, schema_0003
from annotator.core.team.connect import refusal

SCHEMA = "annotator"
#: ``(name, SQL)`` in order; the SQL's ``{member}`` and ``{lead}`` are the project's group roles.
MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("0001_schema", schema_0001.SCRIPT), ("0002_notify", schema_0002.SCRIPT), ("0003_codes", schema_0003.SCRIPT))
#: Taken for the whole of ``team init`` so that two runs at once cannot both create the schema.
INIT_LOCK = 0x616E6E6F  # "anno"
#: PostgreSQL truncates identifiers to this many bytes.
_NAMEDATALEN = 63


@dataclass(frozen=True)
class Roles:
    """The project's group roles: every member is granted ``member``; a lead also ``lead`` (itself in member)."""

    member: str
    lead: str


@dataclass(frozen=True)
class InitResult:
    database: str
    roles: Roles
    applied: tuple[str, ...]  # the migrations this run applied; empty when the database was already set up


def role_names(database: str) -> Roles:
    """Group role names for ``database``: roles are cluster-wide, so they carry the database's name (two
    projects on one server stay apart)."""
    base = database.encode("utf-8")[: _NAMEDATALEN - len("_member")].decode("utf-8", "ignore")
    return Roles(member=f"{base}_member", lead=f"{base}_lead")


def applied_migrations(conn: psycopg.Connection) -> list[str] | None:
    """The migrations recorded in the database, or None when it has no ``annotator`` schema.

    Raises :class:`TeamError` when the schema exists but was not made by annotator, or is newer than this
    annotator.
    """
    database = conn.info.dbname
    if conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (SCHEMA,)).fetchone() is None:
        return None
    try:
        with conn.transaction():
            names = [r[0] for r in conn.execute("SELECT name, applied FROM annotator.migrations ORDER BY name")]
    except (psycopg.errors.UndefinedTable, psycopg.errors.UndefinedColumn):
        names = []
    except psycopg.errors.InsufficientPrivilege:
        raise TeamError(f"database {database} has an annotator schema that you may not read: ask a lead to add "
                        "you with annotator team add.") from None
    known = [name for name, _ in MIGRATIONS]
    if not names or names[0] != known[0]:
        raise TeamError(f"database {database} has a schema named annotator that annotator did not make; "
                        "use another database for the team.")
    if newer := [name for name in names if name not in known]:
        raise TeamError(f"database {database} was set up by a newer annotator (migration {newer[0]}); "
                        "install the newer annotator to use it.")
    return names


def require_schema(conn: psycopg.Connection) -> Roles:
    """Check that the database is set up by this annotator (or an older one); return its roles."""
    if applied_migrations(conn) is None:
        raise TeamError(f"database {conn.info.dbname} is not set up for annotator: run annotator team init first.")
    rows = dict(conn.execute("SELECT key, value FROM annotator.settings WHERE key IN ('member_role', 'lead_role')"))
    return Roles(member=rows["member_role"], lead=rows["lead_role"])


def init_team(conn: psycopg.Connection) -> InitResult:
    """Create annotator's schema, roles and policies in the database of ``conn``, or bring them up to date.

    One transaction: a refusal or failure leaves the database as it was. Running it again changes nothing.
    """
    database = conn.info.dbname
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (INIT_LOCK,))
            done = applied_migrations(conn)
            roles = role_names(database) if done is None else require_schema(conn)
            if done is None:
                _create_base(conn, roles)
                done = []
            applied = tuple(_apply(conn, roles, set(done)))
    except psycopg.errors.InsufficientPrivilege as exc:
        raise TeamError(f"the server refused to set up database {database} ({refusal(exc)}): run annotator team "
                        "init as the database's owner with the CREATEROLE privilege, or as a superuser.") from None
    return InitResult(database, roles, applied)


def _create_base(conn: psycopg.Connection, roles: Roles) -> None:
    """The schema, its migrations table and the group roles (kept if an earlier project of this name made them)."""
    conn.execute("CREATE SCHEMA annotator")
    conn.execute("CREATE TABLE annotator.migrations (name text PRIMARY KEY, applied timestamptz NOT NULL)")
    for role, inside in ((roles.member, None), (roles.lead, roles.member)):
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        if inside:
            conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(inside), sql.Identifier(role)))


def _apply(conn: psycopg.Connection, roles: Roles, done: set[str]):
    for name, script in MIGRATIONS:
        if name in done:
            continue
        query = sql.SQL(script).format(member=sql.Identifier(roles.member), lead=sql.Identifier(roles.lead))
        conn.execute(query)
        if name == MIGRATIONS[0][0]:
            conn.execute("INSERT INTO annotator.settings (key, value) VALUES ('member_role', %s), ('lead_role', %s)",
                         (roles.member, roles.lead))
        conn.execute("INSERT INTO annotator.migrations (name, applied) VALUES (%s, now())", (name,))
        yield name
