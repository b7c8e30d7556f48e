"""Public health statistics, as OHID/PHE Fingertips publishes them.

``intervals``: Wilson score intervals for proportions, exact Poisson and Byar's
intervals for rates. ``funnel``: the pooled comparator, funnel limits, PHE
significance labels and the assessment a polarity gives them. ``standardised``:
directly standardised rates (ESP 2013, Dobson limits), indirectly standardised ratios
and PHE's funnel significance for DSRs.
"""

from pcn_assistant.core.stats.funnel import (
    ASSESSMENTS,
    NOT_SIGNIFICANT,
    SIGNIFICANCE_LABELS,
    assess,
    funnel_limits,
    pooled,
    significance,
)
from pcn_assistant.core.stats.intervals import (
    CONFIDENCE_LEVELS,
    byars_lower,
    byars_upper,
    exact_lower,
    exact_upper,
    proportion_intervals,
    rate_intervals,
    rate_method,
    wilson_lower,
    wilson_upper,
    z_value,
)

__all__ = [
    "ASSESSMENTS",
    "CONFIDENCE_LEVELS",
    "NOT_SIGNIFICANT",
    "SIGNIFICANCE_LABELS",
    "assess",
    "byars_lower",
    "byars_upper",
    "exact_lower",
    "exact_upper",
    "funnel_limits",
    "pooled",
    "proportion_intervals",
    "rate_intervals",
    "rate_method",
    "significance",
    "wilson_lower",
    "wilson_upper",
    "z_value",
]
