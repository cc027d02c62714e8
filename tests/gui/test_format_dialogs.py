"""The window's file dialogs are built from the formats registry (annotator/core/formats/registry.py): every format
registered is offered by a dialog of the File menu and written or read through it.

The command line's side and the formats table are checked in tests/core/test_format_registry.py.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from annotator.core.formats import registry
from annotator.core.formats.import_report import ImportReport
from annotator.core.formats.registry import FORMATS, Format, Written
from annotator.core.store import Store
from annotator.gui import actions as A
from annotator.gui.controllers.files import EXCEL_CSV, export_filters, export_type, import_filters, import_type

from gui_helpers import tag

IMPORTS = (A.IMPORT_SET, A.IMPORT_PROJECT, A.IMPORT_OTHER)
EXPORTS = (A.EXPORT_JSON, A.EXPORT_CSV, A.EXPORT_OTHER)


def offered(window, monkeypatch) -> tuple[set[str], set[str]]:
    """The file types of every import and export dialog of the File menu (each dialog cancelled)."""
    reading, writing = set(), set()
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda parent, title, start, filters, *a, **k: reading.update(filters.split(";;")) or ("", ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda parent, title, start, filters, *a, **k: writing.update(filters.split(";;")) or ("", ""))
    for action in (*IMPORTS, *EXPORTS):
        window.actions[action].trigger()
    return reading, writing


def test_every_format_is_offered_by_a_dialog_of_the_file_menu(window, monkeypatch):
    reading, writing = offered(window, monkeypatch)
    assert {import_type(f) for f in registry.readable()} <= reading
    assert {export_type(f) for f in registry.writable()} | {EXCEL_CSV} <= writing
    tips = {action: window.actions[action].statusTip() for action in (A.IMPORT_OTHER, A.EXPORT_OTHER)}
    assert all(f.title in tips[A.IMPORT_OTHER] for f in registry.readable() if f.other_tool)
    assert all(f.title in tips[A.EXPORT_OTHER] for f in registry.writable())


@pytest.mark.parametrize("chosen", list(export_filters()))
def test_export_as_writes_every_format(window, tmp_path, monkeypatch, errors, chosen):
    """File > Export as… with each file type, keeping the name the dialog suggests (``project.qdpx``): the format
    picked is written, under its own ending (a folder: none), and a format that is read reads it back."""
    fmt = FORMATS[export_filters()[chosen]]
    tag(window, 0, "Steve Witkoff", "Actor")
    tag(window, 1, "seven people", "Figure")
    suggested, folder = [], tmp_path / "exports"
    folder.mkdir()

    def save(parent, title, start, filters, *a, **k):
        suggested.append(Path(start).name)
        return str(folder / Path(start).name), chosen

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    window.actions[A.EXPORT_OTHER].trigger()
    assert errors == []
    written = folder / Path(suggested[0]).with_suffix("" if fmt.folder else fmt.suffixes[0]).name
    assert written.exists() and sorted(p.name for p in folder.iterdir()) == [written.name]
    assert window.statusBar().currentMessage().endswith(f"exported to {written}.")
    if fmt.reader is None:
        header, *rows = csv.reader(io.StringIO(written.read_text(encoding="utf-8-sig"), newline=""))
        assert header and len(rows) == (0 if "links" in fmt.carries else 2)
        assert written.read_bytes().startswith(b"\xef\xbb\xbf") == (chosen == EXCEL_CSV)
        return
    with Store.open(tmp_path / "fresh.sqlite", create=True) as fresh:
        assert fmt.read(fresh, written).added == 2


def test_a_format_registered_is_offered_and_used_by_the_window(window, tmp_path, monkeypatch, errors):
    """A new entry in the registry is all it takes: Export as… and Import from other tools offer it and use it."""
    tag(window, 0, "Steve Witkoff", "Actor")

    def write_tsv(store, out, selection, progress, options):
        rows = [f"{a.label}\t{a.quote}\n" for a in store.iter_annotations()]
        out.writelines(rows)
        return Written(len(rows))

    def read_tsv(store, path, request):
        return ImportReport(skipped=len(Path(path).read_text(encoding="utf-8").splitlines()))

    tsv = Format("tsv", "labels and quotes, TSV", (".tsv",), frozenset({"spans"}), read_tsv, write_tsv,
                 other_tool=True)
    monkeypatch.setitem(FORMATS, "tsv", tsv)
    assert export_filters()["labels and quotes, TSV (*.tsv)"] == "tsv"
    assert import_filters()["labels and quotes, TSV (*.tsv)"] == "tsv"
    out = tmp_path / "out.tsv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "labels and quotes, TSV (*.tsv)"))
    window.actions[A.EXPORT_OTHER].trigger()
    assert out.read_text(encoding="utf-8") == "Actor\tSteve Witkoff\n"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), "labels and quotes, TSV (*.tsv)"))
    window.actions[A.IMPORT_OTHER].trigger()
    assert errors == []
    assert window.statusBar().currentMessage() == "0 annotations imported; 1 already present."
