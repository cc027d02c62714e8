"""Starting the window loads no heavy package: each is imported when first needed (issue 20).

The window is started in a fresh process, as the analyst starts it: offscreen, a fresh ANNOTATOR_HOME, so the
default project is created and seeded with the two sample articles. Timings are the benchmark's business
(benchmarks/startup.py); here only what is loaded is checked.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Packages the window must not import to start (benchmarks/startup.py shows what each costs).
HEAVY_AT_START = ("numpy", "pypdf", "docx", "py3langid", "rapidfuzz", "anyascii", "ijson",
                  "text_to_num", "number_parser", "PIL", "psycopg", "http", "ssl")
#: Our modules not needed to show the window, loaded on first use (tests/core/test_architecture.py, DEFERRED).
OURS_LATER = ("annotator.gui.report_pdf", "annotator.core.formats.detect", "annotator.core.formats.qdpx",
              "annotator.core.formats.w3c", "annotator.core.formats.brat", "annotator.core.report",
              "annotator.gui.team_worker", "annotator.core.team",  # team sync: a joined project only
              # a model is asked only when the analyst starts a run (docs/models.md)
              "annotator.core.llm.client", "annotator.core.llm.spans", "annotator.core.llm.pairs",
              "annotator.core.llm.evaluate")

PROBE = r"""
import gc, sys
import annotator.cli
annotator.cli.pause_for_start()  # as annotator's gui command does
from annotator.gui import app as gui_app
qapp = gui_app.application()
win = gui_app.open_window(None, gui_app.settings(), user="probe")
assert gc.isenabled(), "the collector runs again once the window is built"
assert all(pane.view.text() for pane in win.panes), "both seed articles are shown"
while not (win.windowHandle() and win.windowHandle().isExposed()):
    qapp.processEvents()
win.repaint()
for pane in win.panes:
    pane.view.viewport().repaint()
qapp.processEvents()
print("LOADED", " ".join(sorted({name.split(".")[0] for name in sys.modules} | {name for name in sys.modules
                                                                               if name.startswith("annotator.")})))
win.close()
"""


def start_window(home: Path) -> set[str]:
    """The top-level packages loaded once the window is painted, in a fresh process on ``home``."""
    env = {**os.environ, "ANNOTATOR_HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("LOADED "))
    return set(line.split()[1:])


def test_first_and_ordinary_start_load_no_heavy_package(tmp_path):
    home = tmp_path / "home"
    first = start_window(home)  # creates and seeds the default project
    assert "annotator" in first and "PySide6" in first
    assert sorted(first & set(HEAVY_AT_START)) == []
    again = start_window(home)  # an ordinary start on the seeded project
    assert sorted(again & set(HEAVY_AT_START)) == []
    assert "annotator.gui.window.main_window" in again
    assert sorted(again & set(OURS_LATER)) == []


def test_the_store_is_loaded_before_pyside6():
    """PySide6's import hook reads the source of every module imported after PySide6 (looking for its own name):
    the store, sqlite_utils and their dependencies load first, so it skips them (annotator/gui/__init__.py)."""
    probe = "import sys, annotator.gui; print('ORDER', ' '.join(sys.modules))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    order = next(line for line in done.stdout.splitlines() if line.startswith("ORDER ")).split()[1:]
    first_qt = order.index("PySide6")
    for name in ("sqlite_utils", "click", "dateutil", "annotator.core.store", "annotator.core.formats.documents"):
        assert order.index(name) < first_qt, f"{name} is imported after PySide6"
