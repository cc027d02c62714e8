"""Token categories and the token coefficients: Cohen's and Fleiss' kappa, nominal alpha.

The token work is done on numpy arrays (one operation over every character, token or span instead of a
Python loop); only the rare components of three or more overlapping token ranges, or of two ranges of one
annotator, go through Python. Every count stays an exact integer; the coefficients are computed from them in
plain Python as before.
"""


from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from itertools import accumulate, chain, compress, repeat
from operator import and_, le, sub
from typing import Callable, Iterable

from annotator.core.agreement.common import OUTSIDE, _components, _distinct
from annotator.core.lazy import lazy_module

np = lazy_module("numpy")

#: Characters are classified by the token rule's own classes: ``\s`` (0), ``\w`` (1), anything else (2).
_SPACE, _WORD, _OTHER = 0, 1, 2
_CLASS_OF = re.compile(r"(\s)|(\w)|.", re.DOTALL)
#: Up to this many labels, the clusters of three or more overlapping ranges are cut with one bit per label.
_MASK_LABELS = 62
#: Characters turned into code points at a time (bounds the memory of a long corpus).
_CHUNK = 1 << 22
_ASCII = tuple(  # the class of each ASCII character (not a numpy array: numpy loads on first use)
    [_SPACE if m.group(1) else _WORD if m.group(2) else _OTHER for m in _CLASS_OF.finditer(bytes(range(128)).decode())]
)


# --------------------------------------------------------------------------- #
# Token categories
# --------------------------------------------------------------------------- #


def _char_classes(joined: str) -> np.ndarray:
    """The class of every character of ``joined`` (``_SPACE``, ``_WORD`` or ``_OTHER``), as the token rule sees it."""
    classes = np.empty(len(joined), dtype=np.uint8)
    table = np.zeros(0x110000, dtype=np.uint8)
    table[:128] = _ASCII
    known = np.zeros(0x110000, dtype=bool)
    known[:128] = True
    for begin in range(0, len(joined), _CHUNK):
        points = np.frombuffer(joined[begin : begin + _CHUNK].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        seen = np.zeros(0x110000, dtype=bool)
        seen[points] = True
        new = np.flatnonzero(seen & ~known)
        if len(new):
            chars = "".join(map(chr, new.tolist()))
            table[new] = [_SPACE if m.group(1) else _WORD if m.group(2) else _OTHER for m in _CLASS_OF.finditer(chars)]
            known[new] = True
        classes[begin : begin + len(points)] = table[points]
    return classes


def _token_starts(classes: np.ndarray, bounds: list[int]) -> np.ndarray:
    """Where the tokens start: every character that is not ``\\s`` and not a ``\\w`` after a ``\\w``.

    A word running over a document boundary is cut there (a document's first character never continues the
    previous document's word), so the tokens are those of the documents one by one.
    """
    before = np.empty_like(classes)
    if len(classes):
        before[0] = _SPACE
        before[1:] = classes[:-1]
        inner = [b for b in bounds[1:-1] if 0 < b < len(classes)]
        before[inner] = _SPACE
    return np.flatnonzero((classes != _SPACE) & ((classes != _WORD) | (before != _WORD)))


def _token_ranges(
    sides: list[tuple[np.ndarray, np.ndarray, np.ndarray]], joined: str, bounds: list[int]
) -> tuple[int, list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """The number of tokens and, per annotator, its spans as token ranges ``(los, his, labels)`` sorted by ``lo``.

    ``sides`` holds each annotator's spans ``(starts, ends, labels)`` on the continuum; ``joined`` is the
    documents' texts end to end. A span covers the tokens from the one holding its first character (``lo``)
    to the last one starting before its end (``hi``: the number of tokens starting before the end). Spans
    covering no token (only whitespace) are left out; labels are the sides' label codes.
    """
    classes = _char_classes(joined)
    token_starts = _token_starts(classes, bounds)
    total = len(token_starts)
    padded = np.append(token_starts, -1)  # padded[total] matches no offset
    out = []
    for starts, ends, labels in sides:
        los = np.searchsorted(token_starts, starts)
        # A start that is not a token start but a word character lies inside a word token (which then
        # covers it): step back to that token.
        los -= (padded[los] != starts) & (classes[starts] == _WORD)
        his = np.searchsorted(token_starts, ends)
        keep = los < his
        los, his, labels = los[keep], his[keep], labels[keep]
        order = np.argsort(los, kind="stable")
        out.append((los[order], his[order], labels[order]))
    return total, out


def _pair_token_table(
    a: tuple[np.ndarray, np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray, np.ndarray], total: int,
    labels: list[str],
) -> dict[tuple[str, ...], int]:
    """Tokens per (category of a, category of b) for two annotators' token ranges (label codes into ``labels``).

    Each annotator's ranges become disjoint pieces with one category each (:func:`_side_pieces`); the
    pieces' ends of both cut the tokens into stretches, and each stretch adds its width to the pair of
    categories the two annotators give it (``O`` outside every piece).
    """
    table: dict[tuple[str, ...], int] = {}
    if total <= 0:
        return table
    sides = [_side_pieces(*ranges, labels) for ranges in (a, b)]
    points = np.concatenate([np.array([0, total], dtype=np.int64)] + [p for side in sides for p in side[:2]])
    points = np.sort(points, kind="stable")  # sorted runs: merged, not sorted again
    points = points[np.concatenate(([True], points[1:] != points[:-1]))]
    starts, widths = points[:-1], np.diff(points)
    codes = []
    names = []
    for lo, hi, code, name in sides:
        if len(lo):
            k = np.searchsorted(lo, starts, side="right") - 1
            code = np.where((k >= 0) & (hi[k] > starts), code[k], len(labels))
        else:
            code = np.full(len(starts), len(labels))
        present = np.bincount(code) > 0
        codes.append((np.cumsum(present) - 1)[code])  # numbered from 0 among the categories present
        names.append([name(c) for c in np.flatnonzero(present).tolist()])
    width = len(names[1])
    sums = np.bincount(codes[0] * width + codes[1], widths, minlength=len(names[0]) * width)
    for key in np.flatnonzero(sums).tolist():
        pair = (names[0][key // width], names[1][key % width])
        table[pair] = table.get(pair, 0) + int(sums[key])
    return table


def _side_pieces(
    lo: np.ndarray, hi: np.ndarray, cat: np.ndarray, labels: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Callable[[int], str]]:
    """One annotator's token ranges as disjoint pieces ``(los, his, codes)`` sorted by ``lo``, and the name of a code.

    Codes are the label codes, ``len(labels)`` for ``O``, then the categories of tokens that several of the
    annotator's ranges cover (their labels joined by ``+``). Ranges overlapping none of the others stay as
    they are; two overlapping ranges are cut in array operations; larger clusters too, all at once, with one
    bit per label (:func:`_covering_labels`), or one by one by :func:`_pieces` beyond 62 labels.
    """
    count = len(labels)
    heads, sizes, _ = _components(lo, hi)
    one, two = heads[sizes == 1], heads[sizes == 2]
    l0, h0, c0, l1, h1, c1 = lo[two], hi[two], cat[two], lo[two + 1], hi[two + 1], cat[two + 1]
    both = np.where(c0 == c1, c0, count + 1 + np.minimum(c0, c1) * count + np.maximum(c0, c1))
    near, far = np.minimum(h0, h1), np.maximum(h0, h1)
    los = [lo[one], l0, l1, near]
    his = [hi[one], l1, near, far]
    cats = [cat[one], c0, both, np.where(h0 > h1, c0, c1)]
    extra: dict[str, int] = {}
    first = count + 1 + count * count
    if count <= _MASK_LABELS:
        big = np.repeat(sizes > 2, sizes)
        plo, phi, masks = _covering_labels(lo[big], hi[big], cat[big], count)
        kinds = _distinct(masks)
        which = np.searchsorted(kinds, masks)
        codes = [_mask_code(m, labels, extra, first) for m in kinds.tolist()]
        los.append(plo)
        his.append(phi)
        cats.append(np.array(codes, dtype=np.int64)[which] if len(codes) else which.astype(np.int64))
    else:  # too many labels for one bit each: cluster by cluster
        for h, n in zip(heads[sizes > 2].tolist(), sizes[sizes > 2].tolist()):
            plo, phi, pcat = _pieces(lo[h : h + n].tolist(), hi[h : h + n].tolist(),
                                     [labels[c] for c in cat[h : h + n]])
            los.append(np.array(plo, dtype=np.int64))
            his.append(np.array(phi, dtype=np.int64))
            cats.append(np.array([extra.setdefault(c, first + len(extra)) for c in pcat], dtype=np.int64))
    los, his, cats = np.concatenate(los), np.concatenate(his), np.concatenate(cats)
    keep = los < his
    order = np.argsort(los[keep], kind="stable")
    names = labels + [OUTSIDE]
    extras = list(extra)

    def name(code: int) -> str:
        if code <= count:
            return names[code]
        if code < count + 1 + count * count:
            return f"{labels[(code - count - 1) // count]}+{labels[(code - count - 1) % count]}"
        return extras[code - count - 1 - count * count]

    return los[keep][order], his[keep][order], cats[keep][order], name


def _covering_labels(
    lo: np.ndarray, hi: np.ndarray, cat: np.ndarray, count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Token ranges cut at every range's ends into pieces ``(los, his, masks)`` sorted by ``lo``, each with the
    bit ``1 << c`` set for every label code ``c`` of a range covering it; pieces no range covers are left out.

    One pass of array operations per label: its ranges' ends become +1/-1 steps at the cut points, and their
    running sum says where some range of that label covers the piece.
    """
    points = _distinct(np.concatenate((lo, hi)))
    if len(points) < 2:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    begin = np.searchsorted(points, lo)
    end = np.searchsorted(points, hi)
    masks = np.zeros(len(points) - 1, dtype=np.int64)
    for c in _distinct(cat).tolist():
        mine = cat == c
        steps = np.bincount(begin[mine], minlength=len(points)) - np.bincount(end[mine], minlength=len(points))
        masks |= (np.cumsum(steps)[:-1] > 0).astype(np.int64) << c
    covered = masks != 0
    return points[:-1][covered], points[1:][covered], masks[covered]


def _mask_code(mask: int, labels: list[str], extra: dict[str, int], first: int) -> int:
    """The category code of a set of label codes given as bits: a label's own code, else a code of ``extra``."""
    bits = [c for c in range(len(labels)) if mask >> c & 1]
    if len(bits) == 1:
        return bits[0]
    name = "+".join(labels[c] for c in bits)  # labels are sorted: the names come in sorted order
    return extra.setdefault(name, first + len(extra))


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


