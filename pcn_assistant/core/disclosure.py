"""Small-number suppression for counts published below PCN level.

NHS Digital's rule: 0 stays 0, 1-7 becomes ``*`` (and anything derived from such a count
is suppressed too). Totals and comparators are still computed from the true counts.
"""

from __future__ import annotations

SUPPRESSED = "*"
SMALL_MAX = 7


def is_small(count: float | None) -> bool:
    return count is not None and 0 < count <= SMALL_MAX


def suppress_count(count: float | None) -> float | str | None:
    """The count as published: ``*`` for 1-7, otherwise unchanged."""
    return SUPPRESSED if is_small(count) else count
