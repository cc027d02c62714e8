"""``annotator agreement`` and ``annotator review`` (arguments in :mod:`annotator.cli_compare`).

Both read only the compared annotators' spans, in reading order, and show their progress on standard error
(:mod:`annotator.cli_progress`). ``review`` writes each item as soon as its component of overlapping spans is
decided (:func:`annotator.core.review.review_groups`): the first line comes at once and memory stays that of one
component, whatever the size of the project.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from itertools import islice
from json.encoder import encode_basestring as _string  # a JSON string, other than ASCII kept (C, as json.dumps)
from typing import TextIO

from annotator.cli import _project
from annotator.cli_output import output
from annotator.cli_progress import Progress
from annotator.core import decisions
from annotator.core.agreement import agreement_from_store
from annotator.core.errors import InputError
from annotator.core.gcpause import gc_paused
from annotator.core.review import ReviewGroup, review_groups



#: ``review --json`` writes its items this many at a time (after the first, written at once).
_BATCH = 256


def run_compare(args: argparse.Namespace) -> int:
    if args.command == "agreement":
        return run_agreement(args)
    return run_review(args)


def compared(store, names: list[str]) -> list[str]:
    """The annotators to compare, each named once; an unknown name or fewer than two is an error."""
    known = {a.id for a in store.annotators()}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InputError(
            f"There is no annotator {unknown[0]!r} in this project; it has: {', '.join(sorted(known)) or 'none'}."
        )
    names = list(dict.fromkeys(names))
    if len(names) < 2:
        raise InputError("Name at least two different annotators to compare.")
    return names


def _progress(what: str) -> Progress:
    # With the items on the same terminal a bar would be drawn through them: plain lines then.
    return Progress(what, tty=False if sys.stdout.isatty() else None)


def run_agreement(args: argparse.Namespace) -> int:
    with _project(args.project, create=False, readonly=True) as store:
        names = compared(store, args.annotators)
        doc = store.find_document(args.doc).id if args.doc else None
        if args.label is not None:
            store.label(args.label)
        with Progress(f"Comparing {', '.join(names)}") as progress:
            report = agreement_from_store(store, names, doc, args.label, progress)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(f"annotators: {', '.join(report['annotators'])}   documents: {report['documents']}   "
          f"tokens: {report['tokens']}")
    rows = [("Cohen's kappa", report["cohen_kappa"]), ("Fleiss' kappa", report["fleiss_kappa"]),
            ("Krippendorff's alpha (nominal)", report["krippendorff_alpha"]),
            ("Krippendorff's unitizing alpha", report["krippendorff_alpha_u"]),
            ("Span F1, exact", report["span_f1"]["exact"]), ("Span F1, overlap", report["span_f1"]["overlap"])]
    for name, value in rows:
        print(f"  {name:<32} {_fmt(value)}")
    if report["per_label"]:
        print("per label:                         F1 exact  F1 overlap  alpha_u")
        for label, row in report["per_label"].items():
            print(f"  {label:<32} {_fmt(row['span_f1']['exact']):>8}  {_fmt(row['span_f1']['overlap']):>10}  "
                  f"{_fmt(row['krippendorff_alpha_u']):>7}")
    return 0


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def run_review(args: argparse.Namespace) -> int:
    reviewer = (args.reviewer or "").strip()
    if args.accept_agreed and not reviewer:
        raise InputError("--accept-agreed needs --reviewer NAME.")
    with _project(args.project, create=False, readonly=not args.accept_agreed) as store:
        names = compared(store, args.annotators)
        doc = store.find_document(args.doc).id if args.doc else None
        if args.accept_agreed:
            with Progress(f"Comparing {', '.join(names)}") as progress, gc_paused():
                agreed = [[m for _, m in g.members] for g in review_groups(store, names, doc, progress)
                          if g.category == "agreed"]
            decision = decisions.accept_agreed(store, agreed, reviewer)  # one transaction: all or nothing
            print(f"{len(agreed)} agreed span{'s' if len(agreed) != 1 else ''} accepted "
                  f"({len(decision.created)} copied into {reviewer}'s reviewed set).")
            return 0
        titles = {d.id: d.title for d in store.documents()}
        # gc paused: the spans and items are freed by reference counting as they go (no cycles), and the
        # collector's passes over them were a sixth of the time.
        with _progress(f"Comparing {', '.join(names)}") as progress, output(None) as out, gc_paused():
            groups = review_groups(store, names, doc, progress, full=False)
            if args.json:
                write_json(groups, out)
            else:
                write_text(groups, titles, out)
    return 0


def item_json(group: ReviewGroup) -> dict:
    """One review item as ``review --json`` writes it."""
    return {"category": group.category, "document": group.document, "start": group.start, "end": group.end,
            "spans": [{"annotator": n, "id": a.id, "label": a.label, "start": a.start, "end": a.end,
                       "quote": a.quote, "status": a.status} for n, a in group.members]}


def item_line(group: ReviewGroup) -> str:
    """``json.dumps(item_json(group), ensure_ascii=False)``, written out directly (a quarter of the time)."""
    members = group.members
    if len(members) == 1:
        spans = _span_line(*members[0])
    else:
        spans = ", ".join([_span_line(name, a) for name, a in members])
    return (f'{{"category": "{group.category}", "document": {_string(group.document)}, '
            f'"start": {group.start}, "end": {group.end}, "spans": [{spans}]}}')


def _span_line(name: str, a) -> str:
    return (f'{{"annotator": {_string(name)}, "id": {_string(a.id)}, "label": {_string(a.label)}, '
            f'"start": {a.start}, "end": {a.end}, "quote": {_string(a.quote)}, "status": {_string(a.status)}}}')


def write_json(groups: Iterable[ReviewGroup], out: TextIO) -> int:
    """A JSON array of the items, one a line: the first written and flushed as soon as it comes, the next ones
    :data:`_BATCH` at a time (a write per item cost a tenth of the time)."""
    items = iter(groups)
    first = next(items, None)
    if first is None:
        out.write("[]\n")
        return 0
    out.write("[\n" + item_line(first))
    out.flush()
    count = 1
    while batch := list(islice(items, _BATCH)):
        out.write(",\n" + ",\n".join(map(item_line, batch)))
        count += len(batch)
    out.write("\n]\n")
    return count


def write_text(groups: Iterable[ReviewGroup], titles: dict[str, str], out: TextIO) -> Counter:
    """One line an item, then the count of each category."""
    counts: Counter = Counter()
    for g in groups:
        counts[g.category] += 1
        spans = "; ".join(f"{n}: {a.label} '{a.quote}'" for n, a in g.members)
        out.write(f"{g.category:<18} {titles.get(g.document, g.document)[:30]:<30} {g.start}-{g.end}  {spans}\n")
        if counts.total() == 1:
            out.flush()
    out.write((", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing to compare") + "\n")
    return counts
