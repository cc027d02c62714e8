"""Suggestions grouped and ranked: one row per label and quote in a document, with every place it occurs.

The rules (:mod:`annotator.core.suggest`) give one suggestion per occurrence: a name that a long document repeats
800 times is 800 suggestions. An analyst reads groups instead: a :class:`SuggestionGroup` is one ``(label, quote)``
of one document — the quote exactly as written, so ``text[start:end] == quote`` holds for each of its
``occurrences`` — with its count, its reason and its rank in the document.

Ranking, within each document: suggestions drawn from what the project's analysts tagged elsewhere first (they
have said so once already), then the others; within each, the more occurrences the higher; ties by the first
occurrence's place, then label and quote. The same suggestions always give the same groups in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from annotator.core.suggest import Suggestion

__all__ = ["SuggestionGroup", "group_suggestions", "reason_priority"]


@dataclass(frozen=True)
class SuggestionGroup:
    document: str
    label: str
    quote: str
    reason: str
    occurrences: tuple[tuple[int, int], ...]  # (start, end), in reading order
    rank: int  # 1 for the first group of its document

    @property
    def count(self) -> int:
        return len(self.occurrences)

    def suggestions(self) -> list[Suggestion]:
        """One suggestion per occurrence (the rows of ``suggest --all-occurrences``)."""
        return [Suggestion(self.document, self.label, s, e, self.quote, self.reason) for s, e in self.occurrences]

    def to_json(self) -> dict:
        return {
            "rank": self.rank,
            "document": self.document,
            "label": self.label,
            "quote": self.quote,
            "reason": self.reason,
            "count": self.count,
            "occurrences": [[s, e] for s, e in self.occurrences],
        }


def reason_priority(reason: str) -> int:
    """0 for a suggestion drawn from the project's own tags ("tagged as Actor elsewhere", "the tagged Actor
    'Steve Witkoff' written in Cyrillic script"), 1 for one the rules found by themselves."""
    return 0 if reason.startswith("the tagged ") or (reason.startswith("tagged as ") and
                                                     reason.endswith(" elsewhere")) else 1


def group_suggestions(suggestions: Iterable[Suggestion]) -> list[SuggestionGroup]:
    """The groups of ``suggestions``, document by document (in the order the documents first appear), each
    document's groups by rank. A group's reason is the reason of its best-ranked kind (ties: alphabetical)."""
    by_document: dict[str, dict[tuple[str, str], list[Suggestion]]] = {}
    for s in suggestions:
        by_document.setdefault(s.document, {}).setdefault((s.label, s.quote), []).append(s)
    groups: list[SuggestionGroup] = []
    for document, found in by_document.items():
        ranked = []
        for (label, quote), members in found.items():
            reason = min((reason_priority(r), r) for r in {m.reason for m in members})
            places = tuple(sorted((m.start, m.end) for m in members))
            ranked.append(((reason[0], -len(places), places[0], label, quote), label, quote, reason[1], places))
        ranked.sort()
        groups.extend(SuggestionGroup(document, label, quote, reason, places, rank)
                      for rank, (_, label, quote, reason, places) in enumerate(ranked, 1))
    return groups
