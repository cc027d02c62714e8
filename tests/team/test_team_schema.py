"""``annotator team init``, ``add``, ``remove`` and the URL rules, against a real PostgreSQL (conftest.py)."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest

from annotator.cli import main
from annotator.core.errors import InputError, TeamError
from annotator.core.team.connect import check_url, connect
from annotator.core.team.members import add_member
from annotator.core.team import schema as schema_module
from annotator.core.team.schema import applied_migrations, init_team, role_names

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_init_creates_the_schema_and_a_second_run_changes_nothing(capsys, team_db):
    code, out, err = run(capsys, "team", "init", team_db.url())
    assert (code, err) == (0, "")
    assert "migrations 0001_schema" in out and f"{team_db.name}_member" in out
    with psycopg.connect(team_db.cluster.superuser(team_db.name)) as conn:
        before = conn.execute("SELECT name, applied FROM annotator.migrations").fetchall()
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'annotator'")}
        secured = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'annotator' "
                                              "AND rowsecurity")}
    assert {"documents", "labels", "annotations", "links", "reviews", "blind", "done"} <= secured <= tables
    code, out, err = run(capsys, "team", "init", team_db.url())
    assert (code, err) == (0, "") and "already set up" in out and "nothing changed" in out
    with psycopg.connect(team_db.cluster.superuser(team_db.name)) as conn:
        assert conn.execute("SELECT name, applied FROM annotator.migrations").fetchall() == before


def test_a_newer_schema_is_refused_in_one_sentence(capsys, team):
    with psycopg.connect(team.cluster.superuser(team.name), autocommit=True) as conn:
        conn.execute("INSERT INTO annotator.migrations VALUES ('0099_future', now())")
    for argv in (["team", "init", team.url()], ["team", "add", team.url(), team.member("alice")]):
        code, out, err = run(capsys, *argv)
        assert code == 2 and out == ""
        assert err.strip() == (f"annotator: database {team.name} was set up by a newer annotator (migration "
                               "0099_future); install the newer annotator to use it.")
    with psycopg.connect(team.cluster.superuser(team.name)) as conn:
        assert conn.execute("SELECT count(*) FROM annotator.people").fetchone()[0] == 0


@pytest.mark.parametrize("foreign", ["CREATE SCHEMA annotator",
                                     "CREATE SCHEMA annotator; CREATE TABLE annotator.migrations (name text)",
                                     "CREATE SCHEMA annotator; CREATE TABLE annotator.migrations "
                                     "(name text, applied date); INSERT INTO annotator.migrations VALUES ('v1', null)"])
def test_a_schema_annotator_did_not_make_is_refused_and_left_alone(capsys, team_db, foreign):
    with psycopg.connect(team_db.cluster.superuser(team_db.name), autocommit=True) as conn:
        conn.execute(foreign)
    code, out, err = run(capsys, "team", "init", team_db.url())
    assert code == 2 and out == ""
    assert err.strip() == (f"annotator: database {team_db.name} has a schema named annotator that annotator did "
                           "not make; use another database for the team.")
    with psycopg.connect(team_db.cluster.superuser(team_db.name)) as conn:
        assert conn.execute("SELECT to_regclass('annotator.documents')").fetchone()[0] is None
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s",
                            (role_names(team_db.name).member,)).fetchone()[0] == 0


def test_add_prints_the_password_once_and_how_to_join(capsys, team):
    alice = team.member("alice")
    code, out, err = run(capsys, "team", "add", team.url(), alice)
    assert (code, err) == (0, "")
    password = next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("password"))
    assert len(password) >= 20
    assert f"connection URL for {alice}: postgresql://{alice}@/{team.name}?host=" in out
    assert "~/.pgpass" in out and "PGPASSWORD" in out
    done = team.cluster.psql(team.url(alice), "SELECT current_user", password)
    assert (done.returncode, done.stdout.strip()) == (0, alice)
    lead = team.member("lea")
    code, out, _ = run(capsys, "team", "add", team.url(), lead, "--lead")
    assert code == 0 and "as a lead" in out
    with psycopg.connect(team.cluster.superuser(team.name)) as conn:
        rows = conn.execute("SELECT name, lead, active FROM annotator.members ORDER BY name").fetchall()
        assert rows == sorted([(alice, False, True), (lead, True, True)])
        roles = role_names(team.name)
        assert conn.execute("SELECT pg_has_role(%s, %s, 'MEMBER'), pg_has_role(%s, %s, 'MEMBER')",
                            (alice, roles.lead, lead, roles.lead)).fetchone() == (False, True)


def test_add_reads_the_password_from_stdin_and_never_prints_it(capsys, monkeypatch, team):
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-Pass\n"))
    bob = team.member("bob")
    code, out, _ = run(capsys, "team", "add", team.url(), bob, "--password-stdin")
    assert code == 0 and "s3cret-Pass" not in out and "password (shown once" not in out
    assert team.cluster.psql(team.url(bob), "SELECT 1", "s3cret-Pass").returncode == 0


def test_a_member_cannot_add_members(capsys, team):
    with connect(team.url()) as conn:
        alice = add_member(conn, team.member("alice"), False, None)
    done = team.cluster.psql(team.url(alice.name), f"SELECT annotator.add_member('{team.member('eve')}', 'x', true)",
                             alice.password)
    assert done.returncode != 0 and "permission denied" in done.stderr


def test_remove_keeps_the_rows_and_ends_logins_and_writes(capsys, team):
    with connect(team.url()) as conn:
        lead = add_member(conn, team.member("lea"), True, None)
        alice = add_member(conn, team.member("alice"), False, None)
    lead_url, alice_url = team.url(lead.name), team.url(alice.name)
    psql = team.cluster.psql
    assert psql(lead_url, "INSERT INTO annotator.documents (id, title, text) VALUES ('sha256:d', 'D', 'text');"
                          "INSERT INTO annotator.labels (id, name, color) VALUES (gen_random_uuid(), 'Actor', 'red')",
                lead.password).returncode == 0
    # alice keeps a session open across her removal: it can no longer write either
    with psycopg.connect(alice_url, password=alice.password, autocommit=True) as session:
        session.execute("INSERT INTO annotator.annotations (id, document, label, start, \"end\", quote, created, "
                        "modified) VALUES (gen_random_uuid(), 'sha256:d', 'Actor', 0, 4, 'text', 'now', 'now')")
        code, out, err = run(capsys, "team", "remove", team.url(lead.name) + f"&password={lead.password}",
                             alice.name)
        assert (code, err) == (0, "") and "their rows stay" in out
        for statement in ("UPDATE annotator.annotations SET note = 'late'", "SELECT * FROM annotator.annotations"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                session.execute(statement)
    denied = psql(alice_url, "SELECT 1", alice.password)
    assert denied.returncode != 0 and "not permitted to log in" in denied.stderr
    with psycopg.connect(team.cluster.superuser(team.name)) as conn:
        assert conn.execute("SELECT owner, note FROM annotator.annotations").fetchall() == [(alice.name, "")]
        assert conn.execute("SELECT active FROM annotator.members WHERE name = %s", (alice.name,)).fetchone() == (
            False,)
    code, _, err = run(capsys, "team", "remove", team.url(lead.name) + f"&password={lead.password}", alice.name)
    assert code == 2 and err.strip() == f"annotator: the server refused: {alice.name} is not a member of this project."


@pytest.mark.parametrize("url", ["postgresql://alice@db.example.org/news",
                                 "postgresql://alice@db.example.org/news?sslmode=prefer",
                                 "host=10.0.0.5 dbname=news sslmode=disable",
                                 "postgresql://alice@localhost,db.example.org/news"])
def test_a_remote_host_without_tls_is_refused_before_connecting(capsys, url):
    with pytest.raises(InputError, match=r"is not this machine.*sslmode=verify-full"):
        check_url(url)
    code, out, err = run(capsys, "team", "init", url)
    assert code == 2 and out == "" and err.count("\n") == 1 and "unencrypted" in err


def test_the_rule_reads_libpqs_environment_too(monkeypatch):
    monkeypatch.setenv("PGHOST", "db.example.org")
    with pytest.raises(InputError, match="^db.example.org is not this machine"):
        check_url("dbname=news")
    monkeypatch.setenv("PGSSLMODE", "verify-full")
    check_url("dbname=news")
    with pytest.raises(InputError, match="sslmode=allow"):
        check_url("dbname=news sslmode=allow")


@pytest.mark.parametrize("url", ["postgresql://alice@db.example.org/news?sslmode=verify-full",
                                 "postgresql://alice@localhost/news", "postgresql://alice@127.0.0.1:5433/news",
                                 "postgresql://alice@[::1]/news", "host=/run/postgresql dbname=news",
                                 "postgresql:///news"])
def test_loopback_sockets_and_tls_urls_pass_the_rules(url):
    check_url(url)


def test_loopback_tcp_and_socket_connect(team_db):
    with connect(team_db.url()) as conn:
        assert conn.info.host.startswith("/")
        conn.execute("CREATE ROLE tcp_user LOGIN PASSWORD 'pw'")
    with connect(team_db.tcp_url("tcp_user") + "?password=pw") as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("tcp_user",)


def test_a_service_file_naming_another_machine_without_tls_is_refused_once_connected(team_db, tmp_path,
                                                                                    monkeypatch):
    """127.0.0.2 is not one of the loopback names annotator trusts: it stands for another machine here."""
    with connect(team_db.url()) as conn:
        conn.execute("CREATE ROLE svc_user LOGIN PASSWORD 'pw'")
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[desk]\nhost=127.0.0.2\nport={team_db.cluster.port}\ndbname={team_db.name}\n"
                        "user=svc_user\npassword=pw\nsslmode=prefer\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    with pytest.raises(InputError, match="^127.0.0.2 is not this machine and the connection to it is not encrypted"):
        connect("service=desk")
    with pytest.raises(InputError, match="^127.0.0.2 is not this machine, and sslmode=prefer"):
        connect(f"postgresql://svc_user:pw@127.0.0.2:{team_db.cluster.port}/{team_db.name}?sslmode=prefer")
    with connect(f"postgresql://svc_user:pw@127.0.0.1:{team_db.cluster.port}/{team_db.name}") as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("svc_user",)


def test_a_name_the_server_has_for_something_else_is_refused_and_a_removed_member_restored(capsys, team):
    with connect(team.url()) as conn:
        conn.execute(f"CREATE ROLE {team.member('other')} NOLOGIN")
        alice = add_member(conn, team.member("alice"), False, None)
    code, out, err = run(capsys, "team", "add", team.url(), team.member("other"))
    assert code == 2 and out == "" and err.strip() == (
        f"annotator: the server refused: a role named {team.member('other')} already exists on this server and is "
        "not one of this project's members; choose another name.")
    assert run(capsys, "team", "remove", team.url(), alice.name)[0] == 0
    code, out, _ = run(capsys, "team", "add", team.url(), alice.name, "--lead")
    assert code == 0 and out.startswith(f"restored {alice.name} as a lead") and "password unchanged." in out
    assert team.cluster.psql(team.url(alice.name), "SELECT 1", alice.password).returncode == 0
    code, out, _ = run(capsys, "team", "add", team.url(), "Bad Name")
    assert code == 2


def test_an_unreachable_server_is_one_sentence_and_exit_2(capsys, tmp_path):
    code, out, err = run(capsys, "team", "init", f"postgresql://x@/db?host={tmp_path}&port=1")
    assert code == 2 and out == ""
    assert err.startswith(f"annotator: could not connect to the team server ({tmp_path} port 1): ")
    assert err.count("\n") == 1
    with pytest.raises(TeamError):
        connect("postgresql://x@127.0.0.1:1/db")


def test_a_database_without_the_schema_is_not_set_up(capsys, team_db):
    with connect(team_db.url()) as conn:
        assert applied_migrations(conn) is None
    code, _, err = run(capsys, "team", "blind", team_db.url(), "on")
    assert code == 2
    assert err.strip() == (f"annotator: database {team_db.name} is not set up for annotator: "
                           "run annotator team init first.")


def test_the_command_line_loads_the_postgresql_driver_only_for_team_commands():
    code = ("import sys; from annotator.cli import build_parser; build_parser(); "
            "print(sorted(m for m in sys.modules if m.startswith('psycopg')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr


def test_the_databases_owner_with_createrole_sets_up_and_adds_members(capsys, team_db):
    """The usual deployment: not a superuser, the database's owner with CREATEROLE (a managed PostgreSQL's admin)."""
    admin = team_db.member("admin")
    with connect(team_db.url()) as conn:
        conn.execute(f"CREATE ROLE {admin} LOGIN CREATEROLE PASSWORD 'admin-pw'")
        conn.execute(f"ALTER DATABASE {team_db.name} OWNER TO {admin}")
    url = team_db.tcp_url(admin) + "?password=admin-pw"
    assert run(capsys, "team", "init", url)[0] == 0
    code, out, err = run(capsys, "team", "add", url, team_db.member("lea"), "--lead")
    assert (code, err) == (0, "")
    password = next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("password"))
    lead_url = team_db.tcp_url(team_db.member("lea")) + f"?password={password}"
    assert run(capsys, "team", "add", lead_url, team_db.member("alice"))[0] == 0
    assert run(capsys, "team", "blind", lead_url, "on")[0] == 0
    with pytest.raises(TeamError, match="^could not connect to the team server .*password authentication failed"):
        connect(team_db.tcp_url(admin) + "?password=wrong")


def test_two_inits_at_once_set_the_database_up_once(team_db):
    first, second = connect(team_db.url()), connect(team_db.url())
    with first.transaction():  # the first holds the set-up lock until it commits
        first.execute("SELECT pg_advisory_xact_lock(%s)", (schema_module.INIT_LOCK,))
        results = []
        waiter = threading.Thread(target=lambda: results.append(init_team(second)))
        waiter.start()
        waiter.join(0.5)
        assert waiter.is_alive()  # waiting for the lock, not failing
        results.append(init_team(first))
    waiter.join(30)
    assert sorted(r.applied for r in results) == [(), ("0001_schema", "0002_notify", "0003_codes")]
    first.close()
    second.close()
