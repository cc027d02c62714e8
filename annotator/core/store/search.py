"""Full-text search over the corpus (SQLite FTS5): document texts, annotation quotes and notes."""

from __future__ import annotations

import itertools
import re
import sqlite3
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from annotator.core.errors import InputError
from annotator.core.model import ANNOTATION_FIELDS, Annotation
from annotator.core.names import Spellings
from annotator.core.store.base import StoreBase, _translate, sql_columns

#: Characters of context shown on each side of a hit.
CONTEXT = 60
#: The most phrases an FTS query spells a search in other scripts with (beyond: every word, in any order).
MAX_PHRASES = 64
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Hit:
    """A place in a document where the query occurs (code-point offsets) with some context."""

    document: str
    title: str
    start: int
    end: int
    before: str
    match: str
    after: str


def fts_query(query: str) -> str:
    """An FTS5 query that finds ``query``'s words as a phrase, whatever punctuation it holds."""
    words = re.findall(r"\w+", query)
    if not words:
        raise InputError("Type at least one letter or digit to search for.")
    return '"' + " ".join(words) + '"'


def phrase_pattern(query: str) -> re.Pattern:
    """The words of ``query`` in order, separated by anything that is not a word character."""
    words = re.findall(r"\w+", query)
    return re.compile(r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """A word as the search index compares it: lower case, without accents (``Й`` -> ``и``, ``é`` -> ``e``)."""
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)).casefold()


def fts_query_any(spellings: list[set[str]]) -> str:
    """An FTS5 query for a phrase whose n-th word is any of ``spellings[n]``: every combination as a phrase, or,
    when there are more than :data:`MAX_PHRASES`, all the words in any order (the places are checked after)."""
    quoted = [sorted('"' + w.replace('"', '""') + '"' for w in alternatives) for alternatives in spellings]
    if len(spellings) == 1:
        return " OR ".join(quoted[0])
    combos = 1
    for q in quoted:
        combos *= len(q)
    if combos > MAX_PHRASES:
        return " AND ".join("(" + " OR ".join(q) + ")" for q in quoted)
    return " OR ".join('"' + " ".join(w[1:-1] for w in combo) + '"' for combo in itertools.product(*quoted))


def phrase_places(text: str, spellings: list[set[str]]) -> Iterator[tuple[int, int]]:
    """Where ``text`` has consecutive words whose :func:`fold` is in ``spellings[0]``, ``spellings[1]``…"""
    folded = [fold(t) for t in _TOKEN.findall(text)]
    tokens: list[re.Match] = []  # their places, read at the first hit
    n = len(spellings)
    first = spellings[0]
    for i in range(len(folded) - n + 1):
        if folded[i] in first and all(folded[i + j] in spellings[j] for j in range(1, n)):
            tokens = tokens or list(_TOKEN.finditer(text))
            yield tokens[i].start(), tokens[i + n - 1].end()


class SearchMixin(StoreBase):
    def spellings(self, query: str) -> list[set[str]] | None:
        """Each of ``query``'s words with its spellings in other scripts found in the documents (folded), or
        None when no word has any: the search is then the plain one."""
        words = _TOKEN.findall(query)
        if not words:
            raise InputError("Type at least one letter or digit to search for.")
        index = self._spelling_index()
        found = [index.in_other_scripts(w) for w in words]
        if not any(found):
            return None
        return [{fold(w)} | {fold(t) for t in other} for w, other in zip(words, found)]

    def _spelling_index(self) -> Spellings:
        """The documents' words by consonant key, learning the words of documents added since the last call."""
        try:
            conn = self.db.conn
            state = conn.execute("SELECT count(*), max(rowid) FROM document_texts").fetchone()
            cached = self._spellings_state
            if cached is None or cached[0] != state:
                index = cached[1] if cached else Spellings()
                conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.document_terms "
                             "USING fts5vocab(main, document_search, row)")
                index.learn(term for (term,) in conn.execute("SELECT term FROM temp.document_terms"))
                self._spellings_state = (state, index)
            return self._spellings_state[1]
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    def search_documents(self, query: str, limit: int = 200, other_scripts: bool = False) -> list[Hit]:
        """Occurrences of ``query`` (as a phrase of words, case-insensitive) across every document; with
        ``other_scripts``, its words written in other scripts too ("Witkoff" finds "Виткофф", "ويتكوف").

        FTS5 finds the documents; the exact places are then read from each
        matching text, at most ``limit`` hits in all, in document order.
        """
        spellings = self.spellings(query) if other_scripts else None
        match = fts_query(query) if spellings is None else fts_query_any(spellings)
        pattern = phrase_pattern(query)
        places = (lambda text: (m.span() for m in pattern.finditer(text))) if spellings is None else (
            lambda text: phrase_places(text, spellings))
        try:
            # Sort the matching documents without reading their texts, then read texts one by one
            # until enough hits are found: a frequent word costs only the texts actually shown.
            rows = self.db.conn.execute(
                "SELECT t.rowid, d.id, d.title FROM document_search s JOIN document_texts t ON t.rowid = s.rowid "
                "JOIN documents d ON d.id = t.id WHERE document_search MATCH ? ORDER BY d.position, d.added",
                [match],
            ).fetchall()
            hits: list[Hit] = []
            for rowid, doc_id, title in rows:
                text = self.db.conn.execute("SELECT text FROM document_texts WHERE rowid = ?", [rowid]).fetchone()[0]
                for a, b in places(text):
                    hits.append(Hit(doc_id, title, a, b, text[max(0, a - CONTEXT):a], text[a:b],
                                    text[b:b + CONTEXT]))
                    if len(hits) >= limit:
                        return hits
            return hits
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    def search_annotations(self, query: str, limit: int = 200, other_scripts: bool = False) -> list[Annotation]:
        """Annotations whose quote or note contains ``query``'s words (as a phrase); with ``other_scripts``, also
        written in other scripts, as the documents spell them."""
        spellings = self.spellings(query) if other_scripts else None
        match = fts_query(query) if spellings is None else fts_query_any(spellings)
        try:
            rows = self.db.conn.execute(
                f"SELECT {sql_columns(ANNOTATION_FIELDS, 'a')} FROM annotation_search s "
                "JOIN annotations a ON a.rowid = s.rowid WHERE annotation_search MATCH ? "
                'ORDER BY a.document, a.start LIMIT ?',
                [match, limit],
            ).fetchall()
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None
        return [Annotation(*row) for row in rows]
