"""Start and quit: the window painted with both seed articles, against a bare PySide6 window, and quitting.

Each round runs four fresh processes, one after the other:

- **bare**: a bare PySide6 window holding the same two seed texts in two ``QPlainTextEdit``s, painted (the
  baseline, measured in the same run so the machine's load weighs on both alike);
- **first**: annotator's first start in a fresh ``ANNOTATOR_HOME`` (it creates and seeds the default project);
- **ordinary**: annotator started again on that home, the cold start of every day after the first;
- **worked**: the same again, then a session's heavy parts loaded (a language detected, the Reports dock shown
  with its charts) before quitting: the quit after a working session.

Every process measures from just before it is launched (the parent's clock) to the window exposed and painted
(both text panes), then closes its window through the event loop as the analyst would; quitting is the time
from ``close()`` to the process gone. Prints each round, the medians and the
ratios against the targets: ordinary start ≤ 1.5× the bare window, first start ≤ 2× an ordinary one,
quitting ≤ 0.3 s. Compiled modules are cached as for an installed program (in a temporary folder, written by a
first start of each kind that is not counted).

Usage: ``python benchmarks/startup.py [--rounds 9]`` from the repository root (Qt offscreen unless DISPLAY
is set; ``--display`` keeps DISPLAY for a real window).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_START, TARGET_FIRST, TARGET_QUIT = 1.5, 2.0, 0.3

#: Shared by both probes: wait until the window is exposed, paint it and both text views synchronously,
#: print the time from launch, then close the window from the event loop and let the process end (for annotator,
#: as ``annotator`` ends: :func:`annotator.gui.app.leave`).
FINISH = r"""
while not (win.windowHandle() and win.windowHandle().isExposed()):
    qapp.processEvents()            # offscreen windows are exposed asynchronously; paint only after that
win.repaint()
for view in views:
    view.viewport().repaint()
print(f"painted {time.time() - t0:.4f}", flush=True)
work()

def close():
    print(f"closing {time.time():.4f}", flush=True)
    win.close()

QTimer.singleShot(0, close)
sys.exit(leave(qapp.exec()))
"""

ANNOTATOR = r"""
import sys, time
t0 = float(sys.argv[1])
import annotator.cli
annotator.cli.pause_for_start()     # as annotator's gui command does before it imports the window
from PySide6.QtCore import QTimer
from annotator.gui import app as gui_app
gui_app.check_pyside()
qapp = gui_app.application()
store_settings = gui_app.settings()
win = gui_app.open_window(None, store_settings, user="bench")
views = [pane.view for pane in win.panes]
assert all(view.text() for view in views), "both seed articles are shown"
leave = lambda code: gui_app.leave(qapp, store_settings, code)   # what annotator does once its loop ends

def work():
    if "--work" not in sys.argv:
        return
    from annotator.core.language import detect_language
    from annotator.gui import actions
    detect_language(views[1].text())                # loads the language model
    win.actions[actions.REPORTS].trigger()          # the Reports dock draws its charts (numpy: agreement)
    while win.reports.dock.data is None:
        qapp.processEvents()
""" + FINISH

BARE = r"""
import sys, time
t0 = float(sys.argv[1])
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit, QSplitter
seeds = Path(sys.argv[2])
texts = [(seeds / name).read_text(encoding="utf-8") for name in sorted(p.name for p in seeds.glob("*.txt"))[:2]]
qapp = QApplication(sys.argv[:1])
win = QMainWindow()
split = QSplitter()
views = []
for text in texts:
    view = QPlainTextEdit()
    view.setPlainText(text)
    split.addWidget(view)
    views.append(view)
win.setCentralWidget(split)
win.resize(1200, 800)
win.show()
work = lambda: None
leave = lambda code: code
""" + FINISH


def run(probe: str, env: dict, *args: str) -> tuple[float, float]:
    """``(start, quit)`` in seconds for one fresh process running ``probe``."""
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", probe, str(t0), *args], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True)
    ended = time.time()
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if line.startswith(("painted", "closing")))
    return float(lines["painted"]), ended - float(lines["closing"])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9, help="rounds of bare, first and ordinary start (9)")
    parser.add_argument("--display", action="store_true", help="use $DISPLAY instead of Qt offscreen")
    args = parser.parse_args()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    if not (args.display and env.get("DISPLAY")):
        env["QT_QPA_PLATFORM"] = "offscreen"
    bare, first, ordinary, quits, bare_quits, worked_quits = [], [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        # Compiled modules are cached as an installed program's are (in a folder of our own, not the tree):
        # one start of each kind, not counted, writes them.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        env["ANNOTATOR_HOME"] = str(Path(tmp) / "warm-up")
        run(BARE, env, str(ROOT / "seeds"))
        run(ANNOTATOR, env)
        for i in range(args.rounds):
            env["ANNOTATOR_HOME"] = str(Path(tmp) / f"home{i}")
            b, bq = run(BARE, env, str(ROOT / "seeds"))
            f, _ = run(ANNOTATOR, env)
            o, q = run(ANNOTATOR, env)
            _, wq = run(ANNOTATOR, env, "--work")
            bare.append(b), bare_quits.append(bq), first.append(f), ordinary.append(o), quits.append(q)
            worked_quits.append(wq)
            print(f"round {i + 1}: bare {ms(b)}, first {ms(f)}, ordinary {ms(o)} ({o / b:.2f}x bare), "
                  f"quit {ms(q)}, after work {ms(wq)} (bare {ms(bq)})", flush=True)
    med = statistics.median
    print(f"median bare window painted:      {ms(med(bare))}")
    print(f"median ordinary start painted:   {ms(med(ordinary))} = {med(ordinary) / med(bare):.2f}x bare "
          f"(median of the rounds' ratios {med(o / b for o, b in zip(ordinary, bare)):.2f}x; "
          f"target <= {TARGET_START}x)")
    print(f"median first start painted:      {ms(med(first))} = {med(first) / med(ordinary):.2f}x ordinary "
          f"(target <= {TARGET_FIRST}x)")
    print(f"median quit, close() to exit:    {ms(med(quits))}, after work {ms(med(worked_quits))} "
          f"(bare window {ms(med(bare_quits))}; target <= {ms(TARGET_QUIT)})")
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
