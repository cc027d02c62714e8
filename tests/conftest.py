"""Shared test set-up: headless Qt and a private ANNOTATOR_HOME for every test."""

import os

# Must happen before any QApplication exists (pytest-qt creates it lazily).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("QT_SCALE_FACTOR", None)

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def annotator_home(tmp_path, monkeypatch):
    """Every test gets a fresh ANNOTATOR_HOME so nothing touches the real user directory."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("ANNOTATOR_HOME", str(home))
    monkeypatch.setenv("ANNOTATOR_USER", "tester")
    return home
