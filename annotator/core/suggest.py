"""Suggested annotations for one document: figures, actors and quoted claims.

Pure Python, standard library only. A suggestion is a span the analyst may
accept (it then becomes an annotation) or ignore; nothing here writes to a
project. Offsets are half-open code-point offsets and ``text[start:end] ==
quote`` holds for every suggestion.

Rules
    **Figure** — every span from :func:`annotator.core.numbers.find_figures`
    (reason ``"number phrase: at least 6 people"``).

    **Actor**, two sources:

    * every whole-word, case-sensitive occurrence of a quote already tagged
      Actor anywhere in the project (``actor_names``, plus the Actor quotes in
      ``existing``) that does not overlap an Actor annotation of this document
      (reason ``"tagged as Actor elsewhere"``). At one place the longest name wins.
      Only quotes that look like a name are looked for
      (:func:`annotator.core.learning.name_like`: "Witkoff", not "officials").
    * capitalised names (reason ``"capitalised name"``): runs of capitalised
      words on one line, joined by single spaces and by name particles ("von
      der", "de", "bin", ...), with initials ("JD", "J. D.") allowed. A run is cut
      at titles ("President", "Minister", "Envoy", ...), acronyms ("US", "UK",
      "NATO"), months and week-days; a department word ("Army", "State", ...)
      is dropped from the front of a 3+ word piece ("Secretary of the Army Dan
      Driscoll" -> "Dan Driscoll"). At the start of a sentence a common word
      ("The", "Speaking", or any word that also occurs in lower case in the
      text) is dropped unless the whole piece also occurs mid-sentence. A piece
      of three or more words is split when a shorter tail or head of it occurs
      on its own elsewhere in the text or is a tagged Actor ("Middle East Steve
      Witkoff" -> "Middle East", "Steve Witkoff"). What is left must hold 2 to
      4 capitalised words. Names overlapping an Actor annotation of this
      document are not suggested.

    **Claim** — the text between matching double quotes on one line: “…”,
    "…", «…», „…“; without the quote marks, trimmed of spaces and of a trailing
    comma, semicolon or colon, and holding at least three words (reason
    ``"quoted passage"``). Scare quotes such as “robust” or “very solid” are
    therefore not suggested.

**Tagged elsewhere**, for Figure and Claim too (``learned``): a Figure quote holding a digit or a number
phrase, a Claim quote of three words or more, wherever it occurs (reason ``"tagged as Claim elsewhere"``).

The same input gives the same suggestions every run (nothing depends on the order of a set). Grouping them per
label and quote, and ranking them, is :mod:`annotator.core.suggest_groups`.

Never suggested: a span with the same ``(start, end, label)`` as an annotation
of this document. The result is sorted by ``(start, end, label)`` with no
duplicates.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, NamedTuple

from annotator.core.language import language_name
from annotator.core.learning import Learned, claim_like, name_like, other_script_names, title_names
from annotator.core.model import Annotation
from annotator.core.numbers import describe, figure_readings, rules_for

__all__ = ["Suggestion", "suggest", "KINDS"]

KINDS = ("Figure", "Actor", "Claim")

REASON_FIGURE = "number phrase"
REASON_TAGGED = "tagged as Actor elsewhere"
REASON_NAME = "capitalised name"
REASON_QUOTE = "quoted passage"


class _Tagged(NamedTuple):
    """What :func:`suggest` reads of an annotation (a project's documents can hold a hundred thousand)."""

    document: str
    label: str
    start: int
    end: int
    quote: str


@dataclass(frozen=True)
class Suggestion:
    document: str
    label: str
    start: int
    end: int
    quote: str
    reason: str

    def to_json(self) -> dict:
        return {
            "document": self.document,
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "reason": self.reason,
        }


# ----------------------------------------------------------------- overlap look-up
class _Covered:
    """Does ``[start, end)`` share a character with any of some spans?  O(log n) per question."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        merged: list[list[int]] = []
        for s, e in sorted((s, e) for s, e in spans if e > s):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def __call__(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, end - 1) - 1
        return i >= 0 and self._ends[i] > start


# ----------------------------------------------------------------- figures
def _figure_suggestions(text: str, language: str = "en"):
    rules = rules_for(language)
    where = "" if rules == "en" else f" ({language_name(rules)})"
    for start, end, reading in figure_readings(text, rules):
        yield start, end, f"{REASON_FIGURE}{where}: {describe(reading)}"


# ----------------------------------------------------------------- claims
_QUOTED = re.compile(
    r"“(?P<a>[^“”\n\r\u2028\u2029]*)”"
    r'|"(?P<b>[^"\n\r\u2028\u2029]*)"'
    r"|«(?P<c>[^«»\n\r\u2028\u2029]*)»"
    r"|„(?P<d>[^„“”\n\r\u2028\u2029]*)[“”]"
)
_CLAIM_WORD = re.compile(r"[^\W_]+")
_MIN_CLAIM_WORDS = 3


def _claim_suggestions(text: str):
    for m in _QUOTED.finditer(text):
        group = m.lastgroup
        s, e = m.start(group), m.end(group)
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:"):
            e -= 1
        if s < e and len(_CLAIM_WORD.findall(text, s, e)) >= _MIN_CLAIM_WORDS:
            yield s, e, REASON_QUOTE


# ----------------------------------------------------------------- tagged elsewhere
_MAX_FIGURE_WORDS = 8


def _figure_like(quote: str, language: str) -> bool:
    """Whether a tagged Figure quote reads as a figure ("$231 million", "three people"), and so is worth suggesting
    wherever it occurs: a few words holding a digit or a number phrase."""
    return len(quote.split()) <= _MAX_FIGURE_WORDS and (_DIGIT.search(quote) is not None or bool(
        figure_readings(quote, rules_for(language))))


_DIGIT = re.compile(r"\d")



_MAX_NAME = 200  # longer "names" are quotes, not names


def _usable_name(name: str) -> bool:
    return 0 < len(name) <= _MAX_NAME and not any(ch in name for ch in "\n\r\u2028\u2029") and any(
        ch.isalnum() for ch in name
    )


_WORDISH = re.compile(r"[\w\u0300-\u036f]")
_RUN = re.compile(r"[\w\u0300-\u036f]+")


def _build_index(names: frozenset[str]) -> dict[str, tuple[list[tuple[int, str]], dict[str, list[tuple[int, str]]]]]:
    """The usable phrases by their first run of word characters, then by their second: ``first -> (phrases of one
    run, {second: phrases})``, each phrase as ``(characters before its first run, phrase)``."""
    index: dict[str, tuple[list, dict]] = {}
    for name in sorted(n for n in names if _usable_name(n)):
        runs = list(itertools.islice(_RUN.finditer(name), 2))
        singles, pairs = index.setdefault(runs[0].group(), ([], {}))
        entry = (runs[0].start(), name)
        if len(runs) == 1:
            singles.append(entry)
        else:
            pairs.setdefault(runs[1].group(), []).append(entry)
    return index


#: :func:`_build_index`, cached (read it, never change it): a project's tagged quotes are the same for each of its
#: documents.
_phrase_index = lru_cache(maxsize=8)(_build_index)


class _Words:
    """The runs of word characters of a text, where each starts, and where each word occurs (made once, searched
    for every label)."""

    def __init__(self, text: str):
        self.words = _RUN.findall(text)
        self.starts = [m.start() for m in _RUN.finditer(text)]
        self.where: dict[str, list[int]] = {}
        for i, word in enumerate(self.words):
            self.where.setdefault(word, []).append(i)


def _tagged_suggestions(text: str, names: frozenset[str], reason: str = REASON_TAGGED,
                        runs: Callable[[], _Words] | None = None, more: frozenset[str] = frozenset()):
    """Every whole-word occurrence of ``names`` in ``text``, leftmost first and the longest at one place, none
    overlapping. Looked up by the words of the text (``runs()``, made when first needed): a name can start only
    where its first (and second) run of word characters is a word of the text, so no pattern of thousands of
    names is compiled. ``more``: a few names besides (this document's own), not cached."""
    indexes = [index for index in (_phrase_index(frozenset(names)), _build_index(more) if more else {}) if index]
    if not indexes:
        return
    split = runs() if runs is not None else _Words(text)
    words, starts, where = split.words, split.starts, split.where
    found: list[tuple[int, int]] = []
    last = len(words) - 1
    for index, first in ((index, first) for index in indexes for first in index.keys() & where.keys()):
        singles, pairs = index[first]
        for i in where[first]:
            candidates = singles + pairs.get(words[i + 1], []) if i < last and pairs else singles
            for lead, name in candidates:
                s = starts[i] - lead
                e = s + len(name)
                if s >= 0 and text.startswith(name, s) and not (e < len(text) and _WORDISH.match(text, e)):
                    found.append((s, -e))
    end = 0
    for s, e in sorted(found):
        if s >= end:
            yield s, -e, reason
            end = -e


# ----------------------------------------------------------------- actors: capitalised names
def _char_class(pred) -> str:
    """A regex character class of the BMP characters satisfying ``pred``."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        if pred(chr(cp)):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    parts = []
    for a, b in ranges:
        parts.append(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}")
    return "[" + "".join(parts) + "]"


_PARTICLES = (
    "von", "van", "der", "den", "de", "du", "da", "di", "del", "della", "dei", "des", "dos", "das",
    "do", "la", "le", "ter", "ten", "zu", "bin", "ibn", "bint", "al", "el", "y",
)  # fmt: skip

TITLES = frozenset(
    """
    President Vice Prime Minister Secretary Chancellor Senator Sen Representative Rep Congressman
    Congresswoman Governor Gov Mayor Envoy Ambassador Chief Staff General Gen Colonel Col Major Maj
    Captain Capt Lieutenant Lt Sergeant Sgt Admiral Adm Commander Cmdr Marshal Brigadier Corporal
    Private King Queen Prince Princess Emperor Empress Pope Archbishop Bishop Cardinal Father
    Reverend Rev Rabbi Imam Ayatollah Sheikh Emir Sultan Mr Mrs Ms Miss Mx Dr Prof Professor Sir
    Dame Lord Lady Judge Justice Speaker Commissioner Director Spokesman Spokeswoman Spokesperson
    Chairman Chairwoman Chairperson Chair Leader Deputy Special Officer Premier
    Attorney Counsel Advisor Adviser Aide Envoys Ministers Presidents Secretary-General CEO
    Präsident Präsidentin Kanzler Kanzlerin Bundeskanzler Bundeskanzlerin Außenminister Außenministerin
    Sondergesandte Sondergesandter Sprecher Sprecherin Ministerpräsident Botschafter Herr Frau
    """.split()
)
# Words that make a capitalised run an institution, a place or a title of a work rather than a person:
# the run is cut there ("White House", "Air Force One", "Financial Times", "Top Kremlin aide").
NON_PERSON = frozenset(
    """
    House Times Force Forces One Two Kremlin Pentagon Commission Council Union States Emirates Kingdom Republic
    Federation Ministry Office Party Agency Post Journal News Street Square Bank Fund Group Committee Court
    Parliament Assembly Senate Congress Airport University Institute Foundation Company Corporation Inc Ltd
    Service Services Guard Command East West North South Sea Ocean River Island Islands Gulf Strait Bay City
    Province Region Oblast Herald Telegraph Guardian Tribune Press Review Magazine Television Radio Network
    Summit Plan Treaty Accord Agreement Day War Organisation Organization Alliance Coalition Army Navy Duma
    Rada Bundestag Knesset Élysée Downing Vatican Street Avenue Palace Hall Centre Center Stadium
    """.split()
)
# Names on a line that credits the journalists ("Additional reporting by Ben Hall in London") are bylines.
_BYLINE = re.compile(
    r"(?im)^[^\S\n]*(?:(?:additional|further)\s+)?(?:reporting|writing|editing|research|compiled|edited|written|"
    r"photographs?|photo)\s+by\b[^\n]*|^[^\S\n]*by\s+[A-Z][^\n]{0,80}$"
)
# A run after these is a place ("talks in Abu Dhabi", "in Kiryat Gat") unless its last word is seen alone.
_LOCATIVE = frozenset("in at near outside inside across throughout".split())
# Dropped from the front of a 3+ word name: "Army Dan Driscoll", "State Marco Rubio".
DEPARTMENTS = frozenset(
    """
    Army Navy State Defence Defense Foreign Interior Home Treasury Finance Justice Health
    Commerce Energy Homeland Security Intelligence Economy Trade Labour Labor Transport Education
    Agriculture Culture Environment Development Affairs Office Department Ministry Staff
    """.split()
)
_CALENDAR = frozenset(
    """
    January February March April May June July August September October November December Monday
    Tuesday Wednesday Thursday Friday Saturday Sunday Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov
    Dec Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun
    """.split()
)
ACRONYMS = frozenset(
    """
    US UK EU UN FT AP TV UA RF DC PM MP AI ID OK NY LA CIA FBI BBC CNN RTL NATO USA UAE IMF GOP
    U.S. U.K. U.N. E.U. U.S.A. D.C.
    """.split()
)
# Capitalised at the start of a sentence but not names; the text itself supplies most others.
_COMMON = frozenset(
    """
    The A An In On At As But And Or If When While After Before Since Until Speaking According This
    That These Those There Here It Its He She We They I You His Her Their Our Your My What Why How
    Who Which Where Meanwhile However Despite Although Though Yet So Then Also Still For From By
    With Without Under Over Into During Asked Last Next Earlier Later Some Many Most Several Both
    Each Every No Not Only Even Other Such Senior Additional
    """.split()
)
_OPENERS = "“\"‘'«„([{—–- \t\u00a0"
_CLOSERS = "”\"’')]}»"


@lru_cache(maxsize=1)
def _name_patterns() -> tuple[re.Pattern, re.Pattern]:
    upper = _char_class(lambda c: c.isupper() or c.istitle())
    lower = _char_class(lambda c: c.islower() or unicodedata.category(c) in ("Mn", "Mc"))
    word = (
        rf"{upper}{lower}+(?:{upper}{lower}+)?"
        rf"(?:['’](?![sS](?![^\W\d_])){upper}?{lower}+|-{upper}?{lower}+)*"
    )
    initials = rf"{upper}\.(?: ?{upper}\.)*|{upper}{{2,}}(?![^\W\d_])"
    hyphenated = rf"(?:al|el|ul|bin|ibn|ben|abu|abd)-{upper}{lower}+"
    particle = "(?:" + "|".join(_PARTICLES) + ")"
    token = rf"(?:(?P<init>{initials})|(?P<hyph>{hyphenated})|(?P<word>{word})|(?P<part>{particle}))(?![^\W\d_])"
    run_token = rf"(?:{initials}|{hyphenated}|{word})(?![^\W\d_])"
    # The first token, written to start with the upper-case class (lets ``re`` skip ahead fast),
    # then checked not to continue a word or an abbreviation.
    first = (
        rf"{upper}(?<![\w\u0300-\u036f'’.-].)"
        rf"(?:\.(?: ?{upper}\.)*|{upper}+|{lower}+(?:{upper}{lower}+)?"
        rf"(?:['’](?![sS](?![^\W\d_])){upper}?{lower}+|-{upper}?{lower}+)*)(?![^\W\d_])"
    )
    run = rf"{first}(?:[ \u00a0](?:{particle}[ \u00a0]){{0,3}}{run_token})*"
    return re.compile(run), re.compile(token)


def _sentence_start(text: str, pos: int) -> bool:
    j = pos - 1
    while j >= 0 and text[j] in _OPENERS:
        j -= 1
    if j < 0:
        return True
    ch = text[j]
    if ch in _CLOSERS and j > 0:
        ch = text[j - 1]
    return ch in ".!?…:;\n\r\u2028\u2029"


def _is_title(token: str) -> bool:
    return token in TITLES or any(part in TITLES for part in token.split("-"))


class _Piece:
    """A candidate name: a list of ``(start, end, kind, text)`` tokens."""

    __slots__ = ("tokens", "initial")

    def __init__(self, tokens: list, initial: bool):
        self.tokens = tokens
        self.initial = initial


def _trim_particles(tokens: list) -> list:
    while tokens and tokens[0][2] == "part":
        tokens = tokens[1:]
    while tokens and tokens[-1][2] == "part":
        tokens = tokens[:-1]
    return tokens


def _pieces(text: str, stop_words=frozenset()):
    """Split every run of capitalised words into pieces at titles, acronyms, calendar words, words naming
    institutions or places (:data:`NON_PERSON`) and learned stop words."""
    run_re, token_re = _name_patterns()
    for run in run_re.finditer(text):
        words = run.group()
        if " " not in words and "\u00a0" not in words:
            continue  # a single word is never a name suggestion
        initial = _sentence_start(text, run.start())
        current: list = []
        first = True
        for t in token_re.finditer(text, run.start(), run.end()):
            kind = t.lastgroup
            word = t.group()
            breaker = (
                word in _CALENDAR
                or word in ACRONYMS
                or (kind == "init" and word.isalpha() and len(word) > 2)
                or (kind == "word" and (_is_title(word) or word in NON_PERSON))
                or (stop_words and word.casefold() in stop_words)
            )
            if not breaker and kind == "init" and current and current[-1][2] == "init":
                breaker = True  # two initials in a row: "JD FBI"
            if breaker:
                # The words before an institution's or place's word belong to it ("United Arab Emirates").
                current = [] if kind == "word" and word in NON_PERSON else _trim_particles(current)
                if current:
                    yield _Piece(current, initial and first)
                current = []
                first = False
                continue
            current.append((t.start(), t.end(), kind, word))
        current = _trim_particles(current)
        if current:
            yield _Piece(current, initial and first)


_PUNCT = "".join(chr(c) for c in range(0x80) if not chr(c).isalnum()) + "“”‘’«»„…—–"


def _lower_case_words(text: str) -> set[str]:
    """The words that occur in lower case somewhere in ``text``."""
    out = set()
    for chunk in set(text.split()):
        for word in re.split(r"[-/–—]", chunk.strip(_PUNCT)):
            word = word.strip(_PUNCT)
            if word.islower():
                out.add(word)
    return out


def _name_count(tokens: list) -> int:
    return sum(1 for t in tokens if t[2] != "part")


def _span_text(text: str, tokens: list) -> str:
    return text[tokens[0][0] : tokens[-1][1]]


def _byline_spans(text: str) -> _Covered:
    return _Covered(m.span() for m in _BYLINE.finditer(text))


def _word_count(text: str, word: str) -> int:
    """How often ``word`` occurs in ``text`` as a whole word (the pattern starts with the word itself, so that
    ``re`` skips ahead by its first characters; the check on the left is done here)."""
    pattern = re.compile(re.escape(word) + r"(?![^\W\d_])")
    n = pos = 0
    while (m := pattern.search(text, pos)) is not None:
        s = m.start()
        if s == 0 or not _LETTER.match(text, s - 1):
            n += 1
            pos = m.end()
        else:
            pos = s + 1
    return n


_LETTER = re.compile(r"[^\W\d_]")


_WORD_BEFORE = re.compile(r"([^\W\d_]+)[ \u00a0]+$")


def _placed(text: str, start: int, end: int, counts: dict[str, int]) -> bool:
    """A run right after "in", "at"... whose last word never occurs on its own: a place.

    ``counts`` caches how often a word or a run occurs in ``text`` (each is counted once).
    """
    before = _WORD_BEFORE.search(text[max(0, start - 20) : start])
    if not before or before.group(1) not in _LOCATIVE:
        return False
    run = text[start:end]
    last = run.split()[-1]
    if last not in counts:
        counts[last] = _word_count(text, last)
    if "\0" + run not in counts:
        counts["\0" + run] = text.count(run)
    return counts[last] <= counts["\0" + run]


def _name_suggestions(text: str, tagged: set[str], stop_words=frozenset()):
    pieces = list(_pieces(text, stop_words))
    if not pieces:
        return
    bylines = _byline_spans(text)
    placed: dict[str, int] = {}
    lower_words: set[str] | None = None
    counts: dict[str, int] = {}
    mid_sentence: set[str] = set()
    for p in pieces:
        s = _span_text(text, p.tokens)
        counts[s] = counts.get(s, 0) + 1
        if not p.initial:
            mid_sentence.add(s)

    results = []
    for p in pieces:
        tokens = p.tokens
        if p.initial and tokens[0][2] == "word" and _span_text(text, tokens) not in mid_sentence:
            head = tokens[0][3]
            common = head in _COMMON
            if not common:
                if lower_words is None:
                    lower_words = _lower_case_words(text)
                common = head.lower() in lower_words
            if common:
                tokens = _trim_particles(tokens[1:])
        # A lone initial or acronym-like token must be followed by a real name word.
        while tokens and tokens[-1][2] == "init":
            tokens = _trim_particles(tokens[:-1])
        if _name_count(tokens) >= 3 and tokens[0][3] in DEPARTMENTS:
            tokens = _trim_particles(tokens[1:])
        if not tokens:
            continue
        for part in _split_known(text, tokens, counts, tagged):
            n = _name_count(part)
            if 2 <= n <= 4 and any(t[2] in ("word", "hyph") for t in part):
                s, e = part[0][0], part[-1][1]
                if not bylines(s, e) and not _placed(text, s, e, placed):
                    results.append((s, e, REASON_NAME))
    yield from results


def _split_known(text: str, tokens: list, counts: dict[str, int], tagged: set[str]) -> list[list]:
    """Split a 3+ word piece where a tail or head of it is a name seen on its own."""
    if _name_count(tokens) < 3:
        return [tokens]
    whole = _span_text(text, tokens)

    def known(part: list) -> bool:
        if _name_count(part) < 2:
            return False
        s = _span_text(text, part)
        return s != whole and (counts.get(s, 0) > 0 or s in tagged)

    n = len(tokens)
    for cut in range(1, n - 1):  # tails, longest first
        tail = _trim_particles(tokens[cut:])
        if known(tail):
            head = _trim_particles(tokens[:cut])
            return [head, tail] if head else [tail]
    for cut in range(n - 1, 1, -1):  # heads, longest first
        head = _trim_particles(tokens[:cut])
        if known(head):
            rest = _trim_particles(tokens[cut:])
            return [head, rest] if rest else [head]
    return [tokens]


# ----------------------------------------------------------------- entry point
def suggest(
    doc_id: str,
    text: str,
    existing: list[Annotation],
    actor_names: set[str] | None = None,
    kinds: Iterable[str] = KINDS,
    language: str = "en",
    learned: Learned | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Suggestion]:
    """Suggested Figure, Actor and Claim spans for document ``doc_id`` with text ``text``.

    ``existing`` are annotations (those of other documents are used only for
    their Actor quotes); ``actor_names`` are the quotes of Actor annotations
    across the project. ``language`` (a code, "ru", "ar") picks the rules for
    figures and names. ``learned`` is what the project's analysts taught
    (:class:`annotator.core.learning.Learned`): quotes tagged elsewhere for
    every label, patterns rejected again and again, the learned stop-list.
    ``kinds`` picks which labels to suggest; an unknown kind raises :class:`ValueError`.
    ``progress(done, total)`` is called after each rule (it may raise :class:`CancelledError`).
    """
    kinds = tuple(kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"cannot suggest {', '.join(map(repr, unknown))}: known kinds are {', '.join(KINDS)}")
    learned = learned or Learned()

    here = [a for a in existing if a.document == doc_id]
    taken = {(a.start, a.end, a.label) for a in here}
    found: dict[tuple[int, int, str], str] = {}
    total = sum(_STEPS[k] for k in kinds)
    steps = _rule_steps(text, here, existing, actor_names or (), kinds, language, learned)
    for done, (label, spans) in enumerate(steps, 1):
        for start, end, reason in spans:
            key = (start, end, label)
            if key not in taken and key not in found and 0 <= start < end <= len(text) \
                    and not learned.stopped(label, text[start:end]):
                found[key] = reason
        if progress is not None:
            progress(done, total)
    return [
        Suggestion(doc_id, label, start, end, text[start:end], reason)
        for (start, end, label), reason in sorted(found.items())
    ]


_STEPS = {"Figure": 2, "Claim": 2, "Actor": 4}  # how many rules _rule_steps runs for each kind


def _rule_steps(text: str, here: list[Annotation], existing: list[Annotation], actor_names: Iterable[str],
                kinds: tuple[str, ...], language: str, learned: Learned):
    """``(label, spans)`` for each rule in turn; at one place the first rule's reason is kept."""
    runs = lru_cache(maxsize=1)(lambda: _Words(text))  # the text's words, split once when first needed
    if "Figure" in kinds:
        yield "Figure", _figure_suggestions(text, language)
        figures = _offered(frozenset(learned.tagged.get("Figure", ())), "Figure", language)
        yield "Figure", _tagged_suggestions(text, figures, "tagged as Figure elsewhere", runs)
    if "Claim" in kinds:
        yield "Claim", _claim_suggestions(text)
        claims = _offered(frozenset(learned.tagged.get("Claim", ())), "Claim", language)
        yield "Claim", _tagged_suggestions(text, claims, "tagged as Claim elsewhere", runs)
    if "Actor" in kinds:
        tagged = frozenset(learned.tagged.get("Actor", ()))
        extra = ({n.strip() for n in actor_names} | {a.quote.strip() for a in existing if a.label == "Actor"}) - tagged
        offered, extra = _offered(tagged, "Actor", language), frozenset(n for n in extra if name_like(n))
        names = offered | extra if extra else offered
        covered = _Covered((a.start, a.end) for a in here if a.label == "Actor")
        for spans in (_tagged_suggestions(text, offered, REASON_TAGGED, runs, extra),
                      other_script_names(text, offered, language, extra), title_names(text, language),
                      _name_suggestions(text, names, learned.stop_words)):
            yield "Actor", ((s, e, r) for s, e, r in spans if not covered(s, e))


@lru_cache(maxsize=8)
def _offered(quotes: frozenset[str], label: str, language: str) -> frozenset[str]:
    """The tagged quotes of ``label`` worth looking for elsewhere: names, figures, claims (module docstring).
    Cached: the same for every document of a project."""
    if label == "Figure":
        return frozenset(q for q in quotes if _figure_like(q, language))
    if label == "Claim":
        return frozenset(q for q in quotes if claim_like(q, _MIN_CLAIM_WORDS))
    return frozenset(q for q in quotes if name_like(q))


def suggest_in_project(store, doc_id: str, kinds=("Figure", "Actor", "Claim"), learned: Learned | None = None,
                       progress: Callable[[int, int], None] | None = None) -> list[Suggestion]:
    """Suggestions for one document of a project, with its language's rules and what the project's analysts
    taught (``learned``, read from the project when not given: :class:`Learned`); suggestions the analyst
    rejected in this document stay hidden. ``progress`` as for :func:`suggest`."""
    doc = store.document(doc_id)
    text = store.document_text(doc_id)
    existing = [_Tagged(doc_id, *row) for row in store.tagged_spans(doc_id)]
    learned = learned if learned is not None else Learned.from_store(store)
    rejected = store.rejected_suggestions(doc_id)
    found = suggest(doc_id, text, existing, kinds=kinds, language=doc.language or "en", learned=learned,
                    progress=progress)
    return [s for s in found if (s.label, s.start, s.end) not in rejected]
