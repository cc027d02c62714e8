"""Agreement report: token kappas/alpha against NLTK and krippendorff, unitizing alpha, span F1, degenerate cases."""

from __future__ import annotations

import itertools
import json
import random
import re
import subprocess
import sys
import tracemalloc
from collections import Counter
from fractions import Fraction

import pytest
from report_builders import spans_project

from annotator.core.agreement import (
    OUTSIDE,
    agreement_from_store,
    agreement_report,
    explain,
    max_overlap_matching,
    unitizing_alpha,
)
from annotator.core.errors import InputError, NotFoundError
from annotator.core.model import Annotation
from annotator.core.store import Store

TOKEN = re.compile(r"\w+|[^\w\s]")
_ids = itertools.count()


def ann(who: str, doc: str, start: int, end: int, label: str = "X") -> Annotation:
    return Annotation(
        id=f"{who}-{next(_ids)}", document=doc, label=label, start=start, end=end, quote="", annotator=who
    )


def span_of(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


# --------------------------------------------------------------------------- #
# Brute-force references, straight from the definitions
# --------------------------------------------------------------------------- #


def counted_docs(annotations, annotators, doc=None):
    if doc is not None:
        return [doc]
    return sorted({a.document for a in annotations if a.annotator in annotators})


def brute_categories(texts, annotations, annotators, doc=None):
    """[(per-annotator category, ...) for every counted token], per FORMATS.md."""
    rows = []
    for d in counted_docs(annotations, annotators, doc):
        text = texts[d]
        for m in TOKEN.finditer(text):
            s, e = m.span()
            row = []
            for who in annotators:
                labels = sorted(
                    {
                        a.label
                        for a in annotations
                        if a.annotator == who and a.document == d and a.start < e and s < a.end
                    }
                )
                row.append("+".join(labels) or OUTSIDE)
            rows.append(tuple(row))
    return rows


def brute_f1(annotations, x, y, docs, label=None):
    """(exact, overlap) F1 with an augmenting-path maximum matching."""
    def spans(who):
        return [
            (a.document, a.start, a.end, a.label)
            for a in annotations
            if a.annotator == who and a.document in docs and (label is None or a.label == label)
        ]

    sx, sy = spans(x), spans(y)
    size = len(sx) + len(sy)
    if not size:
        return None, None
    cx, cy = Counter(sx), Counter(sy)
    exact = sum(min(n, cy[k]) for k, n in cx.items())
    edges = [
        [j for j, b in enumerate(sy) if a[0] == b[0] and a[3] == b[3] and a[1] < b[2] and b[1] < a[2]] for a in sx
    ]
    return 2 * exact / size, 2 * kuhn(edges, len(sy)) / size


def kuhn(edges: list[list[int]], n_right: int) -> int:
    """Maximum bipartite matching by augmenting paths."""
    match_right = [-1] * n_right

    def augment(u, seen):
        for v in edges[u]:
            if v not in seen:
                seen.add(v)
                if match_right[v] == -1 or augment(match_right[v], seen):
                    match_right[v] = u
                    return True
        return False

    return sum(augment(u, set()) for u in range(len(edges)))


def brute_unitizing(units_by_annotator, bounds):
    """(uDo, uDe) of one category by direct enumeration of Krippendorff's definition (exact fractions).

    ``units_by_annotator``: per annotator, (start, end) spans on the continuum whose
    documents are delimited by ``bounds`` (document starts, then the total length).
    """
    length = bounds[-1]
    m = len(units_by_annotator)
    sections = []  # per annotator: (begin, length, is_unit)
    for spans in units_by_annotator:
        merged = []
        for s, e in sorted(spans):
            if merged and s < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        secs = [(s, e - s, True) for s, e in merged]
        for a, b in zip(bounds, bounds[1:]):
            inside = sorted((s, e) for s, e in merged if a <= s < b)
            pos = a
            for s, e in inside:
                if s > pos:
                    secs.append((pos, s - pos, False))
                pos = e
            if b > pos:
                secs.append((pos, b - pos, False))
        sections.append(secs)

    def delta2(g, h):
        bg, lg, ug = g
        bh, lh, uh = h
        if ug and uh and -lg < bg - bh < lh:
            return (bg - bh) ** 2 + (bg + lg - bh - lh) ** 2
        if ug and not uh and lh - lg >= bg - bh >= 0:
            return lg**2
        if not ug and uh and lg - lh >= bh - bg >= 0:
            return lh**2
        return 0

    observed = sum(
        delta2(g, h)
        for i in range(m)
        for j in range(m)
        if i != j
        for g in sections[i]
        for h in sections[j]
    )
    do = Fraction(observed, m * (m - 1) * length * length)
    units = [n for secs in sections for _, n, is_unit in secs if is_unit]
    gaps = [n for secs in sections for _, n, is_unit in secs if not is_unit]
    n_c = len(units)
    numerator = sum(
        Fraction(n_c - 1, 3) * (2 * n**3 - 3 * n**2 + n) + n**2 * sum(g - n + 1 for g in gaps if g >= n)
        for n in units
    )
    denominator = m * length * (m * length - 1) - sum(n * (n - 1) for n in units)
    de = Fraction(2, length) * numerator / denominator if denominator else Fraction(0)
    return do, de


def random_case(rng: random.Random, n_annotators: int, n_docs: int = 2, labels: str = "XYZ"):
    pieces = ["alpha", "be", "c", " ", " ", ", ", ".", "\n", "x_y", "été", "42", "—", "(", ")", "Ωmega"]
    texts = {f"d{k}": "".join(rng.choice(pieces) for _ in range(rng.randint(3, 25))) for k in range(n_docs)}
    annotators = [f"coder{k}" for k in range(n_annotators)]
    anns = []
    for who in annotators:
        for _ in range(rng.randint(1, 7)):
            d = rng.choice(sorted(texts))
            n = len(texts[d])
            s = rng.randrange(n)
            e = rng.randint(s + 1, min(n, s + 12))
            anns.append(ann(who, d, s, e, rng.choice(labels)))
    # Some shared spans, as real annotators agree on some.
    for a in list(anns):
        if rng.random() < 0.3:
            anns.append(ann(rng.choice(annotators), a.document, a.start, a.end, a.label))
    return texts, anns, annotators


# --------------------------------------------------------------------------- #
# Token coefficients against NLTK and krippendorff
# --------------------------------------------------------------------------- #


def _cases(n):
    rng = random.Random(20240611)
    out = []
    while len(out) < n:
        m = rng.choice((2, 2, 3, 4))
        texts, anns, who = random_case(rng, m)
        rows = brute_categories(texts, anns, who)
        values = {c for row in rows for c in row}
        if len(rows) >= 2 and len(values) >= 2:  # expected disagreement > 0 for everyone
            out.append((texts, anns, who, rows))
    return out


CASES = _cases(30)


@pytest.mark.parametrize("case", range(len(CASES)))
def test_token_coefficients_match_nltk(case):
    agreement = pytest.importorskip("nltk.metrics.agreement")
    texts, anns, who, rows = CASES[case]
    report = agreement_report(texts, anns, who)
    assert report["tokens"] == len(rows)
    data = [(c, str(u), row[k]) for u, row in enumerate(rows) for k, c in enumerate(who)]
    task = agreement.AnnotationTask(data=data)
    # NLTK's pi() is multi-pi = Fleiss' kappa (Siegel & Castellan's K); alpha() is nominal alpha.
    assert report["fleiss_kappa"] == pytest.approx(task.pi(), abs=1e-9)
    assert report["krippendorff_alpha"] == pytest.approx(task.alpha(), abs=1e-9)
    if len(who) == 2:
        # kappa() averages Cohen's kappa over pairs; multi_kappa() is Davies & Fleiss,
        # which for two coders is Cohen's kappa as well.
        assert report["cohen_kappa"] == pytest.approx(task.kappa(), abs=1e-9)
        assert report["cohen_kappa"] == pytest.approx(task.multi_kappa(), abs=1e-9)
        assert "pairwise" not in report
    else:
        assert report["cohen_kappa"] is None
        for (i, x), (j, y) in itertools.combinations(enumerate(who), 2):
            pair = agreement.AnnotationTask(data=[d for d in data if d[0] in (x, y)])
            got = report["pairwise"][f"{x}|{y}"]["cohen_kappa"]
            if len({r[i] for r in rows} | {r[j] for r in rows}) < 2:
                assert got is None
            else:
                assert got == pytest.approx(pair.kappa_pairwise(x, y), abs=1e-9)


@pytest.mark.parametrize("case", range(len(CASES)))
def test_nominal_alpha_matches_krippendorff(case):
    krippendorff = pytest.importorskip("krippendorff")
    np = pytest.importorskip("numpy")
    texts, anns, who, rows = CASES[case]
    codes = {c: k for k, c in enumerate(sorted({c for row in rows for c in row}))}
    matrix = np.array([[codes[row[k]] for row in rows] for k in range(len(who))], dtype=float)
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert agreement_report(texts, anns, who)["krippendorff_alpha"] == pytest.approx(expected, abs=1e-9)


def test_token_tables_equal_brute_force():
    """The two-annotator sweep and the general table both count exactly the per-token categories."""
    from annotator.core import agreement as impl

    rng = random.Random(7)
    for _ in range(300):
        texts, anns, who = random_case(rng, rng.choice((2, 3)), n_docs=3)
        expected = Counter(brute_categories(texts, anns, who))
        docs = counted_docs(anns, who)
        doc_ids, bounds, sides, labels = impl._sides(texts, impl._Columns.of(anns), who, None, None)
        assert doc_ids == docs
        total, ranges = impl._token_ranges(sides, "".join(texts[d] for d in docs), bounds)
        assert total == sum(expected.values())
        named = [(lo.tolist(), hi.tolist(), [labels[c] for c in cat.tolist()]) for lo, hi, cat in ranges]
        assert Counter(impl._multi_table([impl._pieces(*r) for r in named], total)) == expected
        if len(who) == 2:
            assert Counter(impl._pair_token_table(ranges[0], ranges[1], total, labels)) == expected
        else:
            # The pairwise kappa of the general path equals the two-annotator report's.
            report = agreement_report(texts, anns, who)
            for x, y in itertools.combinations(who, 2):
                if docs == counted_docs(anns, [x, y]):
                    pair = agreement_report(texts, anns, [x, y])["cohen_kappa"]
                    assert report["pairwise"][f"{x}|{y}"]["cohen_kappa"] == pytest.approx(pair)


def test_general_path_matches_pairwise_kappa_definition():
    rng = random.Random(11)
    for _ in range(100):
        texts, anns, who = random_case(rng, 3)
        rows = brute_categories(texts, anns, who)
        report = agreement_report(texts, anns, who)
        for (i, x), (j, y) in itertools.combinations(enumerate(who), 2):
            n = len(rows)
            agree = sum(r[i] == r[j] for r in rows)
            pa, pb = Counter(r[i] for r in rows), Counter(r[j] for r in rows)
            pe = sum(pa[c] * pb[c] for c in pa) / (n * n)
            got = report["pairwise"][f"{x}|{y}"]["cohen_kappa"]
            if pe < 1:
                assert got == pytest.approx((agree / n - pe) / (1 - pe), abs=1e-9)
            else:
                assert got is None


# --------------------------------------------------------------------------- #
# Tokens and documents (FORMATS.md)
# --------------------------------------------------------------------------- #


def test_token_rule_and_categories():
    text = "Hello, world! x_y 42—été."
    # Tokens: Hello , world ! x_y 42 — été .
    texts = {"d": text}
    a_s, a_e = span_of(text, "llo")  # inside a word: covers the token "Hello"
    anns = [
        ann("a", "d", a_s, a_e, "P"),
        ann("a", "d", *span_of(text, "world"), "Q"),
        ann("a", "d", *span_of(text, "world!"), "P"),  # two labels on "world": P+Q
        ann("b", "d", *span_of(text, " x_y "), "Q"),  # whitespace around does not add tokens
        ann("b", "d", *span_of(text, "—é"), "R"),  # punctuation plus the first char of a word
    ]
    rows = brute_categories(texts, anns, ["a", "b"])
    assert [t.group() for t in TOKEN.finditer(text)] == ["Hello", ",", "world", "!", "x_y", "42", "—", "été", "."]
    assert [r[0] for r in rows] == ["P", "O", "P+Q", "P", "O", "O", "O", "O", "O"]
    assert [r[1] for r in rows] == ["O", "O", "O", "O", "Q", "O", "R", "R", "O"]
    report = agreement_report(texts, anns, ["a", "b"])
    assert report["tokens"] == 9
    n = 9
    agree = sum(x == y for x, y in rows)
    pa, pb = Counter(r[0] for r in rows), Counter(r[1] for r in rows)
    pe = sum(pa[c] * pb[c] for c in pa) / n**2
    assert report["cohen_kappa"] == pytest.approx((agree / n - pe) / (1 - pe))


def test_span_covering_only_whitespace_counts_no_token():
    texts = {"d": "one   two"}
    anns = [ann("a", "d", 3, 6, "X"), ann("b", "d", 0, 3, "X")]
    rows = brute_categories(texts, anns, ["a", "b"])
    assert rows == [("O", "X"), ("O", "O")]
    report = agreement_report(texts, anns, ["a", "b"])
    assert report["tokens"] == 2


def test_words_do_not_run_across_documents():
    texts = {"d1": "abc", "d2": "def ghi"}
    anns = [ann("a", "d1", 1, 3, "X"), ann("b", "d2", 0, 2, "X"), ann("a", "d2", 0, 1, "Y")]
    report = agreement_report(texts, anns, ["a", "b"])
    rows = brute_categories(texts, anns, ["a", "b"])
    assert report["tokens"] == len(rows) == 3
    assert rows == [("X", "O"), ("Y", "X"), ("O", "O")]


def test_documents_counted_only_where_compared_annotators_worked():
    texts = {"d1": "a b c", "d2": "d e f g", "d3": "nobody touched this"}
    anns = [
        ann("a", "d1", 0, 1),
        ann("b", "d1", 0, 1),
        ann("c", "d2", 0, 1),  # c is not compared: d2 is not counted
        ann("b", "d3", 0, 6, "Y"),
    ]
    report = agreement_report(texts, anns, ["a", "b"])
    assert report["documents"] == 2  # d1 and d3
    assert report["tokens"] == 3 + 3
    # --doc counts that document only, annotated or not.
    only = agreement_report(texts, anns, ["a", "b"], doc="d2")
    assert only["documents"] == 1 and only["tokens"] == 4
    assert only["cohen_kappa"] is None  # everything O for both: not defined
    # --label: the documents where someone used the label.
    y = agreement_report(texts, anns, ["a", "b"], label="Y")
    assert y["documents"] == 1 and y["tokens"] == 3
    assert list(y["per_label"]) == ["Y"]


def test_label_filter_restricts_categories():
    texts = {"d": "one two three four"}
    anns = [
        ann("a", "d", 0, 3, "X"),
        ann("b", "d", 0, 3, "X"),
        ann("a", "d", 4, 7, "Y"),
        ann("b", "d", 8, 13, "Y"),
    ]
    x = agreement_report(texts, anns, ["a", "b"], label="X")
    assert x["cohen_kappa"] == 1.0  # X/O only, identical
    assert x["span_f1"] == {"exact": 1.0, "overlap": 1.0}
    full = agreement_report(texts, anns, ["a", "b"])
    assert full["cohen_kappa"] < 1.0
    assert set(full["per_label"]) == {"X", "Y"}


def test_missing_text_and_bad_arguments():
    with pytest.raises(InputError):
        agreement_report({}, [ann("a", "d", 0, 1)], ["a", "b"])
    with pytest.raises(NotFoundError):
        agreement_report({"d": "x"}, [], ["a", "b"], doc="nope")
    with pytest.raises(InputError):
        agreement_report({"d": "x"}, [], [])


# --------------------------------------------------------------------------- #
# Degenerate cases: defined values or None, never an exception
# --------------------------------------------------------------------------- #

KEYS = {
    "annotators",
    "documents",
    "tokens",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "krippendorff_alpha_u",
    "span_f1",
    "per_label",
}


def test_identical_annotations_give_one():
    texts = {"d1": "The quick brown fox jumps.", "d2": "Over the lazy dog, twice."}
    spans = [("d1", 4, 9, "A"), ("d1", 16, 19, "B"), ("d2", 0, 4, "A"), ("d2", 9, 18, "B")]
    anns = [ann(who, *s) for who in ("a", "b", "c") for s in spans]
    for who in (["a", "b"], ["a", "b", "c"]):
        report = agreement_report(texts, anns, who)
        for key in ("fleiss_kappa", "krippendorff_alpha", "krippendorff_alpha_u"):
            assert report[key] == 1.0
        assert report["span_f1"] == {"exact": 1.0, "overlap": 1.0}
        for per in report["per_label"].values():
            assert per == {"span_f1": {"exact": 1.0, "overlap": 1.0}, "krippendorff_alpha_u": 1.0}
    assert agreement_report(texts, anns, ["a", "b"])["cohen_kappa"] == 1.0
    three = agreement_report(texts, anns, ["a", "b", "c"])
    assert set(three) == KEYS | {"pairwise"}
    for pair in three["pairwise"].values():
        assert pair == {"cohen_kappa": 1.0, "span_f1": {"exact": 1.0, "overlap": 1.0}, "krippendorff_alpha_u": 1.0}


def test_no_annotations():
    report = agreement_report({"d": "some text"}, [], ["a", "b"])
    assert report == {
        "annotators": ["a", "b"],
        "documents": 0,
        "tokens": 0,
        "cohen_kappa": None,
        "fleiss_kappa": None,
        "krippendorff_alpha": None,
        "krippendorff_alpha_u": None,
        "span_f1": {"exact": None, "overlap": None},
        "per_label": {},
    }
    json.dumps(report)


def test_one_annotator():
    texts = {"d": "one two three"}
    report = agreement_report(texts, [ann("a", "d", 0, 3), ann("b", "d", 4, 7)], ["a"])
    assert report["documents"] == 1 and report["tokens"] == 3
    for key in ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "krippendorff_alpha_u"):
        assert report[key] is None
    assert report["span_f1"] == {"exact": None, "overlap": None}
    assert report["per_label"] == {"X": {"span_f1": {"exact": None, "overlap": None}, "krippendorff_alpha_u": None}}


def test_label_used_by_one_annotator_only():
    texts = {"d": "alpha beta gamma delta"}
    anns = [ann("a", "d", 0, 5, "X"), ann("b", "d", 0, 5, "X"), ann("a", "d", 11, 16, "Lonely")]
    report = agreement_report(texts, anns, ["a", "b"])
    lonely = report["per_label"]["Lonely"]
    assert lonely["span_f1"] == {"exact": 0.0, "overlap": 0.0}
    assert lonely["krippendorff_alpha_u"] is not None and lonely["krippendorff_alpha_u"] < 0
    assert report["per_label"]["X"]["krippendorff_alpha_u"] == 1.0
    assert report["span_f1"] == {"exact": 2 / 3, "overlap": 2 / 3}


def test_empty_documents_and_everything_one_category():
    texts = {"empty": "", "d": "word"}
    anns = [ann("a", "empty", 0, 0), ann("b", "empty", 0, 5)]  # nothing left after clipping
    report = agreement_report(texts, anns, ["a", "b"])
    assert report["documents"] == 1 and report["tokens"] == 0
    assert report["cohen_kappa"] is None and report["krippendorff_alpha_u"] is None
    assert report["span_f1"] == {"exact": None, "overlap": None}
    # The whole text in one label for both: no expected disagreement for the token coefficients.
    whole = agreement_report(texts, [ann("a", "d", 0, 4), ann("b", "d", 0, 4)], ["a", "b"])
    assert whole["cohen_kappa"] is None and whole["fleiss_kappa"] is None and whole["krippendorff_alpha"] is None
    assert whole["span_f1"] == {"exact": 1.0, "overlap": 1.0}
    assert whole["krippendorff_alpha_u"] == 1.0
    # One character: unitizing alpha has no expected disagreement either.
    tiny = agreement_report({"d": "w"}, [ann("a", "d", 0, 1), ann("b", "d", 0, 1)], ["a", "b"])
    assert tiny["krippendorff_alpha_u"] is None


def test_random_reports_never_raise_and_are_json():
    rng = random.Random(3)
    for _ in range(200):
        m = rng.choice((1, 2, 3))
        texts, anns, who = random_case(rng, m, n_docs=rng.choice((1, 2, 3)))
        if rng.random() < 0.2:
            anns = anns[: rng.randint(0, 2)]
        label = rng.choice((None, "X", "Nope"))
        report = agreement_report(texts, anns, who, label=label)
        assert set(report) == KEYS | ({"pairwise"} if m > 2 else set())
        json.dumps(report)
        for key in ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "krippendorff_alpha_u"):
            assert report[key] is None or (isinstance(report[key], float) and report[key] <= 1.0 + 1e-9)


# --------------------------------------------------------------------------- #
# Span F1
# --------------------------------------------------------------------------- #


def test_span_f1_hand_cases():
    texts = {"d": "0123456789" * 5}
    a = [ann("a", "d", 0, 10, "X"), ann("a", "d", 20, 25, "X"), ann("a", "d", 30, 35, "Y"), ann("a", "d", 40, 45, "X")]
    b = [
        ann("b", "d", 0, 10, "X"),  # exact
        ann("b", "d", 22, 28, "X"),  # overlap, same label
        ann("b", "d", 30, 35, "X"),  # same bounds, other label: no match
        ann("b", "d", 46, 48, "X"),  # no overlap
    ]
    report = agreement_report(texts, a + b, ["a", "b"])
    assert report["span_f1"] == {"exact": 2 * 1 / 8, "overlap": 2 * 2 / 8}
    assert report["per_label"]["X"]["span_f1"] == {"exact": 2 * 1 / 7, "overlap": 2 * 2 / 7}
    assert report["per_label"]["Y"]["span_f1"] == {"exact": 0.0, "overlap": 0.0}


def test_overlap_matching_is_one_to_one_and_maximum():
    texts = {"d": "x" * 40}
    # Every a overlaps every b; a one-to-one matching has two pairs (a count of
    # overlapping pairs would give four).
    a = [ann("a", "d", 0, 10), ann("a", "d", 8, 12)]
    b = [ann("b", "d", 5, 9), ann("b", "d", 9, 20)]
    report = agreement_report(texts, a + b, ["a", "b"])
    assert report["span_f1"]["overlap"] == 1.0
    # A long span covering three short ones matches only one of them.
    long = [ann("a", "d", 0, 30)]
    short = [ann("b", "d", 0, 5), ann("b", "d", 10, 15), ann("b", "d", 20, 25)]
    assert agreement_report(texts, long + short, ["a", "b"])["span_f1"]["overlap"] == 2 * 1 / 4
    # Nested spans of one annotator: the matching may not use the long one twice.
    nested = [ann("a", "d", 0, 30), ann("a", "d", 2, 3)]
    other = [ann("b", "d", 1, 4), ann("b", "d", 25, 28)]
    assert agreement_report(texts, nested + other, ["a", "b"])["span_f1"]["overlap"] == 1.0
    # Touching spans (half-open) do not overlap.
    assert agreement_report(texts, [ann("a", "d", 0, 5), ann("b", "d", 5, 9)], ["a", "b"])["span_f1"]["overlap"] == 0.0


def test_max_overlap_matching_against_augmenting_paths():
    rng = random.Random(5)
    for _ in range(500):
        a = [(s, s + rng.randint(1, 8)) for s in (rng.randrange(30) for _ in range(rng.randint(0, 7)))]
        b = [(s, s + rng.randint(1, 8)) for s in (rng.randrange(30) for _ in range(rng.randint(0, 7)))]
        edges = [[j for j, y in enumerate(b) if x[0] < y[1] and y[0] < x[1]] for x in a]
        assert max_overlap_matching(a, b) == kuhn(edges, len(b))


def test_span_f1_against_brute_force():
    rng = random.Random(9)
    for _ in range(200):
        texts, anns, who = random_case(rng, rng.choice((2, 3)), n_docs=2, labels="XY")
        report = agreement_report(texts, anns, who)
        docs = set(counted_docs(anns, who))
        pairs = list(itertools.combinations(who, 2))
        for label in (None, "X", "Y"):
            values = [brute_f1(anns, x, y, docs, label) for x, y in pairs]
            got = report["span_f1"] if label is None else report["per_label"].get(label, {}).get("span_f1")
            if got is None:
                assert all(v == (None, None) for v in values)
                continue
            for k, key in enumerate(("exact", "overlap")):
                defined = [v[k] for v in values if v[k] is not None]
                expected = sum(defined) / len(defined) if defined else None
                assert got[key] == pytest.approx(expected)


# --------------------------------------------------------------------------- #
# Unitizing alpha
# --------------------------------------------------------------------------- #


def test_unitizing_alpha_published_example_2004():
    """Krippendorff (2004), Content Analysis 2nd ed., p. 254: two observers on [150, 450)."""
    shift = 150
    c_i = [(225, 295), (370, 400)]
    c_j = [(220, 300), (355, 375), (400, 420)]
    k_both = [(180, 240), (300, 350)]

    def moved(spans):
        return [(s - shift, e - shift) for s, e in spans]

    alpha_c, do_c, de_c = unitizing_alpha([moved(c_i), moved(c_j)], 300)
    assert do_c == pytest.approx(0.0144, abs=5e-5)
    assert de_c == pytest.approx(0.0532, abs=5e-5)
    assert alpha_c == pytest.approx(0.7286, abs=5e-5)
    alpha_k, do_k, de_k = unitizing_alpha([moved(k_both), moved(k_both)], 300)
    assert alpha_k == 1.0 and do_k == 0.0
    assert de_k == pytest.approx(0.0490, abs=5e-5)
    # Overall (pooled over the two values): the book prints 0.8591, from the
    # rounded 1 - 0.0144 / (0.0532 + 0.0490); unrounded it is 0.8587.
    assert 1 - (do_c + do_k) / (de_c + de_k) == pytest.approx(0.8591, abs=5e-4)
    texts = {"d": "x" * 300}
    anns = [ann("i", "d", s, e, "c") for s, e in moved(c_i)] + [ann("j", "d", s, e, "c") for s, e in moved(c_j)]
    anns += [ann(w, "d", s, e, "k") for w in "ij" for s, e in moved(k_both)]
    report = agreement_report(texts, anns, ["i", "j"])
    assert report["krippendorff_alpha_u"] == pytest.approx(1 - (do_c + do_k) / (de_c + de_k))
    assert report["per_label"]["c"]["krippendorff_alpha_u"] == pytest.approx(alpha_c)
    assert report["per_label"]["k"]["krippendorff_alpha_u"] == 1.0


@pytest.mark.parametrize(
    ("first", "second", "observed"),
    [
        # Krippendorff (1995), "On the reliability of unitizing continuous data", p. 57,
        # examples A-D on a continuum of 24 (observed disagreements).
        ([(2, 10), (14, 20)], [(4, 8), (15, 17)], 0.03125),
        ([(0, 18)], [(0, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 9), (9, 10)], 2.26736),
        ([(2, 8), (10, 12), (14, 18), (20, 22)], [(0, 2), (4, 8), (10, 14), (16, 18), (20, 22)], 0.02777),
        ([(0, 2), (2, 10), (10, 14), (14, 20), (20, 24)], [(0, 4), (4, 8), (8, 15), (15, 17), (17, 24)], 0.38715),
    ],
)
def test_unitizing_observed_disagreement_1995_examples(first, second, observed):
    _, do, _ = unitizing_alpha([first, second], 24)
    assert do == pytest.approx(observed, abs=1e-5)


def test_unitizing_hand_computed():
    # One unit each, shifted by 2 on a continuum of 10:
    # delta2 = 2^2 + 2^2 = 8 per ordered pair; uDo = 2 * 8 / (2 * 1 * 100) = 0.08.
    # Units l = 4 (twice); gaps 2, 4 | 4, 2 -> sum over gaps >= 4 of (g - 4 + 1) = 2 per unit.
    # uDe = (2/10) * 2 * (1/3 * (128 - 48 + 4) + 16 * 2) / (20 * 19 - 2 * 12) = 0.0539...
    alpha, do, de = unitizing_alpha([[(2, 6)], [(4, 8)]], 10)
    assert do == pytest.approx(0.08)
    assert de == pytest.approx(0.2 * 2 * (84 / 3 + 32) / (380 - 24))
    assert alpha == pytest.approx(1 - do / de)
    # A unit only one annotator has, inside the other's gap: delta2 = l^2 both ways.
    _, do, _ = unitizing_alpha([[(2, 5)], []], 10)
    assert do == pytest.approx(2 * 9 / (2 * 100))
    # Identical: 1.0.
    assert unitizing_alpha([[(1, 3), (5, 9)]] * 3, 12)[0] == 1.0
    # Fewer than two annotators, or nothing on the continuum: not defined.
    assert unitizing_alpha([[(1, 3)]], 12)[0] is None
    assert unitizing_alpha([[], []], 12)[0] is None


def test_unitizing_against_definition_by_enumeration():
    """The sweeps equal a direct enumeration of every pair of sections (units and gaps)."""
    rng = random.Random(17)
    for _ in range(300):
        n_docs = rng.choice((1, 1, 2, 3))
        lengths = [rng.randint(0, 20) for _ in range(n_docs)]
        if sum(lengths) == 0:
            continue
        texts = {f"d{k}": "x" * n for k, n in enumerate(lengths)}
        m = rng.choice((2, 2, 3))
        anns = []
        for w in range(m):
            for _ in range(rng.randint(0, 6)):
                k = rng.randrange(n_docs)
                if lengths[k] == 0:  # clipped away, but the (empty) document is counted
                    anns.append(ann(f"w{w}", f"d{k}", 0, 1, rng.choice("PQ")))
                    continue
                s = rng.randrange(lengths[k])
                e = rng.randint(s + 1, min(lengths[k], s + 7))
                anns.append(ann(f"w{w}", f"d{k}", s, e, rng.choice("PQ")))
        who = [f"w{w}" for w in range(m)]
        docs = counted_docs(anns, who)
        if not docs:
            continue
        doc_bounds = list(itertools.accumulate([len(texts[d]) for d in docs], initial=0))
        offset = dict(zip(docs, doc_bounds))
        report = agreement_report(texts, anns, who)
        do_all = de_all = Fraction(0)
        kept = [a for a in anns if a.end <= len(texts[a.document])]
        for label in sorted({a.label for a in kept}):
            units = [
                [
                    (a.start + offset[a.document], a.end + offset[a.document])
                    for a in kept
                    if (a.annotator, a.label) == (w, label)
                ]
                for w in who
            ]
            do, de = brute_unitizing(units, doc_bounds)
            do_all += do
            de_all += de
            got = report["per_label"][label]["krippendorff_alpha_u"]
            if de == 0:
                assert got is None
            else:
                assert got == pytest.approx(float(1 - do / de), abs=1e-9)
        overall = report["krippendorff_alpha_u"]
        if de_all == 0:
            assert overall is None
        else:
            assert overall == pytest.approx(float(1 - do_all / de_all), abs=1e-9)
        if m > 2:
            for x, y in itertools.combinations(who, 2):
                assert report["pairwise"][f"{x}|{y}"]["krippendorff_alpha_u"] is None or isinstance(
                    report["pairwise"][f"{x}|{y}"]["krippendorff_alpha_u"], float
                )


def test_unitizing_merges_overlapping_units_of_one_annotator():
    # [0, 6) and [4, 9) of one annotator are one unit [0, 9): identical to the other's.
    assert unitizing_alpha([[(0, 6), (4, 9)], [(0, 9)]], 20)[0] == 1.0
    # Abutting units stay two units.
    assert unitizing_alpha([[(0, 4), (4, 9)], [(0, 9)]], 20)[0] < 1.0


# --------------------------------------------------------------------------- #
# Explanations and dependencies
# --------------------------------------------------------------------------- #


def test_explain_covers_every_metric():
    text = explain()
    for key in ("cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "krippendorff_alpha_u", "span_f1.exact",
                "span_f1.overlap", "documents", "tokens", "per_label", "pairwise"):
        assert isinstance(text[key], str) and text[key]
    assert "O" in text["cohen_kappa"] and "uncoded" in text["span_f1.exact"] and "gaps" in text["krippendorff_alpha_u"]


def test_runtime_needs_no_reference_implementation_or_qt():
    probe = (
        "import sys, annotator.core.agreement, annotator.core.review; "
        "print([m for m in ('nltk', 'krippendorff', 'PySide6') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --------------------------------------------------------------------------- #
# Symmetry and progress
# --------------------------------------------------------------------------- #


def _without_names(report: dict) -> dict:
    out = dict(report)
    out.pop("annotators")
    if "pairwise" in out:
        out["pairwise"] = {"|".join(sorted(k.split("|"))): v for k, v in out["pairwise"].items()}
    return out


def test_the_report_does_not_depend_on_the_order_of_the_annotators():
    """Every annotator goes through one code path: swapping two changes no figure, not even in the last digit
    (with three, only the means over pairs may differ there: they add the pairs in another order)."""
    rng = random.Random(5)
    for _ in range(300):
        m = rng.choice((2, 2, 3))
        texts, anns, who = random_case(rng, m, n_docs=rng.randint(1, 3))
        label = rng.choice((None, None, "X"))
        forward = _without_names(agreement_report(texts, anns, who, label=label))
        backward = _without_names(agreement_report(texts, anns, who[::-1], label=label))
        if m == 2:
            assert backward == forward
        else:
            assert backward["pairwise"] == forward["pairwise"]
            assert json.loads(json.dumps(backward), parse_float=lambda x: round(float(x), 12)) == json.loads(
                json.dumps(forward), parse_float=lambda x: round(float(x), 12))


def test_unitizing_alpha_is_symmetric():
    rng = random.Random(8)
    for _ in range(200):
        length = rng.randint(1, 60)
        starts = [rng.sample(range(length), min(length, rng.randint(0, 5))) for _ in range(2)]
        units = [[(s, min(length, s + rng.randint(1, 9))) for s in side] for side in starts]
        assert unitizing_alpha(units, length) == unitizing_alpha(units[::-1], length)


def test_progress_counts_every_step_and_can_cancel():
    from annotator.core.agreement import report_steps
    from annotator.core.errors import CancelledError

    rng = random.Random(9)
    for m in (1, 2, 3, 4):
        texts, anns, who = random_case(rng, m)
        calls = []
        report = agreement_report(texts, anns, who, progress=lambda done, total: calls.append((done, total)))
        steps = report_steps(m)
        assert [d for d, _ in calls] == sorted(d for d, _ in calls) and calls[-1] == (steps, steps)
        assert {t for _, t in calls} == {steps} and len(calls) >= 4
        assert report == agreement_report(texts, anns, who)

    def stop(done, total):
        if done == 2:
            raise CancelledError("Cancelled; nothing was changed.")

    texts, anns, who = random_case(rng, 2)
    with pytest.raises(CancelledError):
        agreement_report(texts, anns, who, progress=stop)


def test_agreement_from_a_store_keeps_a_few_integers_a_span_not_records(tmp_path):
    """Bounded memory: a compared span costs the agreement its integers (the columns and the arrays built from
    them), not a record with its strings. Peak traced memory over 60,000 spans: ~130 bytes a span; keeping
    the records took ~570."""
    path = spans_project(tmp_path / "p.sqlite", 60_000)
    with Store.open(path) as store:
        expected = agreement_from_store(store, ["alice", "bob"])  # numpy and the texts loaded before tracing
        tracemalloc.start()
        try:
            report = agreement_from_store(store, ["alice", "bob"])
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert report == expected and report["per_label"]
    assert peak < 250 * 60_000
