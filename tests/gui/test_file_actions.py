"""File menu actions through patched file dialogs: add documents, import and export sets, bad input."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import jsonschema
from PySide6.QtWidgets import QDialog, QFileDialog, QTableWidget

from annotator.core.formats.csv_set import COLUMNS
from annotator.core.paths import resources_dir
from annotator.gui import actions as A
from annotator.gui.dialogs.add_documents import AddDocumentsDialog
from annotator.gui.dialogs.shortcuts import ShortcutsDialog

from gui_helpers import colleague_set, tag


def test_add_documents_with_edited_title(window, tmp_path, monkeypatch):
    article = tmp_path / "cable.txt"
    article.write_bytes("Kyiv cable\r\n\r\nThe envoy met the minister 🇺🇦.\r\n".encode())
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"\x00\x01binary")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(article), str(bad)], ""))

    def fake_exec(dialog):
        assert dialog.errors and "scan.txt" in dialog.errors[0]
        dialog.table.item(0, 1).setText("Cable from Kyiv")
        dialog.set_all("Source", "Embassy")
        dialog.set_all("Published", "2025-11-26")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AddDocumentsDialog, "exec", fake_exec)
    window.actions[A.ADD_DOCUMENTS].trigger()
    docs = window.session.store.documents()
    assert len(docs) == 3
    added = docs[-1]
    assert (added.title, added.source, added.published) == ("Cable from Kyiv", "Embassy", "2025-11-26")
    assert window.session.store.document_text(added.id) == "Kyiv cable\n\nThe envoy met the minister 🇺🇦.\n"
    assert window.panes[window.active_pane].document_id == added.id
    assert window.panes[0].chooser.count() == 3


def test_export_json_and_csv(window, tmp_path, monkeypatch):
    tag(window, 0, "Steve Witkoff", "Actor")
    tag(window, 1, "seven people", "Figure")
    out_json, out_csv = tmp_path / "set.json", tmp_path / "set.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out_json), ""))
    window.actions[A.EXPORT_JSON].trigger()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out_csv), ""))
    window.actions[A.EXPORT_CSV].trigger()
    data = json.loads(out_json.read_text(encoding="utf-8"))
    schema = json.loads((resources_dir() / "schemas" / "annotation-set.schema.json").read_text())
    jsonschema.validate(data, schema)
    texts = {d["id"]: d["text"] for d in data["documents"]}
    assert sorted(a["quote"] for a in data["annotations"]) == ["Steve Witkoff", "seven people"]
    for a in data["annotations"]:
        assert texts[a["document"]][a["start"]:a["end"]] == a["quote"]
    with out_csv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 3


def test_import_set_as_colleague_and_again(window, tmp_path, monkeypatch):
    colleague_set(window, tmp_path, monkeypatch)
    window.actions[A.IMPORT_SET_AS].trigger()
    window.actions[A.IMPORT_SET_AS].trigger()  # idempotent
    anns = window.session.store.annotations()
    assert sorted(a.annotator for a in anns) == ["bob", "tester"]
    assert window.dock.visible_count() == 2
    assert len(window.panes[0].view.span_ids_at(anns[0].start)) == 2


def test_bad_import_shows_one_message_and_changes_nothing(window, tmp_path, monkeypatch, errors):
    truncated = tmp_path / "cut.json"
    truncated.write_text('{"format": "annotator.annotation-set", "version": 1, "annotations": [', encoding="utf-8")
    path = Path(window.session.store.path)
    window.session.store.checkpoint()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(truncated), ""))
    window.actions[A.IMPORT_SET].trigger()
    assert len(errors) == 1 and "not valid JSON" in errors[0]
    window.session.store.checkpoint()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_context_menu_and_shortcuts_dialog(window, monkeypatch):
    tag(window, 0, "Steve Witkoff", "Actor")
    view = window.panes[0].view
    ann = window.session.store.annotations()[0]
    view.context_menu_requested.emit(ann.start + 1, view.mapToGlobal(view.rect().center()))
    menu = window.context_menu
    titles = [a.text() for a in menu.actions()]
    assert any("Actor: 'Steve Witkoff'" in t for t in titles)
    sub = next(a.menu() for a in menu.actions() if a.menu() and "Actor" in a.text())
    relabel = next(a for a in sub.actions() if a.text() == "Change label to Claim")
    relabel.trigger()
    assert window.session.store.annotation(ann.id).label == "Claim"
    menu.close()
    seen = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda self: seen.append(self) or 0)
    window.actions[A.SHORTCUTS].trigger()
    table = seen[0].findChild(QTableWidget, "shortcuts")
    rows = {table.item(r, 1).text(): table.item(r, 0).text() for r in range(table.rowCount())}
    assert rows["2 Actor"] == "2" and rows["Undo"] == "Ctrl+Z" and rows["Write note"] == "N"


def test_hover_tooltip_names_label_annotator_and_note(window):
    tag(window, 0, "Steve Witkoff", "Actor")
    ann = window.session.store.annotations()[0]
    tip = window.panes[0].view.tooltip_at(ann.start)
    assert "Actor" in tip and "tester" in tip and ann.modified[:10] in tip


def test_new_project_from_a_scheme_file(window, tmp_path, monkeypatch):
    from annotator.gui import app as gui_app

    scheme = tmp_path / "team.json"
    scheme.write_text('{"format": "annotator.label-scheme", "version": 1, "labels": ['
                      '{"name": "Person", "color": "#E69F00", "shortcut": "1"},'
                      '{"name": "Number", "color": "#009E73", "shortcut": "2"}]}', encoding="utf-8")
    target = tmp_path / "case.sqlite"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(scheme), ""))
    window.actions[A.NEW_PROJECT].trigger()
    opened = gui_app._WINDOWS[-1]
    try:
        assert [lb.name for lb in opened.session.store.labels()] == ["Person", "Number"]
        assert [a.text() for a in opened.label_bar.label_actions] == ["1 Person", "2 Number"]
        assert opened.session.store.documents() == []
    finally:
        opened.close()
        opened.session.store.close()
