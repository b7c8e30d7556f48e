"""Outcome measures social prescribing services use besides SWEMWBS and ONS4.

- **MYCaW** (Measure Yourself Concerns and Wellbeing; Paterson 1996, BMJ): the person
  names up to two concerns in their own words and scores how much each bothers them,
  0 (not at all) to 6 (greatly), and their general wellbeing, 0 (as good as it could be)
  to 6 (as bad as it could be). The profile score is the mean of the scored items, so a
  fall is an improvement. A fall of 1 point or more in the profile score is treated as a
  meaningful improvement (the smallest change Paterson et al. 2007 report as important).
- **UCLA 3-item loneliness scale** (Hughes et al. 2004; the ONS national measure): lack of
  companionship, feeling left out, feeling isolated, each "hardly ever" 1, "some of the
  time" 2, "often" 3; total 3-9, higher is lonelier. ONS reports 3-5 as "less lonely" and
  6-9 as "more lonely". A fall of 1 point or more is an improvement.
- **ONS direct loneliness question**: "How often do you feel lonely?" 1 often/always,
  2 some of the time, 3 occasionally, 4 hardly ever, 5 never (ONS coding). "Often/always"
  is chronic loneliness. Moving to a less frequent answer is an improvement.

Incomplete responses are never scored, as for SWEMWBS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MYCAW = "mycaw"
UCLA3 = "ucla3"
ONS_LONELY = "ons_lonely"
SCALES = (MYCAW, UCLA3, ONS_LONELY)

LABELS = {
    MYCAW: "MYCaW (my concerns and wellbeing)",
    UCLA3: "Loneliness, UCLA 3-item scale",
    ONS_LONELY: "Loneliness, ONS question",
}

MYCAW_ITEMS = ("Concern 1: how much it bothers me", "Concern 2: how much it bothers me",
               "How I would rate my general feeling of wellbeing")
MYCAW_MIN, MYCAW_MAX = 0, 6
MYCAW_MEANINGFUL = 1.0

UCLA3_ITEMS = (
    "How often do you feel that you lack companionship?",
    "How often do you feel left out?",
    "How often do you feel isolated from others?",
)
UCLA3_ANSWERS = {1: "Hardly ever", 2: "Some of the time", 3: "Often"}
UCLA3_MORE_LONELY_FROM = 6
UCLA3_MEANINGFUL = 1

ONS_LONELY_QUESTION = "How often do you feel lonely?"
ONS_LONELY_ANSWERS = {1: "Often/always", 2: "Some of the time", 3: "Occasionally", 4: "Hardly ever", 5: "Never"}

Answers = Sequence[int | None]


@dataclass(frozen=True)
class ScaleScore:
    score: float  # MYCaW profile, UCLA total, or the ONS answer code
    label: str  # how it reads: "profile 3.67", "6 of 9: more lonely", "Some of the time"


def item_count(scale: str) -> int:
    return {MYCAW: len(MYCAW_ITEMS), UCLA3: len(UCLA3_ITEMS), ONS_LONELY: 1}[_known(scale)]


def _known(scale: str) -> str:
    if scale not in SCALES:
        raise ValueError(f"Unknown outcome measure {scale!r}")
    return scale


def validate(scale: str, items: Answers) -> None:
    """Raise ValueError for a wrong item count or an answer outside the scale.

    MYCaW's second concern is optional (a person may name only one), so it may be None
    even in a complete response.
    """
    count = item_count(scale)
    if len(items) != count:
        raise ValueError(f"{LABELS[scale]} has {count} items, got {len(items)}")
    low, high = {MYCAW: (MYCAW_MIN, MYCAW_MAX), UCLA3: (1, 3), ONS_LONELY: (1, 5)}[scale]
    for position, value in enumerate(items, start=1):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{LABELS[scale]} item {position} must be a whole number, got {value!r}")
        if not low <= value <= high:
            raise ValueError(f"{LABELS[scale]} item {position} must be {low}-{high}, got {value}")


def is_complete(scale: str, items: Answers) -> bool:
    validate(scale, items)
    if scale == MYCAW:
        return items[0] is not None and items[2] is not None
    return all(value is not None for value in items)


def score(scale: str, items: Answers) -> ScaleScore | None:
    """The published score, or None for an incomplete response."""
    if not is_complete(scale, items):
        return None
    if scale == MYCAW:
        scored = [int(v) for v in items if v is not None]
        profile = round(sum(scored) / len(scored), 2)
        return ScaleScore(profile, f"profile {profile:.2f} (0 best, 6 worst)")
    if scale == UCLA3:
        total = sum(int(v) for v in items if v is not None)
        band = "more lonely" if total >= UCLA3_MORE_LONELY_FROM else "less lonely"
        return ScaleScore(float(total), f"{total} of 9: {band}")
    answer = int(items[0])  # type: ignore[arg-type]
    return ScaleScore(float(answer), ONS_LONELY_ANSWERS[answer])


def improvement(scale: str, baseline: float, follow_up: float) -> str:
    """Improved, no change or worsened, using each scale's meaningful-change rule.

    Lower is better on MYCaW and UCLA-3; on the ONS question a higher code means less often
    lonely, so a rise is the improvement.
    """
    _known(scale)
    if scale == ONS_LONELY:
        delta, threshold = follow_up - baseline, 1
    elif scale == MYCAW:
        delta, threshold = baseline - follow_up, MYCAW_MEANINGFUL
    else:
        delta, threshold = baseline - follow_up, UCLA3_MEANINGFUL
    if delta >= threshold - 1e-9:
        return "improved"
    if delta <= -threshold + 1e-9:
        return "worsened"
    return "no change"


RULES = {
    MYCAW: "MYCaW: profile = mean of the concern and wellbeing scores (0-6, lower is better); "
           "a fall of 1 point or more counts as improved.",
    UCLA3: "UCLA 3-item loneliness: total 3-9 (6-9 'more lonely', ONS); a fall of 1 point or more "
           "counts as improved.",
    ONS_LONELY: "ONS loneliness question: answers from 'often/always' to 'never'; moving to a less "
                "frequent answer counts as improved.",
}
