"""Reading figure phrases, finding them in text, and comparing two readings."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.numbers import (
    NumberReading,
    compare,
    compatible,
    describe,
    figure_readings,
    find_figures,
    read_number,
    values_differ,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
FT = (SEEDS / "000_8df4d4a2afd57280.txt").read_text(encoding="utf-8")
WIRE = (SEEDS / "003_9631bd141d5827a1.txt").read_text(encoding="utf-8")

INF = None  # an open bound

# phrase -> (value, low, high, approx, unit)
READINGS = [
    # the seeds' figures
    ("at least six people", 6, 6, INF, False, "people"),
    ("seven people", 7, 7, 7, False, "people"),
    ("three dozen countries", 36, 36, 36, False, "countries"),
    ("30 countries", 30, 30, 30, False, "countries"),
    ("thirty countries", 30, 30, 30, False, "countries"),
    ("800,000", 800_000, 800_000, 800_000, False, ""),
    ("28-point", 28, 28, 28, False, "point"),
    ("28-point plan", 28, 28, 28, False, "point plan"),
    ("19-point", 19, 19, 19, False, "point"),
    ("20-point", 20, 20, 20, False, "point"),
    ("13 others", 13, 13, 13, False, "others"),
    # digits, separators, multipliers, currencies, percentages
    ("800 000", 800_000, 800_000, 800_000, False, ""),
    ("800\u2009000", 800_000, 800_000, 800_000, False, ""),
    ("800\u202f000", 800_000, 800_000, 800_000, False, ""),
    ("800\u00a0000 troops", 800_000, 800_000, 800_000, False, "troops"),
    ("1,234,567", 1_234_567, 1_234_567, 1_234_567, False, ""),
    ("1.5", 1.5, 1.5, 1.5, False, ""),
    ("1.5bn", 1.5e9, 1.5e9, 1.5e9, False, ""),
    ("2.5bn", 2.5e9, 2.5e9, 2.5e9, False, ""),
    ("1.1 billion", 1.1e9, 1.1e9, 1.1e9, False, ""),
    ("$1bn", 1e9, 1e9, 1e9, False, "$"),
    ("US$5bn", 5e9, 5e9, 5e9, False, "US$"),
    ("€300bn", 3e11, 3e11, 3e11, False, "€"),
    ("£2.5m", 2.5e6, 2.5e6, 2.5e6, False, "£"),
    ("$2bn loan", 2e9, 2e9, 2e9, False, "$ loan"),
    ("10k", 10_000, 10_000, 10_000, False, ""),
    ("3tn", 3e12, 3e12, 3e12, False, ""),
    ("5%", 5, 5, 5, False, "%"),
    ("5 %", 5, 5, 5, False, "%"),
    ("five per cent", 5, 5, 5, False, "%"),
    ("12.5 percent", 12.5, 12.5, 12.5, False, "%"),
    ("155mm", 155, 155, 155, False, "mm"),
    # number words
    ("six", 6, 6, 6, False, ""),
    ("Seven", 7, 7, 7, False, ""),
    ("twenty-eight", 28, 28, 28, False, ""),
    ("twenty eight", 28, 28, 28, False, ""),
    ("one hundred and five", 105, 105, 105, False, ""),
    ("a hundred", 100, 100, 100, False, ""),
    ("a dozen", 12, 12, 12, False, ""),
    ("half a dozen", 6, 6, 6, False, ""),
    ("half a million", 500_000, 500_000, 500_000, False, ""),
    ("a million", 1e6, 1e6, 1e6, False, ""),
    ("two million", 2e6, 2e6, 2e6, False, ""),
    ("two million three hundred thousand", 2_300_000, 2_300_000, 2_300_000, False, ""),
    ("nineteen thousand", 19_000, 19_000, 19_000, False, ""),
    ("2 million", 2e6, 2e6, 2e6, False, ""),
    # qualifiers
    ("more than 100", 100, 100, INF, False, ""),
    ("over 30 countries", 30, 30, INF, False, "countries"),
    ("fewer than 30", 30, INF, 30, False, ""),
    ("less than 5%", 5, INF, 5, False, "%"),
    ("up to 30", 30, INF, 30, False, ""),
    ("at most 30", 30, INF, 30, False, ""),
    ("about 30", 30, INF, INF, True, ""),
    ("around 30", 30, INF, INF, True, ""),
    ("some 30 people", 30, INF, INF, True, "people"),
    ("roughly 30", 30, INF, INF, True, ""),
    ("approximately 30", 30, INF, INF, True, ""),
    ("nearly 30", 30, INF, 30, True, ""),
    ("almost 30", 30, INF, 30, True, ""),
    ("At least six", 6, 6, INF, False, ""),
    # ranges have no single value
    ("10-15 km", None, 10, 15, False, "km"),
    ("10–15", None, 10, 15, False, ""),
]


@pytest.mark.parametrize(("phrase", "value", "low", "high", "approx", "unit"), READINGS)
def test_read_number(phrase, value, low, high, approx, unit):
    r = read_number(phrase)
    assert r is not None
    assert (r.value, r.low, r.high, r.approx, r.unit) == (
        pytest.approx(value) if value is not None else None,
        pytest.approx(low) if low is not None else None,
        pytest.approx(high) if high is not None else None,
        approx,
        unit,
    )
    assert r.text == phrase


def test_reading_is_frozen_and_keeps_the_qualifier():
    r = read_number("at least six people")
    assert r == NumberReading(6.0, 6.0, None, False, "people", "at least six people", "at least")
    with pytest.raises(AttributeError):
        r.value = 7  # type: ignore[misc]


def test_decimal_multipliers_are_exact():
    assert read_number("1.1 billion").value == 1_100_000_000.0
    assert read_number("2.3bn").value == 2_300_000_000.0


@pytest.mark.parametrize(
    "phrase", ["", "no figures here", "the second term", "21st", "first", "dozens of people", "a few"]
)
def test_phrases_without_a_number(phrase):
    assert read_number(phrase) is None


def test_read_number_reads_the_first_number_in_a_longer_phrase():
    r = read_number("killing at least six people")
    assert (r.value, r.low, r.high, r.qualifier, r.unit) == (6, 6, None, "at least", "people")


def test_years_are_read_when_asked_directly():
    assert read_number("2014").value == 2014


# ----------------------------------------------------------------- comparing
def _r(phrase: str) -> NumberReading:
    r = read_number(phrase)
    assert r is not None
    return r


@pytest.mark.parametrize(
    ("a", "b", "differ"),
    [
        ("three dozen countries", "30 countries", True),
        ("at least six people", "seven people", True),  # compatible, but the stated numbers differ
        ("30 countries", "thirty countries", False),
        ("28-point", "19-point", True),
        ("800,000", "800 000", False),
        ("half a million", "500,000", False),
        ("1.5bn", "1.5 billion", False),
        ("about 30", "30", False),  # same stated number; the qualifier does not make it differ
        ("10-15", "10–15", False),
        ("10-15", "10-20", True),
        ("10-15", "12", True),
    ],
)
def test_values_differ(a, b, differ):
    assert values_differ(_r(a), _r(b)) is differ
    assert values_differ(_r(b), _r(a)) is differ


def test_compare_explains():
    assert compare(_r("at least six people"), _r("seven people")) == (
        "compatible: at least 6 people vs 7 people can both be true (the numbers stated differ)"
    )
    assert compare(_r("three dozen countries"), _r("30 countries")) == (
        "values differ: 36 countries vs 30 countries (they cannot both be true)"
    )
    assert compare(_r("30 countries"), _r("thirty countries")) == "same value: 30"
    assert compare(_r("about 30"), _r("30")) == "same number, different qualifier: about 30 vs 30"
    assert "units differ" in compare(_r("30 countries"), _r("30 people"))


def test_compatible():
    assert compatible(_r("at least six"), _r("seven"))
    assert not compatible(_r("fewer than 6"), _r("seven"))
    assert compatible(_r("about 30"), _r("32"))  # "about" is taken as ±10 %
    assert not compatible(_r("about 30"), _r("36"))


@pytest.mark.parametrize(
    ("phrase", "shown"),
    [
        ("at least six people", "at least 6 people"),
        ("28-point", "28-point"),
        ("19-point plan", "19-point plan"),
        ("$1bn", "$1,000,000,000"),
        ("5%", "5%"),
        ("800,000", "800,000"),
        ("10-15 km", "10–15 km"),
        ("1.5", "1.5"),
    ],
)
def test_describe(phrase, shown):
    assert describe(_r(phrase)) == shown


# ----------------------------------------------------------------- finding
def _quotes(text: str) -> list[str]:
    return [text[s:e] for s, e in find_figures(text)]


def test_find_figures_in_the_ft_seed():
    found = _quotes(FT)
    for quote in ["at least six people", "800,000", "28-point", "19-point", "20-point", "three dozen countries"]:
        assert quote in found
    assert found.count("28-point") == 2
    # Years ("since 2014", "Russia's 2014 annexation") are not figures.
    assert not any("2014" in q for q in found)


def test_find_figures_in_the_wire_seed():
    found = _quotes(WIRE)
    assert found == ["28-point", "30 countries", "seven people"]  # "October 21, 2025" is a date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Moscow targeted Kyiv, killing at least six people and injuring 13 others.",
            ["at least six people", "13 others"],
        ),
        ("A coalition of 30 countries backs Ukraine.", ["30 countries"]),
        ("The army is capped at 800,000.", ["800,000"]),
        ("It cost $1bn, or €300bn in assets.", ["$1bn", "€300bn"]),
        ("Up to 30 countries and nearly 40 more people came.", ["Up to 30 countries", "nearly 40 more people"]),
        ("More than two million people fled.", ["More than two million people"]),
        ("Growth was 5% last year.", ["5%"]),
        ("two other countries", ["two other countries"]),
        # not figures: dates, years, times, ordinals, decades, identifiers, pronoun "one"
        ("On October 21, 2025, and on 21 October, nothing.", []),
        ("In 2014 the 1990s ended; the 21st came at 10:30 or 9am.", []),
        ("COVID-19 hit the G7 and MH17.", []),
        ("In 2014–15 and 2014-2015, moreover 30 people came.", ["30 people"]),  # "over" inside "moreover"
        ("Some 2,000 troops and some 2000 more.", ["Some 2,000 troops", "some 2000"]),  # qualified: not a year
        ("No one has seen the one of them.", []),
        ("Only one person came.", ["one person"]),
        # a phrase stops at a line break
        ("killed seven\npeople", ["seven"]),
        ("", []),
    ],
)
def test_find_figures_examples(text, expected):
    assert _quotes(text) == expected


def test_figure_readings_match_the_spans():
    rows = figure_readings(FT)
    assert [(s, e) for s, e, _ in rows] == find_figures(FT)
    by_quote = {r.text: r for _, _, r in rows}
    assert by_quote["at least six people"].low == 6 and by_quote["at least six people"].high is None
    assert by_quote["three dozen countries"].value == 36


def test_offsets_are_code_points():
    text = "🇺🇦🙂 killed 👩\u200d👩\u200d👧 seven people and 𝐁 30 countries"
    assert _quotes(text) == ["seven people", "30 countries"]


# Characters that trip offset arithmetic, and pieces of figures to provoke the parser.
PIECES = [
    "🙂", "🇺🇦", "👩\u200d👩\u200d👧", "e\u0301", "𝐁", "𠀀", "\u2029", "\u00a0", "\u2009", "\n", " ", "-", "–",
    ",", ".", "%", "$", "€", "at least ", "about ", "six", "twenty", "-eight", "hundred", "and", "a", "half",
    "dozen", "million", "bn", "m", "k", "1", "28", "000", "2014", "October", "people", "point", "st",
]  # fmt: skip
figure_text = st.lists(st.one_of(st.sampled_from(PIECES), st.characters()), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(figure_text)
def test_find_figures_spans_are_well_formed(text):
    spans = find_figures(text)
    last = 0
    for s, e in spans:
        assert last <= s < e <= len(text)
        last = e
        r = read_number(text[s:e])
        assert r is not None
        assert r.value is None or math.isfinite(r.value)


def test_a_figure_found_in_arabic_script_is_read_back():
    # Found by hypothesis: English rules find "1ؠ" (a 1 and a unit), so reading it must not stop at Arabic's.
    for text in ("1ؠ", "1ب", "12ء"):
        assert find_figures(text) == [(0, len(text))]
        assert read_number(text) is not None and read_number(text).value == float(text[:-1])
