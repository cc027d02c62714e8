"""The language model (a second or two to load the first time) is never loaded on the GUI thread (issue 20)."""

from __future__ import annotations

import threading

import pytest
from builders import project_before
from py3langid.langid import LanguageIdentifier
from PySide6.QtWidgets import QApplication, QDialog

from annotator.core import language
from annotator.gui import actions as A
from annotator.gui import app as gui_app
from annotator.gui.dialogs.add_documents import AddDocumentsDialog


@pytest.fixture
def model_loads(monkeypatch):
    """The threads that load py3langid's model, from a state where it is not loaded yet."""
    threads: list[threading.Thread] = []
    real = LanguageIdentifier.from_model_file

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(LanguageIdentifier, "from_model_file", recording)
    language._identifier.cache_clear()
    yield threads
    language._identifier.cache_clear()


def test_adding_a_document_detects_its_language_off_the_gui_thread(model_loads, window, tmp_path, monkeypatch):
    assert model_loads == []  # the first start (seeds ship their language) did not load the model
    monkeypatch.setattr(AddDocumentsDialog, "exec", lambda dialog: QDialog.DialogCode.Accepted)
    path = tmp_path / "readout.md"
    path.write_text("# Kremlin readout\n\nДмитрий Песков заявил, что переговоры были полезными и конструктивными.\n",
                    encoding="utf-8")
    window.corpus.add_paths([str(path)])
    added = [d for d in window.session.store.documents() if d.title == "Kremlin readout"]
    assert [d.language for d in added] == ["ru"]
    assert len(model_loads) == 1 and model_loads[0] is not threading.main_thread()


def test_pasted_text_is_detected_off_the_gui_thread_too(model_loads, window, monkeypatch):
    monkeypatch.setattr(AddDocumentsDialog, "exec", lambda dialog: QDialog.DialogCode.Accepted)
    QApplication.clipboard().setText("Der Gesandte traf sich am Dienstag mit dem Präsidenten in Moskau.")
    window.actions[A.PASTE_DOCUMENT].trigger()
    assert window.session.store.documents()[-1].language == "de"
    assert len(model_loads) == 1 and model_loads[0] is not threading.main_thread()


def test_opening_an_older_project_upgrades_it_off_the_gui_thread(model_loads, qtbot, annotator_home, tmp_path):
    """Migration 0007 detects every document's language: opening a project made before it must not load the
    model on the GUI thread (the window would freeze while it loads)."""
    text = "Трамп отправит спецпосланника Стива Уиткоффа в Москву, чтобы обсудить мирный план по Украине."
    path = project_before(tmp_path / "old.sqlite", "0007_languages", {"sha256:r": text})
    gui_app.application()
    win = gui_app.open_window(str(path), gui_app.settings(), user="tester")
    assert win is not None
    qtbot.addWidget(win)
    try:
        assert win.session.store.document("sha256:r").language == "ru"
        assert len(model_loads) == 1 and model_loads[0] is not threading.main_thread()
    finally:
        win.close()
        win.session.store.close()
        gui_app._WINDOWS.clear()
