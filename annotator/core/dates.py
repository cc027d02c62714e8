"""Publication dates as analysts type them, stored as ISO 8601 (``YYYY-MM-DD``).

:func:`parse_date` reads the common written forms — ``2025-11-26``, ``2025/11/26``, ``26/11/2025``,
``26.11.2025``, ``26 November 2025``, ``Nov 26, 2025``, an ISO timestamp — and refuses anything else (``tomorrow``,
``11/2025``, ``31/02/2025``) with one sentence. All-numeric dates with the year last are read day first
(``03/04/2025`` is 3 April), as in most of the world's newsrooms; when the second number cannot be a month
(``11/26/2025``) the American order is taken.
"""

from __future__ import annotations

import re
from datetime import date

from annotator.core.errors import InputError

_MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
_YEAR_FIRST = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[t ]\d{1,2}:\d{2}.*)?$")
_YEAR_LAST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_DAY_MONTH = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\.?\s+([a-z]+)\.?,?\s+(\d{4})$")
_MONTH_DAY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")

EXAMPLE = "2025-11-26"


def parse_date(text: str | None) -> str | None:
    """``YYYY-MM-DD`` for a written date, None for an empty one; :class:`InputError` for anything else."""
    value = " ".join((text or "").split()).lower()
    if not value:
        return None
    found = _read(value)
    if found is None:
        raise InputError(f"{text.strip()!r} is not a date annotator can read; write it as YYYY-MM-DD "
                         f"(for example {EXAMPLE}).")
    year, month, day = found
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise InputError(f"{text.strip()!r} is not a real date (check the day and the month).") from None


def _read(value: str) -> tuple[int, int, int] | None:
    m = _YEAR_FIRST.match(value)
    if m:
        return int(m[1]), int(m[2]), int(m[3])
    m = _YEAR_LAST.match(value)
    if m:
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        if second <= 12:
            return year, second, first  # day first
        return year, first, second  # the second number cannot be a month: month first
    m = _DAY_MONTH.match(value)
    if m and m[2] in _MONTHS:
        return int(m[3]), _MONTHS[m[2]], int(m[1])
    m = _MONTH_DAY.match(value)
    if m and m[1] in _MONTHS:
        return int(m[3]), _MONTHS[m[1]], int(m[2])
    return None
