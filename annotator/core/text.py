"""Text normalisation, document ids, code-point <-> UTF-16 mapping and word snapping.

Offsets everywhere in annotator are Unicode code points. Qt counts UTF-16 code
units, so the GUI converts at its boundary with :class:`Utf16Map`, which keeps
a sorted table of the astral (non-BMP) characters and is the identity when
there are none.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from bisect import bisect_left, bisect_right

from annotator.core.errors import InputError

_NEWLINES = re.compile(r"\r\n?")
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
_WORD = re.compile(r"\w", re.UNICODE)


def normalize(text: str) -> str:
    """Return ``text`` with CRLF and lone CR turned into LF; nothing else changes."""
    return _NEWLINES.sub("\n", text)


def document_id(text: str) -> str:
    """The id of a (normalised) text: ``sha256:`` + the hex digest of its UTF-8 bytes."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_article(data: bytes, name: str = "the file") -> str:
    """Decode an article's bytes and normalise newlines.

    UTF-8, or UTF-16/UTF-32 when the text starts with that byte-order mark (the
    mark is dropped). Raises :class:`InputError` for empty, binary (a NUL
    character anywhere) or undecodable content.
    """
    if not data.strip():
        raise InputError(f"{name} is empty: there is no text to add.")
    encoding, bom = next(((enc, len(b)) for b, enc in _BOMS if data.startswith(b)), ("utf-8", 0))
    if bom == 0 and b"\x00" in data[:8192]:
        raise InputError(f"{name} looks like a binary file, not a text article.")
    try:
        text = data[bom:].decode(encoding)
    except UnicodeDecodeError as exc:
        shown = encoding.upper().replace("-LE", "").replace("-BE", "")
        raise InputError(
            f"{name} is not {shown} text (undecodable byte at position {exc.start + bom}); "
            "save it as UTF-8 and try again."
        ) from None
    if "\x00" in text:
        raise InputError(f"{name} holds NUL characters, so it is a binary file, not a text article.")
    return normalize(text)


def title_from_text(text: str, limit: int = 200) -> str:
    """The first non-blank line of ``text``, stripped of Markdown heading marks, as a title."""
    for line in text.split("\n"):
        line = line.strip().lstrip("#").strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return "Untitled"


def is_word_char(ch: str) -> bool:
    # Combining marks (accents, Arabic harakat, Indic vowel signs) belong to their word.
    return bool(_WORD.match(ch)) or unicodedata.category(ch).startswith("M")


#: Opening quotation marks and the marks that may close each (English, German and Polish, French, CJK, ASCII).
_CLOSERS = {
    "\u201c": "\u201d", "\u201e": "\u201c\u201d", "\u2018": "\u2019", "\u201a": "\u2018\u2019",
    "\u00ab": "\u00bb", "\u2039": "\u203a", "\u300c": "\u300d", "\u300e": "\u300f", '"': '"', "'": "'",
}
#: Closing quotation marks and the marks that may open each.
_OPENERS = {
    closer: "".join(o for o, closers in _CLOSERS.items() if closer in closers)
    for closer in "".join(_CLOSERS.values())
}
#: Every quotation mark the pairing rule knows.
_QUOTES = frozenset(_CLOSERS) | frozenset(_OPENERS)
#: Closing marks that are also apostrophes: after a letter ("analysts\u2019", "Ukraine\u2019s") they stay.
_APOSTROPHES = "\u2019'"


def _drop_unpaired_quotes(text: str, s: int, e: int) -> tuple[int, int]:
    """Drop quotation marks at the edges of ``[s, e)`` whose partner is not inside it (and the spaces they free)."""
    while s < e:
        first, last = text[s], text[e - 1]
        if first.isspace():
            s += 1
        elif last.isspace():
            e -= 1
        elif first in _QUOTES and not any(c in text[s + 1:e] for c in _CLOSERS.get(first, "")):
            s += 1
        elif (last in _QUOTES and not (last in _APOSTROPHES and e - 1 > s and is_word_char(text[e - 2]))
              and not any(o in text[s:e - 1] for o in _OPENERS.get(last, ""))):
            e -= 1
        else:
            break
    return s, e


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words and trim surrounding whitespace and unpaired quotes.

    A selection that starts or ends inside a word grows to include the whole
    word; leading and trailing whitespace is dropped. A word is a run of
    letters, digits and combining marks, so Arabic's one-letter clitics
    (و and, ب by, ل for, ف so, ك like) written onto a word
    are part of it, as an Arabic reader sees it. Quotation marks come in
    pairs: an opening mark at the start is kept only when its closing mark
    is inside the selection, and a closing mark at the end only when its
    opening mark is; a lone one is dropped (a closing ’ or ' right after
    a letter is an apostrophe and stays). A selection with nothing else
    (empty, all space, only quotes) is returned unchanged.
    """
    lo, hi = min(start, end), max(start, end)
    start, end = min(max(0, lo), len(text)), min(max(0, hi), len(text))
    s, e = _drop_unpaired_quotes(text, start, end)
    if s == e:
        return start, end
    while s > 0 and is_word_char(text[s - 1]) and is_word_char(text[s]):
        s -= 1
    while e < len(text) and is_word_char(text[e]) and is_word_char(text[e - 1]):
        e += 1
    return s, e


class Utf16Map:
    """Convert between code-point offsets and UTF-16 positions for one text.

    ``astral`` holds the code-point offsets of characters outside the BMP
    (each takes two UTF-16 units). Both directions are O(log n) by bisection.
    """

    __slots__ = ("astral", "_astral_u16", "length", "length_u16")

    def __init__(self, text: str):
        self.astral = [m.start() for m in _ASTRAL.finditer(text)] if not text.isascii() else []
        # UTF-16 position of each astral character's first unit.
        self._astral_u16 = [cp + k for k, cp in enumerate(self.astral)]
        self.length = len(text)
        self.length_u16 = self.length + len(self.astral)

    def to_utf16(self, offset: int) -> int:
        """UTF-16 position of code-point ``offset`` (0 <= offset <= len(text))."""
        if not self.astral:
            return offset
        return offset + bisect_left(self.astral, offset)

    def from_utf16(self, position: int) -> int:
        """Code-point offset of UTF-16 ``position``.

        A position that falls between the two halves of a surrogate pair maps
        to the start of that character.
        """
        if not self._astral_u16:
            return position
        k = bisect_right(self._astral_u16, position - 1)
        # k astral characters start strictly before `position`; if the last of
        # them starts at position - 1, position is inside its surrogate pair.
        if k and self._astral_u16[k - 1] == position - 1:
            return self.astral[k - 1]
        return position - k
