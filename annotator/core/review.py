"""Sort two (or more) annotators' spans into review categories.

Every span ends up in exactly one item:

``agreed``
    The other annotator has a span with the same document, bounds and label.
``label_conflict``
    Same document and bounds, different label.
``boundary_conflict``
    Same document and label, different bounds, sharing at least one character.
``only_a`` / ``only_b``
    No counterpart. In particular two spans that overlap but differ in *both*
    label and bounds are unrelated: each is ``only_a`` / ``only_b``. (Pairing
    them would invent a relation the annotators did not express; the reviewer
    sees both spans side by side anyway.)

Matching is one-to-one and deterministic, whatever the order of the input:

1. *Exact bounds first.* Spans with the same ``(document, start, end)`` are
   paired: the same label first (``agreed``), then the remaining ones in label
   order (``label_conflict``).
2. *Same-label overlaps.* Among the spans left, candidate pairs (same document
   and label, overlapping) are taken by decreasing overlap length (ties by
   position, then id) as long as both spans are still free
   (``boundary_conflict``). This handles nested and chained overlaps: a span
   overlapping several others is paired with the one it shares most with.
3. Whatever is left is ``only_a`` / ``only_b``.

Items are sorted by ``(document, start, end)`` (then category and ids). For a
``boundary_conflict`` the item's ``start``/``end`` cover both spans.

:func:`categorize_many` generalises this to any number of annotators with
:class:`ReviewGroup` items: a group holds at most one span per annotator;
exact-bounds groups take, each time, the label most annotators have at those
bounds (ties: the smallest label), plus one span from every other annotator
with spans there (so ``a: X, b: X, c: Y`` is one ``label_conflict`` group);
same-label overlaps are merged by decreasing overlap into groups whose members
all overlap one another; a span left alone is ``only``. With two annotators
it gives the same pairs as :func:`categorize`.

Pure Python, no Qt. Step 1 is one dictionary look-up per span, step 2 a sweep
per document and label over the spans left; two annotators with 100,000 spans
each take about 0.7 s (``benchmarks/agreement.py``). Candidate pairs are every
overlapping pair of left-over spans, so many mutually overlapping spans of the
same label cost quadratic time.

:func:`stream_groups` (and :func:`review_groups`, reading from a store) gives
the same groups in the same order one component of overlapping spans at a
time: what the ``review`` command and the window's review list use, so that
the first item comes at once and memory follows one component, not the
project (``benchmarks/scale_review.py``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from heapq import heappop, heappush
from itertools import chain, compress, count, islice, repeat
from operator import attrgetter, eq, is_not, lt, not_
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Mapping, Sequence

from annotator.core.gcpause import gc_paused
from annotator.core.model import Annotation

if TYPE_CHECKING:
    from annotator.core.store import Store

__all__ = [
    "ReviewItem", "ReviewGroup", "categorize", "categorize_many", "stream_groups", "review_groups", "CATEGORIES",
]

#: ``progress(done, total)``, as the long operations of :mod:`annotator.core` take it.
Progress = Callable[[int, "int | None"], None]
#: :func:`review_groups` reports its progress every this many spans read.
_PROGRESS_EVERY = 4096

#: The categories of :func:`categorize`, in the order used to break ties when sorting.
CATEGORIES = ("agreed", "label_conflict", "boundary_conflict", "only_a", "only_b")
_ORDER = {c: k for k, c in enumerate(CATEGORIES)}
_GROUP_ORDER = {"agreed": 0, "label_conflict": 1, "boundary_conflict": 2, "only": 3}
_SAME_LABEL = {True: "agreed", False: "label_conflict"}

_get_document = attrgetter("document")
_get_start = attrgetter("start")
_get_end = attrgetter("end")
_get_label = attrgetter("label")
_get_id = attrgetter("id")


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One entry of the two-annotator review list."""

    category: str
    document: str
    start: int
    end: int
    a: Annotation | None
    b: Annotation | None


@dataclass(frozen=True, slots=True)
class ReviewGroup:
    """One entry of the many-annotator review list.

    ``members`` are ``(annotator, annotation)`` pairs in the order of the
    ``by_annotator`` mapping, at most one per annotator.
    """

    category: str
    document: str
    start: int
    end: int
    members: tuple[tuple[str, Annotation], ...]

    @property
    def annotators(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.members)

    @property
    def annotator(self) -> str | None:
        """The annotator of an ``only`` group (else ``None``)."""
        return self.members[0][0] if self.category == "only" else None


_new = object.__new__
_SET_FIELDS = tuple(ReviewGroup.__dict__[name].__set__ for name in ("category", "document", "start", "end", "members"))


def _group(category: str, document: str, start: int, end: int, members: tuple, new=_new, cls=ReviewGroup,
           fields=_SET_FIELDS) -> ReviewGroup:
    """``ReviewGroup(...)`` through its slots, without the frozen dataclass's ``__init__`` (half the time; a
    million-span review makes hundreds of thousands)."""
    group = new(cls)
    set_category, set_document, set_start, set_end, set_members = fields
    set_category(group, category)
    set_document(group, document)
    set_start(group, start)
    set_end(group, end)
    set_members(group, members)
    return group


# A member is (annotator index, annotation); a cluster is (category, members)
# with the members in increasing annotator order.
_Member = tuple[int, Annotation]
_Cluster = tuple[str, list[_Member]]


def categorize(annotations_a: Sequence[Annotation], annotations_b: Sequence[Annotation]) -> list[ReviewItem]:
    """Review items for annotator ``a`` against annotator ``b`` (see the module docstring)."""
    a = list(annotations_a)
    b = list(annotations_b)
    with gc_paused():
        xs, ys, cats, leftovers = _exact_pairs(a, b)
        items = list(map(ReviewItem, cats, map(_get_document, xs), map(_get_start, xs), map(_get_end, xs), xs, ys))
        keys = list(
            zip(
                map(_get_document, xs),
                map(_get_start, xs),
                map(_get_end, xs),
                map(_ORDER.__getitem__, cats),
                map(_get_id, xs),
                map(_get_id, ys),
            )
        )
        for category, members in _overlap_clusters(leftovers, 2):
            if category == "only":
                side, ann = members[0]
                if side == 0:
                    items.append(ReviewItem("only_a", ann.document, ann.start, ann.end, ann, None))
                    keys.append((ann.document, ann.start, ann.end, 3, ann.id, ""))
                else:
                    items.append(ReviewItem("only_b", ann.document, ann.start, ann.end, None, ann))
                    keys.append((ann.document, ann.start, ann.end, 4, "", ann.id))
            else:
                x = members[0][1]
                y = members[1][1]
                start = x.start if x.start < y.start else y.start
                end = x.end if x.end > y.end else y.end
                items.append(ReviewItem(category, x.document, start, end, x, y))
                keys.append((x.document, start, end, 2, x.id, y.id))
        order = sorted(range(len(items)), key=keys.__getitem__)
        return list(map(items.__getitem__, order))


def categorize_many(by_annotator: Mapping[str, Sequence[Annotation]]) -> list[ReviewGroup]:
    """Review groups for any number of annotators (see the module docstring)."""
    names = list(by_annotator)
    with gc_paused():
        return _groups(names, [list(by_annotator[name]) for name in names])


def stream_groups(spans: Iterable[tuple[int, Annotation]], names: Sequence[str]) -> Iterator[ReviewGroup]:
    """The groups of :func:`categorize_many`, in the same order, yielded as soon as each is decided.

    ``spans`` are ``(annotator index into names, annotation)`` pairs ordered by
    document, then start (as the store reads them). A sweep cuts them into
    components: a span starting after every end seen so far in its document
    begins a new one. Spans of different components share no bounds and no
    character, so no group joins two of them, and every item of a component
    sorts before those of the next: each component is categorised on its own
    (one or two spans directly, larger ones as :func:`categorize_many` does)
    and its groups are yielded before the next span is read. Time and memory
    follow the components, not the whole list.
    """
    names = list(names)
    component: list[_Member] = []
    document = None
    reach = 0
    for side, ann in spans:
        if ann.start > reach or ann.document != document:
            if component:
                yield from _component_groups(component, names)
            component = [(side, ann)]
            document = ann.document
            reach = ann.end
        else:
            component.append((side, ann))
            if ann.end > reach:
                reach = ann.end
    if component:
        yield from _component_groups(component, names)


def review_groups(
    store: Store, names: Sequence[str], doc: str | None = None, progress: Progress | None = None,
    full: bool = True,
) -> Iterator[ReviewGroup]:
    """:func:`stream_groups` over the annotators ``names`` of ``store`` (one document, or all), read in order.

    With ``full`` the members are :class:`Annotation` records (what deciding needs); without, the lighter
    :class:`~annotator.core.model.ComparedSpan` records (what a listing shows), read in a third of the time.
    ``progress(done, total)`` counts the spans read (it may raise
    :class:`~annotator.core.errors.CancelledError`).
    """
    names = list(names)
    side = {name: k for k, name in enumerate(names)}
    read = store.iter_annotations(document=doc, annotators=names) if full else store.iter_compared_spans(names, doc)
    spans = ((side[a.annotator], a) for a in read)
    if progress is None:
        return stream_groups(spans, names)
    # Counted by the annotator index (fast); one document's count would read its rows: its total stays unknown.
    total = None if doc is not None else sum(store.count_annotations(annotator=n) for n in names)
    return stream_groups(_counted(spans, progress, total), names)


def _counted(
    spans: Iterator[tuple[int, Annotation]], progress: Progress, total: int | None
) -> Iterator[tuple[int, Annotation]]:
    """``spans`` again, calling ``progress(done, total)`` every :data:`_PROGRESS_EVERY` spans and at the end."""
    progress(0, total)
    done = 0
    while batch := list(islice(spans, _PROGRESS_EVERY)):
        yield from batch
        done += len(batch)
        progress(done, total)


def _component_groups(component: list[_Member], names: list[str]) -> list[ReviewGroup]:
    """The groups of one component, sorted.

    Two annotators' components go to :func:`_pair_groups` whole. With more annotators a large component (many
    spans overlapping in a chain, whatever their labels) is first cut into the parts that can share a group:
    spans of one label overlapping in a chain, joined with those of the same bounds. Each part is categorised
    on its own (:func:`_part_groups`), and the groups of all parts sorted together.
    """
    if len(component) <= 2:
        return _part_groups(component, names)
    if len(names) == 2:
        return _pair_groups(component, names)  # its sweep pairs only spans of one label: no need to cut first
    parts = _parts(component)
    if len(parts) == 1:
        return _part_groups(component, names)
    groups = [g for part in parts for g in _part_groups(part, names, False)]
    groups.sort(key=_group_key)
    return groups


def _member_start(member: _Member) -> int:
    return member[1].start


def _group_key(group: ReviewGroup) -> tuple:
    members = group.members
    if len(members) == 1:
        return group.start, group.end, 3, (members[0][1].id,)
    if len(members) == 2:
        return group.start, group.end, _GROUP_ORDER[group.category], (members[0][1].id, members[1][1].id)
    return group.start, group.end, _GROUP_ORDER[group.category], tuple([a.id for _, a in members])


def _parts(component: list[_Member]) -> list[list[_Member]]:
    """``component`` (sorted by start) cut into parts no group crosses, each in the order of ``component``.

    Groups join spans of the same bounds, or of one label overlapping (sharing a character). A sweep per label
    puts each span in the current run of its label while it starts before that run's furthest end; a span
    with the bounds of an earlier one joins that one's run too (union-find over the runs).
    """
    parent: list[int] = []
    reach: dict[str, tuple[int, int]] = {}  # label -> (its current run, the run's furthest end)
    seen: dict[tuple[int, int], int] = {}  # bounds -> the run of the first span with them
    run_of: list[int] = []
    for _, ann in component:
        start = ann.start
        end = ann.end
        current = reach.get(ann.label)
        if end > start and current is not None and start < current[1]:
            run = current[0]
            if end > current[1]:
                reach[ann.label] = (run, end)
        else:
            run = len(parent)
            parent.append(run)
            if end > start:
                reach[ann.label] = (run, end)
        other = seen.setdefault((start, end), run)
        if other != run:
            a, b = _root(parent, other), _root(parent, run)
            if a != b:
                parent[b] = a
        run_of.append(run)
    parts: dict[int, list[_Member]] = {}
    for member, run in zip(component, run_of):
        root = _root(parent, run)
        part = parts.get(root)
        if part is None:
            parts[root] = [member]
        else:
            part.append(member)
    return list(parts.values())


def _root(parent: list[int], k: int) -> int:
    while parent[k] != k:
        parent[k] = parent[parent[k]]
        k = parent[k]
    return k


def _part_groups(component: list[_Member], names: list[str], ordered: bool = True) -> list[ReviewGroup]:
    """The groups of one part, sorted unless ``ordered`` is false; one or two spans without the general
    machinery."""
    if len(component) == 1:
        side, ann = component[0]
        return [_group("only", ann.document, ann.start, ann.end, ((names[side], ann),))]
    if len(component) == 2:
        (sx, x), (sy, y) = component
        if sx != sy:
            if sy < sx:
                sx, x, sy, y = sy, y, sx, x
            members = ((names[sx], x), (names[sy], y))
            if x.start == y.start and x.end == y.end:
                return [_group(_SAME_LABEL[x.label == y.label], x.document, x.start, x.end, members)]
            if x.label == y.label and _overlap(x, y) > 0:
                start = x.start if x.start < y.start else y.start
                end = x.end if x.end > y.end else y.end
                return [_group("boundary_conflict", x.document, start, end, members)]
        alone = sorted(component, key=_only_key)
        return [_group("only", a.document, a.start, a.end, ((names[k], a),)) for k, a in alone]
    if len(names) == 2:
        return _pair_groups(component, names, ordered)
    lists: list[list[Annotation]] = [[] for _ in names]
    for side, ann in component:
        lists[side].append(ann)
    return _groups(names, lists)


def _pair_exact(part: list[_Member]) -> tuple[list[tuple[str, Annotation, Annotation]], list[_Member]]:
    """Two annotators' pairs of the same bounds ``(category, a's, b's)``, and the spans left (by start)."""
    buckets: dict[tuple[int, int], list[_Member]] = {}
    for member in part:
        ann = member[1]
        bucket = buckets.get((ann.start, ann.end))
        if bucket is None:
            buckets[(ann.start, ann.end)] = [member]
        else:
            bucket.append(member)
    pairs: list[tuple[str, Annotation, Annotation]] = []
    left: list[_Member] = []
    clusters: list[_Cluster] = []
    for bucket in buckets.values():
        if len(bucket) == 1:
            left.append(bucket[0])
        elif len(bucket) == 2 and bucket[0][0] != bucket[1][0]:
            (sx, x), (_, y) = bucket
            x, y = (x, y) if sx == 0 else (y, x)
            pairs.append((_SAME_LABEL[x.label == y.label], x, y))
        else:
            _split_exact(bucket, clusters, left)
    if clusters:
        pairs.extend((category, members[0][1], members[1][1]) for category, members in clusters)
        left.sort(key=_member_start)
    return pairs, left


def _pair_groups(part: list[_Member], names: list[str], ordered: bool = True) -> list[ReviewGroup]:
    """The groups of a part of two annotators' spans as :func:`_groups` makes them, more directly.

    The same three steps: pairs of the same bounds; then same-label overlapping pairs by decreasing overlap
    (the same order of candidates as :func:`_overlap_candidates`), both spans still free; the rest alone.
    """
    pairs, left = _pair_exact(part)
    candidates = []
    active: dict[str, tuple[list[int], list[int]]] = {}  # per label and annotator: the spans still open
    for k, (side, ann) in enumerate(left):  # by start
        if ann.end <= ann.start:
            continue  # an empty span overlaps nothing
        start = ann.start
        open_spans = active.get(ann.label)
        if open_spans is None:
            open_spans = active[ann.label] = ([], [])
        others = open_spans[1 - side]
        if others:
            others[:] = [j for j in others if left[j][1].end > start]
            for j in others:
                o = left[j][1]
                overlap = (o.end if o.end < ann.end else ann.end) - start
                x, y, kx, ky = (o, ann, j, k) if side else (ann, o, k, j)
                candidates.append((-overlap, x.start, x.end, y.start, y.end, x.id, y.id, kx, ky))
        open_spans[side].append(k)
    taken = set()
    for candidate in sorted(candidates):
        k, j = candidate[-2], candidate[-1]
        if k not in taken and j not in taken:
            taken.update((k, j))
            pairs.append(("boundary_conflict", left[k][1], left[j][1]))
    first, second = names
    groups = []
    for category, x, y in pairs:
        start = x.start if x.start < y.start else y.start
        end = x.end if x.end > y.end else y.end
        groups.append(_group(category, x.document, start, end, ((first, x), (second, y))))
    groups.extend(_group("only", a.document, a.start, a.end, ((names[side], a),))
                  for k, (side, a) in enumerate(left) if k not in taken)
    if ordered:
        groups.sort(key=_group_key)
    return groups


def _only_key(member: _Member) -> tuple:
    ann = member[1]
    return ann.start, ann.end, ann.id


def _groups(names: list[str], sides: list[list[Annotation]]) -> list[ReviewGroup]:
    """Every group of ``sides`` (one list of spans per annotator of ``names``), sorted."""
    clusters, leftovers = _exact_clusters(sides)
    clusters.extend(_overlap_clusters(leftovers, len(names)))
    groups = []
    keys = []
    for category, members in clusters:
        start = min(a.start for _, a in members)
        end = max(a.end for _, a in members)
        document = members[0][1].document
        groups.append(ReviewGroup(category, document, start, end, tuple((names[s], a) for s, a in members)))
        keys.append((document, start, end, _GROUP_ORDER[category], tuple(a.id for _, a in members)))
    order = sorted(range(len(groups)), key=keys.__getitem__)
    return list(map(groups.__getitem__, order))


# --------------------------------------------------------------------------- #
# Step 1: exact bounds
# --------------------------------------------------------------------------- #


def _bounds(anns: list[Annotation]) -> list[tuple[str, int, int]]:
    return list(zip(map(_get_document, anns), map(_get_start, anns), map(_get_end, anns)))


def _exact_pairs(
    a: list[Annotation], b: list[Annotation]
) -> tuple[list[Annotation], list[Annotation], list[str], list[_Member]]:
    """Two annotators: the exact-bounds pairs ``(xs, ys, categories)`` and the left-over spans."""
    keys_a = _bounds(a)
    keys_b = _bounds(b)
    index_a = dict(zip(keys_a, count()))
    index_b = dict(zip(keys_b, count()))
    xs: list[Annotation] = []
    ys: list[Annotation] = []
    cats: list[str] = []
    leftovers: list[_Member] = []
    # Bounds repeated within one annotator are grouped the general way.
    repeated = set()
    for keys, index in ((keys_a, index_a), (keys_b, index_b)):
        if len(index) < len(keys):
            repeated.update(key for key, n in Counter(keys).items() if n > 1)
    if repeated:
        in_a = list(map(repeated.__contains__, keys_a))
        in_b = list(map(repeated.__contains__, keys_b))
        clusters, leftovers = _exact_clusters([list(compress(a, in_a)), list(compress(b, in_b))])
        for category, members in clusters:
            xs.append(members[0][1])
            ys.append(members[1][1])
            cats.append(category)
        a = list(compress(a, map(not_, in_a)))
        b = list(compress(b, map(not_, in_b)))
        keys_a = list(compress(keys_a, map(not_, in_a)))
        keys_b = list(compress(keys_b, map(not_, in_b)))
        index_a = dict(zip(keys_a, count()))
    # Every remaining bounds appears at most once per annotator: one look-up per span.
    hits = list(map(index_a.get, keys_b))
    found = list(map(is_not, hits, repeat(None)))
    matched = list(compress(hits, found))
    pair_x = list(map(a.__getitem__, matched))
    pair_y = list(compress(b, found))
    xs.extend(pair_x)
    ys.extend(pair_y)
    cats.extend(map(_SAME_LABEL.__getitem__, map(eq, map(_get_label, pair_x), map(_get_label, pair_y))))
    taken = set(matched)
    leftovers.extend(zip(repeat(0), compress(a, map(not_, map(taken.__contains__, count())))))
    leftovers.extend(zip(repeat(1), compress(b, map(not_, found))))
    return xs, ys, cats, leftovers


def _exact_clusters(sides: list[list[Annotation]]) -> tuple[list[_Cluster], list[_Member]]:
    """Any number of annotators: the exact-bounds clusters and the left-over spans."""
    clusters: list[_Cluster] = []
    leftovers: list[_Member] = []
    keys = [_bounds(anns) for anns in sides]
    counts = Counter(chain.from_iterable(keys))
    buckets: dict[tuple[str, int, int], list[_Member]] = {}
    for side, (anns, side_keys) in enumerate(zip(sides, keys)):
        # Bounds held by one span only go straight to the left-overs.
        shared = list(map(lt, repeat(1), map(counts.__getitem__, side_keys)))
        leftovers.extend(zip(repeat(side), compress(anns, map(not_, shared))))
        for key, ann in zip(compress(side_keys, shared), compress(anns, shared)):
            bucket = buckets.get(key)
            if bucket is None:
                buckets[key] = [(side, ann)]
            else:
                bucket.append((side, ann))
    for bucket in buckets.values():
        if len(bucket) == 2 and bucket[0][0] != bucket[1][0]:
            x, y = bucket  # filled annotator by annotator: sides increase
            clusters.append((_SAME_LABEL[x[1].label == y[1].label], [x, y]))
        else:
            _split_exact(bucket, clusters, leftovers)
    return clusters, leftovers


def _split_exact(
    bucket: list[tuple[int, Annotation]], clusters: list[_Cluster], leftovers: list[tuple[int, Annotation]]
) -> None:
    """Group the spans sharing one set of bounds: at most one span per annotator per group."""
    per_side: dict[int, list[Annotation]] = {}
    for side, ann in bucket:
        per_side.setdefault(side, []).append(ann)
    for anns in per_side.values():
        anns.sort(key=lambda a: (a.label, a.id))
    while len(per_side) > 1:
        counts = Counter(label for anns in per_side.values() for label in {a.label for a in anns})
        best = min(counts, key=lambda lab: (-counts[lab], lab))
        members = []
        for side in sorted(per_side):
            anns = per_side[side]
            k = next((k for k, a in enumerate(anns) if a.label == best), 0)
            members.append((side, anns.pop(k)))
            if not anns:
                del per_side[side]
        labels = {a.label for _, a in members}
        clusters.append(("agreed" if len(labels) == 1 else "label_conflict", members))
    for side, anns in per_side.items():
        leftovers.extend((side, a) for a in anns)


# --------------------------------------------------------------------------- #
# Steps 2 and 3: same-label overlaps, then the rest
# --------------------------------------------------------------------------- #


def _overlap_clusters(leftovers: list[_Member], n_sides: int) -> list[_Cluster]:
    """``boundary_conflict`` clusters by decreasing overlap, then ``only`` for every span left alone."""
    groups: dict[tuple[str, str], list[int]] = {}
    for k, (_, ann) in enumerate(leftovers):
        key = (ann.document, ann.label)
        group = groups.get(key)
        if group is None:
            groups[key] = [k]
        else:
            group.append(k)
    candidates: list[tuple] = []
    for group in groups.values():
        if len(group) > 1 and len({leftovers[k][0] for k in group}) > 1:
            _overlap_candidates(leftovers, group, candidates)
    if not candidates:
        return [("only", [member]) for member in leftovers]
    candidates.sort()

    # Greedy by decreasing overlap: merge clusters with disjoint annotators
    # whose members all overlap one another (with two annotators: pairs).
    owner: dict[int, list[int]] = {}  # leftover index -> the indices of its cluster
    for candidate in candidates:
        x, y = candidate[-2], candidate[-1]
        cx = owner.get(x)
        cy = owner.get(y)
        if cx is None and cy is None:
            owner[x] = owner[y] = [x, y]
            continue
        if n_sides == 2 or cx is cy:
            continue
        cx = cx if cx is not None else [x]
        cy = cy if cy is not None else [y]
        if {leftovers[k][0] for k in cx} & {leftovers[k][0] for k in cy}:
            continue
        if not all(_overlap(leftovers[p][1], leftovers[q][1]) > 0 for p in cx for q in cy):
            continue
        merged = cx + cy
        for k in merged:
            owner[k] = merged
    clusters: list[_Cluster] = []
    done: set[int] = set()
    for k, member in enumerate(leftovers):
        members = owner.get(k)
        if members is None:
            clusters.append(("only", [member]))
        elif id(members) not in done:
            done.add(id(members))
            clusters.append(("boundary_conflict", sorted((leftovers[i] for i in members), key=_side)))
    return clusters


def _side(member: _Member) -> int:
    return member[0]


def _overlap(x: Annotation, y: Annotation) -> int:
    return min(x.end, y.end) - max(x.start, y.start)


def _overlap_candidates(leftovers: list[tuple[int, Annotation]], group: list[int], out: list[tuple]) -> None:
    """Append a sort key ending in ``(x, y)`` for every overlapping pair of different annotators in ``group``.

    ``group`` holds indices into ``leftovers`` (same document and label); ``x``
    is the index of the member of the lower annotator.
    """
    group.sort(key=lambda k: (leftovers[k][1].start, leftovers[k][1].end, leftovers[k][0], leftovers[k][1].id))
    active: list[tuple[int, int]] = []  # heap of (end, leftover index)
    for k in group:
        side, ann = leftovers[k]
        start = ann.start
        end = ann.end
        if end <= start:
            continue  # an empty span overlaps nothing
        while active and active[0][0] <= start:
            heappop(active)
        for o_end, j in active:
            o_side, o = leftovers[j]
            if o_side == side:
                continue
            overlap = (o_end if o_end < end else end) - start
            if o_side < side:
                xa, ya, x, y, xs, ys = o, ann, j, k, o_side, side
            else:
                xa, ya, x, y, xs, ys = ann, o, k, j, side, o_side
            out.append((-overlap, xa.document, xa.start, xa.end, ya.start, ya.end, xs, ys, xa.id, ya.id, x, y))
        heappush(active, (end, k))
