"""Quitting: projects closed and settings written, then the process ends without Python's slow teardown (issue 20).

The window runs in a fresh process through the command line's front door, as the analyst starts it, and is closed
from its event loop. No timing here (benchmarks/startup.py measures quitting): the test checks what is done and
that the interpreter's teardown, which took up to 1.5 s after a session, is skipped.
"""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import os, sys, threading
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from annotator import cli
from annotator.gui import app as gui_app

wait_for_threads = threading._shutdown

def teardown(write=os.write):   # the interpreter calls it first thing in its own teardown
    write(1, b"TEARDOWN\n")
    wait_for_threads()

threading._shutdown = teardown
def close():
    print("CLOSING")   # not flushed here: stdout is a pipe, so it sits in Python's buffer until the exit
    for window in QApplication.topLevelWidgets():
        if window.isVisible():
            window.close()

gui_app.application()
QTimer.singleShot(200, close)
sys.exit(cli.main(["gui", "--user", "probe"]))
"""


def test_quitting_closes_the_project_writes_settings_and_skips_the_teardown(tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "ANNOTATOR_HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "CLOSING" in done.stdout  # what the program printed is flushed before it ends
    assert "TEARDOWN" not in done.stdout
    ini = configparser.ConfigParser(interpolation=None)
    ini.read(home / "settings.ini", encoding="utf-8")
    assert ini.has_option("General", "window_state")  # the window's layout was written
    projects = [p for p in home.iterdir() if p.suffix not in (".ini",) and p.is_file()]
    assert projects and not [p for p in projects if p.name.endswith(("-wal", "-shm"))]  # closed, checkpointed
