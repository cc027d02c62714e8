"""The project side of model suggestions: migration 0013, the answer cache, consent; none of it goes to the team."""

from __future__ import annotations

import sqlite3

import pytest
from builders import project_before
from llm_helpers import make_project

from annotator.core import migrations as mig
from annotator.core.errors import InputError, ReadOnlyProjectError
from annotator.core.store import Store


def rows(key: str, doc: str, model: str = "m", version: str = "spans-1", when: str = "2026-12-07T10:00:00Z"):
    return (key, doc, model, version, '{"spans": []}', when)


def test_a_version_12_project_is_upgraded_with_empty_model_tables(tmp_path):
    path = project_before(tmp_path / "old.sqlite", "0013_model", {"sha256:r": "Witkoff met Putin."})
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 12
    with Store.open(path) as store:
        assert store.model_runs() == [] and store.model_hosts_allowed() == set()
        store.save_answers([rows("k", "sha256:r")])
        assert store.cached_answers(["k", "other"]) == {"k": ('{"spans": []}', "2026-12-07T10:00:00Z")}
    conn = sqlite3.connect(path)
    assert mig.SCHEMA_VERSION == 13
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 13
    assert conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id DESC LIMIT 1").fetchone() == ("0013_model",)
    conn.close()


def test_answers_are_kept_per_model_and_prompt_and_go_with_their_document(tmp_path):
    path, (a, b) = make_project(tmp_path / "p.sqlite")
    with Store.open(path) as store:
        assert store.save_answers([rows("k1", a), rows("k2", b), rows("k3", a, "other", "spans-2"),
                                   rows("k4", "sha256:gone")]) == 3
        assert store.model_runs() == [("m", "spans-1"), ("other", "spans-2")]
        assert store.model_runs([b]) == [("m", "spans-1")]
        assert set(store.cached_runs_for("m", "spans-1")) == {"k1", "k2"}
        store.save_answers([("k1", a, "m", "spans-1", '{"spans": [1]}', "2026-12-07T11:00:00Z")])
        assert store.cached_answers(["k1"]) == {"k1": ('{"spans": [1]}', "2026-12-07T11:00:00Z")}
        store.delete_document(a)
        assert set(store.cached_runs_for("m", "spans-1")) == {"k2"} and store.model_runs([a]) == []
        assert store.forget_answers(b) == 1
        store.save_answers([rows("k5", b)])
        assert store.forget_answers() == 1 and store.model_runs() == []


def test_consent_is_per_project_and_can_be_withdrawn(tmp_path):
    path, _ = make_project(tmp_path / "p.sqlite")
    other, _ = make_project(tmp_path / "q.sqlite")
    with Store.open(path) as store:
        store.allow_model_host(" API.example.com:8443 ")
        store.allow_model_host("api.example.com:8443")
        assert store.model_hosts_allowed() == {"api.example.com:8443"}
        with pytest.raises(InputError, match="not a host name"):
            store.allow_model_host("https://api.example.com/v1")
    with Store.open(other) as store:
        assert store.model_hosts_allowed() == set()
    with Store.open(path) as store:
        store.forbid_model_host("api.example.com:8443")
        assert store.model_hosts_allowed() == set()


def test_a_read_only_project_reads_the_cache_but_writes_nothing(tmp_path):
    path, (a, _) = make_project(tmp_path / "p.sqlite")
    with Store.open(path) as store:
        store.save_answers([rows("k1", a)])
    before = path.read_bytes()
    with Store.open(path, readonly=True) as store:
        assert list(store.cached_answers(["k1"])) == ["k1"]
        with pytest.raises(ReadOnlyProjectError):
            store.save_answers([rows("k2", a)])
    assert path.read_bytes() == before


def test_model_answers_and_consent_never_wait_in_the_team_outbox(tmp_path):
    """Team sync pushes what its triggers put in ``team_outbox``; they are per table and none is on the model
    tables, so a joined project keeps its cached answers and consent to itself."""
    path, (a, _) = make_project(tmp_path / "p.sqlite")
    with Store.open(path) as store:
        store.set_meta("team.member", "lea")
        store.save_answers([rows("k1", a)])
        store.allow_model_host("api.example.com")
        store.forget_answers(a)
        store.forbid_model_host("api.example.com")
        assert store.waiting_edits() == 0
        store.add_annotation(a, "Actor", 0, 7, "lea")
        assert store.waiting_edits() == 1  # the outbox does record a joined project's own edits
    triggers = sqlite3.connect(path).execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('model_answers', 'model_hosts')")
    assert triggers.fetchall() == []
