"""Make docs/screenshot.png: the main window on the seeds with a few spans tagged (offscreen).

Usage: ``python docs/screenshot.py [OUTPUT.png]``.
"""

from __future__ import annotations

import os
import sys
import time
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ANNOTATOR_HOME"] = tempfile.mkdtemp(prefix="annotator-shot-")

from annotator.gui import app as gui_app  # noqa: E402

TAGS = [  # (pane, label, quote, occurrence)
    (0, "Actor", "Donald Trump", 1), (0, "Actor", "Steve Witkoff", 0), (0, "Actor", "Vladimir Putin", 0),
    (0, "Claim", "“tremendous progress”", 0), (0, "Actor", "Volodymyr Zelenskyy", 0),
    (0, "Plan point", "peace plan to end the Kremlin’s war in Ukraine", 0), (0, "Figure", "28-point", 0),
    (0, "Figure", "at least six people", 0), (0, "Figure", "three dozen countries", 0),
    (1, "Actor", "Donald Trump", 0), (1, "Actor", "Steve Witkoff", 1), (1, "Figure", "seven people", 0),
    (1, "Figure", "30 countries", 0), (1, "Actor", "Sergey Lavrov", 0), (1, "Actor", "Vladimir Putin", 0),
    (0, "Plan point", "modalities of a ceasefire", 0), (0, "Actor", "JD Vance", 0), (0, "Actor", "Driscoll", 1),
    (1, "Claim", "only when the deal is final or in its final stages.", 0),
    (1, "Plan point", "security guarantees", 0), (1, "Plan point", "frozen Russian assets", 0),
    (1, "Actor", "Emmanuel Macron", 0), (1, "Actor", "Keir Starmer", 0),
]


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("screenshot.png"))
    qapp = gui_app.application()
    win = gui_app.open_window(None, gui_app.settings(), user="alice")
    win.resize(1500, 920)
    for pane, label, quote, occurrence in TAGS:
        view = win.panes[pane].view
        text = view.text()
        start = -1
        for _ in range(occurrence + 1):
            start = text.find(quote, start + 1)
        if start < 0:
            continue
        win._set_active(pane)
        view.set_selection(start, start + len(quote))
        win.apply_label(label)
    # Nest a claim over an actor to show stacked lanes.
    view = win.panes[0].view
    text = view.text()
    claim = "Donald Trump said he would dispatch special envoy Steve Witkoff"
    s = text.find(claim)
    win._set_active(0)
    view.set_selection(s, s + len(claim))
    win.apply_label("Claim")
    # Link the casualty figures across the sources: the discrepancy the analyst is hunting.
    store = win.session.store
    six = next(a for a in store.annotations(label="Figure") if a.quote == "at least six people")
    seven = next(a for a in store.annotations(label="Figure") if a.quote == "seven people")
    store.add_link("contradicts", six.id, seven.id, "alice")
    win.session.links_changed.emit()
    win.panes[0].view.scroll_to_offset(0)
    win.panes[1].view.scroll_to_offset(0)
    win._set_active(1)
    win.panes[1].view.select_span(seven.id)
    deadline = time.perf_counter() + 0.5  # as a person would see it: after the list has followed the edits
    while time.perf_counter() < deadline:
        qapp.processEvents()
        time.sleep(0.01)
    win.grab().save(str(out))
    print(f"wrote {out}")
    win.close()


if __name__ == "__main__":
    main()
