"""The comparison report of a 10,000-annotation project (target: the HTML report in under 3 s).

Builds (once, cached) 8 documents of 60,000 characters with 10,000 annotations from several annotators, links
400 Figure pairs across documents and 300 Claims to Actors ("said by"), then times, median of 3 runs:

- the HTML report end to end (read the project, discrepancies, claims by actor, agreement, five charts as
  SVG, the linked spans with their sentences (every span only with
  ``--all-spans``, see scale_report.py), the page written): the figure the target is about;
- the PDF of the same report (Qt, offscreen), for information.

Usage: ``python benchmarks/report.py [--annotations 10000] [--no-pdf]``
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from generate import build_exchange_project, cache_dir  # noqa: E402

from annotator.core.report import build_report, report_title, write_html  # noqa: E402
from annotator.core.store import Store  # noqa: E402


def project(n: int) -> Path:
    path = cache_dir() / f"report-{n}.sqlite"
    if path.exists():
        return path
    tmp = path.with_suffix(".building")
    build_exchange_project(tmp, n=n, docs=8, chars_per_doc=60_000, seed=20251202)
    store = Store.open(tmp)
    rng = random.Random(7)
    anns = store.annotations()
    figures = [a for a in anns if a.label == "Figure"]
    claims = [a for a in anns if a.label == "Claim"]
    actors = [a for a in anns if a.label == "Actor"]
    with store.transaction():
        for _ in range(400):
            a, b = rng.sample(figures, 2)
            if a.document != b.document:
                store.add_link("contradicts", a.id, b.id, "alice")
        for claim in rng.sample(claims, 300):
            store.add_link("said by", claim.id, rng.choice(actors).id, "alice")
    store.close()
    tmp.replace(path)
    return path


def timed(fn, runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=10_000)
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    path = project(args.annotations)
    out = Path(tempfile.mkdtemp(prefix="annotator-report-"))

    def html():
        with Store.open(path, create=False, readonly=True) as store:
            return write_html(store, out / "report.html")

    seconds, data = timed(html)
    size = (out / "report.html").stat().st_size
    print(f"HTML report: {data.annotation_count:,} annotations, {len(data.documents)} documents, "
          f"{len(data.figures)} figure pairs, {len(data.actors)} actors -> {size / 1e6:.1f} MB in "
          f"median {seconds:.2f} s (target < 3 s)")
    if args.no_pdf:
        return
    from annotator.gui.report_pdf import write_pdf

    def pdf():
        with Store.open(path, create=False, readonly=True) as store:
            data, blocks = build_report(store)
        return write_pdf(blocks, out / "report.pdf", report_title(data))

    seconds, pages = timed(pdf, runs=1)
    print(f"PDF report: {pages:,} pages in {seconds:.2f} s")


if __name__ == "__main__":
    main()
