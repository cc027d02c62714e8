"""GUI fixtures: a main window on a fresh default project (seeded), closed after the test."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from annotator.gui import app as gui_app
from annotator.gui.dialogs.scheme_editor import SchemeEditor
from annotator.gui.views.document_view import DocumentView


@pytest.fixture
def window(qtbot, annotator_home):
    """The main window as a first start shows it: the default project with both seeds side by side."""
    gui_app.application()
    win = gui_app.open_window(None, gui_app.settings(), user="tester")
    assert win is not None
    qtbot.addWidget(win)
    qtbot.waitExposed(win)
    yield win
    win.close()
    win.session.store.close()
    gui_app._WINDOWS.clear()


@pytest.fixture
def errors(monkeypatch):
    """Messages the window shows in a warning box (patched: a real one would block the test)."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    return shown


@pytest.fixture(autouse=True)
def no_blocking_questions(monkeypatch):
    """A yes/no question the test did not expect answers Yes instead of blocking the run (tests that care patch
    ``QMessageBox.question`` themselves)."""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)


@pytest.fixture
def view(qtbot):
    """A document view of its own (520 x 360), shown: the text widget without a window around it."""
    widget = DocumentView()
    widget.resize(520, 360)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def editor(window, qtbot):
    """The label scheme editor of ``window``, shown."""
    dialog = SchemeEditor(window.session, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog
