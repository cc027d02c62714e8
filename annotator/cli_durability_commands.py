"""``annotator backup``, ``restore`` and ``check`` (arguments in :mod:`annotator.cli_durability`).

Each shows its progress on standard error after two seconds (:mod:`annotator.cli_progress`); Ctrl+C stops it
with nothing half-written: a backup or restore leaves no file. They speak SQLite directly
(:mod:`annotator.core.store.backup`) and never load the store (sqlite-utils): their start is part of every
backup's time (docs/performance.md). ``apply`` is in :mod:`annotator.cli_apply_command`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from annotator.cli_progress import Progress
from annotator.core.errors import InputError
from annotator.core.store.backup import backup_folder, backup_project, check_project, list_backups, restore_backup


def run_durability(args: argparse.Namespace) -> int:
    return {"backup": cmd_backup, "restore": cmd_restore, "check": cmd_check}[args.command](args)


def cmd_backup(args: argparse.Namespace) -> int:
    if args.list:
        backups = list_backups(args.project)
        for b in backups:
            c = b.counts
            print(f"{b.taken:%Y-%m-%d %H:%M:%S} UTC\t{c['documents']} documents\t{c['annotations']} annotations\t"
                  f"{c['links']} links\t{b.path}")
        if not backups:
            print(f"no automatic backups of {Path(args.project).name} (they go to {backup_folder(args.project)})",
                  file=sys.stderr)
        return 0
    if not args.output:
        raise InputError("Name the backup file with -o FILE (or use --list).")
    with Progress(f"Backing up {Path(args.project).name} (checking, then copying pages)") as progress:
        c = backup_project(args.project, args.output, force=args.force, progress=progress,
                           warn=lambda sentence: progress.say(f"annotator: {sentence}"))
    print(f"backed up {c['documents']} documents, {c['annotations']} annotations and {c['links']} links "
          f"to {args.output}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    with Progress(f"Restoring {Path(args.backup).name} (checking, then copying pages)") as progress:
        c = restore_backup(args.backup, args.output, force=args.force, progress=progress)
    print(f"restored {c['documents']} documents, {c['annotations']} annotations and {c['links']} links "
          f"to {args.output}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    steps = "integrity, foreign keys, contents"
    with Progress(f"Checking {Path(args.project).name} ({steps})") as progress:
        report = check_project(args.project, full=args.full, progress=progress)
    print(report.text())
    return 0 if report.healthy else 2
