"""Bad answers, each in the engine and through the CLI: one sentence, a count in the summary, project unchanged."""

from __future__ import annotations

import json

import pytest
from chat_server import ChatServer
from llm_helpers import make_project

from annotator.cli import main
from annotator.core.llm.client import ChatClient
from annotator.core.llm.endpoint import make_endpoint
from annotator.core.llm.spans import span_request, suggest_spans
from annotator.core.store import Store

#: mode -> (failure kind, words of the one sentence); every request fails so the CLI exits 2.
FAILING = {
    "malformed": ("bad_json", "answered something that is not JSON"),
    "huge": ("too_large", "The model's answer is over 2 MB;"),
    "slow": ("timeout", "did not answer within 0.5 seconds"),
    "html": ("not_compatible", "does not speak the OpenAI chat-completions protocol"),
    "not_found": ("not_compatible", "does not speak the OpenAI chat-completions protocol"),
    "status:500": ("refused", "refused the request (HTTP 500): scripted failure 500"),
}


@pytest.fixture
def project(tmp_path):
    (tmp_path / "project").mkdir()
    return make_project(tmp_path / "project" / "p.sqlite")


def snapshot(path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.parent.iterdir()) if p.is_file()}


def engine_run(path, ids, url, labels=("Figure", "Actor")):
    with Store.open(path, readonly=True) as store:
        request = span_request(store, ids, list(labels))
    client = ChatClient(make_endpoint(url, "test-model", timeout=0.5))
    try:
        return suggest_spans(request, client)
    finally:
        client.close()


def cli_run(capsys, path, url, *extra):
    code = main(["suggest", str(path), "--model", "test-model", "--endpoint", url, "--timeout", "0.5", *extra])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("mode", sorted(FAILING))
def test_failing_answers_in_the_engine(project, mode):
    path, ids = project
    kind, words = FAILING[mode]
    before = snapshot(path)
    with ChatServer(mode, slow_seconds=30) as server:
        result = engine_run(path, ids, server.base_url)
        assert len(server.chat_requests) == 2  # one request a piece: the client never retries
    summary = result.summary
    assert result.suggestions == [] and result.answers == {}
    assert (summary.asked, summary.failed, summary.failures) == (2, 2, {kind: 2})  # one failure does not stop a run
    assert len(summary.messages) == 1 and words in summary.messages[0] and "\n" not in summary.messages[0]
    assert "2 requests failed" in summary.line()
    assert snapshot(path) == before


@pytest.mark.parametrize("mode", sorted(FAILING))
def test_failing_answers_through_the_cli(project, capsys, mode):
    path, _ = project
    kind, words = FAILING[mode]
    before = snapshot(path)
    with ChatServer(mode, slow_seconds=30) as server:
        code, out, err = cli_run(capsys, path, server.base_url)
        code_json, out_json, _ = cli_run(capsys, path, server.base_url, "--json")
    assert code == code_json == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("annotator: ") and words in err
    summary = json.loads(out_json)["summary"]
    assert summary["failures"] == {kind: 2} and summary["kept"] == 0
    assert snapshot(path) == before


def test_a_refused_connection(project, capsys):
    path, ids = project
    with ChatServer("good") as server:
        closed = server.base_url  # nothing listens there once the server has stopped
    before = snapshot(path)
    result = engine_run(path, ids, closed)
    assert result.summary.failures == {"unreachable": 1} and result.summary.asked == 1  # stops at once
    assert result.summary.messages[0].startswith(f"Nothing answers at {closed}: is Ollama")
    code, out, err = cli_run(capsys, path, closed)
    assert code == 2 and out == "" and err.count("\n") == 1 and "is Ollama (or your model server) running?" in err
    assert snapshot(path) == before


def test_quotes_out_of_the_text_and_unknown_labels_are_dropped_and_counted(project, capsys):
    path, ids = project
    before = snapshot(path)
    with ChatServer("good") as server:
        good = engine_run(path, ids, server.base_url)
    with ChatServer("hallucinating") as server:
        result = engine_run(path, ids, server.base_url)
        code, out, err = cli_run(capsys, path, server.base_url, "--label", "Figure", "--label", "Actor")
    assert [(s.document, s.label, s.start, s.end) for s in result.suggestions] == [
        (s.document, s.label, s.start, s.end) for s in good.suggestions]  # only the good answers are kept
    assert (result.summary.not_in_text, result.summary.unknown_label, result.summary.failed) == (2, 2, 0)
    assert code == 0 and out
    assert err.strip().endswith("2 answers not in the text dropped; 2 answers with a label not asked for dropped")
    assert snapshot(path) == before
