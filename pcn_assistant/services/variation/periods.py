"""Reporting periods: the labels indicator files use, and the dates they stand for.

NHS data is published by financial year (April to March) and its quarters, so
``2026-27 Q1`` is April to June 2026. Labels we recognise are written one way
(``2026/27 q1`` becomes ``2026-27 Q1``) so the same period from two sources matches;
anything else is kept as given and simply has no dates (the social prescribing
indicator, computed from dates, is then not available for it).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_FY_QUARTER = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2})\s*Q([1-4])$", re.IGNORECASE)
_FY = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_LENGTH = 20


def normalise(label: object) -> str:
    text = re.sub(r"\s+", " ", str(label or "").strip())
    match = _FY_QUARTER.match(text)
    if match and _consecutive(match):
        return f"{match[1]}-{match[2]} Q{match[3]}"
    match = _FY.match(text)
    if match and _consecutive(match):
        return f"{match[1]}-{match[2]}"
    return text


def _consecutive(match: re.Match) -> bool:
    return (int(match[1]) + 1) % 100 == int(match[2])


def date_range(label: str) -> tuple[date, date] | None:
    """First and last day of a recognised period, else None."""
    text = normalise(label)
    if (match := _FY_QUARTER.match(text)) and _consecutive(match):
        year, quarter = int(match[1]), int(match[3])
        start_month = 4 + 3 * (quarter - 1)
        start = date(year + (start_month - 1) // 12, (start_month - 1) % 12 + 1, 1)
        return start, _add_months(start, 3) - timedelta(days=1)
    if (match := _FY.match(text)) and _consecutive(match):
        year = int(match[1])
        return date(year, 4, 1), date(year + 1, 3, 31)
    if (match := _MONTH.match(text)) and 1 <= int(match[2]) <= 12:
        start = date(int(match[1]), int(match[2]), 1)
        return start, _add_months(start, 1) - timedelta(days=1)
    return None


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def quarter_label(day: date) -> str:
    """The financial quarter a date falls in, as ``2026-27 Q1``."""
    year = day.year if day.month >= 4 else day.year - 1
    quarter = (day.month - 4) % 12 // 3 + 1
    return f"{year}-{(year + 1) % 100:02d} Q{quarter}"


def last_complete_quarters(today: date, count: int = 4) -> list[str]:
    """The ``count`` financial quarters that ended before ``today``, oldest first."""
    labels: list[str] = []
    start, _end = date_range(quarter_label(today)) or (today, today)
    for _ in range(count):
        start = _add_months(start, -3)
        labels.append(quarter_label(start))
    return labels[::-1]
