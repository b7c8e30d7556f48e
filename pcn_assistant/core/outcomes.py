"""Outcome measures: SWEMWBS and ONS4 personal wellbeing, scored as published.

SWEMWBS (Short Warwick-Edinburgh Mental Wellbeing Scale): seven items scored 1-5, raw
total 7-35, converted to a metric score with the published raw-to-metric table before
any comparison. ONS4: four questions scored 0-10, banded separately and never summed;
for anxiety a fall is an improvement. Incomplete questionnaires are kept by the caller
but score ``None`` here, so they can never leak into an average.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pcn_assistant.core import outcome_scales

SWEMWBS = "swemwbs"
ONS4 = "ons4"
INSTRUMENTS = (SWEMWBS, ONS4)

SWEMWBS_ITEMS = (
    "I've been feeling optimistic about the future",
    "I've been feeling useful",
    "I've been feeling relaxed",
    "I've been dealing with problems well",
    "I've been thinking clearly",
    "I've been feeling close to other people",
    "I've been able to make up my own mind about things",
)
SWEMWBS_MIN_ITEM, SWEMWBS_MAX_ITEM = 1, 5

# Raw total -> metric score (Stewart-Brown et al. 2009, Rasch-based conversion).
SWEMWBS_METRIC: dict[int, float] = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32,
    15: 15.84, 16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98,
    23: 20.73, 24: 21.54, 25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03,
    31: 28.13, 32: 29.31, 33: 30.70, 34: 32.55, 35: 35.00,
}

LIFE_SATISFACTION = "life_satisfaction"
WORTHWHILE = "worthwhile"
HAPPINESS = "happiness"
ANXIETY = "anxiety"
ONS4_QUESTIONS: tuple[tuple[str, str], ...] = (
    (LIFE_SATISFACTION, "Overall, how satisfied are you with your life nowadays?"),
    (WORTHWHILE, "Overall, to what extent do you feel that the things you do in your life are worthwhile?"),
    (HAPPINESS, "Overall, how happy did you feel yesterday?"),
    (ANXIETY, "Overall, how anxious did you feel yesterday?"),
)
ONS4_KEYS = tuple(key for key, _ in ONS4_QUESTIONS)
ONS4_MIN, ONS4_MAX = 0, 10

# (upper bound inclusive, band) in order; the positive questions share one set of bands.
_POSITIVE_BANDS = ((4, "Low"), (6, "Medium"), (8, "High"), (10, "Very high"))
_ANXIETY_BANDS = ((1, "Very low"), (3, "Low"), (5, "Medium"), (10, "High"))

IMPROVED, NO_CHANGE, WORSENED = "improved", "no change", "worsened"

# Meaningful change: the smallest change, in the direction of improvement, that counts as
# "improved" (and its mirror as "worsened") when a PCN reports how many people improved.
# A rise of 0.5 SWEMWBS metric points is within measurement noise, not an improvement.
SWEMWBS_MEANINGFUL = 3.0
ONS4_MEANINGFUL = 1
MEANINGFUL_CHANGE: dict[str, float] = {SWEMWBS: SWEMWBS_MEANINGFUL, **dict.fromkeys(
    (LIFE_SATISFACTION, WORTHWHILE, HAPPINESS, ANXIETY), ONS4_MEANINGFUL)}
MEANINGFUL_RULES: tuple[str, ...] = (
    "SWEMWBS: a change of 3 or more metric points counts as a meaningful improvement (or, as a fall, "
    "a meaningful deterioration); smaller changes count as no meaningful change. Source: Warwick "
    "Medical School's WEMWBS user guidance, drawing on Shah N et al., Responsiveness of the Short "
    "Warwick-Edinburgh Mental Well-Being Scale (SWEMWBS): evaluation in a clinical sample, Health "
    "Qual Life Outcomes 2018;16:239, which put the minimal important difference at about 1 to 3 "
    "points; the top of that range is used so that a count of people improved is not inflated.",
    "ONS4: a change of at least 1 point on the 0-10 scale of a question counts (a fall for anxiety). "
    "Answers are whole numbers, so every change is at least 1 point; no published minimal "
    "important difference for a single person's ONS4 answers was found, so none is invented.",
)

Answers = Sequence[int | None]


def _check_items(items: Answers, count: int, low: int, high: int, name: str) -> None:
    if len(items) != count:
        raise ValueError(f"{name} has {count} items, got {len(items)}")
    for position, value in enumerate(items, start=1):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} item {position} must be a whole number, got {value!r}")
        if not low <= value <= high:
            raise ValueError(f"{name} item {position} must be {low}-{high}, got {value}")


def is_complete(instrument: str, items: Answers) -> bool:
    """True when every item is answered (after the range check)."""
    if instrument in outcome_scales.SCALES:
        return outcome_scales.is_complete(instrument, items)
    validate(instrument, items)
    return all(value is not None for value in items)


def validate(instrument: str, items: Answers) -> None:
    """Raise ValueError for a wrong item count or an answer outside the scale."""
    if instrument == SWEMWBS:
        _check_items(items, len(SWEMWBS_ITEMS), SWEMWBS_MIN_ITEM, SWEMWBS_MAX_ITEM, "SWEMWBS")
    elif instrument == ONS4:
        _check_items(items, len(ONS4_QUESTIONS), ONS4_MIN, ONS4_MAX, "ONS4")
    elif instrument in outcome_scales.SCALES:
        outcome_scales.validate(instrument, items)
    else:
        raise ValueError(f"Unknown outcome measure {instrument!r}")


@dataclass(frozen=True)
class SwemwbsScore:
    raw: int
    metric: float


def swemwbs_metric(raw: int) -> float:
    """The metric score for a raw total of 7-35."""
    if raw not in SWEMWBS_METRIC:
        raise ValueError(f"SWEMWBS raw total must be 7-35, got {raw}")
    return SWEMWBS_METRIC[raw]


def score_swemwbs(items: Answers) -> SwemwbsScore | None:
    """Raw total and metric score, or None when any item is unanswered."""
    validate(SWEMWBS, items)
    if any(value is None for value in items):
        return None
    raw = sum(int(v) for v in items if v is not None)
    return SwemwbsScore(raw=raw, metric=swemwbs_metric(raw))


def ons4_band(question: str, value: int) -> str:
    """The published band for one ONS4 answer (anxiety has its own bands)."""
    if question not in ONS4_KEYS:
        raise ValueError(f"Unknown ONS4 question {question!r}")
    if isinstance(value, bool) or not isinstance(value, int) or not ONS4_MIN <= value <= ONS4_MAX:
        raise ValueError(f"ONS4 answers are whole numbers 0-10, got {value!r}")
    bands = _ANXIETY_BANDS if question == ANXIETY else _POSITIVE_BANDS
    return next(label for upper, label in bands if value <= upper)


def score_ons4(items: Answers) -> dict[str, tuple[int, str]] | None:
    """Each question's answer and band, or None when any question is unanswered."""
    validate(ONS4, items)
    if any(value is None for value in items):
        return None
    return {key: (int(value), ons4_band(key, int(value))) for key, value in zip(ONS4_KEYS, items, strict=True) if value is not None}


def direction(question: str, baseline: float, follow_up: float) -> str:
    """Improved, no change or worsened by any amount; for anxiety a fall is the improvement."""
    delta = follow_up - baseline
    if question == ANXIETY:
        delta = -delta
    if delta > 0:
        return IMPROVED
    if delta < 0:
        return WORSENED
    return NO_CHANGE


def meaningful_direction(question: str, baseline: float, follow_up: float) -> str:
    """Improved or worsened only when the change reaches the question's meaningful-change
    threshold (``MEANINGFUL_CHANGE``), else no change; for anxiety a fall is the improvement.

    The change is compared on the 2-decimal scale the metric table uses, so 15.32 -> 18.32
    is exactly 3 points even though the floating-point difference is 2.9999999999999982."""
    delta = round(follow_up - baseline, 6)
    if question == ANXIETY:
        delta = -delta
    threshold = MEANINGFUL_CHANGE[question]
    if delta >= threshold:
        return IMPROVED
    if delta <= -threshold:
        return WORSENED
    return NO_CHANGE


@dataclass(frozen=True)
class Change:
    """One question's (or SWEMWBS's) change between two complete measures."""

    key: str
    label: str
    baseline: float
    follow_up: float
    change: float  # follow-up minus baseline, as measured
    direction: str  # improved / no change / worsened by any amount, polarity applied
    meaningful: str = NO_CHANGE  # the same, counting only changes that reach the threshold


def swemwbs_change(baseline: Answers, follow_up: Answers) -> Change | None:
    """Metric-score change between two SWEMWBS responses; None if either is incomplete."""
    first, second = score_swemwbs(baseline), score_swemwbs(follow_up)
    if first is None or second is None:
        return None
    return Change(SWEMWBS, "SWEMWBS metric score", first.metric, second.metric,
                  round(second.metric - first.metric, 2), direction(SWEMWBS, first.metric, second.metric),
                  meaningful_direction(SWEMWBS, first.metric, second.metric))


def ons4_changes(baseline: Answers, follow_up: Answers) -> list[Change] | None:
    """Per-question ONS4 change (never summed); None if either is incomplete."""
    first, second = score_ons4(baseline), score_ons4(follow_up)
    if first is None or second is None:
        return None
    labels = {LIFE_SATISFACTION: "Life satisfaction", WORTHWHILE: "Worthwhile",
              HAPPINESS: "Happiness yesterday", ANXIETY: "Anxiety yesterday"}
    return [
        Change(key, labels[key], first[key][0], second[key][0], second[key][0] - first[key][0],
               direction(key, first[key][0], second[key][0]),
               meaningful_direction(key, first[key][0], second[key][0]))
        for key in ONS4_KEYS
    ]
