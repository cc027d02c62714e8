"""Team sync through PostgreSQL (issue 21): push, a new member's join, and 20 members at once, with baselines
measured in the same run. Figures, the machine and how to read them: docs/performance.md ("Team sync").

Starts its own throwaway cluster (Debian's ``postgresql``: initdb + pg_ctl on a temporary directory, a Unix
socket; as root the server runs as ``nobody``) with PostgreSQL's default settings (fsync on), the way the tests
do (``tests/team/fault_helpers.py``, whose helpers this script reuses, as ``durability.py`` reuses the crash
harness of the tests).

* **push**: a member's sync with ``--push`` annotations waiting (8 documents, a lead pushed them before),
  end to end: the outbox read from SQLite, COPY into a temporary table, ``INSERT … ON CONFLICT``, the commit and
  the outbox forgotten. Baseline, over the same connection right after: a plain ``COPY`` of the same rows
  (already in memory) into an unindexed table, committed. Each run uses a fresh database. Target ≤ 2×.
* **join**: a new member joining a project of ``--join`` annotations (``annotator team join`` on an empty
  project: the documents, the labels and every annotation pulled and applied). Baseline, same server and member:
  ``COPY (SELECT …) TO STDOUT`` of the same annotations plus annotator's own bulk import of them
  (``Store.bulk_annotation_load`` + ``insert_annotation_rows``) into a project that holds the documents. Target ≤ 2×.
* **crowd**: ``--members`` members, each with ``--rows-each`` annotations waiting, run ``annotator sync`` as
  separate processes all at once, then once more (to pull what was committed after their first pull); then
  every project and the server must hold every row exactly once. Server CPU: the postmaster's own and its
  children's CPU time (``/proc``, the reaped backends included); memory, sampled every 50 ms: the largest sum of
  the server processes' private memory (resident minus shared pages, ``/proc/PID/statm``), and the largest sum
  of their resident sets (which counts the shared buffers once per process that touched them).

Usage: ``python benchmarks/team.py [--push 100000] [--join 1000000] [--members 20] [--rows-each 2000]
[--runs 3] [--only push,join,crowd] [--profile DIR]``
"""

from __future__ import annotations

import argparse
import cProfile
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "team"))

from fault_helpers import OwnCluster, bulk_tag  # noqa: E402
from generate import make_text  # noqa: E402

from annotator.core.model import EXCHANGED_FIELDS  # noqa: E402
from annotator.core.store import Store  # noqa: E402
from annotator.core.team.connect import connect  # noqa: E402
from annotator.core.team.members import add_member  # noqa: E402
from annotator.core.team.schema import init_team  # noqa: E402
from annotator.core.team.sync import PUSHED, join, sync  # noqa: E402

DOCS = 8


class Team:
    """A fresh database of the cluster with ``team init`` done, a lead (lea) and members; passwords in a
    password file (``PGPASSFILE``), as a member's would be."""

    def __init__(self, cluster: OwnCluster, tmp: Path, name: str, members: list[str]):
        self.cluster, self.tmp, self.name = cluster, tmp, name
        with psycopg.connect(cluster.superuser(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE template0")
        with connect(self.url("postgres")) as conn:
            init_team(conn)
            lines = [f"*:*:{name}:{self.login(w)}:{add_member(conn, self.login(w), w == 'lea', None).password}\n"
                     for w in ["lea", *members]]
        passfile = tmp / "pgpass"
        with passfile.open("a") as f:
            f.writelines(lines)
        os.chmod(passfile, 0o600)
        os.environ["PGPASSFILE"] = str(passfile)

    def login(self, who: str) -> str:
        return f"{who}_{self.name}"

    def url(self, who: str) -> str:
        user = who if who == "postgres" else self.login(who)
        return f"postgresql://{user}@/{self.name}?host={self.cluster.dir}&port={self.cluster.port}"

    def project(self, who: str, suffix: str = "") -> Path:
        return self.tmp / f"{self.name}-{who}{suffix}.annotator"

    def superuser(self) -> psycopg.Connection:
        return psycopg.connect(self.cluster.superuser(self.name), autocommit=True)


def _texts() -> list[str]:
    rng = random.Random(20261207)
    return [make_text(rng, 200_000) for _ in range(DOCS)]


def _joined(team: Team, who: str, suffix: str = "") -> None:
    with Store.open(team.project(who, suffix), create=True) as store, connect(team.url(who)) as conn:
        join(store, conn, team.url(who))


def _seeded(team: Team, texts: list[str]) -> list[str]:
    """Lea adds the documents and joins (pushing them); returns their ids."""
    with Store.open(team.project("lea"), create=True) as store:
        ids = [store.add_document(text, f"Report {i}")[0].id for i, text in enumerate(texts)]
    _joined(team, "lea")
    return ids


def _tagged(team: Team, who: str, docs: list[str], n: int, seed: int) -> None:
    with Store.open(team.project(who)) as store:
        for i, doc in enumerate(docs):
            bulk_tag(store, doc, team.login(who), n // len(docs) + (i < n % len(docs)), seed=seed * 100 + i)


def _timed(work, profile: Path | None = None):
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    result = work()
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)
    return time.perf_counter() - start, result


# --------------------------------------------------------------------- push
def bench_push(cluster: OwnCluster, tmp: Path, texts: list[str], n: int, runs: int, profile: Path | None) -> None:
    mine, plain = [], []
    for run in range(runs):
        team = Team(cluster, tmp, f"push{run}", ["alice"])
        docs = _seeded(team, texts)
        _joined(team, "alice")
        _tagged(team, "alice", docs, n, run)
        with team.superuser() as su:
            su.execute("CREATE TABLE public.plain_copy AS SELECT {} FROM annotator.annotations WITH NO DATA"
                       .format(", ".join(f'"{c}"' for c in PUSHED["annotations"])))
            su.execute(f"GRANT INSERT ON public.plain_copy TO {team.login('alice')}")
        with Store.open(team.project("alice")) as store, connect(team.url("alice")) as conn:
            rows = store.outgoing(team.login("alice")).annotations
            seconds, result = _timed(lambda: sync(store, conn), profile and profile / f"push{run}.prof")
            assert result.pushed["annotations"] == n and store.waiting_edits() == 0, result.lines()
            mine.append(seconds)
            plain.append(_timed(lambda: _plain_copy(conn, rows))[0])
        print(f"  run {run + 1}: push {mine[-1]:.2f} s, plain COPY {plain[-1]:.2f} s", flush=True)
    ratio = statistics.median(mine) / statistics.median(plain)
    print(f"push {n:,} annotations: {statistics.median(mine):.2f} s; plain COPY into an unindexed table "
          f"{statistics.median(plain):.2f} s; ratio {ratio:.2f}x (target <= 2x)", flush=True)


def _plain_copy(conn: psycopg.Connection, rows: list[tuple]) -> None:
    columns = ", ".join(f'"{c}"' for c in PUSHED["annotations"])
    with conn.transaction(), conn.cursor() as cur, cur.copy(f"COPY public.plain_copy ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


# --------------------------------------------------------------------- join
def bench_join(cluster: OwnCluster, tmp: Path, texts: list[str], n: int, runs: int, profile: Path | None) -> None:
    team = Team(cluster, tmp, "joining", ["alice", *[f"bob{r}" for r in range(runs)]])
    docs = _seeded(team, texts)
    _joined(team, "alice")
    _tagged(team, "alice", docs, n, 7)
    with Store.open(team.project("alice")) as store, connect(team.url("alice")) as conn:
        seconds, _ = _timed(lambda: sync(store, conn))
    print(f"  (alice pushed the {n:,} annotations in {seconds:.1f} s)", flush=True)
    mine, plain = [], []
    for run in range(runs):
        who = f"bob{run}"
        Store.open(team.project(who), create=True).close()
        with Store.open(team.project(who)) as store, connect(team.url(who)) as conn:
            seconds, result = _timed(lambda: join(store, conn, team.url(who)), profile and profile / f"join{run}.prof")
            assert result.arrivals.counts["annotations"] == n and store.count_annotations() == n, result.lines()
        mine.append(seconds)
        with Store.open(team.project(who, "-plain"), create=True) as store:
            for i, text in enumerate(texts):
                store.add_document(text, f"Report {i}")
            with connect(team.url(who)) as conn:
                plain.append(_timed(lambda: _plain_join(store, conn, team.login("alice")))[0])
            assert store.count_annotations() == n
        print(f"  run {run + 1}: join {mine[-1]:.1f} s, COPY TO STDOUT + bulk import {plain[-1]:.1f} s", flush=True)
    ratio = statistics.median(mine) / statistics.median(plain)
    print(f"join a project of {n:,} annotations: {statistics.median(mine):.1f} s; COPY TO STDOUT + annotator's bulk "
          f"import {statistics.median(plain):.1f} s; ratio {ratio:.2f}x (target <= 2x)", flush=True)


def _plain_join(store: Store, conn: psycopg.Connection, owner: str) -> None:
    """The same annotations, read with one COPY and loaded with the store's bulk import."""
    store.ensure_annotator(owner)
    for label in ("Figure",):
        store.label(label)
    query = ('COPY (SELECT id::text, document, label, start, "end", quote, owner::text, note, \'pending\', created, '
             "modified, '', '', '' FROM annotator.annotations WHERE NOT deleted) TO STDOUT")
    assert EXCHANGED_FIELDS[:7] == ("id", "document", "label", "start", "end", "quote", "annotator")
    with store.bulk_annotation_load(), conn.cursor() as cur, cur.copy(query) as copy:
        copy.set_types(["text", "text", "text", "int4", "int4", *["text"] * 9])
        batch: list[tuple] = []
        for row in copy.rows():
            batch.append(row)
            if len(batch) == 5000:
                store.insert_annotation_rows(batch)
                batch = []
        store.insert_annotation_rows(batch)


# --------------------------------------------------------------------- crowd
class ServerWatch:
    """The server's CPU time (the postmaster and every child, reaped ones included) and the largest sum of its
    processes' resident sets, sampled on a thread."""

    def __init__(self, cluster: OwnCluster):
        self.postmaster = int((cluster.dir / "data" / "postmaster.pid").read_text().split()[0])
        self.peak_rss = 0
        self.peak_private = 0
        self._stop = threading.Event()
        self.cpu0 = self.cpu()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _children(self) -> list[int]:
        tasks = Path(f"/proc/{self.postmaster}/task/{self.postmaster}/children").read_text().split()
        return [int(t) for t in tasks]

    def cpu(self) -> float:
        ticks = os.sysconf("SC_CLK_TCK")
        total = sum(int(v) for v in _stat(self.postmaster)[13:17])  # utime stime cutime cstime
        for pid in self._children():
            try:
                total += sum(int(v) for v in _stat(pid)[13:15])
            except OSError:
                pass  # ended meanwhile: counted in the postmaster's cutime
        return total / ticks

    def _sample(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop.wait(0.05):
            rss = private = 0
            for pid in [self.postmaster, *self._children()]:
                try:
                    resident, shared = (int(v) for v in Path(f"/proc/{pid}/statm").read_text().split()[1:3])
                except OSError:
                    continue
                rss += resident * page
                private += (resident - shared) * page
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_private = max(self.peak_private, private)

    def stop(self) -> tuple[float, int, int]:
        self._stop.set()
        self.thread.join()
        return self.cpu() - self.cpu0, self.peak_rss, self.peak_private


def _stat(pid: int) -> list[str]:
    """The fields of ``/proc/PID/stat``, indexed from 0 (field 14, utime, is ``[13]``)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return ["pid", "comm", *text[text.rindex(")") + 2:].split()]


def bench_crowd(cluster: OwnCluster, tmp: Path, texts: list[str], members: int, each: int) -> None:
    names = [f"m{i:02d}" for i in range(members)]
    team = Team(cluster, tmp, "crowd", names)
    docs = _seeded(team, texts)
    for i, who in enumerate(names):
        _joined(team, who)
        _tagged(team, who, docs, each, 1000 + i)
    watch = ServerWatch(cluster)
    rounds = []
    for _ in range(2):
        start = time.perf_counter()
        children = [subprocess.Popen([sys.executable, "-m", "annotator", "sync", team.project(who)], cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for who in names]
        for child in children:
            _, err = child.communicate()
            assert child.returncode == 0, err
        rounds.append(time.perf_counter() - start)
    cpu, rss, private = watch.stop()
    total = members * each
    with team.superuser() as su:
        rows = su.execute("SELECT count(*), count(DISTINCT id) FROM annotator.annotations WHERE NOT deleted").fetchone()
    per_project = []
    for who in names:
        with Store.open(team.project(who)) as store:
            per_project.append((store.count_annotations(), store.waiting_edits()))
    lost_or_doubled = sum(1 for count, waiting in per_project if count != total or waiting)
    print(f"{members} members syncing at once, {each:,} annotations each ({total:,}): first round "
          f"{rounds[0]:.1f} s, second round (everyone pulls the rest) {rounds[1]:.1f} s; server holds {rows[0]:,} "
          f"rows ({rows[1]:,} distinct); projects with a row lost, doubled or waiting: {lost_or_doubled}; "
          f"server CPU {cpu:.1f} s over {sum(rounds):.1f} s; server memory at its peak: {private / 2**20:.0f} MiB "
          f"private to its processes, {rss / 2**20:.0f} MiB summing their resident sets (shared buffers counted once "
          "per process that touched them)", flush=True)
    assert rows == (total, total) and lost_or_doubled == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--push", type=int, default=100_000)
    parser.add_argument("--join", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--rows-each", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="push,join,crowd")
    parser.add_argument("--profile", type=Path, help="write cProfile files of annotator's push and join here")
    args = parser.parse_args()
    only = set(args.only.split(","))
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        sys.exit("PostgreSQL is not installed (apt install postgresql): this benchmark needs initdb.")
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="annotator-bench-team-"))
    os.environ["ANNOTATOR_HOME"] = str(tmp / "home")
    cluster = OwnCluster.create(found[-1].parent, Path(tempfile.mkdtemp(prefix="annotator-bench-pg-")), settings="")
    print(f"PostgreSQL {found[-1].parts[-3]} (default settings, fsync on), {os.cpu_count()} CPUs", flush=True)
    try:
        texts = _texts()
        if "push" in only:
            bench_push(cluster, tmp, texts, args.push, args.runs, args.profile)
        if "join" in only:
            bench_join(cluster, tmp, texts, args.join, args.runs, args.profile)
        if "crowd" in only:
            bench_crowd(cluster, tmp, texts, args.members, args.rows_each)
    finally:
        cluster.destroy()
        subprocess.run(["rm", "-rf", str(tmp)], check=False)


if __name__ == "__main__":
    main()
