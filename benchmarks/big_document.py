"""A 3 MB document with 50,000 overlapping annotations in the main window: paint, scroll, tag, hover, memory.

Builds (once, cached; see ``generate.py``) a project holding a 3,000,000-code-point
document of varied paragraphs with 50,000 nested/overlapping spans over the four
default labels, plus a short second document for the right pane. Then, each part
in its own fresh Python process (Qt offscreen, a temporary ``ANNOTATOR_HOME``,
a private copy of the project):

* ``gui``: opens the project with ``annotator.gui.app.open_window`` ``--runs``
  times (after one untimed warm-up open) and times *first paint*: from the
  call until the window is exposed and the big document's viewport has been
  repainted synchronously (a paint counter checks that a paint really
  happened). Then, on one window: one-page repaints at random places, page
  scrolls (page-down + synchronous repaint), hover look-ups
  (``DocumentView.span_ids_at`` at random offsets; ``offset_at`` +
  ``span_ids_at`` / ``tooltip_at`` at random viewport points) and taggings
  (``view.set_selection`` then ``MainWindow.apply_label``: store write, the
  window's refresh, pending events, synchronous repaint), up to ``--tags``
  taggings or ``--tag-budget`` seconds, whichever comes first.
* ``rss``: a fresh process opens the window, paints, scrolls 20 pages at
  random places and hovers; its resident set size (``VmRSS``) is the memory
  figure, with the peak (``VmHWM``) and the size before opening.
* ``naive`` (reference only): the common approach of a ``QTextEdit`` with one
  ``ExtraSelection`` per annotation on the same text and spans. Steps through
  1k, 5k, 10k, ... up to ``--naive-cap`` selections and stops once a step
  exceeds ``--naive-budget`` seconds; the 50k figure is then extrapolated
  (linearly from the largest step) and marked so.

Prints ``workload | measured | target | verdict`` (and writes the figures as
JSON with ``--json``). Exit status is 0 even when targets are missed: this is
a measurement, not a test.

Usage: ``python benchmarks/big_document.py [--runs 5] [--tags 100] [--tag-budget 400]
[--skip-naive] [--naive-cap 50000] [--profile DIR] [--json FILE]``
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from exchange import mem as proc_status  # noqa: E402 (a sibling script: the benchmarks folder is on the path)

TARGETS = {
    "first_paint": 0.5,
    "repaint": 0.016,
    "scroll": 0.016,
    "tag_median": 0.016,
    "tag_p99": 0.050,
    "hover": 0.001,
    "rss_mb": 300,
}


# ---------------------------------------------------------------------- helpers
def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


def fmt_time(seconds: float) -> str:
    if math.isnan(seconds):
        return "n/a"
    if seconds < 0.001:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


# ------------------------------------------------------------------- GUI set-up
def _qt_setup():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from annotator.gui import app as gui_app
    from annotator.gui.views.document_view import DocumentView

    paints = {"n": 0}
    original = DocumentView.paintEvent

    def counting_paint(self, event):
        paints["n"] += 1
        return original(self, event)

    DocumentView.paintEvent = counting_paint
    qapp = gui_app.application()
    return qapp, gui_app, paints, QApplication, QEvent


def _open_and_paint(project: Path, gui_app, qapp, paints) -> tuple[object, float, float]:
    """Open the project in a window; returns (window, seconds to open_window's return, seconds to first paint)."""
    settings = gui_app.settings()
    for key in ("geometry", "window_state", "splitter"):  # every open at the default 1400x900 layout
        settings.remove(key)
    t0 = time.perf_counter()
    win = gui_app.open_window(str(project), settings, user="bench")
    t_open = time.perf_counter() - t0
    if win is None:
        raise SystemExit("open_window failed")
    handle = win.windowHandle()
    while handle is None or not handle.isExposed():  # offscreen exposes on the first event pass
        qapp.processEvents()
        handle = win.windowHandle()
        if time.perf_counter() - t0 > 120:
            raise SystemExit("the window was never exposed")
    before = paints["n"]
    win.panes[0].view.viewport().repaint()
    t_paint = time.perf_counter() - t0
    if paints["n"] == before:
        raise SystemExit("the forced repaint did not paint the document view")
    # A long document indexes its remaining spans from the event loop after the first paint: wait for
    # that (every later measurement sees all spans), timing it and the longest event-loop pass meanwhile.
    view, longest = win.panes[0].view, 0.0
    while view.is_loading():
        t1 = time.perf_counter()
        qapp.processEvents()
        longest = max(longest, time.perf_counter() - t1)
    LOADING.update(all_spans=time.perf_counter() - t0, longest_pass=longest)
    return win, t_open, t_paint


#: Filled by the last ``_open_and_paint``: seconds until every span was indexed, longest event-loop pass.
LOADING: dict[str, float] = {}


def _close(win, gui_app, qapp, QEvent) -> None:
    win.close()
    if win in gui_app._WINDOWS:
        gui_app._WINDOWS.remove(win)
    win.deleteLater()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    qapp.processEvents()


def _scroll_to(view, qapp, offset: int) -> None:
    view.scroll_to_offset(offset)
    qapp.processEvents()
    view.viewport().repaint()


def tag_and_settle(qapp, win, view, rng: random.Random, words: list[tuple[int, int]], label: str) -> tuple[float, float]:
    """Tag 1–4 random words with ``label``: (seconds until the span is painted, busy seconds of deferred work).

    The work the tag deferred (the annotation list follows the new span 120 ms later) is run here, timing only
    the event-loop passes that did something, so it is reported apart and never lands in the next tag's time.
    """
    k = rng.randrange(len(words) - 4)
    start, end = words[k][0], words[k + rng.randint(0, 3)][1]
    _scroll_to(view, qapp, start)
    view.set_selection(start, end)
    qapp.processEvents()
    t0 = time.perf_counter()
    win.apply_label(label)
    qapp.processEvents()
    view.viewport().repaint()
    elapsed = time.perf_counter() - t0
    busy, until = 0.0, time.perf_counter() + 0.2
    while time.perf_counter() < until:
        t1 = time.perf_counter()
        qapp.processEvents()
        spent = time.perf_counter() - t1
        if spent > 0.0005:
            busy += spent
        time.sleep(0.002)
    return elapsed, busy


def _random_offsets(rng: random.Random, length: int, n: int) -> list[int]:
    return [rng.randrange(length) for _ in range(n)]


def _profile(target, path: Path | None):
    """Run ``target()`` under pyinstrument and write its text profile to ``path`` (no-op without a path)."""
    if path is None:
        return target()
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        return target()
    finally:
        profiler.stop()
        path.write_text(profiler.output_text(unicode=True, color=False), encoding="utf-8")


# ---------------------------------------------------------------------- workers
def worker_gui(args) -> dict:
    qapp, gui_app, paints, _QApplication, QEvent = _qt_setup()
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QAbstractSlider

    project = Path(args.project)
    profile_dir = Path(args.profile) if args.profile else None
    out: dict = {}

    # The view alone, for reference: a shown DocumentView given the text and 50k prepared SpanStyles.
    from annotator.core.store import Store
    from annotator.gui.views.document_view import DocumentView, SpanStyle

    store = Store.open(project, readonly=True)
    doc = store.documents()[0]
    text = store.document_text(doc.id)
    colors = {lb.name: lb.color for lb in store.labels()}
    styles = [SpanStyle(a.id, a.start, a.end, colors[a.label], a.label) for a in store.iter_annotations(document=doc.id)]
    store.close()
    view_only = []
    for _ in range(args.runs + 1):
        view = DocumentView()
        view.resize(674, 483)
        view.show()
        while not (view.windowHandle() and view.windowHandle().isExposed()):
            qapp.processEvents()
        t0 = time.perf_counter()
        view.set_document(text)
        view.set_spans(styles)
        view.viewport().repaint()
        view_only.append(time.perf_counter() - t0)
        view.close()
        view.deleteLater()
        qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    out["view_only_runs"] = view_only[1:]
    del styles, text

    # First paint: one warm-up (first window of the process: fonts, styles), then --runs timed opens.
    win, t_open, t_paint = _open_and_paint(project, gui_app, qapp, paints)
    out["first_paint_warmup"] = t_paint
    _close(win, gui_app, qapp, QEvent)
    opens, firsts, loaded, passes = [], [], [], []
    for _ in range(args.runs):
        win, t_open, t_paint = _open_and_paint(project, gui_app, qapp, paints)
        opens.append(t_open)
        firsts.append(t_paint)
        loaded.append(LOADING["all_spans"])
        passes.append(LOADING["longest_pass"])
        _close(win, gui_app, qapp, QEvent)
    out["first_paint_runs"] = firsts
    out["open_window_runs"] = opens
    out["all_spans_runs"] = loaded
    out["longest_pass_runs"] = passes
    if profile_dir:
        holder = {}
        _profile(lambda: holder.setdefault("w", _open_and_paint(project, gui_app, qapp, paints)),
                 profile_dir / "first_paint.txt")
        _close(holder["w"][0], gui_app, qapp, QEvent)

    win, _, _ = _open_and_paint(project, gui_app, qapp, paints)
    win.focus_pane(0)
    view = win.panes[0].view
    text = view.text()
    out["document_chars"] = len(text)
    out["spans_shown"] = len(view._index)
    out["viewport"] = [view.viewport().width(), view.viewport().height()]
    rng = random.Random(args.seed)

    # One-page repaint at random places (laid out first, untimed).
    repaints = []
    for offset in _random_offsets(rng, len(text), 20):
        _scroll_to(view, qapp, offset)
        for _ in range(5):
            t0 = time.perf_counter()
            view.viewport().repaint()
            repaints.append(time.perf_counter() - t0)
    out["repaint"] = repaints

    # Page-down + synchronous repaint, 10 pages from each of 10 random places.
    bar = view.verticalScrollBar()
    scrolls = []
    for offset in _random_offsets(rng, len(text), 10):
        _scroll_to(view, qapp, offset)
        for _ in range(10):
            t0 = time.perf_counter()
            bar.triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd)
            view.viewport().repaint()
            scrolls.append(time.perf_counter() - t0)
    out["scroll"] = scrolls
    out["page_step_lines"] = bar.pageStep()

    # Hover: the index look-up alone, then hit-testing a viewport point first.
    lookups = []
    for offset in _random_offsets(rng, len(text), 20000):
        t0 = time.perf_counter()
        view.span_ids_at(offset)
        lookups.append(time.perf_counter() - t0)
    out["hover_lookup"] = lookups
    hits, tips = [], []
    w, h = view.viewport().width(), view.viewport().height()
    for offset in _random_offsets(rng, len(text), 20):
        _scroll_to(view, qapp, offset)
        for _ in range(100):
            pos = QPoint(rng.randrange(w), rng.randrange(h))
            t0 = time.perf_counter()
            at = view.offset_at(pos)
            if at is not None:
                view.span_ids_at(at)
            hits.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            at = view.offset_at(pos)
            if at is not None:
                view.tooltip_at(at)
            tips.append(time.perf_counter() - t0)
    out["hover_point"] = hits
    out["hover_tooltip"] = tips

    # Tagging through the window's apply_label path.
    from annotator.core.store.base import StoreBase

    labels = list(win.colors)
    store = win.session.store
    before = store.annotation_count()
    words = [(m.start(), m.end()) for m in __import__("re").finditer(r"\w+", text[: len(text)])]
    tags = []
    started = time.perf_counter()

    def one_tag(i: int) -> float:
        elapsed, busy = tag_and_settle(qapp, win, view, rng, words, labels[i % len(labels)])
        deferred.append(busy)
        return elapsed

    deferred: list[float] = []
    for i in range(args.tags):
        tags.append(one_tag(i))
        if time.perf_counter() - started > args.tag_budget and len(tags) >= 5:
            break
    if profile_dir:
        _profile(lambda: one_tag(len(tags)), profile_dir / "tag_one_span.txt")
    out["tag"] = tags
    out["tag_deferred"] = deferred
    out["tags_written"] = store.annotation_count() - before
    assert isinstance(store, StoreBase)
    _close(win, gui_app, qapp, QEvent)
    return out


def worker_rss(args) -> dict:
    before_qt = proc_status("VmRSS")
    qapp, gui_app, paints, _QApplication, _QEvent = _qt_setup()
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QAbstractSlider

    import annotator.gui.window.main_window  # noqa: F401  (imported before the baseline, as in a running app)

    baseline = proc_status("VmRSS")
    win, _, t_paint = _open_and_paint(Path(args.project), gui_app, qapp, paints)
    after_open = proc_status("VmRSS")
    view = win.panes[0].view
    rng = random.Random(args.seed)
    bar = view.verticalScrollBar()
    for offset in _random_offsets(rng, len(view.text()), 20):
        _scroll_to(view, qapp, offset)
        bar.triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd)
        view.viewport().repaint()
        for _ in range(20):
            at = view.offset_at(QPoint(rng.randrange(view.viewport().width()), rng.randrange(view.viewport().height())))
            if at is not None:
                view.tooltip_at(at)
    qapp.processEvents()
    return {
        "rss_before_qt_mb": before_qt,
        "rss_baseline_mb": baseline,
        "rss_after_open_mb": after_open,
        "rss_open_mb": proc_status("VmRSS"),
        "rss_peak_mb": proc_status("VmHWM"),
        "first_paint_cold": t_paint,
    }


def worker_naive(args) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
    from PySide6.QtWidgets import QApplication, QTextEdit

    from annotator.core.store import Store
    from annotator.core.text import Utf16Map

    qapp = QApplication.instance() or QApplication([])
    store = Store.open(args.project, readonly=True)
    doc = store.documents()[0]
    text = store.document_text(doc.id)
    colors = {lb.name: lb.color for lb in store.labels()}
    anns = [(a.start, a.end, a.label) for a in store.iter_annotations(document=doc.id)]
    store.close()
    rng = random.Random(args.seed)
    rng.shuffle(anns)  # a prefix is then a fair sample of the whole document
    u16 = Utf16Map(text)
    out: dict = {"spans_total": len(anns)}

    edit = QTextEdit()
    edit.setReadOnly(True)
    edit.resize(700, 600)
    edit.show()
    rss0 = proc_status("VmRSS")
    t0 = time.perf_counter()
    edit.setPlainText(text)
    while not (edit.windowHandle() and edit.windowHandle().isExposed()):
        qapp.processEvents()
    edit.viewport().repaint()
    out["set_text_and_paint"] = time.perf_counter() - t0
    out["rss_text_mb"] = proc_status("VmRSS") - rss0
    document = edit.document()
    # Selections all over the text make QTextEdit lay out the whole document; do that once, up front,
    # so the steps below compare like with like.
    t0 = time.perf_counter()
    document.size()
    out["full_layout"] = time.perf_counter() - t0
    out["rss_layout_mb"] = proc_status("VmRSS") - rss0
    formats = {}
    for name, color in colors.items():
        fmt = QTextCharFormat()
        fill = QColor(color)
        fill.setAlpha(60)
        fmt.setBackground(fill)
        formats[name] = fmt

    rss_start = proc_status("VmRSS")
    steps = [n for n in (1000, 5000, 10000, 20000, 50000) if n <= args.naive_cap]
    if args.naive_cap not in steps:
        steps.append(args.naive_cap)
    results = []
    for n in steps:
        if n > len(anns):
            break
        edit.setExtraSelections([])
        qapp.processEvents()
        t0 = time.perf_counter()
        selections = []
        for start, end, label in anns[:n]:
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(document)
            cursor.setPosition(u16.to_utf16(start))
            cursor.setPosition(u16.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            sel.format = formats[label]
            selections.append(sel)
        t_build = time.perf_counter() - t0
        t0 = time.perf_counter()
        edit.setExtraSelections(selections)
        qapp.processEvents()
        edit.viewport().repaint()
        t_set = time.perf_counter() - t0
        repaints = []
        for _ in range(3):
            t1 = time.perf_counter()
            edit.viewport().repaint()
            repaints.append(time.perf_counter() - t1)
        step = {"n": n, "build": t_build, "set_and_paint": t_set, "repaint": statistics.median(repaints),
                # freed memory of a smaller step is reused by the next, so count from before the first step
                "rss_growth_mb": proc_status("VmRSS") - rss_start}
        results.append(step)
        print(f"naive {n}: {step}", file=sys.stderr, flush=True)
        if t_build + t_set + sum(repaints) > args.naive_budget:
            break
    out["steps"] = results
    return out


# ------------------------------------------------------------------------ parent
def run_worker(kind: str, project: Path, args, timeout: float) -> dict | None:
    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as home:
        copy = Path(home) / "project.sqlite"
        shutil.copy(project, copy)
        env = dict(os.environ, ANNOTATOR_HOME=home, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--project", str(copy),
               "--runs", str(args.runs), "--tags", str(args.tags), "--tag-budget", str(args.tag_budget),
               "--naive-cap", str(args.naive_cap), "--naive-budget", str(args.naive_budget), "--seed", str(args.seed)]
        if args.profile:
            cmd += ["--profile", str(Path(args.profile).resolve())]
        started = time.perf_counter()
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            print(f"[{kind}] timed out after {timeout:.0f} s", file=sys.stderr)
            return None
        for line in proc.stderr.splitlines():
            if "propagateSizeHints" not in line:
                print(f"[{kind}] {line}", file=sys.stderr)
        if proc.returncode != 0:
            print(f"[{kind}] failed with exit status {proc.returncode}", file=sys.stderr)
            return None
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["wall"] = time.perf_counter() - started
        return result


def verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


def build_rows(gui: dict | None, rss: dict | None, naive: dict | None, spans: int) -> list[tuple[str, str, str, str]]:
    rows = []
    if gui:
        fp = statistics.median(gui["first_paint_runs"])
        rows.append(((f"open + first paint (median of {len(gui['first_paint_runs'])}; "
                     f"open_window alone {fmt_time(statistics.median(gui['open_window_runs']))})"),
                     fmt_time(fp), "<= 500 ms", verdict(fp, TARGETS["first_paint"])))
        if gui.get("all_spans_runs"):
            rows.append((f"  every span indexed, from the event loop after the first paint "
                         f"(median of {len(gui['all_spans_runs'])})", fmt_time(statistics.median(gui["all_spans_runs"])),
                         "", "info"))
            rows.append(("  longest event-loop pass while indexing (max of the runs)",
                         fmt_time(max(gui["longest_pass_runs"])), "<= 100 ms",
                         verdict(max(gui["longest_pass_runs"]), 0.1)))
        rows.append(("  first open in the process (warm-up, not in the median)",
                     fmt_time(gui["first_paint_warmup"]), "", "info"))
        rows.append(((f"  DocumentView alone: set_document + set_spans({spans // 1000}k prepared) + paint "
                     f"(median of {len(gui['view_only_runs'])})"), fmt_time(statistics.median(gui["view_only_runs"])),
                     "", "info"))
        rp = statistics.median(gui["repaint"])
        rows.append((f"repaint one page (median of {len(gui['repaint'])}; p95 {fmt_time(percentile(gui['repaint'], 95))})",
                     fmt_time(rp), "<= 16 ms", verdict(rp, TARGETS["repaint"])))
        sc = statistics.median(gui["scroll"])
        rows.append(((f"scroll one page + repaint (median of {len(gui['scroll'])}; "
                     f"p95 {fmt_time(percentile(gui['scroll'], 95))})"),
                     fmt_time(sc), "<= 16 ms", verdict(sc, TARGETS["scroll"])))
        tm, tp = statistics.median(gui["tag"]), percentile(gui["tag"], 99)
        n = len(gui["tag"])
        rows.append((f"tag one span: apply_label + repaint, median of {n}", fmt_time(tm), "<= 16 ms",
                     verdict(tm, TARGETS["tag_median"])))
        rows.append((f"tag one span: p99 of {n}" + (" (= max: fewer than 100 taggings)" if n < 100 else ""),
                     fmt_time(tp), "<= 50 ms", verdict(tp, TARGETS["tag_p99"])))
        if gui.get("tag_deferred"):
            rows.append(("  after each tag, deferred: the list scrolls to the new span (median, busy time)",
                         fmt_time(statistics.median(gui["tag_deferred"])), "", "info"))
        for key, name in (("hover_lookup", "hover: span_ids_at(offset)"),
                          ("hover_point", "hover: offset_at(point) + span_ids_at"),
                          ("hover_tooltip", "hover: offset_at(point) + tooltip_at")):
            m, p = statistics.median(gui[key]), percentile(gui[key], 99)
            rows.append((f"{name} (median of {len(gui[key])}; p99 {fmt_time(p)})", fmt_time(m), "<= 1 ms",
                         verdict(p, TARGETS["hover"])))
    if rss:
        rows.append(((f"RSS with the document open (before opening {rss['rss_baseline_mb']:.0f} MB; "
                     f"peak {rss['rss_peak_mb']:.0f} MB)"), f"{rss['rss_open_mb']:.0f} MB", "<= 300 MB",
                     verdict(rss["rss_open_mb"], TARGETS["rss_mb"])))
    if naive and naive.get("steps"):
        steps = naive["steps"]
        last = steps[-1]
        scale = spans / last["n"]
        tag = "" if last["n"] >= spans else f" (extrapolated x{scale:.0f} from {last['n']:,})"
        rows.append(("reference: QTextEdit.setPlainText + first paint, no spans",
                     fmt_time(naive["set_text_and_paint"]), "", "info"))
        rows.append(((f"reference: QTextEdit full layout of the text (needed once selections cover it; "
                     f"RSS +{naive['rss_layout_mb']:.0f} MB with the text)"), fmt_time(naive["full_layout"]), "", "info"))
        total = last["build"] + last["set_and_paint"]
        rows.append((f"reference: naive setExtraSelections, {spans:,} selections: build + set + paint{tag}",
                     fmt_time(total * scale), "", "info"))
        rows.append((f"reference: naive repaint one page with {last['n']:,} selections",
                     fmt_time(last["repaint"]), "", "info"))
        rows.append((f"reference: naive RSS growth for {spans:,} selections{tag}",
                     f"{last['rss_growth_mb'] * scale:.0f} MB", "", "info"))
    return rows


def print_table(rows, header=("workload", "measured", "target", "verdict")) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    lines = ["| " + " | ".join(str(c).ljust(widths[i]) for i, c in enumerate(header)) + " |",
             "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += ["| " + " | ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)) + " |" for r in rows]
    text = "\n".join(lines)
    print(text)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed opens for first paint (after a warm-up)")
    parser.add_argument("--tags", type=int, default=100, help="taggings to time")
    parser.add_argument("--tag-budget", type=float, default=400.0, help="stop tagging after this many seconds")
    parser.add_argument("--spans", type=int, default=50_000)
    parser.add_argument("--chars", type=int, default=3_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-naive", action="store_true", help="skip the QTextEdit reference")
    parser.add_argument("--naive-cap", type=int, default=50_000, help="most extra selections to try")
    parser.add_argument("--naive-budget", type=float, default=120.0, help="stop the naive steps past this (s)")
    parser.add_argument("--profile", help="write pyinstrument profiles of first paint and one tagging here")
    parser.add_argument("--json", help="also write all figures to this JSON file")
    parser.add_argument("--worker", choices=("gui", "rss", "naive"), help=argparse.SUPPRESS)
    parser.add_argument("--project", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        result = {"gui": worker_gui, "rss": worker_rss, "naive": worker_naive}[args.worker](args)
        print(json.dumps(result))
        return

    import generate

    project = generate.big_project(args.spans, args.chars)
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    print(f"project {project} ({project.stat().st_size / 1e6:.0f} MB); {os.cpu_count()} cores", flush=True)
    rss = run_worker("rss", project, args, timeout=600)
    gui = run_worker("gui", project, args, timeout=600 + args.tag_budget * 2)
    naive = None if args.skip_naive else run_worker("naive", project, args, timeout=args.naive_budget * 6 + 300)
    if gui:
        print(f"document: {gui['document_chars']:,} code points, {gui['spans_shown']:,} spans painted; "
              f"viewport {gui['viewport'][0]}x{gui['viewport'][1]} px, page step {gui['page_step_lines']} lines; "
              f"{gui['tags_written']} annotations written by {len(gui['tag'])} taggings")
    if naive:
        for step in naive["steps"]:
            print(f"naive {step['n']:>6,} selections: build {fmt_time(step['build'])}, set + paint "
                  f"{fmt_time(step['set_and_paint'])}, repaint {fmt_time(step['repaint'])}, "
                  f"RSS +{step['rss_growth_mb']:.0f} MB")
    print()
    rows = build_rows(gui, rss, naive, args.spans)
    print_table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps({"gui": gui, "rss": rss, "naive": naive}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
