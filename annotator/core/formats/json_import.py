"""Importing the JSON annotation set (``annotator.annotation-set``, versions 1 to 4); see docs/formats.md.

:func:`import_json_file` streams a set from a file with ijson: a first pass
reads the small parts (format, version, labels, documents, annotators) and
counts the annotations and links, a second streams the annotations and a third
the links, so only the documents are held in memory, never all the
annotations. :func:`import_json` imports a set already parsed into a dict
(:func:`parse_set`, or a colleague's project). Both feed the same importer,
which validates and inserts the annotations in batches inside one transaction:
the set lands completely or not at all.

These names are re-exported by :mod:`annotator.core.formats.json_set`.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from annotator.core.errors import InputError
from annotator.core.formats import BATCH
from annotator.core.formats.import_report import SUMMARY_LINES, ImportReport  # noqa: F401 (re-exported)
from annotator.core.formats.set_records import (  # noqa: F401 (reanchor re-exported)
    attribute_rows,
    check_annotation,
    import_documents,
    import_labels,
    import_links,
    import_project_memo,
    reanchor,
    require,
)
from annotator.core.jsonfile import MAX_DEPTH, load_versioned
from annotator.core.lazy import lazy_module
from annotator.core.model import EXCHANGED_FIELDS
from annotator.core.store import Store
from annotator.core.store.files import refuse_open_project

ijson = lazy_module("ijson")
FORMAT = "annotator.annotation-set"
#: The version written; every older one is read too (version 1 carries no review fields, versions 1 and 2 no
#: label tree: ``parent`` and ``codable`` came with version 3; memos (``memo``) and attributes on spans
#: (``attributes`` on labels and annotations) with version 4).
VERSION = 4
#: Annotations validated, looked up in the project and inserted together. Not the exports' :data:`BATCH`: here
#: each batch pays for a query of the ids already present and is sorted into primary-key order before its
#: insert, so a larger batch buys fewer queries and better locality in the id index (see docs/performance.md);
#: its rows are small tuples, so 2,000 of them still cost little memory.
IMPORT_BATCH = 2000
#: ``progress`` is called every this many annotations, as often as the exports call it.
PROGRESS_EVERY = BATCH
#: Longest string a set may hold, in characters (a document's text; every other string is far shorter).
MAX_STRING = 50_000_000

Progress = Callable[[int, int | None], None]

_ANNOTATION_FIELDS = {"id": str, "document": str, "label": str, "start": int, "end": int}
#: A checked annotation (a dict by field name) as the row ``Store.insert_annotation_rows`` takes.
_row = itemgetter(*EXCHANGED_FIELDS)
_row_id = itemgetter(EXCHANGED_FIELDS.index("id"))
#: A set of at least this many annotations is imported on the bulk path (:func:`_bulk_mode`):
#: the full-text index of the new quotes and notes is built once, after the rows.
BULK_MIN = 5000
#: ... and when it holds at least this fraction of the annotations already in the project, the
#: secondary indexes of the annotations are dropped and created again after the load too.
BULK_INDEX_FRACTION = 0.25


def parse_set(raw: str, name: str = "the file") -> dict:
    """Parse and check the shape of a JSON set; raises :class:`InputError` with a plain message."""
    data = load_versioned(raw, name, FORMAT, "annotation set", "set", VERSION)
    _check_shape(data, name)
    return data


def _check_shape(data: dict, name: str) -> None:
    for key in ("documents", "annotations"):
        if not isinstance(data.get(key), list):
            raise InputError(f"{name} has no {key!r} list.")
    for key in ("labels", "annotators", "links"):
        if not isinstance(data.get(key, []), list):
            raise InputError(f"{name}: {key!r} must be a list.")


# ------------------------------------------------------------------- importing
def import_json(
    store: Store,
    data: dict,
    as_annotator: str | None = None,
    name: str = "the set",
    progress: Progress | None = None,
) -> ImportReport:
    """Import a parsed set (see :func:`parse_set`) in one transaction.

    Idempotent: an annotation or link whose id is already in the project (or
    earlier in the set) is skipped. Unknown labels are created; documents
    unknown to the project are added from their ``text`` (an unknown document
    without text is an error). Annotations whose quote no longer matches are
    re-anchored to the nearest exact occurrence of the quote, or the whole
    import is refused. ``progress(done, total)`` is called every 1,000
    annotations (imported or skipped) of the ``total`` in the set; it may raise
    :class:`~annotator.core.errors.CancelledError`, which rolls everything back.
    """
    annotations = data["annotations"]
    total = len(annotations) if isinstance(annotations, list) else None
    return _import(store, data["documents"], data.get("labels", []), data.get("annotators", []), annotations,
                   data.get("links", []), as_annotator, name, progress, total, data.get("memo", ""))


def import_records(
    store: Store,
    records: dict,
    as_annotator: str | None = None,
    name: str = "the file",
    progress: Progress | None = None,
    total: int | None = None,
    left_out: ImportReport | None = None,
) -> ImportReport:
    """Import records already built from another format (REFI-QDA, W3C, brat) in one transaction.

    ``records`` has the keys of a parsed set: ``documents``, ``labels``,
    ``annotators``, ``annotations`` and ``links`` (the last two may be
    iterators, consumed in that order inside the transaction). The rules are
    those of :func:`import_json`. ``left_out`` collects, while the iterators
    run, what the reader skipped (:meth:`ImportReport.leave_out`) and how many
    annotations were already present by content (``skipped``); both are added
    to the returned report, as are the annotations it re-anchored (``reanchored``).
    """
    report = _import(store, records["documents"], records.get("labels", []), records.get("annotators", []),
                     records["annotations"], records.get("links", []), as_annotator, name, progress, total,
                     records.get("memo", ""))
    if left_out is not None:
        report.skipped += left_out.skipped
        report.reanchored += left_out.reanchored
        for reason, count in left_out.not_imported.items():
            report.leave_out(reason, count)
    return report


def import_json_file(
    store: Store,
    source: str | os.PathLike | IO[bytes],
    as_annotator: str | None = None,
    name: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a JSON set from a file without holding its annotations in memory; one transaction.

    ``source`` is a path, or a binary file open for reading (read from where
    it stands; one that cannot seek is first copied to a temporary file). The
    set may be laid out in any way (key order, whitespace); a UTF-8 byte order
    mark is allowed. The rules and messages are those of :func:`import_json`;
    ``name`` (default: the file's name) names the file in them. A file that is
    not UTF-8, not JSON (truncated or damaged), or not a set of a version this
    annotator reads raises :class:`InputError` before anything is written.

    ``progress(done, total)``: while the file is first read (format, documents,
    and counting the annotations), ``progress(0, None)`` every 1,000
    annotations passed; then ``progress(done, total)`` every 1,000 annotations
    imported or skipped, ``total`` being how many the set holds. It may raise
    :class:`~annotator.core.errors.CancelledError`: nothing is changed.
    """
    with contextlib.ExitStack() as stack:
        set_file = _SetFile(source, name, stack)
        head, spans = set_file.scan(progress)
        annotations = set_file.items("annotations", spans["annotations"])
        links = set_file.items("links", spans["links"])
        try:
            return _import(store, head["documents"], head.get("labels", []), head.get("annotators", []),
                           annotations, links, as_annotator, set_file.name, progress, spans["annotations"][1],
                           head.get("memo", ""))
        finally:
            annotations.close()
            links.close()


def import_json_file_into(project: str | os.PathLike, source: str | os.PathLike, as_annotator: str | None = None,
                          name: str | None = None) -> ImportReport:
    """Open the project at ``project``, import the set at ``source`` (:func:`import_json_file`), close it.

    For a separate process: the window imports big files this way, because the
    parser's C backend holds the interpreter lock for long stretches.
    """
    store = Store.open(project, create=False)
    try:
        return import_json_file(store, source, as_annotator=as_annotator, name=name)
    except (OSError, UnicodeDecodeError):
        raise InputError(f"{source} cannot be read as UTF-8 text.") from None
    finally:
        store.close()


def _import(
    store: Store,
    documents: list,
    labels: list,
    annotators: list,
    annotations: Iterable[Any],
    links: Iterable[Any],
    as_annotator: str | None,
    name: str,
    progress: Progress | None,
    total: int | None,
    memo: Any = "",
) -> ImportReport:
    """The importer both entry points share: documents, labels, then annotations and links as they stream."""
    report = ImportReport()
    with store.transaction(), store.recording_added_rows(report.rows):
        texts = import_documents(store, documents, report, name)
        import_labels(store, labels, report)
        import_project_memo(store, memo, report, name)
        names = {a.get("id"): a.get("name", "") for a in annotators if isinstance(a, dict)}
        rename = as_annotator.strip() if as_annotator else None
        if rename == "":
            raise InputError("--as needs a non-empty annotator name.")
        batches = _AnnotationBatches(store, texts, names, rename, report, name)
        bulk = _bulk_mode(store, total)
        with store.bulk_annotation_load(indexes=bulk == "indexes") if bulk else contextlib.nullcontext():
            done = 0
            for done, item in enumerate(annotations, 1):
                batches.add(done - 1, item)
                if progress and done % PROGRESS_EVERY == 0:
                    progress(done, total)
            batches.flush()
            if progress and done % PROGRESS_EVERY:
                progress(done, total)
        import_links(store, links, rename, report, name)
    return report


def _bulk_mode(store: Store, total: int | None) -> str | None:
    """How to insert ``total`` annotations: None (row by row), ``"search"`` or ``"indexes"``.

    Row by row, SQLite updates the full-text index and six indexes for every
    annotation; for a big set it is several times faster to build them once
    after the rows (see docs/performance.md). Rebuilding the secondary indexes
    costs time in proportion to the whole table, so it is done only when the
    set is big next to what the project already holds; the full-text index is
    fed just the new rows, so it is deferred for every big set.
    """
    if total is None or total < BULK_MIN:
        return None
    return "indexes" if total >= BULK_INDEX_FRACTION * store.annotation_count() else "search"


class _AnnotationBatches:
    """Validates and inserts annotations a batch at a time, inside the import's transaction.

    One query per batch finds the ids already in the project; those are
    skipped unchecked, as are ids repeated in the set (earlier batches are in
    the project by then). Labels and annotators are ensured once per name.
    """

    def __init__(self, store: Store, texts: dict[str, str], names: dict, rename: str | None,
                 report: ImportReport, name: str):
        self.store, self.texts, self.names, self.rename = store, texts, names, rename
        self.report, self.name = report, name
        labels = store.labels()
        self.labels = {lb.name for lb in labels}
        self.categories = {lb.name for lb in labels if not lb.codable}
        self.annotators: set[str] = set()
        self.pending: list[tuple[int, Any]] = []

    def add(self, index: int, item: Any) -> None:
        self.pending.append((index, item))
        if len(self.pending) >= IMPORT_BATCH:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        present = self.store.existing_annotation_ids(
            item["id"] for _, item in batch if isinstance(item, dict) and isinstance(item.get("id"), str)
        )
        rows, attributes = [], []
        for index, item in batch:
            what = f"Annotation {index + 1} of {self.name}"
            require(item, _ANNOTATION_FIELDS, what)
            if item["id"] in present:
                self.report.skipped += 1
                continue
            present.add(item["id"])
            record = check_annotation(self.store, item, self.texts, self.report, what)
            annotator = record["annotator"] = self.rename or item.get("annotator") or "unknown"
            if not isinstance(annotator, str):
                raise InputError(f"{what} has an annotator that is not text.")
            label = record["label"]
            if label in self.categories:
                raise InputError(f"{what} is tagged {label}, a category that holds labels; nothing is tagged with it.")
            if label not in self.labels:
                self.store.ensure_label(label)
                self.report.labels_created.append(label)
                self.labels.add(label)
            # A reviewer joins the annotators, as a decision made here does; under --as only that name does.
            for person in (annotator,) if self.rename else (annotator, record["reviewer"]):
                if person and person not in self.annotators:
                    self.store.ensure_annotator(person, "" if self.rename else self.names.get(person, ""))
                    self.annotators.add(person)
            rows.append(_row(record))
            attributes.extend(attribute_rows(item, label, what))
        rows.sort(key=_row_id)  # in primary-key order: each batch touches the id index's pages in one pass
        self.store.insert_annotation_rows(rows)
        self.store.insert_attribute_rows(attributes)
        self.report.added += len(rows)


# --------------------------------------------------------------- reading files
_OPEN = ("start_map", "start_array")
_CLOSE = ("end_map", "end_array")


class _SetFile:
    """The file of a set, read once per pass; what goes wrong becomes a one-sentence :class:`InputError`.

    A file object that cannot seek is copied to a temporary file, which ``stack`` removes.
    """

    def __init__(self, source: str | os.PathLike | IO[bytes], name: str | None, stack: contextlib.ExitStack):
        self._start = 0
        if isinstance(source, (str, os.PathLike)):
            self._path: str | None = os.fspath(source)
            self._fh: IO[bytes] | None = None
            self.name = name or Path(self._path).name
            self._where = self._path  # read errors name the path, as given
            return
        self._path, self._fh = None, source
        given = getattr(source, "name", None)
        self.name = name or (Path(given).name if isinstance(given, str) and given else "the set")
        self._where = self.name
        try:
            if not source.seekable():  # a pipe: keep a copy to read it again
                spool = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115
                shutil.copyfileobj(source, spool)
                spool.seek(0)
                self._fh = spool
            self._start = self._fh.tell()
        except OSError as exc:
            raise self._unreadable(exc) from None

    def _unreadable(self, exc: OSError) -> InputError:
        return InputError(f"{self._where} cannot be read ({exc.strerror or exc}).")

    @contextlib.contextmanager
    def _open(self) -> Iterator[IO[bytes]]:
        """The file, at the start of the set."""
        try:
            if self._fh is None:
                refuse_open_project(self._path, "read as an annotation set")
                fh = open(self._path, "rb")  # noqa: SIM115 -- closed below
            else:
                fh = self._fh
                fh.seek(self._start)
        except OSError as exc:
            raise self._unreadable(exc) from None
        try:
            yield fh
        finally:
            if fh is not self._fh:
                fh.close()

    @contextlib.contextmanager
    def _pass(self, check: bool = False) -> Iterator[_Reader]:
        """One pass over the file, translating read, encoding and JSON errors."""
        with self._open() as fh:
            reader = _Reader(fh, check=check)
            try:
                yield reader
            except UnicodeDecodeError:
                raise InputError(f"{self._where} is not a UTF-8 text file.") from None
            except ijson.JSONError:
                raise self._invalid(reader.offset - reader.last) from None
            except OSError as exc:
                raise self._unreadable(exc) from None

    def _invalid(self, chunk_start: int) -> InputError:
        """The message for a file that is not JSON, with the line and column where parsing stopped.

        The parser fails somewhere in the chunk that begins at byte
        ``chunk_start``; reading again and handing that chunk over one byte at
        a time finds the exact byte.
        """
        where = ""
        with contextlib.suppress(InputError, OSError, UnicodeDecodeError), self._open() as fh:
            reader = _Reader(fh, locate_from=chunk_start)
            try:
                for _ in ijson.basic_parse(reader):
                    pass
            except ijson.JSONError:
                where = f": line {reader.line}, column {reader.column}"
        return InputError(f"{self.name} is not valid JSON (it may be truncated or damaged{where}).")

    def scan(self, progress: Progress | None) -> tuple[dict, dict[str, tuple[int, int]]]:
        """First pass: check the file is UTF-8 JSON and a set this annotator reads; returns its small parts.

        Returns the set's top level with empty lists standing in for
        ``annotations`` and ``links``, and for each of those two where its
        items are among what ijson finds at ``<key>.item`` (see :func:`_scan`).
        Nesting deeper than :data:`MAX_DEPTH` or a string longer than
        :data:`MAX_STRING` is refused as soon as the parser reaches it, before
        memory grows with it; the later passes only read files this one accepted.
        """
        with self._pass(check=True) as reader:
            head, spans = _scan(_Capped(ijson.basic_parse(reader, use_float=True), self.name), progress)
        # The format and version checks of every annotator file, on just those two values.
        stub = {key: head[key] for key in ("format", "version") if key in head} if isinstance(head, dict) else []
        load_versioned(json.dumps(stub), self.name, FORMAT, "annotation set", "set", VERSION)
        _check_shape(head, self.name)
        return head, spans

    def items(self, key: str, span: tuple[int, int]) -> Iterator[Any]:
        """Stream the items of the set's ``key`` list (``annotations`` or ``links``): one more pass."""
        skip, count = span
        if not count:
            return
        with self._pass() as reader:
            yield from islice(ijson.items(reader, key + ".item", use_float=True), skip, skip + count)


class _Capped:
    """The parse events of a set, refusing nesting deeper than :data:`MAX_DEPTH` and strings over :data:`MAX_STRING`
    event by event (100,000 nested brackets stop at the 65th); :meth:`count_array` skips a long array so too."""

    def __init__(self, events: Iterator[tuple[str, Any]], name: str) -> None:
        self._events, self._name, self._depth = events, name, 0

    def __iter__(self) -> _Capped:
        return self

    def __next__(self) -> tuple[str, Any]:
        event, value = next(self._events)
        if event == "start_map" or event == "start_array":
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise self._too_deep()
        elif event == "end_map" or event == "end_array":
            self._depth -= 1
        elif (event == "string" or event == "map_key") and len(value) > MAX_STRING:
            raise self._too_long(value)
        return event, value

    def _too_deep(self) -> InputError:
        return InputError(f"{self._name} is nested more than {MAX_DEPTH} levels deep, so it cannot be an "
                          "annotation set.")

    def _too_long(self, value: str) -> InputError:
        return InputError(f"{self._name} holds a text of {len(value):,} characters; annotator reads texts of up to "
                          f"{MAX_STRING:,} characters.")

    def count_array(self, progress: Progress | None) -> int:
        """Skip the rest of an array just begun; returns its number of items (``progress(0, None)`` every 1,000)."""
        depth = items = 0  # depth: below the array's items
        room = MAX_DEPTH - self._depth
        for event, value in self._events:
            if event == "string" or event == "map_key":
                if len(value) > MAX_STRING:
                    raise self._too_long(value)
                if depth:
                    continue
            elif event == "start_map" or event == "start_array":
                depth += 1
                if depth > room:
                    raise self._too_deep()
                if depth > 1:
                    continue
            elif event == "end_map" or event == "end_array":
                if not depth:  # the array's end
                    self._depth -= 1
                    return items
                depth -= 1
                continue
            elif depth:
                continue
            items += 1
            if progress and items % PROGRESS_EVERY == 0:
                progress(0, None)
        return items


def _scan(events: Iterator[tuple[str, Any]], progress: Progress | None) -> tuple[Any, dict[str, tuple[int, int]]]:
    """Read a set's parse events once, building every top-level value but the annotations and links.

    Those two are only counted. ijson finds the items of a list at the path
    ``annotations.item``; so would it the value of a top-level key named
    ``annotations.item``, the ``item`` members of an object, and the items of
    an earlier ``annotations`` key (JSON allows a key twice; as in ``json``,
    the last one counts). So for each of the two keys this returns
    ``(skip, count)``: the last list's items are ``count`` items after the
    first ``skip`` ones found there. A root that is not an object comes back
    as an empty list, for the format check to refuse.
    """
    streamed = {"annotations": (0, 0), "links": (0, 0)}
    found = dict.fromkeys(streamed, 0)
    event, value = next(events, (None, None))
    if event != "start_map":
        for _ in events:  # to the end, so that invalid JSON is reported first
            pass
        return [], streamed
    head: dict[str, Any] = {}
    for event, value in events:
        if event == "end_map":
            break
        key = value
        event, value = next(events)
        if key in streamed:
            count = _count_items(events, event, progress if key == "annotations" else None)
            streamed[key] = (found[key], count)
            found[key] += count
            head[key] = [] if event == "start_array" else {} if event == "start_map" else value
            continue
        if key.endswith(".item") and key[:-5] in found:
            found[key[:-5]] += 1
        head[key] = _build(events, event, value)
    for _ in events:  # trailing content: the parser refuses anything but whitespace
        pass
    return head, streamed


def _count_items(events: _Capped, first: str, progress: Progress | None) -> int:
    """Skip a value whose first event was ``first``; returns how many items ijson finds at its ``.item``."""
    if first == "start_array":
        return events.count_array(progress)
    if first == "start_map":
        depth = items = 0
        for event, value in events:
            if not depth and event == "map_key" and value == "item":
                items += 1
            if event in _OPEN:
                depth += 1
            elif event in _CLOSE:
                if not depth:
                    return items
                depth -= 1
        return items
    return 0


def _build(events: Iterator[tuple[str, Any]], first: str, first_value: Any) -> Any:
    """The value whose first event was ``(first, first_value)``, built from the events that follow."""
    if first not in _OPEN:
        return first_value
    builder = ijson.ObjectBuilder()
    builder.event(first, first_value)
    depth = 1
    for event, value in events:
        builder.event(event, value)
        if event in _OPEN:
            depth += 1
        elif event in _CLOSE:
            depth -= 1
            if not depth:
                break
    return builder.value


class _Reader:
    """The bytes of one pass, as ijson reads them: without a UTF-8 byte order mark, and counted.

    With ``check``, every chunk is decoded before ijson sees it, so a file that
    is not UTF-8 raises :class:`UnicodeDecodeError`, not a JSON error. With
    ``locate_from``, bytes from that offset on are handed out one at a time,
    and ``line``/``column`` (1-based, in characters) tell where the byte
    handed out last stands: where the parser stopped, when it fails.
    """

    def __init__(self, fh: IO[bytes], check: bool = False, locate_from: int | None = None):
        self._fh = fh
        self._locate_from = locate_from
        self._decoder = codecs.getincrementaldecoder("utf-8")() if check or locate_from is not None else None
        self.offset = 0  # bytes handed out
        self.last = 0  # bytes handed out by the latest read
        self.line = self.column = 1
        self._next = (1, 1)  # where the next byte stands
        head = fh.read(len(codecs.BOM_UTF8))
        self._head = b"" if head == codecs.BOM_UTF8 else head

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        if size is None or size < 0:
            size = 1 << 16
        if self._locate_from is not None:
            size = 1 if self.offset >= self._locate_from else min(size, self._locate_from - self.offset)
        if self._head:
            data, self._head = self._head[:size], self._head[size:]
        else:
            data = self._fh.read(size)
        self.offset += len(data)
        self.last = len(data)
        if self._decoder is not None:
            text = self._decoder.decode(data, final=not data)
            if self._locate_from is not None:
                self.line, self.column = self._next
                newlines = text.count("\n")
                if newlines:
                    self._next = (self.line + newlines, len(text) - text.rfind("\n"))
                else:
                    self._next = (self.line, self.column + len(text))
        return data
