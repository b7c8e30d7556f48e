"""Confidence intervals for proportions and crude rates (PHE / OHID Fingertips methods).

Every function takes numpy arrays (or scalars) and works element-wise, so one call
covers every practice of every indicator: 300 areas cost about what one does.
Missing inputs give missing outputs rather than errors, as in PHEindicatormethods.

References:
- Wilson EB. Probable inference, the law of succession, and statistical inference.
  J Am Stat Assoc 1927;22:209-212. Newcombe RG, Altman DG. Proportions and their
  differences. In: Statistics with confidence, 2nd edn. BMJ Books, 2000:46-48.
- Breslow NE, Day NE. Statistical methods in cancer research, vol II. IARC, 1987
  (Byar's approximation to the exact Poisson interval).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import chi2, norm

CONFIDENCE_LEVELS: Final = (0.95, 0.998)
EXACT_BELOW: Final = 10  # rates with fewer events use exact Poisson limits, the rest Byar's

WILSON: Final = "Wilson"
EXACT: Final = "Exact"
BYARS: Final = "Byars"

Array = NDArray[np.float64]


@lru_cache(maxsize=32)
def z_value(confidence: float) -> float:
    """The two-sided normal quantile: 1.959964 at 95%, 3.090232 at 99.8%."""
    if not 0.5 < confidence < 1:
        raise ValueError(f"confidence must be between 0.5 and 1, not {confidence}")
    return float(norm.ppf(confidence + (1 - confidence) / 2))


def _floats(values: ArrayLike) -> Array:
    return np.asarray(values, dtype=np.float64)


def wilson_lower(x: ArrayLike, n: ArrayLike, confidence: float = 0.95) -> Array:
    """Lower Wilson score limit of the proportion x/n, on the 0-1 scale."""
    return _wilson(x, n, confidence, -1.0)


def wilson_upper(x: ArrayLike, n: ArrayLike, confidence: float = 0.95) -> Array:
    """Upper Wilson score limit of the proportion x/n, on the 0-1 scale."""
    return _wilson(x, n, confidence, 1.0)


def _wilson(x: ArrayLike, n: ArrayLike, confidence: float, sign: float) -> Array:
    x, n = _floats(x), _floats(n)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        root = np.sqrt(z * z + 4 * x * (1 - x / n))
        return (2 * x + z * z + sign * z * root) / (2 * (n + z * z))


def byars_lower(x: ArrayLike, confidence: float = 0.95) -> Array:
    """Byar's lower limit for an observed count; missing where the formula goes negative
    (very small counts at high confidence), as the reference implementation reports it."""
    x = _floats(x)
    z = z_value(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
    return np.where(lower < 0, np.nan, lower)


def byars_upper(x: ArrayLike, confidence: float = 0.95) -> Array:
    """Byar's upper limit for an observed count."""
    x1 = _floats(x) + 1
    z = z_value(confidence)
    with np.errstate(invalid="ignore"):
        return x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3


def exact_lower(x: ArrayLike, confidence: float = 0.95) -> Array:
    """Exact Poisson lower limit for a count: chi2.ppf((1-c)/2, 2x)/2, and 0 when x is 0
    (scipy gives nan for zero degrees of freedom)."""
    x = _floats(x)
    with np.errstate(invalid="ignore"):
        lower = chi2.ppf((1 - confidence) / 2, 2 * x) / 2
    return np.where(x == 0, 0.0, lower)


def exact_upper(x: ArrayLike, confidence: float = 0.95) -> Array:
    """Exact Poisson upper limit for a count: chi2.ppf(c + (1-c)/2, 2x+2)/2."""
    x = _floats(x)
    with np.errstate(invalid="ignore"):
        return chi2.ppf(confidence + (1 - confidence) / 2, 2 * x + 2) / 2


def count_lower(x: ArrayLike, confidence: float) -> Array:
    """Lower limit of a count by the rate rule: exact below 10 events, Byar's from 10."""
    x = _floats(x)
    out = np.full(x.shape, np.nan)
    small = x < EXACT_BELOW
    large = x >= EXACT_BELOW
    if small.any():
        out[small] = exact_lower(x[small], confidence)
    if large.any():
        out[large] = byars_lower(x[large], confidence)
    return out


def count_upper(x: ArrayLike, confidence: float) -> Array:
    """Upper limit of a count by the rate rule: exact below 10 events, Byar's from 10."""
    x = _floats(x)
    out = np.full(x.shape, np.nan)
    small = x < EXACT_BELOW
    large = x >= EXACT_BELOW
    if small.any():
        out[small] = exact_upper(x[small], confidence)
    if large.any():
        out[large] = byars_upper(x[large], confidence)
    return out


def rate_method(x: ArrayLike) -> NDArray[np.object_]:
    """``Exact`` below 10 events, ``Byars`` from 10, None where the count is missing."""
    x = _floats(x)
    method = np.full(x.shape, None, dtype=object)
    method[x < EXACT_BELOW] = EXACT
    method[x >= EXACT_BELOW] = BYARS
    return method


def proportion_intervals(
    x: ArrayLike, n: ArrayLike, multiplier: float = 100.0,
    levels: tuple[float, ...] = CONFIDENCE_LEVELS,
) -> dict[str, Array]:
    """Value and Wilson limits of x/n at each confidence level, scaled by ``multiplier``.

    Keys: ``value`` and ``lower_<level>``/``upper_<level>`` (for example ``lower_0.95``).
    """
    x, n = _floats(x), _floats(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = {"value": x / n * multiplier}
    for level in levels:
        result[f"lower_{level}"] = wilson_lower(x, n, level) * multiplier
        result[f"upper_{level}"] = wilson_upper(x, n, level) * multiplier
    return result


def rate_intervals(
    x: ArrayLike, n: ArrayLike, multiplier: float = 1000.0,
    levels: tuple[float, ...] = CONFIDENCE_LEVELS,
) -> dict[str, Array]:
    """Crude rate x/n and its limits (exact below 10 events, Byar's from 10), scaled by
    ``multiplier``; a count of 0 has a lower limit of 0. Keys as ``proportion_intervals``."""
    x, n = _floats(x), _floats(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = {"value": x / n * multiplier}
        for level in levels:
            result[f"lower_{level}"] = count_lower(x, level) / n * multiplier
            result[f"upper_{level}"] = count_upper(x, level) / n * multiplier
    return result
