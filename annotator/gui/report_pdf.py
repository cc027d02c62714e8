"""The comparison report as a PDF, drawn by Qt from the report's blocks (``annotator.core.report``).

Why Qt: its text engine shapes Arabic and lays out right-to-left lines, falls
back across fonts (DejaVu/Noto for Cyrillic and Arabic, Noto Color Emoji for
emoji) and embeds the fonts it used as subsets, and ``QSvgRenderer`` paints the
matplotlib SVG charts as vector paths. Every heading, paragraph, chart and
table row is measured and placed by :func:`annotator.core.report.layout.paginate`,
so no row is cut by a page break. Works headless (the ``offscreen`` platform).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument
from PySide6.QtSvg import QSvgRenderer

from annotator.core.errors import InputError
from annotator.core.report.html import Block, Chart, Heading, Para, Table, esc
from annotator.core.report.layout import Unit, paginate

DPI = 96  # QTextDocument lays out in screen pixels; the painter is scaled to the writer's resolution
STYLE = ("table { border-collapse: collapse; } td, th { border: 1px solid #bbbbbb; padding: 3px; } "
         "th { background-color: #eef2f7; } small { color: #555555; } h1 { font-size: 16pt; } "
         "h2 { font-size: 13pt; } .caption { font-weight: bold; }")
# matplotlib writes a glyph with no outline (a space) as <path id=.../> with no data: Qt's SVG reader then
# warns about every <use> of it.
_EMPTY_PATH = re.compile(r'<path id="([^"]+)"(?: transform="[^"]*")?\s*/>')


def _ensure_app() -> None:
    if QGuiApplication.instance() is None:
        # A PDF needs fonts, not a window: offscreen works with or without a display (unless told otherwise).
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _ensure_app.app = QGuiApplication([])  # kept alive for the process


def qt_svg(svg: str) -> QByteArray:
    """matplotlib's SVG as Qt's SVG reader takes it: outline-less glyphs (spaces) and their uses left out."""
    empty = [m.group(1) for m in _EMPTY_PATH.finditer(svg)]
    svg = _EMPTY_PATH.sub("", svg)
    if empty:
        ids = "|".join(re.escape(i) for i in empty)
        svg = re.sub(rf'<use xlink:href="#(?:{ids})"[^>]*/>', "", svg)
    return QByteArray(svg.encode("utf-8"))


def _row_html(table: Table, cells, header: bool = False) -> str:
    tag = "th" if header else "td"
    tds = "".join(f'<{tag} width="{w}%">{c}</{tag}>' for (_, w), c in zip(table.columns, cells))
    return f'<table width="100%" cellspacing="0" cellpadding="3"><tr>{tds}</tr></table>'


class _Piece:
    """One thing to place: an HTML fragment or a chart, with its height in layout pixels."""

    def __init__(self, html: str | None = None, svg: QSvgRenderer | None = None, height: float = 0.0):
        self.html, self.svg, self.height = html, svg, height


class PdfReport:
    def __init__(self, path: str | Path, title: str):
        _ensure_app()
        self.path = Path(path)
        self.title = title
        self.font = QFont("DejaVu Sans", 9)
        self.doc = QTextDocument()
        self.doc.setDefaultFont(self.font)
        self.doc.setDefaultStyleSheet(STYLE)
        self.doc.setDocumentMargin(0)

    def _measure(self, html: str, width: float) -> float:
        self.doc.setHtml(html)
        self.doc.setTextWidth(width)
        return self.doc.size().height()

    def _pieces(self, blocks: list[Block], width: float) -> tuple[list[_Piece], list[Unit]]:
        pieces: list[_Piece] = []
        units: list[Unit] = []

        total = 2 * sum(len(b.rows) + 1 if isinstance(b, Table) else 1 for b in blocks)

        def add(piece: _Piece, **unit) -> None:
            pieces.append(piece)
            units.append(Unit(piece.height, **unit))
            if len(pieces) % 50 == 0:
                self.progress(len(pieces), total)

        for block in blocks:
            if isinstance(block, Heading):
                html = f"<h{block.level}>{esc(block.text)}</h{block.level}>"
                add(_Piece(html, height=self._measure(html, width)), keep_with_next=True, gap_after=2)
            elif isinstance(block, Para):
                html = f"<p>{block.html}</p>"
                add(_Piece(html, height=self._measure(html, width)), gap_after=4)
            elif isinstance(block, Chart):
                caption = f'<p class="caption">{esc(block.title)}</p>'
                add(_Piece(caption, height=self._measure(caption, width)), keep_with_next=True)
                renderer = QSvgRenderer(qt_svg(block.svg))
                size = renderer.defaultSize()
                height = width * size.height() / max(1, size.width())
                add(_Piece(svg=renderer, height=height), gap_after=10)
            else:
                head = _row_html(block, [esc(h) for h, _ in block.columns], header=True)
                head_height = self._measure(head, width)
                add(_Piece(head, height=head_height), keep_with_next=bool(block.rows))
                for i, row in enumerate(block.rows):
                    html = _row_html(block, row)
                    last = i == len(block.rows) - 1
                    add(_Piece(html, height=self._measure(html, width)), header=head_height,
                        gap_after=10 if last else 0)
                if pieces[-1].html == head:
                    units[-1] = Unit(head_height, gap_after=10)
        return pieces, units

    def write(self, blocks: list[Block], progress: Callable[[int, int], None] | None = None) -> int:
        """Write the PDF (replacing the file only when complete); returns the number of pages.

        ``progress(done, total)`` is called now and then (measuring, then drawing each piece); it may raise
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
        scale = writer.resolution() / DPI
        width, height = writer.width() / scale, writer.height() / scale
        footer = 14.0
        painter = QPainter()
        try:
            pieces, units = self._pieces(blocks, width)
            placements = paginate(units, height - footer)
            if not painter.begin(writer):
                raise InputError(f"{self.path} cannot be written.")
            pages = self._paint(painter, writer, scale, width, height - footer, pieces, units, placements)
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

    def _paint(self, painter, writer, scale, width, body, pieces, units, placements) -> int:
        page = 0
        painter.scale(scale, scale)
        head_of: dict[int, int] = {}  # row unit -> its table's header piece
        current_head = -1
        for i, u in enumerate(units):
            if not u.header:
                current_head = i
            head_of[i] = current_head
        for n, p in enumerate(placements):
            if n % 50 == 0:
                self.progress(len(placements) + n, 2 * len(placements))
            while page < p.page:
                self._footer(painter, width, body, page)
                writer.newPage()
                page += 1
            if p.repeat_header:
                h = pieces[head_of[p.index]]
                self._draw_html(painter, h.html, width, p.y - units[p.index].header, None)
            piece = pieces[p.index]
            if piece.svg is not None:
                piece.svg.render(painter, QRectF(0, p.y, width, piece.height))
                continue
            if p.pages == 1:
                self._draw_html(painter, piece.html, width, p.y, None)
                continue
            avail = body - p.y
            for k in range(p.pages):  # a piece taller than a page: one page-sized slice per page
                if k:
                    self._footer(painter, width, body, page)
                    writer.newPage()
                    page += 1
                self._draw_html(painter, piece.html, width, p.y - k * avail, QRectF(0, p.y, width, avail),
                                page_height=avail)
        self._footer(painter, width, body, page)
        return page + 1

    def _draw_html(self, painter, html, width, y, clip, page_height: float | None = None) -> None:
        self.doc.setHtml(html)
        self.doc.setTextWidth(width)
        if page_height:
            self.doc.setPageSize(QSizeF(width, page_height))  # lines are kept off the slice boundaries
        painter.save()
        painter.translate(0, y)
        self.doc.drawContents(painter, clip.translated(0, -y) if clip is not None else QRectF())
        painter.restore()
        if page_height:
            self.doc.setPageSize(QSizeF(-1, -1))

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
