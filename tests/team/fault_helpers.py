"""What the fault and scale tests of team sync share: a cluster of their own that they may stop, many tags at
once, a dump of a project's tables, ``annotator sync`` as a child process, and waiting for an event.

The session cluster (conftest.py) serves every other test, so tests that stop the server start their own
(:class:`OwnCluster`, the same initdb + pg_ctl approach on its own directory and port).
"""

from __future__ import annotations

import os
import pwd
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg

from annotator.core.store import Store

ROOT = Path(__file__).resolve().parents[2]
#: Tables of a project a sync may write (``meta`` apart: a pull records its horizon there).
PROJECT_TABLES = ("documents", "document_texts", "labels", "annotators", "annotations", "links", "team_outbox",
                  "team_reviews", "team_done", "team_blind")
#: How long a test waits for an event before it fails (not a timing assertion: a hang guard).
PATIENCE = 120.0


def wait_for(predicate, what: str, patience: float = PATIENCE):
    """Poll ``predicate`` until it returns something true; fail with ``what`` if it never does."""
    end = time.monotonic() + patience
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}")


# --------------------------------------------------------------------- a cluster of one's own
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class OwnCluster:
    """A throwaway PostgreSQL cluster that a test may stop and start again (``pg_ctl stop -m MODE``)."""

    bin: Path
    dir: Path
    port: int
    settings: str = "-c fsync=off"  # the tests'; benchmarks/team.py keeps PostgreSQL's defaults

    @classmethod
    def create(cls, bin_dir: Path, tmp: Path, settings: str = "-c fsync=off") -> OwnCluster:
        tmp.mkdir(parents=True, exist_ok=True)
        cluster = cls(bin_dir, tmp, _free_port(), settings)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            user = pwd.getpwnam("nobody")
            os.chown(tmp, user.pw_uid, user.pw_gid)
        cluster._run("initdb", "-D", str(tmp / "data"), "-U", "postgres", "--no-sync", "-E", "UTF8",
                     "--locale=C.UTF-8", "--auth=trust")
        (tmp / "data" / "pg_hba.conf").write_text("local all postgres trust\nlocal all all scram-sha-256\n"
                                                  "host all all 127.0.0.0/8 scram-sha-256\n")
        cluster.start()
        return cluster

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        run_as = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
        done = subprocess.run([*run_as, str(self.bin / program), *args], capture_output=True, text=True,
                              cwd=self.dir, timeout=120)
        if check and done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stderr}")
        return done

    def start(self) -> None:
        options = f"-k {self.dir} -p {self.port} -c listen_addresses=127.0.0.1 {self.settings}"
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    # the interface of conftest.Cluster that TeamDb and the crew use
    @property
    def socket_dir(self) -> Path:
        return self.dir

    def superuser(self, dbname: str = "postgres") -> str:
        return f"host={self.dir} port={self.port} user=postgres dbname={dbname}"


# --------------------------------------------------------------------- many tags at once
def bulk_tag(store: Store, document: str, who: str, n: int, label: str = "Figure", seed: int = 0,
             stamp: str = "2026-01-01T00:00:00Z") -> list[str]:
    """Add ``n`` annotations by ``who`` on ``document`` in one batch; returns their ids."""
    text = store.document_text(document)
    rng = random.Random(seed)
    store.label(label)
    store.ensure_annotator(who)
    rows, ids = [], []
    for _ in range(n):
        start = rng.randrange(len(text) - 12)
        end = start + rng.randrange(1, 12)
        ann_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        ids.append(ann_id)
        rows.append((ann_id, document, label, start, end, text[start:end], who, "", "pending", stamp, stamp,
                     "", "", ""))
    store.insert_annotation_rows(rows)
    return ids


# --------------------------------------------------------------------- looking at a project
def dump(project: Path) -> dict[str, list[tuple]]:
    """Every row a sync may write, table by table, sorted; and ``meta`` without the pull's horizon."""
    conn = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    try:
        out = {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in PROJECT_TABLES}
        out["meta"] = sorted(conn.execute("SELECT * FROM meta WHERE key != 'team.horizon'").fetchall())
    finally:
        conn.close()
    return out


def annotation_ids(project: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM annotations")]
    finally:
        conn.close()


def server_ids(superuser_url: str, table: str = "annotations") -> list[str]:
    """Every id of ``table`` on the server that is not a tombstone (as the superuser: all owners)."""
    with psycopg.connect(superuser_url, autocommit=True) as conn:
        return [r[0] for r in conn.execute(f"SELECT id::text FROM annotator.{table} WHERE NOT deleted")]


# --------------------------------------------------------------------- processes
def annotator_process(*argv: str, **kwargs) -> subprocess.Popen:
    """``python -m annotator ARGV`` from the worktree (its own code), text pipes; the environment is this one's."""
    return subprocess.Popen([sys.executable, "-m", "annotator", *map(str, argv)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


def backend_waiting_on_a_lock(superuser_url: str, user: str) -> int | None:
    """The process id of ``user``'s server backend while it waits for a lock, else None."""
    with psycopg.connect(superuser_url, autocommit=True) as conn:
        row = conn.execute("SELECT pid FROM pg_stat_activity WHERE usename = %s AND wait_event_type = 'Lock'",
                           (user,)).fetchone()
    return row[0] if row else None


class TableLock:
    """Holds ``LOCK TABLE annotator.TABLE IN MODE`` in a superuser transaction until :meth:`release`."""

    def __init__(self, superuser_url: str, table: str, mode: str = "SHARE"):
        self.conn = psycopg.connect(superuser_url)
        self.conn.execute(f"LOCK TABLE annotator.{table} IN {mode} MODE")

    def release(self) -> None:
        try:
            self.conn.rollback()
        except psycopg.OperationalError:
            pass  # the server was stopped meanwhile: the lock went with it
        self.conn.close()


class ProjectLock:
    """Holds a write lock on a project's SQLite file (another process's write waits) until :meth:`release`."""

    def __init__(self, project: Path):
        self.conn = sqlite3.connect(project, isolation_level=None)
        self.conn.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()
