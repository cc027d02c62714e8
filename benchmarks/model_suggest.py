"""Span suggestions from a model: time per 1,000 words and, on reviewed documents, precision and recall per label.

Usage::

    python benchmarks/model_suggest.py --endpoint http://localhost:11434/v1 --model qwen2.5:7b [--project P]
        [--allow-remote HOST] [--label L ...] [--timeout S] [--context TOKENS]

Without ``--project`` the sample corpus (seeds/) is used in a throwaway project, with the gold tags of
benchmarks/data/sample_gold.json (one analyst's reading of the two reports; benchmarks/sample_gold.py) and both
documents marked reviewed. Every piece is asked (the cache is neither read nor written; a ``--project`` is opened
read-only). When the project has documents marked reviewed, the model's suggestions on them are scored against
their tags (every annotation not rejected) with ``annotator.core.llm.evaluate``, the rules suggester in the same
table as the baseline. Try it without a model
server with the scripted test server: ``python tests/llm/chat_server.py --port 8011`` and
``--endpoint http://127.0.0.1:8011/v1 --model test-model``.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

from annotator.core.formats.documents import import_seeds
from annotator.core.llm.client import ChatClient
from annotator.core.llm.endpoint import DEFAULT_BASE_URL, api_key, check_allowed, make_endpoint
from annotator.core.llm.evaluate import evaluate, gold_spans, reviewed_documents, rules_predictions, suggester
from annotator.core.llm.prompt import SPANS_PROMPT_VERSION
from annotator.core.llm.spans import span_request, suggest_spans
from annotator.core.store import Store
from sample_gold import tag_sample_gold


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", default=DEFAULT_BASE_URL, help=f"base URL (default {DEFAULT_BASE_URL})")
    parser.add_argument("--model", required=True, help="the model's name at the endpoint")
    parser.add_argument("--project", type=Path, help="a project (default: the sample corpus)")
    parser.add_argument("--allow-remote", action="append", default=[], metavar="HOST",
                        help="consent to send the documents to HOST (not this computer)")
    parser.add_argument("--label", action="append", help="only these labels (default: every label)")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--context", type=int, default=8192)
    return parser.parse_args(argv)


def run(store: Store, args: argparse.Namespace) -> None:
    endpoint = make_endpoint(args.endpoint, args.model, timeout=args.timeout, context_tokens=args.context)
    check_allowed(endpoint, store.model_hosts_allowed() | set(args.allow_remote))
    labels = args.label or [label.name for label in store.codable_labels()]
    docs = [d.id for d in store.documents()]
    request = span_request(store, docs, labels)
    request = dataclasses.replace(request, existing=frozenset())  # score every answer, tagged or not
    words = sum(len(doc.text.split()) for doc in request.documents)
    client = ChatClient(endpoint, api_key(endpoint))
    started = time.perf_counter()
    try:
        result = suggest_spans(request, client)
    finally:
        client.close()
    seconds = time.perf_counter() - started
    print(f"{args.model} at {endpoint.base_url}, prompt {SPANS_PROMPT_VERSION}, context {endpoint.context_tokens}")
    print(f"{len(docs)} documents, {words:,} words, {result.summary.asked} requests: {seconds:.2f} s, "
          f"{seconds / max(words, 1) * 1000:.2f} s per 1,000 words")
    print(f"summary: {result.summary.line()}")
    for message in result.summary.messages:
        print(f"  {message}")
    reviewed = reviewed_documents(store)
    if not reviewed:
        print("No reviewed documents in the project: no precision or recall (mark documents reviewed to get them).")
        return
    model_spans = {doc: set() for doc in reviewed}
    for s in result.suggestions:
        if s.document in model_spans:
            model_spans[s.document].add((s.label, s.start, s.end))
    predictions = {"rules": rules_predictions(store, reviewed), suggester(args.model, SPANS_PROMPT_VERSION): model_spans}
    for match in ("overlap", "exact"):
        print()
        print(evaluate(gold_spans(store, reviewed), predictions, labels, match).table())


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.project is not None:
        with Store.open(args.project, create=False, readonly=True) as store:
            run(store, args)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        with Store.open(Path(folder) / "sample.sqlite") as store:
            import_seeds(store)
            tag_sample_gold(store)
            run(store, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
