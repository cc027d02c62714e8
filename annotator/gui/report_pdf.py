"""The comparison report as a PDF, drawn by Qt from the report's blocks (``annotator.core.report``).

Why Qt: its text engine shapes Arabic and lays out right-to-left lines, falls
back across fonts (DejaVu/Noto for Cyrillic and Arabic, Noto Color Emoji for
emoji) and embeds the fonts it used as subsets, and ``QSvgRenderer`` paints the
report's SVG charts (:mod:`annotator.core.report.charts`) as vector shapes and
text. Every heading, paragraph, chart and table row is measured, placed by
:class:`annotator.core.report.layout.Paginator` and drawn before the next is read (so the appendix of every
span is drawn as its rows are read, never held whole), and no row is cut by a page break. Works headless (the
``offscreen`` platform).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QByteArray, QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument
from PySide6.QtSvg import QSvgRenderer

from annotator.core.errors import InputError
from annotator.core.report.html import Block, Chart, Heading, Para, RowStream, Table, esc
from annotator.core.report.layout import Paginator, Placement, Unit

DPI = 96  # QTextDocument lays out in screen pixels; the painter is scaled to the writer's resolution
STYLE = ("table { border-collapse: collapse; } td, th { border: 1px solid #bbbbbb; padding: 3px; } "
         "th { background-color: #eef2f7; } small { color: #555555; } h1 { font-size: 16pt; } "
         "h2 { font-size: 13pt; } .caption { font-weight: bold; }")


def _ensure_app() -> None:
    if QGuiApplication.instance() is None:
        # A PDF needs fonts, not a window: offscreen works with or without a display (unless told otherwise).
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _ensure_app.app = QGuiApplication([])  # kept alive for the process


def _row_html(table: Table | RowStream, cells, header: bool = False) -> str:
    tag = "th" if header else "td"
    tds = "".join(f'<{tag} width="{w}%">{c}</{tag}>' for (_, w), c in zip(table.columns, cells))
    return f'<table width="100%" cellspacing="0" cellpadding="3"><tr>{tds}</tr></table>'


class _Piece:
    """One thing to place: an HTML fragment or a chart, with its height in layout pixels."""

    def __init__(self, html: str | None = None, svg: QSvgRenderer | None = None, height: float = 0.0):
        self.html, self.svg, self.height = html, svg, height


def _count(blocks: list[Block]) -> int:
    """How many pieces the blocks make (for the progress): one per heading, paragraph and row, two per chart."""
    return sum(len(b.rows) + 1 if isinstance(b, Table) else b.total + 1 if isinstance(b, RowStream)
               else 2 if isinstance(b, Chart) else 1 for b in blocks)


class PdfReport:
    """Draws the blocks page by page as they come: each piece is measured, placed and drawn before the next is
    read, so a streamed table (:class:`RowStream`) never stands whole in memory."""

    def __init__(self, path: str | Path, title: str):
        _ensure_app()
        self.path = Path(path)
        self.title = title
        self.font = QFont("DejaVu Sans", 9)
        self.doc = QTextDocument()
        self.doc.setDefaultFont(self.font)
        self.doc.setDefaultStyleSheet(STYLE)
        self.doc.setDocumentMargin(0)
        self.laid_out: tuple[str, float] | None = None  # what self.doc holds, laid out at which width

    def _layout(self, html: str, width: float) -> None:
        if self.laid_out != (html, width):
            self.doc.setHtml(html)
            self.doc.setTextWidth(width)
            self.laid_out = (html, width)

    def _measure(self, html: str, width: float) -> float:
        self._layout(html, width)
        return self.doc.size().height()

    def _html(self, html: str, width: float, **unit) -> tuple[_Piece, Unit]:
        piece = _Piece(html, height=self._measure(html, width))
        return piece, Unit(piece.height, **unit)

    def _pieces(self, blocks: list[Block], width: float) -> Iterator[tuple[_Piece, Unit]]:
        """Each piece with its unit, measured, in reading order (a streamed table's rows as they are read)."""
        for block in blocks:
            if isinstance(block, Heading):
                yield self._html(f"<h{block.level}>{esc(block.text)}</h{block.level}>", width, keep_with_next=True,
                                 gap_after=2)
            elif isinstance(block, Para):
                yield self._html(f"<p>{block.html}</p>", width, gap_after=4)
            elif isinstance(block, Chart):
                yield self._html(f'<p class="caption">{esc(block.title)}</p>', width, keep_with_next=True)
                renderer = QSvgRenderer(QByteArray(block.svg.encode("utf-8")))
                size = renderer.defaultSize()
                height = width * size.height() / max(1, size.width())
                yield _Piece(svg=renderer, height=height), Unit(height, gap_after=10)
            else:
                yield from self._table(block, width)

    def _table(self, block: Table | RowStream, width: float) -> Iterator[tuple[_Piece, Unit]]:
        head = _row_html(block, [esc(h) for h, _ in block.columns], header=True)
        head_piece = _Piece(head, height=self._measure(head, width))
        rows = iter([block.rows] if isinstance(block, Table) else block.batches)
        batch = next(rows, [])
        if not batch:
            yield head_piece, Unit(head_piece.height, gap_after=10)
            return
        yield head_piece, Unit(head_piece.height, keep_with_next=True)
        while batch:
            following = next(rows, [])  # the next batch, to know which row is the last
            for i, row in enumerate(batch):
                last = not following and i == len(batch) - 1
                piece, unit = self._html(_row_html(block, row), width, header=head_piece.height,
                                         gap_after=10 if last else 0)
                yield piece, unit
            batch = following

    def write(self, blocks: list[Block], progress: Callable[[int, int], None] | None = None) -> int:
        """Write the PDF (replacing the file only when complete); returns the number of pages.

        ``progress(done, total)`` is called every 50 pieces drawn; it may raise
        :class:`~annotator.core.errors.CancelledError` to stop, and then no file is written.
        """
        self.progress = progress or (lambda done, total: None)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        writer = QPdfWriter(str(tmp))
        writer.setTitle(self.title)
        writer.setCreator("annotator")
        writer.setResolution(300)
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                         QMarginsF(16, 16, 16, 18), QPageLayout.Unit.Millimeter))
        painter = QPainter()
        try:
            if not painter.begin(writer):
                raise InputError(f"{self.path} cannot be written.")
            pages = self._draw_all(painter, writer, blocks)
        except BaseException:
            if painter.isActive():
                painter.end()
            del writer
            tmp.unlink(missing_ok=True)
            raise
        painter.end()
        del writer
        try:
            os.replace(tmp, self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise InputError(f"{self.path} cannot be written ({exc.strerror}).") from None
        return pages

    def _draw_all(self, painter: QPainter, writer: QPdfWriter, blocks: list[Block]) -> int:
        """Measure, place and draw piece after piece; a heading waits for what it heads. Returns the pages."""
        scale = writer.resolution() / DPI
        self.width, height = writer.width() / scale, writer.height() / scale
        self.body = height - 14.0  # the footer below
        self.writer, self.page, self.head = writer, 0, None
        painter.scale(scale, scale)
        paginator = Paginator(self.body)
        total, done, told = _count(blocks), 0, 0
        waiting: list[tuple[_Piece, Unit]] = []
        for piece, unit in self._pieces(blocks, self.width):
            waiting.append((piece, unit))
            if not unit.keep_with_next:
                self._place(painter, paginator, waiting)
                done += len(waiting)
                waiting = []
                if done - told >= 50:
                    self.progress(done, total)
                    told = done
        self._place(painter, paginator, waiting)
        self._footer(painter, self.width, self.body, self.page)
        return self.page + 1

    def _place(self, painter: QPainter, paginator: Paginator, waiting: list[tuple[_Piece, Unit]]) -> None:
        if not waiting:
            return
        for p in paginator.place([u for _, u in waiting]):
            piece, unit = waiting[p.index - paginator.placed + len(waiting)]
            if not unit.header:
                self.head = piece  # a table's header (or anything else): repeated above the rows that follow
            self._paint(painter, p, piece, unit)

    def _next_page(self, painter: QPainter) -> None:
        self._footer(painter, self.width, self.body, self.page)
        self.writer.newPage()
        self.page += 1

    def _paint(self, painter: QPainter, p: Placement, piece: _Piece, unit: Unit) -> None:
        width = self.width
        while self.page < p.page:
            self._next_page(painter)
        if p.repeat_header and self.head is not None:
            self._draw_html(painter, self.head.html, width, p.y - unit.header, None)
        if piece.svg is not None:
            piece.svg.render(painter, QRectF(0, p.y, width, piece.height))
            return
        if p.pages == 1:
            self._draw_html(painter, piece.html, width, p.y, None)
            return
        avail = self.body - p.y
        for k in range(p.pages):  # a piece taller than a page: one page-sized slice per page
            if k:
                self._next_page(painter)
            self._draw_html(painter, piece.html, width, p.y - k * avail, QRectF(0, p.y, width, avail),
                            page_height=avail)

    def _draw_html(self, painter, html, width, y, clip, page_height: float | None = None) -> None:
        self._layout(html, width)
        if page_height:
            self.doc.setPageSize(QSizeF(width, page_height))  # lines are kept off the slice boundaries
        painter.save()
        painter.translate(0, y)
        self.doc.drawContents(painter, clip.translated(0, -y) if clip is not None else QRectF())
        painter.restore()
        if page_height:
            self.doc.setPageSize(QSizeF(-1, -1))
            self.laid_out = None

    def _footer(self, painter, width, body, page) -> None:
        painter.save()
        font = QFont(self.font)
        font.setPixelSize(10)  # layout pixels: the painter is already scaled
        painter.setFont(font)
        painter.drawText(QRectF(0, body + 2, width, 12), 0, f"{self.title} · page {page + 1}")
        painter.restore()


def write_pdf(blocks: list[Block], path: str | Path, title: str,
              progress: Callable[[int, int], None] | None = None) -> int:
    """Write ``blocks`` as a PDF at ``path``; returns the page count."""
    return PdfReport(path, title).write(blocks, progress)
