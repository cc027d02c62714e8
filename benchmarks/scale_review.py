"""``review --json`` and ``agreement`` at 100,000 and 1,000,000 annotations against a plain baseline (issue 24).

The data is ``generate.exchange_project(n)`` (8 documents of 400,000 characters, four annotators; two of them are
compared, amira and bernd: a quarter of the annotations each). Every command runs as a subprocess
(``python -m annotator ...``, the way a person runs it) on a copy of the project, alternated with the baseline:

* the **baseline** ("token kappa in plain Python", the issue's reference): a fresh process that reads the two
  annotators' spans with plain ``sqlite3`` ordered by document and start, and per document reads its text,
  finds its tokens (``\\w+|[^\\w\\s]``), gives each token each annotator's label (or ``O``) and adds the pairs to
  one table; Cohen's kappa at the end. The same shape of work as ours: read spans, compare per document.
* ``review A B --json``: wall time, the time to its first byte on the pipe, and peak memory (the child's
  ``ru_maxrss``);
* ``agreement A B``: wall time and peak memory.

Medians of the alternated runs (``--pairs``, default 5 at 100k and 3 at 1M) and the ratios to the baseline
against the targets (review <= 3x, first byte < 1 s, peak <= 500 MB at 1M; agreement <= 2x).

Usage: ``python benchmarks/scale_review.py [--sizes 100000 1000000] [--pairs N] [--a amira] [--b bernd]``
(the baseline is ``benchmarks/review_baseline.py PROJECT A B``: the standard library only, so that its process
starts as fast as a plain script does).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # the checkout, when not installed

from generate import exchange_project  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"review": 3.0, "agreement": 2.0}


def run(argv: list[str]) -> dict:
    """Run ``python argv`` from the repository root: wall time, first-byte time, peak memory (MB), exit code."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *argv], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    first = proc.stdout.read(1)
    t_first = time.perf_counter() - t0
    size = len(first)
    while chunk := proc.stdout.read(1 << 16):
        size += len(chunk)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    if proc.returncode:
        raise SystemExit(f"{' '.join(argv)} failed with exit code {proc.returncode}")
    return {"wall": wall, "first": t_first, "peak": usage.ru_maxrss / 1024, "bytes": size}


def measure(n: int, pairs: int, a: str, b: str, work: Path) -> dict:
    project = work / f"exchange-{n}.sqlite"
    shutil.copyfile(exchange_project(n), project)
    kinds = {
        "baseline": [str(Path(__file__).resolve().parent / "review_baseline.py"), str(project), a, b],
        "review": ["-m", "annotator", "review", str(project), a, b, "--json"],
        "agreement": ["-m", "annotator", "agreement", str(project), a, b],
    }
    runs: dict[str, list[dict]] = {k: [] for k in kinds}
    for _ in range(pairs):
        for kind, argv in kinds.items():  # alternated: baseline, review, agreement, baseline, ...
            runs[kind].append(run(argv))
    project.unlink()
    return {kind: {key: statistics.median(r[key] for r in rs) for key in rs[0]} for kind, rs in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--pairs", type=int, help="alternated runs (default 5 at 100k and 3 at 1M)")
    parser.add_argument("--a", default="amira")
    parser.add_argument("--b", default="bernd")
    args = parser.parse_args()
    print(f"| annotations | command | median time | ratio to baseline (target) | first byte | peak memory |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="scale-review-") as tmp:
        for n in args.sizes:
            pairs = args.pairs or (5 if n <= 100_000 else 3)
            m = measure(n, pairs, args.a, args.b, Path(tmp))
            base = m["baseline"]["wall"]
            print(f"| {n:,} | baseline: token kappa in plain Python | {base:.2f} s | — | — | "
                  f"{m['baseline']['peak']:.0f} MB |")
            for kind in ("review", "agreement"):
                r = m[kind]
                first = f"{r['first']:.2f} s" if kind == "review" else "—"
                print(f"| {n:,} | `{kind} {args.a} {args.b}{' --json' if kind == 'review' else ''}` | "
                      f"{r['wall']:.2f} s | {r['wall'] / base:.2f}× (≤ {TARGETS[kind]:g}×) | {first} | "
                      f"{r['peak']:.0f} MB |", flush=True)


if __name__ == "__main__":
    main()
