"""brat standoff (``.txt`` + ``.ann``; brat and INCEpTION), export and import.

Export writes ``DIR/<annotator>/<document>.txt`` (the text, UTF-8) and
``.ann`` per document, ``DIR/annotation.conf`` declaring the labels and link
types, and ``DIR/visual.conf`` with the label colours. Offsets are code points,
end exclusive. A span over a line break is written as fragments split at the
line breaks, which are left out as brat does (``T1<TAB>Claim 10 20;21 30<TAB>text text``: the fragments' texts
joined by one space, which brat's reader checks); notes are
``#n<TAB>AnnotatorNotes Tn<TAB>note``; links within one document ``R`` lines.
Label and type names map spaces to ``_`` and back.

Import reads brat's own corpora and INCEpTION's brat export: ``T`` spans
(fragments separated only by line breaks or other white space join back into one span; other
fragments become one annotation each, linked ``continues``), ``#`` notes,
``R`` links and ``A``/``M`` attributes (:mod:`annotator.core.formats.brat_attributes`, with
``annotation.conf``'s ``[attributes]``); ``E``, ``N`` and ``*`` lines are counted as skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.formats import BATCH, brat_attributes
from annotator.core.formats.interop import LineEnds, Present, Progress, check_cancel, document_record, stable_id
from annotator.core.formats.json_import import ImportReport, import_records
from annotator.core.formats.json_set import Selection
from annotator.core.scheme import tree_order
from annotator.core.store import Store

#: A note's line breaks are written as U+2028 (brat notes are one line) and read back as line breaks.
NEWLINE, LINE_SEPARATOR = "\n", "\u2028"
#: Link type given to the pieces of a discontinuous brat span (each to the next).
FRAGMENT_LINK = "continues"
#: The annotation fields a text-bound annotation (and its note) is written from, in the order the export reads them.
_FIELDS = ("id", "label", "start", "end", "annotator", "note")
_UNSAFE = re.compile(r"[^\w.-]+")
_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
#: What ends a line of a ``.ann`` file as brat reads it (Python's line ends): a span is split there, the break left out.
_LINE_BREAKS = re.compile("[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")
_SKIPPED = {"E": "event lines (E)", "N": "normalisation lines (N)", "*": "equivalence lines (*)"}


def brat_name(name: str) -> str:
    """A label or link type as brat writes it: whitespace runs become ``_``."""
    return "_".join(name.split())


def our_name(name: str) -> str:
    return name.replace("_", " ").strip()


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` split at its line breaks, which are left out (brat's convention); none if it is only breaks."""
    pieces, pos = [], start
    for match in _LINE_BREAKS.finditer(text, start, end):
        if match.start() > pos:
            pieces.append((pos, match.start()))
        pos = match.end()
    if pos < end:
        pieces.append((pos, end))
    return pieces


# ------------------------------------------------------------------------ export
def _file_name(title: str, doc_id: str) -> str:
    stem = _UNSAFE.sub("-", title).strip("-.")[:60] or "document"
    return f"{stem}-{doc_id.removeprefix('sha256:')[:12]}"


def export_brat(store: Store, folder: str | os.PathLike, selection: Selection | None = None,
                progress: Progress | None = None) -> tuple[int, ImportReport]:
    """Write the selected annotations as brat standoff under ``folder``; returns (annotations written, left out).

    The files are built in a temporary folder beside ``folder`` and moved
    into it only when complete. The report counts what brat cannot say
    (links between documents or annotators; statuses are not written).
    """
    selection = selection or Selection()
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise InputError(f"{target} is a file; brat export needs a folder.")
    left_out = ImportReport()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise InputError(f"{target} cannot be written ({exc.strerror or exc}).") from None
    try:
        count = _write_corpus(store, tmp, selection, progress, left_out)
        target.mkdir(exist_ok=True)
        for item in tmp.iterdir():
            dest = target / item.name
            if dest.is_dir() and item.is_dir():
                shutil.copytree(item, dest, dirs_exist_ok=True)
            else:
                os.replace(item, dest)
    except OSError as exc:
        raise InputError(f"{target} cannot be written ({exc.strerror or exc}).") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return count, left_out


def _write_corpus(store: Store, root: Path, selection: Selection, progress: Progress | None,
                  left_out: ImportReport) -> int:
    filters = selection.filters()
    total = store.count_annotations(**filters) if progress else None
    labels = store.labels()
    types = sorted({brat_name(t) for t in store.link_types()})
    # The tree by indentation with tabs; "!" marks a category that cannot be annotated (brat's own convention).
    entities = ("\t" * depth + ("" if lb.codable else "!") + brat_name(lb.name) for lb, depth in tree_order(labels))
    conf = ["[entities]", *entities, "", "[relations]",
            *(f"{t}\tArg1:<ENTITY>, Arg2:<ENTITY>" for t in types), "", "[events]", "", "[attributes]"]
    visual = ["[labels]", "", "[drawing]", *(f"{brat_name(lb.name)}\tbgColor:{lb.color}" for lb in labels
                                              if re.match(r"^#[0-9A-Fa-f]{6}$", lb.color or "")), ""]
    (root / "visual.conf").write_text("\n".join(visual), encoding="utf-8")
    count = 0
    links = list(store.links_within(**filters))
    folders: dict[str, str] = {}  # annotator -> folder name, unique even where names differ only in "/" or ":"
    for a in store.selection_annotators(**filters):
        name, n = folder_name(a.id), 2
        while name in folders.values():
            name, n = f"{folder_name(a.id)}-{n}", n + 1
        folders[a.id] = name
    decls = store.label_attributes()
    declared = {(d.label, d.name): d for d in decls}
    used: dict[str, set[str]] = {}  # the free-text values written, by attribute name (the conf lists them)
    for doc_id in selection.document_ids(store):
        doc = store.document(doc_id)
        text = store.document_text(doc_id)
        name = _file_name(doc.title, doc_id)
        doc_file = _DocumentFile(text, left_out, declared, used)
        for rows in store.annotation_row_batches(**dict(filters, documents=[doc_id]), size=BATCH, fields=_FIELDS):
            values = store.attributes_for(row[0] for row in rows)
            for row in rows:
                count += doc_file.add(*row, attributes=values.get(row[0], {}))
                check_cancel(progress, count, total)
        for link in links:
            doc_file.link(link)
        for annotator, lines in doc_file.lines_of.items():
            folder = root / folders.get(annotator, folder_name(annotator))
            folder.mkdir(exist_ok=True)
            (folder / f"{name}.txt").write_text(text, encoding="utf-8", newline="")
            (folder / f"{name}.ann").write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
    conf += [*brat_attributes.conf_section(decls, brat_name, used), ""]
    (root / "annotation.conf").write_text("\n".join(conf), encoding="utf-8")
    return count


class _DocumentFile:
    """The ``.ann`` lines of one document, by annotator, numbered as brat numbers them."""

    def __init__(self, text: str, left_out: ImportReport, declared: dict | None = None,
                 used: dict[str, set[str]] | None = None):
        self.text, self.left_out = text, left_out
        self.declared = declared if declared is not None else {}
        self.used = used if used is not None else {}
        self.lines_of: dict[str, list[str]] = {}
        self.numbers: dict[tuple[str, str], int] = {}
        self.tids: dict[str, tuple[str, str]] = {}  # annotation id -> (annotator, T id)
        self.dropped: set[str] = set()  # annotations brat cannot hold

    def next_id(self, annotator: str, kind: str) -> str:
        self.numbers[annotator, kind] = self.numbers.get((annotator, kind), 0) + 1
        return f"{kind}{self.numbers[annotator, kind]}"

    def add(self, ann_id: str, label: str, start: int, end: int, annotator: str, note: str,
            attributes: dict[str, str] | None = None) -> int:
        """Write one annotation (its note, its attributes); 1 if written, 0 if it is only line breaks, which brat
        cannot hold."""
        frags = fragments(self.text, start, end)
        if not frags:
            self.dropped.add(ann_id)
            self.left_out.leave_out("annotations of line breaks only (brat leaves line breaks out of spans)")
            return 0
        lines = self.lines_of.setdefault(annotator, [])
        tid = self.next_id(annotator, "T")
        self.tids[ann_id] = (annotator, tid)
        shown = " ".join(self.text[s:e] for s, e in frags)  # brat checks this against the text: tabs stay tabs
        lines.append(f"{tid}\t{brat_name(label)} {';'.join(f'{s} {e}' for s, e in frags)}\t{shown}")
        if note:
            one_line = note.replace(NEWLINE, LINE_SEPARATOR)
            lines.append(f"{self.next_id(annotator, '#')}\tAnnotatorNotes {tid}\t{one_line}")
        for key, value in (attributes or {}).items():
            decl = self.declared.get((label, key))
            if decl is None or decl.type == "text":
                self.used.setdefault(key, set()).add(brat_attributes.value_out(value))
            lines.append(brat_attributes.a_line(self.next_id(annotator, "A"), key, tid, decl, value))
        return 1

    def link(self, link) -> None:
        src, dst = self.tids.get(link.source), self.tids.get(link.target)
        if link.source in self.dropped or (src is not None and link.target in self.dropped):
            self.left_out.leave_out("links of annotations brat cannot hold")
        elif src is None:
            return  # a link of another document's annotation
        elif dst is None or src[0] != dst[0]:
            self.left_out.leave_out("links between documents or between annotators (brat cannot say them)")
        else:
            self.lines_of[src[0]].append(
                f"{self.next_id(src[0], 'R')}\t{brat_name(link.type)} Arg1:{src[1]} Arg2:{dst[1]}")


def folder_name(annotator: str) -> str:
    """The folder of an annotator's files: the name itself, but for characters no file system allows."""
    name = _NOT_IN_NAMES.sub("_", annotator).strip()
    return name if name not in ("", ".", "..") else "_"




# ------------------------------------------------------------------------ import
def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path.name} is not UTF-8 text; brat files are UTF-8.") from None
    except OSError as exc:
        raise InputError(f"{path} cannot be read ({exc.strerror or exc}).") from None


def _pairs(path: Path, annotator: str | None, default: str) -> list[tuple[Path, str]]:
    """The ``.ann`` files to read with their annotators: one file, a folder, or a folder per annotator."""
    if path.is_file():
        if path.suffix != ".ann":
            raise InputError(f"{path.name} is not a brat annotation file (.ann).")
        return [(path, annotator or default)]
    if not path.is_dir():
        raise InputError(f"{path} does not exist.")
    own = sorted(path.glob("*.ann"))
    if own:
        return [(ann, annotator or default) for ann in own]
    pairs = [(ann, annotator or sub.name) for sub in sorted(p for p in path.iterdir() if p.is_dir())
             for ann in sorted(sub.glob("*.ann"))]
    if not pairs and not (path / "annotation.conf").is_file():
        raise InputError(f"{path.name} holds no brat annotation files (.ann), neither itself nor in its folders.")
    return pairs


def _conf_labels(root: Path) -> list[dict]:
    """Labels declared in ``annotation.conf`` ([entities]), with colours from ``visual.conf``."""
    colors: dict[str, str] = {}
    visual = root / "visual.conf"
    if visual.is_file():
        for line in _read_text(visual).splitlines():
            match = re.match(r"^(\S+)\s.*bgColor:(#[0-9A-Fa-f]{6})", line)
            if match:
                colors[match.group(1)] = match.group(2)
    conf = root / "annotation.conf"
    if not conf.is_file():
        return []
    labels, section, attributes = [], "", []
    path: list[str] = []  # the labels above this line, one per tab of indentation
    for line in _read_text(conf).splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip().lower()
        elif section == "attributes":
            attributes.append(line)
        elif section == "entities" and stripped and not stripped.startswith("#"):
            depth = len(line) - len(line.lstrip("\t"))
            raw = stripped.split()[0]
            name = raw.lstrip("!")
            if name and name != "<ENTITY>":
                del path[depth:]
                labels.append({"name": our_name(name), "color": colors.get(name), "parent": path[-1] if path else "",
                               "codable": not raw.startswith("!")})
                path.append(our_name(name))
    codable = [lb["name"] for lb in labels if lb["codable"]]
    for decl in brat_attributes.read_conf_section(attributes, our_name, codable):
        for lb in labels:
            if lb["name"] == decl.label:
                lb.setdefault("attributes", []).append({"name": decl.name, "type": decl.type,
                                                        "choices": list(decl.choices)})
    return labels


class _Corpus:
    """The documents of a brat folder (read first) and, lazily, their annotations and links."""

    def __init__(self, store: Store, pairs: list[tuple[Path, str]], report: ImportReport, progress: Progress | None,
                 as_annotator: str | None = None, kinds: dict[tuple[str, str], str] | None = None):
        self.store, self.report, self.progress = store, report, progress
        self.kinds = kinds or {}  # (label, attribute) -> its type, as annotation.conf and the project declare it
        self.files: list[tuple[Path, str, LineEnds]] = []
        self.documents: dict[str, dict] = {}
        for ann, annotator in pairs:
            txt = ann.with_suffix(".txt")
            if not txt.is_file():
                if len(pairs) == 1:
                    raise InputError(f"{ann.name} has no {txt.name} beside it: brat needs the text to place spans.")
                report.leave_out("annotation files without their .txt")
                continue
            text = LineEnds(_read_text(txt))
            if not text.text.strip():
                report.leave_out("documents without text")
                continue
            self.files.append((ann, annotator, text))
            if text.id not in self.documents:
                self.documents[text.id] = document_record(text.text, _title(txt.stem, text.id))
        self.links: list[dict] = []
        self._done = 0
        self.present = Present(store, as_annotator)

    def annotations(self) -> Iterator[dict]:
        for ann, annotator, text in self.files:
            yield from self._file(ann, annotator, text)

    def _lines(self, ann: Path, text: LineEnds) -> tuple[dict, dict, list, dict]:
        """The spans, notes, relations and attributes of one ``.ann`` file, by their ids (what is left out is
        counted in the report)."""
        spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
        notes: dict[str, list[str]] = {}
        relations: list[tuple[str, str, str, str]] = []
        attributes: dict[str, dict[str, str]] = {}
        for line in _read_text(ann).split("\n"):
            line = line.removesuffix("\r")
            if not line.strip():
                continue
            kind = line[0]
            if kind in _SKIPPED:
                self.report.leave_out(_SKIPPED[kind])
            elif kind == "T":
                parsed = _text_bound(line, text)
                if parsed is None:
                    self.report.leave_out("T lines that are malformed or fall outside their text")
                else:
                    spans[parsed[0]] = parsed[1:]
            elif kind == "#":
                parts = line.split("\t", 2)
                ref = parts[1].split() if len(parts) >= 2 else []
                if len(parts) == 3 and len(ref) == 2 and ref[0] == "AnnotatorNotes":
                    notes.setdefault(ref[1], []).append(parts[2].replace(LINE_SEPARATOR, NEWLINE))
                else:
                    self.report.leave_out("comment lines (#) that are not AnnotatorNotes")
            elif kind in "AM":
                parsed_a = brat_attributes.parse_a_line(line)
                if parsed_a is None:
                    self.report.leave_out("A lines that are malformed")
                else:
                    attributes.setdefault(parsed_a[1], {})[parsed_a[0]] = parsed_a[2]
            elif kind == "R":
                match = re.match(r"^(R\S*)\t(\S+) \S+?:(\S+) \S+?:(\S+)", line)
                if match:
                    relations.append(match.groups())
                else:
                    self.report.leave_out("R lines that are malformed")
            else:
                self.report.leave_out("lines of kinds annotator does not know")
        return spans, notes, relations, attributes

    def _file(self, ann: Path, annotator: str, text: LineEnds) -> Iterator[dict]:
        spans, notes, relations, attributes = self._lines(ann, text)
        ids: dict[str, str] = {}
        for tid, (label, frags) in spans.items():
            pieces = _join(text.text, frags)
            note = "\n".join(notes.get(tid, []))
            values = {k: brat_attributes.value_in(self.kinds.get((label, k)), v)
                      for k, v in attributes.pop(tid, {}).items()}
            first = previous = None
            for n, (start, end) in enumerate(pieces):
                ann_id = self.present.find(text.id, start, end, label, annotator)
                if ann_id is not None:  # already in the project, by content
                    self.report.skipped += 1
                else:
                    ann_id = stable_id("brat", text.id, annotator, tid, str(n), label, str(start), str(end))
                    yield {"id": ann_id, "document": text.id, "label": label, "start": start, "end": end,
                           "quote": text.text[start:end], "annotator": annotator, "note": note, "status": "pending",
                           "attributes": values}
                if previous is not None:  # the pieces of one discontinuous span, each linked to the next
                    self._link(FRAGMENT_LINK, previous, ann_id, annotator, f"{text.id}/{tid}/{n}")
                first = first or ann_id
                previous = ann_id
                self._done += 1
                check_cancel(self.progress, self._done, None)
            ids[tid] = first
        if attributes:
            self.report.leave_out("attribute lines (A) of no span of their file (of events, say)",
                                  sum(map(len, attributes.values())))
        for rid, rtype, src, dst in relations:
            if src not in ids or dst not in ids:
                self.report.leave_out("R lines whose arguments are not spans of their file")
                continue
            self._link(our_name(rtype), ids[src], ids[dst], annotator, f"{text.id}/{annotator}/{rid}",
                       "\n".join(notes.get(rid, [])))

    def _link(self, link_type: str, source: str, target: str, annotator: str, key: str, note: str = "") -> None:
        if source == target:
            return
        if self.present.has_link(link_type, source, target):
            return
        self.links.append({"id": stable_id("brat-link", key, source, target, link_type), "type": link_type,
                           "source": source, "target": target, "annotator": annotator, "note": note})


def _title(stem: str, doc_id: str) -> str:
    """A document's title from its file name, without the id suffix that export adds."""
    suffix = "-" + doc_id.removeprefix("sha256:")[:12]
    stem = stem[: -len(suffix)] if stem.endswith(suffix) and len(stem) > len(suffix) else stem
    return stem.replace("-", " ").replace("_", " ").strip() or "Untitled"


def _text_bound(line: str, text: LineEnds) -> tuple[str, str, list[tuple[int, int]]] | None:
    """``(T id, label, fragments in the stored text)`` of a ``T`` line, or None if it cannot be used."""
    parts = line.split("\t", 2)
    if len(parts) < 2:
        return None
    head = parts[1].split(" ", 1)
    if len(head) != 2 or not head[0]:
        return None
    frags = []
    for piece in head[1].split(";"):
        bounds = piece.split()
        if len(bounds) != 2 or not all(b.isdigit() for b in bounds):
            return None
        span = text.span(int(bounds[0]), int(bounds[1]))
        if span is None:
            return None
        frags.append(span)
    return parts[0], our_name(head[0]), sorted(frags)


def _join(text: str, frags: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fragments separated only by line breaks (or other white space) joined back into one span; others kept apart."""
    pieces = [frags[0]]
    for start, end in frags[1:]:
        gap = text[pieces[-1][1]:start]
        if gap.isspace():
            pieces[-1] = (pieces[-1][0], end)
        elif start < pieces[-1][1]:  # overlapping fragments: one span over both
            pieces[-1] = (pieces[-1][0], max(end, pieces[-1][1]))
        else:
            pieces.append((start, end))
    return pieces


def import_brat(store: Store, path: str | os.PathLike, *, annotator: str | None = None,
                as_annotator: str | None = None, default_annotator: str = "unknown", name: str | None = None,
                progress: Progress | None = None) -> ImportReport:
    """Import brat standoff: one ``.ann`` (beside its ``.txt``), a folder of them, or a folder per annotator.

    The annotator is the folder's name in a folder-per-annotator layout, else
    ``default_annotator``; ``annotator`` (``--annotator``) overrides both.
    Spans already in the project with the same bounds, label and annotator are
    not imported again. One transaction.
    """
    source = Path(path)
    name = name or source.name
    pairs = _pairs(source, annotator.strip() if annotator else None, default_annotator)
    root = source if source.is_dir() else source.parent
    conf_root = root if (root / "annotation.conf").is_file() else root.parent
    left_out = ImportReport()
    labels = _conf_labels(conf_root)
    kinds = {(d.label, d.name): d.type for d in store.label_attributes()}
    kinds.update(((lb["name"], a["name"]), a["type"]) for lb in labels for a in lb.get("attributes", ()))
    corpus = _Corpus(store, pairs, left_out, progress, as_annotator, kinds)
    records = {"documents": list(corpus.documents.values()), "labels": labels, "annotators": [],
               "annotations": corpus.annotations(), "links": corpus.links}
    return import_records(store, records, as_annotator=as_annotator, name=name, left_out=left_out)
