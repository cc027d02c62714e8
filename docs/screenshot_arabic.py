"""Make docs/arabic.png: an Arabic article (with an English name and digits) beside the FT seed, spans tagged.

Usage: ``python docs/screenshot_arabic.py [OUTPUT.png]`` (offscreen; needs a font with Arabic glyphs, e.g.
Debian's fonts-noto-core or fonts-dejavu-core).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["ANNOTATOR_HOME"] = tempfile.mkdtemp(prefix="annotator-shot-")

from annotator.gui import app as gui_app  # noqa: E402

ARTICLE = (
    "ترامب يرسل ويتكوف إلى موسكو لوضع اللمسات الأخيرة على خطة السلام\n\n"
    "أعلن الرئيس الأمريكي دونالد ترامب أنه سيرسل المبعوث الخاص ستيف ويتكوف (Steve Witkoff) إلى موسكو للقاء "
    "الرئيس الروسي فلاديمير بوتين، في إطار خطة سلام من ٢٨ نقطة لإنهاء الحرب في أوكرانيا.\n\n"
    "وقال وزير الخارجية سيرغي لافروف إن أي اتفاق يجب أن يعكس التفاهمات التي تم التوصل إليها في ألاسكا. "
    "وأسفرت الهجمات الروسية على كييف عن مقتل سبعة أشخاص، فيما يدعم تحالف يضم حوالي 30 دولة أوكرانيا.\n\n"
    "ووافقت كييف على تحديد عدد أفراد جيشها بـ ٨٠٠٬٠٠٠ جندي، بحسب ما نقلته صحيفة Financial Times.\n"
)
TAGS = [("Actor", "دونالد ترامب"), ("Actor", "ستيف ويتكوف"), ("Actor", "Steve Witkoff"),
        ("Actor", "فلاديمير بوتين"), ("Figure", "٢٨ نقطة"), ("Actor", "سيرغي لافروف"), ("Figure", "سبعة أشخاص"),
        ("Figure", "حوالي 30 دولة"), ("Figure", "٨٠٠٬٠٠٠ جندي"),
        ("Claim", "أي اتفاق يجب أن يعكس التفاهمات التي تم التوصل إليها في ألاسكا"),
        ("Plan point", "ويتكوف (Steve Witkoff) إلى")]  # one span across both directions


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("arabic.png"))
    qapp = gui_app.application()
    win = gui_app.open_window(None, gui_app.settings(), user="alice")
    win.resize(1500, 820)
    store = win.session.store
    doc, _ = store.add_document(ARTICLE, "ترامب يرسل ويتكوف إلى موسكو", "Arabic wire", "2025-11-25")
    win.session.documents_changed.emit()
    win.show_document(1, doc.id)
    view = win.panes[1].view
    win.pane_state.set_active(1)
    for label, quote in TAGS:
        start = view.text().find(quote)
        view.set_selection(start, start + len(quote))
        win.apply_label(label)
    # a selection across the English name and the Arabic around it, as a mouse would make it
    start = view.text().find("وأسفرت")
    view.set_selection(start, view.text().find("كييف", start) + 4)
    deadline = time.perf_counter() + 0.5
    while time.perf_counter() < deadline:
        qapp.processEvents()
        time.sleep(0.01)
    win.grab().save(str(out))
    print(f"wrote {out} (language detected: {store.document(doc.id).language})")
    win.close()


if __name__ == "__main__":
    main()
