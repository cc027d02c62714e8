"""The store's read models for views: span rows, the annotation list's ids, pages, sort keys, slices."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.errors import NotFoundError, SpanError
from annotator.core.model import SpanRow
from annotator.core.store.display import LIST_COLUMNS

MIXED = "Café 👩‍👩‍👧 «مرحبا» 北京会谈 naïve\nsecond line with 🇺🇦 flag and ₴1 000"


@pytest.fixture
def filled(store):
    """Two documents, three annotators, several labels; returns (store, doc ids, annotations)."""
    a, _ = store.add_document(MIXED, "Zeta report", "Kyiv Post")
    b, _ = store.add_document("Alpha text about the plan and the talks.", "alpha brief", "FT")
    anns = []
    for doc, quote, label, who in [(a, "北京会谈", "Actor", "ana"), (a, "Café", "Claim", "bob"),
                                   (a, "🇺🇦 flag", "Figure", "ana"), (b, "the plan", "Plan point", "cy"),
                                   (b, "Alpha", "Claim", "bob")]:
        text = store.document_text(doc.id)
        start = text.index(quote)
        anns.append(store.add_annotation(doc.id, label, start, start + len(quote), who, note=f"note {quote}"))
    return store, (a.id, b.id), anns


def test_span_rows_hold_what_a_pane_paints(filled):
    store, (a, b), anns = filled
    rows = store.span_rows(a)
    assert all(isinstance(r, SpanRow) for r in rows)
    assert {r.id for r in rows} == {x.id for x in anns if x.document == a}
    for r in rows:
        full = store.annotation(r.id)
        assert full.document == a
        assert (r.label, r.start, r.end, r.annotator, r.status) == (
            full.label, full.start, full.end, full.annotator, full.status)
    by_id = store.span_rows_by_id([anns[3].id, "missing", anns[0].id])
    assert sorted(by_id) == sorted(r for r in store.span_rows(a) + store.span_rows(b)
                                   if r.id in (anns[3].id, anns[0].id))


def test_list_ids_default_order_is_document_then_reading_position(filled):
    store, _, anns = filled
    expected = [a.id for a in sorted(anns, key=lambda a: (a.document, a.start, a.end, a.id))]
    assert store.annotation_list_ids() == expected
    keys = {k[0]: k[1:5] for k in store.annotation_sort_keys(expected)}
    assert [keys[i] for i in expected] == sorted(keys[i] for i in expected)


def test_list_ids_filter_by_label_and_by_folded_text(filled):
    store, _, anns = filled
    assert set(store.annotation_list_ids(label="Claim")) == {a.id for a in anns if a.label == "Claim"}
    # Unicode case folding (SQLite's lower() would not fold É), across columns: quote, note, title, annotator.
    assert store.annotation_list_ids(text="CAFÉ") == [anns[1].id]
    assert set(store.annotation_list_ids(text="zeta")) == {a.id for a in anns if a.document == anns[0].document}
    assert store.annotation_list_ids(text="CY") == [anns[3].id]
    assert store.annotation_list_ids(label="Actor", text="café") == []


@pytest.mark.parametrize("column", range(len(LIST_COLUMNS)))
def test_list_ids_sort_by_each_column(filled, column):
    store, _, anns = filled
    rows = store.annotation_list_rows(store.annotation_list_ids())
    up = store.annotation_list_ids(column=column)
    down = store.annotation_list_ids(column=column, descending=True)
    values = [rows[i][column].casefold() for i in up]
    assert values == sorted(values)
    assert [rows[i][column].casefold() for i in down] == sorted(values, reverse=True)


def test_list_rows_give_the_cells_and_skip_missing_ids(filled):
    store, (a, _), anns = filled
    rows = store.annotation_list_rows([anns[0].id, "nope"])
    assert rows == {anns[0].id: ("Zeta report", "Actor", "北京会谈", "ana", "note 北京会谈", "pending", a)}


def test_many_ids_are_read_in_chunks(store):
    doc, _ = store.add_document("word " * 700, "t")
    ids = [store.add_annotation(doc.id, "Claim", i * 5, i * 5 + 4, "ana").id for i in range(700)]
    assert len(store.span_rows_by_id(ids)) == 700
    assert len(store.annotation_list_rows(ids)) == 700
    assert len(store.annotation_sort_keys(ids)) == 700


@settings(max_examples=60, deadline=None)
@given(st.integers(-3, len(MIXED) + 3), st.integers(-3, len(MIXED) + 3))
def test_check_span_without_the_text_equals_slicing_it(store_factory, start, end):
    """The quote read with SQL substr equals Python slicing by code points (emoji, flags, RTL, CJK, accents)."""
    store, doc_id = store_factory()
    text = store.document_text(doc_id)
    try:
        expected = store.check_span(doc_id, start, end, text)
    except SpanError as exc:
        with pytest.raises(SpanError, match=str(exc).split(" ")[1]):
            store.check_span(doc_id, start, end)
        return
    assert store.check_span(doc_id, start, end) == expected == text[start:end]


@pytest.fixture(scope="module")
def store_factory(tmp_path_factory):
    from annotator.core.store import Store

    store = Store.open(tmp_path_factory.mktemp("slice") / "p.sqlite")
    doc, _ = store.add_document(MIXED.replace("\n", "\r\n"), "mixed")
    yield lambda: (store, doc.id)
    store.close()


def test_document_slice_of_an_unknown_document(store):
    with pytest.raises(NotFoundError):
        store.document_slice("sha256:nope", 0, 1)


QUERIES = [dict(), dict(label="Claim"), dict(text="note"), dict(text="CAFÉ"), dict(text="a", label="Claim"),
           dict(text="zzz-none")]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("column", range(-1, len(LIST_COLUMNS)))
@pytest.mark.parametrize("descending", [False, True])
def test_list_pages_counts_and_positions_agree_with_the_full_list(filled, query, column, descending):
    store, _, anns = filled
    for quote in ("second", "line", "Alpha text"):  # ties on label and status, other documents
        doc = anns[0].document if quote != "Alpha text" else anns[3].document
        start = store.document_text(doc).index(quote)
        store.add_annotation(doc, "Claim", start, start + len(quote), "bob", note="Note")
    ids = store.annotation_list_ids(**query, column=column, descending=descending)
    assert store.annotation_list_count(query.get("label"), query.get("text", "")) == len(ids)
    for size in (1, 2, 3, 100):
        paged = [row[0] for offset in range(0, len(ids) + size, size)
                 for row in store.annotation_list_page(**query, column=column, descending=descending,
                                                       offset=offset, limit=size)]
        assert paged == ids
    for pos, ann_id in enumerate(ids):
        assert store.annotation_list_position(ann_id, **query, column=column, descending=descending) == pos
        after = store.annotation_list_next(ann_id, **query, column=column, descending=descending, limit=2)
        assert [row[0] for row in after] == ids[pos + 1 : pos + 3]
        before = store.annotation_list_next(ann_id, **query, column=column, descending=descending, limit=2,
                                            backwards=True)
        assert [row[0] for row in before] == ids[max(0, pos - 2) : pos]
    unlisted = {a.id for a in store.annotations()} - set(ids)
    for ann_id in unlisted | {"missing"}:
        assert store.annotation_list_position(ann_id, **query, column=column, descending=descending) is None
        assert store.annotation_list_next(ann_id, **query, column=column, descending=descending) is None
    rows = store.annotation_list_rows(ids)
    page = store.annotation_list_page(**query, column=column, descending=descending, offset=0, limit=len(ids))
    assert {row[0]: row[1:] for row in page} == rows


# The store is shared by the examples on purpose: each removes the one annotation it adds.
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hay=st.text(st.sampled_from("aAsSßẞéÉKk\u212a ﬁfiİi\u0307ǅ"), max_size=8),
       needle=st.text(st.sampled_from("aAsSßéÉKkfiİi"), min_size=1, max_size=3))
def test_the_text_filter_folds_like_python_casefold(store, hay, needle):
    """The ASCII fast path (SQLite lower()) and the Python fold for other rows answer as folding every row."""
    doc, _ = store.add_document(f"x {hay} y", "T", "S")
    ann = store.add_annotation(doc.id, store.labels()[0].name, 0, 1, "ana", note=hay)
    folded = " ".join(["T", ann.label, "x", "ana", hay, "pending"]).casefold()
    assert (ann.id in store.annotation_list_ids(text=needle)) == (needle.strip().casefold() in folded)
    store.delete_annotation(ann.id)


def test_a_list_position_can_stop_counting(filled):
    store, _, anns = filled
    ids = store.annotation_list_ids(column=2)
    assert [store.annotation_list_position(i, column=2, within=2) for i in ids] == [min(k, 2) for k in range(len(ids))]
    assert store.annotation_list_position("missing", within=2) is None
