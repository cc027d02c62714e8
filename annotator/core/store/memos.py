"""Memos: an analyst's running notes on a document, on a label (code) and on the project, and their search.

A document's and a label's memo are their ``memo`` column; the project memo is the ``meta`` row
``project.memo`` (absent when there is none). Migration ``0010_memos``'s triggers keep ``memo_search`` (FTS5)
current, whatever writes the memo: an edit, an import, an undo.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from annotator.core.errors import InputError, NotFoundError
from annotator.core.store.base import StoreBase, _translate
from annotator.core.store.search import CONTEXT, fts_query, phrase_pattern
from annotator.core.text import normalize

#: Whose memo: the kinds of memo, as ``memo_search`` and :class:`MemoHit` name them.
MEMO_KINDS = ("document", "label", "project")
#: The ``meta`` key of the project memo.
PROJECT_MEMO = "project.memo"


@dataclass(frozen=True)
class MemoHit:
    """A memo that holds a search's words: whose it is (``kind``, ``owner``: a document's id, a label's name,
    '' for the project), a name for people, and the first place of the words with some context."""

    kind: str
    owner: str
    name: str
    before: str
    match: str
    after: str

    @property
    def whose(self) -> str:
        """Whose memo, in words (:func:`memo_title`)."""
        return memo_title(self.kind, self.name)


def memo_title(kind: str, name: str) -> str:
    """Whose memo, in words: "Memo on document Board minutes", "Memo on code Figure", "Project memo"."""
    if kind == "project":
        return "Project memo"
    return f"Memo on {'document' if kind == 'document' else 'code'} {name}"


def clean_memo(text: str) -> str:
    """A memo as it is kept: line breaks as LF, no blank space around it."""
    if not isinstance(text, str):
        raise InputError("A memo is text.")
    return normalize(text).strip()


class MemosMixin(StoreBase):
    def memo(self, kind: str, owner: str = "") -> str:
        """The memo of a document (``owner``: its id), a label (its name) or the project; '' when there is none."""
        if kind == "project":
            return self.meta(PROJECT_MEMO, "") or ""
        table, key = self._memo_table(kind)
        rows = self._read(f"SELECT memo FROM {table} WHERE {key} = ?", [owner])
        if not rows:
            what = "document" if kind == "document" else "label"
            raise NotFoundError(f"There is no {what} {owner!r} in this project.")
        return rows[0][0]

    def set_memo(self, kind: str, owner: str, text: str) -> str:
        """Write the memo of a document, a label or the project (``kind``, ``owner`` as for :meth:`memo`);
        returns the memo it replaces. One transaction; an empty ``text`` removes the memo."""
        text = clean_memo(text)
        old = self.memo(kind, owner)
        with self.transaction():
            if kind == "project":
                if text:
                    self.db.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) "
                                         "DO UPDATE SET value = excluded.value", [PROJECT_MEMO, text])
                else:
                    self.db.conn.execute("DELETE FROM meta WHERE key = ?", [PROJECT_MEMO])
            else:
                table, key = self._memo_table(kind)
                self.db.conn.execute(f"UPDATE {table} SET memo = ? WHERE {key} = ?", [text, owner])
        return old

    @staticmethod
    def _memo_table(kind: str) -> tuple[str, str]:
        if kind == "document":
            return "documents", "id"
        if kind == "label":
            return "labels", "name"
        raise InputError(f"There is no kind of memo called {kind!r}; memos are on documents, labels and the project.")

    def search_memos(self, query: str, limit: int = 200) -> list[MemoHit]:
        """The memos holding ``query``'s words (as a phrase, case-insensitive): the project's first, then the
        documents' in project order, then the labels' in scheme order; each with its first place of the words."""
        pattern = phrase_pattern(query)
        try:
            rows = self.db.conn.execute(
                "SELECT s.kind, s.owner, COALESCE(d.title, s.owner), s.memo FROM memo_search s "
                "LEFT JOIN documents d ON s.kind = 'document' AND d.id = s.owner "
                "LEFT JOIN labels l ON s.kind = 'label' AND l.name = s.owner "
                "WHERE memo_search MATCH ? ORDER BY s.kind = 'label', s.kind = 'document', "
                "d.position, l.position, s.owner LIMIT ?",
                [fts_query(query), limit],
            ).fetchall()
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None
        hits = []
        for kind, owner, name, memo in rows:
            found = pattern.search(memo)
            a, b = found.span() if found else (0, 0)
            hits.append(MemoHit(kind, owner, name, memo[max(0, a - CONTEXT):a], memo[a:b], memo[b:b + CONTEXT]))
        return hits
