"""Issue 10, D5: the Add documents and details dialogs read common date forms, store ISO, refuse the rest inline."""

from __future__ import annotations

from pathlib import Path

from annotator.core.formats.documents import Article
from annotator.gui.dialogs.add_documents import PUBLISHED, AddDocumentsDialog
from annotator.gui.panels.library_dock import DocumentDetailsDialog


def test_add_documents_stores_iso_and_refuses_other_text_inline(qtbot):
    articles = [Article(Path("a.txt"), "Text one.", "One", published="26 November 2025"),
                Article(Path("b.txt"), "Text two.", "Two")]
    dialog = AddDocumentsDialog(articles, [])
    qtbot.addWidget(dialog)
    assert dialog.table.item(0, PUBLISHED).text() == "2025-11-26"  # what the file said, shown as stored
    assert dialog.ok.isEnabled()
    dialog.table.item(1, PUBLISHED).setText("tomorrow")
    assert not dialog.ok.isEnabled()
    assert "b.txt" in dialog.date_problem.text() and "YYYY-MM-DD" in dialog.date_problem.text()
    assert "YYYY-MM-DD" in dialog.table.item(1, PUBLISHED).toolTip()
    dialog.table.item(1, PUBLISHED).setText("26/11/2025")
    assert dialog.ok.isEnabled() and dialog.date_problem.text() == ""
    assert [meta["published"] for _, meta in dialog.entries()] == ["2025-11-26", "2025-11-26"]


def test_details_dialog_refuses_tomorrow(window, qtbot):
    doc = window.session.store.documents()[0]
    dialog = DocumentDetailsDialog(doc, window)
    qtbot.addWidget(dialog)
    dialog.fields["published"].setText("tomorrow")
    assert not dialog.ok.isEnabled() and "YYYY-MM-DD" in dialog.date_problem.text()
    dialog.fields["published"].setText("Nov 26, 2025")
    assert dialog.ok.isEnabled()
    assert dialog.values()["published"] == "2025-11-26"
    dialog.fields["published"].setText("")
    assert dialog.ok.isEnabled() and dialog.values()["published"] is None
