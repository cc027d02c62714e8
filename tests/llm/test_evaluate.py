"""Evaluation against the documents the analyst reviewed: gold, matching, the table, the honest rules baseline."""

from __future__ import annotations

import pytest

from annotator.cli import main
from annotator.core.errors import InputError
from annotator.core.llm.evaluate import ALL_LABELS, RULES, evaluate, gold_spans, matches, reviewed_documents, \
    rules_predictions
from annotator.core.store import Store

TEXT_A = "Officials said at least six people died. The mayor said the ceasefire holds firmly now. Then rain."
TEXT_B = "Nothing happened in the north. Seven people were hurt."


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "p.sqlite") as s:
        for name in ("Figure", "Actor", "Claim", "Place"):
            s.ensure_label(name)
        yield s


def tag(store, doc, quote, label, status="pending", who="alice"):
    text = store.document_text(doc)
    start = text.index(quote)
    ann = store.add_annotation(doc, label, start, start + len(quote), who)
    if status != "pending":
        store.set_review(ann.id, status, "lead")
    return ann


def row(evaluation, suggester, label):
    return next(r for r in evaluation.rows if r.suggester == suggester and r.label == label)


def test_three_gold_two_predicted_one_right():
    gold = {"d": {("Figure", 0, 5), ("Figure", 10, 15), ("Figure", 20, 25)}}
    result = evaluate(gold, {"m": {"d": [("Figure", 0, 5), ("Figure", 30, 35)]}}, ["Figure"])
    r = row(result, "m", "Figure")
    assert (r.tp, r.fp, r.fn) == (1, 1, 2)
    assert r.precision == 0.5 and r.recall == pytest.approx(1 / 3) and r.f1 == pytest.approx(0.4)
    total = row(result, "m", ALL_LABELS)
    assert (total.tp, total.fp, total.fn, total.precision) == (1, 1, 2, 0.5)


def test_overlap_needs_half_of_the_longer_span_and_the_same_label():
    gold = {("Figure", 10, 20)}
    assert matches(gold, {("Figure", 12, 20)}) == 1  # 8 of 10
    assert matches(gold, {("Figure", 10, 30)}) == 1  # 10 of 20: exactly half
    assert matches(gold, {("Figure", 15, 40)}) == 0  # 5 of 25
    assert matches(gold, {("Claim", 10, 20)}) == 0
    assert matches(gold, {("Figure", 12, 20)}, "exact") == 0
    assert matches(gold, {("Figure", 10, 20)}, "exact") == 1


def test_overlap_is_one_to_one_largest_overlap_first():
    assert matches({("Figure", 10, 20)}, {("Figure", 10, 19), ("Figure", 11, 20)}) == 1
    # P (5, 15) overlaps A by 5 and B by 7: it goes to B, and Q still matches A.
    gold = {("Figure", 0, 10), ("Figure", 8, 20)}
    assert matches(gold, {("Figure", 5, 15), ("Figure", 0, 9)}) == 2


def test_exact_and_overlap_differ_in_the_table():
    gold = {"d": {("Claim", 0, 10)}}
    predictions = {"m": {"d": [("Claim", 0, 9)]}}
    assert row(evaluate(gold, predictions, ["Claim"]), "m", "Claim").tp == 1
    exact = evaluate(gold, predictions, ["Claim"], match="exact")
    assert (row(exact, "m", "Claim").tp, row(exact, "m", "Claim").fp) == (0, 1)
    with pytest.raises(InputError, match="Unknown matching"):
        evaluate(gold, predictions, ["Claim"], match="fuzzy")


def test_undefined_measures_are_zero_and_shown_as_a_dash():
    gold = {"d": {("Claim", 0, 10)}}
    result = evaluate(gold, {"m": {"d": []}}, ["Claim", "Place"])
    claim, place = row(result, "m", "Claim"), row(result, "m", "Place")
    assert (claim.precision, claim.recall, claim.f1) == (0.0, 0.0, 0.0)
    assert (place.tp, place.fp, place.fn, place.f1) == (0, 0, 0, 0.0)
    lines = result.table().splitlines()
    claim_line = next(line for line in lines if line.split()[:2] == ["m", "Claim"])
    assert claim_line.split()[-3:] == ["–", "0.000", "0.000"]
    place_line = next(line for line in lines if line.split()[:2] == ["m", "Place"])
    assert place_line.split()[-3:] == ["–", "–", "–"]


def test_rows_rules_first_then_models_by_name_and_k_of_n_documents():
    gold = {"a": {("Figure", 0, 5), ("Place", 7, 9)}, "b": {("Figure", 0, 5)}}
    predictions = {"zeta (spans-1)": {"a": [("Figure", 0, 5)]}, "alpha (spans-1)": {"a": [], "b": []},
                   RULES: {"a": [("Figure", 0, 5), ("Place", 7, 9)], "b": []}}
    result = evaluate(gold, predictions, ["Figure", "Place"])
    assert [(r.suggester, r.label) for r in result.rows] == [
        (RULES, "Figure"), (RULES, ALL_LABELS),
        ("alpha (spans-1)", "Figure"), ("alpha (spans-1)", "Place"), ("alpha (spans-1)", ALL_LABELS),
        ("zeta (spans-1)", "Figure"), ("zeta (spans-1)", "Place"), ("zeta (spans-1)", ALL_LABELS)]
    # the rules know no Place: no row, "no rules" in the table, and their micro average leaves it out
    assert (row(result, RULES, ALL_LABELS).tp, row(result, RULES, ALL_LABELS).fn) == (1, 1)
    assert result.no_rules == ["Place"]
    zeta = row(result, "zeta (spans-1)", ALL_LABELS)
    assert (zeta.tp, zeta.fp, zeta.fn) == (1, 0, 1)  # scored on document a only
    table = result.table()
    assert "no rules" in table
    assert "zeta (spans-1): 1 of 2 reviewed documents" in table
    assert "alpha (spans-1): " not in table.split("Matching:")[1]
    assert result.to_json()["suggesters"][2] == {"name": "zeta (spans-1)", "documents": 1}


def test_mark_done_works_in_a_project_that_never_joined_a_team(store):
    a, _ = store.add_document(TEXT_A, "A")
    b, _ = store.add_document(TEXT_B, "B")
    assert store.team() is None
    assert reviewed_documents(store) == []
    store.mark_done(b.id, "tester")
    store.mark_done(a.id, "tester")
    assert reviewed_documents(store) == [a.id, b.id]  # the project's order
    store.mark_done(b.id, "tester", done=False)
    assert reviewed_documents(store) == [a.id]


def test_gold_is_the_not_rejected_tags_of_reviewed_documents(store):
    a, _ = store.add_document(TEXT_A, "A")
    b, _ = store.add_document(TEXT_B, "B")
    six = tag(store, a.id, "at least six people", "Figure", "accepted")
    mayor = tag(store, a.id, "The mayor", "Actor")  # pending counts: the analyst reviewed the document
    tag(store, a.id, "Officials", "Actor", "rejected")
    tag(store, b.id, "Seven people", "Figure", "accepted")  # B is not reviewed
    store.mark_done(a.id, "tester")
    gold = gold_spans(store, reviewed_documents(store))
    assert gold == {a.id: {("Figure", six.start, six.end), ("Actor", mayor.start, mayor.end)}}
    bob = tag(store, a.id, "Then rain", "Place", who="bob")
    assert gold_spans(store, [a.id], annotator="bob") == {a.id: {("Place", bob.start, bob.end)}}


def test_the_rules_baseline_does_not_learn_from_the_document_s_own_tags(store):
    a, _ = store.add_document(TEXT_A, "A")
    b, _ = store.add_document(TEXT_B + " He said the ceasefire holds firmly now.", "B")
    claim = tag(store, a.id, "the ceasefire holds firmly now", "Claim", "accepted")
    six = tag(store, a.id, "at least six people", "Figure", "accepted")
    store.mark_done(a.id, "tester")
    gold = gold_spans(store, [a.id])
    predicted = rules_predictions(store, [a.id])
    # the figure rule finds the figure by itself; nothing else tags the unquoted claim, so the baseline misses it
    assert ("Figure", six.start, six.end) in predicted[a.id]
    assert ("Claim", claim.start, claim.end) not in predicted[a.id]
    result = evaluate(gold, {RULES: predicted}, ["Figure", "Claim"])
    assert (row(result, RULES, "Claim").tp, row(result, RULES, "Claim").fn) == (0, 1)
    assert row(result, RULES, "Figure").tp == 1
    # what it learned from ANOTHER document is fair: the same claim tagged in B is then found in A
    tag(store, b.id, "the ceasefire holds firmly now", "Claim")
    assert ("Claim", claim.start, claim.end) in rules_predictions(store, [a.id])[a.id]


def test_the_rules_baseline_ignores_the_document_s_own_rejections(store):
    a, _ = store.add_document(TEXT_A + " Later at least six people left.", "A")
    text = store.document_text(a.id)
    first, second = text.index("at least six people"), text.rindex("at least six people")
    spans = [("Figure", s, s + len("at least six people")) for s in (first, second)]
    store.reject_suggestions(a.id, spans)  # rejected twice: learned, the pattern would stop being suggested
    assert set(spans) <= rules_predictions(store, [a.id])[a.id]


def test_annotator_team_done_marks_a_document_reviewed_in_a_project_without_a_team(tmp_path, capsys):
    path = tmp_path / "solo.sqlite"
    with Store.open(path) as s:
        a, _ = s.add_document(TEXT_A, "Report A")
    assert main(["team", "done", str(path), "Report A"]) == 0
    assert "Report A: marked done (reviewed)" in capsys.readouterr().out
    with Store.open(path, create=False) as s:
        assert reviewed_documents(s) == [a.id] and s.done_documents() == {a.id: {"tester"}}
    assert main(["team", "done", str(path), "Report A", "--undo"]) == 0
    with Store.open(path, create=False) as s:
        assert reviewed_documents(s) == []
