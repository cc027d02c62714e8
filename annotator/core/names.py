"""One name written in several scripts: ``Steve Witkoff``, ``Стив Уиткофф``, ``Віткофф``, ``ويتكوف``.

A name is transliterated to Latin letters (anyascii), then reduced to a
*consonant key* per word: vowels, ``w``, ``y`` and ``h`` dropped (Arabic
script writes few vowels and spells them with و/ي), letters that other scripts
merge taken as one (``p``→``b``, ``c``/``q``→``k``, ``v``→``f`` and also
dropped, since Cyrillic ``В`` stands for both W and V), doubled letters
collapsed. Two words are the same name when one of their keys matches
(rapidfuzz ratio ≥ 80 for keys of three letters or more, equality for shorter
ones). Two names are the same when their last words (the surname) are, and their
first words are too when both names have one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from annotator.core.lazy import lazy_module

_anyascii = lazy_module("anyascii")
fuzz = lazy_module("rapidfuzz.fuzz")

_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ-][^\W\d_]+)*")
_VOWELS = str.maketrans("", "", "aeiouwyh'’ʼ-")
_MERGE = str.maketrans({"p": "b", "c": "k", "q": "k", "g": "k", "x": "k", "z": "s", "j": "i", "d": "t"})
_DOUBLE = re.compile(r"(.)\1+")
#: Arabic articles and clitics written onto a name ("al-", "el-").
_ARTICLE = re.compile(r"^(?:al|el)-?(?=\w{3})")
_MIN_FUZZY = 3
_THRESHOLD = 80


def latin(text: str) -> str:
    """``"Стив Уиткофф"`` -> ``"stiv uitkoff"``: Latin letters, lower case."""
    return _anyascii.anyascii(text).lower()


@lru_cache(maxsize=100_000)
def word_keys(word: str) -> frozenset[str]:
    """The consonant keys of one word (two when it has a ``v``: as ``f`` and dropped)."""
    w = _ARTICLE.sub("", latin(word).strip())
    w = w.replace("ph", "f").replace("kh", "k").replace("ck", "k").replace("sh", "s").replace("ch", "k")
    w = w.translate(_MERGE)
    keys = set()
    for variant in (w.replace("v", "f"), w.replace("v", "")):
        key = _DOUBLE.sub(r"\1", variant.translate(_VOWELS))
        if key:
            keys.add(key)
    return frozenset(keys)


def words(name: str) -> list[str]:
    return _WORD.findall(name)


def same_word(a: str, b: str) -> bool:
    ka, kb = word_keys(a), word_keys(b)
    if ka & kb:
        return max(len(k) for k in ka & kb) >= 2 or fuzz.ratio(latin(a), latin(b)) >= 70
    return any(len(x) >= _MIN_FUZZY and len(y) >= _MIN_FUZZY and fuzz.ratio(x, y) >= _THRESHOLD for x in ka for y in kb)


def same_name(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one person's name, perhaps in other scripts or spellings."""
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return False
    if not same_word(wa[-1], wb[-1]):
        return False
    if len(wa) > 1 and len(wb) > 1:
        return same_word(wa[0], wb[0])
    return True


def script(text: str) -> str:
    """The script of the first letter of ``text``: "Latin", "Cyrillic", "Arabic", or "other"."""
    for ch in text:
        if ch.isalpha():
            cp = ord(ch)
            if cp < 0x250:
                return "Latin"
            if 0x400 <= cp < 0x530:
                return "Cyrillic"
            if 0x600 <= cp < 0x780 or 0xFB50 <= cp < 0xFF00:
                return "Arabic"
            return "other"
    return "other"
