"""A colleague's tag on another member's screen: from member B's sync to the span in member A's window.

A throwaway PostgreSQL cluster (as the tests start one: Debian's ``initdb`` and ``pg_ctl``) holds a team of
three (lead lea, alice, bob) sharing two documents. Alice's project is open in a real main window (Qt offscreen
unless DISPLAY is set and ``--display`` is given), syncing in the background as the window does. Bob is another
process (another machine, as far as the window can tell): for each sample he tags a span in his own project and
runs a plain sync (``annotator.core.team.sync.sync``), printing the wall-clock time just before the sync began.
The sample ends when alice's window has the span in its document view's model (the window announced the delta
and the pane patched it in, repainting on the next paint event). The figure includes bob's whole sync (his pull
and his push), so it is an upper bound of "commit to screen".

Prints every sample, then the median and p99 against the targets (≤ 1 s median, ≤ 2 s p99).

Usage: ``python benchmarks/team_live.py [--samples 50]`` from the repository root.
:func:`measure` is what ``benchmarks/team.py`` may import: it returns the latencies in seconds.
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "team")]

import psycopg  # noqa: E402
import psycopg.sql  # noqa: E402
from conftest import Cluster, TeamDb, _start  # noqa: E402  (tests/team/conftest.py: the tests' throwaway cluster)
from sync_helpers import make_crew, seed_documents  # noqa: E402

from annotator.core.store import Store  # noqa: E402
from annotator.core.team.connect import connect  # noqa: E402
from annotator.core.team.schema import init_team  # noqa: E402
from annotator.core.team.sync import sync  # noqa: E402
from annotator.gui import app as gui_app  # noqa: E402

TARGET_MEDIAN, TARGET_P99 = 1.0, 2.0


class _Env:
    """What ``make_crew`` asks of pytest's monkeypatch: setting an environment variable."""

    @staticmethod
    def setenv(key: str, value: str) -> None:
        os.environ[key] = value


def bob_loop(project: str, url: str) -> None:
    """The child: for each line ``N`` read, tag span N in bob's project, sync, print ``id start-time``."""
    with Store.open(project, create=False) as store, connect(url) as conn:
        member = store.team().member
        doc = store.documents()[0].id
        for line in sys.stdin:
            n = int(line)
            ann = store.add_annotation(doc, "Actor", n, n + 4, member)
            started = time.time()
            sync(store, conn)
            print(f"{ann.id} {started:.6f}", flush=True)


def start_crew(tmp: Path, name: str = "bench", seed=seed_documents, plain_names: bool = False):
    """A cluster, a database ``name`` set up for annotator, and lea, alice and bob joined once lea's project holds
    what ``seed(store)`` puts in it. ``plain_names``: members named lea, alice, bob (one database on the cluster)."""
    cluster = _start(tmp)
    db = TeamDb(cluster, name)
    with psycopg.connect(cluster.superuser(), autocommit=True) as conn:
        conn.execute(psycopg.sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(psycopg.sql.Identifier(name)))
    with connect(db.url()) as conn:
        init_team(conn)
    if plain_names:
        db.member = lambda who: who
    crew = make_crew(db, tmp, _Env())
    with crew.store("lea") as store:
        seed(store)
    for who in ("lea", "alice", "bob"):
        crew.join(who)
    return cluster, crew


def stop_cluster(cluster: Cluster, tmp: Path) -> None:
    run_as = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    subprocess.run([*run_as, str(cluster.bin / "pg_ctl"), "-D", str(tmp / "data"), "-m", "immediate", "stop"],
                   capture_output=True, cwd=tmp)


def measure(samples: int = 50, verbose: bool = True) -> list[float]:
    """Latencies (seconds) of ``samples`` tags by bob reaching alice's window."""
    tmp = Path(tempfile.mkdtemp(prefix="annotator-live-"))
    os.environ["ANNOTATOR_HOME"] = str(tmp / "home")
    cluster, crew = start_crew(tmp)
    child = subprocess.Popen([sys.executable, __file__, "--bob", str(crew.project("bob")), crew.url("bob")],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    replies: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [replies.put(line) for line in child.stdout], daemon=True).start()
    app = gui_app.application()
    window = gui_app.open_window(str(crew.project("alice")), gui_app.settings(), user=crew.name("alice"))
    arrived: dict[str, float] = {}
    view = window.panes[0].view
    window.session.annotations_changed.connect(
        lambda _doc: arrived.update({i: time.time() for i in window.sync.spans if i not in arrived}))
    try:
        _wait(app, lambda: window.team.state == "synced", 30)
        arrived.update({i: 0.0 for i in window.sync.spans})
        latencies = []
        for n in range(samples):
            child.stdin.write(f"{n % 60}\n")
            child.stdin.flush()
            ann_id, started = _reply(app, replies)
            _wait(app, lambda: ann_id in arrived and view.has_span(ann_id), 30)
            latencies.append(arrived[ann_id] - started)
            if verbose:
                print(f"sample {n + 1:2d}: {latencies[-1] * 1000:7.1f} ms", flush=True)
        return latencies
    finally:
        child.stdin.close()
        child.wait(10)
        window.close()
        window.session.store.close()
        stop_cluster(cluster, tmp)
        shutil.rmtree(tmp, ignore_errors=True)


def _reply(app, replies: queue.Queue) -> tuple[str, float]:
    """Bob's answer, while alice's window keeps handling events."""
    end = time.monotonic() + 60
    while time.monotonic() < end:
        app.processEvents()
        try:
            ann_id, started = replies.get(timeout=0.005).split()
            return ann_id, float(started)
        except queue.Empty:
            continue
    raise SystemExit("bob's process did not answer (see its error above)")


def _wait(app, condition, seconds: float) -> None:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise SystemExit("timed out: the tag never reached alice's window")
        app.processEvents()
        time.sleep(0.002)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--display", action="store_true", help="keep DISPLAY (a real window)")
    parser.add_argument("--bob", nargs=2, metavar=("PROJECT", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bob:
        bob_loop(*args.bob)
        return 0
    if not args.display:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    latencies = sorted(measure(args.samples))
    median = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))]
    print(f"\n{len(latencies)} samples: median {median * 1000:.0f} ms (target ≤ {TARGET_MEDIAN * 1000:.0f} ms), "
          f"p99 {p99 * 1000:.0f} ms (target ≤ {TARGET_P99 * 1000:.0f} ms), max {latencies[-1] * 1000:.0f} ms")
    return 0 if median <= TARGET_MEDIAN and p99 <= TARGET_P99 else 1


if __name__ == "__main__":
    sys.exit(main())
