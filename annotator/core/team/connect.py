"""Connecting to the team server under annotator's rules.

Credentials follow libpq's conventions: the URL (or ``key=value`` string) is handed to libpq as given, so
``PGPASSWORD``, ``~/.pgpass``, service files (``service=``), ``sslmode`` and ``sslrootcert`` work as they do
for psql. annotator never stores a password: not in the project, not in settings.ini.

A server reached over the network must be reached over TLS: a URL naming any host but the loopback
(localhost, 127.0.0.1, ::1) or a Unix socket with ``sslmode`` below ``require`` is refused before anything
is sent, and checked again once connected (a service file may name the host).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import psycopg
from psycopg.conninfo import conninfo_to_dict

from annotator.core.errors import InputError, TeamError

#: Host names that never leave the machine.
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
#: ``sslmode`` values that refuse a connection without TLS.
TLS_MODES = frozenset({"require", "verify-ca", "verify-full"})


def parse_url(url: str) -> dict[str, str]:
    """The connection parameters of ``url`` (a ``postgresql://`` URL or libpq ``key=value`` pairs)."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise InputError(f"{url!r} is not a PostgreSQL connection URL ({_reason(exc)}).") from None
    return {key: str(value) for key, value in params.items() if value is not None}


def _effective(params: dict[str, str], key: str, env: str) -> str:
    return params.get(key) or os.environ.get(env, "")


def remote_hosts(params: dict[str, str]) -> list[str]:
    """The hosts of ``params`` (or PGHOST/PGHOSTADDR) that are neither the loopback nor a Unix socket."""
    hosts = [h for h in _effective(params, "hostaddr", "PGHOSTADDR").split(",") if h]
    hosts = hosts or [h for h in _effective(params, "host", "PGHOST").split(",") if h]
    return [h for h in hosts if not h.startswith("/") and h.strip("[]") not in LOOPBACK]


def check_url(url: str) -> dict[str, str]:
    """Refuse, in one sentence, a URL to a host off this machine without TLS; return its parameters."""
    params = parse_url(url)
    remote = remote_hosts(params)
    sslmode = _effective(params, "sslmode", "PGSSLMODE") or "prefer"
    if remote and sslmode not in TLS_MODES:
        raise InputError(
            f"{remote[0]} is not this machine, and sslmode={sslmode} would let the password and the annotations "
            "cross the network unencrypted: add sslmode=verify-full (and sslrootcert=FILE) to the URL.")
    return params


def connect(url: str, application: str = "annotator") -> psycopg.Connection:
    """A connection (autocommit: callers open their own transactions) to the team server at ``url``.

    Raises :class:`InputError` for a URL the rules refuse and :class:`TeamError` (exit 2) when the server is out
    of reach or refuses the login.
    """
    params = check_url(url)
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10, application_name=application)
    except psycopg.OperationalError as exc:
        where = params.get("host") or params.get("service") or "the default socket"
        where += f" port {params['port']}" if "port" in params else ""
        raise TeamError(f"could not connect to the team server ({where}): {_reason(exc)}.") from None
    host = conn.info.hostaddr or conn.info.host
    if not host.startswith("/") and host not in LOOPBACK and conn.pgconn.ssl_in_use is not True:
        conn.close()
        raise InputError(f"{host} is not this machine and the connection to it is not encrypted: "
                         "add sslmode=verify-full (and sslrootcert=FILE) to the URL or the service file.")
    return conn


@contextlib.contextmanager
def server(url: str) -> Iterator[psycopg.Connection]:
    """:func:`connect`, closed at the end; the server going away midway is one sentence (exit 2)."""
    conn = connect(url)
    try:
        yield conn
    except psycopg.OperationalError as exc:
        raise TeamError(server_lost(exc)) from None
    finally:
        conn.close()


def server_lost(exc: Exception) -> str:
    """The sentence for a connection lost midway."""
    return (f"lost the connection to the team server ({_reason(exc)}); what the command was doing on the server "
            "was rolled back, and local work is untouched.")


def _reason(exc: Exception) -> str:
    """libpq's explanation, on one line, without its 'connection to server ... failed:' preamble."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    failed = [line.rsplit(" failed: ", 1)[1] for line in lines if " failed: " in line]
    text = failed[-1] if failed else lines[0] if lines else type(exc).__name__
    for prefix in ("FATAL:", "ERROR:"):
        text = text.removeprefix(prefix).strip()
    return text.rstrip(".?")


def refusal(exc: psycopg.Error) -> str:
    """The server's refusal of an operation as one sentence's tail (its primary message)."""
    diag = getattr(exc, "diag", None)
    primary = diag.message_primary if diag is not None and diag.message_primary else _reason(exc)
    return primary.rstrip(".")
