"""Issue 24: ``annotator sync`` shows its progress on standard error and stops cleanly on Ctrl+C.

A real ``python -m annotator sync`` process is sent SIGINT after its first progress line part-way through a stage
(the push writing its rows in its server transaction; the pull applying them in its local transaction), with the
progress thresholds set to zero and small batches in the child (tests/core/test_interrupt.py's helper). Then the
project is as it was (no row pushed, none pulled), and syncing again to the end leaves every row exactly once on
the server and in both projects.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fault_helpers import dump, server_ids
from sync_helpers import make_crew
from test_sync_faults import converged, started, superuser

from annotator import cli_progress
from annotator.core.team import sync as team_sync

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))  # the Ctrl+C helper of the other commands
from test_interrupt import interrupted  # noqa: E402

#: Annotations alice pushes and bob pulls: enough for a stage of many batches in the child.
ROWS = 30_000
#: Batches of 500 rows pushed, progress every 100 rows pulled, in the child.
SMALL_STEPS = "import annotator.core.team.sync as s; s.PUSH_BATCH = 500; s.PULL_EVERY = 100; "


@pytest.fixture
def crew(team, tmp_path, monkeypatch):
    return make_crew(team, tmp_path, monkeypatch)


def test_sync_reports_each_stage_on_stderr(crew, capsys, monkeypatch):
    """Stderr no terminal: plain lines, each stage under its name (at once here: the thresholds set to zero)."""
    monkeypatch.setattr(cli_progress, "QUIET_S", 0)
    monkeypatch.setattr(cli_progress, "LINE_EVERY_S", 0)
    monkeypatch.setattr(team_sync, "PUSH_BATCH", 1_000)
    _, ids = started(crew, 3_000)
    assert crew.cli("sync", crew.project("alice")) == 0
    out, err = capsys.readouterr()
    assert out == "pushed 3000 annotations; pulled nothing.\n"
    lines = err.splitlines()
    assert lines[0] == "Reading your edits: 0% (0 of 3,000)" and "Reading your edits: 100% (3,000 of 3,000)" in lines
    pushing = [line for line in lines if line.startswith("Pushing")]
    assert pushing == ["Pushing your edits: 0% (0 of 3,000)", "Pushing your edits: 33% (1,000 of 3,000)",
                       "Pushing your edits: 66% (2,000 of 3,000)", "Pushing your edits: 100% (3,000 of 3,000)",
                       "Pushing your edits: done (3,000)"]
    assert crew.cli("sync", crew.project("bob")) == 0
    out, err = capsys.readouterr()
    assert out == "pushed nothing; pulled 3000 annotations.\n"
    lines = err.splitlines()
    assert lines == ["Pulling colleagues' rows: 1,000", "Pulling colleagues' rows: 2,000",  # no total: see sync.py
                     "Pulling colleagues' rows: 3,000", "Pulling colleagues' rows: done (3,000)"]
    converged(crew, ids, "alice", "bob")


def test_ctrl_c_during_a_push_then_a_pull_leaves_both_sides_consistent(crew, tmp_path):
    _, ids = started(crew, ROWS)
    pushing, pulling = crew.project("alice"), crew.project("bob")
    before = dump(pushing)
    interrupted(tmp_path, "sync", str(pushing), progress=f"Pushing your edits: 3% (1,000 of {ROWS:,})",
                setup=SMALL_STEPS)
    assert server_ids(superuser(crew)) == []  # the push's one transaction rolled back
    assert dump(pushing) == before  # every edit still waits
    crew.sync("alice")
    before = dump(pulling)
    interrupted(tmp_path, "sync", str(pulling), progress="Pulling colleagues' rows: 1,000\n", setup=SMALL_STEPS)
    assert dump(pulling) == before  # the pull's one local transaction rolled back
    crew.sync("bob")
    converged(crew, ids, "alice", "bob")
