"""Attributes on spans: declarations per label, values on annotations, their rules (issue 22)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from annotator.cli import main
from annotator.core import decisions
from annotator.core.attributes import parse_filter
from annotator.core.errors import InputError
from annotator.core.formats.scheme import parse_scheme, write_scheme
from annotator.core.model import AttributeDecl
from annotator.core.retrieval import segments
from annotator.core.store import Store

TEXT = "Officials said seven people died, and nobody denied it."


def tagged(store):
    """A project with Figure declaring certainty (a choice) and negated (a flag), and one Figure span."""
    doc, _ = store.add_document(TEXT, "Report")
    store.ensure_label("Figure")
    store.set_label_attributes("Figure", [AttributeDecl("Figure", "certainty", "choice", ("reported", "confirmed")),
                                          AttributeDecl("Figure", "negated", "flag"),
                                          AttributeDecl("Figure", "comment", "text")])
    ann = store.add_annotation(doc.id, "Figure", 15, 27, "alice")
    return doc, ann


def test_declarations_are_kept_in_order_and_follow_a_renamed_label(store):
    tagged(store)
    assert [(d.name, d.type, d.choices) for d in store.label_attributes("Figure")] == [
        ("certainty", "choice", ("reported", "confirmed")), ("negated", "flag", ()), ("comment", "text", ())]
    store.update_label("Figure", new_name="Number")
    assert [d.label for d in store.label_attributes()] == ["Number"] * 3
    assert store.attribute_names() == ["certainty", "negated", "comment"]


def test_values_are_checked_against_the_declarations(store, project_path, digest):
    _doc, ann = tagged(store)
    old = store.set_annotation_attributes(ann.id, {"certainty": "reported", "negated": "yes", "comment": "a guess"})
    assert old == {}
    assert store.annotation_attributes(ann.id) == {"certainty": "reported", "comment": "a guess", "negated": "true"}
    assert store.annotation(ann.id).modified >= ann.modified
    before = digest(project_path)
    for values, message in (({"certainty": "rumoured"}, "not a choice of certainty"),
                            ({"negated": "perhaps"}, "is a flag"),
                            ({"tense": "past"}, "declares no attribute 'tense'"),
                            ({"comment": "two\nlines"}, "one line")):
        with pytest.raises(InputError, match=message):
            store.set_annotation_attributes(ann.id, values)
    assert digest(project_path) == before
    store.set_annotation_attributes(ann.id, {"certainty": "confirmed", "negated": "false"})
    assert store.annotation_attributes(ann.id) == {"certainty": "confirmed"}


def test_bad_declarations_are_refused_whole(store):
    tagged(store)
    for decls, message in (([AttributeDecl("Figure", "two words", "text")], "cannot name an attribute"),
                           ([AttributeDecl("Figure", "kind", "number")], "not a kind of attribute"),
                           ([AttributeDecl("Figure", "kind", "choice", ())], "at least one choice"),
                           ([AttributeDecl("Figure", "kind", "text"), AttributeDecl("Figure", "kind", "flag")],
                            "twice")):
        with pytest.raises(InputError, match=message):
            store.set_label_attributes("Figure", decls)
    assert len(store.label_attributes("Figure")) == 3


def test_values_go_with_their_annotation_and_stay_when_a_declaration_goes(store):
    doc, ann = tagged(store)
    store.set_annotation_attributes(ann.id, {"certainty": "reported"})
    store.set_label_attributes("Figure", [])
    assert store.annotation_attributes(ann.id) == {"certainty": "reported"}
    assert store.annotations_with_attribute("certainty", "reported") == {ann.id}
    store.delete_annotation(ann.id)
    assert store.attributes_for([ann.id]) == {}


def test_an_import_declares_what_it_brings_as_free_text(store):
    doc, ann = tagged(store)
    store.insert_attribute_rows([(ann.id, "Figure", "source", "ministry"), (ann.id, "Figure", "certainty", "reported")])
    assert store.annotation_attributes(ann.id) == {"certainty": "reported", "source": "ministry"}
    assert [(d.name, d.type) for d in store.label_attributes("Figure")][-1] == ("source", "text")
    with pytest.raises(InputError, match="not a choice of certainty"):
        store.insert_attribute_rows([(ann.id, "Figure", "certainty", "rumoured")])


def test_filter_text():
    assert parse_filter("certainty=reported") == ("certainty", "reported")
    assert parse_filter("negated") == ("negated", "true")
    with pytest.raises(InputError, match="KEY=VALUE"):
        parse_filter("=x")


def test_segments_filter_on_attributes(store, capsys):
    doc, ann = tagged(store)
    other = store.add_annotation(doc.id, "Figure", 43, 49, "bob")
    store.set_annotation_attributes(ann.id, {"certainty": "reported", "negated": "true"})
    store.set_annotation_attributes(other.id, {"certainty": "reported"})
    assert [s.id for s in segments(store, attributes=[("certainty", "reported")])] == [ann.id, other.id]
    assert [s.id for s in segments(store, attributes=[("certainty", "reported"), ("negated", "true")])] == [ann.id]
    assert store.count_segments(attributes=[parse_filter("negated")]) == 1
    assert list(segments(store, attributes=[("certainty", "confirmed")])) == []
    path = store.path
    store.close()
    assert main(["segments", str(path), "--attribute", "negated", "--csv"]) == 0
    out = capsys.readouterr()
    assert out.err == "1 segment\n" and "seven people" in out.out
    assert main(["segments", str(path), "--attribute", "certianty=reported"]) == 2
    assert capsys.readouterr().err.strip().endswith("No label declares an attribute 'certianty'; see the label scheme.")


def test_segment_exports_carry_the_attributes(store, capsys):
    """CSV: one ``attribute:NAME`` column per declared attribute, as in a CSV set; JSON: ``attributes`` on a
    segment that carries any."""
    doc, ann = tagged(store)
    other = store.add_annotation(doc.id, "Figure", 43, 49, "bob")
    store.set_annotation_attributes(ann.id, {"certainty": "reported", "negated": "true", "comment": "=1+1"})
    assert [s.attributes for s in segments(store)] == [
        {"certainty": "reported", "comment": "=1+1", "negated": "true"}, {}]
    path = store.path
    store.close()
    assert main(["segments", str(path), "--csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][-3:] == ["attribute:certainty", "attribute:negated", "attribute:comment"]
    assert rows[1][-3:] == ["reported", "true", "'=1+1"] and rows[2][-3:] == ["", "", ""]
    assert main(["segments", str(path), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed[0]["id"] == ann.id and printed[0]["attributes"]["certainty"] == "reported"
    assert printed[1]["id"] == other.id and "attributes" not in printed[1]


def test_a_value_no_longer_declared_may_stay_but_not_change(store):
    _doc, ann = tagged(store)
    store.set_annotation_attributes(ann.id, {"certainty": "reported", "comment": "old"})
    store.set_label_attributes("Figure", [AttributeDecl("Figure", "certainty", "choice", ("reported", "confirmed"))])
    store.set_annotation_attributes(ann.id, {"certainty": "confirmed", "comment": "old"})
    assert store.annotation_attributes(ann.id) == {"certainty": "confirmed", "comment": "old"}
    with pytest.raises(InputError, match="declares no attribute 'comment'"):
        store.set_annotation_attributes(ann.id, {"comment": "new"})


def test_the_scheme_file_carries_declarations_and_an_older_one_leaves_them(store, tmp_path):
    tagged(store)
    out = io.StringIO()
    write_scheme(store, out)
    data = json.loads(out.getvalue())
    assert data["version"] == 3
    figure = next(lb for lb in data["labels"] if lb["name"] == "Figure")
    assert figure["attributes"][1] == {"name": "negated", "type": "flag", "choices": []}
    fresh = Store.open(tmp_path / "team.sqlite", create=True, scheme=parse_scheme(out.getvalue()))
    with fresh:
        assert fresh.label_attributes() == store.label_attributes()
        fresh.set_label_attributes("Figure", [])
        fresh.import_scheme(parse_scheme(out.getvalue()))  # the scheme's attributes win for the labels it names
        assert fresh.label_attributes() == store.label_attributes()
        data["version"] = 2
        for lb in data["labels"]:
            del lb["attributes"]
        fresh.import_scheme(parse_scheme(json.dumps(data)))  # version 2 says nothing of them: they stay
        assert fresh.label_attributes() == store.label_attributes()
    data["version"] = 3
    data["labels"][0]["attributes"] = [{"name": "x", "type": "choice", "choices": []}]
    with pytest.raises(InputError, match="needs at least one choice"):
        parse_scheme(json.dumps(data))


def test_a_deleted_document_comes_back_with_its_spans_attributes(store):
    doc, ann = tagged(store)
    store.set_annotation_attributes(ann.id, {"certainty": "reported", "negated": "true"})
    snapshot = store.delete_document(doc.id)
    assert store.attributes_for([ann.id]) == {}
    store.restore_document(snapshot)
    assert store.annotation_attributes(ann.id) == {"certainty": "reported", "negated": "true"}


def test_accepting_a_colleagues_span_copies_its_attributes_and_undo_redo_follow(store):
    _doc, ann = tagged(store)
    store.set_annotation_attributes(ann.id, {"certainty": "reported"})
    decision = decisions.accept(store, store.annotation(ann.id), [store.annotation(ann.id)], "bob")
    (copy,) = decision.created
    assert copy.annotator == "bob" and store.annotation_attributes(copy.id) == {"certainty": "reported"}
    decisions.undo(store, decision)
    assert not store.has_annotation(copy.id)
    decisions.redo(store, decision)
    assert store.annotation_attributes(copy.id) == {"certainty": "reported"}
