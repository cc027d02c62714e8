"""Dark mode and access: contrast over every label fill, View > Theme, accessible names, keyboard focus, spans announced."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit

from annotator.core.scheme import default_scheme, next_label_color
from annotator.gui import actions as A
from annotator.gui import app as gui_app
from annotator.gui import theme
from annotator.gui.accessibility import accessible_name, focus_areas, interactive_widgets
from annotator.gui.views.span_painting import FILL_ALPHA

from gui_helpers import tag

#: The default labels and every colour a new label can take (UI.md: Okabe–Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def test_wcag_formulas():
    assert theme.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast("#777777", "#777777") == pytest.approx(1.0)
    assert theme.blend("#ff0000", 255, "#000000") == "#ff0000"
    assert theme.blend("#ffffff", 0, "#123456") == "#123456"


@pytest.mark.parametrize("name", ["light", "dark"])
def test_text_over_every_label_fill_meets_wcag_aa(name):
    text, page = theme.PAGE[name]
    made: list[str] = []
    for _ in range(300):  # a big imported code system's colours past the palette (issue 20)
        made.append(next_label_color(made))
    colors = set(PALETTE) | {lb.color for lb in default_scheme()} | set(made)
    for color in sorted(colors):
        fill = theme.blend(color, FILL_ALPHA, page)
        # Overlaps stack fills: two spans of the same colour under one word must still read.
        double = theme.blend(color, FILL_ALPHA, fill)
        for under in (fill, double):
            assert theme.contrast(text, under) >= 4.5, (name, color, under)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_marks_over_the_text_stand_out_from_the_page(name):
    _, page = theme.PAGE[name]
    assert theme.contrast(theme.PARTNER[name], page) >= 4.5
    assert theme.contrast(theme.PAGE[name][0], page) >= 7  # body text: AAA


def test_underline_lanes_and_outlines_stand_out_from_the_dark_page():
    """On the dark page marks keep 3:1 (WCAG non-text contrast), black labels too; the light page keeps UI.md's."""
    page = theme.PAGE["dark"][1]
    for color in PALETTE:
        mark = theme.mark_color(QColor(color), "dark")
        assert theme.contrast(mark.name(), page) >= theme.MARK_CONTRAST, (color, mark.name())
        assert theme.mark_color(QColor(color), "light") == QColor(color)
    assert theme.mark_color(QColor("#E69F00"), "dark") == QColor("#E69F00")  # colours that stand out stay


def test_theme_menu_switches_and_is_remembered(window):
    menu = window.findChild(type(window.menuBar().actions()[0].menu()), "theme_menu")
    assert menu is not None
    keys = [a.objectName() for a in menu.actions()]
    assert keys == ["view.theme_system", "view.theme_light", "view.theme_dark"]
    assert menu.actions()[0].isChecked()  # follows the system by default
    try:
        menu.actions()[2].trigger()
        assert theme.current() == "dark"
        assert QGuiApplication.palette().color(QPalette.ColorRole.Base) == QColor(theme.PAGE["dark"][1])
        assert window.settings.value("theme") == "dark"
        view = window.panes[0].view  # the style-sheeted panes follow too
        assert view.palette().color(QPalette.ColorRole.Base).lightness() < 60
        assert theme.partner_color() == QColor(theme.PARTNER["dark"])
        solid = QColor("#0072B2")
        assert theme.selected_outline(solid).lightness() > solid.lightness()
        assert window.reports.dock.chart_style().background == theme.PAGE["dark"][1]
        controller = theme.ThemeController(window.settings)  # a new window reads the choice back
        assert controller.choice == "dark"
    finally:
        menu.actions()[1].trigger()
    assert theme.current() == "light"
    assert theme.selected_outline(QColor("#0072B2")).lightness() < QColor("#0072B2").lightness()


def test_system_choice_follows_the_colour_scheme(monkeypatch, window):
    controller = window.reports.theme
    monkeypatch.setattr(theme, "system_is_dark", lambda: True)
    try:
        controller._system_changed(Qt.ColorScheme.Dark)
        assert theme.current() == "dark"
    finally:
        monkeypatch.setattr(theme, "system_is_dark", lambda: False)
        controller._system_changed(Qt.ColorScheme.Light)
    assert theme.current() == "light"


def test_every_interactive_widget_has_an_accessible_name(window, qtbot):
    window.actions[A.REPORTS].trigger()
    window.review_dock.show()
    widgets = interactive_widgets(window)
    assert len(widgets) > 30
    unnamed = [f"{type(w).__name__} {w.objectName()!r}" for w in widgets if not accessible_name(w).strip()]
    assert unnamed == []


def test_f6_moves_focus_through_panes_and_docks(window, qtbot):
    window.focus_pane(0)
    areas = focus_areas(window)
    assert areas[:2] == [window.panes[0].view, window.panes[1].view] and len(areas) >= 3
    seen = []
    for _ in range(len(areas)):
        window.actions[A.NEXT_AREA].trigger()
        seen.append(QGuiApplication.focusObject())
    assert seen[0] is window.panes[1].view and seen[1] is areas[2] and seen[-1] is window.panes[0].view
    window.actions[A.PREVIOUS_AREA].trigger()
    assert QGuiApplication.focusObject() is areas[-1]


def test_span_navigation_is_announced(window):
    ann = tag(window, 0, "Steve Witkoff", "Actor")
    view = window.panes[0].view
    view.select_span(None)
    assert view.accessibleDescription() == "no span selected"
    view.select_span(ann.id)
    assert view.accessibleDescription() == "Actor: “Steve Witkoff”, by tester"
    assert view.accessibleName() == "Left document"


def test_empty_project_shows_the_first_run_hint(qtbot, annotator_home, tmp_path):
    gui_app.application()
    win = gui_app.open_window(str(tmp_path / "empty.sqlite"), gui_app.settings(), user="tester")
    qtbot.addWidget(win)
    try:
        view = win.panes[0].view
        assert view.text() == "" and "File > Add documents" in view.placeholderText()
    finally:
        win.close()
        win.session.store.close()
        gui_app._WINDOWS.clear()


def test_a_light_start_leaves_the_platform_palette_alone(qapp, tmp_path):
    """At a light start the theme changes nothing: the platform's palette stays (and the start does not pay for
    the application's QStyle wrapper, issue 20); switching to dark and back still restores the style's own."""
    before = QPalette(QApplication.palette())
    platform = QPalette(before)
    platform.setColor(QPalette.ColorRole.Window, QColor("#f4f1ea"))  # a light palette the platform might give
    QApplication.setPalette(platform)
    try:
        controller = theme.ThemeController(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
        controller.choice = "light"
        controller.apply()
        assert QApplication.palette().color(QPalette.ColorRole.Window) == QColor("#f4f1ea")
        controller.choice = "dark"
        controller.apply()
        assert theme.current() == "dark"
        controller.choice = "light"
        controller.apply()
        assert theme.current() == "light"
        assert QApplication.palette() == QApplication.style().standardPalette()
    finally:
        QApplication.setPalette(before)


def test_widgets_are_named_at_the_event_loops_first_turn(qtbot, annotator_home):
    """The window is built and painted first; its widgets get their names right after (issue 20)."""
    gui_app.application()
    win = gui_app.open_window(None, gui_app.settings(), user="tester")
    qtbot.addWidget(win)
    try:
        search = win.findChild(QLineEdit, "search_query")
        assert search.accessibleName() == ""  # not yet: building the window did not walk every widget
        qtbot.waitUntil(lambda: search.accessibleName() != "")
        assert search.accessibleName().startswith("Search: ")
    finally:
        win.close()
        win.session.store.close()
        gui_app._WINDOWS.clear()
