"""An annotation's fields are defined once (``annotator.core.model``); the store and the formats follow by name."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import textwrap
from dataclasses import fields

import pytest

from annotator.core.formats.csv_set import COLUMNS, export_csv
from annotator.core.formats.json_set import export_json, import_json
from annotator.core.model import ANNOTATION_FIELDS, EXCHANGED_FIELDS, Annotation
from annotator.core.paths import resources_dir
from annotator.core.store import Store

TEXT = "The envoy met the minister in Moscow on Tuesday."


def tagged(store: Store) -> Annotation:
    """One annotation whose every field holds a value no other field holds."""
    doc, _ = store.add_document(TEXT, "Envoy", "Wire")
    start = TEXT.index("envoy")
    ann = store.add_annotation(doc.id, "Actor", start, start + 5, "alice", "a note", id="ann-1", status="accepted",
                               created="2026-01-01T00:00:00Z", modified="2026-01-02T00:00:00Z",
                               origin="suggested: a name")
    return store.set_review(ann.id, "accepted", "bob", "agreed", when="2026-01-03T00:00:00Z")


def test_the_store_has_a_column_of_each_field_and_no_other(store):
    columns = [row[1] for row in store.db.conn.execute("PRAGMA table_info(annotations)")]
    assert sorted(columns) == sorted(ANNOTATION_FIELDS) == sorted(f.name for f in fields(Annotation))


def test_the_review_fields_are_exchanged_after_modified_and_the_origin_stays_in_the_project():
    assert EXCHANGED_FIELDS == ("id", "document", "label", "start", "end", "quote", "annotator", "note", "status",
                                "created", "modified", "reviewer", "reviewed", "review_note")
    assert set(ANNOTATION_FIELDS) - set(EXCHANGED_FIELDS) == {"origin"}


def test_the_shipped_json_schema_names_the_exchanged_fields():
    """The schema is a promise to other tools: exchanging another field means changing it (and ``version``)."""
    schema = json.loads((resources_dir() / "schemas" / "annotation-set.schema.json").read_text(encoding="utf-8"))
    annotation = schema["$defs"]["annotation"]
    since_2, since_3, memos_4, attributes_4 = schema["allOf"][:4]
    assert since_3["then"]["properties"]["labels"]["items"]["required"] == ["parent", "codable"]
    assert memos_4["then"]["properties"]["labels"]["items"]["required"] == ["memo"]
    assert attributes_4["then"]["properties"]["labels"]["items"]["required"] == ["attributes"]
    assert since_2["if"] == {"properties": {"version": {"minimum": 2}}}
    required_since_2 = since_2["then"]["properties"]["annotations"]["items"]["required"]
    # An annotation's attributes (version 4) are rows of their own in the store, not a field of Annotation.
    assert annotation["required"] + required_since_2 == list(EXCHANGED_FIELDS) == [
        name for name in annotation["properties"] if name != "attributes"]
    assert list(annotation["properties"])[-1] == "attributes"
    assert annotation["additionalProperties"] is False


def test_a_stored_annotation_reads_back_field_by_field(store):
    ann = tagged(store)
    assert len({getattr(ann, f) for f in ANNOTATION_FIELDS}) == len(ANNOTATION_FIELDS)
    assert (ann.reviewer, ann.review_note, ann.origin) == ("bob", "agreed", "suggested: a name")
    assert store.annotation(ann.id) == ann == store.annotations()[0] == store.search_annotations("envoy")[0]


def test_the_json_keys_and_the_store_rows_match_the_fields_by_name(store):
    ann = tagged(store)
    out = io.StringIO()
    export_json(store, out)
    (record,) = json.loads(out.getvalue())["annotations"]
    assert list(record) == list(EXCHANGED_FIELDS)
    assert record == {f: getattr(ann, f) for f in EXCHANGED_FIELDS}
    assert [list(b) for b in store.annotation_row_batches()] == [[tuple(getattr(ann, f) for f in EXCHANGED_FIELDS)]]
    assert list(store.annotation_row_batches(fields=("note", "end", "id"))) == [[("a note", ann.end, "ann-1")]]
    with pytest.raises(ValueError, match="no field 'title'"):
        next(store.annotation_row_batches(fields=("id", "title")))


def test_the_csv_columns_follow_the_fields_with_the_documents_title_and_source(store):
    ann = tagged(store)
    out = io.StringIO(newline="")
    export_csv(store, out)
    header, row = csv.reader(io.StringIO(out.getvalue()))
    assert tuple(header) == COLUMNS
    cells = dict(zip(header, row))
    assert (cells["annotation_id"], cells["document_id"], cells["document_title"], cells["source"]) == (
        ann.id, ann.document, "Envoy", "Wire")
    assert {f: cells[f] for f in EXCHANGED_FIELDS[2:]} == {f: str(getattr(ann, f)) for f in EXCHANGED_FIELDS[2:]}


def test_a_json_set_imports_field_by_field(store, tmp_path):
    ann = tagged(store)
    out = io.StringIO()
    export_json(store, out)
    with Store.open(tmp_path / "other.sqlite") as other:
        import_json(other, json.loads(out.getvalue()))
        (copy,) = other.annotations()
    assert {f: getattr(copy, f) for f in EXCHANGED_FIELDS} == {f: getattr(ann, f) for f in EXCHANGED_FIELDS}
    assert (copy.reviewer, copy.reviewed, copy.review_note, copy.origin) == ("bob", "2026-01-03T00:00:00Z", "agreed", "")


def test_a_field_added_to_the_definition_reaches_the_store_rows_the_json_and_the_csv(tmp_path):
    """Nothing else names the exchanged fields: exchanging ``origin`` too is one change, in the model."""
    script = textwrap.dedent(f"""
        import csv, io, json
        import annotator.core.model as model
        model.EXCHANGED_FIELDS = (*model.EXCHANGED_FIELDS, "origin")
        from annotator.core.formats.csv_set import COLUMNS, export_csv
        from annotator.core.formats.json_set import export_json
        from annotator.core.store import Store

        store = Store.open({str(tmp_path / "p.sqlite")!r})
        doc, _ = store.add_document("The envoy met the minister.", "Envoy")
        store.add_annotation(doc.id, "Actor", 4, 9, "alice", origin="suggested: a name")
        out = io.StringIO()
        export_json(store, out)
        record = json.loads(out.getvalue())["annotations"][0]
        (row,), = store.annotation_row_batches()
        table = io.StringIO(newline="")
        export_csv(store, table)
        header, cells = csv.reader(io.StringIO(table.getvalue()))
        print(json.dumps([list(record)[-1], record["origin"], row[-1], header[-1], cells[-1], COLUMNS[-1]]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == ["origin", "suggested: a name", "suggested: a name", "origin",
                                       "suggested: a name", "origin"]
