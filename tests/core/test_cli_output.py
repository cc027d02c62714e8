"""Standard output that cannot be written (issue 20, D11): one sentence on stderr and exit 2, never a traceback.

``annotator export -f json -o - > /dev/full`` (a full disk), a reader that went away: what was written is cut
off, and the command must say that it failed instead of ending in a traceback (or, with a few buffered lines,
exiting 0 after losing them at exit).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import source_env

from annotator.core.store import Store

pytestmark = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")

TEXT = "".join(f"Sentence {i} of a long report says that the plan has {i % 40} points.\n" for i in range(4000))


@pytest.fixture
def project(tmp_path) -> Path:
    path = tmp_path / "p.sqlite"
    with Store.open(path) as store:
        doc, _ = store.add_document(TEXT, "Long report")
        for i in range(50):
            store.add_annotation(doc.id, "Claim", i * 10, i * 10 + 8, "alice")
    return path


def _run(args: list[str], stdout, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "annotator", *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, env=source_env(ANNOTATOR_HOME=str(tmp_path / "home")), timeout=120)


@pytest.mark.parametrize("command", [
    ["export", "-f", "json", "-o", "-"], ["export", "-f", "csv"], ["documents"], ["labels"], ["check"], ["scheme"],
    ["discrepancies", "--json"],
])
def test_a_full_standard_output_is_one_sentence_and_exit_2(project, tmp_path, command):
    with open("/dev/full", "w") as full:
        done = _run([command[0], str(project), *command[1:]], full, tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (f"annotator: could not write to standard output (No space left on device): what it "
                           f"received is incomplete, and {command[0]} failed.\n")


def test_a_reader_that_went_away_is_one_sentence_and_exit_2(project, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "annotator", "export", str(project), "-f", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=source_env(ANNOTATOR_HOME=str(tmp_path / "home")))
    proc.stdout.read(100)
    proc.stdout.close()  # the reader goes away with most of the set unread (it is far larger than a pipe holds)
    err = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 2
    assert err == ("annotator: could not write to standard output (Broken pipe): what it received is incomplete, "
                   "and export failed.\n")


def test_standard_output_that_works_is_untouched(project, tmp_path):
    out = tmp_path / "out.tsv"
    with open(out, "w") as fh:
        done = _run(["documents", str(project)], fh, tmp_path)
    assert done.returncode == 0 and done.stderr == ""
    assert out.read_text(encoding="utf-8").endswith("\t50\tLong report\n")
