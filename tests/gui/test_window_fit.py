"""A window that fits: first-start size within the screen, saved geometry only where it still fits, small screens."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QDockWidget

from annotator.gui import actions as A
from annotator.gui import app as gui_app
from annotator.gui.window_fit import FRAME_GUESS, dialog_size, fitted_geometry, first_geometry

LAPTOPS = [(0, 0, 1280, 800 - 32), (0, 0, 1366, 768 - 40), (0, 0, 1024, 700), (0, 0, 1920, 1080 - 48)]


def inside(r, s) -> bool:
    return r[0] >= s[0] and r[1] >= s[1] and r[0] + r[2] <= s[0] + s[2] and r[1] + r[3] <= s[1] + s[3]


@pytest.mark.parametrize("screen", LAPTOPS)
def test_first_start_fits_the_available_area(screen):
    rect, kept = fitted_geometry(None, [screen])
    assert not kept and inside(rect, screen)
    assert rect[2] <= 1400 and rect[3] <= 900
    # Centred, with room for the title bar the window manager adds.
    assert abs((rect[0] - screen[0]) - (screen[0] + screen[2] - rect[0] - rect[2])) <= 1
    assert rect[3] <= screen[3] - 20 or screen[3] > 940


def test_big_screen_gets_the_preferred_size():
    assert first_geometry((0, 0, 2560, 1400))[2:] == (1400, 900)


def test_saved_geometry_kept_only_where_it_fits():
    big = (0, 0, 1920, 1040)
    saved = (100, 80, 1400, 900)
    assert fitted_geometry(saved, [big]) == (saved, True)
    # The same layout on a laptop: shrunk and pulled onto the screen.
    laptop = (0, 0, 1280, 768)
    rect, kept = fitted_geometry(saved, [laptop])
    assert not kept and inside(rect, laptop)
    # A second monitor unplugged: the window was on it, it comes back to the one left.
    rect, kept = fitted_geometry((2000, 100, 1200, 800), [big])
    assert not kept and inside(rect, big)
    # Two monitors side by side: a window on the right one stays there.
    right = (1920, 0, 1280, 1024)
    assert fitted_geometry((2000, 50, 1100, 900), [big, right]) == ((2000, 50, 1100, 900), True)
    # Straddling both: moved wholly onto the one it mostly covers.
    rect, _ = fitted_geometry((1500, 50, 1000, 700), [big, right])  # 420 px on the left one, 580 on the right
    assert inside(rect, right)
    with pytest.raises(ValueError):
        fitted_geometry(None, [])


def test_window_opens_within_the_screen(window):
    screen = window.screen().availableGeometry()
    assert screen.contains(window.frameGeometry())


def test_off_screen_saved_geometry_is_not_restored(qtbot, annotator_home):
    settings = gui_app.settings()
    gui_app.application()
    win = gui_app.open_window(None, settings, user="tester")
    qtbot.addWidget(win)
    win.setGeometry(QRect(5000, 4000, 1400, 900))  # where no screen is
    win.save_state()
    win.close()
    win.session.store.close()
    again = gui_app.open_window(None, settings, user="tester")
    qtbot.addWidget(again)
    try:
        assert again.screen().availableGeometry().contains(again.frameGeometry())
    finally:
        again.close()
        again.session.store.close()
        gui_app._WINDOWS.clear()


def test_small_screen_keeps_every_pane_dock_and_label_usable(window, qtbot):
    """At 1024 × 700 nothing needs more room than there is: docks share tabs, labels stay reachable."""
    window.resize(1024, 700)
    qtbot.wait(20)
    window.actions[A.REPORTS].trigger()
    qtbot.wait(50)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1024 and hint.height() <= 700
    assert window.width() <= 1024 and window.height() <= 700
    area = window.rect()
    for pane in window.panes:
        r = QRect(pane.mapTo(window, pane.rect().topLeft()), pane.size())
        assert area.contains(r) and pane.width() >= 250 and pane.view.height() >= 150
    docks = [d for d in window.findChildren(QDockWidget) if d.isVisible()]
    assert docks
    for d in docks:
        if not d.visibleRegion().isEmpty():
            r = QRect(d.mapTo(window, d.rect().topLeft()), d.size())
            assert area.contains(r), d.objectName()
    for n in range(10):  # a long scheme: more labels than the bar has room for
        window.session.store.add_label(f"Custom label number {n}")
    window.session.labels_changed.emit()
    qtbot.wait(50)
    bar = window.label_bar
    assert len(bar.label_actions) == 14
    height_one_row = bar.buttons[0].sizeHint().height()
    shown = [b for b in bar.buttons if b.isVisible()]
    for button in shown:  # the keyed labels first, then as many as fit, in one row inside the window
        r = QRect(button.mapTo(window, button.rect().topLeft()), button.size())
        assert area.contains(r), button.text()
    assert [b.text()[0] for b in shown[:4]] == ["1", "2", "3", "4"]
    assert bar.height() < 1.5 * height_one_row + 12
    # The rest are one click away, counted on the overflow button; every key still works.
    more = bar.panel.more
    assert more.isVisible() and more.text() == f"More labels… ({14 - len(shown)})" and len(shown) < 14
    assert QRect(more.mapTo(window, more.rect().topLeft()), more.size()).right() <= area.right()
    window.resize(2500, 700)  # wide enough for all fourteen: no overflow
    qtbot.waitUntil(lambda: bar.hidden_labels() == 0 and not more.isVisible())



@pytest.mark.parametrize("screen", LAPTOPS)
def test_dialog_sizes_fit_the_available_area(screen):
    """A dialog's preferred size shrinks so that its frame (title bar included) fits the screen."""
    left, top, right, bottom = FRAME_GUESS
    w, h = dialog_size(screen, (900, 800))
    assert w + left + right <= screen[2] and h + top + bottom <= screen[3]
    assert dialog_size((0, 0, 2560, 1400), (900, 800)) == (900, 800)
    assert dialog_size((0, 0, 640, 480), (900, 800), minimum=(700, 300))[0] == 700  # never below what it needs
