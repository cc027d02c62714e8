"""The parts of a set checked and stored one by one: documents, labels, an annotation's fields, links.

Used by the JSON importer (:mod:`annotator.core.formats.json_import`) inside its one transaction;
every check raises :class:`InputError` with one sentence naming the item.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from annotator.core.errors import InputError, NotFoundError, SpanError
from annotator.core.formats.import_report import ImportReport
from annotator.core.model import STATUSES, AttributeDecl
from annotator.core.store import Store
from annotator.core.store.memos import clean_memo
from annotator.core.text import document_id, normalize
from annotator.core.timeutil import now

_LINK_FIELDS = {"id": str, "type": str, "source": str, "target": str}
#: Why a memo of the file is not imported: an import gives memos only with the documents and labels it adds (and
#: a project memo only to a project without one), so that undoing it takes every memo it brought out again.
MEMO_KEPT = "memos on documents or codes the project already has (an import adds memos only with what it adds)"
PROJECT_MEMO_KEPT = "project memo (the project has a memo of its own)"
#: The review fields of an annotation (exchanged from version 2 of the set on), with their names in messages.
REVIEW_FIELDS = {"reviewer": "reviewer", "reviewed": "review time", "review_note": "review note"}


def require(obj: Any, keys: dict[str, type], what: str) -> None:
    """Refuse ``obj`` (named ``what``) unless it is an object holding each of ``keys`` with its type."""
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


def import_documents(store: Store, docs: list, report: ImportReport, name: str) -> dict[str, str]:
    """Add the documents the project lacks (from their text); returns every document's text by id."""
    texts: dict[str, str] = {}
    for i, item in enumerate(docs):
        what = f"Document {i + 1} of {name}"
        require(item, {"id": str}, what)
        doc_id = item["id"]
        memo = memo_of(item, what)
        try:
            texts[doc_id] = store.document_text(doc_id)
            if memo and store.memo("document", doc_id) != memo:
                report.leave_out(MEMO_KEPT)
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
        if memo:
            store.set_memo("document", doc_id, memo)
        texts[doc_id] = text
        report.documents_added += 1
    return texts


def import_labels(store: Store, labels: list, report: ImportReport) -> None:
    """Create the labels the project lacks, with the set's colour, description and category flag, then place
    them in the set's tree (``parent``); a known label the project keeps at the top moves under the parent the
    set gives it, one the project placed already stays where it is."""
    existing = {lb.name: lb for lb in store.labels()}
    placed: list[tuple[str, str]] = []
    for item in labels:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise InputError("A label in the set has no name.")
        parent = item.get("parent") or ""
        if not isinstance(parent, str):
            raise InputError(f"The label {item['name']!r} in the set has a parent that is not a label's name.")
        known = existing.get(item["name"])
        if parent and (known is None or not known.parent):
            placed.append((item["name"], parent))
        memo = memo_of(item, f"The label {item['name']!r} in the set")
        if known is not None:
            if memo and known.memo != memo:
                report.leave_out(MEMO_KEPT)
            continue
        color = item.get("color") if isinstance(item.get("color"), str) else None
        label = store.add_label(item["name"], color=color, description=item.get("description") or "",
                                codable=item.get("codable") is not False)
        if memo:
            store.set_memo("label", label.name, memo)
        existing[label.name] = label
        report.labels_created.append(item["name"])
    for name, parent in placed:
        store.set_label_parent(name, parent)
    for item in labels:
        import_label_attributes(store, item["name"], item.get("attributes") or [])


def import_label_attributes(store: Store, label: str, records: Any) -> None:
    """Declare on ``label`` the attributes a set's label record lists (``{"name", "type", "choices"}``) that it
    does not declare yet; the project's own declarations stay as they are."""
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise InputError(f"The attributes of the label {label!r} in the set are not a list of declarations.")
    have = store.label_attributes(label)
    names = {d.name for d in have}
    new = []
    for r in records:
        choices = r.get("choices") or []
        if not isinstance(r.get("name"), str) or not isinstance(choices, list):
            raise InputError(f"An attribute of the label {label!r} in the set has no name or a bad list of choices.")
        if r["name"] not in names:
            new.append(AttributeDecl(label, r["name"], str(r.get("type") or "text"), tuple(map(str, choices))))
    if new:
        store.set_label_attributes(label, have + new)


def attribute_rows(item: dict, label: str, what: str) -> list[tuple[str, str, str, str]]:
    """An annotation record's ``attributes`` (``{name: value}``; a flag's value may be JSON ``true``) as the rows
    ``Store.insert_attribute_rows`` takes."""
    values = item.get("attributes") or {}
    if not isinstance(values, dict):
        raise InputError(f"{what} has attributes that are not a mapping of names to values.")
    rows = []
    for key, value in values.items():
        if isinstance(value, bool):
            value = "true" if value else ""
        if not isinstance(value, str | int | float):
            raise InputError(f"{what} has a value of {key} that is not text.")
        if str(value):
            rows.append((item["id"], label, key, str(value)))
    return rows


def memo_of(item: dict, what: str) -> str:
    """The memo ``item`` carries ('' when none: sets before version 4 carry none); it must be text."""
    memo = item.get("memo") or ""
    if not isinstance(memo, str):
        raise InputError(f"{what} has a memo that is not text.")
    return clean_memo(memo)


def import_project_memo(store: Store, memo: Any, report: ImportReport, name: str) -> None:
    """Give the project the file's memo when it has none; a different memo of its own is kept."""
    memo = memo_of({"memo": memo}, f"{name}'s project")
    if not memo:
        return
    own = store.memo("project")
    if not own:
        store.set_memo("project", "", memo)
    elif own != memo:
        report.leave_out(PROJECT_MEMO_KEPT)


def check_annotation(store: Store, item: dict, texts: dict[str, str], report: ImportReport, what: str) -> dict:
    """Validate (and re-anchor) one annotation; returns its exchanged fields by name, but for the annotator."""
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
    return {"id": item["id"], "document": doc_id, "label": item["label"], "start": start, "end": end,
            "quote": quote, "note": note, "status": status, "created": created, "modified": modified,
            **review_fields(item, what)}


def review_fields(item: dict, what: str) -> dict[str, str]:
    """The review decision ``item`` carries (``reviewer``, ``reviewed``, ``review_note``; "" where absent).

    Sets of version 1 carry none, so every field may be missing; one that is present must be text.
    """
    fields = {}
    for key, name in REVIEW_FIELDS.items():
        value = item.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise InputError(f"{what} has a {name} that is not text.")
        fields[key] = value
    return fields


def import_links(store: Store, links: Iterable[Any], rename: str | None, report: ImportReport, name: str) -> None:
    """Add the links the project lacks; both ends must be annotations of the set or the project."""
    for i, item in enumerate(links):
        what = f"Link {i + 1} of {name}"
        require(item, _LINK_FIELDS, what)
        if store.has_link(item["id"]):
            continue
        for end in ("source", "target"):
            if not store.has_annotation(item[end]):
                raise InputError(f"{what} points to an annotation ({item[end]}) that is neither in the set nor in the project.")
        annotator = rename or item.get("annotator") or "unknown"
        store.add_link(item["type"], item["source"], item["target"], annotator, item.get("note") or "", id=item["id"])
        report.links_added += 1


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
