"""Reports, theme and help in the window: the Reports dock, File > Export report…, View > Theme, Help > User guide.

:class:`Reports` owns the Reports dock and the theme controller; the main
window calls :meth:`Reports.install` once its menus exist, and the wiring of
these pieces lives in :meth:`Reports._connect_signals`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QProgressDialog

from annotator.core.errors import AnnotatorError, CancelledError
from annotator.core.report import blocks_for, gather, report_title
from annotator.core.report.html import render_html
from annotator.core.fileio import atomic_writer
from annotator.gui import accessibility
from annotator.gui import actions as A
from annotator.gui.background import run_in_background
from annotator.gui.dialogs.guide import FIRST_RUN_HINT, GuideDialog
from annotator.gui.panels.reports_dock import ReportsDock
from annotator.gui.theme import ThemeController

ON_SCREEN, EVERYTHING = "The documents on screen", "Every document in the project"


class Reports:
    def __init__(self, window):
        self.window = window
        self.session = window.session
        self.dock = ReportsDock(self.session, window)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.dock, self.dock)
        self.dock.hide()
        self.theme = ThemeController(window.settings, window)
        for pane in window.panes:
            pane.view.setPlaceholderText(FIRST_RUN_HINT)

    def install(self, file_menu, view_menu, analyse_menu, help_menu) -> None:
        """Add the menu entries (the main window's menus exist by now) and connect them."""
        a = self.window.actions
        items = file_menu.actions()
        after = next((i for i, act in enumerate(items) if act is a[A.EXPORT_CSV]), None)
        if after is not None and after + 1 < len(items):  # with the other exports
            file_menu.insertAction(items[after + 1], a[A.EXPORT_REPORT])
        else:
            file_menu.addAction(a[A.EXPORT_REPORT])
        view_menu.addAction(self.dock.toggleViewAction())
        view_menu.addSeparator()
        view_menu.addAction(a[A.NEXT_AREA])
        view_menu.addAction(a[A.PREVIOUS_AREA])
        view_menu.addMenu(self.theme.menu(view_menu))
        analyse_menu.addSeparator()
        analyse_menu.addAction(a[A.REPORTS])
        help_menu.insertAction(a[A.SHORTCUTS], a[A.USER_GUIDE])
        self._connect_signals()
        accessibility.install(self.window)

    def _connect_signals(self) -> None:
        a, w = self.window.actions, self.window
        a[A.REPORTS].triggered.connect(self.show_reports)
        a[A.EXPORT_REPORT].triggered.connect(self.export_report)
        a[A.USER_GUIDE].triggered.connect(self.show_guide)
        self.dock.annotation_activated.connect(w.jump_to_annotation)
        self.dock.pair_activated.connect(w.cross.show_pair)

    def show_reports(self) -> None:
        self.dock.show()
        self.dock.raise_()
        w = self.window
        if w.dockWidgetArea(self.dock) in (Qt.DockWidgetArea.BottomDockWidgetArea, Qt.DockWidgetArea.TopDockWidgetArea):
            # Leave the panes most of the height, on a small screen too.
            height = min(self.dock.height(), max(self.dock.minimumSizeHint().height(), int(w.height() * 0.4)))
            w.resizeDocks([self.dock], [height], Qt.Orientation.Vertical)
        self.dock.tabs.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_guide(self) -> None:
        GuideDialog(self.window).exec()

    # ------------------------------------------------------------------ export
    def _write_pdf(self, blocks, path: str, title: str) -> int:
        """Qt draws the PDF in this (the GUI) thread; a progress dialog with Cancel keeps the window answering."""
        from annotator.gui.report_pdf import write_pdf

        dialog = QProgressDialog("Drawing the PDF report…", "Cancel", 0, 100, self.window)
        dialog.setObjectName("report_progress")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)

        def progress(done: int, total: int) -> None:
            dialog.setValue(int(100 * done / max(1, total)))
            QApplication.processEvents()
            if dialog.wasCanceled():
                raise CancelledError("The report was cancelled; nothing was written.")

        try:
            return write_pdf(blocks, path, title, progress)
        finally:
            dialog.reset()
            dialog.deleteLater()

    def _documents(self) -> list[str] | None:
        """Which documents to report on: asked when the project holds more than the two on screen."""
        w = self.window
        shown = list(dict.fromkeys(d for d in (w.pane_document(i) for i in range(len(w.panes))) if d))
        total = len(self.session.store.documents())
        if total <= len(shown) or not shown:
            return []
        choice, ok = QInputDialog.getItem(w, "Export report", "Report on:", [ON_SCREEN, EVERYTHING], 0, False)
        if not ok:
            return None
        return shown if choice == ON_SCREEN else []

    def export_report(self) -> None:
        """File > Export report…: gather and lay out in the background; a PDF is then drawn here by Qt."""
        w = self.window
        docs = self._documents()
        if docs is None:
            return
        default = str(Path(self.session.store.path).with_name(Path(self.session.store.path).stem + "-report.html"))
        path, chosen = QFileDialog.getSaveFileName(w, "Export report", default, "Web page (*.html);;PDF (*.pdf)")
        if not path:
            return
        if Path(path).suffix.lower() not in (".html", ".htm", ".pdf"):
            path += ".pdf" if "pdf" in chosen.lower() else ".html"
        project = self.session.store.path

        def job(progress):
            from annotator.core.store import Store

            progress(0, None, "Gathering the report…")
            store = Store.open(project, create=False, readonly=True)
            try:
                return gather(store, docs or None)
            finally:
                store.close()

        try:
            data = run_in_background(w, "Exporting report", job)
            blocks = blocks_for(data)  # charts here: matplotlib's settings are shared with the Reports dock
            if path.lower().endswith(".pdf"):
                pages = self._write_pdf(blocks, path, report_title(data))
                what = f"{pages} page{'s' if pages != 1 else ''}"
            else:
                with atomic_writer(path) as fh:
                    fh.write(render_html(blocks, report_title(data)))
                what = "one page"
        except CancelledError:
            w.statusBar().showMessage("Report cancelled; nothing was written.", 6000)
            return
        except AnnotatorError as exc:
            w.show_error(str(exc))
            return
        w.statusBar().showMessage(f"Report on {len(data.documents)} documents written to {path} ({what}).", 8000)
