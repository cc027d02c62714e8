"""Every format keeps the label tree (issue 22): the JSON set (version 3; older sets still read), REFI-QDA
(nested ``<Code>``, ``isCodable="false"``), brat (an indented ``annotation.conf``, ``!Name``) and W3C (annotator's
own terms). A round trip through each gives back the same tree."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.errors import InputError
from annotator.core.formats.brat import export_brat, import_brat
from annotator.core.formats.json_set import export_json, import_json
from annotator.core.formats.qdpx import NS, export_qdpx, import_qdpx
from annotator.core.formats.w3c import export_w3c, import_w3c
from annotator.core.store import Store

Q = f"{{{NS}}}"
TEXT = "Witkoff met Putin in Moscow; seven people died in Kyiv, the ministry said."


def _at(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


@pytest.fixture
def tree(store):
    """QualCoder's lost tree: Actors (a category) > Person, State; Figure > Casualties; tagged in one document."""
    store.add_label("Actors", codable=False, description="Who acts")
    store.add_label("Person", parent="Actors")
    store.add_label("State", parent="Actors")
    store.add_label("Casualties", parent="Figure")
    store.add_label("Leader", parent="Person")
    doc, _ = store.add_document(TEXT, "Wire")
    store.add_annotation(doc.id, "Person", *_at("Witkoff"), "alice")
    store.add_annotation(doc.id, "Leader", *_at("Putin"), "alice")
    store.add_annotation(doc.id, "Casualties", *_at("seven people"), "alice")
    store.add_annotation(doc.id, "State", *_at("the ministry"), "bob")
    return store


def shape(store: Store) -> dict[str, tuple[str, bool]]:
    """The tree: each label's parent and whether it tags."""
    return {lb.name: (lb.parent, lb.codable) for lb in store.labels()}


def spans(store: Store) -> set[tuple[str, int, int]]:
    return {(a.label, a.start, a.end) for a in store.annotations()}


def test_json_set_round_trip_keeps_the_tree(tree, tmp_path):
    out = io.StringIO()
    export_json(tree, out)
    data = json.loads(out.getvalue())
    assert data["version"] == 4
    assert data["labels"][4] == {"name": "Actors", "color": tree.label("Actors").color, "shortcut": "",
                                 "description": "Who acts", "parent": "", "codable": False, "attributes": [],
                                 "memo": ""}
    data["labels"].reverse()  # a child named before its parent still finds it
    with Store.open(tmp_path / "other.sqlite") as other:
        import_json(other, data)
        assert shape(other) == shape(tree)
        assert spans(other) == spans(tree)


def test_a_version_2_set_without_a_tree_still_reads(tree, tmp_path):
    out = io.StringIO()
    export_json(tree, out)
    data = json.loads(out.getvalue())
    data["version"] = 2
    for label in data["labels"]:
        del label["parent"], label["codable"]
    with Store.open(tmp_path / "other.sqlite") as other:
        import_json(other, data)
        assert {lb.parent for lb in other.labels()} == {""}
        assert spans(other) == spans(tree)


def test_a_set_tagging_a_category_is_refused_and_changes_nothing(tree, tmp_path):
    out = io.StringIO()
    export_json(tree, out)
    data = json.loads(out.getvalue())
    data["annotations"][0]["label"] = "Actors"
    with Store.open(tmp_path / "other.sqlite") as other:
        before = shape(other)
        with pytest.raises(InputError, match=r"is tagged Actors, a category that holds labels"):
            import_json(other, data)
        assert shape(other) == before and other.annotations() == []


# ------------------------------------------------------------------ REFI-QDA
def test_refi_qda_round_trip_keeps_nested_codes_and_categories(tree, tmp_path):
    path = tmp_path / "tree.qdpx"
    export_qdpx(tree, path)
    with zipfile.ZipFile(path) as zf:
        root = ElementTree.fromstring(zf.read("project.qde"))
    codes = root.find(f"{Q}CodeBook/{Q}Codes")
    actors = codes.find(f"{Q}Code[@name='Actors']")
    assert actors.get("isCodable") == "false"
    assert [c.get("name") for c in actors.findall(f"{Q}Code")] == ["Person", "State"]
    assert [c.get("name") for c in actors.findall(f"{Q}Code/{Q}Code")] == ["Leader"]
    assert [c.get("name") for c in codes.findall(f"{Q}Code[@name='Figure']/{Q}Code")] == ["Casualties"]
    with Store.open(tmp_path / "other.sqlite") as other:
        import_qdpx(other, path)
        assert shape(other) == shape(tree)
        assert spans(other) == spans(tree)


def test_qualcoder_tree_comes_in_whole(store, tmp_path):
    """The issue's QualCoder project: "Casualties" under "Figure", "Person"/"State" under a category "Actors"."""
    g = [f"{n:08d}-0000-4000-8000-00000000000{n}" for n in range(1, 6)]
    xml = (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{NS}" name="q"><CodeBook><Codes>'
           f'<Code guid="{g[0]}" name="Figure" isCodable="true">'
           f'<Code guid="{g[1]}" name="Casualties" isCodable="true"/></Code>'
           f'<Code guid="{g[2]}" name="Actors" isCodable="false"><Description>Who acts</Description>'
           f'<Code guid="{g[3]}" name="Person" isCodable="true"/><Code guid="{g[4]}" name="State" isCodable="true"/>'
           "</Code></Codes></CodeBook></Project>")
    path = tmp_path / "qualcoder.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", xml)
    import_qdpx(store, path)
    assert {n: shape(store)[n] for n in ("Figure", "Casualties", "Actors", "Person", "State")} == {
        "Figure": ("", True), "Casualties": ("Figure", True), "Actors": ("", False),
        "Person": ("Actors", True), "State": ("Actors", True)}
    assert store.label("Actors").description == "Who acts"


# ---------------------------------------------------------------------- brat
def test_brat_round_trip_keeps_the_tree_in_an_indented_annotation_conf(tree, tmp_path):
    export_brat(tree, tmp_path / "corpus")
    conf = (tmp_path / "corpus" / "annotation.conf").read_text(encoding="utf-8")
    entities = conf.split("[entities]\n")[1].split("\n\n")[0].splitlines()
    assert entities == ["Claim", "Actor", "Figure", "\tCasualties", "Plan_point", "!Actors", "\tPerson", "\t\tLeader",
                        "\tState"]
    with Store.open(tmp_path / "other.sqlite") as other:
        import_brat(other, tmp_path / "corpus")
        assert shape(other) == shape(tree)
        assert spans(other) == spans(tree)


def test_brats_own_hierarchy_comes_in(store, tmp_path):
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "annotation.conf").write_text(
        "[entities]\n!Actors\n\tPerson\n\t\tLeader\n\tState\nFigure\n\tCasualties\n[relations]\n", encoding="utf-8")
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "a.ann").write_text("T1\tLeader 12 17\tPutin\n", encoding="utf-8")
    import_brat(store, folder)
    assert {n: shape(store)[n] for n in ("Actors", "Person", "Leader", "State", "Casualties")} == {
        "Actors": ("", False), "Person": ("Actors", True), "Leader": ("Person", True), "State": ("Actors", True),
        "Casualties": ("Figure", True)}
    assert spans(store) == {("Leader", 12, 17)}


# ----------------------------------------------------------------------- W3C
def test_w3c_round_trip_keeps_the_tree_in_our_own_terms(tree, tmp_path):
    out = io.StringIO()
    export_w3c(tree, out)
    data = json.loads(out.getvalue())
    by_name = {lb["name"]: lb for lb in data["an:labels"]}
    assert by_name["Leader"]["an:parent"] == "Person" and "an:parent" not in by_name["Actors"]
    assert by_name["Actors"]["an:codable"] is False and "an:codable" not in by_name["Person"]
    path = tmp_path / "tree.jsonld"
    path.write_text(out.getvalue(), encoding="utf-8")
    with Store.open(tmp_path / "other.sqlite") as other:
        import_w3c(other, path)
        assert shape(other) == shape(tree)
        assert spans(other) == spans(tree)


# ------------------------------------------------------------- every format, any tree
def _json_trip(store: Store, folder: Path, other: Store) -> None:
    out = io.StringIO()
    export_json(store, out)
    import_json(other, json.loads(out.getvalue()))


def _qdpx_trip(store: Store, folder: Path, other: Store) -> None:
    export_qdpx(store, folder / "t.qdpx")
    import_qdpx(other, folder / "t.qdpx")


def _brat_trip(store: Store, folder: Path, other: Store) -> None:
    export_brat(store, folder / "brat")
    import_brat(other, folder / "brat")


def _w3c_trip(store: Store, folder: Path, other: Store) -> None:
    out = io.StringIO()
    export_w3c(store, out)
    (folder / "t.jsonld").write_text(out.getvalue(), encoding="utf-8")
    import_w3c(other, folder / "t.jsonld")


#: A tree as (parent index or None, codable) for labels L0, L1, …: a parent always comes earlier, so no cycles.
trees = st.integers(1, 8).flatmap(lambda n: st.tuples(*(
    st.tuples(st.one_of(st.none(), st.integers(0, i - 1)) if i else st.none(), st.booleans()) for i in range(n))))


@settings(max_examples=15, deadline=None)
@given(tree=trees, order=st.randoms(use_true_random=False))
def test_any_tree_survives_a_round_trip_through_every_format(tree, order):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with Store.open(folder / "p.sqlite", scheme=[]) as store:
            doc, _ = store.add_document(TEXT, "Wire")
            for i, (parent, codable) in enumerate(tree):
                store.add_label(f"L{i}", parent="" if parent is None else f"L{parent}", codable=codable)
            names = [lb.name for lb in store.labels()]
            order.shuffle(names)  # the scheme's order need not follow the tree
            store.reorder_labels(names)
            tagging = next(lb.name for lb in store.labels() if lb.codable) if any(c for _, c in tree) else None
            if tagging:
                store.add_annotation(doc.id, tagging, *_at("Putin"), "alice")
            for trip in (_json_trip, _qdpx_trip, _brat_trip, _w3c_trip):
                with Store.open(folder / f"{trip.__name__}.sqlite", scheme=[]) as other:
                    trip(store, folder, other)
                    assert shape(other) == shape(store), trip.__name__
