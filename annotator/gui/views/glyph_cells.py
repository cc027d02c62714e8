"""Which character a point on a line of text is over, from where its glyphs are painted.

``QTextLine.xToCursor`` is not used for this: on the wrapped lines of a
right-to-left paragraph it answers a character or two away from the glyph
under the point (seen with Qt 6.11), so a mouse drag over Arabic or Hebrew
selected one word further on. ``cursorToX`` cannot stand in for it either: at
a change of direction (digits or a Latin name starting an Arabic line) it
gives the same x for both edges of a glyph. The glyph runs say where each
glyph is drawn, and that is what a reader points at. About a millisecond per line.
"""

from __future__ import annotations

from PySide6.QtGui import QTextLayout, QTextLine

#: One character (grapheme) of a line: its position, the next position, the x where reading enters its
#: glyph (the right side in right-to-left text) and the x where reading leaves it; positions are
#: block-relative UTF-16.
Cell = tuple[int, int, float, float]


def glyph_cells(layout: QTextLayout, line: QTextLine) -> list[Cell]:
    """The cells of the characters of ``line`` that have glyphs, in logical order.

    A glyph drawn for several characters (a ligature such as Arabic lam-alef)
    is shared out evenly among them in reading order. (The runs of a whole
    line are not used: their string indexes are wrong in right-to-left runs.)
    """
    end = line.textStart() + line.textLength()
    drawn: list[tuple[int, int, float, float, bool]] = []
    position = line.textStart()
    while position < end:
        following = min(layout.nextCursorPosition(position), end)
        edges = [
            (point.x(), point.x() + advance.x(), run.isRightToLeft())
            for run in line.glyphRuns(position, following - position)
            for point, advance in zip(
                run.positions(), run.rawFont().advancesForGlyphIndexes(run.glyphIndexes()), strict=True)
        ]
        if edges:
            left, right = min(e[0] for e in edges), max(e[1] for e in edges)
            drawn.append((position, following, left, right, edges[0][2]))
        position = following
    cells: list[Cell] = []
    k = 0
    while k < len(drawn):
        _, _, left, right, rtl = drawn[k]
        same = k + 1
        while same < len(drawn) and drawn[same][2:4] == (left, right):
            same += 1  # one glyph for several characters
        share = (right - left) / (same - k)
        for n in range(k, same):
            side = right - (n - k) * share if rtl else left + (n - k) * share
            cells.append((drawn[n][0], drawn[n][1], side, side - share if rtl else side + share))
        k = same
    return cells


def character_at(cells: list[Cell], x: float) -> Cell | None:
    """The cell whose glyph covers ``x``, or None."""
    return next((cell for cell in cells if min(cell[2], cell[3]) <= x < max(cell[2], cell[3])), None)


def caret_at(cells: list[Cell], x: float, line_start: int) -> int:
    """The caret place nearest to ``x``: in a glyph, its nearer side; elsewhere, the nearest glyph side."""
    cell = character_at(cells, x)
    if cell is not None:
        return cell[0] if abs(x - cell[2]) <= abs(x - cell[3]) else cell[1]
    best, distance = line_start, float("inf")
    for position, following, leading, trailing in cells:
        for place, edge in ((position, leading), (following, trailing)):
            if abs(x - edge) < distance:
                best, distance = place, abs(x - edge)
    return best
