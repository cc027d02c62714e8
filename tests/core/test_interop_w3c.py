"""W3C Web Annotation: the structure we write, files in the shapes web annotators write, anchoring by quote."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.formats.w3c import CONTEXT, best_occurrence, document_uri, export_w3c, import_w3c

TEXT = "The plan. Putin said no. Later, Putin said yes 🙂. Then Putin said no again."


@pytest.fixture
def doc(store):
    d, _ = store.add_document(TEXT, "Talks", url="https://news.example/talks")
    return d


def write(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def quote_only(exact: str, prefix: str = "", suffix: str = "", source: str = "https://news.example/talks",
               tag: str | None = "Claim", ident: str = "https://hypothes.is/a/abc") -> dict:
    body = [{"type": "TextualBody", "value": "my comment"}]
    if tag:
        body.append({"type": "TextualBody", "purpose": "tagging", "value": tag})
    return {"@context": CONTEXT, "id": ident, "type": "Annotation", "creator": {"type": "Person", "name": "hypo"},
            "body": body, "target": {"source": source, "selector": [
                {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix}]}}


def test_export_structure(store, rich):
    out = io.StringIO()
    count = export_w3c(store, out)
    data = json.loads(out.getvalue())
    assert CONTEXT in data["@context"]
    assert data["type"] == "AnnotationCollection"
    items = data["first"]["items"]
    assert data["first"]["type"] == "AnnotationPage" and data["total"] == len(items) == count + len(rich["links"])
    texts = {d["id"]: d["text"] for d in data["an:documents"]}
    by_id = {a.id: a for a in store.iter_annotations()}
    for item in items:
        assert item["type"] == "Annotation" and item["id"].startswith("urn:uuid:")
        assert item["creator"]["type"] == "Person" and item["creator"]["name"]
        if item["motivation"] == "linking":
            assert item["body"]["type"] == "SpecificResource"
            continue
        ann = by_id.get(item["id"].removeprefix("urn:uuid:")) or by_id["-dash-id"]
        tags = [b["value"] for b in item["body"] if b["purpose"] == "tagging"]
        notes = [b["value"] for b in item["body"] if b["purpose"] == "commenting"]
        assert tags == [ann.label] and notes == ([ann.note] if ann.note else [])
        position, quote = item["target"]["selector"]
        text = texts[ann.document]
        assert (position["start"], position["end"]) == (ann.start, ann.end)
        assert quote["exact"] == ann.quote == text[position["start"]:position["end"]]
        assert quote["prefix"] == text[max(0, ann.start - 32):ann.start]
        assert quote["suffix"] == text[ann.end:ann.end + 32]
        assert item["an:status"] == ann.status
    url_doc = next(d for d in rich["docs"] if d.url)
    assert any(i["target"]["source"] == url_doc.url for i in items if i["motivation"] != "linking")
    other = next(d for d in rich["docs"] if not d.url)
    assert any(i["target"]["source"] == document_uri(other.id, None) for i in items if i["motivation"] != "linking")


def test_best_occurrence_uses_the_context_not_the_first_match():
    assert best_occurrence(TEXT, "Putin said no", prefix="Then ", suffix=" again") == TEXT.index("Then Putin") + 5
    assert best_occurrence(TEXT, "Putin said no", prefix="plan. ", suffix=". Later") == TEXT.index("Putin")
    assert best_occurrence(TEXT, "nowhere") is None


def test_hypothesis_quote_only_annotations_land_on_the_best_occurrence(store, doc, tmp_path):
    page = {"@context": CONTEXT.replace("http:", "https:"), "type": "AnnotationPage",
            "items": [quote_only("Putin said no", "Then ", " again.")]}
    path = write(tmp_path / "h.jsonld", page)
    report = import_w3c(store, path)
    (ann,) = store.iter_annotations()
    assert (ann.start, ann.quote, ann.label, ann.note, ann.annotator) == (
        TEXT.index("Then Putin") + 5, "Putin said no", "Claim", "my comment", "hypo")
    assert report.added == 1
    assert import_w3c(store, path).added == 0  # idempotent: the id is derived from the annotation's IRI


def test_utf16_positions_that_disagree_with_the_quote_are_reanchored(store, doc, tmp_path):
    start = TEXT.index("Then")
    utf16 = start + 1  # the emoji before it counts twice in UTF-16
    item = quote_only("Then Putin", ". ", " said no again")
    item["target"]["selector"].append({"type": "TextPositionSelector", "start": utf16, "end": utf16 + 10})
    report = import_w3c(store, write(tmp_path / "web.jsonld", item))
    (ann,) = store.iter_annotations()
    assert (ann.start, ann.end) == (start, start + 10)
    assert report.reanchored == 1 and "re-anchored" in report.summary()


def test_unknown_sources_and_missing_quotes_are_named_and_the_rest_lands(store, doc, tmp_path):
    items = [quote_only("The plan", ident="urn:x:1"), quote_only("no such words", ident="urn:x:2"),
             quote_only("The plan", source="https://elsewhere.example/", ident="urn:x:3"),
             quote_only("Later", tag=None, ident="urn:x:4")]
    page = {"@context": CONTEXT, "type": "AnnotationPage", "items": items}
    report = import_w3c(store, write(tmp_path / "page.jsonld", page))
    assert sorted((a.quote, a.label) for a in store.iter_annotations()) == [("Later", "Annotation"),
                                                                          ("The plan", "Claim")]
    summary = report.summary()
    assert "1 × annotations whose quote occurs nowhere in 'Talks'" in summary
    assert "1 × annotations of https://elsewhere.example/, which is no document of this project" in summary


@pytest.mark.parametrize("content", ['{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation", ',
                                     '{"format": "annotator.annotation-set"}', "\xff\xfe"])
def test_bad_files_are_refused_and_change_nothing(store, doc, tmp_path, digest, content):
    path = tmp_path / "bad.jsonld"
    path.write_bytes(content.encode("latin-1"))
    store.checkpoint()
    before = digest(store.path)
    with pytest.raises(InputError) as info:
        import_w3c(store, path)
    assert "bad.jsonld" in str(info.value)
    store.checkpoint()
    assert digest(store.path) == before


def test_a_file_whose_document_text_was_altered_is_refused(store, rich, tmp_path):
    out = io.StringIO()
    export_w3c(store, out)
    data = json.loads(out.getvalue())
    data["an:documents"][0]["text"] += " extra"
    path = write(tmp_path / "altered.jsonld", data)
    fresh_path = tmp_path / "fresh.sqlite"
    from annotator.core.store import Store

    fresh = Store.open(fresh_path)
    with pytest.raises(InputError, match="does not match its id"):
        import_w3c(fresh, path)
    assert fresh.documents() == []
    fresh.close()
