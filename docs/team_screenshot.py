"""Make ``docs/team-live.png``: two members' windows side by side, one tag arriving live through the team server.

A throwaway PostgreSQL cluster (as the tests start one) holds a team: lea (lead) shares the two seed reports,
alice and bob join. Both windows are open in this process, each syncing in the background as the window does.
Bob tags a span in his window; his edit is pushed at once, and alice's window patches it in: the span is selected
on her screen, her Team dock lists what arrived, and her status bar says "team: synced". The two windows are
grabbed and put side by side under a caption.

Usage: ``xvfb-run -s "-screen 0 2600x1000x24" python docs/team_screenshot.py [FOLDER]`` with
``QT_QPA_PLATFORM=xcb`` (offscreen by default). Needs PostgreSQL (``apt install postgresql``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "tests" / "team")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ANNOTATOR_HOME"] = tempfile.mkdtemp(prefix="annotator-team-shot-")

from PySide6.QtCore import QPoint, QRect, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QImage, QPainter  # noqa: E402
from team_live import start_crew, stop_cluster  # noqa: E402

from annotator.core.formats.documents import import_seeds  # noqa: E402
from annotator.gui import app as gui_app  # noqa: E402

SIZE = (1280, 820)
CAPTION = 44


def settle(qapp, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        qapp.processEvents()
        time.sleep(0.01)


def wait(qapp, condition, seconds: float = 30) -> None:
    end = time.perf_counter() + seconds
    while not condition():
        if time.perf_counter() > end:
            raise SystemExit("timed out waiting for the team sync")
        qapp.processEvents()
        time.sleep(0.005)


def seed_with_tags(store) -> None:
    """The sample corpus, with three of lea's tags on the first article."""
    import_seeds(store)
    docs = [d.id for d in store.documents()]
    text = store.document_text(docs[0])
    for quote, label in (("Donald Trump", "Actor"), ("Steve Witkoff", "Actor"), ("28-point", "Figure")):
        start = text.index(quote)
        store.add_annotation(docs[0], label, start, start + len(quote), "lea")


def open_member(crew, who: str):
    window = gui_app.open_window(str(crew.project(who)), gui_app.settings(), user=who)
    window.resize(*SIZE)
    window.team.dock.show()
    window.team.dock.raise_()
    return window


def compose(windows, out: Path, caption: str) -> None:
    shots = [w.grab().toImage() for w in windows]
    width = sum(s.width() for s in shots) + 12 * (len(shots) - 1)
    height = max(s.height() for s in shots) + CAPTION
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#303030"))
    painter = QPainter(image)
    font = QFont()
    font.setPointSize(13)
    painter.setFont(font)
    painter.setPen(QColor("#FFFFFF"))
    painter.drawText(QRect(12, 0, width - 24, CAPTION), Qt.AlignmentFlag.AlignVCenter, caption)
    x = 0
    for shot in shots:
        painter.drawImage(QPoint(x, CAPTION), shot)
        x += shot.width() + 12
    painter.end()
    if not image.save(str(out)):
        raise SystemExit(f"could not write {out}")
    print(f"wrote {out}")


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs") / "team-live.png"
    tmp = Path(tempfile.mkdtemp(prefix="annotator-team-pg-"))
    cluster, crew = start_crew(tmp, "newsdesk", seed_with_tags, plain_names=True)
    qapp = gui_app.application()
    try:
        bob, alice = open_member(crew, "bob"), open_member(crew, "alice")
        for window in (bob, alice):
            window.panes[1].hide()  # one report per window: the side by side is the two members
            wait(qapp, lambda w=window: w.team.state == "synced")
        wait(qapp, lambda: alice.team.dock.member_row("bob").get("State") == "online")
        view = bob.panes[0].view
        quote = "Vladimir Putin"
        start = view.text().index(quote)
        bob.pane_state.set_active(0)
        view.set_selection(start, start + len(quote))
        began = time.perf_counter()
        bob.apply_label("Actor")
        ann = view.selected_span()
        wait(qapp, lambda: ann in alice.sync.spans)
        took = time.perf_counter() - began
        alice.panes[0].view.select_span(ann)
        settle(qapp, 1.0)
        compose([bob, alice], out, f"bob tags “{quote}” as Actor in his window (left); {took * 1000:.0f} ms later "
                                   "it is on alice's screen (right), patched in: her undo history stays.")
    finally:
        for window in gui_app._WINDOWS:
            window.close()
        stop_cluster(cluster, tmp)


if __name__ == "__main__":
    main()
