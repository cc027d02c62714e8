"""Team sync in the window against a real server: a colleague's tag patched in live, undo kept, status, dock, offline.

Alice's project is open in a real main window; Bob (and Lea, the lead) sync their own projects from the test, as
another machine would. Every wait is on an observable state (qtbot.waitUntil), never on a timing.
"""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from annotator.core.team.connect import connect
from annotator.core.team.members import remove_member
from annotator.gui import app as gui_app
from annotator.gui.commands import imports
from annotator.gui import team_worker
from sync_helpers import make_crew, seed_documents, tag

WAIT = 20000  # ms: generous for a loaded machine; every wait ends as soon as its state is reached


@pytest.fixture
def crew(team, tmp_path, monkeypatch):
    crew = make_crew(team, tmp_path, monkeypatch)
    with crew.store("lea") as store:
        crew.docs = seed_documents(store)
    for who in ("lea", "alice", "bob"):
        crew.join(who)
    return crew


@pytest.fixture
def open_window(qtbot, monkeypatch):
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    gui_app.application()
    opened = []

    def open_(path):
        window = gui_app.open_window(str(path), gui_app.settings(), user="tester")
        assert window is not None
        qtbot.addWidget(window)
        opened.append(window)
        return window

    yield open_
    for window in opened:
        window.close()
        window.session.store.close()
    gui_app._WINDOWS.clear()


def team_text(window) -> str:
    return window.findChild(QLabel, "team_status").text()


def tag_in_window(window, pane: int, quote: str, label: str) -> str:
    view = window.panes[pane].view
    start = view.text().index(quote)
    window.pane_state.set_active(pane)
    view.set_selection(start, start + len(quote))
    window.apply_label(label)
    return view.selected_span()


def synced_window(open_window, crew, qtbot, who="alice"):
    window = open_window(crew.project(who))
    qtbot.waitUntil(lambda: team_text(window) == "team: synced", timeout=WAIT)
    return window


def test_a_colleagues_tag_is_patched_in_and_the_undo_history_stays(crew, open_window, qtbot):
    window = synced_window(open_window, crew, qtbot)
    a = crew.docs[0]
    assert window.pane_document(0) == a
    assert window.session.user == crew.name("alice")  # a member's own rows carry their login
    mine = [tag_in_window(window, 0, q, "Actor") for q in ("Witkoff", "Zelensky", "Driscoll")]
    assert team_text(window) == "team: syncing…"  # saved here, being pushed
    assert window.session.undo_stack.count() == 3
    deltas, patched = [], []
    window.session.annotations_changed.connect(lambda doc: deltas.append((doc, window.session.delta)))
    window.sync.patched.connect(lambda delta, *_: patched.append(delta))
    qtbot.waitUntil(lambda: window.session.store.waiting_edits() == 0, timeout=WAIT)  # pushed at once
    qtbot.waitUntil(lambda: team_text(window) == "team: synced", timeout=WAIT)

    with crew.store("bob") as store:
        bobs = tag(store, a, "at least six people", "Figure", crew.name("bob")).id
    crew.sync("bob")
    qtbot.waitUntil(lambda: bobs in window.sync.spans, timeout=WAIT)

    arrived = [(doc, delta) for doc, delta in deltas if delta is not None and bobs in delta.added]
    assert [(doc, delta.added) for doc, delta in arrived] == [(a, (bobs,))]  # the delta path, not a re-read
    assert all(delta is not None for _, delta in deltas)  # no announcement without a delta: nothing re-read whole
    assert any(bobs in d.added for d in patched)
    assert window.panes[0].view.has_span(bobs)
    assert window.external.changed_now() is False  # the sync's commits are not "another program"
    assert window.session.undo_stack.count() == 3
    window.session.undo_stack.undo()
    assert not window.session.store.has_annotation(mine[2]) and mine[2] not in window.sync.spans
    assert window.session.store.has_annotation(bobs) and bobs in window.sync.spans
    assert window.session.undo_stack.count() == 3 and window.session.undo_stack.index() == 2
    qtbot.waitUntil(lambda: crew.admin("SELECT deleted FROM annotator.annotations WHERE id = %s",
                                       (mine[2],)) == [(True,)], timeout=WAIT)  # the undo is pushed too
    assert window.external.changed_now() is False and window.session.undo_stack.count() == 3


def test_status_bar_and_team_dock_show_the_team(crew, open_window, qtbot):
    window = synced_window(open_window, crew, qtbot)
    label = window.findChild(QLabel, "team_status")
    tip = label.toolTip()
    assert crew.name("alice") in tip and crew.url("alice") in tip and "Last sync:" in tip
    dock = window.team.dock
    assert dock.toggleViewAction() in window.menuBar().actions()[2].menu().actions()  # View > Team
    tag_in_window(window, 0, "Zelensky", "Actor")  # her own tag comes back with the next pull: not an arrival
    qtbot.waitUntil(lambda: window.session.store.waiting_edits() == 0, timeout=WAIT)
    with crew.store("bob") as store:
        tag(store, crew.docs[0], "Witkoff", "Actor", crew.name("bob"))
        tag(store, crew.docs[0], "Kyiv", "Actor", crew.name("bob"))
    crew.sync("bob")
    bob = crew.name("bob")
    qtbot.waitUntil(lambda: dock.arrivals.count() > 0, timeout=WAIT)
    assert dock.arrivals.item(0).text().endswith(f"{bob}: 2 annotations in Report A")
    assert [dock.arrivals.item(i).text() for i in range(dock.arrivals.count())
            if crew.name("alice") in dock.arrivals.item(i).text()] == []
    qtbot.waitUntil(lambda: dock.member_row(bob).get("Annotations") == "2", timeout=WAIT)
    qtbot.waitUntil(lambda: dock.member_row(crew.name("alice")).get("Annotations") == "1", timeout=WAIT)
    assert dock.member_row(crew.name("alice"))["State"] == "online"
    assert dock.member_row(crew.name("lea"))["Member"].endswith("(lead)")
    assert not dock.blind_project.isVisible()  # alice is not a lead
    worker = window.team.worker
    window.close()  # the sync's threads end on their own (daemons: quitting never waits for the network)
    qtbot.waitUntil(lambda: not worker.alive(), timeout=WAIT)
    assert worker.store.own_changes() == -1  # the sync's own connection was closed by its thread


def test_offline_edits_wait_and_are_pushed_when_the_server_is_back(crew, open_window, qtbot):
    window = synced_window(open_window, crew, qtbot)
    alice = crew.name("alice")
    crew.admin(f'ALTER ROLE "{alice}" NOLOGIN')
    crew.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (alice,))
    qtbot.waitUntil(lambda: team_text(window).startswith("offline"), timeout=WAIT)
    assert team_text(window) == "offline — 0 edits waiting"
    assert "Offline:" in window.findChild(QLabel, "team_status").toolTip()
    ids = [tag_in_window(window, 0, q, "Actor") for q in ("Witkoff", "Driscoll")]
    assert all(window.session.store.has_annotation(i) for i in ids)  # edits keep landing locally
    assert team_text(window) == "offline — 2 edits waiting"
    crew.admin(f'ALTER ROLE "{alice}" LOGIN')
    qtbot.waitUntil(lambda: team_text(window) == "team: synced", timeout=WAIT)
    on_server = crew.admin("SELECT id::text FROM annotator.annotations WHERE owner = %s AND NOT deleted", (alice,))
    assert sorted(r[0] for r in on_server) == sorted(ids)


def test_done_and_blind_coding_from_the_dock(crew, open_window, qtbot):
    lea = synced_window(open_window, crew, qtbot, "lea")
    dock = lea.team.dock
    a = lea.pane_document(0)
    assert dock.blind_project.isVisibleTo(dock) and dock.blind_document.isEnabled()
    dock.blind_document.click()  # a lead: blind coding for the current document, through the server
    qtbot.waitUntil(lambda: crew.admin("SELECT blind FROM annotator.blind WHERE document = %s", (a,)) == [(True,)],
                    timeout=WAIT)
    qtbot.waitUntil(lambda: lea.session.store.blind_documents().get(a) is True, timeout=WAIT)  # pulled back
    assert dock.blind_document.isChecked()
    dock.done_button.setFocus()
    qtbot.keyClick(dock.done_button, " ")  # keyboard: Space on the focused button
    assert dock.done_button.isChecked() and a in lea.session.store.done_documents(crew.name("lea"))
    qtbot.waitUntil(lambda: crew.admin("SELECT count(*) FROM annotator.done WHERE document = %s AND owner = %s "
                                       "AND NOT deleted", (a, crew.name("lea"))) == [(1,)], timeout=WAIT)


def test_an_unjoined_project_gets_nothing_new(open_window, tmp_path):
    window = open_window(tmp_path / "solo.annotator")
    assert window.findChild(QLabel, "team_status") is None
    assert window.team.docks() == [] and window.team.worker is None


def test_the_status_bar_says_when_the_window_polls(crew, open_window, qtbot):
    """A server without LISTEN/NOTIFY (CockroachDB, YugabyteDB): the watcher polls, and the status bar says so."""
    window = synced_window(open_window, crew, qtbot)
    window.team.handle(team_worker.Synced("2026-01-01T00:00:00Z", 0, polling=True))
    assert team_text(window) == "team: polling every 2 s"
    window.team.handle(team_worker.Synced("2026-01-01T00:00:00Z", 3, polling=False))
    assert team_text(window) == "team: synced · 3 edits waiting"


def test_the_review_menu_holds_the_team_actions_and_the_server_refuses_a_member(crew, open_window, qtbot,
                                                                                 monkeypatch):
    """Every team entry of the Review menu works; a member's blind switch (hidden from members, triggered anyway as
    a stray shortcut would) is refused by the server in one sentence, and nothing changes on it."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    window = synced_window(open_window, crew, qtbot)
    review = window.menuBar().actions()[3].menu()
    entries = {a.objectName(): a for a in review.actions()}
    assert {"team.done", "team.blind_project", "team.blind_document"} <= set(entries)
    assert not entries["team.blind_project"].isVisible() and entries["team.done"].isVisible()
    entries["team.done"].trigger()
    assert crew.docs[0] in window.session.store.done_documents(crew.name("alice"))
    entries["team.blind_project"].setEnabled(True)
    entries["team.blind_project"].trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT)
    assert shown == ["the server refused: only a lead of this project can switch blind coding."]
    assert crew.admin("SELECT count(*) FROM annotator.blind") == [(0,)]
    assert not entries["team.blind_project"].isChecked()  # the switch shows the server's state again


def test_another_programs_commit_is_still_shown_whole_while_the_window_syncs(crew, open_window, qtbot):
    """The sync pushes another program's edit at once; the window must still take it for another program's (re-read,
    undo history cleared), not for the sync's own commit."""
    window = synced_window(open_window, crew, qtbot)
    tag_in_window(window, 0, "Witkoff", "Actor")
    qtbot.waitUntil(lambda: team_text(window) == "team: synced", timeout=WAIT)
    with crew.store("alice") as store:  # as annotator apply would, on the open project
        theirs = tag(store, crew.docs[0], "Kyiv", "Actor", crew.name("alice")).id
    qtbot.waitUntil(lambda: window.session.undo_stack.count() == 0, timeout=WAIT)
    assert theirs in window.sync.spans
    qtbot.waitUntil(lambda: crew.admin("SELECT count(*) FROM annotator.annotations WHERE id = %s",
                                       (theirs,)) == [(1,)], timeout=WAIT)  # and it was pushed


def test_an_import_in_the_window_keeps_its_undo_step_while_it_is_pushed(crew, open_window, qtbot, monkeypatch):
    window = synced_window(open_window, crew, qtbot)
    doc, alice = crew.docs[0], crew.name("alice")
    text = window.session.store.document_text(doc)
    anns = [{"id": f"00000000-0000-4000-8000-00000000000{i}", "document": doc, "label": "Actor",
             "start": text.index(q), "end": text.index(q) + len(q), "quote": q, "annotator": alice}
            for i, q in enumerate(("Witkoff", "Kyiv"))]
    path = crew.tmp / "set.json"
    path.write_text(json.dumps({"format": "annotator.annotation-set", "version": 1, "documents": [{"id": doc}],
                                "annotations": anns}), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.files.import_set(ask_name=False)
    assert window.session.undo_stack.count() == 1
    qtbot.waitUntil(lambda: crew.admin("SELECT count(*) FROM annotator.annotations WHERE owner = %s",
                                       (alice,)) == [(2,)], timeout=WAIT)  # pushed by the sync
    qtbot.waitUntil(lambda: team_text(window) == "team: synced", timeout=WAIT)
    assert window.external.changed_now() is False
    assert window.session.undo_stack.count() == 1
    monkeypatch.setattr(imports, "BACKGROUND_ROWS", 1)  # undone on a background job's connection, as a big one is
    window.session.undo_stack.undo()
    qtbot.waitUntil(lambda: crew.admin("SELECT count(*) FROM annotator.annotations WHERE owner = %s AND NOT deleted",
                                       (alice,)) == [(0,)], timeout=WAIT)  # the undo pushed as tombstones
    qtbot.waitUntil(lambda: team_text(window) == "team: synced", timeout=WAIT)
    assert window.external.changed_now() is False  # the job's commit and the sync's are the window's own
    assert window.session.undo_stack.count() == 1 and window.session.undo_stack.canRedo()


def test_another_programs_commit_is_shown_once_when_the_sync_notices_it_later(crew, open_window, qtbot):
    """Offline, another program's commit is shown by the window's own look; when the server is back and the sync
    pushes it, that same commit is not taken for another program's a second time (no second re-read)."""
    window = synced_window(open_window, crew, qtbot)
    alice = crew.name("alice")
    crew.admin(f'ALTER ROLE "{alice}" NOLOGIN')
    crew.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (alice,))
    qtbot.waitUntil(lambda: team_text(window).startswith("offline"), timeout=WAIT)
    with crew.store("alice") as store:
        theirs = tag(store, crew.docs[0], "Kyiv", "Actor", alice).id
    qtbot.waitUntil(lambda: theirs in window.sync.spans, timeout=WAIT)  # re-read whole: another program's
    assert "Another program changed this project" in window.statusBar().currentMessage()
    window.statusBar().clearMessage()
    crew.admin(f'ALTER ROLE "{alice}" LOGIN')
    qtbot.waitUntil(lambda: crew.admin("SELECT count(*) FROM annotator.annotations WHERE id = %s",
                                       (theirs,)) == [(1,)], timeout=WAIT)
    qtbot.waitUntil(lambda: team_text(window) == "team: synced", timeout=WAIT)
    assert window.external.changed_now() is False
    qtbot.wait(0)
    assert window.statusBar().currentMessage() == ""


def test_a_member_removed_by_a_lead_is_told_why_and_keeps_working_locally(crew, open_window, qtbot):
    window = synced_window(open_window, crew, qtbot)
    with connect(crew.url("lea")) as conn:
        remove_member(conn, crew.name("alice"))
    mine = tag_in_window(window, 0, "Witkoff", "Actor")
    qtbot.waitUntil(lambda: team_text(window).startswith("offline"), timeout=WAIT)
    assert team_text(window) == "offline — 1 edit waiting"
    assert "ask a lead to add you" in window.findChild(QLabel, "team_status").toolTip()
    assert window.session.store.has_annotation(mine) and window.session.undo_stack.count() == 1
