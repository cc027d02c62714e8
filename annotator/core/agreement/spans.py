"""Spans per label: unitizing alpha and span F1 (maximum matching of overlapping spans).

Both are computed on numpy arrays: each annotator's spans are keyed ``label * block + start`` (``block``
one more than the continuum's length), so one sorted array holds every label's spans, each label on a
stretch of its own, and one pass over it does every label at once. Components of overlapping spans of one
span, or of one span of each annotator, are counted with array operations; larger ones (rare) by
:func:`_component`. Every sum is an exact integer.
"""


from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from heapq import heappop, heappush
from itertools import accumulate, chain
from operator import le, lt
from typing import Sequence

from annotator.core.agreement.common import _components, _distinct_counts, _merged
from annotator.core.lazy import lazy_module

np = lazy_module("numpy")

#: Up to this many (label, length) pairs, lengths are counted with a histogram rather than by sorting.
_COUNTING_LIMIT = 1 << 20


# --------------------------------------------------------------------------- #
# Spans per label: span F1 and unitizing alpha
# --------------------------------------------------------------------------- #


class _Side:
    """One annotator's spans, sorted by label and start, with its units and gaps per label.

    ``keys``/``kends`` are the spans' starts and ends on their label's stretch (``label * block + offset``),
    ``sizes`` the number of spans per label code, ``parts`` per label code the annotator's
    ``(unit length -> count, gap length -> count)``: overlapping spans unite into one unit; gaps are the
    rest of the continuum, cut at every document boundary.
    """

    __slots__ = ("keys", "kends", "sizes", "parts")

    def __init__(self, starts: np.ndarray, ends: np.ndarray, labels: np.ndarray, count: int, bounds: list[int]):
        block = bounds[-1] + 1
        keys = labels * block + starts
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.kends = (labels * block + ends)[order]
        self.sizes = np.bincount(labels, minlength=count).tolist()
        self.parts = _units_and_gaps(self.keys, self.kends, count, bounds)


def _units_and_gaps(keys: np.ndarray, kends: np.ndarray, count: int, bounds: list[int]) -> list[tuple[dict, dict]]:
    """Per label code, one annotator's ``(unit length -> count, gap length -> count)`` (see :class:`_Side`)."""
    length = bounds[-1]
    block = length + 1
    heads, sizes, reach = _components(keys, kends)  # the units
    unit_starts = keys[heads]
    unit_ends = reach[heads + sizes - 1]
    bases = np.arange(count, dtype=np.int64) * block
    gap_starts = np.sort(np.concatenate((bases, unit_ends)))
    gap_ends = np.sort(np.concatenate((unit_starts, bases + length)))
    real = gap_starts < gap_ends
    gap_starts, gap_ends = gap_starts[real], gap_ends[real]
    units = _counts_by_label(unit_starts // block, unit_ends - unit_starts, count, block)
    if len(bounds) > 2:
        gap_starts, gap_ends = _cut(gap_starts, gap_ends, bases, bounds)
    gaps = _counts_by_label(gap_starts // block, gap_ends - gap_starts, count, block)
    return list(zip(units, gaps))


def _cut(
    starts: np.ndarray, ends: np.ndarray, bases: np.ndarray, bounds: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint sections ``[starts, ends)`` on the labels' stretches cut at every document boundary."""
    cuts = (bases[:, None] + np.asarray(bounds[1:-1], dtype=np.int64)[None, :]).ravel()
    points = np.concatenate((starts, ends, cuts))
    steps = np.concatenate((np.ones(len(starts), np.int64), np.full(len(ends), -1), np.zeros(len(cuts), np.int64)))
    order = np.argsort(points, kind="stable")
    points = points[order]
    open_sections = np.cumsum(steps[order])[:-1]  # how many sections hold the stretch from each point on
    inside = (open_sections > 0) & (points[1:] > points[:-1])
    return points[:-1][inside], points[1:][inside]


def _counts_by_label(labels: np.ndarray, values: np.ndarray, count: int, block: int) -> list[dict[int, int]]:
    """Per label code, how often each value occurs (values below ``block``)."""
    out: list[dict[int, int]] = [{} for _ in range(count)]
    if not len(values):
        return out
    top = int(values.max()) + 1
    if count * top <= _COUNTING_LIMIT:  # a histogram is cheaper than sorting
        counts = np.bincount(labels * top + values, minlength=count * top)
        codes = np.flatnonzero(counts)
        counts = counts[codes]
    else:
        top = block
        codes, counts = _distinct_counts(labels * block + values)
    for code, n in zip(codes.tolist(), counts.tolist()):
        out[code // top][code % top] = n
    return out


def _label_sums(labels: np.ndarray, values: np.ndarray, count: int) -> list[int]:
    """The sum of ``values`` per label code, as exact integers (``labels`` sorted)."""
    totals = np.concatenate((np.zeros(1, np.int64), np.cumsum(values, dtype=np.int64)))
    cuts = np.searchsorted(labels, np.arange(count + 1))
    return (totals[cuts[1:]] - totals[cuts[:-1]]).tolist()


def _compare(x: _Side, y: _Side, count: int, block: int) -> tuple[list[int], list[int], list[int]]:
    """Per label code, two annotators' exact matches, maximum overlap matching and observed delta2 sum.

    Their spans in order of start fall into components of (transitively) overlapping spans. Almost every
    component is a single span (no match; as a unit it lies in a gap of the other annotator: delta2 =
    length^2), one span of each annotator (one overlap match, exact if the bounds are equal; delta2 =
    squared differences of the starts and of the ends) or two spans of one annotator (one unit in a gap of
    the other); larger ones go to :func:`_component`.
    """
    starts, ends, side = _merged((x.keys, x.kends), (y.keys, y.kends))
    heads, sizes, reach = _components(starts, ends)
    after = np.minimum(heads + 1, len(starts) - 1)
    cross = (sizes == 2) & (side[heads] != side[after])
    begin = starts[heads]
    moved = begin - starts[after]
    stretched = ends[heads] - ends[after]
    single = ends[heads] - begin
    united = reach[after] - begin
    delta = np.where(sizes == 1, single * single, 0)
    delta += np.where(cross, moved * moved + stretched * stretched, 0)
    delta += np.where((sizes == 2) & ~cross, united * united, 0)
    labels = begin // block
    exact = _label_sums(labels, cross & (moved == 0) & (stretched == 0), count)
    overlap = _label_sums(labels, cross, count)
    observed = _label_sums(labels, delta, count)
    larger = sizes > 2
    for h, n, c in zip(heads[larger].tolist(), sizes[larger].tolist(), labels[larger].tolist()):
        items = zip(starts[h : h + n].tolist(), ends[h : h + n].tolist(), side[h : h + n].tolist())
        ex, ov, de = _component(list(items))
        exact[c] += ex
        overlap[c] += ov
        observed[c] += de
    return exact, overlap, observed


def _component(items: list[tuple[int, int, int]]) -> tuple[int, int, int]:
    """(exact matches, maximum overlap matching, delta2 sum) for one component of overlapping spans."""
    spans = [sorted((s, e) for s, e, d in items if d == side) for side in (0, 1)]
    ca = Counter(spans[0])
    cb = Counter(spans[1])
    exact = sum(min(k, cb[key]) for key, k in ca.items() if key in cb)
    matched = _max_matching(*(list(col) for col in zip(*spans[0])), *(list(col) for col in zip(*spans[1]))) if (
        spans[0] and spans[1]
    ) else 0
    units = []
    for side in spans:
        merged: list[list[int]] = []
        for s, e in side:
            if merged and s < merged[-1][1]:
                if e > merged[-1][1]:
                    merged[-1][1] = e
            else:
                merged.append([s, e])
        units.append(merged)
    total = 0
    for mine, theirs in ((units[0], units[1]), (units[1], units[0])):
        # Units of one annotator are disjoint and sorted: those of the other overlapping [s, e) are the
        # consecutive ones from the first ending after s (a look-up, not a scan of them all).
        their_starts = [t for t, _ in theirs]
        their_ends = [f for _, f in theirs]
        n = len(theirs)
        for s, e in mine:
            k = bisect_right(their_ends, s)
            if k == n or their_starts[k] >= e:
                total += (e - s) * (e - s)
                continue
            while mine is units[0] and k < n and their_starts[k] < e:  # each overlapping pair once
                t, f = their_starts[k], their_ends[k]
                total += (s - t) * (s - t) + (e - f) * (e - f)
                k += 1
    return exact, matched, total


def _expected_disagreement(parts: list[tuple[dict[int, int], dict[int, int]]], length: int) -> float:
    """uDe of one label from the annotators' (unit length -> count, gap length -> count); 0.0 when not defined."""
    m = len(parts)
    units: Counter[int] = Counter()
    gap_counts: Counter[int] = Counter()
    for lengths, gaps in parts:
        units.update(lengths)
        gap_counts.update(gaps)
    n_units = sum(units.values())
    if not n_units or m < 2 or length <= 0:
        return 0.0
    gaps = sorted(gap_counts)  # distinct gap lengths
    # For the k longest distinct gap lengths: how many gaps, and their total length.
    at_least = list(accumulate((gap_counts[g] for g in reversed(gaps)), initial=0))
    at_least_sum = list(accumulate((gap_counts[g] * g for g in reversed(gaps)), initial=0))
    n_gaps = len(gaps)
    cubic = 0  # sum over units of 2 l^3 - 3 l^2 + l
    fit = 0  # sum over units of l^2 * sum over gaps g >= l of (g - l + 1)
    same = 0  # sum over units of l (l - 1)
    for l, count in units.items():  # noqa: E741
        l2 = l * l
        cubic += count * (2 * l2 * l - 3 * l2 + l)
        same += count * (l2 - l)
        k = n_gaps - bisect_left(gaps, l)  # distinct gap lengths >= l
        if k:
            fit += count * l2 * (at_least_sum[k] - (l - 1) * at_least[k])
    numerator = (n_units - 1) * cubic / 3 + fit
    ml = m * length
    denominator = ml * (ml - 1) - same
    if denominator <= 0 or numerator <= 0:
        return 0.0
    return 2 * numerator / (length * denominator)


# --------------------------------------------------------------------------- #
# Span F1: maximum matching of overlapping spans
# --------------------------------------------------------------------------- #


def max_overlap_matching(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> int:
    """Size of a maximum one-to-one matching of overlapping intervals between ``a`` and ``b``.

    Intervals are half-open ``(start, end)``; two overlap when they share at
    least one position. See the module docstring for the algorithm.
    """
    a = sorted(a)
    b = sorted(b)
    return _max_matching([s for s, _ in a], [e for _, e in a], [s for s, _ in b], [e for _, e in b])


def _max_matching(sa: list[int], ea: list[int], sb: list[int], eb: list[int]) -> int:
    """Greedy maximum matching of overlapping intervals; both sides sorted by start."""
    if not sa or not sb:
        return 0
    if (
        all(map(le, ea[:-1], sa[1:]))
        and all(map(le, eb[:-1], sb[1:]))
        and all(map(lt, sa, ea))
        and all(map(lt, sb, eb))
    ):
        # Each side disjoint, hence also sorted by end: the span with the
        # smaller end can only be matched with the other side's next span.
        i = j = matched = 0
        na = len(sa)
        nb = len(sb)
        while i < na and j < nb:
            if ea[i] <= eb[j]:
                if sb[j] < ea[i]:
                    matched += 1
                    j += 1
                i += 1
            else:
                if sa[i] < eb[j]:
                    matched += 1
                    i += 1
                j += 1
        return matched
    # General case: sweep by end; the spans of each side that have started
    # wait in a heap ordered by end (an item's index is its rank by end).
    items = sorted(
        chain(
            ((e, s, 0) for s, e in zip(sa, ea) if s < e),
            ((e, s, 1) for s, e in zip(sb, eb) if s < e),
        )
    )
    n = len(items)
    item_starts = [it[1] for it in items]
    by_start = sorted(range(n), key=item_starts.__getitem__)
    used = bytearray(n)
    heaps: tuple[list[int], list[int]] = ([], [])
    p = 0
    matched = 0
    for k in range(n):
        end, start, side = items[k]
        while p < n and item_starts[by_start[p]] < end:
            q = by_start[p]
            heappush(heaps[items[q][2]], q)
            p += 1
        if used[k]:
            continue
        used[k] = 1
        other = heaps[1 - side]
        while other and used[other[0]]:
            heappop(other)
        if other:
            used[heappop(other)] = 1
            matched += 1
    return matched

