"""An import as one undoable step (the window's Undo): the rows it added are recorded by key, taken out and put
back, each in one transaction, and nothing else of the project is touched."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest

from annotator.core.errors import AnnotatorError, CancelledError, InputError
from annotator.core.formats.documents import import_seeds
from annotator.core.formats.json_set import export_json, import_json, import_json_file
from annotator.core.store import Store, imports
from annotator.core.store.imports import _Steps


def tag(store, doc, quote, label, who):
    start = store.document_text(doc).index(quote)
    return store.add_annotation(doc, label, start, start + len(quote), who)


def snapshot(store: Store) -> tuple:
    """Everything an import may touch, as the analyst sees it (and the search index)."""
    return (store.documents(), [store.document_text(d.id) for d in store.documents()], store.labels(),
            store.annotators(), store.annotations(), store.links(), store.link_types(),
            sorted(a.id for a in store.search_annotations("Kyiv", limit=10_000)),
            [h.document for h in store.search_documents("colleague only", limit=10_000)])


@pytest.fixture
def colleague_set(tmp_path):
    """A colleague's set: both seeds, a document of their own, a new label, a new link type, a link."""
    other = Store.open(tmp_path / "bob.sqlite")
    ft, wire = import_seeds(other)
    own, _ = other.add_document("A colleague only report from Kyiv about the plan.", "Bob's notes")
    other.add_label("Place")
    a = tag(other, own.id, "Kyiv", "Place", "bob")
    b = tag(other, ft.id, "Steve Witkoff", "Actor", "bob")
    other.add_link("mentions in passing", a.id, b.id, "bob")
    out = io.StringIO()
    export_json(other, out)
    other.close()
    path = tmp_path / "colleague.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_an_adopted_import_undoes_and_redoes_exactly(tmp_path, colleague_set):
    store = Store.open(tmp_path / "mine.sqlite")
    ft, _ = import_seeds(store)
    mine = tag(store, ft.id, "Donald Trump", "Actor", "alice")
    tag(store, ft.id, "Kyiv", "Claim", "alice")
    before = snapshot(store)
    report = import_json_file(store, colleague_set)
    assert report.added == 2 and report.documents_added == 1 and report.links_added == 1
    after = snapshot(store)
    batch = store.adopt_import(report.rows)
    assert store.import_counts(batch) == {"documents": 1, "labels": 1, "annotators": 1, "annotations": 2,
                                          "links": 1, "link_types": 1}
    for _ in range(2):
        store.undo_import(batch)
        assert snapshot(store) == before
        store.redo_import(batch)
        assert snapshot(store) == after
    # Edits made before the import are untouched by its undo, and undo as before.
    store.undo_import(batch)
    store.delete_annotation(mine.id)
    assert mine.id not in {a.id for a in store.annotations()}


def test_an_import_that_added_nothing_undoes_to_nothing(tmp_path, colleague_set):
    store = Store.open(tmp_path / "mine.sqlite")
    import_json_file(store, colleague_set)
    before = snapshot(store)
    report = import_json(store, json.loads(colleague_set.read_text(encoding="utf-8")))
    assert report.added == 0 and report.rows == {}
    batch = store.adopt_import(report.rows)
    store.undo_import(batch)
    assert snapshot(store) == before
    store.redo_import(batch)
    assert snapshot(store) == before


def test_an_undo_that_would_orphan_later_work_is_refused_whole(tmp_path, colleague_set):
    """Undo runs in the window after later steps were undone; if a row still needs the import's (a span tagged
    with its label by another program), the undo is refused in one sentence and nothing changes."""
    store = Store.open(tmp_path / "mine.sqlite")
    import_seeds(store)
    batch = store.adopt_import(import_json_file(store, colleague_set).rows)
    doc = store.documents()[0].id
    tag(store, doc, "Moscow", "Place", "alice")
    after = snapshot(store)
    with pytest.raises(InputError, match="cannot be undone: work added since uses its labels"):
        store.undo_import(batch)
    assert snapshot(store) == after


def test_a_big_import_undoes_and_redoes_on_the_bulk_path_with_its_indexes_intact(tmp_path, monkeypatch):
    """Past BULK_MIN annotations undo and redo drop and rebuild the indexes (as the import did): the schema, the
    search index and every row come back exactly."""
    monkeypatch.setattr(imports, "BULK_MIN", 50)
    calls: list[bool] = []
    original = Store.bulk_annotation_load
    monkeypatch.setattr(Store, "bulk_annotation_load",
                        lambda self, indexes=True: calls.append(indexes) or original(self, indexes=indexes))
    store = Store.open(tmp_path / "mine.sqlite")
    ft, _ = import_seeds(store)
    tag(store, ft.id, "Kyiv", "Claim", "alice")
    text = store.document_text(ft.id)
    anns = [{"id": f"x{i:05d}", "document": ft.id, "label": "Actor", "start": i, "end": i + 9,
             "quote": text[i:i + 9], "annotator": "bob", "note": f"note{i}"} for i in range(300)]
    schema = store.db.conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    before = snapshot(store)
    report = import_json(store, {"format": "annotator.annotation-set", "version": 1, "documents": [{"id": ft.id}],
                                 "annotations": anns})
    after = snapshot(store)
    batch = store.adopt_import(report.rows)
    calls.clear()
    store.undo_import(batch)
    assert snapshot(store) == before and store.search_annotations("note7") == [] and calls == [True]
    store.redo_import(batch)
    assert snapshot(store) == after and [a.id for a in store.search_annotations("note7")] == ["x00007"]
    assert calls == [True, True]
    store.db.conn.execute("INSERT INTO annotation_search (annotation_search, rank) VALUES ('integrity-check', 1)")
    assert store.db.conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall() == schema
    assert store.db.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_another_connection_undoes_and_redoes_through_the_import_record(tmp_path, monkeypatch):
    """A background job's own connection attaches the window's import record and undoes or redoes there, in one
    transaction over both databases: a cancel midway leaves the project and the record exactly as they were."""
    monkeypatch.setattr(imports, "BULK_MIN", 50)
    store = Store.open(tmp_path / "mine.sqlite")
    ft, _ = import_seeds(store)
    text = store.document_text(ft.id)
    anns = [{"id": f"x{i:05d}", "document": ft.id, "label": "Place", "start": i, "end": i + 9,
             "quote": text[i:i + 9], "annotator": "bob"} for i in range(300)]
    before = snapshot(store)
    assert store.import_record() is None and store.import_counts(1) == {}
    report = import_json(store, {"format": "annotator.annotation-set", "version": 1, "documents": [{"id": ft.id}],
                                 "annotations": anns})
    after = snapshot(store)
    batch = store.adopt_import(report.rows)
    record = store.import_record()
    assert record is not None and record.exists() and record.parent != (tmp_path / "mine.sqlite").parent

    def stop_at(step):
        def progress(done, total):
            seen.append((done, total))
            if done == step:
                raise CancelledError("Cancelled; nothing was changed.")
        return progress

    for run, expected in (("undo_import", before), ("redo_import", after)):
        with Store.open(tmp_path / "mine.sqlite", create=False) as worker:
            worker.attach_import_record(record)
            seen: list[tuple[int, int]] = []
            with pytest.raises(CancelledError):
                getattr(worker, run)(batch, progress=stop_at(5))
            assert seen[-1][0] == 5
            assert snapshot(store) == (after if run == "undo_import" else before)
            getattr(worker, run)(batch, progress=lambda done, total: seen.append((done, total)))
            assert seen[-1][0] == seen[-1][1]
        assert snapshot(store) == expected
        assert store.import_counts(batch)["annotations"] == 300
    store.undo_import(batch)  # the window's own connection still can
    assert snapshot(store) == before
    store.close()
    del store
    assert not record.exists()


def test_a_cancel_inside_a_long_statement_stops_it_and_changes_nothing(tmp_path, monkeypatch):
    """Progress is also reported inside a statement (every PROGRESS_EVERY SQLite instructions), so Cancel stops
    even a statement over a million rows; the whole undo is rolled back."""
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 500)
    store = Store.open(tmp_path / "mine.sqlite")
    ft, _ = import_seeds(store)
    anns = [{"id": f"x{i:05d}", "document": ft.id, "label": "Claim", "start": i, "end": i + 3, "annotator": "bob"}
            for i in range(400)]
    report = import_json(store, {"format": "annotator.annotation-set", "version": 1, "documents": [{"id": ft.id}],
                                 "annotations": anns})
    after = snapshot(store)
    batch = store.adopt_import(report.rows)
    calls: list[tuple[int, int]] = []
    store.undo_import(batch, progress=lambda done, total: calls.append((done, total)))
    assert len(calls) > 14  # more than one call a statement: reported inside them too
    store.redo_import(batch)
    assert snapshot(store) == after
    calls.clear()

    def cancel_inside(done, total):
        calls.append((done, total))
        if len(calls) >= 2 and calls[-2][0] == done:  # a second call in one statement: from inside it
            raise CancelledError("Cancelled; nothing was changed.")

    with pytest.raises(CancelledError):
        store.undo_import(batch, progress=cancel_inside)
    assert snapshot(store) == after
    store.undo_import(batch)
    store.redo_import(batch)
    assert snapshot(store) == after


def test_a_stop_met_by_a_read_still_comes_out_as_the_stop():
    """Cancel interrupts whatever statement runs: when that is one of the store's reads, the store has already
    turned SQLite's "interrupted" into its own sentence; it must still come out as the cancel (seen: a big redo
    cancelled while it counted the rows to put back showed "could not be used: interrupted")."""
    conn = sqlite3.connect(":memory:")
    steps = _Steps(lambda done, total: None, 1)
    steps.stopped = CancelledError("Cancelled.")
    with pytest.raises(CancelledError), steps.inside(conn):
        raise AnnotatorError("The project project.sqlite could not be used: interrupted.")
    other = _Steps(lambda done, total: None, 1)
    with pytest.raises(AnnotatorError), other.inside(conn):
        raise AnnotatorError("a real failure, with no stop asked for")
