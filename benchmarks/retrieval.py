"""Retrieval by code over a big project: segments, the matrix, co-occurrence, and the Segments dock's re-read.

On the cached exchange project (``generate.py``; default 200,000 annotations over 8 documents), prints:

- ``segments`` of one code with 40 characters of context, streamed to a null CSV writer: time and peak memory
  (tracemalloc) — the memory stays flat because the store is read in batches;
- ``segments`` of every code (all rows), the same;
- the matrix by document and by annotator, with children rolled up;
- co-occurrence (a sweep of every segment in reading order);
- the Segments dock's re-read (the first 2,000 rows and the count), which runs after a tag while the dock is shown.

Usage: ``python benchmarks/retrieval.py [--annotations 200000]``
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from generate import exchange_project  # noqa: E402

from annotator.core.retrieval import cooccurrence, matrix, segments, write_segments  # noqa: E402
from annotator.core.store import Store  # noqa: E402


def timed(name: str, fn) -> object:
    """Run ``fn`` twice: timed, then under tracemalloc for its peak memory (which slows it down)."""
    t0 = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - t0
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{name:<48} {seconds:7.2f} s   peak {peak / 1e6:6.1f} MB")
    return value


def dock_reload(path: Path, label: str) -> None:
    from annotator.gui import app as gui_app
    from annotator.gui.panels.segments_dock import SegmentsDock
    from annotator.gui.session import ProjectSession

    gui_app.application()
    session = ProjectSession(Store.open(path, readonly=True), "bench")
    dock = SegmentsDock(session)
    dock.show()
    dock.code.setCurrentIndex(dock.code.findData(label))
    timed(f"Segments dock re-read ({label}, first 2,000)", dock.reload)
    dock.code.setCurrentIndex(0)
    timed("Segments dock re-read (every code)", dock.reload)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=200_000)
    n = parser.parse_args().annotations
    path = exchange_project(n)
    with Store.open(path, readonly=True) as store:
        label = max(store.label_counts().items(), key=lambda kv: kv[1])[0]
        print(f"{n:,} annotations, {len(store.documents())} documents; code {label!r}: "
              f"{store.label_counts()[label]:,} segments")
        timed(f"segments --label {label} --context 40 (CSV)",
              lambda: write_segments(segments(store, [label], context=40), _Null(), "csv"))
        timed("segments, every code, --context 40 (CSV)",
              lambda: write_segments(segments(store, context=40), _Null(), "csv"))
        timed("matrix by document, with children", lambda: matrix(store, "document", True))
        timed("matrix by annotator, with children", lambda: matrix(store, "annotator", True))
        pairs = timed("co-occurrence", lambda: cooccurrence(store))
        print(f"  {len(pairs)} pairs of codes overlap")
    dock_reload(path, label)


class _Null(io.StringIO):
    def write(self, text: str) -> int:  # nothing kept: the peak is the reading's, not the output's
        return len(text)


if __name__ == "__main__":
    main()
