"""``annotator suggest``: its arguments (the rules' and, through :mod:`annotator.cli_model_args`, a model's).

Only argparse here; the command is in :mod:`annotator.cli_suggest_commands`, which ``annotator.cli`` loads when it
runs.
"""

from __future__ import annotations

from annotator.cli_model_args import add_model_arguments


def suggest_parser(sub) -> None:
    """``suggest``."""
    p = sub.add_parser("suggest", help="suggest spans by rules (Figure, Actor, Claim) or by a model (nothing is saved)",
                       description="Suggest spans to tag. The rules print one row per label and quote in each "
                                   "document, ranked, with how often and where it occurs (--all-occurrences: one "
                                   "row per place, as scripts read it before).")
    p.add_argument("project", help="project file")
    p.add_argument("--doc", metavar="ID", help="only this document (id, id prefix or title)")
    p.add_argument("--label", action="append", metavar="L", help="only this label (rules: Figure, Actor, Claim)")
    p.add_argument("--json", action="store_true", help="print JSON (with --model: suggestions and a summary)")
    p.add_argument("--all-occurrences", action="store_true",
                   help="rules: one row per occurrence instead of one per label and quote (the output before "
                        "suggestions were grouped)")
    add_model_arguments(p)
