"""How a pane turns annotations into painted spans: visibility, colour mode and review patterns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from annotator.core.model import Annotation, SpanRow
from annotator.core.store import PALETTE
from annotator.gui.views.document_view import SpanStyle

#: Review categories are told apart by pattern as well as by hue (never colour alone).
CATEGORY_PATTERNS = {
    "agreed": "solid",
    "label_conflict": "hatched",
    "boundary_conflict": "crossed",
    "only": "dotted",
    "only_a": "dotted",
    "only_b": "dotted",
}
CATEGORY_NAMES = {
    "agreed": "agreed",
    "label_conflict": "label conflict",
    "boundary_conflict": "boundary conflict",
    "only": "only one annotator",
    "only_a": "only A",
    "only_b": "only B",
}
REJECTED_COLOR = "#9E9E9E"


def span_tooltip(a: Annotation, category: str | None = None) -> str:
    """label · annotator · date, then the note, review status and category, as shown when hovering a span."""
    lines = [f"{a.label} · {a.annotator} · {a.modified[:10]}"]
    if a.note:
        lines.append(a.note)
    if a.status != "pending":
        lines.append(f"{a.status} by {a.reviewer}" + (f": {a.review_note}" if a.review_note else "")
                     if a.reviewer else f"status: {a.status}")
    if category:
        lines.append(f"review: {CATEGORY_NAMES.get(category, category)}")
    return "\n".join(lines)


@dataclass
class SpanDisplay:
    """The display settings shared by both panes."""

    hidden: set[str] = field(default_factory=set)
    color_by: str = "label"  # or "annotator"
    #: While reviewing: the compared annotators, and per pane (0, 1) the annotator it shows (two-way review).
    review_annotators: list[str] | None = None
    pane_annotator: dict[int, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)  # annotation id -> review category

    @property
    def reviewing(self) -> bool:
        return self.review_annotators is not None

    def start_review(self, annotators: list[str], categories: dict[str, str]) -> None:
        """Show only ``annotators``' spans with their review ``categories``; with two, one per pane (left, right)."""
        self.review_annotators = list(annotators)
        self.pane_annotator = {0: annotators[0], 1: annotators[1]} if len(annotators) == 2 else {}
        self.categories = categories

    def end_review(self) -> None:
        self.review_annotators = None
        self.pane_annotator = {}
        self.categories = {}

    def annotator_color(self, annotator: str, annotators: list[str]) -> str:
        index = annotators.index(annotator) if annotator in annotators else len(annotators)
        return PALETTE[index % len(PALETTE)]

    def visible(self, a: SpanRow | Annotation, pane: int) -> bool:
        if self.review_annotators is not None:
            if a.annotator not in self.review_annotators:
                return False
            shown = self.pane_annotator.get(pane)
            return shown is None or a.annotator == shown
        return a.annotator not in self.hidden

    def styles(self, rows: Iterable[SpanRow | Annotation], pane: int, label_colors: dict[str, str],
               annotators: list[str]) -> list[SpanStyle]:
        """The spans pane ``pane`` paints for ``rows`` (tooltips are left to the view's provider)."""
        reviewing = self.review_annotators is not None
        categories = self.categories if reviewing else {}
        by_annotator = self.color_by == "annotator"
        hidden = self.hidden
        out: list[SpanStyle] = []
        append = out.append
        new = tuple.__new__  # SpanStyle(...) without the Python-level __new__: 50,000 of these per big document
        for a in rows:
            if reviewing:
                if not self.visible(a, pane):
                    continue
            elif a.annotator in hidden:
                continue
            if a.status == "rejected":
                color = REJECTED_COLOR
            elif by_annotator:
                color = self.annotator_color(a.annotator, annotators)
            else:
                color = label_colors.get(a.label, "#888888")
            pattern = CATEGORY_PATTERNS.get(categories.get(a.id), "solid") if reviewing else "solid"
            append(new(SpanStyle, (a.id, a.start, a.end, color, "", False, pattern)))
        return out

    def tooltip(self, a: Annotation) -> str:
        """The hover text of ``a`` as shown now (with its review category while reviewing)."""
        category = self.categories.get(a.id) if self.review_annotators is not None else None
        return span_tooltip(a, category)
