"""``annotator apply``: scripted edits, one JSON line each, acknowledged after their commit."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.core.apply import AcknowledgementError, ApplyError, apply_lines
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


# ------------------------------------------------------------------ review decisions (issue 20, D4)
def test_review_lines_record_decisions_as_the_window_does(capsys, monkeypatch, project):
    path, doc = project
    code, acks, err = run_apply(capsys, monkeypatch, path, lines(
        {"op": "add", "document": doc, "start": 0, "end": 13, "label": "Actor", "annotator": "alice"},
        {"op": "add", "document": doc, "start": 24, "end": 38, "label": "Actor", "annotator": "alice"},
    ))
    first, second = (a["id"] for a in acks)
    code, acks, err = run_apply(capsys, monkeypatch, path, lines(
        {"op": "review", "id": first, "status": "accepted", "reviewer": "bob", "note": "checked in the source"},
        {"op": "review", "id": second, "status": "rejected", "reviewer": "bob", "note": "not an actor here"},
    ))
    assert code == 0 and err == "2 edits applied.\n"
    assert [a["id"] for a in acks] == [first, second]
    with Store.open(path) as store:
        accepted, rejected = store.annotation(first), store.annotation(second)
        assert (accepted.status, accepted.reviewer, accepted.review_note) == ("accepted", "bob", "checked in the source")
        assert (rejected.status, rejected.reviewer, rejected.review_note) == ("rejected", "bob", "not an actor here")
        assert accepted.reviewed.endswith("Z")
        # accepting alice's span puts a copy in bob's reviewed set, as Review > Accept does
        (copy,) = store.annotations(annotator="bob", status="accepted")
        assert (copy.start, copy.end, copy.label, copy.review_note) == (0, 13, "Actor", "accepted from alice")
    # the same line applied again records the same decision, and adds no second copy
    code, acks, err = run_apply(capsys, monkeypatch, path, lines(
        {"op": "review", "id": first, "status": "accepted", "reviewer": "bob"}))
    assert code == 0
    with Store.open(path) as store:
        assert len(store.annotations(annotator="bob")) == 1


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ({"op": "review", "id": "missing", "status": "accepted", "reviewer": "bob"}, "no annotation"),
        ({"op": "review", "id": "FIRST", "status": "done", "reviewer": "bob"}, "\"accepted\" or \"rejected\""),
        ({"op": "review", "id": "FIRST", "status": "accepted", "reviewer": ""}, "needs a reviewer name"),
        ({"op": "review", "id": "FIRST", "status": "rejected", "reviewer": " bob"}, "begins or ends with a space"),
        ({"op": "review", "id": "FIRST", "status": "accepted"}, "needs 'reviewer' as text"),
        ({"op": "review", "id": "FIRST", "status": "accepted", "reviewer": "bob", "note": 3}, "needs 'note' as text"),
    ],
)
def test_a_bad_review_line_names_itself_and_changes_nothing(capsys, monkeypatch, project, bad, words):
    path, doc = project
    code, acks, err = run_apply(capsys, monkeypatch, path, lines(
        {"op": "add", "document": doc, "start": 0, "end": 13, "label": "Actor", "annotator": "alice"}))
    first = acks[0]["id"]
    bad = {k: (first if v == "FIRST" else v) for k, v in bad.items()}
    code, acks, err = run_apply(capsys, monkeypatch, path, lines(bad))
    assert code == 2 and acks == []
    assert err.startswith("annotator: Line 1: ") and err.count("\n") == 1 and words in err, err
    with Store.open(path) as store:
        (ann,) = store.annotations()
        assert (ann.status, ann.reviewer, ann.reviewed, ann.review_note) == ("pending", "", "", "")


# ------------------------------------------------------------------ a lost acknowledgement (issue 20, D11)
def test_an_add_with_its_own_id_applied_again_is_acknowledged_again_not_doubled(capsys, monkeypatch, project):
    path, doc = project
    edits = lines(
        {"op": "add", "id": "ner-1", "document": doc, "start": 0, "end": 13, "label": "Actor", "note": "n"},
        {"op": "add", "id": "ner-2", "document": "Envoy", "start": 24, "end": 38, "label": "Actor"},
    )
    for _ in range(2):
        code, acks, err = run_apply(capsys, monkeypatch, path, edits)
        assert code == 0, err
        assert acks == [{"line": 1, "id": "ner-1"}, {"line": 2, "id": "ner-2"}]
    with Store.open(path) as store:
        assert sorted(a.id for a in store.annotations()) == ["ner-1", "ner-2"]


@pytest.mark.parametrize("change", [{"start": 1}, {"label": "Figure"}, {"note": "other"}, {"annotator": "ner"}])
def test_an_add_whose_id_is_taken_by_other_content_is_refused(capsys, monkeypatch, project, change):
    path, doc = project
    add = {"op": "add", "id": "ner-1", "document": doc, "start": 0, "end": 13, "label": "Actor"}
    run_apply(capsys, monkeypatch, path, lines(add))
    code, acks, err = run_apply(capsys, monkeypatch, path, lines({**add, **change}))
    assert code == 2 and acks == []
    assert err == ("annotator: Line 1: the project already has an annotation 'ner-1' with other content, so this "
                   "line was not applied.\n")
    with Store.open(path) as store:
        (ann,) = store.annotations()
        assert (ann.start, ann.label, ann.note, ann.annotator) == (0, "Actor", "", "script")


@pytest.mark.parametrize("ident", ["", "  ", " ner-1"])
def test_an_add_id_must_be_a_plain_name(capsys, monkeypatch, project, ident):
    path, doc = project
    code, acks, err = run_apply(capsys, monkeypatch, path, lines(
        {"op": "add", "id": ident, "document": doc, "start": 0, "end": 13, "label": "Actor"}))
    assert code == 2 and "'add' needs 'id' as text without spaces" in err


def test_an_acknowledgement_that_cannot_be_written_names_the_last_saved_line(project):
    """A real file that refuses writes (Linux's /dev/full): line 1 is committed, and the error says so."""
    path, doc = project
    edits = lines(*({"op": "add", "id": f"ner-{i}", "document": doc, "start": 0, "end": 13, "label": "Actor"}
                    for i in (1, 2)))
    full = open("/dev/full", "w", encoding="utf-8")  # noqa: SIM115 -- its close fails too (the line is still buffered)
    try:
        with Store.open(path) as store, pytest.raises(AcknowledgementError) as err:
            apply_lines(store, io.BytesIO(edits.encode()), full, "script")
        with Store.open(path) as store:
            assert [a.id for a in store.annotations()] == ["ner-1"]
    finally:
        with contextlib.suppress(OSError):
            full.close()
    assert err.value.line == 1 and err.value.exit_code == 2
    assert str(err.value) == ("Standard output could not be written (No space left on device); lines 1–1 were "
                              "saved, so rerun from line 2, or rerun them all if every added line carries its own id.")


def test_apply_to_a_full_stdout_then_rerun_all(tmp_path, project):
    """``annotator apply ... > /dev/full`` exits 2 naming line 1; rerunning every line adds nothing twice."""
    path, doc = project
    edits = tmp_path / "edits.jsonl"
    edits.write_text(lines(
        {"op": "add", "id": "ner-1", "document": doc, "start": 0, "end": 13, "label": "Actor"},
        {"op": "add", "id": "ner-2", "document": doc, "start": 24, "end": 38, "label": "Actor"},
    ), encoding="utf-8")
    command = [sys.executable, "-m", "annotator", "apply", str(path), str(edits)]
    root = Path(__file__).resolve().parents[2]
    with open("/dev/full", "w") as full:
        done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, cwd=root, timeout=120)
    assert done.returncode == 2
    assert done.stderr == ("annotator: Standard output could not be written (No space left on device); lines 1–1 "
                           "were saved, so rerun from line 2, or rerun them all if every added line carries its own "
                           "id.\n")
    with Store.open(path) as store:
        assert [a.id for a in store.annotations()] == ["ner-1"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=root, timeout=120)
    assert done.returncode == 0, done.stderr
    assert [json.loads(x) for x in done.stdout.splitlines()] == [{"line": 1, "id": "ner-1"}, {"line": 2, "id": "ner-2"}]
    with Store.open(path) as store:
        assert sorted(a.id for a in store.annotations()) == ["ner-1", "ner-2"]
