"""``annotator suggest PROJECT --model …``: suggestions printed, consent for remote hosts, nothing saved."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import pytest
from chat_server import ChatServer, good_spans
from llm_helpers import REPORT_A, make_project

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))  # the Ctrl+C helper of the other commands
from test_interrupt import interrupted  # noqa: E402

from annotator import cli_progress  # noqa: E402
from annotator.cli import main  # noqa: E402
from annotator.core.llm.endpoint import API_KEY_VARIABLE, make_endpoint  # noqa: E402
from annotator.core.llm.spans import cache_keys, span_request  # noqa: E402
from annotator.core.store import Store  # noqa: E402


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def project(tmp_path):
    (tmp_path / "project").mkdir()
    return make_project(tmp_path / "project" / "p.sqlite")


def test_suggestions_are_printed_with_confidence_and_nothing_is_saved(project, capsys, monkeypatch):
    path, (a, b) = project
    monkeypatch.setenv(API_KEY_VARIABLE, "sk-very-secret")
    before = files(path.parent)
    with ChatServer("good") as server:
        code, out, err = run(capsys, "suggest", str(path), "--model", "test-model", "--endpoint", server.base_url,
                             "--label", "Figure", "--label", "Actor")
        assert [r.headers["Authorization"] for r in server.chat_requests] == ["Bearer sk-very-secret"] * 2
    assert code == 0
    lines = out.splitlines()
    assert any(line.startswith("Figure  Report 1") and "'36 people'" in line and "confidence 0.90" in line
               for line in lines)
    assert any("'Steve Witkoff'" in line for line in lines)
    assert not any(line.startswith("Claim") for line in lines)
    assert err.strip().endswith("from 2 requests")
    assert "sk-very-secret" not in out + err
    assert files(path.parent) == before  # the project (and its folder) byte for byte as before


def test_json_output_has_suggestions_with_origin_and_a_summary(project, capsys):
    path, (a, b) = project
    with ChatServer("good") as server:
        code, out, err = run(capsys, "suggest", str(path), "--model", "test-model", "--endpoint", server.base_url,
                             "--doc", "Report 1", "--label", "Figure", "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    (item,) = [s for s in data["suggestions"] if s["quote"] == "36 people"]
    assert item["document"] == a and REPORT_A[item["start"]:item["end"]] == "36 people"
    assert item["origin"].startswith("model test-model, prompt spans-1, ") and item["confidence"] == 0.9
    assert {s["document"] for s in data["suggestions"]} == {a}
    assert data["summary"]["asked"] == 1 and data["summary"]["kept"] == len(data["suggestions"])
    assert data["summary"]["line"] == "1 suggestion from 1 request"


def test_without_model_the_rules_run_as_before(project, capsys):
    path, _ = project
    code, out, _ = run(capsys, "suggest", str(path), "--label", "Figure")
    assert code == 0 and "'36 people'" in out and out.splitlines()[-1].endswith("suggestions")
    code, _, err = run(capsys, "suggest", str(path), "--label", "Plan point")
    assert code == 2 and "ask a model (--model NAME)" in err


def test_a_remote_endpoint_needs_consent_and_nothing_is_sent(project, capsys):
    path, _ = project
    before = files(path.parent)
    with ChatServer("good") as server:
        remote = server.base_url.replace("127.0.0.1", "model-host.example")  # not local: consent needed first
        code, out, err = run(capsys, "suggest", str(path), "--model", "m", "--endpoint", remote)
        assert server.requests == []
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and f"--allow-remote model-host.example:{server.port}" in err
    assert files(path.parent) == before


def test_consent_on_the_command_line_or_in_the_project_lets_it_through(project, capsys):
    """The consent check passes; the host does not exist, so the one request fails as unreachable (exit 2)."""
    path, _ = project
    remote = "http://model-host.invalid:9/v1"
    code, _, err = run(capsys, "suggest", str(path), "--model", "m", "--endpoint", remote,
                       "--allow-remote", "model-host.invalid", "--timeout", "5")
    assert code == 2 and err.startswith("annotator: Nothing answers at http://model-host.invalid:9/v1")
    with Store.open(path) as store:
        store.allow_model_host("model-host.invalid:9")
    before = files(path.parent)
    code, _, err = run(capsys, "suggest", str(path), "--model", "m", "--endpoint", remote, "--timeout", "5")
    assert code == 2 and "Nothing answers" in err and "--allow-remote" not in err
    assert files(path.parent) == before


def test_cached_answers_are_read_from_the_project(project, capsys):
    path, ids = project
    with ChatServer("good") as server:
        from_model = run(capsys, "suggest", str(path), "--model", "test-model", "--endpoint", server.base_url,
                         "--json")
        data = json.loads(from_model[1])
        with Store.open(path) as store:
            store.save_answers([(key, doc, "test-model", "spans-1", '{"spans": []}', "2026-01-01T00:00:00Z")
                                for key, doc in cache_keys_of(store, ids, server.base_url).items()])
        code, out, _ = run(capsys, "suggest", str(path), "--model", "test-model", "--endpoint", server.base_url,
                           "--json")
        assert len(server.chat_requests) == 2  # the second run asked nothing
    assert data["suggestions"] and json.loads(out)["suggestions"] == []
    assert json.loads(out)["summary"]["cached"] == 2


def cache_keys_of(store, ids, url):
    labels = [label.name for label in store.codable_labels()]
    return cache_keys(span_request(store, ids, labels), make_endpoint(url, "test-model"))


@pytest.mark.parametrize("args, words", [
    (["--endpoint", "http://localhost:11434/v1"], "--endpoint needs --model"),
    (["--model", "m", "--endpoint", "ftp://x/v1"], "http://"),
    (["--model", "m", "--endpoint", "http://127.0.0.1:9/v1", "--label", "Place"], "no label 'Place'"),
    (["--model", "m", "--endpoint", "http://127.0.0.1:9/v1", "--doc", "nothing like it"], "nothing like it"),
])
def test_bad_arguments_are_one_sentence(project, capsys, args, words):
    path, _ = project
    code, out, err = run(capsys, "suggest", str(path), *args)
    assert code == 2 and out == "" and words in err and err.count("\n") == 1


def test_a_model_run_reports_the_pieces_asked_on_stderr(project, capsys, monkeypatch):
    """Issue 24: the pieces asked of all, on standard error (plain lines when it is no terminal; at once here, the
    progress thresholds set to zero), before the summary; standard output unchanged."""
    monkeypatch.setattr(cli_progress, "QUIET_S", 0)
    monkeypatch.setattr(cli_progress, "LINE_EVERY_S", 0)
    path, _ = project
    with ChatServer("good") as server:
        code, out, err = run(capsys, "suggest", str(path), "--model", "test-model", "--endpoint", server.base_url,
                             "--label", "Figure")
    assert code == 0 and "Asking" not in out
    assert err.splitlines() == ["Asking test-model: 50% (1 of 2)", "Asking test-model: 100% (2 of 2)",
                                "Asking test-model: done (2)", "2 suggestions from 2 requests"]


def test_ctrl_c_while_the_model_thinks_stops_with_nothing_printed_or_saved(project, tmp_path):
    """A real ``annotator suggest --model`` process, interrupted (SIGINT) after its first progress line while it
    waits for the model's second answer: exit 130, no suggestion printed, the project's folder as it was."""
    path, _ = project
    before = files(path.parent)
    answered = threading.Event()

    def first_good_then_slow(body: dict) -> object:
        if not answered.is_set():
            answered.set()
            return {"spans": good_spans(body)}
        stopping.wait(60)  # until the test ends: the child is interrupted while waiting
        return {"spans": []}

    stopping = threading.Event()
    with ChatServer(first_good_then_slow) as server:
        try:
            stdout, _ = interrupted(tmp_path, "suggest", str(path), "--model", "test-model", "--endpoint",
                                    server.base_url, "--label", "Figure", progress="(1 of 2)")
        finally:
            stopping.set()
    assert stdout == ""
    assert files(path.parent) == before
