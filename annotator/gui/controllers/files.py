"""File menu work: open a project, add documents, import and export annotation sets.

:class:`Files` holds the File menu's slots; the work itself is done by
:mod:`annotator.core` and reported in the status bar or an error dialog.
Imports and exports run in a worker thread behind a cancellable progress
dialog (:mod:`annotator.gui.background`), each on its own connection to the
project.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QInputDialog

from annotator.core.errors import AnnotatorError, CancelledError, InputError
from annotator.core.fileio import atomic_writer
from annotator.core.formats.csv_set import export_csv
from annotator.core.formats.json_import import import_json_file_into
from annotator.core.formats.json_set import ImportReport, export_json, import_json, import_json_file
from annotator.core.formats.project_set import read_project_set
from annotator.core.formats.scheme import read_scheme_file
from annotator.core.lazy import lazy_module
from annotator.core.store import Store
from annotator.gui.background import Progress, run_in_background, run_in_process
from annotator.gui.commands.imports import ImportSet
from annotator.gui.dialogs.file_dialogs import open_file, save_file, save_file_and_type
from annotator.gui.dialogs.import_summary import ImportSummaryDialog
from annotator.gui.settings import remember_folder, start_folder
from annotator.gui.window.status import Opener, Status

if TYPE_CHECKING:  # the other tools' formats, loaded on first use (docs/architecture.md, "Loaded on first use")
    from annotator.core.formats import brat, detect, qdpx, w3c
else:
    brat = lazy_module("annotator.core.formats.brat")
    detect = lazy_module("annotator.core.formats.detect")
    qdpx = lazy_module("annotator.core.formats.qdpx")
    w3c = lazy_module("annotator.core.formats.w3c")

#: JSON sets from this size (bytes) are imported in a child process rather than a thread (see import_set).
CHILD_IMPORT_FROM = 4 << 20


#: File > Import from other tools: dialog filter -> format (None: detected from the file).
IMPORT_FILTERS = {
    "Files of other tools (*.qdpx *.jsonld *.json *.ann annotation.conf)": None,
    "REFI-QDA project: MAXQDA, NVivo, ATLAS.ti, QualCoder (*.qdpx)": "qdpx",
    "W3C Web Annotation (*.jsonld *.json)": "w3c",
    "brat standoff, one document (*.ann)": "brat",
    "brat standoff, the whole folder: pick its annotation.conf (annotation.conf)": "brat",
}
#: File > Export as…: dialog filter -> format.
EXPORT_FILTERS = {
    "REFI-QDA project (*.qdpx)": "qdpx",
    "W3C Web Annotation (*.jsonld)": "w3c",
    "brat standoff: a folder (*)": "brat",
}
#: File > Export as CSV: the file type that writes a UTF-8 byte order mark first, so Excel shows every script right.
EXCEL_CSV = "CSV for Excel, UTF-8 with byte order mark (*.csv)"


def _open_again(project: Path, readonly: bool = False) -> Store:
    """The project opened again inside a background job: a connection belongs to the thread that opened it."""
    return Store.open(project, create=False, readonly=readonly)


class Files:
    """The File menu's slots: projects, imports and exports (run in the background)."""

    def __init__(self, session, status: Status, open_project: Opener, own_commit: Callable[[], None]):
        self.session = session
        self.status = status
        self.parent = status.dialog_parent
        self._open = open_project
        #: Called after a background import committed on its own connection: not another program's change.
        self._own_commit = own_commit

    def open_project(self) -> None:
        """File > Open project: open (or create) another project in a new window, closing this one."""
        path = save_file(self.parent, "Open or create a project", "annotator project (*.sqlite)",
                         fallback=Path(self.session.store.path).parent, confirm_overwrite=False)
        if path:
            self._open(path, True)

    def new_project(self) -> None:
        """File > New project: a new project file, with the default labels or a label scheme file's."""
        path = save_file(self.parent, "New project", "annotator project (*.sqlite)",
                         fallback=Path(self.session.store.path).parent)
        if not path:
            return
        if Path(path).exists():
            self.status.error(f"{Path(path).name} already exists; use File > Open project to open it.")
            return
        scheme_path = open_file(self.parent, "Start from a label scheme? (Cancel: the default labels)",
                                "Label scheme (*.json)")
        try:
            scheme = read_scheme_file(scheme_path) if scheme_path else None
            Store.open(path, create=True, scheme=scheme).close()
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        self._open(path, True)

    def import_set(self, ask_name: bool) -> None:
        """File > Import annotations (as…): a JSON annotation set, read and imported in the background."""
        path = open_file(self.parent, "Import annotations", "Annotation set (*.json)")
        if not path:
            return
        as_name = self._ask_import_name() if ask_name else None
        if ask_name and as_name is None:
            return
        name, project = Path(path).name, self.session.store.path

        def job(progress: Progress) -> ImportReport:
            try:
                big = Path(path).stat().st_size >= CHILD_IMPORT_FROM
            except OSError:
                raise InputError(f"{path} cannot be read as UTF-8 text.") from None
            if big:  # ijson's C parser holds the interpreter lock for up to ~0.4 s: parse where the window can't feel it
                progress(0, None, f"Importing {name}…")
                return run_in_process(progress, import_json_file_into, str(project), path, as_name, name)
            with _open_again(project) as store:
                try:
                    return import_json_file(store, path, as_annotator=as_name, name=name, progress=progress)
                except (OSError, UnicodeDecodeError):
                    raise InputError(f"{path} cannot be read as UTF-8 text.") from None

        self._import(job, name)

    def import_project(self) -> None:
        """File > Import from project: every annotation of another project file (a colleague's)."""
        path = open_file(self.parent, "Import from project", "annotator project (*.sqlite);;All files (*)")
        if not path:
            return
        as_name = self._ask_import_name(optional=True)
        name, project = Path(path).name, self.session.store.path

        def job(progress: Progress) -> ImportReport:
            with _open_again(project) as store:
                progress(0, None, f"Reading {name}…")
                data = read_project_set(path, store)
                progress(0, None, "Importing annotations…")
                return import_json(store, data, as_annotator=as_name or None, name=name, progress=progress)

        self._import(job, name)

    def _ask_import_name(self, optional: bool = False) -> str | None:
        prompt = ("Import under the annotator name (leave empty to keep the names in the file):" if optional
                  else "Import every annotation under the annotator name:")
        name, ok = QInputDialog.getText(self.parent, "Import as", prompt)
        if not ok or (not optional and not name.strip()):
            return None
        return name.strip()

    def _import(self, job, name: str) -> None:
        """Run an import ``job`` of the file ``name`` in the background, then make it one undoable step (or
        report why nothing changed)."""
        try:
            report = run_in_background(self.parent, "Importing annotations", job)
        except CancelledError:
            self.status.show("Import cancelled; nothing was changed.", 6000)
            return
        except AnnotatorError as exc:
            self.status.error(str(exc))
            return
        self._own_commit()  # the import's own connection committed: not another program
        step = ImportSet(self.session, report, name, self.status, self._own_commit)
        undoable = bool(report.rows) and self.session.perform(step)
        if not undoable:  # nothing added (no step to undo), or the session said why it is not undoable
            self.session.announce_documents()
            self.session.announce_labels()
        self.status.show(report.summary().split("\n", 1)[0] + (" Edit > Undo takes it back." if undoable else ""),
                         8000)
        if report.not_imported:  # what was left out, and why: worth more than a status line
            ImportSummaryDialog(report, self.parent).exec()

    def export_set(self, fmt: str) -> None:
        """File > Export as JSON/CSV: every annotation of the project, written atomically in the background.

        The CSV dialog's file types include *CSV for Excel* (:data:`EXCEL_CSV`: a UTF-8 byte order mark first).
        Cancelling discards the temporary file: an existing file at the target is left as it was.
        """
        filters = {"json": "JSON annotation set (*.json)", "csv": f"CSV (*.csv);;{EXCEL_CSV}"}[fmt]
        project = Path(self.session.store.path)
        path, chosen = save_file_and_type(self.parent, f"Export as {fmt.upper()}", filters,
                                          project.with_suffix(f".{fmt}").name, fallback=project.parent)
        if not path:
            return
        options = {"excel": True} if chosen == EXCEL_CSV else {}
        export, project = (export_json if fmt == "json" else export_csv), self.session.store.path

        def job(progress: Progress) -> int:
            with _open_again(project, readonly=True) as store, atomic_writer(path) as fh:
                return export(store, fh, progress=progress, **options)

        count = self._export(f"Exporting as {fmt.upper()}", job, path)
        if count is None:
            return
        self.status.show(f"{count} annotation{'s' if count != 1 else ''} exported to {path}.", 6000)

    def _export(self, title: str, job, path: str):
        """Run an export ``job`` in the background; its result, or None once the analyst heard why not."""
        try:
            return run_in_background(self.parent, title, job)
        except CancelledError:
            self.status.show(f"Export cancelled; {Path(path).name} was not written.", 6000)
        except AnnotatorError as exc:
            self.status.error(str(exc))
        return None

    def import_other(self) -> None:
        """File > Import from other tools: a REFI-QDA project, W3C Web Annotations or brat standoff, in the background.

        Picking a brat folder's ``annotation.conf`` imports the whole folder. brat
        spans outside a folder-per-annotator layout are filed under the window's user.
        """
        path, chosen = QFileDialog.getOpenFileName(self.parent, "Import from other tools", str(start_folder()),
                                                   ";;".join(IMPORT_FILTERS))
        if not path:
            return
        remember_folder(path)
        source = Path(path).parent if Path(path).name == "annotation.conf" else Path(path)
        fmt = IMPORT_FILTERS.get(chosen) or detect.detect_format(source)
        if fmt not in ("qdpx", "w3c", "brat"):
            self.status.error(f"{source.name} is not a REFI-QDA project, W3C Web Annotation file or brat standoff; "
                              "use File > Import annotations for annotator's own sets.")
            return
        project, user = self.session.store.path, self.session.user

        def job(progress: Progress) -> ImportReport:
            with _open_again(project) as store:
                progress(0, None, f"Importing {source.name}…")
                return detect.import_foreign(store, fmt, source, user=user, progress=progress)

        self._import(job, source.name)

    def export_other(self) -> None:
        """File > Export as…: REFI-QDA, W3C Web Annotation or brat standoff (a folder), written in the background."""
        project_path = Path(self.session.store.path)
        default = str(start_folder(project_path.parent) / project_path.with_suffix(".qdpx").name)
        path, chosen = QFileDialog.getSaveFileName(self.parent, "Export as", default, ";;".join(EXPORT_FILTERS))
        if not path:
            return
        remember_folder(path)
        fmt = EXPORT_FILTERS.get(chosen) or {".qdpx": "qdpx", ".jsonld": "w3c"}.get(Path(path).suffix.lower(), "brat")
        project = self.session.store.path
        if fmt == "brat" and Path(path).suffix.lower() in (".qdpx", ".jsonld"):
            path = str(Path(path).with_suffix(""))

        def job(progress: Progress) -> tuple[int, ImportReport | None]:
            with _open_again(project, readonly=True) as store:
                if fmt == "qdpx":
                    return qdpx.export_qdpx(store, path, progress=progress), None
                if fmt == "brat":
                    return brat.export_brat(store, path, progress=progress)
                with atomic_writer(path) as fh:
                    return w3c.export_w3c(store, fh, progress=progress), None

        done = self._export("Exporting", job, path)
        if done is None:
            return
        count, left_out = done
        message = f"{count} annotation{'s' if count != 1 else ''} exported to {path}."
        self.status.show(message, 6000)
        if left_out is not None and left_out.not_imported:
            ImportSummaryDialog(left_out, self.parent, "Export", message, "Not written").exec()
