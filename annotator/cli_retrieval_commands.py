"""``annotator segments`` and ``annotator matrix`` (arguments in :mod:`annotator.cli_retrieval`)."""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections.abc import Iterable, Iterator
from typing import TextIO

from annotator.cli import _project
from annotator.cli_output import output
from annotator.cli_progress import Progress
from annotator.core.attributes import parse_filter
from annotator.core.errors import InputError
from annotator.core.retrieval import (
    Matrix, Pair, Segment, code_paths_of, cooccurrence, matrix, segments, write_matrix, write_pairs, write_segments,
)


#: Segments written between two reports of ``segments``' progress (shown after 2 s: annotator.cli_progress).
PROGRESS_EVERY = 1000


def run_retrieval(args: argparse.Namespace) -> int:
    if args.command == "segments":
        return run_segments(args)
    return run_matrix(args)


def run_segments(args: argparse.Namespace) -> int:
    if args.context < 0:
        raise InputError(f"--context takes a number of characters, 0 or more, not {args.context}.")
    with _project(args.project, create=False, readonly=True) as store:
        docs = list(dict.fromkeys(store.find_document(ref).id for ref in args.doc)) if args.doc else None
        wanted = [parse_filter(text) for text in args.attribute or ()]
        unknown = [key for key, _ in wanted if key not in store.attribute_names()]
        if unknown:
            raise InputError(f"No label declares an attribute {unknown[0]!r}; see the label scheme.")
        found = segments(store, args.label, args.with_children, docs, args.annotator, args.status, args.context,
                         attributes=wanted)
        with Progress("Listing segments") as progress, output(args.output) as out:
            found = _reported(found, progress)
            if args.csv or args.json:
                n = write_segments(found, out, "csv" if args.csv else "json", store.attribute_names())
            else:
                n = write_segment_lines(found, out)
    print(f"{n} segment{'s' if n != 1 else ''}", file=sys.stderr)
    return 0


def run_matrix(args: argparse.Namespace) -> int:
    with _project(args.project, create=False, readonly=True) as store:
        if args.cooccurrence:
            with Progress("Finding codes that co-occur (segments swept)") as progress:
                pairs = cooccurrence(store, across_annotators=args.across_annotators, progress=progress)
            _write(args, pairs, write_pairs, write_pair_lines)
        else:
            _write(args, matrix(store, args.by, args.with_children), write_matrix, write_matrix_text)
    return 0


def _reported(found: Iterable[Segment], progress: Progress) -> Iterator[Segment]:
    """``found``, telling ``progress`` how many were written every :data:`PROGRESS_EVERY` segments."""
    n = 0
    for n, seg in enumerate(found, 1):
        if n % PROGRESS_EVERY == 0:
            progress(n)
        yield seg
    progress(n)


def _write(args: argparse.Namespace, data, structured, text) -> None:
    """``data`` to ``-o`` (or standard output): ``structured(data, out, "csv"|"json")`` with --csv or --json,
    else ``text(data, out)``."""
    with output(args.output) as out:
        if args.csv or args.json:
            structured(data, out, "csv" if args.csv else "json")
        else:
            text(data, out)


def _one_line(text: str) -> str:
    """Line ends and runs of spaces as one space (the edges kept: the context shows where a word is cut)."""
    return re.sub(r"\s+", " ", text)


def write_segment_lines(found, out: TextIO) -> int:
    """A segment per paragraph: its document, code path, annotator, status, offsets; the quote with its context
    (the quote between »«); the note."""
    n = 0
    for n, seg in enumerate(found, 1):
        seg: Segment
        out.write(f"{seg.title} · {seg.code} · {seg.annotator} · {seg.status} · {seg.start}-{seg.end}\n")
        out.write(f"  {_one_line(seg.before)}»{_one_line(seg.quote)}«{_one_line(seg.after)}\n")
        if seg.note:
            out.write(f"  note: {_one_line(seg.note)}\n")
    return n


def write_matrix_text(table: Matrix, out: TextIO) -> None:
    """A text table: the code tree down the side (indented), a numbered column per document or annotator, the
    total; the columns' names follow below."""
    paths = code_paths_of(table)
    names = {name: "  " * depth + paths[name][-1] for name, depth in table.rows}
    side = max([len("code"), *(len(v) for v in names.values())])
    keys = [str(i) for i in range(1, len(table.columns) + 1)]
    widths = [max(len(k), *(len(str(table.count(n, c))) for n, _d in table.rows)) for k, c in zip(keys, table.columns)]
    out.write("code".ljust(side) + "".join(f"  {k:>{w}}" for k, w in zip(keys, widths)) + "  total\n")
    for name, _depth in table.rows:
        cells = "".join(f"  {table.count(name, c):>{w}}" for c, w in zip(table.columns, widths))
        out.write(names[name].ljust(side) + cells + f"  {table.row_total(name):>5}\n")
    width = shutil.get_terminal_size((100, 24)).columns
    for key, column in zip(keys, table.columns):
        out.write(f"{key:>3} = {table.headers[column]}"[:width] + "\n")
    if table.with_children:
        out.write("(a code's counts include the codes under it)\n")


def write_pair_lines(pairs: list[Pair], out: TextIO) -> None:
    """Co-occurring codes, a line per pair: overlapping segments and documents."""
    for p in pairs:
        out.write(f"{p.first} + {p.second}: {p.segments} overlapping, in {p.documents} "
                  f"document{'s' if p.documents != 1 else ''}\n")
    if not pairs:
        out.write("no codes overlap\n")
