"""Token categories and the token coefficients: Cohen's and Fleiss' kappa, nominal alpha."""


from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from itertools import accumulate, chain, compress, repeat
from operator import and_, le, lt, ne, sub
from typing import Iterable



from annotator.core.agreement.common import (
    TOKEN_PATTERN, OUTSIDE, _WORD_PAIR, _match_start,
)


# --------------------------------------------------------------------------- #
# Token categories
# --------------------------------------------------------------------------- #


def _token_ranges(
    sides: list[tuple[list[int], list[int], list[str]]], joined: str, bounds: list[int]
) -> tuple[int, list[tuple[list[int], list[int], list[str]]]]:
    """The number of tokens and, per annotator, its spans as token ranges ``(los, his, labels)`` sorted by ``lo``.

    ``joined`` is the documents' texts end to end (continuum offsets); a word
    running over a document boundary is cut there, so the tokens are those
    of the documents one by one. A span covers the tokens from the one
    holding its first character (``lo``) to the last one starting before its
    end (``hi``: the number of tokens starting before the end). Spans
    covering no token (only whitespace) are left out.
    """
    token_starts = list(map(_match_start, TOKEN_PATTERN.finditer(joined)))
    cuts = [b for b in bounds[1:-1] if b and _WORD_PAIR.match(joined, b - 1)]
    if cuts:
        token_starts = sorted(set(token_starts).union(cuts))
    total = len(token_starts)
    padded = token_starts + [-1]  # padded[total] matches no offset
    out = []
    for starts, ends, labels in sides:
        los = list(map(bisect_left, repeat(token_starts), starts))
        # A start that is not a token start but a word character lies inside a
        # word token (which then covers it): step back to that token.
        for k in compress(range(len(starts)), map(ne, map(padded.__getitem__, los), starts)):
            c = joined[starts[k]]
            if c.isalnum() or c == "_":  # exactly \w
                los[k] -= 1
        his = list(map(bisect_left, repeat(token_starts), ends))
        if not all(map(lt, los, his)):
            keep = list(map(lt, los, his))
            los = list(compress(los, keep))
            his = list(compress(his, keep))
            labels = list(compress(labels, keep))
        if not all(map(le, los[:-1], los[1:])):
            order = sorted(range(len(los)), key=los.__getitem__)
            los = list(map(los.__getitem__, order))
            his = list(map(his.__getitem__, order))
            labels = list(map(labels.__getitem__, order))
        out.append((los, his, labels))
    return total, out


def _pair_token_table(
    a: tuple[list[int], list[int], list[str]], b: tuple[list[int], list[int], list[str]], total: int
) -> dict[tuple[str, ...], int]:
    """Tokens per (category of a, category of b) for two annotators' token ranges (sorted by ``lo``).

    One sweep over both lists in order of ``lo`` groups the ranges into
    components of (transitively) overlapping ranges; almost every component
    is one range, or one range of each annotator, and is counted directly.
    Tokens outside every component are ``(O, O)``.
    """
    table: dict[tuple[str, ...], int] = {}
    if total <= 0:
        return table
    get = table.get
    big = total + 1
    la = a[0] + [big]
    ha = a[1] + [big]
    ca = a[2] + [OUTSIDE]
    lb = b[0] + [big]
    hb = b[1] + [big]
    cb = b[2] + [OUTSIDE]
    i = j = 0
    n = 0  # ranges in the current component
    reach = -1  # its furthest end
    covered = 0
    l0 = h0 = l1 = h1 = d0 = d1 = 0
    c0 = c1 = OUTSIDE
    more: list[tuple[int, int, int, str]] = []
    while True:
        if la[i] <= lb[j]:
            lo = la[i]
            hi = ha[i]
            cat = ca[i]
            side = 0
            i += 1
        else:
            lo = lb[j]
            hi = hb[j]
            cat = cb[j]
            side = 1
            j += 1
        if lo < reach:  # overlaps the current component
            if n == 1:
                l1, h1, c1, d1 = lo, hi, cat, side
            elif n == 2:
                more = [(l0, h0, d0, c0), (l1, h1, d1, c1), (lo, hi, side, cat)]
            else:
                more.append((lo, hi, side, cat))
            n += 1
            if hi > reach:
                reach = hi
            continue
        # Count the finished component.
        if n == 1:
            key = (c0, OUTSIDE) if d0 == 0 else (OUTSIDE, c0)
            table[key] = get(key, 0) + h0 - l0
            covered += h0 - l0
        elif n == 2:
            covered += reach - l0
            if d0 != d1:
                if d0 == 1:
                    l0, h0, c0, l1, h1, c1 = l1, h1, c1, l0, h0, c0
                common = (h0 if h0 < h1 else h1) - (l0 if l0 > l1 else l1)
                key = (c0, c1)
                table[key] = get(key, 0) + common
                if h0 - l0 > common:
                    key = (c0, OUTSIDE)
                    table[key] = get(key, 0) + h0 - l0 - common
                if h1 - l1 > common:
                    key = (OUTSIDE, c1)
                    table[key] = get(key, 0) + h1 - l1 - common
            else:
                _component_widths([(l0, h0, d0, c0), (l1, h1, d1, c1)], table)
        elif n > 2:
            _component_widths(more, table)
            covered += reach - more[0][0]
        if lo == big:
            break
        n = 1
        l0, h0, c0, d0 = lo, hi, cat, side
        reach = hi
    if total > covered:
        table[(OUTSIDE, OUTSIDE)] = get((OUTSIDE, OUTSIDE), 0) + total - covered
    return table


def _component_widths(items: list[tuple[int, int, int, str]], table: dict[tuple[str, ...], int]) -> None:
    """Add the (category of a, category of b) widths of one component of overlapping token ranges."""
    points = sorted({x for lo, hi, _, _ in items for x in (lo, hi)})
    for p, q in zip(points, points[1:]):
        cats: tuple[set[str], set[str]] = (set(), set())
        for lo, hi, side, cat in items:
            if lo <= p and q <= hi:
                cats[side].add(cat)
        key = ("+".join(sorted(cats[0])) or OUTSIDE, "+".join(sorted(cats[1])) or OUTSIDE)
        table[key] = table.get(key, 0) + q - p


def _pieces(los: list[int], his: list[int], labels: list[str]) -> tuple[list[int], list[int], list[str]]:
    """One annotator's coded tokens as disjoint pieces ``[lo, hi)`` sorted by ``lo``, with their category."""
    n = len(los)
    if not n:
        return [], [], []
    if not all(map(le, los[:-1], los[1:])):
        order = sorted(range(n), key=los.__getitem__)
        los = list(map(los.__getitem__, order))
        his = list(map(his.__getitem__, order))
        labels = list(map(labels.__getitem__, order))
    if all(map(le, his[:-1], los[1:])):
        return los, his, labels  # disjoint: the usual case
    # Clusters of overlapping ranges: a cluster starts where a range begins at
    # or after the furthest end so far. Single ranges are kept as they are.
    reach = list(accumulate(his, max))
    first = [True]
    first.extend(map(le, reach, los[1:]))
    last = first[1:]
    last.append(True)
    single = list(map(and_, first, last))
    out_lo = list(compress(los, single))
    out_hi = list(compress(his, single))
    out_cat = list(compress(labels, single))
    starts = list(compress(range(n), first))
    starts.append(n)
    for a, b in zip(starts, starts[1:]):
        if b == a + 1:
            continue
        events = sorted(chain(zip(los[a:b], repeat(1), labels[a:b]), zip(his[a:b], repeat(-1), labels[a:b])))
        active: Counter[str] = Counter()
        k = 0
        count = len(events)
        while k < count:
            pos = events[k][0]
            while k < count and events[k][0] == pos:
                _, step, lab = events[k]
                active[lab] += step
                k += 1
            if k < count:  # inside a cluster the set of labels is never empty
                out_lo.append(pos)
                out_hi.append(events[k][0])
                out_cat.append("+".join(sorted(lab for lab, c in active.items() if c > 0)))
    order = sorted(range(len(out_lo)), key=out_lo.__getitem__)
    return (
        list(map(out_lo.__getitem__, order)),
        list(map(out_hi.__getitem__, order)),
        list(map(out_cat.__getitem__, order)),
    )


def _sum_by_key(keys: Iterable, widths: Iterable[int], into: dict | None = None) -> dict:
    out = {} if into is None else into
    get = out.get
    for key, width in zip(keys, widths):
        out[key] = get(key, 0) + width
    return out


def _multi_table(pieces: list[tuple[list[int], list[int], list[str]]], total: int) -> dict[tuple[str, ...], int]:
    """Tokens per tuple of categories (one per annotator), for any number of annotators."""
    if total <= 0:
        return {}
    steps = []
    for los, his, cats in pieces:
        # Step function: category values[k] from token breaks[k] on.
        breaks = [0]
        breaks.extend(chain.from_iterable(zip(los, his)))
        values = [OUTSIDE]
        values.extend(chain.from_iterable(zip(cats, repeat(OUTSIDE))))
        steps.append((breaks, values))
    points = sorted(set(chain.from_iterable(b for b, _ in steps)))
    del points[bisect_left(points, total) :]
    columns = []
    for breaks, values in steps:
        shifted = [OUTSIDE]  # shifted[bisect_right(breaks, p)] == values[bisect_right(breaks, p) - 1]
        shifted.extend(values)
        columns.append(map(shifted.__getitem__, map(bisect_right, repeat(breaks), points)))
    widths = map(sub, chain(points[1:], (total,)), points)
    return _sum_by_key(zip(*columns), widths)


def _cohen(table: dict[tuple[str, ...], int], i: int, j: int) -> float | None:
    n = 0
    agree = 0
    left: dict[str, int] = {}
    right: dict[str, int] = {}
    for key, w in table.items():
        a = key[i]
        b = key[j]
        n += w
        left[a] = left.get(a, 0) + w
        right[b] = right.get(b, 0) + w
        if a == b:
            agree += w
    if not n:
        return None
    expected = sum(w * right.get(c, 0) for c, w in left.items())  # times n^2
    denominator = n * n - expected
    if denominator <= 0:
        return None  # both annotators put every token in the same one category
    return (agree * n - expected) / denominator


def _fleiss(table: dict[tuple[str, ...], int], m: int) -> float | None:
    if m < 2:
        return None
    n = 0
    pair_agree = 0  # sum over tokens of sum_c n_uc (n_uc - 1)
    totals: dict[str, int] = {}
    for key, w in table.items():
        n += w
        for cat, c in Counter(key).items():
            pair_agree += w * c * (c - 1)
            totals[cat] = totals.get(cat, 0) + w * c
    if not n:
        return None
    nm = n * m
    squares = sum(c * c for c in totals.values())
    if squares >= nm * nm:
        return None  # one category only: no expected disagreement
    observed = pair_agree / (n * m * (m - 1))
    expected = squares / (nm * nm)
    return (observed - expected) / (1.0 - expected)


def _nominal_alpha(table: dict[tuple[str, ...], int], m: int) -> float | None:
    if m < 2:
        return None
    n_units = 0
    disagree = 0  # sum over tokens of m^2 - sum_c n_uc^2; divided by (m - 1) below
    totals: dict[str, int] = {}
    for key, w in table.items():
        n_units += w
        squares = 0
        for cat, c in Counter(key).items():
            squares += c * c
            totals[cat] = totals.get(cat, 0) + w * c
        disagree += w * (m * m - squares)
    n = n_units * m
    denominator = n * n - sum(c * c for c in totals.values())
    if n < 2 or denominator <= 0:
        return None
    return 1.0 - (n - 1) * disagree / ((m - 1) * denominator)


