"""Reading layout for the document view: the reading font, proportional line heights, paragraph spacing.

``QPlainTextEdit``'s layout ignores ``QTextBlockFormat.lineHeight``, so
:class:`SpacedLayout` implements proportional line heights for it. The extra
space goes mostly below each line, which is where the underline lanes live.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontDatabase, QTextBlock, QTextBlockFormat, QTextLayout
from PySide6.QtWidgets import QPlainTextDocumentLayout

#: Reading font, first match wins; otherwise any serif family, otherwise Qt's default.
SERIF_FAMILIES = ("DejaVu Serif", "Noto Serif", "Source Serif 4", "Liberation Serif", "Georgia", "Times New Roman")
BASE_POINT_SIZE = 12
#: Line height in percent of the font's natural line height.
LINE_HEIGHT_PERCENT = 140
#: Extra space between two paragraphs (non-empty blocks), in percent of the natural line height.
PARAGRAPH_SPACING_PERCENT = 50

PROPORTIONAL = QTextBlockFormat.LineHeightTypes.ProportionalHeight.value


def reading_font() -> QFont:
    """A proportional serif for long reading, at :data:`BASE_POINT_SIZE`."""
    families = QFontDatabase.families()
    available = set(families)
    family = next((name for name in SERIF_FAMILIES if name in available), None)
    if family is None:
        family = next((f for f in families if "serif" in f.lower() and "sans" not in f.lower()), None)
    font = QFont(family) if family else QFont()
    font.setPointSizeF(BASE_POINT_SIZE)
    return font


def line_leading(block: QTextBlock, line_height: float) -> tuple[int, int]:
    """Extra pixels ``(above, below)`` each line of ``block`` gets from its proportional line height.

    A quarter of the extra space goes above the line and the rest below it,
    where the underline lanes are drawn. ``above`` is at least 1 whenever
    there is extra space at all, which lets :class:`SpacedLayout` tell a
    spaced layout from a fresh one.
    """
    fmt = block.blockFormat()
    if fmt.lineHeightType() != PROPORTIONAL or fmt.lineHeight() <= 100:
        return 0, 0
    extra = round(line_height * (fmt.lineHeight() - 100) / 100)
    if extra <= 0:
        return 0, 0
    above = max(1, extra // 4)
    return above, max(0, extra - above)


class SpacedLayout(QPlainTextDocumentLayout):
    """A plain-text layout that honours proportional line heights and spaces paragraphs.

    ``QPlainTextDocumentLayout`` stacks lines at their natural height and
    ignores ``QTextBlockFormat.lineHeight``. Every consumer of the layout (the
    editor's painting, hit testing and scrolling) asks ``blockBoundingRect``
    first, so that is where a freshly laid-out block gets its lines moved
    apart and its rectangle grown to match. A non-empty block followed by
    another non-empty one also gets :attr:`paragraph_percent` of a line below it.
    """

    paragraph_percent = PARAGRAPH_SPACING_PERCENT

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:  # noqa: N802 (Qt override)
        rect = super().blockBoundingRect(block)
        layout = block.layout()
        if rect.isNull() or layout.lineCount() == 0:
            return rect
        align_to_direction(block, layout)
        first = layout.lineAt(0)
        above, below = line_leading(block, first.height())
        if above and first.y() == 0:  # laid out afresh since we last spaced it
            self._space_lines(layout, above, below)
            rect = super().blockBoundingRect(block)
        following = block.next()
        if block.length() > 1 and following.isValid() and following.length() > 1:
            below += round(first.height() * self.paragraph_percent / 100)
        return rect.adjusted(0, 0, 0, below)

    @staticmethod
    def _space_lines(layout: QTextLayout, above: int, below: int) -> None:
        y = float(above)
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            line.setPosition(QPointF(line.x(), y))
            y += line.height() + above + below


_RIGHT = Qt.AlignmentFlag.AlignRight


def align_to_direction(block: QTextBlock, layout: QTextLayout) -> None:
    """Right-align a paragraph written right to left (its first strong letter is Arabic, Hebrew...).

    ``QPlainTextDocumentLayout`` gives every block the document's text option
    (left-aligned) and ignores block formats, so an Arabic paragraph's short
    last line would hang on the left. The direction is Qt's own per paragraph
    (first strong character), so an English paragraph in an Arabic article stays
    left-aligned. The alignment is applied when lines are drawn and hit-tested,
    so the block need not be laid out again.
    """
    option = layout.textOption()
    rtl = block.textDirection() == Qt.LayoutDirection.RightToLeft
    if rtl != bool(option.alignment() & _RIGHT):
        option.setAlignment(_RIGHT if rtl else Qt.AlignmentFlag.AlignLeft)
        layout.setTextOption(option)


def first_line_reaching(layout: QTextLayout, count: int, y: float, below: float) -> int:
    """Index of the first line whose slot (text plus the space below it) reaches past ``y``."""
    lo, hi = 0, count
    while lo < hi:
        mid = (lo + hi) // 2
        line = layout.lineAt(mid)
        if line.y() + line.height() + below <= y:
            lo = mid + 1
        else:
            hi = mid
    return lo
