"""A document cut into pieces that fit a model's context, at paragraph, then sentence, then word boundaries.

Offsets are code points of the stored text (as everywhere in the core). Consecutive pieces overlap by the last
sentence of the earlier one (when it is short enough), so that a span across a cut is still seen whole by one
request; the anchoring merges what both pieces found.

How big a piece may be (:func:`max_chars_for`): from the model's context (``context_tokens``) take off
:data:`PROMPT_TOKENS` for the instructions and labels, keep half of the rest for the answer (which quotes the
passage and adds reasons) and give the other half to the passage, at :data:`CHARS_PER_TOKEN` characters a token
(a cautious figure: English runs near 4, many other scripts lower). An 8,192-token context gives ~10,800
characters a piece; never fewer than :data:`MIN_CHARS`.
"""

from __future__ import annotations

import bisect
import re

#: Tokens kept for the system message, the label list and the framing of the passage.
PROMPT_TOKENS = 1000
#: Characters per token assumed when sizing a piece (see the module docstring).
CHARS_PER_TOKEN = 3
#: The smallest piece (a tiny context still gets whole sentences).
MIN_CHARS = 500

PARAGRAPH_END = re.compile(r"\n\s*")
SENTENCE_END = re.compile(r"(?<=[.!?…。！？؟।])[\"'”’»)\]]*\s+")
WORD_END = re.compile(r"\s+")


def max_chars_for(context_tokens: int) -> int:
    """The most characters of text a piece may hold for a model with ``context_tokens`` of context."""
    return max(MIN_CHARS, (context_tokens - PROMPT_TOKENS) // 2 * CHARS_PER_TOKEN)


def boundaries(pattern: re.Pattern, text: str) -> list[int]:
    """Where pieces may start after ``pattern``'s matches (the position after each match), ascending."""
    return [m.end() for m in pattern.finditer(text) if 0 < m.end() < len(text)]


def last_between(points: list[int], lo: int, hi: int) -> int | None:
    """The last of ``points`` with ``lo < p <= hi``, or None."""
    at = bisect.bisect_right(points, hi) - 1
    return points[at] if at >= 0 and points[at] > lo else None


def chunks(text: str, max_chars: int) -> list[tuple[int, int]]:
    """``(start, end)`` pieces covering ``text``, each at most ``max_chars`` long, overlapping by one sentence.

    Pieces that hold only blank space are left out (there is nothing to ask about).
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    paragraphs = boundaries(PARAGRAPH_END, text)
    sentences = boundaries(SENTENCE_END, text)
    words = boundaries(WORD_END, text)
    pieces: list[tuple[int, int]] = []
    start = done = 0  # done: where the last piece ended (a piece always ends past it)
    while start < len(text):
        limit = start + max_chars
        if limit >= len(text):
            end = len(text)
        else:
            end = next((p for p in (last_between(points, done, limit) for points in (paragraphs, sentences, words))
                        if p is not None), limit)
        if text[start:end].strip():
            pieces.append((start, end))
        if end >= len(text):
            break
        done = end
        overlap = last_between(sentences, start, end - 1)
        start = overlap if overlap is not None and end - overlap <= max_chars // 4 else end
    return pieces
