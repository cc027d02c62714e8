"""The sync commands as an analyst runs them: annotator team join, sync, team status, team done."""

from __future__ import annotations

import sqlite3

import pytest

from sync_helpers import make_crew, seed_documents, tag


@pytest.fixture
def crew(team, tmp_path, monkeypatch):
    return make_crew(team, tmp_path, monkeypatch)


def _dump(path) -> list:
    conn = sqlite3.connect(path)
    try:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("documents", "labels", "annotations", "links", "meta", "team_outbox")]
    finally:
        conn.close()


def test_join_prints_who_and_what_and_never_stores_a_password(crew, capsys):
    with crew.store("lea") as store:
        a, _ = seed_documents(store)
        tag(store, a, "Witkoff", "Actor", crew.name("lea"))
    url = crew.url("lea").replace("@", f":{crew.passwords['lea']}@", 1)  # a password in the URL itself
    assert crew.cli("team", "join", crew.project("lea"), url) == 0
    out = capsys.readouterr().out
    assert f"joined database {crew.db.name} as {crew.name('lea')} (lead)" in out
    assert "pushed 2 documents, 4 labels, 1 annotation" in out
    raw = crew.project("lea").read_bytes()
    assert crew.passwords["lea"].encode() not in raw
    with crew.store("lea") as store:
        assert store.team().url == crew.url("lea")


def test_sync_prints_a_summary_and_status_shows_the_state(crew, capsys):
    with crew.store("lea") as store:
        a, _ = seed_documents(store)
    crew.join("lea")
    crew.join("alice")
    with crew.store("alice") as store:
        tag(store, a, "Witkoff", "Actor", crew.name("alice"))
    assert crew.cli("team", "status", crew.project("alice")) == 0
    out = capsys.readouterr().out
    assert f"member: {crew.name('alice')} of database {crew.db.name}" in out and "edits waiting: 1" in out
    assert crew.cli("sync", crew.project("alice")) == 0
    assert "pushed 1 annotation; pulled nothing." in capsys.readouterr().out
    assert crew.cli("team", "status", crew.project("alice"), "--server") == 0
    out = capsys.readouterr().out
    assert "edits waiting: 0" in out and "last sync: 20" in out
    assert f"{crew.name('alice')} — you:" in out and "1 annotations" in out
    assert f"{crew.name('lea')} (lead)" in out


def test_sync_with_the_server_out_of_reach_is_one_sentence_and_changes_nothing(crew, capsys):
    with crew.store("lea") as store:
        a, _ = seed_documents(store)
    crew.join("lea")
    with crew.store("lea") as store:
        tag(store, a, "Witkoff", "Actor", crew.name("lea"))
        dead = store.team().url.replace(f"port={crew.db.cluster.port}", "port=1")
        store.set_team_state(url=dead)
    before = _dump(crew.project("lea"))
    assert crew.cli("sync", crew.project("lea")) == 2
    err = capsys.readouterr().err
    assert err.startswith("annotator: could not connect to the team server") and len(err.strip().splitlines()) == 1
    assert _dump(crew.project("lea")) == before


def test_sync_of_a_project_not_joined_says_how_to_join(crew, capsys):
    with crew.store("alice"):
        pass
    assert crew.cli("sync", crew.project("alice")) == 2
    assert "is not joined to a team: run annotator team join PROJECT URL first" in capsys.readouterr().err


def test_a_project_joined_as_one_member_cannot_join_as_another(crew, capsys):
    with crew.store("lea") as store:
        seed_documents(store)
    crew.join("lea")
    assert crew.cli("team", "join", crew.project("lea"), crew.url("alice")) == 2
    assert "is already joined to database" in capsys.readouterr().err
    with crew.store("lea") as store:
        assert store.team().member == crew.name("lea")


def test_join_refuses_a_remote_host_without_tls_before_touching_the_project(crew, capsys, tmp_path):
    project = tmp_path / "new.annotator"
    assert crew.cli("team", "join", project, "postgresql://alice@db.example.org/news") == 2
    assert "sslmode=verify-full" in capsys.readouterr().err
    assert not project.exists()


def test_done_offline_is_kept_and_sent_by_the_next_sync(crew, capsys):
    with crew.store("lea") as store:
        seed_documents(store)
    crew.join("lea")
    crew.join("alice")
    with crew.store("alice") as store:
        good = store.team().url
        store.set_team_state(url=good.replace(f"port={crew.db.cluster.port}", "port=1"))
    assert crew.cli("team", "done", crew.project("alice"), "Report B") == 0
    assert "marked done here; the server is out of reach" in capsys.readouterr().out
    with crew.store("alice") as store:
        store.set_team_state(url=good)
    assert crew.cli("sync", crew.project("alice")) == 0
    assert "pushed 1 document marked done" in capsys.readouterr().out
    assert crew.admin("SELECT owner::text FROM annotator.done") == [(crew.name("alice"),)]
