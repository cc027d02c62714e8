"""The read-only document pane: shows one article and paints its annotation spans itself.

Spans are not text formats. Every repaint looks up, in a :class:`SpanIndex`,
only the spans that touch the visible lines and paints them straight onto the
viewport: a translucent fill under the text, then a solid underline per span
in its own *lane* (overlapping spans stack their underlines), a dashed outline
for suggestions and a strong outline for the selected span. That keeps a
50,000-span article as cheap to show as an empty one, where
``setExtraSelections``/char formats would cost seconds and hundreds of MB.

Offsets in this API are Unicode code points, like everywhere in annotator.
Qt counts UTF-16 units; :class:`Utf16Map` converts at this boundary, and
offsets are never taken from ``toPlainText()`` or ``selectedText()``.

Line spacing and the reading font live in :mod:`annotator.gui.views.reading_layout`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QFocusEvent,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPaintEvent,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextLayout,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QToolTip, QWidget

from annotator.core.gcpause import gc_paused, keep_long_lived
from annotator.core.spans import SpanIndex
from annotator.core.text import Utf16Map, is_word_char, snap_to_words
from annotator.gui.views.glyph_cells import caret_at, character_at, glyph_cells
from annotator.gui.views.reading_layout import (
    LINE_HEIGHT_PERCENT, PROPORTIONAL, SpacedLayout, first_line_reaching, line_leading, reading_font,
)
from annotator.gui.views.span_painting import FILL_ALPHA, RTL_LETTERS, SpanPainting, SpanStyle

__all__ = ["DOCUMENT_MARGIN", "FILL_ALPHA", "LINE_HEIGHT_PERCENT", "DocumentView", "SpanStyle"]

MIN_POINT_SIZE = 6
MAX_POINT_SIZE = 48
DOCUMENT_MARGIN = 12
#: Longest a background step loading a long document's spans may keep the event loop waiting.
LOAD_STEP_SECONDS = 0.02

_KEEP_ANCHOR = QTextCursor.MoveMode.KeepAnchor


class DocumentView(SpanPainting, QPlainTextEdit):
    """Read-only, word-wrapped view of one document that paints its annotation spans.

    The main window shows two of these side by side and connects to the
    signals below; the view never writes anything anywhere.
    """

    #: An annotation was clicked: its id, or "" when the click hit no span.
    span_clicked = Signal(str)
    #: The selected span changed (click, Tab/Shift+Tab or :meth:`select_span`): its id, or "" for none.
    span_selected = Signal(str)
    #: The text selection changed: code-point ``(start, end)``, equal when the selection is empty.
    selection_changed = Signal(int, int)
    #: A context menu is wanted: code-point offset under the mouse (-1 when not over text) and the
    #: global position for the menu. The view shows no menu itself; the window builds it.
    context_menu_requested = Signal(int, QPoint)
    #: The view received keyboard focus.
    focused = Signal()
    #: Enter was pressed on the selected span; argument: its id.
    span_activated = Signal(str)
    span_activated_all = Signal(str)  # Shift+Enter on a span: a suggestion's every occurrence is tagged
    #: The view scrolled; argument: the code-point offset at the top of the viewport.
    scrolled = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        document = QTextDocument(self)
        self._layout = SpacedLayout(document)
        document.setDocumentLayout(self._layout)
        document.setUndoRedoEnabled(False)
        self.setDocument(document)
        document.setDocumentMargin(DOCUMENT_MARGIN)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.viewport().setMouseTracking(True)
        self.verticalScrollBar().valueChanged.connect(lambda _: self.scrolled.emit(self.top_offset()))

        self._base_font = reading_font()
        self._zoom = 0
        self.setFont(self._base_font)

        self._text = ""
        self._map = Utf16Map("")
        self._has_rtl = False  # any right-to-left letters: spans are then placed by glyph runs
        #: The document's language (a code, "ar"), kept here by the pane that shows it.
        self.language = ""
        self._index = SpanIndex(())  # the spans shown, by id and by place
        self._loader: Callable[[], bool] | None = None  # see set_spans
        self._load_generation = 0
        self._index_edits = 0  # counts changes to the shown spans (for the paint cache)
        self._pieces: list = []
        self._pieces_key: tuple | None = None
        #: Gives the tooltip of a span whose style has none (read on hover, not for every span up front).
        self.tooltip_provider: Callable[[str], str] | None = None
        self._tooltips: dict[str, str] = {}  # provider answers, until the span changes
        self._selected: str | None = None
        self._highlighted: set[str] = set()
        self._matches = SpanIndex(())  # find results: (id, start, end), painted under the spans
        self._current_match: str | None = None
        self._press_pos: QPoint | None = None
        #: UTF-16 anchor of the selection a left-button drag is making (None: no such drag).
        self._drag_anchor: int | None = None
        #: Code-point range of the word a double click selected, while its button is held (None: none).
        self._word_drag: tuple[int, int] | None = None
        self._tooltip = ""
        self._colors: dict[str, tuple[QColor, QColor, QColor]] = {}
        self.selectionChanged.connect(self._on_selection_changed)

    # ------------------------------------------------------------------ content
    def set_document(self, text: str) -> None:
        """Show ``text`` (already LF-normalised); clears spans, the selected span and the selection."""
        self._text = text
        self._map = Utf16Map(text)
        self._has_rtl = RTL_LETTERS.search(text) is not None
        self._index = SpanIndex(())
        self._index_edits += 1
        self._start_loading(None)
        self._tooltips = {}
        self._set_selected(None)
        self.setPlainText(text)
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        block_format = QTextBlockFormat()
        block_format.setLineHeight(LINE_HEIGHT_PERCENT, PROPORTIONAL)
        cursor.mergeBlockFormat(block_format)
        # setPlainText on a view not laid out yet (tiny viewport) may scroll to
        # keep the caret visible; a new document always opens at its top.
        self.verticalScrollBar().setValue(0)

    def text(self) -> str:
        """The document text, in code points."""
        return self._text

    def set_spans(self, spans: list[SpanStyle], presorted: bool = False,
                  loader: Callable[[], bool] | None = None) -> None:
        """Replace every span; the selected span stays selected if it is still there.

        ``presorted``: ``spans`` are already in reading order (as the store returns them), which saves a sort.
        ``loader``: the spans are only the first part of the document's; each call of ``loader()`` hands the
        next part to :meth:`extend_spans` and returns whether more remain. The view calls it in short steps
        from the event loop, so a long document paints its first page at once and stays responsive, and
        loads the rest at once whenever something needs every span (selecting a span by id, Tab, an edit).
        """
        self._index = SpanIndex(spans, presorted=presorted)
        self._index_edits += 1
        self._start_loading(loader)
        self._tooltips = {}
        if self._selected not in self._index:
            self._set_selected(None)
        self.viewport().update()

    def extend_spans(self, spans: list[SpanStyle]) -> None:
        """Append spans that all come after the shown ones in reading order (the next part of a long document)."""
        self._index.extend(spans)
        self._index_edits += 1
        self.viewport().update()

    def _start_loading(self, loader: Callable[[], bool] | None) -> None:
        self._loader = loader
        self._load_generation += 1
        if loader is not None:
            generation = self._load_generation
            QTimer.singleShot(0, lambda: self._load_step(generation))

    def _load_step(self, generation: int) -> None:
        """Load parts for up to :data:`LOAD_STEP_SECONDS`, then let the event loop run and come back."""
        if generation != self._load_generation or self._loader is None:
            return
        deadline = time.perf_counter() + LOAD_STEP_SECONDS
        with gc_paused():  # no full collection in the middle of a step (see keep_long_lived)
            while self._loader():
                if time.perf_counter() > deadline:
                    QTimer.singleShot(0, lambda: self._load_step(generation))
                    return
            self._loader = None
            keep_long_lived()

    def stop_loading(self) -> None:
        """Forget the spans still to be loaded (the window is closing, or the project went away)."""
        self._start_loading(None)

    def is_loading(self) -> bool:
        """Whether part of the document's spans is still to be loaded."""
        return self._loader is not None

    def finish_loading(self) -> None:
        """Load every remaining span now."""
        loader, self._loader = self._loader, None
        while loader is not None and loader():
            pass

    def update_spans(self, spans: Iterable[SpanStyle] = (), removed: Iterable[str] = ()) -> None:
        """Add or replace ``spans`` and take out the ids in ``removed``, without rebuilding the index.

        A span that keeps its range keeps its underline lane; the selected span
        stays selected unless it was removed.
        """
        self.finish_loading()
        index = self._index
        for span_id in removed:
            if span_id in index:
                index.remove(span_id)
            self._tooltips.pop(span_id, None)
        for span in spans:
            if span.id in index:
                index.replace(span)
            else:
                index.add(span)
            self._tooltips.pop(span.id, None)
        self._index_edits += 1
        if self._selected is not None and self._selected not in index:
            self._set_selected(None)
        self.viewport().update()

    def span_styles(self) -> Mapping[str, SpanStyle]:
        """The spans shown, by id (read-only)."""
        return self._index.by_id

    def has_span(self, span_id: str) -> bool:
        return span_id in self._index

    def span_ids_at(self, offset: int) -> list[str]:
        """Ids of the spans containing code-point ``offset``, in reading order."""
        return self._index.at(offset)

    def tooltip_at(self, offset: int) -> str:
        """The tooltips of every span at ``offset``, separated by a blank line ("" if none)."""
        tips = (self._tooltip_of(self._index.get(span_id)) for span_id in self._index.at(offset))
        return "\n\n".join(tip for tip in tips if tip)

    def _tooltip_of(self, span: SpanStyle) -> str:
        if span.tooltip or self.tooltip_provider is None:
            return span.tooltip
        tip = self._tooltips.get(span.id)
        if tip is None:
            tip = self._tooltips[span.id] = self.tooltip_provider(span.id)
        return tip

    # ------------------------------------------------------------ the selected span
    def selected_span(self) -> str | None:
        """Id of the selected span, or None."""
        return self._selected

    def select_span(self, span_id: str | None, scroll: bool = True) -> None:
        """Select ``span_id`` (None, or an id not in this view, selects nothing).

        The text selection is cleared and the caret moves to the span's start;
        with ``scroll`` an off-screen span is scrolled to the middle of the view.
        """
        if span_id and span_id not in self._index:
            self.finish_loading()
        span = self._index.get(span_id) if span_id else None
        cursor = self.textCursor()
        if span is None:
            if cursor.hasSelection():
                cursor.clearSelection()
                self._set_cursor_keeping_scroll(cursor)
            self._set_selected(None)
            return
        cursor.setPosition(self._map.to_utf16(span.start))
        self._set_cursor_keeping_scroll(cursor)
        self._set_selected(span.id)
        if scroll:
            self.scroll_to_offset(span.start)

    def next_span(self) -> str | None:
        """Select the next span in reading order (after the selected one, else after the caret)."""
        return self._step_span(1)

    def previous_span(self) -> str | None:
        """Select the previous span in reading order (before the selected one, else before the caret)."""
        return self._step_span(-1)

    def _step_span(self, step: int) -> str | None:
        self.finish_loading()
        if self._selected is not None:
            span = self._index.neighbour(self._selected, step)
        else:
            caret = self._map.from_utf16(self.textCursor().position())
            span = self._index.next_after(caret - 1) if step > 0 else self._index.previous_before(caret)
        if span is None:
            return None
        self.select_span(span.id)
        return span.id

    def _set_selected(self, span_id: str | None) -> None:
        if span_id == self._selected:
            return
        self._selected = span_id
        self.viewport().update()
        self.span_selected.emit(span_id or "")

    # ------------------------------------------------------------ text selection
    def selection_range(self) -> tuple[int, int]:
        """Code-point ``(start, end)`` of the text selection; equal when nothing is selected."""
        cursor = self.textCursor()
        return self._map.from_utf16(cursor.selectionStart()), self._map.from_utf16(cursor.selectionEnd())

    def set_selection(self, start: int, end: int) -> None:
        """Select code points ``[start, end)`` (clamped to the text) and scroll the end into view."""
        length = len(self._text)
        start, end = max(0, min(start, length)), max(0, min(end, length))
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_utf16(start))
        cursor.setPosition(self._map.to_utf16(end), _KEEP_ANCHOR)
        self.setTextCursor(cursor)

    def _on_selection_changed(self) -> None:
        start, end = self.selection_range()
        if start != end:
            self._set_selected(None)  # a text selection and a selected span exclude each other
        self.selection_changed.emit(start, end)

    def _snap_selection(self) -> None:
        """Widen the selection to whole words (keeping its direction)."""
        cursor = self.textCursor()
        start, end = self.selection_range()
        snapped = snap_to_words(self._text, start, end)
        if snapped == (start, end):
            return
        anchor, position = snapped
        if cursor.position() < cursor.anchor():
            anchor, position = position, anchor
        cursor.setPosition(self._map.to_utf16(anchor))
        cursor.setPosition(self._map.to_utf16(position), _KEEP_ANCHOR)
        self.setTextCursor(cursor)

    def _set_cursor_keeping_scroll(self, cursor: QTextCursor) -> None:
        vertical, horizontal = self.verticalScrollBar().value(), self.horizontalScrollBar().value()
        self.setTextCursor(cursor)
        self.verticalScrollBar().setValue(vertical)
        self.horizontalScrollBar().setValue(horizontal)

    # ------------------------------------------------------------------ geometry
    def offset_at(self, pos: QPoint) -> int | None:
        """Code-point offset of the character under viewport point ``pos``, or None off the text.

        The point counts as over a line from the space above it to the bottom
        of its underline lanes.
        """
        if not self._text:
            return None
        block = self.cursorForPosition(pos).block()
        if not block.isValid() or not block.isVisible():
            return None
        layout = block.layout()
        if layout.lineCount() == 0:
            return None
        origin = self.blockBoundingGeometry(block).translated(self.contentOffset()).topLeft() + layout.position()
        x, y = pos.x() - origin.x(), pos.y() - origin.y()
        first = layout.lineAt(0)
        above, below = line_leading(block, first.height())
        index = first_line_reaching(layout, layout.lineCount(), y, below)
        if index >= layout.lineCount():
            return None
        line = layout.lineAt(index)
        if y < line.y() - above:
            return None
        position = self._character_at_x(layout, line, x)
        return None if position is None else self._map.from_utf16(block.position() + position)

    def _caret_at(self, pos: QPoint) -> int | None:
        """UTF-16 document position of the caret place nearest to viewport point ``pos`` (None: no text).

        The line is the one at the point's height (the nearest at the top or
        bottom); on it, a point inside a character's glyph goes to the side of
        that glyph nearer to it, so in right-to-left text the left half of a
        glyph is the place after the character (see :mod:`glyph_cells`).
        """
        if not self._text:
            return None
        block = self.cursorForPosition(pos).block()
        layout = block.layout() if block.isValid() else None
        if layout is None or layout.lineCount() == 0:
            return None
        origin = self.blockBoundingGeometry(block).translated(self.contentOffset()).topLeft() + layout.position()
        _, below = line_leading(block, layout.lineAt(0).height())
        index = first_line_reaching(layout, layout.lineCount(), pos.y() - origin.y(), below)
        line = layout.lineAt(min(index, layout.lineCount() - 1))
        return block.position() + caret_at(glyph_cells(layout, line), pos.x() - origin.x(), line.textStart())

    @staticmethod
    def _character_at_x(layout: QTextLayout, line: QTextLine, x: float) -> int | None:
        """Block-relative UTF-16 position of the character (grapheme) of ``line`` covering ``x``."""
        cell = character_at(glyph_cells(layout, line), x)
        return None if cell is None else cell[0]

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll so code-point ``offset`` is visible; an off-screen offset is centred."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_utf16(max(0, min(offset, len(self._text)))))
        if self.viewport().rect().contains(self.cursorRect(cursor)):
            return
        block = cursor.block()
        self.blockBoundingGeometry(block)  # makes sure the block is laid out
        line = block.layout().lineForTextPosition(cursor.positionInBlock())
        number = block.firstLineNumber() + max(0, line.lineNumber() if line.isValid() else 0)
        line_height = self.fontMetrics().lineSpacing() * LINE_HEIGHT_PERCENT / 100
        visible_lines = max(1, int(self.viewport().height() / max(1.0, line_height)))
        self.verticalScrollBar().setValue(max(0, number - visible_lines // 2))

    def top_offset(self) -> int:
        """Code-point offset of the first character shown at the top of the viewport."""
        cursor = self.cursorForPosition(QPoint(DOCUMENT_MARGIN, 1))
        return self._map.from_utf16(cursor.position())

    def bottom_offset(self) -> int:
        """Code-point offset of the last character shown at the bottom of the viewport."""
        corner = self.viewport().rect().bottomRight()
        return self._map.from_utf16(self.cursorForPosition(corner).position())

    def scroll_offset_to_top(self, offset: int) -> None:
        """Scroll so the line holding code-point ``offset`` is the first one shown."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_utf16(max(0, min(offset, len(self._text)))))
        block = cursor.block()
        self.blockBoundingGeometry(block)  # makes sure the block is laid out
        line = block.layout().lineForTextPosition(cursor.positionInBlock())
        self.verticalScrollBar().setValue(block.firstLineNumber() + (line.lineNumber() if line.isValid() else 0))

    def set_matches(self, ranges: list[tuple[int, int]], current: int = -1) -> None:
        """Highlight find results (code-point ranges); ``current`` (an index) gets a strong outline and is shown."""
        self._matches = SpanIndex((str(i), a, b) for i, (a, b) in enumerate(ranges))
        self._current_match = str(current) if 0 <= current < len(ranges) else None
        if self._current_match is not None:
            self.scroll_to_offset(ranges[current][0])
        self.viewport().update()

    def set_highlighted(self, ids: set[str]) -> None:
        """Outline these spans (a selected span's link partners) with a dashed dark frame."""
        ids = {i for i in ids if i in self._index}
        if ids != self._highlighted:
            self._highlighted = ids
            self.viewport().update()

    # ---------------------------------------------------------------------- zoom
    def set_zoom(self, points_delta: int) -> None:
        """Show the text ``points_delta`` points larger (negative: smaller) than the base size."""
        base = self._base_font.pointSizeF()
        size = max(MIN_POINT_SIZE, min(MAX_POINT_SIZE, base + points_delta))
        self._zoom = round(size - base)
        font = QFont(self._base_font)
        font.setPointSizeF(base + self._zoom)
        self.setFont(font)
        self.viewport().update()

    def zoom(self) -> int:
        """The current zoom, in points relative to the base size."""
        return self._zoom

    # -------------------------------------------------------------------- events
    def event(self, event: QEvent) -> bool:
        """Tab / Shift+Tab move between spans instead of moving focus out of the view."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, modifiers = event.key(), event.modifiers()
            plain = not modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._selected is not None:
                shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
                (self.span_activated_all if shift else self.span_activated).emit(self._selected)
                event.accept()
                return True
            if plain and key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                backwards = key == Qt.Key.Key_Backtab or bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
                self._step_span(-1 if backwards else 1)
                event.accept()
                return True
        return super().event(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002, N802 (Qt override)
        """Keep focus here: Tab is for moving between spans (see :meth:`event`)."""
        return False

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusInEvent(event)
        self.focused.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        left = event.button() == Qt.MouseButton.LeftButton
        self._press_pos = event.position().toPoint() if left else None
        super().mousePressEvent(event)
        # Qt placed the caret with its own hit test; put it where the glyph under the mouse is. A press that
        # left a selection (a triple click, a press inside the selection) stays Qt's.
        cursor = self.textCursor()
        self._drag_anchor = self._word_drag = None
        if left and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._drag_anchor = cursor.anchor()
        elif left and not cursor.hasSelection():
            self._drag_anchor = self._caret_at(event.position().toPoint())
        self._drag_to(event.position().toPoint())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._press_pos = None  # a double click selects a word; its release is not a span click
        self._drag_anchor = None
        super().mouseDoubleClickEvent(event)
        self._word_drag = None
        if event.button() != Qt.MouseButton.LeftButton:
            return
        # The word under the glyph, not under Qt's hit test; dragging on extends it word by word.
        offset = self.offset_at(event.position().toPoint())
        if offset is not None and is_word_char(self._text[offset]):
            self._word_drag = snap_to_words(self._text, offset, offset + 1)
            self._select_utf16(*map(self._map.to_utf16, self._word_drag))
        elif self.textCursor().hasSelection():
            self._word_drag = self.selection_range()

    def _drag_to(self, pos: QPoint) -> None:
        """Select from the drag's anchor to the caret place under ``pos`` (a mouse drag or Shift+click)."""
        position = None if self._drag_anchor is None else self._caret_at(pos)
        if self._drag_anchor is not None and position is not None:
            self._select_utf16(self._drag_anchor, position)

    def _drag_words_to(self, pos: QPoint) -> None:
        """After a double click, select from the clicked word to the whole word at ``pos``, in either direction."""
        caret = None if self._word_drag is None else self._caret_at(pos)
        if self._word_drag is None or caret is None:
            return
        first, last = self._word_drag
        offset = self._map.from_utf16(caret)
        start, end = snap_to_words(self._text, min(first, offset), max(last, offset))
        anchor, position = (end, start) if offset < first else (start, end)
        self._select_utf16(self._map.to_utf16(anchor), self._map.to_utf16(position))

    def _select_utf16(self, anchor: int, position: int) -> None:
        cursor = self.textCursor()
        if (cursor.anchor(), cursor.position()) != (anchor, position):
            cursor.setPosition(anchor)
            cursor.setPosition(position, _KEEP_ANCHOR)
            self.setTextCursor(cursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        press, self._press_pos = self._press_pos, None
        pos = event.position().toPoint()
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_words_to(pos)
            self._word_drag = None
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return
        self._drag_to(pos)
        self._drag_anchor = None
        dragged = (pos - press).manhattanLength() >= QApplication.startDragDistance()
        modifiers = event.modifiers()
        if self.textCursor().hasSelection() and (dragged or modifiers & Qt.KeyboardModifier.ShiftModifier):
            if not modifiers & Qt.KeyboardModifier.AltModifier:
                self._snap_selection()
        elif not dragged:
            self._click(pos)

    def _click(self, pos: QPoint) -> None:
        """Select the span under ``pos``; clicking a selected span again moves to the next one there."""
        offset = self.offset_at(pos)
        ids = self._index.at(offset) if offset is not None else []
        if not ids:
            self._set_selected(None)
            self.span_clicked.emit("")
            return
        spans = self._index
        ids.sort(key=lambda span_id: spans.get(span_id).end - spans.get(span_id).start)  # innermost first
        chosen = ids[(ids.index(self._selected) + 1) % len(ids)] if self._selected in ids else ids[0]
        self.select_span(chosen, scroll=False)
        self.span_clicked.emit(chosen)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseMoveEvent(event)
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._drag_to(event.position().toPoint())
            self._drag_words_to(event.position().toPoint())
        if event.buttons() != Qt.MouseButton.NoButton:
            return
        offset = self.offset_at(event.position().toPoint())
        tip = self.tooltip_at(offset) if offset is not None else ""
        if tip and (tip != self._tooltip or not QToolTip.isVisible()):
            QToolTip.showText(event.globalPosition().toPoint(), tip, self.viewport())
        elif not tip and self._tooltip:
            QToolTip.hideText()
        self._tooltip = tip

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            offset: int | None = self._map.from_utf16(self.textCursor().position())
            global_pos = self.viewport().mapToGlobal(self.cursorRect().center())
        else:
            offset = self.offset_at(event.pos())
            global_pos = event.globalPos()
        self.context_menu_requested.emit(-1 if offset is None else offset, global_pos)
        event.accept()

    # ------------------------------------------------------------------ painting
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Fills under the text, then Qt's text, then lanes and outlines on top."""
        pieces = self._span_pieces(event.rect()) if len(self._index) else []
        if len(self._matches):
            self._paint_matches(self._visible_pieces(event.rect(), self._matches))
        if pieces:
            self._paint_fills(pieces)
        super().paintEvent(event)
        if pieces:
            self._paint_marks(pieces)
