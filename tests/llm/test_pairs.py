"""Cross-source pairs against the scripted chat server: asked, anchored, counted, cached, accepted, in Discrepancies."""

from __future__ import annotations

import pytest
from chat_server import ChatServer, good_pairs, pair_data_of

from annotator.core.crosssource import discrepancies
from annotator.core.errors import InputError, NotFoundError
from annotator.core.formats.documents import import_seeds
from annotator.core.llm.client import ChatClient
from annotator.core.llm.endpoint import make_endpoint
from annotator.core.llm.pairs import PAIRS_PROMPT_VERSION, accept_pair, context_of, pair_cache_keys, pair_request, \
    sources_in, suggest_pairs
from annotator.core.store import Store


@pytest.fixture
def seeded(tmp_path):
    with Store.open(tmp_path / "p.sqlite") as store:
        ft, wire = import_seeds(store)
        yield store, ft.id, wire.id


def tag(store, doc, quote, label, who="alice"):
    text = store.document_text(doc)
    start = text.index(quote)
    return store.add_annotation(doc, label, start, start + len(quote), who)


def run(store, server, ids, cached=None, **kw):
    client = ChatClient(make_endpoint(server.base_url, "test-model"))
    try:
        return suggest_pairs(pair_request(store, ids, **kw), client, cached=cached)
    finally:
        client.close()


def test_at_least_six_people_and_seven_people_are_offered_as_contradicting(seeded):
    store, ft, wire = seeded
    six = tag(store, ft, "at least six people", "Figure")
    with ChatServer("good") as server:  # the good mode answers pairs with good_pairs
        result = run(store, server, [six.id])
        asked = server.chat_requests
    [pair] = result.pairs
    assert (pair.source, pair.document, pair.quote, pair.relation, pair.link_type) == (
        six.id, wire, "seven people", "contradicts", "contradicts")
    assert store.document_text(wire)[pair.start:pair.end] == "seven people"
    assert pair.label == "Figure" and pair.provenance.prompt_version == PAIRS_PROMPT_VERSION
    # one request per chunk of the OTHER document only, the statement and passage sent as a data object
    assert result.summary.asked == len(asked) >= 1 and result.summary.kept == 1
    assert all(PAIRS_PROMPT_VERSION in r.body["messages"][0]["content"] for r in asked)
    data = pair_data_of(asked[0].body)
    assert data["statement"] == "at least six people" and "at least six people" in data["statement_context"]
    assert data["passage"] in store.document_text(wire) and data["passage_offset"] == 0
    assert set(result.answers) == set(pair_cache_keys(pair_request(store, [six.id]), make_endpoint(
        server.base_url, "test-model")))


def test_accepting_tags_links_and_feeds_the_discrepancies_in_one_step(seeded):
    store, ft, wire = seeded
    six = tag(store, ft, "at least six people", "Figure")
    with ChatServer("good", pairs=good_pairs) as server:
        [pair] = run(store, server, [six.id]).pairs
        ann_id, link_id = accept_pair(store, pair, "tester")
        target, link = store.annotation(ann_id), store.link(link_id)
        assert (target.document, target.label, target.quote) == (wire, "Figure", "seven people")
        assert target.origin.startswith("model test-model, prompt pairs-1,") and "contradicts" in target.origin
        assert target.note == "" and link.note == ""
        assert (link.type, link.source, link.target, link.annotator) == ("contradicts", six.id, ann_id, "tester")
        [d] = discrepancies(store)
        assert (d.left.quote, d.right.quote, d.kind) == ("at least six people", "seven people", "figure")
        # linked now: the same span is not offered again, and accepting the pair again changes nothing
        assert run(store, server, [six.id]).pairs == []
        with pytest.raises(InputError, match="already linked"):
            accept_pair(store, pair, "tester")
        assert len(store.links()) == 1


def test_accepting_reuses_a_tag_with_that_label_and_span_and_fails_whole(seeded):
    store, ft, wire = seeded
    six = tag(store, ft, "at least six people", "Figure")
    seven = tag(store, wire, "seven people", "Figure", who="bob")
    with ChatServer("good", pairs=good_pairs) as server:
        [pair] = run(store, server, [six.id]).pairs
    count = store.annotation_count()
    assert accept_pair(store, pair, "tester")[0] == seven.id and store.annotation_count() == count
    store.delete_link(store.links_of(six.id)[0].id)
    store.delete_annotation(seven.id)
    gone = pair.__class__(**{**pair.__dict__, "source": "no-such-annotation"})
    with pytest.raises(NotFoundError):
        accept_pair(store, gone, "tester")
    assert store.annotation_count() == count - 1 and store.links() == []  # nothing half done


def test_claims_in_other_words_contradicting_are_listed_with_the_model_s_reason(seeded):
    store, ft, wire = seeded
    claim = tag(store, ft, "tremendous progress", "Claim")

    def contradicting(body):
        passage = pair_data_of(body)["passage"]
        at = passage.find("making progress")
        return {"pairs": [] if at < 0 else [{"quote": "making progress", "start": pair_data_of(body)["passage_offset"]
                                             + at, "relation": "contradicts", "reason": "progress is not done"}]}

    with ChatServer("good", pairs=contradicting) as server:
        [pair] = run(store, server, [claim.id]).pairs
    accept_pair(store, pair, "tester")
    [d] = [d for d in discrepancies(store) if d.kind == "claim"]
    assert (d.left.quote, d.right.quote, d.explanation) == ("tremendous progress", "making progress",
                                                            "progress is not done")


def test_bad_pairs_are_dropped_and_counted(seeded):
    store, ft, wire = seeded
    six = tag(store, ft, "at least six people", "Figure")

    def bad(body):
        offset = pair_data_of(body)["passage_offset"]
        return {"pairs": [{"quote": "eleven thousand people", "start": offset, "relation": "agrees", "reason": "x"},
                          {"quote": "seven people", "start": 0, "relation": "is the same as", "reason": "x"},
                          {"quote": "Trump", "relation": "agrees", "reason": "found several times"},
                          {"quote": 7, "relation": "agrees"}, "not an object"]}

    before = store.annotation_count()
    with ChatServer("good", pairs=bad) as server:
        result = run(store, server, [six.id])
    s = result.summary
    assert result.pairs == [] and (s.unknown_label, s.ambiguous) == (s.asked, s.asked)
    assert s.not_in_text == s.asked and s.invalid == 2 * s.asked and s.failed == 0
    assert store.annotation_count() == before


def test_failures_are_counted_and_a_cached_run_asks_nothing(seeded):
    store, ft, wire = seeded
    six = tag(store, ft, "at least six people", "Figure")
    with ChatServer("good", pairs=lambda body: "this is not JSON") as server:
        failed = run(store, server, [six.id])
    assert failed.pairs == [] and failed.summary.failed == failed.summary.asked >= 1
    assert failed.summary.failures == {"bad_json": failed.summary.failed} and failed.answers == {}
    with ChatServer("good", pairs=good_pairs) as server:
        first = run(store, server, [six.id])
        again = run(store, server, [six.id], cached=first.answers)
        assert len(server.chat_requests) == first.summary.asked
    assert again.pairs == first.pairs and (again.summary.asked, again.summary.cached) == (0, first.summary.asked)
    assert again.answers == {}


def test_sources_are_the_claims_and_figures_and_the_context_is_their_sentence(seeded):
    store, ft, wire = seeded
    six = tag(store, ft, "at least six people", "Figure")
    tag(store, ft, "Donald Trump", "Actor")
    seven = tag(store, wire, "seven people", "Figure")
    assert sources_in(store, [ft]) == [six.id] and set(sources_in(store)) == {six.id, seven.id}
    text = "First one. Then at least six people died here! Last."
    assert context_of(text, text.index("at least"), text.index(" died")) == "Then at least six people died here!"
    request = pair_request(store, [six.id, seven.id])
    assert [d.id for d in request.targets(request.sources[0])] == [wire]
    assert pair_request(store, [six.id], documents=[ft]).documents == []
