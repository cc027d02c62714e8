"""Frozen dataclasses for the things a project holds.

Offsets are half-open Unicode code-point offsets into ``Document.text``;
``text[start:end] == quote`` always holds for a stored annotation.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import NamedTuple

STATUSES = ("pending", "accepted", "rejected")

#: Metadata of a field that stays in the project: the exchange formats do not carry it.
_NOT_EXCHANGED = {"exchanged": False}


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
    #: The analyst's memo on the document, "" when there is none (exchanged from version 4 of the JSON set on).
    memo: str = ""
    text: str | None = field(default=None, repr=False, compare=False)


#: The kinds of attribute a label may declare: a flag (present or not), one of a list of choices, free text.
ATTRIBUTE_TYPES = ("flag", "choice", "text")


@dataclass(frozen=True)
class AttributeDecl:
    """An attribute a label's annotations may carry (``negated``: flag; ``certainty``: one of a list)."""

    label: str
    name: str
    type: str = "text"
    #: The allowed values of a ``choice`` attribute, in order; empty for the other types.
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Label:
    name: str
    color: str
    shortcut: str = ""
    description: str = ""
    position: int = 0
    #: The name of the label this one sits under in the tree, "" at the top. None only in a label read from a
    #: scheme file of version 1, which does not say where a label sits (importing it leaves the tree as it is).
    parent: str | None = ""
    #: False for a category that only holds labels (REFI-QDA ``isCodable="false"``): nothing is tagged with it.
    codable: bool = True
    #: The analyst's memo on the code, "" when there is none (exchanged from version 4 of the JSON set on).
    memo: str = ""
    #: The attributes a label read from a scheme file (version 3 on) declares; None for a label read from the
    #: store (which keeps them apart: ``Store.label_attributes``) or from an older scheme file (importing it
    #: leaves the project's declarations as they are).
    attributes: tuple[AttributeDecl, ...] | None = field(default=None, compare=False, repr=False)


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
    #: Who decided the review status, when (UTC ISO 8601), and why; "" while undecided (exchanged since version 2
    #: of the JSON set: :mod:`annotator.core.decisions`).
    reviewer: str = ""
    reviewed: str = ""
    review_note: str = ""
    #: Provenance when not tagged by hand, e.g. "suggested: capitalised name" (not exchanged).
    origin: str = field(default="", metadata=_NOT_EXCHANGED)

    def overlaps(self, start: int, end: int) -> bool:
        """True if this span shares at least one character with ``[start, end)``."""
        return self.start < end and start < self.end


#: Every field of an annotation, in the order of :class:`Annotation`: the store's ``annotations`` table has a
#: column of each name, and its queries are built from this list (:mod:`annotator.core.store.annotations`).
ANNOTATION_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Annotation))
#: The fields the exchange formats carry, in their order: the keys of an annotation in the JSON set, the
#: rows of ``Store.annotation_row_batches`` and the CSV columns from ``label`` on. ``origin`` stays in the
#: project. Adding a field here changes the formats: raise their ``version`` (the review fields came with
#: version 2 of the JSON set, appended after ``modified``).
EXCHANGED_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Annotation) if f.metadata.get("exchanged", True))


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


class ComparedSpan(NamedTuple):
    """The part of an annotation that comparing annotators shows and counts (``review``, ``agreement``).

    A plain tuple read straight from the store: a million of these take a fraction of the time and memory of
    as many :class:`Annotation` objects. Its fields are those of :class:`Annotation` with the same names.
    """

    id: str
    document: str
    label: str
    start: int
    end: int
    quote: str
    annotator: str
    status: str
