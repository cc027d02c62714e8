"""A spatial index over annotation spans: point and range look-ups, lanes, reading order.

Spans are half-open code-point ranges ``[start, end)`` with an ``id``. The
index keeps them sorted in *reading order* — by ``(start, -end, id)``, so a
longer span comes before a shorter one that starts at the same place — and
registers each span in every fixed-size bucket of the text it touches, so that
"which spans are under this character?" and "which spans touch this line?" cost
a look at one or a few buckets, not a scan of every span.

Pure Python: the GUI uses it to paint and hit-test spans, but nothing here
knows about Qt.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping
from heapq import heappop, heappush
from operator import attrgetter
from types import MappingProxyType
from typing import Any, NamedTuple

#: Code points per bucket.
BUCKET_SIZE = 1024

#: A span touching more buckets than this is kept in a short side list instead
#: of being registered in every bucket (a handful of chapter-long spans would
#: otherwise fill thousands of buckets).
LONG_SPAN_BUCKETS = 64


class Span(NamedTuple):
    """The plain record the index stores when it is given ``(id, start, end)`` tuples."""

    id: Hashable
    start: int
    end: int


_make_span = Span._make


def _coerce(item: Any) -> Any:
    """Return ``item`` if it has ``id``/``start``/``end`` attributes, else read it as ``(id, start, end)``."""
    if isinstance(item, tuple) and not hasattr(item, "start"):
        return _make_span(item)
    return item


def sort_reading_order(items: list[Any]) -> None:
    """Sort spans in place by ``(start, -end, id)``.

    Three stable sorts on plain attributes are about twice as fast as one sort
    on a tuple key, which matters at tens of thousands of spans.
    """
    items.sort(key=attrgetter("id"))
    items.sort(key=attrgetter("end"), reverse=True)  # reverse keeps the sort stable
    items.sort(key=attrgetter("start"))


_LANE_BITS = 32
_LANE_MASK = (1 << _LANE_BITS) - 1


def _reading_key(span: Any) -> tuple:
    return (span.start, -span.end, span.id)


class SpanIndex:
    """Spans sorted in reading order, bucketed by offset for fast look-ups; editable in place.

    Build it from objects with ``id``, ``start`` and ``end`` attributes (they
    are returned as given) or from ``(id, start, end)`` tuples (returned as
    :class:`Span`). Ids must be unique; ``0 <= start <= end`` must hold.
    Building is O(n log n); :meth:`at` and :meth:`overlapping` look only at
    the buckets the query touches; :meth:`add`, :meth:`remove` and
    :meth:`replace` change one span without rebuilding (a binary search plus
    a list insertion), so a window can follow one edit in microseconds.

    Attributes:
        spans: every span, sorted by ``(start, -end, id)``.
        lanes: ``{id: lane}``; overlapping spans have different lanes. A
            built index gives each span the lowest lane free at its start
            (greedy, in reading order); :meth:`add` gives a new span the lowest
            lane none of the spans it overlaps uses, and :meth:`remove` leaves
            the other lanes alone, so spans on screen never jump.
        max_lane: the highest lane in use, ``-1`` for an empty index.
    """

    __slots__ = ("spans", "lanes", "max_lane", "bucket_size", "_starts", "_by_id", "_buckets", "_long", "_busy", "_free")

    def __init__(self, spans: Iterable[Any] = (), bucket_size: int = BUCKET_SIZE, presorted: bool = False):
        """Index ``spans``; with ``presorted`` they must already be in reading order (checked, not sorted)."""
        if bucket_size < 1:
            raise ValueError("bucket_size must be at least 1")
        self.bucket_size = bucket_size
        self.spans: list[Any] = []
        self._starts: list[int] = []
        self._by_id: dict[Hashable, Any] = {}
        # Bucket lists hold the spans themselves, each list in reading order.
        self._buckets: defaultdict[int, list[Any]] = defaultdict(list)
        self._long: list[Any] = []
        self.lanes: dict[Hashable, int] = {}
        self.max_lane = -1
        # The lane sweep's state, so that :meth:`extend` can go on where it stopped:
        # open spans as one int each (``end << 32 | lane``, much cheaper on a heap
        # than tuples) and the lanes freed by spans that have ended.
        self._busy: list[int] | None = []
        self._free: list[int] = []
        items = list(spans)
        if any(type(item) is tuple for item in items):  # plain (id, start, end) tuples
            items = [_coerce(item) for item in items]
        if not presorted:
            sort_reading_order(items)
        self.extend(items, check_order=presorted)

    def extend(self, items: Iterable[Any], check_order: bool = True) -> None:
        """Append spans that all come after the indexed ones, in reading order (e.g. the next part of a text).

        One pass registers each span in its buckets and gives it the lowest
        lane free at its start (greedy interval colouring: two spans that
        share a character never share a lane), exactly as if the index had
        been built from all the spans at once. Only possible before any
        :meth:`add`, :meth:`remove` or :meth:`replace` (RuntimeError after).
        Raises ValueError, with the index unchanged up to the bad span, for an
        invalid range, a duplicate id or (with ``check_order``) a span out of order.
        """
        busy, free = self._busy, self._free
        if busy is None:
            raise RuntimeError("extend() cannot follow an edit in place")
        size, buckets, long_spans, lanes, by_id = self.bucket_size, self._buckets, self._long, self.lanes, self._by_id
        spans_append, starts_append = self.spans.append, self._starts.append
        next_lane = self.max_lane + 1
        last = self.spans[-1] if self.spans else None
        prev_start, prev_end, prev_id = (last.start, last.end, last.id) if last is not None else (-1, 0, None)
        try:
            for item in items:
                if type(item) is tuple:
                    item = _make_span(item)
                start, end, span_id = item.start, item.end, item.id
                if not 0 <= start <= end:
                    raise ValueError(f"span {span_id!r} has an invalid range [{start}, {end})")
                if check_order and start <= prev_start and (
                    start < prev_start or end > prev_end or (end == prev_end and span_id <= prev_id)
                ):
                    raise ValueError(f"span {span_id!r} is out of reading order")
                if span_id in by_id:
                    raise ValueError("span ids must be unique")
                prev_start, prev_end, prev_id = start, end, span_id
                spans_append(item)
                starts_append(start)
                by_id[span_id] = item
                if end > start:
                    first, last_bucket = start // size, (end - 1) // size
                    if first == last_bucket:
                        buckets[first].append(item)
                    elif last_bucket - first >= LONG_SPAN_BUCKETS:
                        long_spans.append(item)
                    else:
                        for bucket in range(first, last_bucket + 1):
                            buckets[bucket].append(item)
                ended = (start << _LANE_BITS) | _LANE_MASK
                while busy and busy[0] <= ended:
                    heappush(free, heappop(busy) & _LANE_MASK)
                if free:
                    lane = heappop(free)
                else:
                    lane = next_lane
                    next_lane += 1
                lanes[span_id] = lane
                heappush(busy, (end << _LANE_BITS) | lane)
        finally:
            self.max_lane = next_lane - 1

    def _bucket_numbers(self, item: Any) -> range | None:
        """The buckets ``item`` is registered in (empty for an empty span), or None for a long span."""
        if item.end <= item.start:
            return range(0)
        first, last = item.start // self.bucket_size, (item.end - 1) // self.bucket_size
        return None if last - first >= LONG_SPAN_BUCKETS else range(first, last + 1)

    def _homes(self, item: Any) -> list[list[Any]]:
        """The lists ``item`` belongs in (created as needed): its buckets, or the long-span list."""
        numbers = self._bucket_numbers(item)
        if numbers is None:
            return [self._long]
        return [self._buckets.setdefault(bucket, []) for bucket in numbers]

    def _position(self, item: Any) -> int:
        return bisect_left(self.spans, _reading_key(item), key=_reading_key)

    # ------------------------------------------------------------------ basics
    def __len__(self) -> int:
        return len(self.spans)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.spans)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._by_id

    @property
    def by_id(self) -> Mapping[Hashable, Any]:
        """Every span by id (a read-only view)."""
        return MappingProxyType(self._by_id)

    def get(self, span_id: Hashable) -> Any | None:
        """The span with ``span_id``, or None."""
        return self._by_id.get(span_id)

    def index_of(self, span_id: Hashable) -> int:
        """Position of ``span_id`` in :attr:`spans` (reading order); KeyError if absent."""
        return self._position(self._by_id[span_id])

    # ----------------------------------------------------------------- editing
    def add(self, item: Any) -> Any:
        """Insert one span (an object or an ``(id, start, end)`` tuple); returns it as stored.

        Raises ValueError for a duplicate id or an invalid range, leaving the index unchanged.
        """
        item = _coerce(item)
        if item.id in self._by_id:
            raise ValueError(f"span id {item.id!r} is already in the index")
        if not 0 <= item.start <= item.end:
            raise ValueError(f"span {item.id!r} has an invalid range [{item.start}, {item.end})")
        if item.end > item.start:
            taken = {self.lanes[other.id] for other in self.overlapping(item.start, item.end)}
        else:  # an empty span (never painted) stays off the lanes of the spans around it
            taken = {self.lanes[o.id] for o in self.overlapping(item.start, item.start + 1) if o.start < item.start}
        lane = 0
        while lane in taken:
            lane += 1
        self._busy = None  # the sweep cannot go on after an edit in place
        i = self._position(item)
        self.spans.insert(i, item)
        self._starts.insert(i, item.start)
        self._by_id[item.id] = item
        for home in self._homes(item):
            insort(home, item, key=_reading_key)
        self.lanes[item.id] = lane
        self.max_lane = max(self.max_lane, lane)
        return item

    def remove(self, span_id: Hashable) -> Any:
        """Take the span ``span_id`` out and return it; KeyError if absent."""
        item = self._by_id.pop(span_id)
        self._busy = None
        i = self._position(item)
        del self.spans[i]
        del self._starts[i]
        for home in self._homes(item):
            del home[bisect_left(home, _reading_key(item), key=_reading_key)]
        for bucket in self._bucket_numbers(item) or ():
            if not self._buckets.get(bucket, True):
                del self._buckets[bucket]
        lane = self.lanes.pop(span_id)
        if lane == self.max_lane:
            self.max_lane = max(self.lanes.values(), default=-1)
        return item

    def replace(self, item: Any) -> Any:
        """Swap in a new version of a span with the same id (KeyError if absent); returns it as stored.

        A span whose range is unchanged (a new colour or label) keeps its lane and place.
        """
        item = _coerce(item)
        old = self._by_id[item.id]
        if (old.start, old.end) != (item.start, item.end):
            lane = self.lanes[item.id]
            self.remove(item.id)
            try:
                return self.add(item)
            except ValueError:
                self.add(old)
                self.lanes[old.id] = lane
                raise
        self.spans[self._position(old)] = item
        for home in self._homes(old):
            home[bisect_left(home, _reading_key(old), key=_reading_key)] = item
        self._by_id[item.id] = item
        return item

    # ---------------------------------------------------------------- look-ups
    def at(self, offset: int) -> list[Hashable]:
        """Ids of the spans containing ``offset`` (``start <= offset < end``), in reading order."""
        found = [s for s in self._buckets.get(offset // self.bucket_size, ()) if s.start <= offset < s.end]
        if self._long:
            extra = [s for s in self._long if s.start <= offset < s.end]
            if extra:
                found = sorted(found + extra, key=_reading_key)
        return [s.id for s in found]

    def overlapping(self, start: int, end: int) -> list[Any]:
        """Spans sharing at least one character with ``[start, end)``, in reading order."""
        if end <= start:
            return []
        size, buckets = self.bucket_size, self._buckets
        first, last = start // size, (end - 1) // size
        found: list[Any] = []
        for bucket in range(first, last + 1):
            entries = buckets.get(bucket)
            if not entries:
                continue
            # A span that starts before this bucket also touches the previous
            # one, so it was already considered there (unless this is the first).
            # Each list is in reading order and later buckets only add spans
            # starting further on, so the result stays in reading order.
            lowest = 0 if bucket == first else bucket * size
            found.extend(s for s in entries if lowest <= s.start < end and s.end > start)
        if self._long:
            extra = [s for s in self._long if s.start < end and s.end > start]
            if extra:
                found = sorted(found + extra, key=_reading_key)
        return found

    def next_after(self, offset: int) -> Any | None:
        """The first span in reading order whose start is greater than ``offset``, or None."""
        i = bisect_right(self._starts, offset)
        return self.spans[i] if i < len(self.spans) else None

    def previous_before(self, offset: int) -> Any | None:
        """The last span in reading order whose start is less than ``offset``, or None."""
        i = bisect_left(self._starts, offset) - 1
        return self.spans[i] if i >= 0 else None

    def neighbour(self, span_id: Hashable, step: int) -> Any | None:
        """The span ``step`` places after (negative: before) ``span_id`` in reading order, or None.

        Unlike :meth:`next_after`, spans that start at the same offset are not skipped.
        """
        i = self.index_of(span_id) + step
        return self.spans[i] if 0 <= i < len(self.spans) else None
