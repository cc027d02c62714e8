"""The background runner: values and errors come back, Cancel stops the job, and the GUI never stalls meanwhile."""

from __future__ import annotations

import math
import os
import subprocess
import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from annotator.core.errors import CancelledError, InputError, NotAProjectError
from annotator.core.store import Store
import child_jobs
from annotator.gui import background
from annotator.gui.background import (
    DIALOG_NAME, BackgroundJobError, cancel_running, run_in_background, run_in_process,
)


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def progress_dialog(parent: QWidget) -> QProgressDialog:
    """The dialog of the job now running (older, finished ones may not be deleted yet)."""
    return background._running[-1].dialog if background._running else parent.findChild(QProgressDialog, DIALOG_NAME)


def later(ms: int, fn) -> None:
    QTimer.singleShot(ms, fn)


def test_returns_the_value_computed_in_a_worker_thread(parent):
    seen = []

    def job(progress):
        seen.append(threading.get_ident())
        for i in range(5):
            progress(i, 5)
        return 42

    assert run_in_background(parent, "Counting", job) == 42
    assert seen and seen[0] != threading.get_ident()
    assert not background._running


def test_annotator_errors_come_back_as_they_are(parent):
    error = InputError("cut.json is not valid JSON (line 1).")

    def job(progress):
        raise error

    with pytest.raises(InputError) as caught:
        run_in_background(parent, "Importing annotations", job)
    assert caught.value is error


def test_other_errors_become_one_sentence(parent):
    def job(progress):
        return {}["missing"]

    with pytest.raises(BackgroundJobError) as caught:
        run_in_background(parent, "Exporting as CSV", job)
    message = str(caught.value)
    assert message.startswith("Exporting as CSV stopped on an unexpected error (KeyError")
    assert "\n" not in message and "Traceback" not in message


def test_the_cancel_button_stops_the_job(parent):
    calls, stopped = [], threading.Event()

    def job(progress):
        try:
            for i in range(10_000):
                progress(i, 10_000)
                calls.append(i)
                time.sleep(0.002)
            return "finished"
        finally:
            stopped.set()

    later(100, lambda: progress_dialog(parent).findChild(QPushButton).click())
    with pytest.raises(CancelledError):
        run_in_background(parent, "Importing annotations", job)
    assert stopped.is_set() and 0 < len(calls) < 10_000  # stopped early, not after 10,000 steps
    count = len(calls)
    time.sleep(0.05)
    assert len(calls) == count  # the worker really stopped


def test_cancel_running_is_the_same_as_the_button(parent):
    def job(progress):
        while True:
            progress(0, None)
            time.sleep(0.002)

    later(50, cancel_running)
    with pytest.raises(CancelledError):
        run_in_background(parent, "Exporting as JSON", job)


def test_cancel_calls_on_cancel_once_to_interrupt_a_wait(parent):
    """A job blocked where it makes no progress call (a network request) is woken by ``on_cancel``."""
    woken, calls = threading.Event(), []

    def interrupt():
        calls.append(threading.get_ident())
        woken.set()

    def job(progress):
        progress(0, 1)
        woken.wait(30)  # a request that would otherwise keep the analyst waiting
        progress(1, 1)
        return "finished"

    later(100, lambda: progress_dialog(parent).findChild(QPushButton).click())
    later(150, cancel_running)  # pressed again (the application quitting): on_cancel still runs once
    with pytest.raises(CancelledError):
        run_in_background(parent, "Asking the model", job, on_cancel=interrupt)
    assert calls == [threading.get_ident()]  # on the GUI thread, once


def poll(ms: int, ready, then) -> QTimer:
    """Every ``ms`` ms, call ``then()`` once ``ready()`` holds (and stop); the timer is returned to be kept alive."""
    timer = QTimer()
    timer.setInterval(ms)

    def tick():
        if ready():
            timer.stop()
            then()

    timer.timeout.connect(tick)
    timer.start()
    return timer


def test_a_job_that_ignores_cancel_for_a_while_shows_cancelling(parent):
    seen, looked = {}, threading.Event()

    def job(progress):
        progress(0, None)
        looked.wait(10)  # busy where it cannot look at progress, until the dialog has been seen
        progress(1, None)
        return "too late"

    def showing_cancelling() -> bool:
        dialog = progress_dialog(parent) if background._running else None
        return dialog is not None and dialog.isVisible() and dialog.labelText() == "Cancelling…"

    def look():
        dialog = progress_dialog(parent)
        seen["visible"], seen["label"] = dialog.isVisible(), dialog.labelText()
        looked.set()

    later(50, cancel_running)
    timer = poll(20, showing_cancelling, look)
    with pytest.raises(CancelledError):
        run_in_background(parent, "Importing annotations", job)
    timer.stop()
    assert looked.is_set(), "the dialog never said Cancelling… while the job ignored the request"
    assert seen == {"visible": True, "label": "Cancelling…"}


def test_run_in_process_returns_the_childs_value(parent):
    pid = run_in_background(parent, "Asking a child", lambda progress: run_in_process(progress, os.getpid))
    assert isinstance(pid, int) and pid != os.getpid()


def test_run_in_process_brings_back_errors(parent, tmp_path):
    def missing_project(progress):
        return run_in_process(progress, Store.open, str(tmp_path / "nowhere.sqlite"), create=False)

    with pytest.raises(NotAProjectError, match="There is no project file"):
        run_in_background(parent, "Opening", missing_project)
    with pytest.raises(BackgroundJobError, match=r"unexpected error \(ValueError: math domain error\)"):
        run_in_background(parent, "Computing", lambda progress: run_in_process(progress, math.sqrt, -1))


@pytest.fixture
def children(monkeypatch) -> list:
    """The child processes run_in_process starts, recorded as they start."""
    started = []
    real = subprocess.Popen

    def recording(*args, **kwargs):
        started.append(real(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(background.subprocess, "Popen", recording)
    return started


def test_cancel_kills_the_child_process(parent, children):
    later(100, cancel_running)
    with pytest.raises(CancelledError):
        run_in_background(parent, "Computing agreement", lambda progress: run_in_process(progress, time.sleep, 30))
    # Killed and reaped (a child that had slept its 30 s out would have exited 0).
    assert len(children) == 1 and children[0].returncode is not None and children[0].returncode != 0


def test_the_dialog_appears_only_for_slow_jobs_and_shows_progress(parent):
    seen = {}

    def fast(progress):
        progress(1, 2)
        return "fast"

    assert run_in_background(parent, "Quick", fast) == "fast"
    assert not any(d.isVisible() for d in parent.findChildren(QProgressDialog))

    halfway = threading.Event()

    def slow(progress):
        for i in range(60):
            progress(i, 60, f"Step {i}")
            if i == 30:
                halfway.wait(10)  # until the test has looked at the dialog
            time.sleep(0.01)

    def shown_halfway() -> bool:
        dialog = progress_dialog(parent) if background._running else None
        return dialog is not None and dialog.isVisible() and dialog.value() >= 30

    def look():
        dialog = progress_dialog(parent)
        seen.update(visible=dialog.isVisible(), modal=dialog.isModal(), maximum=dialog.maximum(),
                    value=dialog.value(), label=dialog.labelText(), title=dialog.windowTitle())
        halfway.set()

    timer = poll(20, shown_halfway, look)
    run_in_background(parent, "Slow work", slow)
    timer.stop()
    assert seen["visible"] and seen["modal"] and seen["maximum"] == 60
    assert 20 <= seen["value"] < 60 and seen["label"].startswith("Step ") and seen["title"] == "Slow work"
    assert not any(d.isVisible() for d in parent.findChildren(QProgressDialog))


@pytest.mark.parametrize("kind", ["sleeping", "computing"])
def test_the_gui_thread_keeps_processing_events(parent, kind):
    """While a job sleeps (or computes in Python), a 10 ms timer on the GUI thread keeps firing: the job runs
    until it has seen the GUI thread handle 20 ticks, which it never would if it held the GUI thread."""
    ticks: list[int] = []
    enough = threading.Event()
    timer = QTimer(parent)
    timer.setInterval(10)

    def tick():
        ticks.append(1)
        if len(ticks) >= 20:
            enough.set()

    timer.timeout.connect(tick)

    def job(progress):
        n, give_up = 0, time.monotonic() + 30  # a stalled GUI thread fails the test instead of hanging it
        while not enough.is_set() and time.monotonic() < give_up:
            if kind == "sleeping":
                enough.wait(0.05)
            else:
                n += sum(i * i for i in range(2000))
            progress(0, None)
        return n

    timer.start()
    run_in_background(parent, "Working", job)
    timer.stop()
    assert enough.is_set() and len(ticks) >= 20


class _Recording(background.Progress):
    """A job's progress that records what it is told, and presses Cancel once told ``cancel_at``."""

    def __init__(self, cancel_at: int | None = None):
        super().__init__()
        self.calls: list[tuple] = []
        self.cancel_at = cancel_at

    def __call__(self, done, total=None, text=None):
        self.calls.append((done, total, text))
        if self.cancel_at is not None and done >= self.cancel_at:
            self.cancel()
        super().__call__(done, total, text)


def test_a_child_reports_progress_through_its_pipe():
    progress = _Recording()
    assert run_in_process(progress, child_jobs.count_slowly, 8, 0.06, progress_arg="progress") == 8
    told = [(done, total, text) for done, total, text in progress.calls if text is not None]
    assert told, "the child's reports reached the parent"
    assert all(total == 8 and text == f"{done} of 8" for done, total, text in told)
    assert [d for d, _, _ in told] == sorted(d for d, _, _ in told) and len({d for d, _, _ in told}) >= 3
    assert progress.snapshot()[2] == told[-1][2]
    # Without progress_arg the function gets no callback (and runs as before).
    assert run_in_process(_Recording(), child_jobs.count_slowly, 2, 0.0) == 2


def test_cancel_while_the_child_reports_progress_kills_it(children):
    progress = _Recording(cancel_at=3)
    with pytest.raises(CancelledError):
        run_in_process(progress, child_jobs.count_slowly, 1000, 0.03, progress_arg="progress")
    assert len(children) == 1 and children[0].returncode not in (None, 0)  # killed before it finished, and reaped
    done = max(d for d, _, text in progress.calls if text)
    assert 3 <= done < 1000


def test_cancel_from_the_dialog_stops_a_reporting_child(parent):
    later(300, cancel_running)
    with pytest.raises(CancelledError):
        run_in_background(parent, "Counting", lambda progress: run_in_process(
            progress, child_jobs.count_slowly, 1000, 0.03, progress_arg="progress"))
