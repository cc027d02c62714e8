"""Issue 10, D1: the session that lost a whole project, replayed in one window.

The cause: SQLite's locks on a project are POSIX advisory locks, and POSIX drops *every* lock a process holds on
a file when the process closes *any* descriptor of that file. Opening the project again in the window's process
(a worker's export, an import) read its 16-byte header with a plain ``open()`` and closed it, so the window's
SQLite connection silently lost its lock. The next process that opened and closed the project (``annotator
export`` in a terminal, the agreement child) then believed it was the last user, checkpointed and *deleted* the
``-wal`` and ``-shm`` files the window was still writing to: every later edit went into deleted files.

These tests replay the newcomer's steps with a second process touching the project as the terminal did, and
check the project on disk from a fresh process after the window closed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from annotator.gui import actions as A
from annotator.gui import app as gui_app
from annotator.gui.dialogs.add_documents import AddDocumentsDialog
from annotator.gui.commands.scheme import AddLabel

from gui_helpers import colleague_set, tag


def terminal(*args: str) -> subprocess.CompletedProcess:
    """``annotator ARGS`` in a process of its own, as an analyst runs it from a terminal beside the window."""
    return subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True, timeout=60)


def counts_on_disk(project: Path) -> dict[str, int]:
    """What a fresh process finds in the project file (the window may still be open)."""
    script = (
        "import json, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1])\n"
        "names = [r[0] for r in c.execute(\"SELECT name FROM sqlite_master WHERE type='table'\")]\n"
        "out = {t: c.execute(f'SELECT count(*) FROM {t}').fetchone()[0] for t in "
        "('documents', 'annotations', 'labels', 'links') if t in names}\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(project)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def deleted_descriptors(project: Path) -> list[str]:
    """This process's open descriptors of the project's files that point at deleted files (Linux)."""
    fds = Path("/proc/self/fd")
    if not fds.is_dir():
        return []
    found = []
    for fd in fds.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(project)) and target.endswith("(deleted)"):
            found.append(target)
    return found


def colleague_json(project: Path, tmp_path: Path) -> Path:
    """A colleague's set of 29 annotations on the seeds, as they would have exported it."""
    with sqlite3.connect(project) as conn:
        docs = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY position LIMIT 2")]
        texts = {d: conn.execute("SELECT text FROM document_texts WHERE id = ?", [d]).fetchone()[0] for d in docs}
    annotations = []
    for n in range(29):
        doc = docs[n % 2]
        text = texts[doc]
        start = 40 * n + 3
        end = start + 12
        annotations.append({"id": f"00000000-0000-4000-8000-{n:012d}", "document": doc, "label": "Claim",
                            "start": start, "end": end, "quote": text[start:end], "annotator": "carol",
                            "note": "", "status": "pending", "created": "2026-11-30T10:00:00Z",
                            "modified": "2026-11-30T10:00:00Z"})
    data = {"format": "annotator.annotation-set", "version": 1, "exported": "2026-11-30T10:00:00Z",
            "generator": "annotator test", "labels": [{"name": "Claim", "color": "#0072B2"}],
            "annotators": [{"id": "carol", "name": "Carol"}],
            "documents": [{"id": d, "title": "", "source": "", "published": None, "url": None,
                           "length": len(texts[d])} for d in docs],
            "annotations": annotations, "links": []}
    path = tmp_path / "carol.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def add_documents(window, monkeypatch, paths: list[Path]) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(p) for p in paths], ""))
    monkeypatch.setattr(AddDocumentsDialog, "exec", lambda self: AddDocumentsDialog.DialogCode.Accepted)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    window.actions[A.ADD_DOCUMENTS].trigger()


def test_the_newcomers_session_keeps_everything(window, tmp_path, monkeypatch, errors):
    store = window.session.store
    project = Path(store.path)
    # Tag spans in both panes and link two figures.
    six = tag(window, 0, "at least six people", "Figure")
    seven = tag(window, 1, "seven people", "Figure")
    tag(window, 0, "Steve Witkoff", "Actor")
    window.panes[0].view.select_span(six.id)
    window.focus_pane(1)
    window.panes[1].view.select_span(seven.id)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("contradicts", True))
    window.actions[A.LINK_SPANS].trigger()
    # Accept suggestions.
    window.focus_pane(0)
    window.actions[A.SUGGEST].trigger()
    window.actions[A.ACCEPT_FIGURES].trigger()
    # Add two documents: one web page, one text file.
    html = tmp_path / "page.html"
    html.write_text("<html><head><title>Talks in Abu Dhabi</title></head><body><p>Officials met in Abu Dhabi "
                    "on Tuesday, a spokesman said.</p></body></html>", encoding="utf-8")
    txt = tmp_path / "note.txt"
    txt.write_text("Kyiv said the plan had been revised to 19 points.\n", encoding="utf-8")
    add_documents(window, monkeypatch, [html, txt])
    # A label from the scheme editor's command.
    window.session.perform(AddLabel(window.session, "Source", "#56B4E9", "5", ""))
    # Export as JSON and as CSV from the File menu.
    for fmt, action in (("json", A.EXPORT_JSON), ("csv", A.EXPORT_CSV)):
        out = tmp_path / f"mine.{fmt}"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, o=out, **k: (str(o), ""))
        window.actions[action].trigger()
        assert out.exists()
    # The terminal beside the window, a few times.
    for n in range(3):
        done = terminal("export", str(project), "-f", "json", "-o", str(tmp_path / f"term{n}.json"))
        assert done.returncode == 0, done.stderr
    # Import a colleague's set of 29 annotations.
    carol = colleague_json(project, tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(carol), ""))
    window.actions[A.IMPORT_SET].trigger()
    assert errors == []
    assert deleted_descriptors(project) == []
    expected = {"documents": len(store.documents()), "annotations": len(store.annotations()),
                "labels": len(store.labels()), "links": len(store.links())}
    assert expected["documents"] == 4 and expected["links"] == 1
    assert sum(a.annotator == "carol" for a in store.annotations()) == 29
    # The window shows the import.
    assert "29 annotations imported" in window.statusBar().currentMessage()
    # One more tag after all that, then what a fresh process finds while the window is still open ...
    tag(window, 1, "Steve Witkoff", "Actor")
    expected["annotations"] += 1
    assert errors == []
    assert counts_on_disk(project) == expected
    # ... and after the window is closed.
    window.close()
    store.close()
    gui_app._WINDOWS.clear()
    assert counts_on_disk(project) == expected


def test_review_session_keeps_everything(window, tmp_path, monkeypatch, errors):
    """The second run: tag, export, import, review, accept all agreed — with the agreement child process."""
    store = window.session.store
    project = Path(store.path)
    colleague_set(window, tmp_path, monkeypatch, "Steve Witkoff")
    window.actions[A.IMPORT_SET_AS].trigger()
    # Another process opens and closes the project for writing (as the agreement child and the CLI do).
    done = terminal("agreement", str(project), "tester", "bob", "--json")
    assert done.returncode == 0, done.stderr
    window.actions[A.START_REVIEW].trigger()
    assert window.review_dock.compared() == ["bob", "tester"]
    window.actions[A.ACCEPT_AGREED].trigger()
    assert errors == []
    assert deleted_descriptors(project) == []
    accepted = [a for a in store.annotations() if a.status == "accepted"]
    assert accepted
    expected = {"documents": len(store.documents()), "annotations": len(store.annotations()),
                "labels": len(store.labels()), "links": 0}
    window.close()
    store.close()
    gui_app._WINDOWS.clear()
    assert counts_on_disk(project) == expected
    with sqlite3.connect(project) as conn:
        assert conn.execute("SELECT count(*) FROM annotations WHERE status = 'accepted'").fetchone()[0] == len(accepted)


def test_a_wal_deleted_under_the_window_stops_saving_and_a_copy_keeps_everything(window, tmp_path, monkeypatch,
                                                                                 errors, qtbot):
    store = window.session.store
    project = Path(store.path)
    kept = tag(window, 0, "Steve Witkoff", "Actor")
    assert window.guard.check()
    offered = []
    monkeypatch.setattr(type(window.guard), "offer_copy", lambda self: offered.append(self.message))
    os.unlink(f"{project}-wal")
    # The idle check notices within its interval, without any edit.
    qtbot.waitUntil(lambda: window.guard.message is not None, timeout=5000)
    assert offered and "stopped saving" in offered[0]
    assert window.banner.isVisible() and "Save a copy" in window.banner.text()
    assert "NOT SAVING" in window.status_counts.text()
    assert not window.actions[A.DELETE_SPAN].isEnabled() and not window.label_bar.isEnabled()
    # An edit that slips through (a key held down) is refused before anything is committed.
    view = window.panes[1].view
    start = view.text().index("Steve Witkoff")
    view.set_selection(start, start + len("Steve Witkoff"))
    window.apply_label("Actor")
    assert len(store.annotations()) == 1
    assert "saved" not in window.status_counts.text().split("·")[-1]
    # Save a copy of what the window sees: it opens in place of this window and holds the tag.
    copy = tmp_path / "rescued.sqlite"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(copy), ""))
    assert window.guard.save_copy() == copy.resolve()
    assert counts_on_disk(copy)["annotations"] == 1
    rescued = gui_app._WINDOWS[-1]
    assert rescued is not window and Path(rescued.session.store.path) == copy.resolve()
    assert [a.id for a in rescued.session.store.annotations()] == [kept.id]
    assert errors == []
    rescued.close()
    rescued.session.store.close()
