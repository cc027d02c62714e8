"""The models' rows of the evaluation: re-anchored from the cached answers, complete documents only, every run."""

from __future__ import annotations

from dataclasses import replace

from chat_server import ChatServer
from llm_helpers import REPORT_A, REPORT_B, make_project

from annotator.core.llm.client import ChatClient
from annotator.core.llm.endpoint import make_endpoint
from annotator.core.llm.evaluate import ALL_LABELS, RULES, model_predictions_from_cache, project_evaluation, \
    span_runs
from annotator.core.llm.pairs import PAIRS_PROMPT_VERSION
from annotator.core.llm.spans import cache_keys, cache_rows, span_request, suggest_spans
from annotator.core.store import Store

LABELS = ["Figure", "Actor", "Claim"]
LONG = "".join(f"Paragraph {n}: the army said {n + 3} people died near Kharkiv.\n\n" for n in range(60))


def tag(store, doc, quote, label, status="pending"):
    text = store.document_text(doc)
    start = text.index(quote)
    ann = store.add_annotation(doc, label, start, start + len(quote), "lea")
    if status != "pending":
        store.set_review(ann.id, status, "lead")
    return ann


def run_and_cache(store, server, docs, labels=LABELS, context=8192, model="test-model", only=None):
    """Ask the good model about ``docs`` and cache its answers (only the keys ``only`` picks, when given)."""
    client = ChatClient(make_endpoint(server.base_url, model, context_tokens=context))
    request = replace(span_request(store, docs, labels), existing=frozenset())
    result = suggest_spans(request, client)
    answers = {k: v for k, v in result.answers.items() if only is None or only(k)}
    store.save_answers(cache_rows(request, client.endpoint, answers))
    client.close()
    return {(s.label, s.start, s.end) for s in result.suggestions}, cache_keys(request, client.endpoint)


def row(evaluation, suggester, label):
    return next(r for r in evaluation.rows if r.suggester == suggester and r.label == label)


def test_cached_answers_are_anchored_again_and_gold_tags_are_not_hidden(tmp_path):
    path, (a, b) = make_project(tmp_path / "p.sqlite")
    with Store.open(path) as store, ChatServer("good") as server:
        tag(store, a, "36 people", "Figure", "accepted")  # a tag the model also finds: it must count as right
        found, _ = run_and_cache(store, server, [a, b])
        asked = len(server.chat_requests)
        cached = model_predictions_from_cache(store, [a, b], "test-model", "spans-1", LABELS)
        assert len(server.chat_requests) == asked  # nothing asked
        assert model_predictions_from_cache(store, [a], "other-model", "spans-1", LABELS) == {}
    assert set().union(*cached.values()) == found and set(cached) == {a, b}
    start = REPORT_A.index("36 people")
    assert ("Figure", start, start + len("36 people")) in cached[a]


def test_a_document_counts_only_when_every_piece_has_an_answer(tmp_path):
    path, (long_doc, b) = make_project(tmp_path / "p.sqlite", LONG, REPORT_B)
    with Store.open(path) as store, ChatServer("good") as server:
        _, keys = run_and_cache(store, server, [long_doc], context=2048)
        pieces = [k for k, d in keys.items() if d == long_doc]
        assert len(pieces) > 1
        # a run with another context size is found too (its pieces, and keys, differ)
        assert set(model_predictions_from_cache(store, [long_doc], "test-model", "spans-1", LABELS)) == {long_doc}
        store.forget_answers(long_doc)
        run_and_cache(store, server, [long_doc, b], context=2048, only=lambda k: k != pieces[-1])
        assert set(model_predictions_from_cache(store, [long_doc, b], "test-model", "spans-1", LABELS)) == {b}


def test_one_run_per_label_counts_as_a_run_of_all_of_them(tmp_path):
    path, (a, b) = make_project(tmp_path / "p.sqlite")
    with Store.open(path) as store, ChatServer("good") as server:
        run_and_cache(store, server, [a], labels=["Figure"])
        assert model_predictions_from_cache(store, [a], "test-model", "spans-1", ["Figure", "Claim"]) == {}
        run_and_cache(store, server, [a], labels=["Claim"])
        got = model_predictions_from_cache(store, [a], "test-model", "spans-1", ["Figure", "Claim"])
    assert {label for label, _, _ in got[a]} == {"Figure", "Claim"}


def test_the_table_holds_the_rules_and_every_cached_model_on_the_reviewed_documents(tmp_path):
    path, (a, b) = make_project(tmp_path / "p.sqlite")
    with Store.open(path) as store, ChatServer("good") as server:
        tag(store, a, "36 people", "Figure", "accepted")
        tag(store, a, "John Smith", "Actor")
        tag(store, a, "the talks went well", "Claim")
        tag(store, a, "Witkoff", "Actor", "rejected")
        store.mark_done(a, "lea")
        codable = [label.name for label in store.codable_labels()]
        assert set(codable) > set(LABELS)
        run_and_cache(store, server, [a, b], labels=codable)  # a run about every label serves any of them
        run_and_cache(store, server, [a], model="zz-model", labels=["Figure"])
        store.save_answers([("pair-key", b, "test-model", PAIRS_PROMPT_VERSION, '{"pairs": []}', "2026-12-07")])
        assert span_runs(store) == [("test-model", "spans-1"), ("zz-model", "spans-1")]
        evaluation = project_evaluation(store, labels=LABELS)
        figure_only = project_evaluation(store, labels=["Figure"])
    # zz-model asked about Figure only: no complete answer for the three labels, listed with 0 documents
    assert evaluation.scored == {RULES: 1, "test-model (spans-1)": 1, "zz-model (spans-1)": 0}
    assert "zz-model (spans-1): 0 of 1 reviewed documents" in evaluation.table()
    model = row(evaluation, "test-model (spans-1)", "Figure")
    assert (model.tp, model.fn) == (1, 0)
    claim = row(evaluation, "test-model (spans-1)", "Claim")
    assert (claim.tp, claim.fp, claim.fn) == (1, 0, 0)
    total = row(evaluation, "test-model (spans-1)", ALL_LABELS)
    assert total.tp + total.fn == 3  # the rejected Actor is no gold
    assert figure_only.scored == {RULES: 1, "test-model (spans-1)": 1,
                                  "zz-model (spans-1)": 1}
