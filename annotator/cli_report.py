"""``annotator report``: the arguments of the comparison report (the command is in :mod:`annotator.cli_report_command`,
which ``annotator.cli`` loads when it runs)."""

from __future__ import annotations


def report_parser(sub) -> None:
    """The comparison report (HTML or PDF)."""
    p = sub.add_parser("report", help="write a comparison report (one self-contained HTML or PDF file)",
                       description="Write the comparison report an editor reads: documents, counts, charts, linked "
                                   "figures and their discrepancies, claims by actor and the spans they compare — a "
                                   "few pages whatever the project's size. --all-spans adds every span as an "
                                   "appendix, written as it is read.")
    p.add_argument("project", help="project file")
    p.add_argument("-o", "--output", metavar="FILE.html|FILE.pdf", required=True,
                   help="the report file; its extension (.html or .pdf) chooses the format")
    p.add_argument("--doc", action="append", metavar="ID",
                   help="only this document (id, id prefix or title); repeatable (default: every document)")
    p.add_argument("--pair", nargs=2, metavar=("A", "B"),
                   help="the two annotators whose agreement per label is shown (default: the two most active)")
    p.add_argument("--all-spans", action="store_true",
                   help="add an appendix listing every span in its sentence (long: one row per annotation)")
