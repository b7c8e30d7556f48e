"""How each assessment is shown, in the workbook and on screen alike.

Colours are from the Okabe-Ito palette, which stays distinguishable with the common
colour-vision deficiencies, and every assessment also has a symbol, so nothing relies
on colour alone (printed in black and white, the symbols still tell the story).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from pcn_assistant.core.stats.funnel import (
    BETTER_95,
    BETTER_998,
    HIGHER,
    LOWER,
    SIMILAR,
    WORSE_95,
    WORSE_998,
)
from pcn_assistant.services.variation.compute import SUPPRESSION_MARK


@dataclass(frozen=True)
class Look:
    fill: str  # RRGGBB background
    text: str  # RRGGBB text colour with enough contrast on the fill
    symbol: str
    marker: str  # Excel / chart marker shape
    meaning: str
    point: str = ""  # chart marker colour when the fill is too pale for a point

    @property
    def point_colour(self) -> str:
        return self.point or self.fill


LOOKS: Final[dict[str, Look]] = {
    BETTER_998: Look("0072B2", "FFFFFF", "▲▲", "triangle", "Better than the PCN (99.8% interval)"),
    BETTER_95: Look("56B4E9", "000000", "▲", "triangle", "Better than the PCN (95% interval)"),
    SIMILAR: Look("E0E0E0", "000000", "●", "circle", "Similar to the PCN (not significant)",
                    point="8C8C8C"),
    WORSE_95: Look("E69F00", "000000", "▼", "diamond", "Worse than the PCN (95% interval)"),
    WORSE_998: Look("D55E00", "000000", "▼▼", "diamond", "Worse than the PCN (99.8% interval)"),
    HIGHER: Look("CC79A7", "000000", "↑", "square", "Higher than the PCN (95% interval or more; no judgement)"),
    LOWER: Look("F0E442", "000000", "↓", "square", "Lower than the PCN (95% interval or more; no judgement)"),
}
SUPPRESSED_LOOK: Final = Look("FFFFFF", "000000", SUPPRESSION_MARK, "none",
                              "Suppressed: a numerator of 1 to 7 (NHS disclosure control)")


def look_for(assessment: object) -> Look | None:
    if assessment == SUPPRESSION_MARK:
        return SUPPRESSED_LOOK
    return LOOKS.get(str(assessment))
