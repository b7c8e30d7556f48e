"""The one clock the application reads.

Everything that needs "today" or "now" asks this module, never `date.today()` or
`datetime.now()` directly, so a test (or a support engineer reproducing a problem) can
pin the date with ``PCN_ASSISTANT_TODAY=YYYY-MM-DD``. Only the date is pinned: the time
of day stays real, so timestamps still move forward within a run (backup names,
lock-outs and audit times keep their order).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

TODAY_VARIABLE = "PCN_ASSISTANT_TODAY"


def _pinned_date() -> date | None:
    value = os.environ.get(TODAY_VARIABLE, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as error:
        raise ValueError(f"{TODAY_VARIABLE} must be a date like 2026-11-01, not {value!r}") from error


def today() -> date:
    """Today's local date (pinned when PCN_ASSISTANT_TODAY is set)."""
    return _pinned_date() or date.today()


def now() -> datetime:
    """Local wall-clock time, naive, on today's (possibly pinned) date."""
    real = datetime.now()
    pinned = _pinned_date()
    return datetime.combine(pinned, real.time()) if pinned else real


def utcnow() -> datetime:
    """UTC time, naive (as stored), on the pinned date's UTC equivalent when pinned."""
    real = datetime.now(UTC).replace(tzinfo=None)
    pinned = _pinned_date()
    if pinned is None:
        return real
    return real + (datetime.combine(pinned, real.time()) - datetime.combine(date.today(), real.time()))
