"""A small project for the model-suggestion tests: two reports and the default labels (Claim, Actor, Figure,
Plan point)."""

from __future__ import annotations

from pathlib import Path

from annotator.core.store import Store

REPORT_A = ('Witkoff met Putin in Moscow on Tuesday.\n\nThe army said 36 people died in the strike. '
            'John Smith said "the talks went well" after the meeting.\n')
REPORT_B = ("Steve Witkoff flew to Moscow. Officials counted 40 dead.\n\nVladimir Putin said nothing.\n")


def make_project(path: Path, *texts: str) -> tuple[Path, list[str]]:
    """A project at ``path`` holding ``texts`` (the two reports when none are given); returns it and the ids."""
    with Store.open(path) as store:
        ids = [store.add_document(text, f"Report {n}", language="en")[0].id
               for n, text in enumerate(texts or (REPORT_A, REPORT_B), start=1)]
    return path, ids
