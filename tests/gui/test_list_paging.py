"""The annotation list reads pages of rows, never the whole list, and follows edits without reloading."""

from __future__ import annotations

import random
import re

import pytest
from PySide6.QtCore import Qt

from annotator.gui.views import annotation_model as models
from annotator.gui.commands.annotations import AdjustBounds, CreateAnnotation, DeleteAnnotation, EditAnnotation
from annotator.gui.views.annotation_model import AnnotationTableModel


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(models, "PAGE", 4)
    monkeypatch.setattr(models, "CACHE_ROWS", 4000)


def words(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\w+", text)]


def fill(window, n: int) -> None:
    store = window.session.store
    labels = list(window.colors)
    for pane in range(2):
        doc = window.pane_document(pane)
        text = store.document_text(doc)
        for k, (s, e) in enumerate(words(text)[:n]):
            store.add_annotation(doc, labels[k % len(labels)], s, e, "tester", note=f"n{k % 7}")
    window.dock.reload()


def rows(model) -> list[list]:
    while model.canFetchMore():
        model.fetchMore()
    return [[model.data(model.index(r, c)) for c in range(6)] + [model.data(model.index(r, 0), models.ANNOTATION_ID_ROLE)]
            for r in range(model.rowCount())]


def test_rows_come_a_page_at_a_time_in_the_order_and_filters_of_the_store(window, small_pages):
    fill(window, 15)
    store, model = window.session.store, window.dock.model
    model._rows = {}
    assert model.rowCount() == store.annotation_count() == 30
    model.data(model.index(9, 2))
    assert set(model._rows) == {8, 9, 10, 11}  # the page of row 9 only
    assert model.ids == store.annotation_list_ids()
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert model.ids == store.annotation_list_ids(column=1, descending=True)
    model.set_label(list(window.colors)[1])
    assert model.ids == store.annotation_list_ids(label=list(window.colors)[1], column=1, descending=True)
    assert window.dock.visible_count() == len(model.ids)


def test_a_text_filter_fetches_rows_as_the_view_scrolls(window, small_pages):
    fill(window, 30)
    store, model = window.session.store, window.dock.model
    model.set_text("N1")
    expected = store.annotation_list_ids(text="n1")
    assert len(expected) > 4
    assert model.rowCount() == 4 and model.canFetchMore()
    assert window.dock.visible_count() == len(expected)  # counted in SQL, not just the rows fetched
    last = expected[-1]
    assert model.row_of(last) == len(expected) - 1  # fetched up to it
    assert [r[-1] for r in rows(model)] == expected and not model.canFetchMore()
    model.set_text("no such words")
    assert model.rowCount() == 0 and not model.canFetchMore()


@pytest.mark.parametrize("setting", [dict(), dict(column=1), dict(column=2, descending=True), dict(text="n3"),
                                     dict(text="a", column=0), dict(label=1), dict(label=0, column=4)])
def test_random_edits_patch_the_list_like_a_fresh_one_without_reloading(window, small_pages, setting):
    fill(window, 6)
    session, store, model = window.session, window.session.store, window.dock.model
    labels = list(window.colors)
    if "label" in setting:
        model.set_label(labels[setting["label"]])
    if "column" in setting:
        model.sort(setting["column"], Qt.SortOrder.DescendingOrder if setting.get("descending") else
                   Qt.SortOrder.AscendingOrder)
    if "text" in setting:
        model.set_text(setting["text"])
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    rng = random.Random(5)
    for step in range(40):
        doc = window.pane_document(rng.randrange(2))
        text = store.document_text(doc)
        anns = store.annotations(document=doc)
        spots = words(text)
        choice = rng.random()
        if choice < 0.4 or not anns:
            k = rng.randrange(len(spots) - 3)
            s, e = spots[k][0], spots[k + rng.randint(0, 2)][1]
            command = CreateAnnotation(session, doc, rng.choice(labels), s, e, text[s:e])
        elif choice < 0.55:
            command = DeleteAnnotation(session, rng.choice(anns))
        elif choice < 0.7:
            ann = rng.choice(anns)
            command = EditAnnotation(session, ann, "label", rng.choice([x for x in labels if x != ann.label]))
        elif choice < 0.85:
            command = EditAnnotation(session, rng.choice(anns), "note", f"n{rng.randrange(9)}")
        else:
            ann = rng.choice(anns)
            k = rng.randrange(len(spots) - 2)
            s, e = spots[k][0], spots[k + 1][1]
            command = AdjustBounds(session, ann, s, e, text[s:e])
        rows(model)  # the view has read every row: each edit knows where its rows were
        assert session.perform(command)
        window.dock.flush()
        fresh = AnnotationTableModel(session)
        fresh.label, fresh.text, fresh.column, fresh.descending = model.label, model.text, model.column, model.descending
        fresh.reload()
        assert rows(model) == rows(fresh), f"step {step}"
    assert resets == []


def test_an_edit_of_a_row_never_read_still_leaves_the_right_rows(window, small_pages):
    fill(window, 10)
    session, store, model = window.session, window.session.store, window.dock.model
    model._rows = {}
    far = store.annotation_list_ids()[-1]
    assert session.perform(DeleteAnnotation(session, store.annotation(far)))
    window.dock.flush()
    assert model.rowCount() == 19 and model.ids == store.annotation_list_ids()


def test_selecting_a_far_row_under_a_text_filter_fetches_up_to_it_in_one_query(window, small_pages, monkeypatch):
    fill(window, 30)
    store, model = window.session.store, window.dock.model
    model.set_text("n2")
    expected = store.annotation_list_ids(text="n2")
    calls = []
    page = store.annotation_list_page
    monkeypatch.setattr(store, "annotation_list_page", lambda **kw: calls.append(kw) or page(**kw))
    window.dock.select_annotation(expected[-2])
    assert window.dock.table.selectionModel().selectedRows()[0].row() == len(expected) - 2
    assert len(calls) == 1 and model.rowCount() >= len(expected) - 1
    assert [r[-1] for r in rows(model)] == expected


@pytest.mark.parametrize("column", [-1, 2])
def test_an_edit_moves_the_cached_rows_instead_of_reading_them_again(window, small_pages, monkeypatch, column):
    fill(window, 10)
    session, store, model = window.session, window.session.store, window.dock.model
    model.sort(column)
    rows(model)
    calls = []
    page = store.annotation_list_page
    monkeypatch.setattr(store, "annotation_list_page", lambda **kw: calls.append(kw) or page(**kw))
    doc = window.pane_document(0)
    text = store.document_text(doc)
    s, e = words(text)[12]
    assert session.perform(CreateAnnotation(session, doc, list(window.colors)[0], s, e, text[s:e]))
    assert session.perform(DeleteAnnotation(session, store.annotation(store.annotation_list_ids()[3])))
    window.dock.flush()
    assert [r[-1] for r in rows(model)] == store.annotation_list_ids(column=column)
    assert calls == []


@pytest.mark.parametrize("column", [-1, 1, 3])
def test_pages_next_to_a_cached_row_are_read_by_its_sort_key(window, small_pages, monkeypatch, column):
    fill(window, 12)
    store, model = window.session.store, window.dock.model
    model.sort(column, Qt.SortOrder.DescendingOrder)
    model._rows = {}
    expected = store.annotation_list_ids(column=column, descending=True)
    by_offset = []
    page = store.annotation_list_page
    monkeypatch.setattr(store, "annotation_list_page", lambda **kw: by_offset.append(kw) or page(**kw))
    assert model.data(model.index(13, 0), models.ANNOTATION_ID_ROLE) == expected[13]
    got = [model.data(model.index(r, 0), models.ANNOTATION_ID_ROLE) for r in [*range(12, -1, -1), *range(14, 24)]]
    assert got == expected[12::-1] + expected[14:24]
    assert len(by_offset) == 1  # only the first page, read by position
