"""Issue 24: Ctrl+C stops a long command cleanly, tested on real subprocesses sent SIGINT part-way.

``export -o FILE`` and ``segments -o FILE`` leave no file and no temporary file; ``import`` leaves the project as it was (its one
transaction rolled back); ``apply`` keeps exactly the edits it acknowledged. Each child shows every progress step (the progress module's display thresholds set to
zero, and the format's batch or reporting interval to one item, by the command line the test runs): its progress
lines then fill the pipe, so the child is still part-way when the test, having read the first line, interrupts it.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import uuid

import pytest
from test_cli import source_env

from annotator.cli import main
from annotator.cli_apply_command import _ctrl_c_held
from annotator.core.apply import apply_lines
from annotator.core.model import Annotation
from annotator.core.store import Store

SPANS = 20_000
SHOW_EVERY_STEP = ("import sys, annotator.cli_progress as p, annotator.core.formats.csv_set as c, "
                   "annotator.core.formats.json_import as j, annotator.cli_retrieval_commands as r; "
                   "p.QUIET_S = 0; p.LINE_EVERY_S = 0; c.BATCH = 1; j.PROGRESS_EVERY = 1; r.PROGRESS_EVERY = 1; "
                   "from annotator.cli import main; sys.exit(main(sys.argv[1:]))")


@pytest.fixture
def many(tmp_path):
    """A project with :data:`SPANS` annotations, built with the store's bulk insert."""
    path = tmp_path / "many.sqlite"
    text = "".join(f"Sentence {i} counts {i * 7919 % 100003} boats. " for i in range(SPANS))
    with Store.open(path) as store:
        doc, _ = store.add_document(text, "Long")
        store.ensure_annotator("alice")
        store.insert_annotations(Annotation(str(uuid.uuid4()), doc.id, "Figure", 30 * i, 30 * i + 8,
                                            text[30 * i:30 * i + 8], "alice", created="2025", modified="2025")
                                 for i in range(SPANS))
    return path


def interrupted(tmp_path, *args: str, progress: str = "%", setup: str = "",
                sig: int = signal.SIGINT) -> tuple[str, str]:
    """Run ``annotator ARGS``, send ``sig`` after its first progress line with a total (an import reads its file
    first, reporting only a count, then writes: "Importing all.json: 5% (1,000 of 20,000)"); its output (exit 130,
    or 143 for SIGTERM). ``setup``: statements the child runs first ("import m; m.BATCH = 1; "), for commands of
    other modules."""
    proc = subprocess.Popen([sys.executable, "-c", setup + SHOW_EVERY_STEP, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=source_env(ANNOTATOR_HOME=str(tmp_path / "home")))
    try:
        for line in proc.stderr:
            if progress in line:
                break
        else:
            pytest.fail("no progress line with a total")
        proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    how = "stopped (SIGTERM)" if sig == signal.SIGTERM else "interrupted"
    assert proc.returncode == (143 if sig == signal.SIGTERM else 130), stderr[-500:]
    assert f"annotator: {how}; nothing was changed by the interrupted operation." in stderr
    return stdout, stderr


def dump(path) -> list[str]:
    conn = sqlite3.connect(path)  # the last connection to close removes the log it opened
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_ctrl_c_during_an_export_leaves_no_file(tmp_path, many):
    out = tmp_path / "out"
    out.mkdir()
    interrupted(tmp_path, "export", str(many), "-f", "csv", "-o", str(out / "all.csv"))
    assert sorted(p.name for p in out.iterdir()) == []  # neither the file nor its temporary file


def test_sigterm_during_an_export_leaves_no_file_either(tmp_path, many):
    """``kill`` (SIGTERM) stops a command as Ctrl+C does: its temporary file is removed, exit 143."""
    out = tmp_path / "out"
    out.mkdir()
    interrupted(tmp_path, "export", str(many), "-f", "csv", "-o", str(out / "all.csv"), sig=signal.SIGTERM)
    assert sorted(p.name for p in out.iterdir()) == []


def test_ctrl_c_while_listing_segments_leaves_no_file(tmp_path, many):
    out = tmp_path / "out"
    out.mkdir()
    interrupted(tmp_path, "segments", str(many), "--csv", "-o", str(out / "segments.csv"),
                progress="Listing segments: 1")
    assert sorted(p.name for p in out.iterdir()) == []


def test_ctrl_c_during_an_import_leaves_the_project_unchanged(tmp_path, many, capsys):
    exported = tmp_path / "all.json"
    assert main(["export", str(many), "-f", "json", "-o", str(exported)]) == 0
    capsys.readouterr()
    target = tmp_path / "target.sqlite"
    Store.open(target).close()
    before = dump(target)
    interrupted(tmp_path, "import", str(target), str(exported))
    assert dump(target) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("target")) == ["target.sqlite"]
    fresh = tmp_path / "fresh.sqlite"  # a project the interrupted import would have created is not left behind
    interrupted(tmp_path, "import", str(fresh), str(exported))
    assert not fresh.exists()


def test_ctrl_c_during_apply_keeps_exactly_the_acknowledged_edits(tmp_path, many):
    """Each edit is its own transaction: those acknowledged stay, the one interrupted leaves nothing."""
    with Store.open(many) as store:
        doc = store.documents()[0]
        before = {a.id for a in store.iter_annotations()}
    edits = tmp_path / "edits.jsonl"
    edits.write_text("".join(f'{{"op": "add", "document": "{doc.id}", "start": {30 * i + 9}, "end": {30 * i + 15}, '
                             f'"label": "Actor"}}\n' for i in range(5_000)), encoding="utf-8")
    stdout, _ = interrupted(tmp_path, "apply", str(many), str(edits), progress="(lines read): 100\n")  # a hundred lines in
    acknowledged = {json.loads(line)["id"] for line in stdout.splitlines()}
    with Store.open(many) as store:
        added = {a.id for a in store.iter_annotations()} - before
    assert 99 <= len(added) < 5_000 and added == acknowledged


def test_ctrl_c_between_an_edits_commit_and_its_acknowledgement_waits_for_the_acknowledgement(tmp_path, many):
    """SIGINT arriving after an edit committed but before its line was written: the line is written, then the
    command stops before the next edit (the race a subprocess test can only hit by chance)."""
    class InterruptedAtTheFirstWrite(io.StringIO):
        def write(self, text: str) -> int:
            if not self.getvalue():
                os.kill(os.getpid(), signal.SIGINT)  # the edit is committed; its acknowledgement is being written
            return super().write(text)

    with Store.open(many) as store:
        doc = store.documents()[0]
        before = {a.id for a in store.iter_annotations()}
        edits = io.BytesIO(b"".join(f'{{"op": "add", "document": "{doc.id}", "start": {30 * i + 9}, '
                                    f'"end": {30 * i + 15}, "label": "Actor"}}\n'.encode() for i in range(3)))
        out = InterruptedAtTheFirstWrite()
        with pytest.raises(KeyboardInterrupt):
            apply_lines(store, edits, out, "alice", whole=_ctrl_c_held)
        added = {a.id for a in store.iter_annotations()} - before
    assert [json.loads(line)["line"] for line in out.getvalue().splitlines()] == [1]
    assert added == {json.loads(out.getvalue())["id"]}
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_during_add_keeps_exactly_the_files_reported_added(tmp_path):
    """Each file is its own transaction: those reported added stay (the project this run created with them), the
    one interrupted leaves nothing. Short lines, so that standard output (read only at the end) never fills."""
    files = []
    for i in range(1_500):
        path = tmp_path / f"f{i}.txt"
        path.write_text(f"N{i}.\nA short article, number {i}.\n", encoding="utf-8")
        files.append(str(path))
    project = tmp_path / "new.sqlite"
    stdout, _ = interrupted(tmp_path, "add", str(project), *files, progress="(100 of 1,500)")
    acknowledged = {line.split()[1] for line in stdout.splitlines()}
    assert all(line.startswith("added sha256:") for line in stdout.splitlines())
    with Store.open(project) as store:
        added = {d.id[:19] for d in store.documents()}
    assert 100 <= len(added) < 1_500 and added == acknowledged
