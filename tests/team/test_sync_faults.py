"""Team sync under faults, against a real server and real processes: the server stopped mid-sync, a connection
dropped mid-transaction, kill -9 of a syncing process, members syncing at once, clocks that disagree, a member
removed, a database that is not annotator's or is newer, and the watcher (polling, a server refusing LISTEN, and
``annotator sync --watch`` stopped by a signal).

A moment "mid-sync" is made, never guessed: a superuser holds a lock on a table the sync writes last (``seen``)
or reads late (``links``), the test waits until the member's backend waits for it (``pg_stat_activity``), and
then does its damage. No test asserts a duration.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

import psycopg
import pytest

from annotator.core.errors import TeamError
from annotator.core.store import Store
from annotator.core.team.connect import connect
from annotator.core.team.members import remove_member
from annotator.core.team.schema import init_team
from annotator.core.team.sync import sync
from annotator.core.team.watch import Watcher
from fault_helpers import (PATIENCE, OwnCluster, ProjectLock, TableLock, annotation_ids, annotator_process,
                           backend_waiting_on_a_lock, bulk_tag, dump, server_ids, wait_for)
from no_listen_proxy import NoListenProxy
from sync_helpers import make_crew, seed_documents, tag

#: Rows a member pushes (and a colleague pulls) in the tests that interrupt a sync.
MANY = 5_000


class OwnDb:
    """A database on a cluster of the test's own (the interface of conftest.TeamDb that the crew uses)."""

    def __init__(self, cluster: OwnCluster, name: str):
        self.cluster, self.name = cluster, name

    def url(self, user: str = "postgres") -> str:
        return f"postgresql://{user}@/{self.name}?host={self.cluster.socket_dir}&port={self.cluster.port}"

    def member(self, who: str) -> str:
        return f"{who}_{self.name}"


@pytest.fixture
def crew(team, tmp_path, monkeypatch):
    return make_crew(team, tmp_path, monkeypatch)


@pytest.fixture
def own_crew(pg_cluster, tmp_path, monkeypatch):
    """A crew on a cluster of its own, which the test may stop (the session's cluster serves other tests)."""
    cluster = OwnCluster.create(pg_cluster.bin, Path(tempfile.mkdtemp(prefix="annotator-pg-own-")))
    try:
        with psycopg.connect(cluster.superuser(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE faults TEMPLATE template0")
        db = OwnDb(cluster, "faults")
        with connect(db.url()) as conn:
            init_team(conn)
        yield make_crew(db, tmp_path, monkeypatch)
    finally:
        cluster.destroy()


def superuser(crew) -> str:
    return crew.db.cluster.superuser(crew.db.name)


def started(crew, many: int = MANY, who: str = "alice") -> tuple[str, list[str]]:
    """Lea adds the documents and joins, alice and bob join; ``who`` then tags ``many`` spans, not yet pushed."""
    with crew.store("lea") as store:
        a, _ = seed_documents(store)
    crew.join("lea")
    crew.join("alice")
    crew.join("bob")
    with crew.store(who) as store:
        ids = bulk_tag(store, a, crew.name(who), many)
    return a, ids


def one_sentence(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotator: ") and lines[0].endswith("."), err
    return lines[0]


def converged(crew, ids: list[str], *who: str) -> None:
    """Every project of ``who`` and the server hold exactly ``ids``, each once."""
    on_server = server_ids(superuser(crew))
    assert len(on_server) == len(set(on_server)) and sorted(on_server) == sorted(ids)
    for name in who:
        local = annotation_ids(crew.project(name))
        assert len(local) == len(set(local)) and sorted(local) == sorted(ids), name
        with crew.store(name) as store:
            assert store.waiting_edits() == 0


# --------------------------------------------------------------------- the server goes away
@pytest.mark.parametrize("mode", ["immediate"])  # -m immediate: the harshest stop (a crash, no goodbye to clients)
def test_the_server_stopped_mid_sync_is_one_sentence_and_the_next_sync_pushes_everything_once(own_crew, mode):
    crew = own_crew
    _, ids = started(crew)
    project = crew.project("alice")
    before = dump(project)
    lock = TableLock(superuser(crew), "seen")
    child = annotator_process("sync", project)
    wait_for(lambda: backend_waiting_on_a_lock(superuser(crew), crew.name("alice")), "the push to wait")
    crew.db.cluster.stop(mode)
    out, err = child.communicate(timeout=PATIENCE)
    lock.release()
    assert child.returncode == 2 and out == ""
    assert "lost the connection to the team server" in one_sentence(err)
    assert dump(project) == before
    offline = annotator_process("sync", project)
    out, err = offline.communicate(timeout=PATIENCE)
    assert offline.returncode == 2 and "could not connect to the team server" in one_sentence(err)
    assert dump(project) == before
    crew.db.cluster.start()
    assert server_ids(superuser(crew)) == []
    again = crew.sync("alice")
    assert again.pushed["annotations"] == MANY
    crew.sync("bob")
    converged(crew, ids, "alice", "bob")


def test_a_connection_dropped_mid_transaction_leaves_nothing_half_written_and_nothing_lost(crew):
    a, ids = started(crew)
    with crew.store("alice") as store:
        link = store.add_link("same as", ids[0], ids[1], crew.name("alice"))
    project = crew.project("alice")
    before = dump(project)
    lock = TableLock(superuser(crew), "seen")
    child = annotator_process("sync", project)
    pid = wait_for(lambda: backend_waiting_on_a_lock(superuser(crew), crew.name("alice")), "the push to wait")
    # The push has written every row in its transaction (it took a transaction id) and waits on its last step.
    assert crew.admin("SELECT backend_xid IS NOT NULL FROM pg_stat_activity WHERE pid = %s", (pid,)) == [(True,)]
    assert crew.admin("SELECT pg_terminate_backend(%s)", (pid,)) == [(True,)]
    out, err = child.communicate(timeout=PATIENCE)
    lock.release()
    assert child.returncode == 2 and out == ""
    assert "lost the connection to the team server" in one_sentence(err)
    assert server_ids(superuser(crew)) == [] and server_ids(superuser(crew), "links") == []
    assert dump(project) == before
    assert crew.sync("alice").pushed["annotations"] == MANY
    assert server_ids(superuser(crew), "links") == [link.id]
    crew.sync("bob")
    converged(crew, ids, "alice", "bob")


# --------------------------------------------------------------------- kill -9
def _kill_pushing_before_commit(crew, project: Path) -> None:
    """SIGKILL while the push has written every row on the server but not committed."""
    lock = TableLock(superuser(crew), "seen")
    child = annotator_process("sync", project)
    wait_for(lambda: backend_waiting_on_a_lock(superuser(crew), crew.name("alice")), "the push to wait")
    child.kill()
    child.communicate(timeout=PATIENCE)
    lock.release()
    wait_for(lambda: not crew.admin("SELECT 1 FROM pg_stat_activity WHERE usename = %s", (crew.name("alice"),)),
             "the killed client's backend to end")
    assert server_ids(superuser(crew)) == []


def _kill_pushed_before_forgetting(crew, project: Path) -> None:
    """SIGKILL after the server committed the push, before the project forgot what it sent."""
    lock = TableLock(superuser(crew), "seen")
    child = annotator_process("sync", project)
    wait_for(lambda: backend_waiting_on_a_lock(superuser(crew), crew.name("alice")), "the push to wait")
    local = ProjectLock(project)  # the project's write after the server's commit now waits
    lock.release()
    wait_for(lambda: len(server_ids(superuser(crew))) == MANY, "the server to commit the push")
    child.kill()
    child.communicate(timeout=PATIENCE)
    local.release()
    with Store.open(project) as store:
        assert store.waiting_edits() >= MANY  # the project still has everything to send: the replay is harmless


def _kill_pulling_midway(crew, project: Path) -> None:
    """SIGKILL while bob's pull has applied alice's annotations in its local transaction and waits for links."""
    crew.sync("alice")
    pulling = crew.project("bob")
    before = dump(pulling)
    lock = TableLock(superuser(crew), "links", "ACCESS EXCLUSIVE")
    child = annotator_process("sync", pulling)
    wait_for(lambda: backend_waiting_on_a_lock(superuser(crew), crew.name("bob")), "the pull to wait")
    child.kill()
    child.communicate(timeout=PATIENCE)
    lock.release()
    assert dump(pulling) == before


@pytest.mark.parametrize("moment", [_kill_pushing_before_commit, _kill_pushed_before_forgetting,
                                    _kill_pulling_midway], ids=lambda f: f.__name__.strip("_"))
def test_kill_9_of_a_syncing_process_then_syncing_again_converges(crew, moment):
    """Whenever a sync is killed, the next syncs leave each row exactly once on the server and in both projects."""
    _, ids = started(crew)
    moment(crew, crew.project("alice"))
    for who in ("alice", "bob", "alice"):
        done = annotator_process("sync", crew.project(who))
        out, err = done.communicate(timeout=PATIENCE)
        assert done.returncode == 0, err
    converged(crew, ids, "alice", "bob")


# --------------------------------------------------------------------- at once
def test_two_members_syncing_at_once_lose_and_double_nothing(crew):
    _, alices = started(crew, 5_000, "alice")
    with crew.store("bob") as store:
        bobs = bulk_tag(store, store.documents()[0].id, crew.name("bob"), 5_000, seed=1)
    children = [annotator_process("sync", crew.project(who)) for who in ("alice", "bob")]
    for child in children:
        out, err = child.communicate(timeout=PATIENCE)
        assert child.returncode == 0, err
    crew.sync("alice")
    crew.sync("bob")
    converged(crew, alices + bobs, "alice", "bob")


def _edit(crew, machine: str, ann_id: str, note: str, modified: str | None = None) -> None:
    with crew.store("alice", machine) as store:
        store.update_annotation(ann_id, note=note, **({"modified": modified} if modified else {}))


def _note(crew, machine: str, ann_id: str) -> tuple[str, str]:
    with crew.store("alice", machine) as store:
        ann = store.annotation(ann_id)
    return ann.note, ann.modified


def _two_machines(crew) -> str:
    """Alice on two machines (two projects joined as the same member), both holding one annotation of hers."""
    with crew.store("lea") as store:
        a, _ = seed_documents(store)
    crew.join("lea")
    crew.join("alice")
    with crew.store("alice") as store:
        ann = tag(store, a, "Witkoff", "Actor", crew.name("alice"))
    crew.sync("alice")
    crew.join("alice", "2")
    return ann.id


def test_the_same_member_on_two_machines_converges_on_the_version_the_server_committed_last(crew):
    """The rule: each push writes whole rows, and the version of a row that the server committed last wins; both
    machines converge on it by pulling. A pull never overwrites an edit still waiting to be pushed (that edit's
    push commits after the pulled version, so it wins on the server too)."""
    ann_id = _two_machines(crew)
    _edit(crew, "", ann_id, "first machine")
    _edit(crew, "2", ann_id, "second machine")
    crew.sync("alice")  # commits "first machine"
    crew.sync("alice", "2")  # pulls it, keeps its own waiting edit, commits "second machine" after it
    crew.sync("alice")
    assert _note(crew, "", ann_id)[0] == _note(crew, "2", ann_id)[0] == "second machine"
    for round_ in range(4):  # both at once: whichever commit the server took last is on both machines
        _edit(crew, "", ann_id, f"first machine, round {round_}")
        _edit(crew, "2", ann_id, f"second machine, round {round_}")
        threads = [threading.Thread(target=crew.sync, args=("alice", m)) for m in ("", "2")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for machine in ("", "2", ""):
            crew.sync("alice", machine)
        last = crew.admin("SELECT note FROM annotator.annotations WHERE id = %s", (ann_id,))[0][0]
        assert last in (f"first machine, round {round_}", f"second machine, round {round_}")
        assert _note(crew, "", ann_id)[0] == _note(crew, "2", ann_id)[0] == last


# --------------------------------------------------------------------- clocks
def test_clocks_that_disagree_do_not_change_the_order(crew):
    """A machine whose clock runs decades ahead stamps its edit 2099; one whose clock runs behind stamps a later
    edit 1999: the later commit wins everywhere. Review decisions too: the decision the server committed last is
    the one every project shows, whatever its ``reviewed`` stamp says."""
    ann_id = _two_machines(crew)
    _edit(crew, "", ann_id, "from a clock in the future", "2099-12-31T23:59:59Z")
    crew.sync("alice")
    _edit(crew, "2", ann_id, "from a clock in the past", "1999-01-01T00:00:00Z")
    crew.sync("alice", "2")
    crew.sync("alice")
    for machine in ("", "2"):
        assert _note(crew, machine, ann_id) == ("from a clock in the past", "1999-01-01T00:00:00Z")
    crew.join("bob")
    with crew.store("bob") as store:
        store.set_review(ann_id, "accepted", crew.name("bob"), "fine", when="2099-12-31T23:59:59Z")
    crew.sync("bob")
    crew.sync("lea")
    with crew.store("lea") as store:
        store.set_review(ann_id, "rejected", crew.name("lea"), "not a quote", when="1999-01-01T00:00:00Z")
    crew.sync("lea")
    for who in ("alice", "bob", "lea"):
        crew.sync(who)
        with crew.store(who) as store:
            ann = store.annotation(ann_id)
        assert (ann.status, ann.reviewer, ann.reviewed) == ("rejected", crew.name("lea"), "1999-01-01T00:00:00Z")


# --------------------------------------------------------------------- a member removed, a database not ours
def test_a_removed_member_keeps_their_rows_on_the_server_and_their_work_locally(crew, capsys):
    _, ids = started(crew, 50)
    crew.sync("alice")
    open_session = connect(crew.url("alice"))
    with crew.store("alice") as store:
        tag(store, store.documents()[0].id, "Witkoff", "Actor", crew.name("alice"))
    project = crew.project("alice")
    before = dump(project)
    assert crew.cli("team", "remove", crew.url("lea"), crew.name("alice")) == 0
    capsys.readouterr()
    assert crew.cli("sync", project) == 2
    out, err = capsys.readouterr()
    assert out == "" and "could not connect to the team server" in one_sentence(err)
    assert dump(project) == before
    with Store.open(project) as store, open_session:
        with pytest.raises(TeamError) as refused:  # the session opened before: no longer allowed to read
            sync(store, open_session)
    assert "\n" not in str(refused.value) and "ask a lead to add you" in str(refused.value)
    assert dump(project) == before
    assert sorted(server_ids(superuser(crew))) == sorted(ids)


@pytest.mark.parametrize("damage", ["DROP SCHEMA annotator CASCADE",
                                    "DROP SCHEMA annotator CASCADE; CREATE SCHEMA annotator",
                                    "INSERT INTO annotator.migrations VALUES ('0099_future', now())"],
                         ids=["not set up", "not annotator's", "newer"])
def test_a_database_that_is_not_annotators_or_is_newer_is_one_sentence_and_changes_nothing(crew, capsys, damage):
    crew.admin(damage)
    with crew.store("alice") as store:
        a, _ = seed_documents(store)
        tag(store, a, "Witkoff", "Actor", crew.name("alice"))
    project = crew.project("alice")
    before = dump(project)
    new = crew.tmp / "new.annotator"
    for argv in (["team", "join", project, crew.url("alice")], ["team", "join", new, crew.url("alice")]):
        assert crew.cli(*argv) == 2
        out, err = capsys.readouterr()
        assert out == "" and f"database {crew.db.name}" in one_sentence(err)
    assert dump(project) == before and not new.exists()
    with crew.store("alice") as store:
        assert store.team() is None


def test_sync_refuses_a_database_a_newer_annotator_upgraded_and_changes_nothing(crew, capsys):
    started(crew, 10)
    project = crew.project("alice")
    before = dump(project)
    crew.admin("INSERT INTO annotator.migrations VALUES ('0099_future', now())")
    assert crew.cli("sync", project) == 2
    out, err = capsys.readouterr()
    assert out == "" and one_sentence(err) == (f"annotator: database {crew.db.name} was set up by a newer annotator "
                                               "(migration 0099_future); install the newer annotator to use it.")
    assert dump(project) == before


# --------------------------------------------------------------------- watching
def _watch_in_thread(crew, who: str, url: str, poll: float | None):
    """A :class:`Watcher` of ``who``'s project on a thread (it opens the project there); returns its events, a
    stop switch and the thread."""
    events: queue.Queue = queue.Queue()
    stop = threading.Event()

    def run() -> None:
        with crew.store(who) as store:
            Watcher(store, url, events.put, poll=poll, stop=stop.is_set).run()

    thread = threading.Thread(target=run)
    thread.start()
    return events, stop, thread


def _arrival(events: queue.Queue, ann_id: str):
    while True:
        event = events.get(timeout=PATIENCE)
        assert event.offline is None, event.offline
        if any(ann_id in ids for ids in event.result.arrivals.added.values()):
            return event


def _colleague_tags(crew, a: str) -> str:
    with crew.store("alice") as store:
        ann = tag(store, a, "Witkoff", "Actor", crew.name("alice"))
    crew.sync("alice")
    return ann.id


@pytest.mark.parametrize("how", ["asked to poll", "LISTEN refused by the server"])
def test_the_watcher_polls_and_a_colleagues_row_still_arrives(crew, how):
    a, _ = started(crew, 0)
    url = crew.url("bob")
    proxy = None
    if how == "LISTEN refused by the server":
        proxy = NoListenProxy(f"{crew.db.cluster.socket_dir}/.s.PGSQL.{crew.db.cluster.port}")
        url = (f"postgresql://{crew.name('bob')}@127.0.0.1:{proxy.port}/{crew.db.name}"
               "?sslmode=disable&gssencmode=disable")
    events, stop, thread = _watch_in_thread(crew, "bob", url, 0.1 if how == "asked to poll" else None)
    try:
        ann_id = _colleague_tags(crew, a)
        assert _arrival(events, ann_id).polling
    finally:
        stop.set()
        thread.join(PATIENCE)
        if proxy is not None:
            proxy.close()
    if proxy is not None:
        assert proxy.refused >= 1  # the watcher asked to LISTEN, was refused, and polled instead


class _Lines:
    """A child's standard output, line by line, read on a thread."""

    def __init__(self, child: subprocess.Popen):
        self.lines: queue.Queue = queue.Queue()
        self.child = child
        self.thread = threading.Thread(target=lambda: [self.lines.put(line) for line in child.stdout], daemon=True)
        self.thread.start()

    def close(self) -> str:
        """After the child ended: the rest of standard output read, both pipes closed; returns standard error."""
        self.thread.join(PATIENCE)
        self.child.stdout.close()
        with self.child.stderr:
            return self.child.stderr.read()

    def until(self, text: str) -> str:
        while text not in (line := self.lines.get(timeout=PATIENCE)):
            pass
        return line


@pytest.mark.parametrize("how", [(signal.SIGTERM, None), (signal.SIGINT, None), (signal.SIGTERM, "0.2")],
                         ids=["SIGTERM", "SIGINT", "SIGTERM polling"])
def test_sync_watch_as_a_child_shows_a_colleagues_push_and_stops_cleanly_on_a_signal(crew, how):
    stop_with, poll = how
    a, _ = started(crew, 0)
    child = annotator_process("sync", crew.project("bob"), "--watch", *(["--poll", poll] if poll else []))
    lines = _Lines(child)
    try:
        lines.until("Ctrl+C stops")
        ann_id = _colleague_tags(crew, a)
        lines.until("pulled 1 annotation")  # the colleague's tag, said on standard output
        with crew.store("bob") as store:
            assert store.has_annotation(ann_id)
        child.send_signal(stop_with)
        assert child.wait(timeout=PATIENCE) == 0
    finally:
        if child.poll() is None:
            child.kill()
        err = lines.close()
    assert err == ""
    assert "stopped; 0 edits waiting." in lines.until("stopped")
