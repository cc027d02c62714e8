"""Team sync end to end against a real server: join, push, pull, ownership, tombstones, reviews, convergence."""

from __future__ import annotations

import pytest

from sync_helpers import make_crew, seed_documents, tag


@pytest.fixture
def crew(team, tmp_path, monkeypatch):
    return make_crew(team, tmp_path, monkeypatch)


def test_lead_joins_and_a_member_pulls_everything(crew):
    lea = crew.name("lea")
    with crew.store("lea") as store:
        a, b = seed_documents(store)
        tag(store, a, "at least six people", "Figure", lea)
        tag(store, b, "Seven people", "Figure", lea)
    first = crew.join("lea")
    assert first.lead and first.pushed["documents"] == 2 and first.pushed["annotations"] == 2
    assert first.waiting == 0
    alice = crew.join("alice")
    assert alice.arrivals.counts["annotations"] == 2 and alice.arrivals.counts["documents"] == 2
    with crew.store("alice") as store:
        quotes = sorted(x.quote for x in store.annotations())
        assert quotes == ["Seven people", "at least six people"]
        assert {x.annotator for x in store.annotations()} == {lea}
        assert store.document_text(a) == store.document_text(a)


def test_member_tags_reach_colleagues_and_deletes_are_tombstones(crew):
    with crew.store("lea") as store:
        a, _ = seed_documents(store)
    crew.join("lea")
    crew.join("alice")
    crew.join("bob")
    alice = crew.name("alice")
    with crew.store("alice") as store:
        ann = tag(store, a, "Witkoff", "Actor", alice, note="US envoy")
    pushed = crew.sync("alice")
    assert pushed.pushed["annotations"] == 1
    got = crew.sync("bob")
    assert got.arrivals.added[a] == [ann.id]
    with crew.store("alice") as store:
        store.delete_annotation(ann.id)
    crew.sync("alice")
    assert crew.admin("SELECT deleted FROM annotator.annotations WHERE id = %s", (ann.id,)) == [(True,)]
    gone = crew.sync("bob")
    assert gone.arrivals.removed[a] == [ann.id]
    with crew.store("bob") as store:
        assert not store.has_annotation(ann.id)
