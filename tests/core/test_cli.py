"""The command line, run in-process through ``annotator.cli.main`` (plus one real subprocess)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import __version__
from annotator.cli import COMMANDS, main
from annotator.core.errors import InputError
from annotator.core.formats import registry
from annotator.core.store import Store
from annotator.core.text import document_id

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"

ARTICLE_A = "Envoy heads to Moscow 🇺🇦\r\n\r\nSteve Witkoff will meet Vladimir Putin.\r\nThe plan has 28 points.\r\n"
ARTICLE_B = "# Talks continue\n\nВіткофф зустрінеться з Путіним. 和平计划.\n"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, out: str, err: str) -> str:
    assert code == 2
    assert out == ""
    assert err.startswith("annotator: ")
    assert err.endswith("\n") and err.count("\n") == 1, f"expected one line on stderr, got {err!r}"
    return err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def source_env(**extra: str) -> dict[str, str]:
    """The environment for a subprocess that runs this checkout's annotator, without a display."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


@pytest.fixture
def files(tmp_path):
    a = tmp_path / "a.txt"
    a.write_bytes(ARTICLE_A.encode("utf-8"))
    b = tmp_path / "b.md"
    b.write_bytes(b"\xef\xbb\xbf" + ARTICLE_B.encode("utf-8"))
    return a, b


@pytest.fixture
def project(tmp_path, files, capsys):
    """A project with two documents and annotations by two annotators, closed."""
    path = tmp_path / "project.sqlite"
    assert main(["add", str(path), *map(str, files), "--source", "Test Wire", "--published", "2025-11-25"]) == 0
    capsys.readouterr()
    with Store.open(path) as s:
        a, b = s.documents()
        ta, tb = s.document_text(a.id), s.document_text(b.id)
        i = ta.index("Steve Witkoff")
        s.add_annotation(a.id, "Actor", i, i + 13, "alice", "=cmd", status="accepted")
        i = ta.index("Moscow 🇺🇦")
        s.add_annotation(a.id, "Claim", i, i + 9, "bob")
        i = tb.index("Путіним")
        s.add_annotation(b.id, "Actor", i, i + 7, "alice", status="rejected")
    return path


def export(capsys, project, *extra) -> dict:
    code, out, err = run(capsys, "export", project, "-f", "json", *extra)
    assert code == 0, err
    return json.loads(out)


# ------------------------------------------------------------------ help, version
def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"annotator {__version__}"


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: annotator")
    for name in COMMANDS:
        assert re.search(rf"^\s+{re.escape(name)}\s", out, re.M), f"{name} missing from --help"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_subcommand_has_help(capsys, name):
    with pytest.raises(SystemExit) as info:
        main([name, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: annotator {name}")
    assert "options:" in out


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in COMMANDS if f"annotator {name}" not in readme]
    assert not missing, (
        f"README.md does not document these commands (write `annotator <name> ...` for each): {', '.join(missing)}"
    )


def test_version_and_help_in_a_real_process_without_a_display(tmp_path):
    env = source_env(ANNOTATOR_HOME=str(tmp_path / "userhome"))
    assert "DISPLAY" not in env
    for args, expected in ((["--version"], f"annotator {__version__}"), (["--help"], "usage: annotator")):
        proc = subprocess.run(
            [sys.executable, "-m", "annotator", *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith(expected)
        assert proc.stderr == ""
    assert not (tmp_path / "userhome").exists()  # neither command touches the user's data


# -------------------------------------------------------------------------- add
def test_add_creates_a_missing_project_with_default_labels_and_no_seeds(capsys, tmp_path, files):
    path = tmp_path / "new" / "project.sqlite"
    code, out, err = run(capsys, "add", path, files[0])
    assert (code, err) == (0, "")
    text = ARTICLE_A.replace("\r\n", "\n")
    assert out == f"added {document_id(text)[:19]}  Envoy heads to Moscow 🇺🇦\n"
    with Store.open(path) as s:
        assert [lb.name for lb in s.labels()] == ["Claim", "Actor", "Figure", "Plan point"]
        assert [d.title for d in s.documents()] == ["Envoy heads to Moscow 🇺🇦"]
        assert s.meta("seeded") is None
        assert s.document_text(s.documents()[0].id) == text


def test_add_records_metadata_and_skips_documents_already_present(capsys, project, files):
    with Store.open(project) as s:
        docs = s.documents()
    assert [(d.title, d.source, d.published) for d in docs] == [
        ("Envoy heads to Moscow 🇺🇦", "Test Wire", "2025-11-25"),
        ("Talks continue", "Test Wire", "2025-11-25"),
    ]
    code, out, err = run(capsys, "add", project, files[1])
    assert (code, err) == (0, "")
    assert out.startswith("already in the project: ")


def test_add_with_title(capsys, tmp_path, files):
    path = tmp_path / "p.sqlite"
    assert run(capsys, "add", path, files[0], "--title", "My own title")[0] == 0
    with Store.open(path) as s:
        assert s.documents()[0].title == "My own title"
    code, out, err = run(capsys, "add", path, *files, "--title", "Two files")
    assert_one_line_error(code, out, err)


def test_add_reports_a_bad_file_and_still_adds_the_good_one(capsys, tmp_path, files):
    path = tmp_path / "p.sqlite"
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("café".encode("latin-1"))
    code, out, err = run(capsys, "add", path, bad, files[0])
    assert code == 2
    assert err.count("\n") == 1 and "latin1.txt" in err
    assert out.startswith("added ")
    with Store.open(path) as s:
        assert len(s.documents()) == 1


def test_add_the_multiscript_sample(capsys, tmp_path):
    path = tmp_path / "p.sqlite"
    code, out, _ = run(capsys, "add", path, DATA / "article_multiscript.txt")
    assert code == 0
    with Store.open(path) as s:
        text = s.document_text(s.documents()[0].id)
    assert "\r" not in text and "🇺🇦" in text and "cafe\u0301" in text


# ----------------------------------------------------------- documents, labels
def test_documents_lists_ids_and_counts(capsys, project):
    code, out, err = run(capsys, "documents", project)
    assert (code, err) == (0, "")
    lines = [line.split("\t") for line in out.splitlines()]
    assert len(lines) == 2
    with Store.open(project) as s:
        docs = s.documents()
    assert [ln[0] for ln in lines] == [d.id for d in docs]
    assert [ln[1:5] for ln in lines] == [
        ["Test Wire", "2025-11-25", str(docs[0].length), "2"],
        ["Test Wire", "2025-11-25", str(docs[1].length), "1"],
    ]
    assert [ln[5] for ln in lines] == ["Envoy heads to Moscow 🇺🇦", "Talks continue"]


def test_labels_lists_shortcut_colour_count_name(capsys, project):
    code, out, err = run(capsys, "labels", project)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "1\t#0072B2\t1\tClaim",
        "2\t#E69F00\t2\tActor",
        "3\t#009E73\t0\tFigure",
        "4\t#CC79A7\t0\tPlan point",
    ]


@pytest.mark.parametrize("name", ["documents", "labels", "export"])
def test_read_commands_do_not_create_a_missing_project(capsys, tmp_path, name):
    path = tmp_path / "missing.sqlite"
    args = [name, path] + (["-f", "json"] if name == "export" else [])
    code, out, err = run(capsys, *args)
    assert "no project file" in assert_one_line_error(code, out, err)
    assert list(tmp_path.iterdir()) == [tmp_path / "home"]


# ---------------------------------------------------------------------- export
def test_export_json_to_stdout(capsys, project):
    data = export(capsys, project)
    assert data["format"] == "annotator.annotation-set"
    assert len(data["annotations"]) == 3
    texts = {d["id"]: d["text"] for d in data["documents"]}
    assert all(texts[a["document"]][a["start"] : a["end"]] == a["quote"] for a in data["annotations"])


def test_export_csv_to_stdout(capsys, project):
    code, out, err = run(capsys, "export", project, "-f", "csv")
    assert (code, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[0][:3] == ["annotation_id", "document_id", "document_title"]
    assert len(rows) == 4
    assert "'=cmd" in [r[9] for r in rows]
    assert out.count("\r\n") == 4


def test_export_filters(capsys, project):
    assert {a["status"] for a in export(capsys, project, "--status", "accepted")["annotations"]} == {"accepted"}
    bob = export(capsys, project, "--annotator", "bob")
    assert [a["annotator"] for a in bob["annotations"]] == ["bob"]
    assert [a["id"] for a in bob["annotators"]] == ["bob"]
    assert export(capsys, project, "--annotator", "nobody")["annotations"] == []
    no_text = export(capsys, project, "--no-text")
    assert len(no_text["documents"]) == 2 and all("text" not in d for d in no_text["documents"])
    with pytest.raises(SystemExit) as info:
        main(["export", str(project), "-f", "json", "--status", "maybe"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: annotator export ")
    assert "invalid choice: 'maybe'" in err


def test_export_doc_accepts_an_id_prefix(capsys, project):
    with Store.open(project) as s:
        a, b = s.documents()
    for ref in (b.id, b.id[:19], b.id[7:15], "Talks continue"):
        data = export(capsys, project, "--doc", ref)
        assert [d["id"] for d in data["documents"]] == [b.id], ref
        assert {x["document"] for x in data["annotations"]} == {b.id}
    both = export(capsys, project, "--doc", a.id[:12], "--doc", b.id[:12])
    assert len(both["documents"]) == 2
    code, out, err = run(capsys, "export", project, "-f", "json", "--doc", "sha256:ffffffffff")
    assert "no document matching" in assert_one_line_error(code, out, err)


def test_export_to_a_file(capsys, project, tmp_path):
    target = tmp_path / "out" / "set.json"
    target.parent.mkdir()
    code, out, err = run(capsys, "export", project, "-f", "json", "-o", target)
    assert (code, out) == (0, "")
    assert err == f"3 annotations written to {target}\n"
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "annotator.annotation-set"
    assert sorted(p.name for p in target.parent.iterdir()) == ["set.json"]


def test_export_to_a_file_is_atomic(capsys, project, tmp_path, monkeypatch):
    target = tmp_path / "set.json"
    target.write_text("previous export\n", encoding="utf-8")

    def broken_export(store, out, selection, progress, options):
        out.write('{"format": "annotator.annotation-set", "annotations": [')
        raise InputError("the disk went away halfway through.")

    monkeypatch.setitem(registry.FORMATS, "json", registry.FORMATS["json"]._replace(writer=broken_export))
    code, out, err = run(capsys, "export", project, "-f", "json", "-o", target)
    assert "halfway" in assert_one_line_error(code, out, err)
    assert target.read_text(encoding="utf-8") == "previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.md", "home", "project.sqlite", "set.json"]

    monkeypatch.undo()
    code, out, err = run(capsys, "export", project, "-f", "csv", "-o", target)
    assert code == 0
    assert target.read_bytes().startswith(b"annotation_id,document_id,")


def test_export_to_an_unwritable_place(capsys, project, tmp_path):
    code, out, err = run(capsys, "export", project, "-f", "json", "-o", tmp_path / "no" / "such" / "dir" / "x.json")
    assert "cannot be written" in assert_one_line_error(code, out, err)


# ---------------------------------------------------------------------- import
def test_import_into_a_new_project_and_idempotence(capsys, project, tmp_path):
    set_path = tmp_path / "set.json"
    assert run(capsys, "export", project, "-f", "json", "-o", set_path)[0] == 0
    copy = tmp_path / "copy.sqlite"
    code, out, err = run(capsys, "import", copy, set_path)
    assert (code, err) == (0, "")
    assert out == "3 annotations imported; 2 documents added.\n"
    code, out, err = run(capsys, "import", copy, set_path)
    assert (code, err) == (0, "")
    assert out == "0 annotations imported; 3 already present.\n"
    with Store.open(copy) as s, Store.open(project) as original:
        assert s.annotations() == original.annotations()


def test_import_as(capsys, project, tmp_path):
    set_path = tmp_path / "set.json"
    run(capsys, "export", project, "-f", "json", "-o", set_path)
    copy = tmp_path / "copy.sqlite"
    assert run(capsys, "import", copy, set_path, "--as", "carol")[0] == 0
    with Store.open(copy) as s:
        assert {a.annotator for a in s.annotations()} == {"carol"}


def test_import_the_frozen_v1_set(capsys, tmp_path):
    copy = tmp_path / "copy.sqlite"
    code, out, err = run(capsys, "import", copy, DATA / "annotation-set-v1.json")
    assert (code, err) == (0, "")
    assert out == "3 annotations imported; 1 document added; 1 new label; 1 link imported.\n"


# ----------------------------------------------------------------- bad inputs
def _set_with(project_path: Path, **changes) -> dict:
    with Store.open(project_path) as s:
        out = io.StringIO()
        from annotator.core.formats.json_set import export_json

        export_json(s, out)
    data = json.loads(out.getvalue())
    for a in data["annotations"]:
        a["id"] += "-new"
    data["annotations"][0].update(changes)
    if changes.get("quote", "") is None:
        del data["annotations"][0]["quote"]
    return data


BAD_SETS = {
    "truncated JSON": lambda p: '{"format": "annotator.annotation-set", "version": 1, "documents": [{"id": ',
    "foreign JSON": lambda p: json.dumps({"type": "FeatureCollection", "features": []}),
    "newer set version": lambda p: json.dumps({"format": "annotator.annotation-set", "version": 7, "documents": [], "annotations": []}),
    "offsets outside the text": lambda p: json.dumps(_set_with(p, start=5000, end=5004, quote=None)),
    "start >= end": lambda p: json.dumps(_set_with(p, start=8, end=3, quote=None)),
    "un-anchorable quote": lambda p: json.dumps(_set_with(p, quote="words that are not there")),
    "unknown document without text": lambda p: json.dumps(
        dict(_set_with(p, document="sha256:" + "1" * 64), documents=[{"id": "sha256:" + "1" * 64, "title": "Lost"}])
    ),
}


@pytest.mark.parametrize("case", list(BAD_SETS))
def test_bad_sets_exit_2_and_leave_the_project_unchanged(capsys, project, tmp_path, case):
    set_path = tmp_path / "bad.json"
    set_path.write_text(BAD_SETS[case](project), encoding="utf-8")
    before = digest(project)
    code, out, err = run(capsys, "import", project, set_path)
    assert_one_line_error(code, out, err)
    assert digest(project) == before
    assert sorted(p.name for p in project.parent.iterdir()) == ["a.txt", "b.md", "bad.json", "home", "project.sqlite"]


@pytest.mark.parametrize("case", list(BAD_SETS))
def test_a_bad_set_into_a_missing_project_leaves_no_project_behind(capsys, project, tmp_path, case):
    set_path = tmp_path / "bad.json"
    set_path.write_text(BAD_SETS[case](project), encoding="utf-8")
    target = tmp_path / "fresh" / "new.sqlite"
    target.parent.mkdir()
    code, out, err = run(capsys, "import", target, set_path)
    assert_one_line_error(code, out, err)
    assert list(target.parent.iterdir()) == []


def test_import_of_a_non_utf8_set(capsys, project, tmp_path):
    set_path = tmp_path / "bad.json"
    set_path.write_bytes('{"format": "annotator.annotation-set", "note": "café"}'.encode("cp1252"))
    before = digest(project)
    code, out, err = run(capsys, "import", project, set_path)
    assert "UTF-8" in assert_one_line_error(code, out, err)
    assert digest(project) == before


def test_import_of_a_missing_set(capsys, project, tmp_path):
    code, out, err = run(capsys, "import", project, tmp_path / "nope.json")
    assert "nope.json" in assert_one_line_error(code, out, err)


BAD_ARTICLES = {
    "non-UTF-8 article": ("latin1.txt", "Zelenskyy’s café".encode("cp1252"), "UTF-8"),
    "binary .txt": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    "empty file": ("empty.txt", b"", "empty"),
    "blank file": ("blank.md", b"  \r\n\t\n", "empty"),
    "unsupported type": ("report.odt", b"PK\x03\x04", "can be added"),
    "damaged PDF": ("report.pdf", b"%PDF-1.7", "damaged or not a PDF"),
}


@pytest.mark.parametrize("case", list(BAD_ARTICLES))
def test_bad_articles_exit_2_and_leave_the_project_unchanged(capsys, project, tmp_path, case):
    name, content, words = BAD_ARTICLES[case]
    article = tmp_path / name
    article.write_bytes(content)
    before = digest(project)
    code, out, err = run(capsys, "add", project, article)
    message = assert_one_line_error(code, out, err)
    assert name in message and words in message
    assert digest(project) == before


@pytest.mark.parametrize("case", list(BAD_ARTICLES))
def test_bad_articles_do_not_create_a_project(capsys, tmp_path, case):
    name, content, _ = BAD_ARTICLES[case]
    article = tmp_path / name
    article.write_bytes(content)
    path = tmp_path / "new.sqlite"
    assert_one_line_error(*run(capsys, "add", path, article))
    assert not path.exists()


def _not_sqlite(path: Path) -> None:
    path.write_text("just some notes\n", encoding="utf-8")


def _other_program(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE cookies (name TEXT, value TEXT)")
    conn.commit()
    conn.close()


def _newer(path: Path) -> None:
    with Store.open(path) as s:
        s.add_document("An article", "A")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()


BAD_PROJECTS = {"not SQLite": (_not_sqlite, "not a SQLite database"), "another program's database": (_other_program, "another program"), "newer project": (_newer, "newer version")}


@pytest.mark.parametrize("case", list(BAD_PROJECTS))
@pytest.mark.parametrize("command", ["add", "import", "export", "documents", "labels"])
def test_bad_projects_exit_2_and_stay_unchanged(capsys, tmp_path, files, case, command):
    make, words = BAD_PROJECTS[case]
    path = tmp_path / "project.sqlite"
    make(path)
    before = digest(path)
    args = {
        "add": ["add", path, files[0]],
        "import": ["import", path, DATA / "annotation-set-v1.json"],
        "export": ["export", path, "-f", "csv"],
        "documents": ["documents", path],
        "labels": ["labels", path],
    }[command]
    code, out, err = run(capsys, *args)
    assert words in assert_one_line_error(code, out, err)
    assert digest(path) == before
    assert not Path(str(path) + "-wal").exists()


def test_a_read_only_project_refuses_import(capsys, project, tmp_path):
    os.chmod(project, 0o444)
    try:
        before = digest(project)
        code, out, err = run(capsys, "import", project, DATA / "annotation-set-v1.json")
        assert "read-only" in assert_one_line_error(code, out, err)
        assert digest(project) == before
        # reading still works
        assert run(capsys, "labels", project)[0] == 0
    finally:
        os.chmod(project, 0o644)


def test_a_locked_project(capsys, project, tmp_path):
    before = digest(project)
    locker = sqlite3.connect(project, isolation_level=None)
    try:
        locker.execute("BEGIN EXCLUSIVE")
        code, out, err = run(capsys, "import", project, DATA / "annotation-set-v1.json")
    finally:
        locker.rollback()
        locker.close()
    assert "in use by another program" in assert_one_line_error(code, out, err)
    assert digest(project) == before
