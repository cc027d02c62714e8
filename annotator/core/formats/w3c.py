"""W3C Web Annotation (JSON-LD, ``http://www.w3.org/ns/anno.jsonld``), export and import.

Export writes one ``AnnotationCollection`` whose embedded first
``AnnotationPage`` holds an annotation per span (label: a ``tagging`` body;
note: a ``commenting`` body) and one per link (motivation ``linking``; body and
target are the two spans). Every target carries a ``TextPositionSelector`` in
code points and a ``TextQuoteSelector`` (exact, and 32 code points of prefix
and suffix). What the model has no term for (status and review decision, link
type and ends, the documents' texts, label colours) is written with terms of annotator's own
namespace (prefix ``an:``), which other tools ignore.

Import anchors each annotation to a document by its target's source (the
document's URL, or the URN export writes, or an ``an:documents`` entry).
Where the position and the quote disagree, or there is no position (the
Hypothesis way), the quote is looked for and the occurrence whose prefix and
suffix match best wins. The file is streamed (ijson), so memory does not grow
with the number of annotations.
"""

from __future__ import annotations

import json
import os
from json.encoder import encode_basestring
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, TextIO

from annotator import __version__
from annotator.core.errors import InputError, NotFoundError
from annotator.core.formats import BATCH
from annotator.core.formats.interop import Present, Progress, as_uuid, check_cancel, guid_of, stable_id
from annotator.core.formats.json_import import ImportReport, import_records
from annotator.core.formats.json_set import Selection
from annotator.core.lazy import lazy_module
from annotator.core.model import STATUSES
from annotator.core.store import Store
from annotator.core.text import document_id, normalize
from annotator.core.timeutil import now

ijson = lazy_module("ijson")

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
#: annotator's own terms (status, link type, documents, the label tree, attributes: ``an:attributes``, on a label
#: the declarations, on an annotation ``{name: value}``), as the ``an:`` prefix.
TERMS = "urn:annotator:terms:"
#: Code points of context written on each side of a quote.
CONTEXT_CHARS = 32
#: The annotation fields an exported annotation is written from, in the order the export reads them.
_FIELDS = ("id", "document", "label", "start", "end", "annotator", "note", "status", "created", "modified",
           "reviewer", "reviewed", "review_note")
#: Our terms for an annotation's review fields, in the order of the last three of :data:`_FIELDS`.
REVIEW_TERMS = {"reviewer": "an:reviewer", "reviewed": "an:reviewed", "review_note": "an:reviewNote"}
_DATETIME_CHARS = set("0123456789-:TZ.+")
#: Most occurrences of a quote compared when anchoring by quote.
_MAX_OCCURRENCES = 10_000


def document_uri(doc_id: str, url: str | None) -> str:
    """The ``target.source`` of a document: its URL where it has one, else a URN of its content id."""
    return url or f"urn:annotator:document:{doc_id}"


def _valid_time(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= 19 and value[10:11] == "T" and set(value) <= _DATETIME_CHARS


# ------------------------------------------------------------------------ export
def export_w3c(store: Store, out: TextIO, selection: Selection | None = None, include_text: bool = True,
               progress: Progress | None = None) -> int:
    """Write the selected annotations and their links as a W3C AnnotationCollection; returns the annotations written.

    ``include_text`` puts the documents' texts in ``an:documents`` so that a
    new project can be built from the file. ``progress(done, total)`` every
    1,000 annotations may raise :class:`~annotator.core.errors.CancelledError`.
    """
    selection = selection or Selection()
    filters = selection.filters()
    docs = {d: store.document(d) for d in selection.document_ids(store)}
    writer = _CollectionWriter(store, out, docs, {a.id: a.name for a in store.selection_annotators(**filters)})
    collection_id = "urn:uuid:" + stable_id("w3c-collection", str(store.path), *sorted(docs))
    page_id = "urn:uuid:" + stable_id("w3c-page", collection_id)
    writer.head(collection_id, include_text)
    dumps = writer.dumps
    out.write(f'  "first": {{\n    "id": {dumps(page_id)},\n    "type": "AnnotationPage",\n'
              f'    "partOf": {dumps(collection_id)},\n    "startIndex": 0,\n    "items": [')
    count = writer.annotations(filters, progress)
    links = writer.links(filters, count)
    out.write("\n    ]\n  },\n" if count + links else "]\n  },\n")
    out.write(f'  "last": {dumps(page_id)},\n  "total": {count + links}\n}}\n')
    return count


class _CollectionWriter:
    """Writes the parts of one AnnotationCollection to ``out`` in turn: the head, the annotations, the links."""

    def __init__(self, store: Store, out: TextIO, docs: dict, names: dict[str, str]):
        self.store, self.out, self.docs, self.names = store, out, docs, names
        self.dumps = json.JSONEncoder(ensure_ascii=False).encode
        self.uris = {d: document_uri(d, doc.url) for d, doc in docs.items()}
        self._texts: dict[str, str] = {}

    def text_of(self, doc_id: str) -> str:
        if doc_id not in self._texts:
            self._texts[doc_id] = self.store.document_text(doc_id)
        return self._texts[doc_id]

    def head(self, collection_id: str, include_text: bool) -> None:
        """The collection's own terms, the labels and the documents (with their texts if ``include_text``)."""
        out, dumps, store = self.out, self.dumps, self.store
        out.write("{\n")
        out.write(f'  "@context": [{dumps(CONTEXT)}, {{"an": {dumps(TERMS)}}}],\n')
        out.write(f'  "id": {dumps(collection_id)},\n  "type": "AnnotationCollection",\n')
        out.write(f'  "label": {dumps("Annotations exported from " + Path(store.path).name)},\n')
        out.write(f'  "created": {dumps(now())},\n')
        out.write(f'  "generator": {{"type": "Software", "name": {dumps("annotator " + __version__)}}},\n')
        # The tree in our own terms: a label's parent by name (only below the top), a category that tags nothing.
        declared: dict[str, list[dict]] = {}
        for d in store.label_attributes():
            declared.setdefault(d.label, []).append({"name": d.name, "type": d.type, "choices": list(d.choices)})
        labels = [{"name": lb.name, "color": lb.color, "description": lb.description,
                   **({"an:parent": lb.parent} if lb.parent else {}), **({} if lb.codable else {"an:codable": False}),
                   **({"an:attributes": declared[lb.name]} if lb.name in declared else {})}
                  for lb in store.labels()]
        out.write(f'  "an:labels": {dumps(labels)},\n  "an:documents": [')
        for i, (doc_id, doc) in enumerate(self.docs.items()):
            record = {"id": doc_id, "source": self.uris[doc_id], "title": doc.title, "publisher": doc.source,
                      "published": doc.published, "url": doc.url}
            if include_text:
                record["text"] = store.document_text(doc_id)
            out.write((",\n    " if i else "\n    ") + dumps(record))
        out.write("\n  ],\n" if self.docs else "],\n")

    def annotations(self, filters: dict, progress: Progress | None) -> int:
        """One ``tagging`` annotation per span, written a batch at a time from plain rows; returns how many."""
        dumps, names = self.dumps, self.names
        total = self.store.count_annotations(**filters) if progress else None
        sources = {d: dumps(uri) for d, uri in self.uris.items()}
        string = encode_basestring  # a JSON string, as ``dumps`` writes it (non-ASCII kept)
        creators: dict[str, str] = {}
        count = 0
        for rows in self.store.annotation_row_batches(**filters, size=BATCH, fields=_FIELDS):
            items = []
            values = self.store.attributes_for(row[0] for row in rows)
            for ann_id, doc_id, label, start, end, annotator, note, status, created, modified, *review in rows:
                text = self.text_of(doc_id)
                creator = creators.get(annotator) or creators.setdefault(annotator, dumps(_person(annotator, names)))
                times = (f', "created": "{created}"' if _valid_time(created) else "") + (
                    f', "modified": "{modified}"' if _valid_time(modified) else "")
                body = f', {{"type": "TextualBody", "purpose": "commenting", "value": {string(note)}}}' if note else ""
                items.append(
                    f'{{"id": "urn:uuid:{guid_of(ann_id)}", "type": "Annotation", "motivation": "tagging"{times}, '
                    f'"creator": {creator}, "body": [{{"type": "TextualBody", "purpose": "tagging", '
                    f'"value": {string(label)}}}{body}], "target": {{"source": {sources[doc_id]}, "selector": ['
                    f'{{"type": "TextPositionSelector", "start": {start}, "end": {end}}}, {{"type": '
                    f'"TextQuoteSelector", "exact": {string(text[start:end])}, '
                    f'"prefix": {string(text[max(0, start - CONTEXT_CHARS):start])}, '
                    f'"suffix": {string(text[end:end + CONTEXT_CHARS])}}}]}}, "an:document": {string(doc_id)}, '
                    f'"an:status": {string(status)}{_review_terms(review)}'
                    + (f', "an:attributes": {dumps(values[ann_id])}' if ann_id in values else "") + "}")
            self.out.write((",\n      " if count else "\n      ") + ",\n      ".join(items))
            count += len(rows)
            check_cancel(progress, count, total)
        return count

    def links(self, filters: dict, written: int) -> int:
        """One ``linking`` annotation per link, after the ``written`` annotations; returns how many."""
        links = 0
        for link in self.store.links_within(**filters):
            ends = [self.store.annotation(link.source), self.store.annotation(link.target)]
            item = {"id": "urn:uuid:" + guid_of(link.id, "link"), "type": "Annotation", "motivation": "linking"}
            item.update(_times(link.created, None))
            item["creator"] = _person(link.annotator, self.names)
            spans = [_target(self.uris[a.document], self.text_of(a.document), a.start, a.end) for a in ends]
            item["body"] = dict(type="SpecificResource", **spans[0])
            item["target"] = spans[1]
            item["an:linkType"] = link.type
            item["an:linkSource"], item["an:linkTarget"] = (f"urn:uuid:{guid_of(a.id)}" for a in ends)
            if link.note:
                item["an:note"] = link.note
            self.out.write((",\n      " if written + links else "\n      ") + self.dumps(item))
            links += 1
        return links


def _review_terms(values: list[str]) -> str:
    """The ``an:`` members of the review fields set among ``values`` (in :data:`REVIEW_TERMS` order)."""
    return "".join(f', "{term}": {encode_basestring(value)}' for term, value in zip(REVIEW_TERMS.values(), values)
                   if value)


def _times(created: str | None, modified: str | None) -> dict:
    times = {}
    if _valid_time(created):
        times["created"] = created
    if _valid_time(modified):
        times["modified"] = modified
    return times


def _person(annotator: str, names: dict[str, str]) -> dict:
    return {"type": "Person", "name": names.get(annotator) or annotator, "nickname": annotator}


def _target(source: str, text: str, start: int, end: int) -> dict:
    return {"source": source, "selector": [
        {"type": "TextPositionSelector", "start": start, "end": end},
        {"type": "TextQuoteSelector", "exact": text[start:end], "prefix": text[max(0, start - CONTEXT_CHARS):start],
         "suffix": text[end:end + CONTEXT_CHARS]},
    ]}


# ------------------------------------------------------------------------ import
def best_occurrence(text: str, exact: str, prefix: str = "", suffix: str = "", near: int | None = None) -> int | None:
    """Start of the occurrence of ``exact`` in ``text`` whose surroundings match ``prefix``/``suffix`` best.

    The score is how many characters of the prefix (read backwards from the
    quote) and of the suffix match; ties go to the occurrence nearest ``near``
    (when given), else to the first. None when ``exact`` does not occur.
    """
    if not exact:
        return None
    best, best_key, pos, seen = None, None, text.find(exact), 0
    while pos != -1 and seen < _MAX_OCCURRENCES:
        score = _common_suffix(text[max(0, pos - len(prefix)):pos], prefix) + \
            _common_prefix(text[pos + len(exact):pos + len(exact) + len(suffix)], suffix)
        key = (-score, abs(pos - near) if near is not None else 0)
        if best_key is None or key < best_key:
            best, best_key = pos, key
        pos = text.find(exact, pos + 1)
        seen += 1
    return best


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


class _Reader:
    """A W3C file read in two passes: the head (context, documents, labels), then the annotations."""

    def __init__(self, path: str | os.PathLike, name: str):
        self.path, self.name = path, name
        self.context: list[str] = []
        self.documents: list[dict] = []
        self.labels: list[dict] = []
        self.items_prefix: str | None = None
        self.root_type: str | None = None
        self._head()

    def _open(self) -> IO[bytes]:
        try:
            fh = open(self.path, "rb")  # noqa: SIM115 -- closed by the caller
        except OSError as exc:
            raise InputError(f"{self.name} cannot be read ({exc.strerror or exc}).") from None
        if fh.read(3) != b"\xef\xbb\xbf":
            fh.seek(0)
        return fh

    def _fail(self, exc: Exception) -> InputError:
        if isinstance(exc, UnicodeDecodeError):
            return InputError(f"{self.name} is not a UTF-8 text file.")
        return InputError(f"{self.name} is not valid JSON (it may be truncated or damaged).")

    def _head(self) -> None:
        builders: dict[str, ijson.ObjectBuilder] = {}
        with self._open() as fh:
            try:
                for prefix, event, value in ijson.parse(fh, use_float=True):
                    if prefix == "" and event == "start_array":
                        self.items_prefix = "item"
                        break
                    if event == "start_array" and prefix in ("first.items", "items"):
                        self.items_prefix = prefix + ".item"
                        break
                    if prefix in ("@context", "@context.item") and event == "string":
                        self.context.append(value)
                    elif prefix == "type" and event == "string":
                        self.root_type = value
                    top = prefix.split(".", 1)[0]
                    if top in ("an:documents", "an:labels"):
                        builder = builders.setdefault(top, ijson.ObjectBuilder())
                        builder.event(event, value)
            except (ijson.JSONError, UnicodeDecodeError) as exc:
                raise self._fail(exc) from None
        if self.items_prefix != "item" and not {CONTEXT, CONTEXT.replace("http:", "https:")} & set(self.context):
            raise InputError(f"{self.name} is not W3C Web Annotation JSON-LD (its @context does not name {CONTEXT}).")
        if self.items_prefix is None and self.root_type == "Annotation":
            self.items_prefix = ""
        docs = builders.get("an:documents")
        labels = builders.get("an:labels")
        self.documents = [d for d in (docs.value if docs else []) if isinstance(d, dict)]
        self.labels = [lb for lb in (labels.value if labels else []) if isinstance(lb, dict) and lb.get("name")]

    def items(self) -> Iterator[Any]:
        if self.items_prefix is None:
            return
        with self._open() as fh:
            try:
                yield from ijson.items(fh, self.items_prefix, use_float=True)
            except (ijson.JSONError, UnicodeDecodeError) as exc:
                raise self._fail(exc) from None


class _Anchors:
    """Documents by the URIs that name them, with their texts; and how annotations are placed on them."""

    def __init__(self, store: Store, file_docs: list[dict]):
        self.store = store
        self.by_uri: dict[str, str] = {}
        self.texts: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        self.known: set[str] = set()
        for doc in store.documents():
            self._name(doc.id, doc.url, doc.title)
        for doc in file_docs:
            doc_id = doc.get("id")
            if isinstance(doc_id, str) and (doc_id in self.known or isinstance(doc.get("text"), str)):
                if isinstance(doc.get("text"), str):
                    self.texts[doc_id] = normalize(doc["text"])
                self._name(doc_id, doc.get("url"), doc.get("title") or "Untitled")
                if isinstance(doc.get("source"), str):
                    self.by_uri.setdefault(doc["source"], doc_id)

    def _name(self, doc_id: str, url: str | None, title: str) -> None:
        self.known.add(doc_id)
        self.titles.setdefault(doc_id, title)
        self.by_uri.setdefault(document_uri(doc_id, None), doc_id)
        if url:
            self.by_uri.setdefault(url, doc_id)

    def text(self, doc_id: str) -> str:
        if doc_id not in self.texts:
            try:
                self.texts[doc_id] = self.store.document_text(doc_id)
            except NotFoundError:
                self.texts[doc_id] = ""
        return self.texts[doc_id]

    def document(self, target: dict, hint: Any) -> str | None:
        if isinstance(hint, str) and hint in self.known:
            return hint
        source = target.get("source")
        if isinstance(source, dict):
            source = source.get("id")
        return self.by_uri.get(source) if isinstance(source, str) else None

    def place(self, target: dict, doc_id: str, report: ImportReport) -> tuple[int, int] | str:
        """``(start, end)`` of the target in the document, or why it cannot be placed."""
        selectors = target.get("selector")
        selectors = selectors if isinstance(selectors, list) else [selectors]
        position = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextPositionSelector"), None)
        quote = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), None)
        text = self.text(doc_id)
        start = end = None
        if position is not None and _is_int(position.get("start")) and _is_int(position.get("end")):
            start, end = position["start"], position["end"]
        exact = normalize(quote["exact"]) if quote is not None and isinstance(quote.get("exact"), str) else None
        if start is not None and 0 <= start < end <= len(text) and (exact is None or text[start:end] == exact):
            return start, end
        if exact is None:
            if position is None and quote is None:
                return "annotations whose target has no text position or quote selector"
            return f"annotations whose position falls outside {self.titles.get(doc_id, doc_id)!r} and carry no quote"
        prefix = normalize(quote.get("prefix") or "") if isinstance(quote.get("prefix"), str) else ""
        suffix = normalize(quote.get("suffix") or "") if isinstance(quote.get("suffix"), str) else ""
        found = best_occurrence(text, exact, prefix, suffix, start)
        if found is None:
            return f"annotations whose quote occurs nowhere in {self.titles.get(doc_id, doc_id)!r}"
        if start is not None:
            report.reanchored += 1
        return found, found + len(exact)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _annotator(creator: Any, default: str) -> str:
    if isinstance(creator, list):
        creator = creator[0] if creator else None
    if isinstance(creator, dict):
        for key in ("nickname", "name", "id"):
            if isinstance(creator.get(key), str) and creator[key].strip():
                return creator[key].strip()
    if isinstance(creator, str) and creator.strip():
        return creator.strip()
    return default


def _bodies(item: dict) -> tuple[list[str], str]:
    """The tags and the note (commenting and other textual bodies, joined) of an annotation."""
    body = item.get("body", [])
    bodies = body if isinstance(body, list) else [body]
    tags, notes = [], []
    for b in bodies:
        if isinstance(b, dict) and isinstance(b.get("value"), str):
            purpose = b.get("purpose")
            (tags if purpose == "tagging" or "tagging" in (purpose if isinstance(purpose, list) else []) else notes
             ).append(b["value"])
    if isinstance(item.get("bodyValue"), str):
        notes.append(item["bodyValue"])
    return [t for t in tags if t.strip()], "\n\n".join(n for n in notes if n)


_UNTAGGED = {"highlighting": "Highlight", "commenting": "Comment", "bookmarking": "Bookmark"}


class _Annotations:
    """Turns W3C annotations into records of a JSON set; gathers the links for after the annotations."""

    def __init__(self, reader: _Reader, anchors: _Anchors, default: str, report: ImportReport,
                 progress: Progress | None, as_annotator: str | None = None):
        self.reader, self.anchors, self.default, self.report, self.progress = reader, anchors, default, report, progress
        self._pending_links: list[dict] = []
        self._spans: dict[str, dict[tuple[int, int], str]] = {}  # document -> bounds -> an annotation id
        self.aliases: dict[str, str] = {}
        self.present = Present(anchors.store, as_annotator)

    def __iter__(self) -> Iterator[dict]:
        for n, item in enumerate(self.reader.items(), 1):
            check_cancel(self.progress, n, None)
            if not isinstance(item, dict) or "target" not in item:
                self.report.leave_out("items that are not annotations")
                continue
            if item.get("motivation") == "linking" or "an:linkType" in item:
                self._pending_links.append(item)
                continue
            yield from self._annotation(item)

    def links(self) -> Iterator[dict]:
        """The links, resolved once every annotation of the file is in the project (the importer asks last)."""
        for item in self._pending_links:
            link = self._link(item)
            if link is not None:
                yield link

    def _target(self, item: dict) -> tuple[str, int, int] | None:
        target = item.get("target")
        target = target[0] if isinstance(target, list) and target else target
        if not isinstance(target, dict):
            self.report.leave_out("annotations of a whole document (no selector)")
            return None
        doc_id = self.anchors.document(target, item.get("an:document"))
        if doc_id is None:
            source = target.get("source")
            source = source.get("id") if isinstance(source, dict) else source
            self.report.leave_out(f"annotations of {source!s}, which is no document of this project")
            return None
        placed = self.anchors.place(target, doc_id, self.report)
        if isinstance(placed, str):
            self.report.leave_out(placed)
            return None
        return doc_id, placed[0], placed[1]

    def _annotation(self, item: dict) -> Iterator[dict]:
        span = self._target(item)
        if span is None:
            return
        doc_id, start, end = span
        tags, note = _bodies(item)
        if not tags:
            motivation = item.get("motivation")
            tags = [_UNTAGGED.get(motivation, "Annotation") if isinstance(motivation, str) else "Annotation"]
        raw_id = item.get("id") if isinstance(item.get("id"), str) else None
        base = _our_id(raw_id) if raw_id else stable_id("w3c", doc_id, str(start), str(end), json.dumps(
            item.get("body"), sort_keys=True, default=str))
        status = item.get("an:status") if item.get("an:status") in STATUSES else "pending"
        created = item.get("created") if isinstance(item.get("created"), str) else None
        modified = item.get("modified") if isinstance(item.get("modified"), str) else created
        annotator = _annotator(item.get("creator"), self.default)
        review = {key: item[term] for key, term in REVIEW_TERMS.items() if isinstance(item.get(term), str)}
        # Checked as the JSON set's ``attributes`` are.
        attributes = {"attributes": item["an:attributes"]} if "an:attributes" in item else {}
        text = self.anchors.text(doc_id)
        for tag in tags:
            ann_id = base if len(tags) == 1 else stable_id("w3c-tag", base, tag)
            existing = self.present.find(doc_id, start, end, tag, annotator)
            if existing is not None and existing != ann_id:  # the same span under another id: ours, re-imported
                self.report.skipped += 1
                self.aliases[ann_id] = existing
                continue
            yield {"id": ann_id, "document": doc_id, "label": " ".join(tag.split()), "start": start, "end": end,
                   "quote": text[start:end], "annotator": annotator, "note": note, "status": status,
                   "created": created, "modified": modified, **review, **attributes}

    def _span_index(self, doc_id: str) -> dict[tuple[int, int], str]:
        if doc_id not in self._spans:
            self._spans[doc_id] = {}
            for a in self.anchors.store.iter_annotations(document=doc_id):
                self._spans[doc_id].setdefault((a.start, a.end), a.id)
        return self._spans[doc_id]

    def _link(self, item: dict) -> dict | None:
        ends = []
        for key, part in (("an:linkSource", "body"), ("an:linkTarget", "target")):
            raw_ref = item.get(key)
            ref = _our_id(raw_ref) if isinstance(raw_ref, str) else None
            ref = self.aliases.get(ref, ref)
            if ref is None or not self.anchors.store.has_annotation(ref):
                value = item.get(part)
                value = value[0] if isinstance(value, list) and value else value
                ref = None
                if isinstance(value, dict):
                    doc_id = self.anchors.document(value, None)
                    placed = self.anchors.place(value, doc_id, ImportReport()) if doc_id else "?"
                    ref = self._span_index(doc_id).get(placed) if not isinstance(placed, str) else None
            if ref is None:
                self.report.leave_out("links whose two ends are not annotations of the file or the project")
                return None
            ends.append(ref)
        raw_id = item.get("id") if isinstance(item.get("id"), str) else None
        link_type = item.get("an:linkType") if isinstance(item.get("an:linkType"), str) else "linked"
        if self.present.has_link(link_type, ends[0], ends[1]):
            return None
        return {"id": _our_id(raw_id) if raw_id else stable_id("w3c-link", *ends, link_type), "type": link_type,
                "source": ends[0], "target": ends[1], "annotator": _annotator(item.get("creator"), self.default),
                "note": item.get("an:note") if isinstance(item.get("an:note"), str) else ""}


def _our_id(raw: str) -> str:
    return as_uuid(raw.removeprefix("urn:uuid:")) if raw.startswith("urn:uuid:") and as_uuid(
        raw.removeprefix("urn:uuid:")) else stable_id("w3c-id", raw)


def import_w3c(store: Store, path: str | os.PathLike, *, as_annotator: str | None = None,
               default_annotator: str = "unknown", name: str | None = None,
               progress: Progress | None = None) -> ImportReport:
    """Import W3C Web Annotations (a collection, a page, one annotation, or a list of them) in one transaction.

    Annotations without a creator are filed under ``default_annotator``;
    ``as_annotator`` files every one under that name. Those that cannot be
    anchored are left out and named in the report's summary.
    """
    name = name or Path(path).name
    reader = _Reader(path, name)
    left_out = ImportReport()
    anchors = _Anchors(store, reader.documents)
    docs = [{"id": d["id"], "title": d.get("title") or "Untitled", "source": d.get("publisher") or "",
             "published": d.get("published"), "url": d.get("url"), "text": d["text"]}
            for d in reader.documents if isinstance(d.get("id"), str) and isinstance(d.get("text"), str)]
    for d in docs:
        if document_id(normalize(d["text"])) != d["id"]:
            raise InputError(f"The text of document {d['title']!r} in {name} does not match its id; "
                             "the file was altered.")
    annotations = _Annotations(reader, anchors, default_annotator, left_out, progress, as_annotator)
    labels = [{"name": lb["name"], "color": lb.get("color"), "description": lb.get("description") or "",
               "parent": lb.get("an:parent") if isinstance(lb.get("an:parent"), str) else "",
               "codable": lb.get("an:codable") is not False, "attributes": lb.get("an:attributes") or []}
              for lb in reader.labels if isinstance(lb.get("name"), str) and lb["name"].strip()]
    records = {"documents": docs, "labels": labels, "annotators": [], "annotations": iter(annotations),
               "links": annotations.links()}
    return import_records(store, records, as_annotator=as_annotator, name=name, left_out=left_out)
