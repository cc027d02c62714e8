"""``annotator segments`` and ``annotator matrix``: the arguments of retrieval by code (issue 22).

Only argparse here; the commands are in :mod:`annotator.cli_retrieval_commands`, which ``annotator.cli`` loads
when one of them runs.
"""

from __future__ import annotations

STATUSES = ("pending", "accepted", "rejected")


def retrieval_parsers(sub) -> None:
    """``segments`` and ``matrix``."""
    p = sub.add_parser("segments", help="every coded segment of the chosen codes, with its document, code path, "
                                        "annotator, status, note and context",
                       description="List the coded segments of a project (all, or those of the codes given with "
                                   "--label), in reading order: document, code path, annotator, status, note, and "
                                   "the quote with N characters of context on each side.")
    p.add_argument("project", metavar="PROJECT", help="project file")
    p.add_argument("--label", action="append", metavar="L", help="only this code (repeatable; default: every code)")
    p.add_argument("--with-children", action="store_true", help="with --label: the codes under it too, at any depth")
    p.add_argument("--doc", action="append", metavar="D", help="only this document (id, id prefix or title); "
                                                               "repeatable")
    p.add_argument("--annotator", metavar="A", help="only this annotator's segments")
    p.add_argument("--status", choices=STATUSES, help="only segments with this review status")
    p.add_argument("--attribute", action="append", metavar="KEY=VALUE",
                   help="only segments carrying this attribute value (certainty=reported; a flag alone: negated); "
                        "repeatable: every one")
    p.add_argument("--context", type=int, default=0, metavar="N",
                   help="N characters (code points) of the text before and after each segment (default 0)")
    _output_options(p)

    p = sub.add_parser("matrix", help="segments per code and document (or annotator), and codes that co-occur",
                       description="Count the coded segments per code (rows, in tree order) and document or "
                                   "annotator (columns); --cooccurrence lists instead the pairs of codes whose "
                                   "segments overlap in the same document.")
    p.add_argument("project", metavar="PROJECT", help="project file")
    p.add_argument("--by", choices=("document", "annotator"), default="document",
                   help="columns: one per document (default) or per annotator")
    p.add_argument("--with-children", action="store_true",
                   help="a code's row counts the segments of the codes under it too")
    p.add_argument("--cooccurrence", action="store_true",
                   help="the pairs of codes whose segments overlap in the same document, with counts (segments of "
                        "the same annotator)")
    p.add_argument("--across-annotators", action="store_true",
                   help="with --cooccurrence: pair any two segments, whoever made them")
    _output_options(p)


def _output_options(p) -> None:
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--csv", action="store_true", help="write CSV (formula-safe cells, like annotator's CSV export)")
    kind.add_argument("--json", action="store_true", help="write JSON")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE, whole or not at all (default: standard output)")
