"""The report's charts, drawn with matplotlib (no pyplot, no Qt: the same figures go to SVG and to the window).

matplotlib rather than hand-drawn charts: axes, ticks, legends, date axes and
text layout (including Arabic) are its job, it writes vector SVG for the
self-contained HTML and PDF report, and its Qt backend (``backend_qtagg``)
embeds the very same :class:`~matplotlib.figure.Figure` in the Reports dock.
Every function takes a :class:`ReportData` and a :class:`ChartStyle` (light or
dark) and returns a new Figure.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from annotator.core.lazy import lazy_module
from annotator.core.report.data import LabelTally, ReportData

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Imported when the first chart is drawn: matplotlib takes 0.5–1 s to import, and the window starts without it.
matplotlib = lazy_module("matplotlib", "matplotlib.dates", "matplotlib.figure")

#: At most this many documents (or actors, sources) are drawn on one chart; the caption says how many are left out.
MAX_GROUPS = 30
MAX_ACTORS = 20
#: DejaVu Sans ships with matplotlib (Latin, Greek, Cyrillic, Arabic, many symbols); the others are fallbacks
#: for what it lacks, used where installed.
FALLBACKS = ("Noto Sans", "Noto Sans Arabic", "Noto Sans CJK JP", "Noto Sans CJK SC", "Droid Sans Fallback")


@lru_cache(maxsize=1)
def _fonts() -> list[str]:
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *(name for name in FALLBACKS if name in installed)]


@contextlib.contextmanager
def quiet_glyphs():
    """A character no installed font has is drawn as a box; matplotlib's warning about it is not an error here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font", category=UserWarning)
        yield


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


def _rc(style: ChartStyle) -> dict:
    return {
        "font.family": _fonts(), "font.size": 9, "axes.facecolor": style.background, "figure.facecolor": style.background,
        "axes.edgecolor": style.foreground, "axes.labelcolor": style.foreground, "text.color": style.foreground,
        "xtick.color": style.foreground, "ytick.color": style.foreground, "grid.color": style.grid,
        "legend.frameon": False, "svg.fonttype": "none", "svg.hashsalt": "annotator",  # text as <text>: selectable, shaped by the viewer
        "axes.spines.top": False, "axes.spines.right": False,
    }


def _figure(style: ChartStyle, width: float = 7.0, height: float = 3.2) -> Figure:
    with matplotlib.rc_context(_rc(style)):
        fig = matplotlib.figure.Figure(figsize=(width, height), layout="constrained")
        fig.add_subplot()
    fig._annotator_style = style  # noqa: SLF001 - read back by to_svg to draw with the same rc
    return fig


def _short(text: str, n: int = 28) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _empty(fig: Figure, message: str) -> Figure:
    fig.set_size_inches(fig.get_figwidth(), 0.8)
    ax = fig.axes[0]
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    return fig


#: Bars are labelled with their count (and who made the spans) while there are at most this many.
MAX_LABELLED_BARS = 40
#: Height per bar (inches) of the Labels chart's natural size: room for its 7-point count beside it.
BAR_INCHES = 0.18


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


def labels_chart(data: ReportData, by: str = "document", style: ChartStyle = LIGHT,
                 bar_text: bool | None = None) -> Figure:
    """Horizontal grouped bars: spans kept per label for each document (``by="document"``) or source.

    Documents run down the side, so their titles read level and the plot keeps its height in a short dock. A
    bar counts the distinct spans the review kept (accepted and pending, never rejected); its count stands
    beside it (``bar_text``; by default while there are at most :data:`MAX_LABELLED_BARS` bars) and, when
    more than one annotator made spans, how many each made. ``fig.annotator_tips`` holds ``(bar, sentence)``
    for each bar, for a window's tooltips.
    """
    shown, total, what, labels = _label_groups(data, by)
    with matplotlib.rc_context(_rc(style)):
        fig = _figure(style, 7.0, max(2.4, 1.0 + BAR_INCHES * len(shown) * max(2, len(labels))))
        fig.annotator_tips = []
        ax = fig.axes[0]
        if not labels:
            return _empty(fig, "No annotations kept yet.")
        breakdown = len({name for _, c in shown for t in c.values() for name in t.by_annotator}) > 1
        annotate = len(shown) * len(labels) <= MAX_LABELLED_BARS if bar_text is None else bar_text
        height = 0.8 / len(labels)
        for i, lb in enumerate(labels):
            ys = [g + (i - (len(labels) - 1) / 2) * height for g in range(len(shown))]
            tallies = [c.get(lb.name) for _, c in shown]
            bars = ax.barh(ys, [t.spans if t else 0 for t in tallies], height, label=lb.name, color=lb.color)
            if annotate:
                ax.bar_label(bars, [_bar_text(t, breakdown) for t in tallies], padding=2, fontsize=7)
            fig.annotator_tips += [(bar, _tip(lb.name, name, t)) for bar, (name, _), t in zip(bars, shown, tallies)]
        ax.set_yticks(range(len(shown)), [_short(name) for name, _ in shown])
        ax.invert_yaxis()
        ax.margins(x=0.3 if annotate and breakdown else 0.1)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="x", linewidth=0.5)
        ax.set_axisbelow(True)
        ax.set_xlabel("spans kept (accepted and pending)"
                      + (f"; first {len(shown)} of {total} {what}s" if total > len(shown) else ""))
        fig.legend(loc="outside right upper")
        return fig


def _bar_text(tally: LabelTally | None, breakdown: bool) -> str:
    if tally is None:
        return ""
    return f"{tally.spans} ({tally.breakdown()})" if breakdown else str(tally.spans)


def _tip(label: str, group: str, tally: LabelTally | None) -> str:
    if tally is None:
        return f"{label} in {group}: no spans kept"
    return f"{label} in {group}: {tally.spans} span{'s' if tally.spans != 1 else ''} kept ({tally.breakdown()})"


def actors_chart(data: ReportData, style: ChartStyle = LIGHT) -> Figure:
    """The claims-by-actor matrix as a heat map: actors down, sources across, counts in the cells."""
    rows = data.actors[:MAX_ACTORS]
    height = max(2.4, 0.9 + 0.32 * len(rows))
    with matplotlib.rc_context(_rc(style)):
        fig = _figure(style, 7.0, height)
        ax = fig.axes[0]
        if not rows:
            return _empty(fig, "No claims are linked to actors yet (link a Claim to an Actor with \"said by\").")
        matrix = [[row.count(s) for s in data.sources] for row in rows]
        top = max(max(r) for r in matrix) or 1
        # pcolormesh, not imshow: cells stay vector shapes in the SVG and the PDF (imshow embeds a bitmap).
        ax.pcolormesh([x - 0.5 for x in range(len(data.sources) + 1)], [y - 0.5 for y in range(len(rows) + 1)],
                      matrix, cmap="Blues", vmin=0, vmax=top, edgecolors=style.background, linewidth=1)
        ax.invert_yaxis()
        for y, r in enumerate(matrix):
            for x, n in enumerate(r):
                if n:  # empty cells stay blank: fewer marks to read (and to draw)
                    ax.text(x, y, str(n), ha="center", va="center", color="#ffffff" if n > top / 2 else "#1a1a1a")
        ax.set_xticks(range(len(data.sources)), [_short(s, 20) for s in data.sources])
        ax.set_yticks(range(len(rows)), [_short(r.actor.name, 24) for r in rows])
        ax.tick_params(length=0)
        if len(data.actors) > len(rows):
            ax.set_xlabel(f"the {len(rows)} actors with most claims, of {len(data.actors)}")
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        return fig


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def activity_chart(data: ReportData, style: ChartStyle = LIGHT) -> Figure:
    """Annotations created per day, one line per annotator."""
    with matplotlib.rc_context(_rc(style)):
        fig = _figure(style)
        ax = fig.axes[0]
        series = {name: sorted((d, n) for d, n in ((_day(k), v) for k, v in days.items()) if d)
                  for name, days in sorted(data.activity.items())}
        series = {k: v for k, v in series.items() if v}
        if not series:
            return _empty(fig, "No dated annotations yet.")
        for i, (name, points) in enumerate(series.items()):
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3, linewidth=1.2,
                    label=_short(name, 20), color=style.series[i % len(style.series)])
        ax.set_ylabel("annotations per day")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.grid(axis="y", linewidth=0.5)
        days = sorted({p[0] for points in series.values() for p in points})
        if (days[-1] - days[0]).days < 3:  # too short a range for the automatic date ticks
            ax.set_xlim(days[0] - dt.timedelta(days=1), days[-1] + dt.timedelta(days=1))
            locator = matplotlib.dates.DayLocator()
        else:
            locator = matplotlib.dates.AutoDateLocator(maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(matplotlib.dates.ConciseDateFormatter(locator))
        ax.set_ylim(bottom=0)
        fig.legend(loc="outside right upper")
        return fig


MEASURES = (("exact", "span F1, exact"), ("overlap", "span F1, overlap"), ("alpha_u", "unitizing alpha"))


def agreement_chart(data: ReportData, style: ChartStyle = LIGHT) -> Figure:
    """Agreement per label between the two chosen annotators: span F1 (exact, overlap) and unitizing alpha."""
    rows = [(label, vals) for label, vals in data.agreement.items()]
    with matplotlib.rc_context(_rc(style)):
        fig = _figure(style, 7.0, max(2.4, 1.0 + 0.45 * len(rows)))
        ax = fig.axes[0]
        if data.agreement_pair is None:
            return _empty(fig, "Agreement needs two annotators.")
        if not rows:
            return _empty(fig, "The two annotators have no labels to compare.")
        height = 0.8 / len(MEASURES)
        for i, (key, name) in enumerate(MEASURES):
            ys = [y + (i - 1) * height for y in range(len(rows))]
            ax.barh(ys, [v[key] or 0.0 for _, v in rows], height, label=name, color=style.series[i])
        ax.set_yticks(range(len(rows)), [_short(label, 20) for label, _ in rows])
        ax.invert_yaxis()
        ax.set_xlim(min(0.0, min((v["alpha_u"] or 0.0) for _, v in rows)), 1.0)
        ax.axvline(0, color=style.foreground, linewidth=0.6)
        ax.grid(axis="x", linewidth=0.5)
        ax.set_xlabel(f"{_short(data.agreement_pair[0], 20)} and {_short(data.agreement_pair[1], 20)} "
                      "(1 = perfect agreement, 0 = chance)")
        fig.legend(loc="outside right upper")
        return fig


_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_IDS = re.compile(r'(\bid="|href="#|url\(#)')


def to_svg(fig: Figure, prefix: str = "") -> str:
    """The figure as an ``<svg>`` element for inlining: text as paths, no prolog, ids prefixed to stay unique."""
    out = io.StringIO()
    style = getattr(fig, "_annotator_style", LIGHT)
    with matplotlib.rc_context(_rc(style)), quiet_glyphs():
        fig.savefig(out, format="svg", metadata={"Date": None})
    svg = _METADATA.sub("", _PROLOG.sub("", out.getvalue(), count=1))
    return _IDS.sub(lambda m: m.group(1) + prefix, svg) if prefix else svg


def all_charts(data: ReportData, style: ChartStyle = LIGHT) -> list[tuple[str, str, Figure]]:
    """``(id, title, figure)`` for every chart of the report, in reading order."""
    return [
        ("labels-documents", "Labels per document", labels_chart(data, "document", style)),
        ("labels-sources", "Labels per source", labels_chart(data, "source", style)),
        ("actors", "Claims by actor across sources", actors_chart(data, style)),
        ("activity", "Annotator activity", activity_chart(data, style)),
        ("agreement", "Agreement per label", agreement_chart(data, style)),
    ]
