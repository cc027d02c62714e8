"""Make the attributes screenshot of README.md from the seeds.

Writes ``attributes.png`` into ``docs/`` (or the folder given): the window with Figure declaring *certainty* (one of
reported, confirmed), *negated* (a flag) and *source* (free text), the Annotations dock filtered on
*certainty = reported*, and the attributes dialog of "seven people" drawn over it.

Usage: ``python docs/attributes_screenshot.py [FOLDER]``. Offscreen by default; under a display, e.g.
``QT_QPA_PLATFORM=xcb xvfb-run -s "-screen 0 1920x1080x24" python docs/attributes_screenshot.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ANNOTATOR_HOME"] = tempfile.mkdtemp(prefix="annotator-shot-")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtGui import QColor, QPainter  # noqa: E402
from screenshot import settle, tagged_window  # noqa: E402

from annotator.core.model import AttributeDecl  # noqa: E402
from annotator.gui.dialogs.attributes_dialog import AttributesDialog  # noqa: E402

DECLARED = [AttributeDecl("Figure", "certainty", "choice", ("reported", "confirmed")),
            AttributeDecl("Figure", "negated", "flag"), AttributeDecl("Figure", "source", "text")]
#: The Figure spans' attributes, by quote.
VALUES = {"at least six people": {"certainty": "reported", "source": "Ukrainian officials"},
          "seven people": {"certainty": "reported", "source": "the regional governor"},
          "three dozen countries": {"certainty": "confirmed"}}


def main() -> None:
    out, qapp, win = tagged_window(__doc__.splitlines()[0])
    store = win.session.store
    store.set_label_attributes("Figure", DECLARED)
    for ann in store.annotations(label="Figure"):
        if ann.quote in VALUES:
            store.set_annotation_attributes(ann.id, VALUES[ann.quote])
    win.session.announce_labels()
    win.dock.reload()
    win.dock.attribute_filter.setCurrentIndex(win.dock.attribute_filter.findText("certainty = reported"))
    settle(qapp)
    seven = next(a for a in store.annotations(label="Figure") if a.quote == "seven people")
    dialog = AttributesDialog("Attributes of Figure 'seven people':", DECLARED, store.annotation_attributes(seven.id),
                              win)
    dialog.show()
    settle(qapp)
    picture = win.grab()
    painter = QPainter(picture)
    at = QPoint((picture.width() - dialog.width()) // 2, 160)
    painter.drawPixmap(at, dialog.grab())
    painter.setPen(QColor("#606060"))  # the dialog's edge (the window manager's frame is not in the grab)
    painter.drawRect(at.x() - 1, at.y() - 1, dialog.width() + 1, dialog.height() + 1)
    painter.end()
    picture.save(str(out / "attributes.png"))
    print(f"wrote {out / 'attributes.png'}")
    dialog.close()
    win.close()
    store.close()


if __name__ == "__main__":
    main()
