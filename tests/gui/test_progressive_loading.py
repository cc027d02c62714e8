"""Long documents show their first screens' spans at once and load the rest from the event loop."""

from __future__ import annotations

import re

import pytest

from annotator.core.spans import SpanIndex
from annotator.gui.window import span_sync as mw
from annotator.gui.commands.annotations import CreateAnnotation

from test_window_patching import full_reload, snapshot


@pytest.fixture
def tagged(window, monkeypatch):
    """The left seed with a span on every fourth word, and thresholds small enough to load it in parts."""
    store = window.session.store
    doc = window.pane_document(0)
    text = store.document_text(doc)
    words = [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]
    labels = list(window.colors)
    with store.transaction():
        for k in range(0, len(words) - 1, 4):
            start, end = words[k][0], words[k + (k % 3 == 0)][1]
            store.add_annotation(doc, labels[(k // 4) % len(labels)], start, end, "tester")
    window.session.announce(doc)  # written behind the window's back: a full reload
    monkeypatch.setattr(mw, "PROGRESSIVE_FROM", 10)
    monkeypatch.setattr(mw, "LOAD_STEP_CHARS", 400)
    return window, doc, text


def all_styles(window, doc):
    rows = window.session.store.span_rows(doc)
    return window.display.styles(rows, 0, window.colors, [a.id for a in window.session.store.annotators()])


def test_first_screens_at_once_the_rest_from_the_event_loop(tagged, qtbot):
    window, doc, text = tagged
    view = window.panes[0].view
    window.sync.refresh(0)
    assert view.is_loading()
    first = len(view.span_styles())
    assert 0 < first < len(all_styles(window, doc))
    assert all(s.start < max(400, view.bottom_offset() + 1) for s in view.span_styles().values())
    qtbot.waitUntil(lambda: not view.is_loading(), timeout=5000)
    reference = SpanIndex(all_styles(window, doc))
    assert view._index.spans == reference.spans
    assert view._index.lanes == reference.lanes  # the same lanes as a document indexed at once
    assert set(window.sync.doc_spans[doc]) == {s.id for s in reference.spans}


def test_selecting_or_editing_before_loading_ends_loads_everything_first(tagged):
    window, doc, text = tagged
    view = window.panes[0].view
    window.sync.refresh(0)
    last = max(window.session.store.annotations(document=doc), key=lambda a: a.start)
    assert view.is_loading() and not view.has_span(last.id)
    window.jump_to_annotation(last.id)
    assert not view.is_loading() and view.selected_span() == last.id
    window.sync.refresh(0)
    assert view.is_loading()
    start = text.index("Kremlin")
    assert window.session.perform(CreateAnnotation(window.session, doc, "Actor", start, start + 7, "Kremlin"))
    assert not view.is_loading()
    patched = snapshot(window)
    assert sorted(s.id for s in view._index.spans) == sorted(s.id for s in all_styles(window, doc))
    full_reload(window)  # which starts loading in parts again
    for pane in window.panes:
        pane.view.finish_loading()
    assert snapshot(window) == patched


def test_closing_the_window_stops_loading(tagged, qtbot):
    window, doc, _ = tagged
    view = window.panes[0].view
    window.sync.refresh(0)
    assert view.is_loading()
    window.close()
    assert not view.is_loading()
    qtbot.wait(50)  # no step runs on the closed project


def test_the_store_quotes_from_the_text_it_read_last_only_if_it_is_the_documents(window):
    store = window.session.store
    doc = window.pane_document(0)
    text = store.document_text(doc)  # read once: kept for the tags that follow
    ann = store.add_annotation(doc, "Claim", 0, 6, "tester")
    assert ann.quote == text[:6]
    store._texts[doc] = "x" + text  # a kept text that is not the document's (wrong length): ignored
    other = store.add_annotation(doc, "Claim", 0, 6, "tester")
    assert other.quote == text[:6]


def test_a_step_holds_about_the_same_number_of_spans_however_dense_the_text():
    assert mw.load_step(3_000_000, 50_000) == mw.LOAD_STEP_CHARS  # sparse: capped by characters
    assert mw.load_step(400_000, 125_000) == mw.LOAD_STEP_SPANS * 400_000 // 125_000  # dense: ~4,000 spans
    assert mw.load_step(10_000, 10_000_000) == 1024  # absurdly dense: never a crawl of a few characters
    assert mw.load_step(100, 0) == mw.LOAD_STEP_CHARS
