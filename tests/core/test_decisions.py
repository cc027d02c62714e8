"""Review decisions: accept one and reject the rest, reject with a reason, accept all agreed; exact undo/redo."""

from __future__ import annotations

import pytest

from annotator.core import decisions
from annotator.core.errors import InputError
from annotator.core.review import categorize
from annotator.core.store import Store

TEXT = "Steve Witkoff met Vladimir Putin in Moscow; Sergey Lavrov spoke of tremendous progress."


@pytest.fixture
def project(tmp_path):
    store = Store.open(tmp_path / "p.sqlite")
    doc, _ = store.add_document(TEXT, "Wire")
    yield store, doc.id
    store.close()


def tag(store, doc, quote, label, who):
    start = TEXT.index(quote)
    return store.add_annotation(doc, label, start, start + len(quote), who)


def snapshot(store):
    return sorted((a.id, a.annotator, a.label, a.start, a.end, a.status, a.reviewer, a.review_note)
                  for a in store.annotations())


def test_accepting_a_colleagues_span_copies_it_and_rejects_the_conflicting_one(project):
    store, doc = project
    mine = tag(store, doc, "Steve Witkoff", "Claim", "alice")
    theirs = tag(store, doc, "Steve Witkoff", "Actor", "bob")
    item = categorize([mine], [theirs])[0]
    assert item.category == "label_conflict"
    before = snapshot(store)
    decision = decisions.accept(store, theirs, [item.a, item.b], reviewer="alice")
    assert store.annotation(theirs.id).status == "accepted"
    rejected = store.annotation(mine.id)
    assert rejected.status == "rejected" and "bob's Actor" in rejected.review_note and rejected.reviewer == "alice"
    reviewed = store.annotations(annotator="alice", status="accepted")
    assert [(a.label, a.quote) for a in reviewed] == [("Actor", "Steve Witkoff")]
    after = snapshot(store)
    decisions.undo(store, decision)
    assert snapshot(store) == before
    decisions.redo(store, decision)
    assert snapshot(store) == after


def test_reject_records_reviewer_time_and_reason(project):
    store, doc = project
    theirs = tag(store, doc, "Moscow", "Actor", "bob")
    decision = decisions.reject(store, theirs, "alice", "a place, not an actor")
    ann = store.annotation(theirs.id)
    assert (ann.status, ann.reviewer, ann.review_note) == ("rejected", "alice", "a place, not an actor")
    assert ann.reviewed
    decisions.undo(store, decision)
    ann = store.annotation(theirs.id)
    assert (ann.status, ann.reviewer, ann.reviewed, ann.review_note) == ("pending", "", "", "")


def test_accept_all_agreed_accepts_both_copies_without_duplicating(project):
    store, doc = project
    a1, b1 = tag(store, doc, "Vladimir Putin", "Actor", "alice"), tag(store, doc, "Vladimir Putin", "Actor", "bob")
    a2, b2 = tag(store, doc, "Sergey Lavrov", "Actor", "alice"), tag(store, doc, "Sergey Lavrov", "Actor", "bob")
    tag(store, doc, "Moscow", "Actor", "bob")
    items = [i for i in categorize([a1, a2], [b1, b2]) if i.category == "agreed"]
    decision = decisions.accept_agreed(store, [[i.a, i.b] for i in items], reviewer="alice")
    assert {a.id for a in store.annotations(status="accepted")} == {a1.id, b1.id, a2.id, b2.id}
    assert len(store.annotations(annotator="alice")) == 2  # no copies: alice already has them
    decisions.undo(store, decision)
    assert store.annotations(status="accepted") == []


def test_third_party_reviewer_gets_one_copy_per_agreed_span(project):
    store, doc = project
    a, b = tag(store, doc, "Vladimir Putin", "Actor", "alice"), tag(store, doc, "Vladimir Putin", "Actor", "bob")
    decision = decisions.accept_agreed(store, [[a, b]], reviewer="carol")
    assert [(x.quote, x.status) for x in store.annotations(annotator="carol")] == [("Vladimir Putin", "accepted")]
    decisions.undo(store, decision)
    assert store.annotations(annotator="carol") == []


def test_decisions_need_a_reviewer(project):
    store, doc = project
    theirs = tag(store, doc, "Moscow", "Actor", "bob")
    with pytest.raises(InputError):
        decisions.reject(store, theirs, " ")
