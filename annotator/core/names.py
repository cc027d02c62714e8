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
from collections import defaultdict
from collections.abc import Iterable
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
    return _latin_keys(latin(word))


def _latin_keys(latin_word: str) -> frozenset[str]:
    """:func:`word_keys` of a word already transliterated to lower-case Latin letters."""
    w = _ARTICLE.sub("", latin_word.strip())
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


#: The shortest consonant key a search word is matched in other scripts by (shorter keys match too many words).
SEARCH_KEY = 3


class Spellings:
    """The words of a corpus by consonant key, to find one word's spellings in other scripts: search "Witkoff"
    finds ``виткофф``, ``віткофф`` and ``ويتكوف``.

    Words are learnt once (:meth:`learn`, in one batch: transliteration costs some microseconds a word), so a
    search over a large corpus only transliterates the words added since the last one.
    """

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._by_key: defaultdict[str, set[str]] = defaultdict(set)

    def learn(self, terms: Iterable[str]) -> None:
        new = [t for t in terms if t not in self._seen and "\n" not in t]
        if not new:
            return
        latins = _anyascii.anyascii("\n".join(new)).lower().split("\n")
        if len(latins) != len(new):  # a character transliterated to a line break: one by one, then
            latins = [latin(t) for t in new]
        for term, lat in zip(new, latins):
            self._seen.add(term)
            for key in _latin_keys(lat):
                self._by_key[key].add(term)

    def in_other_scripts(self, word: str) -> set[str]:
        """The learnt words in a script other than ``word``'s whose consonant key is one of ``word``'s (of
        :data:`SEARCH_KEY` letters or more): the same name written in Cyrillic, Arabic, Latin…"""
        own = script(word)
        found: set[str] = set()
        for key in word_keys(word):
            if len(key) >= SEARCH_KEY:
                found.update(t for t in self._by_key.get(key, ()) if script(t) != own)
        return found
