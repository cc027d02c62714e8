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


def _joined(crew, *who):
    with crew.store("lea") as store:
        docs = seed_documents(store)
    for w in ("lea", *who):
        crew.join(w)
    return docs


def test_review_decisions_sync_as_the_reviewers_rows(crew):
    a, _ = _joined(crew, "alice", "bob")
    alice, bob = crew.name("alice"), crew.name("bob")
    with crew.store("alice") as store:
        ann = tag(store, a, "Zelensky", "Actor", alice)
    crew.sync("alice")
    crew.sync("bob")
    with crew.store("bob") as store:
        store.set_review(ann.id, "rejected", bob, "a person, but not an actor here")
    assert crew.sync("bob").pushed["reviews"] == 1
    assert crew.admin("SELECT owner::text, status FROM annotator.reviews") == [(bob, "rejected")]
    crew.sync("alice")
    with crew.store("alice") as store:
        got = store.annotation(ann.id)
        assert (got.status, got.reviewer, got.review_note) == ("rejected", bob, "a person, but not an actor here")
    with crew.store("bob") as store:  # bob takes it back: a tombstone, and alice's annotation is pending again
        store.set_review(ann.id, "pending", bob)
    withdrawn = crew.sync("bob")
    assert withdrawn.pushed["reviews"] == 1 and not withdrawn.stayed_local
    crew.sync("alice")
    with crew.store("alice") as store:
        assert store.annotation(ann.id).status == "pending"
    assert crew.admin("SELECT deleted FROM annotator.reviews") == [(True,)]


def test_a_colleagues_imported_set_stays_local_and_the_summary_says_why(crew):
    with crew.store("alice") as store:
        a, _ = seed_documents(store)
        tag(store, a, "Witkoff", "Actor", crew.name("alice"))
        tag(store, a, "Driscoll", "Actor", "carol")  # imported from carol's file: hers to publish
    crew.join("lea")  # the lead has no documents yet
    result = crew.join("alice")
    text = "\n".join(result.lines())
    assert "1 annotation by carol stayed local" in text
    assert "2 documents stayed local: only a lead adds documents" in text
    assert crew.admin("SELECT count(*) FROM annotator.annotations") == [(0,)]
    assert result.waiting == 3  # two documents and alice's annotation wait for a lead
    with crew.store("lea") as store:
        seed_documents(store)
    crew.sync("lea")
    later = crew.sync("alice")
    assert later.pushed["annotations"] == 1 and later.waiting == 0
    assert crew.admin("SELECT owner::text FROM annotator.annotations") == [(crew.name("alice"),)]


def test_same_member_on_two_machines_converges_on_the_last_commit(crew):
    """The rule: each push writes whole rows; the version the server committed last wins, and both machines
    converge on it by pulling. An edit still waiting in a machine's outbox is never overwritten by a pull."""
    a, _ = _joined(crew, "alice")
    alice = crew.name("alice")
    with crew.store("alice", "-laptop") as store:
        pass
    crew.join("alice", "-laptop")
    with crew.store("alice") as store:
        ann = tag(store, a, "Witkoff", "Actor", alice, note="desk")
    crew.sync("alice")
    crew.sync("alice", "-laptop")
    with crew.store("alice", "-laptop") as store:
        store.update_annotation(ann.id, note="laptop")
    with crew.store("alice") as store:
        store.update_annotation(ann.id, note="desk, later", label="Claim")
    crew.sync("alice")  # desk commits first
    crew.sync("alice", "-laptop")  # the laptop's waiting edit commits last: it wins
    crew.sync("alice")
    with crew.store("alice") as desk, crew.store("alice", "-laptop") as laptop:
        mine, theirs = desk.annotation(ann.id), laptop.annotation(ann.id)
        assert (mine.note, mine.label) == (theirs.note, theirs.label) == ("laptop", "Actor")


def test_a_repeated_sync_changes_nothing_and_writes_no_new_versions(crew):
    a, _ = _joined(crew, "alice")
    with crew.store("alice") as store:
        tag(store, a, "Witkoff", "Actor", crew.name("alice"))
    crew.sync("alice")
    before = crew.admin("SELECT id, xid::text FROM annotator.annotations")
    again = crew.sync("alice")
    assert not any(again.pushed.values()) and again.arrivals.total() == 0
    # a replayed push (the outbox refilled, as after a crash between the server's commit and the local one)
    with crew.store("alice") as store:
        store.db.conn.execute("INSERT INTO team_outbox (tbl, id) SELECT 'annotations', id FROM annotations")
        store.db.conn.commit()
    crew.sync("alice")
    assert crew.admin("SELECT id, xid::text FROM annotator.annotations") == before


def test_blind_document_hides_colleagues_until_done(crew):
    a, b = _joined(crew, "alice", "bob")
    alice, bob = crew.name("alice"), crew.name("bob")
    assert crew.cli("team", "blind", crew.url("lea"), "on", "--doc", "Report A") == 0
    crew.sync("alice")
    crew.sync("bob")
    with crew.store("alice") as store:
        tag(store, a, "Witkoff", "Actor", alice)
        tag(store, b, "Rubio", "Actor", alice)
    crew.sync("alice")
    crew.sync("bob")
    with crew.store("bob") as store:
        assert [x.quote for x in store.annotations()] == ["Rubio"]  # Report A is blind for bob
    assert crew.cli("team", "done", crew.project("bob"), "Report A") == 0
    with crew.store("bob") as store:
        assert sorted(x.quote for x in store.annotations()) == ["Rubio", "Witkoff"]
        assert store.done_documents()[a] == {bob}


def test_a_leads_label_rename_reaches_members_with_their_annotations(crew):
    a, _ = _joined(crew, "alice")
    with crew.store("alice") as store:
        ann = tag(store, a, "Witkoff", "Actor", crew.name("alice"))
    crew.sync("alice")
    crew.sync("lea")
    with crew.store("lea") as store:
        store.update_label("Actor", new_name="Person", color="#123456")
    assert crew.sync("lea").pushed["labels"] == 1
    crew.sync("alice")
    with crew.store("alice") as store:
        assert store.label("Person").color == "#123456"
        assert store.annotation(ann.id).label == "Person"
        assert "Actor" not in {x.name for x in store.labels()}


def test_links_across_colleagues_annotations_sync(crew):
    a, b = _joined(crew, "alice", "bob")
    alice, bob = crew.name("alice"), crew.name("bob")
    with crew.store("alice") as store:
        six = tag(store, a, "at least six people", "Figure", alice)
    crew.sync("alice")
    crew.sync("bob")
    with crew.store("bob") as store:
        seven = tag(store, b, "Seven people", "Figure", bob)
        link = store.add_link("contradicts", six.id, seven.id, bob, note="six or seven?")
    assert crew.sync("bob").pushed["links"] == 1
    crew.sync("alice")
    with crew.store("alice") as store:
        got = store.link(link.id)
        assert (got.source, got.target, got.annotator, got.note) == (six.id, seven.id, bob, "six or seven?")


def test_ids_that_are_not_uuids_get_one_before_the_push_and_links_follow(crew):
    a, _ = _joined(crew, "alice")
    alice = crew.name("alice")
    with crew.store("alice") as store:
        one = tag(store, a, "Witkoff", "Actor", alice)
        text = store.document_text(a)
        start = text.index("Zelensky")
        old = store.add_annotation(a, "Actor", start, start + 8, alice, id="T1")  # as a brat import names them
        store.add_link("met", old.id, one.id, alice, id="R1")
    result = crew.sync("alice")
    assert result.pushed["annotations"] == 2 and result.pushed["links"] == 1 and result.waiting == 0
    with crew.store("alice") as store:
        assert not store.has_annotation("T1")
        (link,) = store.links()
        assert store.annotation(link.source).quote == "Zelensky" and link.target == one.id


def test_a_row_written_by_another_client_with_a_wrong_quote_is_left_out(crew):
    a, _ = _joined(crew, "alice", "bob")
    done = crew.psql("alice", "INSERT INTO annotator.annotations (id, document, label, start, \"end\", quote, created, "
                              f"modified) VALUES (gen_random_uuid(), '{a}', 'Actor', 0, 5, 'Putin', 'c', 'm')")
    assert done.returncode == 0, done.stderr
    result = crew.sync("bob")
    assert result.arrivals.mismatched == 1 and "1 annotation from the server left out" in "\n".join(result.lines())
    with crew.store("bob") as store:
        assert store.annotations() == []


def test_a_document_a_lead_removes_goes_unless_the_members_work_is_on_it(crew):
    a, b = _joined(crew, "alice")
    with crew.store("alice") as store:
        tag(store, a, "Witkoff", "Actor", crew.name("alice"))
    crew.sync("alice")
    crew.sync("lea")
    with crew.store("lea") as store:
        store.delete_document(a)
        store.delete_document(b)
    assert crew.sync("lea").pushed["documents"] == 2
    result = crew.sync("alice")
    assert "Report A: a lead removed it from the team; it stays in this project" in "\n".join(result.lines())
    with crew.store("alice") as store:
        assert [d.title for d in store.documents()] == ["Report A"] and len(store.annotations()) == 1


def test_a_leads_label_tree_reaches_members_children_before_parents_or_not(crew):
    _joined(crew, "alice")
    with crew.store("lea") as store:
        store.add_label("Casualties")
        store.add_label("Actors")
        store.set_label_parent("Casualties", "Figure")
        store.set_label_parent("Actor", "Actors")
        store.update_label("Actors", codable=False)
    pushed = crew.sync("lea")
    assert pushed.pushed["labels"] >= 3
    crew.sync("alice")
    with crew.store("alice") as store:
        tree = {x.name: x.parent for x in store.labels()}
        assert tree["Casualties"] == "Figure" and tree["Actor"] == "Actors" and tree["Actors"] == ""
        assert not store.label("Actors").codable
    with crew.store("lea") as store:
        store.update_label("Figure", new_name="Number")
    crew.sync("lea")
    crew.sync("alice")
    with crew.store("alice") as store:
        assert {x.name: x.parent for x in store.labels()}["Casualties"] == "Number"


def test_a_leads_memos_on_documents_and_codes_reach_members(crew):
    a, _ = _joined(crew, "alice")
    with crew.store("lea") as store:
        store.set_memo("document", a, "Compare the death toll with AP's.")
        store.set_memo("label", "Figure", "Numbers as reported, with their hedges.")
    assert crew.sync("lea").pushed["labels"] == 1
    crew.sync("alice")
    with crew.store("alice") as store:
        assert store.memo("document", a) == "Compare the death toll with AP's."
        assert store.memo("label", "Figure") == "Numbers as reported, with their hedges."
        assert [h.owner for h in store.search_memos("hedges")] == ["Figure"]


def test_attributes_on_spans_and_their_declarations_travel(crew):
    from annotator.core.model import AttributeDecl

    a, _ = _joined(crew, "alice")
    with crew.store("lea") as store:
        store.set_label_attributes("Figure", [AttributeDecl("Figure", "certainty", "choice", ("reported", "confirmed")),
                                              AttributeDecl("Figure", "negated", "flag", ())])
    crew.sync("lea")
    crew.sync("alice")
    with crew.store("alice") as store:
        assert [(d.name, d.type, d.choices) for d in store.label_attributes("Figure")] == [
            ("certainty", "choice", ("reported", "confirmed")), ("negated", "flag", ())]
        six = tag(store, a, "at least six people", "Figure", crew.name("alice"))
        store.set_annotation_attributes(six.id, {"certainty": "reported"})
    assert crew.sync("alice").pushed["annotations"] == 1
    assert crew.admin("SELECT attributes::text FROM annotator.annotations") == [('{"certainty": "reported"}',)]
    crew.sync("lea")
    with crew.store("lea") as store:
        assert store.annotation_attributes(six.id) == {"certainty": "reported"}
    with crew.store("alice") as store:
        store.set_annotation_attributes(six.id, {"certainty": "confirmed", "negated": "true"})
    crew.sync("alice")
    crew.sync("lea")
    with crew.store("lea") as store:
        assert store.annotation_attributes(six.id) == {"certainty": "confirmed", "negated": "true"}
