"""A small SVG writer for the report's charts: shapes and text as SVG Tiny 1.2 that Qt and browsers both draw.

Only presentation attributes (no CSS, no ids, no ``<foreignObject>``), so that Qt's ``QSvgRenderer`` (the PDF
and the Reports dock) draws what a browser (the HTML report) draws. Text stays ``<text>``: the viewer shapes
it (Arabic joining, CJK, emoji from a fallback font). Qt places ``text-anchor`` on the physical side whatever
the ``direction`` attribute says, while browsers flip it for ``direction="rtl"``; so a right-to-left string is
wrapped in a right-to-left isolate (U+2067 … U+2069) instead, which both order the same way. Coordinates are
written with at most two decimals: the same chart is the same bytes on every run.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import NamedTuple

#: Families tried in order; a viewer takes a glyph it lacks from the next (CJK, Hebrew, emoji).
FONT = ("DejaVu Sans, Noto Sans, Noto Sans Arabic, Noto Sans Hebrew, Noto Sans CJK JP, Noto Sans CJK SC, "
        "Noto Color Emoji, sans-serif")
#: XML 1.0 forbids these characters even escaped (C0 controls other than tab, line feed, return; U+FFFE/F).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def xml(text: object) -> str:
    """``text`` as XML character data or an attribute value: ``&<>"`` escaped, forbidden characters dropped."""
    return _FORBIDDEN.sub("", str(text)).translate(_ENTITIES)


def num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros (``12``, ``3.5``, ``-0.25``)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def right_to_left(text: str) -> bool:
    """Whether the first strongly directed character of ``text`` outside isolates (:func:`isolate`) is
    right-to-left (Hebrew, Arabic, ...), as the Unicode bidirectional algorithm finds a paragraph's direction."""
    depth = 0
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("LRI", "RLI", "FSI"):
            depth += 1
        elif kind == "PDI":
            depth = max(0, depth - 1)
        elif depth == 0 and kind in ("R", "AL"):
            return True
        elif depth == 0 and kind == "L":
            return False
    return False


def isolate(name: str) -> str:
    """``name`` as a first-strong isolate (U+2068 … U+2069), for a name inside a longer text ("alice 2, דוד 1"):
    it runs in its own direction without turning the text around it."""
    return f"\u2068{name}\u2069"


def text_width(text: str, size: float) -> float:
    """About how wide ``text`` is drawn at ``size`` pixels: wide (CJK, emoji) characters count a whole ``size``,
    marks and format characters nothing, others 0.6 of it (DejaVu Sans averages a little less)."""
    width = 0.0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += size if unicodedata.east_asian_width(ch) in ("W", "F") else 0.6 * size
    return width


def short(text: str, n: int = 28) -> str:
    """``text`` on one line, cut to ``n`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


class Tip(NamedTuple):
    """A rectangle of a chart (user units, which are pixels at the chart's size) and what it shows, in words."""

    x: float
    y: float
    width: float
    height: float
    text: str

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x <= self.x + self.width and self.y <= y <= self.y + self.height


class Svg:
    """An SVG drawing built element by element; :meth:`render` gives the ``<svg>`` element."""

    def __init__(self, width: float, height: float, background: str, foreground: str, size: float = 11):
        self.width, self.height, self.size, self.foreground = width, height, size, foreground
        self.parts: list[str] = [f'<rect x="0" y="0" width="{num(width)}" height="{num(height)}" '
                                 f'fill="{background}"/>']

    def rect(self, x: float, y: float, w: float, h: float, fill: str, title: str | None = None,
             stroke: str | None = None) -> None:
        edge = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
        shape = f'<rect x="{num(x)}" y="{num(y)}" width="{num(max(0.0, w))}" height="{num(max(0.0, h))}" ' \
                f'fill="{fill}"{edge}/>'
        self.parts.append(f"<g><title>{xml(title)}</title>{shape}</g>" if title else shape)

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, width: float = 1.0) -> None:
        self.parts.append(f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" stroke="{stroke}" '
                          f'stroke-width="{num(width)}"/>')

    def polyline(self, points: list[tuple[float, float]], stroke: str, width: float = 1.5) -> None:
        coords = " ".join(f"{num(x)},{num(y)}" for x, y in points)
        self.parts.append(f'<polyline points="{coords}" fill="none" stroke="{stroke}" stroke-width="{num(width)}"/>')

    def circle(self, cx: float, cy: float, r: float, fill: str, title: str | None = None) -> None:
        shape = f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}" fill="{fill}"/>'
        self.parts.append(f"<g><title>{xml(title)}</title>{shape}</g>" if title else shape)

    def text(self, x: float, y: float, text: str, anchor: str = "start", size: float | None = None,
             fill: str | None = None, bold: bool = False, rotate: float = 0.0) -> None:
        """``text`` with its baseline at ``y``; ``anchor`` is the physical side at ``x`` (start: left)."""
        if right_to_left(text):
            text = f"\u2067{text}\u2069"  # a right-to-left isolate: see the module docstring
        attrs = f'x="{num(x)}" y="{num(y)}"'
        if anchor != "start":
            attrs += f' text-anchor="{anchor}"'
        if size is not None and size != self.size:
            attrs += f' font-size="{num(size)}"'
        if fill is not None and fill != self.foreground:
            attrs += f' fill="{fill}"'
        if bold:
            attrs += ' font-weight="bold"'
        if rotate:
            attrs += f' transform="rotate({num(rotate)} {num(x)} {num(y)})"'
        self.parts.append(f"<text {attrs}>{xml(text)}</text>")

    def middle(self, x: float, y: float, text: str, anchor: str = "start", **kw) -> None:
        """``text`` centred vertically on ``y`` (SVG Tiny has no ``dominant-baseline``: the baseline is moved)."""
        self.text(x, y + 0.35 * (kw.get("size") or self.size), text, anchor, **kw)

    def render(self, label: str) -> str:
        """The ``<svg>`` element, ``label`` its accessible name."""
        return (f'<svg xmlns="http://www.w3.org/2000/svg" version="1.2" baseProfile="tiny" '
                f'width="{num(self.width)}" height="{num(self.height)}" '
                f'viewBox="0 0 {num(self.width)} {num(self.height)}" role="img" aria-label="{xml(label)}">'
                f'<g font-family="{FONT}" font-size="{num(self.size)}" fill="{self.foreground}">'
                + "".join(self.parts) + "</g></svg>")


def nice_ticks(lo: float, hi: float, most: int = 6, integer: bool = False) -> list[float]:
    """Round tick values covering ``lo``..``hi``: steps of 1, 2, 2.5 or 5 times a power of ten, at most ``most``
    intervals (whole numbers only with ``integer``)."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / most
    power = 10.0 ** math.floor(math.log10(raw))
    step = 10 * power
    for factor in (1, 2, 2.5, 5, 10):
        candidate = factor * power
        if integer and (candidate < 1 or candidate != int(candidate)):
            continue
        if (hi - lo) / candidate <= most + 1e-9:
            step = candidate
            break
    step = max(1.0, step) if integer else step
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [i * step for i in range(first, last + 1)]


def tick_text(value: float, step: float) -> str:
    """A tick's label: thousands separated for whole steps, as many decimals as the step needs otherwise."""
    if step >= 1 and step == int(step):
        return f"{round(value):,}"
    decimals = max(1, -math.floor(math.log10(step) + 1e-9))
    if round(step * 10**decimals) != step * 10**decimals:
        decimals += 1  # 0.25
    return f"{value:.{decimals}f}"
