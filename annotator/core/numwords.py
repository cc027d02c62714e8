"""Figures in languages other than English: Russian, Ukrainian, Arabic, German, French, Spanish.

Used by :mod:`annotator.core.numbers` (which keeps the English rules); pure Python.

Where the words come from
    * Russian, Ukrainian, Spanish: the number-word tables of **number-parser**
      (CLDR data with the inflected forms, ``шести``, ``семи``, ``тридцати``),
      plus a small table of our own for the Ukrainian oblique forms it lacks
      (``тридцяти``, ``шістьох``, ``мільйона``) and the collective numerals
      (``семеро``, ``шестеро``).
    * German, French: **text2num** reads the words (``sechsunddreißig``,
      ``trente-six``, ``huit cent mille``); a word is a number word when text2num
      reads it.
    * Arabic: no maintained library reads Arabic number words, so the table
      ``_AR`` below (masculine and feminine forms, the ``-ūn``/``-īn`` tens, the
      ``و`` "and" prefix, hundreds, thousands, millions) is our own.

The same for every language: digits of any Unicode decimal script (``٢٨``,
``२८``), the language's grouping and decimal marks (``800 000`` and ``1,5`` in
Russian, ``1.500`` in German, ``٢٬٥٠٠`` and ``١٫٥`` in Arabic), scale words after
digits (``1,5 млн``, ``800 тыс.``, ``3 مليون``, ``2 Millionen``), percent words,
and qualifiers, each mapped to the English qualifier with the same meaning
(``не менее`` → "at least"), so readings compare across languages.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# ----------------------------------------------------------------- qualifiers (-> English meaning)
QUALIFIERS: dict[str, dict[str, str]] = {
    "ru": {
        "не менее": "at least", "не меньше": "at least", "по меньшей мере": "at least", "как минимум": "at least",
        "минимум": "at least", "по крайней мере": "at least", "более": "more than", "больше": "more than",
        "свыше": "more than", "более чем": "more than", "не более": "at most", "не больше": "at most",
        "максимум": "at most", "до": "up to", "менее": "less than", "меньше": "less than",
        "почти": "nearly", "чуть менее": "just under", "чуть более": "just over", "около": "about",
        "примерно": "about", "приблизительно": "approximately", "порядка": "about", "почти что": "nearly",
        "свыше чем": "more than",
    },
    "uk": {
        "щонайменше": "at least", "принаймні": "at least", "не менше": "at least", "не менше ніж": "at least",
        "не менш як": "at least", "щонайменше": "at least", "мінімум": "at least", "понад": "more than",
        "більше": "more than", "більше ніж": "more than", "більш ніж": "more than", "не більше": "at most",
        "не більше ніж": "at most", "максимум": "at most", "до": "up to", "менше": "less than",
        "менше ніж": "less than", "майже": "nearly", "близько": "about", "приблизно": "about",
        "орієнтовно": "approximately", "трохи більше": "just over", "трохи менше": "just under",
    },
    "ar": {
        "ما لا يقل عن": "at least", "لا يقل عن": "at least", "على الأقل": "at least", "أكثر من": "more than",
        "أزيد من": "more than", "ما يزيد عن": "more than", "ما يزيد على": "more than", "يزيد عن": "more than",
        "ما لا يزيد عن": "at most", "ما لا يزيد على": "at most", "حتى": "up to", "أقل من": "less than",
        "نحو": "about", "حوالي": "about", "حوالى": "about", "قرابة": "nearly", "زهاء": "about",
        "ما يقرب من": "nearly", "ما يقارب": "nearly", "تقريبا": "about", "تقريباً": "about",
    },
    "de": {
        "mindestens": "at least", "wenigstens": "at least", "zumindest": "at least", "mehr als": "more than",
        "über": "over", "bis zu": "up to", "höchstens": "at most", "maximal": "at most",
        "weniger als": "less than", "unter": "under", "fast": "nearly", "beinahe": "nearly", "knapp": "nearly",
        "etwa": "about", "rund": "about", "ungefähr": "about", "circa": "circa", "ca.": "circa", "zirka": "circa",
        "etwas mehr als": "just over", "gut": "just over",
    },
    "fr": {
        "au moins": "at least", "au minimum": "at least", "plus de": "more than", "jusqu'à": "up to",
        "jusqu’à": "up to", "au plus": "at most", "au maximum": "at most", "moins de": "less than",
        "près de": "nearly", "presque": "nearly", "environ": "about", "quelque": "about", "autour de": "around",
        "approximativement": "approximately", "un peu plus de": "just over", "un peu moins de": "just under",
    },
    "es": {
        "al menos": "at least", "por lo menos": "at least", "como mínimo": "at least", "más de": "more than",
        "hasta": "up to", "como máximo": "at most", "menos de": "less than", "casi": "nearly",
        "cerca de": "nearly", "alrededor de": "around", "unos": "about", "unas": "about",
        "aproximadamente": "approximately", "poco más de": "just over", "poco menos de": "just under",
    },
}
#: Qualifiers written after the figure ("ستة أشخاص على الأقل").
POST_QUALIFIERS = {"ar": {"على الأقل": "at least", "تقريبا": "about", "تقريباً": "about"}}

# ----------------------------------------------------------------- scale words after digits ("1,5 млн")
SCALES: dict[str, dict[str, int]] = {
    "ru": {"тыс.": 10**3, "тыс": 10**3, "тысяч": 10**3, "тысячи": 10**3, "тысяча": 10**3, "млн": 10**6,
           "млн.": 10**6, "миллион": 10**6, "миллиона": 10**6, "миллионов": 10**6, "млрд": 10**9, "млрд.": 10**9,
           "миллиард": 10**9, "миллиарда": 10**9, "миллиардов": 10**9, "трлн": 10**12, "трлн.": 10**12},
    "uk": {"тис.": 10**3, "тис": 10**3, "тисяч": 10**3, "тисячі": 10**3, "тисяча": 10**3, "млн": 10**6,
           "млн.": 10**6, "мільйон": 10**6, "мільйона": 10**6, "мільйонів": 10**6, "мільйони": 10**6,
           "млрд": 10**9, "млрд.": 10**9, "мільярд": 10**9, "мільярда": 10**9, "мільярдів": 10**9,
           "мільярди": 10**9, "трлн": 10**12},
    "ar": {"ألف": 10**3, "آلاف": 10**3, "الف": 10**3, "مليون": 10**6, "ملايين": 10**6, "مليار": 10**9,
           "مليارات": 10**9, "تريليون": 10**12},
    "de": {"tausend": 10**3, "tsd.": 10**3, "mio.": 10**6, "mio": 10**6, "million": 10**6, "millionen": 10**6,
           "mrd.": 10**9, "mrd": 10**9, "milliarde": 10**9, "milliarden": 10**9, "billion": 10**12,
           "billionen": 10**12},
    "fr": {"mille": 10**3, "million": 10**6, "millions": 10**6, "milliard": 10**9, "milliards": 10**9,
           "md": 10**9, "mds": 10**9},
    "es": {"mil": 10**3, "millón": 10**6, "millones": 10**6, "mil millones": 10**9, "millardo": 10**9,
           "millardos": 10**9, "billón": 10**12, "billones": 10**12},
}
PERCENT = {
    "ru": ("процентов", "процента", "процент"), "uk": ("відсотків", "відсотки", "відсоток", "відсотка"),
    "ar": ("بالمئة", "بالمائة", "في المئة", "في المائة"), "de": ("prozent",), "fr": ("pour cent",),
    "es": ("por ciento",),
}
#: Marks between groups of three digits, and the decimal marks, per language.
MARKS = {
    "ru": (" \u00a0\u202f\u2009", ",."), "uk": (" \u00a0\u202f\u2009", ",."), "fr": (" \u00a0\u202f\u2009", ",."),
    "de": (". \u00a0\u202f\u2009", ","), "es": (". \u00a0\u202f\u2009", ","), "ar": ("\u066c,", "\u066b."),
}
#: Words that join number words: "treinta y seis", "vingt et un", "ثلاثة و عشرون".
CONNECTORS = {"es": {"y"}, "fr": {"et"}, "ar": {"و"}, "de": {"und"}}
#: Words after a number that are not its noun.
STOP = {
    "ru": set("и в во на с со по из за к о об от для что как а но или не до после это его ее их тыс млн млрд "
              "году года лет".split()),
    "uk": set("і й в у на з зі із по за до для що як а але або не після це його її їх році року".split()),
    "ar": set("في من إلى على عن مع أن إن قد التي الذي و أو ثم".split()),
    "de": set("und oder in im am an auf mit von vom zu zum zur für der die das den dem des ein eine als bei "
              "nach seit aus über unter".split()),
    "fr": set("et ou en dans à au aux de des du la le les un une pour par sur avec que qui".split()),
    "es": set("y o en a al de del la el los las un una para por con sobre que".split()),
}
MONTHS = {
    "ru": r"январ\w*|феврал\w*|март\w*|апрел\w*|ма[йя]|июн\w*|июл\w*|август\w*|сентябр\w*|октябр\w*|ноябр\w*|декабр\w*",
    "uk": r"січн\w*|лют\w*|берез\w*|квітн\w*|травн\w*|червн\w*|липн\w*|серпн\w*|вересн\w*|жовтн\w*|листопад\w*|грудн\w*",
    "ar": r"يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر|كانون|شباط|آذار|نيسان|أيار|"
          r"حزيران|تموز|آب|أيلول|تشرين",
    "de": r"Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember",
    "fr": r"janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre",
    "es": r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre",
}

# ----------------------------------------------------------------- our own tables
_UK_EXTRA = {
    "двадцяти": ("tens", 20), "тридцяти": ("tens", 30), "сорока": ("tens", 40), "пʼятдесяти": ("tens", 50),
    "шістдесяти": ("tens", 60), "сімдесяти": ("tens", 70), "вісімдесяти": ("tens", 80), "девʼяноста": ("tens", 90),
    "десяти": ("unit", 10), "одинадцяти": ("unit", 11), "дванадцяти": ("unit", 12), "пʼятнадцяти": ("unit", 15),
    "двох": ("unit", 2), "трьох": ("unit", 3), "чотирьох": ("unit", 4), "пʼятьох": ("unit", 5),
    "шістьох": ("unit", 6), "шестеро": ("unit", 6), "сімох": ("unit", 7), "семеро": ("unit", 7),
    "вісьмох": ("unit", 8), "восьмеро": ("unit", 8), "девʼятьох": ("unit", 9), "девʼятеро": ("unit", 9),
    "мільйона": ("big", 10**6), "мільярда": ("big", 10**9), "тисячами": ("big", 10**3),
}
_RU_EXTRA = {
    "двое": ("unit", 2), "трое": ("unit", 3), "четверо": ("unit", 4), "пятеро": ("unit", 5), "шестеро": ("unit", 6),
    "семеро": ("unit", 7), "восьмеро": ("unit", 8), "девятеро": ("unit", 9), "десятеро": ("unit", 10),
    "двоих": ("unit", 2), "троих": ("unit", 3), "четверых": ("unit", 4), "пятерых": ("unit", 5),
    "шестерых": ("unit", 6), "семерых": ("unit", 7),
}


def _ar_table() -> dict[str, tuple[str, int]]:
    units = {
        1: "واحد واحدة", 2: "اثنان اثنين اثنتان اثنتين", 3: "ثلاثة ثلاث", 4: "أربعة أربع اربعة اربع",
        5: "خمسة خمس", 6: "ستة ست", 7: "سبعة سبع", 8: "ثمانية ثماني ثمان", 9: "تسعة تسع", 10: "عشرة عشر",
    }
    tens = {20: "عشرون عشرين", 30: "ثلاثون ثلاثين", 40: "أربعون أربعين اربعون اربعين", 50: "خمسون خمسين",
            60: "ستون ستين", 70: "سبعون سبعين", 80: "ثمانون ثمانين", 90: "تسعون تسعين"}
    hundreds = {100: "مائة مئة", 200: "مائتان مائتين مئتان مئتين", 300: "ثلاثمائة ثلاثمئة", 400: "أربعمائة أربعمئة",
                500: "خمسمائة خمسمئة", 600: "ستمائة ستمئة", 700: "سبعمائة سبعمئة", 800: "ثمانمائة ثمانمئة",
                900: "تسعمائة تسعمئة"}
    big = {10**3: "ألف آلاف الف ألفا", 2000: "ألفان ألفين", 10**6: "مليون ملايين", 2 * 10**6: "مليونان مليونين",
           10**9: "مليار مليارات"}
    table: dict[str, tuple[str, int]] = {}
    for kind, group in (("unit", units), ("tens", tens), ("hundreds", hundreds)):
        for value, forms in group.items():
            for form in forms.split():
                table[form] = (kind, value)
    for value, forms in big.items():
        for form in forms.split():
            table[form] = ("big", value) if value in (10**3, 10**6, 10**9) else ("unit", value)
    return table


_AR_TEEN = re.compile(r"^(أحد|إحدى|اثنا|اثني|اثنتا|اثنتي|ثلاثة|ثلاث|أربعة|أربع|خمسة|خمس|ستة|ست|سبعة|سبع|"
                      r"ثمانية|ثماني|تسعة|تسع)$")
_AR_TEEN_VALUE = {"أحد": 1, "إحدى": 1, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2}


def fold(word: str, lang: str) -> str:
    """A word as the tables spell it: lower case, ``ё`` as ``е``, apostrophes as ``ʼ``, no Arabic diacritics."""
    w = word.lower().replace("ё", "е").replace("'", "ʼ").replace("’", "ʼ")
    if lang == "ar":
        w = "".join(ch for ch in w if unicodedata.category(ch) != "Mn" and ch != "\u0640")
    return w


@lru_cache(maxsize=None)
def lexicon(lang: str) -> dict[str, tuple[str, int]]:
    """Word -> (kind, value) for the languages read by table (ru, uk, es, ar); kind: unit, tens, hundreds, big."""
    if lang == "ar":
        return _ar_table()
    if lang not in ("ru", "uk", "es"):
        return {}
    info = importlib.import_module(f"number_parser.data.{lang}").info
    table: dict[str, tuple[str, int]] = {}
    for key, kind in (("UNIT_NUMBERS", "unit"), ("DIRECT_NUMBERS", "unit"), ("TENS", "tens"),
                      ("HUNDREDS", "hundreds"), ("BIG_POWERS_OF_TEN", "big")):
        for word, value in info[key].items():
            if kind != "big" or value <= 10**12:
                table[fold(word, lang)] = (kind, int(value))
    table.update({"ru": _RU_EXTRA, "uk": _UK_EXTRA}.get(lang, {}))
    if lang == "es":
        table.setdefault("veinte", ("tens", 20))
    return table


@lru_cache(maxsize=50_000)
def _t2n(word: str, lang: str) -> int | None:
    from text_to_num import text2num

    try:
        return int(text2num(word, lang))
    except (ValueError, TypeError, OverflowError):
        return None


def word_value(word: str, lang: str) -> tuple[str, int] | None:
    """``(kind, value)`` of one number word in ``lang``, or None."""
    w = fold(word, lang)
    table = lexicon(lang)
    if table:
        found = table.get(w)
        if found is None and lang == "ar" and len(w) > 2 and w[0] == "و":
            found = table.get(w[1:])  # "وعشرون": and twenty
        return found
    if lang in ("de", "fr"):
        if w in ("ein", "eine", "un", "une"):
            return ("unit", 1)
        value = _t2n(w, lang)
        if value is None:
            return None
        return ("big", value) if value in (1000, 10**6, 10**9) and w not in ("tausend", "mille") else ("unit", value)
    return None


def words_total(words: list[str], lang: str) -> Decimal | None:
    """The value of consecutive number words (connectors already removed)."""
    if lang in ("de", "fr"):
        from text_to_num import text2num

        try:
            return Decimal(int(text2num(" ".join(w.lower() for w in words), lang)))
        except (ValueError, TypeError, OverflowError):
            pass
    total, current = 0, 0
    for i, word in enumerate(words):
        if lang == "ar" and i + 1 < len(words) and _AR_TEEN.match(fold(word, lang)) and fold(words[i + 1], lang) in (
            "عشر", "عشرة"
        ):
            continue  # "ثلاثة عشر" = 13: the unit is added with the "عشر" that follows
        if lang == "ar" and fold(word, lang) in ("عشر", "عشرة") and i > 0 and _AR_TEEN.match(fold(words[i - 1], lang)):
            prev = fold(words[i - 1], lang)
            current += 10 + _AR_TEEN_VALUE.get(prev, (word_value(prev, lang) or ("", 0))[1])
            continue
        found = word_value(word, lang)
        if found is None:
            return None
        kind, value = found
        if kind == "big":
            total += (current or 1) * value
            current = 0
        elif kind == "hundreds" and current and current < 10:
            current = current * 100 if value == 100 else current + value
        else:
            current += value
    return Decimal(total + current)


def parse_digits(digits: str, lang: str) -> Decimal | None:
    """``"1 500,5"`` (ru) -> 1500.5; ``"1.500"`` (de) -> 1500; Unicode digits of any script."""
    groups, decimals = MARKS.get(lang, (",", "."))
    ascii_digits = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in digits)
    body, frac = ascii_digits, ""
    for mark in decimals:
        head, sep, tail = ascii_digits.rpartition(mark)
        if sep and tail.isdigit() and not (mark in groups and len(tail) == 3):
            body, frac = head, tail
            break
    body = "".join(ch for ch in body if ch.isdigit() or ch not in groups + decimals)
    try:
        return Decimal(body + ("." + frac if frac else ""))
    except InvalidOperation:
        return None


# ----------------------------------------------------------------- finding figures
class Found:
    """One figure found by :func:`scan`: its span, the number's end, value or range, qualifier, percent."""

    __slots__ = ("start", "end", "num_end", "value", "low", "high", "qualifier", "said", "percent")

    def __init__(self, start, end, num_end, value, low, high, qualifier="", said="", percent=False):
        self.start, self.end, self.num_end = start, end, num_end
        self.value, self.low, self.high = value, low, high
        self.qualifier, self.said, self.percent = qualifier, said, percent


_SPACE = "[ \t\u00a0\u202f\u2009]+"


def _alt(words) -> str:
    return "|".join(sorted((re.escape(w).replace(r"\ ", _SPACE) for w in words), key=len, reverse=True))


@lru_cache(maxsize=None)
def _patterns(lang: str):
    groups, decimals = MARKS[lang]
    g, d = f"[{re.escape(groups)}]", f"[{re.escape(decimals)}]"
    # Arabic writes "and", "by", "to" onto the next word, digits too: "و٢٨".
    before = r"(?<![\w.,\u066b\u066c])" if lang != "ar" else r"(?:(?<![\w.,\u066b\u066c])|(?<=[وبل]))"
    number = rf"{before}(?:\d{{1,3}}(?:{g}\d{{3}})+(?:{d}\d+)?|\d+(?:{d}\d+)?)(?![\w])"
    token = re.compile(rf"(?P<num>{number})|(?P<word>[^\W\d_]+(?:[-ʼ'’][^\W\d_]+)*)")
    prefix = "و?" if lang == "ar" else ""  # Arabic "and" is written onto the next word: "وحوالي"
    qual = re.compile(rf"(?<![^\W\d_]){prefix}(?P<q>{_alt(QUALIFIERS[lang])}){_SPACE}$", re.IGNORECASE)
    post = POST_QUALIFIERS.get(lang)
    post_re = re.compile(rf"{_SPACE}(?P<q>{_alt(post)})(?![^\W\d_])") if post else None
    pct = re.compile(rf"(?:{_SPACE})?%|{_SPACE}(?:{_alt(PERCENT[lang])})(?![^\W\d_])", re.IGNORECASE)
    scale = re.compile(rf"{_SPACE}(?P<s>{_alt(SCALES[lang])})(?![^\W\d_])", re.IGNORECASE)
    month_after = re.compile(rf"\.?{_SPACE}(?:{MONTHS[lang]})(?![^\W\d_])", re.IGNORECASE)
    month_before = re.compile(rf"(?<![^\W\d_])(?:{MONTHS[lang]}){_SPACE}$", re.IGNORECASE)
    return token, qual, post_re, pct, scale, month_after, month_before


def _qualifier(text: str, start: int, floor: int, lang: str, qual) -> tuple[str, str, int]:
    m = qual.search(text, max(floor, start - 40), start)
    if not m:
        return "", "", start
    said = " ".join(m.group("q").split())
    key = said.lower()
    table = QUALIFIERS[lang]
    meaning = table.get(key) or next((v for k, v in table.items() if k.lower() == key), "")
    return meaning, said, m.start("q")


def _number_words(tokens, i: int, text: str, lang: str) -> tuple[int, list[str]]:
    """From token ``i`` (a number word), the index after the last number word of the group and the words."""
    words = [tokens[i].group()]
    j = i + 1
    connectors = CONNECTORS.get(lang, set())
    while j < len(tokens):
        t = tokens[j]
        gap = text[tokens[j - 1].end() : t.start()]
        if gap.strip() or "\n" in gap or t.lastgroup != "word":
            break
        if fold(t.group(), lang) in connectors and j + 1 < len(tokens) and tokens[j + 1].lastgroup == "word" \
                and word_value(tokens[j + 1].group(), lang) and not text[t.end() : tokens[j + 1].start()].strip():
            j += 1
            continue
        if word_value(t.group(), lang) is None:
            break
        words.append(t.group())
        j += 1
    return j, words


def _past(tokens, j: int, end: int) -> int:
    """The first token index from ``j`` on whose token starts at or after ``end``."""
    while j < len(tokens) and tokens[j].start() < end:
        j += 1
    return j


def _digits_at(tokens, i: int, text: str, lang: str, scale_re) -> tuple[tuple | None, int]:
    """The number written in digits at token ``i``, with the scale word ("3 million") or the range ("3-5") after it.

    Returns ``((value, low, high, end, plain), next)`` (``value`` None and ``low``/``high`` set for a range;
    ``plain``: bare digits, nothing around them), or ``(None, i + 1)`` when the digits are no number of ``lang``.
    """
    t = tokens[i]
    value = parse_digits(t.group(), lang)
    if value is None:
        return None, i + 1
    j, num_end, low, high = i + 1, t.end(), None, None
    plain = t.group().isdigit()
    s = scale_re.match(text, num_end)
    if s:
        mult = SCALES[lang].get(" ".join(s.group("s").lower().split()))
        if mult:
            value, num_end, plain = value * mult, s.end(), False
    if text[num_end : num_end + 1] in "-–" and j < len(tokens) and tokens[j].start() == num_end + 1 \
            and tokens[j].lastgroup == "num":
        second = parse_digits(tokens[j].group(), lang)
        if second is not None:
            low, high, value, num_end, plain = min(value, second), max(value, second), None, tokens[j].end(), False
            j += 1
    return (value, low, high, num_end, plain), j


def _number_at(tokens, i: int, text: str, lang: str, scale_re) -> tuple[tuple | None, int]:
    """The number token ``i`` begins, in digits or in words, as :func:`_digits_at` returns it.

    ``(None, next)`` when it begins none; ``next`` is the token to go on from.
    """
    t = tokens[i]
    if t.lastgroup == "num":
        return _digits_at(tokens, i, text, lang, scale_re)
    if word_value(t.group(), lang) is None:
        return None, i + 1
    j, words = _number_words(tokens, i, text, lang)
    value = words_total(words, lang)
    return (None if value is None else (value, None, None, tokens[j - 1].end(), False)), j


def _year_or_day(digits: str, text: str, start: int, end: int, lang: str, month_after, month_before) -> bool:
    """True when bare ``digits`` (``text[start:end]``) are a year (1900–2100) or a day next to a month's name."""
    if len(digits) == 4 and 1900 <= int(parse_digits(digits, lang)) <= 2100:
        return True
    return int(parse_digits(digits, lang)) <= 31 and bool(
        month_after.match(text, end) or month_before.search(text, max(0, start - 15), start)
    )


def _counted_noun(tokens, j: int, text: str, end: int, lang: str, stop) -> bool:
    """True when token ``j`` is the noun the figure ending at ``end`` counts ("28 points"), one space after it."""
    if j >= len(tokens) or tokens[j].lastgroup != "word":
        return False
    noun = tokens[j]
    gap = text[end : noun.start()]
    word = noun.group()
    return bool(gap) and not gap.strip() and "\n" not in gap and fold(word, lang) not in stop \
        and word_value(word, lang) is None and (lang in ("ar", "de") or not word[0].isupper())


def scan(text: str, lang: str, *, figures_only: bool = True):
    """Yield :class:`Found` for every figure in ``text`` written in ``lang`` (one of :data:`QUALIFIERS`)."""
    token, qual, post_re, pct, scale_re, month_after, month_before = _patterns(lang)
    tokens = list(token.finditer(text))
    stop = STOP.get(lang, set())
    last_end = 0
    i = 0
    while i < len(tokens):
        t = tokens[i]
        number, j = _number_at(tokens, i, text, lang, scale_re)
        if number is None:
            i = j
            continue
        value, low, high, num_end, plain = number
        start = t.start()
        j = _past(tokens, j, num_end)
        meaning, said, qstart = _qualifier(text, start, last_end, lang, qual)
        p = pct.match(text, num_end)
        percent = bool(p)
        if p:
            num_end, plain = p.end(), False
            j = _past(tokens, j, num_end)
        if figures_only and plain and not meaning and _year_or_day(t.group(), text, start, num_end, lang,
                                                                   month_after, month_before):
            i = j
            continue
        end = num_end
        if not percent and _counted_noun(tokens, j, text, end, lang, stop):
            end = tokens[j].end()
            j += 1
        if post_re is not None and not meaning and (m := post_re.match(text, end)):
            said = " ".join(m.group("q").split())
            meaning, end = POST_QUALIFIERS[lang].get(said, "about"), m.end()
            j = _past(tokens, j, end)
        if figures_only and value == 1 and not meaning and t.lastgroup == "word":
            i = j
            continue  # "un", "одна", "واحد" alone: an article or a pronoun more often than a figure
        if low is None:
            low = high = value
        yield Found(qstart if meaning and qstart < start else start, end, num_end, value, low, high, meaning, said,
                    percent)
        last_end = end
        i = j
