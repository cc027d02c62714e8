"""Suggestions on a 3 MB text built from the seeds (target: under 2 s). Usage: python benchmarks/suggest.py"""

from __future__ import annotations

import statistics
import time

from annotator.core.paths import seeds_dir
from annotator.core.suggest import suggest


def main() -> None:
    ft, wire = (p.read_text(encoding="utf-8") for p in sorted(seeds_dir().glob("*.txt")))
    unit = ft + "\n" + wire + "\n🇺🇦 𝐁\n"
    text = (unit * (3_000_000 // len(unit) + 1))[:3_000_000]
    suggest("warm-up", unit, [])
    times = []
    for _ in range(3):
        started = time.perf_counter()
        result = suggest("big", text, [], actor_names={"Witkoff", "Lavrov", "Ushakov", "Kyiv"})
        times.append(time.perf_counter() - started)
    print(f"suggest on {len(text):,} code points: {len(result):,} suggestions, "
          f"median {statistics.median(times):.2f} s (target < 2 s)")


if __name__ == "__main__":
    main()
