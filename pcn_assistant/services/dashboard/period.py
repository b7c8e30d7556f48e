"""Reporting periods: ``last-12-months``, ``2026``, ``2026-Q3``, ``2026-10`` or ``START:END``."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from pcn_assistant.errors import InvalidInput
from pcn_assistant.services.dashboard.model import Period

DEFAULT_PERIOD = "last-12-months"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str | None, today: date) -> Period:
    text = (text or DEFAULT_PERIOD).strip()
    if text == "last-12-months":
        try:
            year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            year_ago = today.replace(year=today.year - 1, day=28)
        start = year_ago + timedelta(days=1)
        return Period(start, today, f"12 months to {today:%d %b %Y}")
    if re.fullmatch(r"\d{4}", text):
        year = int(text)
        return Period(date(year, 1, 1), date(year, 12, 31), text)
    match = re.fullmatch(r"(\d{4})-Q([1-4])", text, re.IGNORECASE)
    if match:
        year, quarter = int(match[1]), int(match[2])
        first = 3 * quarter - 2
        return Period(date(year, first, 1), _month_end(year, first + 2), f"{year} Q{quarter}")
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if match and 1 <= int(match[2]) <= 12:
        year, month = int(match[1]), int(match[2])
        return Period(date(year, month, 1), _month_end(year, month), f"{calendar.month_name[month]} {year}")
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2}):(\d{4}-\d{2}-\d{2})", text)
    if match:
        start, end = date.fromisoformat(match[1]), date.fromisoformat(match[2])
        if end < start:
            raise InvalidInput(f"Period {text!r} ends before it starts")
        return Period(start, end, f"{start:%d %b %Y} to {end:%d %b %Y}")
    raise InvalidInput(
        f"Period {text!r} not understood: use last-12-months, YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD:YYYY-MM-DD")


def period_choices(today: date) -> list[tuple[str, str]]:
    """(code, label) for the period chooser: the last 12 months, recent quarters and years."""
    choices = [(DEFAULT_PERIOD, parse_period(DEFAULT_PERIOD, today).label)]
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _ in range(6):
        code = f"{year}-Q{quarter}"
        choices.append((code, parse_period(code, today).label))
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    for y in (today.year, today.year - 1):
        choices.append((str(y), str(y)))
    return choices
