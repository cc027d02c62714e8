"""Retrieval by code (issue 22): segments with context, the code × document matrix, co-occurrence, and the
``annotator segments`` / ``annotator matrix`` commands."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.cli import main
from annotator.core.errors import CancelledError, NotFoundError
from annotator.core.model import Annotation
from annotator.core.retrieval import (
    Segment, cooccurrence, matrix, segments, tree_order, write_matrix, write_pairs, write_segments,
)
from annotator.core.store import Store

#: Astral characters (an emoji, a flag), CRLF line ends (stored as LF), Arabic and Hebrew (right to left).
TEXT = ("Report 🙂 one: seven people 🇺🇦 died.\r\nعشرة أشخاص قتلوا in Kyiv.\r\n"
        "שבעה אנשים נהרגו, the mayor said.\r\n")


def span(text: str, quote: str) -> tuple[int, int]:
    i = text.index(quote)
    return i, i + len(quote)


@pytest.fixture
def coded(store):
    """Two documents; Figure › Casualties › Dead (a tree of three), Actor; alice and bob."""
    d1, _ = store.add_document(TEXT, "Report A", "Wire")
    d2, _ = store.add_document("The mayor counted seven dead.", "Report B", "Paper")
    store.add_label("Casualties")
    store.set_label_parent("Casualties", "Figure")
    store.add_label("Dead")
    store.set_label_parent("Dead", "Casualties")
    t1, t2 = store.document_text(d1.id), d2.text or store.document_text(d2.id)
    anns = {
        "seven": store.add_annotation(d1.id, "Figure", *span(t1, "seven"), "bob"),
        "people": store.add_annotation(d1.id, "Casualties", *span(t1, "seven people 🇺🇦"), "alice", "with flag"),
        "arabic": store.add_annotation(d1.id, "Figure", *span(t1, "عشرة"), "alice", status="accepted"),
        "hebrew": store.add_annotation(d1.id, "Dead", *span(t1, "שבעה אנשים"), "alice"),
        "mayor": store.add_annotation(d1.id, "Actor", *span(t1, "the mayor"), "alice"),
        "b_mayor": store.add_annotation(d2.id, "Actor", *span(t2, "The mayor"), "bob"),
        "b_dead": store.add_annotation(d2.id, "Dead", *span(t2, "seven dead"), "bob", status="rejected"),
    }
    return store, d1, d2, anns


def ids(found) -> set[str]:
    return {s.id for s in found}


def test_segments_of_a_code_with_and_without_its_children(coded):
    store, _d1, _d2, a = coded
    assert ids(segments(store, ["Figure"])) == {a["seven"].id, a["arabic"].id}
    with_children = list(segments(store, ["Figure"], with_children=True))
    assert ids(with_children) == {a[k].id for k in ("seven", "people", "arabic", "hebrew", "b_dead")}
    paths = {s.id: s.code for s in with_children}
    assert paths[a["people"].id] == "Figure › Casualties"
    assert paths[a["hebrew"].id] == "Figure › Casualties › Dead"
    assert ids(segments(store, ["Casualties"], with_children=True)) == {a[k].id for k in ("people", "hebrew", "b_dead")}
    assert len(list(segments(store))) == 7  # no code given: every segment


def test_segments_filters_document_annotator_status(coded):
    store, d1, d2, a = coded
    assert ids(segments(store, documents=[d2.id])) == {a["b_mayor"].id, a["b_dead"].id}
    assert ids(segments(store, annotator="bob")) == {a["seven"].id, a["b_mayor"].id, a["b_dead"].id}
    assert ids(segments(store, status="accepted")) == {a["arabic"].id}
    assert ids(segments(store, ["Figure"], True, [d1.id], "alice", "pending")) == {a["people"].id, a["hebrew"].id}


def test_segments_come_in_reading_order_with_document_annotator_status_note(coded):
    store, d1, _d2, a = coded
    found = list(segments(store, documents=[d1.id]))
    assert [s.start for s in found] == sorted(s.start for s in found)
    people = next(s for s in found if s.id == a["people"].id)
    assert (people.document, people.title, people.label, people.annotator, people.status, people.note) == (
        d1.id, "Report A", "Casualties", "alice", "pending", "with flag")


def test_an_unknown_code_is_one_sentence(coded):
    store = coded[0]
    with pytest.raises(NotFoundError, match="There is no label 'Nope'"):
        list(segments(store, ["Nope"]))


@pytest.mark.parametrize("context", [0, 1, 3, 10, 1000])
def test_context_offsets_are_exact_with_emoji_crlf_and_rtl(coded, context):
    store = coded[0]
    for seg in segments(store, context=context):
        text = store.document_text(seg.document)
        assert text[seg.start:seg.end] == seg.quote
        assert len(seg.before) == min(context, seg.start)
        assert len(seg.after) == min(context, len(text) - seg.end)
        assert text[seg.start - len(seg.before):seg.end + len(seg.after)] == seg.before + seg.quote + seg.after
        assert "\r" not in seg.before + seg.after


def test_context_around_an_astral_character_counts_code_points(coded):
    store, _d1, _d2, a = coded
    seg = next(s for s in segments(store, ["Casualties"], context=4) if s.id == a["people"].id)
    assert seg.quote == "seven people 🇺🇦"
    assert seg.after == " die"  # the flag is two code points, and the quote ends after it
    assert seg.before == "one: "[-4:]
    hebrew = next(s for s in segments(store, ["Dead"], context=3) if s.id == a["hebrew"].id)
    assert hebrew.before == "v.\n"  # the CRLF is one LF in the stored text
    assert hebrew.after == " נה"


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \n🙂🇺🇦عשé\u0301"), min_size=1, max_size=40).filter(str.strip), st.data())
def test_context_is_exact_for_any_text(tmp_path_factory, text, data):
    with Store.open(tmp_path_factory.mktemp("p") / "p.sqlite") as store:
        doc, _ = store.add_document(text, "T")
        stored = store.document_text(doc.id)
        if not stored:
            return
        start = data.draw(st.integers(0, len(stored) - 1))
        end = data.draw(st.integers(start + 1, len(stored)))
        context = data.draw(st.integers(0, 8))
        store.add_annotation(doc.id, "Figure", start, end, "alice")
        (seg,) = segments(store, context=context)
        assert stored[start - len(seg.before):end + len(seg.after)] == seg.before + seg.quote + seg.after
        assert seg.before == stored[max(0, start - context):start] and seg.after == stored[end:end + context]


def test_segments_stream_in_batches(store):
    """A big project's segments are read batch by batch: memory does not grow with the number of segments."""
    doc, _ = store.add_document("word " * 20000, "Long")
    store.ensure_annotator("alice")
    store.insert_annotations(Annotation(f"id{n:06d}", doc.id, "Figure", n * 5, n * 5 + 4, "word", "alice")
                             for n in range(20000))
    found = segments(store, ["Figure"], context=2, size=500)
    tracemalloc.start()
    first = next(found)
    base = tracemalloc.get_traced_memory()[0]
    n, peak = 1, 0
    for _seg in found:
        n += 1
        peak = max(peak, tracemalloc.get_traced_memory()[0])
    tracemalloc.stop()
    assert first.quote == "word" and n == 20000
    print(f"segments: 20,000 streamed, {(peak - base) / 1e6:.2f} MB above the first")
    assert peak - base < 2_000_000  # 20,000 Segment objects held would take ~6 MB


def test_matrix_counts_by_document_and_rolls_children_up(coded):
    store, d1, d2, _a = coded
    table = matrix(store)
    assert table.columns == [d1.id, d2.id] and table.headers[d1.id] == "Report A"
    assert [name for name, _ in table.rows][:5] == ["Claim", "Actor", "Figure", "Casualties", "Dead"]
    assert dict(table.rows)["Dead"] == 2  # depth in the tree
    assert (table.count("Figure", d1.id), table.count("Casualties", d1.id), table.count("Dead", d1.id)) == (2, 1, 1)
    assert table.count("Figure", d2.id) == 0 and table.count("Dead", d2.id) == 1
    rolled = matrix(store, with_children=True)
    assert (rolled.count("Figure", d1.id), rolled.count("Figure", d2.id)) == (4, 1)
    assert (rolled.count("Casualties", d1.id), rolled.row_total("Casualties")) == (2, 3)
    assert rolled.count("Actor", d2.id) == 1


def test_matrix_by_annotator(coded):
    store = coded[0]
    table = matrix(store, by="annotator", with_children=True)
    assert table.columns == ["alice", "bob"]
    assert (table.count("Figure", "alice"), table.count("Figure", "bob")) == (3, 2)
    assert table.count("Actor", "bob") == 1


def overlapping(store, **options) -> dict:
    return {(p.first, p.second): (p.segments, p.documents) for p in cooccurrence(store, **options)}


def test_cooccurrence_counts_overlapping_codes_of_one_annotator_in_one_document(coded):
    store, d1, d2, a = coded
    # bob's "seven" (Figure) lies inside alice's "seven people 🇺🇦" (Casualties): two analysts, not one.
    assert overlapping(store) == {}
    assert overlapping(store, across_annotators=True) == {("Casualties", "Figure"): (1, 1)}
    t2 = store.document_text(d2.id)
    store.add_annotation(d2.id, "Figure", *span(t2, "seven"), "bob")  # inside bob's "seven dead" (Dead)
    store.add_annotation(d2.id, "Claim", *span(t2, "mayor counted"), "bob")  # overlaps bob's "The mayor" (Actor)
    store.add_annotation(d2.id, "Claim", *span(t2, "dead."), "bob")  # Dead again
    store.add_annotation(d2.id, "Claim", *span(t2, "counted seven"), "alice")  # over bob's Figure and Dead
    assert overlapping(store) == {("Dead", "Figure"): (1, 1), ("Actor", "Claim"): (1, 1), ("Claim", "Dead"): (1, 1)}
    assert overlapping(store, across_annotators=True) == {
        ("Casualties", "Figure"): (1, 1), ("Dead", "Figure"): (1, 1), ("Actor", "Claim"): (1, 1),
        ("Claim", "Dead"): (2, 1), ("Claim", "Figure"): (1, 1)}
    assert cooccurrence(store, documents=[d1.id], across_annotators=True)[0].first == "Casualties"
    assert cooccurrence(store, annotator="alice") == []  # alice's segments overlap none of hers


def test_cooccurrence_reports_the_segments_swept_and_stops_when_told(coded):
    """Issue 24: ``matrix --cooccurrence`` sweeps every segment (11 s at a million): it says how far it is."""
    store = coded[0]
    seen: list[tuple[int, int | None]] = []
    assert cooccurrence(store, across_annotators=True, progress=lambda d, t=None: seen.append((d, t))) == \
        cooccurrence(store, across_annotators=True)
    assert seen[0] == (0, None) and seen[-1] == (store.annotation_count(), None)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)

    def cancel(done: int, total: int | None = None) -> None:
        raise CancelledError("Cancelled.")

    with pytest.raises(CancelledError):
        cooccurrence(store, progress=cancel)


def test_segments_written_as_csv_and_json(coded):
    store = coded[0]
    store.update_annotation(coded[3]["mayor"].id, note="=1+1 \"quoted\"")
    out = io.StringIO()
    assert write_segments(segments(store, context=5), out, "csv") == 7
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    mayor = next(r for r in rows if r["id"] == coded[3]["mayor"].id)
    assert mayor["note"] == "'=1+1 \"quoted\""  # formula-safe, like every CSV annotator writes
    assert (mayor["before"], mayor["quote"], mayor["after"]) == ("רגו, ", "the mayor", " said")
    dead = next(r for r in rows if r["code"] == "Figure › Casualties › Dead" and r["title"] == "Report A")
    assert dead["quote"] == "שבעה אנשים" and int(dead["end"]) - int(dead["start"]) == len("שבעה אנשים")
    out = io.StringIO()
    assert write_segments(segments(store, ["Figure"], True, context=3), out, "json") == 5
    data = json.loads(out.getvalue())
    assert {d["code"] for d in data} == {"Figure", "Figure › Casualties", "Figure › Casualties › Dead"}
    assert set(data[0]) == {"document", "title", "code", "label", "start", "end", "before", "quote", "after",
                            "annotator", "status", "note", "id"}
    out = io.StringIO()
    assert write_segments(iter(()), out, "json") == 0 and json.loads(out.getvalue()) == []


def test_matrix_and_pairs_written_as_csv_and_json(coded):
    store, d1, d2, _a = coded
    out = io.StringIO()
    write_matrix(matrix(store, with_children=True), out, "csv")
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["code", "Report A", "Report B", "total"]
    assert ["Figure › Casualties › Dead", "1", "1", "2"] in rows and ["Figure", "4", "1", "5"] in rows
    out = io.StringIO()
    write_matrix(matrix(store), out, "json")
    data = json.loads(out.getvalue())
    assert data["by"] == "document" and data["columns"][1] == {"id": d2.id, "title": "Report B"}
    dead = next(r for r in data["rows"] if r["label"] == "Dead")
    assert dead == {"code": "Figure › Casualties › Dead", "label": "Dead", "counts": {d1.id: 1, d2.id: 1}, "total": 2}
    out = io.StringIO()
    write_pairs(cooccurrence(store, across_annotators=True), out, "json")
    assert json.loads(out.getvalue()) == [{"first": "Casualties", "second": "Figure", "segments": 1, "documents": 1}]


def test_tree_order_puts_children_under_their_parents(coded):
    order = [(lb.name, depth) for lb, depth in tree_order(coded[0].labels())]
    assert order.index(("Figure", 0)) + 1 == order.index(("Casualties", 1))
    assert order.index(("Casualties", 1)) + 1 == order.index(("Dead", 2))


# ----------------------------------------------------------------------------- the command line
def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(coded, project_path):
    coded[0].close()
    return project_path


def test_cli_segments_text_csv_json(project, capsys, tmp_path):
    code, out, err = run(capsys, "segments", project, "--label", "Figure", "--with-children", "--context", "4")
    assert code == 0 and err == "5 segments\n"
    assert "Report A · Figure › Casualties · alice · pending" in out and "»seven people 🇺🇦« die" in out
    assert "note: with flag" in out
    code, out, _ = run(capsys, "segments", project, "--doc", "Report B", "--annotator", "bob", "--status", "rejected",
                       "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [(r["code"], r["quote"]) for r in rows] == [("Figure › Casualties › Dead", "seven dead")]
    target = tmp_path / "out.json"
    code, out, _ = run(capsys, "segments", project, "--label", "Actor", "--json", "-o", target)
    assert code == 0 and out == ""
    assert [d["quote"] for d in json.loads(target.read_text(encoding="utf-8"))] == ["the mayor", "The mayor"]


def test_cli_segments_bad_input_is_one_line(project, capsys):
    code, out, err = run(capsys, "segments", project, "--label", "Nope")
    assert (code, out) == (2, "") and err == "annotator: There is no label 'Nope' in this project.\n"
    code, out, err = run(capsys, "segments", project, "--context", "-1")
    assert code == 2 and err.count("\n") == 1 and "--context" in err


def test_cli_matrix(project, capsys):
    code, out, _ = run(capsys, "matrix", project, "--with-children")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["code", "1", "2", "total"]
    assert lines[[ln.split()[0] for ln in lines].index("Figure")].split() == ["Figure", "4", "1", "5"]
    assert "    Dead" in out and "  1 = Report A" in out
    code, out, _ = run(capsys, "matrix", project, "--by", "annotator", "--csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["code", "alice", "bob", "total"] and ["Actor", "1", "1", "2"] in rows
    code, out, _ = run(capsys, "matrix", project, "--cooccurrence")
    assert code == 0 and out == "no codes overlap\n"
    code, out, _ = run(capsys, "matrix", project, "--cooccurrence", "--across-annotators")
    assert code == 0 and out == "Casualties + Figure: 1 overlapping, in 1 document\n"
    code, out, _ = run(capsys, "matrix", project, "--cooccurrence", "--across-annotators", "--csv")
    assert out.splitlines() == ["first,second,segments,documents", "Casualties,Figure,1,1"]


def test_segment_values_follow_the_fields():
    seg = Segment("i", "d", "t", "Dead", ("Figure", "Dead"), 1, 2, "q", "a", "pending", "n", "b", "c")
    assert seg.to_json()["code"] == "Figure › Dead" and seg.to_json()["before"] == "b"
