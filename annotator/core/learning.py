"""Suggestions that learn from the analysts of a project, and names found without capital letters.

* **Tagged elsewhere** — quotes already tagged in the project (not rejected in
  review) are suggested wherever they occur (INCEpTION's string-matching
  recommender); an actor's name is also found in other scripts through
  :mod:`annotator.core.names` (``Steve Witkoff`` tagged → ``ويتكوف`` and
  ``Уиткоффа`` suggested).
* **Rejected again and again** — a ``(label, text)`` rejected as a suggestion
  :data:`REJECTIONS` times or more, in any documents, is no longer suggested
  anywhere; the words of Actor suggestions rejected that often (and in no
  tagged Actor name) join the capitalisation rule's stop-list, so "Top
  Kremlin" rejected twice stops "Top" and "Kremlin" from starting a name.
* **Names after a title** — for Arabic, which has no capital letters: the one
  or two words after a title such as الرئيس or المبعوث (past its adjectives,
  الأمريكي الخاص).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from annotator.core.names import script, word_keys, words

#: How many rejections make a pattern stop being suggested.
REJECTIONS = 2
_MAX_QUOTE = 200


@dataclass(frozen=True)
class Learned:
    """What a project's analysts taught the suggester."""

    tagged: dict[str, frozenset[str]] = field(default_factory=dict)  # label -> quotes tagged across the project
    stop_patterns: frozenset[tuple[str, str]] = frozenset()  # (label, folded quote) rejected REJECTIONS+ times
    stop_words: frozenset[str] = frozenset()  # learned stop-list of the capitalisation rule

    @classmethod
    def from_store(cls, store, without: str | None = None) -> Learned:
        """What the project taught; ``without``: as if document ``without`` had no tags and no rejections (the
        evaluation's rules baseline for that document must not learn from its own gold tags)."""
        tagged: dict[str, set[str]] = {}
        for label, quote in store.tagged_quotes(_MAX_QUOTE, without=without):
            quote = quote.strip()
            if quote:
                tagged.setdefault(label, set()).add(quote)
        return cls.from_history(tagged, store.rejected_patterns(without=without))

    @classmethod
    def from_history(cls, tagged: dict[str, set[str]], rejected: dict[tuple[str, str], int]) -> Learned:
        """From tagged quotes per label and rejection counts per ``(label, folded quote)``."""
        stop = frozenset(key for key, n in rejected.items() if n >= REJECTIONS)
        counts: Counter[str] = Counter()
        for (label, quote), n in rejected.items():
            if label == "Actor":
                for w in set(words(quote)):
                    counts[w] += n
        stopping = {w for w, n in counts.items() if n >= REJECTIONS}
        if stopping:  # the words of every tagged Actor (a million tags: seconds) only when a word may stop
            stopping -= {w.casefold() for q in tagged.get("Actor", ()) for w in words(q)}
        stop_words = frozenset(stopping)
        return cls({k: frozenset(v) for k, v in tagged.items()}, stop, stop_words)

    def stopped(self, label: str, quote: str) -> bool:
        return bool(self.stop_patterns) and (label, " ".join(quote.split()).casefold()) in self.stop_patterns

    def is_stop_word(self, word: str) -> bool:
        return word.casefold() in self.stop_words


# ----------------------------------------------------------------- which tagged quotes are looked for elsewhere
_NAME_PARTICLES = frozenset("von van der den de du da di del della dei des dos das do la le ter ten zu bin ibn bint "
                            "al el ul abu abd ben y".split())
_NAME_MARKS = "-'’ʼ."
_MAX_NAME_WORDS = 4


def name_like(quote: str) -> bool:
    """Whether a tagged Actor quote looks like a name, and so is worth suggesting wherever it occurs: one to four
    words of letters (hyphens, apostrophes and the full stops of initials allowed), three letters or more, and every
    word but a name particle ("von", "al-") starting with a capital in scripts that have capitals ("Witkoff",
    "Vladimir Putin", "ويتكوف"; not "officials", "the Ministry of", "$10 million")."""
    parts = quote.split()
    if not 1 <= len(parts) <= _MAX_NAME_WORDS or sum(ch.isalpha() for ch in quote) < 3:
        return False
    for part in parts:
        if not part[0].isalpha() or any(not (ch.isalpha() or ch in _NAME_MARKS or unicodedata.category(ch) in
                                             ("Mn", "Mc")) for ch in part):
            return False
        if part[0].islower() and part not in _NAME_PARTICLES and part.split("-")[0] not in _NAME_PARTICLES:
            return False
    return any(not part[0].islower() or not part.split("-")[-1][:1].islower() for part in parts)


def claim_like(quote: str, min_words: int = 3) -> bool:
    """Whether a tagged Claim quote is a statement worth suggesting wherever it occurs: ``min_words`` words or
    numbers or more ("the talks were productive"; not "into", "the Ministry")."""
    return sum(1 for _ in itertools.islice(_WORD_OR_NUMBER.finditer(quote), min_words)) >= min_words


_WORD_OR_NUMBER = re.compile(r"[^\W_]+")


# ----------------------------------------------------------------- names in other scripts
_SCRIPT_WORD = {
    "Arabic": re.compile(r"[\u0621-\u064a\u0671-\u06d3\u064b-\u065f]+"),
    "Cyrillic": re.compile(r"[\u0400-\u04ff]+(?:[-ʼ'’][\u0400-\u04ff]+)*"),
    "Latin": re.compile(r"[A-Za-z\u00c0-\u024f]+(?:[-'’][A-Za-z\u00c0-\u024f]+)*"),
}
_AR_CLITICS = "وبلف"
_MIN_KEY = 3


def _text_script(language: str) -> str:
    return {"ar": "Arabic", "fa": "Arabic", "ur": "Arabic", "ru": "Cyrillic", "uk": "Cyrillic", "bg": "Cyrillic",
            "sr": "Cyrillic", "mk": "Cyrillic", "be": "Cyrillic"}.get(language, "Latin")


def _keys(name_word: str) -> set[str]:
    return {k for k in word_keys(name_word) if len(k) >= _MIN_KEY}


def other_script_names(text: str, names: set[str], language: str, more: frozenset[str] = frozenset()):
    """``(start, end, reason)`` for the names of ``names`` (and ``more``: a few besides, not cached) written in
    ``text``'s script when they are in another.

    A word of the text matches a name's last word by consonant key; the word
    before it is taken too when it matches the name's first word (of the names
    with that key, the first in alphabetical order).
    """
    here = _text_script(language)
    by_key = _names_by_key(frozenset(names), here)
    if more and (extra := _names_by_key.__wrapped__(more, here)):
        by_key = dict(by_key)
        for key, found in extra.items():
            by_key[key] = sorted(by_key.get(key, []) + found)
    if not by_key:
        return
    pattern = _SCRIPT_WORD[here]
    matched = {word: found for word in set(pattern.findall(text)) if (found := _match(word, by_key, here))}
    if not matched:
        return
    previous: re.Match | None = None
    for m in pattern.finditer(text):
        found = matched.get(m.group())
        if found:
            word = m.group()
            start = m.start() + (len(word) - len(found[1]))
            first = found[0]
            if previous is not None and len(first) > 1 and not text[previous.end() : m.start()].strip() \
                    and "\n" not in text[previous.end() : m.start()] and start == m.start() \
                    and word_keys(first[0]) & word_keys(previous.group()):
                start = previous.start()
            yield start, m.end(), f"the tagged Actor {' '.join(first)!r} written in {here} script"
        previous = m


@lru_cache(maxsize=8)
def _names_by_key(names: frozenset[str], here: str) -> dict[str, list[tuple[str, list[str]]]]:
    """``(name, its words)`` of the names not written in script ``here``, in alphabetical order, by the consonant
    keys of their last word (cached: the same for every document of a project; read it, never change it)."""
    by_key: dict[str, list[tuple[str, list[str]]]] = {}
    for name in sorted(names):  # sorted: the name found for a key must not depend on the hash seed
        parts = words(name)
        if not parts or script(name) == here or len(parts) > 4:
            continue
        for key in _keys(parts[-1]):
            by_key.setdefault(key, []).append((name, parts))
    return by_key


def _match(word: str, by_key: dict[str, list[tuple[str, list[str]]]], here: str) -> tuple[list[str], str] | None:
    candidates = [word]
    if here == "Arabic" and len(word) > 4 and word[0] in _AR_CLITICS:
        candidates.append(word[1:])  # "وبوتين": and Putin
    for cand in candidates:
        if len(cand) < 3:
            continue
        for key in sorted(_keys(cand), key=lambda k: (-len(k), k)):  # the longest key first, then a fixed order
            if key in by_key:
                return by_key[key][0][1], cand
    return None


# ----------------------------------------------------------------- Arabic: names after a title
_AR_TITLES = (
    "الرئيس", "رئيس", "المبعوث", "مبعوث", "وزير", "الوزير", "وزيرة", "المستشار", "مستشار", "السفير", "سفير",
    "المتحدث", "المتحدثة", "الناطق", "نائب", "الأمين", "الملك", "الأمير", "الشيخ", "السيناتور", "الجنرال",
    "المستشارة", "رئيسة", "الرئيسة",
)
_AR_STOP = frozenset("في من إلى على عن مع أن إن قد لقد الذي التي الذين و أو ثم لا ما كما بعد قبل خلال حيث أمس اليوم "
                     "يوم إنه إنها أنه أنها هذا هذه ذلك تلك قال قالت أعلن أعلنت".split())
_AR_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3]+")


def title_names(text: str, language: str):
    """``(start, end, reason)`` for the name after a title, in Arabic text."""
    if language != "ar":
        return
    tokens = list(_AR_WORD.finditer(text))
    titles = set(_AR_TITLES) | {"و" + t for t in _AR_TITLES}
    for i, t in enumerate(tokens):
        if t.group() not in titles:
            continue
        j = i + 1
        skipped = 0
        while j < len(tokens) and skipped < 3 and _joined(text, tokens[j - 1], tokens[j]) and (
            tokens[j].group().startswith(("ال", "لل")) or tokens[j].group() in ("الخارجية", "الدفاع")
        ):
            j += 1
            skipped += 1
        name = []
        while j < len(tokens) and len(name) < 2 and _joined(text, tokens[j - 1], tokens[j]):
            w = tokens[j].group()
            if w.startswith("ال") or w in _AR_STOP or len(w) < 2:
                break
            name.append(tokens[j])
            j += 1
        if name:
            yield name[0].start(), name[-1].end(), f"name after the title {t.group()!r}"


def _joined(text: str, a: re.Match, b: re.Match) -> bool:
    """Two words with only spaces between them (no comma, full stop or line break)."""
    gap = text[a.end() : b.start()]
    return bool(gap) and not gap.strip() and "\n" not in gap
