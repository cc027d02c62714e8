"""Backups (by hand and rolling), restores and ``annotator check``; ``-o -`` writes to standard output."""

from __future__ import annotations

import resource
import signal
import sqlite3
import subprocess
import sys

import pytest
from test_cli import source_env

from annotator.cli import main
from annotator.core.store import backup
from annotator.core.errors import CancelledError, NotAProjectError, ProjectLockedError
from annotator.core.migrations import SCHEMA_VERSION
from annotator.core.store import Store

TEXT = "Steve Witkoff will meet Vladimir Putin.\nThe plan has 28 points.\n"


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "p.sqlite"
    with Store.open(path) as store:
        doc, _ = store.add_document(TEXT, "Envoy")
        a = store.add_annotation(doc.id, "Actor", 0, 13, "alice")
        b = store.add_annotation(doc.id, "Actor", 24, 38, "alice")
        store.add_link("same as", a.id, b.id, "alice")
    return path


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_backup_is_consistent_while_another_connection_writes(tmp_path, capsys, project):
    writer = Store.open(project)
    doc = writer.documents()[0]
    writer.add_annotation(doc.id, "Figure", 53, 55, "bob")  # committed, still in the log
    conn = writer.db.conn
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DELETE FROM annotations")  # not committed: the backup must not see it
    try:
        code, out, err = run(capsys, "backup", project, "-o", tmp_path / "b.sqlite")
    finally:
        conn.execute("ROLLBACK")
        writer.close()
    assert (code, err) == (0, ""), err
    assert out == f"backed up 1 documents, 3 annotations and 1 links to {tmp_path / 'b.sqlite'}\n"
    with Store.open(tmp_path / "b.sqlite") as copy:
        assert copy.annotation_count() == 3 and len(copy.links()) == 1
    assert run(capsys, "check", tmp_path / "b.sqlite")[0] == 0


def test_backup_refuses_an_existing_file_without_force(tmp_path, capsys, project, digest):
    target = tmp_path / "b.sqlite"
    target.write_bytes(b"keep me")
    code, out, err = run(capsys, "backup", project, "-o", target)
    assert code == 2 and "already exists" in err and target.read_bytes() == b"keep me"
    assert run(capsys, "backup", project, "-o", target, "--force")[0] == 0
    assert run(capsys, "backup", project, "-o", project)[0] == 2


def test_restore_never_overwrites_without_force_nor_under_an_open_project(tmp_path, capsys, project, digest):
    saved = tmp_path / "b.sqlite"
    assert run(capsys, "backup", project, "-o", saved)[0] == 0
    with Store.open(project) as store:
        store.delete_annotation(store.annotations()[0].id)
    before = digest(project)
    code, _, err = run(capsys, "restore", saved, "-o", project)
    assert code == 2 and "already exists; add --force" in err and digest(project) == before
    holder = sqlite3.connect(project)  # another program has the project open, with its log
    holder.execute("PRAGMA journal_mode").fetchone()
    holder.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
    holder.commit()
    try:
        with pytest.raises(ProjectLockedError, match="open in another program"):
            backup.restore_backup(saved, project, force=True)
    finally:
        holder.close()
    code, out, err = run(capsys, "restore", saved, "-o", project, "--force")
    assert code == 0, err
    assert out.startswith("restored 1 documents, 2 annotations and 1 links")
    with Store.open(project) as store:
        assert store.annotation_count() == 2
    code, out, err = run(capsys, "restore", saved, "-o", tmp_path / "new.sqlite")
    assert code == 0 and (tmp_path / "new.sqlite").exists()


def test_a_damaged_backup_is_not_restored(tmp_path, capsys, project):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + bytes(5000))
    code, _, err = run(capsys, "restore", bad, "-o", tmp_path / "x.sqlite")
    assert code == 2 and "cannot be restored" in err and not (tmp_path / "x.sqlite").exists()


def _damage(path) -> None:
    """Overwrite the middle pages of a closed project with garbage."""
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(size // 2)
        fh.write(bytes(range(256)) * 16)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.write_bytes(b""), "The file is empty (0 bytes)"),
        (lambda p: p.write_bytes(b"not sqlite at all" * 100), "it is not a SQLite database"),
        (lambda p: sqlite3.connect(p).execute("CREATE TABLE other (x)").connection.close(), "another program"),
    ],
    ids=["empty", "not sqlite", "foreign"],
)
def test_check_reports_damage_and_never_writes(tmp_path, capsys, digest, make, words):
    path = tmp_path / "x.sqlite"
    make(path)
    before = digest(path)
    code, out, err = run(capsys, "check", path)
    assert code == 2 and words in out and "DAMAGED" in out, out
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "x.sqlite"]


def test_check_finds_broken_pages_and_foreign_keys(tmp_path, capsys, project, digest):
    code, out, _ = run(capsys, "check", project)
    assert code == 0
    assert out.splitlines() == ["integrity: ok (quick check)", f"schema: version {SCHEMA_VERSION} (current)", "foreign keys: ok",
                                "contents: 1 documents, 2 annotations, 1 links", "p.sqlite: healthy"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "p.sqlite"]  # nothing left beside it
    conn = sqlite3.connect(project)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("UPDATE annotations SET label = 'Vanished' WHERE rowid = 1")
    conn.commit()
    conn.close()
    code, out, _ = run(capsys, "check", project)
    assert code == 2 and "foreign keys: 1 broken reference(s) in annotations" in out
    big = tmp_path / "big.sqlite"
    with Store.open(big) as store:
        doc, _ = store.add_document("word " * 200_000, "Long")
        for i in range(300):
            store.add_annotation(doc.id, "Claim", 5 * i, 5 * i + 4, "alice", note="n" * 500)
    _damage(big)
    before = digest(big)
    code, out, _ = run(capsys, "check", big)
    assert code == 2 and "DAMAGED" in out and digest(big) == before


def test_check_of_a_missing_file(tmp_path, capsys):
    code, _, err = run(capsys, "check", tmp_path / "none.sqlite")
    assert code == 2 and "There is no project file" in err and not (tmp_path / "none.sqlite").exists()


# ------------------------------------------------------------ rolling backups
def test_rolling_backups_are_taken_after_changes_and_pruned(tmp_path, capsys, project, annotator_home):
    with Store.open(project) as store:
        first = backup.auto_backup(store, keep=2)
        assert first is not None and first.parent.parent == annotator_home / "backups"
        assert backup.auto_backup(store, keep=2) is None  # nothing changed since
    with Store.open(project) as store:
        assert backup.auto_backup(store, keep=2) is None  # opened and closed, still unchanged
        store.delete_annotation(store.annotations()[0].id)
    taken = []
    for _ in range(3):
        with Store.open(project) as store:
            taken.append(backup.auto_backup(store, keep=2))
            store.set_meta("touched", str(len(taken)))
    assert all(taken)
    listed = backup.list_backups(project)
    assert [b.path for b in listed] == [taken[2], taken[1]]  # newest first, only two kept
    assert listed[0].counts == {"documents": 1, "annotations": 1, "links": 0}
    assert not list(tmp_path.glob("*.sqlite.*")) and sorted(p.name for p in tmp_path.iterdir()) == ["home",
                                                                                                    "p.sqlite"]
    code, out, _ = run(capsys, "backup", project, "--list")
    assert code == 0 and len(out.splitlines()) == 2 and "1 annotations" in out
    with Store.open(project) as store:
        assert backup.auto_backup(store, keep=0) is None


def test_a_rolling_backup_copied_with_progress_holds_its_commit_and_an_abort_leaves_nothing(project, monkeypatch):
    """Issue 24: the window's worker takes the rolling backup through a connection of its own, page by page with
    progress; an exception from the progress callback (the window closing) stops it with no file left behind."""
    monkeypatch.setattr(backup, "_COPY_STEP", 1)  # a page a step
    with Store.open(project) as store:
        older = backup.auto_backup(store)
        store.set_meta("touched", "yes")
        state = (older.parent / "state.json").read_text(encoding="utf-8")
        calls = []

        def abort(done, total=None):
            calls.append((done, total))
            if done > 0:
                assert any(p.name.endswith(".tmp") for p in older.parent.iterdir())  # a partial copy, mid-way
                raise CancelledError("Cancelled; nothing was changed.")

        with pytest.raises(CancelledError):
            backup.auto_backup(store, progress=abort)
        assert calls[0][0] == 0 and calls[0][1] > 1
        assert sorted(p.name for p in older.parent.iterdir()) == [older.name, "state.json"]
        assert (older.parent / "state.json").read_text(encoding="utf-8") == state  # taken again next time
        seen = []
        taken = backup.auto_backup(store, progress=lambda done, total=None: seen.append((done, total)))
        assert taken is not None and seen[-1][0] == seen[-1][1] == seen[0][1]
        assert backup.auto_backup(store, progress=seen.append) is None  # nothing changed since
    assert [b.path for b in backup.list_backups(project)] == [taken, older]
    assert backup.check_project(taken).healthy


def test_backup_of_a_file_that_is_no_project(tmp_path, capsys):
    path = tmp_path / "x.sqlite"
    path.write_bytes(b"hello" * 100)
    with pytest.raises(NotAProjectError, match="cannot be backed up"):
        backup.backup_project(path, tmp_path / "b.sqlite")
    assert not (tmp_path / "b.sqlite").exists()
    code, _, err = run(capsys, "backup", path)
    assert code == 2 and "Name the backup file" in err


# --------------------------------------------------------------- -o -
def test_dash_output_writes_to_standard_output(tmp_path, capsys, project, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "export", project, "-f", "csv", "-o", "-")
    assert code == 0 and out.count("\n") == 3 and err == ""
    code, out, _ = run(capsys, "scheme", project, "--export", "-")
    assert code == 0 and '"format": "annotator.label-scheme"' in out
    code, out, _ = run(capsys, "discrepancies", project, "-o", "-")
    assert code == 0 and out.startswith("kind,")
    assert not (tmp_path / "-").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_backup_onto_a_full_disk_leaves_nothing_behind(tmp_path):
    """Issue 20, D12: VACUUM INTO a temporary file failed part-way and left its rollback journal behind.

    The disk fills up as a file-size limit on the child process (no root needed): past it every write fails.
    The project is larger than SQLite's page cache, so the copy spills pages (and starts its journal) first.
    """
    big = tmp_path / "big.sqlite"
    with Store.open(big) as store:
        store.add_document("".join(f"Sentence {i} reads {i * 7919 % 100003} points.\n" for i in range(120_000)), "Big")
    assert big.stat().st_size > 4_000_000
    out = tmp_path / "out"
    out.mkdir()

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))

    done = subprocess.run([sys.executable, "-m", "annotator", "backup", str(big), "-o", str(out / "b.sqlite")],
                          capture_output=True, text=True, preexec_fn=small_disk, timeout=120,
                          env=source_env(ANNOTATOR_HOME=str(tmp_path / "home")))
    assert done.returncode == 2 and done.stderr.startswith("annotator: The copy b.sqlite could not be written")
    assert sorted(p.name for p in out.iterdir()) == []
