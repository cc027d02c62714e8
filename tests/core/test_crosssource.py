"""Cross-source analysis on the seeds: links, discrepancies, actor variants, claims by actor, scroll mapping."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator import cli_progress
from annotator.cli import main
from annotator.core import crosssource
from annotator.core.crosssource import claims_by_actor, discrepancies, link_anchors, map_offset, \
    write_discrepancies_csv
from annotator.core.errors import InputError
from annotator.core.formats.csv_set import LINK_COLUMNS, export_links_csv
from annotator.core.formats.documents import import_seeds
from annotator.core.formats.json_set import export_json, import_json, parse_set
from annotator.core.store import Store
from annotator.core.suggest import suggest_in_project


@pytest.fixture
def seeded(tmp_path):
    store = Store.open(tmp_path / "p.sqlite")
    ft, wire = import_seeds(store)
    yield store, ft.id, wire.id
    store.close()


def tag(store, doc, quote, label, who="alice"):
    text = store.document_text(doc)
    start = text.index(quote)
    return store.add_annotation(doc, label, start, start + len(quote), who)


def test_linked_casualty_figures_are_flagged_as_different(seeded):
    store, ft, wire = seeded
    six, seven = tag(store, ft, "at least six people", "Figure"), tag(store, wire, "seven people", "Figure")
    dozen, thirty = tag(store, ft, "three dozen countries", "Figure"), tag(store, wire, "30 countries", "Figure")
    plan_ft, plan_wire = tag(store, ft, "28-point", "Figure"), tag(store, wire, "28-point", "Figure")
    store.add_link("contradicts", six.id, seven.id, "alice")
    store.add_link("contradicts", dozen.id, thirty.id, "alice")
    store.add_link("same as", plan_ft.id, plan_wire.id, "alice")
    found = {(d.left.quote, d.right.quote): d for d in discrepancies(store)}
    six_seven = found[("at least six people", "seven people")]
    # One verdict, shown by the mark and by the explanation alike: both can be true, so it does not differ.
    assert (six_seven.verdict, six_seven.differs) == ("compatible", False)
    assert six_seven.explanation.startswith("compatible:")
    assert six_seven.left_value == "at least 6 people"
    assert found[("three dozen countries", "30 countries")].differs
    assert found[("three dozen countries", "30 countries")].verdict == "differs"
    assert not found[("28-point", "28-point")].differs
    for d in found.values():  # never "≠ differs" next to "compatible: both can be true"
        assert d.differs == (d.verdict == "differs") and ("compatible" in d.explanation) == (d.verdict == "compatible")
    out = io.StringIO(newline="")
    assert write_discrepancies_csv(list(found.values()), {ft: "FT", wire: "Wire"}, out) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {r["differs"] for r in rows} == {"yes", "no"}
    assert {r["left_language"] for r in rows} == {"en"} and {r["verdict"] for r in rows} == {
        "compatible", "differs", "same"}


def test_claims_linked_as_contradicting_are_discrepancies_with_their_reason(seeded):
    store, ft, wire = seeded
    claim_ft = tag(store, ft, "tremendous progress", "Claim")
    claim_wire = tag(store, wire, "making progress", "Claim")
    store.add_link("same as", claim_ft.id, claim_wire.id, "alice")
    assert [d for d in discrepancies(store) if d.kind == "claim"] == []  # agreeing claims are no discrepancy
    store.add_link("contradicts", claim_ft.id, claim_wire.id, "alice", note="one says done, one says ongoing")
    [d] = [d for d in discrepancies(store) if d.kind == "claim"]
    assert (d.verdict, d.differs, d.explanation) == ("differs", True, "one says done, one says ongoing")
    assert (d.left_value, d.right_value) == ("tremendous progress", "making progress")
    text = store.document_text(wire)
    start = text.index("progress")
    by_model = store.add_annotation(wire, "Claim", start, start + len("progress"), "alice",
                                    origin="model m, prompt pairs-1, 2026-12-07T00:00:00Z: contradicts: not the same")
    store.add_link("contradicts", claim_ft.id, by_model.id, "alice")
    assert {d.explanation for d in discrepancies(store) if d.kind == "claim"} == {
        "one says done, one says ongoing", "not the same"}


def test_same_as_actors_with_different_spellings_and_claims_by_actor(seeded):
    store, ft, wire = seeded
    sergei, sergey = tag(store, ft, "Sergei Lavrov", "Actor"), tag(store, wire, "Sergey Lavrov", "Actor")
    store.add_link("same as", sergei.id, sergey.id, "alice")
    variants = [d for d in discrepancies(store) if d.kind == "actor"]
    assert [(d.left_value, d.right_value) for d in variants] == [("Sergei Lavrov", "Sergey Lavrov")]
    trump_ft, trump_wire = tag(store, ft, "Donald Trump", "Actor"), tag(store, wire, "Donald Trump", "Actor")
    claim_ft = tag(store, ft, "tremendous progress", "Claim")
    claim_wire = tag(store, wire, "making progress", "Claim")
    store.add_link("said by", claim_ft.id, trump_ft.id, "alice")
    store.add_link("said by", trump_wire.id, claim_wire.id, "alice")  # either direction is understood
    groups = claims_by_actor(store)
    assert groups[0].name == "Donald Trump"  # same text in both sources: one actor
    assert [c.quote for c, _ in groups[0].claims] == ["tremendous progress", "making progress"]


def test_links_round_trip_and_links_csv(seeded, tmp_path):
    store, ft, wire = seeded
    six, seven = tag(store, ft, "at least six people", "Figure"), tag(store, wire, "seven people", "Figure")
    store.add_link("casualty count", six.id, seven.id, "alice", "FT says six")
    assert "casualty count" in store.link_types()  # users' own types are remembered
    buf = io.StringIO()
    export_json(store, buf)
    other = Store.open(tmp_path / "other.sqlite")
    import_json(other, parse_set(buf.getvalue()))
    assert [(k.type, k.note) for k in other.links()] == [("casualty count", "FT says six")]
    out = io.StringIO(newline="")
    assert export_links_csv(other, out) == 1
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == LINK_COLUMNS and rows[1][5] == "at least six people"
    other.close()


def test_link_errors(seeded):
    store, ft, _ = seeded
    a = tag(store, ft, "Steve Witkoff", "Actor")
    with pytest.raises(InputError):
        store.add_link("same as", a.id, a.id, "alice")
    with pytest.raises(InputError):
        store.add_link("  ", a.id, a.id, "alice")


def test_rejected_suggestions_stay_hidden_for_that_document(seeded):
    store, ft, wire = seeded
    before = suggest_in_project(store, ft, kinds=("Figure",))
    quotes = [s.quote for s in before]
    for needed in ("at least six people", "800,000", "28-point", "19-point", "three dozen countries"):
        assert needed in quotes
    wire_quotes = [s.quote for s in suggest_in_project(store, wire, kinds=("Figure",))]
    assert {"seven people", "30 countries"} <= set(wire_quotes)
    target = next(s for s in before if s.quote == "800,000")
    store.reject_suggestions(ft, [(target.label, target.start, target.end)])
    assert "800,000" not in [s.quote for s in suggest_in_project(store, ft, kinds=("Figure",))]
    store.reject_suggestions(ft, [(target.label, target.start, target.end)], undo=True)
    assert "800,000" in [s.quote for s in suggest_in_project(store, ft, kinds=("Figure",))]


def test_tagged_actor_names_are_suggested_elsewhere(seeded):
    store, ft, wire = seeded
    tag(store, ft, "Yuri Ushakov", "Actor")
    found = [s for s in suggest_in_project(store, wire, kinds=("Actor",)) if s.reason == "tagged as Actor elsewhere"]
    text = store.document_text(wire)
    assert all(text[s.start:s.end] == s.quote for s in found)


def test_suggest_and_discrepancies_commands(seeded, capsys):
    store, ft, wire = seeded
    six, seven = tag(store, ft, "at least six people", "Figure"), tag(store, wire, "seven people", "Figure")
    store.add_link("contradicts", six.id, seven.id, "alice")
    path = str(store.path)
    store.close()
    assert main(["suggest", path, "--doc", wire[:15], "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert {"rank", "document", "label", "quote", "reason", "count", "occurrences"} == set(items[0])
    assert main(["suggest", path, "--doc", wire[:15], "--json", "--all-occurrences"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert {"document", "label", "start", "end", "quote", "reason"} == set(items[0])
    assert main(["discrepancies", path]) == 0
    assert "compatible" in capsys.readouterr().out
    assert main(["discrepancies", path, "--json"]) == 0
    [item] = json.loads(capsys.readouterr().out)
    assert (item["verdict"], item["left"]["language"], item["left"]["reading"]) == (
        "compatible", "en", "at least 6 people")
    assert main(["export", path, "-f", "links-csv"]) == 0
    assert capsys.readouterr().out.startswith("link_id,type,source_id")
    assert main(["export", path, "-f", "links-csv", "-o", path + ".links.csv"]) == 0
    assert capsys.readouterr().err.startswith("1 link written to")  # links counted as links, not annotations


def test_anchor_mapping_follows_links(seeded):
    store, ft, wire = seeded
    six, seven = tag(store, ft, "at least six people", "Figure"), tag(store, wire, "seven people", "Figure")
    store.add_link("contradicts", six.id, seven.id, "alice")
    anchors = link_anchors(store, ft, wire)
    assert anchors == [(six.start, seven.start)]
    assert map_offset(six.start, anchors, len(store.document_text(ft)),
                      len(store.document_text(wire))) == seven.start


@given(st.integers(1, 10_000), st.integers(1, 10_000),
       st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)), max_size=8), st.data())
def test_map_offset_is_monotonic_and_in_range(len_a, len_b, anchors, data):
    xs = sorted(data.draw(st.lists(st.integers(0, len_a), min_size=2, max_size=10)))
    ys = [map_offset(x, anchors, len_a, len_b) for x in xs]
    assert all(0 <= y <= len_b for y in ys)
    assert ys == sorted(ys)
    assert map_offset(0, [], len_a, len_b) == 0 and map_offset(len_a, [], len_a, len_b) == len_b


def test_discrepancies_read_the_linked_annotations_in_one_query_whatever_their_number(tmp_path):
    """Issue 24: one query per linked annotation made ``discrepancies`` slow with 10,000 links at a million spans;
    now the links and both their annotations are read in one join, so the queries do not grow with the links."""
    store = Store.open(tmp_path / "n.sqlite")
    doc, _ = store.add_document("He counted 12 boats. She counted 13 boats. " * 40, "Boats")
    queries: list[str] = []

    def read_with(links: int) -> list:
        spans = [store.add_annotation(doc.id, "Figure", 11 + 43 * i, 13 + 43 * i, "alice") for i in range(2 * links)]
        for a, b in zip(spans[::2], spans[1::2]):
            store.add_link("same as", a.id, b.id, "alice")
        queries.clear()
        store.db.conn.set_trace_callback(queries.append)
        try:
            return discrepancies(store)
        finally:
            store.db.conn.set_trace_callback(None)

    few = read_with(2)
    reads_for_few = len(queries)
    many = read_with(20)
    assert len(few) == 2 and len(many) == 22 and reads_for_few == len(queries) <= 3, queries
    assert [d.link.id for d in many] == [link.id for link in store.links()]  # the order of the links
    assert all((d.left.id, d.right.id) == (d.link.source, d.link.target) for d in many)
    store.close()


def test_discrepancies_report_the_linked_pairs_read_on_stderr(tmp_path, capsys, monkeypatch):
    """Issue 24: ``annotator discrepancies`` tells the linked pairs read of all the links on standard error (plain
    lines when it is no terminal; at once here, the progress thresholds set to zero); standard output unchanged."""
    monkeypatch.setattr(cli_progress, "QUIET_S", 0)
    monkeypatch.setattr(cli_progress, "LINE_EVERY_S", 0)
    monkeypatch.setattr(crosssource, "PROGRESS_EVERY", 100)
    path = tmp_path / "n.sqlite"
    with Store.open(path) as store:
        doc, _ = store.add_document("He counted 12 boats. She counted 13 boats. " * 500, "Boats")
        spans = [store.add_annotation(doc.id, "Figure", 11 + 43 * i, 13 + 43 * i, "alice") for i in range(500)]
        for a, b in zip(spans[::2], spans[1::2]):
            store.add_link("same as", a.id, b.id, "alice")
    assert main(["discrepancies", str(path)]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == ["Comparing linked pairs: 0% (0 of 250)", "Comparing linked pairs: 40% (100 of 250)",
                                "Comparing linked pairs: 80% (200 of 250)", "Comparing linked pairs: 100% (250 of 250)",
                                "Comparing linked pairs: done (250)"]
    assert out.splitlines()[-1] == "0 of 250 linked pairs differ"
