"""REFI-QDA project exchange (``.qdpx``: a zip of ``project.qde`` and ``sources/``), export and import.

The format of MAXQDA, NVivo, ATLAS.ti and QualCoder (REFI-QDA Project 1.0,
``urn:QDA-XML:project:1.0``); see docs/formats.md for the mapping. Positions
are code points, end exclusive, in the source text as the file holds it.

Export streams ``project.qde`` into the archive one document at a time, so
memory does not grow with the number of annotations. Import reads the XML
twice through defusedxml (no DTDs, entities or external references), after
checking the archive: entry names must be relative without ``..``, declared
sizes are capped and the bytes actually read are counted.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import time
import zipfile
import zlib
from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, NamedTuple
from xml.etree.ElementTree import ParseError

import defusedxml
from defusedxml.ElementTree import iterparse

from annotator import __version__
from annotator.core.errors import InputError
from annotator.core.formats import BATCH
from annotator.core.formats.interop import (
    LineEnds,
    Present,
    Progress,
    as_uuid,
    check_cancel,
    document_record,
    guid_of,
    stable_id,
)
from annotator.core.formats.json_import import ImportReport, import_records, reanchor
from annotator.core.formats.json_set import Selection
from annotator.core.model import Label
from annotator.core.store import Store
from annotator.core.text import normalize, title_from_text
from annotator.core.timeutil import now

NS = "urn:QDA-XML:project:1.0"
#: The largest entry of an archive that is read, and the most all entries may hold together (bytes).
MAX_ENTRY_BYTES = 512 << 20
MAX_TOTAL_BYTES = 1 << 30
#: The most entries an archive may have.
MAX_ENTRIES = 100_000
_CHUNK = 1 << 16
#: The annotation fields a ``PlainTextSelection`` is written from, in the order the export reads them.
_FIELDS = ("id", "label", "start", "end", "annotator", "note", "created", "modified")

_BAD_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")
_COLOR = re.compile(r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
#: What annotator has no place for, by element (under its parent), as the summary names it.
_UNUSED = {
    ("Sources", "PDFSource"): "PDF sources (annotator keeps plain text only)",
    ("Sources", "PictureSource"): "picture sources (annotator keeps plain text only)",
    ("Sources", "AudioSource"): "audio sources (annotator keeps plain text only)",
    ("Sources", "VideoSource"): "video sources (annotator keeps plain text only)",
    ("Cases", "Case"): "cases (annotator has no cases)",
    ("Variables", "Variable"): "variables (annotator has no variables)",
    ("Sets", "Set"): "sets (annotator has no sets)",
    ("Graphs", "Graph"): "graphs (annotator has no graphs)",
    ("TextSource", "Coding"): "codings of a whole source (annotator codes spans only)",
}
#: Where memos are: ``(element, parent)``.
_MEMOS = {("Description", "Project"), ("Description", "TextSource"), ("Note", "Notes")}
#: A ``<Note>`` no ``<Code>`` refers to (a code's memo is the note it refers to).
_NOTE_LEFT_OUT = "project notes (annotator keeps memos on the project, documents and codes, and notes on annotations)"
#: How far (code points, beyond one per line break before it) a selection's quote is looked for around its positions.
REANCHOR_REACH = 256
#: XML turns a line break or tab in an attribute into a space: a quote is compared with these read as spaces.
_AS_SPACE = str.maketrans("\n\t", "  ")


# ------------------------------------------------------------------------ export
def _x(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot hold (they become U+FFFD)."""
    return _BAD_XML.sub("\ufffd", value)


#: What XML text and attribute values escape (xml.sax.saxutils' escape and quoteattr do the same, but importing
#: that module imports urllib.request, http and ssl: tens of milliseconds at every start of the window).
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _a(value: str) -> str:
    """``value`` as a quoted attribute value: in double quotes unless it holds one and no single quote."""
    data = _x(value).translate(_ATTR)
    if '"' not in data:
        return f'"{data}"'
    return f"'{data}'" if "'" not in data else '"' + data.replace('"', "&quot;") + '"'


def _t(value: str) -> str:
    return _x(value).translate(_TEXT)


def _when(name: str, value: str | None) -> str:
    # A valid xsd:dateTime holds no character that needs escaping in an attribute.
    return f' {name}="{value}"' if isinstance(value, str) and _DATETIME.match(value) else ""


def export_qdpx(store: Store, path: str | os.PathLike, selection: Selection | None = None,
                progress: Progress | None = None, project_name: str | None = None) -> int:
    """Write the selected annotations as a REFI-QDA project to ``path``; returns how many were written.

    The archive replaces ``path`` only when complete. GUIDs are stable: a
    document's comes from its id, an annotation's selection is its id. Each
    annotation is one ``PlainTextSelection`` with one ``Coding``.
    ``progress(done, total)`` every 1,000 annotations may raise
    :class:`~annotator.core.errors.CancelledError`.
    """
    selection = selection or Selection()
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            entry = zipfile.ZipInfo("project.qde", time.gmtime()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(entry, "w", force_zip64=True) as raw:
                out = io.TextIOWrapper(io.BufferedWriter(raw, _CHUNK), encoding="utf-8", newline="\n")
                count = _write_project(store, out, selection, progress, project_name or target.stem)
                out.flush()
                out.detach()
            for doc_id in selection.document_ids(store):
                zf.writestr(f"sources/{guid_of(doc_id, 'document')}.txt", store.document_text(doc_id).encode())
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"{target} cannot be written ({exc.strerror or exc}).") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return count


def _write_project(store: Store, out: IO[str], selection: Selection, progress: Progress | None, name: str) -> int:
    filters = selection.filters()
    total = store.count_annotations(**filters) if progress else None
    stamp = now()
    out.write(f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{NS}" name={_a(name)} '
              f'origin={_a("annotator " + __version__)} creationDateTime="{stamp}" modifiedDateTime="{stamp}">\n')
    users = {a.id: stable_id("user", a.id) for a in store.selection_annotators(**filters)}
    if users:
        out.write("<Users>\n")
        for user_id, guid in users.items():
            out.write(f'  <User guid="{guid}" name={_a(user_id)}/>\n')
        out.write("</Users>\n")
    labels = store.labels()
    codes = {lb.name: stable_id("code", lb.name) for lb in labels}
    if labels:
        out.write("<CodeBook><Codes>\n")
        _write_codes(out, labels, codes)
        out.write("</Codes></CodeBook>\n")
    doc_ids = selection.document_ids(store)
    count = 0
    if doc_ids:
        out.write("<Sources>\n")
        for doc_id in doc_ids:
            count = _write_source(store, out, doc_id, selection, users, codes, count, progress, total)
        out.write("</Sources>\n")
    _write_code_memos(out, labels)
    first = True
    for link in store.links_within(**filters):
        out.write(("<Links>\n" if first else "") + f'  <Link guid="{guid_of(link.id, "link")}" name={_a(link.type)} '
                  f'direction="OneWay" originGUID="{guid_of(link.source)}" targetGUID="{guid_of(link.target)}"/>\n')
        first = False
    memo = store.memo("project")
    out.write(("" if first else "</Links>\n") + (f"<Description>{_t(memo)}</Description>\n" if memo else "")
              + "</Project>\n")
    return count


def _memo_note(label: str) -> str:
    """The GUID of the ``<Note>`` that holds a label's memo."""
    return stable_id("code-memo", label)


def _write_code_memos(out: IO[str], labels: list[Label]) -> None:
    """The labels' memos, each a ``<Note>`` that its ``<Code>`` refers to (``<NoteRef>``): a code's
    ``<Description>`` is the label's description."""
    memos = [lb for lb in labels if lb.memo]
    if not memos:
        return
    out.write("<Notes>\n")
    for lb in memos:
        out.write(f'  <Note guid="{_memo_note(lb.name)}" name={_a("Memo on code " + lb.name)}>'
                  f"<PlainTextContent>{_t(lb.memo)}</PlainTextContent></Note>\n")
    out.write("</Notes>\n")


def _write_codes(out: IO[str], labels: list[Label], codes: dict[str, str]) -> None:
    """The code book: each label a ``<Code>``, nested in its parent's; a category is ``isCodable="false"``."""
    under: dict[str, list[Label]] = {}
    for lb in labels:
        under.setdefault(lb.parent, []).append(lb)
    # Depth-first with an explicit stack of (label, depth, closing?): a deep tree needs no recursion.
    stack: list[tuple[Label, int, bool]] = [(lb, 1, False) for lb in reversed(under.get("", []))]
    while stack:
        lb, depth, closing = stack.pop()
        indent = "  " * depth
        if closing:
            out.write(f"{indent}</Code>\n")
            continue
        color = f" color={_a(lb.color)}" if _COLOR.match(lb.color or "") else ""
        body = (f"<Description>{_t(lb.description)}</Description>" if lb.description else "") + (
            f'<NoteRef targetGUID="{_memo_note(lb.name)}"/>' if lb.memo else "")
        children = under.get(lb.name, [])
        head = f'{indent}<Code guid="{codes[lb.name]}" name={_a(lb.name)} isCodable="{str(lb.codable).lower()}"{color}'
        if not children:
            out.write(head + (f">{body}</Code>\n" if body else "/>\n"))
            continue
        out.write(f"{head}>{body}\n")
        stack.append((lb, depth, True))
        stack.extend((child, depth + 1, False) for child in reversed(children))


def _write_source(store: Store, out: IO[str], doc_id: str, selection: Selection, users: dict, codes: dict,
                  count: int, progress: Progress | None, total: int | None) -> int:
    doc = store.document(doc_id)
    guid = guid_of(doc_id, "document")
    out.write(f'  <TextSource guid="{guid}" name={_a(doc.title)} plainTextPath="internal://{guid}.txt"'
              f'{_when("creationDateTime", doc.added)}>\n' + (f"    <Description>{_t(doc.memo)}</Description>\n"
                                                                 if doc.memo else ""))
    filters = dict(selection.filters(), documents=[doc_id])
    for rows in store.annotation_row_batches(**filters, size=BATCH, fields=_FIELDS):
        parts = []
        for ann_id, label, start, end, annotator, note, created, modified in rows:
            user = users.get(annotator) or stable_id("user", annotator)
            parts.append(
                f'    <PlainTextSelection guid="{guid_of(ann_id)}" startPosition="{start}" endPosition="{end}" '
                f'creatingUser="{user}"{_when("creationDateTime", created)} modifyingUser="{user}"'
                f'{_when("modifiedDateTime", modified)}>'
                + (f"<Description>{_t(note)}</Description>" if note else "")
                + f'<Coding guid="{stable_id("coding", ann_id)}" creatingUser="{user}"'
                f'{_when("creationDateTime", created)}><CodeRef targetGUID="{codes[label]}"/></Coding>'
                "</PlainTextSelection>\n"
            )
            count += 1
            check_cancel(progress, count, total)
        out.write("".join(parts))
    out.write("  </TextSource>\n")
    return count


# ------------------------------------------------------------------------ import
class _Archive:
    """A checked zip archive: names, sizes and the bytes actually read stay within bounds."""

    def __init__(self, path: str | os.PathLike, name: str):
        self.name = name
        try:
            self.zf = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise InputError(f"{name} does not exist.") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise InputError(f"{name} is not a REFI-QDA project (.qdpx): it is not a readable zip archive.") from None
        infos = self.zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise InputError(f"{name} holds {len(infos)} files, more than the {MAX_ENTRIES} annotator reads.")
        total = 0
        self.entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            self._check_name(info.filename)
            if info.file_size > MAX_ENTRY_BYTES:
                raise InputError(f"{name} is refused: {info.filename} would unpack to {info.file_size:,} bytes, "
                                 f"more than the {MAX_ENTRY_BYTES:,} annotator reads.")
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise InputError(f"{name} is refused: it would unpack to more than {MAX_TOTAL_BYTES:,} bytes.")
            self.entries[info.filename] = info
        self.folded = {n.lower(): n for n in self.entries}
        self.read_so_far = 0

    def _check_name(self, entry: str) -> None:
        parts = entry.replace("\\", "/").split("/")
        if (entry.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", entry) or ".." in parts or "\x00" in entry):
            raise InputError(f"{self.name} is refused: it holds a file named {entry!r}, outside the archive.")

    def find(self, entry: str) -> str | None:
        entry = str(PurePosixPath(entry.replace("\\", "/")))
        return entry if entry in self.entries else self.folded.get(entry.lower())

    @contextlib.contextmanager
    def open(self, entry: str) -> Iterator[IO[bytes]]:
        try:
            with self.zf.open(self.entries[entry]) as fh:
                yield _Counted(fh, self, self.entries[entry])
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise InputError(f"{self.name} is damaged or truncated ({entry}: {exc}).") from None

    def read(self, entry: str) -> bytes:
        with self.open(entry) as fh:
            return fh.read()


class _Counted(io.RawIOBase):
    """An entry's bytes, counted: more than it declared, or than the archive may hold, stops the import."""

    def __init__(self, fh: IO[bytes], archive: _Archive, info: zipfile.ZipInfo):
        self._fh, self._archive, self._info, self._done = fh, archive, info, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._fh.read(min(len(buffer), _CHUNK))
        self._done += len(data)
        self._archive.read_so_far += len(data)
        if self._done > self._info.file_size or self._archive.read_so_far > 2 * MAX_TOTAL_BYTES:
            raise InputError(f"{self._archive.name} is refused: {self._info.filename} unpacks to more bytes than "
                             "it declares.")
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            chunks = []
            while chunk := self.read(_CHUNK):
                chunks.append(chunk)
            return b"".join(chunks)
        buffer = bytearray(size)
        n = self.readinto(buffer)
        return bytes(buffer[:n])


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _events(archive: _Archive, entry: str) -> Iterator[tuple[str, object, list[str]]]:
    """``(event, element, path of open tags)`` for ``project.qde``, every error as one sentence."""
    stack: list[str] = []
    with archive.open(entry) as fh:
        try:
            for event, el in iterparse(io.BufferedReader(fh, _CHUNK), events=("start", "end"), forbid_dtd=True):
                tag = _local(el.tag)
                if event == "start":
                    if not stack and tag != "Project":
                        raise InputError(f"{archive.name} is not a REFI-QDA project (its project.qde has no "
                                         "<Project>).")
                    stack.append(tag)
                    yield event, el, stack
                else:
                    stack.pop()
                    yield event, el, stack
        except ParseError as exc:
            raise InputError(f"{archive.name} is not a valid REFI-QDA project (project.qde: {exc}).") from None
        except defusedxml.DefusedXmlException:
            raise InputError(f"{archive.name} is refused: its project.qde declares a DTD or entities, "
                             "which annotator never reads.") from None


class _Code(NamedTuple):
    """A ``<Code>`` of the code book: its names from the top down, colour, description, parent's GUID (None at
    the top), whether it may code (``isCodable``) and the GUIDs of the notes it refers to (its memo)."""

    names: list[str]
    color: str | None
    description: str
    parent: str | None
    codable: bool
    notes: tuple[str, ...] = ()


class _Project:
    """What the first pass over ``project.qde`` finds: users, codes, sources and what is left out."""

    def __init__(self, archive: _Archive, entry: str, default_user: str, report: ImportReport,
                 progress: Progress | None):
        self.archive, self.entry, self.default_user, self.report = archive, entry, default_user, report
        self.users: dict[str, str] = {}
        self.codes: dict[str, _Code] = {}  # guid -> the code
        self.sources: dict[str, LineEnds] = {}  # guid -> text
        self.titles: dict[str, str] = {}
        self.source_memos: dict[str, str] = {}
        self.breaks: dict[str, list[int]] = {}  # guid -> where its stored text breaks lines (when first needed)
        self.selections = 0
        self.link_items: list[tuple[str, str, str | None, str | None]] = []  # guid, name, origin, target
        self.linked: set[str | None] = set()  # the selections links join: only theirs are remembered
        self.notes: dict[str, str] = {}  # guid -> the text of a <Note> under <Notes>
        self.memo = ""  # the project's <Description>
        code_path: list[tuple[str, str]] = []  # the open <Code>s: (name, GUID)
        source: dict | None = None
        for event, el, path in _events(archive, entry):
            tag = _local(el.tag)
            if event == "start":
                if tag == "Code":
                    code_path.append((el.get("name") or "Code", as_uuid(el.get("guid")) or ""))
                elif tag == "TextSource" and path[-2:-1] == ["Sources"]:
                    source = {"guid": el.get("guid"), "name": el.get("name"), "path": el.get("plainTextPath"),
                              "rich": el.get("richTextPath")}
                continue
            parent = path[-1] if path else ""
            if tag == "User" and parent == "Users":
                self.users[as_uuid(el.get("guid")) or ""] = el.get("name") or el.get("id") or default_user
            elif tag == "Code":
                self._add_code(el, code_path)
            elif tag == "PlainTextContent" and source is not None and parent == "TextSource":
                source["content"] = el.text or ""
            elif (tag, parent) in _MEMOS:
                self._add_memo(tag, parent, el, source)
            elif tag == "PlainTextSelection":
                self.selections += 1
                check_cancel(progress, self.selections, None)
                el.clear()
            elif tag == "TextSource" and parent == "Sources" and source is not None:
                self._add_source(source)
                source = None
                el.clear()
            elif tag == "Link" and parent == "Links":
                ends = as_uuid(el.get("originGUID")), as_uuid(el.get("targetGUID"))
                self.link_items.append((el.get("guid") or "", el.get("name") or "linked", *ends))
                self.linked.update(ends)
            elif (parent, tag) in _UNUSED and (tag != "Description" or (el.text or "").strip()):
                report.leave_out(_UNUSED[(parent, tag)])
                el.clear()
        self.labels = self._label_names()
        memos = {guid for code in self.codes.values() for guid in code.notes}
        unreferenced = sum(1 for guid, note in self.notes.items() if guid not in memos and note.strip())
        if unreferenced:
            report.leave_out(_NOTE_LEFT_OUT, unreferenced)

    def _add_code(self, el, code_path: list[tuple[str, str]]) -> None:
        """A ``<Code>`` just read (``code_path``: the open ones, this one last), with its description and notes."""
        desc = next((c.text or "" for c in el if _local(c.tag) == "Description"), "")
        notes = tuple(as_uuid(c.get("targetGUID")) or "" for c in el if _local(c.tag) == "NoteRef")
        code_path.pop()
        self.codes[as_uuid(el.get("guid")) or ""] = _Code(
            [n for n, _ in code_path] + [el.get("name") or "Code"], el.get("color"), desc,
            code_path[-1][1] if code_path else None, el.get("isCodable") != "false", notes)

    def _add_memo(self, tag: str, parent: str, el, source: dict | None) -> None:
        """A memo just read: the project's or a source's ``<Description>``, or a ``<Note>`` (a code's memo when a
        ``<Code>`` refers to it)."""
        if tag == "Note":
            self.notes[as_uuid(el.get("guid")) or ""] = next(
                (c.text or "" for c in el if _local(c.tag) == "PlainTextContent"), "")
            el.clear()
        elif parent == "Project":
            self.memo = el.text or ""
        elif source is not None:
            source["memo"] = el.text or ""

    def _add_source(self, source: dict) -> None:
        guid = as_uuid(source.get("guid"))
        raw = None
        where = source.get("path") or ""
        if where:
            inner = where[len("internal://"):] if where.startswith("internal://") else where
            entry = None
            if where.startswith("internal://") or "://" not in where:
                entry = self.archive.find("sources/" + inner) or self.archive.find(inner)
            if entry is not None:
                try:
                    raw = self.archive.read(entry).decode("utf-8-sig")
                except UnicodeDecodeError:
                    self.report.leave_out("text sources whose text is not UTF-8 (with their codings)")
                    return
        if raw is None and "content" in source:
            raw = source["content"]
        if raw is None:
            self.report.leave_out("text sources whose text is not in the archive (with their codings)")
            return
        text = LineEnds(raw)
        if guid is None or not text.text.strip():
            self.report.leave_out("text sources without a GUID or without text (with their codings)")
            return
        self.sources[guid] = text
        self.titles[guid] = source.get("name") or _title_from_path(where or source.get("rich") or "", text.text)
        self.source_memos[guid] = source.get("memo") or ""

    def _label_names(self) -> dict[str, str]:
        """Code GUID -> label name: its own name, or ``Parent/Child`` where names repeat."""
        counts: dict[str, int] = {}
        for code in self.codes.values():
            counts[code.names[-1]] = counts.get(code.names[-1], 0) + 1
        labels, taken = {}, set()
        for guid, code in self.codes.items():
            names = code.names
            label = names[-1] if counts[names[-1]] == 1 else "/".join(names)
            base, n = label, 2
            while label in taken:
                label, n = f"{base} ({n})", n + 1
            taken.add(label)
            labels[guid] = label
        return labels

    def label_records(self) -> list[dict]:
        records = []
        for guid, code in self.codes.items():
            color = code.color
            if color and _COLOR.match(color) and len(color) == 4:
                color = "#" + "".join(c * 2 for c in color[1:])
            records.append({"name": self.labels[guid], "color": color if color and _COLOR.match(color) else None,
                            "description": code.description, "parent": self.labels.get(code.parent or "", ""),
                            "codable": code.codable,
                            "memo": "\n\n".join(self.notes[g] for g in code.notes if self.notes.get(g))})
        return records

    def document_records(self) -> list[dict]:
        return [dict(document_record(t.text, self.titles[g]), memo=self.source_memos[g])
                for g, t in self.sources.items()]

    def annotations(self, ends: dict, links: list, present: Present, progress: Progress | None) -> Iterator[dict]:
        """Second pass: one annotation per Coding of each PlainTextSelection; links are gathered into ``links``."""
        source: str | None = None
        done = 0
        for event, el, path in _events(self.archive, self.entry):
            tag = _local(el.tag)
            if event == "start":
                if tag == "TextSource" and path[-2:-1] == ["Sources"]:
                    source = as_uuid(el.get("guid"))
                continue
            if tag == "PlainTextSelection" and path[-1:] == ["TextSource"]:
                if source in self.sources:
                    yield from self._selection(el, source, ends, present)
                done += 1
                if progress and done % 1000 == 0:
                    progress(done, self.selections)
                el.clear()
            elif tag == "TextSource":
                source = None
                el.clear()
        for guid, link_type, origin_guid, target_guid in self.link_items:
            origin, target = ends.get(origin_guid), ends.get(target_guid)
            if origin is None or target is None:
                self.report.leave_out("links that do not join two coded text selections")
                continue
            if present.has_link(link_type, origin[0], target[0]):
                continue
            links.append({"id": as_uuid(guid) or stable_id("qdpx-link", guid, origin[0], target[0]),
                          "type": link_type, "source": origin[0], "target": target[0], "annotator": origin[1],
                          "note": ""})

    def _selection(self, el, source: str, ends: dict, present: Present) -> Iterator[dict]:
        text = self.sources[source]
        raw = _int(el.get("startPosition")), _int(el.get("endPosition"))
        span = text.span(*raw)
        if span is None:
            self.report.leave_out("selections whose positions fall outside their source's text")
            return
        start, end = self._anchor(source, *span, el.get("name"), raw[1] - raw[0])
        moved = 1 if (start, end) != span else 0
        note = next((c.text or "" for c in el if _local(c.tag) == "Description"), "")
        codings = [c for c in el if _local(c.tag) == "Coding"]
        if not codings:
            self.report.leave_out("selections without a code")
            return
        guid = el.get("guid") or ""
        created = el.get("creationDateTime")
        for coding in codings:
            ref = next((c for c in coding if _local(c.tag) == "CodeRef"), None)
            code = as_uuid(ref.get("targetGUID")) if ref is not None else None
            if code not in self.labels:
                self.report.leave_out("codings whose code is not in the codebook")
                continue
            user = as_uuid(coding.get("creatingUser") or el.get("creatingUser"))
            annotator = self.users.get(user or "", self.default_user)
            if len(codings) == 1:
                ann_id = as_uuid(guid) or stable_id("qdpx-selection", source, guid, str(start), str(end))
            else:
                ann_id = stable_id("qdpx-coding", guid, coding.get("guid") or "", code)
            stamp = coding.get("creationDateTime") or created
            existing = present.find(text.id, start, end, self.labels[code], annotator)
            linked = as_uuid(guid) in self.linked
            if existing is not None and existing != ann_id:  # the same span under another id: ours, re-imported
                self.report.skipped += 1
                if linked:
                    ends.setdefault(as_uuid(guid), (existing, annotator))
                continue
            if linked:
                ends.setdefault(as_uuid(guid), (ann_id, annotator))
            self.report.reanchored += moved if existing is None else 0  # not again when imported again
            yield {"id": ann_id, "document": text.id, "label": self.labels[code], "start": start, "end": end,
                   "quote": text.text[start:end], "annotator": annotator, "note": note, "status": "pending",
                   "created": stamp, "modified": el.get("modifiedDateTime") or stamp}

    def _anchor(self, source: str, start: int, end: int, name: str | None, length: int) -> tuple[int, int]:
        """The span of the selection's quote near ``start``, where its name is that quote and the positions miss it.

        QualCoder and MAXQDA name a selection by its quote (others by a label,
        such as "line:6"). QualCoder's export "with line endings for MAXQDA"
        writes CRLF text but counts positions in LF text, so its positions
        fall one short per line break before them. The quote is looked for
        within :data:`REANCHOR_REACH` code points plus one per line break
        before the selection, nearest first, and taken only if the positions
        span as many characters as it has (counting a line break in it as one
        or as CRLF); otherwise the name is no quote (a label that happens to
        occur nearby) and the positions stand. Line breaks compare equal to
        spaces: XML reads a line break in an attribute as one.
        """
        quote = normalize(name or "").translate(_AS_SPACE)
        text = self.sources[source].text
        if not quote.strip() or text[start:start + len(quote)].translate(_AS_SPACE) == quote:
            return start, end
        breaks = self.breaks.get(source)
        if breaks is None:
            breaks = self.breaks[source] = [m.start() for m in re.finditer("\n", text)]
        reach = REANCHOR_REACH + bisect_left(breaks, end)
        low = max(0, start - reach)
        found = reanchor(text[low:end + reach].translate(_AS_SPACE), quote, start - low)
        if found is None or length not in (len(quote), len(quote) + text.count("\n", low + found,
                                                                               low + found + len(quote))):
            return start, end
        return low + found, low + found + len(quote)


def _title_from_path(path: str, text: str) -> str:
    """A source's title when it has no name: its file's name (``board_2017``), or its first words if that is a GUID."""
    stem = PurePosixPath(path.removeprefix("internal://").replace("\\", "/")).stem
    return stem if stem and as_uuid(stem) is None else title_from_text(text)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def import_qdpx(store: Store, path: str | os.PathLike, *, as_annotator: str | None = None,
                default_annotator: str = "unknown", name: str | None = None,
                progress: Progress | None = None) -> ImportReport:
    """Import a REFI-QDA project (``.qdpx``) in one transaction; see the module docstring and docs/formats.md.

    Codings whose user is not named in the file are filed under
    ``default_annotator``; ``as_annotator`` files every one under that name.
    """
    name = name or Path(path).name
    archive = _Archive(path, name)
    entry = archive.find("project.qde")
    if entry is None:
        raise InputError(f"{name} is not a REFI-QDA project: it holds no project.qde.")
    left_out = ImportReport()
    with contextlib.closing(archive.zf):
        project = _Project(archive, entry, default_annotator, left_out, progress)
        ends: dict = {}
        links: list[dict] = []
        records = {"documents": project.document_records(), "labels": project.label_records(), "annotators": [],
                   "annotations": project.annotations(ends, links, Present(store, as_annotator), progress),
                   "links": links, "memo": project.memo}
        return import_records(store, records, as_annotator=as_annotator, name=name, left_out=left_out)
