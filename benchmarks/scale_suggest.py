"""``annotator suggest --json`` at scale (issue 24), against a plain baseline in the same run.

Data (cached by benchmarks/generate.py, copied here before use): ``big_project()`` — one 3 MB document with 50,000
tags — and ``exchange_project(100_000)`` — 8 documents of 400,000 characters with 100,000 tags (``--million``:
the 1,000,000-tag one too). Each row runs, as subprocesses in alternated pairs:

- ours: ``python -m annotator suggest COPY --json`` (groups, ranked; docs/formats.md "Suggestions");
- the baseline: a script that reads every document's text with sqlite3, runs two regexes over it — numbers, and
  pairs of capitalised words — and prints the matches as JSON (the "two regexes" of the issue).

Printed per row: the medians of the wall times, their ratio, the peak memory (ru_maxrss of each child, from
os.wait4) and the suggestion counts (groups, occurrences). Usage:
``python benchmarks/scale_suggest.py [--pairs 3] [--million]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import big_project, exchange_project  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

BASELINE = r"""
import json, re, sqlite3, sys
numbers = re.compile(r"\d[\d,.]*\d|\d")
names = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
found = []
for doc_id, text in db.execute("SELECT id, text FROM document_texts"):
    for pattern in (numbers, names):
        found += [[doc_id, m.start(), m.end(), m.group()] for m in pattern.finditer(text)]
json.dump(found, sys.stdout, ensure_ascii=False)
"""


def run(argv: list[str], out: Path) -> tuple[float, int]:
    """Wall seconds and peak memory (bytes) of one child process writing its standard output to ``out``."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with out.open("wb") as sink:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdout=sink, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{argv[:4]} failed with exit code {child.returncode}")
    return elapsed, usage.ru_maxrss * 1024


def row(name: str, source: Path, pairs: int, work: Path) -> None:
    copy = work / f"{name}.sqlite"
    shutil.copyfile(source, copy)
    ours_out, base_out = work / f"{name}-ours.json", work / f"{name}-baseline.json"
    ours, base = [], []
    for _ in range(pairs):  # alternated: ours, then the baseline, on the same copy
        ours.append(run([sys.executable, "-m", "annotator", "suggest", str(copy), "--json"], ours_out))
        base.append(run([sys.executable, "-c", BASELINE, str(copy)], base_out))
    groups = json.loads(ours_out.read_text(encoding="utf-8"))
    occurrences = sum(g["count"] for g in groups)
    t_ours, t_base = (statistics.median(t for t, _ in runs) for runs in (ours, base))
    m_ours, m_base = (max(m for _, m in runs) for runs in (ours, base))
    print(f"{name}: suggest --json {t_ours:.2f} s, {m_ours / 2**20:.0f} MB peak; two regexes {t_base:.2f} s, "
          f"{m_base / 2**20:.0f} MB; ratio {t_ours / t_base:.1f}x; {len(groups):,} suggestions "
          f"({occurrences:,} occurrences), {len(json.loads(base_out.read_text(encoding='utf-8'))):,} regex matches "
          f"[medians of {pairs} alternated pairs; runs ours {', '.join(f'{t:.2f}' for t, _ in ours)}]", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=3, help="alternated runs of ours and the baseline (default 3)")
    parser.add_argument("--million", action="store_true", help="the 1,000,000-annotation project too")
    args = parser.parse_args()
    rows = [("big-3MB-50k", big_project()), ("exchange-100k", exchange_project(100_000))]
    if args.million:
        rows.append(("exchange-1M", exchange_project(1_000_000)))
    with tempfile.TemporaryDirectory(prefix="scale-suggest-") as folder:
        for name, source in rows:
            row(name, source, args.pairs, Path(folder))


if __name__ == "__main__":
    main()
