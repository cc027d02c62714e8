"""Undoable memo edits: the memo of a document, of a label (code) or of the project.

``_do``/``_undo`` call :meth:`Store.set_memo` once, then announce the change
(``session.announce_memo`` and ``saved``), like every command of :mod:`annotator.gui.commands`.
"""

from __future__ import annotations

from annotator.core.store.memos import clean_memo, memo_title
from annotator.gui.commands.annotations import StoreCommand


class EditMemo(StoreCommand):
    """Write (or, with an empty text, remove) the memo of a document, a label or the project."""

    def __init__(self, session, kind: str, owner: str, text: str, name: str = ""):
        old = session.store.memo(kind, owner)  # refuses a document or label that is not there
        super().__init__(session, f"{memo_title(kind, name or owner)} {'removed' if not text.strip() else 'saved'}")
        self.kind, self.owner = kind, owner
        self.old, self.new = old, clean_memo(text)

    def is_noop(self) -> bool:
        """True when the text is the memo already written: nothing to do, nothing to undo."""
        return self.old == self.new

    def _do(self) -> None:
        self._write(self.new)

    def _undo(self) -> None:
        self._write(self.old)

    def _write(self, text: str) -> None:
        self.session.store.set_memo(self.kind, self.owner, text)
        self.session.announce_memo(self.kind, self.owner)
        self.session.saved.emit(self.text())
