"""The label tree in the store (issue 22): parents, cycles refused, renames keep the tree, deleting a parent both
ways and undoing it, categories that cannot tag, the scheme file's ``parent``/``codable`` (version 2; version 1
still reads)."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest
from builders import project_before

from annotator.cli import main
from annotator.core.apply import ApplyError, apply_lines
from annotator.core.errors import InputError
from annotator.core.formats.scheme import parse_scheme, write_scheme
from annotator.core.model import AttributeDecl, Label
from annotator.core.store import Store


@pytest.fixture
def tree(store):
    """Claim, Actor > (Person, State), Figure > Casualties, Plan point; a document tagged under the tree."""
    store.add_label("Person", parent="Actor")
    store.add_label("State", parent="Actor")
    store.add_label("Casualties", parent="Figure")
    doc, _ = store.add_document("Witkoff met Putin; seven people died in Kyiv.", "R")
    return store, doc.id


def test_labels_carry_their_parent_and_every_row_reader_sees_it(tree):
    store, _ = tree
    parents = {lb.name: lb.parent for lb in store.labels()}
    assert parents == {"Claim": "", "Actor": "", "Figure": "", "Plan point": "", "Person": "Actor",
                       "State": "Actor", "Casualties": "Figure"}
    assert store.label("State") == Label("State", store.label("State").color, "", "", 5, "Actor", True)
    assert store.children("Actor") == ["Person", "State"]
    assert store.label_path("Casualties") == ["Figure", "Casualties"]


def test_a_move_that_would_make_a_cycle_or_name_a_missing_parent_is_refused_and_changes_nothing(tree, digest,
                                                                                                 project_path):
    store, _ = tree
    store.add_label("Leader", parent="Person")
    before = digest(project_path)
    with pytest.raises(InputError, match=r"^Actor cannot go under Leader, which already sits under Actor\.$"):
        store.set_label_parent("Actor", "Leader")
    with pytest.raises(InputError, match=r"^Actor cannot sit under itself\.$"):
        store.set_label_parent("Actor", "Actor")
    with pytest.raises(InputError, match=r"There is no label 'Nobody'"):
        store.set_label_parent("Actor", "Nobody")
    with pytest.raises(InputError, match=r"There is no label 'Nobody'"):
        store.add_label("Place", parent="Nobody")
    assert digest(project_path) == before
    assert store.set_label_parent("Leader", "").parent == ""
    assert store.set_label_parent("Actor", "Leader").parent == "Leader"


def test_a_rename_keeps_the_tree(tree):
    store, doc = tree
    ann = store.add_annotation(doc, "Person", 0, 7, "alice")
    store.update_label("Actor", new_name="Actors")
    assert [lb.parent for lb in store.labels() if lb.name in ("Person", "State")] == ["Actors", "Actors"]
    store.update_label("Person", new_name="People")
    assert store.annotation(ann.id).label == "People"
    assert store.label("People").parent == "Actors"


def _state(store):
    return (store.labels(), sorted(a.id for a in store.annotations()), sorted(k.id for k in store.links()))


def test_deleting_a_parent_moves_its_children_up_and_restore_puts_them_back(tree):
    store, doc = tree
    store.add_label("Leader", parent="Person")
    kept = store.add_annotation(doc, "Leader", 0, 7, "alice")
    gone = store.add_annotation(doc, "Person", 12, 17, "alice")
    store.add_link("supports", kept.id, gone.id, "alice")
    before = _state(store)
    with pytest.raises(InputError, match=r"Person holds other labels \(Leader\)"):
        store.delete_label("Person")
    removal = store.delete_label_tree("Person", "up")
    assert store.label("Leader").parent == "Actor"
    assert [a.id for a in store.annotations()] == [kept.id] and store.links() == []
    store.restore_label_tree(removal)
    assert _state(store) == before


def test_deleting_a_parent_with_its_children_takes_their_annotations_and_restore_puts_all_back(tree):
    store, doc = tree
    store.add_label("Leader", parent="Person")
    store.add_annotation(doc, "Leader", 0, 7, "alice")
    store.add_annotation(doc, "State", 12, 17, "alice")
    before = _state(store)
    removal = store.delete_label_tree("Actor", "delete")
    assert [lb.name for lb in store.labels()] == ["Claim", "Figure", "Plan point", "Casualties"]
    assert store.annotations() == []
    store.restore_label_tree(removal)
    assert _state(store) == before


def test_a_category_holds_labels_but_tags_nothing(tree):
    store, doc = tree
    store.update_label("Actor", codable=False)
    assert store.label("Actor").codable is False
    message = r"^Actor is a category that holds labels; tag with one of the labels under it\.$"
    with pytest.raises(InputError, match=message):
        store.add_annotation(doc, "Actor", 0, 7, "alice")
    ann = store.add_annotation(doc, "Person", 0, 7, "alice")
    with pytest.raises(InputError, match=message):
        store.update_annotation(ann.id, label="Actor")
    with pytest.raises(InputError, match=r"Person tags spans, so it cannot become a category"):
        store.update_label("Person", codable=False)


def test_an_older_project_upgrades_to_a_flat_tree(tmp_path):
    path = project_before(tmp_path / "old.sqlite", "0009_label_tree", {"sha256:r": "Witkoff met Driscoll."})
    db = sqlite3.connect(path)
    db.execute("INSERT INTO labels (name, color) VALUES ('Actor', '#1F77B4'), ('Claim', '#FF7F0E')")
    db.commit()
    db.close()
    with Store.open(path) as store:
        assert {(lb.parent, lb.codable) for lb in store.labels()} == {("", True)}
        store.add_label("Person", parent="Actor")
        assert store.label("Person").parent == "Actor"


def test_the_scheme_file_carries_the_tree_and_categories(tree, tmp_path):
    store, _ = tree
    store.update_label("Actor", codable=False)
    out = io.StringIO()
    write_scheme(store, out)
    data = json.loads(out.getvalue())
    assert data["version"] == 3
    assert data["labels"][5] == {"name": "State", "color": store.label("State").color, "shortcut": "",
                                 "description": "", "parent": "Actor", "codable": True, "attributes": []}
    with Store.open(tmp_path / "other.sqlite") as other:
        for name in ("Casualties", "State", "Person"):
            other.add_label(name)  # known labels, flat: the scheme's tree wins
        other.set_label_parent("Figure", "Casualties")  # even turned around
        other.import_scheme(parse_scheme(out.getvalue()))
        assert {(lb.name, lb.parent, lb.codable) for lb in other.labels()} == {
            (lb.name, lb.parent, lb.codable) for lb in store.labels()}


def test_a_version_1_scheme_still_reads_and_leaves_the_tree_as_it_is(tree):
    store, _ = tree
    store.update_label("Actor", codable=False)
    raw = json.dumps({"format": "annotator.label-scheme", "version": 1,
                      "labels": [{"name": "Person", "color": "#0072B2", "shortcut": "7", "description": "d"},
                                 {"name": "Actor", "color": "#E69F00"}, {"name": "Place", "color": "#000000"}]})
    labels = parse_scheme(raw)
    assert labels[0] == Label("Person", "#0072B2", "7", "d", 0, None, True)  # None: the file does not say
    store.import_scheme(labels)
    assert (store.label("Person").shortcut, store.label("Person").parent) == ("7", "Actor")
    assert store.label("Actor").codable is False and store.label("Place").parent == ""


def test_a_new_project_from_a_scheme_listing_children_first(tmp_path):
    raw = json.dumps({"format": "annotator.label-scheme", "version": 2, "labels": [
        {"name": "Leader", "color": "#000000", "parent": "Person"},
        {"name": "Person", "color": "#0072B2", "parent": "Actors"},
        {"name": "Actors", "color": "#E69F00", "codable": False}]})
    with Store.open(tmp_path / "new.sqlite", scheme=parse_scheme(raw)) as store:
        assert [(lb.name, lb.parent, lb.codable) for lb in store.labels()] == [
            ("Leader", "Person", True), ("Person", "Actors", True), ("Actors", "", False)]


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ([{"name": "A", "color": "#000000", "parent": "B"}], r"'A' sits under 'B', which is not a label there"),
        ([{"name": "A", "color": "#000000", "parent": "B"}, {"name": "B", "color": "#000000", "parent": "A"}],
         r"'A' sits under itself"),
        ([{"name": "A", "color": "#000000", "codable": "no"}], r"\"codable\" that is neither true nor false"),
    ],
)
def test_a_scheme_with_a_broken_tree_is_refused(labels, message):
    raw = json.dumps({"format": "annotator.label-scheme", "version": 2, "labels": labels})
    with pytest.raises(InputError, match=message):
        parse_scheme(raw, "team.json")


def test_cli_labels_json_prints_each_label_with_its_parent(tree, project_path, capsys):
    store, doc = tree
    store.add_annotation(doc, "Person", 0, 7, "alice")
    store.update_label("Actor", codable=False, description="Who acts")
    store.set_label_attributes("Person", [AttributeDecl("Person", "certainty", "choice", ("reported", "confirmed")),
                                          AttributeDecl("Person", "negated", "flag")])
    store.close()
    assert main(["labels", str(project_path), "--json"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    printed = json.loads(out)
    assert [lb["name"] for lb in printed] == ["Claim", "Actor", "Figure", "Plan point", "Person", "State", "Casualties"]
    assert printed[1] == {"name": "Actor", "color": "#E69F00", "shortcut": "2", "description": "Who acts",
                          "parent": "", "codable": False, "attributes": [], "annotations": 0}
    assert printed[4] == {"name": "Person", "color": printed[4]["color"], "shortcut": "", "description": "",
                          "parent": "Actor", "codable": True, "annotations": 1,
                          "attributes": [{"name": "certainty", "type": "choice", "choices": ["reported", "confirmed"]},
                                         {"name": "negated", "type": "flag", "choices": []}]}


def test_apply_refuses_to_tag_with_a_category_in_one_sentence(tree):
    store, doc = tree
    store.update_label("Actor", codable=False)
    edit = json.dumps({"op": "add", "document": doc, "start": 0, "end": 7, "label": "Actor"}) + "\n"
    with pytest.raises(ApplyError, match=r"Actor is a category that holds labels; tag with one of the labels"):
        apply_lines(store, io.BytesIO(edit.encode()), io.StringIO(), "script")
    assert store.annotations() == []
