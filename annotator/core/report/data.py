"""What a comparison report shows, gathered from a project in one pass (no Qt, no HTML).

:func:`gather` reads the store and returns a :class:`ReportData`: the
documents compared, label counts per document and per source, the figure and
actor discrepancies (from :func:`annotator.core.crosssource.discrepancies`),
claims by actor across sources, annotator activity by day, agreement per label
between two annotators (from :mod:`annotator.core.agreement`), and every
span those compare with the sentence around it. Counts are SQL aggregates
(:mod:`annotator.core.store.report_counts`): nothing here grows with the
annotations. The charts, the HTML page, the PDF and the Reports dock are all
drawn from this one object.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

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


def kept_tallies(rows: Iterable[tuple[str, str, str, str, str, int]], distinct: Iterable[tuple[str, str, int]],
                 group: Callable[[str], str] = lambda doc: doc) -> dict[str, dict[str, LabelTally]]:
    """Group (by default the document) -> label -> what the review kept of it; rejected spans are never counted.

    ``rows`` are the store's :meth:`~annotator.core.store.Store.tally_rows` (document, label, annotator, status,
    day, count) and ``distinct`` its :meth:`~annotator.core.store.Store.distinct_span_rows` (document, label,
    spans); ``group`` maps a document id to its group (its source, say).
    """
    spans: Counter = Counter()
    makers: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for doc, label, n in distinct:
        spans[group(doc), label] += n
    for doc, label, annotator, status, _day, n in rows:
        if status != "rejected":
            makers[group(doc), label][annotator] += n
    out: dict[str, dict[str, LabelTally]] = defaultdict(dict)
    for (name, label), n in spans.items():
        out[name][label] = LabelTally(n, dict(sorted(makers[name, label].items())))
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
    spans: list[QuotedSpan] = field(default_factory=list)  # the spans the figures and claims compare (linked)
    rejected: int = 0  # annotations the review rejected: never counted
    by_status: dict[str, dict[str, Counter]] = field(default_factory=dict)  # "label"/"annotator" -> name -> status -> n

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


#: The steps :func:`gather` reports through ``progress(done, GATHER_STEPS)``.
GATHER_STEPS = 5


def _quiet(done: int, total: int | None = None) -> None:
    pass


def _chosen(store: Store, documents: Iterable[str] | None) -> list[Document]:
    all_docs = store.documents()
    if documents is None:
        return all_docs
    wanted = list(dict.fromkeys(documents))
    known = {d.id for d in all_docs}
    for doc_id in wanted:
        if doc_id not in known:
            raise InputError(f"There is no document {doc_id!r} in this project.")
    return [d for d in all_docs if d.id in set(wanted)]


def gather(store: Store, documents: Iterable[str] | None = None, pair: Iterable[str] | None = None,
           with_spans: bool = True, with_agreement: bool = True,
           progress: Callable[[int, int | None], None] | None = None) -> ReportData:
    """Everything a report shows, for ``documents`` (ids; default: every document) of ``store``.

    Counts come from SQL aggregates, so the time is a few scans and the memory does not grow with the
    annotations. ``pair`` names the two annotators whose agreement per label is shown (default: the two with
    the most annotations). A discrepancy or claim is included when both its spans are in the chosen documents;
    ``spans`` holds the spans they compare. The Reports dock leaves out what its current tab does not show
    (``with_spans``, ``with_agreement``). ``progress(done, GATHER_STEPS)`` is called after each step; it may
    raise :class:`~annotator.core.errors.CancelledError`.
    """
    progress = progress or _quiet
    docs = _chosen(store, documents)
    chosen = {d.id for d in docs}
    selection = None if documents is None else [d.id for d in docs]
    progress(0, GATHER_STEPS)
    rows = store.tally_rows(selection)
    progress(1, GATHER_STEPS)
    distinct = store.distinct_span_rows(selection)
    progress(2, GATHER_STEPS)
    by_doc = {d.id: d for d in docs}
    label_counts = {d.id: {} for d in docs} | kept_tallies(rows, distinct)
    source_counts = ({source_name(d): {} for d in docs}
                     | kept_tallies(rows, distinct, lambda doc: source_name(by_doc[doc])))
    activity: dict[str, Counter] = defaultdict(Counter)
    per_annotator: Counter = Counter()
    by_status: dict[str, dict[str, Counter]] = {"label": defaultdict(Counter), "annotator": defaultdict(Counter)}
    for _doc, label, annotator, status, day, n in rows:
        activity[annotator][day or "undated"] += n
        per_annotator[annotator] += n
        by_status["label"][label][status] += n
        by_status["annotator"][annotator][status] += n
    texts = _Texts(store, set(chosen))
    figures = [FigurePair(d, texts.around(d.left), texts.around(d.right))
               for d in discrepancies(store) if d.left.document in chosen and d.right.document in chosen]
    sources = list(dict.fromkeys(source_name(d) for d in docs))
    actors = _actor_rows(store, chosen, by_doc)
    progress(3, GATHER_STEPS)
    chosen_pair = choose_pair(per_annotator, pair)
    agreement = _agreement(store, texts, selection, chosen_pair) if chosen_pair and with_agreement else {}
    progress(4, GATHER_STEPS)
    spans = [QuotedSpan(a, texts.around(a)) for a in linked_spans(figures, actors)] if with_spans else []
    progress(5, GATHER_STEPS)
    return ReportData(str(store.path), docs, store.labels(), label_counts, source_counts, figures, actors, sources,
                      dict(activity), chosen_pair, agreement, spans,
                      sum(n for *_, status, _day, n in rows if status == "rejected"),
                      {k: dict(v) for k, v in by_status.items()})


class _Texts:
    """Document texts read when first needed (a report quotes from a few documents, not all at once)."""

    def __init__(self, store: Store, known: set[str] | None = None):
        self.store = store
        self.known = known  # the documents it may be asked for (``in``), None for any
        self.cache: dict[str, str] = {}

    def __contains__(self, doc_id: str) -> bool:
        return self.known is None or doc_id in self.known

    def __getitem__(self, doc_id: str) -> str:
        if doc_id not in self.cache:
            self.cache[doc_id] = self.store.document_text(doc_id)
        return self.cache[doc_id]

    def around(self, ann: Annotation) -> Context:
        return sentence_around(self[ann.document], ann.start, ann.end)


def _actor_rows(store: Store, chosen: set[str], by_doc: dict[str, Document]) -> list[ActorRow]:
    actors = []
    for group in claims_by_actor(store):
        by_source: dict[str, list[Annotation]] = {}
        for claim, actor in group.claims:
            if claim.document in chosen and actor.document in chosen:
                by_source.setdefault(source_name(by_doc[claim.document]), []).append(claim)
        if by_source:
            actors.append(ActorRow(group, by_source))
    return actors


def linked_spans(figures: list[FigurePair], actors: list[ActorRow]) -> list[Annotation]:
    """The spans the report compares: both sides of each discrepancy and each claim said by an actor, and that
    actor, once each, in reading order."""
    seen: dict[str, Annotation] = {}
    for f in figures:
        seen.setdefault(f.discrepancy.left.id, f.discrepancy.left)
        seen.setdefault(f.discrepancy.right.id, f.discrepancy.right)
    for row in actors:
        claims = {c.id for claims in row.by_source.values() for c in claims}
        for claim, actor in row.actor.claims:
            if claim.id in claims:
                seen.setdefault(claim.id, claim)
                seen.setdefault(actor.id, actor)
    return sorted(seen.values(), key=lambda a: (a.document, a.start, a.end, a.id))


class PairSpan(NamedTuple):
    """What the agreement reads of an annotation (a tuple: a million of them stay small)."""

    annotator: str
    label: str
    document: str
    start: int
    end: int


def _agreement(store: Store, texts: _Texts, documents: list[str] | None, pair: tuple[str, str]) -> dict[str, dict]:
    """Span F1 (exact, overlap) and unitizing alpha per label between the two annotators."""
    compared = (PairSpan(w, lb, d, s, e)  # streamed into the agreement's columns: no record is kept
                for batch in store.pair_span_batches(pair, documents) for w, lb, d, s, e in batch)
    report = agreement_report(texts, compared, list(pair))  # reads the texts of the documents it counts
    return {label: {"exact": row["span_f1"]["exact"], "overlap": row["span_f1"]["overlap"],
                    "alpha_u": row["krippendorff_alpha_u"]} for label, row in report["per_label"].items()}
