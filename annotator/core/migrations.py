"""Numbered schema migrations for annotator projects (sqlite-utils ``Migrations``).

Every schema change is a new numbered function below; never edit one that has
shipped. Each migration also sets ``PRAGMA user_version`` to its number so an
older annotator can tell that a project is newer than it understands.
"""

from __future__ import annotations

import uuid

from annotator.core.language import detect_language
from annotator.core.schema_version import KNOWN_MIGRATIONS, MIGRATION_SET, SCHEMA_VERSION
from annotator.core.store.sqlite_db import Database, Migrations

__all__ = ["KNOWN_MIGRATIONS", "MIGRATION_SET", "SCHEMA_VERSION", "migrations"]

migrations = Migrations(MIGRATION_SET)


# The first schema, in parts. SQLite keeps each CREATE statement's text as written (``sqlite_master``),
# so these strings are never edited, not even re-indented: a project made today has the very text of one
# made by the first annotator.
#: Documents, in project order, and their texts (kept apart: listing documents reads no text).
_DOCUMENTS_0001 = """\
        CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            published TEXT,
            url TEXT,
            length INTEGER NOT NULL,
            added TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE document_texts (
            id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            text TEXT NOT NULL
        );
"""
#: The label scheme and the people who annotate.
_LABELS_ANNOTATORS_0001 = """\
        CREATE TABLE labels (
            name TEXT PRIMARY KEY,
            color TEXT NOT NULL,
            shortcut TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE annotators (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL DEFAULT ''
        );
"""
#: Annotations: code-point spans of a document's text, with their quote (``text[start:end]``).
_ANNOTATIONS_0001 = """\
        CREATE TABLE annotations (
            id TEXT PRIMARY KEY,
            document TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            label TEXT NOT NULL REFERENCES labels(name) ON UPDATE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            quote TEXT NOT NULL,
            annotator TEXT NOT NULL REFERENCES annotators(id) ON UPDATE CASCADE,
            note TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'accepted', 'rejected')),
            created TEXT NOT NULL,
            modified TEXT NOT NULL,
            CHECK (start >= 0 AND "end" > start)
        );
        CREATE INDEX annotations_document_start ON annotations(document, start);
        CREATE INDEX annotations_annotator ON annotations(annotator);
        CREATE INDEX annotations_label ON annotations(label);
"""
#: Typed links between two annotations.
_LINKS_0001 = """\
        CREATE TABLE links (
            id TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            source TEXT NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
            target TEXT NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(id) ON UPDATE CASCADE,
            note TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL
        );
        CREATE INDEX links_source ON links(source);
        CREATE INDEX links_target ON links(target);
"""
#: The project's own key-value settings.
_META_0001 = """\
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
"""


@migrations(name="0001_initial")
def m0001_initial(db: Database) -> None:
    """The first schema: documents and their texts, labels, annotators, annotations, links, settings."""
    db.executescript(
        "\n" + _DOCUMENTS_0001 + _LABELS_ANNOTATORS_0001 + _ANNOTATIONS_0001 + _LINKS_0001 + _META_0001
        + "        PRAGMA user_version = 1;\n        "
    )


@migrations(name="0002_review")
def m0002_review(db: Database) -> None:
    """Review decisions: who accepted or rejected an annotation, when, and why."""
    db.executescript(
        """
        ALTER TABLE annotations ADD COLUMN reviewer TEXT NOT NULL DEFAULT '';
        ALTER TABLE annotations ADD COLUMN reviewed TEXT NOT NULL DEFAULT '';
        ALTER TABLE annotations ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
        CREATE INDEX annotations_status ON annotations(status);
        PRAGMA user_version = 2;
        """
    )


@migrations(name="0003_links_suggestions")
def m0003_links_suggestions(db: Database) -> None:
    """Link types users can extend, and suggestions an analyst rejected (hidden for that document)."""
    db.executescript(
        """
        CREATE TABLE link_types (
            name TEXT PRIMARY KEY,
            description TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0
        );
        INSERT INTO link_types (name, description, position) VALUES
            ('same as', 'Both spans refer to the same thing', 0),
            ('contradicts', 'The spans cannot both be true', 1),
            ('supports', 'One span backs the other up', 2),
            ('elaborates', 'One span adds detail to the other', 3),
            ('said by', 'A claim and the actor who made it (claim -> actor)', 4);
        CREATE TABLE rejected_suggestions (
            document TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            PRIMARY KEY (document, label, start, "end")
        );
        PRAGMA user_version = 3;
        """
    )


@migrations(name="0004_search")
def m0004_search(db: Database) -> None:
    """Full-text search (FTS5) over document texts and titles, and over annotation quotes and notes.

    External-content tables kept current by triggers: the text is stored once.
    """
    db.executescript(
        """
        CREATE VIRTUAL TABLE document_search USING fts5(text, content='document_texts', content_rowid='rowid');
        CREATE TRIGGER document_texts_ai AFTER INSERT ON document_texts BEGIN
            INSERT INTO document_search(rowid, text) VALUES (new.rowid, new.text);
        END;
        CREATE TRIGGER document_texts_ad AFTER DELETE ON document_texts BEGIN
            INSERT INTO document_search(document_search, rowid, text) VALUES ('delete', old.rowid, old.text);
        END;
        INSERT INTO document_search(document_search) VALUES ('rebuild');
        CREATE VIRTUAL TABLE annotation_search USING fts5(quote, note, content='annotations', content_rowid='rowid');
        CREATE TRIGGER annotations_ai AFTER INSERT ON annotations BEGIN
            INSERT INTO annotation_search(rowid, quote, note) VALUES (new.rowid, new.quote, new.note);
        END;
        CREATE TRIGGER annotations_ad AFTER DELETE ON annotations BEGIN
            INSERT INTO annotation_search(annotation_search, rowid, quote, note)
                VALUES ('delete', old.rowid, old.quote, old.note);
        END;
        CREATE TRIGGER annotations_au AFTER UPDATE OF quote, note ON annotations BEGIN
            INSERT INTO annotation_search(annotation_search, rowid, quote, note)
                VALUES ('delete', old.rowid, old.quote, old.note);
            INSERT INTO annotation_search(rowid, quote, note) VALUES (new.rowid, new.quote, new.note);
        END;
        INSERT INTO annotation_search(annotation_search) VALUES ('rebuild');
        PRAGMA user_version = 4;
        """
    )


@migrations(name="0005_view_indexes")
def m0005_view_indexes(db: Database) -> None:
    """Covering indexes for what the window reads of big projects.

    * per-document, per-label counts (the library): 50,000 annotations are
      counted from a small index instead of every row, ~10 ms instead of 60 ms;
    * the annotation list's ids in document and reading order: an index scan
      with no sort. It replaces the ``(document, start)`` index, its prefix.
    """
    db.executescript(
        """
        CREATE INDEX annotations_document_label ON annotations(document, label);
        DROP INDEX annotations_document_start;
        CREATE INDEX annotations_reading ON annotations(document, start, "end", id);
        PRAGMA user_version = 5;
        """
    )


@migrations(name="0007_languages")
def m0007_languages(db: Database) -> None:
    """Languages and provenance.

    * ``documents.language``: the document's language (ISO 639-1 code such as
      ``en``, ``ru``, ``ar``; ``''`` = not known), detected when it is added and
      editable; it picks the rules for figures and suggestions. Existing
      documents are detected on upgrade by :mod:`annotator.core.language`.
    * ``annotations.origin``: where an annotation came from when it was not
      tagged by hand (``"suggested: capitalised name"``); never exchanged.
    * ``rejected_suggestions.quote``: the text of a rejected suggestion, so a
      pattern rejected again and again stops being suggested anywhere.
    """
    db.executescript(
        """
        ALTER TABLE documents ADD COLUMN language TEXT NOT NULL DEFAULT '';
        ALTER TABLE annotations ADD COLUMN origin TEXT NOT NULL DEFAULT '';
        ALTER TABLE rejected_suggestions ADD COLUMN quote TEXT NOT NULL DEFAULT '';
        UPDATE rejected_suggestions SET quote = COALESCE((
            SELECT substr(t.text, rejected_suggestions.start + 1, rejected_suggestions."end" - rejected_suggestions.start)
            FROM document_texts t WHERE t.id = rejected_suggestions.document), '');
        CREATE INDEX rejected_suggestions_quote ON rejected_suggestions(label, quote);
        PRAGMA user_version = 7;
        """
    )
    rows = db.execute("SELECT id, substr(text, 1, 20000) FROM document_texts").fetchall()
    for doc_id, sample in rows:
        db.execute("UPDATE documents SET language = ? WHERE id = ?", [detect_language(sample), doc_id])


#: Generates a random (version 4) UUID in SQL, for labels made while the project is joined to a team.
_SQL_UUID = ("(SELECT lower(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8' "
             "|| substr(h, 18, 3) || '-' || substr(h, 21, 12)) FROM (SELECT hex(randomblob(16)) AS h))")
#: A change is recorded for the team only in a joined project, and not while a pull applies colleagues' rows.
_TEAM_GUARD = ("EXISTS (SELECT 1 FROM meta WHERE key = 'team.member') "
               "AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'team.applying')")


def _outbox_triggers(table: str, key: str) -> str:
    """Triggers that record every insert, update and delete of ``table`` in ``team_outbox`` (by ``key``)."""
    parts = []
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        parts.append(
            f"CREATE TRIGGER team_{table}_{event.lower()} AFTER {event} ON {table} "
            f"WHEN {_TEAM_GUARD} AND {row}.{key} IS NOT NULL BEGIN "
            f"INSERT INTO team_outbox (tbl, id) VALUES ('{table}', {row}.{key}) "
            f"ON CONFLICT (tbl, id) DO UPDATE SET n = n + 1; END;")
    return "\n".join(parts)


@migrations(name="0008_team")
def m0008_team(db: Database) -> None:
    """Team sync (``annotator team join``, ``annotator sync``; docs/team.md).

    * ``labels.uuid``: a label's identity on the team server (it survives a rename); every label gets one.
    * ``team_outbox``: the rows changed since they were last pushed (table, id, and a counter that a push
      compares before it forgets an entry, so an edit made during a push is pushed next time). Triggers fill it,
      only in a joined project (``meta`` key ``team.member``) and not while a pull applies rows
      (``team.applying``, set and cleared inside the pull's own transaction).
    * ``team_reviews``, ``team_done``, ``team_blind``: the server's review decisions, documents marked done and
      blind settings as last pulled (a decision is the reviewer's own row on the server; locally the latest one
      is written on the annotation).
    """
    db.executescript(
        """
        ALTER TABLE labels ADD COLUMN uuid TEXT;
        CREATE UNIQUE INDEX labels_uuid ON labels(uuid);
        CREATE TABLE team_outbox (
            tbl TEXT NOT NULL,
            id TEXT NOT NULL,
            n INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (tbl, id)
        ) WITHOUT ROWID;
        CREATE TABLE team_reviews (
            id TEXT PRIMARY KEY,
            annotation TEXT NOT NULL,
            document TEXT NOT NULL,
            owner TEXT NOT NULL,
            status TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,
            deleted INTEGER NOT NULL DEFAULT 0,
            xid INTEGER NOT NULL,
            seq INTEGER NOT NULL
        );
        CREATE INDEX team_reviews_annotation ON team_reviews(annotation);
        CREATE TABLE team_done (
            id TEXT PRIMARY KEY,
            document TEXT NOT NULL,
            owner TEXT NOT NULL,
            deleted INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE team_blind (
            document TEXT PRIMARY KEY,
            blind INTEGER NOT NULL,
            deleted INTEGER NOT NULL DEFAULT 0
        );
        """
    )
    for (name,) in db.execute("SELECT name FROM labels").fetchall():
        db.execute("UPDATE labels SET uuid = ? WHERE name = ?", [str(uuid.uuid4()), name])
    db.executescript(
        f"CREATE TRIGGER team_labels_uuid AFTER INSERT ON labels WHEN NEW.uuid IS NULL "
        f"BEGIN UPDATE labels SET uuid = {_SQL_UUID} WHERE name = NEW.name; END;\n"
        + "\n".join(_outbox_triggers(t, k) for t, k in (("documents", "id"), ("labels", "uuid"),
                                                         ("annotations", "id"), ("links", "id")))
        + "\nPRAGMA user_version = 8;\n"
    )


@migrations(name="0009_label_tree")
def m0009_label_tree(db: Database) -> None:
    """Labels form a tree (issue 22).

    * ``labels.parent``: the name of the label this one sits under, NULL at the top. It references
      ``labels(name)`` ``ON UPDATE CASCADE`` (as ``annotations.label`` does), so a rename keeps the tree; the store
      refuses cycles, and deleting a label that has children is refused until they are moved or deleted.
    * ``labels.codable``: 0 for a category that only holds codes (REFI-QDA ``isCodable="false"``, brat's
      ``!Name``): nothing can be tagged with it.
    """
    db.executescript(
        """
        ALTER TABLE labels ADD COLUMN parent TEXT REFERENCES labels(name) ON UPDATE CASCADE;
        ALTER TABLE labels ADD COLUMN codable INTEGER NOT NULL DEFAULT 1;
        CREATE INDEX labels_parent ON labels(parent);
        PRAGMA user_version = 9;
        """
    )


#: Keeps ``memo_search`` current: one row per memo that is not empty, of ``kind`` ``document`` (owner: the
#: document's id), ``label`` (the label's name) or ``project`` (owner ''), for each table that holds memos.
_MEMO_TRIGGERS = """
        CREATE TRIGGER memo_documents_ai AFTER INSERT ON documents WHEN new.memo != '' BEGIN
            INSERT INTO memo_search(kind, owner, memo) VALUES ('document', new.id, new.memo);
        END;
        CREATE TRIGGER memo_documents_au AFTER UPDATE OF memo ON documents BEGIN
            DELETE FROM memo_search WHERE kind = 'document' AND owner = old.id;
            INSERT INTO memo_search(kind, owner, memo) SELECT 'document', new.id, new.memo WHERE new.memo != '';
        END;
        CREATE TRIGGER memo_documents_ad AFTER DELETE ON documents WHEN old.memo != '' BEGIN
            DELETE FROM memo_search WHERE kind = 'document' AND owner = old.id;
        END;
        CREATE TRIGGER memo_labels_ai AFTER INSERT ON labels WHEN new.memo != '' BEGIN
            INSERT INTO memo_search(kind, owner, memo) VALUES ('label', new.name, new.memo);
        END;
        CREATE TRIGGER memo_labels_au AFTER UPDATE OF memo, name ON labels BEGIN
            DELETE FROM memo_search WHERE kind = 'label' AND owner = old.name;
            INSERT INTO memo_search(kind, owner, memo) SELECT 'label', new.name, new.memo WHERE new.memo != '';
        END;
        CREATE TRIGGER memo_labels_ad AFTER DELETE ON labels WHEN old.memo != '' BEGIN
            DELETE FROM memo_search WHERE kind = 'label' AND owner = old.name;
        END;
        CREATE TRIGGER memo_meta_ai AFTER INSERT ON meta WHEN new.key = 'project.memo' AND new.value != '' BEGIN
            INSERT INTO memo_search(kind, owner, memo) VALUES ('project', '', new.value);
        END;
        CREATE TRIGGER memo_meta_au AFTER UPDATE ON meta WHEN new.key = 'project.memo' OR old.key = 'project.memo' BEGIN
            DELETE FROM memo_search WHERE kind = 'project';
            INSERT INTO memo_search(kind, owner, memo) SELECT 'project', '', new.value
                WHERE new.key = 'project.memo' AND new.value != '';
        END;
        CREATE TRIGGER memo_meta_ad AFTER DELETE ON meta WHEN old.key = 'project.memo' BEGIN
            DELETE FROM memo_search WHERE kind = 'project';
        END;
"""


@migrations(name="0010_memos")
def m0010_memos(db: Database) -> None:
    """Memos (issue 22): an analyst's running notes on a document, on a label (code) and on the project.

    * ``documents.memo``, ``labels.memo``: the memo, '' when there is none.
    * The project memo is the ``meta`` row ``project.memo`` (no row when there is none: an import that gives a project
      its memo adds that row, which undoing the import takes out again).
    * ``memo_search``: full-text search (FTS5) over every memo, with whose memo it is (``kind`` and ``owner``,
      not indexed), kept current by triggers on the three tables.
    """
    db.executescript(
        """
        ALTER TABLE documents ADD COLUMN memo TEXT NOT NULL DEFAULT '';
        ALTER TABLE labels ADD COLUMN memo TEXT NOT NULL DEFAULT '';
        CREATE VIRTUAL TABLE memo_search USING fts5(kind UNINDEXED, owner UNINDEXED, memo);
        """
        + _MEMO_TRIGGERS
        + """
        INSERT INTO memo_search(kind, owner, memo) SELECT 'project', '', value FROM meta
            WHERE key = 'project.memo' AND value != '';
        PRAGMA user_version = 10;
        """
    )


@migrations(name="0011_attributes")
def m0011_attributes(db: Database) -> None:
    """Attributes on spans (issue 22): key–value pairs on an annotation, declared per label.

    * ``label_attributes``: what a label's annotations may carry — a name, a type (``flag``, ``choice`` from
      ``choices``, one per line, or free ``text``) and a position; it follows a renamed label (``ON UPDATE
      CASCADE``) and goes with a deleted one.
    * ``annotation_attributes``: one row per attribute an annotation carries (a flag is the value ``true``); it
      goes with its annotation. Rows rather than a JSON column, so a filter on ``key = value`` uses an index
      and exports read them in the annotations' own batches.
    """
    db.executescript(
        """
        CREATE TABLE label_attributes (
            label TEXT NOT NULL REFERENCES labels(name) ON UPDATE CASCADE ON DELETE CASCADE,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            choices TEXT NOT NULL DEFAULT '',
            position INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (label, name)
        ) WITHOUT ROWID;
        CREATE TABLE annotation_attributes (
            annotation TEXT NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (annotation, key)
        ) WITHOUT ROWID;
        CREATE INDEX annotation_attributes_key_value ON annotation_attributes(key, value);
        PRAGMA user_version = 11;
        """
    )


@migrations(name="0012_team_attributes")
def m0012_team_attributes(db: Database) -> None:
    """Attributes travel with team sync: a span's attribute changed, or a label's declarations, waits in the
    outbox as a change of its annotation or label (triggers as those of ``0008_team``, same guard)."""
    parts = []
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        record = ("INSERT INTO team_outbox (tbl, id) {} ON CONFLICT (tbl, id) DO UPDATE SET n = n + 1;")
        parts.append(f"CREATE TRIGGER team_annotation_attributes_{event.lower()} AFTER {event} ON annotation_attributes "
                     f"WHEN {_TEAM_GUARD} BEGIN "
                     + record.format(f"VALUES ('annotations', {row}.annotation)") + " END;")
        parts.append(f"CREATE TRIGGER team_label_attributes_{event.lower()} AFTER {event} ON label_attributes "
                     f"WHEN {_TEAM_GUARD} BEGIN "
                     + record.format(f"SELECT 'labels', uuid FROM labels WHERE name = {row}.label AND uuid IS NOT NULL")
                     + " END;")
    db.executescript("\n".join(parts) + "\nPRAGMA user_version = 12;\n")


@migrations(name="0013_model")
def m0013_model(db: Database) -> None:
    """Model suggestions (issue 23; docs/models.md), both local to this project file (team sync ignores them).

    * ``model_answers``: the raw answers of a model, one per piece of a document asked about, under a key that
      names the document, model, prompt version, piece and labels (``annotator.core.llm.spans.cache_key``); the
      answer is kept as the model gave it and anchored again when read. It goes with its document. A span
      answer also records its piece (``piece_start``, ``piece_end``) and the label names asked (``labels``, a JSON
      list), so the evaluation finds every run of a model whatever labels and context size it was asked with.
    * ``model_hosts``: the remote hosts the analyst allowed model requests to for this project, and when.
    """
    db.executescript(
        """
        CREATE TABLE model_answers (
            key TEXT PRIMARY KEY,
            document TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            answer TEXT NOT NULL,
            created TEXT NOT NULL,
            piece_start INTEGER NOT NULL DEFAULT 0,
            piece_end INTEGER NOT NULL DEFAULT 0,
            labels TEXT NOT NULL DEFAULT '[]'
        ) WITHOUT ROWID;
        CREATE INDEX model_answers_document ON model_answers(document);
        CREATE INDEX model_answers_run ON model_answers(model, prompt_version);
        CREATE TABLE model_hosts (
            host TEXT PRIMARY KEY,
            allowed TEXT NOT NULL
        ) WITHOUT ROWID;
        PRAGMA user_version = 13;
        """
    )

