"""Suggested Figure, Actor and Claim spans: the seed articles, suppression, offsets and speed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.model import Annotation
from annotator.core.suggest import Suggestion, suggest

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
FT = (SEEDS / "000_8df4d4a2afd57280.txt").read_text(encoding="utf-8")
WIRE = (SEEDS / "003_9631bd141d5827a1.txt").read_text(encoding="utf-8")

ACTORS_FT = [
    "Donald Trump", "Steve Witkoff", "Vladimir Putin", "Volodymyr Zelenskyy", "Sergei Lavrov", "Dan Driscoll",
    "Yuri Ushakov", "Keir Starmer", "Marco Rubio", "Ursula von der Leyen", "Emmanuel Macron", "JD Vance",
]  # fmt: skip
ACTORS_WIRE = [
    "Donald Trump", "Steve Witkoff", "Vladimir Putin", "Volodymyr Zelenskyy", "Sergey Lavrov", "Keir Starmer",
    "Emmanuel Macron", "Andriy Yermak",
]  # fmt: skip


def quotes(suggestions, label: str) -> list[str]:
    return [s.quote for s in suggestions if s.label == label]


def annotation(doc: str, label: str, text: str, quote: str, nth: int = 0, ann_id: str = "a1") -> Annotation:
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return Annotation(ann_id, doc, label, start, start + len(quote), quote, "tester")


def check_well_formed(doc: str, text: str, result: list[Suggestion]) -> None:
    keys = [(s.start, s.end, s.label) for s in result]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    for s in result:
        assert s.document == doc
        assert 0 <= s.start < s.end <= len(text)
        assert text[s.start : s.end] == s.quote
        assert s.reason


# ----------------------------------------------------------------- the seeds
@pytest.fixture(scope="module")
def ft():
    return suggest("ft", FT, [])


@pytest.fixture(scope="module")
def wire():
    return suggest("wire", WIRE, [])


def test_seed_figures(ft, wire):
    ft_figures = quotes(ft, "Figure")
    wire_figures = quotes(wire, "Figure")
    for quote in ["at least six people", "800,000", "28-point", "19-point", "20-point", "three dozen countries"]:
        assert quote in ft_figures
    for quote in ["seven people", "30 countries", "28-point"]:
        assert quote in wire_figures
    reasons = {s.quote: s.reason for s in ft + wire if s.label == "Figure"}
    assert reasons["seven people"] == "number phrase: 7 people"
    assert reasons["at least six people"] == "number phrase: at least 6 people"
    assert reasons["three dozen countries"] == "number phrase: 36 countries"
    assert reasons["28-point"] == "number phrase: 28-point"


def test_seed_figures_skip_dates_and_years(ft, wire):
    assert not any(s.label == "Figure" and any(y in s.quote for y in ("2014", "2025", "21")) for s in ft + wire)


@pytest.mark.parametrize(("which", "names"), [("ft", ACTORS_FT), ("wire", ACTORS_WIRE)])
def test_seed_actor_names(which, names, ft, wire):
    result, text = (ft, FT) if which == "ft" else (wire, WIRE)
    found = quotes(result, "Actor")
    for name in names:
        assert name in text  # the seed really has this spelling
        assert found.count(name) == text.count(name), name


def test_seed_actor_names_are_reasonably_precise(ft, wire):
    found = set(quotes(ft + wire, "Actor"))
    # titles, acronyms, week-days and sentence-initial words do not leak into names
    for bad in ["Prime Minister", "UK Prime Minister Keir Starmer", "French President Emmanuel Macron",
                "President Vladimir Putin", "Army Dan Driscoll", "The FT", "On Tuesday", "Middle East Steve Witkoff",
                "Foreign Minister Sergey Lavrov", "Chief", "Staff Andriy Yermak", "Trump’s"]:  # fmt: skip
        assert bad not in found
    assert all(" " in q for q in found)  # 2-4 word names only (no tagged names given here)


def test_seed_claims(ft, wire):
    claims = quotes(ft, "Claim")
    assert "I don’t have a deadline. You know what the deadline for me is? When it’s over" in claims
    assert "We need strong transatlantic co-operation. Because it delivers" in claims
    assert "only when the deal is final or in its final stages." in quotes(wire, "Claim")
    # scare quotes and short quotes are not claims
    for short in ["robust", "capitulation", "tremendous progress", "very solid.", "reassurance force"]:
        assert short not in claims + quotes(wire, "Claim")


def test_seeds_are_well_formed(ft, wire):
    check_well_formed("ft", FT, ft)
    check_well_formed("wire", WIRE, wire)


def test_to_json(wire):
    s = next(s for s in wire if s.quote == "seven people")
    data = s.to_json()
    assert data == {
        "document": "wire",
        "label": "Figure",
        "start": WIRE.index("seven people"),
        "end": WIRE.index("seven people") + len("seven people"),
        "quote": "seven people",
        "reason": "number phrase: 7 people",
    }
    json.dumps(data)


# ----------------------------------------------------------------- rules
def test_text_without_figures_gives_no_figure_suggestions():
    text = "Steve Witkoff met Vladimir Putin in Moscow. “We had a very good meeting,” he said."
    result = suggest("d", text, [])
    assert quotes(result, "Figure") == []
    assert quotes(result, "Actor") == ["Steve Witkoff", "Vladimir Putin"]
    assert quotes(result, "Claim") == ["We had a very good meeting"]


def test_existing_annotations_suppress_identical_suggestions():
    first = suggest("wire", WIRE, [])
    existing = [
        annotation("wire", "Figure", WIRE, "seven people", ann_id="f"),
        annotation("wire", "Actor", WIRE, "Andriy Yermak", ann_id="a"),
        annotation("wire", "Claim", WIRE, "only when the deal is final or in its final stages.", ann_id="c"),
    ]
    second = suggest("wire", WIRE, existing)
    taken = {(a.start, a.end, a.label) for a in existing}
    assert taken <= {(s.start, s.end, s.label) for s in first}
    assert not taken & {(s.start, s.end, s.label) for s in second}
    assert len(second) == len(first) - 3


def test_annotations_of_other_documents_do_not_suppress():
    other = annotation("other", "Figure", WIRE, "seven people")  # same offsets, another document
    assert "seven people" in quotes(suggest("wire", WIRE, [other]), "Figure")


def test_a_different_label_on_the_same_span_does_not_suppress():
    existing = [annotation("wire", "Claim", WIRE, "seven people")]
    assert "seven people" in quotes(suggest("wire", WIRE, existing), "Figure")


def test_actor_names_from_the_project_are_found_everywhere():
    text = "Witkoff flew in. Later, Witkoff met Ushakov. Witkoffs and xWitkoff are not him."
    result = suggest("d", text, [], actor_names={"Witkoff", "Ushakov"})
    actors = [(s.quote, s.start, s.reason) for s in result if s.label == "Actor"]
    assert actors == [
        ("Witkoff", 0, "tagged as Actor elsewhere"),
        ("Witkoff", text.index("Witkoff met"), "tagged as Actor elsewhere"),
        ("Ushakov", text.index("Ushakov"), "tagged as Actor elsewhere"),
    ]


def test_actor_names_are_case_sensitive_and_longest_wins():
    text = "President Putin and Vladimir Putin; putin is not a name here."
    result = suggest("d", text, [], actor_names={"Putin", "Vladimir Putin"})
    assert [(s.quote, s.reason) for s in result if s.label == "Actor"] == [
        ("Putin", "tagged as Actor elsewhere"),
        ("Vladimir Putin", "tagged as Actor elsewhere"),
    ]


def test_actor_occurrences_already_tagged_here_are_skipped():
    text = "Lavrov spoke. Sergey Lavrov said no. Lavrov left."
    existing = [
        annotation("d", "Actor", text, "Lavrov", nth=0, ann_id="x"),
        annotation("d", "Actor", text, "Sergey Lavrov", ann_id="y"),
    ]
    result = suggest("d", text, existing)  # the names come from the existing Actor annotations
    assert [(s.quote, s.start) for s in result if s.label == "Actor"] == [("Lavrov", text.rindex("Lavrov"))]


def test_actor_names_from_other_documents_count():
    other = Annotation("o", "other-doc", "Actor", 0, 13, "Steve Witkoff", "tester")
    text = "Envoy Steve Witkoff arrived."
    result = suggest("d", text, [other])
    assert [(s.quote, s.reason) for s in result] == [("Steve Witkoff", "tagged as Actor elsewhere")]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Speaking on Tuesday, Ursula von der Leyen said so.", ["Ursula von der Leyen"]),
        ("US vice-president J. D. Vance and JD Vance.", ["J. D. Vance", "JD Vance"]),
        ("In London, The talks went on. Then Mr Keir Starmer spoke.", ["Keir Starmer"]),
        ("Kremlin spokesman Dmitry Peskov met Secretary of State Marco Rubio.", ["Dmitry Peskov", "Marco Rubio"]),
        ("They met in January. Monday Morning came.", []),
        (
            "Bashar al-Assad and Charles de Gaulle met Jean-Claude Juncker.",
            ["Bashar al-Assad", "Charles de Gaulle", "Jean-Claude Juncker"],
        ),
        ("Trump’s envoy met Putin’s aide Yuri Ushakov’s deputy.", ["Yuri Ushakov"]),
        ("Віктор Янукович fled.", ["Віктор Янукович"]),
        ("the NATO and UK teams", []),
    ],
)
def test_capitalised_names(text, names):
    assert quotes(suggest("d", text, [], kinds=("Actor",)), "Actor") == names


def test_claims_need_three_words_and_one_paragraph():
    text = (
        'He said "this is fine" and “that is too” but “not\nthis one” nor “two words”; '
        "«trois mots ici» and „vier Wörter sind hier“."
    )
    assert quotes(suggest("d", text, [], kinds=("Claim",)), "Claim") == [
        "this is fine",
        "that is too",
        "trois mots ici",
        "vier Wörter sind hier",
    ]


def test_kinds_selects_labels():
    result = suggest("wire", WIRE, [], kinds=("Figure",))
    assert {s.label for s in result} == {"Figure"}
    assert suggest("wire", WIRE, [], kinds=()) == []
    with pytest.raises(ValueError, match="Plan point"):
        suggest("wire", WIRE, [], kinds=("Plan point",))


def test_empty_text():
    assert suggest("d", "", []) == []


# ----------------------------------------------------------------- offsets and speed
TRICKY = [
    "🙂", "🇺🇦", "👩\u200d👩\u200d👧", "e\u0301", "𝐁", "𠀀", "\u2029", "\u00a0", "\n", " ", "“", "”", '"', "«", "»",
    "’s", "-", ",", ".", "%", "$", "at least ", "six", "dozen", "28", "000", "people", "Steve ", "Witkoff", "von ",
    "der ", "Leyen", "JD ", "President ", "October", "The ",
]  # fmt: skip
tricky_text = st.lists(st.one_of(st.sampled_from(TRICKY), st.characters()), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(tricky_text, st.sets(st.sampled_from(["Witkoff", "Steve Witkoff", "🇺🇦", "e\u0301", "JD"]), max_size=3))
def test_every_suggestion_quotes_its_span(text, names):
    result = suggest("d", text, [], actor_names=names)
    check_well_formed("d", text, result)
    # feeding the suggestions back as annotations suppresses all of them
    existing = [Annotation(f"a{i}", "d", s.label, s.start, s.end, s.quote, "tester") for i, s in enumerate(result)]
    again = suggest("d", text, existing, actor_names=names)
    assert not {(s.start, s.end, s.label) for s in again} & {(a.start, a.end, a.label) for a in existing}
