"""Crash safety and concurrent writers, with real processes: SIGKILL at random moments, two ``apply`` at once.

CI-sized (a few seconds); ``benchmarks/durability.py`` runs the same trials at
the sizes docs/durability.md reports.
"""

from __future__ import annotations

import random
import sqlite3
import sys

import pytest
from crash_harness import Tally, kill_apply_trial, kill_import_trial, make_project, two_writers_trial, write_edits, \
    write_set

from annotator.cli import main

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def test_apply_killed_at_random_moments_loses_no_acknowledged_edit(tmp_path):
    project = tmp_path / "p.sqlite"
    doc = make_project(project)
    rng = random.Random(13)
    tally = Tally()
    for trial in range(4):
        edits = write_edits(tmp_path / f"e{trial}.jsonl", doc, 300, seed=trial)
        kill_apply_trial(project, edits, kill_after=rng.randrange(0, 60), tally=tally)
    assert tally.trials == 4 and tally.acknowledged > 0
    assert (tally.lost, tally.integrity_failures) == (0, 0), tally


def test_a_large_import_killed_lands_all_or_nothing(tmp_path):
    rng = random.Random(7)
    tally = Tally()
    landed = []
    for trial in range(3):
        project = tmp_path / f"p{trial}.sqlite"
        doc = make_project(project)
        set_file = write_set(tmp_path / "set.json", doc, 20_000) if trial == 0 else tmp_path / "set.json"
        landed.append(kill_import_trial(project, set_file, rng.uniform(0.2, 1.2), 20_000, tally))
    assert set(landed) <= {0, 20_000}
    assert (tally.lost, tally.integrity_failures) == (0, 0), tally


def test_two_writers_wait_for_each_other_and_nothing_is_lost_or_doubled(tmp_path):
    project = tmp_path / "p.sqlite"
    doc = make_project(project)
    edits = [write_edits(tmp_path / f"w{i}.jsonl", doc, 150, seed=100 + i, annotator=f"writer{i}") for i in range(2)]
    tally = Tally()
    codes, count = two_writers_trial(project, edits, tally)
    assert codes == [0, 0]
    assert tally.acknowledged == 300 and count == 300
    assert (tally.lost, tally.doubled, tally.integrity_failures) == (0, 0, 0), tally


def test_a_project_locked_longer_than_the_timeout_gets_a_clear_message(tmp_path, capsys):
    project = tmp_path / "p.sqlite"
    doc = make_project(project)
    edits = write_edits(tmp_path / "e.jsonl", doc, 3, seed=1)
    holder = sqlite3.connect(project, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program keeps the write lock
    try:
        code = main(["apply", str(project), str(edits), "--wait", "0.3"])
        out, err = capsys.readouterr()
        assert code == 2 and out == ""
        assert err == ("annotator: Line 1: The project p.sqlite is in use by another program; "
                       "close it there and try again.\n")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert main(["apply", str(project), str(edits)]) == 0  # once released, it goes through
