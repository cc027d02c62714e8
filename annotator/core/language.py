"""The language of a document: detected once when it is added, editable by the analyst.

Detection uses py3langid (the langid.py model, offline, a few milliseconds per
article) on the first 20,000 characters. A language is stored as its ISO 639-1
code (``"en"``, ``"ru"``, ``"ar"``); ``""`` means not known. The code picks
the rules for figures (:mod:`annotator.core.numbers`) and suggestions
(:mod:`annotator.core.suggest`); a language without rules of its own is read
with the digits of every script and the English words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from annotator.core.errors import InputError

#: Languages with rules of their own for figures (number words, marks, qualifiers).
RULES = {
    "en": "English",
    "ru": "Russian",
    "uk": "Ukrainian",
    "ar": "Arabic",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
}
#: Other names for the languages a person may type in the details dialog or on the command line.
_NAMES = {
    "english": "en", "russian": "ru", "ukrainian": "uk", "arabic": "ar", "german": "de", "french": "fr",
    "spanish": "es", "русский": "ru", "українська": "uk", "العربية": "ar", "deutsch": "de", "français": "fr",
    "español": "es",
}
#: Languages written right to left.
RTL = frozenset({"ar", "he", "fa", "ur", "ps", "yi", "dv", "ug", "ku", "sd"})

_SAMPLE = 20_000
_CODE = re.compile(r"[a-z]{2,3}")


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language ``text`` is written in, or ``""`` for a text with no letters."""
    sample = text[:_SAMPLE]
    if not any(ch.isalpha() for ch in sample):
        return ""
    code, _score = _identifier().classify(sample)
    return str(code)


def normalize_language(value: str | None) -> str:
    """A language as typed (``"ru"``, ``"Russian"``, ``"RU"``, ``""``) as its stored code.

    Raises :class:`InputError` for something that is not a language code or a known name.
    """
    value = (value or "").strip()
    if not value:
        return ""
    low = value.casefold()
    if low in _NAMES:
        return _NAMES[low]
    low = low.split("-")[0].split("_")[0]
    if _CODE.fullmatch(low):
        return low
    raise InputError(f"{value!r} is not a language: give a code such as en, ru, uk, ar, de, fr or es.")


def language_name(code: str) -> str:
    """``"Russian"`` for ``"ru"``; the code itself for a language without rules; ``"unknown"`` for ``""``."""
    return RULES.get(code, code) if code else "unknown"


def is_rtl(code: str) -> bool:
    return code in RTL
