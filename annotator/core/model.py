"""Frozen dataclasses for the things a project holds.

Offsets are half-open Unicode code-point offsets into ``Document.text``;
``text[start:end] == quote`` always holds for a stored annotation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

STATUSES = ("pending", "accepted", "rejected")


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    source: str = ""
    published: str | None = None
    url: str | None = None
    length: int = 0
    added: str = ""
    #: ISO 639-1 code ("en", "ru", "ar"), "" when not known; see :mod:`annotator.core.language`.
    language: str = ""
    text: str | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Label:
    name: str
    color: str
    shortcut: str = ""
    description: str = ""
    position: int = 0


@dataclass(frozen=True)
class Annotator:
    id: str
    name: str = ""


@dataclass(frozen=True)
class Annotation:
    id: str
    document: str
    label: str
    start: int
    end: int
    quote: str
    annotator: str
    note: str = ""
    status: str = "pending"
    created: str = ""
    modified: str = ""
    reviewer: str = ""
    reviewed: str = ""
    review_note: str = ""
    #: Provenance when not tagged by hand, e.g. "suggested: capitalised name" (not exchanged).
    origin: str = ""

    def overlaps(self, start: int, end: int) -> bool:
        """True if this span shares at least one character with ``[start, end)``."""
        return self.start < end and start < self.end


@dataclass(frozen=True)
class Link:
    id: str
    type: str
    source: str
    target: str
    annotator: str
    note: str = ""
    created: str = ""


class SpanRow(NamedTuple):
    """The part of an annotation a view needs to paint and pick it; the full record is read on demand.

    A plain tuple: a document's 50,000 of these load in a fraction of the time
    of as many :class:`Annotation` objects.
    """

    id: str
    label: str
    start: int
    end: int
    annotator: str
    status: str
