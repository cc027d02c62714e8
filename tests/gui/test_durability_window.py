"""The window and durability: other processes' edits, undo, read-only projects, backups, damaged files."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from gui_helpers import close_windows, colleague_set, open_project_window, tag
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMessageBox

from annotator.core.store import backup
from annotator.core.store import Store
from annotator.core.text import document_id
from annotator.gui import actions as A
from annotator.gui import app as gui_app
from annotator.gui import background
from annotator.gui.controllers import durability


def _colleague_file(window, tmp_path) -> Path:
    """colleague.json: 12 annotations by bob (one on a document of bob's own, under a new label), and a link."""
    store = window.session.store
    doc = window.pane_document(0)
    text = store.document_text(doc)
    words = sorted({m.group() for m in re.finditer(r"[A-Z][a-z]{3,}", text)})[:11]
    anns = [{"id": f"bob-{i}", "document": doc, "label": "Actor", "start": text.index(w),
             "end": text.index(w) + len(w), "quote": w, "annotator": "bob"} for i, w in enumerate(words)]
    own = "Bob's own notes from Kyiv."
    anns.append({"id": "bob-own", "document": document_id(own), "label": "Place", "start": 20, "end": 24,
                 "quote": "Kyiv", "annotator": "bob"})
    data = {"format": "annotator.annotation-set", "version": 1,
            "documents": [{"id": doc}, {"id": document_id(own), "title": "Bob's notes", "text": own}],
            "labels": [{"name": "Place", "color": "#56B4E9"}], "annotations": anns,
            "links": [{"id": "bob-link", "type": "same as", "source": "bob-0", "target": "bob-1", "annotator": "bob",
                       "created": "2025-11-26T10:00:00Z"}]}
    path = tmp_path / "colleague.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _project(store) -> tuple:
    return (store.documents(), store.labels(), store.annotators(), store.annotations(), store.links())


def test_an_import_is_one_undoable_step_that_leaves_earlier_steps_undoable(window, tmp_path, monkeypatch, errors):
    store, stack = window.session.store, window.session.undo_stack
    mine = tag(window, 0, "Vladimir Putin", "Actor")
    before = _project(store)
    path = _colleague_file(window, tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions[A.IMPORT_SET].trigger()
    assert window.statusBar().currentMessage().startswith("12 annotations imported")
    assert stack.count() == 2 and stack.undoText() == "Import 12 annotations from colleague.json"
    assert window.actions[A.UNDO].text() == "&Undo Import 12 annotations from colleague.json"
    after = _project(store)
    assert len(after[3]) == len(before[3]) + 12 and len(after[4]) == 1 and len(after[0]) == len(before[0]) + 1
    assert "bob-0" in window.sync.spans
    window.actions[A.UNDO].trigger()
    assert _project(store) == before
    assert "bob-0" not in window.sync.spans and mine.id in window.sync.spans
    assert [lb.name for lb in store.labels()] == [a.text().split(" ", 1)[1] for a in window.label_bar.label_actions]
    window.actions[A.REDO].trigger()
    assert _project(store) == after and "bob-0" in window.sync.spans
    window.actions[A.UNDO].trigger()
    window.actions[A.UNDO].trigger()  # the tag made before the import
    assert mine.id not in {a.id for a in store.annotations()} and stack.index() == 0
    window.actions[A.REDO].trigger()
    window.actions[A.REDO].trigger()
    assert _project(store) == after and errors == []


# ------------------------------------------------------------ another process
def apply_elsewhere(project, *edits) -> list[str]:
    """Run ``annotator apply`` in another process; returns the acknowledged ids."""
    feed = "".join(json.dumps(e) + "\n" for e in edits)
    done = subprocess.run([sys.executable, "-m", "annotator", "apply", str(project), "-"], input=feed.encode(),
                          capture_output=True, check=True, timeout=120)
    return [json.loads(line)["id"] for line in done.stdout.decode().splitlines()]


def test_edits_by_another_process_appear_and_clear_the_undo_history(window, qtbot, errors):
    mine = tag(window, 0, "Vladimir Putin", "Actor")
    doc = window.pane_document(0)
    start = window.panes[0].view.text().index("Witkoff")
    (theirs, _) = apply_elsewhere(window.session.store.path,
                                  {"op": "add", "document": doc, "start": start, "end": start + 7, "label": "Actor"},
                                  {"op": "delete", "id": mine.id})
    assert window.external.poll()
    qtbot.waitUntil(lambda: window.session.undo_stack.count() == 0)
    assert theirs in window.sync.spans and mine.id not in window.sync.spans
    assert window.statusBar().currentMessage() == durability.FOREIGN_MESSAGE
    assert not window.external.poll()  # seen once
    assert errors == []


def test_an_undo_never_removes_another_process_work_nor_fails_on_its_deletions(window, qtbot, errors):
    store = window.session.store
    mine = tag(window, 0, "Vladimir Putin", "Actor")
    other = tag(window, 0, "Witkoff", "Actor")
    (link,) = apply_elsewhere(store.path, {"op": "link", "source": mine.id, "target": other.id, "type": "same as"})
    window.actions[A.UNDO].trigger()  # before the idle poll has seen it: undo would delete their link's end
    qtbot.waitUntil(lambda: window.session.undo_stack.count() == 0)
    assert store.has_annotation(other.id) and store.has_link(link)
    third = tag(window, 0, "Moscow", "Claim")
    apply_elsewhere(store.path, {"op": "delete", "id": third.id})
    window.actions[A.UNDO].trigger()  # the span is gone: no crash, no error box, nothing re-created
    qtbot.waitUntil(lambda: window.session.undo_stack.count() == 0)
    assert not store.has_annotation(third.id) and third.id not in window.sync.spans
    assert errors == []


def test_the_window_resyncs_after_its_own_import(window, tmp_path, monkeypatch, errors):
    colleague_set(window, tmp_path, monkeypatch)
    window.actions[A.IMPORT_SET_AS].trigger()
    assert not window.external.poll()  # its own background connection is not "another program"
    assert "Another program" not in window.statusBar().currentMessage()


# ------------------------------------------------------------ read-only
def _project_with_a_document(path: Path) -> None:
    with Store.open(path) as store:
        doc, _ = store.add_document("Steve Witkoff will meet Vladimir Putin.\n", "Envoy")
        store.add_annotation(doc.id, "Actor", 0, 13, "alice")


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_project_shows_a_banner_disables_editing_and_still_exports(qtbot, tmp_path, monkeypatch, what):
    folder = tmp_path / "ro"
    folder.mkdir()
    project = folder / "p.sqlite"
    _project_with_a_document(project)
    if what == "folder" and os.geteuid() == 0:  # root writes anywhere: make the folder look read-only
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda p, mode, **k: False if mode == os.W_OK and Path(p) == folder
                            else real_access(p, mode, **k))
    (project if what == "file" else folder).chmod(0o444 if what == "file" else 0o555)
    try:
        window = gui_app.open_window(str(project), gui_app.settings(), user="tester")
        qtbot.addWidget(window)
        try:
            assert window.session.store.readonly
            banner = window.findChild(QLabel, "project_banner")
            assert banner.isVisibleTo(window) and "p.sqlite is read-only" in banner.text()
            for name in durability.EDITING:
                assert not window.actions[name].isEnabled(), name
            assert not window.label_bar.isEnabled()
            assert not any(action.isEnabled() for action in window.label_bar.label_actions)
            out = tmp_path / "out.json"
            monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
            window.actions[A.EXPORT_JSON].trigger()
            assert json.loads(out.read_text(encoding="utf-8"))["annotations"][0]["quote"] == "Steve Witkoff"
        finally:
            window.close()
            window.session.store.close()
            gui_app._WINDOWS.clear()
    finally:
        folder.chmod(0o755)
        project.chmod(0o644)
    assert sorted(p.name for p in folder.iterdir()) == ["p.sqlite"]  # no -wal or -shm left behind


# ------------------------------------------------------------ backups


def test_file_restore_from_backup_lists_backups_and_opens_the_chosen_one(qtbot, tmp_path, monkeypatch, errors):
    project = tmp_path / "p.sqlite"
    _project_with_a_document(project)
    try:
        window = open_project_window(qtbot, project)  # first open: a backup with one annotation
        tag(window, 0, "Vladimir Putin", "Actor")
        close_windows()
        window = open_project_window(qtbot, project)  # opened after a change: a second backup, with two
        shown = {}

        def exec_dialog(dialog):
            shown["rows"] = [dialog.list.item(i).text() for i in range(dialog.list.count())]
            dialog.list.setCurrentRow(1)  # the older one
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(durability.RestoreDialog, "exec", exec_dialog)
        target = tmp_path / "restored.sqlite"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
        window.actions["file.restore_backup"].trigger()
        assert len(shown["rows"]) == 2
        assert shown["rows"][0].endswith("1 documents, 2 annotations, 0 links")
        assert shown["rows"][1].endswith("1 documents, 1 annotations, 0 links")
        restored = gui_app._WINDOWS[-1]
        assert Path(restored.session.store.path) == target and restored.session.store.annotation_count() == 1
        assert window.session.store.annotation_count() == 2  # the open project is untouched
        assert errors == []
    finally:
        close_windows()


def test_file_restore_from_backup_runs_behind_the_progress_dialog(qtbot, tmp_path, monkeypatch, errors):
    """Issue 24: the restore (check and copy) runs in a worker thread with the imports' progress dialog, so the
    window keeps painting meanwhile; before, it ran on the GUI thread."""
    project = tmp_path / "p.sqlite"
    _project_with_a_document(project)
    big = tmp_path / "big.sqlite"
    text = "".join(f"Sentence {i} counts {i * 7919 % 100003} boats. " for i in range(60_000))
    with Store.open(big) as store:
        doc, _ = store.add_document(text, "Long")
        for i in range(300):
            store.add_annotation(doc.id, "Figure", 40 * i, 40 * i + 8, "alice", note="n" * 500)
    folder = backup.backup_folder(project)
    folder.mkdir(parents=True)
    backup.backup_project(big, folder / "20261201-120000-000000.sqlite")
    monkeypatch.setattr(backup, "_COPY_STEP", 1)  # a page a step: a thousand progress calls
    try:
        window = open_project_window(qtbot, project)
        monkeypatch.setattr(durability.RestoreDialog, "exec", lambda dialog: (dialog.list.setCurrentRow(
            len(dialog.backups) - 1), QDialog.DialogCode.Accepted)[1])  # the big one, the oldest
        target = tmp_path / "restored.sqlite"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
        seen: list[bool] = []
        timer = QTimer()
        timer.timeout.connect(lambda: seen.append(background.running()))
        timer.start(0)
        try:
            window.actions["file.restore_backup"].trigger()
        finally:
            timer.stop()
        assert True in seen  # the event loop ran while the restore was under way
        restored = gui_app._WINDOWS[-1]
        assert Path(restored.session.store.path) == target and restored.session.store.annotation_count() == 300
        assert errors == []
    finally:
        close_windows()


def test_a_damaged_project_says_so_and_offers_the_latest_backup(qtbot, tmp_path, monkeypatch):
    project = tmp_path / "p.sqlite"
    _project_with_a_document(project)
    with Store.open(project) as store:
        backup.auto_backup(store)
    project.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 64)  # closed, then damaged
    asked = []

    def question(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: pytest.fail(f"critical: {a}"))
    try:
        window = open_project_window(qtbot, project)
        assert window.session.store.annotation_count() == 1
    finally:
        close_windows()
    (text,) = asked
    assert "is not an annotator project" in text and "The latest backup is from" in text
    assert "1 documents, 1 annotations, 0 links" in text
    assert [p.name.split("-")[0] for p in tmp_path.glob("p.sqlite.damaged-*")] == ["p.sqlite.damaged"]


def test_a_damaged_project_without_backups_gets_one_sentence(qtbot, tmp_path, monkeypatch):
    project = tmp_path / "p.sqlite"
    project.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 64)
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    assert gui_app.open_window(str(project), gui_app.settings(), user="tester") is None
    assert len(shown) == 1 and "is not an annotator project" in shown[0]
    assert project.read_bytes().startswith(b"SQLite format 3\x00\x00\x01")


# ------------------------------------------------------------ locked
def test_an_edit_on_a_project_locked_past_the_timeout_offers_a_retry(window, monkeypatch, errors):
    store = window.session.store
    store.set_busy_timeout(0.05)
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program keeps the write lock
    asked = []

    def answer(box):
        asked.append(box.text())
        if len(asked) == 1:
            return QMessageBox.StandardButton.Retry  # still locked: asked again
        if len(asked) == 2:
            holder.execute("ROLLBACK")  # the other program is done
            return QMessageBox.StandardButton.Retry
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "exec", answer)
    try:
        ann = tag(window, 0, "Vladimir Putin", "Actor")
    finally:
        holder.close()
    assert len(asked) == 2 and "is in use by another program" in asked[0]
    assert ann.quote == "Vladimir Putin" and window.session.undo_stack.count() == 1 and errors == []
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        asked.clear()
        asked.append("skip the first two answers")
        asked.append("")
        window.panes[0].view.select_span(ann.id)
        window.actions[A.DELETE_SPAN].trigger()  # cancelled: nothing changes, no second error box
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.has_annotation(ann.id) and errors == []


# --------------------------------------------------- a damaged write-ahead log (issue 20, D10)
def test_the_window_meeting_a_damaged_log_keeps_a_copy_and_says_where(qtbot, tmp_path, errors):
    project = tmp_path / "p.sqlite"
    _project_with_a_document(project)
    killed = ("import os, sys; from annotator.core.store import Store; s = Store.open(sys.argv[1]); "
              "d = s.documents()[0].id; [s.add_annotation(d, 'Claim', 0, 5, 'script') for _ in range(30)]; os._exit(9)")
    subprocess.run([sys.executable, "-c", killed, str(project)], check=False, timeout=120)
    wal = Path(f"{project}-wal")
    damaged = wal.read_bytes()[: wal.stat().st_size // 2]  # cut short after the kill: commits at its end are lost
    wal.write_bytes(damaged)
    try:
        window = open_project_window(qtbot, project)
        (copy,) = tmp_path.glob("p.sqlite-wal.damaged-*")
        assert copy.read_bytes() == damaged
        box = window.findChild(QMessageBox, "damaged_log_box")
        assert box is not None and box.isVisible()
        assert "past its last valid commit" in box.text() and str(copy) in box.text()
        assert str(copy) in window.statusBar().currentMessage()
    finally:
        close_windows()
    assert errors == []
