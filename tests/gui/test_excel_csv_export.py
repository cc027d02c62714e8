"""File > Export as CSV offers *CSV for Excel*: UTF-8 with a byte order mark, so Arabic and Cyrillic open right."""

from __future__ import annotations

import codecs
import csv
import io

from PySide6.QtWidgets import QFileDialog

from annotator.core.formats.csv_set import COLUMNS
from annotator.gui import actions as A
from annotator.core.formats.registry import FORMATS
from annotator.gui.controllers.files import EXCEL_CSV, export_type

from gui_helpers import tag


def test_export_as_csv_for_excel(window, tmp_path, monkeypatch):
    tag(window, 0, "Steve Witkoff", "Actor")
    offered = []

    def save(parent, title, start, filters, **kwargs):
        offered.append(filters.split(";;"))
        return str(tmp_path / name), chosen

    plain_csv = export_type(FORMATS["csv"])
    for name, chosen in (("excel.csv", EXCEL_CSV), ("plain.csv", plain_csv)):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
        window.actions[A.EXPORT_CSV].trigger()
    assert offered == [[plain_csv, EXCEL_CSV]] * 2
    excel, plain = (tmp_path / "excel.csv").read_bytes(), (tmp_path / "plain.csv").read_bytes()
    assert excel.startswith(codecs.BOM_UTF8) and excel[len(codecs.BOM_UTF8):] == plain
    header, row = csv.reader(io.StringIO(excel.decode("utf-8-sig"), newline=""))
    assert tuple(header) == COLUMNS and row[COLUMNS.index("quote")] == "Steve Witkoff"
