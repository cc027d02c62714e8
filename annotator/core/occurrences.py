"""Finding a phrase in texts: for Find (Ctrl+F) and for "Tag all occurrences"."""

from __future__ import annotations

import re


def find_all(text: str, phrase: str, case_sensitive: bool = False) -> list[tuple[int, int]]:
    """Code-point ranges of every (non-overlapping) occurrence of ``phrase`` in ``text``."""
    if not phrase:
        return []
    flags = 0 if case_sensitive else re.IGNORECASE
    return [m.span() for m in re.finditer(re.escape(phrase), text, flags)]


def whole_word_occurrences(text: str, phrase: str) -> list[tuple[int, int]]:
    """Exact (case-sensitive) occurrences of ``phrase`` that do not start or end inside a word.

    Used to tag every occurrence of a selected phrase: "Putin" must not match inside "Putinism".
    """
    phrase = phrase.strip()
    if not phrase:
        return []
    left = r"(?<!\w)" if re.match(r"\w", phrase) else ""
    right = r"(?!\w)" if re.search(r"\w$", phrase) else ""
    return [m.span() for m in re.finditer(left + re.escape(phrase) + right, text)]
