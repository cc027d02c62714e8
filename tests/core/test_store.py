"""The project store: creation, pragmas, documents, labels, annotations, links and unusable projects."""

from __future__ import annotations

import math
import os
import sqlite3
import stat

import pytest

from annotator.core.errors import (
    InputError,
    NewerProjectError,
    NotAProjectError,
    NotFoundError,
    ProjectLockedError,
    ReadOnlyProjectError,
    SpanError,
)
from annotator.core import scheme
from annotator.core.model import Annotation
from annotator.core.store import Store
from annotator.core.text import document_id

DEFAULT_LABELS = [
    ("Claim", "#0072B2", "1"),
    ("Actor", "#E69F00", "2"),
    ("Figure", "#009E73", "3"),
    ("Plan point", "#CC79A7", "4"),
]

ARTICLE = "Steve Witkoff will meet Vladimir Putin in Moscow.\nThe 28-point plan 🇺🇦 was cut to 19 points.\n"


@pytest.fixture
def doc(store):
    d, created = store.add_document(ARTICLE, "Envoy to Moscow", "Test Wire", "2025-11-25")
    assert created
    return d


def _span(text: str, quote: str) -> tuple[int, int]:
    i = text.index(quote)
    return i, i + len(quote)


def _populated(path) -> tuple[str, list[Annotation]]:
    """A closed project with one document, two annotations and a link; returns the document id."""
    with Store.open(path) as s:
        d, _ = s.add_document(ARTICLE, "Envoy to Moscow")
        a = s.add_annotation(d.id, "Actor", *_span(ARTICLE, "Steve Witkoff"), "alice")
        b = s.add_annotation(d.id, "Figure", *_span(ARTICLE, "28-point"), "alice")
        s.add_link("same as", a.id, b.id, "alice")
        return d.id, [a, b]


# ----------------------------------------------------------------- a new project
def test_new_project_has_the_default_labels(store):
    labels = store.labels()
    assert [(lb.name, lb.color, lb.shortcut) for lb in labels] == DEFAULT_LABELS
    assert [lb.position for lb in labels] == [0, 1, 2, 3]
    assert all(lb.description for lb in labels)
    assert store.documents() == []
    assert store.annotation_count() == 0
    assert store.meta("created")
    assert store.meta("seeded") is None


def test_new_project_creates_missing_folders(tmp_path):
    path = tmp_path / "a" / "b" / "project.sqlite"
    with Store.open(path) as s:
        assert len(s.labels()) == 4
    assert path.exists()


def test_open_without_create_refuses_a_missing_file(tmp_path):
    with pytest.raises(NotAProjectError, match="no project file"):
        Store.open(tmp_path / "missing.sqlite", create=False)
    assert not (tmp_path / "missing.sqlite").exists()


def test_open_refuses_a_folder(tmp_path):
    folder = tmp_path / "folder.sqlite"
    folder.mkdir()
    (folder / "x").write_text("x")
    with pytest.raises(NotAProjectError, match="folder"):
        Store.open(folder)


@pytest.mark.parametrize("reopen", [False, True])
def test_pragmas(project_path, reopen):
    s = Store.open(project_path)
    if reopen:
        s.close()
        s = Store.open(project_path)
    try:
        conn = s.db.conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    finally:
        s.close()


def test_reopening_keeps_everything(project_path):
    doc_id, anns = _populated(project_path)
    with Store.open(project_path) as s:
        assert [d.id for d in s.documents()] == [doc_id]
        assert s.annotations() == sorted(anns, key=lambda a: a.start)
        assert len(s.links()) == 1


# --------------------------------------------------------------------- documents
def test_add_document_records_metadata_and_normalised_text(store):
    d, created = store.add_document("Title\r\nBody 🇺🇦\rEnd", "  My title  ", "Reuters", "2025-11-25", "https://x.test/a")
    assert created
    text = "Title\nBody 🇺🇦\nEnd"
    assert store.document_text(d.id) == text
    assert d.id == document_id(text)
    assert d.length == len(text) == 17
    assert (d.title, d.source, d.published, d.url) == ("My title", "Reuters", "2025-11-25", "https://x.test/a")
    assert store.document(d.id, with_text=True).text == text
    assert store.documents() == [d]


def test_add_document_deduplicates_by_id(store):
    first, created1 = store.add_document("Same text\nagain", "First")
    again, created2 = store.add_document("Same text\r\nagain", "Second title")
    assert created1 and not created2
    assert again.id == first.id
    assert again.title == "First"
    assert len(store.documents()) == 1


def test_documents_keep_the_order_they_were_added(store):
    ids = [store.add_document(f"Article {n}", f"T{n}")[0].id for n in (3, 1, 2)]
    assert [d.id for d in store.documents()] == ids


@pytest.mark.parametrize("text", ["", "   ", "\r\n\n"])
def test_add_document_refuses_empty_text(store, text):
    with pytest.raises(InputError):
        store.add_document(text, "Empty")
    assert store.documents() == []


def test_find_document_by_id_prefix_and_title(store, doc):
    other, _ = store.add_document("Another article", "Other")
    assert store.find_document(doc.id) == doc
    assert store.find_document(doc.id[:19]) == doc
    assert store.find_document(doc.id[7:19]) == doc
    assert store.find_document("Other") == other
    with pytest.raises(NotFoundError):
        store.find_document("sha256:ffffffffffffffffff")
    with pytest.raises(InputError, match="matches 2"):
        store.find_document("sha256:")


def test_update_document_metadata(store, doc):
    updated = store.update_document(doc.id, title="New", url="https://example.test")
    assert (updated.title, updated.url, updated.source) == ("New", "https://example.test", "Test Wire")
    with pytest.raises(InputError):
        store.update_document(doc.id, text="changed")
    with pytest.raises(InputError):
        store.update_document(doc.id, title="   ")
    assert store.document_text(doc.id) == ARTICLE


def test_unknown_document_is_not_found(store):
    with pytest.raises(NotFoundError):
        store.document("sha256:nope")
    with pytest.raises(NotFoundError):
        store.document_text("sha256:nope")


# ------------------------------------------------------------------------ labels
def test_next_color_follows_the_okabe_ito_palette(store):
    assert store.next_color() == "#56B4E9"
    label = store.add_label("Quotation")
    assert label.color == "#56B4E9"
    assert label.position == 4
    assert store.next_color() == "#D55E00"
    assert store.add_label("Own colour", color="#123456").color == "#123456"
    assert store.next_color() == "#D55E00"


def test_three_hundred_labels_have_three_hundred_colours_far_apart(store):
    """Past the palette's 8 colours new labels still get distinct colours, none too close to another (issue 20)."""
    for number in range(300 - len(store.labels())):
        store.add_label(f"Code {number:03}")
    labels = store.labels()
    colors = [label.color for label in labels]
    assert len(colors) == 300 and len(set(colors)) == 300
    assert colors[:8] == ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
    labs = [scheme._lab(color) for color in colors]
    closest = min(math.dist(a, b) for i, a in enumerate(labs) for b in labs[i + 1:])
    assert closest >= scheme.MIN_COLOR_DISTANCE


def test_a_made_colour_keeps_away_from_colours_chosen_by_hand(store):
    for color in scheme.PALETTE[4:]:
        store.add_label(f"Palette {color}", color=color)
    made = scheme._candidates()[0][0]
    store.add_label("Close by hand", color="#{:06X}".format(int(made[1:], 16) + 0x010101))
    color = store.add_label("Made").color
    assert color != made
    assert math.dist(scheme._lab(color), scheme._lab(made)) >= scheme.MIN_COLOR_DISTANCE
    assert scheme.next_label_color([label.color for label in store.labels()]) == store.next_color()


def test_add_label_refuses_duplicates_and_blank_names(store):
    with pytest.raises(InputError):
        store.add_label("Claim")
    with pytest.raises(InputError):
        store.add_label("   ")
    assert len(store.labels()) == 4


def test_ensure_label_creates_only_missing_labels(store):
    assert store.ensure_label("Claim").color == "#0072B2"
    assert store.ensure_label("Location").name == "Location"
    assert [lb.name for lb in store.labels()][-1] == "Location"


# ------------------------------------------------------------------- annotations
def test_add_update_delete_restore_annotation(store, doc):
    start, end = _span(ARTICLE, "Vladimir Putin")
    ann = store.add_annotation(doc.id, "Actor", start, end, "alice", "the Russian president")
    assert ann.quote == "Vladimir Putin"
    assert (ann.status, ann.note, ann.annotator) == ("pending", "the Russian president", "alice")
    assert ann.created == ann.modified
    assert store.annotation(ann.id) == ann
    assert [a.id for a in store.annotators()] == ["alice"]

    updated = store.update_annotation(ann.id, label="Claim", note="", status="accepted", modified="2030-01-01T00:00:00Z")
    assert (updated.label, updated.note, updated.status, updated.modified) == ("Claim", "", "accepted", "2030-01-01T00:00:00Z")
    assert updated.created == ann.created

    moved = store.update_annotation(ann.id, start=start + 9)
    assert moved.quote == "Putin"
    assert moved.modified != "2030-01-01T00:00:00Z"

    removed = store.delete_annotation(ann.id)
    assert removed == moved
    assert not store.has_annotation(ann.id)
    with pytest.raises(NotFoundError):
        store.annotation(ann.id)

    store.restore_annotation(removed)
    assert store.annotation(ann.id) == removed


def test_annotation_filters_and_counts(store, doc):
    other, _ = store.add_document("Second article about Putin", "Other")
    a = store.add_annotation(doc.id, "Actor", *_span(ARTICLE, "Steve Witkoff"), "alice")
    b = store.add_annotation(doc.id, "Figure", *_span(ARTICLE, "19"), "bob", status="accepted")
    c = store.add_annotation(other.id, "Actor", 21, 26, "bob")
    assert store.annotations(document=doc.id) == [a, b]
    assert store.annotations(annotator="bob") == sorted([b, c], key=lambda x: (x.document, x.start))
    assert store.annotations(label="Actor", annotator="bob") == [c]
    assert store.annotations(status="accepted") == [b]
    assert store.annotations(documents=[]) == []
    assert store.label_counts() == {"Actor": 2, "Figure": 1}
    assert store.label_counts([other.id]) == {"Actor": 1}
    assert store.annotation_count() == 3


def test_update_annotation_refuses_bad_values(store, doc):
    ann = store.add_annotation(doc.id, "Actor", 0, 5, "alice")
    with pytest.raises(InputError):
        store.update_annotation(ann.id, quote="x")
    with pytest.raises(InputError):
        store.update_annotation(ann.id, status="done")
    with pytest.raises(NotFoundError):
        store.update_annotation(ann.id, label="Nope")
    with pytest.raises(SpanError):
        store.update_annotation(ann.id, end=0)
    with pytest.raises(SpanError):
        store.update_annotation(ann.id, end=len(ARTICLE) + 1)
    assert store.annotation(ann.id) == ann


def test_add_annotation_refuses_unknown_label_status_or_document(store, doc):
    with pytest.raises(NotFoundError):
        store.add_annotation(doc.id, "Nope", 0, 5, "alice")
    with pytest.raises(InputError):
        store.add_annotation(doc.id, "Claim", 0, 5, "alice", status="maybe")
    with pytest.raises(NotFoundError):
        store.add_annotation("sha256:nope", "Claim", 0, 5, "alice")
    assert store.annotation_count() == 0
    assert store.annotators() == []


QUOTE_CASES = [
    # (raw text as given, quote to tag in the stored text)
    ("He smiled 🙂 and left 🙂 again.", "🙂 again"),
    ("Flags 🇺🇦🇷🇺 then 🇺🇸 words.", "🇷🇺 then 🇺🇸"),
    ("Un cafe\u0301 cre\u0300me, s'il vous plai\u0302t.", "cafe\u0301 cre\u0300me"),
    ("Line one\r\nLine two 🇺🇦\r\nLine three\rLine four", "two 🇺🇦\nLine three\nLine"),
    ("Віткофф зустрінеться з Путіним у Москві.", "Путіним у Москві"),
    ("قال المبعوث إن السلام ممكن.", "السلام ممكن"),
    ("和平计划有二十八点。美国特使将前往莫斯科。", "二十八点。美国"),
    ("Family 👩\u200d👩\u200d👧 and 𝐁𝐨𝐥𝐝 math 𠀀 CJK-ext-B.", "𝐁𝐨𝐥𝐝 math 𠀀"),
]


@pytest.mark.parametrize(("raw", "quote"), QUOTE_CASES)
def test_quote_is_always_the_text_between_the_offsets(store, raw, quote):
    d, _ = store.add_document(raw, "Tricky")
    text = store.document_text(d.id)
    assert "\r" not in text
    assert d.length == len(text)
    start, end = _span(text, quote)
    ann = store.add_annotation(d.id, "Claim", start, end, "alice")
    assert ann.quote == quote == text[ann.start : ann.end]
    assert store.annotation(ann.id).quote == text[start:end]
    # every single code point too, astral ones included
    for i in range(len(text)):
        a = store.add_annotation(d.id, "Figure", i, i + 1, "bob")
        assert a.quote == text[i]
    assert all(a.quote == text[a.start : a.end] for a in store.annotations(document=d.id))


@pytest.mark.parametrize(
    ("start", "end", "match"),
    [
        (-1, 5, "outside"),
        (0, len(ARTICLE) + 1, "outside"),
        (len(ARTICLE), len(ARTICLE) + 2, "outside"),
        (5, 5, "empty"),
        (9, 4, "empty"),
        (0.0, 5, "whole numbers"),
        ("0", 5, "whole numbers"),
        (True, 5, "whole numbers"),
    ],
)
def test_span_errors(store, doc, project_path, digest, start, end, match):
    store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = digest(project_path)
    with pytest.raises(SpanError, match=match):
        store.add_annotation(doc.id, "Claim", start, end, "alice")
    assert store.annotation_count() == 0
    assert store.annotators() == []
    store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert digest(project_path) == before


def test_whole_text_span_is_allowed(store, doc):
    assert store.add_annotation(doc.id, "Claim", 0, len(ARTICLE), "alice").quote == ARTICLE


# ------------------------------------------------------------------------- links
def test_links_and_delete_cascades_to_them(store, doc):
    a = store.add_annotation(doc.id, "Actor", *_span(ARTICLE, "Steve Witkoff"), "alice")
    b = store.add_annotation(doc.id, "Actor", *_span(ARTICLE, "Vladimir Putin"), "alice")
    c = store.add_annotation(doc.id, "Figure", *_span(ARTICLE, "19"), "alice")
    ab = store.add_link("meets", a.id, b.id, "bob", "in Moscow")
    bc = store.add_link("contradicts", b.id, c.id, "alice")
    assert store.has_link(ab.id)
    assert {lk.id for lk in store.links()} == {ab.id, bc.id}
    assert [lk.id for lk in store.links(annotator="bob")] == [ab.id]
    assert [lk.id for lk in store.links(annotation_ids=[a.id, b.id])] == [ab.id]
    assert {x.id for x in store.annotators()} == {"alice", "bob"}

    store.delete_annotation(b.id)
    assert store.links() == []
    assert store.db.conn.execute("SELECT COUNT(*) FROM links").fetchone()[0] == 0
    assert {x.id for x in store.annotations()} == {a.id, c.id}


def test_add_link_refuses_missing_annotations_and_blank_types(store, doc):
    a = store.add_annotation(doc.id, "Actor", 0, 5, "alice")
    with pytest.raises(NotFoundError):
        store.add_link("same as", a.id, "missing", "alice")
    with pytest.raises(InputError):
        store.add_link("  ", a.id, a.id, "alice")
    assert store.links() == []


def test_foreign_keys_are_enforced(store, doc):
    with pytest.raises(sqlite3.IntegrityError):
        store.db.conn.execute(
            "INSERT INTO annotations VALUES ('x', 'sha256:nope', 'Claim', 0, 1, 'S', 'alice', '', 'pending', '', '', '', '', '', '')"
        )


def test_meta(store):
    assert store.meta("missing", "default") == "default"
    store.set_meta("k", "v1")
    store.set_meta("k", "v2")
    assert store.meta("k") == "v2"


# ------------------------------------------------------------- unusable projects
def test_a_text_file_named_sqlite_is_not_a_project(tmp_path, digest):
    path = tmp_path / "notes.sqlite"
    path.write_text("These are my notes, not a database.\n", encoding="utf-8")
    before = digest(path)
    with pytest.raises(NotAProjectError, match="not a SQLite database"):
        Store.open(path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "notes.sqlite"]


def test_a_sqlite_database_of_another_program_is_not_a_project(tmp_path, digest):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.test')")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NotAProjectError, match="another program"):
        Store.open(path)
    assert digest(path) == before
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall() == [("moz_places",)]
    conn.close()


def test_a_database_with_a_foreign_migration_set_is_not_a_project(tmp_path, digest):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, name TEXT, applied_at TEXT)")
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('otherapp', '0001', 'x')")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NotAProjectError):
        Store.open(path)
    assert digest(path) == before


def test_a_project_from_a_newer_annotator_is_refused(project_path, digest):
    _populated(project_path)
    conn = sqlite3.connect(project_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = digest(project_path)
    with pytest.raises(NewerProjectError, match="newer version"):
        Store.open(project_path)
    with pytest.raises(NewerProjectError):
        Store.open(project_path, readonly=True)
    assert digest(project_path) == before
    conn = sqlite3.connect(project_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 99
    conn.close()


def test_a_project_with_an_unknown_migration_is_refused(project_path, digest):
    _populated(project_path)
    conn = sqlite3.connect(project_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('annotator', '0002_future', 'x')"
    )
    conn.commit()
    conn.close()
    before = digest(project_path)
    with pytest.raises(NewerProjectError):
        Store.open(project_path)
    assert digest(project_path) == before


def test_a_read_only_project_opens_but_refuses_every_write(project_path, digest):
    doc_id, (a, b) = _populated(project_path)
    os.chmod(project_path, 0o444)
    try:
        before = digest(project_path)
        s = Store.open(project_path)
        try:
            assert s.readonly
            # reading works
            assert [d.id for d in s.documents()] == [doc_id]
            assert len(s.annotations()) == 2
            writes = [
                lambda: s.add_document("A new article", "New"),
                lambda: s.add_annotation(doc_id, "Claim", 0, 5, "alice"),
                lambda: s.update_annotation(a.id, note="changed"),
                lambda: s.delete_annotation(a.id),
                lambda: s.restore_annotation(a),
                lambda: s.add_label("New label"),
                lambda: s.add_link("same as", b.id, a.id, "alice"),
                lambda: s.update_document(doc_id, title="New title"),
                lambda: s.ensure_annotator("carol"),
                lambda: s.set_meta("k", "v"),
            ]
            for write in writes:
                with pytest.raises(ReadOnlyProjectError, match="read-only"):
                    write()
            assert len(s.annotations()) == 2
        finally:
            s.close()
        assert digest(project_path) == before
        assert stat.S_IMODE(project_path.stat().st_mode) == 0o444
    finally:
        os.chmod(project_path, 0o644)


def test_opening_read_only_on_request(project_path, digest):
    doc_id, _ = _populated(project_path)
    before = digest(project_path)
    with Store.open(project_path, readonly=True) as s:
        assert s.readonly
        with pytest.raises(ReadOnlyProjectError):
            s.add_annotation(doc_id, "Claim", 0, 5, "alice")
    assert digest(project_path) == before


def test_a_locked_project_reports_that_another_program_holds_it(project_path, digest):
    doc_id, _ = _populated(project_path)
    before = digest(project_path)
    locker = sqlite3.connect(project_path, isolation_level=None)
    try:
        locker.execute("BEGIN EXCLUSIVE")
        s = None
        with pytest.raises(ProjectLockedError, match="in use by another program"):
            s = Store.open(project_path)
            s.add_annotation(doc_id, "Claim", 0, 5, "alice")
        if s is not None:
            s.close()
    finally:
        locker.rollback()
        locker.close()
    assert digest(project_path) == before
    with Store.open(project_path) as s:
        assert s.annotation_count() == 2


def test_a_locked_rollback_journal_database_is_reported_as_locked(tmp_path, digest):
    # A project copied by a tool that switched it back to a rollback journal: the
    # exclusive lock then blocks reading too, already when opening.
    path = tmp_path / "journal.sqlite"
    _populated(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = digest(path)
    locker = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        locker.execute("BEGIN EXCLUSIVE")
        with pytest.raises(ProjectLockedError):
            Store.open(path)
    finally:
        locker.rollback()
        locker.close()
    assert digest(path) == before
