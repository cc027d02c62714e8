"""Issue 10, D1: a project's files are only ever touched through SQLite and the store's file guard.

POSIX releases every lock a process holds on a file when it closes *any* descriptor of it; these tests prove
that nothing in annotator opens and closes an open project behind SQLite's back any more, that nothing deletes
or replaces a project file it did not create in the same call, and that a store whose files were deleted or
replaced on disk stops writing and can still save what it sees.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.errors import InputError, NotAProjectError, ProjectDetachedError, ProjectError
from annotator.core.fileio import atomic_writer
from annotator.core.formats.project_set import is_project_file
from annotator.core.store import Store
from annotator.core.store import files as guarded
from annotator.core.store.base import _translate

DOC = "Officials said at least six people were killed and 28 points were discussed."


def close_in_another_process(path: Path) -> None:
    """Open the project read-write in another process, read it and close it (what ``annotator export`` does)."""
    code = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT count(*) FROM annotations'); c.close()"
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=60)


def seen_by_another_process(path: Path) -> int:
    code = "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM annotations').fetchone()[0])"
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True, timeout=60)
    return int(done.stdout)


def files_in(folder: Path) -> list[str]:
    """The files a test made in ``folder`` (not the private annotator home every test has there)."""
    return sorted(p.name for p in folder.iterdir() if p.name != "home")


@pytest.fixture
def doc(store):
    return store.add_document(DOC, "Report", "Wire")[0]


def test_opening_the_project_again_in_this_process_keeps_its_locks(store, doc, project_path):
    store.add_annotation(doc.id, "Figure", 15, 34, "tester")
    # What the window does beside its own connection: a worker's read-only store, an import's header check.
    with Store.open(project_path, readonly=True) as again:
        assert len(again.annotations()) == 1
    assert is_project_file(project_path)
    close_in_another_process(project_path)
    assert Path(f"{project_path}-wal").exists(), "another process deleted the live write-ahead log"
    store.add_annotation(doc.id, "Figure", 51, 60, "tester")
    assert seen_by_another_process(project_path) == 2
    assert store.file_problem() is None


def test_a_deleted_wal_stops_every_write_and_a_copy_keeps_everything(store, doc, project_path, tmp_path):
    first = store.add_annotation(doc.id, "Figure", 15, 34, "tester")
    os.unlink(f"{project_path}-wal")
    with pytest.raises(ProjectDetachedError, match="stopped saving"):
        store.add_annotation(doc.id, "Figure", 51, 60, "tester")
    assert "write-ahead log was deleted" in store.file_problem()
    # Reading still works, and what the store sees can be saved to a new file.
    assert [a.id for a in store.annotations()] == [first.id]
    copy = store.save_copy(tmp_path / "rescued.sqlite")
    with Store.open(copy, create=False) as rescued:
        assert [a.quote for a in rescued.annotations()] == ["at least six people"]
        assert rescued.document_text(doc.id) == DOC
    with pytest.raises(InputError, match="already exists"):
        store.save_copy(copy)
    # No new connection of this process may read the stale files.
    with pytest.raises(ProjectDetachedError):
        Store.open(project_path)


def test_a_replaced_project_file_is_noticed(store, doc, project_path, tmp_path):
    other = tmp_path / "other.sqlite"
    Store.open(other).close()
    os.replace(other, project_path)
    assert store.file_problem() == "replaced by another file"
    with pytest.raises(ProjectDetachedError):
        store.add_label("Source")


def test_an_empty_file_is_not_a_new_project(project_path):
    project_path.write_bytes(b"")
    with pytest.raises(NotAProjectError, match="empty"):
        Store.open(project_path)
    assert project_path.read_bytes() == b""
    assert files_in(project_path.parent) == ["project.sqlite"]


def test_a_leftover_wal_beside_a_new_project_is_refused(project_path):
    Path(f"{project_path}-wal").write_bytes(b"old frames")
    with pytest.raises(ProjectError, match="leftover"):
        Store.open(project_path)
    assert not project_path.exists()
    assert Path(f"{project_path}-wal").read_bytes() == b"old frames"


def test_a_failed_creation_removes_only_what_it_created(project_path, monkeypatch):
    def broken():
        raise InputError("the scheme is broken")

    monkeypatch.setattr("annotator.core.store.base.default_scheme", broken)
    with pytest.raises(InputError, match="broken"):
        Store.open(project_path)
    assert files_in(project_path.parent) == []


def test_creation_that_loses_a_race_opens_the_other_project(project_path, monkeypatch):
    """Another process creates the file between our look and our exclusive create: we open theirs, never replace it."""
    Store.open(project_path).close()
    before = project_path.read_bytes()
    real_exists = Path.exists
    monkeypatch.setattr(Path, "exists", lambda self: False if self == project_path else real_exists(self))
    store = Store.open(project_path)
    assert not store.created
    store.discard()  # a failing command on a project it did not create
    monkeypatch.undo()
    assert project_path.read_bytes() == before


def test_discard_deletes_a_created_project_only_while_it_is_the_same_file(project_path, tmp_path):
    store = Store.open(project_path)
    assert store.created
    store.discard()
    assert files_in(tmp_path) == []
    # Created, then replaced on disk by someone else's file before the command failed: theirs stays.
    store = Store.open(project_path)
    theirs = tmp_path / "theirs.sqlite"
    Store.open(theirs).close()
    os.replace(theirs, project_path)
    store.discard()
    assert project_path.exists() and is_project_file(project_path)


def test_exports_never_write_over_a_project(store, project_path, tmp_path):
    for target in (project_path, Path(f"{project_path}-wal"), Path(f"{project_path}-shm")):
        with pytest.raises(InputError), atomic_writer(target) as fh:
            fh.write("{}")
    closed = tmp_path / "closed.sqlite"
    Store.open(closed).close()
    with pytest.raises(InputError, match="choose another file name"), atomic_writer(closed) as fh:
        fh.write("{}")
    assert is_project_file(closed)
    assert store.file_problem() is None


def test_the_cli_refuses_to_export_over_the_project(tmp_path):
    project = tmp_path / "p.sqlite"
    Store.open(project).close()
    before = project.read_bytes()
    done = subprocess.run([sys.executable, "-m", "annotator", "export", str(project), "-f", "json", "-o", str(project)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "open project file; it cannot be written over" in done.stderr
    assert project.read_bytes() == before


def test_a_project_file_cannot_be_read_as_a_set_scheme_or_article(store, project_path):
    from annotator.core.formats.documents import read_article
    from annotator.core.formats.json_set import import_json_file
    from annotator.core.formats.scheme import read_scheme_file

    with pytest.raises(InputError, match="open project"):
        import_json_file(store, project_path)
    with pytest.raises(InputError, match="open project"):
        read_scheme_file(project_path)
    renamed = project_path.with_suffix(".txt")
    os.link(project_path, renamed)  # the same file under an article's name
    with pytest.raises(InputError, match="open project"):
        read_article(renamed)
    close_in_another_process(project_path)
    assert store.file_problem() is None and Path(f"{project_path}-wal").exists()


def test_held_descriptors_are_released_with_the_last_store(project_path):
    a = Store.open(project_path)
    b = Store.open(project_path, readonly=True)
    key = guarded.key_of(os.stat(project_path))
    assert guarded._held[key].refs == 2
    a.close()
    assert guarded._held[key].refs == 1
    b.close()
    assert key not in guarded._held


def test_reopening_after_another_process_wrote(store, doc, project_path):
    """Two processes that both keep the project open see each other's commits, and neither loses its files."""
    code = (
        "import sys, json\n"
        "from annotator.core.store import Store\n"
        "with Store.open(sys.argv[1], create=False) as s:\n"
        "    d = s.documents()[0]\n"
        "    a = s.add_annotation(d.id, 'Figure', 51, 60, 'other')\n"
        "    print(json.dumps(a.id))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(project_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    theirs = json.loads(done.stdout)
    assert store.annotation(theirs).annotator == "other"
    mine = store.add_annotation(doc.id, "Figure", 15, 34, "tester")
    assert store.file_problem() is None
    assert seen_by_another_process(project_path) == 2
    with sqlite3.connect(project_path) as conn:
        assert conn.execute("SELECT count(*) FROM annotations WHERE id = ?", [mine.id]).fetchone()[0] == 1


def test_a_moved_project_is_called_moved_or_deleted_and_the_message_fits_the_cli(store, doc, project_path, tmp_path):
    """Issue 20, D12: a project renamed away while open was said to be "deleted", with advice about "the window"."""
    store.add_annotation(doc.id, "Figure", 15, 34, "tester")
    project_path.rename(tmp_path / "elsewhere.sqlite")
    with pytest.raises(ProjectDetachedError) as caught:
        store.add_annotation(doc.id, "Figure", 51, 60, "tester")
    message = str(caught.value)
    assert message == (f"The project file {project_path.name} was moved or deleted while it was open, so annotator "
                       "has stopped saving to it.")
    assert "window" not in message


def test_a_full_disk_says_that_this_change_was_not_saved_and_earlier_ones_are_kept(project_path):
    """Issue 20, D12: the sentence an apply line or an import ends with when the disk fills up."""
    message = str(_translate(sqlite3.OperationalError("database or disk is full"), project_path))
    assert message == (f"The disk holding the project {project_path.name} is full: this change was not saved, and "
                       "everything saved before it is kept; free some space and try again.")
