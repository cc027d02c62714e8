"""``annotator export -f qdpx|w3c|brat`` and ``annotator import`` of those files, with detection and ``-f``."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from builders import code_system_qdpx

from annotator.cli import main
from annotator.core.store import Store
from test_interop_qdpx import BOARD, BOARD_QUOTES, qualcoder_qdpx



def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, out: str, err: str) -> str:
    assert code == 2 and out == ""
    assert err.startswith("annotator: ") and err.count("\n") == 1, err
    return err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "project.sqlite"
    with Store.open(path) as s:
        doc, _ = s.add_document("Envoy heads to Moscow 🇺🇦\n\nSteve Witkoff will meet Putin.\n", "Envoy")
        text = s.document_text(doc.id)
        i = text.index("Steve Witkoff")
        a = s.add_annotation(doc.id, "Actor", i, i + 13, "alice", "the envoy", status="accepted")
        i = text.index("Moscow 🇺🇦")
        b = s.add_annotation(doc.id, "Claim", i, i + 8, "bob")
        c = s.add_annotation(doc.id, "Plan point", 0, text.index("Steve") + 5, "alice")
        s.add_link("same as", a.id, c.id, "alice")
        s.add_link("contradicts", a.id, b.id, "alice")
    return path


def spans(path: Path) -> set:
    with Store.open(path, create=False) as s:
        return {(a.document, a.start, a.end, a.label, a.annotator, a.note) for a in s.iter_annotations()}


@pytest.mark.parametrize("fmt, name", [("qdpx", "out.qdpx"), ("w3c", "out.jsonld"), ("brat", "out")])
def test_export_then_import_into_a_new_project(capsys, project, tmp_path, fmt, name):
    out = tmp_path / name
    code, _, err = run(capsys, "export", project, "-f", fmt, "-o", out)
    assert code == 0 and "3 annotations written" in err
    fresh = tmp_path / f"fresh-{fmt}.sqlite"
    code, stdout, err = run(capsys, "import", fresh, out)
    assert code == 0, err
    assert stdout.startswith("3 annotations imported")
    assert spans(fresh) == spans(project)
    code, stdout, _ = run(capsys, "import", fresh, out)
    assert stdout.startswith("0 annotations imported; 3 already present")


def test_brat_export_says_what_it_cannot_write(capsys, project, tmp_path):
    code, _, err = run(capsys, "export", project, "-f", "brat", "-o", tmp_path / "b")
    assert code == 0
    assert "not written: 1 × links between documents or between annotators" in err


def test_export_filters_apply(capsys, project, tmp_path):
    run(capsys, "export", project, "-f", "w3c", "-o", tmp_path / "a.jsonld", "--annotator", "alice",
        "--status", "accepted")
    data = json.loads((tmp_path / "a.jsonld").read_text(encoding="utf-8"))
    assert [i["creator"]["nickname"] for i in data["first"]["items"]] == ["alice"]
    assert main(["export", str(project), "-f", "w3c", "--no-text"]) == 0
    assert "text" not in json.loads(capsys.readouterr().out)["an:documents"][0]


def test_qdpx_and_brat_need_an_output(capsys, project):
    for fmt in ("qdpx", "brat"):
        err = assert_one_line_error(*run(capsys, "export", project, "-f", fmt))
        assert "-o" in err


def test_brat_import_annotator_and_forced_format(capsys, project, tmp_path):
    run(capsys, "export", project, "-f", "brat", "-o", tmp_path / "b")
    one = next((tmp_path / "b" / "alice").glob("*.ann"))
    fresh = tmp_path / "fresh.sqlite"
    code, out, err = run(capsys, "import", fresh, one, "--annotator", "zoe")
    assert code == 0, err
    assert {s[4] for s in spans(fresh)} == {"zoe"}
    w3c = tmp_path / "set.json"  # a W3C file with a .json name: detected by its @context
    run(capsys, "export", project, "-f", "w3c", "-o", w3c)
    code, out, err = run(capsys, "import", tmp_path / "other.sqlite", w3c)
    assert code == 0 and out.startswith("3 annotations imported"), err
    err = assert_one_line_error(*run(capsys, "import", tmp_path / "x.sqlite", w3c, "-f", "qdpx"))
    assert "set.json is not a REFI-QDA project" in err
    assert not (tmp_path / "x.sqlite").exists()


def test_bad_files_exit_2_and_leave_the_project_unchanged(capsys, project, tmp_path):
    good = tmp_path / "good.qdpx"
    run(capsys, "export", project, "-f", "qdpx", "-o", good)
    truncated = tmp_path / "cut.qdpx"
    truncated.write_bytes(good.read_bytes()[:300])
    bad_xml = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad_xml, "w") as zf:
        zf.writestr("project.qde", "<Project xmlns='urn:QDA-XML:project:1.0' name='x'><Sources>")
    w3c = tmp_path / "cut.jsonld"
    w3c.write_text('{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "AnnotationCollection", "first": {"it')
    before = digest(project)
    for path in (truncated, bad_xml, w3c):
        err = assert_one_line_error(*run(capsys, "import", project, path))
        assert path.name in err
        assert digest(project) == before


def test_the_import_summary_says_what_was_re_anchored_and_what_was_left_out(project, tmp_path, capsys):
    path = qualcoder_qdpx(tmp_path / "qc_tool_demo.qdpx",
                          [(q, BOARD.index(q), BOARD.index(q) + len(q)) for q in BOARD_QUOTES])
    with Store.open(project) as store:
        store.set_memo("project", "", "Our own project memo.")
    code, out, err = run(capsys, "import", project, path)
    assert (code, err) == (0, "")
    assert "17 annotations imported; 13 re-anchored by quote;" in out
    assert "Not imported:\n  1 × project memo (the project has a memo of its own)" in out


def test_a_code_system_of_300_codes_is_counted_not_listed(capsys, tmp_path):
    """Issue 20, D6: 300 new labels make "300 new labels"; --verbose names them."""
    qdpx_file = code_system_qdpx(tmp_path / "maxqda.qdpx", 300)
    code, out, err = run(capsys, "import", tmp_path / "a.sqlite", qdpx_file)
    assert (code, err) == (0, "")
    assert "300 new labels" in out and "Code 000" not in out and len(out) < 200
    code, out, err = run(capsys, "import", tmp_path / "b.sqlite", qdpx_file, "--verbose")
    assert code == 0 and "300 new labels: Code 000, Code 001" in out and "Code 299" in out
