"""The ``annotator team`` commands (arguments in :mod:`annotator.cli_team`; loaded on demand by annotator.cli)."""

from __future__ import annotations

import argparse
import sys

from annotator.core.errors import InputError
from annotator.core.team.connect import check_url, server
from annotator.core.team.members import add_member, join_url, remove_member, set_blind
from annotator.core.team.schema import init_team


def run_team(args: argparse.Namespace) -> int:
    return {"init": _init, "add": _add, "remove": _remove, "blind": _blind}[args.team_command](args)


def _init(args: argparse.Namespace) -> int:
    with server(args.url) as conn:
        result = init_team(conn)
    if not result.applied:
        print(f"database {result.database} is already set up for annotator; nothing changed.")
    else:
        print(f"set up database {result.database} for annotator (migrations {', '.join(result.applied)}); group "
              f"roles {result.roles.member} and {result.roles.lead}. Next: annotator team add URL NAME [--lead].")
    return 0


def _add(args: argparse.Namespace) -> int:
    params = check_url(args.url)
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InputError("--password-stdin read an empty line: give the password on standard input.")
    with server(args.url) as conn:
        added = add_member(conn, args.name, args.lead, password)
        url = join_url(conn, args.name, params)
        where = (conn.info.host if not conn.info.host.startswith("/") else "localhost", conn.info.port,
                 conn.info.dbname)
    role = "lead" if added.lead else "member"
    verb = {"added": "added", "restored": "restored", "updated": "updated"}[added.outcome]
    print(f"{verb} {added.name} as a {role} of database {where[2]}.")
    if added.password:
        print(f"password (shown once, not stored by annotator): {added.password}")
    elif password is None:
        print("password unchanged.")
    print(f"connection URL for {added.name}: {url}")
    print(f"the member puts the password in ~/.pgpass (a line {where[0]}:{where[1]}:{where[2]}:{added.name}:PASSWORD, "
          "chmod 600) or in PGPASSWORD.")
    return 0


def _remove(args: argparse.Namespace) -> int:
    with server(args.url) as conn:
        remove_member(conn, args.name)
        db = conn.info.dbname
    print(f"removed {args.name} from database {db}: their rows stay; they can no longer log in or write.")
    return 0


def _blind(args: argparse.Namespace) -> int:
    with server(args.url) as conn:
        key = set_blind(conn, args.state == "on", args.doc)
    what = f"document {key}" if key else "the whole project"
    print(f"blind coding {args.state} for {what}.")
    return 0
