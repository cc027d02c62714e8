"""Every format carries attributes on spans (issue 22): the JSON set (version 4, ``attributes`` on labels and
annotations; older sets still read), CSV (one column per declared attribute), brat (``A`` lines and
``annotation.conf``'s ``[attributes]``, both ways) and W3C (annotator's own terms)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from annotator.core.errors import InputError
from annotator.core.formats.brat import export_brat, import_brat
from annotator.core.formats.csv_set import COLUMNS, export_csv
from annotator.core.formats.json_set import export_json, import_json, import_json_file
from annotator.core.formats.project_set import read_project_set
from annotator.core.formats.w3c import export_w3c, import_w3c
from annotator.core.model import AttributeDecl
from annotator.core.store import Store

TEXT = "Officials said seven people died in Kyiv; the ministry denied that anyone was hurt."


def _at(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


@pytest.fixture
def attributed(store):
    """Figure declares certainty (choice), negated (flag), source (text); two Figure spans carry some."""
    store.set_label_attributes("Figure", [
        AttributeDecl("Figure", "certainty", "choice", ("reported", "confirmed")),
        AttributeDecl("Figure", "negated", "flag"),
        AttributeDecl("Figure", "source", "text")])
    doc, _ = store.add_document(TEXT, "Wire")
    first = store.add_annotation(doc.id, "Figure", *_at("seven people"), "alice")
    second = store.add_annotation(doc.id, "Figure", *_at("anyone"), "alice")
    store.add_annotation(doc.id, "Actor", *_at("the ministry"), "bob")
    store.set_annotation_attributes(first.id, {"certainty": "reported", "source": "a ministry official"})
    store.set_annotation_attributes(second.id, {"certainty": "confirmed", "negated": "true"})
    return store


def carried(store: Store) -> dict[tuple[str, int, int], dict[str, str]]:
    """Each span's attributes, by label and offsets."""
    anns = store.annotations()
    values = store.attributes_for(a.id for a in anns)
    return {(a.label, a.start, a.end): values.get(a.id, {}) for a in anns}


def declared(store: Store) -> list[tuple[str, str, str, tuple[str, ...]]]:
    return [(d.label, d.name, d.type, d.choices) for d in store.label_attributes()]


def test_json_set_round_trip_keeps_declarations_and_values(attributed, tmp_path):
    out = io.StringIO()
    export_json(attributed, out)
    data = json.loads(out.getvalue())
    assert data["version"] == 4
    figure = next(lb for lb in data["labels"] if lb["name"] == "Figure")
    assert figure["attributes"][0] == {"name": "certainty", "type": "choice", "choices": ["reported", "confirmed"]}
    by_quote = {a["quote"]: a for a in data["annotations"]}
    assert by_quote["anyone"]["attributes"] == {"certainty": "confirmed", "negated": "true"}
    assert "attributes" not in by_quote["the ministry"]
    with Store.open(tmp_path / "other.sqlite") as other:
        import_json(other, data)
        assert carried(other) == carried(attributed)
        assert declared(other) == declared(attributed)


def test_a_version_3_set_without_attributes_still_reads(attributed, tmp_path):
    out = io.StringIO()
    export_json(attributed, out)
    data = json.loads(out.getvalue())
    data["version"] = 3
    for item in data["labels"] + data["annotations"]:
        item.pop("attributes", None)
    with Store.open(tmp_path / "other.sqlite") as other:
        import_json(other, data)
        assert all(not v for v in carried(other).values())


def test_a_set_with_a_value_that_is_not_a_choice_is_refused_whole(attributed, tmp_path, digest):
    out = io.StringIO()
    export_json(attributed, out)
    data = json.loads(out.getvalue())
    data["annotations"][-1]["attributes"] = {"certainty": "rumoured"}
    path = tmp_path / "other.sqlite"
    with Store.open(path) as other:
        other.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = digest(path)
        with pytest.raises(InputError, match="not a choice of certainty"):
            import_json(other, data)
        assert other.annotations() == [] and other.label_attributes() == []
    assert digest(path) == before


ATTRS = ("attribute:certainty", "attribute:negated", "attribute:source")


def test_csv_has_one_column_per_declared_attribute_after_the_others(attributed):
    out = io.StringIO(newline="")
    export_csv(attributed, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    header = list(rows[0])
    assert header[:len(COLUMNS)] == list(COLUMNS)
    assert header[len(COLUMNS):] == ["attribute:certainty", "attribute:negated", "attribute:source"]
    by_quote = {r["quote"]: r for r in rows}
    assert [by_quote["seven people"][k] for k in ATTRS] == [
        "reported", "", "a ministry official"]
    assert [by_quote["anyone"][k] for k in ATTRS] == ["confirmed", "true", ""]
    assert [by_quote["the ministry"][k] for k in ATTRS] == ["", "", ""]


def test_csv_without_declared_attributes_keeps_its_columns(store):
    out = io.StringIO(newline="")
    export_csv(store, out)
    assert next(csv.reader(io.StringIO(out.getvalue(), newline=""))) == list(COLUMNS)


def test_brat_round_trip_writes_a_lines_and_the_conf_section(attributed, tmp_path):
    export_brat(attributed, tmp_path / "corpus")
    ann = next((tmp_path / "corpus" / "alice").glob("*.ann")).read_text(encoding="utf-8")
    assert "\tnegated T2\n" in ann and "\tcertainty T1 reported\n" in ann
    assert "\tsource T1 a_ministry_official\n" in ann
    conf = (tmp_path / "corpus" / "annotation.conf").read_text(encoding="utf-8")
    section = conf.split("[attributes]\n", 1)[1].splitlines()
    assert section == ["certainty\tArg:Figure, Value:reported|confirmed", "negated\tArg:Figure",
                       "#annotator:text source", "source\tArg:Figure, Value:a_ministry_official"]
    with Store.open(tmp_path / "other.sqlite") as other:
        import_brat(other, tmp_path / "corpus")
        assert carried(other) == carried(attributed)
        assert declared(other) == declared(attributed)


def test_brats_own_attributes_come_in(store, tmp_path):
    """A corpus written by brat: a binary and a multi-valued attribute, declared for two types."""
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "talks.txt").write_text(TEXT, encoding="utf-8")
    start, end = _at("seven people")
    (folder / "talks.ann").write_text(f"T1\tCasualty {start} {end}\tseven people\nA1\tNegated T1\n"
                                      "M2\tCertainty T1 Reported\n", encoding="utf-8")
    (folder / "annotation.conf").write_text("[entities]\nCasualty\nEvent_type\n[relations]\n[events]\n"
                                            "[attributes]\nNegated\tArg:<ENTITY>\n"
                                            "Certainty\tArg:Casualty|Event_type, Value:Reported|Denied\n",
                                            encoding="utf-8")
    import_brat(store, folder)
    assert carried(store) == {("Casualty", start, end): {"Certainty": "Reported", "Negated": "true"}}
    assert [(d.label, d.name, d.type) for d in store.label_attributes()][-4:] == [
        ("Casualty", "Negated", "flag"), ("Casualty", "Certainty", "choice"),
        ("Event type", "Negated", "flag"), ("Event type", "Certainty", "choice")]


def test_w3c_round_trip_carries_attributes_in_our_own_terms(attributed, tmp_path):
    out = io.StringIO()
    export_w3c(attributed, out)
    data = json.loads(out.getvalue())
    figure = next(lb for lb in data["an:labels"] if lb["name"] == "Figure")
    assert figure["an:attributes"][1] == {"name": "negated", "type": "flag", "choices": []}
    items = {i["target"]["selector"][1]["exact"]: i for i in data["first"]["items"]}
    assert items["anyone"]["an:attributes"] == {"certainty": "confirmed", "negated": "true"}
    assert "an:attributes" not in items["the ministry"]
    path = tmp_path / "set.jsonld"
    path.write_text(out.getvalue(), encoding="utf-8")
    with Store.open(tmp_path / "other.sqlite") as other:
        import_w3c(other, path)
        assert carried(other) == carried(attributed)
        assert declared(other) == declared(attributed)


def test_a_json_set_streamed_from_a_file_carries_attributes(attributed, tmp_path):
    path = tmp_path / "set.json"
    with open(path, "w", encoding="utf-8") as out:
        export_json(attributed, out)
    with Store.open(tmp_path / "other.sqlite") as other:
        import_json_file(other, path)
        assert carried(other) == carried(attributed)
        assert declared(other) == declared(attributed)


def test_the_project_format_carries_attributes(attributed, tmp_path):
    source, expected = attributed.path, carried(attributed)
    attributed.close()  # a project held open here is not read as another's
    with Store.open(tmp_path / "other.sqlite") as other:
        import_json(other, read_project_set(source, other))
        assert carried(other) == expected


def test_undoing_and_redoing_an_import_takes_out_and_puts_back_its_attributes(attributed, tmp_path):
    out = io.StringIO()
    export_json(attributed, out)
    with Store.open(tmp_path / "other.sqlite") as other:
        report = import_json(other, json.loads(out.getvalue()))
        batch = other.adopt_import(report.rows)
        other.undo_import(batch)
        assert other.annotations() == []
        assert other.db.conn.execute("SELECT count(*) FROM annotation_attributes").fetchone()[0] == 0
        other.redo_import(batch)
        assert carried(other) == carried(attributed)
