"""The JSON annotation set (``annotator.annotation-set``, version 1); see docs/formats.md.

Export streams: annotations are written one at a time, so memory does not
grow with the size of the set. Import validates everything and writes in one
transaction: the set lands completely or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from annotator import __version__
from annotator.core.errors import InputError, NotFoundError, SpanError
from annotator.core.formats import load_versioned
from annotator.core.model import STATUSES, Annotation, Link
from annotator.core.store import Store
from annotator.core.text import document_id, normalize
from annotator.core.timeutil import now

FORMAT = "annotator.annotation-set"
VERSION = 1


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


def annotation_record(a: Annotation) -> dict[str, Any]:
    return {
        "id": a.id,
        "document": a.document,
        "label": a.label,
        "start": a.start,
        "end": a.end,
        "quote": a.quote,
        "annotator": a.annotator,
        "note": a.note,
        "status": a.status,
        "created": a.created,
        "modified": a.modified,
    }


def link_record(link: Link) -> dict[str, Any]:
    return {
        "id": link.id,
        "type": link.type,
        "source": link.source,
        "target": link.target,
        "annotator": link.annotator,
        "note": link.note,
    }


def export_json(store: Store, out: TextIO, selection: Selection | None = None, include_text: bool = True) -> int:
    """Write the selected annotations as a JSON set to ``out``; returns how many were written."""
    selection = selection or Selection()
    doc_ids = selection.document_ids(store)
    dumps = json.JSONEncoder(ensure_ascii=False).encode

    out.write("{\n")
    out.write(f'  "format": {dumps(FORMAT)},\n  "version": {VERSION},\n')
    out.write(f'  "exported": {dumps(now())},\n  "generator": {dumps("annotator " + __version__)},\n')
    labels = [
        {"name": lb.name, "color": lb.color, "shortcut": lb.shortcut, "description": lb.description}
        for lb in store.labels()
    ]
    out.write(f'  "labels": {_dump_list(labels, dumps)},\n')

    docs = []
    for doc_id in doc_ids:
        doc = store.document(doc_id)
        record = {
            "id": doc.id,
            "title": doc.title,
            "source": doc.source,
            "published": doc.published,
            "url": doc.url,
            "length": doc.length,
        }
        if include_text:
            record["text"] = store.document_text(doc.id)
        docs.append(record)
    out.write(f'  "documents": {_dump_list(docs, dumps)},\n')

    # Annotators and links depend on which annotations are exported: stream the
    # annotations into the file first, remembering only their ids and annotators.
    out.write('  "annotations": [')
    count = 0
    annotator_ids: set[str] = set()
    exported_ids: set[str] = set()
    for ann in selection.annotations(store, doc_ids):
        out.write(",\n    " if count else "\n    ")
        out.write(dumps(annotation_record(ann)))
        annotator_ids.add(ann.annotator)
        exported_ids.add(ann.id)
        count += 1
    out.write("\n  ],\n" if count else "],\n")

    links = [
        link
        for link in store.links()
        if link.source in exported_ids and link.target in exported_ids
        and (selection.annotator is None or link.annotator == selection.annotator)
    ]
    annotator_ids.update(link.annotator for link in links)
    annotators = [{"id": a.id, "name": a.name} for a in store.annotators() if a.id in annotator_ids]
    out.write(f'  "annotators": {_dump_list(annotators, dumps)},\n')
    out.write(f'  "links": {_dump_list([link_record(k) for k in links], dumps)}\n')
    out.write("}\n")
    return count


def _dump_list(items: list[dict], dumps) -> str:
    if not items:
        return "[]"
    return "[\n" + ",\n".join("    " + dumps(item) for item in items) + "\n  ]"


# --------------------------------------------------------------------------- import
@dataclass
class ImportReport:
    """What an import did, for the status bar and the CLI."""

    added: int = 0
    skipped: int = 0
    reanchored: int = 0
    documents_added: int = 0
    labels_created: list[str] = field(default_factory=list)
    links_added: int = 0

    def summary(self) -> str:
        parts = [f"{self.added} annotation{'s' if self.added != 1 else ''} imported"]
        if self.skipped:
            parts.append(f"{self.skipped} already present")
        if self.reanchored:
            parts.append(f"{self.reanchored} re-anchored by quote")
        if self.documents_added:
            parts.append(f"{self.documents_added} document{'s' if self.documents_added != 1 else ''} added")
        if self.labels_created:
            parts.append("new labels: " + ", ".join(self.labels_created))
        if self.links_added:
            parts.append(f"{self.links_added} link{'s' if self.links_added != 1 else ''} imported")
        return "; ".join(parts) + "."


def parse_set(raw: str, name: str = "the file") -> dict:
    """Parse and check the shape of a JSON set; raises :class:`InputError` with a plain message."""
    data = load_versioned(raw, name, FORMAT, "annotation set", "set", VERSION)
    for key in ("documents", "annotations"):
        if not isinstance(data.get(key), list):
            raise InputError(f"{name} has no {key!r} list.")
    for key in ("labels", "annotators", "links"):
        if not isinstance(data.get(key, []), list):
            raise InputError(f"{name}: {key!r} must be a list.")
    return data


def _require(obj: Any, keys: dict[str, type], what: str) -> None:
    if not isinstance(obj, dict):
        raise InputError(f"{what} is not an object.")
    for key, typ in keys.items():
        value = obj.get(key)
        if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
            raise InputError(f"{what} has no valid {key!r}.")


def reanchor(text: str, quote: str, start: int) -> int | None:
    """Start of the occurrence of ``quote`` in ``text`` nearest to ``start``, or None if absent."""
    best, pos = None, text.find(quote)
    while pos != -1:
        if best is None or abs(pos - start) < abs(best - start):
            best = pos
        pos = text.find(quote, pos + 1)
    return best


def import_json(store: Store, data: dict, as_annotator: str | None = None, name: str = "the set") -> ImportReport:
    """Import a parsed set (see :func:`parse_set`) in one transaction.

    Idempotent: an annotation or link whose id is already in the project is
    skipped. Unknown labels are created; documents unknown to the project are
    added from their ``text`` (an unknown document without text is an error).
    Annotations whose quote no longer matches are re-anchored to the nearest
    exact occurrence of the quote, or the whole import is refused.
    """
    report = ImportReport()
    with store.transaction():
        texts = _import_documents(store, data["documents"], report, name)
        _import_labels(store, data, report)
        names = {a.get("id"): a.get("name", "") for a in data.get("annotators", []) if isinstance(a, dict)}
        rename = as_annotator.strip() if as_annotator else None
        if rename == "":
            raise InputError("--as needs a non-empty annotator name.")
        pending: list[Annotation] = []
        seen: set[str] = set()
        known_labels = {lb.name for lb in store.labels()}
        for i, item in enumerate(data["annotations"]):
            what = f"Annotation {i + 1} of {name}"
            _require(item, {"id": str, "document": str, "label": str, "start": int, "end": int}, what)
            if item["id"] in seen or store.has_annotation(item["id"]):
                report.skipped += 1
                continue
            seen.add(item["id"])
            ann = _check_annotation(store, item, texts, report, what)
            annotator = rename or item.get("annotator") or "unknown"
            if ann.label not in known_labels:
                store.ensure_label(ann.label)
                report.labels_created.append(ann.label)
                known_labels.add(ann.label)
            store.ensure_annotator(annotator, "" if rename else names.get(annotator, ""))
            pending.append(
                Annotation(
                    ann.id, ann.document, ann.label, ann.start, ann.end, ann.quote, annotator,
                    ann.note, ann.status, ann.created, ann.modified,
                )
            )
        store.insert_annotations(pending)
        report.added = len(pending)
        for i, item in enumerate(data.get("links", [])):
            what = f"Link {i + 1} of {name}"
            _require(item, {"id": str, "type": str, "source": str, "target": str}, what)
            if store.has_link(item["id"]):
                continue
            for end in ("source", "target"):
                if not store.has_annotation(item[end]):
                    raise InputError(f"{what} points to an annotation ({item[end]}) that is neither in the set nor in the project.")
            annotator = rename or item.get("annotator") or "unknown"
            store.add_link(item["type"], item["source"], item["target"], annotator, item.get("note") or "", id=item["id"])
            report.links_added += 1
    return report


def _import_documents(store: Store, docs: list, report: ImportReport, name: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    for i, item in enumerate(docs):
        what = f"Document {i + 1} of {name}"
        _require(item, {"id": str}, what)
        doc_id = item["id"]
        try:
            texts[doc_id] = store.document_text(doc_id)
            continue
        except NotFoundError:
            pass
        text = item.get("text")
        title = item.get("title") or "Untitled"
        if not isinstance(text, str):
            raise InputError(
                f"The document {title!r} ({doc_id}) is not in this project and the set does not include its text; "
                "export it again without --no-text."
            )
        text = normalize(text)
        if document_id(text) != doc_id:
            raise InputError(f"The text of document {title!r} in {name} does not match its id; the file was altered.")
        store.add_document(text, title, item.get("source") or "", item.get("published"), item.get("url"))
        texts[doc_id] = text
        report.documents_added += 1
    return texts


def _import_labels(store: Store, data: dict, report: ImportReport) -> None:
    existing = {lb.name for lb in store.labels()}
    for item in data.get("labels", []):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise InputError("A label in the set has no name.")
        if item["name"] in existing:
            continue
        color = item.get("color") if isinstance(item.get("color"), str) else None
        store.add_label(item["name"], color=color, description=item.get("description") or "")
        existing.add(item["name"])
        report.labels_created.append(item["name"])


def _check_annotation(store: Store, item: dict, texts: dict[str, str], report: ImportReport, what: str) -> Annotation:
    doc_id = item["document"]
    if doc_id not in texts:
        try:
            texts[doc_id] = store.document_text(doc_id)
        except NotFoundError:
            raise InputError(f"{what} refers to a document ({doc_id}) that is neither in the set nor in the project.") from None
    text = texts[doc_id]
    start, end = item["start"], item["end"]
    quote = item.get("quote")
    if quote is not None and not isinstance(quote, str):
        raise InputError(f"{what} has a quote that is not text.")
    if quote is not None and not (0 <= start < end <= len(text) and text[start:end] == quote):
        if not quote:
            raise SpanError(f"{what} has an empty quote.")
        found = reanchor(text, normalize(quote), start)
        if found is None:
            raise SpanError(
                f"{what}: the quote {_short(quote)!r} does not occur in its document, so it cannot be re-anchored."
            )
        start, end = found, found + len(normalize(quote))
        report.reanchored += 1
    try:
        quote = store.check_span(doc_id, start, end, text)
    except SpanError as exc:
        raise SpanError(f"{what}: {exc}") from None
    status = item.get("status") or "pending"
    if status not in STATUSES:
        raise InputError(f"{what} has an unknown status {status!r}.")
    created = item.get("created") if isinstance(item.get("created"), str) else now()
    modified = item.get("modified") if isinstance(item.get("modified"), str) else created
    note = item.get("note") if isinstance(item.get("note"), str) else ""
    return Annotation(item["id"], doc_id, item["label"], start, end, quote, "", note, status, created, modified)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
