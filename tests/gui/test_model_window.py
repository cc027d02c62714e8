"""Model suggestions in the window, against the scripted chat-completions server (tests/llm/chat_server.py).

Configure → run → both panes show the model's suggestions → Enter accepts one (origin = provenance, empty note)
→ undo; bulk accept by label and confidence as one step; a second run answers from the cache; Cancel on a slow
run leaves the project as it was; a remote host without consent is sent nothing; a malformed answer is one
sentence and changes nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton

from annotator.core.llm.endpoint import make_endpoint
from annotator.gui import actions as A
from annotator.gui import background
from annotator.gui.dialogs.model_dialog import ModelDialog, ModelRun
from annotator.gui.settings import settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "llm"))
from chat_server import ChatServer  # noqa: E402  (tests/llm is not a package)


def start_with(monkeypatch, url: str, model: str = "test-model", consent: bool = False) -> list:
    """Make Analyse > Model suggestions… fill in ``url`` and ``model`` and press Start (the dialog is modal);
    the dialogs opened are returned."""
    opened = []

    def run(dialog):
        opened.append(dialog)
        dialog.url.setText(url)
        dialog.model.setEditText(model)
        if consent:
            dialog.consent.setChecked(True)
        dialog.start()
        return dialog.result()

    monkeypatch.setattr(ModelDialog, "exec", run)
    return opened


def posts(server) -> list:
    return [r for r in server.requests if r.method == "POST"]


def model_styles(view) -> dict:
    return {sid: s for sid, s in view.span_styles().items() if sid.startswith("model|")}


def project_state(store):
    return (store.annotations(), store.links(), store.model_runs(), sorted(store.rejected_suggestions(d.id)
                                                                          for d in store.documents()))


def test_run_shows_suggestions_in_both_panes_and_enter_accepts_with_provenance(window, qtbot, monkeypatch):
    store = window.session.store
    with ChatServer("good") as server:
        start_with(monkeypatch, server.base_url)
        window.actions[A.MODEL_RUN].trigger()
        assert posts(server)  # asked only once Start was pressed
    left, right = (p.view for p in window.panes)
    for view in (left, right):
        styles = model_styles(view)
        assert styles and all(s.dashed for s in styles.values())
    figures = {sid: s for sid, s in window.model.found.items()
               if s.label == "Figure" and s.document == window.panes[1].document_id}
    sid, suggestion = next(iter(figures.items()))
    style = right.span_styles()[sid]
    assert style.tooltip.startswith(f"Suggested Figure by test-model (confidence {suggestion.confidence:.2f}): ")
    assert style.tooltip.endswith("Enter accepts, Backspace rejects")
    assert right.text()[style.start:style.end] == suggestion.quote
    # Settings remember the endpoint and the model, never a key.
    remembered = settings()
    assert remembered.value("model/base_url") == server.base_url and remembered.value("model/name") == "test-model"
    assert not any("key" in k.lower() for k in remembered.allKeys())
    # Enter (a real key event) on the selected suggestion accepts it: provenance in origin, the note empty.
    window.focus_pane(1)
    right.select_span(sid)
    right.setFocus()
    qtbot.keyClick(right, Qt.Key.Key_Return)
    [ann] = store.annotations()
    assert (ann.label, ann.start, ann.end, ann.note) == ("Figure", suggestion.start, suggestion.end, "")
    assert ann.origin == suggestion.origin and ann.origin.startswith("model test-model")
    assert "prompt spans-1" in ann.origin and suggestion.reason in ann.origin
    assert not right.has_span(sid) and right.has_span(ann.id)
    assert window.session.undo_stack.undoText().startswith("Accept model suggestion")
    window.session.undo_stack.undo()
    assert store.annotations() == [] and right.has_span(sid)
    # Backspace rejects one: hidden, in the store's rejected suggestions; undo shows it again.
    right.select_span(sid)
    qtbot.keyClick(right, Qt.Key.Key_Backspace)
    assert not right.has_span(sid)
    assert ("Figure", suggestion.start, suggestion.end) in store.rejected_suggestions(suggestion.document)
    window.session.undo_stack.undo()
    assert right.has_span(sid) and store.annotations() == []


def test_bulk_accept_by_label_and_confidence_is_one_undo_step(window, qtbot, monkeypatch):
    store = window.session.store
    with ChatServer("good") as server:
        start_with(monkeypatch, server.base_url)
        window.actions[A.MODEL_RUN].trigger()
    dock = window.model.dock
    assert dock.isVisible() and dock.summary.text().startswith("test-model: ")
    everything = dock.table.rowCount()
    dock.label_filter.setCurrentText("Actor")
    dock.min_confidence.setValue(0.5)
    actors = dock.shown()
    assert actors and all(s.label == "Actor" and s.confidence >= 0.5 for _, s in actors)
    assert dock.table.rowCount() == len(actors) < everything
    dock.min_confidence.setValue(0.95)  # the scripted model gives actors 0.7: none passes
    assert dock.table.rowCount() == 0 and not dock.accept_button.isEnabled()
    dock.min_confidence.setValue(0.5)
    # A double click on a row selects its span in the pane showing its document.
    sid, first = actors[0]
    cell = dock.table.visualRect(dock.table.model().index(0, 2)).center()
    qtbot.mouseClick(dock.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)  # Qt's double click: a press
    qtbot.mouseDClick(dock.table.viewport(), Qt.MouseButton.LeftButton, pos=cell)  # on the row, then this
    index = window.pane_state.index_of(first.document)
    assert window.pane_state.active == index and window.panes[index].view.selected_span() == sid
    depth = window.session.undo_stack.count()
    dock.accept_button.click()
    accepted = store.annotations()
    assert sorted((a.document, a.start, a.end) for a in accepted) == sorted(
        (s.document, s.start, s.end) for _, s in actors)
    assert {a.label for a in accepted} == {"Actor"} and all(a.origin.startswith("model ") for a in accepted)
    assert window.session.undo_stack.count() == depth + 1
    assert dock.table.rowCount() == 0  # accepted ones leave the table
    window.session.undo_stack.undo()
    assert store.annotations() == [] and dock.table.rowCount() == len(actors)
    dock.label_filter.setCurrentText("All labels")
    dock.reject_button.click()
    assert dock.table.rowCount() == 0 and not model_styles(window.panes[0].view)
    window.session.undo_stack.undo()
    assert dock.table.rowCount() == everything


def test_a_second_run_answers_from_the_cache(window, monkeypatch):
    with ChatServer("good") as server:
        start_with(monkeypatch, server.base_url)
        first = window.model.run(ModelRun(make_endpoint(server.base_url, "test-model"),
                                          window.pane_state.shown(), ["Figure", "Actor"]))
        asked = len(posts(server))
        assert first.asked == asked > 0 and first.cached == 0
        second = window.model.run(ModelRun(make_endpoint(server.base_url, "test-model"),
                                           window.pane_state.shown(), ["Figure", "Actor"]))
        assert len(posts(server)) == asked  # nothing sent again
    assert second.cached == asked and second.kept == first.kept
    assert window.session.store.model_runs() == [("test-model", "spans-1")]


def test_cancel_a_slow_run_keeps_the_window_responsive_and_writes_nothing(window, qtbot, monkeypatch):
    store = window.session.store
    before = project_state(store)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)

    def press_cancel():
        dialog = background._running[-1].dialog if background._running else None
        if dialog is not None and dialog.isVisible():
            watcher.stop()
            dialog.findChild(QPushButton).click()

    watcher = QTimer()
    watcher.timeout.connect(press_cancel)
    watcher.start(50)
    with ChatServer("slow") as server:
        server.script.slow_seconds = 60  # far longer than the test: only Cancel ends the request
        start_with(monkeypatch, server.base_url)
        window.actions[A.MODEL_RUN].trigger()
        assert len(posts(server)) >= 1
    timer.stop()
    assert ticks  # the event loop ran while the model was asked
    assert project_state(store) == before and window.model.found == {}
    assert "cancelled" in window.statusBar().currentMessage().lower()
    assert window.findChild(QProgressDialog, background.DIALOG_NAME) is None or not background._running


def test_a_remote_host_without_consent_is_sent_nothing(window, errors):
    store = window.session.store
    with ChatServer("good") as server:
        remote = server.base_url.replace("127.0.0.1", "0.0.0.0")  # this machine, but not a local name
        host = remote.split("/")[2]
        dialog = ModelDialog(store, [(d.id, d.title) for d in store.documents()], window.pane_state.shown(),
                             ["Figure"], window)
        dialog.url.setText(remote)
        dialog.model.setEditText("test-model")
        assert dialog.host_line.text() == f"Documents will be sent to {host}."
        assert dialog.consent.text() == f"Allow sending this project's documents to {host}"
        assert not dialog.start_button.isEnabled() and not dialog.list_button.isEnabled()
        assert dialog.message.text().startswith(f"Nothing is sent to {host} until you allow it")
        dialog.start()
        assert dialog.result() != ModelDialog.DialogCode.Accepted
        # The controller refuses too (a run started any other way): one sentence, nothing sent.
        assert window.model.run(ModelRun(make_endpoint(remote, "test-model"), window.pane_state.shown(),
                                         ["Figure"])) is None
        assert server.requests == []
        assert len(errors) == 1 and "0.0.0.0" in errors[0] and "\n" not in errors[0]
        # Ticking the box records the consent in the project; clearing it withdraws it.
        dialog.consent.setChecked(True)
        assert host in store.model_hosts_allowed() and dialog.start_button.isEnabled()
        dialog.consent.setChecked(False)
        assert host not in store.model_hosts_allowed() and not dialog.start_button.isEnabled()
        assert server.requests == []
        dialog.close()


def test_a_malformed_answer_is_one_sentence_and_changes_nothing(window, monkeypatch, errors):
    store = window.session.store
    before = project_state(store)
    with ChatServer("malformed") as server:
        start_with(monkeypatch, server.base_url)
        window.actions[A.MODEL_RUN].trigger()
        assert posts(server)
    assert len(errors) == 1 and "\n" not in errors[0] and errors[0].endswith(".")
    assert project_state(store) == before
    assert "failed" in window.model.dock.summary.text()


def test_list_models_fills_the_names_and_says_why_not(window, qtbot):
    store = window.session.store
    dialog = ModelDialog(store, [(d.id, d.title) for d in store.documents()], [], ["Figure"], window)
    qtbot.addWidget(dialog)
    with ChatServer("good") as server:
        dialog.url.setText(server.base_url)
        dialog.model.setEditText("")
        assert not dialog.start_button.isEnabled()
        dialog.list_button.click()
        assert [dialog.model.itemText(i) for i in range(dialog.model.count())] == ["test-model"]
        assert dialog.model.currentText() == "test-model" and dialog.start_button.isEnabled()
        closed = server.base_url
    dialog.url.setText(closed)  # the server is gone: nothing answers there
    dialog.list_button.click()
    message = dialog.message.text()
    assert message and "\n" not in message and "Traceback" not in message
    assert "API key" in dialog.key_line.text() and "ANNOTATOR_MODEL_API_KEY" in dialog.key_line.text()


@pytest.mark.parametrize("key", [None, "sk-test-not-shown"])
def test_the_key_line_says_where_the_key_comes_from_never_its_value(window, qtbot, monkeypatch, key):
    if key is None:
        monkeypatch.delenv("ANNOTATOR_MODEL_API_KEY", raising=False)
    else:
        monkeypatch.setenv("ANNOTATOR_MODEL_API_KEY", key)
    store = window.session.store
    dialog = ModelDialog(store, [(d.id, d.title) for d in store.documents()], [], ["Figure"], window)
    qtbot.addWidget(dialog)
    text = dialog.key_line.text()
    assert "ANNOTATOR_MODEL_API_KEY" in text
    assert ("one was found" in text) == (key is not None)
    assert key is None or key not in text
