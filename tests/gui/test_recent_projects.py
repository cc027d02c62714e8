"""File > Open Recent: the projects opened last, newest first, missing files greyed out, "Clear list"."""

from __future__ import annotations

from gui_helpers import close_windows, open_project_window

from annotator.core.store import Store
from annotator.gui import app as gui_app
from annotator.gui.controllers.recent import KEEP, RECENT, recent_projects, remember_project




def _entries(window) -> list[tuple[str, bool]]:
    menu = window.recent.menu
    menu.aboutToShow.emit()  # what opening the menu does
    return [(a.text(), a.isEnabled()) for a in menu.actions() if not a.isSeparator()]


def test_open_recent_lists_the_last_projects_and_opens_one_in_place_of_the_window(qtbot, tmp_path, errors):
    paths = [tmp_path / f"{name}.sqlite" for name in ("alpha", "beta", "gone")]
    for path in paths:
        Store.open(path).close()
    try:
        for path in paths:  # each opened once, in turn: gone last, so newest
            close_windows()
            open_project_window(qtbot, path)
        paths[2].unlink()
        close_windows()
        window = open_project_window(qtbot, paths[0])
        file_menu = window.menuBar().actions()[0].menu()
        assert window.recent.menu.menuAction() in file_menu.actions()
        # This window's own project is not offered; the one whose file is gone is greyed out.
        assert _entries(window) == [("&1 gone.sqlite", False), ("&2 beta.sqlite", True), ("&Clear list", True)]
        # Choosing a missing one anyway (the file went away while the menu was open) says so and drops it.
        gone = window.recent.entries[str(paths[2].resolve())]
        gone.setEnabled(True)
        gone.trigger()
        assert errors and "gone.sqlite no longer exists" in errors[-1]
        assert str(paths[2].resolve()) not in recent_projects(gui_app.settings())
        # Choosing one opens it and closes this window, through the window's opener.
        window.recent.entries[str(paths[1].resolve())].trigger()
        opened = gui_app._WINDOWS[-1]
        assert opened is not window and opened.session.store.path.resolve() == paths[1].resolve()
        qtbot.waitUntil(lambda: not window.isVisible())
        assert recent_projects(gui_app.settings())[:2] == [str(p.resolve()) for p in (paths[1], paths[0])]
        assert _entries(opened)[0] == ("&1 alpha.sqlite", True)
        # Clear list forgets the others (the window's own project stays remembered).
        opened.recent.clear_action.trigger()
        assert _entries(opened) == [("&Clear list", False)]
        assert recent_projects(gui_app.settings()) == [str(paths[1].resolve())]
    finally:
        close_windows()


def test_the_recent_list_keeps_the_last_eight_without_duplicates(annotator_home, tmp_path):
    settings = gui_app.settings()
    assert recent_projects(settings) == []
    for i in range(KEEP + 3):
        remember_project(settings, tmp_path / f"p{i}.sqlite")
    remember_project(settings, tmp_path / "p5.sqlite")
    listed = recent_projects(settings)
    assert len(listed) == KEEP and listed[0].endswith("p5.sqlite") and len(set(listed)) == KEEP
    assert listed[1].endswith(f"p{KEEP + 2}.sqlite")
    settings.setValue(RECENT, str(tmp_path / "only.sqlite"))  # an ini list of one reads back as a string
    assert recent_projects(settings) == [str(tmp_path / "only.sqlite")]
