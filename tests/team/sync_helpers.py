"""A team of three on a throwaway server, each with a local project: the fixture of the sync tests.

Passwords reach libpq the way a member's would: through a password file (``PGPASSFILE``), never through
annotator, so the URLs the projects record carry none.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from annotator.cli import main
from annotator.core.store import Store
from annotator.core.team.connect import connect
from annotator.core.team.members import add_member
from annotator.core.team.sync import join, sync

TEXT_A = ("Ukrainian officials said at least six people were killed. The plan has 28 points, said Witkoff. "
          "Zelensky met Driscoll in Kyiv.")
TEXT_B = "Seven people died in the strike, officials said. Rubio called the talks productive in Geneva."


@dataclass
class Crew:
    db: object
    tmp: Path
    passwords: dict[str, str] = field(default_factory=dict)

    def name(self, who: str) -> str:
        return self.db.member(who)

    def url(self, who: str) -> str:
        return self.db.url(self.name(who))

    def project(self, who: str, machine: str = "") -> Path:
        return self.tmp / f"{who}{machine}.annotator"

    def store(self, who: str, machine: str = "") -> Store:
        return Store.open(self.project(who, machine))

    def join(self, who: str, machine: str = ""):
        with self.store(who, machine) as store, connect(self.url(who)) as conn:
            return join(store, conn, self.url(who))

    def sync(self, who: str, machine: str = ""):
        with self.store(who, machine) as store, connect(self.url(who)) as conn:
            return sync(store, conn)

    def cli(self, *argv: str) -> int:
        return main([str(a) for a in argv])

    def admin(self, query: str, params=()):
        with psycopg.connect(self.db.cluster.superuser(self.db.name), autocommit=True) as conn:
            cur = conn.execute(query, params)
            return cur.fetchall() if cur.description else cur.rowcount

    def psql(self, who: str, command: str):
        return self.db.cluster.psql(self.url(who), command, self.passwords[who])


def make_crew(team_db, tmp_path: Path, monkeypatch, names=("lea", "alice", "bob")) -> Crew:
    """``team_db`` (set up) with members ``names`` (the first a lead) and a password file for all of them."""
    crew = Crew(team_db, tmp_path)
    with connect(team_db.url()) as conn:
        for i, who in enumerate(names):
            crew.passwords[who] = add_member(conn, crew.name(who), i == 0, None).password
    passfile = tmp_path / "pgpass"
    passfile.write_text("".join(f"*:*:{team_db.name}:{crew.name(w)}:{p}\n" for w, p in crew.passwords.items()))
    os.chmod(passfile, 0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    return crew


def seed_documents(store: Store) -> tuple[str, str]:
    a, _ = store.add_document(TEXT_A, "Report A", source="Reuters")
    b, _ = store.add_document(TEXT_B, "Report B", source="AP")
    return a.id, b.id


def tag(store: Store, doc: str, quote: str, label: str, who: str, note: str = ""):
    text = store.document_text(doc)
    start = text.index(quote)
    return store.add_annotation(doc, label, start, start + len(quote), who, note)
