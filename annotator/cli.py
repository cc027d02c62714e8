"""The command-line front door: the GUI by default, subcommands for headless work.

``annotator [PROJECT]`` starts the window (the default project when no file is
given). Every subcommand is documented in README.md; ``tests/core/test_cli.py``
fails when one is not. Errors print one plain line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from annotator import __version__
from annotator.cli_durability import durability_parsers
from annotator.cli_compare import compare_parsers
from annotator.cli_output import Terminated, output, terminate_as_interrupt, watched_stdout
from annotator.cli_progress import Progress
from annotator.cli_report import report_parser
from annotator.cli_retrieval import retrieval_parsers
from annotator.cli_suggest import suggest_parser
from annotator.cli_team import team_parsers
from annotator.core.errors import AnnotatorError, InputError, ReadOnlyProjectError
from annotator.core.formats import registry
from annotator.core.gcpause import pause_for_start

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    def register(fn):
        COMMANDS[name] = fn
        return fn

    return register


# ------------------------------------------------------------------------ parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description=(
            "Annotate several reports of the same event side by side. Without a command, opens the window "
            "on PROJECT (default: the project in your annotator home, created with the sample corpus)."
        ),
        usage="annotator [-h] [--version] [--user NAME] [PROJECT]\n       annotator COMMAND [options] (see below)",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    # prog: without it argparse builds each subcommand's usage from the custom usage above.
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands", prog="annotator")
    # In the order ``annotator --help`` lists them.
    _project_parsers(sub)
    _exchange_parsers(sub)
    _comparison_parsers(sub)
    _scheme_parsers(sub)
    durability_parsers(sub)
    report_parser(sub)
    retrieval_parsers(sub)
    team_parsers(sub)
    return parser


def _project_parsers(sub) -> None:
    """Opening a project in the window, and adding articles to it."""
    p = sub.add_parser("gui", help="open the window (the default when no command is given)")
    p.add_argument("project", nargs="?", help="project file (.sqlite); created if missing")
    p.add_argument("--user", metavar="NAME", help="annotator name to record (asked once otherwise)")

    p = sub.add_parser("add", help="add articles (.txt, .md, .html, .docx, .pdf) to a project as documents")
    p.add_argument("project", help="project file; created with the default labels if missing")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="UTF-8 .txt or .md files, web pages (.html, .htm), Word (.docx) or PDF files")
    p.add_argument("--source", default="",
                   help="source to record for every file (e.g. 'Reuters'; default: what each file says)")
    p.add_argument("--published", help="publication date to record: YYYY-MM-DD, 26/11/2025 or 26 November 2025 (default: what each file says)")
    p.add_argument("--title", help="title to use instead of the file's own (one file only)")


def _exchange_parsers(sub) -> None:
    """Importing and exporting annotations: every format of the registry (core/formats/registry.py)."""
    readers, writers = registry.readable(), registry.writable()
    p = sub.add_parser("import", help=f"import annotations: {registry.titles(readers)}")
    p.add_argument("project", help="project file; created with the default labels if missing")
    p.add_argument("set", metavar="FILE", help=", ".join(_import_hint(f) for f in readers))
    p.add_argument("-f", "--format", choices=[f.name for f in readers],
                   help="read FILE as this format (default: detected from the file)")
    p.add_argument("--as", dest="as_annotator", metavar="NAME", help="import every annotation under this annotator")
    p.add_argument("--annotator", metavar="NAME",
                   help=f"{registry.titles(registry.taking('annotator', readers))}: the annotator of the annotations "
                        "that name nobody (brat's default: the folder's name in a folder-per-annotator layout, else "
                        "your user name)")
    p.add_argument("-v", "--verbose", action="store_true", help="name every new label (by default only counted)")

    p = sub.add_parser("export", help=f"export annotations: {registry.titles(writers)}")
    p.add_argument("project", help="project file")
    p.add_argument("-f", "--format", choices=[f.name for f in writers], required=True,
                   help="output format: " + ", ".join(f"{f.name} ({_export_hint(f)})" for f in writers))
    needs_o = registry.titles([f for f in writers if not f.streamed])
    p.add_argument("-o", "--output", metavar="FILE",
                   help=f"output file, or folder (default: standard output; {needs_o} need -o)")
    p.add_argument("--doc", action="append", metavar="ID", help="only this document (id, id prefix or title); repeatable")
    p.add_argument("--annotator", metavar="NAME", help="only this annotator's annotations")
    p.add_argument("--status", choices=("pending", "accepted", "rejected"), help="only annotations with this status")
    p.add_argument("--no-text", action="store_true",
                   help=f"{registry.titles(registry.taking('include_text', writers))}: leave the document texts out")
    p.add_argument("--excel", action="store_true",
                   help=f"{registry.titles(registry.taking('excel', writers))}: begin with a UTF-8 byte order mark, "
                        "so that Excel shows every script right")


def _import_hint(fmt: registry.Format) -> str:
    files = " or ".join(f"FILE{s}" for s in fmt.suffixes)
    return f"a folder ({fmt.title}) or {files}" if fmt.folder else f"{files} ({fmt.title})"


def _export_hint(fmt: registry.Format) -> str:
    return f"{fmt.title}, a folder" if fmt.folder else f"{fmt.title}, {fmt.suffixes[0]}"


def _comparison_parsers(sub) -> None:
    """Comparing annotators and sources: agreement, review, suggestions, discrepancies."""
    compare_parsers(sub)

    suggest_parser(sub)

    p = sub.add_parser("discrepancies", help="linked figures whose numbers differ, actors named differently")
    p.add_argument("project", help="project file")
    p.add_argument("-o", "--output", metavar="FILE", help="write CSV to FILE (default: a table on standard output)")
    p.add_argument("--csv", action="store_true", help="CSV on standard output")
    p.add_argument("--json", action="store_true", help="a JSON list on standard output (each side with its language)")


def _scheme_parsers(sub) -> None:
    """Creating a project from a label scheme, sharing the scheme, listing documents and labels."""
    p = sub.add_parser("init", help="create a new, empty project (optionally from a label scheme file)")
    p.add_argument("project", help="project file to create")
    p.add_argument("--scheme", metavar="FILE", help="label scheme JSON to start from (default: Claim, Actor, Figure, "
                                                     "Plan point)")

    p = sub.add_parser("scheme", help="print, export or import a project's label scheme")
    p.add_argument("project", help="project file")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--export", metavar="FILE", help="write the scheme as JSON to FILE")
    group.add_argument("--import", dest="import_", metavar="FILE",
                       help="merge a scheme file: known labels are updated, new ones added")

    p = sub.add_parser("documents", help="list a project's documents with their ids")
    p.add_argument("project", help="project file")

    p = sub.add_parser("labels", help="list a project's labels")
    p.add_argument("project", help="project file")
    p.add_argument("--json", action="store_true",
                   help="a JSON list: name, color, shortcut, description, parent, codable, annotations")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    first = next((a for a in argv if not a.startswith("-")), None)
    if first not in COMMANDS and not any(a in ("-h", "--help", "--version") for a in argv[:1]):
        argv = ["gui", *argv]
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["gui"])
    stoppable = terminate_as_interrupt() if args.command != "gui" else contextlib.nullcontext()
    with watched_stdout() as stdout, stoppable:
        try:
            code = COMMANDS[args.command](args)
            sys.stdout.flush()  # here, not at exit: standard output that cannot be written is reported
            return code
        except AnnotatorError as exc:
            print(f"annotator: {exc}", file=sys.stderr)
            return exc.exit_code
        except OSError:
            if stdout is None or stdout.error is None:
                raise
            # Standard output is full, gone or closed (``> /dev/full``, ``| head``): what it received is cut off.
            reason = stdout.error.strerror or stdout.error
            print(f"annotator: could not write to standard output ({reason}): what it received is incomplete, and "
                  f"{args.command} failed.", file=sys.stderr)
            return 2
        except KeyboardInterrupt as exc:
            how = "stopped (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
            print(f"annotator: {how}; nothing was changed by the interrupted operation.", file=sys.stderr)
            return 143 if isinstance(exc, Terminated) else 130


# ---------------------------------------------------------------------- helpers
@contextlib.contextmanager
def _project(path: str, create: bool, readonly: bool = False) -> Iterator:
    """Open a project; a file that this very command created is removed again if the command fails.

    Commands that only read open it ``readonly``: SQLite then never checkpoints nor deletes its write-ahead log.
    """
    from annotator.core.store import Store

    try:
        store = Store.open(path, create=create, readonly=readonly)
    except ReadOnlyProjectError:  # an older project: upgraded once (a write), then read
        if not readonly:
            raise
        store = Store.open(path, create=create)
    if store.damaged_log:
        print(f"annotator: {store.damaged_log}", file=sys.stderr)
    try:
        yield store
    except BaseException:
        store.discard()  # deletes only a file this call created, checked by device and inode
        raise
    else:
        store.close()


# --------------------------------------------------------------------- commands
@command("gui")
def cmd_gui(args: argparse.Namespace) -> int:
    pause_for_start()  # the cyclic collector waits until the window is built (annotator/core/gcpause.py)
    from annotator.gui.app import run

    return run(args.project, user=args.user)


@command("add")
def cmd_add(args: argparse.Namespace) -> int:
    from annotator.cli_add import run_add  # each file its own transaction, progress on stderr (cli_add.py)

    return run_add(args)


@command("import")
def cmd_import(args: argparse.Namespace) -> int:
    from annotator.core.formats.detect import detect_format

    fmt = registry.FORMATS[args.format or detect_format(args.set)]
    if args.annotator is not None and "annotator" not in fmt.options:
        names = registry.titles(registry.taking("annotator", registry.readable()))
        raise InputError(f"--annotator applies to {names} imports; use --as NAME for this file.")
    # One transaction: Ctrl+C (or any failure) rolls it back, and a project this import created is removed.
    with Progress(f"Importing {Path(args.set).name}") as progress, _project(args.project, create=True) as store:
        request = registry.ImportRequest(as_annotator=args.as_annotator, annotator=args.annotator,
                                         name=Path(args.set).name, progress=progress)
        report = fmt.read(store, args.set, request)
    print(report.summary(verbose=args.verbose))
    return 0


@command("export")
def cmd_export(args: argparse.Namespace) -> int:
    from annotator.core.formats.json_set import Selection

    fmt = registry.FORMATS[args.format]
    if args.excel and "excel" not in fmt.options:
        takes = " or ".join(f"-f {f.name} (the {f.title})" for f in registry.taking("excel", registry.writable()))
        raise InputError(f"--excel is for {takes}, not -f {args.format}.")
    if not fmt.streamed and not args.output:
        what = "a folder" if fmt.folder else f"a {fmt.suffixes[0]} file"
        raise InputError(f"-f {args.format} writes {what}: give it with -o.")
    options = registry.ExportOptions(include_text=not args.no_text, excel=args.excel)
    # -o FILE appears whole or not at all (Ctrl+C included): written to a temporary file, renamed at the end.
    with _project(args.project, create=False, readonly=True) as store, Progress(f"Exporting {fmt.title}") as progress:
        docs = list(dict.fromkeys(store.find_document(ref).id for ref in args.doc)) if args.doc else None
        selection = Selection(documents=docs, annotator=args.annotator, status=args.status)
        if fmt.streamed:
            with output(args.output) as out:
                written = fmt.write(store, out, selection, progress=progress, options=options)
        else:
            written = fmt.write(store, args.output, selection, progress=progress, options=options)
    count = written.count
    if args.output and args.output != "-":
        print(f"{fmt.counted(count)} written to {args.output}", file=sys.stderr)
    for reason, n in (written.left_out.not_imported.items() if written.left_out else ()):
        print(f"not written: {n} × {reason}", file=sys.stderr)
    return 0


@command("agreement")
@command("review")
def cmd_compare(args: argparse.Namespace) -> int:
    from annotator.cli_compare_commands import run_compare

    return run_compare(args)


@command("suggest")
def cmd_suggest(args: argparse.Namespace) -> int:
    if args.model or args.endpoint or args.evaluate or args.pairs:  # a model, or its evaluation (docs/models.md)
        from annotator.cli_model import cmd_model_suggest
        return cmd_model_suggest(args)
    from annotator.cli_suggest_commands import run_suggest  # the rules (cli_suggest_commands.py)

    return run_suggest(args)


@command("discrepancies")
def cmd_discrepancies(args: argparse.Namespace) -> int:
    from annotator.cli_discrepancies import run_discrepancies

    return run_discrepancies(args)


@command("init")
def cmd_init(args: argparse.Namespace) -> int:
    from annotator.core.formats.scheme import read_scheme_file
    from annotator.core.store import Store

    if Path(args.project).exists():
        raise InputError(f"{args.project} already exists; nothing was changed.")
    scheme = read_scheme_file(args.scheme) if args.scheme else None
    Store.open(args.project, create=True, scheme=scheme).close()
    print(f"created {args.project}")
    return 0


@command("scheme")
def cmd_scheme(args: argparse.Namespace) -> int:
    from annotator.core.formats.scheme import read_scheme_file, write_scheme

    if args.import_:
        labels = read_scheme_file(args.import_)
        with _project(args.project, create=False) as store:
            added, updated = store.import_scheme(labels)
        print(f"{len(added)} label{'s' if len(added) != 1 else ''} added, {len(updated)} updated.")
        return 0
    with _project(args.project, create=False, readonly=True) as store, output(args.export) as out:
        write_scheme(store, out)
    return 0


@command("documents")
def cmd_documents(args: argparse.Namespace) -> int:
    with _project(args.project, create=False, readonly=True) as store:
        counts = store.annotation_counts_by_document()
        for d in store.documents():
            print(f"{d.id}\t{d.source}\t{d.published or ''}\t{d.length}\t{counts.get(d.id, 0)}\t{d.title}")
    return 0


@command("labels")
def cmd_labels(args: argparse.Namespace) -> int:
    from annotator.core.formats.json_set import label_records  # a set's labels: tree place, attributes

    with _project(args.project, create=False, readonly=True) as store:
        counts = store.label_counts()
        labels = store.labels()
        records = label_records(store) if args.json else []
    if args.json:
        print(json.dumps([{**record, "annotations": counts.get(record["name"], 0)} for record in records],
                         indent=2, ensure_ascii=False))
        return 0
    for lb in labels:
        print(f"{lb.shortcut or '-'}\t{lb.color}\t{counts.get(lb.name, 0)}\t{lb.name}")
    return 0


# ------------------------------------------------------ durability (issue 13)
@command("apply")
def cmd_apply(args: argparse.Namespace) -> int:
    from annotator.cli_apply_command import cmd_apply as run_apply

    return run_apply(args)


@command("backup")
@command("restore")
@command("check")
def cmd_durability(args: argparse.Namespace) -> int:
    from annotator.cli_durability_commands import run_durability

    return run_durability(args)


@command("report")
def cmd_report(args: argparse.Namespace) -> int:
    from annotator.cli_report_command import run_report

    return run_report(args)


@command("segments")
@command("matrix")
def cmd_retrieval(args: argparse.Namespace) -> int:
    from annotator.cli_retrieval_commands import run_retrieval

    return run_retrieval(args)


@command("team")
@command("sync")
def cmd_team(args: argparse.Namespace) -> int:
    """The team server's commands (and sync) load the PostgreSQL driver, so only when they run."""
    from annotator.cli_team_commands import run_team

    return run_team(args)
