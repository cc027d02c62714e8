"""``annotator discrepancies PROJECT``: linked figures whose numbers differ, actors named differently, claims
linked as contradicting (the arguments are in :mod:`annotator.cli`, which loads this module when it runs).

Reading the numbers of every linked pair takes seconds on a big project: the pairs read of all the links are
shown on standard error (:class:`~annotator.cli_progress.Progress`). Nothing is written but the output, and
``-o FILE`` appears whole or not at all, Ctrl+C included.
"""

from __future__ import annotations

import argparse
import json

from annotator.cli import _project
from annotator.cli_output import output
from annotator.cli_progress import Progress
from annotator.core.crosssource import discrepancies, write_discrepancies_csv


def run_discrepancies(args: argparse.Namespace) -> int:
    with _project(args.project, create=False, readonly=True) as store, Progress("Comparing linked pairs") as progress:
        items = discrepancies(store, progress=progress)
        titles = {d.id: d.title for d in store.documents()}
    if args.json:
        print(json.dumps([d.to_json(titles) for d in items], indent=2, ensure_ascii=False))
        return 0
    if args.output or args.csv:
        with output(args.output) as out:
            write_discrepancies_csv(items, titles, out)
        return 0
    for d in items:
        flag = d.verdict.upper() if d.verdict == "differs" else d.verdict
        print(f"{d.kind:<6} {flag:<10} {d.left.quote!r} [{d.left_language or '?'}] reads {d.left_value!r} vs "
              f"{d.right.quote!r} [{d.right_language or '?'}] reads {d.right_value!r}: {d.explanation}")
    print(f"{sum(d.differs for d in items)} of {len(items)} linked pairs differ")
    return 0
