"""Agreement on large selections runs in a child process: same figures, and Cancel keeps the previous ones."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QLabel, QTableWidget

from annotator.core.agreement import agreement_report, report_steps
from annotator.gui.background import cancel_running
from annotator.gui.dialogs import agreement as dialog_module
from annotator.gui.dialogs.agreement import CANCELLED, build_report, step_text

import child_jobs
from annotator.gui import background
from gui_helpers import open_dialog


@pytest.fixture
def two_annotators(window):
    store = window.session.store
    doc = store.documents()[0].id
    text = store.document_text(doc)
    for quote, label_a, label_b in (("Steve Witkoff", "Actor", "Actor"), ("Vladimir Putin", "Actor", "Figure")):
        start = text.index(quote)
        store.add_annotation(doc, label_a, start, start + len(quote), "alice")
        store.add_annotation(doc, label_b, start, start + len(quote), "bob")
    return window


def expected(store, label=None):
    anns = [a for a in store.annotations() if label in (None, a.label)]
    docs = sorted({a.document for a in anns if a.annotator in ("alice", "bob")})
    return agreement_report({d: store.document_text(d) for d in docs}, anns, ["alice", "bob"], label=label)


def test_a_large_selection_is_computed_in_a_child_process(two_annotators, qtbot, monkeypatch):
    window = two_annotators
    store = window.session.store
    monkeypatch.setattr(dialog_module, "INLINE_BELOW", 0)  # everything counts as large
    calls = []
    real = dialog_module.run_in_process

    def spy(progress, fn, *args, **kwargs):
        calls.append((threading.current_thread(), fn))
        return real(progress, fn, *args, **kwargs)

    monkeypatch.setattr(dialog_module, "run_in_process", spy)
    dialog = open_dialog(window, qtbot)
    qtbot.waitUntil(lambda: dialog.report() is not None, timeout=5000)
    assert dialog.report() == expected(store)
    assert calls == [(calls[0][0], dialog_module.report_from_project)]
    assert calls[0][0] is not threading.main_thread()
    results = dialog.findChild(QTableWidget, "results")
    assert results.item(0, 0).text() == "Documents counted" and results.item(0, 1).text() == "1"


def test_cancel_keeps_the_previous_figures_and_says_so(two_annotators, qtbot, monkeypatch):
    window = two_annotators
    dialog = open_dialog(window, qtbot)  # small: computed at once
    before = dialog.report()
    assert before == expected(window.session.store)
    shown = dialog.findChild(QTableWidget, "results").item(2, 1).text()

    monkeypatch.setattr(dialog_module, "INLINE_BELOW", 0)
    real = dialog_module.run_in_process
    monkeypatch.setattr(dialog_module, "run_in_process", lambda progress, *a, **k: real(progress, time.sleep, 30))
    QTimer.singleShot(100, cancel_running)
    labels = dialog.findChild(QComboBox, "label")
    labels.setCurrentIndex(labels.findData("Actor"))
    message = dialog.findChild(QLabel, "message")
    assert message.isVisible() and message.text() == CANCELLED
    assert dialog.report() == before
    assert dialog.findChild(QTableWidget, "results").item(2, 1).text() == shown


def test_the_child_reports_its_steps_to_the_progress_dialog(two_annotators, qtbot, monkeypatch):
    """The computation in the child says "step n of N" through the pipe; the progress dialog shows it."""
    window = two_annotators
    monkeypatch.setattr(dialog_module, "INLINE_BELOW", 0)
    monkeypatch.setattr(background, "SHOW_AFTER_MS", 0)
    real = dialog_module.run_in_process
    seen = []

    class Recording:
        def __init__(self, inner):
            self.inner = inner

        def snapshot(self):
            return self.inner.snapshot()

        def __call__(self, done, total=None, text=None):
            seen.append((done, total, text))
            self.inner(done, total, text)

    def spy(progress, fn, *args, **kwargs):
        return real(Recording(progress), child_jobs.pausing_report, *args, **kwargs)

    labels = []
    timer = QTimer()
    timer.timeout.connect(lambda: labels.extend(r.dialog.labelText() for r in background._running))
    timer.start(10)
    monkeypatch.setattr(dialog_module, "run_in_process", spy)
    dialog = open_dialog(window, qtbot)
    qtbot.waitUntil(lambda: dialog.report() is not None, timeout=10000)
    timer.stop()
    assert dialog.report() == expected(window.session.store)
    total = 2 + report_steps(2)
    steps = {step_text(k, total) for k in range(total + 1)}
    texts = [text for _, _, text in seen if text]
    assert texts and set(texts) <= steps and any(t != step_text(0, total) for t in texts)  # steps of the child
    assert all(t == total for _, t, text in seen if text)
    shown = set(labels) - {step_text(0, total)}
    assert shown and shown <= steps  # the progress dialog showed them


def test_build_report_counts_its_steps(two_annotators):
    store = two_annotators.session.store
    calls = []
    report = build_report(store, ["alice", "bob"], None, None, lambda *call: calls.append(call))
    assert report == expected(store)
    total = 2 + report_steps(2)
    assert [c[0] for c in calls] == sorted(c[0] for c in calls) and calls[-1] == (total, total, step_text(total, total))
    assert {c[2] for c in calls} == {step_text(c[0], total) for c in calls}
