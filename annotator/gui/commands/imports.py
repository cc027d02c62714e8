"""An import of annotations (a set, a colleague's project, another tool's file) as one undoable step.

The import itself runs in the background on a connection of its own, in one transaction; :class:`ImportSet` is
pushed once it committed. Its first run adopts the rows the import added (``Store.adopt_import``, by key); undo
takes them out and redo puts them back, each in one transaction (``Store.undo_import`` / ``redo_import``).

An import of :data:`BACKGROUND_ROWS` rows or more is undone and redone like the import ran: in a worker thread on
a connection of its own (which attaches the store's import record), behind the cancellable progress dialog of
:func:`~annotator.gui.background.run_in_background`, whose local event loop keeps the window painting while
``QUndoCommand.undo``/``redo`` wait for it. Cancel rolls the one transaction back; as ``QUndoStack`` has already
moved its index by then, the step puts the stack back right after (a no-op move the other way), so the stack and
the project both stay as they were.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer

from annotator.core.errors import CancelledError
from annotator.core.formats.import_report import ImportReport
from annotator.core.store import Store
from annotator.gui.background import Progress, run_in_background
from annotator.gui.commands.annotations import StoreCommand
from annotator.gui.window.status import Status

#: From this many rows (annotations, documents, labels… together) an undo or redo runs in the background.
BACKGROUND_ROWS = 20_000


def import_text(report: ImportReport, name: str) -> str:
    """The step's name in Edit > Undo: "Import 12 annotations from colleague.json"."""
    n = report.added
    return f"Import {n} annotation{'s' if n != 1 else ''} from {name}"


class ImportSet(StoreCommand):
    """An import already committed, as one step of the undo history.

    ``status`` (the window's) parents the progress dialog of a big undo or redo and hears of a cancel;
    ``own_commit`` is called after a background job committed on its own connection (not another program).
    """

    def __init__(self, session, report: ImportReport, name: str, status: Status | None = None,
                 own_commit: Callable[[], None] | None = None):
        super().__init__(session, import_text(report, name))
        self.report = report
        self.batch: int | None = None
        self.rows = 0
        self.status = status
        self.own_commit = own_commit
        self._put_back = False  # the next move of the stack only puts it back after a cancel

    def redo(self) -> None:
        if self._put_back:
            self._put_back = False
            return
        super().redo()

    def undo(self) -> None:
        if self._put_back:
            self._put_back = False
            return
        super().undo()

    def _do(self) -> None:
        store = self.session.store
        if self.batch is None:
            self.batch = store.adopt_import(self.report.rows)
            self.rows = sum(store.import_counts(self.batch).values())
        elif not self._run("redo_import", "Redoing the import"):
            return
        self._announce(self.text())

    def _undo(self) -> None:
        if self._run("undo_import", "Undoing the import"):
            self._announce("Undo: " + self.text())

    def _run(self, method: str, title: str) -> bool:
        """Undo or redo the import (``method`` of the store); False when the analyst cancelled it."""
        store = self.session.store
        if self.rows < BACKGROUND_ROWS or self.status is None:
            getattr(store, method)(self.batch)
            return True
        project, record, batch = store.path, store.import_record(), self.batch

        def job(progress: Progress) -> None:
            with Store.open(project, create=False) as worker:
                worker.attach_import_record(record)
                getattr(worker, method)(batch, progress=progress)

        try:
            run_in_background(self.status.dialog_parent, title, job)
        except CancelledError:
            self._cancelled(method == "undo_import")
            return False
        finally:
            if self.own_commit is not None:
                self.own_commit()  # the job's connection committed (or rolled back): not another program
        return True

    def _cancelled(self, undoing: bool) -> None:
        """Nothing changed, but the stack has moved: move it back as soon as it is done (a no-op step)."""
        self._put_back = True
        stack = self.session.undo_stack
        QTimer.singleShot(0, stack.redo if undoing else stack.undo)
        self.status.show(f"{'Undo' if undoing else 'Redo'} of the import cancelled; nothing was changed.", 6000)

    def _announce(self, what: str) -> None:
        """Documents, labels and links may all have changed: every view re-reads."""
        self.session.announce_documents()
        self.session.announce_labels()
        self.session.announce_links()
        self.session.saved.emit(what)
