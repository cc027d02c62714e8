"""The JSON annotation set (``annotator.annotation-set``, version 4); see docs/formats.md.

Export streams: annotations are written in batches straight from an SQLite
cursor, and the links and annotators are chosen in SQL, so memory does not
grow with the size of the set. Import (:mod:`annotator.core.formats.json_import`,
re-exported here) streams too and writes in one transaction: the set lands
completely or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from annotator import __version__
from annotator.core.formats import BATCH
from annotator.core.formats.json_import import (
    FORMAT,
    VERSION,
    ImportReport,
    import_json,
    import_json_file,
    parse_set,
    reanchor,
)
from annotator.core.model import EXCHANGED_FIELDS, Annotation, Link
from annotator.core.store import Store
from annotator.core.timeutil import now

_ID = EXCHANGED_FIELDS.index("id")

__all__ = [
    "FORMAT", "VERSION", "ImportReport", "Selection", "export_json", "import_json", "import_json_file",
    "label_records", "link_record", "parse_set", "reanchor",
]



@dataclass
class Selection:
    """What an export covers: documents (ids; all when None), one annotator, one status."""

    documents: list[str] | None = None
    annotator: str | None = None
    status: str | None = None

    def document_ids(self, store: Store) -> list[str]:
        if self.documents is None:
            return [d.id for d in store.documents()]
        return list(self.documents)

    def annotations(self, store: Store, doc_ids: list[str]) -> Iterable[Annotation]:
        return store.iter_annotations(annotator=self.annotator, status=self.status, documents=doc_ids)

    def filters(self) -> dict[str, Any]:
        """The selection as keyword arguments of the store's export queries (``annotation_row_batches`` ...)."""
        return {"documents": self.documents, "annotator": self.annotator, "status": self.status}


def link_record(link: Link) -> dict[str, Any]:
    return {
        "id": link.id,
        "type": link.type,
        "source": link.source,
        "target": link.target,
        "annotator": link.annotator,
        "note": link.note,
    }


def export_json(
    store: Store,
    out: TextIO,
    selection: Selection | None = None,
    include_text: bool = True,
    progress: Callable[[int, int | None], None] | None = None,
) -> int:
    """Write the selected annotations as a JSON set to ``out``; returns how many were written.

    ``progress(done, total)`` is called after every 1,000 annotations written
    (``total``: how many the selection holds); it may raise
    :class:`~annotator.core.errors.CancelledError` to stop, leaving ``out``
    incomplete (write through ``atomic_writer`` to discard it).
    """
    selection = selection or Selection()
    doc_ids = selection.document_ids(store)
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    out.write("{\n")
    out.write(f'  "format": {dumps(FORMAT)},\n  "version": {VERSION},\n')
    out.write(f'  "exported": {dumps(now())},\n  "generator": {dumps("annotator " + __version__)},\n')
    out.write(f'  "memo": {dumps(store.memo("project"))},\n')
    memos = {lb.name: lb.memo for lb in store.labels()}
    labels = [{**record, "memo": memos[record["name"]]} for record in label_records(store)]
    out.write(f'  "labels": {_dump_list(labels, dumps)},\n')
    out.write(f'  "documents": {_dump_list(_document_records(store, doc_ids, include_text), dumps)},\n')
    # Annotations stream from the cursor in batches; annotators and links are
    # chosen in SQL afterwards, so nothing is remembered per annotation.
    filters = selection.filters()
    count = _write_annotations(store, out, filters, dumps, progress)
    annotators = [{"id": a.id, "name": a.name} for a in store.selection_annotators(**filters)]
    out.write(f'  "annotators": {_dump_list(annotators, dumps)},\n')
    out.write('  "links": ')
    _write_list(out, (link_record(k) for k in store.links_within(**filters)), dumps)
    out.write("\n}\n")
    return count


def _document_records(store: Store, doc_ids: list[str], include_text: bool) -> list[dict[str, Any]]:
    records = []
    for doc_id in doc_ids:
        doc = store.document(doc_id)
        record = {
            "id": doc.id,
            "title": doc.title,
            "source": doc.source,
            "published": doc.published,
            "url": doc.url,
            "length": doc.length,
            "memo": doc.memo,
        }
        if include_text:
            record["text"] = store.document_text(doc.id)
        records.append(record)
    return records


def _write_annotations(store: Store, out: TextIO, filters: dict[str, Any], dumps,
                       progress: Callable[[int, int | None], None] | None) -> int:
    """The ``"annotations"`` list, a batch at a time, straight from the store's rows; returns how many."""
    total = store.count_annotations(**filters) if progress else None
    out.write('  "annotations": [')
    count = 0
    # An annotation's keys are the exchanged fields' names, and the rows hold those fields in that order.
    for rows in store.annotation_row_batches(**filters, size=BATCH, fields=EXCHANGED_FIELDS):
        attributes = store.attributes_for(row[_ID] for row in rows)
        records = [dumps(_annotation_record(row, attributes)) for row in rows]
        out.write((",\n    " if count else "\n    ") + ",\n    ".join(records))
        count += len(rows)
        if progress:
            progress(count, total)
    out.write("\n  ],\n" if count else "],\n")
    return count


def _annotation_record(row: tuple, attributes: dict[str, dict[str, str]]) -> dict[str, Any]:
    """An annotation's keys: the exchanged fields, then ``attributes`` when it carries any."""
    record = dict(zip(EXCHANGED_FIELDS, row))
    if row[_ID] in attributes:
        record["attributes"] = attributes[row[_ID]]
    return record


def label_records(store: Store) -> list[dict[str, Any]]:
    """The ``labels`` of a set (and of a scheme file): each with its tree place and declared attributes."""
    declared: dict[str, list[dict[str, Any]]] = {}
    for d in store.label_attributes():
        declared.setdefault(d.label, []).append({"name": d.name, "type": d.type, "choices": list(d.choices)})
    return [{"name": lb.name, "color": lb.color, "shortcut": lb.shortcut, "description": lb.description,
             "parent": lb.parent, "codable": lb.codable, "attributes": declared.get(lb.name, [])}
            for lb in store.labels()]


def _dump_list(items: list[dict], dumps) -> str:
    if not items:
        return "[]"
    return "[\n" + ",\n".join("    " + dumps(item) for item in items) + "\n  ]"


def _write_list(out: TextIO, items: Iterable[dict], dumps) -> None:
    """Stream what :func:`_dump_list` returns, one item at a time."""
    first = True
    for item in items:
        out.write(("[\n    " if first else ",\n    ") + dumps(item))
        first = False
    out.write("[]" if first else "\n  ]")
