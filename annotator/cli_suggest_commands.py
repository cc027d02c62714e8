"""``annotator suggest`` by the rules: groups ranked per document (docs/formats.md, "Suggestions"), or one row
per occurrence with ``--all-occurrences``. A model's suggestions (``--model``) are :mod:`annotator.cli_model`'s:
``annotator.cli`` picks which module runs."""

from __future__ import annotations

import argparse
import json
import sys

from annotator.cli import _project
from annotator.cli_model_args import rules_kinds
from annotator.cli_progress import Progress
from annotator.core.learning import Learned
from annotator.core.suggest import Suggestion, suggest_in_project
from annotator.core.suggest_groups import SuggestionGroup, group_suggestions


def run_suggest(args: argparse.Namespace) -> int:
    kinds = rules_kinds(args.label)
    with _project(args.project, create=False, readonly=True) as store:
        docs = [store.find_document(args.doc)] if args.doc else store.documents()
        titles = {d.id: d.title for d in docs}
        found = rules_suggestions(store, docs, kinds)
    if args.all_occurrences:
        _print_occurrences(found, titles, args.json)
    else:
        _print_groups(group_suggestions(found), titles, args.json)
    return 0


def rules_suggestions(store, docs: list, kinds: tuple[str, ...]) -> list[Suggestion]:
    """Every occurrence the rules suggest in the documents ``docs``, with progress on standard error when it
    takes long (counted in characters of text)."""
    found: list[Suggestion] = []
    total = sum(max(d.length, 1) for d in docs)
    before = 0
    with Progress("Suggesting") as progress:
        learned = Learned.from_store(store)  # what the project's tags teach (seconds at a million tags)
        progress(0, total)
        for doc in docs:
            size = max(doc.length, 1)

            def step(done: int, steps: int, before=before, size=size) -> None:
                progress(before + size * done // steps, total)

            found.extend(suggest_in_project(store, doc.id, kinds, learned=learned, progress=step))
            before += size
    return found


def _print_groups(groups: list[SuggestionGroup], titles: dict[str, str], as_json: bool) -> None:
    out = sys.stdout
    if as_json:  # a JSON list, one group to a line (its occurrences can be thousands of pairs)
        out.write("[\n" + ",\n".join("  " + json.dumps(g.to_json(), ensure_ascii=False) for g in groups)
                  + ("\n]\n" if groups else "]\n"))
        return
    for g in groups:
        places = ", ".join(f"{s}-{e}" for s, e in g.occurrences)
        out.write(f"{g.rank:>5}. {g.label:<7} {titles[g.document][:30]:<30} {g.count:>5}×  {g.quote!r}  "
                  f"({g.reason})  at {places}\n")
    occurrences = sum(g.count for g in groups)
    out.write(f"{occurrences} occurrence{'s' if occurrences != 1 else ''} of {len(groups)} "
              f"suggestion{'s' if len(groups) != 1 else ''}\n")


def _print_occurrences(found: list[Suggestion], titles: dict[str, str], as_json: bool) -> None:
    if as_json:
        print(json.dumps([s.to_json() for s in found], indent=2, ensure_ascii=False))
        return
    for s in found:
        print(f"{s.label:<7} {titles[s.document][:30]:<30} {s.start}-{s.end}  {s.quote!r}  ({s.reason})")
    print(f"{len(found)} suggestion{'s' if len(found) != 1 else ''}")
