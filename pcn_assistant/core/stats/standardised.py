"""Age-standardised comparisons: directly standardised rates (DSR) and indirectly
standardised ratios (ISR), as PHEindicatormethods' ``phe_dsr``, ``phe_isr`` and
``assign_funnel_significance(statistic = "rate", rate_type = "dsr")`` compute them.

Why: a crude rate per 1,000 mostly measures how old a practice's list is. A practice
with many people over 75 has more A&E attendances per head whatever it does, so a crude
comparison labels it "worse". Standardising asks what its rate would be with a standard
age structure (DSR) or how many events it had against the number its own list would be
expected to have at the PCN's age-specific rates (ISR).

- DSR: Σ(wᵢ·xᵢ/nᵢ) / Σwᵢ × multiplier, weights the European Standard Population 2013
  (19 five-year bands, 0-4 ... 90+). Confidence limits by Dobson's method around Byar's
  limits of the total count O = Σxᵢ: DSR + √(var/O)·(Byar(O) − O)·multiplier with
  var = Σ(wᵢ²·xᵢ/nᵢ²) / (Σwᵢ)². Not computed below 10 events (PHE: unreliable).
- ISR: observed / expected × reference value, expected = Σ(rate_s × population_s) over
  the age(-sex) strata s; limits are the exact Poisson limits of the observed count
  below 10 events and Byar's from 10, divided by the expected count.
- Funnel significance for DSRs: each area's count over its derived denominator
  (count / DSR × multiplier, the population that would give the DSR as a crude rate)
  against the weighted average Σcounts / Σderived denominators.

References: Dobson AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for
weighted sums of Poisson parameters. Stat Med 1991;10:457-62. Eurostat. Revision of the
European Standard Population, 2013 edition. Breslow NE, Day NE (1987) for Byar's method.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pcn_assistant.core.stats.funnel import (
    HIGH_001,
    HIGH_025,
    LOW_001,
    LOW_025,
    NOT_SIGNIFICANT,
)
from pcn_assistant.core.stats.intervals import (
    CONFIDENCE_LEVELS,
    Array,
    byars_lower,
    byars_upper,
    count_lower,
    count_upper,
)

ESP2013_BANDS: Final = (
    "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
    "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+",
)
ESP2013_WEIGHTS: Final = (
    5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
    7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
)
BAND_WIDTH: Final = 5
OLDEST_BAND: Final = len(ESP2013_BANDS) - 1
DSR_MINIMUM_COUNT: Final = 10  # PHE does not publish a DSR from fewer events
DOBSON: Final = "Dobson"
DSR_NOT_APPLICABLE: Final = "Not applicable for events less than 10 for dsrs"  # PHE's label

_BAND_TEXT = re.compile(r"^\s*(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})\s*$")
_OPEN_BAND_TEXT = re.compile(r"^\s*(\d{1,3})\s*(?:\+|plus|and over|or over|and older)\s*$", re.IGNORECASE)


def age_band(ages: ArrayLike) -> NDArray[np.int64]:
    """The ESP 2013 band index (0 for 0-4 ... 18 for 90+) of each age in whole years."""
    years = np.asarray(ages, dtype=np.int64)
    if (years < 0).any():
        raise ValueError("ages cannot be negative")
    return np.minimum(years // BAND_WIDTH, OLDEST_BAND)


def parse_age_band(text: object) -> int | None:
    """The band index of a label such as ``0-4``, ``85 to 89``, ``90+`` or ``90 and over``;
    None when the text is not exactly one ESP 2013 band."""
    value = str(text or "").strip()
    closed = _BAND_TEXT.match(value)
    if closed:
        low, high = int(closed.group(1)), int(closed.group(2))
        if low % BAND_WIDTH == 0 and high == low + BAND_WIDTH - 1 and low // BAND_WIDTH < OLDEST_BAND:
            return low // BAND_WIDTH
        return None
    opened = _OPEN_BAND_TEXT.match(value)
    if opened and int(opened.group(1)) == OLDEST_BAND * BAND_WIDTH:
        return OLDEST_BAND
    return None


def _grid(values: ArrayLike) -> Array:
    array = np.asarray(values, dtype=np.float64)
    return array.reshape(1, -1) if array.ndim == 1 else array


def dsr(
    counts: ArrayLike, populations: ArrayLike, weights: ArrayLike = ESP2013_WEIGHTS,
    multiplier: float = 100_000.0, levels: tuple[float, ...] = CONFIDENCE_LEVELS,
) -> dict[str, Array]:
    """Directly standardised rates of each row (area) of ``counts``/``populations``
    (areas × bands, or one area as a flat array), with Dobson limits at each level.

    Keys: ``total_count``, ``total_population``, ``value``, ``lower_<level>``,
    ``upper_<level>``. A row with fewer than 10 events in all has a missing value and
    limits, as PHE reports it. A band with no population and no events adds nothing (a
    small practice may have nobody aged 90+); a band with events but no population is an
    error in the data and makes the row missing.
    """
    x, n = _grid(counts), _grid(populations)
    w = np.asarray(weights, dtype=np.float64)
    if x.shape != n.shape or x.shape[1] != len(w):
        raise ValueError(f"counts {x.shape}, populations {n.shape} and {len(w)} weights do not match")
    with np.errstate(invalid="ignore", divide="ignore"):
        per_person = np.where((x == 0) & (n == 0), 0.0, x / n)
        weighted = np.where((x == 0) & (n == 0), 0.0, x * (w / n) ** 2)
        total = x.sum(axis=1)
        value = (per_person * w).sum(axis=1) / w.sum() * multiplier
        variance = weighted.sum(axis=1) / w.sum() ** 2
        spread = np.sqrt(variance / total)
        result = {"total_count": total, "total_population": n.sum(axis=1), "value": value}
        for level in levels:
            result[f"lower_{level}"] = value + spread * (byars_lower(total, level) - total) * multiplier
            result[f"upper_{level}"] = value + spread * (byars_upper(total, level) - total) * multiplier
    too_few = ~(total >= DSR_MINIMUM_COUNT) | ~np.isfinite(value)
    for key in result:
        if key not in ("total_count", "total_population"):
            result[key] = np.where(too_few, np.nan, result[key])
    return result


def expected_counts(populations: ArrayLike, rates: ArrayLike) -> Array:
    """Σ rate_s × population_s for each row (area) of ``populations`` (areas × strata)."""
    n = _grid(populations)
    r = np.asarray(rates, dtype=np.float64)
    if n.shape[1] != len(r):
        raise ValueError(f"{n.shape[1]} strata of population but {len(r)} rates")
    return (n * r).sum(axis=1)


def reference_rates(counts: ArrayLike, populations: ArrayLike) -> Array:
    """Pooled stratum-specific rates Σ counts / Σ populations down the areas: the
    PCN's own age(-sex) specific rates for indirect standardisation. A stratum nobody
    is in has rate 0 (it adds nothing to any expected count)."""
    x, n = _grid(counts).sum(axis=0), _grid(populations).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, x / n, 0.0)


def isr(
    observed: ArrayLike, expected: ArrayLike, reference_value: float = 100.0,
    levels: tuple[float, ...] = CONFIDENCE_LEVELS,
) -> dict[str, Array]:
    """Indirectly standardised ratios observed / expected × ``reference_value`` with
    exact Poisson limits below 10 observed events and Byar's from 10 (``phe_isr``).

    Keys: ``value``, ``lower_<level>``, ``upper_<level>``."""
    o = np.asarray(observed, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = {"value": o / e * reference_value}
        for level in levels:
            result[f"lower_{level}"] = count_lower(o, level) / e * reference_value
            result[f"upper_{level}"] = count_upper(o, level) / e * reference_value
    return result


def derived_denominators(counts: ArrayLike, rates: ArrayLike, multiplier: float) -> Array:
    """count / rate × multiplier: the population that would give the standardised rate as
    a crude rate; missing where the count is 0 (``assign_funnel_significance``)."""
    x = np.asarray(counts, dtype=np.float64)
    rate = np.asarray(rates, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(x == 0, np.nan, x / rate * multiplier)


def dsr_weighted_average(counts: ArrayLike, rates: ArrayLike, multiplier: float) -> float:
    """Σ counts / Σ derived denominators (per person): the DSR funnel's comparator."""
    x = np.asarray(counts, dtype=np.float64)
    return float(x.sum() / np.nansum(derived_denominators(x, rates, multiplier)))


def dsr_significance(
    counts: ArrayLike, rates: ArrayLike, multiplier: float, average: float | None = None,
) -> NDArray[np.object_]:
    """PHE funnel labels for directly standardised rates: the count's exact (below 10) or
    Byar's limits over the derived denominator against the weighted average; fewer than
    10 events is ``DSR_NOT_APPLICABLE``. ``average`` (per person) defaults to
    ``dsr_weighted_average`` of the areas given."""
    x = np.asarray(counts, dtype=np.float64)
    denominator = derived_denominators(x, rates, multiplier)
    comparator = dsr_weighted_average(x, rates, multiplier) if average is None else average
    with np.errstate(invalid="ignore", divide="ignore"):
        limits = {level: (count_lower(x, level) / denominator, count_upper(x, level) / denominator)
                  for level in (0.95, 0.998)}
        conditions = [comparator < limits[0.998][0], comparator < limits[0.95][0],
                      comparator > limits[0.998][1], comparator > limits[0.95][1]]
    labels = np.select(conditions, [HIGH_001, HIGH_025, LOW_001, LOW_025], default=NOT_SIGNIFICANT)
    labels = labels.astype(object)
    labels[~(x >= DSR_MINIMUM_COUNT)] = DSR_NOT_APPLICABLE
    return labels
