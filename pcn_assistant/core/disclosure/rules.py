"""What happens to one published count: the rule in force, primary suppression and rounding.

NHS Digital's rule: 0 stays 0, a count of 1 to 7 (the threshold) is shown as ``*``, and
in ``nhs-round5`` every other count is rounded to the nearest 5. A complement (the
denominator minus the numerator, when both count people) of 1 to 7 is just as
disclosive as the count itself ("11 of 13 vaccinated" says 2 were not), so it is
suppressed the same way. Everything derived from a suppressed count is withheld too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

SUPPRESSED: Final = "*"
SMALL_MAX: Final = 7
NHS: Final = "nhs"
NHS_ROUND5: Final = "nhs-round5"
NONE: Final = "none"
MODES: Final = (NHS, NHS_ROUND5, NONE)
MODE_TEXT: Final = {
    NHS: "NHS Digital rule: counts of 1 to {t} (and complements of 1 to {t}) are shown as *, with "
         "further cells suppressed so that none can be worked out from a total.",
    NHS_ROUND5: "NHS Digital rule with rounding: as the NHS rule, and every other count is rounded to "
                "the nearest 5; values are computed from the rounded counts.",
    NONE: "None: exact counts, for internal use by roles allowed to see them; never for publication.",
}
WITHHELD_TEXT: Final = "* (withheld)"


class DisclosureError(ValueError):
    """An unknown rule or threshold; services turn it into the user's ``InvalidInput``."""


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise DisclosureError(f"unknown suppression rule {mode!r}; use {', '.join(MODES)}")
    return mode


@dataclass(frozen=True)
class Rule:
    """The disclosure rule for one output. ``threshold`` is the largest count suppressed."""

    mode: str = NHS
    threshold: int = SMALL_MAX

    def __post_init__(self) -> None:
        check_mode(self.mode)
        if self.threshold < 1:
            raise DisclosureError("the suppression threshold must be at least 1")

    @property
    def active(self) -> bool:
        return self.mode != NONE

    @property
    def rounds(self) -> bool:
        return self.mode == NHS_ROUND5

    def small(self, count: float | None) -> bool:
        """A count that primary suppression hides: 1 to the threshold (0 stays 0)."""
        if not self.active or count is None or (isinstance(count, float) and math.isnan(count)):
            return False
        return 0 < count <= self.threshold

    def small_complement(self, count: float | None, denominator: float | None) -> bool:
        """The people *not* counted are 1 to the threshold."""
        if count is None or denominator is None:
            return False
        return self.small(denominator - count)

    def shown(self, count: float) -> float:
        """An unsuppressed count as published: rounded to the nearest 5 in ``nhs-round5``
        (halves up, so 12.5 becomes 15 and never 10 by banker's rounding)."""
        if not self.rounds or count == 0:
            return count
        return int(math.floor(count / 5 + 0.5) * 5)

    def describe(self) -> str:
        return MODE_TEXT[self.mode].format(t=self.threshold)


DEFAULT_RULE: Final = Rule()


def suppress_count(count: float | None, rule: Rule = DEFAULT_RULE) -> float | str | None:
    """One count as published, without any table around it: ``*`` or the (rounded) count."""
    if rule.small(count):
        return SUPPRESSED
    return count if count is None else rule.shown(count)


def is_small(count: float | None, rule: Rule = DEFAULT_RULE) -> bool:
    return rule.small(count)


def in_words(value: object) -> str:
    """A published value for a sentence: ``*`` reads as withheld, counts get thousands commas."""
    if value == SUPPRESSED or value is None:
        return WITHHELD_TEXT
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)
