"""Members and blind coding, managed through the server (which checks that the caller is a lead).

``team add`` and ``team remove`` call the schema's SECURITY DEFINER functions ``annotator.add_member`` and
``annotator.remove_member``: they run as the schema's owner (who may create roles) but only leads may call them.
A removed member's rows stay; their role keeps its name but can no longer log in and loses the group roles, so
it can no longer read or write anything of the project.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import quote

import psycopg

from annotator.core.errors import InputError, TeamError
from annotator.core.team.connect import LOOPBACK, refusal
from annotator.core.team.schema import require_schema

#: Member names: PostgreSQL role names annotator accepts (they go in URLs and ~/.pgpass as they are).
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-")


@dataclass(frozen=True)
class Added:
    name: str
    lead: bool
    outcome: str  # 'added', 'restored' (was removed) or 'updated' (already a member)
    password: str | None  # the generated password (printed once), None when read from stdin or unchanged


def check_name(name: str) -> str:
    if not name or len(name) > 63 or not set(name) <= _NAME_CHARS or name.startswith("pg_"):
        raise InputError(f"{name!r} cannot be a member's name: use up to 63 lower-case letters, digits, '_', '.' "
                         "or '-', not starting with 'pg_'.")
    return name


def add_member(conn: psycopg.Connection, name: str, lead: bool, password: str | None) -> Added:
    """Create member ``name`` (a login role granted the member or lead role). ``password`` None: a new member
    gets a generated one, a member already there keeps theirs."""
    check_name(name)
    require_schema(conn)
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None
    generated = secrets.token_urlsafe(18) if password is None and not exists else None
    try:
        with conn.transaction():
            outcome = conn.execute("SELECT annotator.add_member(%s, %s, %s)",
                                   (name, password or generated, lead)).fetchone()[0]
    except psycopg.errors.InsufficientPrivilege:
        raise TeamError("the server refused: only a lead of this project can add members.") from None
    except psycopg.errors.DuplicateObject as exc:
        raise TeamError(f"the server refused: {refusal(exc)}.") from None
    return Added(name, lead, outcome, generated)


def remove_member(conn: psycopg.Connection, name: str) -> None:
    """Remove member ``name``: their rows stay; they can no longer log in, read or write."""
    require_schema(conn)
    try:
        with conn.transaction():
            conn.execute("SELECT annotator.remove_member(%s)", (name,))
    except psycopg.errors.InsufficientPrivilege:
        raise TeamError("the server refused: only a lead of this project can remove members.") from None
    except psycopg.errors.UndefinedObject as exc:
        raise TeamError(f"the server refused: {refusal(exc)}.") from None


def find_document(conn: psycopg.Connection, ref: str) -> str:
    """The id of the one document that ``ref`` names on the server: its id, an id prefix or its title."""
    found = [r[0] for r in conn.execute(
        "SELECT id FROM annotator.documents WHERE NOT deleted AND (starts_with(id, %s) OR starts_with(id, "
        "'sha256:' || %s) OR title = %s) ORDER BY id = %s DESC, id LIMIT 3", (ref, ref, ref, ref))]
    if not found:
        raise TeamError(f"the team server has no document {ref!r} (give its id, an id prefix or its title).")
    if len(found) > 1 and found[0] != ref:
        raise TeamError(f"{ref!r} names more than one document on the team server ({found[0]}, {found[1]}…): "
                        "give more of the id.")
    return found[0]


def set_blind(conn: psycopg.Connection, blind: bool, document: str | None = None) -> str:
    """Make the whole project (``document`` None) or one document (id, id prefix or title) blind, or not; return
    the document's id ('' for the project)."""
    require_schema(conn)
    try:
        with conn.transaction():
            key = find_document(conn, document) if document else ""
            conn.execute("INSERT INTO annotator.blind (document, blind) VALUES (%s, %s) ON CONFLICT (document) "
                         "DO UPDATE SET blind = EXCLUDED.blind, deleted = false", (key, blind))
    except psycopg.errors.InsufficientPrivilege:
        raise TeamError("the server refused: only a lead of this project can switch blind coding.") from None
    return key


def join_url(conn: psycopg.Connection, name: str, params: dict[str, str]) -> str:
    """The URL member ``name`` joins with: this server and database, with the TLS parameters of ``params``."""
    info = conn.info
    host, port, db = info.host, info.port, quote(info.dbname, safe="")
    query = {key: params[key] for key in ("sslmode", "sslrootcert") if key in params}
    if host.startswith("/"):
        query = {"host": host, **({"port": str(port)} if port != 5432 else {}), **query}
        netloc = ""
    else:
        shown = f"[{host}]" if ":" in host else host
        netloc = shown if port == 5432 else f"{shown}:{port}"
    tail = "&".join(f"{k}={quote(v, safe='/')}" for k, v in query.items())
    return f"postgresql://{quote(name, safe='')}@{netloc}/{db}" + (f"?{tail}" if tail else "")


def is_local(conn: psycopg.Connection) -> bool:
    return conn.info.host.startswith("/") or conn.info.host in LOOPBACK
