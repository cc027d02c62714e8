"""Placing report pieces on pages so that none is cut by a page break (pure: heights in, positions out).

The PDF writer measures each piece (a heading, a paragraph, a chart, one table
row) and asks :func:`paginate` where it goes. A piece never straddles a page
break unless it is taller than a whole page; a heading stays with what follows
it; a table's header row is repeated at the top of every page its rows
continue on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    height: float
    keep_with_next: bool = False  # headings and captions
    header: float = 0.0  # height of the table header to repeat above this unit when it opens a page
    gap_after: float = 0.0


@dataclass(frozen=True)
class Placement:
    index: int  # into the units
    page: int
    y: float
    repeat_header: bool = False  # draw the unit's table header at ``y - header`` first
    pages: int = 1  # more than 1 only for a unit taller than a page


class Paginator:
    """:func:`paginate` a group of units at a time, for a writer that draws as pieces come (never holding all).

    Give :meth:`place` each group that ends with a unit not kept with the next (a heading waits for what it
    heads); placements are the same as one :func:`paginate` over all the units, indices counting from the first
    unit of the first group.
    """

    def __init__(self, page_height: float):
        if page_height <= 0:
            raise ValueError("page height must be positive")
        self.page_height = page_height
        self.page, self.y = 0, 0.0
        self.placed = 0  # units placed so far
        self.last_page = -1  # the page of the last unit placed

    def place(self, units: list[Unit]) -> list[Placement]:
        page_height = self.page_height
        out: list[Placement] = []
        page, y = self.page, self.y
        for i, u in enumerate(units):
            need, j = u.height, i
            while units[j].keep_with_next and j + 1 < len(units):  # a heading, its caption, then what they head
                need += units[j].gap_after
                j += 1
                nxt = units[j].height
                need += nxt if nxt <= page_height or units[j].keep_with_next else page_height / 3
            if y > 0 and y + need > page_height:
                page, y = page + 1, 0.0
            # A table row that opens a page gets the table's header above it.
            repeat = bool(u.header) and y == 0 and -1 < self.last_page < page
            if repeat:
                y = u.header
            index = self.placed + i
            if y + u.height > page_height:
                # Taller than a page: it runs on over as many pages as it needs.
                # Each page shows the next ``page_height - y`` of it, below the same top offset.
                avail = page_height - y
                spans = max(1, math.ceil(u.height / avail))
                out.append(Placement(index, page, y, repeat, spans))
                page += spans - 1
                y = y + u.height - (spans - 1) * avail + u.gap_after
            else:
                out.append(Placement(index, page, y, repeat))
                y += u.height + u.gap_after
            self.last_page = page
        self.page, self.y = page, y
        self.placed += len(units)
        return out


def paginate(units: list[Unit], page_height: float) -> list[Placement]:
    """Where each unit goes: page number (from 0) and top offset on that page."""
    return Paginator(page_height).place(units)
