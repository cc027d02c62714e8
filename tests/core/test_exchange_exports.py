"""Streaming exports: JSON and CSV written from SQL rows, links and annotators chosen in SQL.

They must write the same bytes as the simple implementations they replaced,
which are kept below as references (one ``Annotation`` per row, a set of every
exported id to filter the links).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from annotator.core.errors import CancelledError, NotFoundError
from annotator.core.fileio import atomic_writer
from annotator.core.formats.csv_set import COLUMNS, escape_cell, export_csv
from annotator.core.formats.json_set import Selection, export_json
from annotator.core.store import Store

DATA = Path(__file__).resolve().parent.parent / "data"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


# ------------------------------------------------------------------ references
def reference_export_json(store: Store, out, selection: Selection | None = None, include_text: bool = True) -> int:
    """The JSON export as it was before it streamed from SQL: a set of every exported id filters the links."""
    selection = selection or Selection()
    doc_ids = selection.document_ids(store)
    dumps = json.JSONEncoder(ensure_ascii=False).encode

    def dump_list(items):
        return "[\n" + ",\n".join("    " + dumps(item) for item in items) + "\n  ]" if items else "[]"

    out.write("{\n")
    out.write(f'  "format": {dumps("annotator.annotation-set")},\n  "version": 4,\n')
    out.write(f'  "exported": {dumps("2000-01-01T00:00:00Z")},\n  "generator": {dumps("annotator x")},\n')
    out.write(f'  "memo": {dumps(store.memo("project"))},\n')
    labels = [{"name": lb.name, "color": lb.color, "shortcut": lb.shortcut, "description": lb.description,
               "parent": lb.parent, "codable": lb.codable, "attributes": [], "memo": lb.memo} for lb in store.labels()]
    out.write(f'  "labels": {dump_list(labels)},\n')
    docs = []
    for doc_id in doc_ids:
        doc = store.document(doc_id)
        record = {"id": doc.id, "title": doc.title, "source": doc.source, "published": doc.published,
                  "url": doc.url, "length": doc.length, "memo": doc.memo}
        if include_text:
            record["text"] = store.document_text(doc.id)
        docs.append(record)
    out.write(f'  "documents": {dump_list(docs)},\n')
    out.write('  "annotations": [')
    count, annotator_ids, exported_ids = 0, set(), set()
    for a in store.iter_annotations(annotator=selection.annotator, status=selection.status, documents=doc_ids):
        out.write(",\n    " if count else "\n    ")
        out.write(dumps({"id": a.id, "document": a.document, "label": a.label, "start": a.start, "end": a.end,
                         "quote": a.quote, "annotator": a.annotator, "note": a.note, "status": a.status,
                         "created": a.created, "modified": a.modified, "reviewer": a.reviewer,
                         "reviewed": a.reviewed, "review_note": a.review_note}))
        annotator_ids.add(a.annotator)
        exported_ids.add(a.id)
        count += 1
    out.write("\n  ],\n" if count else "],\n")
    links = [k for k in store.links() if k.source in exported_ids and k.target in exported_ids
             and (selection.annotator is None or k.annotator == selection.annotator)]
    annotator_ids.update(k.annotator for k in links)
    annotators = [{"id": a.id, "name": a.name} for a in store.annotators() if a.id in annotator_ids]
    out.write(f'  "annotators": {dump_list(annotators)},\n')
    records = [{"id": k.id, "type": k.type, "source": k.source, "target": k.target, "annotator": k.annotator,
                "note": k.note} for k in links]
    out.write(f'  "links": {dump_list(records)}\n')
    out.write("}\n")
    return count


def reference_export_csv(store: Store, out, selection: Selection | None = None) -> int:
    """The CSV export as it was: one ``Annotation`` per row and :func:`escape_cell` on every text cell."""
    selection = selection or Selection()
    doc_ids = selection.document_ids(store)
    docs = {d.id: d for d in (store.document(i) for i in doc_ids)}
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    count = 0
    for a in store.iter_annotations(annotator=selection.annotator, status=selection.status, documents=doc_ids):
        doc = docs[a.document]
        writer.writerow((
            escape_cell(a.id), escape_cell(a.document), escape_cell(doc.title), escape_cell(doc.source),
            escape_cell(a.label), a.start, a.end, escape_cell(a.quote), escape_cell(a.annotator),
            escape_cell(a.note), escape_cell(a.status), escape_cell(a.created), escape_cell(a.modified),
            escape_cell(a.reviewer), escape_cell(a.reviewed), escape_cell(a.review_note),
        ))
        count += 1
    return count


def without_timestamp(raw: str) -> str:
    raw = re.sub(r'"exported": "[^"]*"', '"exported": ""', raw, count=1)
    return re.sub(r'"generator": "[^"]*"', '"generator": ""', raw, count=1)


# --------------------------------------------------------------------- fixtures
def span(text: str, quote: str) -> tuple[int, int]:
    i = text.index(quote)
    return i, i + len(quote)




SELECTIONS = {
    "everything": lambda r: None,
    "one annotator": lambda r: Selection(annotator="=bob"),
    "annotator without links": lambda r: Selection(annotator="alice"),
    "status": lambda r: Selection(status="accepted"),
    "one document": lambda r: Selection(documents=[r["docs"][1].id]),
    "documents in another order": lambda r: Selection(documents=[r["docs"][1].id, r["docs"][0].id]),
    "no document": lambda r: Selection(documents=[]),
    "nobody": lambda r: Selection(annotator="nobody"),
    "all filters": lambda r: Selection(documents=[r["docs"][0].id], annotator="=bob", status="rejected"),
}


# -------------------------------------------------------------------- exports
@pytest.mark.parametrize("case", list(SELECTIONS))
@pytest.mark.parametrize("include_text", [True, False])
def test_json_export_writes_the_same_bytes_as_before(store, rich, case, include_text):
    selection = SELECTIONS[case](rich)
    new, old = io.StringIO(), io.StringIO()
    count = export_json(store, new, selection, include_text=include_text)
    assert count == reference_export_json(store, old, selection, include_text=include_text)
    assert without_timestamp(new.getvalue()) == without_timestamp(old.getvalue())


def test_json_export_of_an_empty_project_writes_the_same_bytes_as_before(store):
    new, old = io.StringIO(), io.StringIO()
    assert export_json(store, new) == reference_export_json(store, old) == 0
    assert without_timestamp(new.getvalue()) == without_timestamp(old.getvalue())


@pytest.mark.parametrize("case", list(SELECTIONS))
def test_csv_export_writes_the_same_bytes_as_before(store, rich, case):
    selection = SELECTIONS[case](rich)
    new, old = io.StringIO(newline=""), io.StringIO(newline="")
    count = export_csv(store, new, selection)
    assert count == reference_export_csv(store, old, selection)
    assert new.getvalue() == old.getvalue()


def test_csv_export_escapes_every_dangerous_start_in_every_text_cell(store):
    """Each of the six characters at the start of each kind of text cell, and look-alikes that are safe."""
    starts = [*DANGEROUS, "'", "\n", " ", "", "＝", "−", "🙂"]
    text = " ".join(f"{s}word{i}" for i, s in enumerate(starts) if s) + " tail"
    d, _ = store.add_document(text, "Title", "source")
    for i, s in enumerate(starts):
        label = f"{s}label{i}" if s.strip() else f"label{i}"  # names are stripped
        store.ensure_label(label)
        start = text.index(f"word{i}") - len(s) if s else 0
        store.add_annotation(
            d.id, label, start, start + len(s) + 4, f"{s}who{i}" if s.strip() else "plain",
            f"{s}note{i}", id=f"{s}id{i}", created=f"{s}2026-{i}", modified=f"{s}2027-{i}",
        )
    new, old = io.StringIO(newline=""), io.StringIO(newline="")
    assert export_csv(store, new) == reference_export_csv(store, old) == len(starts)
    assert new.getvalue() == old.getvalue()
    for row in list(csv.reader(io.StringIO(new.getvalue(), newline="")))[1:]:
        assert not any(cell.startswith(DANGEROUS) for cell in row)


def test_csv_export_of_an_unknown_document_is_an_error(store, rich):
    with pytest.raises(NotFoundError, match="no document"):
        export_csv(store, io.StringIO(newline=""), Selection(documents=["sha256:" + "0" * 64]))


def _many(store: Store, n: int) -> None:
    text = "word " * (n + 10)
    d, _ = store.add_document(text, "Many")
    store.ensure_annotator("alice")
    store.insert_annotation_rows(
        (f"id-{i:05d}", d.id, "Claim", 5 * i, 5 * i + 4, "word", "alice", "", "pending", "2026-01-01T00:00:00Z",
         "2026-01-01T00:00:00Z", "", "", "") for i in range(n)
    )


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_exports_report_progress_every_thousand_rows(store, fmt):
    _many(store, 2500)
    calls = []
    export = export_json if fmt == "json" else export_csv
    assert export(store, io.StringIO(newline=""), progress=lambda done, total: calls.append((done, total))) == 2500
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]
    calls.clear()
    export(store, io.StringIO(newline=""), Selection(status="accepted"), progress=lambda *a: calls.append(a))
    assert calls == []


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_cancelled_export_leaves_the_previous_file(store, tmp_path, fmt):
    _many(store, 2500)
    target = tmp_path / f"set.{fmt}"
    target.write_text("previous\n", encoding="utf-8")

    def cancel(done, total):
        if done >= 2000:
            raise CancelledError("Cancelled.")

    export = export_json if fmt == "json" else export_csv
    with pytest.raises(CancelledError), atomic_writer(target) as fh:
        export(store, fh, progress=cancel)
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert not target.with_name(f".{target.name}.tmp").exists()


# ------------------------------------------------------------- store methods
def test_store_export_queries(store, rich):
    d1, d2 = rich["docs"]
    assert store.count_annotations() == 11
    assert store.count_annotations(documents=[d2.id], status="accepted") == 1
    assert store.count_annotations(documents=[]) == 0
    batches = list(store.annotation_row_batches(size=4))
    assert [len(b) for b in batches] == [4, 4, 3]
    assert [r[0] for b in batches for r in b] == [a.id for a in store.annotations()]
    row = next(r for b in store.annotation_row_batches(with_document=True, escape="=") for r in b
               if r[0] == rich["anns"][2].id)
    assert row[2:4] == (d1.title, "Test Wire")
    assert row[8:10] == ("'=bob", "'=1+1")
    assert [a.id for a in store.selection_annotators()] == ["=bob", "@carol", "alice", "dave", "erin"]
    assert [a.id for a in store.selection_annotators(annotator="=bob")] == ["=bob"]
    assert [a.id for a in store.selection_annotators(documents=[d2.id])] == ["=bob", "alice", "dave", "erin"]
    assert [k.id for k in store.links_within()] == [k.id for k in store.links()]
    assert [k.id for k in store.links_within(annotator="=bob")] == [rich["links"][1].id]
    assert [k.id for k in store.links_within(documents=[d1.id])] == [rich["links"][1].id]
    assert list(store.links_within(status="accepted")) == []


def test_existing_annotation_ids_in_chunks(store):
    _many(store, 1200)
    asked = [f"id-{i:05d}" for i in range(0, 2400, 2)] + ["id-00000", "nope"]
    assert store.existing_annotation_ids(asked) == {f"id-{i:05d}" for i in range(0, 1200, 2)}
    assert store.existing_annotation_ids([]) == set()


def test_csv_export_writes_the_document_cells_once_per_batch_and_falls_back_on_the_marker(store, monkeypatch):
    """The document's cells go into each batch's text once; a cell holding the marker (NUL) keeps it."""
    from annotator.core.formats import csv_set

    monkeypatch.setattr(csv_set, "BATCH", 3)  # several batches per document
    titles = [("Title, with a comma", 'Source "quoted"'), ("=HYPERLINK(1)", "-minus"), ("plain", "line\nbreak")]
    for k, (title, source) in enumerate(titles):
        text = " ".join(f"word{i}" for i in range(20)) + f" doc{k}"
        d, _ = store.add_document(text, title, source)
        for i in range(8):
            start = text.index(f"word{i} ")
            note = "with a \x00 marker" if (k, i) == (1, 5) else f"note {i}, \"q\""
            store.add_annotation(d.id, "Actor", start, start + len(f"word{i}"), "alice", note)
    new, old = io.StringIO(newline=""), io.StringIO(newline="")
    assert export_csv(store, new) == reference_export_csv(store, old) == 24
    assert new.getvalue() == old.getvalue()
    assert "\x00" in new.getvalue() and new.getvalue().count("\x00") == 1
