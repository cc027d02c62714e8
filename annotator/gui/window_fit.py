"""A window that fits the screens it is on: first-start size, and saved geometry only where it still fits.

The rules are pure functions over rectangles ``(x, y, width, height)`` so they
can be tested for any screen layout; :func:`restore_geometry` applies them to
a window with the screens Qt reports.

- First start: the preferred size (1400 × 900), shrunk to at most 96 % of the
  primary screen's *available* geometry (without task bars and docks),
  centred there. On a 1280 × 800 or 1366 × 768 laptop nothing is off screen.
- A saved geometry is restored only when the whole window lies on one
  screen's available area; one that no longer fits (a monitor unplugged, a
  smaller screen) is pulled onto the screen it mostly overlapped, shrunk if it
  must be, else the first-start rule applies.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMainWindow

Rect = tuple[int, int, int, int]

PREFERRED = (1400, 900)
#: Share of the available width and height a first-start window takes at most.
SHARE = 0.96
#: The smallest window the layout is designed for (docks tabify, the label bar overflows into a menu).
MINIMUM = (1000, 640)


def _inside(inner: Rect, outer: Rect, slack: int = 2) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return x >= ox - slack and y >= oy - slack and x + w <= ox + ow + slack and y + h <= oy + oh + slack


def _overlap(a: Rect, b: Rect) -> int:
    w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0, w) * max(0, h)


def first_geometry(available: Rect, preferred: tuple[int, int] = PREFERRED) -> Rect:
    """The first-start frame: ``preferred``, shrunk to fit ``available``, centred on it."""
    ax, ay, aw, ah = available
    w = min(preferred[0], int(aw * SHARE))
    h = min(preferred[1], int(ah * SHARE))
    return ax + (aw - w) // 2, ay + (ah - h) // 2, w, h


def fitted_geometry(saved: Rect | None, screens: list[Rect], primary: int = 0) -> tuple[Rect, bool]:
    """``(frame to use, whether the saved one was kept as it is)`` for the available ``screens``.

    ``saved`` is the frame a previous session left (None on first start).
    """
    if not screens:
        raise ValueError("no screens")
    if saved is not None:
        if any(_inside(saved, s) for s in screens):
            return saved, True
        best = max(screens, key=lambda s: _overlap(saved, s))
        if _overlap(saved, best) == 0:
            return first_geometry(screens[primary]), False
        bx, by, bw, bh = best
        w, h = min(saved[2], bw), min(saved[3], bh)
        x = min(max(saved[0], bx), bx + bw - w)
        y = min(max(saved[1], by), by + bh - h)
        return (x, y, w, h), False
    return first_geometry(screens[primary]), False


def _rect(r: QRect) -> Rect:
    return r.x(), r.y(), r.width(), r.height()


def available_screens() -> tuple[list[Rect], int]:
    screens = QGuiApplication.screens()
    primary = QGuiApplication.primaryScreen()
    return [_rect(s.availableGeometry()) for s in screens], max(0, screens.index(primary) if primary in screens else 0)


#: Window-manager frame (left, top, right, bottom) assumed before a window is shown and its real frame known.
FRAME_GUESS = (8, 32, 8, 8)


def _margins(window) -> tuple[int, int, int, int]:
    if not window.isVisible():
        return FRAME_GUESS
    f, g = window.frameGeometry(), window.geometry()
    return g.x() - f.x(), g.y() - f.y(), f.right() - g.right(), f.bottom() - g.bottom()


def _frame(window) -> Rect:
    left, top, right, bottom = _margins(window)
    g = window.geometry()
    return g.x() - left, g.y() - top, g.width() + left + right, g.height() + top + bottom


def _apply(window, frame: Rect) -> None:
    left, top, right, bottom = _margins(window)
    window.resize(max(1, frame[2] - left - right), max(1, frame[3] - top - bottom))
    window.move(frame[0], frame[1])  # move() places the frame's top-left corner


def dialog_size(available: Rect, preferred: tuple[int, int], frame: tuple[int, int, int, int] = FRAME_GUESS,
                minimum: tuple[int, int] = (0, 0)) -> tuple[int, int]:
    """A dialog's size (without its frame): ``preferred``, shrunk until its frame fits ``SHARE`` of ``available``."""
    left, top, right, bottom = frame
    w = min(preferred[0], int(available[2] * SHARE) - left - right)
    h = min(preferred[1], int(available[3] * SHARE) - top - bottom)
    return max(w, minimum[0]), max(h, minimum[1])


def fit_dialog(dialog, preferred: tuple[int, int]) -> None:
    """Resize ``dialog`` to ``preferred``, shrunk to the screen its parent (or itself) is on."""
    parent = dialog.parentWidget()
    screen = (parent.screen() if parent is not None else dialog.screen()).availableGeometry()
    hint = dialog.minimumSizeHint()
    dialog.resize(*dialog_size(_rect(screen), preferred, minimum=(hint.width(), hint.height())))


def restore_geometry(window, saved: object) -> bool:
    """Restore ``saved`` (``saveGeometry()`` bytes) if the window then fits a screen, else fit it. True if kept."""
    screens, primary = available_screens()
    frame = _frame(window) if isinstance(saved, QByteArray) and window.restoreGeometry(saved) else None
    rect, kept = fitted_geometry(frame, screens, primary)
    if not kept and not (window.isMaximized() or window.isFullScreen()):  # those follow their screen themselves
        _apply(window, rect)
    return kept


def keep_on_screen(window) -> bool:
    """Once shown (the real frame known): pull the window wholly onto a screen if it is not. True if it was."""
    if window.isMaximized() or window.isFullScreen():
        return True
    screens, primary = available_screens()
    rect, kept = fitted_geometry(_frame(window), screens, primary)
    if not kept:
        _apply(window, rect)
    return kept


#: Share of the window's height the bottom docks take on first start (the text panes are the hero).
DOCK_SHARE = 0.34


def first_layout(window) -> None:
    """First start: the bottom docks take about a third of the height, the panes the rest."""
    docks = [d for d in window.findChildren(QDockWidget) if d.isVisible() and not d.isFloating()
             and window.dockWidgetArea(d) == Qt.DockWidgetArea.BottomDockWidgetArea]
    if docks:
        height = max(max(d.minimumSizeHint().height() for d in docks), int(window.height() * DOCK_SHARE))
        window.resizeDocks(docks, [height] * len(docks), Qt.Orientation.Vertical)


def make_room(dock: QDockWidget, share: float) -> None:
    """A dock at the bottom (or top) of its window, just shown, grows to ``share`` of the window's height.

    The review dock lists its items in a table: a strip two rows high is of no use, and at 1280 × 800 it must
    show six. The panes keep the rest; a dock already taller is left as it is.
    """
    window = dock.parentWidget()
    if not isinstance(window, QMainWindow) or dock.isFloating() or window.dockWidgetArea(dock) not in (
            Qt.DockWidgetArea.BottomDockWidgetArea, Qt.DockWidgetArea.TopDockWidgetArea):
        return
    height = max(dock.minimumSizeHint().height(), int(window.height() * share))
    if dock.height() < height:
        window.resizeDocks([dock], [height], Qt.Orientation.Vertical)
