"""A code system of 1,000 codes against the four default labels (issue 22): the window, the Codes dock, tagging.

Two projects, alike but for their scheme: the same two documents (about 40,000 characters each, 2,000 spans
spread over the codes), one with the four default labels, one with 1,000 more codes on three levels
(10 themes × 9 sub-themes × 10 codes). For each, in the same run, alternately:

- **open**: ``open_window`` on the project until the window is exposed and its left pane painted;
- **dock**: the Codes dock reading the tree and its counts (``CodesDock.reload``) and painting once;
- **picker**: the Ctrl+K picker built over the scheme (each code with its path);
- **tag**: a word selected and tagged through the window's path (``apply_label``: the store, the announcement,
  the patch, the dock's counts) until the span is painted, with the Codes dock shown; the deepest code of the
  scheme (its two ancestors' counts move too). The work a tag defers is run and reported apart, as in
  ``big_document.py``.

Medians, and the ratio of 1,000 codes to four (target: tagging as fast, ratio about 1). A measurement, not a test.

Usage: ``python benchmarks/codes.py [--runs 5] [--tags 40]`` (Qt offscreen unless DISPLAY is set).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")
os.environ.setdefault("ANNOTATOR_HOME", tempfile.mkdtemp(prefix="annotator-bench-home-"))

from big_document import tag_and_settle  # noqa: E402 (a sibling script)
from generate import make_spans, make_text  # noqa: E402

from annotator.core.store import Store  # noqa: E402

#: Colours given to the generated codes (picking 1,000 distinct ones, one label at a time, is not measured here).
COLORS = ("#56B4E9", "#D55E00", "#F0E442", "#000000")
DEFAULT = ("Claim", "Actor", "Figure", "Plan point")


def build(path: Path, codes: bool, seed: int = 22) -> str:
    """The project at ``path``; with ``codes``, 1,000 codes on three levels. The label tags are made with."""
    rng = random.Random(seed)
    store = Store.open(path)
    deepest = "Actor"
    with store.transaction():
        if codes:
            for i in range(10):
                store.add_label(f"Theme {i}", COLORS[i % 4])
                for j in range(9):
                    store.add_label(f"Theme {i}.{j}", COLORS[j % 4], parent=f"Theme {i}")
                    for k in range(10):
                        deepest = f"Code {i}.{j}.{k}"
                        store.add_label(deepest, COLORS[k % 4], parent=f"Theme {i}.{j}")
        names = [lb.name for lb in store.codable_labels()]
        for d in range(2):
            text = make_text(rng, 40_000)
            doc, _ = store.add_document(text, f"Report {d}", "Wire")
            for start, end, _label in make_spans(rng, text, 1000):
                store.add_annotation(doc.id, rng.choice(names), start, end, "bench")
    store.close()
    return deepest


def open_window(gui_app, qapp, path: Path):
    """(window, seconds until it is exposed and its left pane painted)."""
    settings = gui_app.settings()
    for key in ("geometry", "window_state", "splitter"):
        settings.remove(key)
    t0 = time.perf_counter()
    win = gui_app.open_window(str(path), settings, user="bench")
    while win.windowHandle() is None or not win.windowHandle().isExposed():
        qapp.processEvents()
    win.panes[0].view.viewport().repaint()
    return win, time.perf_counter() - t0


def close(win, gui_app, qapp) -> None:
    from PySide6.QtCore import QEvent

    win.close()
    win.session.store.close()
    gui_app._WINDOWS.clear()
    win.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    qapp.processEvents()


def measure(gui_app, qapp, path: Path, label: str, tags: int, rng: random.Random) -> dict[str, list[float]]:
    from annotator.gui.dialogs.label_picker import LabelPicker

    out: dict[str, list[float]] = {"open": [], "dock": [], "picker": [], "tag": [], "deferred": []}
    win, seconds = open_window(gui_app, qapp, path)
    out["open"].append(seconds)
    win.resize(1280, 800)
    dock = win.codes.dock
    dock.show()
    dock.raise_()
    qapp.processEvents()
    t0 = time.perf_counter()
    dock.reload()
    dock.tree.viewport().repaint()
    out["dock"].append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    picker = LabelPicker(win.session.store.labels(), win)
    out["picker"].append(time.perf_counter() - t0)
    picker.deleteLater()
    view = win.panes[0].view
    win.pane_state.set_active(0)
    words = [m.span() for m in re.finditer(r"\w+", view.text())]
    for _ in range(tags):
        elapsed, deferred = tag_and_settle(qapp, win, view, rng, words, label)
        out["tag"].append(elapsed)
        out["deferred"].append(deferred)
    close(win, gui_app, qapp)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="windows opened per project (default 5)")
    parser.add_argument("--tags", type=int, default=40, help="tags per window (default 40)")
    args = parser.parse_args(argv)
    from annotator.gui import app as gui_app

    qapp = gui_app.application()
    folder = Path(tempfile.mkdtemp(prefix="annotator-codes-"))
    labels = {"4 labels": build(folder / "four.annotator", False),
              "1,004 codes": build(folder / "thousand.annotator", True)}
    paths = {"4 labels": folder / "four.annotator", "1,004 codes": folder / "thousand.annotator"}
    rng = random.Random(7)
    close(*open_window(gui_app, qapp, paths["4 labels"])[:1], gui_app, qapp)  # warm-up: imports, fonts
    results: dict[str, dict[str, list[float]]] = {name: {} for name in paths}
    for _ in range(args.runs):
        for name, path in paths.items():
            for key, values in measure(gui_app, qapp, path, labels[name], args.tags, rng).items():
                results[name].setdefault(key, []).extend(values)
    print(f"Codes benchmark: {args.runs} windows per project, {args.tags} tags each; medians (p90 for tags)")
    print(f"{'':14}{'4 labels':>12}{'1,004 codes':>14}{'ratio':>8}")
    for key, title in (("open", "open window"), ("dock", "Codes dock"), ("picker", "Ctrl+K picker"),
                       ("tag", "tag → painted"), ("deferred", "tag, deferred")):
        four, many = (statistics.median(results[n][key]) for n in paths)
        print(f"{title:14}{four * 1000:>10.1f} ms{many * 1000:>11.1f} ms{many / four if four else 0:>8.2f}")
    for name in paths:
        tags = sorted(results[name]["tag"])
        print(f"tag p90, {name}: {tags[int(0.9 * (len(tags) - 1))] * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
