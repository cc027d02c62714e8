"""``annotator report`` (arguments in :mod:`annotator.cli_report`).

HTML is written by the core alone; the PDF is drawn by Qt (offscreen, no display needed). Either is written
through a temporary file that replaces the target only when complete, so an interrupted report leaves nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.cli import _project
from annotator.cli_progress import Progress
from annotator.core.errors import InputError
from annotator.core.fileio import atomic_writer
from annotator.core.lazy import lazy_module
from annotator.core.report import GATHERING, WRITING, build_report, report_title
from annotator.core.report.html import write_html_page

if TYPE_CHECKING:
    from annotator.gui import report_pdf
else:  # Qt draws the PDF: loaded only when a PDF is written
    report_pdf = lazy_module("annotator.gui.report_pdf")


def run_report(args: argparse.Namespace) -> int:
    kind = Path(args.output).suffix.lower()
    if kind not in (".html", ".htm", ".pdf"):
        raise InputError(f"{args.output}: a report is written as .html or .pdf; give a file name ending in one.")
    with _project(args.project, create=False, readonly=True) as store, Progress(GATHERING) as progress:
        docs = list(dict.fromkeys(store.find_document(ref).id for ref in args.doc)) if args.doc else None
        data, blocks = build_report(store, docs, args.pair, args.all_spans, progress)
        title = report_title(data)
        progress.what = WRITING  # the same bar and clock: one report, two phases
        if kind == ".pdf":
            pages = report_pdf.write_pdf(blocks, args.output, title, progress)
            what = f"{pages} page{'s' if pages != 1 else ''}"
        else:
            with atomic_writer(args.output) as fh:
                write_html_page(blocks, title, fh, progress)
            what = "HTML"
    print(f"report on {len(data.documents)} document{'s' if len(data.documents) != 1 else ''} "
          f"({data.annotation_count} annotations kept, {len(data.figures)} linked pairs) written to {args.output} "
          f"({what})", file=sys.stderr)
    return 0
