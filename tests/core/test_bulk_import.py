"""The bulk import path: full-text and secondary indexes built once after the rows, same guarantees.

A set of ``json_import.BULK_MIN`` annotations or more is inserted inside
:meth:`Store.bulk_annotation_load`. It must give exactly the project the
row-by-row path gives, leave the schema as it was, keep search working, stay
idempotent, and leave the project byte-identical when it fails or is
cancelled part way. The thresholds are lowered here so small sets take the
bulk path; one test takes it at the real threshold.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import CancelledError, InputError, SpanError
from annotator.core.formats import json_import
from annotator.core.formats.json_set import import_json, import_json_file
from annotator.core.formats.project_set import read_project_set
from annotator.core.store import Store
from annotator.core.text import document_id, normalize

WORDS = ("peace", "talks", "ceasefire", "Moscow", "envoy", "sanctions", "grain", "drones")
#: Words searched for in the snapshots: in notes, in quotes, in both, in neither.
SEARCHED = ("Moscow", "drones", "note", "peace0", "talks9", "envoy4", "absent")


def make_set(n: int, tag: str = "") -> dict:
    """A set of ``n`` annotations over one document, with notes and links, ids not in reading order.

    ``tag`` starts every word and id: sets of different tags share nothing.
    """
    words = [tag + WORDS[i % len(WORDS)] + str(i) for i in range(n + 5)]
    text = " ".join(words)
    doc_id = document_id(normalize(text))
    annotations, pos = [], 0
    for i, word in enumerate(words[:n]):
        annotations.append({"id": f"{tag}{(i * 7919) % 100003:06d}-{i}", "document": doc_id,
                            "label": ("Claim", "Actor", "Place")[i % 3], "start": pos, "end": pos + len(word),
                            "quote": word, "annotator": ("alice", "bob")[i % 2],
                            "note": f"note {WORDS[(i + 3) % len(WORDS)]}" if i % 4 == 0 else "",
                            "status": ("pending", "accepted", "rejected")[i % 3]})
        pos += len(word) + 1
    links = [{"id": f"{tag}link-{i}", "type": "supports", "source": annotations[i]["id"],
              "target": annotations[i + 1]["id"], "annotator": "alice"} for i in range(0, min(n - 1, 6), 2)]
    return {"format": "annotator.annotation-set", "version": 1,
            "labels": [{"name": "Place", "color": "#123456"}],
            "documents": [{"id": doc_id, "title": "Many", "text": text}],
            "annotators": [{"id": "alice", "name": "Alice"}], "annotations": annotations, "links": links}


def write(path: Path, data: dict) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def snapshot(store: Store) -> dict:
    return {
        "annotations": sorted((a.id, a.document, a.label, a.start, a.end, a.quote, a.annotator, a.note, a.status,
                               a.reviewer) for a in store.annotations()),
        "documents": [(d.id, d.title, d.length) for d in store.documents()],
        "labels": [(lb.name, lb.color) for lb in store.labels()],
        "annotators": store.annotators(),
        "links": sorted((k.id, k.type, k.source, k.target) for k in store.links()),
        "search": [(w, sorted(a.id for a in store.search_annotations(w, limit=10_000))) for w in SEARCHED],
    }


def schema(store: Store) -> set:
    return set(store.db.conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall())


def fts_intact(store: Store) -> bool:
    """FTS5's own check of the annotation index against the annotations (raises when they differ)."""
    store.db.conn.execute("INSERT INTO annotation_search (annotation_search, rank) VALUES ('integrity-check', 1)")
    return True


@pytest.fixture
def bulk_calls(monkeypatch):
    """Lower the thresholds and record each bulk load's ``indexes`` flag."""
    monkeypatch.setattr(json_import, "BULK_MIN", 10)
    monkeypatch.setattr(json_import, "IMPORT_BATCH", 7)
    calls: list[bool] = []
    original = Store.bulk_annotation_load

    def spy(self, indexes=True):
        calls.append(indexes)
        return original(self, indexes)

    monkeypatch.setattr(Store, "bulk_annotation_load", spy)
    return calls


def closed_project(path: Path, populate=None) -> Path:
    with Store.open(path) as store:
        if populate:
            populate(store)
        store.checkpoint()
    return path


# ------------------------------------------------------------ same result as row by row
@pytest.mark.parametrize("via", ["file", "dict"])
def test_the_bulk_path_gives_what_the_row_by_row_path_gives(tmp_path, monkeypatch, bulk_calls, via):
    data = make_set(60)
    path = write(tmp_path / "set.json", data)
    results = []
    for threshold in (10, 10**9):  # bulk, then row by row
        monkeypatch.setattr(json_import, "BULK_MIN", threshold)
        with Store.open(tmp_path / f"p{threshold}.sqlite") as target:
            before = schema(target)
            report = import_json_file(target, path) if via == "file" else import_json(target, data)
            assert schema(target) == before
            assert fts_intact(target)
            results.append((snapshot(target), report.summary()))
    assert bulk_calls == [True]
    assert results[0] == results[1]
    assert results[0][1] == "60 annotations imported; 1 document added; 1 new label; 3 links imported."
    found = dict(results[0][0]["search"])  # search finds the new quotes and notes straight after
    assert len(found["note"]) == 15 and len(found["Moscow"]) == 8 and found["peace0"] and not found["absent"]


def test_a_big_set_takes_the_bulk_path_at_the_real_threshold(tmp_path, monkeypatch):
    calls = []
    original = Store.bulk_annotation_load
    monkeypatch.setattr(Store, "bulk_annotation_load", lambda self, indexes=True: calls.append(indexes)
                        or original(self, indexes))
    n = json_import.BULK_MIN
    with Store.open(tmp_path / "p.sqlite") as target:
        assert import_json(target, make_set(n)).added == n
        assert calls == [True]
        assert fts_intact(target)
        assert len(target.search_annotations("ceasefire2", limit=10)) == 1
        assert import_json(target, make_set(n - 1)).skipped == n - 1  # below the threshold: row by row
        assert calls == [True]


def test_small_sets_stay_row_by_row(tmp_path, bulk_calls):
    with Store.open(tmp_path / "p.sqlite") as target:
        import_json(target, make_set(9))
        assert bulk_calls == []
        assert target.search_annotations("peace0")


def test_a_set_small_next_to_the_project_keeps_its_indexes(tmp_path, bulk_calls):
    big, extra = make_set(80), make_set(100)
    extra["annotations"] = [dict(a, id="x" + a["id"]) for a in extra["annotations"][85:]]
    extra["links"] = []
    with Store.open(tmp_path / "p.sqlite") as target:
        before = schema(target)
        import_json(target, big)
        import_json(target, extra)  # 15 < 25 % of 80: only the full-text index is deferred
        assert bulk_calls == [True, False]
        assert schema(target) == before and fts_intact(target)
        assert [a.quote for a in target.search_annotations("talks89")] == ["talks89"]
        assert target.annotation_count() == 95


# ---------------------------------------------------------------- all or nothing
@pytest.mark.parametrize("where", ["annotation", "link"])
def test_a_failure_in_the_middle_leaves_the_project_byte_identical(tmp_path, digest, bulk_calls, where):
    data = make_set(60)
    if where == "annotation":
        data["annotations"][45]["quote"] = "nowhere in the text"
    else:
        data["links"][1]["target"] = "no-such-annotation"
    path = write(tmp_path / "set.json", data)
    project = closed_project(tmp_path / "target.sqlite", lambda s: import_json(s, make_set(12, "old")))
    before = digest(project)
    with Store.open(project) as target:
        snap, shape = snapshot(target), schema(target)
        with pytest.raises(SpanError if where == "annotation" else InputError,
                           match="Annotation 46 of set.json" if where == "annotation" else "Link 2 of set.json"):
            import_json_file(target, path)
        assert snapshot(target) == snap and schema(target) == shape and fts_intact(target)
    assert digest(project) == before
    assert bulk_calls[-1] is True


@pytest.mark.parametrize("when", [14, 35, 60])
def test_cancelling_a_bulk_import_leaves_the_project_byte_identical(tmp_path, digest, bulk_calls, monkeypatch, when):
    monkeypatch.setattr(json_import, "PROGRESS_EVERY", 7)
    path = write(tmp_path / "set.json", make_set(60))
    project = closed_project(tmp_path / "target.sqlite", lambda s: s.add_document("An article about peace.", "P"))
    before = digest(project)

    def progress(done, total):
        if done >= when:
            raise CancelledError("Import cancelled; nothing was changed.")

    with Store.open(project) as target:
        shape = schema(target)
        with pytest.raises(CancelledError):
            import_json_file(target, path, progress=progress)
        assert target.annotation_count() == 0 and schema(target) == shape
    assert digest(project) == before
    with Store.open(project) as target:  # and the same import lands afterwards, searchable
        assert import_json_file(target, path).added == 60
        assert target.search_annotations("drones7") and fts_intact(target)


# ------------------------------------------------------------------- idempotent
def test_importing_twice_on_the_bulk_path_changes_nothing_the_second_time(tmp_path, digest, bulk_calls):
    path = write(tmp_path / "set.json", make_set(60))
    project = tmp_path / "target.sqlite"
    with Store.open(project) as target:
        import_json_file(target, path)
        snap = snapshot(target)
    with Store.open(project) as target:
        report = import_json_file(target, path)
        assert (report.added, report.skipped, report.links_added) == (0, 60, 0)
        assert snapshot(target) == snap and fts_intact(target)
    assert bulk_calls == [True, True]


def test_ids_repeated_in_a_bulk_set_are_imported_once(tmp_path, bulk_calls):
    data = make_set(40)
    data["annotations"] += [dict(a) for a in data["annotations"][:15]]
    with Store.open(tmp_path / "p.sqlite") as target:
        report = import_json(target, data)
        assert (report.added, report.skipped) == (40, 15)
        assert fts_intact(target) and target.annotation_count() == 40


def test_importing_another_project_takes_the_bulk_path(tmp_path, bulk_calls):
    other = tmp_path / "other.sqlite"
    with Store.open(other) as source:
        import_json(source, make_set(30))
    bulk_calls.clear()
    with Store.open(tmp_path / "mine.sqlite") as target:
        report = import_json(target, read_project_set(other, target), name=other.name)
        assert report.added == 30 and bulk_calls == [True]
        assert [a.quote for a in target.search_annotations("envoy4")] == ["envoy4"]


def test_a_bulk_load_outside_an_import_rolls_its_schema_back(tmp_path):
    with Store.open(tmp_path / "p.sqlite") as store:
        before = schema(store)
        with pytest.raises(RuntimeError), store.transaction(), store.bulk_annotation_load():
            assert schema(store) != before  # the indexes and the trigger are gone inside
            raise RuntimeError("stop")
        assert schema(store) == before


def test_the_filter_of_inserted_ids_never_misses_one():
    """Into a project without annotations only the ids the filter may hold are looked up: it must hold every
    inserted one (it may hold others)."""
    import uuid

    from annotator.core.store.annotations import _InsertedIds

    inserted = [str(uuid.uuid4()) for _ in range(50_000)]
    others = [str(uuid.uuid4()) for _ in range(50_000)]
    ids = _InsertedIds()
    for i in range(0, len(inserted), 2000):
        ids.add(inserted[i : i + 2000])
    assert ids.candidates(inserted) == inserted
    assert len(ids.candidates(others)) < 500  # about 0.1 % at 50,000 inserted


def test_the_filter_is_used_only_into_a_project_without_annotations(tmp_path, bulk_calls):
    with Store.open(tmp_path / "p.sqlite") as target:
        seen = []
        original = Store.existing_annotation_ids

        def spy(self, ids):
            seen.append(self._bulk_ids is not None)
            return original(self, ids)

        Store.existing_annotation_ids = spy
        try:
            import_json(target, make_set(30, "a"))
            assert seen and all(seen) and target._bulk_ids is None
            seen.clear()
            report = import_json(target, make_set(30, "b") | {"annotations": make_set(30, "b")["annotations"]
                                                               + make_set(30, "a")["annotations"][:5]})
            assert seen and not any(seen)  # the project has annotations: every id is looked up
        finally:
            Store.existing_annotation_ids = original
        assert report.skipped == 5 and target.annotation_count() == 60
