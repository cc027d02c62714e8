"""``annotator suggest PROJECT --model NAME [--endpoint URL] …``: span suggestions from a model, saving nothing.

The project is opened read-only (its cached answers are read, never written) and closed before the first request.
A remote endpoint is asked only with ``--allow-remote HOST`` or the project's stored consent for that host; else
one sentence and exit 2, nothing sent. Suggestions go to standard output (a line each, or JSON with ``--json``),
the run's summary to standard error, and so does the progress of a long run (pieces asked of all, after two
seconds; Ctrl+C stops it with nothing written). Exit 0, or 2 when every request failed (docs/models.md).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from annotator.cli import _project
from annotator.cli_model_eval import run_model_eval
from annotator.cli_progress import Progress
from annotator.core.errors import InputError
from annotator.core.llm.client import ChatClient
from annotator.core.llm.endpoint import DEFAULT_BASE_URL, api_key, check_allowed, make_endpoint
from annotator.core.llm.spans import SpanResult, cache_keys, span_request, suggest_spans
from annotator.core.llm.types import Summary


def cmd_model_suggest(args: argparse.Namespace) -> int:
    if args.evaluate or args.pairs:  # cli_model_eval.py
        return run_model_eval(args)
    if not args.model:
        raise InputError("--endpoint needs --model NAME: the model to ask at that endpoint.")
    endpoint = make_endpoint(args.endpoint or DEFAULT_BASE_URL, args.model, timeout=args.timeout,
                             context_tokens=args.context)
    with _project(args.project, create=False, readonly=True) as store:
        check_allowed(endpoint, store.model_hosts_allowed() | set(args.allow_remote or ()))
        doc_ids = [store.find_document(args.doc).id] if args.doc else [d.id for d in store.documents()]
        labels = args.label or [label.name for label in store.codable_labels()]
        request = span_request(store, doc_ids, labels)
        cached = store.cached_answers(cache_keys(request, endpoint))
    client = ChatClient(endpoint, api_key(endpoint))
    try:  # the pieces asked of all on standard error; Ctrl+C stops the run (nothing was written)
        with Progress(f"Asking {endpoint.model}") as progress:
            result = suggest_spans(request, client, cached=cached, progress=progress)
    finally:
        client.close()
    titles = {doc.id: doc.title for doc in request.documents}
    print_result(result, titles, as_json=args.json)
    return 2 if all_failed(result.summary) else 0


def all_failed(summary: Summary) -> bool:
    """True when the model was asked and no answer at all came back (nor was any cached)."""
    return summary.failed > 0 and summary.failed >= summary.asked and not summary.cached


def print_result(result: SpanResult, titles: dict[str, str], *, as_json: bool) -> None:
    summary = result.summary
    if as_json:
        data = {"suggestions": [s.to_json() for s in result.suggestions],
                "summary": {**dataclasses.asdict(summary), "line": summary.line()}}
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for s in result.suggestions:
            print(f"{s.label:<7} {titles[s.document][:30]:<30} {s.start}-{s.end}  {s.quote!r}  "
                  f"({s.reason}; confidence {s.confidence:.2f})")
    if all_failed(summary):  # one sentence: why nothing came back
        print(f"annotator: {summary.messages[0]}", file=sys.stderr)
        return
    for message in summary.messages:
        print(f"annotator: {message}", file=sys.stderr)
    if not as_json:
        print(summary.line(), file=sys.stderr)
