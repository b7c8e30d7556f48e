"""Mean change between paired measures with a t-based 95% confidence interval."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import sqrt
from statistics import fmean, stdev

from scipy import stats


@dataclass(frozen=True)
class MeanChange:
    n: int
    mean: float | None
    lower: float | None
    upper: float | None


def mean_change(differences: Sequence[float], confidence: float = 0.95) -> MeanChange:
    """Mean of follow-up minus baseline and its interval; no interval with fewer than 2 pairs."""
    n = len(differences)
    if n == 0:
        return MeanChange(0, None, None, None)
    mean = fmean(differences)
    if n < 2:
        return MeanChange(n, mean, None, None)
    half_width = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * stdev(differences) / sqrt(n)
    return MeanChange(n, mean, mean - half_width, mean + half_width)
