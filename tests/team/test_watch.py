"""The watcher: a colleague's commit reaches a watching project through LISTEN/NOTIFY (or polling), and the
project's own edits are pushed without being asked."""

from __future__ import annotations

import queue
import threading

import pytest

from annotator.core.team.watch import Watcher
from sync_helpers import make_crew, seed_documents, tag


@pytest.fixture
def crew(team, tmp_path, monkeypatch):
    return make_crew(team, tmp_path, monkeypatch)


def _watch(crew, who: str, poll=None):
    events: queue.Queue = queue.Queue()
    stop = threading.Event()
    store = crew.store(who)
    watcher = Watcher(store, store.team().url, events.put, poll=poll, stop=stop.is_set)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    return watcher, events, stop, thread, store


def _next_with(events: queue.Queue, predicate, timeout: float = 20.0):
    while True:
        event = events.get(timeout=timeout)
        if predicate(event):
            return event


@pytest.mark.parametrize("poll", [None, 0.2], ids=["listen", "poll"])
def test_a_colleagues_tag_arrives_and_own_edits_leave(crew, poll):
    with crew.store("lea") as store:
        a, _ = seed_documents(store)
    crew.join("lea")
    crew.join("alice")
    crew.join("bob")
    watcher, events, stop, thread, store = _watch(crew, "alice", poll)
    try:
        with crew.store("bob") as bob:
            ann = tag(bob, a, "Witkoff", "Actor", crew.name("bob"))
        crew.sync("bob")
        got = _next_with(events, lambda e: e.result is not None and e.result.arrivals.added.get(a))
        assert got.result.arrivals.added[a] == [ann.id] and got.polling == (poll is not None)
        with crew.store("alice") as mine:  # another connection (the window, a command) edits the project
            own = tag(mine, a, "Zelensky", "Actor", crew.name("alice"))
        _next_with(events, lambda e: e.result is not None and e.result.pushed.get("annotations"))
        assert crew.admin("SELECT owner::text FROM annotator.annotations WHERE id = %s", (own.id,)) == [
            (crew.name("alice"),)]
    finally:
        stop.set()
        thread.join(10)
        store.close()
    assert not thread.is_alive()


def test_the_watcher_says_offline_once_and_pushes_when_back(crew):
    with crew.store("lea") as store:
        a, _ = seed_documents(store)
    crew.join("lea")
    crew.join("alice")
    watcher, events, stop, thread, store = _watch(crew, "alice")
    try:
        crew.admin("ALTER ROLE " + crew.name("alice") + " NOLOGIN")
        crew.admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (crew.name("alice"),))
        offline = _next_with(events, lambda e: e.offline is not None)
        assert "team server" in offline.offline
        with crew.store("alice") as mine:
            tag(mine, a, "Witkoff", "Actor", crew.name("alice"))
        crew.admin("ALTER ROLE " + crew.name("alice") + " LOGIN")
        back = _next_with(events, lambda e: e.result is not None and e.result.pushed.get("annotations"))
        assert back.waiting == 0
    finally:
        stop.set()
        thread.join(10)
        store.close()
