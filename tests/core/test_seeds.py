"""The shipped sample corpus: two reports of the same event, with metadata."""

from __future__ import annotations

import hashlib
import json

from annotator.core.formats.documents import import_seeds
from annotator.core.paths import seeds_dir

FIRST_TITLE = "Donald Trump sends top envoy to Russia to finalise US peace plan for Ukraine"


def _metadata() -> list[dict]:
    return json.loads((seeds_dir() / "metadata.json").read_text(encoding="utf-8"))["documents"]


def test_import_seeds_adds_both_articles_with_their_metadata(store):
    docs = import_seeds(store)
    meta = _metadata()
    assert len(docs) == len(meta) == 2
    assert store.documents() == docs
    for doc, item in zip(docs, meta):
        assert doc.title == item["title"]
        assert doc.source == item["source"]
        assert doc.published == item["published"] == "2025-11-25"
        assert doc.url == item["url"]
    assert [d.title for d in docs] == [FIRST_TITLE, "Trump to send Witkoff to Russia as Ukraine peace talks continue"]
    assert [d.source for d in docs] == ["Financial Times", "news report (photo credit: Reuters)"]
    assert store.meta("seeded") == "1"


def test_seed_ids_are_the_sha256_of_their_text(store):
    for doc, item in zip(import_seeds(store), _metadata()):
        text = store.document_text(doc.id)
        assert doc.id == "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert doc.length == len(text)
        # the seed files are stored UTF-8 with LF line ends, so the id is also that of the file
        raw = (seeds_dir() / item["file"]).read_bytes()
        assert b"\r" not in raw and not raw.startswith(b"\xef\xbb\xbf")
        assert doc.id == "sha256:" + hashlib.sha256(raw).hexdigest()


def test_importing_seeds_twice_does_not_duplicate(store):
    first = import_seeds(store)
    second = import_seeds(store)
    assert [d.id for d in second] == [d.id for d in first]
    assert len(store.documents()) == 2


def test_the_first_seed_names_the_envoy(store):
    first = import_seeds(store)[0]
    text = store.document_text(first.id)
    assert "Steve Witkoff" in text
    assert text.startswith(FIRST_TITLE)
