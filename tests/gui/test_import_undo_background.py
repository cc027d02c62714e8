"""Issue 20: undoing or redoing a big import runs in the background, behind the progress dialog.

A real import of a generated set of more than :data:`BACKGROUND_ROWS` rows through File > Import annotations;
Edit > Undo then takes its rows out on a worker's own connection while the window keeps running (the progress
dialog is looked for while the job runs: each job waits at its first progress report until the test has seen the
dialog, so nothing depends on timing), and redo puts them back. Cancel leaves the project and the undo stack
exactly as they were.
"""

from __future__ import annotations

import json
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QPushButton

from annotator.core.store import Store
from annotator.gui import actions as A
from annotator.gui import background
from annotator.gui.commands.imports import BACKGROUND_ROWS


def counts(store: Store) -> tuple:
    return (store.annotation_count(), len(store.documents()), len(store.labels()), len(store.annotators()))


@pytest.fixture
def imported(window, tmp_path, monkeypatch, qtbot):
    """The window after File > Import annotations of a generated set of BACKGROUND_ROWS + 500 annotations."""
    store = window.session.store
    doc = window.panes[0].document_id
    length = len(store.document_text(doc))
    anns, n = [], BACKGROUND_ROWS + 500
    for i in range(n):
        start, width = i % (length - 12), 1 + i // (length - 12)
        anns.append({"id": f"big-{i}", "document": doc, "label": ("Claim", "Place")[i % 2], "start": start,
                     "end": start + width, "annotator": "bob"})
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"format": "annotator.annotation-set", "version": 1, "documents": [{"id": doc}],
                                "annotations": anns}), encoding="utf-8")
    before = counts(store)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.actions[A.IMPORT_SET].trigger()
    after = counts(store)
    assert after[0] == before[0] + n and after[2] == before[2] + 1  # the new label Place
    return window, before, after


class DialogWatch:
    """Holds each background job at its first progress report until the progress dialog was seen on screen;
    then, with ``cancel``, presses its Cancel button."""

    def __init__(self, monkeypatch, cancel: bool = False):
        self.seen: list[str] = []
        self.cancel = cancel
        self.shown = threading.Event()
        for name in ("undo_import", "redo_import"):
            monkeypatch.setattr(Store, name, self.wrap(getattr(Store, name)))
        self.timer = QTimer()
        self.timer.timeout.connect(self.look)
        self.timer.start(10)

    def wrap(self, method):
        def held(store, batch, progress=None):
            def first(done, total):
                if progress is not None and not self.shown.is_set():
                    self.shown.wait(30)
                if progress is not None:
                    progress(done, total)
            return method(store, batch, progress=first)
        return held

    def look(self) -> None:
        dialog = background._running[-1].dialog if background._running else None
        if dialog is not None and dialog.isVisible() and not self.shown.is_set():
            self.seen.append(dialog.windowTitle())
            if self.cancel:
                dialog.findChild(QPushButton).click()
            self.shown.set()

    def next_job(self) -> None:
        self.shown.clear()


def test_undo_and_redo_of_a_big_import_run_behind_the_progress_dialog(imported, monkeypatch, qtbot):
    window, before, after = imported
    store, stack = window.session.store, window.session.undo_stack
    steps = stack.index()
    watch = DialogWatch(monkeypatch)
    window.actions[A.UNDO].trigger()
    assert watch.seen == ["Undoing the import"]
    assert counts(store) == before and stack.index() == steps - 1
    watch.next_job()
    window.actions[A.REDO].trigger()
    assert watch.seen == ["Undoing the import", "Redoing the import"]
    assert counts(store) == after and stack.index() == steps
    watch.next_job()
    window.actions[A.UNDO].trigger()  # the undo history still works: not taken for another program's change
    assert counts(store) == before and stack.index() == steps - 1 and len(watch.seen) == 3
    watch.timer.stop()


def test_cancelling_a_big_undo_or_redo_changes_nothing(imported, monkeypatch, qtbot):
    window, before, after = imported
    store, stack = window.session.store, window.session.undo_stack
    steps = stack.index()
    watch = DialogWatch(monkeypatch, cancel=True)
    window.actions[A.UNDO].trigger()
    qtbot.waitUntil(lambda: stack.index() == steps)  # the stack is put back right after the cancelled step
    assert watch.seen == ["Undoing the import"] and counts(store) == after
    assert "cancelled; nothing was changed" in window.statusBar().currentMessage()
    watch.cancel = False
    watch.next_job()
    window.actions[A.UNDO].trigger()
    assert counts(store) == before and stack.index() == steps - 1
    watch.cancel = True
    watch.next_job()
    window.actions[A.REDO].trigger()
    qtbot.waitUntil(lambda: stack.index() == steps - 1)
    assert counts(store) == before and stack.canRedo()
    watch.timer.stop()
