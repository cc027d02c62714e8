"""Agreement on large selections runs in a child process: same figures, and Cancel keeps the previous ones."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QLabel, QTableWidget

from annotator.core.agreement import agreement_report
from annotator.gui.background import cancel_running
from annotator.gui.dialogs import agreement as dialog_module
from annotator.gui.dialogs.agreement import CANCELLED

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

    def spy(progress, fn, *args):
        calls.append((threading.current_thread(), fn))
        return real(progress, fn, *args)

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
    monkeypatch.setattr(dialog_module, "run_in_process", lambda progress, *a: real(progress, time.sleep, 30))
    QTimer.singleShot(100, cancel_running)
    labels = dialog.findChild(QComboBox, "label")
    labels.setCurrentIndex(labels.findData("Actor"))
    message = dialog.findChild(QLabel, "message")
    assert message.isVisible() and message.text() == CANCELLED
    assert dialog.report() == before
    assert dialog.findChild(QTableWidget, "results").item(2, 1).text() == shown
