"""Anchoring a model's quotes in the stored text, and merging overlapping suggestions of one label.

A model's ``start`` is a hint at best and its quote may differ from the text in blank space, quotation marks,
apostrophes, dashes or Unicode composition. :func:`anchor_quote` finds the quote in the piece it was asked about
(with a little margin) and returns code-point offsets into the stored text, so that the suggestion's quote is
always ``text[start:end]``; a quote that is not there, or is there several times with nothing to choose between
them, is dropped with a reason the run summary counts.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from annotator.core.llm.types import ModelSuggestion

#: Characters searched beyond each end of the piece a quote was asked about.
MARGIN = 200
NOT_IN_TEXT = "not_in_text"
AMBIGUOUS = "ambiguous"

#: What the tolerant match treats as the same character (after Unicode decomposition).
FOLD = {**dict.fromkeys("‘’‚‛′`´", "'"), **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-")}
#: Invisible characters the tolerant match skips.
INVISIBLE = frozenset("\u00ad\u200b\u2060\ufeff")


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` for the tolerant match — decomposed (NFD), quotes, apostrophes and dashes made plain, runs of
    blank space one space, invisible characters left out — and for each of its characters the index in ``text``
    of the character it comes from."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char in INVISIBLE:
            continue
        if char.isspace():
            if out and out[-1] == " ":
                continue
            out.append(" ")
            origin.append(index)
            continue
        for part in unicodedata.normalize("NFD", char):
            out.append(FOLD.get(part, part))
            origin.append(index)
    return "".join(out), origin


@lru_cache(maxsize=4)  # a few texts: the pieces of one document are anchored one after another
def folded_window(text: str, lo: int, hi: int) -> tuple[str, tuple[int, ...]]:
    folded, origin = fold(text[lo:hi])
    return folded, tuple(lo + i for i in origin)


def occurrences(haystack: str, needle: str) -> list[int]:
    """Every index where ``needle`` starts in ``haystack`` (overlapping ones too)."""
    found = []
    at = haystack.find(needle)
    while at >= 0:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def whole(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` splits no character from its combining marks or joiners."""
    def joined(at: int) -> bool:
        return 0 < at < len(text) and (unicodedata.combining(text[at]) != 0 or "\u200d" in text[at - 1:at + 1])

    return not joined(start) and not joined(end)


def choose(starts: list[int], hint: int | None) -> int | str:
    """The one start, or the one nearest ``hint``; :data:`AMBIGUOUS` when several and no hint tells them apart."""
    if len(starts) == 1:
        return starts[0]
    if hint is None:
        return AMBIGUOUS
    ranked = sorted(starts, key=lambda s: abs(s - hint))
    if abs(ranked[0] - hint) == abs(ranked[1] - hint):
        return AMBIGUOUS
    return ranked[0]


def anchor_quote(text: str, lo: int, hi: int, quote: str, offset_hint: int | None = None) -> tuple[int, int] | str:
    """Where ``quote`` is in ``text`` near the piece ``text[lo:hi]``: ``(start, end)`` code-point offsets, or the
    reason it is dropped (:data:`NOT_IN_TEXT`, :data:`AMBIGUOUS`).

    ``offset_hint`` (the model's ``start``, counted in the whole text) keeps the quote where it points when the
    text there is the quote exactly, and chooses between several places otherwise.
    """
    quote = quote.strip()
    if not quote:
        return NOT_IN_TEXT
    if offset_hint is not None and (not isinstance(offset_hint, int) or isinstance(offset_hint, bool)):
        offset_hint = None
    window_lo, window_hi = max(0, lo - MARGIN), min(len(text), hi + MARGIN)
    size = len(quote)
    if offset_hint is not None and window_lo <= offset_hint and offset_hint + size <= window_hi \
            and text[offset_hint:offset_hint + size] == quote and whole(text, offset_hint, offset_hint + size):
        return offset_hint, offset_hint + size
    exact = [window_lo + at for at in occurrences(text[window_lo:window_hi], quote)
             if whole(text, window_lo + at, window_lo + at + size)]
    if exact:
        chosen = choose(exact, offset_hint)
        return chosen if isinstance(chosen, str) else (chosen, chosen + size)
    return tolerant(text, window_lo, window_hi, quote, offset_hint)


def tolerant(text: str, lo: int, hi: int, quote: str, offset_hint: int | None) -> tuple[int, int] | str:
    """The tolerant match of :func:`fold`, mapped back to exact offsets of ``text`` (whole characters only)."""
    folded, origin = folded_window(text, lo, hi)
    needle, _ = fold(quote)
    if not needle.strip():
        return NOT_IN_TEXT
    spans = []
    for at in occurrences(folded, needle):
        last = at + len(needle) - 1
        if at > 0 and origin[at - 1] == origin[at]:
            continue  # starts inside a decomposed character
        if last + 1 < len(origin) and origin[last + 1] == origin[last]:
            continue  # ends inside one
        if whole(text, origin[at], origin[last] + 1):
            spans.append((origin[at], origin[last] + 1))
    if not spans:
        return NOT_IN_TEXT
    chosen = choose([start for start, _ in spans], offset_hint)
    if isinstance(chosen, str):
        return chosen
    return next(span for span in spans if span[0] == chosen)


def merge(suggestions: Iterable[ModelSuggestion]) -> tuple[list[ModelSuggestion], int]:
    """Overlapping suggestions of one document and label made one, spanning their union (its quote read from
    theirs, which are slices of the same text), reasons joined with "; " (each once), the highest confidence.

    Returns the suggestions in document order (documents as first seen, then by start) and how many were
    merged into another.
    """
    items = list(suggestions)
    order = {doc: n for n, doc in enumerate(dict.fromkeys(s.document for s in items))}
    items.sort(key=lambda s: (order[s.document], s.label, s.start, s.end))
    kept: list[ModelSuggestion] = []
    merged = 0
    for item in items:
        last = kept[-1] if kept else None
        if last is not None and (last.document, last.label) == (item.document, item.label) and item.start < last.end:
            kept[-1] = union(last, item)
            merged += 1
        else:
            kept.append(item)
    kept.sort(key=lambda s: (order[s.document], s.start, s.end, s.label))
    return kept, merged


def union(first: ModelSuggestion, second: ModelSuggestion) -> ModelSuggestion:
    """``first`` grown over ``second`` (which starts inside it)."""
    end = max(first.end, second.end)
    quote = first.quote + second.quote[first.end - second.start:] if second.end > first.end else first.quote
    reasons = list(dict.fromkeys(r for r in (*first.reason.split("; "), *second.reason.split("; ")) if r))
    return replace(first, end=end, quote=quote, reason="; ".join(reasons),
                   confidence=max(first.confidence, second.confidence))
