"""``annotator team …``: the arguments of the team-server commands (docs/team.md).

Only argparse here, so that ``annotator --help`` does not load the PostgreSQL driver; the commands themselves
are in :mod:`annotator.cli_team_commands`, which ``annotator.cli`` loads when ``team`` runs.
"""

from __future__ import annotations

URL_HELP = ("the team database: postgresql://USER@HOST/DB (or libpq key=value pairs); off this machine it needs "
            "sslmode=require or stronger. Passwords come from PGPASSWORD or ~/.pgpass, never from annotator")


def team_parsers(sub) -> None:
    """``team init``, ``team add``, ``team remove`` and ``team blind``."""
    team = sub.add_parser("team", help="set up a team server (PostgreSQL) and manage its members (docs/team.md)",
                          description="Set up annotator's schema on a team's PostgreSQL database and manage its "
                                      "members and blind coding. Sync arrives in the next release.")
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
