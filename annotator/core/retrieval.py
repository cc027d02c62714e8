"""Retrieval by code (issue 22): the coded segments, the code × document (or annotator) matrix, co-occurrence.

* :func:`segments` streams every segment of the chosen codes (with their children if asked) with its document,
  code path ("Figure › Casualties"), annotator, status, note and ``context`` code points of text on each side:
  ``before + quote + after == text[start - len(before):end + len(after)]``, offsets exact. It reads the store in
  batches and keeps one document's text at a time, so a million segments never sit in memory.
* :func:`matrix` counts segments per code and document (or annotator); ``with_children`` adds every code's
  descendants to its own count (a segment of "Casualties" then counts in "Figure" too).
* :func:`cooccurrence` counts the pairs of codes whose segments overlap in the same document.

:func:`write_segments` and :func:`write_matrix` write them as CSV (formula-safe cells, like every CSV annotator
writes) or JSON; the command line (``annotator segments``, ``annotator matrix``) and the window share them.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from annotator.core.lazy import lazy_module
from annotator.core.model import Label
from annotator.core.store import Store
from annotator.core.store.retrieval import MATRIX_BY

if TYPE_CHECKING:  # import-linter reads this import: the contracts still see the dependency
    from annotator.core.formats import csv_set
else:  # the CSV formula escaping, loaded when a CSV is written: the window's start does not need the formats
    csv_set = lazy_module("annotator.core.formats.csv_set")

#: What joins the names of a code path.
PATH_SEPARATOR = " › "
#: The columns of a segment written as CSV, and the keys of one written as JSON.
SEGMENT_FIELDS = ("document", "title", "code", "label", "start", "end", "before", "quote", "after", "annotator",
                  "status", "note", "id")


@dataclass(frozen=True)
class Segment:
    """One coded segment, with ``before``/``after``: up to ``context`` code points of the text on each side."""

    id: str
    document: str
    title: str
    label: str
    path: tuple[str, ...]
    start: int
    end: int
    quote: str
    annotator: str
    status: str
    note: str
    before: str = ""
    after: str = ""
    #: The attributes the span carries, ``{name: value}`` (a set flag reads ``true``); empty when none.
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def code(self) -> str:
        """The code path, "Figure › Casualties"."""
        return PATH_SEPARATOR.join(self.path)

    def values(self) -> tuple:
        """The values of :data:`SEGMENT_FIELDS`, in order."""
        return (self.document, self.title, self.code, self.label, self.start, self.end, self.before, self.quote,
                self.after, self.annotator, self.status, self.note, self.id)

    def to_json(self) -> dict:
        record = dict(zip(SEGMENT_FIELDS, self.values()))
        if self.attributes:
            record["attributes"] = self.attributes
        return record


def tree_order(labels: list[Label]) -> list[tuple[Label, int]]:
    """The labels depth first (each parent before its children, siblings in scheme order), with their depth."""
    names = {lb.name for lb in labels}
    kids: dict[str, list[Label]] = defaultdict(list)
    for lb in labels:
        kids[lb.parent if lb.parent in names else ""].append(lb)
    out: list[tuple[Label, int]] = []
    todo = [(lb, 0) for lb in reversed(kids[""])]
    while todo:
        lb, depth = todo.pop()
        out.append((lb, depth))
        todo.extend((child, depth + 1) for child in reversed(kids[lb.name]) if child.name != lb.name)
    return out


def code_paths(labels: list[Label]) -> dict[str, tuple[str, ...]]:
    """Each label's path from the top of the tree (``("Figure", "Casualties")``), from one list of labels."""
    parents = {lb.name: lb.parent or "" for lb in labels}
    paths: dict[str, tuple[str, ...]] = {}
    for name in parents:
        path = [name]
        while parents.get(path[0]) and len(path) <= len(parents):
            path.insert(0, parents[path[0]])
        paths[name] = tuple(path)
    return paths


def descendants(labels: list[Label], name: str) -> list[str]:
    """``name``'s descendants, from one list of labels (no query per level)."""
    return [p[-1] for p in code_paths(labels).values() if name in p[:-1]]


def chosen_labels(store: Store, labels: Iterable[str] | None, with_children: bool) -> list[str] | None:
    """The labels ``labels`` name, with their descendants if ``with_children``; None (every label) for None.

    An unknown name raises :class:`~annotator.core.errors.NotFoundError` ("There is no label …").
    """
    if labels is None:
        return None
    every = store.labels()
    chosen: list[str] = []
    for name in labels:
        store.label(name)
        chosen.append(name)
        if with_children:
            chosen.extend(descendants(every, name))
    return list(dict.fromkeys(chosen))


def segments(store: Store, labels: Iterable[str] | None = None, with_children: bool = False,
             documents: Iterable[str] | None = None, annotator: str | None = None, status: str | None = None,
             context: int = 0, size: int = 1000, attributes: Iterable[tuple[str, str]] = ()) -> Iterator[Segment]:
    """Every segment coded with one of ``labels`` (None: any code), in reading order; see the module docstring.
    ``attributes``: only the segments carrying each of these ``(name, value)`` pairs (a set flag's value is
    ``true``)."""
    names = chosen_labels(store, labels, with_children)
    paths = code_paths(store.labels())
    titles = {d.id: d.title for d in store.documents()}
    context = max(0, int(context))
    doc_id, text = None, ""
    none: dict[str, str] = {}
    any_carried = store.carries_attributes()
    for batch in store.segment_row_batches(names, documents, annotator, status, size, attributes):
        carried = store.attributes_for(row[0] for row in batch) if any_carried else none
        for ann_id, doc, label, start, end, quote, who, state, note in batch:
            if context and doc != doc_id:
                doc_id, text = doc, store.document_text(doc)
            before = text[max(0, start - context):start] if context else ""
            after = text[end:end + context] if context else ""
            yield Segment(ann_id, doc, titles.get(doc, doc), label, paths.get(label, (label,)), start, end, quote,
                          who, state, note or "", before, after, carried.get(ann_id, none))


@dataclass
class Matrix:
    """Segments per code (``rows``, in tree order, with their depth) and document or annotator (``columns``)."""

    by: str
    rows: list[tuple[str, int]]
    columns: list[str]
    headers: dict[str, str]
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    with_children: bool = False

    def count(self, label: str, column: str) -> int:
        return self.counts.get((label, column), 0)

    def row_total(self, label: str) -> int:
        return sum(self.count(label, c) for c in self.columns)


def matrix(store: Store, by: str = "document", with_children: bool = False, documents: Iterable[str] | None = None,
           annotator: str | None = None, status: str | None = None) -> Matrix:
    """Segments per code and ``by`` ("document" or "annotator"); ``with_children`` rolls descendants up."""
    counted = store.label_counts_by(by, documents, annotator, status)
    labels = store.labels()
    paths = code_paths(labels)
    counts: Counter = Counter()
    for label, key, n in counted:
        owners = paths.get(label, (label,)) if with_children else (label,)
        for owner in owners:
            counts[owner, key] += n
    if by == "document":
        docs = store.documents()
        wanted = None if documents is None else set(documents)
        columns = [d.id for d in docs if wanted is None or d.id in wanted]
        headers = {d.id: d.title for d in docs}
    else:
        columns = sorted({key for _label, key, _n in counted})
        headers = {c: c for c in columns}
    rows = [(lb.name, depth) for lb, depth in tree_order(labels)]
    return Matrix(by, rows, columns, headers, dict(counts), with_children)


@dataclass(frozen=True)
class Pair:
    """Two codes whose segments overlap: how many overlapping pairs of segments, in how many documents."""

    first: str
    second: str
    segments: int
    documents: int


def cooccurrence(store: Store, documents: Iterable[str] | None = None, annotator: str | None = None,
                 status: str | None = None, across_annotators: bool = False,
                 progress: Callable[[int, int | None], None] | None = None) -> list[Pair]:
    """Pairs of different codes whose segments share at least one character in the same document, most first.

    Only segments of the same annotator are paired: one analyst coding a passage with both codes. With
    ``across_annotators``, any two segments are (alice's Actor on the words bob coded Claim counts too).
    Swept in reading order, one document at a time: only the segments still open at an offset are held.
    ``progress(segments swept, None)`` after each batch read; it may raise to stop.
    """
    pairs: Counter = Counter()
    docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    open_: list[tuple[int, str, str]] = []
    doc_id = None
    swept = 0
    for batch in store.segment_row_batches(None, documents, annotator, status):
        if progress is not None:
            progress(swept, None)
        swept += len(batch)
        for _id, doc, label, start, end, _quote, who, *_rest in batch:
            if doc != doc_id:
                doc_id, open_ = doc, []
            open_ = [seg for seg in open_ if seg[0] > start]
            for _end, other, by in open_:
                if other != label and (across_annotators or by == who):
                    key = (min(label, other), max(label, other))
                    pairs[key] += 1
                    docs[key].add(doc)
            open_.append((end, label, who))
    if progress is not None:
        progress(swept, None)
    found = [Pair(a, b, n, len(docs[a, b])) for (a, b), n in pairs.items()]
    return sorted(found, key=lambda p: (-p.segments, p.first, p.second))


# ------------------------------------------------------------------------ writing
def write_segments(found: Iterable[Segment], out: TextIO, kind: str, attribute_names: Iterable[str] = ()) -> int:
    """Write segments as ``csv`` or ``json`` (an array, written one segment at a time); returns how many.

    CSV: after :data:`SEGMENT_FIELDS`, one ``attribute:NAME`` column per name of ``attribute_names`` (the
    project's declared attributes, as in a CSV set), empty where a segment does not carry it. JSON: a segment
    that carries attributes has them as ``attributes``, ``{name: value}``."""
    n = 0
    if kind == "csv":
        names = list(attribute_names)
        writer = csv.writer(out)
        writer.writerow(SEGMENT_FIELDS + tuple(csv_set.ATTRIBUTE_COLUMN + name for name in names))
        escape = csv_set.escape_cell
        for n, seg in enumerate(found, 1):
            writer.writerow([escape(v) if isinstance(v, str) else v
                             for v in (*seg.values(), *(seg.attributes.get(name, "") for name in names))])
        return n
    out.write("[")
    for n, seg in enumerate(found, 1):
        out.write(("," if n > 1 else "") + "\n  " + json.dumps(seg.to_json(), ensure_ascii=False))
    out.write("\n]\n" if n else "]\n")
    return n


def write_matrix(table: Matrix, out: TextIO, kind: str) -> None:
    """Write the matrix as ``csv`` (a code path per row, a column per document or annotator, then the total) or
    ``json`` (``by``, ``with_children``, ``columns`` with their titles, and a row per code with its counts)."""
    paths = {name: PATH_SEPARATOR.join(p) for name, p in code_paths_of(table).items()}
    if kind == "csv":
        writer = csv.writer(out)
        writer.writerow(["code", *(csv_set.escape_cell(table.headers[c]) for c in table.columns), "total"])
        for name, _depth in table.rows:
            writer.writerow([csv_set.escape_cell(paths[name]), *(table.count(name, c) for c in table.columns),
                             table.row_total(name)])
        return
    json.dump({"by": table.by, "with_children": table.with_children,
               "columns": [{"id": c, "title": table.headers[c]} for c in table.columns],
               "rows": [{"code": paths[name], "label": name,
                         "counts": {c: table.count(name, c) for c in table.columns}, "total": table.row_total(name)}
                        for name, _depth in table.rows]}, out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_pairs(pairs: list[Pair], out: TextIO, kind: str) -> None:
    """Co-occurring codes as ``csv`` (first, second, segments, documents) or ``json`` (a list of such objects)."""
    if kind == "csv":
        writer = csv.writer(out)
        writer.writerow(("first", "second", "segments", "documents"))
        for p in pairs:
            writer.writerow((csv_set.escape_cell(p.first), csv_set.escape_cell(p.second), p.segments, p.documents))
        return
    json.dump([p.__dict__ for p in pairs], out, indent=2, ensure_ascii=False)
    out.write("\n")


def code_paths_of(table: Matrix) -> dict[str, tuple[str, ...]]:
    """The code path of each row of ``table``, from the rows' depths (tree order: a parent precedes its children)."""
    stack: list[str] = []
    paths: dict[str, tuple[str, ...]] = {}
    for name, depth in table.rows:
        del stack[depth:]
        stack.append(name)
        paths[name] = tuple(stack)
    return paths


__all__ = ["MATRIX_BY", "Matrix", "Pair", "Segment", "chosen_labels", "code_paths", "cooccurrence", "matrix",
           "segments", "tree_order", "write_matrix", "write_pairs", "write_segments"]
