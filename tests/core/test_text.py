"""Text normalisation, document ids, article decoding, titles, word snapping and UTF-16 mapping."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.errors import InputError
from annotator.core.text import (
    Utf16Map,
    decode_article,
    document_id,
    normalize,
    snap_to_words,
    title_from_text,
)

# Characters that break naive offset arithmetic: astral emoji, a flag (two regional
# indicators), a ZWJ family, combining accents, Arabic with harakat, CJK, Cyrillic,
# mathematical letters outside the BMP, and the separators Qt cares about.
TRICKY = [
    "🙂", "🇺🇦", "🇬🇧", "👩\u200d👩\u200d👧", "e\u0301", "a\u0300", "\u0651", "السلام", "سَلَام",
    "和平计划", "Віткофф", "𝐁", "𠀀", "\u2029", "\u00a0", "\t", "\n", " ", "x", "Z", "9", "’", "—",
    "“", "”", "„", "«", "»", "‘", '"', "'",
]
#: The quotation marks snapping pairs up (a lone one at an edge of a selection is dropped).
QUOTES = "“”„‚‘’«»‹›「」『』\"'"
tricky_text = st.lists(
    st.one_of(st.sampled_from(TRICKY), st.characters(codec="utf-8")), max_size=60
).map("".join)


# ------------------------------------------------------------------ normalize
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\nb", "a\nb"),
        ("a\r\r\nb", "a\n\nb"),
        ("\r\n\r\n", "\n\n"),
        ("a\n\rb", "a\n\nb"),
        ("end\r", "end\n"),
        ("", ""),
    ],
)
def test_normalize_turns_crlf_and_cr_into_lf(raw, expected):
    assert normalize(raw) == expected


def test_normalize_changes_nothing_else():
    text = "Tabs\tand\u00a0nbsp, \u2029 para sep, \u2028 line sep, e\u0301 vs \u00e9, 🇺🇦, trailing  \n"
    assert normalize(text) == text


@given(tricky_text)
def test_normalize_is_idempotent_and_leaves_no_cr(text):
    once = normalize(text)
    assert "\r" not in once
    assert normalize(once) == once
    assert once.count("\n") == text.count("\n") + text.count("\r") - text.count("\r\n")


# ----------------------------------------------------------------- document id
def test_document_id_is_sha256_of_utf8_text():
    assert document_id("abc") == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    text = "Віткофф 🇺🇦 e\u0301"
    assert document_id(text) == "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_document_id_distinguishes_composed_and_decomposed_accents():
    # Text is never NFC/NFD-normalised, so the two spellings are two documents.
    assert document_id("caf\u00e9") != document_id("cafe\u0301")


def test_same_article_with_crlf_or_lf_has_the_same_id_after_normalize():
    assert document_id(normalize("one\r\ntwo\r\n")) == document_id("one\ntwo\n")


# --------------------------------------------------------------- decode_article
@pytest.mark.parametrize("data", [b"", b"   ", b"\r\n\n\t "])
def test_decode_article_refuses_empty_content(data):
    with pytest.raises(InputError, match="empty"):
        decode_article(data, "blank.txt")


def test_decode_article_refuses_binary_content():
    with pytest.raises(InputError, match="binary") as info:
        decode_article(b"PK\x03\x04\x00\x00 some zip", "archive.txt")
    assert "archive.txt" in str(info.value)


@pytest.mark.parametrize(
    "data",
    [
        "Zelenskyy’s café".encode("cp1252"),
        "Віткофф".encode("koi8-u"),
        "Hello".encode("utf-16-le"),  # UTF-16 without its byte-order mark: NULs, refused as binary
        b"ok \xc3",  # truncated multi-byte sequence
    ],
)
def test_decode_article_refuses_non_utf8(data):
    with pytest.raises(InputError) as info:
        decode_article(data, "latin.txt")
    message = str(info.value)
    assert "latin.txt" in message
    assert "UTF-8" in message or "binary" in message


def test_decode_article_reads_utf16_with_its_byte_order_mark():
    assert decode_article("Hello\r\nthere".encode("utf-16"), "wide.txt") == "Hello\nthere"


def test_decode_article_names_the_position_of_the_bad_byte():
    with pytest.raises(InputError, match="position 3"):
        decode_article(b"caf\xc3\x28 au lait", "menu.txt")


def test_decode_article_drops_bom_and_normalises_newlines():
    text = decode_article(b"\xef\xbb\xbfTitle\r\nBody \xf0\x9f\x87\xba\xf0\x9f\x87\xa6\rend\n", "a.txt")
    assert text == "Title\nBody 🇺🇦\nend\n"
    assert not text.startswith("\ufeff")


def test_decode_article_keeps_a_bom_like_character_inside_the_text():
    assert decode_article("a\ufeffb".encode("utf-8")) == "a\ufeffb"


# -------------------------------------------------------------- title_from_text
@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Donald Trump sends envoy\n\nBody", "Donald Trump sends envoy"),
        ("\n\n   \n  Indented title  \nBody", "Indented title"),
        ("# Markdown heading\nBody", "Markdown heading"),
        ("### Deep heading ###\nBody", "Deep heading ###"),
        ("#\n## \nReal title", "Real title"),
        ("Віткофф у Москві 🇺🇦", "Віткофф у Москві 🇺🇦"),
        ("", "Untitled"),
        ("  \n\t\n", "Untitled"),
    ],
)
def test_title_from_text(text, title):
    assert title_from_text(text) == title


def test_title_from_text_truncates_long_lines_with_an_ellipsis():
    title = title_from_text("word " * 100, limit=50)
    assert len(title) <= 50
    assert title.endswith("…")
    assert title.startswith("word word")
    assert title_from_text("x" * 50, limit=50) == "x" * 50


# ---------------------------------------------------------------- snap_to_words
@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("Steve Witkoff said", 2, 4, "Steve"),  # inside one word
        ("Steve Witkoff said", 3, 9, "Steve Witkoff"),  # from mid-word to mid-word
        ("Steve Witkoff said", 0, 5, "Steve"),  # already whole
        ("Steve Witkoff said", 5, 14, "Witkoff"),  # surrounding spaces trimmed
        ("Steve Witkoff said", 9, 3, "Steve Witkoff"),  # reversed selection
        ("Steve Witkoff said", 14, 100, "said"),  # end beyond the text is clamped
        ("Steve Witkoff said", -5, 2, "Steve"),  # start before the text is clamped
        ("talks (in Moscow).", 6, 12, "(in Moscow"),  # punctuation is not widened
        ("talks (in Moscow).", 11, 18, "Moscow)."),
        ("a 28-point plan", 3, 6, "28-point"),  # hyphen is a boundary; both halves grow
        ("Віткофф зустрінеться", 2, 10, "Віткофф зустрінеться"),
        ("قال المبعوث إن", 5, 7, "المبعوث"),
        ("和平计划 有二十八点", 1, 2, "和平计划"),  # CJK runs count as one word
        ("he said 🙂 then", 8, 9, "🙂"),  # an emoji is not a word character: kept as is
        ("under_score test", 2, 3, "under_score"),
    ],
)
def test_snap_to_words(text, start, end, expected):
    s, e = snap_to_words(text, start, end)
    assert text[s:e] == expected


@pytest.mark.parametrize(("start", "end"), [(3, 3), (5, 6), (5, 7), (0, 0)])
def test_snap_to_words_leaves_empty_or_blank_selections_alone(start, end):
    text = "Steve  Witkoff"
    assert snap_to_words(text, start, end) == (start, end)


@pytest.mark.parametrize(("start", "end"), [(20, 25), (25, 20), (-3, -1), (13, 13), (13, 40)])
def test_snap_to_words_clamps_selections_outside_the_text(start, end):
    s, e = snap_to_words("Steve Witkoff", start, end)
    assert 0 <= s == e <= 13


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("un cafe\u0301 noir", 3, 5, "cafe\u0301"),  # a word must not lose its combining accent
        ("un cafe\u0301 noir", 7, 8, "cafe\u0301"),  # a selection on the accent itself
        ("قالَ المبعوث", 1, 2, "قالَ"),  # Arabic with a haraka at the end of the word
    ],
)
def test_snap_to_words_keeps_combining_marks_with_their_word(text, start, end, expected):
    s, e = snap_to_words(text, start, end)
    assert text[s:e] == expected


@given(tricky_text, st.integers(-5, 70), st.integers(-5, 70))
def test_snap_to_words_stays_inside_the_text_and_covers_the_trimmed_selection(text, a, b):
    s, e = snap_to_words(text, a, b)
    lo, hi = (min(max(0, x), len(text)) for x in sorted((a, b)))
    assert 0 <= s <= e <= len(text)
    selected = text[lo:hi]
    core = selected.strip().strip(QUOTES + "".join(c for c in selected if c.isspace()))
    if core:
        # Never loses a character of the selection but spaces and lone quotes at its edges, never ends on
        # whitespace, and snapping again changes nothing.
        assert s <= lo + selected.index(core) and e >= lo + selected.index(core) + len(core)
        assert not text[s].isspace() and not text[e - 1].isspace()
        assert snap_to_words(text, s, e) == (s, e)
    elif not selected.strip():
        assert (s, e) == (lo, hi)
    else:
        assert lo <= s <= e <= hi


@pytest.mark.parametrize(
    ("text", "start", "end", "expected"),
    [
        ("فلاديمير بوتين، اليوم", 1, 12, "فلاديمير بوتين"),  # ف starts the name: never dropped
        ("وقال الرئيس", 1, 3, "وقال"),  # و "and" written onto قال "said" is one word for its reader
        ("الولايات المتحدة وأوكرانيا", 19, 22, "وأوكرانيا"),
        ("لروسيا وبأوكرانيا", 2, 4, "لروسيا"),
    ],
)
def test_snap_to_words_keeps_arabic_clitics_with_their_word(text, start, end, expected):
    s, e = snap_to_words(text, start, end)
    assert text[s:e] == expected


PHRASE = "he called it “a just peace” today"


@pytest.mark.parametrize(
    ("text", "selected", "expected"),
    [
        (PHRASE, "“a just pea", "a just peace"),  # a lone opening quote is dropped...
        (PHRASE, "a just peace”", "a just peace"),  # ...and so is a lone closing one
        (PHRASE, "“a just peace”", "“a just peace”"),  # both kept when the selection holds both
        (PHRASE, "it “a just peace” to", "it “a just peace” today"),
        ("„Frieden“ sagte er", "„Frieden“", "„Frieden“"),  # German pairs
        ("„Frieden“ sagte er", "Frieden“", "Frieden"),
        ("le «plan» russe", "«plan", "plan"),
        ("le «plan» russe", "«plan»", "«plan»"),
        ('the "peace plan" now', '"peace pl', "peace plan"),
        ('the "peace plan" now', 'peace plan"', "peace plan"),
        ("the analysts’ view", "analysts’", "analysts’"),  # a closing ’ after a letter is an apostrophe
        ("“ ”", "“ ”", "“ ”"),  # nothing but quotes: unchanged
    ],
)
def test_snap_to_words_pairs_quotation_marks(text, selected, expected):
    start = text.index(selected)
    s, e = snap_to_words(text, start, start + len(selected))
    assert text[s:e] == expected


# -------------------------------------------------------------------- Utf16Map
def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@settings(max_examples=300)
@given(tricky_text)
def test_utf16map_round_trips_every_code_point_offset(text):
    m = Utf16Map(text)
    assert m.length == len(text)
    assert m.length_u16 == _utf16_len(text)
    for i in range(len(text) + 1):
        u = m.to_utf16(i)
        assert u == _utf16_len(text[:i])
        assert m.from_utf16(u) == i


@given(tricky_text)
def test_utf16map_maps_the_middle_of_a_surrogate_pair_to_the_character_start(text):
    m = Utf16Map(text)
    for i, ch in enumerate(text):
        if ord(ch) > 0xFFFF:
            assert m.from_utf16(m.to_utf16(i) + 1) == i


def test_utf16map_examples():
    text = "a🇺🇦b e\u0301 😀"
    m = Utf16Map(text)
    assert m.astral == [1, 2, 8]
    assert [m.to_utf16(i) for i in range(len(text) + 1)] == [0, 1, 3, 5, 6, 7, 8, 9, 10, 12]
    assert m.from_utf16(2) == 1  # between the halves of 🇺
    assert m.from_utf16(12) == len(text)


def test_utf16map_is_the_identity_for_bmp_text():
    text = "Віткофф, السلام, 和平计划, e\u0301"
    m = Utf16Map(text)
    assert m.astral == []
    assert all(m.to_utf16(i) == i == m.from_utf16(i) for i in range(len(text) + 1))
