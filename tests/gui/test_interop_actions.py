"""File > Export as… and File > Import from other tools: REFI-QDA, W3C and brat through patched dialogs."""

from __future__ import annotations

import zipfile

import pytest
from PySide6.QtWidgets import QFileDialog

from annotator.gui import actions as A
from annotator.gui.controllers import files as file_actions
from annotator.gui.dialogs.import_summary import ImportSummaryDialog

from gui_helpers import tag


def _filter(fmt: str, filters: dict) -> str:
    return next(name for name, value in filters.items() if value == fmt)


@pytest.mark.parametrize("fmt, name", [("qdpx", "out.qdpx"), ("w3c", "out.jsonld"), ("brat", "out")])
def test_export_then_import_back_changes_nothing(window, tmp_path, monkeypatch, fmt, name):
    tag(window, 0, "Steve Witkoff", "Actor")
    tag(window, 1, "seven people", "Figure")
    store = window.session.store
    before = sorted((a.document, a.start, a.end, a.label, a.annotator) for a in store.iter_annotations())
    target = tmp_path / name
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), _filter(fmt, file_actions.export_filters())))
    window.actions[A.EXPORT_OTHER].trigger()
    assert target.exists()
    assert "2 annotations exported" in window.statusBar().currentMessage()
    if fmt == "qdpx":
        assert "project.qde" in zipfile.ZipFile(target).namelist()
    picked = target / "annotation.conf" if fmt == "brat" else target
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(picked), ""))
    window.actions[A.IMPORT_OTHER].trigger()
    assert window.statusBar().currentMessage().startswith("0 annotations imported; 2 already present")
    after = sorted((a.document, a.start, a.end, a.label, a.annotator) for a in store.iter_annotations())
    assert after == before


def test_what_was_left_out_is_shown_in_one_summary(window, tmp_path, monkeypatch):
    store = window.session.store
    doc = store.documents()[0]
    text = store.document_text(doc.id)
    start = text.index("Witkoff")
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "a.ann").write_text(f"T1\tActor {start} {start + 7}\tWitkoff\nE1\tMeet:T1\nA1\tNeg E1\n",
                                  encoding="utf-8")
    shown = []
    monkeypatch.setattr(ImportSummaryDialog, "exec", lambda self: shown.append(self.text()) or 1)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(folder / "a.ann"), ""))
    window.actions[A.IMPORT_OTHER].trigger()
    (message,) = shown
    assert message.startswith("1 annotation imported")
    assert "1 × event lines (E)" in message and "1 × attribute lines (A)" in message
    (ann,) = store.iter_annotations()
    assert (ann.quote, ann.annotator) == ("Witkoff", window.session.user)


def test_a_bad_file_is_one_error_and_changes_nothing(window, tmp_path, monkeypatch, errors):
    bad = tmp_path / "bad.qdpx"
    bad.write_text("not a zip")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    window.actions[A.IMPORT_OTHER].trigger()
    assert len(errors) == 1 and "bad.qdpx" in errors[0]
    assert list(window.session.store.iter_annotations()) == []
