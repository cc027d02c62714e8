"""The comparison report at 100,000 and 1,000,000 annotations (issue 24), against a plain baseline in the same run.

Each case runs ``python -m annotator report PROJECT -o FILE`` as a subprocess (HTML or PDF, default or
``--all-spans``); its wall time is taken with ``time.perf_counter`` around the subprocess and its peak memory is
the child's own ``ru_maxrss`` (``os.wait4``). The baseline is plain Python in a subprocess too, alternated with
ours (ours, baseline, ours, baseline, …), medians reported:

- for the default report: ``sqlite3`` runs the same aggregates the report is built from (annotations per
  document, label, annotator, status and day; the distinct spans kept per document and label), reads the two
  compared annotators' spans (the agreement's input) and writes the counts as one HTML table;
- for ``--all-spans``: the same, and every annotation's row read and written as an HTML table row (escaped).

Targets: the default report within 3× the baseline; peak memory at most 300 MB at 1M for every case.

Data: the cached exchange projects of ``generate.py`` (8 documents × 400k characters, four annotators); they
are only read (the report opens a project read-only), never rebuilt here.

Usage: ``python benchmarks/scale_report.py [--sizes 100000 1000000] [--pairs 3] [--cases html pdf html-all pdf-all]``
(``--pairs 1`` for the long PDF appendix at 1M: it draws about a hundred thousand pages).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generate import exchange_project  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PAIR = ("amira", "bernd")

BASELINE = r'''
import html, sqlite3, sys
project, out, every = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
c = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
tally = c.execute("SELECT document, label, annotator, status, substr(created, 1, 10), COUNT(*) FROM annotations "
                  "GROUP BY 1, 2, 3, 4, 5").fetchall()
spans = c.execute("SELECT document, label, COUNT(DISTINCT start * 4294967296 + \"end\") FROM annotations "
                  "WHERE status != 'rejected' GROUP BY 1, 2").fetchall()
pair = c.execute("SELECT annotator, label, document, start, \"end\" FROM annotations WHERE annotator IN (?, ?)",
                 [PAIR_A, PAIR_B]).fetchall()
with open(out, "w", encoding="utf-8") as f:
    f.write("<!DOCTYPE html><html><body><table>")
    for row in tally + spans:
        f.write("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>\n")
    f.write("</table>")
    if every:
        f.write("<table>")
        cur = c.execute("SELECT d.title, a.label, a.quote, a.annotator, a.status, a.note FROM annotations a "
                        "JOIN documents d ON d.id = a.document ORDER BY a.document, a.start, a.\"end\", a.id")
        while rows := cur.fetchmany(1000):
            f.write("".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>\n"
                            for row in rows))
        f.write("</table>")
    f.write("</body></html>")
'''.replace("PAIR_A", repr(PAIR[0])).replace("PAIR_B", repr(PAIR[1]))


def run(argv: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one subprocess (which must succeed)."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    err = child.stderr.read().decode(errors="replace")
    child.stderr.close()
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({child.returncode}): {err}")
    return seconds, usage.ru_maxrss / 1024


def case(project: Path, kind: str, pairs: int, folder: Path) -> dict:
    every = kind.endswith("-all")
    out = folder / ("r.pdf" if kind.startswith("pdf") else "r.html")
    ours = [sys.executable, "-m", "annotator", "report", str(project), "-o", str(out), "--pair", *PAIR]
    ours += ["--all-spans"] if every else []
    plain = [sys.executable, "-c", BASELINE, str(project), str(folder / "baseline.html"), "1" if every else "0"]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    mine, base = [], []
    for _ in range(pairs):
        mine.append(run(ours, env))
        base.append(run(plain))
    t, b = statistics.median(s for s, _ in mine), statistics.median(s for s, _ in base)
    return {"case": kind, "seconds": t, "baseline": b, "ratio": t / b, "peak_mb": max(m for _, m in mine),
            "baseline_mb": max(m for _, m in base), "size_mb": out.stat().st_size / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--pairs", type=int, default=3, help="alternated runs of ours and the baseline (medians)")
    parser.add_argument("--cases", nargs="+", default=["html", "pdf", "html-all", "pdf-all"],
                        choices=["html", "pdf", "html-all", "pdf-all"])
    args = parser.parse_args()
    print(f"{'annotations':>11}  {'case':<9} {'ours s':>8} {'base s':>8} {'ratio':>6} {'peak MB':>8} "
          f"{'base MB':>8} {'file MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            project = exchange_project(n)
            for kind in args.cases:
                r = case(project, kind, args.pairs, Path(tmp))
                print(f"{n:>11,}  {r['case']:<9} {r['seconds']:>8.1f} {r['baseline']:>8.1f} {r['ratio']:>6.2f} "
                      f"{r['peak_mb']:>8.0f} {r['baseline_mb']:>8.0f} {r['size_mb']:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
