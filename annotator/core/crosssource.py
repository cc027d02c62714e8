"""Reading sources against each other: figure discrepancies, actor name variants, claims by actor,
and the content-based mapping that keeps two panes scrolled to the same place.

Everything here works on links between annotations (``annotator.core.store``)
and the number reader (``annotator.core.numbers``).
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TextIO

from annotator.core.formats.csv_set import escape_cell
from annotator.core.model import Annotation, Link
from annotator.core.names import same_name, script
from annotator.core.numbers import COMPATIBLE, DIFFERS, SAME, compare, describe, read_number, verdict
from annotator.core.store import Store

SAME_AS = "same as"
SAID_BY = "said by"
CONTRADICTS = "contradicts"
FIGURE, ACTOR, CLAIM = "Figure", "Actor", "Claim"
#: Linked pairs read between two calls of a ``progress`` callback.
PROGRESS_EVERY = 100


@dataclass(frozen=True)
class Discrepancy:
    """One linked pair compared: two figures (numbers read), two names of one actor, or two contradicting claims.

    ``verdict`` is the one rule every view shows (:func:`annotator.core.numbers.verdict`):
    ``"same"``, ``"compatible"`` (numbers that differ but can both be true), ``"differs"``;
    ``"unread"`` when no number could be read on one side. ``differs`` is ``verdict == "differs"``.
    """

    kind: str  # "figure", "actor" or "claim"
    link: Link
    left: Annotation
    right: Annotation
    left_value: str  # the reading in plain words ("at least 6 people") or the surface form
    right_value: str
    differs: bool
    explanation: str
    verdict: str = ""
    left_language: str = ""
    right_language: str = ""

    def swapped(self) -> Discrepancy:
        """The same pair with its sides exchanged (to follow the panes rather than the link's direction)."""
        return replace(self, left=self.right, right=self.left, left_value=self.right_value,
                       right_value=self.left_value, left_language=self.right_language,
                       right_language=self.left_language)

    def facing(self, left_document: str | None, right_document: str | None) -> Discrepancy:
        """Oriented so that the left side is in ``left_document`` (or the right side in ``right_document``)."""
        if self.left.document == left_document or self.right.document == right_document:
            return self
        if self.right.document == left_document or self.left.document == right_document:
            return self.swapped()
        return self

    def to_json(self, titles: dict[str, str]) -> dict:
        def side(ann: Annotation, value: str, language: str) -> dict:
            return {"id": ann.id, "document": ann.document, "title": titles.get(ann.document, ann.document),
                    "language": language, "label": ann.label, "quote": ann.quote, "reading": value}

        return {"kind": self.kind, "link_type": self.link.type, "verdict": self.verdict, "differs": self.differs,
                "explanation": self.explanation, "left": side(self.left, self.left_value, self.left_language),
                "right": side(self.right, self.right_value, self.right_language)}


#: What a mark in the Discrepancies table and the CLI says for each verdict.
VERDICT_MARKS = {SAME: "= same", COMPATIBLE: "≈ compatible", DIFFERS: "≠ differs", "unread": "? unread"}


def _pairs(store: Store, types: set[str] | None = None):
    for link, a, b in store.linked_pairs():
        if types is None or link.type in types:
            yield link, a, b


def _figure_pair(link: Link, a: Annotation, b: Annotation, la: str, lb: str) -> Discrepancy:
    ra, rb = read_number(a.quote, la or None), read_number(b.quote, lb or None)
    if ra is None or rb is None:
        unread = a.quote if ra is None else b.quote
        return Discrepancy("figure", link, a, b, describe(ra) if ra else "?", describe(rb) if rb else "?", False,
                           f"no number could be read in {unread!r}", "unread", la, lb)
    kind = verdict(ra, rb)
    return Discrepancy("figure", link, a, b, describe(ra), describe(rb), kind == DIFFERS, compare(ra, rb), kind,
                       la, lb)


def _actor_pair(link: Link, a: Annotation, b: Annotation, la: str, lb: str) -> Discrepancy:
    if same_name(a.quote, b.quote):
        other = script(a.quote) != script(b.quote)
        why = "same actor, other spelling" + (f" ({script(a.quote)} / {script(b.quote)} script)" if other else "")
        return Discrepancy("actor", link, a, b, a.quote, b.quote, False, why, SAME, la, lb)
    return Discrepancy("actor", link, a, b, a.quote, b.quote, True, "the same actor is named differently", DIFFERS,
                       la, lb)


def _claim_pair(link: Link, a: Annotation, b: Annotation, la: str, lb: str) -> Discrepancy:
    """Two claims linked as contradicting: the analyst's note, else the reason a model gave (kept in the origin
    of the span accepting its pair created), else the link itself."""
    why = link.note.strip()
    for ann in (b, a):
        if not why and ann.origin.startswith("model "):
            why = ann.origin.partition(f": {CONTRADICTS}: ")[2].strip()
    return Discrepancy("claim", link, a, b, a.quote, b.quote, True, why or "linked as contradicting", DIFFERS,
                       la, lb)


def discrepancies(store: Store, progress: Callable[[int, int | None], None] | None = None) -> list[Discrepancy]:
    """Every linked Figure pair with both readings, every same-as Actor pair whose names differ, and every Claim
    pair linked as contradicting.

    Figure pairs are compared whatever the link type, each side read with the rules of its
    document's language. Actor pairs are listed only when their surface forms differ; a name
    written in another script or spelling ("Steve Witkoff" / "Стив Уиткофф", "Sergei" / "Sergey")
    is "same actor, other spelling", anything else "the same actor is named differently".
    ``progress(done, total)`` is told the linked pairs read of all the links (it may raise to stop).
    """
    languages = {d.id: d.language for d in store.documents()}
    out = []
    pairs = store.linked_pairs()
    for n, (link, a, b) in enumerate(pairs):
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, len(pairs))
        la, lb = languages.get(a.document, ""), languages.get(b.document, "")
        if a.label == FIGURE and b.label == FIGURE:
            out.append(_figure_pair(link, a, b, la, lb))
        elif link.type == SAME_AS and a.label == ACTOR and b.label == ACTOR and a.quote != b.quote:
            out.append(_actor_pair(link, a, b, la, lb))
        elif link.type == CONTRADICTS and a.label == CLAIM and b.label == CLAIM:
            out.append(_claim_pair(link, a, b, la, lb))
    if progress is not None:
        progress(len(pairs), len(pairs))
    return out


def write_discrepancies_csv(items: list[Discrepancy], titles: dict[str, str], out: TextIO) -> int:
    """Discrepancies as CSV (same conventions as the annotation CSV: RFC 4180, formula-safe cells)."""
    writer = csv.writer(out)
    writer.writerow(("kind", "link_type", "verdict", "differs", "left_document", "left_language", "left_quote",
                     "left_value", "right_document", "right_language", "right_quote", "right_value", "explanation",
                     "left_id", "right_id"))
    for d in items:
        writer.writerow((d.kind, escape_cell(d.link.type), d.verdict, "yes" if d.differs else "no",
                         escape_cell(titles.get(d.left.document, d.left.document)), d.left_language,
                         escape_cell(d.left.quote), escape_cell(d.left_value),
                         escape_cell(titles.get(d.right.document, d.right.document)), d.right_language,
                         escape_cell(d.right.quote), escape_cell(d.right_value), escape_cell(d.explanation),
                         d.left.id, d.right.id))
    return len(items)


@dataclass(frozen=True)
class ActorClaims:
    """An actor (all its same-as linked names) and the claims linked to it by "said by"."""

    name: str
    names: tuple[str, ...]
    claims: tuple[tuple[Annotation, Annotation], ...]  # (claim, the actor span it is linked to)


def claims_by_actor(store: Store) -> list[ActorClaims]:
    """Claims grouped by the actor they are said by, across documents and sources.

    Actor spans joined by "same as" links, with the same text, or with one name
    written in another script or spelling (:func:`annotator.core.names.same_name`:
    "Steve Witkoff", "Стив Уиткофф", "ويتكوف") are one actor; it is named by its
    most frequent surface form. Sorted by number of
    claims, then name.
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        parent[find(x)] = find(y)

    actors: dict[str, Annotation] = {}
    said: list[tuple[Annotation, Annotation]] = []
    for link, a, b in _pairs(store, {SAME_AS, SAID_BY}):
        if link.type == SAME_AS and a.label == ACTOR and b.label == ACTOR:
            actors[a.id], actors[b.id] = a, b
            union(a.id, b.id)
        elif link.type == SAID_BY:
            claim, actor = (a, b) if b.label == ACTOR else (b, a)
            if actor.label == ACTOR:
                actors[actor.id] = actor
                said.append((claim, actor))
    by_text: dict[str, str] = {}
    for ann in actors.values():
        key = " ".join(ann.quote.split()).casefold()
        if key in by_text:
            union(ann.id, by_text[key])
        else:
            by_text[key] = ann.id
    forms = list(by_text.items())
    for i, (name_a, id_a) in enumerate(forms):  # one actor in other scripts and spellings
        for name_b, id_b in forms[i + 1 :]:
            if find(id_a) != find(id_b) and same_name(name_a, name_b):
                union(id_a, id_b)
    groups: dict[str, list[tuple[Annotation, Annotation]]] = {}
    for claim, actor in said:
        groups.setdefault(find(actor.id), []).append((claim, actor))
    result = []
    for root, claims in groups.items():
        members = [a for a in actors.values() if find(a.id) == root]
        forms = Counter(" ".join(a.quote.split()) for a in members)
        names = tuple(sorted(forms, key=lambda n: (-forms[n], n)))
        unique = {c.id: (c, a) for c, a in claims}
        ordered = sorted(unique.values(), key=lambda ca: (ca[0].document, ca[0].start))
        result.append(ActorClaims(names[0], names, tuple(ordered)))
    return sorted(result, key=lambda g: (-len(g.claims), g.name))


def map_offset(offset: int, anchors: list[tuple[int, int]], length_a: int, length_b: int) -> int:
    """The place in document B that corresponds to ``offset`` in document A.

    ``anchors`` are ``(offset in A, offset in B)`` pairs known to correspond
    (linked spans across the two documents). Between anchors, and before the
    first and after the last one, the position is interpolated linearly in
    characters, so the panes follow the content rather than the scroll bars.
    """
    points = sorted({(0, 0), (length_a, length_b), *((a, b) for a, b in anchors if 0 <= a <= length_a
                                                      and 0 <= b <= length_b)})
    # Keep the mapping monotonic: drop anchors that would make it go backwards.
    mono: list[tuple[int, int]] = []
    for a, b in points:
        if not mono or (a > mono[-1][0] and b >= mono[-1][1]):
            mono.append((a, b))
    xs = [a for a, _ in mono]
    i = max(0, min(bisect_right(xs, offset) - 1, len(mono) - 2)) if len(mono) > 1 else 0
    if len(mono) == 1:
        return 0
    (a0, b0), (a1, b1) = mono[i], mono[i + 1]
    t = (offset - a0) / (a1 - a0) if a1 != a0 else 0.0
    return max(0, min(length_b, round(b0 + t * (b1 - b0))))


def link_anchors(store: Store, doc_a: str, doc_b: str) -> list[tuple[int, int]]:
    """``(start in A, start in B)`` for every link between a span of ``doc_a`` and one of ``doc_b``."""
    anchors = []
    for _link, x, y in _pairs(store):
        if x.document == doc_a and y.document == doc_b:
            anchors.append((x.start, y.start))
        elif x.document == doc_b and y.document == doc_a:
            anchors.append((y.start, x.start))
    return anchors
