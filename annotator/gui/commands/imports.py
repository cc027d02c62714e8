"""An import of annotations (a set, a colleague's project, another tool's file) as one undoable step.

The import itself runs in the background on a connection of its own, in one transaction; :class:`ImportSet` is
pushed once it committed. Its first run adopts the rows the import added (``Store.adopt_import``, by key); undo
takes them out and redo puts them back, each in one transaction (``Store.undo_import`` / ``redo_import``).
"""

from __future__ import annotations

from annotator.core.formats.import_report import ImportReport
from annotator.gui.commands.annotations import StoreCommand


def import_text(report: ImportReport, name: str) -> str:
    """The step's name in Edit > Undo: "Import 12 annotations from colleague.json"."""
    n = report.added
    return f"Import {n} annotation{'s' if n != 1 else ''} from {name}"


class ImportSet(StoreCommand):
    """An import already committed, as one step of the undo history."""

    def __init__(self, session, report: ImportReport, name: str):
        super().__init__(session, import_text(report, name))
        self.report = report
        self.batch: int | None = None

    def _do(self) -> None:
        store = self.session.store
        if self.batch is None:
            self.batch = store.adopt_import(self.report.rows)
        else:
            store.redo_import(self.batch)
        self._announce(self.text())

    def _undo(self) -> None:
        self.session.store.undo_import(self.batch)
        self._announce("Undo: " + self.text())

    def _announce(self, what: str) -> None:
        """Documents, labels and links may all have changed: every view re-reads."""
        self.session.announce_documents()
        self.session.announce_labels()
        self.session.announce_links()
        self.session.saved.emit(what)
