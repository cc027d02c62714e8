"""The report's charts, written as SVG by our own small writer (:mod:`annotator.core.report.svg`; no Qt).

One implementation for the HTML page (inline SVG), the PDF (Qt's ``QSvgRenderer`` paints it) and the Reports
dock (the same, at the dock's size). Every function takes a :class:`ReportData`, a :class:`ChartStyle` (light
or dark) and optionally a size in pixels (default: the chart's natural size, as in the report) and returns a
:class:`Chart`: the SVG and the rectangles of its bars and points with what each shows, for a window's tips.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from annotator.core.report.data import LabelTally, ReportData
from annotator.core.report.svg import Svg, Tip, isolate, nice_ticks, short, text_width, tick_text

#: At most this many documents (or actors, sources) are drawn on one chart; the caption says how many are left out.
MAX_GROUPS = 30
MAX_ACTORS = 20
#: Bars are labelled with their count (and who made the spans) while there are at most this many...
MAX_LABELLED_BARS = 40
#: ... and while a bar is at least this tall (pixels).
BAR_TEXT_PX = 12
#: The report's width (pixels; the PDF's text width is about 670) and text size.
WIDTH = 680
TEXT = 11
#: Height of a bar in the report's Labels chart: room for its count beside it...
BAR_PX = 15
#: ... and the most a bar grows to in a tall window (the rest is space between the groups).
BAR_MAX_PX = 24


@dataclass(frozen=True)
class ChartStyle:
    background: str = "#ffffff"
    foreground: str = "#1a1a1a"
    grid: str = "#d0d0d0"
    accent: str = "#0072B2"
    #: Okabe–Ito colours for series that are not labels (annotators, measures).
    series: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


LIGHT = ChartStyle()
DARK = ChartStyle("#17181a", "#f0f0f0", "#44474d", "#56B4E9",
                  ("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442"))


@dataclass(frozen=True)
class Chart:
    """A chart as SVG, its size (pixels), and ``tips``: each bar's (or point's) rectangle and what it shows."""

    svg: str
    width: float
    height: float
    tips: tuple[Tip, ...] = ()
    #: The counts written beside the bars (none when the bars are too many or too thin for them).
    bar_texts: tuple[str, ...] = ()
    #: The plot area ``(x, y, width, height)`` between tick labels, captions and legend (none for a message).
    plot: tuple[float, float, float, float] | None = None


@dataclass
class _Plot:
    """The plot area of a chart (pixels) between its tick labels, axis caption and legend."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def box(self) -> tuple[float, float, float, float]:
        return self.left, self.top, self.width, self.height


def _empty(message: str, style: ChartStyle, width: float | None) -> Chart:
    width = width or WIDTH
    svg = Svg(width, 40, style.background, style.foreground, TEXT)
    svg.middle(width / 2, 20, message, "middle")
    return Chart(svg.render(message), width, 40)


def _legend(svg: Svg, entries: list[tuple[str, str]], x: float, y: float) -> None:
    """Colour swatches and names, one a line, from ``(x, y)`` down."""
    for i, (name, color) in enumerate(entries):
        top = y + i * (TEXT + 6)
        svg.rect(x, top, 10, 10, color)
        svg.middle(x + 15, top + 5, name)


def _legend_width(names: list[str]) -> float:
    return 25 + max((text_width(n, TEXT) for n in names), default=0)


def _room(length: float, widest: str, most: int) -> int:
    """How many intervals between ticks fit in ``length`` pixels with labels as wide as ``widest`` (at most
    ``most``, at least one)."""
    return max(1, min(most, int(length // (text_width(widest, TEXT) + 16))))


def _x_axis(svg: Svg, plot: _Plot, ticks: list[float], scale, style: ChartStyle, caption: str) -> None:
    """Vertical grid lines at ``ticks``, their labels below the plot and ``caption`` under them."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    for value in ticks:
        x = scale(value)
        svg.line(x, plot.top, x, plot.bottom, style.grid, 0.6)
        svg.text(x, plot.bottom + TEXT + 3, tick_text(value, step), "middle")
    svg.text(plot.left + plot.width / 2, plot.bottom + 2 * TEXT + 10, caption, "middle")


def _label_groups(data: ReportData, by: str) -> tuple[list[tuple[str, dict[str, LabelTally]]], int, str, list]:
    """``(groups drawn, groups in all, "document" or "source", labels with a kept span in the groups drawn)``."""
    if by == "document":
        groups = [(d.title, data.label_counts[d.id]) for d in data.documents]
    else:
        groups = list(data.source_counts.items())
    shown = groups[:MAX_GROUPS]
    labels = [lb for lb in data.labels if any(lb.name in c for _, c in shown)]
    return shown, len(groups), by, labels


def labels_bar_count(data: ReportData, by: str = "document") -> int:
    """How many bars the Labels chart draws (one per label and group)."""
    shown, _, _, labels = _label_groups(data, by)
    return len(shown) * len(labels)


def labels_summary(data: ReportData, by: str = "document") -> str:
    """What the Labels chart shows, in words (for a screen reader): each bar with a kept span."""
    shown, _, _, labels = _label_groups(data, by)
    return "; ".join(_tip(lb.name, name, c[lb.name]) for name, c in shown for lb in labels if lb.name in c)


def labels_chart(data: ReportData, by: str = "document", style: ChartStyle = LIGHT, bar_text: bool | None = None,
                 width: float | None = None, height: float | None = None) -> Chart:
    """Horizontal grouped bars: spans kept per label for each document (``by="document"``) or source.

    Documents run down the side, so their titles read level. A bar counts the distinct spans the review kept
    (accepted and pending, never rejected); its count stands beside it (``bar_text``; by default while there
    are at most :data:`MAX_LABELLED_BARS` bars, each at least :data:`BAR_TEXT_PX` tall) and, when more than one
    annotator made spans, how many each made. The tips name each bar's label, group and count.
    """
    shown, total, what, labels = _label_groups(data, by)
    if not labels:
        return _empty("No annotations kept yet.", style, width)
    bars = len(shown) * len(labels)
    breakdown = len({name for _, c in shown for t in c.values() for name in t.by_annotator}) > 1
    width = width or WIDTH
    height = height or 10 + 42 + len(shown) * (len(labels) * BAR_PX + 8)
    names = [short(name) for name, _ in shown]
    plot = _Plot(8 + max(text_width(n, TEXT) for n in names) + 6, 10,
                 width - _legend_width([lb.name for lb in labels]) - 10, height - 42)
    band = plot.height / len(shown)
    bar = min(BAR_MAX_PX, (band - min(8.0, band * 0.2)) / len(labels))
    annotate = (bars <= MAX_LABELLED_BARS and bar >= BAR_TEXT_PX) if bar_text is None else bar_text
    texts = [[_bar_text(c.get(lb.name), breakdown) for lb in labels] for _, c in shown]
    reserve = 4 + max(text_width(t, TEXT - 1) for row in texts for t in row) if annotate else 0
    top = max(1, max(t.spans for _, c in shown for t in c.values()))
    ticks = nice_ticks(0, top, _room(plot.width - reserve, f"{top:,}", 6), integer=True)
    unit = (plot.width - reserve) / ticks[-1]
    caption = "spans kept (accepted and pending)" + (f"; first {len(shown)} of {total} {what}s"
                                                    if total > len(shown) else "")
    svg = Svg(width, height, style.background, style.foreground, TEXT)
    _x_axis(svg, plot, ticks, lambda v: plot.left + v * unit, style, caption)
    tips: list[Tip] = []
    for g, (name, counts) in enumerate(shown):
        y0 = plot.top + g * band + (band - bar * len(labels)) / 2
        svg.middle(plot.left - 6, plot.top + (g + 0.5) * band, names[g], "end")
        for i, lb in enumerate(labels):
            tally, y = counts.get(lb.name), y0 + i * bar
            tip = _tip(lb.name, name, tally)
            w = (tally.spans if tally else 0) * unit
            svg.rect(plot.left, y, w, bar, lb.color, tip)
            tips.append(Tip(plot.left, y, w, bar, tip))
            if annotate and texts[g][i]:
                svg.middle(plot.left + w + 3, y + bar / 2, texts[g][i], size=TEXT - 1)
    svg.line(plot.left, plot.top, plot.left, plot.bottom, style.foreground)
    _legend(svg, [(lb.name, lb.color) for lb in labels], plot.right + 10, plot.top)
    written = tuple(t for row in texts for t in row if t) if annotate else ()
    return Chart(svg.render(f"Spans kept per label for each {what}"), width, height, tuple(tips), written, plot.box)


def _bar_text(tally: LabelTally | None, breakdown: bool) -> str:
    if tally is None:
        return ""
    if not breakdown:
        return str(tally.spans)
    return f"{tally.spans} ({', '.join(f'{isolate(name)} {n}' for name, n in tally.by_annotator.items())})"


def _tip(label: str, group: str, tally: LabelTally | None) -> str:
    if tally is None:
        return f"{label} in {group}: no spans kept"
    return f"{label} in {group}: {tally.spans} span{'s' if tally.spans != 1 else ''} kept ({tally.breakdown()})"


#: The heat map's scale (light to dark blue), interpolated; an empty cell is left blank.
HEAT = ((0xde, 0xeb, 0xf7), (0x6b, 0xae, 0xd6), (0x08, 0x45, 0x94))


def heat(fraction: float) -> str:
    """The heat map's colour for ``fraction`` (0..1) of the largest count."""
    position = min(1.0, max(0.0, fraction)) * (len(HEAT) - 1)
    i = min(int(position), len(HEAT) - 2)
    t = position - i
    rgb = (round(a + (b - a) * t) for a, b in zip(HEAT[i], HEAT[i + 1]))
    return "#" + "".join(f"{c:02x}" for c in rgb)


def actors_chart(data: ReportData, style: ChartStyle = LIGHT, width: float | None = None,
                 height: float | None = None) -> Chart:
    """The claims-by-actor matrix as a heat map: actors down, sources across, counts in the cells."""
    rows = data.actors[:MAX_ACTORS]
    if not rows:
        return _empty("No claims are linked to actors yet (link a Claim to an Actor with \"said by\").", style, width)
    width = width or WIDTH
    sources = [short(s, 20) for s in data.sources]
    names = [short(r.actor.name, 24) for r in rows]
    left = 8 + max(text_width(n, TEXT) for n in names) + 6
    cell_w = (width - left - 10) / len(sources)
    tilt = max(text_width(s, TEXT) for s in sources) > cell_w - 4  # long source names: written aslant
    head = 10 + (0.6 * max(text_width(s, TEXT) for s in sources) + TEXT if tilt else TEXT + 8)
    caption = f"the {len(rows)} actors with most claims, of {len(data.actors)}" if len(data.actors) > len(rows) else ""
    height = height or head + 26 * len(rows) + (TEXT + 12 if caption else 6)
    plot = _Plot(left, head, width - 10, height - (TEXT + 12 if caption else 6))
    cell_h = plot.height / len(rows)
    matrix = [[row.count(s) for s in data.sources] for row in rows]
    most = max(max(r) for r in matrix) or 1
    svg = Svg(width, height, style.background, style.foreground, TEXT)
    for x, source in enumerate(sources):
        cx = plot.left + (x + 0.5) * cell_w
        if tilt:
            svg.text(cx, head - 6, source, rotate=-35)
        else:
            svg.text(cx, head - 6, source, "middle")
    tips = []
    for y, (row, counts) in enumerate(zip(rows, matrix)):
        top = plot.top + y * cell_h
        svg.middle(plot.left - 6, top + cell_h / 2, names[y], "end")
        for x, n in enumerate(counts):
            tip = f"{n} claim{'s' if n != 1 else ''} by {row.actor.name} in {data.sources[x]}"
            svg.rect(plot.left + x * cell_w, top, cell_w, cell_h, heat(n / most) if n else style.background, tip,
                     stroke=style.grid)
            tips.append(Tip(plot.left + x * cell_w, top, cell_w, cell_h, tip))
            if n:  # empty cells stay blank: fewer marks to read
                svg.middle(plot.left + (x + 0.5) * cell_w, top + cell_h / 2, str(n), "middle",
                           fill="#ffffff" if n > most / 2 else "#1a1a1a")
    if caption:
        svg.text(plot.left + plot.width / 2, height - 6, caption, "middle")
    return Chart(svg.render("Claims by actor across sources"), width, height, tuple(tips), plot=plot.box)


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


#: Day steps tried for the activity chart's date axis; then months, then years.
DAY_STEPS = (1, 2, 7, 14)
MONTH_STEPS = (1, 2, 3, 6)
#: English month abbreviations (``strftime("%b")`` follows the process's locale, which Qt sets from the user's).
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def date_text(day: dt.date, unit: str) -> str:
    """A date tick's label: ``25 Nov`` (days), ``Nov 2025`` (months) or ``2025`` (years)."""
    if unit == "day":
        return f"{day.day} {MONTHS[day.month - 1]}"
    return f"{MONTHS[day.month - 1]} {day.year}" if unit == "month" else str(day.year)


def date_ticks(first: dt.date, last: dt.date, most: int = 8) -> tuple[list[dt.date], str]:
    """Round dates covering ``first``..``last`` (days, weeks, months or years; at most ``most`` + 1) and their
    unit (``"day"``, ``"month"``, ``"year"``) for :func:`date_text`."""
    days = (last - first).days
    for step in DAY_STEPS:
        if days / step <= most:
            start = first if step < 7 else first - dt.timedelta(days=first.weekday())  # weeks begin on Mondays
            count = -(-(last - start).days // step)
            return [start + dt.timedelta(days=step * i) for i in range(count + 1)], "day"
    months = (last.year - first.year) * 12 + last.month - first.month
    for step in MONTH_STEPS:
        if months / step <= most:
            index = first.year * 12 + first.month - 1
            index -= index % step
            out = []
            while not out or out[-1] <= last:
                out.append(dt.date(index // 12, index % 12 + 1, 1))
                index += step
            return out, "month"
    step = nice_ticks(first.year, last.year + 1, most, integer=True)
    return [dt.date(int(y), 1, 1) for y in step], "year"


def activity_chart(data: ReportData, style: ChartStyle = LIGHT, width: float | None = None,
                   height: float | None = None) -> Chart:
    """Annotations created per day, one line per annotator (undated annotations are left out)."""
    series = {name: sorted((d, n) for d, n in ((_day(k), v) for k, v in days.items()) if d)
              for name, days in sorted(data.activity.items())}
    series = {k: v for k, v in series.items() if v}
    if not series:
        return _empty("No dated annotations yet.", style, width)
    width, height = width or WIDTH, height or 260
    every = sorted({p[0] for points in series.values() for p in points})
    first, last = every[0], every[-1]
    if (last - first).days < 3:  # too short a range for round ticks: a day either side
        first, last = first - dt.timedelta(days=1), last + dt.timedelta(days=1)
    ticks = nice_ticks(0, max(n for points in series.values() for _, n in points), 5, integer=True)
    names = [short(name, 20) for name in series]
    left = 8 + max(text_width(tick_text(t, 1), TEXT) for t in ticks) + 6
    plot = _Plot(left, 10, width - _legend_width(names) - 10, height - 42)
    days, unit = date_ticks(first, last, _room(plot.width, "Nov 2025", 8))
    first, last = min(first, days[0]), max(last, days[-1])
    span = max(1, (last - first).days)

    def x_of(day: dt.date) -> float:
        return plot.left + (day - first).days / span * plot.width

    def y_of(n: float) -> float:
        return plot.bottom - n / ticks[-1] * plot.height

    svg = Svg(width, height, style.background, style.foreground, TEXT)
    for t in ticks:
        svg.line(plot.left, y_of(t), plot.right, y_of(t), style.grid, 0.6)
        svg.middle(plot.left - 6, y_of(t), tick_text(t, 1), "end")
    for day in days:
        svg.line(x_of(day), plot.bottom, x_of(day), plot.bottom + 4, style.foreground)
        svg.text(x_of(day), plot.bottom + TEXT + 5, date_text(day, unit), "middle")
    years = f"{first.year}" if first.year == last.year else f"{first.year}–{last.year}"
    svg.text(plot.left + plot.width / 2, height - 6, f"annotations per day ({years})", "middle")
    svg.line(plot.left, plot.bottom, plot.right, plot.bottom, style.foreground)
    tips = []
    for i, (name, points) in enumerate(series.items()):
        color = style.series[i % len(style.series)]
        xy = [(x_of(d), y_of(n)) for d, n in points]
        svg.polyline(xy, color, 1.5)
        for (x, y), (d, n) in zip(xy, points):
            tip = f"{name}: {n:,} annotation{'s' if n != 1 else ''} on {d.isoformat()}"
            svg.circle(x, y, 2.5, color, tip)
            tips.append(Tip(x - 4, y - 4, 8, 8, tip))
    _legend(svg, [(n, style.series[i % len(style.series)]) for i, n in enumerate(names)], plot.right + 10, plot.top)
    return Chart(svg.render("Annotations per day for each annotator"), width, height, tuple(tips), plot=plot.box)


MEASURES = (("exact", "span F1, exact"), ("overlap", "span F1, overlap"), ("alpha_u", "unitizing alpha"))


def agreement_chart(data: ReportData, style: ChartStyle = LIGHT, width: float | None = None,
                    height: float | None = None) -> Chart:
    """Agreement per label between the two chosen annotators: span F1 (exact, overlap) and unitizing alpha."""
    if data.agreement_pair is None:
        return _empty("Agreement needs two annotators.", style, width)
    rows = list(data.agreement.items())
    if not rows:
        return _empty("The two annotators have no labels to compare.", style, width)
    width = width or WIDTH
    height = height or 10 + 42 + len(rows) * (len(MEASURES) * 12 + 10)
    names = [short(label, 20) for label, _ in rows]
    plot = _Plot(8 + max(text_width(n, TEXT) for n in names) + 6, 10,
                 width - _legend_width([m for _, m in MEASURES]) - 10, height - 42)
    ticks = nice_ticks(min(0.0, min((v["alpha_u"] or 0.0) for _, v in rows)), 1.0, _room(plot.width, "-0.25", 5))
    lo, hi = ticks[0], ticks[-1]

    def x_of(v: float) -> float:
        return plot.left + (v - lo) / (hi - lo) * plot.width

    a, b = (isolate(short(n, 20)) for n in data.agreement_pair)
    svg = Svg(width, height, style.background, style.foreground, TEXT)
    _x_axis(svg, plot, ticks, x_of, style, f"{a} and {b} (1 = perfect agreement, 0 = chance)")
    band = plot.height / len(rows)
    bar = min(BAR_MAX_PX, (band - min(10.0, band * 0.2)) / len(MEASURES))
    tips = []
    for r, (label, values) in enumerate(rows):
        y0 = plot.top + r * band + (band - bar * len(MEASURES)) / 2
        svg.middle(plot.left - 6, plot.top + (r + 0.5) * band, names[r], "end")
        for i, (key, measure) in enumerate(MEASURES):
            value = values[key]
            left, right = sorted((x_of(0.0), x_of(value or 0.0)))
            tip = f"{label}: {measure} {'n/a' if value is None else f'{value:.2f}'}"
            svg.rect(left, y0 + i * bar, right - left, bar, style.series[i], tip)
            tips.append(Tip(left, y0 + i * bar, right - left, bar, tip))
    svg.line(x_of(0.0), plot.top, x_of(0.0), plot.bottom, style.foreground)
    _legend(svg, [(m, style.series[i]) for i, (_, m) in enumerate(MEASURES)], plot.right + 10, plot.top)
    return Chart(svg.render("Agreement per label"), width, height, tuple(tips), plot=plot.box)


def all_charts(data: ReportData, style: ChartStyle = LIGHT) -> list[tuple[str, str, Chart]]:
    """``(id, title, chart)`` for every chart of the report, in reading order, at their natural size."""
    return [
        ("labels-documents", "Labels per document", labels_chart(data, "document", style)),
        ("labels-sources", "Labels per source", labels_chart(data, "source", style)),
        ("actors", "Claims by actor across sources", actors_chart(data, style)),
        ("activity", "Annotator activity", activity_chart(data, style)),
        ("agreement", "Agreement per label", agreement_chart(data, style)),
    ]
