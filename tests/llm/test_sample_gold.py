"""The benchmark's gold tags for the sample corpus stay true to the seeds: every quote is found, and the tags of a
project built from them are the quotes at their offsets (benchmarks/sample_gold.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from annotator.core.formats.documents import import_seeds
from annotator.core.llm.evaluate import evaluate, gold_spans, reviewed_documents, rules_predictions
from annotator.core.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from sample_gold import resolve, sample_gold, tag_sample_gold  # noqa: E402


def test_every_gold_quote_is_in_its_article_and_nested_mentions_are_not_doubled():
    gold = sample_gold()
    assert len(gold) == 2 and all(gold.values())
    text = "Donald Trump met Trump’s envoy; Trumpet is not Trump."
    tags = resolve(text, [{"label": "Actor", "quote": "Trump", "all": True},
                          {"label": "Actor", "quote": "Donald Trump", "all": True}])
    assert [text[s:e] for _, s, e in tags] == ["Donald Trump", "Trump", "Trump"]
    assert [s for _, s, _ in tags] == [0, 17, 47]


def test_a_quote_not_in_the_article_is_refused():
    try:
        resolve("seven people", [{"label": "Figure", "quote": "six people"}])
    except ValueError as exc:
        assert "six people" in str(exc)
    else:
        raise AssertionError("a missing quote was accepted")


def test_the_sample_project_is_tagged_reviewed_and_scored(tmp_path):
    with Store.open(tmp_path / "sample.sqlite") as store:
        import_seeds(store)
        ids = tag_sample_gold(store)
        assert sorted(reviewed_documents(store)) == sorted(ids)
        for ann in store.iter_annotations():
            assert store.document_text(ann.document)[ann.start:ann.end] == ann.quote
        gold = gold_spans(store, ids)
        assert sum(len(tags) for tags in gold.values()) == sum(len(t) for t in sample_gold().values())
        table = evaluate(gold, {"rules": rules_predictions(store, ids)}, ["Figure", "Actor", "Claim"])
    figure = next(r for r in table.rows if r.label == "Figure")
    assert figure.tp + figure.fn == 11  # 8 figures in the FT report, 3 in the other
