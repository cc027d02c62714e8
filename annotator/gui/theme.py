"""Light and dark themes: follow the system colour scheme, or the View > Theme choice (remembered).

The dark theme is Qt's Fusion style with a dark palette. Span fills are
translucent label colours, so they read on both; what is drawn *over* the
text (the selected span's outline, link partners' dashed frames) takes a
colour from the theme here. :func:`contrast` and :func:`blend` are the WCAG
2.x formulas the tests hold every label fill to (text over fill ≥ 4.5:1).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QStyleFactory

CHOICES = (("system", "&System"), ("light", "&Light"), ("dark", "&Dark"))
SETTING = "theme"

#: Text and page colours of each theme (the document panes' Base and Text roles). The dark page is near black
#: and its text near white so that text over two stacked translucent fills of any palette colour keeps 4.5:1.
PAGE = {"light": ("#1a1a1a", "#ffffff"), "dark": ("#f0f0f0", "#17181a")}
#: Frames drawn over the text: link partners (dashed) and the selected span's outline base.
PARTNER = {"light": "#202020", "dark": "#f2f2f2"}


def _linear(channel: float) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(color: str) -> float:
    c = QColor(color)
    return 0.2126 * _linear(c.red()) + 0.7152 * _linear(c.green()) + 0.0722 * _linear(c.blue())


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two opaque colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def blend(fill: str, alpha: int, background: str) -> str:
    """The opaque colour a translucent ``fill`` (alpha 0–255) makes over ``background``."""
    f, g, t = QColor(fill), QColor(background), alpha / 255
    mix = [round(t * x + (1 - t) * y) for x, y in zip((f.red(), f.green(), f.blue()), (g.red(), g.green(), g.blue()))]
    return QColor(*mix).name()


def dark_palette() -> QPalette:
    text, base = PAGE["dark"]
    p = QPalette()
    window, button, mid = QColor("#2b2d31"), QColor("#34363b"), QColor("#45484e")
    for role, color in (
        (QPalette.ColorRole.Window, window), (QPalette.ColorRole.WindowText, QColor(text)),
        (QPalette.ColorRole.Base, QColor(base)), (QPalette.ColorRole.AlternateBase, QColor("#26282c")),
        (QPalette.ColorRole.Text, QColor(text)), (QPalette.ColorRole.Button, button),
        (QPalette.ColorRole.ButtonText, QColor(text)), (QPalette.ColorRole.ToolTipBase, QColor("#3a3d42")),
        (QPalette.ColorRole.ToolTipText, QColor(text)), (QPalette.ColorRole.Highlight, QColor("#3d7fc1")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")), (QPalette.ColorRole.Link, QColor("#7cb8f0")),
        (QPalette.ColorRole.PlaceholderText, QColor("#9a9da3")), (QPalette.ColorRole.Mid, mid),
        (QPalette.ColorRole.Dark, QColor("#1b1c1f")), (QPalette.ColorRole.Light, QColor("#50535a")),
        (QPalette.ColorRole.BrightText, QColor("#ff6b6b")),
    ):
        p.setColor(role, color)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7d8086"))
    return p


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def resolve(choice: str) -> str:
    """"light" or "dark" for a choice of system/light/dark."""
    if choice == "system":
        return "dark" if system_is_dark() else "light"
    return "dark" if choice == "dark" else "light"


def current() -> str:
    """The theme in force, read from the application palette."""
    app = QGuiApplication.instance()
    if app is None:
        return "light"
    return "dark" if QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128 else "light"


#: WCAG 2.1 non-text contrast: marks (underline lanes, outlines) against the page.
MARK_CONTRAST = 3.0
_marks: dict[tuple[str, str], QColor] = {}


def mark_color(solid: QColor, theme: str | None = None) -> QColor:
    """A label's colour for marks drawn on the page (underline lanes, outlines).

    On the dark page a colour that does not stand out 3:1 (black, say) is moved towards the text colour until it
    does. On the light page the label's own colour is kept, as UI.md designs it: the lane goes with the fill and
    the label chip, and yellow or orange lanes fall below 3:1 on white.
    """
    theme = theme or current()
    if theme == "light":
        return solid
    key = (solid.name(), theme)
    cached = _marks.get(key)
    if cached is None:
        text, page = PAGE[theme]
        color, step = solid.name(), 0
        while contrast(color, page) < MARK_CONTRAST and step < 20:
            step += 1
            color = blend(text, round(255 * step / 20), solid.name())
        cached = _marks[key] = QColor(color)
    return cached


def partner_color() -> QColor:
    return QColor(PARTNER[current()])


def selected_outline(solid: QColor) -> QColor:
    """The selected span's outline: the label colour, darker on light pages and lighter on dark ones."""
    return mark_color(solid.lighter(150) if current() == "dark" else solid.darker(140))


class ThemeController(QObject):
    """Applies the chosen theme, follows the system while the choice is "system", builds the menu."""

    def __init__(self, settings, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        value = str(settings.value(SETTING, "system"))
        self.choice = value if value in dict(CHOICES) else "system"
        # The light style's name, read when the dark theme first replaces it: not here, since the first Python
        # access to the application's QStyle builds its wrapper type with all its enums (~10 ms of every start).
        self._light_style: str | None = None
        self.actions: dict[str, QAction] = {}
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)
        self.apply()

    def menu(self, parent) -> QMenu:
        menu = QMenu("&Theme", parent)
        menu.setObjectName("theme_menu")
        group = QActionGroup(menu)
        group.setExclusive(True)
        for key, text in CHOICES:
            action = QAction(text, menu)
            action.setObjectName(f"view.theme_{key}")
            action.setCheckable(True)
            action.setChecked(key == self.choice)
            action.setStatusTip({"system": "Follow the system's light or dark colour scheme",
                                 "light": "Always light", "dark": "Always dark"}[key])
            action.triggered.connect(lambda _=False, k=key: self.choose(k))
            group.addAction(action)
            menu.addAction(action)
            self.actions[key] = action
        return menu

    def choose(self, choice: str) -> None:
        self.choice = choice
        self.settings.setValue(SETTING, choice)
        if choice in self.actions:
            self.actions[choice].setChecked(True)
        self.apply()

    def _system_changed(self, _scheme) -> None:
        if self.choice == "system":
            self.apply()

    def apply(self) -> None:
        app = QApplication.instance()
        if app is None:
            return
        if resolve(self.choice) == "dark":
            if self._light_style is None:
                self._light_style = app.style().name()
            app.setStyle(QStyleFactory.create("Fusion"))
            app.setPalette(dark_palette())
        elif self._light_style is None and current() == "light":
            return  # light already (the start, as a rule): the platform's palette and style stay as they are
        else:
            if self._light_style and app.style().name() != self._light_style:
                app.setStyle(QStyleFactory.create(self._light_style))
            app.setPalette(app.style().standardPalette())
        for widget in app.allWidgets():
            if widget.styleSheet():  # style-sheeted widgets keep the palette they were polished with
                widget.setStyleSheet(widget.styleSheet())
        for widget in app.topLevelWidgets():
            widget.update()
