"""Reading and finding figures ("at least six people", "800,000", "$1bn", "28-point") in news text.

Pure Python, standard library only. Offsets are code points, like everywhere in annotator.

Reading (:func:`read_number`)
    * Digits, with thousands separators (``800,000``, ``800 000`` with a normal,
      no-break, thin or narrow no-break space; a separator must be used
      consistently and groups must have exactly three digits), a decimal point
      (``1.5``), a currency sign in front (``$``, ``US$``, ``€``, ``£``, ``¥``,
      ``₴``, ``₽``, ``₹``), a multiplier attached (``2.5bn``, ``5m``, ``10k``,
      ``3tn``) or as a word (``2 million``, ``1.5 billion``, ``4 dozen``), a
      percent sign or ``per cent``/``percent``.
    * A range of digits joined by a hyphen or en dash (``10-15``, ``10–15``):
      ``value`` is ``None`` and ``low``/``high`` are the two ends.
    * Number words up to the trillions: ``six``, ``twenty-eight``, ``one hundred
      and five``, ``two million three hundred thousand``, ``a dozen`` (12),
      ``three dozen`` (36), ``half a dozen`` (6), ``a hundred``, ``a million``,
      ``half a million``. Vague plurals (``dozens``, ``hundreds of``) are not numbers.
    * Ordinals are **not** read: ``first``, ``second``, ``21st`` give no number
      (``21st`` is rejected outright, so a date like "the 21st" is not a figure).
    * Qualifiers in front set the bounds: lower bound for ``at least``, ``more
      than``, ``over``, ``above``, ``in excess of``, ``upwards of``, ``no fewer/less
      than``; upper bound for ``at most``, ``up to``, ``fewer than``, ``less than``,
      ``under``, ``below``, ``as many as``, ``no more than``; upper bound and
      ``approx`` for ``nearly``, ``almost``, ``close to``, ``just under``; lower
      bound and ``approx`` for ``just over``; ``approx`` with no bounds for
      ``about``, ``around``, ``some``, ``roughly``, ``approximately``, ``circa``,
      ``an estimated``. Strict and non-strict bounds are not told apart ("more
      than 100" has ``low=100``). A plain number has ``low == high == value``.
    * ``unit`` is what follows the number in the phrase, with the currency sign
      and ``%`` in front of it: ``"28-point plan"`` → ``"point plan"``,
      ``"$1bn"`` → ``"$"``, ``"5%"`` → ``"%"``, ``"$2bn loan"`` → ``"$ loan"``.

Finding (:func:`find_figures`)
    Every number phrase as above, widened to a qualifier just before it and to
    the word just after it when that word is a plain lower-case word (not a
    function word such as "of", "and", "has"): "six people", "three dozen
    countries". A hyphenated compound ("28-point", "20-year-old") or letters
    glued to the digits ("155mm") end the phrase. A modifier such as "other",
    "more", "additional" is taken together with the noun after it ("two other
    countries"). Phrases never span a line break. Skipped as not being figures:

    * 4-digit years 1900–2100 written plainly (no qualifier, currency, separator,
      decimal, multiplier, percent, compound or glued unit), even with a noun
      after them ("2014 annexation"), and year ranges ("2014-2015");
    * day numbers next to a month name ("October 21", "21 October");
    * ordinals ("21st"), times ("9am", "10:30"), decades ("1990s");
    * digits glued to letters in front ("G7", "MH17") or after a letter and a
      hyphen ("COVID-19", "Su-35");
    * a bare "one" unless a noun follows it and no determiner precedes it ("no
      one has", "the one", "one of" are not figures; "one person" is).

Other languages (``language=``: ru, uk, ar, de, fr, es)
    Read by :mod:`annotator.core.numwords`: the same kinds of phrase with that
    language's number words, marks, scale words and qualifiers; a qualifier's
    reading is its English counterpart (``qualifier="at least"``,
    ``said="не менее"``). Digits of every Unicode decimal script are read in
    every language, English included (``٢٨``, ``२८``).

Comparing (:func:`verdict`, :func:`compare`)
    One rule, shown everywhere: two readings are the *same* when they state the
    same number (qualifiers may differ: "about 30" / "30"), *compatible* when
    the numbers differ but both can be true ("at least six people" / "seven
    people"), and *differ* when they cannot both be true ("30 countries" /
    "three dozen countries"). Ranges are compared by their bounds; "about N"
    is taken as N ± 10 %. :func:`compare` words the verdict in a sentence.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal

from annotator.core import numwords
from annotator.core.lazy import lazy_pattern

__all__ = [
    "NumberReading", "read_number", "find_figures", "figure_readings", "values_differ", "compatible", "compare",
    "describe", "verdict", "rules_for", "SAME", "COMPATIBLE", "DIFFERS",
]


@dataclass(frozen=True)
class NumberReading:
    """The quantity in a figure phrase.

    ``value`` is the stated number (``None`` for a range such as "10-15");
    ``low``/``high`` are its bounds (``None`` = open); ``approx`` is set by
    "about", "nearly" and the like; ``unit`` is the rest of the phrase
    ("people", "point plan", "%", "$"); ``text`` is the phrase as given;
    ``qualifier`` is the qualifier as read, lower-cased ("at least"), or "".
    """

    value: float | None
    low: float | None
    high: float | None
    approx: bool
    unit: str
    text: str
    qualifier: str = ""
    #: The qualifier as written when the language is not English ("не менее"); ``qualifier`` is its
    #: English counterpart ("at least"), so readings in different languages compare.
    said: str = ""
    #: The language whose rules read the phrase ("en", "ru", ...).
    language: str = "en"


# ----------------------------------------------------------------- vocabulary
_ONES = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_MULTIPLIERS = {
    "k": 10**3, "thousand": 10**3, "m": 10**6, "million": 10**6, "bn": 10**9, "billion": 10**9,
    "tn": 10**12, "trn": 10**12, "trillion": 10**12, "dozen": 12,
}
_CURRENCY = {"$": "$", "us$": "US$", "a$": "A$", "c$": "C$", "nz$": "NZ$", "hk$": "HK$"}

# qualifier -> (kind, approx); kind: "low" (lower bound), "high" (upper bound), "" (no bound)
_QUALIFIERS = {
    "at least": ("low", False), "no fewer than": ("low", False), "no less than": ("low", False),
    "not less than": ("low", False), "more than": ("low", False), "over": ("low", False),
    "above": ("low", False), "in excess of": ("low", False), "upwards of": ("low", False),
    "upward of": ("low", False), "just over": ("low", True), "a little over": ("low", True),
    "at most": ("high", False), "no more than": ("high", False), "not more than": ("high", False),
    "up to": ("high", False), "fewer than": ("high", False), "less than": ("high", False),
    "under": ("high", False), "below": ("high", False), "as many as": ("high", False),
    "nearly": ("high", True), "almost": ("high", True), "close to": ("high", True),
    "just under": ("high", True), "just below": ("high", True),
    "about": ("", True), "around": ("", True), "some": ("", True), "roughly": ("", True),
    "approximately": ("", True), "approx.": ("", True), "circa": ("", True),
    "an estimated": ("", True), "estimated": ("", True), "more or less": ("", True),
}

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)

# Words that end a figure instead of being its noun ("six of", "800,000 and", "one has").
_STOP = frozenset(
    """
    a an the and or but nor of in on at to for from by with without as than then that this these
    those which who whom whose what when where while if is are was were be been being am has have
    had do does did will would shall should can could may might must it its they them their theirs
    he she him his her hers we us our you your i me my not no so such per via into onto upon over
    under above below about after before since until till against between among during through
    across around also only just even still each every all any some both either neither most
    less least very too out up down off here there now ago yet whether because though although
    unless whereas according including plus minus times versus vs etc again alone apiece each
    respectively instead rather last next later earlier previously today yesterday tomorrow tonight
    overall altogether combined total
    """.split()
)
# Taken as part of the figure only together with the noun after them ("two other countries").
_MODIFIERS = frozenset(
    "other more additional further extra new different separate remaining main major key senior "
    "former fewer".split()
)
# A bare "one" after these is a pronoun, not a figure ("no one", "the one").
_ONE_DETERMINERS = frozenset(
    "no any every each some the this that which another someone anyone everyone one any".split()
)

# ----------------------------------------------------------------- patterns
_SP = "[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+"  # horizontal space only: no line breaks
_NUMSEP = "[ \u00a0\u202f]"  # between a currency sign / number and a % sign
_END = r"(?![^\W\d_])"  # not followed by a letter
_BEGIN = r"(?<![^\W\d_])"  # not preceded by a letter


def _alt(words) -> str:
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


_ONES_RE = _alt(_ONES)
_ONE_TO_NINE = _alt(w for w, v in _ONES.items() if 1 <= v <= 9)
_TENS_RE = _alt(_TENS)
_SCALE_RE = _alt(_SCALES)
_SMALL = rf"(?:{_TENS_RE}(?:(?:-|‐|{_SP}){_ONE_TO_NINE}{_END})?{_END}|{_ONES_RE}{_END})"
_HUND = rf"(?:(?:{_SMALL}|a{_END}){_SP}hundred{_END}(?:{_SP}(?:and{_SP})?{_SMALL})?|{_SMALL})"
_WORDNUM = (
    rf"(?:half{_SP}a{_SP}(?:dozen|hundred|{_SCALE_RE}){_END}"
    rf"|(?:{_SMALL}|a{_END}){_SP}dozen{_END}"
    rf"|a{_SP}{_SCALE_RE}{_END}"
    rf"|{_HUND}(?:{_SP}{_SCALE_RE}{_END}(?:{_SP}(?:and{_SP})?{_HUND}(?:{_SP}{_SCALE_RE}{_END})?)*)?)"
)


def _digits(name: str) -> str:
    return (
        rf"(?P<{name}>[0-9]{{1,3}}(?P<{name}sep>[,\u00a0\u2009\u202f ])[0-9]{{3}}(?:(?P={name}sep)[0-9]{{3}})*"
        rf"(?:\.[0-9]+)?(?![0-9])|[0-9]+(?:\.[0-9]+)?)"
    )


_FIGURE = lazy_pattern(
    rf"""
    (?:(?<![\w.,])(?P<cur>(?:US|A|C|NZ|HK)?\$|[€£¥₴₽₹]){_NUMSEP}?(?=[0-9]))?
    (?:
        (?<![\w.,]){_digits("dig")}
        (?:[-–](?P<dig2>[0-9]{{1,3}}(?:,[0-9]{{3}})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)(?![0-9]))?
        (?:(?P<amult>bn|tn|trn|m|k){_END}|{_SP}(?P<wmult>thousand|million|billion|trillion|bn|dozen){_END})?
      |
        {_BEGIN}(?P<words>{_WORDNUM})
    )
    (?P<pct>{_NUMSEP}?%|{_SP}(?:per{_NUMSEP}?cent|percent){_END})?
    (?P<numend>)
    (?:-(?P<compound>[^\W\d_]+(?:-[^\W\d_]+)*)|(?<=[0-9])(?P<glued>[^\W\d_]+))?
    """,
    re.VERBOSE | re.IGNORECASE,
)

_QUALIFIER_TAIL = lazy_pattern(
    rf"{_BEGIN}(?P<q>{_alt(_SP.join(map(re.escape, q.split())) for q in _QUALIFIERS)}){_SP}$",
    re.IGNORECASE,
)
_NOUN = re.compile(rf"{_SP}(?P<w>[^\W\d_]+(?:['’][^\W\d_]+)?(?:-[^\W\d_]+)*)")
_MONTH_BEFORE = re.compile(rf"(?<![^\W\d_])(?:{_MONTHS})\.?{_SP}$")
_MONTH_AFTER = re.compile(rf"{_SP}(?:of{_SP})?(?:{_MONTHS}){_END}")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\W*$")
_SPACES = re.compile(r"\s+")
_ORDINAL_SUFFIXES = {"st", "nd", "rd", "th"}
_TIME_SUFFIXES = {"am", "pm", "a", "p", "h", "hrs"}


# ----------------------------------------------------------------- helpers
def _decimal(digits: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.]", "", digits))


def _words_value(words: str) -> Decimal:
    """Value of a number-word phrase matched by ``_WORDNUM`` (already validated)."""
    total = 0
    current = 0
    half = False
    for token in re.findall(r"[a-z]+", words.lower()):
        if token in _ONES:
            current += _ONES[token]
        elif token in _TENS:
            current += _TENS[token]
        elif token == "hundred":
            current = (current or 1) * 100
        elif token == "dozen":
            current = (current or 1) * 12
        elif token in _SCALES:
            total += (current or 1) * _SCALES[token]
            current = 0
        elif token == "half":
            half = True
        # "a" and "and" carry no value of their own
    value = Decimal(total + current)
    return value / 2 if half else value


class _Match:
    """One number phrase found by ``_FIGURE`` plus what surrounds it."""

    __slots__ = ("m", "value", "low", "high", "currency", "percent", "qualifier", "qstart")

    def __init__(self, m: re.Match):
        self.m = m
        mult = Decimal(1)
        suffix = (m.group("amult") or m.group("wmult") or "").lower()
        if suffix:
            mult = Decimal(_MULTIPLIERS[suffix])
        if m.group("words") is not None:
            self.value: Decimal | None = _words_value(m.group("words"))
            self.low = self.high = self.value
        else:
            first = _decimal(m.group("dig")) * mult
            if m.group("dig2") is not None:
                second = _decimal(m.group("dig2")) * mult
                self.value = None
                self.low, self.high = min(first, second), max(first, second)
            else:
                self.value = self.low = self.high = first
        cur = m.group("cur")
        self.currency = _CURRENCY.get(cur.lower(), cur) if cur else ""
        self.percent = m.group("pct") is not None
        self.qualifier = ""
        self.qstart = m.start()

    @property
    def plain(self) -> bool:
        """Digits only: no qualifier, currency, separator, decimal, multiplier, percent, range or suffix."""
        m = self.m
        return (
            m.group("dig") is not None
            and m.group("dig").isdigit()
            and m.group("dig2") is None
            and not (m.group("amult") or m.group("wmult") or m.group("cur") or m.group("pct"))
            and m.group("compound") is None
            and m.group("glued") is None
            and not self.qualifier
        )

    def find_qualifier(self, text: str, floor: int) -> None:
        start = self.m.start()
        q = _QUALIFIER_TAIL.search(text, max(floor, start - 40), start)
        if q:
            self.qualifier = _SPACES.sub(" ", q.group("q").lower())
            self.qstart = q.start()


def _bounds(found) -> tuple[float | None, float | None, float | None, bool]:
    """(value, low, high, approximate) of a match, its qualifier applied ("at least 6": low 6, no high)."""
    kind, approx = _QUALIFIERS.get(found.qualifier, ("", False))
    value = float(found.value) if found.value is not None else None
    low = float(found.low) if found.low is not None else None
    high = float(found.high) if found.high is not None else None
    if found.qualifier and value is not None:
        if kind == "low":
            low, high = value, None
        elif kind == "high":
            low, high = None, value
        else:
            low = high = None
    return value, low, high, approx


def _reading(found: _Match, text: str, unit_rest: str) -> NumberReading:
    value, low, high, approx = _bounds(found)
    parts = [found.currency, "%" if found.percent else "", unit_rest]
    unit = " ".join(p for p in parts if p)
    return NumberReading(value, low, high, approx, unit, text, found.qualifier)


def _grouped(words) -> str:
    """``(?:t(?:wo|en)|s(?:ix)...)``: every branch starts with a literal, so ``re`` can skip ahead fast."""
    by_first: dict[str, list[str]] = {}
    for w in words:
        by_first.setdefault(w[0], []).append(w[1:])
    return "(?:" + "|".join(
        f"{first}(?:{'|'.join(sorted(rests, key=len, reverse=True))})" for first, rests in by_first.items()
    ) + ")"


# Where a figure can start: a digit or currency sign, or a number word (searched in the
# lower-cased text, which is several times faster than an IGNORECASE search).
_DIGIT_ANCHOR = re.compile(r"[0-9$€£¥₴₽₹][0-9]*")
_WORD_ANCHOR_BODY = _grouped([*_ONES, *_TENS, "a", "half"]) + r"\b"
_WORD_ANCHOR = re.compile(_WORD_ANCHOR_BODY)
_WORD_ANCHOR_I = re.compile(_WORD_ANCHOR_BODY, re.IGNORECASE)
_CURRENCY_PREFIXES = ("us", "nz", "hk", "a", "c")


def _anchors(text: str) -> list[int]:
    starts = []
    for a in _DIGIT_ANCHOR.finditer(text):
        i = a.start()
        if text[i] == "$":
            for prefix in _CURRENCY_PREFIXES:
                if text[max(0, i - len(prefix)) : i].lower() == prefix:
                    i -= len(prefix)
                    break
        starts.append(i)
    low = text.lower()
    words = _WORD_ANCHOR.finditer(low) if len(low) == len(text) else _WORD_ANCHOR_I.finditer(text)
    for a in words:
        i = a.start()
        if i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"):
            starts.append(i)
    starts.sort()
    return starts


def _scan(text: str, *, figures_only: bool):
    """Yield ``_Match`` objects in text order; with ``figures_only``, skip identifiers and times."""
    pos = 0
    for start in _anchors(text):
        if start < pos:
            continue
        m = _FIGURE.match(text, start)
        if m is None:
            continue
        pos = m.end()
        glued = m.group("glued")
        if glued is not None:
            g = glued.lower()
            if g in _ORDINAL_SUFFIXES or g in _TIME_SUFFIXES or g == "s":
                continue  # 21st, 9am, 1990s
        if figures_only and m.group("dig") is not None:
            s, e = m.start("dig"), m.end("dig")
            if s >= 2 and text[s - 1] in "-\u2010" and text[s - 2].isalpha():
                continue  # COVID-19, Su-35
            if (s >= 1 and text[s - 1] == ":") or (text[e : e + 1] == ":" and text[e + 1 : e + 2].isdigit()):
                continue  # 10:30, 3:1
        yield _Match(m)


def _is_year(d: str | None) -> bool:
    return d is not None and len(d) == 4 and d.isdigit() and 1900 <= int(d) <= 2100


def _noun_after(text: str, pos: int) -> int:
    """End of the plain noun after ``pos`` (with a modifier before it), or ``pos`` if there is none."""
    n = _NOUN.match(text, pos)
    if not n:
        return pos
    word = n.group("w")
    low = word.lower()
    if not word[0].islower() or low in _STOP or low in _ONES or low in _TENS or low in _SCALES:
        return pos
    if low in _MODIFIERS:
        end = _noun_after(text, n.end())
        if end == n.end():
            return pos
        return end
    return n.end()


# ----------------------------------------------------------------- public API
def _read_english(phrase: str) -> NumberReading | None:
    """Read the first quantity in ``phrase``; ``None`` if it holds no number.

    Dates and years are not filtered here (``read_number("2014")`` is 2014);
    ordinals ("21st", "second") are not numbers.
    """
    for found in _scan(phrase, figures_only=False):
        found.find_qualifier(phrase, 0)
        m = found.m
        rest = phrase[m.end("numend") :].strip()
        rest = _SPACES.sub(" ", rest.lstrip("-‐–").strip()).rstrip(".,;:!?)]”’\"'").strip()
        return _reading(found, phrase, rest)
    return None


def _figures(text: str):
    """Yield ``(start, end, _Match)`` for every figure in ``text``."""
    last_end = 0
    for found in _scan(text, figures_only=True):
        m = found.m
        if m.start() < last_end:
            continue
        found.find_qualifier(text, last_end)
        if found.plain:
            dig = m.group("dig")
            s = m.start()
            if _is_year(dig):
                continue
            if int(dig) <= 31 and (
                _MONTH_BEFORE.search(text, max(0, s - 12), s) or _MONTH_AFTER.match(text, m.end())
            ):
                continue
        dig2 = m.group("dig2")
        if dig2 is not None and _is_year(m.group("dig")) and (_is_year(dig2) or (len(dig2) == 2 and dig2.isdigit())):
            continue  # 2014-2015, 2014–15
        end = m.end()
        if m.group("compound") is None and m.group("glued") is None:
            end = _noun_after(text, end)
        words = m.group("words")
        if words is not None and words.lower() == "one" and not found.qualifier:
            if end == m.end():
                continue
            before = _WORD_BEFORE.search(text, max(0, m.start() - 30), m.start())
            if before and before.group(1).lower() in _ONE_DETERMINERS:
                continue
        last_end = end
        yield found.qstart, end, found


def _english_readings(text: str) -> list[tuple[int, int, NumberReading]]:
    out = []
    for start, end, found in _figures(text):
        rest = " ".join(text[found.m.end("numend") : end].lstrip("-\u2010").split())
        out.append((start, end, _reading(found, text[start:end], rest)))
    return out


# ----------------------------------------------------------------- languages
_OTHER_DIGITS = re.compile(r"(?![0-9])\d")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_UKRAINIAN = re.compile("[іїєґІЇЄҐ]")


def _ascii_digits(text: str) -> str:
    """``text`` with the digits of every script as ASCII digits (one code point each, so offsets stay)."""
    if _OTHER_DIGITS.search(text) is None:
        return text
    return _OTHER_DIGITS.sub(lambda m: str(unicodedata.decimal(m.group())), text)


def rules_for(language: str | None) -> str:
    """The language whose rules read figures for a document in ``language`` ("en" when it has none)."""
    return language if language in numwords.QUALIFIERS else "en"


def guess_languages(phrase: str) -> list[str]:
    """Languages to try for a phrase of unknown language, judged by its script."""
    if _ARABIC_LETTER.search(phrase):
        return ["ar"]
    if _CYRILLIC.search(phrase):
        return ["uk", "ru"] if _UKRAINIAN.search(phrase) else ["ru", "uk"]
    return ["en", "de", "fr", "es"]


def _intl_reading(f: numwords.Found, lang: str, text: str, unit_rest: str) -> NumberReading:
    value, low, high, approx = _bounds(f)
    if f.said and unit_rest.endswith(f.said):  # a qualifier after the noun ("ستة أشخاص على الأقل")
        unit_rest = unit_rest[: -len(f.said)].strip()
    unit = " ".join(p for p in ("%" if f.percent else "", unit_rest) if p)
    return NumberReading(value, low, high, approx, unit, text, f.qualifier, f.said, lang)


def _read_in(phrase: str, lang: str) -> NumberReading | None:
    if lang == "en":
        found = _read_english(_ascii_digits(phrase))
        return replace(found, text=phrase) if found is not None else None
    for f in numwords.scan(phrase, lang, figures_only=False):
        rest = _SPACES.sub(" ", phrase[f.num_end :].strip()).rstrip(".,;:!?)]”’\"'»،").strip()
        return _intl_reading(f, lang, phrase, rest)
    return None


def read_number(phrase: str, language: str | None = None) -> NumberReading | None:
    """Read the first quantity in ``phrase``; ``None`` if it holds no number.

    ``language`` picks the rules ("ru", "ar", ...); without it, or when its rules read nothing, the
    languages of the phrase's script are tried, then English. Dates and years are not filtered here
    (``read_number("2014")`` is 2014); ordinals ("21st", "second") are not numbers.
    """
    tried = []
    # English last: its digit rules read a figure in any script ("1ب" is a 1 and a unit to them, as
    # find_figures finds it), when the languages of the phrase's script read nothing.
    for lang in ([rules_for(language)] if language else []) + guess_languages(phrase) + ["en"]:
        if lang in tried:
            continue
        tried.append(lang)
        reading = _read_in(phrase, lang)
        if reading is not None:
            return reading
    return None


def find_figures(text: str, language: str = "en") -> list[tuple[int, int]]:
    """Code-point spans ``(start, end)`` of the number phrases in ``text``, in text order, never overlapping."""
    lang = rules_for(language)
    if lang == "en":
        return [(s, e) for s, e, _ in _figures(_ascii_digits(text))]
    return [(f.start, f.end) for f in numwords.scan(text, lang)]


def figure_readings(text: str, language: str = "en") -> list[tuple[int, int, NumberReading]]:
    """Like :func:`find_figures`, with each span's reading (its ``text`` is the span's text)."""
    lang = rules_for(language)
    if lang == "en":
        scanned = _ascii_digits(text)
        readings = _english_readings(scanned)
        if scanned is text:
            return readings
        return [(s, e, replace(r, text=text[s:e])) for s, e, r in readings]
    return [(f.start, f.end, _intl_reading(f, lang, text[f.start : f.end], " ".join(text[f.num_end : f.end].split())))
            for f in numwords.scan(text, lang)]


def describe(reading: NumberReading) -> str:
    """A short normalised rendering: ``"at least 6 people"``, ``"36 countries"``, ``"10–15 km"``."""
    if reading.value is not None:
        number = _fmt(reading.value)
    else:
        number = f"{_fmt(reading.low)}–{_fmt(reading.high)}"
    unit = reading.unit
    out = number
    if unit and "-" + unit in reading.text:  # a compound: "28-point", "19-point plan"
        out = f"{number}-{unit}"
    elif unit:
        if unit == "%" or unit.startswith("% "):
            out = number + unit
        elif unit[0] in "$€£¥₴₽₹" or unit.split(" ")[0] in _CURRENCY.values():
            sign, _, tail = unit.partition(" ")
            if tail.startswith("%"):
                out = f"{sign}{number}{tail}"
            else:
                out = f"{sign}{number}" + (f" {tail}" if tail else "")
        else:
            out = f"{number} {unit}"
    return f"{reading.qualifier} {out}" if reading.qualifier else out


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    if float(x).is_integer():
        return f"{int(x):,}" if abs(x) >= 10_000 else str(int(x))
    return f"{x:,.6g}" if abs(x) < 1e15 else repr(x)


def _same(x: float | None, y: float | None) -> bool:
    if x is None or y is None:
        return x is None and y is None
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)


def values_differ(a: NumberReading, b: NumberReading) -> bool:
    """True when the two readings state different numbers.

    The rule is deliberately strict: the stated values are compared, not the
    sets of values the phrases allow, so "at least six" vs "seven" differ (6 vs
    7) although both can be true, and "about 30" vs "30" do not. When either
    side is a range, the bounds are compared instead.
    """
    if a.value is not None and b.value is not None:
        return not _same(a.value, b.value)
    return not (_same(a.low, b.low) and _same(a.high, b.high))


def _interval(r: NumberReading) -> tuple[float, float]:
    if r.approx and r.low is None and r.high is None and r.value is not None:
        spread = abs(r.value) * 0.1
        return r.value - spread, r.value + spread
    low = r.low if r.low is not None else -math.inf
    high = r.high if r.high is not None else math.inf
    return low, high


def compatible(a: NumberReading, b: NumberReading) -> bool:
    """True when both readings could describe the same quantity (their ranges overlap).

    "about N" is taken as N ± 10 %.
    """
    alo, ahi = _interval(a)
    blo, bhi = _interval(b)
    return alo <= bhi and blo <= ahi


SAME, COMPATIBLE, DIFFERS = "same", "compatible", "differs"


def verdict(a: NumberReading, b: NumberReading) -> str:
    """How two readings relate, the one rule every view shows: ``"same"`` (the same number is stated,
    whatever the qualifiers), ``"compatible"`` (different numbers that can both be true: "at least 6"
    and "7"), or ``"differs"`` (they cannot both be true: "30" and "36")."""
    if not values_differ(a, b):
        return SAME
    return COMPATIBLE if compatible(a, b) else DIFFERS


def compare(a: NumberReading, b: NumberReading) -> str:
    """One sentence on how two readings relate, worded from :func:`verdict`, e.g.
    ``"compatible: at least 6 people vs 7 people can both be true"``."""
    da, db = describe(a), describe(b)
    kind = verdict(a, b)
    if kind == DIFFERS:
        text = f"values differ: {da} vs {db} (they cannot both be true)"
    elif kind == COMPATIBLE:
        text = f"compatible: {da} vs {db} can both be true (the numbers stated differ)"
    elif a.qualifier != b.qualifier or a.approx != b.approx:
        text = f"same number, different qualifier: {da} vs {db}"
    else:
        shown = _fmt(a.value) if a.value is not None else f"{_fmt(a.low)}–{_fmt(a.high)}"
        text = f"same value: {shown}"
    if a.unit and b.unit and a.language == b.language and a.unit.lower() != b.unit.lower():
        text += f"; units differ ({a.unit!r} vs {b.unit!r})"
    return text
