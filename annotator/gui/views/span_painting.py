"""How a document view paints its spans: fills under the text, underline lanes and outlines over it.

:class:`SpanPainting` is a mixin of :class:`annotator.gui.views.document_view.DocumentView`
(a ``QPlainTextEdit``): ``paintEvent`` there asks :meth:`SpanPainting._span_pieces`
for the visible line pieces of the spans and paints them with the methods here.
It uses the view's ``_index`` (a :class:`SpanIndex`), ``_map`` (UTF-16 offsets),
``_selected``, ``_highlighted``, ``_current_match`` and ``_zoom``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QTextBlock, QTextLine

from annotator.core.spans import SpanIndex
from annotator.gui.views.reading_layout import first_line_reaching, line_leading
from annotator.gui.theme import mark_color, partner_color, selected_outline

#: Alpha (out of 255) of the translucent span fill.
FILL_ALPHA = 60
#: Underline lanes: thickness and distance between lanes, in pixels.
LANE_THICKNESS = 2
LANE_STEP = 3
#: How much darker the selected span's outline is than its label colour (percent).
SELECTED_DARKER = 140

class SpanStyle(NamedTuple):
    """One span as the view paints it (a tuple: tens of thousands are made when a document opens)."""

    id: str
    start: int  # code points, half-open
    end: int
    color: str  # '#RRGGBB'
    #: Plain text, may contain newlines; "" asks the view's ``tooltip_provider`` when the mouse is over it.
    tooltip: str = ""
    dashed: bool = False  # suggestions: dashed outline, no fill
    #: Review categories differ by pattern as well as hue: "solid" (fill + underline), "hatched" and
    #: "crossed" (fill + diagonal hatching + underline), "dotted" (dotted outline, no fill).
    pattern: str = "solid"


#: Find results: a highlighter yellow under the text, the current one framed in orange.
MATCH_FILL = QColor(255, 214, 0, 110)
MATCH_CURRENT = QColor("#D55E00")

_HATCHES = {"hatched": Qt.BrushStyle.BDiagPattern, "crossed": Qt.BrushStyle.DiagCrossPattern}


#: One line's share of a span as painted: (span, text rect, bottom of the line's slot, baseline y).
_Piece = tuple[SpanStyle, QRectF, float, float]


#: Find results: a highlighter yellow under the text, the current one framed in orange.
MATCH_FILL = QColor(255, 214, 0, 110)
MATCH_CURRENT = QColor("#D55E00")

_HATCHES = {"hatched": Qt.BrushStyle.BDiagPattern, "crossed": Qt.BrushStyle.DiagCrossPattern}


#: One line's share of a span as painted: (span, text rect, bottom of the line's slot, baseline y).
_Piece = tuple[SpanStyle, QRectF, float, float]


#: Letters written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko, their presentation forms).
RTL_LETTERS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def visual_ranges(line: QTextLine, lo: int, hi: int, bidi: bool) -> list[tuple[float, float]]:
    """Where the glyphs of UTF-16 positions ``[lo, hi)`` of ``line`` are: ``(x1, x2)`` ranges, left to right.

    On a line mixing directions (an English name in an Arabic sentence) one
    logical range may be several pieces on screen; Qt's glyph runs say where
    each one is. A line in one direction is one piece between two cursor positions.
    """
    if bidi:
        runs = [r.boundingRect() for r in line.glyphRuns(lo, hi - lo)]
        ranges = sorted((r.left(), r.right()) for r in runs if r.width() > 0)
        if ranges:
            merged = [list(ranges[0])]
            for a, b in ranges[1:]:
                if a <= merged[-1][1] + 0.5:
                    merged[-1][1] = max(merged[-1][1], b)
                else:
                    merged.append([a, b])
            return [(a, b) for a, b in merged]
    x1, x2 = line.cursorToX(lo)[0], line.cursorToX(hi)[0]
    return [(min(x1, x2), max(x1, x2))]


class SpanPainting:
    def _span_pieces(self, area: QRect) -> list[_Piece]:
        """:meth:`_visible_pieces` of the spans, reused while nothing that places them has changed.

        A selection, a hover or a repeated paint of the same page then costs no span geometry at all.
        """
        key = (area.x(), area.y(), area.width(), area.height(), self.verticalScrollBar().value(),
               self.horizontalScrollBar().value(), self.viewport().width(), self._zoom, self._index_edits,
               self.document().revision())
        if key != self._pieces_key:
            self._pieces = self._visible_pieces(area, self._index)
            self._pieces_key = key
        return self._pieces

    def _visible_pieces(self, area: QRect, index: SpanIndex) -> list[_Piece]:
        """``(span, text rect, slot bottom, baseline)`` for every line piece of a span inside ``area``.

        Walks the visible blocks the way ``QPlainTextEdit.paintEvent`` does and
        asks the index only for the spans touching the visible lines.
        """
        pieces: list[_Piece] = []
        top, bottom = area.top(), area.bottom() + 1
        block = self.firstVisibleBlock()
        if not block.isValid():
            return pieces
        offset = self.contentOffset()
        y = self.blockBoundingGeometry(block).translated(offset).top()
        while block.isValid() and y <= bottom:
            rect = self.blockBoundingRect(block)
            if block.isVisible() and y + rect.height() >= top:
                self._block_pieces(block, QPointF(offset.x(), y), top, bottom, pieces, index)
            y += rect.height()
            block = block.next()
        return pieces

    def _block_pieces(self, block: QTextBlock, origin: QPointF, top: float, bottom: float, pieces: list,
                      index: SpanIndex) -> None:
        """Append to ``pieces`` the span pieces on the lines of ``block`` between ``top`` and ``bottom``."""
        layout = block.layout()
        count = layout.lineCount()
        if count == 0:
            return
        origin = origin + layout.position()
        above, below = line_leading(block, layout.lineAt(0).height())
        lines: list[QTextLine] = []
        for i in range(first_line_reaching(layout, count, top - origin.y(), below), count):
            line = layout.lineAt(i)
            if origin.y() + line.y() - above > bottom:
                break
            lines.append(line)
        if not lines:
            return
        starts = [line.textStart() for line in lines]
        first_u16 = starts[0]
        last_u16 = starts[-1] + lines[-1].textLength()
        position = block.position()
        to_utf16, from_utf16 = self._map.to_utf16, self._map.from_utf16
        spans = index.overlapping(from_utf16(position + first_u16), from_utf16(position + last_u16))
        bidi = bool(spans) and getattr(self, "_has_rtl", False) and RTL_LETTERS.search(block.text()) is not None
        for span in spans:
            a = max(to_utf16(span.start) - position, first_u16)
            b = min(to_utf16(span.end) - position, last_u16)
            k = max(0, bisect_right(starts, a) - 1)
            while k < len(lines) and starts[k] < b:
                line = lines[k]
                lo, hi = max(a, starts[k]), min(b, starts[k] + line.textLength())
                if lo < hi:
                    text_top = origin.y() + line.y()
                    for x1, x2 in visual_ranges(line, lo, hi, bidi):
                        rect = QRectF(origin.x() + x1, text_top, x2 - x1, line.height())
                        pieces.append((span, rect, text_top + line.height() + below, text_top + line.ascent()))
                k += 1

    def _colors_for(self, color: str) -> tuple[QColor, QColor, QColor]:
        """``(solid, translucent fill, darker outline)`` for a '#RRGGBB' label colour (cached)."""
        cached = self._colors.get(color)
        if cached is None:
            solid = QColor(color)
            if not solid.isValid():
                solid = QColor("#808080")
            fill = QColor(solid)
            fill.setAlpha(FILL_ALPHA)
            cached = self._colors[color] = (solid, fill, solid.darker(SELECTED_DARKER))
        return cached

    def _paint_fills(self, pieces: list[_Piece]) -> None:
        """Translucent fills, one ``drawRects`` per colour (few Qt calls however many spans)."""
        by_color: dict[str, list[QRectF]] = {}
        hatched: dict[tuple[str, str], list[QRectF]] = {}
        for span, rect, _slot_bottom, _baseline in pieces:
            if not span.dashed and span.pattern != "dotted":
                by_color.setdefault(span.color, []).append(rect)
                if span.pattern in _HATCHES:
                    hatched.setdefault((span.color, span.pattern), []).append(rect)
        if not by_color:
            return
        painter = QPainter(self.viewport())
        painter.setPen(Qt.PenStyle.NoPen)
        for color, rects in by_color.items():
            painter.setBrush(self._colors_for(color)[1])
            painter.drawRects(rects)
        for (color, pattern), rects in hatched.items():
            painter.setBrush(QBrush(self._colors_for(color)[0], _HATCHES[pattern]))
            painter.drawRects(rects)
        painter.end()

    def _paint_matches(self, pieces: list[_Piece]) -> None:
        """Find results: a yellow marker under the text; the current one also gets an orange frame."""
        if not pieces:
            return
        painter = QPainter(self.viewport())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(MATCH_FILL)
        painter.drawRects([rect for _span, rect, _b, _l in pieces])
        current = [rect.adjusted(-1, -1, 1, 1) for span, rect, _b, _l in pieces if span.id == self._current_match]
        if current:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(MATCH_CURRENT, 2))
            painter.drawRects(current)
        painter.end()

    def _paint_marks(self, pieces: list[_Piece]) -> None:
        """Underline lanes, dashed suggestion outlines and the selected span's outline.

        Lane 0 sits at the bottom of the line's slot and higher lanes stack
        upwards; lanes that would reach the baseline (very deep overlaps)
        share the highest lane below it rather than strike through the text.
        """
        lanes = self._index.lanes
        underlines: dict[str, list[QRectF]] = {}
        dashed: dict[str, list[QRectF]] = {}
        selected: list[QRectF] = []
        partners: list[QRectF] = []
        dotted: dict[str, list[QRectF]] = {}
        for span, rect, slot_bottom, baseline in pieces:
            if span.dashed:
                dashed.setdefault(span.color, []).append(rect.adjusted(0.5, 0.5, -0.5, -0.5))
            elif span.pattern == "dotted":
                dotted.setdefault(span.color, []).append(rect.adjusted(0.5, 0.5, -0.5, -0.5))
            else:
                lane_top = slot_bottom - LANE_THICKNESS - lanes[span.id] * LANE_STEP
                if lane_top <= baseline:
                    deepest = max(0, int((slot_bottom - LANE_THICKNESS - baseline - 1) // LANE_STEP))
                    lane_top = slot_bottom - LANE_THICKNESS - deepest * LANE_STEP
                lane = QRectF(rect.left(), lane_top, rect.width(), LANE_THICKNESS)
                underlines.setdefault(span.color, []).append(lane)
            if span.id == self._selected:
                selected.append(rect.adjusted(-2, -1, 2, 1))  # clear of the glyphs
            elif span.id in self._highlighted:
                partners.append(rect.adjusted(-2, -1, 2, 1))
        painter = QPainter(self.viewport())
        painter.setPen(Qt.PenStyle.NoPen)
        for color, rects in underlines.items():
            painter.setBrush(mark_color(self._colors_for(color)[0]))
            painter.drawRects(rects)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for color, rects in dashed.items():
            painter.setPen(QPen(mark_color(self._colors_for(color)[0]), 1, Qt.PenStyle.DashLine))
            painter.drawRects(rects)
        for color, rects in dotted.items():
            painter.setPen(QPen(mark_color(self._colors_for(color)[0]), 2, Qt.PenStyle.DotLine))
            painter.drawRects(rects)
        if selected:
            painter.setPen(QPen(selected_outline(self._colors_for(self._index.get(self._selected).color)[0]), 2))
            painter.drawRects(selected)
        if partners:
            painter.setPen(QPen(partner_color(), 2, Qt.PenStyle.DashLine))
            painter.drawRects(partners)
        painter.end()
