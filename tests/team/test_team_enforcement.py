"""What the server enforces, proven with PostgreSQL's own client (psql as each member, never annotator), and the
pull rule of annotator.core.team.changes with transactions that commit out of order."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import psycopg
import pytest

from annotator.cli import main
from annotator.core.team.changes import changes_since
from annotator.core.team.connect import connect
from annotator.core.team.members import Added, add_member

D1, D2 = "sha256:" + "1" * 64, "sha256:" + "2" * 64


@dataclass
class Team:
    db: object
    lead: Added
    alice: Added
    bob: Added

    def psql(self, who: Added, command: str):
        return self.db.cluster.psql(self.db.url(who.name), command, who.password)

    def ok(self, who: Added, command: str) -> str:
        done = self.psql(who, command)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def refused(self, who: Added, command: str) -> str:
        done = self.psql(who, command)
        assert done.returncode != 0, f"{who.name} was allowed: {command}"
        return done.stderr

    def admin(self, query: str, params=()):
        with psycopg.connect(self.db.cluster.superuser(self.db.name)) as conn:
            return conn.execute(query, params).fetchall()


def annotate(doc: str, note: str = "", owner: str | None = None) -> tuple[str, str]:
    """An INSERT of one annotation (psql text) and its id."""
    ident = str(uuid.uuid4())
    columns, values = "", ""
    if owner is not None:
        columns, values = ", owner", f", '{owner}'"
    return (f"INSERT INTO annotator.annotations (id, document, label, start, \"end\", quote, note, created, modified"
            f"{columns}) VALUES ('{ident}', '{doc}', 'Actor', 0, 4, 'text', '{note}', 'c', 'm'{values})", ident)


@pytest.fixture
def crew(team) -> Team:
    with connect(team.url()) as conn:
        people = [add_member(conn, team.member(n), n == "lea", None) for n in ("lea", "alice", "bob")]
    t = Team(team, *people)
    t.ok(t.lead, f"INSERT INTO annotator.documents (id, title, text) VALUES ('{D1}', 'One', 'text one'), "
                 f"('{D2}', 'Two', 'text two'); INSERT INTO annotator.labels (id, name, color) "
                 "VALUES (gen_random_uuid(), 'Actor', '#f00')")
    return t


def test_a_member_cannot_change_or_delete_a_colleagues_annotation(crew):
    insert, bobs = annotate(D1, "by bob")
    crew.ok(crew.bob, insert)
    assert crew.ok(crew.alice, f"UPDATE annotator.annotations SET note = 'mine now' WHERE id = '{bobs}'") == "UPDATE 0"
    assert "permission denied" in crew.refused(crew.alice, f"DELETE FROM annotator.annotations WHERE id = '{bobs}'")
    assert "permission denied" in crew.refused(crew.bob, f"DELETE FROM annotator.annotations WHERE id = '{bobs}'")
    assert "permission denied" in crew.refused(crew.alice, "TRUNCATE annotator.annotations")
    # a lead is no exception
    assert crew.ok(crew.lead, f"UPDATE annotator.annotations SET deleted = true WHERE id = '{bobs}'") == "UPDATE 0"
    assert crew.admin("SELECT note, deleted, owner FROM annotator.annotations") == [("by bob", False, crew.bob.name)]
    # the owner changes and tombstones their own row
    assert crew.ok(crew.bob, f"UPDATE annotator.annotations SET deleted = true WHERE id = '{bobs}'") == "UPDATE 1"


def test_a_member_cannot_write_a_row_owned_by_a_colleague(crew):
    insert, _ = annotate(D1, owner=crew.bob.name)
    assert "row-level security" in crew.refused(crew.alice, insert)
    insert, mine = annotate(D1)
    crew.ok(crew.alice, insert)
    crew.ok(crew.alice,
            f"UPDATE annotator.annotations SET owner = '{crew.bob.name}', note = 'moved' WHERE id = '{mine}'")
    assert crew.admin("SELECT owner, note FROM annotator.annotations") == [(crew.alice.name, "moved")]
    assert "row-level security" in crew.refused(
        crew.alice, f"INSERT INTO annotator.done (id, document, owner) VALUES (gen_random_uuid(), '{D1}', "
                    f"'{crew.bob.name}')")
    assert "row-level security" in crew.refused(
        crew.alice, f"INSERT INTO annotator.reviews (id, annotation, document, status, at, owner) VALUES "
                    f"(gen_random_uuid(), '{mine}', '{D1}', 'accepted', 'now', '{crew.bob.name}')")


def test_only_a_lead_adds_documents_and_changes_the_scheme(crew):
    doc = "sha256:" + "3" * 64
    add_doc = f"INSERT INTO annotator.documents (id, title, text) VALUES ('{doc}', 'Three', 'text three')"
    assert "permission denied" in crew.refused(crew.alice, add_doc)
    assert "permission denied" in crew.refused(
        crew.alice, "INSERT INTO annotator.labels (id, name, color) VALUES (gen_random_uuid(), 'Place', '#0f0')")
    assert "permission denied" in crew.refused(crew.alice, "UPDATE annotator.labels SET color = '#000'")
    assert "permission denied" in crew.refused(crew.alice, "INSERT INTO annotator.blind (document, blind) "
                                                           f"VALUES ('{D1}', true)")
    crew.ok(crew.lead, add_doc)
    # two adding the same article: one document (content-addressed id)
    crew.ok(crew.lead, add_doc + " ON CONFLICT (id) DO NOTHING")
    crew.ok(crew.lead, "UPDATE annotator.labels SET color = '#000'")
    assert crew.admin("SELECT count(*) FROM annotator.documents WHERE id = %s", (doc,)) == [(1,)]
    assert crew.admin("SELECT color, owner FROM annotator.labels") == [("#000", crew.lead.name)]


def test_blind_documents_hide_colleagues_annotations_until_the_member_is_done(capsys, crew):
    for who in (crew.alice, crew.bob):
        for doc in (D1, D2):
            crew.ok(who, annotate(doc, who.name)[0])
    count = "SELECT count(*) FROM annotator.annotations WHERE document = '{}'"
    lead_url = crew.db.url(crew.lead.name) + f"&password={crew.lead.password}"
    for ref, message in (("Three", "the team server has no document 'Three' (give its id, an id prefix or its title)."),
                         ("sha256:", f"'sha256:' names more than one document on the team server ({D1}, {D2}…): "
                                     "give more of the id.")):
        assert main(["team", "blind", lead_url, "on", "--doc", ref]) == 2
        assert capsys.readouterr().err == f"annotator: {message}\n"
    assert crew.admin("SELECT count(*) FROM annotator.blind") == [(0,)]
    assert main(["team", "blind", lead_url, "on", "--doc", "One"]) == 0
    assert capsys.readouterr().out == f"blind coding on for document {D1}.\n"
    assert crew.ok(crew.alice, count.format(D1)) == "1"  # her own only
    bobs = crew.ok(crew.bob, f"SELECT id FROM annotator.annotations WHERE document = '{D1}'")
    crew.ok(crew.bob, f"INSERT INTO annotator.links (id, document, type, source, target, created) VALUES "
                      f"(gen_random_uuid(), '{D1}', 'same as', '{bobs}', '{bobs}', 'c'); "
                      f"INSERT INTO annotator.reviews (id, annotation, document, status, at) VALUES "
                      f"(gen_random_uuid(), '{bobs}', '{D1}', 'accepted', 'now')")
    hidden = ("SELECT (SELECT count(*) FROM annotator.links) + (SELECT count(*) FROM annotator.reviews) "
              "+ (SELECT count(*) FROM annotator.annotations WHERE id = '" + bobs + "')")
    assert crew.ok(crew.alice, hidden) == "0"
    assert crew.ok(crew.alice, count.format(D2)) == "2"
    assert crew.ok(crew.lead, count.format(D1)) == "0"  # leads are blind too until done
    crew.ok(crew.alice, f"INSERT INTO annotator.done (id, document) VALUES (gen_random_uuid(), '{D1}')")
    assert crew.ok(crew.alice, count.format(D1)) == "2"
    assert crew.ok(crew.alice, hidden) == "3"
    assert crew.ok(crew.bob, count.format(D1)) == "1"  # bob is not done
    # the whole project blind, one document exempted
    crew.ok(crew.lead, "INSERT INTO annotator.blind (document, blind) VALUES ('', true)")
    crew.ok(crew.lead, f"UPDATE annotator.blind SET blind = false WHERE document = '{D1}'")
    assert crew.ok(crew.bob, count.format(D2)) == "1"
    assert crew.ok(crew.bob, count.format(D1)) == "2"
    # a member may not switch it: the command says so in one sentence
    code = main(["team", "blind", crew.db.url(crew.bob.name) + f"&password={crew.bob.password}", "off"])
    err = capsys.readouterr().err
    assert code == 2 and err == "annotator: the server refused: only a lead of this project can switch blind coding.\n"


def test_pulls_follow_commit_order_not_sequence_order(crew):
    """alice's transaction writes first (lower sequence value) but commits after bob's: a puller reading by
    sequence would pass alice's row for good; the snapshot rule waits for it."""
    puller = connect(crew.db.url(crew.lead.name) + f"&password={crew.lead.password}")
    crew.ok(crew.lead, "INSERT INTO annotator.done (id, document) VALUES (gen_random_uuid(), '" + D1 + "')")
    first = changes_since(puller, "annotations", 0)
    slow = psycopg.connect(crew.db.url(crew.alice.name), password=crew.alice.password)
    fast = psycopg.connect(crew.db.url(crew.bob.name), password=crew.bob.password)
    insert_a, a = annotate(D1, "slow")
    insert_b, b = annotate(D1, "fast")
    slow.execute(insert_a)  # transaction open, not committed
    fast.execute(insert_b)
    fast.commit()
    early = changes_since(puller, "annotations", first.horizon)
    seqs = dict(crew.admin("SELECT id::text, seq FROM annotator.annotations"))
    assert seqs == {b: seqs[b]} and early.rows == []  # bob's row is committed but waits behind alice's
    slow.commit()
    later = changes_since(puller, "annotations", early.horizon)
    seqs = dict(crew.admin("SELECT id::text, seq FROM annotator.annotations"))
    assert seqs[a] < seqs[b]  # sequence order is not commit order
    assert [str(r["id"]) for r in later.rows] == [a, b]
    assert changes_since(puller, "annotations", later.horizon).rows == []  # nothing twice
    # an update is a new version: pulled again, once
    crew.ok(crew.alice, f"UPDATE annotator.annotations SET note = 'edited' WHERE id = '{a}'")
    again = changes_since(puller, "annotations", later.horizon)
    assert [(str(r["id"]), r["note"]) for r in again.rows] == [(a, "edited")]
    for conn in (puller, slow, fast):
        conn.close()
