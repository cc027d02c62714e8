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

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Sequence
from heapq import heappop, heappush
from operator import attrgetter
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


def assign_lanes(
    starts: Sequence[int], ends: Sequence[int], ids: Sequence[Hashable]
) -> tuple[dict[Hashable, int], int]:
    """Greedy interval colouring of spans given in reading order.

    Each span takes the lowest lane that is free at its start, so two spans
    that share a character never share a lane. Returns ``(lanes, max_lane)``
    with ``max_lane == -1`` when there are no spans.
    """
    lanes: dict[Hashable, int] = {}
    # Open spans as one int each, ``end << 32 | lane``: a heap of ints is much
    # cheaper than a heap of (end, lane) tuples.
    busy: list[int] = []
    free: list[int] = []  # heap of lanes released by spans that have ended
    next_lane = 0
    for start, end, span_id in zip(starts, ends, ids):
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
    return lanes, next_lane - 1


class SpanIndex:
    """Spans sorted in reading order, bucketed by offset for fast look-ups.

    Build it from objects with ``id``, ``start`` and ``end`` attributes (they
    are returned as given) or from ``(id, start, end)`` tuples (returned as
    :class:`Span`). Ids must be unique; ``0 <= start <= end`` must hold.
    Building is O(n log n); :meth:`at` and :meth:`overlapping` look only at
    the buckets the query touches.

    Attributes:
        spans: every span, sorted by ``(start, -end, id)``.
        lanes: ``{id: lane}``; overlapping spans have different lanes.
        max_lane: the highest lane in use, ``-1`` for an empty index.
    """

    __slots__ = ("spans", "lanes", "max_lane", "bucket_size", "_starts", "_ends", "_position", "_buckets", "_long")

    def __init__(self, spans: Iterable[Any] = (), bucket_size: int = BUCKET_SIZE):
        if bucket_size < 1:
            raise ValueError("bucket_size must be at least 1")
        items = [_coerce(item) for item in spans]
        sort_reading_order(items)
        self.spans: list[Any] = items
        self.bucket_size = bucket_size
        self._starts = [item.start for item in items]
        self._ends = [item.end for item in items]
        ids = [item.id for item in items]
        for item, start, end in zip(items, self._starts, self._ends):
            if not 0 <= start <= end:
                raise ValueError(f"span {item.id!r} has an invalid range [{start}, {end})")
        self._position = {span_id: i for i, span_id in enumerate(ids)}
        if len(self._position) != len(items):
            raise ValueError("span ids must be unique")
        self._buckets: dict[int, list[int]] = {}
        self._long: list[int] = []
        self._fill_buckets()
        self.lanes, self.max_lane = assign_lanes(self._starts, self._ends, ids)

    def _fill_buckets(self) -> None:
        """Register every non-empty span in each bucket it touches (long ones in the side list)."""
        size = self.bucket_size
        buckets: defaultdict[int, list[int]] = defaultdict(list)
        for i, (start, end) in enumerate(zip(self._starts, self._ends)):
            if end <= start:
                continue
            first, last = start // size, (end - 1) // size
            if first == last:
                buckets[first].append(i)
            elif last - first >= LONG_SPAN_BUCKETS:
                self._long.append(i)
            else:
                for bucket in range(first, last + 1):
                    buckets[bucket].append(i)
        self._buckets = dict(buckets)

    # ------------------------------------------------------------------ basics
    def __len__(self) -> int:
        return len(self.spans)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.spans)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._position

    def get(self, span_id: Hashable) -> Any | None:
        """The span with ``span_id``, or None."""
        i = self._position.get(span_id)
        return None if i is None else self.spans[i]

    def index_of(self, span_id: Hashable) -> int:
        """Position of ``span_id`` in :attr:`spans` (reading order); KeyError if absent."""
        return self._position[span_id]

    # ---------------------------------------------------------------- look-ups
    def at(self, offset: int) -> list[Hashable]:
        """Ids of the spans containing ``offset`` (``start <= offset < end``), in reading order."""
        starts, ends = self._starts, self._ends
        found = [i for i in self._buckets.get(offset // self.bucket_size, ()) if starts[i] <= offset < ends[i]]
        if self._long:
            extra = [i for i in self._long if starts[i] <= offset < ends[i]]
            if extra:
                found = sorted(found + extra)
        return [self.spans[i].id for i in found]

    def overlapping(self, start: int, end: int) -> list[Any]:
        """Spans sharing at least one character with ``[start, end)``, in reading order."""
        if end <= start:
            return []
        size, starts, ends, buckets = self.bucket_size, self._starts, self._ends, self._buckets
        first, last = start // size, (end - 1) // size
        found: list[int] = []
        for bucket in range(first, last + 1):
            entries = buckets.get(bucket)
            if not entries:
                continue
            # A span that starts before this bucket also touches the previous
            # one, so it was already considered there (unless this is the first).
            lowest = 0 if bucket == first else bucket * size
            found.extend(i for i in entries if lowest <= starts[i] < end and ends[i] > start)
        if self._long:
            extra = [i for i in self._long if starts[i] < end and ends[i] > start]
            if extra:
                found = sorted(found + extra)
        return [self.spans[i] for i in found]

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
        i = self._position[span_id] + step
        return self.spans[i] if 0 <= i < len(self.spans) else None
