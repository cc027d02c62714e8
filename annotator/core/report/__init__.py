"""Comparison reports: what the sources say, where they disagree, and who said what.

``gather`` (data.py) reads the project, ``charts.py`` draws the charts with
matplotlib, ``html.py`` lays the report out as blocks and renders them as one
self-contained HTML page. The PDF is drawn from the same blocks by the GUI
layer (``annotator.gui.report_pdf``: Qt shapes Arabic and embeds the fonts).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from annotator.core.fileio import atomic_writer
from annotator.core.report.charts import LIGHT, all_charts, to_svg
from annotator.core.report.data import ReportData, gather
from annotator.core.report.html import Block, render_html, report_blocks
from annotator.core.store import Store

__all__ = ["ReportData", "blocks_for", "build_report", "gather", "report_title", "write_html"]


def report_title(data: ReportData) -> str:
    return f"Comparison report: {Path(data.project).stem}"


def build_report(store: Store, documents: Iterable[str] | None = None,
                 pair: Iterable[str] | None = None) -> tuple[ReportData, list[Block]]:
    """The report's data and its blocks, charts drawn as SVG."""
    data = gather(store, documents, pair)
    return data, blocks_for(data)


def blocks_for(data: ReportData) -> list[Block]:
    """The report's blocks with its charts drawn (matplotlib's settings are global: draw in one thread)."""
    charts = [(cid, title, to_svg(fig, prefix=f"{cid}-")) for cid, title, fig in all_charts(data, LIGHT)]
    return report_blocks(data, charts)


def write_html(store: Store, path: str | Path, documents: Iterable[str] | None = None,
               pair: Iterable[str] | None = None) -> ReportData:
    """Write the report as one HTML file (replaced only once it is complete)."""
    data, blocks = build_report(store, documents, pair)
    page = render_html(blocks, report_title(data))
    with atomic_writer(path) as fh:
        fh.write(page)
    return data
