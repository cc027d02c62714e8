"""``annotator agreement`` and ``annotator review``: the arguments of comparing annotators (issue 24).

Only argparse here; the commands are in :mod:`annotator.cli_compare_commands`, which ``annotator.cli`` loads when
one of them runs.
"""

from __future__ import annotations


def compare_parsers(sub) -> None:
    """``agreement`` and ``review``."""
    p = sub.add_parser("agreement", help="measure agreement between annotators (kappa, alpha, unitizing alpha, F1)")
    p.add_argument("project", help="project file")
    p.add_argument("annotators", nargs="+", metavar="ANNOTATOR", help="two or more annotator names")
    p.add_argument("--doc", metavar="ID", help="only this document (id, id prefix or title)")
    p.add_argument("--label", metavar="L", help="only this label")
    p.add_argument("--json", action="store_true", help="print the report as JSON (docs/formats.md)")

    p = sub.add_parser("review", help="list agreements and disagreements between two or more annotators")
    p.add_argument("project", help="project file")
    p.add_argument("annotators", nargs="+", metavar="ANNOTATOR", help="two or more annotator names")
    p.add_argument("--doc", metavar="ID", help="only this document (id, id prefix or title)")
    p.add_argument("--json", action="store_true",
                   help="print the items as a JSON array, one item a line, each written as soon as it is decided")
    p.add_argument("--accept-agreed", action="store_true", help="accept every agreed span into the reviewed set")
    p.add_argument("--reviewer", metavar="NAME", help="who decides (needed with --accept-agreed)")
