"""``annotator apply``, ``backup``, ``restore`` and ``check``: the arguments of scripted edits, backups, restores
and checks (docs/durability.md).

Only argparse here; the commands are in :mod:`annotator.cli_durability_commands`, which ``annotator.cli`` loads
when one of them runs.
"""

from __future__ import annotations


def durability_parsers(sub) -> None:
    """Scripted edits, backups, restores and checks."""
    p = sub.add_parser("apply", help="apply scripted edits, one JSON object a line, each acknowledged after its commit")
    p.add_argument("project", help="project file")
    p.add_argument("edits", metavar="FILE|-", help="JSON lines file of edits, or - for standard input")
    p.add_argument("--user", metavar="NAME", default="script",
                   help="annotator for edits that name none (default: script)")
    p.add_argument("--wait", metavar="SECONDS", type=float, default=30.0,
                   help="how long each edit waits while another program writes (default: 30)")

    p = sub.add_parser("backup", help="check a project and write a consistent copy of it (safe while it is open "
                                      "elsewhere)")
    p.add_argument("project", help="project file")
    p.add_argument("-o", "--output", metavar="FILE", help="the backup file to write")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.add_argument("--list", action="store_true", help="list the project's automatic backups instead")

    p = sub.add_parser("restore", help="put a backup in place as a project (never over a file without --force)")
    p.add_argument("backup", help="backup file (from annotator backup, or an automatic one)")
    p.add_argument("-o", "--output", metavar="PROJECT", required=True, help="project file to write")
    p.add_argument("--force", action="store_true", help="replace PROJECT if it exists (not while it is open)")

    p = sub.add_parser("check", help="check a project's integrity, foreign keys, schema version and write-ahead log "
                                     "(never writes the project)")
    p.add_argument("project", help="project file")
    p.add_argument("--full", action="store_true",
                   help="SQLite's full integrity check, which also compares every index with its table (slower; "
                        "by default the quick check, the one a backup runs)")
