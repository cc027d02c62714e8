"""Team sync in the window (issue 21, docs/team.md "In the window" in docs/guide.md).

A project joined to a team server (``store.team()`` not None) syncs in the background while it is open:

* a :class:`~annotator.gui.team_worker.TeamWorker` (threads with their own connections, no Qt) keeps the
  project in sync and reads the team's roster; what it reports waits in a queue that a timer drains every
  :data:`DRAIN_MS` on the GUI thread;
* a colleague's rows are **patched in**: each pull's :class:`~annotator.core.store.team_pull.Arrivals` become
  :class:`~annotator.gui.session.AnnotationDelta` announcements for the documents on screen (one plain
  announcement covers the others' lists and counts), never a full re-read. The sync's commits are told apart
  from other programs' by the worker's write count (:meth:`ExternalChanges.add_own_writer`), so they neither
  make the window re-read everything nor clear the undo history;
* the window's own edits are pushed at once (``session.saved`` wakes the worker);
* the status bar shows "team: synced", "team: syncing…", "offline — 12 edits waiting" or "team: polling every
  2 s", with the server, the member and the last sync in its tool tip; the Team dock the members, what arrived,
  and the blind-coding buttons.

An unjoined (or read-only) project gets none of it: no thread, no widget, and the PostgreSQL driver is not loaded.
"""

from __future__ import annotations

import queue
from collections import Counter, defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from annotator.core.errors import AnnotatorError
from annotator.core.lazy import lazy_module
from annotator.gui.controllers.durability import ExternalChanges
from annotator.gui.panels.team_dock import TeamDock
from annotator.gui.session import AnnotationDelta
from annotator.gui.window.pane_state import PaneState
from annotator.gui.window.status import Status

if TYPE_CHECKING:  # import-linter reads this import: the contracts still see the dependency
    from annotator.gui import team_worker
else:
    team_worker = lazy_module("annotator.gui.team_worker")

#: How often the window takes what the sync reported (milliseconds).
DRAIN_MS = 50
#: Rows the "what arrived" list counts beside annotations (the roster counts done marks and review decisions).
OTHER_ROWS = {"documents": "document", "labels": "label", "links": "link", "blind": "blind setting"}
#: How long closing the window waits for the sync's threads (seconds); they are daemons and end on their own.
STOP_WAIT = 0.3


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


class TeamSync(QObject):
    """The window's side of team sync (see the module docstring); inert for a project not joined to a team."""

    def __init__(self, session, panes: PaneState, status: Status, external: ExternalChanges):
        super().__init__(status.dialog_parent)
        self.session = session
        self.panes = panes
        self.status = status
        self.external = external
        self.link = None if session.store.readonly else session.store.team()
        self.worker = None
        self.dock: TeamDock | None = None
        self.label: QLabel | None = None
        self.state = "syncing"  # 'syncing' (not synced since the last edit), 'synced' or 'offline'
        self.waiting = 0
        self.polling = False
        self.reason = ""
        if self.link is None:
            return
        self.last_sync = self.link.synced
        self.lead = self.link.lead
        if session.user != self.link.member:  # a member's own rows are the ones named after their login
            session.set_user(self.link.member)
        self.label = QLabel(status.dialog_parent)
        self.label.setObjectName("team_status")
        status.bar.addPermanentWidget(self.label)
        self.dock = TeamDock(status.dialog_parent)
        self.timer = QTimer(self)
        self.timer.setInterval(DRAIN_MS)
        self.timer.timeout.connect(self.drain)
        self._connect()
        self.show_status()
        self.update_dock()
        QTimer.singleShot(0, self.start)  # after the window is on screen: loading the driver takes a moment

    def _connect(self) -> None:
        self.session.saved.connect(self._on_saved)
        self.dock.done_toggled.connect(self.mark_done)
        self.dock.blind_toggled.connect(self.set_blind)
        self.panes.active_changed.connect(self.update_dock)
        self.panes.document_shown.connect(self.update_dock)

    def docks(self) -> list:
        return [self.dock] if self.dock is not None else []

    def fill_menu(self, menu) -> None:
        """Add the blind-coding actions (the Team dock's buttons) to ``menu``, after a separator; none if not joined."""
        if self.dock is not None:
            menu.addSeparator()
            for action in self.dock.actions_for_menu():
                menu.addAction(action)

    # ------------------------------------------------------------------ the worker
    def start(self) -> None:
        if self.link is None or self.worker is not None or self.external.stopped:
            return
        self.worker = team_worker.TeamWorker(self.session.store.path, self.link.url, self.session.store.own_changes)
        self.external.add_own_writer(self.worker)
        self.worker.start()
        self.timer.start()

    def stop(self) -> None:
        """The window is closing: the threads are told to end; nothing more is shown."""
        if self.link is None:
            return
        self.timer.stop()
        if self.worker is not None:
            self.worker.stop(STOP_WAIT)

    def _on_saved(self, _what: str) -> None:
        if self.worker is None:
            return
        self.worker.wake()
        if self.state == "offline":
            self._count_waiting()
        else:
            self.state = "syncing"
        self.show_status()

    def _count_waiting(self) -> None:
        try:
            self.waiting = self.session.store.waiting_edits()
        except AnnotatorError:
            pass

    def drain(self) -> None:
        """Take everything the worker reported, in order (the timer's slot, on the GUI thread)."""
        events = self.worker.events
        while True:
            try:
                item = events.get_nowait()
            except queue.Empty:
                break
            self.handle(item)

    def handle(self, item) -> None:
        if isinstance(item, team_worker.Synced):
            self.state, self.waiting, self.polling, self.last_sync = "synced", item.waiting, item.polling, item.at
            self.show_status()
        elif isinstance(item, team_worker.RosterRead):
            self.dock.show_roster(item.roster.members, item.roster.me)
        elif isinstance(item, team_worker.JobDone):
            if item.failed:
                self.status.error(item.message)
                self.update_dock()
            else:
                self.status.show(item.message, 8000)
        elif item.offline is not None:
            self.state, self.reason, self.waiting, self.polling = "offline", item.offline, item.waiting, item.polling
            self.show_status()
        elif item.result is not None:
            self.state, self.reason, self.waiting, self.polling = "synced", "", item.waiting, item.polling
            self.arrived(item.result)
            self.show_status()
            self.worker.read_roster()

    # ------------------------------------------------------------------ arrivals
    def arrived(self, result) -> None:
        """Patch what a pull brought into the window, and list it in the dock."""
        arrivals = result.arrivals
        if not arrivals.total():
            return
        s = self.session
        if arrivals.documents_changed:
            s.announce_documents()
        if arrivals.labels_changed:
            s.announce_labels()
        shown = set(self.panes.shown())
        elsewhere = []
        for doc in sorted(arrivals.documents()):
            added = tuple(dict.fromkeys(arrivals.added.get(doc, ())))
            removed = tuple(dict.fromkeys(arrivals.removed.get(doc, ())))
            changed = tuple(i for i in dict.fromkeys(arrivals.changed.get(doc, ())) if i not in added)
            if doc in shown:
                s.announce(doc, AnnotationDelta(doc, added=added, changed=changed, removed=removed))
            else:
                elsewhere.append(doc)
        if elsewhere:  # not on screen: one plain announcement refreshes the project-wide lists and counts
            s.announce(elsewhere[0])
        if arrivals.links_changed:
            s.announce_links()
        if arrivals.counts.get("blind") or arrivals.counts.get("done"):
            self.update_dock()
        self.dock.arrived(self.arrival_lines(arrivals))

    def arrival_lines(self, arrivals) -> list[str]:
        """'alice: 3 annotations in Report A' per colleague and document, then removals and other tables."""
        store = self.session.store
        per: dict[tuple[str, str], int] = defaultdict(int)
        ids = {i: doc for doc in arrivals.documents()
               for i in (*arrivals.added.get(doc, ()), *arrivals.changed.get(doc, ()))}
        try:
            for row in store.span_rows_by_id(list(ids)):
                if row.annotator != self.link.member:  # a pull also brings back the member's own pushed rows
                    per[(row.annotator, ids[row.id])] += 1
            titles = {d.id: d.title for d in store.documents()}
        except AnnotatorError:
            return [f"{plural(arrivals.total(), 'change')} arrived"]
        lines = [f"{who}: {plural(n, 'annotation')} in {titles.get(doc, doc[:15])}" for (who, doc), n in per.items()]
        for doc, gone in arrivals.removed.items():
            if gone:
                lines.append(f"{plural(len(gone), 'annotation')} removed in {titles.get(doc, doc[:15])}")
        other = Counter({t: n for t, n in arrivals.counts.items() if t in OTHER_ROWS and n})
        if other:
            lines.append(", ".join(plural(n, OTHER_ROWS[t]) for t, n in other.items()) + " changed")
        return lines

    # ------------------------------------------------------------------ shown
    def status_text(self) -> str:
        if self.state == "offline":
            return f"offline — {plural(self.waiting, 'edit')} waiting"
        if self.state == "syncing":
            return "team: syncing…"
        if self.polling:
            poll = self.worker.watcher.poll if self.worker and self.worker.watcher else None
            return f"team: polling every {poll or 2:g} s"
        return "team: synced" + (f" · {plural(self.waiting, 'edit')} waiting" if self.waiting else "")

    def show_status(self) -> None:
        link = self.link
        self.label.setText(self.status_text())
        when = _local(self.last_sync) if self.last_sync else "not yet"
        tip = [f"Team server: {link.url}", f"You: {link.member}{' (lead)' if self.lead else ''}",
               f"Last sync: {when}"]
        if self.state == "offline":
            tip.append(f"Offline: {self.reason} Your edits are kept here and pushed when the server answers.")
        self.label.setToolTip("\n".join(tip))

    def update_dock(self, *_) -> None:
        """The dock's header and buttons for the current document."""
        if self.dock is None:
            return
        doc = self.panes.document()
        try:
            lead = self.session.store.team().lead
            done = doc is not None and doc in self.session.store.done_documents(self.link.member)
            blind = self.session.store.blind_documents()
        except AnnotatorError:
            return
        self.lead = lead
        role = "lead" if lead else "member"
        header = f"You are {self.link.member} ({role}) on database {self.link.database}."
        self.dock.set_state(header, doc, done, lead, blind.get("", False), bool(doc and blind.get(doc, False)))

    # ------------------------------------------------------------------ actions
    def mark_done(self, done: bool) -> None:
        """Mark the current document done (or take the mark back); pushed at once."""
        doc = self.panes.document()
        if doc is None or self.link is None:
            return
        try:
            self.session.store.mark_done(doc, self.link.member, done)
        except AnnotatorError as exc:
            self.status.error(str(exc))
            self.update_dock()
            return
        title = self.session.store.document(doc).title
        self.status.show(f"'{title}' {'marked done' if done else 'no longer marked done'}; the team will know at "
                         "the next sync.", 6000)
        self._on_saved("done")
        self.update_dock()

    def set_blind(self, on: bool, document_only: bool) -> None:
        """A lead switches blind coding for the project or the current document (a server call, off this thread)."""
        doc = self.panes.document() if document_only else None
        if self.worker is None or (document_only and doc is None):
            self.update_dock()
            return
        self.worker.set_blind(on, doc)
        self.status.show("Asking the team server…", 4000)


def _local(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return iso
