"""Review decisions travel with the annotations: JSON set version 2, CSV columns after ``modified``, W3C ``an:`` terms.

A version 1 set (no review fields) still imports, with every annotation undecided.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from annotator.core import decisions
from annotator.core.errors import InputError
from annotator.core.formats.csv_set import export_csv
from annotator.core.formats.json_set import export_json, import_json, import_json_file
from annotator.core.formats.project_set import read_project_set
from annotator.core.formats.w3c import export_w3c, import_w3c
from annotator.core.paths import resources_dir
from annotator.core.store import Store

DATA = Path(__file__).resolve().parent.parent / "data"
TEXT = "The envoy met the minister in Moscow. Вчера посланник сказал «нет». قال المبعوث لا"
REVIEW = ("reviewer", "reviewed", "review_note")


def review_of(ann) -> tuple[str, str, str]:
    return (ann.reviewer, ann.reviewed, ann.review_note)


@pytest.fixture
def decided(store):
    return decide(store)


def decide(store: Store) -> Store:
    """Two annotators' spans with decisions: alice's accepted by bob (bob's copy), carol's rejected with a reason."""
    doc, _ = store.add_document(TEXT, "Envoy")
    start = TEXT.index("envoy")
    alice = store.add_annotation(doc.id, "Actor", start, start + 5, "alice")
    carol = store.add_annotation(doc.id, "Actor", start, start + 9, "carol")
    arabic = TEXT.index("المبعوث")
    other = store.add_annotation(doc.id, "Actor", arabic, arabic + len("المبعوث"), "carol")
    decisions.accept(store, alice, [alice, carol], "bob")
    decisions.reject(store, other, "bob", "=not an actor here, «نعم»")
    return store


def export_set(store: Store) -> dict:
    out = io.StringIO()
    export_json(store, out)
    return json.loads(out.getvalue())


def reviews(store: Store) -> dict[str, tuple[str, str, str, str]]:
    return {a.id: (a.status, *review_of(a)) for a in store.annotations()}


def test_the_json_set_carries_every_decision_and_the_import_restores_it(decided, tmp_path):
    data = export_set(decided)
    assert data["version"] == 4
    assert not list(Draft202012Validator(_schema()).iter_errors(data))
    by_status = {a["status"]: a for a in data["annotations"] if a["status"] != "accepted"}
    rejected = by_status["rejected"]
    assert rejected["reviewer"] == "bob" and rejected["reviewed"].endswith("Z")
    assert {a["review_note"] for a in data["annotations"] if a["status"] == "rejected"} == {
        "conflict resolved in favour of alice's Actor span", "=not an actor here, «نعم»"}
    assert {a["review_note"] for a in data["annotations"] if a["annotator"] == "bob"} == {"accepted from alice"}
    for load in ("dict", "file"):
        with Store.open(tmp_path / f"{load}.sqlite") as other:
            if load == "dict":
                import_json(other, data)
            else:
                path = tmp_path / "set.json"
                path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
                import_json_file(other, path)
            assert reviews(other) == reviews(decided)
            assert "bob" in {a.id for a in other.annotators()}


def test_importing_under_another_name_keeps_who_decided(decided, tmp_path):
    with Store.open(tmp_path / "other.sqlite") as other:
        import_json(other, export_set(decided), as_annotator="dana")
        assert {a.annotator for a in other.annotations()} == {"dana"}
        assert {a.reviewer for a in other.annotations()} == {"bob"}
        assert [a.id for a in other.annotators()] == ["dana"]


def test_a_colleagues_project_brings_its_decisions(tmp_path):
    with Store.open(tmp_path / "colleague.sqlite") as colleague:
        expected = reviews(decide(colleague))
    with Store.open(tmp_path / "other.sqlite") as other:
        import_json(other, read_project_set(tmp_path / "colleague.sqlite", other))
        assert reviews(other) == expected


def test_the_frozen_version_1_set_reads_with_no_decisions(store):
    """tests/data/annotation-set-v1.json has no review fields: it validates and imports, every decision empty."""
    data = json.loads((DATA / "annotation-set-v1.json").read_text(encoding="utf-8"))
    assert data["version"] == 1 and all("reviewer" not in a for a in data["annotations"])
    assert not list(Draft202012Validator(_schema()).iter_errors(data))
    import_json_file(store, DATA / "annotation-set-v1.json")
    anns = store.annotations()
    assert len(anns) == 3 and {review_of(a) for a in anns} == {("", "", "")}
    assert "rejected" in {a.status for a in anns}  # the status itself always travelled


def test_the_schema_wants_the_review_fields_from_version_2_on(decided):
    validator = Draft202012Validator(_schema())
    data = export_set(decided)
    for key in REVIEW:
        bad = json.loads(json.dumps(data))
        del bad["annotations"][0][key]
        assert not validator.is_valid(bad), key
        bad["version"] = 1
        assert validator.is_valid(bad), key
    bad = json.loads(json.dumps(data))
    bad["annotations"][0]["reviewed"] = 5
    assert not validator.is_valid(bad)


@pytest.mark.parametrize("key", REVIEW)
def test_a_review_field_that_is_not_text_is_refused_and_nothing_lands(decided, tmp_path, key):
    data = export_set(decided)
    data["annotations"][-1][key] = 7
    with Store.open(tmp_path / "other.sqlite") as other, pytest.raises(InputError) as err:
        import_json(other, data, name="set.json")
    assert str(err.value).startswith(f"Annotation {len(data['annotations'])} of set.json has a review")
    assert str(err.value).endswith("that is not text.")
    with Store.open(tmp_path / "other.sqlite") as other:
        assert other.annotations() == [] and other.documents() == []


def test_the_csv_appends_the_decision_after_modified(decided):
    out = io.StringIO(newline="")
    export_csv(decided, out)
    header, *rows = csv.reader(io.StringIO(out.getvalue()))
    assert header[12:] == ["modified", "reviewer", "reviewed", "review_note"]
    cells = {row[0]: dict(zip(header, row)) for row in rows}
    for ann in decided.annotations():
        row = cells[ann.id]
        assert row["status"] == ann.status
        assert (row["reviewer"], row["reviewed"]) == (ann.reviewer, ann.reviewed)
        # the formula escaping applies to the note as to every text cell
        expected = "'" + ann.review_note if ann.review_note.startswith("=") else ann.review_note
        assert row["review_note"] == expected


def test_w3c_carries_the_decision_in_our_terms_and_reads_it_back(decided, tmp_path):
    path = tmp_path / "set.jsonld"
    with path.open("w", encoding="utf-8") as out:
        export_w3c(decided, out)
    items = json.loads(path.read_text(encoding="utf-8"))["first"]["items"]
    rejected = [i for i in items if i.get("an:reviewNote") == "=not an actor here, «نعم»"]
    assert len(rejected) == 1 and rejected[0]["an:reviewer"] == "bob" and rejected[0]["an:status"] == "rejected"
    assert rejected[0]["an:reviewed"].endswith("Z")
    assert all("an:reviewer" not in i for i in items if i.get("an:status") == "pending")
    with Store.open(tmp_path / "other.sqlite") as other:
        import_w3c(other, path)
        assert reviews(other) == reviews(decided)


def _schema() -> dict:
    return json.loads((resources_dir() / "schemas" / "annotation-set.schema.json").read_text(encoding="utf-8"))
