"""Schema migrations: an older project upgrades in place and keeps every annotation."""

from __future__ import annotations

import sqlite3

from builders import project_before
from sqlite_utils import Database

from annotator.core import migrations as mig
from annotator.core.store import Store, needs_upgrade


def make_v1_project(path):
    db = Database(path)
    mig.migrations.apply(db, stop_before="0002_review")
    db.executescript(
        """
        INSERT INTO documents VALUES ('sha256:d', 'T', '', NULL, NULL, 5, '2025-11-25T00:00:00Z', 0);
        INSERT INTO document_texts VALUES ('sha256:d', 'hello');
        INSERT INTO labels VALUES ('Claim', '#0072B2', '1', '', 0);
        INSERT INTO annotators VALUES ('alice', '');
        INSERT INTO annotations VALUES ('a1', 'sha256:d', 'Claim', 0, 5, 'hello', 'alice', 'n', 'accepted',
                                        '2025-11-25T00:00:00Z', '2025-11-25T00:00:00Z');
        """
    )
    db.close()


def test_version_1_project_is_upgraded_and_keeps_its_annotations(tmp_path):
    path = tmp_path / "old.sqlite"
    make_v1_project(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1
    with Store.open(path) as store:
        ann = store.annotation("a1")
        assert (ann.quote, ann.note, ann.status, ann.reviewer, ann.review_note) == ("hello", "n", "accepted", "", "")
        reviewed = store.set_review("a1", "rejected", "bob", "not a claim")
        assert (reviewed.status, reviewed.reviewer, reviewed.review_note) == ("rejected", "bob", "not a claim")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == mig.SCHEMA_VERSION
    names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    assert names[:5] == ["0001_initial", "0002_review", "0003_links_suggestions", "0004_search", "0005_view_indexes"]
    assert names[-1] == "0013_model"


def test_upgrade_to_0007_detects_languages_and_keeps_rejections_with_their_text(tmp_path):
    text = "Трамп отправит спецпосланника Стива Уиткоффа в Москву, чтобы обсудить мирный план по Украине."
    path = project_before(tmp_path / "old.sqlite", "0007_languages", {"sha256:r": text})
    db = Database(path)
    db.execute("INSERT INTO rejected_suggestions VALUES ('sha256:r', 'Actor', 0, 5)")
    db.conn.commit()
    db.close()
    with Store.open(path) as store:
        assert store.document("sha256:r").language == "ru"
        assert store.rejected_patterns() == {("Actor", "трамп"): 1}
        assert store.annotations() == []


def test_read_only_old_project_is_refused_with_a_message(tmp_path):
    import pytest

    from annotator.core.errors import ReadOnlyProjectError

    path = tmp_path / "old.sqlite"
    make_v1_project(path)
    before = path.read_bytes()
    with pytest.raises(ReadOnlyProjectError, match="needs upgrading"):
        Store.open(path, readonly=True)
    assert path.read_bytes() == before


def test_needs_upgrade_reads_the_schema_number_from_the_header_alone(tmp_path):
    old = tmp_path / "old.sqlite"
    make_v1_project(old)
    current = tmp_path / "current.sqlite"
    Store.open(current).close()
    foreign = tmp_path / "foreign.sqlite"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    text = tmp_path / "notes.txt"
    text.write_text("not a database", encoding="utf-8")
    assert needs_upgrade(old)
    assert not needs_upgrade(current)
    assert not needs_upgrade(foreign) and not needs_upgrade(text) and not needs_upgrade(tmp_path / "missing.sqlite")
    with Store.open(old):
        pass
    assert not needs_upgrade(old)


def test_upgrade_to_0008_gives_every_label_a_uuid_and_records_nothing_until_joined(tmp_path):
    path = project_before(tmp_path / "old.sqlite", "0008_team", {"sha256:r": "Witkoff met Driscoll."})
    db = Database(path)
    db.execute("INSERT INTO labels (name, color) VALUES ('Actor', '#1f77b4'), ('Claim', '#ff7f0e')")
    db.conn.commit()
    db.close()
    with Store.open(path) as store:
        ids = [r[0] for r in store._read("SELECT uuid FROM labels")]
        assert len(ids) == len(set(ids)) == 2 and all(len(i) == 36 for i in ids)
        store.add_annotation("sha256:r", "Actor", 0, 7, "lea")
        assert store.waiting_edits() == 0  # not joined: the outbox stays empty
        store.set_meta("team.member", "lea")
        store.add_annotation("sha256:r", "Actor", 12, 20, "lea")
        store.add_label("Place")
        assert store.waiting_edits() == 2


def test_the_schema_constants_name_every_migration_and_the_last_version():
    """annotator.core.schema_version (read at start by backup and check) agrees with the migrations themselves."""
    assert mig.KNOWN_MIGRATIONS == frozenset(m.name for m in mig.migrations._migrations)
    last = max(mig.migrations._migrations, key=lambda m: m.name)
    assert last.name.startswith(f"{mig.SCHEMA_VERSION:04d}_")
