"""Every exchange format in one table: its name, its files, its reader and writer, and what it carries.

:data:`FORMATS` is the one list of formats. The command line's ``-f`` choices, help texts and dispatch
(``annotator import`` / ``annotator export``), the window's file dialogs (File > Import…, File > Export…) and the
formats table of README.md and docs/formats.md (:func:`markdown_table`) are built from it;
``tests/core/test_format_registry.py`` and ``tests/gui/test_format_dialogs.py`` check that every format
registered is reachable from each. How to add one: docs/architecture.md, "Adding a format".

A reader and a writer call into their format's module, loaded on first use (``core/lazy.py``): ``annotator
--help`` and the window's start import none of the format modules through this table.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TextIO

from annotator.core.lazy import lazy_module

if TYPE_CHECKING:  # the formats themselves, loaded on first use (docs/architecture.md, "Loaded on first use")
    from annotator.core.formats import brat, csv_set, interop, json_import, json_set, project_set, qdpx, w3c
    from annotator.core.formats.import_report import ImportReport
    from annotator.core.formats.interop import Progress
    from annotator.core.formats.json_set import Selection
    from annotator.core.store import Store

    #: ``reader(store, path, request)``: the file at ``path`` imported into ``store`` (one transaction).
    Reader = Callable[[Store, str | os.PathLike, "ImportRequest"], ImportReport]
    #: ``writer(store, target, selection, progress, options)``: ``target`` is a text stream for a streamed format,
    #: else the path of the file or folder to write (the writer makes it appear whole).
    Writer = Callable[[Store, TextIO | str | os.PathLike, Selection | None, Progress | None, "ExportOptions"],
                      "Written"]
else:
    brat = lazy_module("annotator.core.formats.brat")
    csv_set = lazy_module("annotator.core.formats.csv_set")
    interop = lazy_module("annotator.core.formats.interop")
    json_import = lazy_module("annotator.core.formats.json_import")
    json_set = lazy_module("annotator.core.formats.json_set")
    project_set = lazy_module("annotator.core.formats.project_set")
    qdpx = lazy_module("annotator.core.formats.qdpx")
    w3c = lazy_module("annotator.core.formats.w3c")

#: What a format can carry, in the order the formats table lists them.
CARRIES = ("spans", "links", "notes", "review decisions", "documents' text", "scheme", "label tree", "memos",
           "attributes")
#: What each of :data:`CARRIES` means, for the table's legend.
CARRIES_MEANING = {
    "spans": "the annotations: document, label, start, end, quote, annotator",
    "links": "the links between annotations",
    "notes": "an annotation's note",
    "review decisions": "status, reviewer, when and why",
    "documents' text": "the documents' texts, so that a project that lacks them can import the file",
    "scheme": "the labels with their colours (and descriptions, where the format has a place for them)",
    "label tree": "each label's parent, and the categories that hold labels but tag nothing",
    "memos": "the project memo and the memos on documents and labels (codes)",
    "attributes": "attributes on spans (`certainty: reported`, `negated`) and what each label declares",
}


# NamedTuples rather than dataclasses: the window imports this module as it starts, and building a dataclass class
# costs about a millisecond (a NamedTuple a tenth of that).
class ImportRequest(NamedTuple):
    """What an import is asked to do, whatever the format (each reader uses what its format needs)."""

    #: ``--as NAME``: every annotation filed under this annotator.
    as_annotator: str | None = None
    #: ``--annotator NAME`` (formats with the ``annotator`` option): the annotator of annotations naming nobody.
    annotator: str | None = None
    #: Who is importing (brat's annotator outside a folder-per-annotator layout); default: the OS user.
    user: str | None = None
    #: The file's name in messages (default: its own).
    name: str | None = None
    progress: Progress | None = None


class ExportOptions(NamedTuple):
    """How to write: ``include_text`` (``--no-text`` clears it) and ``excel`` (``--excel``), for the formats that take
    them (:attr:`Format.options`)."""

    include_text: bool = True
    excel: bool = False


class Written(NamedTuple):
    """What an export wrote: how many annotations, and what it left out and why (brat only, today)."""

    count: int
    left_out: ImportReport | None = None


class Format(NamedTuple):
    """One exchange format: the row of the formats table, and how to read and write it."""

    #: The ``-f`` name on the command line.
    name: str
    #: For humans: the file dialogs' file types and the formats table.
    title: str
    #: The file name endings it is read from (the first one is what an export is named); none for a folder.
    suffixes: tuple[str, ...]
    #: A subset of :data:`CARRIES`.
    carries: frozenset[str]
    reader: Reader | None = None
    writer: Writer | None = None
    #: True: the export is a folder of files; False: one file.
    folder: bool = False
    #: True: the writer writes text to a stream (standard output, or a file written whole); False: it writes
    #: the file or folder at a path itself (``-o`` is then needed).
    streamed: bool = True
    #: Options it takes: ``annotator`` (import: ``--annotator``), ``include_text`` (``--no-text``), ``excel``.
    options: frozenset[str] = frozenset()
    #: Another tool's format (File > Import from other tools); annotator's own have their own menu entries.
    other_tool: bool = False
    #: File names that stand for the folder in a file dialog (brat: a folder's ``annotation.conf``).
    picks: tuple[str, ...] = ()
    #: Who reads or writes it besides annotator, for the formats table.
    tools: str = ""
    #: What its writer counts, singular and plural: ``("annotation", "annotations")`` unless it writes links.
    unit: tuple[str, str] = ("annotation", "annotations")

    def counted(self, n: int) -> str:
        """``n`` of what it writes: ``1 annotation``, ``3 links``."""
        return f"{n} {self.unit[n != 1]}"

    @property
    def patterns(self) -> str:
        """The file dialog patterns of the files it is read from: ``*.jsonld *.json``, ``*.ann annotation.conf``."""
        return " ".join([*(f"*{s}" for s in self.suffixes), *self.picks])

    def read(self, store: Store, path: str | os.PathLike, request: ImportRequest | None = None) -> ImportReport:
        """Import the file at ``path`` into ``store`` (one transaction); what it did."""
        if self.reader is None:
            raise ValueError(f"{self.name} is not imported")
        return self.reader(store, path, request or ImportRequest())

    def write(self, store: Store, target: TextIO | str | os.PathLike, selection: Selection | None = None,
              progress: Progress | None = None, options: ExportOptions | None = None) -> Written:
        """Export the selected annotations of ``store`` to ``target`` (see :data:`Writer`)."""
        if self.writer is None:
            raise ValueError(f"{self.name} is not exported")
        return self.writer(store, target, selection, progress, options or ExportOptions())


# ----------------------------------------------------------------------- readers
def _read_json(store: Store, path: str | os.PathLike, request: ImportRequest) -> ImportReport:
    # Streamed from the file: a set of a million annotations is never all in memory.
    return json_import.import_json_file(store, path, as_annotator=request.as_annotator,
                                        name=request.name or Path(path).name, progress=request.progress)


def _read_project(store: Store, path: str | os.PathLike, request: ImportRequest) -> ImportReport:
    data = project_set.read_project_set(path, store)
    return json_import.import_json(store, data, as_annotator=request.as_annotator,
                                   name=request.name or Path(path).name, progress=request.progress)


def _read_qdpx(store: Store, path: str | os.PathLike, request: ImportRequest) -> ImportReport:
    return qdpx.import_qdpx(store, path, as_annotator=request.as_annotator,
                            default_annotator=request.annotator or "unknown", name=request.name or Path(path).name,
                            progress=request.progress)


def _read_w3c(store: Store, path: str | os.PathLike, request: ImportRequest) -> ImportReport:
    return w3c.import_w3c(store, path, as_annotator=request.as_annotator,
                          default_annotator=request.annotator or "unknown", name=request.name or Path(path).name,
                          progress=request.progress)


def _read_brat(store: Store, path: str | os.PathLike, request: ImportRequest) -> ImportReport:
    return brat.import_brat(store, path, annotator=request.annotator, as_annotator=request.as_annotator,
                            default_annotator=request.user or interop.current_user(),
                            name=request.name or Path(path).name, progress=request.progress)


# ----------------------------------------------------------------------- writers
def _write_json(store, out, selection, progress, options: ExportOptions) -> Written:
    return Written(json_set.export_json(store, out, selection, include_text=options.include_text, progress=progress))


def _write_csv(store, out, selection, progress, options: ExportOptions) -> Written:
    return Written(csv_set.export_csv(store, out, selection, progress=progress, excel=options.excel))


def _write_links_csv(store, out, selection, progress, options: ExportOptions) -> Written:
    return Written(csv_set.export_links_csv(store, out, selection))


def _write_qdpx(store, path, selection, progress, options: ExportOptions) -> Written:
    return Written(qdpx.export_qdpx(store, path, selection, progress=progress))


def _write_w3c(store, out, selection, progress, options: ExportOptions) -> Written:
    return Written(w3c.export_w3c(store, out, selection, include_text=options.include_text, progress=progress))


def _write_brat(store, folder, selection, progress, options: ExportOptions) -> Written:
    count, left_out = brat.export_brat(store, folder, selection, progress=progress)
    return Written(count, left_out)


_ALL = frozenset(CARRIES)

#: Every format, by its ``-f`` name, in the order the command line, the dialogs and the table list them.
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("json", "JSON annotation set", (".json",), _ALL, _read_json, _write_json,
           options=frozenset({"include_text"})),
    Format("csv", "annotations as CSV", (".csv",), frozenset({"spans", "notes", "review decisions", "attributes"}),
           writer=_write_csv, options=frozenset({"excel"}), tools="spreadsheets"),
    Format("links-csv", "links as CSV", (".csv",), frozenset({"links"}), writer=_write_links_csv,
           tools="spreadsheets", unit=("link", "links")),
    Format("project", "annotator project", (".sqlite",), _ALL, _read_project),
    Format("qdpx", "REFI-QDA project", (".qdpx",), _ALL - {"review decisions", "attributes"}, _read_qdpx, _write_qdpx,
           streamed=False, options=frozenset({"annotator"}), other_tool=True,
           tools="MAXQDA, NVivo, ATLAS.ti, QualCoder"),
    Format("w3c", "W3C Web Annotation", (".jsonld", ".json"), _ALL - {"memos"}, _read_w3c, _write_w3c,
           options=frozenset({"annotator", "include_text"}), other_tool=True, tools="Hypothesis, Recogito"),
    Format("brat", "brat standoff", (".ann",), _ALL - {"review decisions", "memos"}, _read_brat, _write_brat, folder=True,
           streamed=False, options=frozenset({"annotator"}), other_tool=True, picks=("annotation.conf",),
           tools="brat, INCEpTION"),
)}


def readable() -> list[Format]:
    """The formats that are imported, in table order."""
    return [f for f in FORMATS.values() if f.reader is not None]


def writable() -> list[Format]:
    """The formats that are exported, in table order."""
    return [f for f in FORMATS.values() if f.writer is not None]


def taking(option: str, formats: list[Format]) -> list[Format]:
    """Those of ``formats`` that take ``option``."""
    return [f for f in formats if option in f.options]


def by_suffix(path: str | os.PathLike, formats: list[Format]) -> Format | None:
    """The first of ``formats`` whose files end like ``path``; for a name without a known ending, the first that
    writes a folder (or None)."""
    suffix = Path(path).suffix.lower()
    found = next((f for f in formats if suffix and suffix in f.suffixes), None)
    return found or next((f for f in formats if f.folder), None)


def titles(formats: list[Format], name: Callable[[Format], str] = lambda f: f.title) -> str:
    """``A, B or C``: the formats' titles (or what ``name`` says of each), for a help text or a message."""
    names = [name(f) for f in formats]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


#: The lines around the formats table in README.md and docs/formats.md.
TABLE_BEGIN = "<!-- the formats table: python -m annotator.core.formats.registry writes it -->"
TABLE_END = "<!-- end of the formats table -->"


def markdown_table() -> str:
    """The formats table of README.md and docs/formats.md, between :data:`TABLE_BEGIN` and :data:`TABLE_END`, and
    the meaning of its columns (tests/core/test_format_registry.py keeps both files current)."""
    head = ["Format", "`-f`", "Files", "Import", "Export", *(c[0].upper() + c[1:] for c in CARRIES), "Tools"]
    lines = [TABLE_BEGIN, "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for f in FORMATS.values():
        files = "a folder" if f.folder else ", ".join(f"`{s}`" for s in f.suffixes)
        if f.folder and f.suffixes:
            files += " (import: or one " + " or ".join(f"`{s}`" for s in f.suffixes) + ")"
        cells = [f.title, f"`{f.name}`", files, "yes" if f.reader else "", "yes" if f.writer else "",
                 *("yes" if c in f.carries else "" for c in CARRIES), f.tools or "annotator"]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "What a format carries:", "", *(f"- *{c}*: {CARRIES_MEANING[c]}" for c in CARRIES), "", TABLE_END]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown_table(), end="")
