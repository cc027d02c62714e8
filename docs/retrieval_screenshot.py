"""Make the retrieval screenshots of README.md and docs/guide.md from the seeds.

Writes, into ``docs/`` (or the folder given):

- ``segments.png`` — the Segments dock: every segment coded *Figure* or a code under it (*Figure › Casualties*),
  across both seed reports, with context;
- ``matrix.png``   — the Matrix dock: codes × documents with children counted in their parents.

Usage: ``python docs/retrieval_screenshot.py [FOLDER]``. Offscreen by default; under a display, e.g.
``QT_QPA_PLATFORM=xcb xvfb-run -s "-screen 0 1920x1080x24" python docs/retrieval_screenshot.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ANNOTATOR_HOME"] = tempfile.mkdtemp(prefix="annotator-shot-")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import Qt  # noqa: E402
from screenshot import settle, shoot, tagged_window  # noqa: E402


#: Codes placed under Figure, and the spans recoded with them: (code, quote).
TREE = [("Casualties", "at least six people"), ("Casualties", "seven people"), ("Countries", "three dozen countries"),
        ("Countries", "30 countries")]


def build_tree(win) -> None:
    store = win.session.store
    for code, _quote in TREE:
        if code not in {lb.name for lb in store.labels()}:
            store.add_label(code)
            store.set_label_parent(code, "Figure")
    for code, quote in TREE:
        for ann in store.annotations(label="Figure"):
            if ann.quote == quote:
                store.update_annotation(ann.id, label=code)
    six = next(a for a in store.annotations(label="Casualties") if a.quote == "at least six people")
    text = store.document_text(six.document)  # a claim around it: Casualties and Claim co-occur
    store.add_annotation(six.document, "Claim", max(0, six.start - 30), min(len(text), six.end + 20), "alice")
    win.session.announce_labels()
    win.session.documents_changed.emit()


def main() -> None:
    out, qapp, win = tagged_window(__doc__.splitlines()[0])
    build_tree(win)
    settle(qapp)
    segments = win.retrieval.segments
    segments.show_segments("Figure", True)
    win.resizeDocks([segments], [380], Qt.Orientation.Vertical)
    shoot(win, qapp, out / "segments.png")
    win.retrieval.show_matrix()
    win.retrieval.matrix.with_children.setChecked(True)
    win.resizeDocks([win.retrieval.matrix], [380], Qt.Orientation.Vertical)
    shoot(win, qapp, out / "matrix.png")
    win.close()
    win.session.store.close()


if __name__ == "__main__":
    main()
