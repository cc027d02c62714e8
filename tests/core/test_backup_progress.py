"""Issue 24: backup, restore and check report their progress, and a cancel or Ctrl+C leaves nothing behind.

The Ctrl+C test runs ``annotator backup`` as a real subprocess and sends SIGINT once the copy has begun (its first
progress line with pages copied): the display thresholds are set to show every step (the progress module's own
constants, set by the command line the test runs) and the copy goes one page a step, so that its lines fill the
pipe and the copy waits, part-way, for the test to read on.
"""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import threading
import uuid

import pytest
from test_cli import source_env

from annotator.cli import main
from annotator.core.errors import CancelledError, InputError
from annotator.core.model import Annotation
from annotator.core.store import Store, backup

#: The command line of the subprocess: every progress call printed, one page copied per step.
SHOW_EVERY_STEP = ("import sys, annotator.cli_progress as p, annotator.core.store.backup as b; "
                   "p.QUIET_S = 0; p.LINE_EVERY_S = 0; b._COPY_STEP = 1; "
                   "from annotator.cli import main; sys.exit(main(sys.argv[1:]))")
COPIED = re.compile(r": \d+% \(([\d,]+) of [\d,]+\)")


@pytest.fixture
def sizeable(tmp_path):
    """A project of a few megabytes (over a thousand pages), built with the store's bulk insert."""
    path = tmp_path / "big.sqlite"
    text = "".join(f"Sentence {i} counts {i * 7919 % 100003} boats. " for i in range(60_000))
    with Store.open(path) as store:
        doc, _ = store.add_document(text, "Long")
        store.ensure_annotator("alice")
        store.insert_annotations(Annotation(str(uuid.uuid4()), doc.id, "Figure", 40 * i, 40 * i + 8,
                                            text[40 * i:40 * i + 8], "alice", note="n" * 200, created="2025",
                                            modified="2025") for i in range(5_000))
    assert path.stat().st_size > 4_000_000
    return path


def files_in(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_check_and_check_full_say_which_check_ran(tmp_path, capsys, sizeable):
    assert main(["check", str(sizeable)]) == 0
    assert capsys.readouterr().out.startswith("integrity: ok (quick check)\n")
    assert main(["check", "--full", str(sizeable)]) == 0
    assert capsys.readouterr().out.startswith("integrity: ok (full check)\n")


def test_backup_and_check_report_progress_to_the_end(tmp_path, sizeable, monkeypatch):
    monkeypatch.setattr(backup, "_TICK_EVERY", 1000)  # SQLite steps between two calls: many on a small project
    monkeypatch.setattr(backup, "_COPY_STEP", 64)
    seen: list[tuple[int, int | None]] = []
    counts = backup.backup_project(sizeable, tmp_path / "b.sqlite", progress=lambda d, t=None: seen.append((d, t)))
    assert counts == {"documents": 1, "annotations": 5000, "links": 0}
    pages = seen[-1][1]
    assert seen[-1] == (pages, pages) and pages > 1000
    assert len(seen) > 10 and [d for d, _ in seen] == sorted(d for d, _ in seen)  # the copy's pages, step by step
    steps: list[tuple[int, int | None]] = []
    report = backup.check_project(tmp_path / "b.sqlite", progress=lambda d, t=None: steps.append((d, t)))
    assert report.healthy and report.counts == counts
    assert {0, 1} <= {s for s, _ in steps} and steps[-1] == (3, 3)  # integrity, foreign keys, done
    assert [s for s, _ in steps] == sorted(s for s, _ in steps)


@pytest.mark.parametrize("when", ["checking", "copying"])
def test_a_cancelled_backup_leaves_no_file(tmp_path, sizeable, monkeypatch, when):
    monkeypatch.setattr(backup, "_TICK_EVERY", 1000)
    monkeypatch.setattr(backup, "_COPY_STEP", 64)
    out = tmp_path / "out"
    out.mkdir()

    def cancel(done: int, total: int | None = None) -> None:
        if (when == "checking") or done > 0:
            raise CancelledError("Cancelled.")

    with pytest.raises(CancelledError):  # not "the file cannot be read": the cancel itself
        backup.backup_project(sizeable, out / "b.sqlite", progress=cancel)
    assert files_in(out) == []
    with pytest.raises(CancelledError):
        backup.check_project(sizeable, full=True, progress=cancel)


def test_ctrl_c_during_a_backup_leaves_no_partial_file(tmp_path, sizeable):
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", SHOW_EVERY_STEP, "backup", str(sizeable), "-o", str(out / "b.sqlite")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=source_env(ANNOTATOR_HOME=str(tmp_path / "home")))
    try:
        for line in proc.stderr:
            found = COPIED.search(line)
            if found and int(found.group(1).replace(",", "")) > 0:
                assert any(name.endswith(".tmp") for name in files_in(out))  # the copy is under way
                break
        else:
            pytest.fail("the backup printed no progress of its copy")
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, stderr[-500:]
    assert "interrupted; nothing was changed" in stderr and stdout == ""
    assert files_in(out) == []  # no backup, no temporary file, no journal


def test_the_check_runs_beside_the_copy_on_the_same_commit(tmp_path, sizeable, monkeypatch):
    """The check reads in a thread of its own while the copy is written; the report's counts are the copy's."""
    threads: list[str] = []
    begun = backup._CheckBeside.begun

    def noting(self, conn):
        threads.append(threading.current_thread().name)
        begun(self, conn)

    monkeypatch.setattr(backup._CheckBeside, "begun", noting)
    counts = backup.backup_project(sizeable, tmp_path / "b.sqlite")
    assert threads == ["annotator-check"]
    assert backup.check_project(tmp_path / "b.sqlite").counts == counts


def test_a_commit_between_the_check_and_the_copy_beginning_falls_back_to_one_transaction(tmp_path, sizeable,
                                                                                         monkeypatch):
    """A colleague's commit lands after the check's transaction began and before the copy's: the copy would hold
    a later commit than the one checked, so both run again, one after the other, in one transaction."""
    begun = backup._CheckBeside.begun
    written: list[int] = []

    def a_commit_lands(self, conn):  # the check's transaction holds its commit already; the copy's is not begun
        if not written:  # another connection commits one more annotation (a copy of the first, a new id)
            other = sqlite3.connect(sizeable, timeout=5)
            columns = [r[1] for r in other.execute("PRAGMA table_info(annotations)")]
            chosen = ", ".join("?" if c == "id" else c for c in columns)
            with other:
                other.execute(f"INSERT INTO annotations ({', '.join(columns)}) "
                              f"SELECT {chosen} FROM annotations LIMIT 1", [str(uuid.uuid4())])
            other.close()
            written.append(1)
        begun(self, conn)

    monkeypatch.setattr(backup._CheckBeside, "begun", a_commit_lands)
    with Store.open(sizeable):  # open, as in a window: the project has a write-ahead log, read as it changes
        counts = backup.backup_project(sizeable, tmp_path / "b.sqlite")
    assert written and counts["annotations"] == 5001
    assert backup.check_project(tmp_path / "b.sqlite").counts == counts


def test_a_copy_that_fails_after_the_check_ended_reports_its_own_error(tmp_path, sizeable, monkeypatch):
    """The check beside the copy has finished (its connection closed) when the copy fails: the copy's error is
    what the caller sees, not one about the check's closed connection."""
    def copy_fails_late(conn, target, progress, before_keeping=None):
        before_keeping.__self__.join()  # the check thread has ended and closed its connection
        raise InputError(f"{target} cannot be written (No space left on device).")

    monkeypatch.setattr(backup, "_copy_pages", copy_fails_late)
    with pytest.raises(InputError, match="No space left"):
        backup.backup_project(sizeable, tmp_path / "b.sqlite")
    assert not (tmp_path / "b.sqlite").exists()
