"""Comparing areas with the pooled value: significance labels, assessments, funnel limits.

The comparator is the pooled value (sum of numerators over sum of denominators), never
the mean of the areas' percentages. An area is significantly high or low when its
confidence interval lies wholly above or below the comparator (PHEindicatormethods
``assign_funnel_significance``). Funnel limits are the same test turned round: for each
denominator, the values whose interval would just touch the comparator, so a point
outside a funnel line is exactly an area with that significance label.

Reference: Spiegelhalter DJ. Funnel plots for comparing institutional performance.
Stat Med 2005;24:1185-1202. OHID Fingertips technical guidance (PH methods).
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gammaincinv

from pcn_assistant.core.stats.intervals import (
    EXACT_BELOW,
    Array,
    byars_lower,
    byars_upper,
    z_value,
)

HIGH_001: Final = "High (0.001)"
HIGH_025: Final = "High (0.025)"
LOW_001: Final = "Low (0.001)"
LOW_025: Final = "Low (0.025)"
NOT_SIGNIFICANT: Final = "Not significant"
SIGNIFICANCE_LABELS: Final = (HIGH_001, HIGH_025, LOW_001, LOW_025, NOT_SIGNIFICANT)

HIGHER_IS_BETTER: Final = "higher_is_better"
LOWER_IS_BETTER: Final = "lower_is_better"
NO_JUDGEMENT: Final = "no_judgement"
POLARITIES: Final = (HIGHER_IS_BETTER, LOWER_IS_BETTER, NO_JUDGEMENT)

BETTER_998: Final = "Better 99.8%"
BETTER_95: Final = "Better 95%"
SIMILAR: Final = "Similar"
WORSE_95: Final = "Worse 95%"
WORSE_998: Final = "Worse 99.8%"
HIGHER: Final = "Higher"
LOWER: Final = "Lower"
ASSESSMENTS: Final = (BETTER_998, BETTER_95, SIMILAR, WORSE_95, WORSE_998, HIGHER, LOWER)

_ASSESSMENT: Final = {
    HIGHER_IS_BETTER: {HIGH_001: BETTER_998, HIGH_025: BETTER_95, LOW_025: WORSE_95,
                       LOW_001: WORSE_998, NOT_SIGNIFICANT: SIMILAR},
    LOWER_IS_BETTER: {HIGH_001: WORSE_998, HIGH_025: WORSE_95, LOW_025: BETTER_95,
                      LOW_001: BETTER_998, NOT_SIGNIFICANT: SIMILAR},
    NO_JUDGEMENT: {HIGH_001: HIGHER, HIGH_025: HIGHER, LOW_025: LOWER, LOW_001: LOWER,
                   NOT_SIGNIFICANT: SIMILAR},
}


def pooled(numerators: ArrayLike, denominators: ArrayLike) -> float:
    """The pooled value Σx / Σn on the 0-1 (per person) scale."""
    return float(np.sum(np.asarray(numerators, dtype=float)) / np.sum(np.asarray(denominators, dtype=float)))


def significance(
    comparator: ArrayLike, lower_95: ArrayLike, upper_95: ArrayLike,
    lower_998: ArrayLike, upper_998: ArrayLike,
) -> NDArray[np.object_]:
    """PHE labels: ``High (0.001)`` when the 99.8% interval lies wholly above the
    comparator, ``High (0.025)`` when only the 95% one does, ``Low`` likewise below,
    else ``Not significant``. Missing limits never count as significant."""
    c = np.asarray(comparator, dtype=float)
    l95, u95 = np.asarray(lower_95, dtype=float), np.asarray(upper_95, dtype=float)
    l998, u998 = np.asarray(lower_998, dtype=float), np.asarray(upper_998, dtype=float)
    with np.errstate(invalid="ignore"):
        conditions = [c < l998, c < l95, c > u998, c > u95]
    labels = np.select(conditions, [HIGH_001, HIGH_025, LOW_001, LOW_025], default=NOT_SIGNIFICANT)
    return labels.astype(object)


def assess(labels: ArrayLike, polarity: str | ArrayLike) -> NDArray[np.object_]:
    """Turn significance labels into ``Better 99.8%`` ... ``Worse 99.8%`` by polarity, or
    ``Higher``/``Lower``/``Similar`` for indicators with no judgement. Labels that are not
    significance labels (a suppression mark, a blank) pass through unchanged."""
    labels = np.asarray(labels, dtype=object)
    polarities = np.broadcast_to(np.asarray(polarity, dtype=object), labels.shape)
    out = labels.copy()
    for key, mapping in _ASSESSMENT.items():
        chosen = polarities == key
        if chosen.any():
            out[chosen] = [mapping.get(label, label) for label in labels[chosen]]
    unknown = ~np.isin(polarities, POLARITIES)
    if unknown.any():
        raise ValueError(f"unknown polarity {sorted(set(polarities[unknown]))}")
    return out


def funnel_denominators(low: float, high: float, points: int = 100) -> Array:
    """Denominators to draw funnel lines at: geometric steps across [low, high], so the
    narrow end of the funnel, where the lines bend most, gets most of the points."""
    low = max(float(low), 1.0)
    high = max(float(high), low + 1.0)
    return np.unique(np.round(np.geomspace(low, high, points), 6))


def funnel_limits(
    kind: str, comparator: float, denominators: ArrayLike, multiplier: float,
    confidence: float,
) -> tuple[Array, Array]:
    """(lower, upper) funnel limits at each denominator, in multiplier units.

    ``comparator`` is on the per-person scale (as ``pooled`` returns it). Proportions use
    P ± z·√(P(1−P)/n) clipped to [0, 1], which is exactly where the Wilson interval of an
    observed proportion stops containing P. Rates invert the rate rule's count limits
    (exact below 10 events, Byar's from 10) numerically.
    """
    n = np.asarray(denominators, dtype=float)
    if kind == "proportion":
        half = z_value(confidence) * np.sqrt(comparator * (1 - comparator) / n)
        lower = np.clip(comparator - half, 0.0, 1.0)
        upper = np.clip(comparator + half, 0.0, 1.0)
        return lower * multiplier, upper * multiplier
    if kind == "rate":
        expected = comparator * n
        upper_count = _solve_count(expected, confidence, _lower_limit)
        lower_count = _solve_count(expected, confidence, _upper_limit)
        # Where even 0 events would be within the limit, the lower line sits at 0 exactly.
        nothing = _upper_limit(np.zeros_like(expected), confidence) >= expected
        lower_count = np.where(nothing, 0.0, lower_count)
        return lower_count / n * multiplier, upper_count / n * multiplier
    raise ValueError(f"unknown indicator type {kind!r}")


def _lower_limit(x: Array, confidence: float) -> Array:
    # gammaincinv(x, q) equals chi2.ppf(q, 2x)/2 and is a plain ufunc, which matters
    # inside a bisection.
    alpha = (1 - confidence) / 2
    out = np.empty_like(x)
    small = x < EXACT_BELOW
    with np.errstate(invalid="ignore", divide="ignore"):
        out[small] = np.where(x[small] <= 0, 0.0, gammaincinv(np.maximum(x[small], 1e-300), alpha))
        out[~small] = byars_lower(x[~small], confidence)
    return np.nan_to_num(out, nan=0.0)


def _upper_limit(x: Array, confidence: float) -> Array:
    alpha = (1 - confidence) / 2
    out = np.empty_like(x)
    small = x < EXACT_BELOW
    out[small] = gammaincinv(x[small] + 1, 1 - alpha)
    out[~small] = byars_upper(x[~small], confidence)
    return out


def _solve_count(expected: Array, confidence: float, limit) -> Array:  # noqa: ANN001
    """The count x at which ``limit(x)`` (increasing in x) reaches the expected count:
    a grid finds each bracket in one vectorised call, then bisection narrows it."""
    z = z_value(confidence)
    top = float(np.max(expected + 4 * z * np.sqrt(expected + 1) + 4 * z * z + 10))
    grid = np.linspace(0.0, top, 2049)
    # The running maximum smooths the small step where exact limits hand over to Byar's.
    values = np.maximum.accumulate(limit(grid, confidence))
    index = np.clip(np.searchsorted(values, expected), 1, len(grid) - 1)
    low, high = grid[index - 1], grid[index]
    for _ in range(20):  # a grid cell / 2**20: far finer than any plot or test needs
        middle = (low + high) / 2
        below = limit(middle, confidence) < expected
        low = np.where(below, middle, low)
        high = np.where(below, high, middle)
    return (low + high) / 2
