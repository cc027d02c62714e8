"""Import and export through the File menu run in a worker thread; Cancel changes nothing and writes nothing."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QInputDialog

from annotator.core.formats import registry
from annotator.core.store import Store
from annotator.gui import actions as A
from annotator.gui.controllers import files as file_actions
from annotator.gui.background import cancel_running

from gui_helpers import colleague_set, tag


def digest(window) -> str:
    window.session.store.checkpoint()
    return hashlib.sha256(Path(window.session.store.path).read_bytes()).hexdigest()


def spy(monkeypatch, name: str) -> list[threading.Thread]:
    """Record the thread each call of ``file_actions.<name>`` runs in."""
    threads = []
    real = getattr(file_actions, name)

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(file_actions, name, recording)
    return threads


def gate(monkeypatch, name: str) -> threading.Event:
    """Hold ``file_actions.<name>`` at its first progress call until the returned event is set."""
    release = threading.Event()
    real = getattr(file_actions, name)

    def held(*args, progress, **kwargs):
        def slow(done, total=None, *rest):
            release.wait(2)
            progress(done, total, *rest)

        return real(*args, progress=slow, **kwargs)

    monkeypatch.setattr(file_actions, name, held)
    return release


def spy_writer(monkeypatch, name: str) -> list[threading.Thread]:
    """Record the thread each write of the registry's format ``name`` runs in."""
    threads = []
    fmt = registry.FORMATS[name]

    def recording(*args):
        threads.append(threading.current_thread())
        return fmt.writer(*args)

    monkeypatch.setitem(registry.FORMATS, name, fmt._replace(writer=recording))
    return threads


def cancel_soon(release: threading.Event) -> None:
    def press():
        cancel_running()
        release.set()

    QTimer.singleShot(50, press)


@pytest.fixture(name="colleague_set")
def colleague_set_file(window, tmp_path, monkeypatch):
    return colleague_set(window, tmp_path, monkeypatch)

def test_import_runs_in_the_background_and_the_window_shows_it(window, colleague_set, monkeypatch, errors):
    threads = spy(monkeypatch, "import_json_file")
    window.actions[A.IMPORT_SET_AS].trigger()
    assert threads and threads[0] is not threading.main_thread()
    anns = window.session.store.annotations()
    assert sorted(a.annotator for a in anns) == ["bob", "tester"]
    assert window.dock.visible_count() == 2
    assert len(window.panes[0].view.span_ids_at(anns[0].start)) == 2
    assert window.session.undo_stack.undoText() == "Import 1 annotation from theirs.json"
    assert window.statusBar().currentMessage().startswith("1 annotation imported")
    assert errors == []


def test_cancelled_import_changes_nothing(window, colleague_set, monkeypatch, errors):
    before = digest(window)
    count = len(window.session.store.annotations())
    cancel_soon(gate(monkeypatch, "import_json_file"))
    window.actions[A.IMPORT_SET_AS].trigger()
    assert window.statusBar().currentMessage() == "Import cancelled; nothing was changed."
    assert errors == []
    assert len(window.session.store.annotations()) == count
    assert digest(window) == before


def test_a_big_set_is_imported_in_a_child_process(window, colleague_set, monkeypatch, errors):
    """Big files are parsed in a child process (ijson's C parser holds the interpreter lock for long stretches)."""
    monkeypatch.setattr(file_actions, "CHILD_IMPORT_FROM", 0)
    children = []
    real = file_actions.run_in_process
    monkeypatch.setattr(file_actions, "run_in_process", lambda *a, **k: children.append(a[1]) or real(*a, **k))
    window.actions[A.IMPORT_SET_AS].trigger()
    assert errors == [] and children == [file_actions.import_json_file_into]
    assert window.statusBar().currentMessage().startswith("1 annotation imported")
    assert sorted(a.annotator for a in window.session.store.annotations()) == ["bob", "tester"]


def test_cancelling_a_child_import_changes_nothing(window, colleague_set, monkeypatch, errors):
    monkeypatch.setattr(file_actions, "CHILD_IMPORT_FROM", 0)
    before = digest(window)
    QTimer.singleShot(30, cancel_running)  # the child takes longer than this just to start
    window.actions[A.IMPORT_SET_AS].trigger()
    assert window.statusBar().currentMessage() == "Import cancelled; nothing was changed."
    assert errors == [] and len(window.session.store.annotations()) == 1
    assert digest(window) == before


def test_import_from_project_runs_in_the_background(window, tmp_path, monkeypatch, errors):
    store = window.session.store
    doc = store.document(store.documents()[0].id)
    text = store.document_text(doc.id)
    other_path = tmp_path / "carol.sqlite"
    with Store.open(other_path, create=True) as other:
        other.add_document(text, doc.title, doc.source, doc.published, doc.url)
        start = text.index("Steve Witkoff")
        other.add_annotation(doc.id, "Actor", start, start + len("Steve Witkoff"), "carol")
    threads = spy(monkeypatch, "import_json")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other_path), ""))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("", True))  # keep the names in the file
    window.actions[A.IMPORT_PROJECT].trigger()
    assert errors == []
    assert threads and threads[0] is not threading.main_thread()
    assert [a.annotator for a in window.session.store.annotations()] == ["carol"]
    assert window.dock.visible_count() == 1


def test_export_runs_in_the_background(window, tmp_path, monkeypatch, errors):
    tag(window, 0, "Steve Witkoff", "Actor")
    threads = spy_writer(monkeypatch, "csv")
    out = tmp_path / "set.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.actions[A.EXPORT_CSV].trigger()
    assert errors == []
    assert threads and threads[0] is not threading.main_thread()
    assert "Steve Witkoff" in out.read_text(encoding="utf-8")
    assert window.statusBar().currentMessage() == f"1 annotation exported to {out}."


def hold_export(monkeypatch) -> threading.Event:
    """The JSON writer writes half a file, then waits for the returned event before its first progress call."""
    release = threading.Event()
    fmt = registry.FORMATS["json"]

    def held(store, fh, selection, progress, options):
        fh.write('{\n  "format": ')
        release.wait(2)
        progress(0, None)
        return fmt.writer(store, fh, selection, progress, options)

    monkeypatch.setitem(registry.FORMATS, "json", fmt._replace(writer=held))
    return release


def test_cancelled_export_writes_nothing(window, tmp_path, monkeypatch, errors):
    tag(window, 0, "Steve Witkoff", "Actor")
    new, old = tmp_path / "new.json", tmp_path / "old.json"
    old.write_text("yesterday's export", encoding="utf-8")
    for target in (new, old):
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, target=target, **k: (str(target), ""))
        with monkeypatch.context() as m:
            cancel_soon(hold_export(m))
            window.actions[A.EXPORT_JSON].trigger()
        assert window.statusBar().currentMessage() == f"Export cancelled; {target.name} was not written."
    assert errors == []
    assert not new.exists()
    assert old.read_text(encoding="utf-8") == "yesterday's export"
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".json", ".tmp")) == ["old.json"]
