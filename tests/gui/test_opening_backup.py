"""Issue 24: the rolling backup taken when a project opens no longer holds the window back (2–3 s at a million
annotations before the window appeared): it is copied in a worker thread once the window shows, with its progress
in the status bar, and closing the window or quitting mid-copy aborts it, leaving no partial file."""

from __future__ import annotations

import json
import threading
import time

import pytest
from PySide6.QtWidgets import QProgressBar

from annotator.core.store import Store, backup
from annotator.gui import app as gui_app
from annotator.gui import opening_backup

from gui_helpers import close_windows, open_project_window, tag

TEXT = "Steve Witkoff will meet Vladimir Putin in Moscow. The plan has 28 points.\n"


@pytest.fixture
def project(tmp_path):
    """A project with a document long enough to copy in a few hundred one-page steps, and one annotation."""
    path = tmp_path / "p.sqlite"
    with Store.open(path) as store:
        doc, _ = store.add_document(TEXT * 6000, "Envoy")
        store.add_annotation(doc.id, "Actor", 0, 13, "alice")
    return path


def hold(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Hold the opening backup's copy after its first step of pages (the temporary file is then partly written)
    until the first event returned is set or the backup is aborted; the second event says it got there."""
    release, reached = threading.Event(), threading.Event()
    real = opening_backup.auto_backup
    monkeypatch.setattr(backup, "_COPY_STEP", 1)  # a page a step

    def held(store, keep, progress):
        def slow(done, total=None):
            if done > 0 and not reached.is_set():
                reached.set()
                while not (release.is_set() or progress.cancelled):
                    time.sleep(0.005)
            progress(done, total)

        return real(store, keep, progress=slow)

    monkeypatch.setattr(opening_backup, "auto_backup", held)
    return release, reached


def leftovers(project) -> list[str]:
    """What the backup folder holds besides finished backups and its state: partial copies, journals."""
    folder = backup.backup_folder(project)
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".sqlite") and p.name != "state.json") \
        if folder.exists() else []


def status_bar_progress(window) -> QProgressBar | None:
    return window.statusBar().findChild(QProgressBar, opening_backup.BAR_NAME)


def test_the_window_shows_before_its_opening_backup_is_written(qtbot, project, annotator_home):
    gui_app.application()
    try:
        window = gui_app.open_window(str(project), gui_app.settings(), user="tester")
        qtbot.addWidget(window)
        assert window.isVisible()
        assert backup.list_backups(project) == []  # not taken yet: open_window did not wait for it
        running = window.findChild(opening_backup.OpeningBackup)
        with qtbot.waitSignal(running.finished) as finished:
            pass
        assert finished.args == [""]
        [taken] = backup.list_backups(project)
        assert taken.path == running.taken and taken.counts == {"documents": 1, "annotations": 1, "links": 0}
        assert leftovers(project) == []
        close_windows()
        open_project_window(qtbot, project)  # (the first opening wrote to the project: one more backup)
        close_windows()
        taken = len(backup.list_backups(project))
        window = open_project_window(qtbot, project)  # unchanged since: no new backup
        assert len(backup.list_backups(project)) == taken
        tag(window, 0, "Vladimir Putin", "Actor")
        close_windows()
        open_project_window(qtbot, project)  # changed: a new one, with the tag
        assert [b.counts["annotations"] for b in backup.list_backups(project)][:2] == [2, 1]
    finally:
        close_windows()


def opened_mid_backup(qtbot, project, monkeypatch):
    """The project opened in a window whose opening backup is held part-way: (window, its backup, the release)."""
    release, reached = hold(monkeypatch)
    gui_app.application()
    try:
        window = gui_app.open_window(str(project), gui_app.settings(), user="tester")
        qtbot.addWidget(window)
        running = window.findChild(opening_backup.OpeningBackup)
        qtbot.waitUntil(reached.is_set)
    except BaseException:
        release.set()
        close_windows()
        raise
    return window, running, release


def test_the_window_answers_and_edits_while_the_backup_copies(qtbot, project, monkeypatch):
    monkeypatch.setattr(opening_backup, "SHOW_AFTER_MS", 0)
    window, running, release = opened_mid_backup(qtbot, project, monkeypatch)
    try:
        qtbot.waitUntil(lambda: status_bar_progress(window) is not None)
        assert status_bar_progress(window).maximum() > 1  # counted in the project's pages
        tag(window, 0, "Vladimir Putin", "Actor")  # the window writes while the copy is held mid-way
        assert window.session.store.annotation_count() == 2
        with qtbot.waitSignal(running.finished) as finished:
            release.set()
        assert finished.args == [""]
        assert status_bar_progress(window) is None
        [taken] = backup.list_backups(project)
        assert taken.counts["annotations"] == 1  # the commit it started from
        state = json.loads((backup.backup_folder(project) / "state.json").read_text(encoding="utf-8"))
        assert state["project"] == str(project.resolve())
    finally:
        release.set()
        close_windows()
    with Store.open(project, create=False) as store:
        assert backup.auto_backup(store) is not None  # the tag came after the backup: the next opening takes one


@pytest.mark.parametrize("how", ["quit", "close"])
def test_quitting_or_closing_mid_backup_leaves_no_partial_file(qtbot, project, monkeypatch, how):
    with Store.open(project, create=False) as store:  # an older backup, then a change since it
        older = backup.auto_backup(store)
        store.set_meta("touched", "yes")
    state_before = (backup.backup_folder(project) / "state.json").read_text(encoding="utf-8")
    window, running, release = opened_mid_backup(qtbot, project, monkeypatch)
    try:
        assert leftovers(project) != []  # mid-copy: the partial file is there
        if how == "quit":
            opening_backup.stop_all()  # what the application does before it ends (gui.app.leave)
        else:
            window.close()
        assert running.done and not running.running()
        assert leftovers(project) == []
        assert [b.path for b in backup.list_backups(project)] == [older]  # the older backups are kept
        assert (backup.backup_folder(project) / "state.json").read_text(encoding="utf-8") == state_before
    finally:
        release.set()
        close_windows()
    monkeypatch.setattr(opening_backup, "auto_backup", backup.auto_backup)
    open_project_window(qtbot, project)  # the next opening takes it
    close_windows()
    assert len(backup.list_backups(project)) == 2 and leftovers(project) == []
