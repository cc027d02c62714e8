"""Make the model-suggestions screenshot of README.md and docs/models.md from the seeds.

Writes ``model-suggestions.png`` into ``docs/`` (or the folder given): the two seed reports side by side, the
scripted test model's suggestions (tests/llm/chat_server.py in ``good`` mode, on 127.0.0.1) dashed in both panes,
one of them accepted (solid), and the Model suggestions dock below.

Usage: ``python docs/screenshot_models.py [FOLDER]``. Offscreen by default; under a display, e.g.
``QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x800x24" python docs/screenshot_models.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ANNOTATOR_HOME"] = tempfile.mkdtemp(prefix="annotator-shot-")
HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests" / "llm")]

from PySide6.QtCore import Qt  # noqa: E402
from chat_server import ChatServer  # noqa: E402
from screenshot import seed_window, shoot  # noqa: E402

from annotator.core.llm.endpoint import make_endpoint  # noqa: E402
from annotator.gui.dialogs.model_dialog import ModelRun  # noqa: E402

LABELS = ["Figure", "Actor", "Claim"]
ACCEPT = "Steve Witkoff"  # the suggestion accepted in the left pane


def main() -> None:
    out, qapp, win = seed_window(__doc__.splitlines()[0])
    with ChatServer("good") as server:
        endpoint = make_endpoint(server.base_url, "scripted-test-model")  # not a real model: say so on screen
        summary = win.model.run(ModelRun(endpoint, win.pane_state.shown(), LABELS))
    print(f"model run: {summary.line()}")
    left = win.panes[0].document_id
    sid = next(sid for sid, s in win.model.found.items() if s.document == left and s.quote == ACCEPT)
    win.pane_state.set_active(0)
    win.panes[0].view.select_span(sid)
    win.model.accept(0, sid)
    dock = win.model.dock
    win.resizeDocks([dock], [300], Qt.Orientation.Vertical)
    dock.table.selectRow(0)
    shoot(win, qapp, out / "model-suggestions.png", 0.8)
    win.close()
    win.session.store.close()


if __name__ == "__main__":
    main()
