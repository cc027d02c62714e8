"""Keyboard and screen-reader access: names for every control, spans announced, F6 through panes and docks.

- Every focusable widget gets an accessible name: its own, else what a sighted
  person reads next to it (placeholder, tool tip), else its dock's title and
  role. ``tests/gui/test_accessibility.py`` checks them through Qt's
  accessibility interface, the way a screen reader sees them.
- Selecting a span (click, Tab, a jump) sets the pane's accessible
  description to "label: quote, by annotator" and tells assistive technology.
- F6 / Shift+F6 move the focus through the two panes and the visible docks
  (Tab inside a pane walks from span to span, so it cannot leave the pane);
  a focused pane shows a highlight frame.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import QAbstractButton, QDockWidget, QLineEdit, QWidget

from annotator.gui.commands.annotations import short_quote

FOCUS_FRAME = "DocumentView:focus { border: 2px solid palette(highlight); }"


def _humane(name: str) -> str:
    return name.replace("_", " ").replace(".", " ").strip()


def accessible_name(widget: QWidget) -> str:
    """What a screen reader calls ``widget`` (Qt derives it from text, buddies and the name set)."""
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(QAccessible.Text.Name) if iface is not None else ""


def interactive_widgets(root: QWidget) -> list[QWidget]:
    """Widgets a keyboard user can reach under ``root``."""
    return [w for w in root.findChildren(QWidget)
            if w.focusPolicy() != Qt.FocusPolicy.NoFocus and w.isEnabled() and w.window() is root.window()
            and not w.objectName().startswith("qt_")]


def ensure_names(root: QWidget) -> None:
    """Give every interactive widget under ``root`` without a name one from what is shown beside it."""
    for w in interactive_widgets(root):
        if w.accessibleName() or (isinstance(w, QAbstractButton) and w.text().strip()):
            continue
        dock = w.parentWidget()
        while dock is not None and not isinstance(dock, QDockWidget):
            dock = dock.parentWidget()
        where = f"{dock.windowTitle()}: " if dock is not None else ""
        hint = ""
        if isinstance(w, QLineEdit):
            hint = w.placeholderText()
        hint = hint or w.toolTip() or _humane(w.objectName())
        if hint:  # a widget with nothing to go by stays unnamed: the accessibility test names it
            w.setAccessibleName(f"{where}{hint}")


def describe_span(view, ann) -> None:
    """Announce the selected span of a pane: its label, quote and annotator (or that none is selected)."""
    text = f"{ann.label}: “{short_quote(ann.quote, 120)}”, by {ann.annotator}" if ann is not None else "no span selected"
    view.setAccessibleDescription(text)
    QAccessible.updateAccessibility(QAccessibleEvent(view, QAccessible.Event.DescriptionChanged))


def focus_areas(window) -> list[QWidget]:
    """The panes, then each visible dock's first focusable control, in screen order."""
    areas: list[QWidget] = [p.view for p in window.panes]
    docks = [d for d in window.findChildren(QDockWidget) if d.isVisible() and not d.visibleRegion().isEmpty()]
    docks.sort(key=lambda d: (d.mapTo(window, d.rect().topLeft()).y(), d.mapTo(window, d.rect().topLeft()).x()))
    for dock in docks:
        target = next((w for w in interactive_widgets(dock.widget()) if w.isVisible()), None) if dock.widget() else None
        if target is not None:
            areas.append(target)
    return areas


def cycle_focus(window, step: int) -> None:
    areas = focus_areas(window)
    if not areas:
        return
    focus = window.focusWidget()
    index = next((i for i, a in enumerate(areas) if focus is a or (focus is not None and a.isAncestorOf(focus))), -1)
    target = areas[(index + step) % len(areas)]
    target.setFocus(Qt.FocusReason.TabFocusReason)


def install(window) -> None:
    """Names and the pane focus frame for ``window``; the window connects F6 / Shift+F6 to :func:`cycle_focus`
    and each pane's selection to :func:`describe_span`."""
    for side, pane in zip(("Left", "Right"), window.panes):
        pane.view.setAccessibleName(f"{side} document")
        pane.view.setStyleSheet(FOCUS_FRAME)
    # Naming walks every widget of the window (~10 ms of a start): done at the event loop's first turn, after the
    # window is built and shown, before anything can ask for a name (issue 20: paint first).
    QTimer.singleShot(0, window, lambda: ensure_names(window))