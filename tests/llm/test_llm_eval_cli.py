"""``annotator suggest PROJECT --model … --evaluate`` and ``--pairs``: the table, the pairs, nothing saved."""

from __future__ import annotations

import json

import pytest
from chat_server import ChatServer
from llm_helpers import make_project

from annotator import cli_progress
from annotator.cli import main
from annotator.cli_model_eval import pairs_line
from annotator.core.formats.documents import import_seeds
from annotator.core.llm.client import ChatClient
from annotator.core.llm.endpoint import make_endpoint
from annotator.core.llm.spans import cache_rows, span_request, suggest_spans
from annotator.core.llm.types import Summary
from annotator.core.store import Store


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def tag(store, doc, quote, label):
    text = store.document_text(doc)
    start = text.index(quote)
    return store.add_annotation(doc, label, start, start + len(quote), "lea")


@pytest.fixture
def reviewed(tmp_path):
    """Report 1 tagged and marked reviewed; Report 2 not."""
    (tmp_path / "project").mkdir()
    path, (a, b) = make_project(tmp_path / "project" / "p.sqlite")
    with Store.open(path) as store:
        tag(store, a, "36 people", "Figure")
        tag(store, a, "John Smith", "Actor")
        tag(store, a, "the talks went well", "Claim")
        store.mark_done(a, "lea")
    return path, a, b


def test_no_reviewed_document_says_how_to_mark_one(tmp_path, capsys):
    path, _ = make_project(tmp_path / "p.sqlite")
    with ChatServer("good") as server:
        code, out, err = run(capsys, "suggest", path, "--model", "test-model", "--endpoint", server.base_url,
                             "--evaluate")
        assert server.chat_requests == []
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Mark document reviewed" in err and "annotator team done" in err


def test_the_table_has_the_rules_and_this_model_and_nothing_is_saved(reviewed, capsys):
    path, a, b = reviewed
    before = files(path.parent)
    with ChatServer("good") as server:
        code, out, err = run(capsys, "suggest", path, "--model", "test-model", "--endpoint", server.base_url,
                             "--evaluate")
        asked = len(server.chat_requests)
    assert code == 0 and asked == 1  # the reviewed document only
    lines = out.splitlines()
    assert lines[0].split() == ["suggester", "label", "tp", "fp", "fn", "precision", "recall", "F1"]
    # the codable labels in the project's order, "no rules" for the label the rules do not know, then the total
    assert [line.split()[1] for line in lines[1:6]] == ["Claim", "Actor", "Figure", "Plan", "all"]
    assert lines[4].split() == ["rules", "Plan", "point", "no", "rules"]
    figure = next(line.split() for line in lines if line.startswith("test-model (spans-1)  Figure"))
    assert figure[-6:] == ["1", "0", "0", "1.000", "1.000", "1.000"]
    assert "Reviewed documents (1):" in lines and f"  {a}  Report 1" in lines
    assert "Matching: overlap; 1 reviewed document." in lines
    assert "read-only: the model's 1 new answer was not cached" in err
    assert files(path.parent) == before


def test_json_and_exact_matching_and_the_cached_runs_of_other_models(reviewed, capsys):
    path, a, b = reviewed
    with Store.open(path) as store, ChatServer("good") as server:
        client = ChatClient(make_endpoint(server.base_url, "older-model"))
        request = span_request(store, [a], [label.name for label in store.codable_labels()])
        store.save_answers(cache_rows(request, client.endpoint, suggest_spans(request, client).answers))
        client.close()
    with ChatServer("good") as server:
        code, out, err = run(capsys, "suggest", path, "--model", "test-model", "--endpoint", server.base_url,
                             "--evaluate", "--match", "exact", "--json", "--label", "Figure")
    assert code == 0
    data = json.loads(out)
    assert data["evaluation"]["match"] == "exact" and data["documents"] == [{"id": a, "title": "Report 1"}]
    assert [s["name"] for s in data["evaluation"]["suggesters"]] == ["rules", "older-model (spans-1)",
                                                                      "test-model (spans-1)"]
    assert {(r["suggester"], r["label"]) for r in data["evaluation"]["rows"]} >= {
        ("older-model (spans-1)", "Figure"), ("test-model (spans-1)", "all labels")}
    assert data["summary"]["asked"] == 1 and data["cached"] is False


def test_a_model_out_of_reach_still_shows_the_rules_and_says_why_in_one_sentence(reviewed, capsys):
    path, a, b = reviewed
    with ChatServer("good") as server:
        dead = server.base_url
    code, out, err = run(capsys, "suggest", path, "--model", "test-model", "--endpoint", dead, "--evaluate",
                         "--timeout", "5")
    assert code == 2
    assert out.startswith("suggester") and "rules" in out and "test-model (spans-1): 0 of 1 reviewed" in out
    assert any(line.startswith("annotator: ") for line in err.splitlines())


def test_pairs_are_printed_for_the_claims_and_figures_of_a_document(tmp_path, capsys):
    path = tmp_path / "seeds.sqlite"
    with Store.open(path) as store:
        ft, wire = import_seeds(store)
        tag(store, ft.id, "at least six people", "Figure")
        tag(store, ft.id, "Donald Trump", "Actor")
    before = path.read_bytes()
    with ChatServer("good") as server:
        code, out, err = run(capsys, "suggest", path, "--model", "test-model", "--endpoint", server.base_url,
                             "--pairs", "--doc", ft.title)
    assert code == 0
    [line] = out.splitlines()
    assert line.startswith("contradicts 'at least six people'") and "'seven people'" in line
    assert "1 pair from 1 request" in err and "not cached" in err
    with ChatServer("good") as server:
        code, out, err = run(capsys, "suggest", path, "--model", "test-model", "--endpoint", server.base_url,
                             "--pairs", "--json")
    assert code == 0 and [p["relation"] for p in json.loads(out)["pairs"]] == ["contradicts"]
    assert path.read_bytes() == before
    code, out, err = run(capsys, "suggest", path, "--model", "test-model", "--endpoint", server.base_url,
                         "--pairs", "--doc", wire.title)
    assert code == 2 and "Nothing in that document is tagged Claim or Figure" in err


def test_evaluate_without_a_model_scores_the_rules_and_the_cache_sending_nothing(reviewed, capsys):
    path, a, b = reviewed
    code, out, err = run(capsys, "suggest", path, "--evaluate", "--label", "Figure")
    assert code == 0 and out.splitlines()[1].split()[:5] == ["rules", "Figure", "1", "0", "0"]
    assert "No model was asked" in err
    code, out, err = run(capsys, "suggest", path, "--evaluate", "--label", "Figur")
    assert code == 2 and out == "" and "There is no label 'Figur' in this project." in err
    code, out, err = run(capsys, "suggest", path, "--pairs")
    assert code == 2 and "--pairs needs --model NAME" in err
    code, out, err = run(capsys, "suggest", path, "--model", "m", "--evaluate", "--pairs")
    assert code == 2 and "not both" in err


def test_the_pairs_summary_counts_pairs_and_names_unknown_relations():
    line = pairs_line(Summary(kept=0, asked=2, cached=1, unknown_label=1, not_in_text=2))
    assert line == ("0 pairs from 2 requests (1 cached); 2 answers not in the text dropped; 1 answer with an unknown "
                    "relation dropped")


def test_a_remote_endpoint_needs_consent_for_evaluate_and_pairs_too(reviewed, capsys):
    path, a, b = reviewed
    for flag in ("--evaluate", "--pairs"):
        code, out, err = run(capsys, "suggest", path, "--model", "m", "--endpoint", "http://api.example.com/v1", flag)
        assert code == 2 and out == "" and "--allow-remote api.example.com" in err


def test_pairs_and_evaluate_report_the_questions_asked_on_stderr(reviewed, capsys, monkeypatch):
    """Issue 24: ``--pairs`` and ``--evaluate`` show the questions asked of all on standard error, like a plain
    model run (at once here: the progress thresholds set to zero)."""
    monkeypatch.setattr(cli_progress, "QUIET_S", 0)
    monkeypatch.setattr(cli_progress, "LINE_EVERY_S", 0)
    path, a, b = reviewed
    with ChatServer("good") as server:
        code, _, err = run(capsys, "suggest", path, "--model", "test-model", "--endpoint", server.base_url,
                           "--evaluate")
        assert code == 0 and err.splitlines()[:2] == ["Asking test-model: 100% (1 of 1)", "Asking test-model: done (1)"]
        code, _, err = run(capsys, "suggest", path, "--model", "test-model", "--endpoint", server.base_url, "--pairs")
        lines = err.splitlines()
        assert code == 0 and "Asking test-model: 50% (1 of 2)" in lines
        assert lines.index("Asking test-model: 100% (2 of 2)") + 1 == lines.index("Asking test-model: done (2)")
