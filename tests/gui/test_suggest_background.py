"""Issue 24: Analyse > Suggest tags (Ctrl+G) computes in a worker thread behind the progress dialog, as the CLI's
``annotator suggest`` reports its progress: the window answers meanwhile, Cancel shows nothing and changes nothing,
and closing the window or opening another project while it runs is safe. Before, it ran on the GUI thread (~5 s
frozen on a 3 MB document)."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog

from annotator.core.store import Store
from annotator.core.suggest import suggest_in_project
from annotator.gui import actions as A
from annotator.gui import app as gui_app
from annotator.gui import background
from annotator.gui.controllers import crosssource
from annotator.gui.controllers.crosssource import is_suggestion


def hold(monkeypatch) -> tuple[threading.Event, list[threading.Thread]]:
    """Hold the window's ``suggest_in_project`` at its first progress call until the returned event is set; the
    list records the thread each call runs in."""
    release, threads = threading.Event(), []
    real = crosssource.suggest_in_project

    def held(*args, progress, **kwargs):
        threads.append(threading.current_thread())

        def slow(done, total):
            release.wait(5)
            progress(done, total)

        return real(*args, progress=slow, **kwargs)

    monkeypatch.setattr(crosssource, "suggest_in_project", held)
    return release, threads


def while_running(action, then) -> list[bool]:
    """Trigger ``action`` with a zero timer ticking in the GUI thread; at the first tick that finds a background job
    running, ``then()`` runs. Returns what each tick found (True: the job was running)."""
    seen: list[bool] = []

    def tick():
        seen.append(background.running())
        if seen[-1] and seen.count(True) == 1:
            then()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(0)
    try:
        action.trigger()
    finally:
        timer.stop()
    return seen


def digest(store) -> str:
    store.checkpoint()
    return hashlib.sha256(Path(store.path).read_bytes()).hexdigest()


def suggestion_spans(view) -> list[str]:
    return [i for i in view.span_styles() if is_suggestion(i)]


def test_suggest_tags_runs_in_a_worker_thread_and_shows_the_same_suggestions(window, monkeypatch):
    release, threads = hold(monkeypatch)
    window.focus_pane(1)
    doc = window.pane_document(1)
    seen = while_running(window.actions[A.SUGGEST], release.set)
    release.set()
    assert True in seen  # the GUI thread's event loop ran (a timer fired) while the worker computed
    assert threads and all(t is not threading.main_thread() for t in threads)
    shown = window.cross.suggestions(doc)
    assert list(shown.values()) == suggest_in_project(window.session.store, doc)  # as computed in the GUI thread
    view = window.panes[1].view
    assert shown and sorted(suggestion_spans(view)) == sorted(shown)
    assert window.statusBar().currentMessage().startswith(f"{len(shown)} suggestions")


def test_cancel_shows_no_suggestions_and_changes_nothing(window, monkeypatch, qtbot):
    release, _ = hold(monkeypatch)
    window.focus_pane(1)
    doc = window.pane_document(1)
    store = window.session.store
    before = digest(store)

    def press_cancel():
        background.cancel_running()
        release.set()

    seen = while_running(window.actions[A.SUGGEST], press_cancel)
    release.set()
    assert True in seen
    view = window.panes[1].view
    qtbot.wait(10)  # the panes repaint once more: still no suggestions, and no second computation
    assert suggestion_spans(view) == [] and doc not in window.cross.requested
    assert "cancelled" in window.statusBar().currentMessage()
    assert digest(store) == before and store.rejected_suggestions(doc) == set()
    # Asked again, it computes them.
    monkeypatch.setattr(crosssource, "suggest_in_project", suggest_in_project)
    window.actions[A.SUGGEST].trigger()
    assert suggestion_spans(view) and doc in window.cross.requested


def test_closing_the_window_while_suggesting_is_safe(window, monkeypatch, errors):
    release, _ = hold(monkeypatch)
    window.focus_pane(1)

    def close():
        window.close()
        release.set()

    seen = while_running(window.actions[A.SUGGEST], close)
    release.set()
    assert True in seen and not window.isVisible() and errors == []


def test_opening_another_project_while_suggesting_is_safe(window, monkeypatch, tmp_path, errors):
    release, _ = hold(monkeypatch)
    other = tmp_path / "other.sqlite"
    Store.open(other).close()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(other), ""))
    window.focus_pane(1)

    def switch():
        window.actions[A.OPEN_PROJECT].trigger()
        release.set()

    try:
        seen = while_running(window.actions[A.SUGGEST], switch)
        release.set()
        opened = [w for w in gui_app._WINDOWS if w is not window]
        assert True in seen and errors == [] and not window.isVisible()
        assert [Path(w.session.store.path) for w in opened] == [other.resolve()]
    finally:
        for w in gui_app._WINDOWS:
            if w is not window:
                w.close()
                w.session.store.close()


def test_suggestions_shown_while_reading_are_computed_in_the_background_too(window, monkeypatch, qtbot):
    release, threads = hold(monkeypatch)
    seen = while_running(window.actions[A.SHOW_SUGGESTIONS], release.set)
    release.set()
    assert True in seen and len(threads) == 2 and all(t is not threading.main_thread() for t in threads)
    for pane in window.panes:
        assert sorted(suggestion_spans(pane.view)) == sorted(window.cross.suggestions(pane.document_id))
    # Accepting one teaches the suggester: the document's suggestions are computed again, off the GUI thread.
    view = window.panes[0].view
    first = suggestion_spans(view)[0]
    view.select_span(first)
    view.setFocus()
    release.clear()
    seen = while_running(window.actions[A.ACCEPT_SUGGESTION], release.set)
    assert True in seen and len(threads) > 2 and threading.main_thread() not in threads
    assert first not in suggestion_spans(view) and suggestion_spans(view)
