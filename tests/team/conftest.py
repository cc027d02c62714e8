"""A throwaway PostgreSQL cluster for the team-server tests: one per session, a fresh database per test.

Debian's ``initdb`` and ``pg_ctl`` (package ``postgresql``) run on a temporary directory; the server listens on a
Unix socket in that directory and on 127.0.0.1 at a free port (and on 127.0.0.2, which annotator's rules treat as
another machine: the address the TLS rule is tested with). As root (CI) the cluster runs as the unprivileged user
``nobody``, as PostgreSQL requires. Without PostgreSQL the tests skip, except under ``CI=true`` (``.ci/run``
installs it), where they fail.

Authentication: the superuser ``postgres`` is trusted on the socket (the tests' set-up); every other role logs in
with its password (scram-sha-256), on the socket and over TCP, so the members' logins are real.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from annotator.core.team.connect import connect
from annotator.core.team.schema import init_team


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    bin: Path
    socket_dir: Path
    port: int
    _names = itertools.count(1)

    def superuser(self, dbname: str = "postgres") -> str:
        return f"host={self.socket_dir} port={self.port} user=postgres dbname={dbname}"

    def psql(self, url: str, command: str, password: str | None = None) -> subprocess.CompletedProcess:
        """Run ``command`` with PostgreSQL's own client (psql), as the user of ``url``."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        if password is not None:
            env["PGPASSWORD"] = password
        return subprocess.run([str(self.bin / "psql"), "-X", "-v", "ON_ERROR_STOP=1", "-At", "-c", command, url],
                              capture_output=True, text=True, env=env, timeout=60)


@dataclass
class TeamDb:
    """A fresh database of the session's cluster; ``url(user)`` reaches it over the socket."""

    cluster: Cluster
    name: str

    def url(self, user: str = "postgres") -> str:
        return f"postgresql://{user}@/{self.name}?host={self.cluster.socket_dir}&port={self.cluster.port}"

    def tcp_url(self, user: str) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.cluster.port}/{self.name}"

    def member(self, who: str) -> str:
        """A member name unique to this database (roles are cluster-wide)."""
        return f"{who}_{self.name}"


def _run(argv: list[str], capture: bool, cwd: Path) -> None:
    done = subprocess.run(argv, capture_output=capture, text=True, cwd=cwd, timeout=120)
    if done.returncode != 0:
        pytest.fail(f"{Path(argv[argv.index('--') + 1] if '--' in argv else argv[0]).name} failed: {done.stderr}")


def _start(tmp: Path) -> Cluster:
    pg = postgres_bin()
    if pg is None:
        message = "PostgreSQL is not installed (apt install postgresql): the team-server tests need initdb"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: .ci/run installs it)")
        pytest.skip(message)
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        user = pwd.getpwnam("nobody")
        os.chown(tmp, user.pw_uid, user.pw_gid)
        run_as = ["runuser", "-u", "nobody", "--"]
    data = tmp / "data"
    _run([*run_as, str(pg / "initdb"), "-D", str(data), "-U", "postgres", "--no-sync", "-E", "UTF8",
                    "--locale=C.UTF-8", "--auth=trust"], capture=True, cwd=tmp)
    hba = data / "pg_hba.conf"
    hba.write_text("local all postgres trust\nlocal all all scram-sha-256\n"
                   "host all all 127.0.0.0/8 scram-sha-256\nhost all all ::1/128 scram-sha-256\n")
    port = _free_port()
    options = f"-k {tmp} -p {port} -c listen_addresses=127.0.0.1,127.0.0.2 -c fsync=off -c full_page_writes=off"
    _run([*run_as, str(pg / "pg_ctl"), "-D", str(data), "-l", str(tmp / "log"), "-o", options, "-w",
                    "start"], capture=True, cwd=tmp)
    return Cluster(pg, tmp, port)


@pytest.fixture(scope="session")
def pg_cluster():
    tmp = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
    cluster = _start(tmp)
    try:
        yield cluster
    finally:
        run_as = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        subprocess.run([*run_as, str(cluster.bin / "pg_ctl"), "-D", str(tmp / "data"), "-m", "immediate", "stop"],
                       capture_output=True, cwd=tmp)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(autouse=True)
def _no_libpq_environment(monkeypatch):
    """The tests name every connection parameter; the caller's PGHOST, PGPASSWORD… must not leak in."""
    for key in [k for k in os.environ if k.startswith("PG")]:
        monkeypatch.delenv(key)


@pytest.fixture
def team_db(pg_cluster) -> TeamDb:
    name = f"t{next(Cluster._names)}_{os.getpid()}"
    with psycopg.connect(pg_cluster.superuser(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    return TeamDb(pg_cluster, name)


@pytest.fixture
def team(team_db) -> TeamDb:
    """A fresh database set up with ``team init``."""
    with connect(team_db.url()) as conn:
        init_team(conn)
    return team_db
