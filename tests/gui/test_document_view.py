"""DocumentView: code-point offsets at the Qt boundary, mouse and keyboard gestures, span painting."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QContextMenuEvent, QFocusEvent, QFontDatabase, QImage, QPalette, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QToolTip, QVBoxLayout, QWidget

from annotator.core.text import Utf16Map, normalize
from annotator.gui.views.document_view import FILL_ALPHA, LINE_HEIGHT_PERCENT, DocumentView, SpanStyle

MIXED = normalize(
    "Flags 🇺🇦🇫🇷 and emoji 😀👍🏽 here.\r\n"
    "Café naïve: e\u0301 a\u0300 (combining).\r\n"
    "العربية من اليمين إلى اليسار\r\n"
    "中文字符和日本語のテキスト\r\n"
    "Кириллица и латиница together.\r\n"
    "Astral math 𝔸𝔹ℂ and music 𝄞 end."
)

BLUE, ORANGE, GREEN, PURPLE = "#0072B2", "#E69F00", "#009E73", "#CC79A7"


def have_fonts() -> bool:
    families = QFontDatabase.families()
    return "DejaVu Sans" in families or bool(families)


needs_fonts = pytest.mark.skipif("not have_fonts()", reason="no fonts installed: Qt would draw empty boxes")


def point_at(view: DocumentView, offset: int, dx: int = 2) -> QPoint:
    """A viewport point inside the character at code-point ``offset`` (left-to-right text)."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(Utf16Map(view.text()).to_utf16(offset))
    rect = view.cursorRect(cursor)
    return QPoint(rect.left() + dx, rect.center().y())


def span(id, start, end, color=BLUE, tooltip="", dashed=False) -> SpanStyle:
    return SpanStyle(id, start, end, color, tooltip or id, dashed)


# --------------------------------------------------------------------- offsets
texts = st.text(
    st.one_of(
        st.characters(exclude_categories=("Cs",), exclude_characters="\r\u2028\u2029"),
        st.sampled_from(["😀", "🇺", "🇦", "𝔸", "e", "\u0301", "ا", "中", "я", "\n", " "]),
    ),
    max_size=40,
)


@settings(deadline=None, max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), text=texts)
def test_selection_round_trips_code_points(view, data, text):
    view.set_document(text)
    start = data.draw(st.integers(0, len(text)), label="start")
    end = data.draw(st.integers(0, len(text)), label="end")
    view.set_selection(start, end)
    assert view.selection_range() == (min(start, end), max(start, end))
    assert view.text() == text


def test_selection_of_each_word_matches_the_text(view):
    view.set_document(MIXED)
    assert "\r" not in view.text()
    position = 0
    for word in MIXED.replace("\n", " ").split(" "):
        start = MIXED.index(word, position)
        end = start + len(word)
        position = end
        view.set_selection(start, end)
        assert view.selection_range() == (start, end)
        # Qt's own view of the selection agrees (checked here only; the view never reads it).
        assert view.textCursor().selectedText() == word


def test_selection_changed_reports_code_points(view, qtbot):
    view.set_document(MIXED)
    start = MIXED.index("here")
    with qtbot.waitSignal(view.selection_changed) as blocker:
        view.set_selection(start, start + 4)
    assert blocker.args == [start, start + 4]


# ----------------------------------------------------------------- mouse input
DRAG_TEXT = "alpha bravo charlie delta echo foxtrot 😀 golf hotel"


def drag(view: DocumentView, start: int, end: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    press, release = point_at(view, start), point_at(view, end)
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, modifier, press)
    QTest.mouseMove(view.viewport(), release)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, modifier, release)


def test_drag_selection_snaps_to_words(view):
    view.set_document(DRAG_TEXT)
    bravo, delta = DRAG_TEXT.index("bravo"), DRAG_TEXT.index("delta")
    drag(view, bravo + 2, delta + 2)
    assert view.selection_range() == (bravo, delta + len("delta"))


def test_backwards_drag_snaps_and_keeps_its_direction(view):
    view.set_document(DRAG_TEXT)
    golf, foxtrot = DRAG_TEXT.index("golf"), DRAG_TEXT.index("foxtrot")
    drag(view, golf + 2, foxtrot + 3)
    assert view.selection_range() == (foxtrot, golf + len("golf"))
    cursor = view.textCursor()
    assert cursor.position() < cursor.anchor()


def test_alt_drag_selects_exactly(view):
    view.set_document(DRAG_TEXT)
    bravo, delta = DRAG_TEXT.index("bravo"), DRAG_TEXT.index("delta")
    drag(view, bravo + 2, delta + 2, Qt.KeyboardModifier.AltModifier)
    assert view.selection_range() == (bravo + 2, delta + 2)


def test_click_on_span_emits_its_id_and_selects_it(view, qtbot):
    view.set_document(DRAG_TEXT)
    bravo = DRAG_TEXT.index("bravo")
    view.set_spans([span("b", bravo, bravo + 5)])
    with qtbot.waitSignal(view.span_clicked) as blocker:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, bravo + 1))
    assert blocker.args == ["b"]
    assert view.selected_span() == "b"
    with qtbot.waitSignal(view.span_clicked) as blocker:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_at(view, 1))
    assert blocker.args == [""]
    assert view.selected_span() is None


def test_clicking_overlapping_spans_cycles_innermost_first(view, qtbot):
    view.set_document(DRAG_TEXT)
    clicked: list[str] = []
    view.span_clicked.connect(clicked.append)
    view.set_spans([span("outer", 0, 25), span("inner", 6, 11), span("other", 26, 30)])
    where = point_at(view, 7)
    for _ in range(3):
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert clicked == ["inner", "outer", "inner"]


def test_offset_at_finds_characters_and_refuses_empty_space(view):
    text = "short line\n\na😀b then a much longer line of text"
    view.set_document(text)
    for offset in (0, 4, text.index("😀"), text.index("b then"), len(text) - 1):
        assert view.offset_at(point_at(view, offset)) == offset
    right_of_short_line = point_at(view, 3)
    right_of_short_line.setX(view.viewport().width() - 5)
    assert view.offset_at(right_of_short_line) is None
    assert view.offset_at(QPoint(view.viewport().width() // 2, view.viewport().height() - 3)) is None
    assert view.offset_at(QPoint(2, point_at(view, 0).y())) is None  # in the left margin
    assert view.offset_at(point_at(view, text.index("\n\n") + 1)) is None  # the empty line


def test_offset_at_right_to_left_text(view):
    text = "العربية"
    view.set_document(text)
    found = {view.offset_at(QPoint(x, point_at(view, 0).y())) for x in range(0, view.viewport().width())}
    assert set(range(len(text))) <= found


def test_tooltips_of_overlapping_spans_are_joined(view):
    view.set_document(DRAG_TEXT)
    view.set_spans([span("a", 0, 11, tooltip="Claim · alice\nnote"), span("b", 6, 11, tooltip="Actor · bob")])
    assert view.tooltip_at(7) == "Claim · alice\nnote\n\nActor · bob"
    assert view.tooltip_at(2) == "Claim · alice\nnote"
    assert view.tooltip_at(20) == ""
    assert view.span_ids_at(7) == ["a", "b"]


# The offscreen platform warns that it cannot raise() tooltip windows or propagate size hints.
offscreen_window_warnings = pytest.mark.qt_log_ignore("This plugin does not support")


@offscreen_window_warnings
def test_hover_shows_and_hides_the_tooltip(view, qtbot):
    view.set_document(DRAG_TEXT)
    view.set_spans([span("a", 0, 5, tooltip="Claim · alice")])
    QTest.mouseMove(view.viewport(), point_at(view, 2))
    assert QToolTip.isVisible() and QToolTip.text() == "Claim · alice"
    QTest.mouseMove(view.viewport(), point_at(view, 20))
    qtbot.waitUntil(lambda: not QToolTip.isVisible())


def test_context_menu_request_reports_offset_and_global_position(view, qtbot):
    view.set_document(DRAG_TEXT)
    where = point_at(view, 8)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, where, view.viewport().mapToGlobal(where))
    with qtbot.waitSignal(view.context_menu_requested) as blocker:
        QApplication.sendEvent(view.viewport(), event)
    assert blocker.args == [8, view.viewport().mapToGlobal(where)]


def test_focus_in_emits_focused(view, qtbot):
    with qtbot.waitSignal(view.focused):
        QApplication.sendEvent(view, QFocusEvent(QEvent.Type.FocusIn, Qt.FocusReason.OtherFocusReason))


# ------------------------------------------------------------ keyboard and API
@offscreen_window_warnings
def test_tab_moves_between_spans_in_reading_order_and_keeps_focus(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    view, other = DocumentView(), QLineEdit()
    layout.addWidget(view)
    layout.addWidget(other)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    view.set_document(DRAG_TEXT)
    view.set_spans([span("c", 12, 19), span("a", 0, 25), span("b", 6, 11), span("d", 26, 31)])
    view.setFocus()
    selected: list[str] = []
    view.span_selected.connect(selected.append)
    for expected in ("a", "b", "c", "d", "d"):
        QTest.keyClick(view, Qt.Key.Key_Tab)
        assert view.selected_span() == expected
    QTest.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_span() == "c"
    assert selected == ["a", "b", "c", "d", "c"]
    assert not other.hasFocus()


def test_next_span_starts_from_the_caret_when_nothing_is_selected(view):
    view.set_document(DRAG_TEXT)
    view.set_spans([span("a", 0, 5), span("b", 12, 19), span("c", 26, 31)])
    assert view.previous_span() is None
    view.set_selection(10, 10)
    assert view.next_span() == "b"
    view.select_span(None)
    view.set_selection(12, 12)
    assert view.previous_span() == "a"
    view.set_spans([])
    assert view.next_span() is None


def test_select_span_scrolls_into_view_and_clears_the_text_selection(view, qtbot):
    text = "\n".join(f"Line {i} of a long article about envoys and plans." for i in range(400))
    view.set_document(text)
    start = text.index("Line 390")
    view.set_spans([span("far", start, start + 8), span("near", 0, 4)])
    view.set_selection(0, 10)
    with qtbot.waitSignal(view.span_selected) as blocker:
        view.select_span("far")
    assert blocker.args == ["far"]
    assert view.selected_span() == "far"
    assert view.selection_range() == (start, start)
    assert view.viewport().rect().contains(view.cursorRect())
    view.set_selection(5, 9)  # a text selection replaces the selected span
    assert view.selected_span() is None
    view.select_span("missing")
    assert view.selected_span() is None


def test_set_document_resets_spans_and_selection(view):
    view.set_document(DRAG_TEXT)
    view.set_spans([span("a", 0, 5)])
    view.select_span("a")
    view.set_document(MIXED)
    assert view.text() == MIXED
    assert view.span_ids_at(2) == []
    assert view.selected_span() is None
    assert view.selection_range() == (0, 0)


def test_zoom_changes_the_font_size(view):
    base = view.font().pointSizeF()
    view.set_zoom(3)
    assert view.zoom() == 3
    assert view.font().pointSizeF() == base + 3
    view.set_zoom(-100)
    assert view.font().pointSizeF() >= 6
    view.set_zoom(0)
    assert view.font().pointSizeF() == base


def test_lines_are_spaced_at_the_proportional_line_height(view):
    view.set_document("word " * 200)
    view.grab()
    layout = view.document().firstBlock().layout()
    assert layout.lineCount() > 3
    natural = layout.lineAt(0).height()
    step = layout.lineAt(1).y() - layout.lineAt(0).y()
    assert step == pytest.approx(natural * LINE_HEIGHT_PERCENT / 100, abs=1.5)
    # Hit testing follows the spaced lines.
    third = layout.lineAt(2)
    assert view.offset_at(point_at(view, third.textStart() + 1)) == third.textStart() + 1


# -------------------------------------------------------------------- painting
def blend(color: str, base: QColor) -> tuple[int, int, int]:
    solid, alpha = QColor(color), FILL_ALPHA / 255
    return tuple(round(b * (1 - alpha) + c * alpha) for b, c in zip(base.getRgb()[:3], solid.getRgb()[:3]))


def count_pixels(image: QImage, rect, rgb: tuple[int, int, int], tolerance: int = 4) -> int:
    found = 0
    for x in range(max(0, rect.left()), min(image.width(), rect.right() + 1)):
        for y in range(max(0, rect.top()), min(image.height(), rect.bottom() + 1)):
            pixel = image.pixelColor(x, y)
            if all(abs(a - b) <= tolerance for a, b in zip((pixel.red(), pixel.green(), pixel.blue()), rgb)):
                found += 1
    return found


def span_rect(view: DocumentView, start: int, end: int):
    """The widget-coordinate rectangle (one line) from code point ``start`` to ``end``, lanes included."""
    first, last = point_at(view, start, 0), point_at(view, end, 0)
    rect = view.cursorRect()
    height = rect.height()
    top_left = view.viewport().mapTo(view, QPoint(first.x(), first.y() - height // 2))
    bottom_right = view.viewport().mapTo(view, QPoint(last.x() - 1, last.y() + height))
    return QRect(top_left, bottom_right)


@needs_fonts
def test_spans_are_painted_with_fill_and_lane(view):
    view.set_document(DRAG_TEXT)
    bravo, delta = DRAG_TEXT.index("bravo"), DRAG_TEXT.index("delta")
    view.set_spans([span("b", bravo, bravo + 5, BLUE), span("d", delta, delta + 5, GREEN, dashed=True)])
    image = view.grab().toImage()
    base = view.viewport().palette().color(QPalette.ColorRole.Base)
    bravo_rect = span_rect(view, bravo, bravo + 5)
    assert count_pixels(image, bravo_rect, blend(BLUE, base)) > 50  # translucent fill
    assert count_pixels(image, bravo_rect, QColor(BLUE).getRgb()[:3], 0) > 10  # solid underline lane
    plain_rect = span_rect(view, 0, 5)
    assert count_pixels(image, plain_rect, blend(BLUE, base)) == 0
    delta_rect = span_rect(view, delta, delta + 5)
    assert count_pixels(image, delta_rect, blend(GREEN, base)) == 0  # suggestions have no fill
    assert count_pixels(image, delta_rect, QColor(GREEN).getRgb()[:3], 0) > 10  # dashed outline


@needs_fonts
def test_selected_span_gets_a_darker_outline(view):
    view.set_document(DRAG_TEXT)
    bravo = DRAG_TEXT.index("bravo")
    view.set_spans([span("b", bravo, bravo + 5, ORANGE)])
    darker = QColor(ORANGE).darker(140).getRgb()[:3]
    rect = span_rect(view, bravo, bravo + 5).adjusted(-3, -3, 3, 3)
    assert count_pixels(view.grab().toImage(), rect, darker, 2) == 0
    view.select_span("b")
    assert count_pixels(view.grab().toImage(), rect, darker, 2) > 20


@needs_fonts
def test_overlapping_spans_get_separate_lanes(view):
    view.set_document(DRAG_TEXT)
    view.set_spans([span("outer", 0, 11, PURPLE), span("inner", 6, 11, ORANGE)])
    image = view.grab().toImage()
    rect = span_rect(view, 6, 11)

    def rows_with(color: str) -> set[int]:
        rgb = QColor(color).getRgb()[:3]
        columns = range(rect.left(), rect.right())
        return {
            y
            for y in range(rect.top(), rect.bottom() + 1)
            if any(image.pixelColor(x, y).getRgb()[:3] == rgb for x in columns)
        }

    rows = {color: rows_with(color) for color in (PURPLE, ORANGE)}
    assert rows[PURPLE] and rows[ORANGE]
    assert not rows[PURPLE] & rows[ORANGE]


@needs_fonts
def test_painting_mixed_scripts_and_many_spans_does_not_fail(view):
    text = MIXED * 40
    view.set_document(text)
    colors = (BLUE, ORANGE, GREEN, PURPLE)
    spans = [
        span(f"s{i}", i, min(len(text), i + 7), colors[i % 4], dashed=i % 9 == 0) for i in range(0, len(text) - 1, 3)
    ]
    view.set_spans(spans)
    view.select_span("s30")
    assert not view.grab().isNull()
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    assert not view.grab().isNull()


def _fill_at(view, offset: int) -> QColor:
    image = view.viewport().grab().toImage()
    return QColor(image.pixel(point_at(view, offset, dx=1)))


@needs_fonts
def test_the_paint_cache_follows_span_edits_scrolls_and_zoom(view):
    """Painting reuses span geometry only while nothing that places the spans has changed."""
    view.set_document("alpha bravo charlie delta echo\n" * 80)
    plain = _fill_at(view, 7)
    view.update_spans([SpanStyle("b", 6, 11, BLUE)])
    tinted = _fill_at(view, 7)
    assert tinted != plain
    view.update_spans(removed=["b"])
    assert _fill_at(view, 7) == plain
    view.update_spans([SpanStyle("b", 6, 11, BLUE)])
    view.scroll_to_offset(31 * 60)
    view.verticalScrollBar().setValue(0)
    assert _fill_at(view, 7) == tinted
    view.set_zoom(4)
    assert _fill_at(view, 7) != plain
