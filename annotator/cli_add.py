"""``annotator add PROJECT FILE…``: read each article once and add it as a document (the arguments are in
:mod:`annotator.cli`, which loads this module when ``add`` runs).

Each file is its own transaction. Progress (files done of the total, for several files) goes to standard error through
:class:`~annotator.cli_progress.Progress`: a bar on a terminal, a plain line every few seconds otherwise, after two
seconds. Ctrl+C keeps the files already reported added (each was committed) and rolls back the one being added;
a project this very run created is removed only when nothing was added to it yet.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import sys
from collections.abc import Callable
from pathlib import Path

from annotator.cli import _project
from annotator.cli_progress import Progress
from annotator.core.dates import parse_date
from annotator.core.errors import InputError
from annotator.core.formats.documents import add_documents, read_article


def run_add(args: argparse.Namespace) -> int:
    """Read each file once and add it; a bad file is reported on its own line and the others still land.

    The project is created only when a first file is readable. Exit 0 when every file was added or already
    present, 2 when any failed.
    """
    if args.title and len(args.files) > 1:
        raise InputError("--title can only be used when adding one file.")
    published = parse_date(args.published)
    outcomes = {"added": 0, "present": 0, "failed": 0}
    interrupted = False
    with Progress("Adding files") as progress, contextlib.ExitStack() as stack:
        # Opened at the first readable file (creating it if missing), then the same store for the others.
        project = functools.cache(lambda: stack.enter_context(_project(args.project, create=True)))
        several = len(args.files) > 1  # one file: no count to show
        try:
            for n, path in enumerate(args.files):
                if several:
                    progress(n, len(args.files))
                outcomes[_add_file(path, project, args.source, published, args.title, progress)] += 1
            if several:
                progress(len(args.files), len(args.files))
        except KeyboardInterrupt:
            if not outcomes["added"]:
                raise  # nothing was added: a project this run created goes (``_project``)
            interrupted = True  # the files reported added stay: the project is closed, not discarded
    if interrupted:
        raise KeyboardInterrupt
    if len(args.files) > 1:
        print(f"added {outcomes['added']}, already present {outcomes['present']}, failed {outcomes['failed']}")
    return 2 if outcomes["failed"] else 0


def _add_file(path: str, project: Callable, source: str, published: str | None, title: str | None,
              progress: Progress) -> str:
    """Read one file and add it (its own transaction), saying what happened: ``added``, ``present`` or ``failed``.

    ``project()`` gives the open project; it is asked only once the file has been read.
    """
    try:
        article = read_article(path)
    except InputError as exc:
        progress.say(f"annotator: {exc}")
        return "failed"
    store = project()
    try:
        (item,) = add_documents(store, [article], source=source, published=published, title=title).items
    except InputError as exc:
        progress.say(f"annotator: {Path(path).name}: {exc}")
        return "failed"
    doc = item.document
    if item.created:
        progress.say(f"added {doc.id[:19]}  {doc.title}", sys.stdout)
        return "added"
    progress.say(f"already in the project: {doc.id[:19]}  {doc.title}", sys.stdout)
    return "present"
