"""``annotator apply``: scripted edits, one JSON line each, acknowledged after their commit."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest

from annotator.cli import main
from annotator.core.apply import ApplyError, apply_lines
from annotator.core.store import Store

TEXT = "Steve Witkoff will meet Vladimir Putin.\nThe plan has 28 points.\n"


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "p.sqlite"
    with Store.open(path) as store:
        doc, _ = store.add_document(TEXT, "Envoy")
    return path, doc.id


def lines(*edits) -> str:
    return "".join((e if isinstance(e, str) else json.dumps(e)) + "\n" for e in edits)


def run_apply(capsys, monkeypatch, project, text: str) -> tuple[int, list[dict], str]:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    code = main(["apply", str(project), "-"])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines()], err


def test_every_op_is_applied_and_acknowledged(capsys, monkeypatch, project):
    path, doc = project
    code, acks, err = run_apply(capsys, monkeypatch, path, lines(
        {"op": "add", "document": doc, "start": 0, "end": 13, "label": "Actor", "annotator": "ner", "note": "n1"},
        "",
        {"op": "add", "document": "Envoy", "start": 24, "end": 38, "label": "Actor"},
        {"op": "add", "document": doc, "start": 53, "end": 55, "label": "Figure"},
    ))
    assert code == 0, err
    assert [a["line"] for a in acks] == [1, 3, 4]
    a, b, c = (x["id"] for x in acks)
    code, acks2, err = run_apply(capsys, monkeypatch, path, lines(
        {"op": "label", "id": c, "label": "Claim"},
        {"op": "note", "id": b, "note": "the other side"},
        {"op": "link", "source": a, "target": b, "type": "contradicts"},
        {"op": "delete", "id": c},
    ))
    assert code == 0 and err == "4 edits applied.\n"
    assert [x["id"] for x in acks2[:2]] + [acks2[3]["id"]] == [c, b, c]
    with Store.open(path) as store:
        first, second = store.annotations()
        assert (first.quote, first.annotator, first.note, first.label) == ("Steve Witkoff", "ner", "n1", "Actor")
        assert (second.quote, second.annotator, second.note) == ("Vladimir Putin", "script", "the other side")
        (link,) = store.links()
        assert (link.id, link.source, link.target, link.type, link.annotator) == (acks2[2]["id"], a, b,
                                                                                  "contradicts", "script")
        assert not store.has_annotation(c)


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ({"op": "add", "document": "nope", "start": 0, "end": 5, "label": "Actor"}, "no document matching 'nope'"),
        ({"op": "add", "document": "Envoy", "start": 0, "end": 500, "label": "Actor"}, "lies outside the document"),
        ({"op": "add", "document": "Envoy", "start": 0, "end": 5, "label": "Nope"}, "no label 'Nope'"),
        ({"op": "add", "document": "Envoy", "start": "0", "end": 5, "label": "Actor"}, "needs 'start' as a whole"),
        ({"op": "add", "document": "Envoy", "start": 0, "end": 5, "label": "Actor", "annotator": " x"},
         "begins or ends with a space"),
        ({"op": "delete", "id": "missing"}, "no annotation missing"),
        ({"op": "label", "id": "missing", "label": "Claim"}, "no annotation missing"),
        ({"op": "link", "source": "a", "target": "a", "type": "same as"}, "cannot be linked to itself"),
        ({"op": "explode"}, "unknown op 'explode'"),
        ({"op": "delete", "id": "x", "extra": 1}, "no field 'extra'"),
        ("[1, 2]", "not one JSON object"),
        ('{"op": "add", ', "not one JSON object"),
        ("[" * 100_000, "not one JSON object"),
    ],
)
def test_a_bad_line_stops_the_run_naming_it_and_earlier_acks_stay(capsys, monkeypatch, project, bad, words):
    path, doc = project
    good = {"op": "add", "document": doc, "start": 0, "end": 13, "label": "Actor"}
    code, acks, err = run_apply(capsys, monkeypatch, path, lines(good, good, bad, good))
    assert code == 2
    assert err.startswith("annotator: Line 3: ") and err.count("\n") == 1 and words in err, err
    assert [a["line"] for a in acks] == [1, 2]
    with Store.open(path) as store:
        assert sorted(a.id for a in store.annotations()) == sorted(a["id"] for a in acks)


def test_undecodable_bytes_name_the_line(tmp_path, capsys, project):
    path, doc = project
    edits = tmp_path / "edits.jsonl"
    edits.write_bytes(b'{"op": "add", "document": "Envoy", "start": 0, "end": 5, "label": "Actor"}\n\xff\xfe\n')
    code = main(["apply", str(path), str(edits)])
    out, err = capsys.readouterr()
    assert code == 2 and err == "annotator: Line 2: the line is not UTF-8 text.\n"
    assert len(out.splitlines()) == 1


def test_an_overlong_line_is_refused_without_reading_it_all(project, monkeypatch):
    from annotator.core import apply

    monkeypatch.setattr(apply, "MAX_LINE", 100)
    path, _ = project
    with Store.open(path) as store, pytest.raises(ApplyError, match="Line 1: the line is longer"):
        apply_lines(store, io.BytesIO(b"x" * 10_000 + b"\n"), io.StringIO(), "script")


def test_acks_are_written_after_each_commit(project):
    """Each acknowledgement is written only once its line is committed: a second connection already sees it."""
    path, doc = project
    seen = []

    class Out(io.StringIO):
        def write(self, text):
            ack = json.loads(text)
            other = sqlite3.connect(path)  # not Store.open: no Python file I/O on an open project
            seen.append(other.execute("SELECT count(*) FROM annotations WHERE id = ?", [ack["id"]]).fetchone()[0])
            other.close()
            return super().write(text)

    edit = json.dumps({"op": "add", "document": doc, "start": 0, "end": 13, "label": "Actor"}) + "\n"
    with Store.open(path) as store:
        assert apply_lines(store, io.BytesIO((edit * 3).encode()), Out(), "script") == 3
    assert seen == [1, 1, 1]


def test_a_missing_project_or_edits_file(tmp_path, capsys, project):
    path, _ = project
    assert main(["apply", str(tmp_path / "none.sqlite"), "-"]) == 2
    assert main(["apply", str(path), str(tmp_path / "none.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "There is no project file" in err and "none.jsonl cannot be read" in err
    assert not (tmp_path / "none.sqlite").exists()
