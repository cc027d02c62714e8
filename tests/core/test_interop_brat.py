"""brat standoff: the files we write, brat's and INCEpTION's shapes, and the annotator of each layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.formats.brat import FRAGMENT_LINK, export_brat, import_brat
from annotator.core.store import Store

TEXT = "Witkoff met Putin\nin Moscow on Tuesday.\nThe plan has 28 points."


def corpus(folder: Path, files: dict[str, str], text: str = TEXT, crlf: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, ann in files.items():
        (folder / f"{name}.txt").write_bytes((text.replace("\n", "\r\n") if crlf else text).encode())
        (folder / f"{name}.ann").write_text(ann, encoding="utf-8")
    return folder


def at(quote: str, text: str = TEXT) -> str:
    start = text.index(quote)
    return f"{start} {start + len(quote)}"


def test_export_layout_and_lines(store, rich, tmp_path):
    count, left_out = export_brat(store, tmp_path / "out")
    assert count == len(rich["anns"])
    conf = (tmp_path / "out" / "annotation.conf").read_text(encoding="utf-8")
    assert "[entities]\nClaim\nActor\nFigure\nPlan_point" in conf
    assert "same_as\tArg1:<ENTITY>, Arg2:<ENTITY>" in conf
    assert "bgColor:#" in (tmp_path / "out" / "visual.conf").read_text(encoding="utf-8")
    bob = ""
    for path in (tmp_path / "out" / "=bob").glob("*.ann"):
        lines = path.read_text(encoding="utf-8")
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        for line in lines.splitlines():
            if line.startswith("T"):
                tid, head, shown = line.split("\t")
                frags = [tuple(map(int, f.split())) for f in head.split(" ", 1)[1].split(";")]
                assert shown == " ".join(text[s:e].replace("\n", " ") for s, e in frags)
        bob += lines
    assert "\tAnnotatorNotes T" in bob and "\u2028left" in bob  # the note's line break, kept on one line
    assert any(line.startswith("R1\tsupports Arg1:T") for line in bob.splitlines())
    assert left_out.not_imported == {"links between documents or between annotators (brat cannot say them)": 2}


def test_a_span_over_a_line_break_is_written_as_fragments_and_read_back_whole(store, tmp_path):
    doc, _ = store.add_document(TEXT, "Talks")
    quote = "Putin\nin Moscow"
    start = TEXT.index(quote)
    store.add_annotation(doc.id, "Claim", start, start + len(quote), "alice")
    export_brat(store, tmp_path / "out")
    ann = next((tmp_path / "out" / "alice").glob("*.ann")).read_text(encoding="utf-8")
    assert ann.startswith(f"T1\tClaim {start} {start + 5};{start + 6} {start + len(quote)}\tPutin in Moscow\n")


def brat_reads(ann: str, text: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """The T lines of ``ann`` as brat's reader takes them: lines end where Python ends a line, and a T line's text
    must be its fragments' texts joined by one space (brat reports a mismatch otherwise)."""
    spans = []
    for line in ann.splitlines():
        tid, head, shown = line.split("\t", 2)
        if tid.startswith("T"):
            frags = [tuple(map(int, piece.split())) for piece in head.split(" ", 1)[1].split(";")]
            assert shown == " ".join(text[s:e] for s, e in frags), line
            spans.append((head.split()[0], frags))
    return spans


def test_line_breaks_are_left_out_of_the_fragments_brat_reads(store, tmp_path):
    text = "Witkoff met Putin\nin Moscow\ton Tuesday.\u2028The plan\n\nhas 28 points.\n"
    doc, _ = store.add_document(text, "Talks")
    quotes = ["Putin\nin Moscow", "Moscow\ton", "Tuesday.\u2028The", "plan\n\nhas", "Putin\n", "\nin", "\n\n",
              "points.\n"]
    for n, quote in enumerate(quotes):
        start = text.index(quote)
        store.ensure_label(f"L{n}")
        store.add_annotation(doc.id, f"L{n}", start, start + len(quote), "alice")
    count, left_out = export_brat(store, tmp_path / "out")
    ann = next((tmp_path / "out" / "alice").glob("*.ann")).read_text(encoding="utf-8")
    read = dict(brat_reads(ann, text))
    shown = {label: [text[s:e] for s, e in frags] for label, frags in read.items()}
    assert shown == {"L0": ["Putin", "in Moscow"], "L1": ["Moscow\ton"], "L2": ["Tuesday.", "The"],
                     "L3": ["plan", "has"], "L4": ["Putin"], "L5": ["in"], "L7": ["points."]}
    assert count == 7 and left_out.not_imported == {
        "annotations of line breaks only (brat leaves line breaks out of spans)": 1}
    back = Store.open(tmp_path / "back.sqlite")
    import_brat(back, tmp_path / "out")  # spans over line breaks come back whole; those at the ends stay out
    assert sorted(a.quote for a in back.iter_annotations()) == sorted(
        ["Putin\nin Moscow", "Moscow\ton", "Tuesday.\u2028The", "plan\n\nhas", "Putin", "in", "points."])
    back.close()


def test_fragments_with_only_white_space_between_are_one_span(store, tmp_path):
    text = "Witkoff met Putin \n in Moscow on Tuesday.\u2028The plan has 28 points."
    ann = (f"T1\tClaim {at('Putin', text)};{at('in Moscow', text)}\tPutin in Moscow\n"
           f"T2\tClaim {at('Tuesday.', text)};{at('The', text)}\tTuesday. The\n"
           f"T3\tActor {at('Witkoff', text)};{at('Putin', text)}\tWitkoff Putin\n")
    import_brat(store, corpus(tmp_path / "c", {"talks": ann}, text=text), default_annotator="me")
    got = sorted((a.label, a.quote) for a in store.iter_annotations())
    assert got == [("Actor", "Putin"), ("Actor", "Witkoff"), ("Claim", "Putin \n in Moscow"),
                   ("Claim", "Tuesday.\u2028The")]  # a real gap keeps the pieces apart, linked "continues"
    assert [k.type for k in store.links()] == [FRAGMENT_LINK]


def test_brat_and_inception_shapes(store, tmp_path):
    ann = "\n".join([
        f"T1\tActor {at('Witkoff')}\tWitkoff",
        f"T2\tActor {at('Putin')}\tPutin",
        f"T3\tPlan_point {at('Putin')};{at('in Moscow')}\tPutin in Moscow",  # only a line break between: one span
        f"T4\tClaim {at('Witkoff')};{at('Putin')}\tWitkoff Putin",  # discontinuous: two annotations, linked
        "R1\tsaid_by Arg1:T4 Arg2:T1",
        "#1\tAnnotatorNotes T1\tthe envoy",
        "E1\tMeeting:T2 Agent:T1",
        "A1\tNegated E1",
        "N1\tReference T1 Wikipedia:123\tWitkoff",
        "*\tEquiv T1 T2",
        "",
    ])
    folder = corpus(tmp_path / "flat", {"talks": ann})
    report = import_brat(store, folder, default_annotator="me")
    got = sorted((a.label, a.quote, a.annotator, a.note) for a in store.iter_annotations())
    assert got == [("Actor", "Putin", "me", ""), ("Actor", "Witkoff", "me", "the envoy"),
                   ("Claim", "Putin", "me", ""), ("Claim", "Witkoff", "me", ""),
                   ("Plan point", "Putin\nin Moscow", "me", "")]
    links = {(k.type, store.annotation(k.source).quote, store.annotation(k.target).quote) for k in store.links()}
    assert links == {(FRAGMENT_LINK, "Witkoff", "Putin"), ("said by", "Witkoff", "Witkoff")}
    assert report.not_imported == {"event lines (E)": 1, "normalisation lines (N)": 1,
                                   "attribute lines (A) of no span of their file (of events, say)": 1,
                                   "equivalence lines (*)": 1}
    again = import_brat(store, folder, default_annotator="me")
    assert again.added == 0 and again.links_added == 0


def test_crlf_text_offsets_move_with_the_normalisation(store, tmp_path):
    raw = TEXT.replace("\n", "\r\n")
    start = raw.index("28 points")
    folder = corpus(tmp_path / "crlf", {"doc": f"T1\tFigure {start} {start + 9}\t28 points\n"}, crlf=True)
    import_brat(store, folder / "doc.ann", annotator="carol")
    (a,) = store.iter_annotations()
    assert (a.quote, a.annotator) == ("28 points", "carol")


def test_the_annotator_comes_from_the_folder_unless_named(store, tmp_path):
    root = tmp_path / "team"
    corpus(root / "alice", {"d": f"T1\tActor {at('Putin')}\tPutin\n"})
    corpus(root / "bob", {"d": f"T1\tActor {at('Witkoff')}\tWitkoff\n"})
    import_brat(store, root, default_annotator="me")
    assert sorted((a.annotator, a.quote) for a in store.iter_annotations()) == [("alice", "Putin"), ("bob", "Witkoff")]
    import_brat(store, root, annotator="zed", default_annotator="me")
    assert sorted(a.annotator for a in store.iter_annotations()) == ["alice", "bob", "zed", "zed"]


def test_bad_lines_are_counted_and_bad_files_refused(store, tmp_path, digest):
    folder = corpus(tmp_path / "bad", {"d": "T1\tActor 5 500\tx\nT2\tActor x y\tx\nQ1\twhat\n"})
    report = import_brat(store, folder, default_annotator="me")
    assert report.added == 0
    assert report.not_imported == {"T lines that are malformed or fall outside their text": 2,
                                   "lines of kinds annotator does not know": 1}
    lonely = tmp_path / "lonely.ann"
    lonely.write_text("T1\tActor 0 3\tabc\n", encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "latin.ann").write_text("", encoding="utf-8")
    store.checkpoint()
    before = digest(store.path)
    for path, message in ((lonely, "has no lonely.txt beside it"), (tmp_path / "latin.ann", "latin.txt is not UTF-8"),
                          (tmp_path / "missing", "does not exist")):
        with pytest.raises(InputError, match=message):
            import_brat(store, path)
    store.checkpoint()
    assert digest(store.path) == before
