"""Precision, recall and F1 per label of each suggester against the tags of the documents the analyst reviewed.

Pure, no network. **Gold** is every annotation that is not rejected in the documents marked done
(:func:`reviewed_documents`: Review > Mark document reviewed, ``annotator team done``). A **suggester** is the rules
(:data:`RULES`, the baseline: :func:`rules_predictions`, run for each document without that document's own tags)
or one model and prompt version (:func:`model_predictions_from_cache`, from the cached raw answers, re-anchored).

Matching (:func:`evaluate`):

* ``match="overlap"`` (default): a prediction is right when it has a gold span's label and shares at least half of
  the longer of the two spans with it; each gold span is matched once, the largest overlaps first;
* ``match="exact"``: the same label, start and end.

A suggester is scored on the reviewed documents it has predictions for (``k of n``); each label gives tp, fp,
fn, precision, recall and F1 (0 when undefined, "–" in :meth:`Evaluation.table`), and the row
:data:`ALL_LABELS` adds the counts of every label up (micro average). The rules know only
:data:`annotator.core.suggest.KINDS`: their other labels are "no rules" and their micro average leaves them out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from annotator.core.errors import InputError
from annotator.core.learning import Learned
from annotator.core.llm.anchor import merge
from annotator.core.llm.chunks import chunks, max_chars_for
from annotator.core.llm.spans import DocText, LabelInfo, Piece, SpanRequest, cache_key, from_cache, read_answer
from annotator.core.llm.types import Provenance, Summary
from annotator.core.suggest import KINDS, suggest

RULES = "rules"
ALL_LABELS = "all labels"
MATCHES = ("overlap", "exact")

#: The context sizes (tokens) a model's cached answers are looked for with, after the one named (the pieces, and
#: so the cache keys, depend on it).
CONTEXT_SIZES = (8192, 4096, 16384, 32768, 2048, 65536, 131072)

Span = tuple[str, int, int]  # (label, start, end)


@dataclass(frozen=True)
class Score:
    """One row of the table: a suggester's counts and measures for one label (or :data:`ALL_LABELS`)."""

    suggester: str
    label: str
    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float

    def to_json(self) -> dict:
        return {"suggester": self.suggester, "label": self.label, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class Evaluation:
    """The table: :attr:`rows` sorted rules first, then the models by name; per suggester its labels in the order
    asked, then :data:`ALL_LABELS`."""

    rows: list[Score]
    match: str
    documents: int  # reviewed documents with gold tags scored
    scored: dict[str, int] = field(default_factory=dict)  # suggester -> documents it was scored on
    no_rules: list[str] = field(default_factory=list)  # labels the rules do not suggest

    def to_json(self) -> dict:
        return {"match": self.match, "documents": self.documents,
                "suggesters": [{"name": s, "documents": self.scored.get(s, 0)} for s in self.scored],
                "no_rules": list(self.no_rules), "rows": [r.to_json() for r in self.rows]}

    def table(self) -> str:
        """A plain-text table, one line per row; "–" where a measure is undefined."""
        head = ("suggester", "label", "tp", "fp", "fn", "precision", "recall", "F1")
        lines = [head]
        for name in self.scored:
            rows = [r for r in self.rows if r.suggester == name]
            for r in rows:
                if r.label == ALL_LABELS and name == RULES:
                    lines.extend((name, label, "", "", "", "no rules", "", "") for label in self.no_rules)
                lines.append((name, r.label, str(r.tp), str(r.fp), str(r.fn),
                              _measure(r.precision, r.tp + r.fp), _measure(r.recall, r.tp + r.fn),
                              _measure(r.f1, 2 * r.tp + r.fp + r.fn)))
        widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
        out = ["  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths)))
               .rstrip() for line in lines]
        out.append(f"Matching: {self.match}; {self.documents} reviewed document{'s' if self.documents != 1 else ''}.")
        out.extend(f"{name}: {k} of {self.documents} reviewed documents (the others have no complete answer)."
                   for name, k in self.scored.items() if k < self.documents)
        if self.no_rules and RULES in self.scored:
            out.append(f"The rules' {ALL_LABELS!r} row counts {', '.join(KINDS)} only.")
        return "\n".join(out)


def _measure(value: float, denominator: int) -> str:
    return f"{value:.3f}" if denominator else "–"


# ----------------------------------------------------------------- gold
def reviewed_documents(store) -> list[str]:
    """The documents marked done (reviewed), in the project's order."""
    done = store.done_documents()
    return [d.id for d in store.documents() if d.id in done]


def gold_spans(store, doc_ids: Iterable[str], annotator: str | None = None) -> dict[str, set[Span]]:
    """Per document, ``(label, start, end)`` of every annotation that is not rejected (only ``annotator``'s)."""
    gold: dict[str, set[Span]] = {doc: set() for doc in doc_ids}
    for ann in store.iter_annotations(documents=list(gold), annotator=annotator):
        if ann.status != "rejected":
            gold[ann.document].add((ann.label, ann.start, ann.end))
    return gold


# ----------------------------------------------------------------- the baseline
def rules_predictions(store, doc_ids: Iterable[str]) -> dict[str, set[Span]]:
    """What :func:`annotator.core.suggest.suggest` finds in each document knowing nothing of its own tags: the
    existing annotations and what the project taught (:class:`Learned`) come from the OTHER documents only."""
    actors = [a for a in store.iter_annotations(label="Actor") if a.status != "rejected"]  # all suggest() reads
    out: dict[str, set[Span]] = {}
    for doc_id in doc_ids:
        doc = store.document(doc_id)
        existing = [a for a in actors if a.document != doc_id]
        found = suggest(doc_id, store.document_text(doc_id), existing, language=doc.language or "en",
                        learned=Learned.from_store(store, without=doc_id))
        out[doc_id] = {(s.label, s.start, s.end) for s in found}
    return out


# ----------------------------------------------------------------- the models, from their cached answers
def suggester(model: str, prompt_version: str) -> str:
    """A model's name in the table: ``"qwen2.5:7b (spans-1)"``."""
    return f"{model} ({prompt_version})"


def span_runs(store, doc_ids: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """The ``(model, prompt version)`` pairs with cached span answers (for ``doc_ids``), cross-source pairs aside."""
    return [(m, v) for m, v in store.model_runs(doc_ids) if not v.startswith("pairs")]


def spans_from_answers(doc: DocText, labels: list[LabelInfo], model: str, prompt_version: str,
                       context_tokens: int, answers: dict[str, tuple[str, str]]) -> set[Span] | None:
    """The anchored spans of ``doc`` from ``answers`` (key -> raw answer, when) of a run that asked about
    ``labels`` with ``context_tokens``; None unless every piece of the document has a usable answer."""
    found = []
    request = SpanRequest([doc], labels)
    for lo, hi in chunks(doc.text, max_chars_for(context_tokens)):
        key = cache_key(doc.id, model, prompt_version, lo, hi, labels)
        answer, when = from_cache(answers, key)
        if answer is None:
            return None
        found += read_answer(answer, request, Piece(doc, lo, hi, key), Provenance(model, prompt_version, when),
                             Summary())
    kept, _ = merge(found)
    return {(s.label, s.start, s.end) for s in kept}


def model_predictions_from_cache(store, doc_ids: Iterable[str], model: str, prompt_version: str,
                                 labels: Iterable[str] | None = None,
                                 context_tokens: int | None = None) -> dict[str, set[Span]]:
    """Per document, the spans ``model`` answered with ``prompt_version``, anchored again from the cache (nothing
    is asked). A document is left out unless every piece of it has a cached answer from a run that asked about
    ``labels`` (default: every codable label), about every codable label, or about each of ``labels`` alone, with
    ``context_tokens`` or one of :data:`CONTEXT_SIZES`."""
    infos = {label.name: LabelInfo(label.name, label.description) for label in store.labels()}
    codable = [lab.name for lab in store.codable_labels()]
    names = [n for n in (codable if labels is None else labels) if n in infos]
    sizes = list(dict.fromkeys(([context_tokens] if context_tokens else []) + list(CONTEXT_SIZES)))
    wholes = [[infos[n] for n in names]] + ([[infos[n] for n in codable]] if set(codable) > set(names) else [])
    out: dict[str, set[Span]] = {}
    for doc_id in doc_ids:
        doc = store.document(doc_id, with_text=True)
        text = DocText(doc.id, doc.title, doc.text or "", doc.language)
        found = next((f for f in (_cached_run(store, text, asked, model, prompt_version, sizes) for asked in wholes)
                      if f is not None), None)
        if found is None and len(names) > 1:
            alone = [_cached_run(store, text, [infos[n]], model, prompt_version, sizes) for n in names]
            found = set().union(*alone) if all(f is not None for f in alone) else None
        if found is not None:
            out[doc_id] = found
    return out


def _cached_run(store, doc: DocText, labels: list[LabelInfo], model: str, prompt_version: str,
                sizes: list[int]) -> set[Span] | None:
    for size in sizes:
        keys = [cache_key(doc.id, model, prompt_version, lo, hi, labels)
                for lo, hi in chunks(doc.text, max_chars_for(size))]
        cached = store.cached_answers(keys)
        if len(cached) == len(keys):
            found = spans_from_answers(doc, labels, model, prompt_version, size, cached)
            if found is not None:
                return found
    return None


def project_evaluation(store, *, labels: Iterable[str] | None = None, match: str = "overlap",
                       annotator: str | None = None,
                       extra: dict[str, dict[str, set[Span]]] | None = None) -> Evaluation:
    """The whole table for the reviewed documents: the rules, every model and prompt version in the cache, and
    ``extra`` suggesters (a run just made). ``annotator``: gold is that annotator's tags only."""
    docs = reviewed_documents(store)
    names = list(labels) if labels is not None else [lab.name for lab in store.codable_labels()]
    predictions: dict[str, dict[str, set[Span]]] = {RULES: rules_predictions(store, docs)}
    for model, version in span_runs(store, docs):
        predictions[suggester(model, version)] = model_predictions_from_cache(store, docs, model, version, names)
    predictions.update(extra or {})
    return evaluate(gold_spans(store, docs, annotator), predictions, names, match)


# ----------------------------------------------------------------- scoring
def matches(gold: Iterable[Span], predicted: Iterable[Span], match: str = "overlap") -> int:
    """How many predictions are right (true positives), each gold span matched at most once."""
    gold, predicted = set(gold), set(predicted)
    if match == "exact":
        return len(gold & predicted)
    candidates = []
    for g in gold:
        for p in predicted:
            if g[0] != p[0]:
                continue
            shared = min(g[2], p[2]) - max(g[1], p[1])
            if shared > 0 and 2 * shared >= max(g[2] - g[1], p[2] - p[1]):
                candidates.append((-shared, g, p))
    used_gold, used_pred = set(), set()
    for _, g, p in sorted(candidates):
        if g not in used_gold and p not in used_pred:
            used_gold.add(g)
            used_pred.add(p)
    return len(used_gold)


def score(suggester: str, label: str, tp: int, fp: int, fn: int) -> Score:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return Score(suggester, label, tp, fp, fn, precision, recall, f1)


def evaluate(gold: dict[str, set[Span]], predictions: dict[str, dict[str, Iterable[Span]]], labels: Iterable[str],
             match: str = "overlap") -> Evaluation:
    """Score each suggester of ``predictions`` (name -> document -> spans) against ``gold`` (document -> spans) for
    ``labels``, on the gold documents it has predictions for (a document it has none for is left out)."""
    if match not in MATCHES:
        raise InputError(f"Unknown matching {match!r}; use one of {', '.join(MATCHES)}.")
    labels = list(dict.fromkeys(labels))
    names = sorted(predictions, key=lambda n: (n != RULES, n.casefold(), n))
    rows: list[Score] = []
    scored: dict[str, int] = {}
    for name in names:
        docs = [d for d in gold if d in predictions[name]]
        scored[name] = len(docs)
        known = [lab for lab in labels if name != RULES or lab in KINDS]
        totals = [0, 0, 0]
        for label in known:
            tp = fp = fn = 0
            for doc in docs:
                g = {s for s in gold[doc] if s[0] == label}
                p = {tuple(s) for s in predictions[name][doc] if s[0] == label}
                hits = matches(g, p, match)
                tp, fp, fn = tp + hits, fp + len(p) - hits, fn + len(g) - hits
            rows.append(score(name, label, tp, fp, fn))
            totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
        rows.append(score(name, ALL_LABELS, *totals))
    no_rules = [lab for lab in labels if lab not in KINDS] if RULES in predictions else []
    return Evaluation(rows, match, len(gold), scored, no_rules)
