"""The report as blocks (headings, paragraphs, tables, charts), and those blocks as one self-contained HTML page.

The same block list feeds the PDF writer in the GUI layer, which places
each table row as a unit so no row is ever cut by a page break. Every piece
of text from the project (titles, quotes, notes, names) goes through
:func:`esc`; hyperlinks are made only for ``http``/``https`` URLs.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from annotator import __version__
from annotator.core.report.data import Context, ReportData


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str  # plain text


@dataclass(frozen=True)
class Para:
    html: str  # already escaped


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    svg: str  # an <svg> element


@dataclass(frozen=True)
class Table:
    id: str
    columns: tuple[tuple[str, int], ...]  # (header, width in percent)
    rows: list[tuple[str, ...]] = field(default_factory=list)  # cells as escaped HTML


@dataclass(frozen=True)
class RowStream:
    """A table whose rows are read while it is written (the ``--all-spans`` appendix): ``batches`` yields lists
    of rows (cells as escaped HTML), ``total`` says how many rows come. Written once; never held whole."""

    id: str
    columns: tuple[tuple[str, int], ...]
    batches: Iterable[list[tuple[str, ...]]]
    total: int


Block = Heading | Para | Chart | Table | RowStream

#: The most rows a table of the default report shows; the rest are counted ("and N more").
MAX_ROWS = 100

MARK = "background-color:#fff0a8;color:#1a1a1a"


def context_html(c: Context) -> str:
    """The sentence around a quote, the quote highlighted."""
    before = ("…" if c.cut_before else "") + esc(" ".join(c.before.split()))
    after = esc(" ".join(c.after.split())) + ("…" if c.cut_after else "")
    return f'{before} <span class="q" style="{MARK}">{esc(c.quote)}</span> {after}'.strip()


def _link(url: str | None) -> str:
    if not url:
        return ""
    if url.lower().startswith(("http://", "https://")):
        return f'<a href="{esc(url)}">{esc(url)}</a>'
    return esc(url)


def _chip(color: str, name: str) -> str:
    return f'<span style="color:{esc(color)}">■</span>&nbsp;{esc(name)}'


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def capped(table: Table, what: str, limit: int = MAX_ROWS) -> list[Block]:
    """``table`` with at most ``limit`` rows, and a line saying how many more there are (if any)."""
    if len(table.rows) <= limit:
        return [table]
    more = len(table.rows) - limit
    return [Table(table.id, table.columns, table.rows[:limit]),
            Para(f"… and {more:,} more {what}, left out to keep the report short.")]


def report_blocks(data: ReportData, charts: list[tuple[str, str, str]]) -> list[Block]:
    """The report in reading order: a few pages whatever the project's size (every table is capped at
    :data:`MAX_ROWS` rows). ``charts`` holds ``(id, title, svg)`` for each chart."""
    colors = {lb.name: lb.color for lb in data.labels}
    return [*_document_blocks(data), *_status_blocks(data, colors), *_figure_blocks(data), *_actor_blocks(data),
            *_chart_blocks(data, charts, colors), *_span_blocks(data, colors)]


def _document_blocks(data: ReportData) -> list[Block]:
    """The title, what was compared, and the table of documents."""
    return [
        Heading(1, f"Comparison report: {Path(data.project).stem}"),
        Para(f"{len(data.documents)} document{'s' if len(data.documents) != 1 else ''}, "
             f"{data.annotation_count} annotations kept by the review (accepted and pending"
             f"{f'; {data.rejected} rejected, never counted' if data.rejected else ''}), "
             f"{len(data.figures)} linked pairs compared. "
             f"Made by annotator {esc(__version__)} on {dt.date.today().isoformat()}."),
        Heading(2, "Documents compared"),
        *capped(Table("documents", (("Title", 33), ("Source", 16), ("Date", 13), ("URL", 27), ("Spans", 11)),
                      [(esc(d.title), esc(d.source), esc(d.published or ""), _link(d.url),
                        str(data.spans_in(d.id))) for d in data.documents]), "documents"),
        *_label_blocks(data),
    ]


def _label_blocks(data: ReportData) -> list[Block]:
    """Spans kept per label in each document, with how many each annotator made."""
    colors = {lb.name: lb.color for lb in data.labels}
    order = {lb.name: i for i, lb in enumerate(data.labels)}
    rows = [(esc(d.title), _chip(colors.get(label, "#888888"), label), str(t.spans), esc(t.breakdown()))
            for d in data.documents
            for label, t in sorted(data.label_counts[d.id].items(), key=lambda kv: order.get(kv[0], len(order)))]
    if not rows:
        return []
    return [Heading(2, "Labels per document"),
            Para("Spans the review kept (accepted and pending; rejected spans are never counted). The same label "
                 "on the same characters by two annotators is one span; the last column says who made them."),
            *capped(Table("label-counts", (("Document", 40), ("Label", 20), ("Spans", 10), ("By annotator", 30)),
                          rows), "rows")]


def _status_blocks(data: ReportData, colors: dict[str, str]) -> list[Block]:
    """Annotations per label and per annotator, by review status."""
    statuses = ("accepted", "pending", "rejected")
    columns = tuple((s.capitalize(), 15) for s in statuses)
    blocks: list[Block] = []
    order = {lb.name: i for i, lb in enumerate(data.labels)}
    for key, title, cell in (("label", "Label", lambda n: _chip(colors.get(n, "#888888"), n)),
                             ("annotator", "Annotator", esc)):
        counts = data.by_status.get(key, {})
        names = sorted(counts, key=lambda n: (order.get(n, len(order)), n) if key == "label" else n)
        if not names:
            continue
        rows = [(cell(n), *(f"{counts[n].get(s, 0):,}" for s in statuses), f"{sum(counts[n].values()):,}")
                for n in names]
        blocks += capped(Table(f"{key}-status", ((title, 40), *columns, ("All", 15)), rows), f"{key}s")
    return [Heading(2, "Annotations by status"), *blocks] if blocks else []


def _figure_blocks(data: ReportData) -> list[Block]:
    """Linked figures and names side by side, each with its verdict."""
    blocks: list[Block] = [Heading(2, "Figures side by side")]
    if not data.figures:
        blocks.append(Para("No linked Figures or Actor names to compare in these documents."))
        return blocks
    rows = []
    for f in data.figures:
        d = f.discrepancy
        word = d.verdict or ("differs" if d.differs else "compatible")  # the one verdict every view shows
        verdict = f"<b>{esc(word)}</b>" if d.differs else esc(word)
        rows.append((f"<b>{esc(data.title_of(d.left.document))}</b><br>{context_html(f.left_context)}",
                     esc(d.left_value),
                     f"<b>{esc(data.title_of(d.right.document))}</b><br>{context_html(f.right_context)}",
                     esc(d.right_value),
                     f"{verdict}<br><small>{esc(d.kind)} · {esc(d.link.type)} · {esc(d.explanation)}</small>"))
    blocks += capped(Table("discrepancies", (("Left: document and sentence", 30), ("Reading", 12),
                                             ("Right: document and sentence", 30), ("Reading", 12),
                                             ("Verdict", 16)), rows), "linked pairs")
    return blocks


def _actor_blocks(data: ReportData) -> list[Block]:
    """How many claims each actor makes in each source, and those claims."""
    blocks: list[Block] = [Heading(2, "Claims by actor")]
    if not data.actors:
        blocks.append(Para("No claims are linked to actors (\u201csaid by\u201d links) in these documents."))
        return blocks
    width = max(8, 70 // max(1, len(data.sources)))
    blocks += capped(Table("actor-matrix", (("Actor", 30), *((s, width) for s in data.sources)),
                           [(esc(r.actor.name) + (f"<br><small>also: {esc(', '.join(r.actor.names[1:]))}</small>"
                                                  if len(r.actor.names) > 1 else ""),
                             *(str(r.count(s)) for s in data.sources)) for r in data.actors]), "actors")
    rows = [(esc(r.actor.name), esc(source), esc(data.title_of(c.document)), esc(c.quote))
            for r in data.actors for source in data.sources for c in r.by_source.get(source, ())]
    blocks += capped(Table("actor-claims", (("Actor", 18), ("Source", 14), ("Document", 22), ("Claim", 46)), rows),
                     "claims")
    return blocks


def _chart_blocks(data: ReportData, charts: list[tuple[str, str, str]], colors: dict[str, str]) -> list[Block]:
    """The charts that were drawn, in a fixed order, and the agreement per label with what it measures."""
    svg = {cid: (title, s) for cid, title, s in charts}
    blocks: list[Block] = [Heading(2, "Charts")]
    for cid in ("labels-documents", "labels-sources", "actors", "activity", "agreement"):
        if cid in svg:
            blocks.append(Chart(cid, *svg[cid]))
    if data.agreement:
        a, b = data.agreement_pair
        blocks.append(Table("agreement", (("Label", 40), ("F1 exact", 20), ("F1 overlap", 20), ("alpha_u", 20)),
                            [(_chip(colors.get(label, "#888888"), label), _fmt(v["exact"]), _fmt(v["overlap"]),
                              _fmt(v["alpha_u"])) for label, v in data.agreement.items()]))
        blocks.append(Para(f"Agreement between {esc(a)} and {esc(b)}: span F1 counts spans with the same label "
                           "and the same (exact) or overlapping bounds; unitizing alpha also charges gaps."))
    return blocks


SPAN_COLUMNS = (("Document", 15), ("Label", 11), ("Quote in its sentence", 42), ("Annotator", 11), ("Status", 9),
                ("Note", 12))


def span_row(title: str, label: str, color: str, context: Context, annotator: str, status: str,
             note: str) -> tuple[str, ...]:
    """One row of a span table (the spans compared, and the appendix of every span)."""
    return (esc(title), _chip(color, label), context_html(context), esc(annotator), esc(status), esc(note))


def _span_blocks(data: ReportData, colors: dict[str, str]) -> list[Block]:
    """The spans the figures and claims above compare, each in its sentence."""
    blocks: list[Block] = [Heading(2, "Spans compared")]
    if not data.spans:
        blocks.append(Para("No linked spans in these documents (the full list of spans is the appendix that "
                           "<code>annotator report --all-spans</code> adds)."))
        return blocks
    rows = [span_row(data.title_of(a.document), a.label, colors.get(a.label, "#888888"), s.context, a.annotator,
                     a.status, a.note) for s in data.spans for a in (s.annotation,)]
    return [*blocks, *capped(Table("spans", SPAN_COLUMNS, rows), "spans")]


CSS = """
body { font-family: "DejaVu Sans", "Noto Sans", "Noto Sans Arabic", "Noto Color Emoji", sans-serif;
       font-size: 10pt; color: #1a1a1a; background: #ffffff; margin: 2em auto; max-width: 62em; line-height: 1.4; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 3px 5px; vertical-align: top; text-align: start; unicode-bidi: plaintext; }
th { background: #eef2f7; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
figure { margin: 1em 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; }
figcaption { font-weight: bold; margin-bottom: 0.3em; }
small { color: #555; }
"""


def _table_html(table: Table | RowStream) -> str:
    head = "".join(f'<th style="width:{w}%">{esc(h)}</th>' for h, w in table.columns)
    return f'<table id="{esc(table.id)}"><thead><tr>{head}</tr></thead><tbody>'


def _rows_html(rows: Iterable[tuple[str, ...]]) -> str:
    return "".join("<tr>" + "".join(f'<td dir="auto">{c}</td>' for c in row) + "</tr>\n" for row in rows)


def html_parts(blocks: Iterable[Block], title: str,
               progress: Callable[[int, int | None], None] | None = None) -> Iterator[str]:
    """The page, piece by piece: a :class:`RowStream`'s rows a batch at a time, as they are read.

    ``progress(done, total)`` is called after each batch of streamed rows; it may raise
    :class:`~annotator.core.errors.CancelledError`.
    """
    yield ("<!DOCTYPE html>\n" '<html lang="en"><head><meta charset="utf-8">\n'
           '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
           f"<title>{esc(title)}</title><style>{CSS}</style></head><body>\n")
    for block in blocks:
        if isinstance(block, Heading):
            yield f"<h{block.level}>{esc(block.text)}</h{block.level}>\n"
        elif isinstance(block, Para):
            yield f"<p>{block.html}</p>\n"
        elif isinstance(block, Chart):
            yield f'<figure id="{esc(block.id)}"><figcaption>{esc(block.title)}</figcaption>{block.svg}</figure>\n'
        elif isinstance(block, Table):
            yield f"{_table_html(block)}{_rows_html(block.rows)}</tbody></table>\n"
        else:
            yield _table_html(block)
            done = 0
            for batch in block.batches:
                yield _rows_html(batch)
                done += len(batch)
                if progress is not None:
                    progress(done, block.total)
            yield "</tbody></table>\n"
    yield "</body></html>\n"


def render_html(blocks: list[Block], title: str) -> str:
    """One self-contained page: inline CSS, inline SVG charts, no scripts, no external files."""
    return "".join(html_parts(blocks, title))


def write_html_page(blocks: Iterable[Block], title: str, out: TextIO,
                    progress: Callable[[int, int | None], None] | None = None) -> None:
    """Write the page to ``out`` as it is made: a streamed table never stands whole in memory."""
    for part in html_parts(blocks, title, progress):
        out.write(part)
