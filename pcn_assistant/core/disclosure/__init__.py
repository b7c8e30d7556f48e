"""Disclosure control for every published figure: one layer that every output goes through.

``rules`` says what happens to a single count (primary suppression of 1-7 and of small
complements, rounding to 5); ``protect`` hides the further cells a total would give
away (secondary suppression, smallest next cell). Services build their tables, protect
them here, and render only the protected values, so a sentence, a chart and a cell
always quote the same number.
"""

from pcn_assistant.core.disclosure.protect import (
    COMPLEMENT,
    PRIMARY,
    SECONDARY,
    Protection,
    protect,
)
from pcn_assistant.core.disclosure.rules import (
    MODES,
    NHS,
    NHS_ROUND5,
    NONE,
    SMALL_MAX,
    SUPPRESSED,
    WITHHELD_TEXT,
    DisclosureError,
    Rule,
    check_mode,
    in_words,
    is_small,
    suppress_count,
)

__all__ = [
    "COMPLEMENT", "MODES", "NHS", "NHS_ROUND5", "NONE", "PRIMARY", "SECONDARY", "SMALL_MAX", "SUPPRESSED",
    "WITHHELD_TEXT", "DisclosureError", "Protection", "Rule", "check_mode", "in_words", "is_small", "protect",
    "suppress_count",
]
