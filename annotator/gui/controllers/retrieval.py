"""Retrieval by code in the window (issue 22): the Segments dock, the Matrix dock, and their exports.

Analyse > *Segments by code* opens the Segments dock (:class:`~annotator.gui.panels.segments_dock.SegmentsDock`);
Analyse > *Code matrix* the Matrix dock (:class:`~annotator.gui.panels.matrix_dock.MatrixDock`), whose counts and
co-occurring pairs are computed in the background on a read-only connection of their own
(:func:`~annotator.gui.background.run_in_background`), when the dock is shown or *Refresh* pressed: a tag never
waits for them. A click on a matrix cell lists its segments in the Segments dock. The window connects the Segments
dock's ``annotation_activated`` to its jump to an annotation.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from annotator.core.attributes import parse_filter
from annotator.core.errors import AnnotatorError, CancelledError
from annotator.core.fileio import atomic_writer
from annotator.core.retrieval import cooccurrence, matrix, segments, write_matrix, write_pairs, write_segments
from annotator.core.store import Store
from annotator.gui.background import run_in_background
from annotator.gui.dialogs.file_dialogs import save_file, save_file_and_type
from annotator.gui.panels.matrix_dock import MatrixDock
from annotator.gui.panels.segments_dock import CONTEXT, SegmentsDock
from annotator.gui.window.status import Status

SHOW_SEGMENTS = "analyse.segments"
SHOW_MATRIX = "analyse.matrix"


class Retrieval(QObject):
    """The Segments and Matrix docks, their menu entries and their exports."""

    def __init__(self, session, status: Status):
        super().__init__(status.dialog_parent)
        self.session = session
        self.status = status
        self.segments = SegmentsDock(session, status.dialog_parent)
        self.matrix = MatrixDock(status.dialog_parent)
        self.matrix_stale = True
        self.actions: dict[str, QAction] = {}
        for key, text, tip, slot in (
            (SHOW_SEGMENTS, "&Segments by code", "Every coded segment of a code across the documents, with context",
             self.show_segments_dock),
            (SHOW_MATRIX, "Code &matrix", "Segments per code and document or annotator, and codes that co-occur",
             self.show_matrix),
        ):
            action = self.actions[key] = QAction(text, status.dialog_parent)
            action.setObjectName(key)
            action.setStatusTip(tip)
            action.triggered.connect(slot)
        self.segments.hide()
        self.matrix.hide()
        self._connect()

    def _connect(self) -> None:
        self.segments.export_requested.connect(self.export_segments)
        self.matrix.refresh_requested.connect(self.count)
        self.matrix.export_requested.connect(self.export_matrix)
        self.matrix.cell_activated.connect(self.open_cell)
        self.matrix.visibilityChanged.connect(lambda visible: visible and self.matrix_stale and self.count())
        for signal in (self.session.annotations_changed, self.session.labels_changed,
                       self.session.documents_changed):
            signal.connect(self._project_changed)

    def docks(self) -> list:
        return [self.segments, self.matrix]

    def fill_menu(self, menu) -> None:
        """Add *Segments by code* and *Code matrix* to ``menu`` (Analyse), after a separator."""
        menu.addSeparator()
        for action in self.actions.values():
            menu.addAction(action)

    # ------------------------------------------------------------------ showing
    def show_segments_dock(self) -> None:
        self.segments.show()
        self.segments.raise_()
        self.segments.reload()
        self.segments.code.setFocus()

    def show_matrix(self) -> None:
        self.matrix.show()
        self.matrix.raise_()
        if self.matrix_stale:
            self.count()

    def open_cell(self, label: str, with_children: bool, document: str, annotator: str) -> None:
        """A matrix cell: its segments in the Segments dock."""
        self.segments.show_segments(label, with_children, document=document or None, annotator=annotator or None)

    def _project_changed(self, *_) -> None:
        self.matrix_stale = True
        if self.matrix.isVisible() and self.matrix.table is not None:
            self.matrix.summary.setText("The project changed since these counts: Refresh to count again.")

    def count(self) -> None:
        """Compute the matrix and the co-occurring codes in the background, and show them."""
        by, with_children, across = self.matrix.choice()
        path = self.session.store.path

        def job(progress):
            with Store.open(path, readonly=True) as store:
                progress(0, 2, "Counting segments per code…")
                table = matrix(store, by, with_children)
                progress(1, 2, "Finding codes that overlap…")
                return table, cooccurrence(store, across_annotators=across)

        try:
            table, pairs = run_in_background(self.status.dialog_parent, "Counting segments", job)
        except CancelledError:
            return
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        self.matrix_stale = False
        self.matrix.show_matrix(table)
        self.matrix.show_pairs(pairs)

    # ------------------------------------------------------------------ exports
    def export_segments(self) -> None:
        """The Segments dock's choice, every segment (with context), as CSV or JSON, written in the background."""
        path, chosen = save_file_and_type(self.status.dialog_parent, "Export segments",
                                          "CSV (*.csv);;JSON (*.json)", "segments.csv",
                                          fallback=Path(self.session.store.path).parent)
        if not path:
            return
        kind = "json" if path.lower().endswith(".json") or (chosen.startswith("JSON") and "." not in Path(path).name) \
            else "csv"
        c = self.segments.choice()
        project = self.session.store.path

        def job(progress):
            with Store.open(project, readonly=True) as store, atomic_writer(path) as out:
                found = segments(store, None if c["label"] is None else [c["label"]], c["with_children"],
                                 None if c["document"] is None else [c["document"]], c["annotator"], c["status"],
                                 CONTEXT, attributes=[parse_filter(c["attribute"])] if c["attribute"] else [])
                return write_segments(_counted(found, progress), out, kind, store.attribute_names())

        try:
            n = run_in_background(self.status.dialog_parent, "Exporting segments", job)
        except CancelledError:
            return
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        self.status.show(f"{n:,} segment{'s' if n != 1 else ''} exported to {path}.", 6000)

    def export_matrix(self, pairs: bool) -> None:
        """The matrix (or the co-occurring codes) as shown, as CSV."""
        if self.matrix.table is None:
            self.status.show("Nothing counted yet: Analyse > Code matrix counts the segments.", 5000)
            return
        name = "cooccurrence.csv" if pairs else "matrix.csv"
        path = save_file(self.status.dialog_parent, "Export co-occurring codes" if pairs else "Export the matrix",
                         "CSV (*.csv)", name, fallback=Path(self.session.store.path).parent)
        if not path:
            return
        try:
            with atomic_writer(path) as out:
                if pairs:
                    write_pairs(self.matrix.pairs, out, "csv")
                else:
                    write_matrix(self.matrix.table, out, "csv")
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        self.status.show(f"Exported to {path}.", 6000)


def _counted(found, progress):
    """The segments, reporting every thousand to ``progress`` (which raises when the analyst cancels)."""
    for n, seg in enumerate(found):
        if n % 1000 == 0:
            progress(n, None, f"Exporting segments… {n:,}")
        yield seg
