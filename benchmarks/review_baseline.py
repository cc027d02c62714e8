"""The baseline of ``benchmarks/scale_review.py``: token Cohen's kappa in plain Python (standard library only).

Reads annotators A's and B's spans with plain ``sqlite3`` ordered by document and start; per document reads its
text, finds its tokens (``\\w+|[^\\w\\s]``), gives each token each annotator's label (``O`` when none) and adds
the pairs to one table; prints Cohen's kappa. Usage: ``python benchmarks/review_baseline.py PROJECT A B``.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from bisect import bisect_left
from collections import Counter
from itertools import groupby
from operator import itemgetter

TOKEN = re.compile(r"\w+|[^\w\s]")


def baseline(path: str, a: str, b: str) -> float | None:
    """Token Cohen's kappa of annotators ``a`` and ``b`` in plain Python over spans read with plain sqlite3."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = con.execute('SELECT document, annotator, label, start, "end" FROM annotations '
                       "WHERE annotator IN (?, ?) ORDER BY document, start", (a, b))
    table: Counter = Counter()
    for doc, spans in groupby(rows, itemgetter(0)):
        text = con.execute("SELECT text FROM document_texts WHERE id = ?", (doc,)).fetchone()[0]
        starts = [m.start() for m in TOKEN.finditer(text)]
        columns = {a: ["O"] * len(starts), b: ["O"] * len(starts)}
        for _, who, label, start, end in spans:
            column = columns[who]
            for k in range(bisect_left(starts, start), bisect_left(starts, end)):
                column[k] = label
        table.update(zip(columns[a], columns[b]))
    n = sum(table.values())
    if not n:
        return None
    left: Counter = Counter()
    right: Counter = Counter()
    for (x, y), w in table.items():
        left[x] += w
        right[y] += w
    observed = sum(w for (x, y), w in table.items() if x == y) / n
    expected = sum(left[c] * right[c] for c in left) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else None


if __name__ == "__main__":
    print(baseline(*sys.argv[1:4]))
