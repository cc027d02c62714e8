"""The ``annotator team`` commands (arguments in :mod:`annotator.cli_team`; loaded on demand by annotator.cli).

``sync``, ``team join`` and ``team done`` show a long sync's progress on standard error (the rows of each stage:
pulling, reading the edits, pushing; :class:`~annotator.core.team.sync.SyncProgress`); Ctrl+C stops them with the
project and the server consistent (the stage under way rolls back; a push is sent again whole by the next sync).
"""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import sys
import threading

from annotator.cli import _project
from annotator.cli_progress import Progress
from annotator.core.errors import InputError, TeamError
from annotator.core.team.connect import check_url, server
from annotator.core.team.members import add_member, join_url, remove_member, set_blind
from annotator.core.team.roster import roster
from annotator.core.team.schema import init_team
from annotator.core.team.sync import SyncProgress, join, sync
from annotator.core.team.watch import Event, Watcher


def run_team(args: argparse.Namespace) -> int:
    return {"init": _init, "add": _add, "remove": _remove, "blind": _blind, "join": _join, "status": _status,
            "done": _done, "sync": _sync}[args.team_command](args)


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


def _join(args: argparse.Namespace) -> int:
    check_url(args.url)
    with _project(args.project, create=True) as store, server(args.url) as conn:
        with Progress("Joining") as progress:
            result = join(store, conn, args.url, _shown(progress))
        print(f"{store.path.name} joined database {conn.info.dbname} as {conn.info.user}"
              f"{' (lead)' if result.lead else ''}.")
    for line in result.lines():
        print(line)
    return 0


def _linked(store):
    link = store.team()
    if link is None:
        raise InputError(f"{store.path.name} is not joined to a team: run annotator team join PROJECT URL first.")
    return link


def _sync(args: argparse.Namespace) -> int:
    with _project(args.project, create=False) as store:
        link = _linked(store)
        if not args.watch:
            with server(link.url) as conn, Progress("Syncing") as progress:
                result = sync(store, conn, _shown(progress))
            for line in result.lines():
                print(line)
            return 0
        return _watch(store, link, args.poll)


def _shown(progress: Progress) -> SyncProgress:
    """A sync's progress on standard error, each stage under its own name ("Pushing your edits: 40% (…)")."""

    def stage(what: str) -> None:
        progress.what = what

    return SyncProgress(report=progress, stage=stage)


def _watch(store, link, poll: float | None) -> int:
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    print(f"syncing {store.path.name} with database {link.database} as {link.member}; Ctrl+C stops.", flush=True)

    def report(event: Event) -> None:
        if event.offline:
            print(f"offline: {event.offline} {event.waiting} edits waiting; trying again.", flush=True)
        else:
            for line in event.result.lines():
                print(line, flush=True)

    try:
        Watcher(store, link.url, report, poll=poll, stop=stopped.is_set).run()
    except KeyboardInterrupt:
        pass
    print(f"stopped; {store.waiting_edits()} edits waiting.", flush=True)
    return 0


def _status(args: argparse.Namespace) -> int:
    with _project(args.project, create=False, readonly=True) as store:
        link = _linked(store)
        waiting = store.waiting_edits()
    print(f"server: {link.url}")
    print(f"member: {link.member}{' (lead)' if link.lead else ''} of database {link.database}")
    print(f"last sync: {link.synced or 'never'}")
    print(f"edits waiting: {waiting}")
    if args.server:
        with server(link.url) as conn:
            for line in roster(conn).lines():
                print(line)
    return 0


def _done(args: argparse.Namespace) -> int:
    with _project(args.project, create=False) as store:
        link = store.team()
        doc = store.find_document(args.doc)
        verb = "no longer marked done" if args.undo else "marked done"
        if link is None:  # no team: the mark says the analyst reviewed the document (the evaluation's gold)
            store.mark_done(doc.id, os.environ.get("ANNOTATOR_USER") or getpass.getuser(), done=not args.undo)
            print(f"{doc.title}: {verb} (reviewed); the project is not joined to a team, so nobody else is told.")
            return 0
        store.mark_done(doc.id, link.member, done=not args.undo)
        try:
            with server(link.url) as conn, Progress("Syncing") as progress:
                result = sync(store, conn, _shown(progress))
        except TeamError as exc:
            print(f"{doc.title}: {verb} here; the server is out of reach ({exc}), so the next sync sends it.")
            return 0
    print(f"{doc.title}: {verb}; " + " ".join(result.lines()))
    return 0
