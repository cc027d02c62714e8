"""Comparison reports: what the sources say, where they disagree, and who said what.

``gather`` (data.py) reads the project's counts (SQL aggregates) and the linked spans, ``charts.py`` writes the
charts as SVG (with ``svg.py``, our own small writer), ``html.py`` lays the report out as blocks and writes them as one self-contained HTML
page. The PDF is drawn from the same blocks by the GUI layer (``annotator.gui.report_pdf``: Qt shapes Arabic
and embeds the fonts). The default report stays a few pages whatever the project's size; the list of every
span is an appendix asked for (``all_spans``), a :class:`~annotator.core.report.html.RowStream` whose rows are
read from the store while the file is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from annotator.core.fileio import atomic_writer
from annotator.core.report.charts import LIGHT, all_charts
from annotator.core.report.data import GATHER_STEPS, ReportData, gather, sentence_around
from annotator.core.report.html import (SPAN_COLUMNS, Block, Heading, Para, RowStream, report_blocks, span_row,
                                        write_html_page)
from annotator.core.store import Store

__all__ = ["BUILD_STEPS", "GATHERING", "WRITING", "ReportData", "blocks_for", "build_report", "gather", "report_title", "span_appendix",
           "write_html"]

#: The report's two phases, as the command line and the window name them.
GATHERING, WRITING = "Gathering the report", "Writing the report"
#: The steps :func:`build_report` reports: gathering, then drawing the charts.
BUILD_STEPS = GATHER_STEPS + 1
#: Spans read (and written) at a time in the appendix.
APPENDIX_BATCH = 500
_APPENDIX_FIELDS = ("label", "start", "end", "annotator", "status", "note")

Progress = Callable[[int, int | None], None]


def report_title(data: ReportData) -> str:
    return f"Comparison report: {Path(data.project).stem}"


def build_report(store: Store, documents: Iterable[str] | None = None, pair: Iterable[str] | None = None,
                 all_spans: bool = False, progress: Progress | None = None) -> tuple[ReportData, list[Block]]:
    """The report's data and its blocks, charts drawn as SVG.

    With ``all_spans`` the last block is the appendix of every span, read from ``store`` as it is written: write
    the blocks before closing the store. ``progress(done, BUILD_STEPS)`` as in :func:`gather`.
    """
    data = gather(store, documents, pair, progress=progress)
    blocks = blocks_for(data)
    if progress is not None:
        progress(BUILD_STEPS, BUILD_STEPS)
    if all_spans:
        blocks += span_appendix(store, data)
    return data, blocks


def blocks_for(data: ReportData) -> list[Block]:
    """The report's blocks with its charts drawn."""
    charts = [(cid, title, chart.svg) for cid, title, chart in all_charts(data, LIGHT)]
    return report_blocks(data, charts)


def span_appendix(store: Store, data: ReportData, size: int = APPENDIX_BATCH) -> list[Block]:
    """The appendix of every span of the report's documents (rejected ones too, with their status), in reading
    order, each in its sentence: a heading, a line and a :class:`RowStream` read ``size`` spans at a time."""
    total = sum(store.count_annotations([d.id]) for d in data.documents) if data.documents else 0
    return [Heading(2, "Appendix: every span"),
            Para(f"All {total:,} spans of these documents, in reading order, each in its sentence "
                 "(rejected spans too, with their status)."),
            RowStream("all-spans", SPAN_COLUMNS, _span_batches(store, data, size), total)]


def _span_batches(store: Store, data: ReportData, size: int) -> Iterator[list[tuple[str, ...]]]:
    colors = {lb.name: lb.color for lb in data.labels}
    for doc in data.documents:
        text = store.document_text(doc.id)
        for batch in store.annotation_row_batches([doc.id], size=size, fields=_APPENDIX_FIELDS):
            yield [span_row(doc.title, label, colors.get(label, "#888888"), sentence_around(text, start, end),
                            who, status, note) for label, start, end, who, status, note in batch]


def write_html(store: Store, path: str | Path, documents: Iterable[str] | None = None,
               pair: Iterable[str] | None = None, all_spans: bool = False,
               progress: Progress | None = None, writing: Progress | None = None) -> ReportData:
    """Write the report as one HTML file (replaced only once it is complete), streamed as it is made.

    ``progress`` follows the gathering (:data:`BUILD_STEPS`), ``writing`` the appendix's rows.
    """
    data, blocks = build_report(store, documents, pair, all_spans, progress)
    with atomic_writer(path) as fh:
        write_html_page(blocks, report_title(data), fh, writing)
    return data
