"""What a comparison report shows, gathered from a project in one pass (no Qt, no HTML).

:func:`gather` reads the store once and returns a :class:`ReportData`: the
documents compared, label counts per document and per source, the figure and
actor discrepancies (from :func:`annotator.core.crosssource.discrepancies`),
claims by actor across sources, annotator activity by day, agreement per label
between two annotators (from :mod:`annotator.core.agreement`), and every
quoted span with the sentence around it. The charts, the HTML page, the PDF
and the Reports dock are all drawn from this one object.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from annotator.core.agreement import agreement_report
from annotator.core.crosssource import ActorClaims, Discrepancy, claims_by_actor, discrepancies
from annotator.core.errors import InputError
from annotator.core.model import Annotation, Document, Label
from annotator.core.store import Store

#: How far the context of a quote reaches at most on each side (characters), when no sentence end is nearer.
CONTEXT_REACH = 240
#: Sentence ends: Latin, Arabic and CJK full stops, question and exclamation marks, and paragraph breaks.
_SENTENCE_END = re.compile(r"[.!?…؟。！？]+[\"'”’»)\]]*(?=\s)|\n")


@dataclass(frozen=True)
class Context:
    """A quote in its sentence: ``before + quote + after`` is a slice of the text (ellipses mark cuts)."""

    before: str
    quote: str
    after: str
    cut_before: bool = False
    cut_after: bool = False


@dataclass(frozen=True)
class LabelTally:
    """One label's spans in one document (or source) that the review kept: accepted and pending, never rejected.

    ``spans`` counts distinct spans: the same label on the same characters tagged by two annotators is one
    span. ``by_annotator`` says how many of the kept spans each annotator made.
    """

    spans: int
    by_annotator: dict[str, int]

    @property
    def kept(self) -> int:
        """Kept annotations, one per annotator and span."""
        return sum(self.by_annotator.values())

    def breakdown(self) -> str:
        """``"alice 2, bob 1"``."""
        return ", ".join(f"{name} {n}" for name, n in self.by_annotator.items())


def kept_label_counts(annotations: Iterable[Annotation],
                      group: Callable[[Annotation], str] = lambda a: a.document) -> dict[str, dict[str, LabelTally]]:
    """Group (by default the document) -> label -> what the review kept of it; rejected spans are never counted."""
    bounds: dict[tuple[str, str], set[tuple[str, int, int]]] = defaultdict(set)
    makers: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for a in annotations:
        if a.status == "rejected":
            continue
        key = (group(a), a.label)
        bounds[key].add((a.document, a.start, a.end))
        makers[key][a.annotator] += 1
    out: dict[str, dict[str, LabelTally]] = defaultdict(dict)
    for (name, label), spans in bounds.items():
        out[name][label] = LabelTally(len(spans), dict(sorted(makers[name, label].items())))
    return dict(out)


@dataclass(frozen=True)
class QuotedSpan:
    annotation: Annotation
    context: Context


@dataclass(frozen=True)
class ActorRow:
    """One actor of the claims-by-actor matrix: claims per source, and the claims themselves."""

    actor: ActorClaims
    by_source: dict[str, list[Annotation]]

    def count(self, source: str) -> int:
        return len(self.by_source.get(source, ()))


@dataclass(frozen=True)
class FigurePair:
    """A discrepancy with the sentence around each of its two quotes."""

    discrepancy: Discrepancy
    left_context: Context
    right_context: Context


@dataclass
class ReportData:
    project: str
    documents: list[Document]
    labels: list[Label]
    label_counts: dict[str, dict[str, LabelTally]]  # document id -> label -> spans kept (never rejected)
    source_counts: dict[str, dict[str, LabelTally]]  # source -> label -> spans kept
    figures: list[FigurePair]
    actors: list[ActorRow]
    sources: list[str]  # the matrix's columns, in document order
    activity: dict[str, Counter]  # annotator -> day (YYYY-MM-DD) -> annotations created
    agreement_pair: tuple[str, str] | None
    agreement: dict[str, dict]  # label -> {"exact", "overlap", "alpha_u"}
    spans: list[QuotedSpan] = field(default_factory=list)
    rejected: int = 0  # annotations the review rejected: listed with their status, never counted

    @property
    def annotation_count(self) -> int:
        """Annotations the review kept (accepted and pending), one per annotator and span."""
        return sum(t.kept for c in self.label_counts.values() for t in c.values())

    def spans_in(self, doc_id: str) -> int:
        """Distinct spans kept in a document."""
        return sum(t.spans for t in self.label_counts.get(doc_id, {}).values())

    def source_of(self, doc_id: str) -> str:
        return source_name(self._docs[doc_id]) if doc_id in self._docs else "?"

    def title_of(self, doc_id: str) -> str:
        return self._docs[doc_id].title if doc_id in self._docs else doc_id

    def __post_init__(self) -> None:
        self._docs = {d.id: d for d in self.documents}


def source_name(doc: Document) -> str:
    """The source a document is counted under: its source, or "(no source)"."""
    return doc.source.strip() or "(no source)"


def sentence_around(text: str, start: int, end: int, reach: int = CONTEXT_REACH) -> Context:
    """The sentence holding ``text[start:end]``, cut at ``reach`` characters each side."""
    lo = max(0, start - reach)
    before_ends = [m.end() for m in _SENTENCE_END.finditer(text, lo, start)]
    left = before_ends[-1] if before_ends else lo
    after = _SENTENCE_END.search(text, end, min(len(text), end + reach))
    right = after.end() if after else min(len(text), end + reach)
    cut_before = not before_ends and lo > 0
    cut_after = after is None and right < len(text)
    return Context(text[left:start].lstrip(), text[start:end], text[end:right].rstrip(), cut_before, cut_after)


def choose_pair(counts: dict[str, int], wanted: Iterable[str] | None = None) -> tuple[str, str] | None:
    """The two annotators compared: ``wanted`` if given (checked), else the two with the most annotations."""
    if wanted:
        names = list(dict.fromkeys(wanted))
        unknown = [n for n in names if n not in counts]
        if unknown:
            raise InputError(f"There is no annotator {unknown[0]!r} in these documents; they have: "
                             f"{', '.join(sorted(counts)) or 'none'}.")
        if len(names) != 2:
            raise InputError("Name exactly two different annotators to compare.")
        return names[0], names[1]
    ranked = sorted(counts, key=lambda n: (-counts[n], n))
    return (ranked[0], ranked[1]) if len(ranked) >= 2 else None


def gather(store: Store, documents: Iterable[str] | None = None, pair: Iterable[str] | None = None,
           with_spans: bool = True, with_agreement: bool = True) -> ReportData:
    """Everything a report shows, for ``documents`` (ids; default: every document) of ``store``.

    ``pair`` names the two annotators whose agreement per label is shown
    (default: the two with the most annotations). A discrepancy or claim is
    included when both its spans are in the chosen documents. The Reports dock leaves out what its current tab
    does not show (``with_spans``, ``with_agreement``): the agreement's token scan is the costliest part.
    """
    all_docs = store.documents()
    if documents is not None:
        wanted = list(dict.fromkeys(documents))
        known = {d.id for d in all_docs}
        for doc_id in wanted:
            if doc_id not in known:
                raise InputError(f"There is no document {doc_id!r} in this project.")
        docs = [d for d in all_docs if d.id in set(wanted)]
    else:
        docs = all_docs
    chosen = {d.id for d in docs}
    texts = {d.id: store.document_text(d.id) for d in docs}
    anns = list(store.iter_annotations(documents=chosen)) if documents is not None else list(store.iter_annotations())
    by_doc = {d.id: d for d in docs}
    label_counts = {d.id: {} for d in docs} | kept_label_counts(anns)
    source_counts = ({source_name(d): {} for d in docs}
                     | kept_label_counts(anns, lambda a: source_name(by_doc[a.document])))
    activity: dict[str, Counter] = defaultdict(Counter)
    per_annotator: Counter = Counter()
    for a in anns:
        activity[a.annotator][(a.created or "")[:10] or "undated"] += 1
        per_annotator[a.annotator] += 1
    figures = [FigurePair(d, sentence_around(texts[d.left.document], d.left.start, d.left.end),
                          sentence_around(texts[d.right.document], d.right.start, d.right.end))
               for d in discrepancies(store) if d.left.document in chosen and d.right.document in chosen]
    sources = list(dict.fromkeys(source_name(d) for d in docs))
    actors = []
    for group in claims_by_actor(store):
        by_source: dict[str, list[Annotation]] = {}
        for claim, actor in group.claims:
            if claim.document in chosen and actor.document in chosen:
                by_source.setdefault(source_name(by_doc[claim.document]), []).append(claim)
        if by_source:
            actors.append(ActorRow(group, by_source))
    chosen_pair = choose_pair(per_annotator, pair)
    agreement = _agreement(texts, anns, chosen_pair) if chosen_pair and with_agreement else {}
    spans = [QuotedSpan(a, sentence_around(texts[a.document], a.start, a.end)) for a in anns] if with_spans else []
    return ReportData(str(store.path), docs, store.labels(), label_counts, source_counts, figures, actors, sources,
                      dict(activity), chosen_pair, agreement, spans, sum(a.status == "rejected" for a in anns))


def _agreement(texts: dict[str, str], anns: list[Annotation], pair: tuple[str, str]) -> dict[str, dict]:
    """Span F1 (exact, overlap) and unitizing alpha per label between the two annotators."""
    compared = [a for a in anns if a.annotator in pair]
    counted = {a.document for a in compared}
    report = agreement_report({d: texts[d] for d in counted}, compared, list(pair))
    return {label: {"exact": row["span_f1"]["exact"], "overlap": row["span_f1"]["overlap"],
                    "alpha_u": row["krippendorff_alpha_u"]} for label, row in report["per_label"].items()}
