"""Full-text search over the corpus (SQLite FTS5): document texts, annotation quotes and notes."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from annotator.core.errors import InputError
from annotator.core.model import ANNOTATION_FIELDS, Annotation
from annotator.core.store.base import StoreBase, _translate, sql_columns

#: Characters of context shown on each side of a hit.
CONTEXT = 60


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


class SearchMixin(StoreBase):
    def search_documents(self, query: str, limit: int = 200) -> list[Hit]:
        """Occurrences of ``query`` (as a phrase of words, case-insensitive) across every document.

        FTS5 finds the documents; the exact places are then read from each
        matching text, at most ``limit`` hits in all, in document order.
        """
        match = fts_query(query)
        pattern = phrase_pattern(query)
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
                for m in pattern.finditer(text):
                    a, b = m.span()
                    hits.append(Hit(doc_id, title, a, b, text[max(0, a - CONTEXT):a], text[a:b],
                                    text[b:b + CONTEXT]))
                    if len(hits) >= limit:
                        return hits
            return hits
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

    def search_annotations(self, query: str, limit: int = 200) -> list[Annotation]:
        """Annotations whose quote or note contains ``query``'s words (as a phrase)."""
        try:
            rows = self.db.conn.execute(
                f"SELECT {sql_columns(ANNOTATION_FIELDS, 'a')} FROM annotation_search s "
                "JOIN annotations a ON a.rowid = s.rowid WHERE annotation_search MATCH ? "
                'ORDER BY a.document, a.start LIMIT ?',
                [fts_query(query), limit],
            ).fetchall()
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None
        return [Annotation(*row) for row in rows]
