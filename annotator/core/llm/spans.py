"""Span suggestions from a model: documents cut into pieces, each asked about, every answer anchored or dropped.

:func:`span_request` reads what is needed from the project (on the caller's thread); :func:`suggest_spans` is
pure — no store, no Qt — so it runs anywhere, a worker thread included, and returns the suggestions, a
:class:`~annotator.core.llm.types.Summary` accounting for every answer, and the new raw answers for the caller
to cache (:meth:`~annotator.core.store.model_cache.ModelCacheMixin.save_answers`, rows from :func:`cache_rows`).
One failed piece does not stop a run (it is counted), except when nothing answers or the host is not allowed.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.core.errors import CancelledError, InputError
from annotator.core.llm.anchor import AMBIGUOUS, anchor_quote, merge
from annotator.core.llm.chunks import chunks, max_chars_for
from annotator.core.llm.endpoint import Endpoint
from annotator.core.llm.prompt import SPANS_PROMPT_VERSION, spans_messages
from annotator.core.llm.types import ModelError, ModelSuggestion, Provenance, Summary
from annotator.core.timeutil import now

if TYPE_CHECKING:  # the client (and http.client) loads only where a client is made
    from annotator.core.llm.client import ChatClient

#: The longest quote taken from an answer (longer ones are dropped as unusable).
MAX_QUOTE_CHARS = 2000
#: Reasons are cut to this many characters.
MAX_REASON_CHARS = 300
#: The confidence of an answer that gave none (or none usable).
DEFAULT_CONFIDENCE = 0.5
#: Failures after which asking about the next pieces is pointless: the run stops at once.
STOP_KINDS = frozenset({"unreachable", "remote_not_allowed"})


@dataclass(frozen=True)
class DocText:
    id: str
    title: str
    text: str
    language: str = ""


@dataclass(frozen=True)
class LabelInfo:
    name: str
    description: str = ""


@dataclass(frozen=True)
class SpanRequest:
    """What to ask about: documents with their texts, labels, and the existing annotations ``(document, start,
    end, label)`` that are not suggested again."""

    documents: list[DocText]
    labels: list[LabelInfo]
    existing: frozenset[tuple[str, int, int, str]] = frozenset()


@dataclass
class SpanResult:
    suggestions: list[ModelSuggestion] = field(default_factory=list)
    summary: Summary = field(default_factory=Summary)
    answers: dict[str, tuple[str, str]] = field(default_factory=dict)  # new raw answers: key -> (JSON text, when)


@dataclass(frozen=True)
class Piece:
    document: DocText
    start: int
    end: int
    key: str


def span_request(store, doc_ids: Iterable[str], labels: Iterable[str]) -> SpanRequest:
    """The request for documents ``doc_ids`` and label names ``labels``, read from ``store`` (a Store)."""
    known = {label.name: label for label in store.labels()}
    chosen = []
    for name in dict.fromkeys(labels):
        if name not in known:
            raise InputError(f"There is no label {name!r} in this project.")
        chosen.append(LabelInfo(name, known[name].description))
    ids = list(dict.fromkeys(doc_ids))
    if not chosen:
        raise InputError("Choose at least one label to ask the model about.")
    if not ids:
        raise InputError("Choose at least one document to ask the model about.")
    documents = []
    for doc_id in ids:
        doc = store.document(doc_id, with_text=True)
        documents.append(DocText(doc.id, doc.title, doc.text or "", doc.language))
    existing = frozenset((a.document, a.start, a.end, a.label) for a in store.iter_annotations(documents=ids))
    return SpanRequest(documents, chosen, existing)


def cache_key(document: str, model: str, prompt_version: str, start: int, end: int,
              labels: Iterable[LabelInfo]) -> str:
    """The key an answer is cached under: what was asked, of which model, with which prompt (sha256 hex)."""
    named = sorted([label.name, label.description] for label in labels)
    data = json.dumps([document, model, prompt_version, start, end, named], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def pieces(request: SpanRequest, endpoint: Endpoint) -> list[Piece]:
    """Every piece of every document the model is asked about, in order."""
    size = max_chars_for(endpoint.context_tokens)
    return [Piece(doc, lo, hi, cache_key(doc.id, endpoint.model, SPANS_PROMPT_VERSION, lo, hi, request.labels))
            for doc in request.documents for lo, hi in chunks(doc.text, size)]


def cache_keys(request: SpanRequest, endpoint: Endpoint) -> dict[str, str]:
    """key -> document for every piece of the request (to read the cache before a run)."""
    return {piece.key: piece.document.id for piece in pieces(request, endpoint)}


def cache_rows(request: SpanRequest, endpoint: Endpoint, answers: dict[str, tuple[str, str]]) -> list[tuple]:
    """The rows of :meth:`~annotator.core.store.model_cache.ModelCacheMixin.save_answers` for a run's new
    ``answers``: ``(key, document, model, prompt_version, answer, when, piece_start, piece_end, labels)``."""
    asked = json.dumps(sorted(label.name for label in request.labels), ensure_ascii=False)
    return [(piece.key, piece.document.id, endpoint.model, SPANS_PROMPT_VERSION, *answers[piece.key], piece.start,
             piece.end, asked) for piece in pieces(request, endpoint) if piece.key in answers]


def suggest_spans(request: SpanRequest, client: ChatClient, *, cached: dict[str, tuple[str, str]] | None = None,
                  progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> SpanResult:
    """Ask ``client``'s model about every piece of the request (answers in ``cached`` are not asked again).

    ``progress(done, total)`` is called after each piece (it may raise CancelledError to stop); ``cancelled()``
    is checked before each request. A cancelled run returns what was done, with ``summary.cancelled``.
    """
    endpoint = client.endpoint
    cached = cached or {}
    result = SpanResult()
    summary = result.summary
    host = "" if endpoint.is_local else endpoint.host
    found: list[ModelSuggestion] = []
    plan = pieces(request, endpoint)
    for done, piece in enumerate(plan, start=1):
        if cancelled is not None and cancelled():
            summary.cancelled = True
            break
        answer, when = from_cache(cached, piece.key)
        if answer is not None:
            summary.cached += 1
        else:
            try:
                answer, when = ask(client, request, piece, summary)
            except CancelledError:
                summary.cancelled = True
                break
            except ModelError as error:
                summary.fail(error)
                if error.kind in STOP_KINDS:
                    break
            else:
                result.answers[piece.key] = (json.dumps(answer, ensure_ascii=False), when)
        if answer is not None:
            provenance = Provenance(endpoint.model, SPANS_PROMPT_VERSION, when, host)
            found += read_answer(answer, request, piece, provenance, summary)
        if progress is not None:
            try:
                progress(done, len(plan))
            except CancelledError:
                summary.cancelled = True
                break
    merged, summary.merged = merge(found)
    result.suggestions = [s for s in merged if (s.document, s.start, s.end, s.label) not in request.existing]
    summary.kept = len(result.suggestions)
    return result


def from_cache(cached: dict[str, tuple[str, str]], key: str) -> tuple[object | None, str]:
    """A cached answer, parsed, and when it arrived; ``(None, "")`` when there is none usable."""
    if key not in cached:
        return None, ""
    text, when = cached[key]
    try:
        answer = json.loads(text)
    except ValueError:
        return None, ""
    return (answer, when) if spans_of(answer) is not None else (None, "")


def ask(client: ChatClient, request: SpanRequest, piece: Piece, summary: Summary) -> tuple[object, str]:
    """One request for one piece: the answer (checked for its shape) and when it arrived."""
    text = piece.document.text
    messages = spans_messages(text[piece.start:piece.end], piece.start,
                              [(label.name, label.description) for label in request.labels])
    summary.asked += 1
    answer = client.chat_json(messages)
    if spans_of(answer) is None:
        raise ModelError(f"The model {client.endpoint.model} answered JSON without a list of spans; its answer "
                         "was skipped.", "bad_json")
    return answer, now()


def spans_of(answer: object) -> list | None:
    """The list of span items in an answer (``{"spans": [...]}``, or a bare list), None when it has none."""
    if isinstance(answer, list):
        return answer
    if isinstance(answer, dict) and isinstance(answer.get("spans"), list):
        return answer["spans"]
    return None


def read_answer(answer: object, request: SpanRequest, piece: Piece, provenance: Provenance,
                summary: Summary) -> list[ModelSuggestion]:
    """The anchored suggestions of one answer; each item dropped is counted in ``summary``."""
    names = {label.name.casefold(): label.name for label in request.labels}
    text = piece.document.text
    out = []
    for item in spans_of(answer) or []:
        if not isinstance(item, dict):
            summary.invalid += 1
            continue
        label = names.get(item["label"].strip().casefold()) if isinstance(item.get("label"), str) else None
        if label is None:
            summary.unknown_label += 1
            continue
        quote = item.get("quote")
        if not isinstance(quote, str) or not quote.strip() or len(quote) > MAX_QUOTE_CHARS:
            summary.invalid += 1
            continue
        anchored = anchor_quote(text, piece.start, piece.end, quote, whole_number(item.get("start")))
        if isinstance(anchored, str):
            if anchored == AMBIGUOUS:
                summary.ambiguous += 1
            else:
                summary.not_in_text += 1
            continue
        start, end = anchored
        out.append(ModelSuggestion(piece.document.id, label, start, end, text[start:end], reason_of(item),
                                   confidence_of(item), provenance))
    return out


def whole_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def confidence_of(item: dict) -> float:
    value = item.get("confidence")
    if isinstance(value, str):
        try:
            value = float(value.strip().rstrip("%")) / (100 if value.strip().endswith("%") else 1)
        except ValueError:
            return DEFAULT_CONFIDENCE
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return DEFAULT_CONFIDENCE
    return min(1.0, max(0.0, float(value)))


def reason_of(item: dict) -> str:
    value = item.get("reason")
    if not isinstance(value, str):
        return ""
    line = " ".join(value.split())
    return line if len(line) <= MAX_REASON_CHARS else line[:MAX_REASON_CHARS - 1] + "…"
