"""Team sync at scale against a real server: a big pull (loaded in bulk) leaves the project whole, and twenty
members syncing at once lose and double nothing. The figures (times, server CPU and memory) are
benchmarks/team.py's; these tests check only what must hold."""

from __future__ import annotations

import sqlite3
import threading
import uuid

import pytest

from annotator.core.store.team import REVIEW_NAMESPACE, done_id, review_id
from annotator.core.store import team_pull
from fault_helpers import annotation_ids, bulk_tag, server_ids
from sync_helpers import make_crew, seed_documents

MEMBERS = [f"m{i:02d}" for i in range(20)]


def _project_shape(path) -> tuple[list, list]:
    conn = sqlite3.connect(path)
    try:
        indexes = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'annotations' "
                                                     "AND type IN ('index', 'trigger')"))
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO annotation_search (annotation_search) VALUES ('integrity-check')")
        return indexes, conn.execute("SELECT COUNT(*) FROM annotation_search").fetchall()
    finally:
        conn.close()


def test_a_big_pull_loads_in_bulk_and_leaves_the_project_whole(team, tmp_path, monkeypatch):
    """A new member pulling more than ``team_pull.BULK_AFTER`` annotations gets the rest in bulk (search index and
    secondary indexes built once at the end): every row arrives, the indexes and triggers are back, the search
    index holds every annotation (the first pulled and the last). Scaled down: bulk after 2,000 rows, applied
    500 at a time (benchmarks/team.py joins a million with the shipped sizes)."""
    monkeypatch.setattr(team_pull, "BULK_AFTER", 2_000)
    monkeypatch.setattr(team_pull, "BATCH", 500)
    crew = make_crew(team, tmp_path, monkeypatch)
    with crew.store("lea") as store:
        a, _ = seed_documents(store)
    crew.join("lea")
    crew.join("alice")
    with crew.store("alice") as store:
        ids = sorted(bulk_tag(store, a, crew.name("alice"), team_pull.BULK_AFTER + 1_000))
        for ann_id, word in ((ids[0], "firstpulled"), (ids[-1], "lastpulled")):  # pushed and pulled in id order
            store.update_annotation(ann_id, note=f"checked {word}")
    crew.sync("alice")
    joined = crew.join("bob")
    assert joined.arrivals.counts["annotations"] == len(ids)
    assert sorted(annotation_ids(crew.project("bob"))) == ids
    with crew.store("bob") as store:
        for ann_id, word in ((ids[0], "firstpulled"), (ids[-1], "lastpulled")):
            assert [x.id for x in store.search_annotations(word)] == [ann_id]
    assert _project_shape(crew.project("bob")) == _project_shape(crew.project("alice"))


def test_twenty_members_syncing_at_once_lose_and_double_nothing(team, tmp_path, monkeypatch):
    """Twenty members, each with tags waiting, sync at the same moment (a thread each, a connection each), then
    once more to pull what was committed after their first pull: the server and every project hold every row
    exactly once. (benchmarks/team.py runs the same with 2,000 rows each in twenty processes.)"""
    crew = make_crew(team, tmp_path, monkeypatch, names=("lea", *MEMBERS))
    with crew.store("lea") as store:
        a, b = seed_documents(store)
    crew.join("lea")
    ids: list[str] = []
    for i, who in enumerate(MEMBERS):
        crew.join(who)
        with crew.store(who) as store:
            ids += bulk_tag(store, (a, b)[i % 2], crew.name(who), 100, seed=i)
    failures: list[BaseException] = []

    def sync_all() -> None:
        start = threading.Barrier(len(MEMBERS))

        def one(who: str) -> None:
            start.wait()
            try:
                crew.sync(who)
            except BaseException as exc:  # reported below, in the test's thread
                failures.append(exc)

        threads = [threading.Thread(target=one, args=(who,)) for who in MEMBERS]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    sync_all()
    sync_all()
    assert failures == []
    on_server = server_ids(crew.db.cluster.superuser(crew.db.name))
    assert len(on_server) == len(set(on_server)) == len(ids) and sorted(on_server) == sorted(ids)
    for who in MEMBERS:
        local = annotation_ids(crew.project(who))
        assert len(local) == len(ids) and sorted(local) == sorted(ids), who



@pytest.mark.parametrize("name", ["", "ünïcode ✓ 𝛼", "a" * 1000, "00000000-0000-0000-0000-000000000000:lea"])
def test_review_and_done_ids_are_the_uuid5_they_always_were(name):
    """The ids a push names reviews and documents done by are computed without UUID objects (speed); they must
    stay exactly uuid5 of the same names, or rows pushed before would be orphaned."""
    assert review_id(name, "lea") == str(uuid.uuid5(REVIEW_NAMESPACE, f"review:{name}:lea"))
    assert done_id(name, "lea") == str(uuid.uuid5(REVIEW_NAMESPACE, f"done:{name}:lea"))
