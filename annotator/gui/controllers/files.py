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
from annotator.core.formats import registry
from annotator.core.formats.json_import import import_json_file_into
from annotator.core.formats.json_set import ImportReport, import_json, import_json_file
from annotator.core.formats.project_set import read_project_set
from annotator.core.formats.registry import FORMATS, ExportOptions, Format, ImportRequest, Written
from annotator.core.formats.scheme import read_scheme_file
from annotator.core.lazy import lazy_module
from annotator.core.store import Store
from annotator.gui.background import Progress, run_in_background, run_in_process
from annotator.gui.commands.imports import ImportSet
from annotator.gui.dialogs.file_dialogs import open_file, save_file, save_file_and_type
from annotator.gui.dialogs.import_summary import ImportSummaryDialog
from annotator.gui.settings import remember_folder, start_folder
from annotator.gui.window.status import Opener, Status

if TYPE_CHECKING:  # telling the other tools' formats apart, loaded on first use (docs/architecture.md)
    from annotator.core.formats import detect
else:
    detect = lazy_module("annotator.core.formats.detect")

#: JSON sets from this size (bytes) are imported in a child process rather than a thread (see import_set).
CHILD_IMPORT_FROM = 4 << 20


#: The file type of File > Export as CSV (and Export as…) that writes a UTF-8 byte order mark first, so that Excel
#: shows every script right: the ``excel`` option of the formats that take it.
EXCEL_CSV = "CSV for Excel, UTF-8 with byte order mark (*.csv)"


def import_type(fmt: Format) -> str:
    """A file dialog's file type for reading ``fmt``: ``W3C Web Annotation (*.jsonld *.json)``."""
    if fmt.folder and fmt.picks:
        files, picks = " or ".join(fmt.suffixes) or "file", " or ".join(fmt.picks)
        return f"{fmt.title}: one document's {files} or, for a whole folder, its {picks} ({fmt.patterns})"
    return f"{fmt.title} ({fmt.patterns})"


def export_type(fmt: Format) -> str:
    """A file dialog's file type for writing ``fmt``: ``REFI-QDA project (*.qdpx)``, ``brat standoff: a folder (*)``."""
    return f"{fmt.title}: a folder (*)" if fmt.folder else f"{fmt.title} (*{fmt.suffixes[0]})"


def import_filters() -> dict[str, str | None]:
    """File > Import from other tools: file type -> format name (None: detected from the file), from the registry."""
    others = [f for f in registry.readable() if f.other_tool]
    every = f"Files of other tools ({' '.join(dict.fromkeys(p for f in others for p in f.patterns.split()))})"
    return {every: None, **{import_type(f): f.name for f in others}}


def export_filters() -> dict[str, str]:
    """File > Export as…: file type -> format name, every format the registry writes (other tools' first)."""
    filters: dict[str, str] = {}
    for fmt in sorted(registry.writable(), key=lambda f: not f.other_tool):
        filters[export_type(fmt)] = fmt.name
        if "excel" in fmt.options:
            filters[EXCEL_CSV] = fmt.name
    return filters


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
        path = open_file(self.parent, "Import annotations", import_type(FORMATS["json"]))
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
        path = open_file(self.parent, "Import from project", f"{import_type(FORMATS['project'])};;All files (*)")
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

    def export_set(self, name: str) -> None:
        """File > Export as JSON/CSV: every annotation of the project, written atomically in the background.

        The dialog's file types include *CSV for Excel* (:data:`EXCEL_CSV`: a UTF-8 byte order mark first) for a
        format that takes the ``excel`` option. Cancelling discards the temporary file: an existing file at the
        target is left as it was.
        """
        fmt = FORMATS[name]
        filters = export_type(fmt) + (f";;{EXCEL_CSV}" if "excel" in fmt.options else "")
        project = Path(self.session.store.path)
        path, chosen = save_file_and_type(self.parent, f"Export as {name.upper()}", filters,
                                          project.with_suffix(fmt.suffixes[0]).name, fallback=project.parent)
        if path:
            self._export_to(fmt, path, ExportOptions(excel=chosen == EXCEL_CSV), f"Exporting as {name.upper()}")

    def _export_to(self, fmt: Format, path: str, options: ExportOptions, title: str = "Exporting") -> None:
        """Write every annotation as ``fmt`` to ``path`` in the background: a text format through a file that
        appears whole or not at all, the others by their writer, which does the same."""
        project = self.session.store.path

        def job(progress: Progress) -> Written:
            with _open_again(project, readonly=True) as store:
                if not fmt.streamed:
                    return fmt.write(store, path, progress=progress, options=options)
                with atomic_writer(path) as fh:
                    return fmt.write(store, fh, progress=progress, options=options)

        done = self._export(title, job, path)
        if done is None:
            return
        message = f"{fmt.counted(done.count)} exported to {path}."
        self.status.show(message, 6000)
        if done.left_out is not None and done.left_out.not_imported:
            ImportSummaryDialog(done.left_out, self.parent, "Export", message, "Not written").exec()

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
        """File > Import from other tools: the other tools' formats of the registry (REFI-QDA, W3C Web Annotation,
        brat standoff), in the background.

        Picking a brat folder's ``annotation.conf`` imports the whole folder. brat
        spans outside a folder-per-annotator layout are filed under the window's user.
        """
        filters = import_filters()
        path, chosen = QFileDialog.getOpenFileName(self.parent, "Import from other tools", str(start_folder()),
                                                   ";;".join(filters))
        if not path:
            return
        remember_folder(path)
        picks = {pick for f in registry.readable() if f.folder for pick in f.picks}
        source = Path(path).parent if Path(path).name in picks else Path(path)
        fmt = FORMATS[filters.get(chosen) or detect.detect_format(source)]
        if not fmt.other_tool:
            others = registry.titles([f for f in registry.readable() if f.other_tool])
            self.status.error(f"{source.name} is not a {others} file; use File > Import annotations for annotator's "
                              "own sets.")
            return
        project, user = self.session.store.path, self.session.user

        def job(progress: Progress) -> ImportReport:
            with _open_again(project) as store:
                progress(0, None, f"Importing {source.name}…")
                return fmt.read(store, source, ImportRequest(user=user, progress=progress))

        self._import(job, source.name)

    def export_other(self) -> None:
        """File > Export as…: every format of the registry (a folder for brat standoff), written in the background.

        The file type picked decides; without one, the file's ending does (no known ending: a folder format). A
        name ending like another format's file gets the picked format's ending (a folder: none).
        """
        writers, filters = registry.writable(), export_filters()
        project_path = Path(self.session.store.path)
        first = FORMATS[next(iter(filters.values()))]  # the file type the dialog starts with
        default = str(start_folder(project_path.parent) / project_path.with_suffix(first.suffixes[0]).name)
        path, chosen = QFileDialog.getSaveFileName(self.parent, "Export as", default, ";;".join(filters))
        if not path:
            return
        remember_folder(path)
        fmt = FORMATS[filters[chosen]] if chosen in filters else registry.by_suffix(path, writers) or first
        suffix = Path(path).suffix.lower()
        if suffix not in fmt.suffixes and any(suffix in f.suffixes for f in writers):
            path = str(Path(path).with_suffix("" if fmt.folder else fmt.suffixes[0]))
        self._export_to(fmt, path, ExportOptions(excel=chosen == EXCEL_CSV))
