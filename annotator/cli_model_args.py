"""The flags of ``annotator suggest`` that ask a model (docs/models.md); the command itself is in cli_model.py.

Kept apart from cli.py (at its size limit) and light: building the parser imports nothing of the model client.
"""

from __future__ import annotations

import argparse

from annotator.core.errors import InputError

#: What the rules suggester knows (annotator.core.suggest.KINDS), for ``suggest`` without ``--model``.
RULE_KINDS = ("Figure", "Actor", "Claim")


def add_model_arguments(p: argparse.ArgumentParser) -> None:
    """``--model``, ``--endpoint``, ``--allow-remote``, ``--timeout``, ``--context``, ``--evaluate``, ``--match``
    and ``--pairs`` of ``suggest``."""
    group = p.add_argument_group("model suggestions (docs/models.md; nothing is sent without --model)")
    group.add_argument("--model", metavar="NAME", help="ask this model (e.g. qwen2.5:7b) instead of the rules")
    group.add_argument("--endpoint", metavar="URL",
                       help="its OpenAI-compatible base URL (default: Ollama here, http://localhost:11434/v1)")
    group.add_argument("--allow-remote", action="append", metavar="HOST",
                       help="consent to send the chosen documents to HOST, a server not on this computer; repeatable")
    group.add_argument("--timeout", type=float, default=120.0, metavar="S",
                       help="seconds to wait for each answer (default: 120)")
    group.add_argument("--context", type=int, default=8192, metavar="TOKENS",
                       help="the model's context size; documents are asked about in pieces that fit (default: 8192)")
    group.add_argument("--evaluate", action="store_true", help="precision, recall and F1 per label on the documents "
                       "marked reviewed: the rules, this model and every model in the cache (cli_model_eval.py)")
    group.add_argument("--match", choices=("overlap", "exact"), default="overlap",
                       help="with --evaluate: a suggestion is right when it overlaps a tag of its label by half "
                            "(overlap, the default) or has its exact span")
    group.add_argument("--pairs", action="store_true", help="cross-source pairs: the passages of the other reports "
                       "that state the Claims and Figures of --doc (or of every document), and how they relate")


def rules_kinds(labels: list[str] | None) -> tuple[str, ...]:
    """The labels the rules suggester is asked for (all three when none are named)."""
    if not labels:
        return RULE_KINDS
    unknown = [label for label in labels if label not in RULE_KINDS]
    if unknown:
        raise InputError(f"The rules suggest only Figure, Actor and Claim, not {', '.join(unknown)}; ask a model "
                         "(--model NAME) for other labels.")
    return tuple(labels)
