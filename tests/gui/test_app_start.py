"""Start-up checks: where Qt would abort, annotator says why in one sentence."""

from __future__ import annotations

import pytest

from annotator.core.errors import AnnotatorError
from annotator.gui.app import XCB_LIBRARIES, check_display


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
    check_display(env, "linux", found)


def test_other_systems_are_not_checked():
    check_display({}, "darwin", lambda lib: None)
    assert "xcb-cursor" in XCB_LIBRARIES
