"""Agreement and review at scale: two annotators, 100,000 spans each, ~3 MB of text.

Generates a varied text (random words from a Zipf-like vocabulary, sentences of
varying length, paragraphs), then annotator ``a`` with 100,000 spans and
annotator ``b`` correlated with it: about 70% of ``a``'s spans copied exactly,
some with shifted bounds, some relabelled, some dropped and replaced by spans
elsewhere; each annotator's list is in the order the store returns it
(document, start, end, id). Times :func:`annotator.core.agreement.agreement_report` and
:func:`annotator.core.review.categorize` (median of N runs, default 3) and
prints them against the targets (the report in <= 0.5 s, issue 16; the
review categories in < 1 s), with the CPU time too (the wall-clock time
suffers when other processes share the machine).

Usage: ``python benchmarks/agreement.py [--runs 3] [--spans 100000] [--mb 3] [--docs 1] [--seed 7]``
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import time

from annotator.core.agreement import agreement_report
from annotator.core.model import Annotation
from annotator.core.review import categorize

LABELS = ["Claim", "Evidence", "Actor", "Place", "Date", "Quote", "Number", "Other"]
LABEL_WEIGHTS = [30, 20, 15, 10, 8, 7, 6, 4]


def make_text(rng: random.Random, size: int) -> str:
    """About ``size`` code points of varied prose-like text."""
    letters = "abcdefghijklmnopqrstuvwxyzàéöß"
    vocab = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 11))) for _ in range(20000)]
    weights = [1.0 / (k + 1) for k in range(len(vocab))]  # Zipf-like
    paragraphs: list[str] = []
    n = 0
    while n < size:
        sentences = []
        for _ in range(rng.randint(1, 8)):
            words = rng.choices(vocab, weights, k=rng.randint(3, 30))
            for k in range(len(words)):
                r = rng.random()
                if r < 0.05:
                    words[k] += ","
                elif r < 0.07:
                    words[k] = f"«{words[k]}»"
                elif r < 0.08:
                    words[k] = str(rng.randint(1, 100000))
            words[0] = words[0].capitalize()
            sentences.append(" ".join(words) + rng.choice(".....!?;"))
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        n += len(paragraph) + 2
    return "\n\n".join(paragraphs)


def make_annotations(
    rng: random.Random, texts: dict[str, str], count: int
) -> tuple[list[Annotation], list[Annotation]]:
    """Two correlated annotators with ``count`` spans each."""
    tokens: list[tuple[str, int, int]] = []
    for doc, text in texts.items():
        tokens.extend((doc, m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", text))
    # Slots of tokens, one span per slot: mostly disjoint, as annotators rarely
    # overlap their own spans; about 3% run on into the next slot (overlaps).
    positions = sorted(rng.sample(range(len(tokens) - 8), count + count // 5))
    positions.append(len(tokens) - 1)
    spans_a = []
    spans_extra = []
    for k, p in enumerate(positions[:-1]):
        room = positions[k + 1] - p
        length = rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6))
        if rng.random() > 0.03:
            length = min(length, room)
        q = min(p + length - 1, len(tokens) - 1)
        if tokens[q][0] != tokens[p][0]:
            q = p
        target = spans_extra if k % 6 == 5 else spans_a
        target.append((tokens[p][0], tokens[p][1], tokens[q][2]))
    spans_a = spans_a[:count]
    label = lambda: rng.choices(LABELS, LABEL_WEIGHTS)[0]  # noqa: E731
    a = [(d, s, e, label()) for d, s, e in spans_a]
    b = []
    for d, s, e, lab in a:
        r = rng.random()
        if r < 0.70:
            b.append((d, s, e, lab))
        elif r < 0.82:  # shifted bounds
            n = len(texts[d])
            s2 = max(0, s + rng.randint(-6, 6))
            e2 = min(n, max(s2 + 1, e + rng.randint(-6, 6)))
            b.append((d, s2, e2, lab))
        elif r < 0.92:  # relabelled
            b.append((d, s, e, rng.choice([x for x in LABELS if x != lab])))
        # else: dropped, replaced below
    extra = iter(spans_extra)
    while len(b) < count:
        d, s, e = next(extra)
        b.append((d, s, e, label()))

    def build(rows, who):
        anns = [
            Annotation(id=f"{who}{k}", document=d, label=lab, start=s, end=e, quote=texts[d][s:e], annotator=who)
            for k, (d, s, e, lab) in enumerate(rows)
        ]
        # In the order the store lists them (ORDER BY document, start, end, id).
        anns.sort(key=lambda a: (a.document, a.start, a.end, a.id))
        return anns

    return build(a, "a"), build(b, "b")


def median_time(fn, runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds of ``runs`` calls."""
    wall = []
    cpu = []
    for _ in range(runs):
        t0 = time.perf_counter()
        c0 = time.process_time()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - t0)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--spans", type=int, default=100_000)
    parser.add_argument("--mb", type=float, default=3.0)
    parser.add_argument("--docs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    size = int(args.mb * 1_000_000)
    texts = {f"doc{k}": make_text(rng, size // args.docs) for k in range(args.docs)}
    ann_a, ann_b = make_annotations(rng, texts, args.spans)
    annotations = ann_a + ann_b
    chars = sum(map(len, texts.values()))
    print(f"text: {chars:,} code points in {args.docs} document(s); spans: {len(ann_a):,} + {len(ann_b):,}")

    report = agreement_report(texts, annotations, ["a", "b"])
    items = categorize(ann_a, ann_b)
    print(f"tokens: {report['tokens']:,}; review items: {len(items):,}")
    print(
        "cohen {cohen_kappa:.3f}  fleiss {fleiss_kappa:.3f}  alpha {krippendorff_alpha:.3f}  "
        "alpha_u {krippendorff_alpha_u:.3f}  F1 exact {e:.3f}  overlap {o:.3f}".format(
            e=report["span_f1"]["exact"], o=report["span_f1"]["overlap"], **report
        )
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    report_times = median_time(lambda: agreement_report(texts, annotations, ["a", "b"]), args.runs)
    review_times = median_time(lambda: categorize(ann_a, ann_b), args.runs)
    rows = [
        (f"agreement_report (2 x {args.spans:,} spans)", *report_times, 0.5),
        (f"categorize (2 x {args.spans:,} spans)", *review_times, 1.0),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"\nmedian of {args.runs} runs; {os.cpu_count()} cores, load average {load:.2f} before timing")
    print(f"{'operation':<{width}}  wall (s)  cpu (s)  target (s)  ok")
    for name, wall, cpu, target in rows:
        print(f"{name:<{width}}  {wall:>8.3f}  {cpu:>7.3f}  {target:>10.1f}  {'yes' if wall <= target else 'NO'}")


if __name__ == "__main__":
    main()
