"""Issue 24: ``backup``, ``check`` and ``discrepancies`` at 100,000 and 1,000,000 annotations, each against its
plain baseline in the same run.

Every row runs ``python -m annotator ...`` as a subprocess, alternated with its baseline, and reports the medians
of the pairs, their ratio and the peak RSS of our process (``os.wait4``):

* ``backup -o FILE`` against ``sqlite3 FILE "VACUUM INTO 'copy'"`` run by the sqlite3 shell (target ≤ 1.5×);
* ``check`` (the quick check a backup runs) against ``PRAGMA quick_check; PRAGMA foreign_key_check`` in the
  shell, and ``check --full`` against ``PRAGMA integrity_check; PRAGMA foreign_key_check`` (target ~1.1×);
* ``discrepancies`` with 10,000 links (7,000 between Figure spans, 3,000 "same as" between Actor spans, added
  to a copy of the project) against the shell reading the same linked pairs with a join.

The projects are those of ``benchmarks/generate.py`` (``exchange_project``), copied to a scratch folder first
(nothing is written to the cache). Usage::

    python benchmarks/scale_backup.py [--sizes 100000 1000000] [--pairs 3] [--only backup check full discrepancies]
        [--scratch DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import exchange_project  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ROWS = ("backup", "check", "full", "discrepancies")
SQLITE = shutil.which("sqlite3")
JOIN = ("SELECT l.id, l.type, a.label, a.quote, a.document, b.label, b.quote, b.document FROM links l "
        "JOIN annotations a ON a.id = l.source JOIN annotations b ON b.id = l.target ORDER BY l.created, l.id")


def timed(cmd: list[str], stdout=subprocess.DEVNULL) -> tuple[float, int]:
    """Seconds and peak RSS (MB) of one subprocess; fails loudly when it fails."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0,):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err}")
    return elapsed, usage.ru_maxrss // 1024


def linked_copy(source: Path, target: Path, links: int = 10_000) -> Path:
    """A copy of ``source`` with ``links`` links between existing spans (70% Figure pairs, 30% Actor pairs)."""
    shutil.copyfile(source, target)
    conn = sqlite3.connect(target)
    figures, actors = links * 7 // 10, links - links * 7 // 10
    rows = []
    for label, n in (("Figure", figures), ("Actor", actors)):
        ids = [r[0] for r in conn.execute("SELECT id FROM annotations WHERE label = ? LIMIT ?", [label, 2 * n])]
        rows += [(f"bench-{label}-{i}", "same as", ids[i], ids[i + n], "amira", "", "2025-11-21T00:00:00Z")
                 for i in range(n)]
    with conn:
        conn.executemany("INSERT INTO links (id, type, source, target, annotator, note, created) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return target


def compare(name: str, ours: list[str], base: list[str], pairs: int, before=None) -> dict:
    t_ours, t_base, rss = [], [], []
    for _ in range(pairs):
        for cmd, into in ((ours, t_ours), (base, t_base)):
            if before:
                before()
            seconds, peak = timed(cmd)
            into.append(seconds)
            if cmd is ours:
                rss.append(peak)
    row = {"name": name, "ours": statistics.median(t_ours), "base": statistics.median(t_base), "rss": max(rss)}
    row["ratio"] = row["ours"] / row["base"]
    print(f"{name:<34} ours {row['ours']:6.2f} s   baseline {row['base']:6.2f} s   ×{row['ratio']:.2f}   "
          f"peak RSS {row['rss']} MB   (runs: {', '.join(f'{t:.2f}' for t in t_ours)} / "
          f"{', '.join(f'{t:.2f}' for t in t_base)})", flush=True)
    return row


def run_size(n: int, pairs: int, scratch: Path, only: list[str]) -> list[dict]:
    project = scratch / f"p{n}.sqlite"
    shutil.copyfile(exchange_project(n), project)
    linked = linked_copy(project, scratch / f"linked{n}.sqlite")
    out, vac = scratch / "backup.sqlite", scratch / "vacuum.sqlite"

    def clear() -> None:
        for path in (out, vac):
            path.unlink(missing_ok=True)

    py = [sys.executable, "-m", "annotator"]
    print(f"-- {n:,} annotations ({project.stat().st_size / 1e6:.0f} MB), {pairs} alternated pairs", flush=True)
    rows = {
        "backup": lambda: compare(f"backup -o ({n:,})", [*py, "backup", str(project), "-o", str(out)],
                                  [SQLITE, str(project), f"VACUUM INTO '{vac}'"], pairs, clear),
        "check": lambda: compare(f"check ({n:,})", [*py, "check", str(project)],
                                 [SQLITE, str(project), "PRAGMA quick_check; PRAGMA foreign_key_check"], pairs),
        "full": lambda: compare(f"check --full ({n:,})", [*py, "check", "--full", str(project)],
                                [SQLITE, str(project), "PRAGMA integrity_check; PRAGMA foreign_key_check"], pairs),
        "discrepancies": lambda: compare(f"discrepancies, 10k links ({n:,})", [*py, "discrepancies", str(linked)],
                                         [SQLITE, str(linked), JOIN], pairs),
    }
    done = [rows[name]() for name in only]
    clear()
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=ROWS, default=list(ROWS), help="only these rows")
    parser.add_argument("--scratch", type=Path, help="folder for the copies (default: a temporary folder)")
    args = parser.parse_args()
    if SQLITE is None:
        raise SystemExit("The sqlite3 shell is needed for the baselines (apt install sqlite3).")
    print(f"sqlite3 shell {subprocess.run([SQLITE, '--version'], capture_output=True, text=True).stdout.split()[0]},"
          f" Python's sqlite3 {sqlite3.sqlite_version}; load average {os.getloadavg()[0]:.1f}", flush=True)
    starts = [timed([sys.executable, "-m", "annotator", "--version"])[0] for _ in range(5)]
    print(f"the command line's own start (annotator --version): {statistics.median(starts):.2f} s, in every row "
          "below", flush=True)
    with tempfile.TemporaryDirectory(dir=args.scratch) as tmp:
        for n in args.sizes:
            run_size(n, args.pairs, Path(tmp), args.only)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
