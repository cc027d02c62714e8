"""``annotator team …``: the arguments of the team-server commands (docs/team.md).

Only argparse here, so that ``annotator --help`` does not load the PostgreSQL driver; the commands themselves
are in :mod:`annotator.cli_team_commands`, which ``annotator.cli`` loads when ``team`` runs.
"""

from __future__ import annotations

URL_HELP = ("the team database: postgresql://USER@HOST/DB (or libpq key=value pairs); off this machine it needs "
            "sslmode=require or stronger. Passwords come from PGPASSWORD or ~/.pgpass, never from annotator")


def team_parsers(sub) -> None:
    """``team init|add|remove|blind|join|status|done`` and ``sync``."""
    team = sub.add_parser("team", help="set up a team server (PostgreSQL) and manage its members (docs/team.md)",
                          description="Set up annotator's schema on a team's PostgreSQL database, manage its members "
                                      "and blind coding, and join projects to it (then: annotator sync PROJECT).")
    actions = team.add_subparsers(dest="team_command", metavar="ACTION", required=True, prog="annotator team")

    p = actions.add_parser("init", help="create annotator's schema, roles and row-level security (run it again: "
                                        "nothing changes)")
    p.add_argument("url", metavar="URL", help=URL_HELP)

    p = actions.add_parser("add", help="add a member (a PostgreSQL login); prints the password once and the URL to connect with")
    p.add_argument("url", metavar="URL", help=URL_HELP)
    p.add_argument("name", metavar="NAME", help="the member's login name (lower-case letters, digits, _ . -)")
    p.add_argument("--lead", action="store_true", help="a lead: manages documents, the label scheme and members")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from standard input instead of generating one")

    p = actions.add_parser("remove", help="remove a member: their rows stay, they can no longer log in or write")
    p.add_argument("url", metavar="URL", help=URL_HELP)
    p.add_argument("name", metavar="NAME", help="the member's login name")

    p = actions.add_parser("blind", help="blind coding on or off, for the project or one document (leads only)")
    p.add_argument("url", metavar="URL", help=URL_HELP)
    p.add_argument("state", choices=("on", "off"), help="on: members see no colleague's annotations on a document "
                                                        "until they mark it done")
    p.add_argument("--doc", metavar="DOC",
                   help="one document (its id, an id prefix or its title) instead of the whole project")

    p = actions.add_parser("join", help="join a project to the team: the first sync pulls everything and pushes "
                                        "your own work")
    p.add_argument("project", metavar="PROJECT", help="the local project file (created if it does not exist)")
    p.add_argument("url", metavar="URL", help=URL_HELP + "; the user is your member name")

    p = actions.add_parser("status", help="the team server, the member, the last sync and the edits waiting "
                                          "(reads only the project; add --server to ask the server too)")
    p.add_argument("project", metavar="PROJECT", help="a joined project")
    p.add_argument("--server", action="store_true", help="also connect: members, who is online, their counts")

    p = actions.add_parser("done", help="mark a document done (blind coding: colleagues' annotations on it then "
                                        "reach you; in any project: reviewed, the gold of suggest --evaluate)")
    p.add_argument("project", metavar="PROJECT", help="a project (joined to a team or not)")
    p.add_argument("doc", metavar="DOC", help="the document: its id, an id prefix or its title")
    p.add_argument("--undo", action="store_true", help="take the mark back")

    p = sub.add_parser("sync", help="sync a joined project with its team server (push yours, pull colleagues')",
                       description="Push the project's waiting edits to its team server and pull colleagues' "
                                   "(docs/team.md). Exit 0 when done; exit 2, local work untouched, when the server "
                                   "is out of reach.")
    p.add_argument("project", metavar="PROJECT", help="a project joined with annotator team join")
    p.add_argument("--watch", action="store_true", help="keep syncing live (LISTEN/NOTIFY) until interrupted")
    p.add_argument("--poll", type=float, metavar="SECONDS",
                   help="with --watch: ask the server every SECONDS instead of listening (servers without "
                        "LISTEN/NOTIFY are detected and polled every 2 s anyway)")
    p.set_defaults(team_command="sync")
