"""SpanIndex against brute force: look-ups, reading order, lanes."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.spans import LONG_SPAN_BUCKETS, Span, SpanIndex

TEXT_LENGTH = 400


@st.composite
def span_lists(draw, max_spans: int = 40):
    """Random spans over a short text: short, empty, nested and a few very long ones."""
    count = draw(st.integers(0, max_spans))
    spans = []
    for i in range(count):
        start = draw(st.integers(0, TEXT_LENGTH))
        length = draw(st.one_of(st.integers(0, 12), st.integers(0, TEXT_LENGTH)))
        spans.append(Span(f"s{i:03d}", start, min(TEXT_LENGTH, start + length)))
    return spans


# Small buckets so that queries cross many buckets and long spans (more than
# LONG_SPAN_BUCKETS buckets) take the side-list path too.
bucket_sizes = st.sampled_from([1, 3, 8, 1024])


def reading_key(span):
    return (span.start, -span.end, span.id)


def brute_at(spans, offset):
    return [s.id for s in sorted(spans, key=reading_key) if s.start <= offset < s.end]


def brute_overlapping(spans, start, end):
    """Spans sharing at least one character with [start, end): both ranges non-empty and intersecting."""
    shared = [s for s in spans if max(s.start, start) < min(s.end, end)]
    return sorted(shared, key=reading_key)


@given(span_lists(), bucket_sizes, st.integers(0, TEXT_LENGTH + 5))
def test_at_matches_brute_force(spans, bucket_size, offset):
    index = SpanIndex(spans, bucket_size=bucket_size)
    assert index.at(offset) == brute_at(spans, offset)


@given(span_lists(), bucket_sizes, st.integers(0, TEXT_LENGTH + 5), st.integers(0, TEXT_LENGTH))
def test_overlapping_matches_brute_force(spans, bucket_size, start, length):
    index = SpanIndex(spans, bucket_size=bucket_size)
    assert index.overlapping(start, start + length) == brute_overlapping(spans, start, start + length)


@given(span_lists(), st.integers(-1, TEXT_LENGTH + 1))
def test_next_after_and_previous_before_match_brute_force(spans, offset):
    index = SpanIndex(spans)
    ordered = sorted(spans, key=reading_key)
    after = [s for s in ordered if s.start > offset]
    before = [s for s in ordered if s.start < offset]
    assert index.next_after(offset) == (after[0] if after else None)
    assert index.previous_before(offset) == (before[-1] if before else None)


@given(span_lists())
def test_spans_are_in_reading_order_and_neighbours_walk_them(spans):
    index = SpanIndex(spans)
    assert index.spans == sorted(spans, key=reading_key)
    for i, span in enumerate(index.spans):
        assert index.index_of(span.id) == i
        assert index.neighbour(span.id, 1) == (index.spans[i + 1] if i + 1 < len(spans) else None)
        assert index.neighbour(span.id, -1) == (index.spans[i - 1] if i else None)


@given(span_lists(max_spans=60))
def test_overlapping_spans_never_share_a_lane(spans):
    index = SpanIndex(spans)
    assert set(index.lanes) == {s.id for s in spans}
    for a in spans:
        for b in spans:
            if a.id != b.id and a.start < b.end and b.start < a.end:
                assert index.lanes[a.id] != index.lanes[b.id]
    assert index.max_lane == max(index.lanes.values(), default=-1)


@given(span_lists(max_spans=60))
def test_lanes_are_the_lowest_free_lane_at_each_start(spans):
    index = SpanIndex(spans)
    placed = []
    for span in index.spans:
        taken = {index.lanes[p.id] for p in placed if p.end > span.start}
        assert index.lanes[span.id] == min(set(range(len(placed) + 1)) - taken)
        placed.append(span)


def test_empty_index():
    index = SpanIndex([])
    assert len(index) == 0
    assert index.at(0) == []
    assert index.overlapping(0, 100) == []
    assert index.next_after(-1) is None
    assert index.previous_before(10) is None
    assert index.lanes == {}
    assert index.max_lane == -1


def test_accepts_tuples_and_objects_and_returns_them():
    style = Span("b", 2, 6)._replace()  # any object with id/start/end

    class Obj:
        def __init__(self, id, start, end):
            self.id, self.start, self.end = id, start, end

    obj = Obj("c", 3, 4)
    index = SpanIndex([("a", 0, 5), style, obj])
    assert index.at(3) == ["a", "b", "c"]
    assert index.overlapping(3, 4)[2] is obj
    assert index.get("a") == Span("a", 0, 5)
    assert "c" in index and "z" not in index
    assert index.get("z") is None


def test_nested_spans_get_stacked_lanes():
    index = SpanIndex([("outer", 0, 10), ("inner", 2, 5), ("innermost", 3, 4), ("after", 10, 12)])
    assert index.lanes == {"outer": 0, "inner": 1, "innermost": 2, "after": 0}
    assert index.max_lane == 2


def test_empty_spans_touch_nothing_but_keep_their_place_in_reading_order():
    index = SpanIndex([("empty", 5, 5), ("word", 2, 8)])
    assert index.at(5) == ["word"]
    assert [s.id for s in index.overlapping(0, 10)] == ["word"]
    assert index.next_after(4).id == "empty"


@pytest.mark.parametrize("bad", [("x", 5, 3), ("x", -1, 2)])
def test_invalid_ranges_are_refused(bad):
    with pytest.raises(ValueError):
        SpanIndex([bad])


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError):
        SpanIndex([("x", 0, 1), ("x", 2, 3)])


def test_long_spans_are_found_everywhere_they_cover():
    length = 1024 * (LONG_SPAN_BUCKETS + 10)
    index = SpanIndex([("long", 10, length), ("short", 5000, 5010)])
    assert index.at(5005) == ["long", "short"]
    assert index.at(length - 1) == ["long"]
    assert index.at(length) == []
    assert [s.id for s in index.overlapping(0, 6)] == []
    assert [s.id for s in index.overlapping(4000, 5001)] == ["long", "short"]


def test_fifty_thousand_spans_are_all_found():
    """The size of the big-document benchmark (its speed is measured in benchmarks/big_document.py, not here):
    every look-up agrees with a plain scan of the spans."""
    rng = random.Random(7)
    spans = []
    for i in range(50_000):
        start = rng.randrange(3_000_000)
        spans.append(Span(f"a{i:05d}", start, start + rng.randint(1, 300)))
    index = SpanIndex(spans)
    assert len(index) == 50_000
    for _ in range(60):
        at = rng.randrange(3_000_000)
        assert sorted(index.at(at)) == sorted(s.id for s in spans if s.start <= at < s.end)


# ------------------------------------------------------------------ editing in place
@st.composite
def edit_scripts(draw):
    """A starting list of spans and a sequence of adds, removes and replaces."""
    spans = draw(span_lists(max_spans=30))
    ops = []
    next_id = len(spans)
    live = [s.id for s in spans]
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.sampled_from(["add", "remove", "replace"] if live else ["add"]))
        if kind == "add":
            start = draw(st.integers(0, TEXT_LENGTH))
            span = Span(f"n{next_id:03d}", start, min(TEXT_LENGTH, start + draw(st.integers(0, 60))))
            next_id += 1
            live.append(span.id)
            ops.append(("add", span))
        elif kind == "remove":
            victim = draw(st.sampled_from(live))
            live.remove(victim)
            ops.append(("remove", victim))
        else:
            target = draw(st.sampled_from(live))
            start = draw(st.integers(0, TEXT_LENGTH))
            ops.append(("replace", Span(target, start, min(TEXT_LENGTH, start + draw(st.integers(0, 60))))))
    return spans, ops


@settings(max_examples=150)
@given(edit_scripts(), bucket_sizes)
def test_edited_index_answers_like_a_rebuilt_one(script, bucket_size):
    """After any adds, removes and replaces, every look-up equals brute force and lanes stay valid."""
    spans, ops = script
    index = SpanIndex(spans, bucket_size=bucket_size)
    current = {s.id: s for s in spans}
    for kind, arg in ops:
        if kind == "add":
            index.add(arg)
            current[arg.id] = arg
        elif kind == "remove":
            assert index.remove(arg) == current.pop(arg)
        else:
            index.replace(arg)
            current[arg.id] = arg
    now = list(current.values())
    assert index.spans == sorted(now, key=reading_key)
    assert len(index) == len(now)
    for offset in range(0, TEXT_LENGTH + 1, 7):
        assert index.at(offset) == brute_at(now, offset)
        assert index.overlapping(offset, offset + 25) == brute_overlapping(now, offset, offset + 25)
        after = [s for s in sorted(now, key=reading_key) if s.start > offset]
        assert index.next_after(offset) == (after[0] if after else None)
    for i, span in enumerate(index.spans):
        assert index.index_of(span.id) == i
        assert index.get(span.id) == span
    assert set(index.lanes) == set(current)
    painted = [s for s in now if s.end > s.start]  # empty spans are never painted
    for a in painted:
        for b in painted:
            if a.id != b.id and a.start < b.end and b.start < a.end:
                assert index.lanes[a.id] != index.lanes[b.id]
    assert index.max_lane == max(index.lanes.values(), default=-1)
    assert all(index._buckets.values()), "no empty bucket lists are left behind"


def test_add_takes_the_lowest_lane_its_overlaps_leave_free():
    index = SpanIndex([("outer", 0, 10), ("inner", 2, 5)])
    assert index.add(("new", 3, 8)) == Span("new", 3, 8)
    assert index.lanes["new"] == 2
    assert index.add(("later", 6, 9)) and index.lanes["later"] == 1  # "inner" ended at 5
    assert index.max_lane == 2
    index.remove("new")
    assert index.max_lane == 1
    assert index.lanes == {"outer": 0, "inner": 1, "later": 1}


def test_replace_with_the_same_range_keeps_lane_and_place():
    index = SpanIndex([("a", 0, 10), ("b", 2, 5), ("c", 3, 4)])
    lanes = dict(index.lanes)
    index.replace(("b", 2, 5))
    assert index.lanes == lanes
    assert [s.id for s in index.spans] == ["a", "b", "c"]


def test_edits_refuse_bad_input_and_leave_the_index_alone():
    index = SpanIndex([("a", 0, 10)])
    with pytest.raises(ValueError, match="already"):
        index.add(("a", 1, 2))
    with pytest.raises(ValueError, match="invalid range"):
        index.add(("b", 5, 2))
    with pytest.raises(KeyError):
        index.remove("zzz")
    with pytest.raises(ValueError, match="invalid range"):
        index.replace(("a", 9, 3))
    assert index.spans == [Span("a", 0, 10)] and index.lanes == {"a": 0}
    assert index.at(5) == ["a"]


def test_long_spans_can_be_added_and_removed():
    size = 4
    long_span = ("long", 0, size * (LONG_SPAN_BUCKETS + 2))
    index = SpanIndex([("short", 1, 3)], bucket_size=size)
    index.add(long_span)
    assert index.at(2) == ["long", "short"]
    assert index.at(size * LONG_SPAN_BUCKETS) == ["long"]
    index.remove("long")
    assert index.at(size * LONG_SPAN_BUCKETS) == []
    assert index._long == []


@given(span_lists(max_spans=60), bucket_sizes)
def test_presorted_spans_build_the_same_index(spans, bucket_size):
    ordered = sorted(spans, key=reading_key)
    built = SpanIndex(ordered, bucket_size=bucket_size, presorted=True)
    reference = SpanIndex(spans, bucket_size=bucket_size)
    assert built.spans == reference.spans
    assert built.lanes == reference.lanes and built.max_lane == reference.max_lane
    assert built._buckets == reference._buckets and built._long == reference._long


@pytest.mark.parametrize("spans", [
    [("b", 5, 9), ("a", 1, 3)],          # starts go backwards
    [("a", 1, 3), ("b", 1, 9)],          # same start: the longer span comes first
    [("b", 1, 3), ("a", 1, 3)],          # same range: ids in order
])
def test_presorted_input_out_of_reading_order_is_refused(spans):
    with pytest.raises(ValueError, match="out of reading order"):
        SpanIndex(spans, presorted=True)


@given(span_lists(max_spans=60), bucket_sizes, st.lists(st.integers(0, 60), max_size=4))
def test_extending_in_parts_equals_building_at_once(spans, bucket_size, cuts):
    """A text indexed a part at a time (as a window loads a long document) gets the same index and lanes."""
    ordered = sorted(spans, key=reading_key)
    index = SpanIndex((), bucket_size=bucket_size)
    previous = 0
    for cut in sorted(min(c, len(ordered)) for c in cuts) + [len(ordered)]:
        index.extend(ordered[previous:cut])
        previous = cut
    reference = SpanIndex(spans, bucket_size=bucket_size)
    assert index.spans == reference.spans and index.lanes == reference.lanes
    assert index.max_lane == reference.max_lane and index._buckets == reference._buckets
    for offset in range(0, TEXT_LENGTH, 9):
        assert index.at(offset) == reference.at(offset)


def test_extend_refuses_spans_before_the_indexed_ones_and_after_edits():
    index = SpanIndex([("a", 5, 9)])
    with pytest.raises(ValueError, match="out of reading order"):
        index.extend([("b", 1, 3)])
    with pytest.raises(ValueError, match="unique"):
        index.extend([Span("a", 6, 7)])
    index.extend([Span("c", 6, 7)])
    index.add(("d", 20, 30))
    with pytest.raises(RuntimeError):
        index.extend([Span("e", 40, 41)])
