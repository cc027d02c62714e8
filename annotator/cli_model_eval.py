"""``annotator suggest PROJECT --model NAME --endpoint URL --evaluate`` and ``--pairs`` (the flags are in
:mod:`annotator.cli_model_args`; :mod:`annotator.cli_model` hands over to :func:`run_model_eval`). The project is
opened read-only: answers the model gives here are not cached (the output says so). A long run shows the
questions asked of all on standard error (annotator/cli_progress.py); Ctrl+C stops it with nothing written."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from annotator.cli import _project
from annotator.cli_progress import Progress
from annotator.core.llm.client import ChatClient
from annotator.core.errors import InputError
from annotator.core.llm.endpoint import DEFAULT_BASE_URL, api_key, check_allowed, make_endpoint
from annotator.core.llm.evaluate import Evaluation, project_evaluation, reviewed_documents, spans_from_answers, \
    suggester
from annotator.core.llm.pairs import PAIR_LABELS, pair_cache_keys, pair_request, sources_in, suggest_pairs
from annotator.core.llm.prompt import SPANS_PROMPT_VERSION
from annotator.core.llm.spans import SpanRequest, cache_keys, span_request, suggest_spans
from annotator.core.llm.types import Summary

NO_REVIEWED = ("No document is marked reviewed: mark each document whose tags are complete with Review > Mark "
               "document reviewed (Ctrl+Alt+D) in the window, or annotator team done PROJECT DOC, then evaluate "
               "again.")
NOT_CACHED = "The project was opened read-only: the model's {n} new answer{s} not cached."


def run_model_eval(args: argparse.Namespace) -> int:
    """``--evaluate`` or ``--pairs``: the project open read-only while the model is asked (nothing is written).
    ``--evaluate`` without ``--model`` scores the rules and the cached runs only (nothing is sent)."""
    if args.evaluate and args.pairs:
        raise InputError("Choose --evaluate or --pairs, not both.")
    if not args.model and (args.pairs or args.endpoint):
        raise InputError(f"{'--pairs' if args.pairs else '--endpoint'} needs --model NAME: the model to ask.")
    endpoint = None if not args.model else make_endpoint(args.endpoint or DEFAULT_BASE_URL, args.model,
                                                         timeout=args.timeout, context_tokens=args.context)
    with _project(args.project, create=False, readonly=True) as store:
        if endpoint is None:
            return run_evaluate(args, store, None)
        check_allowed(endpoint, store.model_hosts_allowed() | set(args.allow_remote or ()))
        client = ChatClient(endpoint, api_key(endpoint))
        try:
            return (run_evaluate if args.evaluate else run_pairs)(args, store, client)
        finally:
            client.close()


def run_evaluate(args: argparse.Namespace, store, client) -> int:
    """The table: the rules, this model and prompt version (when ``client``), and every other one in the cache."""
    docs = reviewed_documents(store)
    if not docs:
        print(f"annotator: {NO_REVIEWED}", file=sys.stderr)
        return 2
    labels = list(args.label) if args.label else [label.name for label in store.codable_labels()]
    known = {label.name for label in store.labels()}
    for name in labels:
        if name not in known:
            raise InputError(f"There is no label {name!r} in this project.")
    extra, summary = {}, Summary()
    if client is not None:
        live, summary = _ask_for_reviewed(store, client, docs, labels)
        extra[suggester(client.endpoint.model, SPANS_PROMPT_VERSION)] = live
    evaluation = project_evaluation(store, labels=labels, match=args.match, extra=extra)
    titles = {d.id: d.title for d in store.documents()}
    if args.json:
        print(json.dumps({"evaluation": evaluation.to_json(),
                          "documents": [{"id": d, "title": titles[d]} for d in docs],
                          "summary": _summary_json(summary), "cached": False}, indent=2, ensure_ascii=False))
    else:
        _print_evaluation(evaluation, docs, titles, summary if client is not None else None)
    return 2 if summary.asked and summary.failed == summary.asked else 0


def _ask_for_reviewed(store, client, docs: list[str], labels: list[str]) -> tuple[dict, Summary]:
    """This model's spans per reviewed document: from the cache, the model asked for the pieces not cached; a
    document with a piece that got no usable answer is left out."""
    endpoint = client.endpoint
    request = replace(span_request(store, docs, labels), existing=frozenset())  # gold tags are not hidden
    cached = store.cached_answers(cache_keys(request, endpoint))
    keys_of: dict[str, list[str]] = {}
    for key, doc in cache_keys(request, endpoint).items():
        keys_of.setdefault(doc, []).append(key)
    missing = [d for d in request.documents if any(k not in cached for k in keys_of.get(d.id, []))]
    summary = Summary(cached=len(cached))
    answers = dict(cached)
    if missing:
        with Progress(f"Asking {endpoint.model}") as progress:
            result = suggest_spans(SpanRequest(missing, request.labels), client, cached=cached, progress=progress)
        summary = result.summary
        answers.update(result.answers)
    live = {}
    for doc in request.documents:
        found = spans_from_answers(doc, request.labels, endpoint.model, SPANS_PROMPT_VERSION,
                                   endpoint.context_tokens, answers)
        if found is not None:
            live[doc.id] = found
    return live, summary


def _print_evaluation(evaluation: Evaluation, docs: list[str], titles: dict[str, str],
                      summary: Summary | None) -> None:
    print(evaluation.table())
    print()
    print(f"Reviewed documents ({len(docs)}):")
    for doc in docs:
        print(f"  {doc}  {titles[doc]}")
    if summary is None:
        print("No model was asked (no --model): the rules and the answers cached in the project.", file=sys.stderr)
        return
    print(f"This run: {summary.line()}.", file=sys.stderr)
    for message in summary.messages:
        print(f"annotator: {message}", file=sys.stderr)
    new = summary.asked - summary.failed
    if new > 0:
        print(NOT_CACHED.format(n=new, s="s were" if new != 1 else " was"), file=sys.stderr)


def _summary_json(summary: Summary) -> dict:
    return {"line": summary.line(), "asked": summary.asked, "cached": summary.cached, "kept": summary.kept,
            "not_in_text": summary.not_in_text, "ambiguous": summary.ambiguous,
            "unknown_label": summary.unknown_label, "failed": summary.failed, "failures": dict(summary.failures),
            "messages": list(summary.messages)}


def run_pairs(args: argparse.Namespace, store, client) -> int:
    """Pair suggestions for the Claims and Figures (or ``--label``) of ``--doc`` (or of every document)."""
    docs = [store.find_document(args.doc).id] if args.doc else None
    labels = tuple(args.label) if args.label else PAIR_LABELS
    sources = sources_in(store, docs, labels)
    if not sources:
        where = "that document" if docs else "the project"
        print(f"annotator: Nothing in {where} is tagged {' or '.join(labels)}: tag the claims and figures to "
              "compare first.", file=sys.stderr)
        return 2
    request = pair_request(store, sources)
    cached = store.cached_answers(pair_cache_keys(request, client.endpoint))
    with Progress(f"Asking {client.endpoint.model}") as progress:
        result = suggest_pairs(request, client, cached=cached, progress=progress)
    titles = {d.id: d.title for d in store.documents()}
    quotes = {s.id: (s.quote, s.document) for s in request.sources}
    if args.json:
        print(json.dumps({"pairs": [p.to_json() for p in result.pairs], "summary": _summary_json(result.summary),
                          "cached": False}, indent=2, ensure_ascii=False))
    else:
        for p in result.pairs:
            quote, doc = quotes[p.source]
            print(f"{p.relation:<11} {quote!r} ({titles[doc][:30]}) ~ {p.quote!r} ({titles[p.document][:30]} "
                  f"{p.start}-{p.end}): {p.reason}")
        print(pairs_line(result.summary), file=sys.stderr)
        for message in result.summary.messages:
            print(f"annotator: {message}", file=sys.stderr)
    if result.answers:
        n = len(result.answers)
        print(NOT_CACHED.format(n=n, s="s were" if n != 1 else " was"), file=sys.stderr)
    return 2 if result.summary.asked and result.summary.failed == result.summary.asked else 0


def pairs_line(summary: Summary) -> str:
    """The summary line of a pairs run: "1 pair from 2 requests (1 cached); 1 answer with an unknown relation …"."""
    head = (f"{summary.kept} pair{'s' if summary.kept != 1 else ''} from {summary.asked} "
            f"request{'s' if summary.asked != 1 else ''}" + (f" ({summary.cached} cached)" if summary.cached else ""))
    rest = summary.line().partition("; ")[2].replace("with a label not asked for", "with an unknown relation")
    return f"{head}; {rest}" if rest else head
