"""A large review list loads in the background with its progress (issue 24); Cancel leaves an empty list."""

from __future__ import annotations

import re
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from annotator.core.review import categorize_many
from annotator.gui import actions as A
from annotator.gui.panels import review_dock as dock_module


@pytest.fixture
def two_annotators(window):
    store = window.session.store
    doc = window.panes[0].document_id
    text = store.document_text(doc)
    for quote, label_a, label_b in (("Steve Witkoff", "Actor", "Actor"), ("Vladimir Putin", "Actor", "Figure")):
        start = text.index(quote)
        store.add_annotation(doc, label_a, start, start + len(quote), "tester")
        store.add_annotation(doc, label_b, start, start + len(quote), "bob")
    return window


def test_a_large_review_list_loads_in_a_worker_with_progress(two_annotators, monkeypatch):
    window = two_annotators
    monkeypatch.setattr(dock_module, "INLINE_BELOW", 0)  # everything counts as large
    runs = []
    real = dock_module.run_in_background

    calls = []

    def spy(parent, title, job, **kwargs):
        def watched(progress):
            runs.append(threading.current_thread())

            def recorded(done, total=None, text=None):
                calls.append((done, total, text))
                progress(done, total, text)

            return job(recorded)

        return real(parent, title, watched, **kwargs)

    monkeypatch.setattr(dock_module, "run_in_background", spy)
    window.actions[A.START_REVIEW].trigger()
    dock = window.review_dock
    store = window.session.store
    assert dock.compared() == ["bob", "tester"]
    assert dock.items == categorize_many({n: store.annotations(annotator=n) for n in ("bob", "tester")})
    assert runs and runs[0] is not threading.main_thread()
    assert calls[0][:2] == (0, 4) and calls[-1] == (4, 4, dock_module.loading_text(4, 4))
    assert "4 of 4 spans read" in calls[-1][2]


def test_cancelling_the_load_leaves_an_empty_list_and_says_so(two_annotators, monkeypatch):
    window = two_annotators
    monkeypatch.setattr(dock_module, "INLINE_BELOW", 0)

    real = dock_module.run_in_background

    def cancel_first(parent, title, job, **kwargs):
        def cancelled(progress):
            progress.cancel()  # as the dialog's Cancel button does: the job's first progress call raises
            return job(progress)

        return real(parent, title, cancelled, **kwargs)

    monkeypatch.setattr(dock_module, "run_in_background", cancel_first)
    window.actions[A.START_REVIEW].trigger()
    dock = window.review_dock
    assert dock.items == [] and dock.model.rowCount() == 0
    assert "cancelled" in dock.summary.text()


def test_a_long_review_list_is_a_view_of_its_items_not_a_widget_per_cell(window):
    """Issue 24: at a million annotations two annotators list ~400,000 items; a table item per cell froze the
    window for ~35 s after the list had loaded. The list is now a view of a model whose cells are made as rows are
    painted (docs/performance.md)."""
    store = window.session.store
    doc = window.panes[0].document_id
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", store.document_text(doc))][:600]
    with store.transaction():  # nested: one commit for the lot
        for n, (start, end) in enumerate(words):
            store.add_annotation(doc, ("Actor", "Figure")[n % 2], start, end, ("tester", "bob")[n % 2])
    window.actions[A.START_REVIEW].trigger()
    dock = window.review_dock
    assert not isinstance(dock.table, QTableWidget) and dock.table.model() is dock.model
    assert dock.model.rowCount() == len(dock.shown) == len(dock.items) == 600  # each one annotator's only
    first = dock.current()
    assert dock.model.index(0, 2).data() == first.members[0][1].quote
    assert dock.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == dock.model.cell(0, 0) == "∅ only one annotator"
    dock.step(1)
    assert dock.current() is dock.items[dock.shown[1]] and dock.current_row() == 1
