"""Issue 10, D7: Export and Import leave a visible message; adding documents asks before replacing a pane."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotator.gui import actions as A
from annotator.gui.dialogs.add_documents import AddDocumentsDialog


def message_shown(window) -> str:
    """The status-bar message, if it is on screen (not covered by the counts)."""
    bar = window.statusBar()
    return bar.currentMessage() if not window.status_counts.isVisible() else ""


def test_export_and_import_messages_are_visible(window, tmp_path, monkeypatch, errors, qtbot):
    out = tmp_path / "mine.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.actions[A.EXPORT_JSON].trigger()
    assert "exported to" in message_shown(window)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
    window.actions[A.IMPORT_SET].trigger()
    assert "imported" in message_shown(window)
    # When the message times out the counts come back.
    window.statusBar().clearMessage()
    assert window.status_counts.isVisible()
    assert errors == []


def add_one(window, tmp_path, monkeypatch, answer):
    article = tmp_path / "new.txt"
    article.write_text("A new report on the talks in Geneva.\n", encoding="utf-8")
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(article)], ""))
    monkeypatch.setattr(AddDocumentsDialog, "exec", lambda self: AddDocumentsDialog.DialogCode.Accepted)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or answer)
    window.actions[A.ADD_DOCUMENTS].trigger()
    return asked


def test_adding_a_document_asks_before_replacing_the_pane(window, tmp_path, monkeypatch):
    before = window.pane_document(0)
    asked = add_one(window, tmp_path, monkeypatch, QMessageBox.StandardButton.No)
    assert asked and "in place of" in asked[0]
    assert window.pane_document(0) == before
    assert "open it from the Library" in window.statusBar().currentMessage()
    assert len(window.session.store.documents()) == 3


def test_adding_a_document_replaces_the_pane_when_told_to(window, tmp_path, monkeypatch):
    before = window.pane_document(0)
    add_one(window, tmp_path, monkeypatch, QMessageBox.StandardButton.Yes)
    assert window.pane_document(0) != before
    assert window.session.store.document(window.pane_document(0)).title.startswith("A new report")
