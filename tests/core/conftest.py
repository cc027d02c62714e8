"""Fixtures shared by the core tests: a project file path and an open store on it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from annotator.core.formats.documents import read_article
from annotator.core.store import Store

DATA = Path(__file__).resolve().parent.parent / "data"


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes: used to prove that a failed operation changed nothing."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def digest():
    return file_digest


@pytest.fixture
def project_path(tmp_path) -> Path:
    return tmp_path / "project.sqlite"


@pytest.fixture
def store(project_path):
    s = Store.open(project_path)
    yield s
    s.close()


def _span(text: str, quote: str) -> tuple[int, int]:
    i = text.index(quote)
    return i, i + len(quote)


@pytest.fixture
def rich(store):
    """A set to exchange: astral characters, a CRLF article, several annotators (one with a name), two links, a review decision,
    cells a spreadsheet would evaluate."""
    article = read_article(DATA / "article_multiscript.txt")
    d1, _ = store.add_document(article.text, article.title, "Test Wire", "2025-11-25", "https://example.test/1")
    t1 = store.document_text(d1.id)
    d2, _ = store.add_document("+44 report 🇬🇧: Witkoff met Putin.\n«Цитата» 🙂 end.", "=HYPERLINK(\"x\")", "@wire")
    t2 = store.document_text(d2.id)
    store.add_label("Quotation")
    store.add_label("-minus")
    anns = [
        store.add_annotation(d1.id, "Claim", *_span(t1, "Moscow 🇺🇦"), "alice", "flag at the end"),
        store.add_annotation(d1.id, "Actor", *_span(t1, "Steve Witkoff"), "alice", status="accepted"),
        store.add_annotation(d1.id, "Figure", *_span(t1, "28"), "=bob", "=1+1", status="rejected"),
        store.add_annotation(d1.id, "Claim", *_span(t1, "cafe\u0301 owners"), "=bob", "\ttab"),
        store.add_annotation(d1.id, "Actor", *_span(t1, "Путіним"), "alice", "\rcr", id="-dash-id"),
        store.add_annotation(d1.id, "Claim", *_span(t1, "السلام ممكن"), "=bob", 'He said "no", then\nleft'),
        store.add_annotation(d1.id, "-minus", *_span(t1, "和平计划"), "alice", "'=already quoted",
                             created="=2026", modified="+2027"),
        store.add_annotation(d1.id, "Quotation", *_span(t1, "👩\u200d👩\u200d👧 🇬🇧🇺🇸 𝐁𝐨𝐥𝐝"), "@carol"),
        store.add_annotation(d2.id, "Actor", *_span(t2, "+44 report"), "=bob", "-dash"),
        store.add_annotation(d2.id, "Quotation", *_span(t2, "«Цитата» 🙂"), "alice", "@mention", status="accepted"),
        store.add_annotation(d2.id, "Claim", *_span(t2, "Witkoff met Putin"), "dave", "＝ fullwidth, − minus"),
    ]
    store.ensure_annotator("alice", "Alice Example")
    store.ensure_annotator("=bob", "=Bob")
    anns[2] = store.set_review(anns[2].id, "rejected", "alice", "=not 28", when="2026-12-01T10:00:00Z")
    links = [
        store.add_link("contradicts", anns[1].id, anns[8].id, "alice", "different spelling"),
        store.add_link("supports", anns[2].id, anns[3].id, "=bob", "same annotator"),
        store.add_link("same as", anns[9].id, anns[10].id, "erin", "by someone without annotations"),
    ]
    return {"docs": [d1, d2], "texts": {d1.id: t1, d2.id: t2}, "anns": anns, "links": links}
