"""Start-up checks: where Qt would abort, annotator says why in one sentence."""

from __future__ import annotations

import ctypes.util

import pytest

from annotator.core.errors import AnnotatorError
from annotator.gui.app import XCB_LIBRARIES, check_display, x_server_answers


def found(lib):
    return f"lib{lib}.so"


def test_no_display_on_linux_is_explained():
    with pytest.raises(AnnotatorError, match="No display found"):
        check_display({}, "linux", found)


def test_missing_xcb_libraries_are_named_with_their_packages():
    with pytest.raises(AnnotatorError, match="sudo apt-get install libxcb-cursor0 libxcb-icccm4$"):
        check_display({"DISPLAY": ":0"}, "linux", lambda lib: None if lib in ("xcb-cursor", "xcb-icccm") else "x")


@pytest.mark.parametrize(
    "env", [{"QT_QPA_PLATFORM": "offscreen"}, {"WAYLAND_DISPLAY": "wayland-0"}, {"DISPLAY": ":0"}]
)
def test_usable_platforms_pass(env):
    check_display(env, "linux", found, answers=lambda display: True)


def test_a_display_no_x_server_answers_at_is_explained():
    with pytest.raises(AnnotatorError, match="No X server answers at DISPLAY=:99"):
        check_display({"DISPLAY": ":99"}, "linux", found, answers=lambda display: False)


def test_the_x_server_probe_tells_a_dead_display_from_a_live_one():
    if ctypes.util.find_library("xcb") is None:
        pytest.skip("libxcb is not installed here")
    assert x_server_answers(":98765") is False  # no server there, on any machine
    assert x_server_answers(":0", find=lambda lib: None) is True  # no libxcb: Qt's message will say more


def test_other_systems_are_not_checked():
    check_display({}, "darwin", lambda lib: None)
    assert "xcb-cursor" in XCB_LIBRARIES


def test_opening_a_foreign_file_shows_one_message_and_leaves_it_alone(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from annotator.gui import app as gui_app

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text))
    foreign = tmp_path / "notes.sqlite"
    foreign.write_text("not a database", encoding="utf-8")
    gui_app.application()
    assert gui_app.open_window(foreign, gui_app.settings(), user="tester") is None
    assert len(shown) == 1 and "not an annotator project" in shown[0]
    assert foreign.read_text(encoding="utf-8") == "not a database"


def test_a_named_project_is_created_empty_with_default_labels(qtbot, tmp_path):
    from annotator.gui import app as gui_app

    gui_app.application()
    path = tmp_path / "case.sqlite"
    win = gui_app.open_window(path, gui_app.settings(), user="tester")
    qtbot.addWidget(win)
    try:
        assert path.exists()
        assert win.session.store.documents() == []
        assert [lb.name for lb in win.session.store.labels()] == ["Claim", "Actor", "Figure", "Plan point"]
        assert win.panes[0].document_id is None
        win.apply_label("Actor")  # nothing to tag: a status message, no crash
        assert "Open a document first" in win.statusBar().currentMessage()
    finally:
        win.close()
        win.session.store.close()
        gui_app._WINDOWS.clear()


def test_name_is_asked_once_then_remembered(qtbot, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from annotator.gui import app as gui_app

    monkeypatch.delenv("ANNOTATOR_USER")
    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: asked.append(k.get("text")) or ("Alice", True))
    gui_app.application()
    settings = gui_app.settings()
    assert gui_app.resolve_user(settings, None) == "Alice"
    assert gui_app.resolve_user(gui_app.settings(), None) == "Alice"
    assert len(asked) == 1 and asked[0]  # defaulted to the OS user name
    assert gui_app.resolve_user(settings, "bob") == "bob"  # --user wins
