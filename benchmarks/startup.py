"""Cold start: time from process start to the main window painted with both seeds.

Runs ``python -m annotator`` in a fresh process N times (default 5) against a
fresh ANNOTATOR_HOME each time... except the first-start seeding, which is done
once beforehand so every run measures an ordinary start. Prints each run and the
median. Usage: ``python benchmarks/startup.py [--runs 5]`` (uses Qt offscreen
unless DISPLAY is set).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

PROBE = r"""
import sys, time
t0 = float(sys.argv[1])
from PySide6.QtCore import QTimer
from annotator.gui import app as gui_app
qapp = gui_app.application()
win = gui_app.open_window(None, gui_app.settings(), user="bench")
assert win is not None and win.panes[0].view.text() and win.panes[1].view.text()
while not (win.windowHandle() and win.windowHandle().isExposed()):
    qapp.processEvents()            # offscreen windows are exposed asynchronously; paint only after that
win.repaint()                       # force a synchronous paint of the whole window
win.panes[0].view.viewport().repaint()
win.panes[1].view.viewport().repaint()
print(f"{time.time() - t0:.4f}")
win.close()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory() as home:
        env["ANNOTATOR_HOME"] = home
        # First start creates and seeds the default project; not part of the measurement.
        subprocess.run([sys.executable, "-c", PROBE, str(time.time())], env=env, check=True, capture_output=True)
        times = []
        for i in range(args.runs):
            t0 = time.time()
            out = subprocess.run([sys.executable, "-c", PROBE, str(t0)], env=env, check=True,
                                 capture_output=True, text=True)
            times.append(float(out.stdout.strip().splitlines()[-1]))
            print(f"run {i + 1}: {times[-1] * 1000:.0f} ms")
    print(f"median cold start to painted window: {statistics.median(times) * 1000:.0f} ms "
          f"(target 1000 ms; {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
