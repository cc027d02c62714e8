"""Inter-annotator agreement: token kappas and alpha, unitizing alpha and span F1.

:func:`agreement_report` produces the JSON object described in FORMATS.md,
section "Agreement". Everything here is pure Python (no numpy, no Qt) and is
built from sorted sweeps (no per-token or per-pair scans), so that two
annotators with 100,000 spans each over 3 MB of text take about a second or
less (``benchmarks/agreement.py``).

What is counted
---------------
* **Documents.** ``doc`` if given; otherwise every document in which at least
  one of the compared annotators has an annotation (after the ``label``
  filter, so that ``--label L`` counts the documents where someone used ``L``).
  Documents that nobody compared has touched would only add agreed ``O``
  tokens and inflate the token figures.
* **Annotations.** Only those of the compared annotators, in counted
  documents, and (with ``label``) of that label. Offsets are clipped to the
  document text; spans that are empty after clipping are ignored. The caller
  decides which statuses to pass in (e.g. leaves out rejected annotations).
* **Tokens.** ``re.finditer(r"\\w+|[^\\w\\s]", text)``: maximal runs of word
  characters, or a single character that is neither a word character nor
  whitespace. A token's *category* for an annotator is the label of that
  annotator's span covering any of its characters; several labels give the
  sorted labels joined by ``+``; none gives ``O``.

Token coefficients (over the categories of all counted tokens)
--------------------------------------------------------------
With ``N`` tokens, ``m`` annotators and ``n_uc`` the number of annotators who
put token ``u`` in category ``c``:

* ``cohen_kappa`` (only when ``m == 2``; otherwise ``None``):
  ``(P_o - P_e) / (1 - P_e)`` with ``P_o`` the share of tokens on which both
  agree and ``P_e = sum_c p_a(c) * p_b(c)`` from each annotator's own
  marginals (Cohen 1960).
* ``fleiss_kappa`` (Fleiss 1971; Scott's pi for ``m == 2``):
  ``(P - P_e) / (1 - P_e)`` with ``P = 1/N sum_u sum_c n_uc (n_uc - 1) / (m (m - 1))``
  and ``P_e = sum_c p_c^2`` from the pooled marginals ``p_c = sum_u n_uc / (N m)``.
* ``krippendorff_alpha`` (nominal, no missing values):
  ``1 - (n - 1) * sum_u (m^2 - sum_c n_uc^2) / (m - 1) / (n^2 - sum_c n_c^2)``
  with ``n = N m`` pairable values and ``n_c`` the total count of category ``c``.

Unitizing alpha (``krippendorff_alpha_u``)
------------------------------------------
Krippendorff's alpha for unitizing a continuum, as defined in Krippendorff
(1995, Sociological Methodology 25: 47-76) and in the form given in
Krippendorff (2004) *Content Analysis: An Introduction to Its Methodology*
(2nd ed.) and "Measuring the reliability of qualitative text analysis data"
(Quality & Quantity 38: 787-800). It is computed per label ``c`` (the label's
u-alpha) and pooled over labels for the overall figure.

The continuum is the characters of the counted documents laid end to end
(total length ``L``); a document boundary always ends a gap, so no gap runs
from one document into the next. For label ``c`` every annotator ``i`` divides
the continuum into *units* (its spans of label ``c``; overlapping spans of one
annotator and label are merged into their union first, abutting spans stay
separate units) and *gaps* (everything else, spans of other labels included).
A section is ``(b, l)``: begin and length.

Observed disagreement. For two sections ``g`` (of annotator ``i``) and ``h``
(of annotator ``j``)::

    delta2(g, h) = (b_g - b_h)^2 + (b_g + l_g - b_h - l_h)^2   both units and they overlap
                 = l_g^2       g a unit lying entirely inside the gap h
                 = l_h^2       h a unit lying entirely inside the gap g
                 = 0           otherwise

    uDo_c = sum_{i != j} sum_g sum_h delta2(g, h) / (m (m - 1) L^2)

Expected disagreement, with ``N_c`` the number of units of ``c`` over all
annotators and the sums over units ``g`` (of any annotator, length ``l_g``)
and gaps ``h`` (of any annotator, length ``l_h``)::

    uDe_c = (2 / L) * sum_g [ (N_c - 1) / 3 * (2 l_g^3 - 3 l_g^2 + l_g)
                              + l_g^2 * sum_{h: l_h >= l_g} (l_h - l_g + 1) ]
            / [ m L (m L - 1) - sum_g l_g (l_g - 1) ]

    u-alpha_c = 1 - uDo_c / uDe_c
    krippendorff_alpha_u = 1 - sum_c uDo_c / sum_c uDe_c      (pooled over labels)

This reproduces the worked example of Krippendorff (2004: 254): continuum
[150, 450), observer i with c-units [225, 295) and [370, 400), observer j with
c-units [220, 300), [355, 375) and [400, 420), both with k-units [180, 240)
and [300, 350): ``uDo_c = 0.0144``, ``uDe_c = 0.0532``, ``alpha_c = 0.7286``,
``uDe_k = 0.0490``, ``alpha_k = 1`` and overall 0.8587 (the book prints 0.8591,
computed from the rounded figures). It also reproduces the observed
disagreements of the four examples of Krippendorff (1995: 57). The ``2 / L``
factor (not ``2 / (m L)``) is the one that reproduces the 2004 example; it
keeps ``uDe`` independent of the number of annotators, as ``uDo`` (a mean
over pairs of annotators) is. Krippendorff et al. (2016, Quality & Quantity
50) found that this coefficient does not behave as expected with more than two
annotators; the ``pairwise`` breakdown is reported for that case.

The coefficient is **not** a per-character alpha: two overlapping units of the
same label cost the squared differences of their begins and ends, not the
number of characters on which they differ (units [0, 10) and [5, 15) cost
25 + 25, a per-character comparison 10), so a brute-force check has to
enumerate section pairs, as the tests do. Here it is computed with one sweep
per label and pair of annotators over both annotators' spans in order of
start: the sweep groups them into components of (transitively) overlapping
spans. A component of one span is a unit inside a gap of the other annotator
(``l^2``); one span of each annotator is an overlapping pair (squared
differences); larger components (nested or chained spans) are enumerated. On
the way each annotator's units and gaps are counted by length, and ``uDe``
is computed from those length counts with suffix sums over the sorted gap
lengths.

Span F1 (``span_f1``)
---------------------
Between two annotators ``A`` and ``B`` (symmetric): ``2 * matches / (|A| + |B|)``.

* ``exact``: spans with the same document, start, end and label, matched one
  to one (duplicates count as many times as both have them).
* ``overlap``: spans with the same document and label sharing at least one
  character, matched one to one by a **maximum** bipartite matching. The
  sweep above already splits the spans into components of overlapping spans:
  a component of one span of each annotator is one match; in larger ones a
  greedy pass is optimal for interval-overlap graphs: take the span with the
  smallest end (either annotator); if the other annotator has unmatched spans
  that started before that end, match it with the one of those that ends
  first; otherwise it stays unmatched. (Exchange argument: if ``x`` has the
  smallest end and ``y`` is its overlapping partner with the smallest end, a
  maximum matching using ``x - y'`` and ``x' - y`` can use ``x - y`` and
  ``x' - y'`` instead, because ``start(x') < end(y) <= end(y')`` and
  ``start(y') < end(x) <= end(x')``.) The tests check it against an
  augmenting-path matching.

With more than two annotators ``span_f1`` is the mean over pairs (of the pairs
where it is defined).

Undefined values
----------------
Nothing here raises ``ZeroDivisionError``. A coefficient is ``None`` ("not
defined") when its denominator is zero, in particular:

* fewer than two annotators: every kappa, alpha and F1 is ``None``;
* no tokens / empty continuum: token coefficients and unitizing alpha are ``None``;
* expected disagreement zero (every token in one category for everyone, e.g.
  no annotations at all, or two identical annotations covering a whole
  document): the chance-corrected coefficient is ``None`` (even if the
  annotators agree perfectly, as 0/0 carries no information);
* F1 with no spans on either side is ``None``.

Identical annotation sets give 1.0 for every coefficient that is defined; a
label used by one annotator only gives F1 0.0 and a (typically negative)
unitizing alpha for that label.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from contextlib import contextmanager
from heapq import heappop, heappush
from itertools import accumulate, chain, combinations, compress, repeat
from operator import and_, attrgetter, eq, le, lt, ne, sub
from typing import Iterable, Iterator, Sequence

from annotator.core.errors import InputError, NotFoundError
from annotator.core.model import Annotation

__all__ = ["agreement_report", "explain", "unitizing_alpha", "max_overlap_matching", "TOKEN_PATTERN", "OUTSIDE"]

#: The token rule of FORMATS.md.
TOKEN_PATTERN = re.compile(r"\w+|[^\w\s]")
#: The category of a token that no span of an annotator covers.
OUTSIDE = "O"

_WORD_PAIR = re.compile(r"\w\w")
_BIG = 1 << 62  # beyond every offset: a sentinel
_match_start = re.Match.start
_get_document = attrgetter("document")
_get_start = attrgetter("start")
_get_end = attrgetter("end")
_get_label = attrgetter("label")
_get_annotator = attrgetter("annotator")


# --------------------------------------------------------------------------- #
# Public API
# --------------------------------------------------------------------------- #


def explain() -> dict[str, str]:
    """One plain-English line per metric of :func:`agreement_report` (keys as in the report; F1 as ``span_f1.*``)."""
    return {
        "documents": "How many documents were counted: the one asked for, or every document at least one "
        "compared annotator annotated; documents nobody annotated would only add agreed 'O' tokens.",
        "tokens": "How many tokens (runs of letters and digits, or single punctuation marks) those documents "
        "hold; the three token coefficients are computed over all of them.",
        "cohen_kappa": "Two annotators only: how often they give a token the same category (its label, labels "
        "joined by '+', or 'O' when uncoded), corrected for the agreement their own label frequencies "
        "would give by chance. Uncoded tokens count as the category 'O', so long stretches both left "
        "uncoded push it up; that is why only annotated documents are counted.",
        "fleiss_kappa": "The same idea for any number of annotators, with chance agreement taken from the "
        "pooled category frequencies; uncoded tokens count as 'O' and inflate it the same way.",
        "krippendorff_alpha": "Token categories again as Krippendorff's nominal alpha: 1 minus observed over "
        "chance disagreement, with a small-sample correction; close to Fleiss' kappa, and likewise counts "
        "uncoded tokens as 'O'.",
        "krippendorff_alpha_u": "Krippendorff's unitizing alpha over the characters of the counted documents: "
        "charges squared differences of where units begin and end, and the squared length of a unit one "
        "annotator has where the other has a gap, so it accounts for gaps as well as units; 1 is perfect, "
        "0 is chance level, below 0 is worse than chance.",
        "span_f1.exact": "Share of spans both annotators have with exactly the same start, end and label "
        "(2 x matched spans / all spans); uncoded text plays no part.",
        "span_f1.overlap": "Like exact F1, but a span is matched when the other annotator has a span of the "
        "same label sharing at least one character (each span matched at most once); uncoded text plays "
        "no part.",
        "per_label": "Span F1 and unitizing alpha for each label on its own.",
        "pairwise": "With more than two annotators: Cohen's kappa, span F1 and unitizing alpha for every pair.",
    }


def agreement_report(
    texts: dict[str, str],
    annotations: Iterable[Annotation],
    annotators: Sequence[str],
    doc: str | None = None,
    label: str | None = None,
) -> dict:
    """The agreement report of FORMATS.md for ``annotators`` over ``texts``.

    ``texts`` maps document id to text and must hold every counted document.
    Annotations of other annotators are ignored. Raises :class:`InputError`
    for an empty ``annotators`` list or a counted document without text, and
    :class:`NotFoundError` if ``doc`` has no text.
    """
    names = list(dict.fromkeys(annotators))
    if not names:
        raise InputError("Name at least one annotator to compare.")
    if doc is not None and doc not in texts:
        raise NotFoundError(f"There is no document {doc!r}.")
    with _gc_paused():
        return _report(texts, annotations, names, doc, label)


def unitizing_alpha(units: Sequence[Iterable[tuple[int, int]]], length: int) -> tuple[float | None, float, float]:
    """Krippendorff's unitizing alpha of one category on the continuum ``[0, length)``: ``(alpha, uDo, uDe)``.

    ``units`` holds, per annotator, its ``(start, end)`` units (overlapping
    ones are merged first; empty ones are ignored). ``alpha`` is ``None`` when
    it is not defined (fewer than two annotators, or ``uDe == 0``).
    """
    spans = [sorted((s, e) for s, e in u if s < e) for u in units]
    m = len(spans)
    if m < 2 or length <= 0:
        return None, 0.0, 0.0
    bounds = [0, length]
    starts = [[s for s, _ in side] for side in spans]
    ends = [[e for _, e in side] for side in spans]
    observed = 0
    parts: list[tuple[dict[int, int], dict[int, int]] | None] = [None] * m
    for i, j in combinations(range(m), 2):
        result = _Compared(starts[i], ends[i], starts[j], ends[j], bounds)
        observed += result.delta
        for k, side in ((i, 0), (j, 1)):
            if parts[k] is None:
                parts[k] = (result.lengths[side], result.gaps[side])
    do = 2 * observed / (m * (m - 1) * length * length)
    de = _expected_disagreement(parts, length)  # type: ignore[arg-type]
    return (1.0 - do / de if de > 0.0 else None), do, de


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (the work below allocates no cycles).

    Hundreds of thousands of short-lived tuples would otherwise trigger
    repeated full collections over everything the application holds.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# --------------------------------------------------------------------------- #
# The report
# --------------------------------------------------------------------------- #


def _report(
    texts: dict[str, str], annotations: Iterable[Annotation], names: list[str], doc: str | None, label: str | None
) -> dict:
    m = len(names)
    if label is not None or doc is not None or not isinstance(annotations, list):
        annotations = [
            a for a in annotations if (label is None or a.label == label) and (doc is None or a.document == doc)
        ]
    whos = list(map(_get_annotator, annotations))
    per_name = [list(compress(annotations, map(eq, whos, repeat(n)))) for n in names]
    if doc is not None:
        doc_ids = [doc]
    else:
        doc_ids = sorted(set().union(*(map(_get_document, anns) for anns in per_name)))
    for d in doc_ids:
        if d not in texts:
            raise InputError(f"No text was given for document {d!r}.")

    # The continuum: the documents end to end.
    doc_texts = [texts[d] for d in doc_ids]
    lengths = list(map(len, doc_texts))
    bounds = list(accumulate(lengths, initial=0))  # document starts, then the total length L
    total_length = bounds[-1]
    sides = [_make_side(anns, doc_ids, lengths, bounds) for anns in per_name]

    report: dict = {"annotators": names, "documents": len(doc_ids)}

    # ---- token coefficients ------------------------------------------------------
    token_total, ranges = _token_ranges(sides, "".join(doc_texts), bounds)
    report["tokens"] = token_total
    if m == 2:
        table = _pair_token_table(ranges[0], ranges[1], token_total)
    else:
        table = _multi_table([_pieces(*r) for r in ranges], token_total)
    report["cohen_kappa"] = _cohen(table, 0, 1) if m == 2 else None
    report["fleiss_kappa"] = _fleiss(table, m)
    report["krippendorff_alpha"] = _nominal_alpha(table, m)

    # ---- per label: span F1 and unitizing alpha -------------------------------------
    labels = sorted(set(chain.from_iterable(s[2] for s in sides)))
    by_label = [_ByLabel(*s, labels) for s in sides]
    pairs = list(combinations(range(m), 2))
    compared: dict[tuple[int, int], list[_Compared]] = {}  # per pair of annotators, per label
    ingredients: list[list[tuple[dict[int, int], dict[int, int]]] | None] = [None] * m  # unit and gap lengths
    for i, j in pairs:
        x = by_label[i]
        y = by_label[j]
        results = list(map(_Compared, x.starts, x.ends, y.starts, y.ends, repeat(bounds)))
        compared[(i, j)] = results
        for k, side in ((i, 0), (j, 1)):
            if ingredients[k] is None:
                ingredients[k] = [(r.lengths[side], r.gaps[side]) for r in results]
    sizes = [s.sizes for s in by_label]

    def f1(c: int | None, i: int, j: int) -> dict:
        results = compared[(i, j)]
        if c is None:
            size = sum(sizes[i]) + sum(sizes[j])
            exact = sum(r.exact for r in results)
            overlap = sum(r.overlap for r in results)
        else:
            size = sizes[i][c] + sizes[j][c]
            exact = results[c].exact
            overlap = results[c].overlap
        if not size:
            return {"exact": None, "overlap": None}
        return {"exact": 2 * exact / size, "overlap": 2 * overlap / size}

    def alpha_u(cs: Iterable[int], members: tuple[int, ...]) -> float | None:
        k = len(members)
        if k < 2 or total_length <= 0:
            return None
        do = de = 0.0
        for c in cs:
            observed = sum(compared[p][c].delta for p in combinations(members, 2))
            do += 2 * observed / (k * (k - 1) * total_length * total_length)  # 2: ordered pairs
            de += _expected_disagreement([ingredients[i][c] for i in members], total_length)
        return 1.0 - do / de if de > 0.0 else None

    everyone = tuple(range(m))
    all_labels = range(len(labels))
    report["krippendorff_alpha_u"] = alpha_u(all_labels, everyone)
    report["span_f1"] = _mean_f1([f1(None, i, j) for i, j in pairs])
    report["per_label"] = {
        lab: {
            "span_f1": _mean_f1([f1(c, i, j) for i, j in pairs]),
            "krippendorff_alpha_u": alpha_u([c], everyone),
        }
        for c, lab in enumerate(labels)
    }
    if m > 2:
        report["pairwise"] = {
            f"{names[i]}|{names[j]}": {
                "cohen_kappa": _cohen(table, i, j),
                "span_f1": f1(None, i, j),
                "krippendorff_alpha_u": alpha_u(all_labels, (i, j)),
            }
            for i, j in pairs
        }
    return report


def _make_side(
    anns: list[Annotation], doc_ids: list[str], lengths: list[int], bounds: list[int]
) -> tuple[list[int], list[int], list[str]]:
    """One annotator's spans on the continuum ``(starts, ends, labels)``, clipped, empty ones dropped."""
    starts = list(map(_get_start, anns))
    ends = list(map(_get_end, anns))
    labels = list(map(_get_label, anns))
    if not anns:
        return starts, ends, labels
    if len(doc_ids) == 1:
        if min(starts) >= 0 and max(ends) <= lengths[0] and all(map(lt, starts, ends)):
            return starts, ends, labels
        limits = repeat(lengths[0])
        offsets = repeat(0)
    else:
        docs = list(map(_get_document, anns))
        limits = map(dict(zip(doc_ids, lengths)).__getitem__, docs)
        offsets = map(dict(zip(doc_ids, bounds)).__getitem__, docs)
    # Clip to the text, drop spans left empty, move onto the continuum.
    rows = []
    for s, e, lab, limit, offset in zip(starts, ends, labels, limits, offsets):
        if s < 0:
            s = 0
        if e > limit:
            e = limit
        if s < e:
            rows.append((s + offset, e + offset, lab))
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def _mean_f1(per_pair: list[dict]) -> dict:
    out = {}
    for key in ("exact", "overlap"):
        values = [p[key] for p in per_pair if p[key] is not None]
        out[key] = sum(values) / len(values) if values else None
    return out


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
