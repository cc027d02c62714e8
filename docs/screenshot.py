"""Make every README screenshot from the seeds, in one run.

Writes, into ``docs/`` (or the folder given):

- ``screenshot.png`` — the main window: the two seed reports side by side, spans tagged and a figure pair linked;
- ``review.png``     — review mode: alice's spans on the left, bob's on the right, categories by pattern;
- ``review-1024.png`` — the window at 1024 × 700 reviewing alice, bob and dave, after accepting dave's Claim;
- ``reports.png``    — the Reports dock (labels per document, in the labels' colours);
- ``report.png``     — the first page of the exported PDF report (needs ``pdftoppm``, from poppler-utils);
- ``dark.png``       — the main window in the dark theme;
- ``arabic.png``     — a short Arabic article (written here) tagged in the left pane.

Usage: ``python docs/screenshot.py [FOLDER] [--size 1280x800]``. Offscreen by default; to see it in a real
window run it under a display, e.g. ``QT_QPA_PLATFORM=xcb xvfb-run -s "-screen 0 1920x1080x24" python
docs/screenshot.py``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ANNOTATOR_HOME"] = tempfile.mkdtemp(prefix="annotator-shot-")

from PySide6.QtCore import Qt  # noqa: E402

from annotator.core import decisions  # noqa: E402
from annotator.gui import actions as A  # noqa: E402
from annotator.gui import app as gui_app  # noqa: E402
from annotator.gui.commands.annotations import ReviewCommand  # noqa: E402
from annotator.gui.controllers.review import REVIEW_SHARE  # noqa: E402

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
#: bob's tags on the first seed: some agree with alice's, some differ in label or bounds, some are his alone.
BOB = [("Actor", "Donald Trump", 1), ("Actor", "Steve Witkoff", 0), ("Claim", "Vladimir Putin", 0),
       ("Figure", "28-point peace plan", 0), ("Figure", "at least six people", 0), ("Actor", "Kremlin", 0),
       ("Plan point", "modalities of a ceasefire", 0)]

ARABIC = (
    "مبعوث أمريكي يتوجه إلى موسكو لبحث خطة السلام\n\n"
    "قال الرئيس الأمريكي دونالد ترامب إنه سيرسل المبعوث الخاص ستيف ويتكوف إلى موسكو للقاء الرئيس "
    "الروسي فلاديمير بوتين، في مسعى جديد لإنهاء الحرب في أوكرانيا.\n\n"
    "وتتضمن الخطة 28 بندا، وقالت مصادر إن ما لا يقل عن ستة أشخاص قتلوا في هجوم ليلي على كييف.\n\n"
    "وقال ويتكوف إن المحادثات أحرزت «تقدما هائلا»، بينما أكد الكرملين أن أي اتفاق يحتاج إلى مزيد من العمل."
)
ARABIC_TAGS = [("Actor", "دونالد ترامب"), ("Actor", "ستيف ويتكوف"), ("Actor", "فلاديمير بوتين"),
               ("Figure", "28 بندا"), ("Figure", "ما لا يقل عن ستة أشخاص"), ("Claim", "«تقدما هائلا»"),
               ("Actor", "الكرملين"), ("Plan point", "لإنهاء الحرب في أوكرانيا")]


def settle(qapp, seconds: float = 0.5) -> None:
    """Let the window finish what a person would wait for (lists following edits, charts redrawn)."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        qapp.processEvents()
        time.sleep(0.01)


def find(text: str, quote: str, occurrence: int = 0) -> int:
    start = -1
    for _ in range(occurrence + 1):
        start = text.find(quote, start + 1)
    return start


def tag_all(win) -> None:
    for pane, label, quote, occurrence in TAGS:
        view = win.panes[pane].view
        start = find(view.text(), quote, occurrence)
        if start < 0:
            continue
        win.pane_state.set_active(pane)
        view.set_selection(start, start + len(quote))
        win.apply_label(label)
    view = win.panes[0].view  # a claim over an actor: stacked lanes
    claim = "Donald Trump said he would dispatch special envoy Steve Witkoff"
    s = view.text().find(claim)
    win.pane_state.set_active(0)
    view.set_selection(s, s + len(claim))
    win.apply_label("Claim")


def seed_window(description: str):
    """For the other screenshot scripts: the folder named on their command line (default: docs/), the application,
    and alice's window, 1280 × 800, showing the two seeds."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("folder", nargs="?", default=str(Path(__file__).resolve().parent))
    out = Path(parser.parse_args().folder)
    qapp = gui_app.application()
    win = gui_app.open_window(None, gui_app.settings(), user="alice")
    win.resize(1280, 800)
    win.show()
    settle(qapp)
    return out, qapp, win


def tagged_window(description: str):
    """:func:`seed_window`, with the seeds tagged as the README's screenshot shows them."""
    out, qapp, win = seed_window(description)
    tag_all(win)
    return out, qapp, win


def link_sources(win):
    store = win.session.store
    figures = {a.quote: a for a in store.annotations(label="Figure")}
    store.add_link("contradicts", figures["at least six people"].id, figures["seven people"].id, "alice")
    store.add_link("same as", figures["three dozen countries"].id, figures["30 countries"].id, "alice")
    actors = store.annotations(label="Actor")
    claims = store.annotations(label="Claim")
    said = [("“tremendous progress”", "Steve Witkoff"), ("only when the deal is final", "Donald Trump")]
    for claim_text, actor_name in said:
        claim = next(c for c in claims if c.quote.startswith(claim_text))
        actor = next(a for a in actors if a.quote == actor_name and a.document == claim.document)
        store.add_link("said by", claim.id, actor.id, "alice")
    win.session.links_changed.emit()
    return figures["seven people"]


def add_bob(win) -> None:
    store = win.session.store
    doc = win.pane_document(0)
    text = store.document_text(doc)
    for label, quote, occurrence in BOB:
        start = find(text, quote, occurrence)
        if start >= 0:
            store.add_annotation(doc, label, start, start + len(quote), "bob")
    win.session.documents_changed.emit()
    win.session.annotations_changed.emit(doc)


def review_small(win, qapp, path: Path) -> None:
    """At 1024 × 700: dave tags Steve Witkoff a Claim where alice and bob saw an Actor; his Claim is accepted."""
    store = win.session.store
    doc = win.pane_document(0)
    start = find(store.document_text(doc), "Steve Witkoff")
    claim = store.add_annotation(doc, "Claim", start, start + len("Steve Witkoff"), "dave")
    win.session.annotations_changed.emit(doc)
    win.resize(1024, 700)
    dock = win.review_dock
    dock.prepare("alice")
    for i in range(dock.annotators.count()):
        dock.annotators.item(i).setCheckState(Qt.CheckState.Checked)
    win.review.start_review()
    win.resizeDocks([dock], [int(700 * REVIEW_SHARE)], Qt.Orientation.Vertical)  # as a review started at this size
    index = dock.item_of(claim.id)
    dock.select_item(index)
    members = [a for _, a in dock.items[index].members]
    win.session.perform(ReviewCommand(win.session, lambda: decisions.accept(store, claim, members, "alice")))
    shoot(win, qapp, path, 0.8)
    win.review.end_review()


def shoot(win, qapp, path: Path, seconds: float = 0.5) -> None:
    settle(qapp, seconds)
    win.grab().save(str(path))
    print(f"wrote {path}")


def report_page(store_path: str, out: Path) -> None:
    from annotator.core.report import build_report, report_title
    from annotator.core.store import Store
    from annotator.gui.report_pdf import write_pdf

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("skipped report.png: pdftoppm not found (apt-get install poppler-utils)")
        return
    with Store.open(store_path, create=False, readonly=True) as store:
        data, blocks = build_report(store)
    pdf = Path(tempfile.mkdtemp()) / "report.pdf"
    write_pdf(blocks, pdf, report_title(data))
    subprocess.run([pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(out.with_suffix(""))], check=True)
    print(f"wrote {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Make the README screenshots.")
    parser.add_argument("folder", nargs="?", default=str(Path(__file__).resolve().parent))
    parser.add_argument("--size", default="1280x800", help="window size, WIDTHxHEIGHT (default 1280x800)")
    args = parser.parse_args()
    out = Path(args.folder)
    width, height = (int(n) for n in args.size.lower().split("x"))
    qapp = gui_app.application()
    win = gui_app.open_window(None, gui_app.settings(), user="alice")
    win.resize(width, height)
    tag_all(win)
    seven = link_sources(win)
    for pane in win.panes:
        pane.view.scroll_to_offset(0)
    win.pane_state.set_active(1)
    win.panes[1].view.select_span(seven.id)
    shoot(win, qapp, out / "screenshot.png")

    win.reports.theme.choose("dark")
    shoot(win, qapp, out / "dark.png")
    win.reports.theme.choose("light")

    win.actions[A.REPORTS].trigger()
    win.resizeDocks([win.reports.dock], [int(height * 0.5)], Qt.Orientation.Vertical)  # room for the chart
    settle(qapp, 0.8)
    shoot(win, qapp, out / "reports.png")  # labels per document, in the labels' colours
    win.reports.dock.hide()

    add_bob(win)
    win.review_dock.prepare("alice")
    win.review.start_review()
    win.review_dock.select_row(0)
    shoot(win, qapp, out / "review.png")
    win.review.end_review()

    review_small(win, qapp, out / "review-1024.png")
    win.resize(width, height)

    report_page(str(win.session.store.path), out / "report.png")

    doc, _ = win.session.store.add_document(ARABIC, "مبعوث أمريكي يتوجه إلى موسكو", "وكالة أنباء", "2025-11-25")
    win.session.documents_changed.emit()
    win.show_document(0, doc.id)
    view = win.panes[0].view
    for label, quote in ARABIC_TAGS:
        start = view.text().find(quote)
        if start >= 0:
            win.pane_state.set_active(0)
            view.set_selection(start, start + len(quote))
            win.apply_label(label)
    view.scroll_to_offset(0)
    win.dock.raise_()
    shoot(win, qapp, out / "arabic.png")
    win.close()


if __name__ == "__main__":
    sys.exit(main())
