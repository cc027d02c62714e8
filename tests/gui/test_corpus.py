"""Corpus work in the window: library, find, corpus search, tag all occurrences, paste, drag and drop."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QMessageBox

from annotator.gui import actions as A
from annotator.gui.dialogs.add_documents import AddDocumentsDialog
from annotator.gui.panels.search_dock import OTHER_SCRIPTS, SearchDock
from annotator.gui.settings import settings


def accept_dialog(monkeypatch, seen=None):
    def fake_exec(dialog):
        if seen is not None:
            seen.append(dialog)
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(AddDocumentsDialog, "exec", fake_exec)


def test_library_lists_documents_with_counts_and_opens_them(window):
    lib = window.corpus.library
    assert lib.model.rowCount() == 2
    assert lib.model.headerData(4, Qt.Orientation.Horizontal) == "Claim"
    view = window.panes[0].view
    start = view.text().index("Steve Witkoff")
    view.set_selection(start, start + 13)
    window.pane_state.set_active(0)
    window.apply_label("Actor")
    row = next(r for r in range(lib.proxy.rowCount()) if lib.proxy.index(r, 0).data().startswith("Donald"))
    actor_col = 4 + lib.model.labels.index("Actor")
    assert lib.proxy.index(row, actor_col).data() == "1"
    lib.filter.setText("reuters")
    assert lib.proxy.rowCount() == 1
    lib.table.setCurrentIndex(lib.proxy.index(0, 0))
    lib.buttons["left"].click()
    assert window.panes[0].document_id == window.panes[1].document_id


def test_edit_details_and_delete_document_are_undoable(window, monkeypatch):
    store = window.session.store
    ft = window.panes[0].document_id
    window.corpus.library.select(ft)
    from annotator.gui.panels.library_dock import DocumentDetailsDialog

    def fake_exec(dialog):
        dialog.fields["title"].setText("FT: envoy to Moscow")
        dialog.fields["url"].setText("https://example.org/ft")
        return QDialog.DialogCode.Accepted
    monkeypatch.setattr(DocumentDetailsDialog, "exec", fake_exec)
    window.corpus.library.buttons["edit"].click()
    assert (store.document(ft).title, store.document(ft).url) == ("FT: envoy to Moscow", "https://example.org/ft")
    assert "FT: envoy to Moscow" in window.panes[0].chooser.currentText()
    view = window.panes[0].view
    start = view.text().index("Vladimir Putin")
    view.set_selection(start, start + 14)
    window.pane_state.set_active(0)
    window.apply_label("Actor")
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)
    window.corpus.library.select(ft)
    window.corpus.library.buttons["delete"].click()
    assert "1 annotation" in asked[0]
    assert [d.id for d in store.documents()] != [] and ft not in [d.id for d in store.documents()]
    assert window.panes[0].document_id != ft
    window.session.undo_stack.undo()
    assert ft in [d.id for d in store.documents()] and len(store.annotations(document=ft)) == 1
    window.session.undo_stack.undo()
    window.session.undo_stack.undo()
    assert store.document(ft).title.startswith("Donald Trump sends")


def test_find_highlights_matches_and_counts(window, qtbot):
    window.focus_pane(0)
    window.actions[A.FIND].trigger()
    bar = window.corpus.find_bar
    assert bar.isVisible()
    bar.edit.setText("putin")
    view = window.panes[0].view
    expected = view.text().lower().count("putin")
    assert len(bar.matches) == expected and bar.count.text() == f"1 of {expected}"
    window.actions[A.FIND_NEXT].trigger()
    assert bar.count.text() == f"2 of {expected}"
    bar.case.setChecked(True)
    assert len(bar.matches) == view.text().count("putin")
    bar.close_bar()
    assert not bar.isVisible() and len(view._matches) == 0


def test_corpus_search_opens_the_hit(window):
    dock = window.corpus.search
    dock.query.setText("Sergey Lavrov")
    dock.run()
    assert dock.table.rowCount() == 1 and "[Sergey Lavrov]" in dock.table.item(0, 2).text()
    dock.table.doubleClicked.emit(dock.table.model().index(0, 2))
    wire = window.panes[1]
    start, end = wire.view.selection_range()
    assert wire.view.text()[start:end] == "Sergey Lavrov"


def test_tag_all_occurrences_in_the_corpus_is_one_step(window, monkeypatch):
    answers = iter([("Actor", True), ("Every document", True)])
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: next(answers))
    view = window.panes[0].view
    start = view.text().index("Putin")
    view.set_selection(start, start + 5)
    window.pane_state.set_active(0)
    window.actions[A.TAG_ALL].trigger()
    store = window.session.store
    tagged = store.annotations(label="Actor")
    texts = {d.id: store.document_text(d.id) for d in store.documents()}
    import re
    expected = sum(len(re.findall(r"(?<!\w)Putin(?!\w)", t)) for t in texts.values())
    assert len(tagged) == expected > 3
    assert all(texts[a.document][a.start:a.end] == "Putin" for a in tagged)
    assert len({a.document for a in tagged}) == 2
    window.session.undo_stack.undo()
    assert store.annotations() == []


def test_paste_clipboard_text_as_a_document(window, monkeypatch):
    QApplication.clipboard().setText("Kremlin readout\r\nUshakov said the talks were useful.")
    seen = []
    accept_dialog(monkeypatch, seen)
    window.actions[A.PASTE_DOCUMENT].trigger()
    assert seen[0].table.item(0, 1).text() == "Kremlin readout"
    docs = window.session.store.documents()
    assert len(docs) == 3 and window.session.store.document_text(docs[-1].id).startswith("Kremlin readout\nUshakov")


def test_dropping_files_adds_them(window, tmp_path, monkeypatch):
    files = []
    for i in range(4):  # enough to be read in the background
        path = tmp_path / f"note{i}.md"
        path.write_text(f"# Note {i}\n\nThe envoy met official number {i}.\n", encoding="utf-8")
        files.append(path)
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    accept_dialog(monkeypatch)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in [*files, tmp_path / "photo.png"]])
    event = QDropEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    titles = [d.title for d in window.session.store.documents()]
    assert [t for t in titles if t.startswith("Note")] == ["Note 0", "Note 1", "Note 2", "Note 3"]


def test_adding_documents_is_one_undoable_step(window, tmp_path, monkeypatch):
    files = []
    for i in range(2):
        path = tmp_path / f"brief{i}.md"
        path.write_text(f"# Brief {i}\n\nThe envoy met official number {i}.\n", encoding="utf-8")
        files.append(str(path))
    accept_dialog(monkeypatch)
    store = window.session.store
    before = [d.id for d in store.documents()]
    window.corpus.add_paths(files)
    added = [d for d in store.documents() if d.id not in before]
    assert [d.title for d in added] == ["Brief 0", "Brief 1"]
    assert window.session.undo_stack.undoText() == "Add 2 documents"
    window.session.undo_stack.undo()
    assert [d.id for d in store.documents()] == before
    assert window.corpus.library.model.rowCount() == len(before)  # the library followed
    window.session.undo_stack.redo()
    assert [d.title for d in store.documents() if d.id not in before] == ["Brief 0", "Brief 1"]


def test_corpus_search_matches_other_scripts_unless_turned_off_and_remembers_it(window, qtbot):
    store = window.session.store
    store.add_document("Спецпосланник Стив Виткофф прибыл в Москву.", "RU wire")
    store.add_document("وصل المبعوث الخاص ستيف ويتكوف إلى موسكو.", "AR wire")
    window.session.documents_changed.emit()
    dock = window.corpus.search
    assert dock.other_scripts.isChecked()  # on by default
    dock.query.setText("Witkoff")
    dock.run()
    contexts = [dock.table.item(r, 2).text() for r in range(dock.table.rowCount())]
    assert any("[Виткофф]" in c for c in contexts) and any("[ويتكوف]" in c for c in contexts)
    assert any("[Witkoff]" in c for c in contexts)
    dock.other_scripts.click()  # searches again, Latin only
    contexts = [dock.table.item(r, 2).text() for r in range(dock.table.rowCount())]
    assert contexts and all("[Witkoff]" in c for c in contexts if c.startswith("…"))
    assert not any("Виткофф" in c or "ويتكوف" in c for c in contexts)
    assert settings().value(OTHER_SCRIPTS, True, type=bool) is False
    again = SearchDock(window.session)
    qtbot.addWidget(again)
    assert again.other_scripts.isChecked() is False  # remembered
