"""Spans per label: unitizing alpha and span F1 (maximum matching of overlapping spans)."""


from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from heapq import heappop, heappush
from itertools import accumulate, chain
from operator import le, lt
from typing import Sequence



from annotator.core.agreement.common import (
    _BIG,
)


# --------------------------------------------------------------------------- #
# Spans per label: span F1 and unitizing alpha
# --------------------------------------------------------------------------- #


class _ByLabel:
    """One annotator's spans split by label: per label (in sorted label order), starts and ends sorted by start."""

    __slots__ = ("starts", "ends", "sizes")

    def __init__(self, starts: list[int], ends: list[int], labels: list[str], all_labels: list[str]) -> None:
        if not all(map(le, starts[:-1], starts[1:])):
            order = sorted(range(len(starts)), key=starts.__getitem__)
            starts = list(map(starts.__getitem__, order))
            ends = list(map(ends.__getitem__, order))
            labels = list(map(labels.__getitem__, order))
        if len(set(labels)) <= 1:
            index = {lab: (range(len(labels)) if labels and labels[0] == lab else []) for lab in all_labels}
        else:
            index = {lab: [] for lab in all_labels}
            appends = {lab: index[lab].append for lab in all_labels}
            for k, lab in enumerate(labels):
                appends[lab](k)
        self.starts = [list(map(starts.__getitem__, index[lab])) for lab in all_labels]
        self.ends = [list(map(ends.__getitem__, index[lab])) for lab in all_labels]
        self.sizes = [len(index[lab]) for lab in all_labels]


class _Compared:
    """One label, two annotators: span F1 counts, observed delta2 sum, and each one's units and gaps."""

    __slots__ = ("exact", "overlap", "delta", "lengths", "gaps")

    def __init__(self, sa: list[int], ea: list[int], sb: list[int], eb: list[int], bounds: list[int]) -> None:
        """Both annotators' spans (each sorted by start) on the continuum with these document bounds.

        One sweep over both in order of start groups the spans into components
        of (transitively) overlapping spans. Almost every component is a single
        span (no match; as a unit it lies in a gap of the other annotator:
        delta2 = length^2) or one span of each annotator (one overlap match,
        exact if the bounds are equal; delta2 = squared differences of the
        starts and of the ends); larger ones go to :func:`_component`. On the
        way, each annotator's spans are merged into units (overlapping ones
        unite) and the unit lengths and gap lengths are counted, a gap being
        cut at every document boundary.
        """
        exact = overlap = delta = 0
        big = _BIG
        sa = sa + [big]
        ea = ea + [big]
        sb = sb + [big]
        eb = eb + [big]
        lengths: tuple[dict[int, int], dict[int, int]] = ({}, {})
        gaps: tuple[dict[int, int], dict[int, int]] = ({}, {})
        len0, len1 = lengths
        gap0, gap1 = gaps
        first_bound = bounds[bisect_right(bounds, 0)] if bounds[-1] > 0 else big
        us0 = ue0 = us1 = ue1 = 0  # current unit of each annotator (none yet)
        nb0 = nb1 = first_bound  # the first document boundary after it
        i = j = 0
        n = 0  # spans in the current component
        reach = -1  # its furthest end
        s0 = e0 = d0 = s1 = e1 = d1 = 0
        more: list[tuple[int, int, int]] = []
        while True:
            if sa[i] <= sb[j]:
                s = sa[i]
                e = ea[i]
                side = 0
                i += 1
                if s < ue0:  # overlaps this annotator's unit: unite
                    if e > ue0:
                        ue0 = e
                elif s != big:
                    g = ue0 - us0
                    if g:
                        len0[g] = len0.get(g, 0) + 1
                    if s < nb0:
                        g = s - ue0
                        if g:
                            gap0[g] = gap0.get(g, 0) + 1
                    else:
                        nb0 = _split_gap(ue0, s, bounds, gap0)
                    us0 = s
                    ue0 = e
            else:
                s = sb[j]
                e = eb[j]
                side = 1
                j += 1
                if s < ue1:
                    if e > ue1:
                        ue1 = e
                else:
                    g = ue1 - us1
                    if g:
                        len1[g] = len1.get(g, 0) + 1
                    if s < nb1:
                        g = s - ue1
                        if g:
                            gap1[g] = gap1.get(g, 0) + 1
                    else:
                        nb1 = _split_gap(ue1, s, bounds, gap1)
                    us1 = s
                    ue1 = e
            if s < reach:  # overlaps the current component
                if n == 1:
                    s1, e1, d1 = s, e, side
                elif n == 2:
                    more = [(s0, e0, d0), (s1, e1, d1), (s, e, side)]
                else:
                    more.append((s, e, side))
                n += 1
                if e > reach:
                    reach = e
                continue
            if n == 1:
                delta += (e0 - s0) * (e0 - s0)
            elif n == 2:
                if d0 != d1:
                    overlap += 1
                    if s0 == s1 and e0 == e1:
                        exact += 1
                    else:
                        delta += (s0 - s1) * (s0 - s1) + (e0 - e1) * (e0 - e1)
                else:  # two spans of one annotator: one unit, in a gap of the other
                    delta += (reach - s0) * (reach - s0)
            elif n > 2:
                ex, ov, de = _component(more)
                exact += ex
                overlap += ov
                delta += de
            if s == big:
                break
            n = 1
            s0, e0, d0 = s, e, side
            reach = e
        # The last units, and the gaps after them up to the end.
        for us, ue, unit_lengths, unit_gaps in ((us0, ue0, len0, gap0), (us1, ue1, len1, gap1)):
            if ue > us:
                unit_lengths[ue - us] = unit_lengths.get(ue - us, 0) + 1
            _split_gap(ue, bounds[-1], bounds, unit_gaps)
        self.exact = exact
        self.overlap = overlap
        self.delta = delta
        self.lengths = lengths
        self.gaps = gaps


def _split_gap(a: int, b: int, bounds: list[int], gaps: dict[int, int]) -> int:
    """Count the gap ``[a, b)`` cut at the document boundaries; return the first boundary after ``b``."""
    k = bisect_right(bounds, a)
    n = len(bounds)
    while k < n and bounds[k] < b:
        g = bounds[k] - a
        if g:
            gaps[g] = gaps.get(g, 0) + 1
        a = bounds[k]
        k += 1
    g = b - a
    if g:
        gaps[g] = gaps.get(g, 0) + 1
    while k < n and bounds[k] <= b:
        k += 1
    return bounds[k] if k < n else _BIG


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
        for s, e in mine:
            hit = False
            for t, f in theirs:
                if s < f and t < e:
                    hit = True
                    if mine is units[0]:  # each overlapping pair once
                        total += (s - t) * (s - t) + (e - f) * (e - f)
            if not hit:
                total += (e - s) * (e - s)
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

