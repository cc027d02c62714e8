"""Make ``docs/codes-tree.png``: the window at 1280 × 800 with the Codes dock showing a code tree and its counts;
and ``docs/codes-picker.png``: the Ctrl+K picker over the same tree, "fr" typed (each code with its path).

The seed reports, a small code system as an analyst builds one (Figure › Casualties, Actor › Person and State, a
category "Frames" holding two codes), a few passages tagged with the codes, and a code selected in the dock.

Usage: ``QT_QPA_PLATFORM=xcb xvfb-run -s "-screen 0 1280x800x24" python docs/codes_screenshot.py [FOLDER]``
(offscreen by default).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ANNOTATOR_HOME"] = tempfile.mkdtemp(prefix="annotator-codes-shot-")

from PySide6.QtCore import Qt  # noqa: E402

from annotator.gui import app as gui_app  # noqa: E402
from annotator.gui.dialogs.label_picker import LabelPicker  # noqa: E402

TREE = [  # (code, parent, codable)
    ("Casualties", "Figure", True), ("Person", "Actor", True), ("State", "Actor", True),
    ("Frames", "", False), ("Peace deal", "Frames", True), ("Security", "Frames", True),
]
TAGS = [  # (pane, code, quote)
    (0, "Person", "Donald Trump"), (0, "Person", "Steve Witkoff"), (0, "Person", "Vladimir Putin"),
    (0, "Casualties", "at least six people"), (1, "Casualties", "seven people"), (0, "Figure", "28-point"),
    (0, "State", "Kremlin"), (1, "Person", "Sergey Lavrov"), (1, "Security", "security guarantees"),
    (0, "Peace deal", "peace plan to end the Kremlin’s war in Ukraine"), (0, "Claim", "“tremendous progress”"),
]


def settle(qapp, seconds: float = 0.5) -> None:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        qapp.processEvents()
        time.sleep(0.01)


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs"
    qapp = gui_app.application()
    win = gui_app.open_window(None, gui_app.settings(), user="alice")
    win.resize(1280, 800)
    win.show()
    store = win.session.store
    for code, parent, codable in TREE:
        store.add_label(code, parent=parent, codable=codable)
    win.session.announce_labels()
    for pane, code, quote in TAGS:
        view = win.panes[pane].view
        start = view.text().find(quote)
        if start >= 0:
            win.pane_state.set_active(pane)
            view.set_selection(start, start + len(quote))
            win.apply_label(code)
    dock = win.codes.dock
    dock.show()
    dock.raise_()
    win.resizeDocks([dock], [330], Qt.Orientation.Vertical)
    settle(qapp)
    dock.expand_action.trigger()
    dock.select("Casualties")
    win.panes[0].view.scroll_to_offset(0)
    settle(qapp)
    path = out / "codes-tree.png"
    win.grab().save(str(path))
    print(f"wrote {path}")
    picker = LabelPicker(store.labels(), win)
    picker.show()
    picker.filter.setText("fr")
    settle(qapp)
    picker.grab().save(str(out / "codes-picker.png"))
    print(f"wrote {out / 'codes-picker.png'}")
    picker.close()
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
