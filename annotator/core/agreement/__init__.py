"""Inter-annotator agreement: token kappas and alpha, unitizing alpha and span F1.

:func:`agreement_report` produces the JSON object described in FORMATS.md,
section "Agreement". It is built from sorted sweeps (no per-token or per-pair
scans) done as numpy array operations (no Qt), every count an exact integer, so that two annotators with 100,000
spans each over 3 MB of text take well under half a second
(``benchmarks/agreement.py``).

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
per pair of annotators over both annotators' spans in order of start (every
label at once, each on its own stretch of the array): the sweep groups them
into components of (transitively) overlapping spans. A component of one span
is a unit inside a gap of the other annotator (``l^2``); one span of each
annotator is an overlapping pair (squared differences); larger components
(nested or chained spans) are enumerated. Each annotator's units and gaps are
counted by length once (the same code for every annotator), and ``uDe`` is
computed from those length counts with suffix sums over the sorted gap
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

from array import array
from itertools import accumulate, combinations
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from annotator.core.agreement.common import (
    OUTSIDE, TOKEN_PATTERN, _distinct,
)
from annotator.core.agreement.spans import _compare, _expected_disagreement, _Side, max_overlap_matching
from annotator.core.agreement.tokens import (
    _cohen, _fleiss, _multi_table, _nominal_alpha, _pair_token_table, _pieces, _token_ranges,
)
from annotator.core.errors import InputError, NotFoundError
from annotator.core.gcpause import gc_paused
from annotator.core.lazy import lazy_module
from annotator.core.model import Annotation, ComparedSpan

if TYPE_CHECKING:  # import-linter reads this import: the contracts still see the dependency
    from annotator.core.store import Store

__all__ = [
    "agreement_report", "agreement_from_store", "store_steps", "explain", "unitizing_alpha", "max_overlap_matching", "report_steps", "TOKEN_PATTERN",
    "OUTSIDE",
]

np = lazy_module("numpy")

#: ``progress(done, total)``, as the long operations of :mod:`annotator.core` take it.
Progress = Callable[[int, "int | None"], None]
#: The longest continuum the report takes (code points): its sums of squares stay exact 64-bit integers.
MAX_LENGTH = 1 << 30
#: Steps of the report before the span comparisons: the spans read, the tokens, the token coefficients.
_TOKEN_STEPS = 3


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



def report_steps(annotators: int) -> int:
    """How many steps :func:`agreement_report` reports for that many annotators (``progress(k, total)``)."""
    return _TOKEN_STEPS + max(annotators * (annotators - 1) // 2, 1)


def agreement_report(
    texts: dict[str, str],
    annotations: Iterable[Annotation],
    annotators: Sequence[str],
    doc: str | None = None,
    label: str | None = None,
    progress: Progress | None = None,
) -> dict:
    """The agreement report of FORMATS.md for ``annotators`` over ``texts``.

    ``texts`` maps document id to text and must hold every counted document.
    Annotations of other annotators are ignored. Raises :class:`InputError`
    for an empty ``annotators`` list or a counted document without text, and
    :class:`NotFoundError` if ``doc`` has no text. ``progress(done, total)``
    is called after each of the :func:`report_steps` steps (the spans read,
    the tokens, the token coefficients, then each pair of annotators
    compared); it may raise :class:`~annotator.core.errors.CancelledError`.
    """
    names = list(dict.fromkeys(annotators))
    if not names:
        raise InputError("Name at least one annotator to compare.")
    if doc is not None and doc not in texts:
        raise NotFoundError(f"There is no document {doc!r}.")
    with gc_paused():
        return _report(texts, _Columns.of(annotations), names, doc, label, progress or _no_progress)


def agreement_from_store(
    store: Store, names: Sequence[str], doc: str | None = None, label: str | None = None,
    progress: Progress | None = None,
) -> dict:
    """:func:`agreement_report` for the annotators ``names`` of ``store`` (optionally one document, one label).

    Only the compared annotators' spans are read (of ``label`` only, when given), then the texts of the
    documents they touch. ``progress(done, total)`` counts :func:`store_steps`: one step per annotator read,
    then the steps of :func:`agreement_report` (the command line and the window's dialog show the same).
    """
    names = list(dict.fromkeys(names))
    if not names:
        raise InputError("Name at least one annotator to compare.")
    total = store_steps(len(names))
    step = progress or _no_progress
    columns = _Columns()  # three integers a span, not a record: memory does not follow the spans' strings
    for k, name in enumerate(names, start=1):
        columns.extend(store.iter_compared_spans([name], doc, label, ordered=False, counted_only=True))
        step(k, total)
    doc_ids = [doc] if doc is not None else sorted({d for _, _, d in columns.distinct})
    texts = {d: store.document_text(d) for d in doc_ids}
    if doc is not None and doc not in texts:
        raise NotFoundError(f"There is no document {doc!r}.")
    with gc_paused():
        return _report(texts, columns, names, doc, label, lambda done, _: step(len(names) + done, total))


def store_steps(annotators: int) -> int:
    """How many steps :func:`agreement_from_store` reports for that many annotators."""
    return annotators + report_steps(annotators)


def unitizing_alpha(units: Sequence[Iterable[tuple[int, int]]], length: int) -> tuple[float | None, float, float]:
    """Krippendorff's unitizing alpha of one category on the continuum ``[0, length)``: ``(alpha, uDo, uDe)``.

    ``units`` holds, per annotator, its ``(start, end)`` units (overlapping
    ones are merged first; empty ones are ignored). ``alpha`` is ``None`` when
    it is not defined (fewer than two annotators, or ``uDe == 0``).
    """
    spans = [[(s, e) for s, e in u if s < e] for u in units]
    m = len(spans)
    if m < 2 or length <= 0:
        return None, 0.0, 0.0
    bounds = [0, length]
    sides = []
    for side in spans:
        starts = np.array([s for s, _ in side], dtype=np.int64)
        ends = np.array([e for _, e in side], dtype=np.int64)
        sides.append(_Side(starts, ends, np.zeros(len(side), dtype=np.int64), 1, bounds))
    observed = sum(_compare(x, y, 1, length + 1)[2][0] for x, y in combinations(sides, 2))
    do = 2 * observed / (m * (m - 1) * length * length)
    de = _expected_disagreement([s.parts[0] for s in sides], length)
    return (1.0 - do / de if de > 0.0 else None), do, de


# --------------------------------------------------------------------------- #
# The report
# --------------------------------------------------------------------------- #


def _no_progress(done: int, total: int | None = None) -> None:
    pass


def _report(
    texts: dict[str, str], columns: _Columns, names: list[str], doc: str | None, label: str | None,
    progress: Progress,
) -> dict:
    m = len(names)
    steps = report_steps(m)
    doc_ids, bounds, sides, labels = _sides(texts, columns, names, doc, label)
    progress(1, steps)
    report: dict = {"annotators": names, "documents": len(doc_ids)}
    table = _token_figures(report, sides, "".join(texts[d] for d in doc_ids), bounds, labels, progress)
    _span_figures(report, sides, bounds, labels, table, lambda k: progress(_TOKEN_STEPS + k, steps))
    progress(steps, steps)
    return report


class _Columns:
    """The spans to compare as columns: for each, its ``(annotator, label, document)`` (an index into
    :attr:`distinct`, the few triples that occur), its start and its end — three integers a span, however long
    the ids and names (a million records with their strings took ~370 MB; these arrays take 24 MB)."""

    def __init__(self) -> None:
        self.distinct: list[tuple[str, str, str]] = []
        self._index: dict[tuple[str, str, str], int] = {}
        self.triple = array("q")
        self.starts = array("q")
        self.ends = array("q")

    @classmethod
    def of(cls, annotations: Iterable[Annotation | ComparedSpan]) -> _Columns:
        columns = cls()
        columns.extend(annotations)
        return columns

    def extend(self, annotations: Iterable[Annotation | ComparedSpan]) -> None:
        index, distinct = self._index, self.distinct
        triple, starts, ends = self.triple.append, self.starts.append, self.ends.append
        for a in annotations:
            key = (a.annotator, a.label, a.document)
            k = index.get(key)
            if k is None:
                k = index[key] = len(distinct)
                distinct.append(key)
            triple(k)
            starts(a.start)
            ends(a.end)


def _sides(
    texts: dict[str, str], columns: _Columns, names: list[str], doc: str | None, label: str | None
) -> tuple[list[str], list[int], list[tuple[np.ndarray, np.ndarray, np.ndarray]], list[str]]:
    """The counted documents, their bounds on the continuum, each annotator's spans there and the labels.

    Each annotator's spans are arrays ``(starts, ends, label codes)``, clipped to their document's text and
    moved onto the continuum (the documents end to end), spans left empty dropped; the label codes index
    the labels those spans use, sorted. Spans of other annotators, labels (``label``) or documents (``doc``)
    are left out.
    """
    distinct = columns.distinct
    index = {name: k for k, name in enumerate(names)}
    who_of = np.array([index.get(w, -1) if (label is None or lb == label) and (doc is None or d == doc) else -1
                       for w, lb, d in distinct], dtype=np.int64)
    compared = [t for t, k in zip(distinct, who_of.tolist()) if k >= 0]
    doc_ids = [doc] if doc is not None else sorted({t[2] for t in compared})
    for d in doc_ids:
        if d not in texts:
            raise InputError(f"No text was given for document {d!r}.")
    lengths = [len(texts[d]) for d in doc_ids]
    bounds = list(accumulate(lengths, initial=0))  # document starts, then the total length
    if bounds[-1] >= MAX_LENGTH:
        raise InputError(f"The documents hold over {MAX_LENGTH:,} characters: too long to compare at once.")
    used = sorted({t[1] for t in compared})
    label_of = np.array([used.index(t[1]) if k >= 0 else 0 for t, k in zip(distinct, who_of.tolist())], np.int64)
    position = {d: k for k, d in enumerate(doc_ids)}
    doc_of = np.array([position.get(t[2], 0) for t in distinct], dtype=np.int64)
    triple = np.frombuffer(columns.triple, np.int64) if len(columns.triple) else np.zeros(0, np.int64)
    who, codes, which = who_of[triple], label_of[triple], doc_of[triple]
    offsets = np.array(bounds[:-1] or [0], np.int64)[which]  # (no document: no span is kept)
    starts = np.maximum(np.array(columns.starts, np.int64), 0) + offsets
    ends = np.minimum(np.array(columns.ends, np.int64), np.array(lengths or [0], np.int64)[which])
    ends += offsets
    keep = (starts < ends) & (who >= 0)
    starts, ends, codes, who = starts[keep], ends[keep], codes[keep], who[keep]
    kept = _distinct(codes)  # the labels some kept span uses
    renumber = np.zeros(len(used), np.int64)
    renumber[kept] = np.arange(len(kept))
    codes = renumber[codes]
    sides = [(starts[who == k], ends[who == k], codes[who == k]) for k in range(len(names))]
    return doc_ids, bounds, sides, [used[k] for k in kept.tolist()]


def _token_figures(
    report: dict, sides: list, joined: str, bounds: list[int], labels: list[str], progress: Progress
) -> dict[tuple[str, ...], int]:
    """Put the token count and the token coefficients into ``report``; return the table of categories."""
    m = len(sides)
    steps = report_steps(m)
    total, ranges = _token_ranges(sides, joined, bounds)
    report["tokens"] = total
    progress(2, steps)
    if m == 2:
        table = _pair_token_table(ranges[0], ranges[1], total, labels)
    else:
        named = [(lo.tolist(), hi.tolist(), [labels[c] for c in cat.tolist()]) for lo, hi, cat in ranges]
        table = _multi_table([_pieces(*r) for r in named], total)
    report["cohen_kappa"] = _cohen(table, 0, 1) if m == 2 else None
    report["fleiss_kappa"] = _fleiss(table, m)
    report["krippendorff_alpha"] = _nominal_alpha(table, m)
    progress(3, steps)
    return table


def _span_figures(
    report: dict, sides: list, bounds: list[int], labels: list[str], table: dict, compared_one: Callable[[int], None]
) -> None:
    """Put unitizing alpha, span F1, the per-label figures and (over two annotators) the pairs into ``report``."""
    m = len(sides)
    count = len(labels)
    length = bounds[-1]
    by_label = [_Side(s, e, c, count, bounds) for s, e, c in sides]
    pairs = list(combinations(range(m), 2))
    compared: dict[tuple[int, int], tuple[list[int], list[int], list[int]]] = {}
    for k, (i, j) in enumerate(pairs, start=1):
        compared[(i, j)] = _compare(by_label[i], by_label[j], count, length + 1)
        compared_one(k)
    sizes = [s.sizes for s in by_label]

    def f1(c: int | None, i: int, j: int) -> dict:
        exact, overlap, _ = compared[(i, j)]
        if c is None:
            size, exact, overlap = sum(sizes[i]) + sum(sizes[j]), sum(exact), sum(overlap)
        else:
            size, exact, overlap = sizes[i][c] + sizes[j][c], exact[c], overlap[c]
        if not size:
            return {"exact": None, "overlap": None}
        return {"exact": 2 * exact / size, "overlap": 2 * overlap / size}

    def alpha_u(cs: Iterable[int], members: tuple[int, ...]) -> float | None:
        k = len(members)
        if k < 2 or length <= 0:
            return None
        do = de = 0.0
        for c in cs:
            observed = sum(compared[p][2][c] for p in combinations(members, 2))
            do += 2 * observed / (k * (k - 1) * length * length)  # 2: ordered pairs
            de += _expected_disagreement([by_label[i].parts[c] for i in members], length)
        return 1.0 - do / de if de > 0.0 else None

    everyone = tuple(range(m))
    all_labels = range(count)
    report["krippendorff_alpha_u"] = alpha_u(all_labels, everyone)
    report["span_f1"] = _mean_f1([f1(None, i, j) for i, j in pairs])
    report["per_label"] = {
        lab: {"span_f1": _mean_f1([f1(c, i, j) for i, j in pairs]), "krippendorff_alpha_u": alpha_u([c], everyone)}
        for c, lab in enumerate(labels)
    }
    if m > 2:
        report["pairwise"] = {
            f"{report['annotators'][i]}|{report['annotators'][j]}": {
                "cohen_kappa": _cohen(table, i, j),
                "span_f1": f1(None, i, j),
                "krippendorff_alpha_u": alpha_u(all_labels, (i, j)),
            }
            for i, j in pairs
        }


def _mean_f1(per_pair: list[dict]) -> dict:
    out = {}
    for key in ("exact", "overlap"):
        values = [p[key] for p in per_pair if p[key] is not None]
        out[key] = sum(values) / len(values) if values else None
    return out


