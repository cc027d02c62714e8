"""A corpus of 10,000 generated documents (about 5 KB each): adding them, opening the library, searching.

Targets (issue 5): the library dock opens in under 200 ms (texts are not loaded until a document is opened),
and a corpus search answers in under 50 ms. Adding all documents has no target; its figure is reported.

Usage: ``python benchmarks/corpus.py [--docs 10000] [--chars 5000] [--runs 5]`` (Qt offscreen unless DISPLAY).
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
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")
os.environ.setdefault("ANNOTATOR_HOME", tempfile.mkdtemp(prefix="annotator-bench-home-"))

from generate import make_text  # noqa: E402

from annotator.core.store import Store  # noqa: E402

QUERIES = ("peace plan", "minister", "security guarantees", "Witkoff", "2025")


def build(path: Path, docs: int, chars: int, seed: int = 5) -> float:
    """Add ``docs`` generated documents in one transaction (as File > Add documents does); returns seconds."""
    rng = random.Random(seed)
    texts = [make_text(rng, chars) for _ in range(docs)]
    # Sprinkle the query phrases so searches have hits of every frequency.
    for i, phrase in enumerate(("Steve Witkoff", "security guarantees", "peace plan")):
        for j in range(0, docs, 7 * (i + 1) ** 2):
            texts[j] = texts[j] + f"\n{phrase} was mentioned again."
    store = Store.open(path)
    started = time.perf_counter()
    with store.transaction():
        for i, text in enumerate(texts):
            store.add_document(text, f"Report {i:05d}", source=("Wire", "Paper", "Broadcast")[i % 3],
                               published=f"2025-11-{1 + i % 28:02d}")
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed


def time_library(path: Path, runs: int) -> list[float]:
    """Constructing the Library dock on the project, filling it, and painting it once."""
    from annotator.gui import app as gui_app
    from annotator.gui.panels.library_dock import LibraryDock
    from annotator.gui.session import ProjectSession

    qapp = gui_app.application()
    store = Store.open(path)
    session = ProjectSession(store, "bench")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        dock = LibraryDock(session)
        dock.resize(1200, 400)
        dock.reload()
        dock.show()
        dock.repaint()
        qapp.processEvents()
        times.append(time.perf_counter() - started)
        dock.close()
        dock.deleteLater()
        qapp.processEvents()
    store.close()
    return times


def time_search(path: Path, runs: int) -> dict[str, tuple[float, int]]:
    store = Store.open(path)
    out = {}
    for query in QUERIES:
        times, hits = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            hits = len(store.search_documents(query)) + len(store.search_annotations(query))
            times.append(time.perf_counter() - started)
        out[query] = (statistics.median(times), hits)
    store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--chars", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.sqlite"
        added = build(path, args.docs, args.chars)
        size = path.stat().st_size / 1e6
        library = time_library(path, args.runs)
        searches = time_search(path, args.runs)
    print(f"corpus: {args.docs:,} documents of ~{args.chars:,} characters; project file {size:,.0f} MB; "
          f"{os.cpu_count()} cores")
    print(f"{'workload':<44}{'measured':>12}{'target':>10}  ok")
    print(f"{'add every document (one transaction)':<44}{added:>11.1f}s{'-':>10}")
    med = statistics.median(library)
    print(f"{'open the library dock (median)':<44}{med * 1000:>10.0f}ms{'200ms':>10}  {'yes' if med < 0.2 else 'NO'}")
    for query, (seconds, hits) in searches.items():
        name = f"search {query!r} ({hits} hits)"
        print(f"{name:<44}{seconds * 1000:>10.1f}ms{'50ms':>10}  {'yes' if seconds < 0.05 else 'NO'}")


if __name__ == "__main__":
    main()
