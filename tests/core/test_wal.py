"""A damaged write-ahead log is never lost in silence (issue 20, D10).

After a ``kill -9`` of ``apply`` the edits it acknowledged may still be only in ``project.sqlite-wal``. When that log
is cut short or has flipped bytes, SQLite replays it only up to the damage and the next read-write connection
deletes it. ``check`` says so, commands that only read leave the log byte for byte as it was, and an open that
could drop it keeps a copy first.
"""

from __future__ import annotations

import hashlib
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from crash_harness import damage_wal, kill_apply, make_project, write_edits
from test_cli import source_env

from annotator.cli import main
from annotator.core.store import Store
from annotator.core.store.wal import FRAME_HEADER, HEADER, parse_wal, read_wal

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def _sqlite_replays(project: Path, wal: bytes, tmp_path: Path) -> int:
    """How many frames SQLite itself replays from ``wal``, on a copy of the project (``wal_checkpoint``'s log)."""
    folder = tmp_path / "sqlite-view"
    folder.mkdir(exist_ok=True)
    shutil.copyfile(project, folder / "p.sqlite")
    (folder / "p.sqlite-wal").write_bytes(wal)
    conn = sqlite3.connect(folder / "p.sqlite")
    try:
        return conn.execute("PRAGMA wal_checkpoint").fetchone()[1]
    finally:
        conn.close()
        shutil.rmtree(folder)


def _killed(tmp_path: Path, name: str = "p.sqlite") -> tuple[Path, Path, list[str]]:
    """A project whose ``apply`` was killed after 40 acknowledged edits: its log still holds them."""
    project = tmp_path / name
    doc = make_project(project)
    acked = kill_apply(project, write_edits(tmp_path / "e.jsonl", doc, 400, seed=3), kill_after=40)
    wal = Path(f"{project}-wal")
    assert len(acked) >= 40 and wal.stat().st_size > 0
    return project, wal, acked


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------ the reader
def test_the_reader_counts_the_frames_sqlite_replays(tmp_path):
    project, wal, _ = _killed(tmp_path)
    data = wal.read_bytes()
    state = read_wal(project)
    assert state.healthy and state.header_ok and state.committed == _sqlite_replays(project, data, tmp_path) > 0
    half = parse_wal(data[: len(data) // 2])
    assert not half.healthy and half.committed == _sqlite_replays(project, data[: len(data) // 2], tmp_path)
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF
    flip = parse_wal(bytes(flipped))
    assert flip.committed == _sqlite_replays(project, bytes(flipped), tmp_path) < state.committed
    assert flip.damaged_commits > 0 and not flip.healthy
    assert not parse_wal(data[:20]).header_ok and not parse_wal(data[:20]).healthy


def test_old_frames_of_a_restarted_log_are_not_damage(tmp_path):
    """A log is reused from its start after a checkpoint: the older frames after the new ones carry other salts."""
    path = tmp_path / "p.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (x)")
    for i in range(300):
        conn.execute("INSERT INTO t VALUES (?)", [str(i) * 200])
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    conn.execute("INSERT INTO t VALUES ('after the restart')")
    data = Path(f"{path}-wal").read_bytes()
    conn.close()
    state = parse_wal(data)
    assert state.healthy and state.committed == 1 and len(data) > 10 * (FRAME_HEADER + 4096)


def test_a_transaction_that_failed_half_written_is_not_called_lost(tmp_path):
    """A full disk leaves part of a frame after the last commit; the index beside the log shows that nothing
    more was committed. The same cut end with an index that counts more commits is a loss."""
    project, wal, _ = _killed(tmp_path)
    frame = FRAME_HEADER + 4096
    shm = Path(f"{project}-shm").read_bytes()
    state = read_wal(project)
    # The index may lag by the transaction the kill interrupted between its commit and its acknowledgement.
    assert state.committed >= state.indexed > 1
    committed = wal.read_bytes()[: HEADER + state.indexed * frame]  # up to the last commit the index knows
    failed = committed + committed[HEADER:HEADER + 1000]  # part of one more frame of this log, never committed
    assert parse_wal(failed, shm).healthy
    assert not parse_wal(failed).healthy  # without the index nothing says it was never committed
    cut = committed[:-500]  # the last commit frame cut short
    assert not parse_wal(cut, shm).healthy


# ------------------------------------------------------------------- check
@pytest.mark.parametrize("how", ["half", "flip", "header"])
def test_check_says_when_the_log_is_damaged_and_keeps_a_copy(tmp_path, capsys, how):
    project, wal, _ = _killed(tmp_path)
    damaged = damage_wal(wal, how)
    assert main(["check", str(project)]) == 2
    out = capsys.readouterr().out
    verdict = out.splitlines()[-1]
    assert verdict.startswith("p.sqlite: DAMAGED: In p.sqlite, the write-ahead log ")
    assert ("damaged header" if how == "header" else "past its last valid commit") in verdict
    assert "may be lost; a copy of the log was kept at " in verdict
    (copy,) = tmp_path.glob("p.sqlite-wal.damaged-*")
    assert str(copy) in verdict and copy.read_bytes() == damaged == wal.read_bytes()
    assert main(["check", str(project)]) == 2  # looked at again: the same copy, not a second one
    assert len(list(tmp_path.glob("p.sqlite-wal.damaged-*"))) == 1


def test_check_of_a_killed_project_with_an_intact_log_says_healthy(tmp_path, capsys):
    project, wal, _ = _killed(tmp_path)
    before = _sha(wal)
    assert main(["check", str(project)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "p.sqlite: healthy"
    assert _sha(wal) == before and not list(tmp_path.glob("*.damaged-*"))


# ----------------------------------------------------------- reading commands
READING = [
    ["documents"], ["labels"], ["export", "-f", "json"], ["export", "-f", "csv"], ["export", "-f", "w3c"],
    ["agreement", "script", "nobody"], ["review", "script", "nobody"], ["suggest"], ["discrepancies"], ["scheme"],
]


@pytest.mark.parametrize("how", ["half", "flip", "header"])
def test_commands_that_only_read_leave_a_damaged_log_as_it_was(tmp_path, capsys, how):
    """Each says where the copy is, also after the first reader's connection rebuilt the index (the proof)."""
    project, wal, _ = _killed(tmp_path)
    damage_wal(wal, how)
    before = _sha(wal)
    for command in [*READING, ["report", "-o", str(tmp_path / "r.html")]]:
        main([command[0], str(project), *command[1:]])
        assert wal.exists() and _sha(wal) == before, command
        err = capsys.readouterr().err
        assert "annotator: In p.sqlite, the write-ahead log " in err, command
        assert "a copy of the log was kept at" in err, command
    assert len(list(tmp_path.glob("p.sqlite-wal.damaged-*"))) == 1


def test_commands_that_only_read_leave_an_intact_log_of_a_killed_apply_as_it_was(tmp_path, capsys):
    project, wal, acked = _killed(tmp_path)
    before = _sha(wal)
    for command in READING:
        main([command[0], str(project), *command[1:]])
        assert _sha(wal) == before, command
    assert capsys.readouterr().err.count("write-ahead log") == 0
    with Store.open(project, readonly=True) as store:
        assert {a.id for a in store.iter_annotations()} >= set(acked)


# --------------------------------------------------------- opening to write
def test_an_open_to_write_keeps_a_copy_of_a_damaged_log_before_sqlite_drops_it(tmp_path):
    project, wal, _ = _killed(tmp_path)
    damaged = damage_wal(wal, "half")
    with Store.open(project) as store:
        (copy,) = tmp_path.glob("p.sqlite-wal.damaged-*")
        assert store.damaged_log is not None and str(copy) in store.damaged_log
        assert "past its last valid commit" in store.damaged_log and copy.read_bytes() == damaged
        store.set_meta("touched", "yes")
    with Store.open(project) as again:  # the log SQLite started afresh is healthy: no second copy, no sentence
        assert again.damaged_log is None
    assert len(list(tmp_path.glob("p.sqlite-wal.damaged-*"))) == 1


def test_a_cli_command_that_writes_says_where_the_copy_of_a_damaged_log_is(tmp_path, capsys):
    project, wal, _ = _killed(tmp_path)
    damage_wal(wal, "flip")
    doc = Store.open(project, readonly=True)
    doc_id = doc.documents()[0].id
    doc.close()
    edits = write_edits(tmp_path / "more.jsonl", doc_id, 2, seed=9)
    assert main(["apply", str(project), str(edits)]) == 0
    err = capsys.readouterr().err
    (copy,) = tmp_path.glob("p.sqlite-wal.damaged-*")
    assert err.startswith("annotator: In p.sqlite, the write-ahead log holds ") and str(copy) in err


def test_a_backup_of_a_project_with_a_damaged_log_keeps_what_can_be_read_and_says_so(tmp_path, capsys):
    project, wal, _ = _killed(tmp_path)
    damage_wal(wal, "flip")
    before = _sha(wal)
    assert main(["backup", str(project), "-o", str(tmp_path / "b.sqlite")]) == 0
    out, err = capsys.readouterr()
    (copy,) = tmp_path.glob("p.sqlite-wal.damaged-*")
    assert err.startswith("annotator: In p.sqlite, the write-ahead log holds ") and str(copy) in err
    assert out.startswith("backed up 1 documents, ") and _sha(wal) == before


def test_a_damaged_log_that_cannot_be_copied_is_left_alone_and_the_project_only_read(tmp_path):
    """A full disk (a file-size limit on the child process) leaves no room for the copy: nothing may drop the log."""
    project, wal, _ = _killed(tmp_path)
    damage_wal(wal, "flip")
    before = _sha(wal)
    assert wal.stat().st_size > 1_000_000
    with Store.open(project, readonly=True) as store:
        doc = store.documents()[0].id
    for stale in tmp_path.glob("p.sqlite-wal.damaged-*"):
        stale.unlink()  # the copy that open kept: this test is about a disk with no room for one

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))

    done = subprocess.run([sys.executable, "-m", "annotator", "apply", str(project),
                           str(write_edits(tmp_path / "more.jsonl", doc, 2, seed=9))],
                          capture_output=True, text=True, preexec_fn=full_disk, timeout=120,
                          env=source_env(ANNOTATOR_HOME=str(tmp_path / "home")))
    assert done.returncode == 2 and done.stdout == ""
    first, second = done.stderr.splitlines()
    assert "no copy of the log could be kept (File too large), so the project is only read" in first
    assert second == "annotator: Line 1: The project p.sqlite is read-only; nothing was changed."
    assert _sha(wal) == before and not list(tmp_path.glob("p.sqlite-wal.damaged-*"))
