"""Review categories: agreed, label and boundary conflicts, spans only one annotator has."""

from __future__ import annotations

import dataclasses
import itertools
import random

import pytest

from annotator.core.model import Annotation
from annotator.core.review import CATEGORIES, ReviewGroup, ReviewItem, categorize, categorize_many

_ids = itertools.count()


def ann(who: str, start: int, end: int, label: str = "X", doc: str = "d", id: str | None = None) -> Annotation:
    return Annotation(
        id=id or f"{who}{next(_ids):04d}", document=doc, label=label, start=start, end=end, quote="", annotator=who
    )


def summary(items: list[ReviewItem]) -> list[tuple]:
    return [
        (
            it.category,
            it.document,
            it.start,
            it.end,
            (it.a.start, it.a.end, it.a.label) if it.a else None,
            (it.b.start, it.b.end, it.b.label) if it.b else None,
        )
        for it in items
    ]


def test_each_category():
    a = [
        ann("a", 0, 5, "X"),  # agreed
        ann("a", 10, 15, "X"),  # label conflict
        ann("a", 20, 30, "X"),  # boundary conflict
        ann("a", 40, 45, "X"),  # only a
    ]
    b = [
        ann("b", 0, 5, "X"),
        ann("b", 10, 15, "Y"),
        ann("b", 22, 33, "X"),
        ann("b", 50, 55, "Z"),  # only b
    ]
    assert summary(categorize(a, b)) == [
        ("agreed", "d", 0, 5, (0, 5, "X"), (0, 5, "X")),
        ("label_conflict", "d", 10, 15, (10, 15, "X"), (10, 15, "Y")),
        ("boundary_conflict", "d", 20, 33, (20, 30, "X"), (22, 33, "X")),
        ("only_a", "d", 40, 45, (40, 45, "X"), None),
        ("only_b", "d", 50, 55, None, (50, 55, "Z")),
    ]
    assert {it.category for it in categorize(a, b)} == set(CATEGORIES)


def test_items_are_frozen_dataclasses():
    item = categorize([ann("a", 0, 1)], [])[0]
    assert dataclasses.is_dataclass(item) and isinstance(item, ReviewItem)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.category = "agreed"  # type: ignore[misc]
    assert [f.name for f in dataclasses.fields(ReviewItem)] == ["category", "document", "start", "end", "a", "b"]


def test_overlap_with_other_label_and_other_bounds_is_unrelated():
    items = categorize([ann("a", 0, 10, "X")], [ann("b", 5, 15, "Y")])
    assert summary(items) == [
        ("only_a", "d", 0, 10, (0, 10, "X"), None),
        ("only_b", "d", 5, 15, None, (5, 15, "Y")),
    ]


def test_touching_spans_do_not_overlap():
    items = categorize([ann("a", 0, 5)], [ann("b", 5, 9)])
    assert [it.category for it in items] == ["only_a", "only_b"]


def test_exact_bounds_are_matched_before_overlaps():
    # b's X at the same bounds with another label is a label conflict, even though a
    # same-label span of b overlaps too; that one is then left over.
    a = [ann("a", 0, 10, "X")]
    b = [ann("b", 0, 10, "Y"), ann("b", 0, 9, "X")]
    assert summary(categorize(a, b)) == [
        ("only_b", "d", 0, 9, None, (0, 9, "X")),
        ("label_conflict", "d", 0, 10, (0, 10, "X"), (0, 10, "Y")),
    ]


def test_several_labels_at_the_same_bounds():
    a = [ann("a", 0, 5, "P"), ann("a", 0, 5, "Q"), ann("a", 0, 5, "S")]
    b = [ann("b", 0, 5, "Q"), ann("b", 0, 5, "R")]
    cats = [(it.category, it.a.label if it.a else None, it.b.label if it.b else None) for it in categorize(a, b)]
    assert cats == [("agreed", "Q", "Q"), ("label_conflict", "P", "R"), ("only_a", "S", None)]


def test_nested_spans_pair_by_largest_overlap():
    # a's long span overlaps b's three spans; it is paired with the one it shares most with.
    a = [ann("a", 0, 30, "X")]
    b = [ann("b", 0, 4, "X"), ann("b", 5, 20, "X"), ann("b", 22, 29, "X")]
    assert summary(categorize(a, b)) == [
        ("only_b", "d", 0, 4, None, (0, 4, "X")),
        ("boundary_conflict", "d", 0, 30, (0, 30, "X"), (5, 20, "X")),
        ("only_b", "d", 22, 29, None, (22, 29, "X")),
    ]


def test_chained_overlaps_are_one_to_one():
    # a1 overlaps b1 (by 4) and b2 (by 2); a2 overlaps b2 (by 5).
    a = [ann("a", 0, 10), ann("a", 12, 20)]
    b = [ann("b", 6, 11), ann("b", 8, 17)]
    got = summary(categorize(a, b))
    assert got == [
        ("boundary_conflict", "d", 0, 11, (0, 10, "X"), (6, 11, "X")),
        ("boundary_conflict", "d", 8, 20, (12, 20, "X"), (8, 17, "X")),
    ]


def test_nested_spans_of_one_annotator():
    # a has a span nested in another; b has the outer one exactly and one inside.
    a = [ann("a", 0, 20, "X"), ann("a", 5, 8, "X")]
    b = [ann("b", 0, 20, "X"), ann("b", 4, 9, "X")]
    assert summary(categorize(a, b)) == [
        ("agreed", "d", 0, 20, (0, 20, "X"), (0, 20, "X")),
        ("boundary_conflict", "d", 4, 9, (5, 8, "X"), (4, 9, "X")),
    ]


def test_multi_document_and_sorting():
    a = [ann("a", 0, 5, doc="d2"), ann("a", 3, 9, doc="d1"), ann("a", 0, 2, doc="d1")]
    b = [ann("b", 0, 5, doc="d1"), ann("b", 0, 5, doc="d2"), ann("b", 3, 9, "Y", doc="d1")]
    # Same offsets in different documents never match.
    assert summary(categorize(a, b)) == [
        ("boundary_conflict", "d1", 0, 5, (0, 2, "X"), (0, 5, "X")),
        ("label_conflict", "d1", 3, 9, (3, 9, "X"), (3, 9, "Y")),
        ("agreed", "d2", 0, 5, (0, 5, "X"), (0, 5, "X")),
    ]


def test_every_span_exactly_once_and_deterministic():
    rng = random.Random(4)
    for _ in range(200):
        a, b = random_sides(rng, 2)
        items = categorize(a, b)
        seen_a = [it.a.id for it in items if it.a is not None]
        seen_b = [it.b.id for it in items if it.b is not None]
        assert sorted(seen_a) == sorted(x.id for x in a)
        assert sorted(seen_b) == sorted(x.id for x in b)
        for it in items:
            check_item(it)
        keys = [(it.document, it.start, it.end) for it in items]
        assert keys == sorted(keys)
        shuffled_a, shuffled_b = a[:], b[:]
        rng.shuffle(shuffled_a)
        rng.shuffle(shuffled_b)
        assert categorize(shuffled_a, shuffled_b) == items


def check_item(it: ReviewItem) -> None:
    if it.category == "agreed":
        assert (it.a.start, it.a.end, it.a.label) == (it.b.start, it.b.end, it.b.label)
    elif it.category == "label_conflict":
        assert (it.a.start, it.a.end) == (it.b.start, it.b.end) and it.a.label != it.b.label
    elif it.category == "boundary_conflict":
        assert it.a.label == it.b.label and (it.a.start, it.a.end) != (it.b.start, it.b.end)
        assert it.a.start < it.b.end and it.b.start < it.a.end
        assert (it.start, it.end) == (min(it.a.start, it.b.start), max(it.a.end, it.b.end))
    elif it.category == "only_a":
        assert it.b is None and (it.start, it.end) == (it.a.start, it.a.end)
    else:
        assert it.category == "only_b" and it.a is None and (it.start, it.end) == (it.b.start, it.b.end)
    if it.a is not None and it.b is not None:
        assert it.a.document == it.b.document == it.document


def random_sides(rng: random.Random, n: int) -> list[list[Annotation]]:
    base = [
        (rng.choice(("d1", "d2")), s, s + rng.randint(1, 6), rng.choice("XYZ"))
        for s in (rng.randrange(30) for _ in range(rng.randint(0, 10)))
    ]
    sides = []
    for w in range(n):
        spans = []
        for d, s, e, lab in base:
            r = rng.random()
            if r < 0.5:
                spans.append((d, s, e, lab))
            elif r < 0.65:
                spans.append((d, max(0, s + rng.randint(-2, 2)), e + rng.randint(0, 3), lab))
            elif r < 0.8:
                spans.append((d, s, e, rng.choice("XYZ")))
        for _ in range(rng.randint(0, 3)):
            s = rng.randrange(30)
            spans.append((rng.choice(("d1", "d2")), s, s + rng.randint(1, 8), rng.choice("XYZ")))
        sides.append([ann(f"w{w}", s, e, lab, doc=d) for d, s, e, lab in spans])
    return sides


# --------------------------------------------------------------------------- #
# More than two annotators
# --------------------------------------------------------------------------- #


def groups_summary(groups: list[ReviewGroup]) -> list[tuple]:
    return [(g.category, g.start, g.end, tuple((n, a.start, a.end, a.label) for n, a in g.members)) for g in groups]


def test_many_annotators_groups():
    by = {
        "a": [ann("a", 0, 5, "X"), ann("a", 10, 15, "X"), ann("a", 20, 30, "X"), ann("a", 40, 45, "X")],
        "b": [ann("b", 0, 5, "X"), ann("b", 10, 15, "X"), ann("b", 21, 31, "X")],
        "c": [ann("c", 0, 5, "X"), ann("c", 10, 15, "Y"), ann("c", 19, 29, "X")],
    }
    assert groups_summary(categorize_many(by)) == [
        ("agreed", 0, 5, (("a", 0, 5, "X"), ("b", 0, 5, "X"), ("c", 0, 5, "X"))),
        ("label_conflict", 10, 15, (("a", 10, 15, "X"), ("b", 10, 15, "X"), ("c", 10, 15, "Y"))),
        ("boundary_conflict", 19, 31, (("a", 20, 30, "X"), ("b", 21, 31, "X"), ("c", 19, 29, "X"))),
        ("only", 40, 45, (("a", 40, 45, "X"),)),
    ]
    only = categorize_many(by)[-1]
    assert only.annotator == "a" and only.annotators == ("a",)


def test_many_annotators_partial_agreement_and_cliques():
    by = {
        "a": [ann("a", 0, 5), ann("a", 10, 20)],
        "b": [ann("b", 0, 5), ann("b", 18, 25)],
        "c": [ann("c", 24, 30)],  # overlaps b's span but not a's: not in their group
    }
    assert groups_summary(categorize_many(by)) == [
        ("agreed", 0, 5, (("a", 0, 5, "X"), ("b", 0, 5, "X"))),
        ("boundary_conflict", 10, 25, (("a", 10, 20, "X"), ("b", 18, 25, "X"))),
        ("only", 24, 30, (("c", 24, 30, "X"),)),
    ]


def test_categorize_many_with_two_annotators_matches_categorize():
    rng = random.Random(8)

    def ident(x):
        return x.id if x is not None else None

    for _ in range(200):
        a, b = random_sides(rng, 2)
        items = sorted(
            (it.category, it.document, it.start, it.end, ident(it.a), ident(it.b)) for it in categorize(a, b)
        )
        groups = []
        for g in categorize_many({"a": a, "b": b}):
            members = dict(g.members)
            category = g.category if g.category != "only" else f"only_{g.annotator}"
            groups.append((category, g.document, g.start, g.end, ident(members.get("a")), ident(members.get("b"))))
        assert items == sorted(groups)


def test_many_annotators_every_span_once():
    rng = random.Random(12)
    for _ in range(200):
        sides = random_sides(rng, rng.choice((1, 3, 4)))
        by = {f"w{k}": side for k, side in enumerate(sides)}
        groups = categorize_many(by)
        seen = sorted(a.id for g in groups for _, a in g.members)
        assert seen == sorted(a.id for side in sides for a in side)
        for g in groups:
            names = [n for n, _ in g.members]
            assert len(names) == len(set(names))
            anns = [a for _, a in g.members]
            if g.category == "agreed":
                assert len({(a.start, a.end, a.label) for a in anns}) == 1 and len(anns) >= 2
            elif g.category == "label_conflict":
                assert len({(a.start, a.end) for a in anns}) == 1 and len({a.label for a in anns}) >= 2
            elif g.category == "boundary_conflict":
                assert len({a.label for a in anns}) == 1
                assert all(x.start < y.end and y.start < x.end for x, y in itertools.combinations(anns, 2))
            else:
                assert g.category == "only" and len(anns) == 1


def test_empty_inputs():
    assert categorize([], []) == []
    assert categorize_many({}) == []
    assert categorize_many({"a": []}) == []
    only = categorize([], [ann("b", 1, 2)])
    assert [it.category for it in only] == ["only_b"]
