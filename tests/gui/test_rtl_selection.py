"""Mouse selection in right-to-left and mixed-direction text: real presses, moves and releases at the glyphs.

The points come from the text layout's glyph runs (where each glyph is painted), not from Qt's hit test, and
the checks are on code-point ranges. The words dragged over sit on wrapped lines of their paragraph: there Qt's
own ``QTextLine.xToCursor`` answers a character or two away from the glyph under the mouse.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QFontDatabase, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.text import Utf16Map
from annotator.gui.views.document_view import DocumentView

ARABIC = ("أعلن الرئيس الأمريكي دونالد ترامب أن الولايات المتحدة وأوكرانيا اتفقتا على خطة السلام، وقال الرئيس "
          "الروسي فلاديمير بوتين، اليوم إن الخطة ممكنة وإن المحادثات ستستمر في موسكو الأسبوع المقبل.")
HEBREW = ("ראש הממשלה בנימין נתניהו נפגש היום עם שר החוץ האמריקאי בירושלים, ואמר כי השיחות על הסכם השלום "
          "היו טובות מאוד ויימשכו בשבוע הבא בוושינגטון.")
MIXED = ("قال المبعوث الخاص ستيف ويتكوف (Steve Witkoff) إن خطة السلام من 28 نقطة ستناقش في موسكو، وأضاف أن "
         "٢٨ بندا قيد النقاش مع الوفد الروسي هذا الأسبوع وأن الرد سيأتي قريبا.")
ENGLISH = ("Steve Witkoff will meet Vladimir Putin in Moscow next week, officials said on Tuesday, as the United "
           "States and Ukraine work through a 28-point plan to end the war.")

ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier


def require_fonts() -> None:
    for system in (QFontDatabase.WritingSystem.Arabic, QFontDatabase.WritingSystem.Hebrew):
        if not QFontDatabase.families(system):
            pytest.skip(f"no font with {system.name} glyphs: install fonts-noto-core")


def show(view: DocumentView, text: str) -> None:
    view.set_document(text)
    lay_out(view)


def lay_out(view: DocumentView) -> None:
    """Lay the document out now (it is otherwise laid out when first painted)."""
    block = view.document().begin()
    while block.isValid():
        view.document().documentLayout().blockBoundingRect(block)
        block = block.next()


def glyph_point(view: DocumentView, offset: int, fraction: float = 0.5) -> QPoint:
    """A viewport point inside the painted glyph of the character at code-point ``offset``.

    ``fraction`` of the glyph's advance from the side reading enters it (the right side in
    right-to-left text), at the middle of its line.
    """
    position = Utf16Map(view.text()).to_utf16(offset)
    block = view.document().findBlock(position)
    layout, relative = block.layout(), position - block.position()
    runs = layout.glyphRuns(relative, 1)
    assert runs, f"no glyph for the character at {offset}"
    cells = [
        (p.x(), p.x() + a.x())
        for run in runs
        for p, a in zip(run.positions(), run.rawFont().advancesForGlyphIndexes(run.glyphIndexes()), strict=True)
    ]
    left, right = min(c[0] for c in cells), max(c[1] for c in cells)
    x = right - fraction * (right - left) if runs[0].isRightToLeft() else left + fraction * (right - left)
    line = layout.lineForTextPosition(relative)
    origin = view.blockBoundingGeometry(block).translated(view.contentOffset()).topLeft() + layout.position()
    return QPoint(round(origin.x() + x), round(origin.y() + line.y() + line.height() / 2))


def drag(view: DocumentView, press: QPoint, release: QPoint, modifier=NONE) -> tuple[int, int]:
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, modifier, press)
    QTest.mouseMove(view.viewport(), release)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, modifier, release)
    return view.selection_range()


def on_a_wrapped_line(view: DocumentView, offset: int) -> bool:
    """The character at ``offset`` is on a line of its paragraph that is not the last one."""
    block = view.document().findBlock(offset)
    layout = block.layout()
    return layout.lineForTextPosition(offset - block.position()).lineNumber() < layout.lineCount() - 1


WORD_DRAGS = [
    (ARABIC, "الولايات", "المتحدة"),
    (ARABIC, "فلاديمير", "بوتين"),
    (ARABIC, "الرئيس", "دونالد"),
    (HEBREW, "בנימין", "נתניהו"),
    (HEBREW, "שר", "האמריקאי"),
    (MIXED, "Steve", "Witkoff"),  # a Latin name inside an Arabic sentence
    (MIXED, "ويتكوف", "Steve"),  # across the change of direction
    (MIXED, "من", "نقطة"),  # Arabic around Western digits
    (ENGLISH, "Vladimir", "Moscow"),  # left to right is unchanged
    (ENGLISH, "United", "Ukraine"),
]


@pytest.mark.parametrize(("text", "first", "last"), WORD_DRAGS)
@pytest.mark.parametrize("backwards", [False, True], ids=["forwards", "backwards"])
@pytest.mark.parametrize("where", ["middle", "outer letters"])
def test_a_drag_from_inside_one_word_to_inside_another_selects_both(view, text, first, last, backwards, where):
    """Press inside a letter of the first word, release inside a letter of the last (its middle or outer one)."""
    require_fonts()
    show(view, text)
    start = text.index(first)
    end = text.index(last, start) + len(last)
    assert on_a_wrapped_line(view, start), "the words must sit on a wrapped line (where Qt's hit test is off)"
    inner = len(first) // 2, len(last) // 2
    if where == "outer letters":
        inner = 0, 0
    inside_first, inside_last = glyph_point(view, start + inner[0]), glyph_point(view, end - 1 - inner[1])
    press, release = (inside_last, inside_first) if backwards else (inside_first, inside_last)
    assert drag(view, press, release) == (start, end), text[slice(*view.selection_range())]
    cursor = view.textCursor()
    assert (cursor.position() < cursor.anchor()) == backwards


EXACT_DRAGS = [(ARABIC, "فلاديمير بوتين"), (HEBREW, "בנימין נתניהו"), (MIXED, "(Steve Witkoff) إن خطة"),
               (MIXED, "28 نقطة"), (ENGLISH, "Vladimir Putin")]


@pytest.mark.parametrize(("text", "phrase"), EXACT_DRAGS)
@pytest.mark.parametrize("backwards", [False, True], ids=["forwards", "backwards"])
def test_an_alt_drag_selects_exactly_the_characters_under_the_mouse(view, text, phrase, backwards):
    """Press near the reading-side edge of the first glyph, release near the far edge of the last one."""
    require_fonts()
    show(view, text)
    start = text.index(phrase)
    end = start + len(phrase)
    assert on_a_wrapped_line(view, start)
    entry, exit_ = glyph_point(view, start, 0.25), glyph_point(view, end - 1, 0.75)
    press, release = (exit_, entry) if backwards else (entry, exit_)
    assert drag(view, press, release, ALT) == (start, end), text[slice(*view.selection_range())]


def test_a_word_starting_with_a_clitic_letter_keeps_it(view):
    """«فلاديمير» starts with ف (also the clitic "so"): a drag from its first glyph keeps it."""
    require_fonts()
    view.language = "ar"
    show(view, ARABIC)
    start = ARABIC.index("فلاديمير")
    end = ARABIC.index("بوتين") + len("بوتين")
    assert drag(view, glyph_point(view, start, 0.75), glyph_point(view, end - 1, 0.5)) == (start, end)
    conjunction = ARABIC.index("وأوكرانيا")  # و "and" written onto "Ukraine" is one word for its reader
    assert drag(view, glyph_point(view, conjunction + 2), glyph_point(view, conjunction + 6)) == (
        conjunction, conjunction + len("وأوكرانيا"))


def test_a_shift_click_extends_the_selection_to_the_glyph_under_the_mouse(view):
    require_fonts()
    show(view, ARABIC)
    start = ARABIC.index("الولايات")
    end = ARABIC.index("وأوكرانيا") + len("وأوكرانيا")
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, NONE, glyph_point(view, start + 2))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     glyph_point(view, end - 3))
    assert view.selection_range() == (start, end)


def test_a_dragged_arabic_selection_is_stored_as_those_words(window):
    """The whole path: a drag in the window's pane, a label key, the stored code-point range and quote."""
    require_fonts()
    store = window.session.store
    doc, _ = store.add_document(ARABIC + "\n\n" + MIXED + "\n", "Arabic report", "Arabic wire")
    window.session.documents_changed.emit()
    window.show_document(1, doc.id)
    window.pane_state.set_active(1)
    view = window.panes[1].view
    lay_out(view)
    for first, last in (("فلاديمير", "بوتين"), ("Steve", "Witkoff")):
        start = view.text().index(first)
        end = view.text().index(last, start) + len(last)
        view.verticalScrollBar().setValue(0)
        drag(view, glyph_point(view, end - 2), glyph_point(view, start + 1))
        window.apply_label("Actor")
        [annotation] = [a for a in store.annotations(document=doc.id, label="Actor") if a.start == start]
        assert (annotation.start, annotation.end, annotation.quote) == (start, end, view.text()[start:end])



@pytest.mark.parametrize("text", [ARABIC, HEBREW, MIXED, ENGLISH], ids=["arabic", "hebrew", "mixed", "english"])
def test_every_painted_glyph_is_found_under_the_mouse(view, text):
    """offset_at (clicks on spans, tooltips) names the character whose glyph is painted under the point."""
    require_fonts()
    show(view, text)
    points = {i: glyph_point(view, i) for i in range(len(text)) if not text[i].isspace()}
    shared = {i for i in points if points.get(i + 1) == points[i] or points.get(i - 1) == points[i]}  # ligatures
    wrong = {i: view.offset_at(p) for i, p in points.items() if i not in shared and view.offset_at(p) != i}
    assert not wrong


def double_click_drag(view: DocumentView, press: QPoint, release: QPoint) -> tuple[int, int]:
    """Double-click at ``press``, keep the button down, move to ``release`` and let go there."""
    viewport, button = view.viewport(), Qt.MouseButton.LeftButton
    QTest.mouseClick(viewport, button, NONE, press)
    QTest.mousePress(viewport, button, NONE, press)
    # QTest cannot hold the button after a double click: the event the window system sends instead.
    QApplication.sendEvent(viewport, QMouseEvent(QEvent.Type.MouseButtonDblClick, QPointF(press),
                                                 QPointF(viewport.mapToGlobal(press)), button, button, NONE))
    QTest.mouseMove(viewport, release)
    QTest.mouseRelease(viewport, button, NONE, release)
    return view.selection_range()


DOUBLE_CLICK_DRAGS = WORD_DRAGS[:1] + WORD_DRAGS[3:4] + WORD_DRAGS[5:]


@pytest.mark.parametrize(("text", "first", "last"), DOUBLE_CLICK_DRAGS)
@pytest.mark.parametrize("backwards", [False, True], ids=["forwards", "backwards"])
def test_a_double_click_and_drag_selects_word_by_word(view, text, first, last, backwards):
    """Double-click the outer letter of one word and drag to the outer letter of another."""
    require_fonts()
    show(view, text)
    start = text.index(first)
    end = text.index(last, start) + len(last)
    press, release = glyph_point(view, start), glyph_point(view, end - 1)
    if backwards:
        press, release = release, press
    assert double_click_drag(view, press, release) == (start, end), text[slice(*view.selection_range())]
    cursor = view.textCursor()
    assert (cursor.position() < cursor.anchor()) == backwards


@pytest.mark.parametrize(("text", "word"), [(ARABIC, "الولايات"), (HEBREW, "האמריקאי"), (MIXED, "من"),
                                            (MIXED, "Steve"), (ENGLISH, "Vladimir")])
@pytest.mark.parametrize("letter", ["first", "last"])
def test_a_double_click_selects_the_word_under_the_mouse(view, text, word, letter):
    require_fonts()
    show(view, text)
    start = text.index(word)
    point = glyph_point(view, start if letter == "first" else start + len(word) - 1)
    assert double_click_drag(view, point, point) == (start, start + len(word))
