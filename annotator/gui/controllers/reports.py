"""Reports, theme and help in the window: the Reports dock, File > Export report…, View > Theme, Help > User guide.

:class:`Reports` owns the Reports dock and the theme controller; the main
window docks them, puts their entries in its menus and connects them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QProgressDialog

from annotator.core.errors import AnnotatorError, CancelledError
from annotator.core.fileio import atomic_writer
from annotator.core.lazy import lazy_module
from annotator.core.store import Store
from annotator.gui.background import run_in_background
from annotator.gui.dialogs.guide import FIRST_RUN_HINT, GuideDialog
from annotator.gui.panels.reports_dock import ReportsDock
from annotator.gui.theme import ThemeController
from annotator.gui.window.pane_state import PaneState
from annotator.gui.window.status import Status

if TYPE_CHECKING:  # the report and PDF drawing (QtSvg, QPdfWriter): loaded on first use (docs/architecture.md)
    from annotator.core import report
    from annotator.core.report import html
    from annotator.gui import report_pdf
else:
    report = lazy_module("annotator.core.report")
    html = lazy_module("annotator.core.report.html")
    report_pdf = lazy_module("annotator.gui.report_pdf")

ON_SCREEN, EVERYTHING = "The documents on screen", "Every document in the project"
#: The export's file types: a type "with every span" adds the appendix that lists every span.
EVERY_SPAN = "with every span"
FILE_TYPES = ("Web page (*.html)", f"Web page {EVERY_SPAN} (*.html)", "PDF (*.pdf)", f"PDF {EVERY_SPAN} (*.pdf)")


class Reports:
    """The Reports dock, the theme, the user guide and File > Export report…."""

    def __init__(self, session, panes: PaneState, status: Status, settings: QSettings):
        self.session = session
        self.panes = panes
        self.status = status
        self.parent = status.dialog_parent
        self.dock = ReportsDock(session, self.parent)
        self.theme = ThemeController(settings, self.parent)
        for pane in panes.panes:
            pane.view.setPlaceholderText(FIRST_RUN_HINT)

    def show_guide(self) -> None:
        GuideDialog(self.parent).exec()

    # ------------------------------------------------------------------ export
    def _write_pdf(self, blocks, path: str, title: str) -> int:
        """Qt draws the PDF in this (the GUI) thread; a progress dialog with Cancel keeps the window answering."""
        dialog = QProgressDialog(f"{report.WRITING}…", "Cancel", 0, 100, self.parent)
        dialog.setObjectName("report_progress")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)

        def progress(done: int, total: int) -> None:
            dialog.setValue(int(100 * done / max(1, total)))
            QApplication.processEvents()
            if dialog.wasCanceled():
                raise CancelledError("The report was cancelled; nothing was written.")

        try:
            return report_pdf.write_pdf(blocks, path, title, progress)
        finally:
            dialog.reset()
            dialog.deleteLater()

    def _documents(self) -> list[str] | None:
        """Which documents to report on: asked when the project holds more than the two on screen."""
        shown = self.panes.shown()
        total = len(self.session.store.documents())
        if total <= len(shown) or not shown:
            return []
        choice, ok = QInputDialog.getItem(self.parent, "Export report", "Report on:", [ON_SCREEN, EVERYTHING], 0, False)
        if not ok:
            return None
        return shown if choice == ON_SCREEN else []

    def export_report(self) -> None:
        """File > Export report…: gather in the background, draw the charts here, then write: HTML in the
        background, a PDF here (Qt draws it). A file type "with every span" adds the appendix, streamed."""
        docs = self._documents()
        if docs is None:
            return
        default = str(Path(self.session.store.path).with_name(Path(self.session.store.path).stem + "-report.html"))
        path, chosen = QFileDialog.getSaveFileName(self.parent, "Export report", default, ";;".join(FILE_TYPES))
        if not path:
            return
        if Path(path).suffix.lower() not in (".html", ".htm", ".pdf"):
            path += ".pdf" if "pdf" in chosen.lower() else ".html"
        all_spans = EVERY_SPAN in chosen
        project = self.session.store.path

        def gather(progress):
            progress(0, None, f"{report.GATHERING}…")
            with Store.open(project, create=False, readonly=True) as store:
                return report.gather(store, docs or None, progress=progress)

        try:
            data = run_in_background(self.parent, "Exporting report", gather)
            blocks = report.blocks_for(data)
            if path.lower().endswith(".pdf"):
                with Store.open(project, create=False, readonly=True) as store:
                    appendix = report.span_appendix(store, data) if all_spans else []
                    pages = self._write_pdf(blocks + appendix, path, report.report_title(data))
                what = f"{pages} page{'s' if pages != 1 else ''}"
            else:
                run_in_background(self.parent, "Exporting report",
                                  lambda progress: _write_html(project, data, blocks, path, all_spans, progress),
                                  text=f"{report.WRITING}…")
                what = "one page"
        except CancelledError:
            self.status.show("Report cancelled; nothing was written.", 6000)
            return
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        self.status.show(f"Report on {len(data.documents)} documents written to {path} ({what}).", 8000)


def _write_html(project, data, blocks, path: str, all_spans: bool, progress) -> None:
    """The HTML report, written as it is made (in a worker thread: the appendix's rows are read there)."""
    with Store.open(project, create=False, readonly=True) as store:
        appendix = report.span_appendix(store, data) if all_spans else []
        with atomic_writer(path) as fh:
            html.write_html_page(blocks + appendix, report.report_title(data), fh, progress)
