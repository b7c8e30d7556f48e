"""Turn numerators and denominators into the audit table, the same way every time.

``compute_table`` is pure (pandas in, pandas out) and vectorised over every row of
every indicator and period at once, so it is what benchmarks and the ``--indicators``
mode call; the services in ``service.py`` only load rows and definitions around it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from pcn_assistant.core import disclosure
from pcn_assistant.core.disclosure import SMALL_MAX, SUPPRESSED, Rule
from pcn_assistant.core.stats import (
    assess,
    funnel_limits,
    proportion_intervals,
    rate_intervals,
    significance,
)
from pcn_assistant.core.stats.funnel import funnel_denominators
from pcn_assistant.core.stats.intervals import WILSON, rate_method
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services.variation.catalogue import IndicatorDef
from pcn_assistant.services.variation.disclosure import protect_table

COLUMNS: Final = (
    "practice_code", "indicator_code", "period", "numerator", "denominator", "value",
    "lower_95", "upper_95", "lower_99_8", "upper_99_8", "method", "comparator",
    "significance", "assessment", "suppressed", "statistic",
)
SUPPRESSED_COLUMNS: Final = ("numerator", "value", "lower_95", "upper_95", "lower_99_8",
                             "upper_99_8", "significance", "assessment")
SUPPRESSION_MARK: Final = SUPPRESSED
NHS: Final = disclosure.NHS
NHS_ROUND5: Final = disclosure.NHS_ROUND5
NONE: Final = disclosure.NONE
_COMMON: Final = ("Counts of 1 to {t} are shown as *, and so is a numerator whose complement (denominator "
                  "minus numerator, for proportions) is 1 to {t}, or whose denominator is 1 to {t}; the "
                  "value, confidence intervals, significance and assessment derived from it are withheld "
                  "too. 0 is shown as 0. Where one hidden count could be worked out from the PCN value or "
                  "from the other practices (or from quarters and their year), the smallest next count is "
                  "hidden as well, so at least two are hidden together. The PCN value of an indicator and "
                  "period with a hidden practice is shown to 1 decimal place; if the PCN total is itself "
                  "1 to {t} it is withheld. Everything is computed on the true counts first.")
SUPPRESSION_RULES: Final = {
    NHS: "NHS Digital disclosure control. " + _COMMON.format(t=SMALL_MAX),
    NHS_ROUND5: ("NHS Digital disclosure control with rounding. " + _COMMON.format(t=SMALL_MAX)
                 + " Every other count (numerators, denominators and the PCN totals) is rounded to the "
                 "nearest 5, and values, intervals, significance and the PCN value are computed from the "
                 "rounded counts."),
    NONE: ("None: every count is shown exactly. Only roles allowed to see identifiable data may choose "
           "this, it is recorded in the audit trail, and the output must not be published or shared "
           "outside the PCN."),
}
COMPARATOR_PLACES: Final = 1  # a PCN value whose group has a hidden practice
SIGNIFICANT_DIGITS: Final = 12
INPUT_COLUMNS: Final = ("practice_code", "indicator_code", "period", "numerator", "denominator")


@dataclass(frozen=True)
class Funnel:
    """What a funnel plot needs for one indicator and period, from every practice's rows
    (even when the table is restricted to one practice)."""

    indicator_code: str
    period: str
    pooled: float  # per person (0-1 scale)
    comparator: float  # in the indicator's multiplier units
    min_denominator: float
    max_denominator: float
    practices: int
    # Where each practice sits on the x axis when it is not its denominator: a DSR is
    # plotted at its derived denominator (count / DSR x multiplier), as PHE's funnels do.
    x: dict[str, float] = field(default_factory=dict)
    x_title: str = "Denominator"

    def x_of(self, practice_code: str, denominator: float) -> float:
        return self.x.get(practice_code, float(denominator))


def check_suppression(rule: str) -> str:
    if rule not in SUPPRESSION_RULES:
        raise InvalidInput(f"unknown suppression rule {rule!r}; use {', '.join(SUPPRESSION_RULES)}")
    return rule


def statistic_of(definition: IndicatorDef) -> str:
    """What the values of an indicator are, for the table's ``statistic`` column."""
    if definition.statistic:
        return definition.statistic
    if definition.type == "proportion":
        return f"proportion ({definition.unit or f'x{definition.multiplier:g}'})"
    return f"crude rate per {definition.multiplier:,g}"


def compute_table(
    records: pd.DataFrame, indicators: dict[str, IndicatorDef], *, suppression: str = NHS,
    dsr: pd.DataFrame | None = None,
    threshold: int = SMALL_MAX,
) -> tuple[pd.DataFrame, dict[tuple[str, str], Funnel]]:
    """The tidy audit table (columns ``COLUMNS``) and a funnel per indicator and period,
    both already protected by the disclosure rule (``services/variation/disclosure.py``).

    ``records`` has ``INPUT_COLUMNS``; every indicator code must be in ``indicators``.
    Rows come out in catalogue order of indicator, then period, then practice code.
    ``dsr`` (from ``standardise.standardise``) gives the value, limits, comparator and
    significance of directly standardised rows, which the counts alone cannot.
    """
    check_suppression(suppression)
    if records.empty:
        return pd.DataFrame(columns=list(COLUMNS)), {}
    order = {code: i for i, code in enumerate(indicators)}
    unknown = set(records["indicator_code"]) - set(order)
    if unknown:
        raise InvalidInput(f"no definition for indicator(s) {', '.join(sorted(unknown))}")
    data = records.loc[:, list(INPUT_COLUMNS)].copy()
    data["_order"] = data["indicator_code"].map(order)
    data = data.sort_values(["_order", "period", "practice_code"], kind="stable").reset_index(drop=True)
    codes = data["indicator_code"].to_numpy()
    kind = np.array([indicators[c].type for c in codes])
    multiplier = np.array([indicators[c].multiplier for c in codes], dtype=float)
    polarity = np.array([indicators[c].polarity for c in codes], dtype=object)
    rule = Rule(suppression, threshold)
    guard = protect_table(data, kind == "proportion", rule)
    if rule.rounds:  # derived values come from the published (rounded) counts
        data["numerator"] = [rule.shown(v) for v in data["numerator"].to_numpy(dtype=float)]
        data["denominator"] = [rule.shown(v) for v in data["denominator"].to_numpy(dtype=float)]
    x = data["numerator"].to_numpy(dtype=float)
    n = data["denominator"].to_numpy(dtype=float)

    groups = data.groupby(["indicator_code", "period"], sort=False)
    totals_x, totals_n = groups["numerator"].transform("sum"), groups["denominator"].transform("sum")
    if rule.rounds:
        totals_x, totals_n = totals_x.map(rule.shown), totals_n.map(rule.shown)
    pooled = np.array(totals_x / totals_n, dtype=float)  # a copy: standardised rows override it below
    comparator = pooled * multiplier

    limits = {key: np.full(len(data), np.nan) for key in
              ("value", "lower_0.95", "upper_0.95", "lower_0.998", "upper_0.998")}
    method = np.full(len(data), None, dtype=object)
    for kind_name, interval, method_of in (
        ("proportion", proportion_intervals, lambda xs: np.full(len(xs), WILSON, dtype=object)),
        ("rate", rate_intervals, rate_method),
    ):
        chosen = kind == kind_name
        if chosen.any():
            result = interval(x[chosen], n[chosen], multiplier[chosen])
            for key, values in result.items():
                limits[key][chosen] = values
            method[chosen] = method_of(x[chosen])
    labels = significance(comparator, limits["lower_0.95"], limits["upper_0.95"],
                          limits["lower_0.998"], limits["upper_0.998"])
    funnel_x = np.full(len(data), np.nan)
    if dsr is not None and not dsr.empty:
        given = data.loc[:, ["indicator_code", "period", "practice_code"]].merge(
            dsr, how="left", on=["indicator_code", "period", "practice_code"])
        chosen = given["value"].notna().to_numpy() | given["method"].notna().to_numpy()
        for key in limits:
            limits[key][chosen] = given[key].to_numpy(dtype=float)[chosen]
        method[chosen] = given["method"].to_numpy()[chosen]
        pooled[chosen] = given["pooled"].to_numpy(dtype=float)[chosen]
        comparator[chosen] = pooled[chosen] * multiplier[chosen]
        labels[chosen] = given["significance"].to_numpy()[chosen]
        funnel_x[chosen] = given["x"].to_numpy(dtype=float)[chosen]
    suppressed = guard.hidden

    limits = {key: _significant(values) for key, values in limits.items()}
    comparator = _published_comparator(data, _significant(comparator), guard)
    pooled = comparator / multiplier
    table = pd.DataFrame({
        "practice_code": data["practice_code"].astype(object),
        "indicator_code": data["indicator_code"].astype(object),
        "period": data["period"].astype(object),
        "numerator": _counts(x),
        "denominator": _counts(n),
        "value": limits["value"],
        "lower_95": limits["lower_0.95"],
        "upper_95": limits["upper_0.95"],
        "lower_99_8": limits["lower_0.998"],
        "upper_99_8": limits["upper_0.998"],
        "method": method,
        "comparator": comparator,
        "significance": labels,
        "assessment": assess(labels, polarity),
        "suppressed": suppressed,
        "statistic": [statistic_of(indicators[c]) for c in codes],
    })
    if suppressed.any():
        for column in SUPPRESSED_COLUMNS:
            table[column] = table[column].astype(object)
            table.loc[suppressed, column] = SUPPRESSION_MARK
    if guard.denominator_hidden.any():
        table["denominator"] = table["denominator"].astype(object)
        table.loc[guard.denominator_hidden, "denominator"] = SUPPRESSION_MARK
    withheld = np.isnan(comparator)
    if withheld.any():
        table["comparator"] = table["comparator"].astype(object)
        table.loc[withheld, "comparator"] = SUPPRESSION_MARK
    shown = ~guard.denominator_hidden & ~withheld
    return table, _funnels(data[shown], pooled[shown], comparator[shown], funnel_x[shown], indicators)


def _published_comparator(data: pd.DataFrame, comparator: np.ndarray, guard) -> np.ndarray:  # noqa: ANN001
    """The PCN value as published: withheld (nan) where the PCN total is itself hidden, and
    to ``COMPARATOR_PLACES`` where a practice in it is hidden, so it cannot be inverted."""
    if not guard.total_hidden and not guard.partly_hidden:
        return comparator
    keys = list(zip(data["indicator_code"], data["period"], strict=True))
    hidden = np.array([k in guard.total_hidden for k in keys], dtype=bool)
    partly = np.array([k in guard.partly_hidden for k in keys], dtype=bool)
    result = comparator.copy()
    result[partly] = np.round(result[partly], COMPARATOR_PLACES)
    result[hidden] = np.nan
    return result


def _significant(values: np.ndarray, digits: int = SIGNIFICANT_DIGITS) -> np.ndarray:
    """Round to ``digits`` significant figures, so the CSV and the workbook (Excel keeps 15)
    hold exactly the same numbers; 12 is far beyond any published precision."""
    return np.array([float(f"{v:.{digits}g}") for v in values], dtype=float)


def _counts(values: np.ndarray) -> np.ndarray:
    """Whole counts as int (``65``, not ``65.0``); estimated and expected counts to
    ``SIGNIFICANT_DIGITS``, as values are."""
    return np.array([int(v) if float(v).is_integer() else float(f"{v:.{SIGNIFICANT_DIGITS}g}")
                     for v in values], dtype=object)


def _funnels(
    data: pd.DataFrame, pooled: np.ndarray, comparator: np.ndarray, funnel_x: np.ndarray,
    indicators: dict[str, IndicatorDef],
) -> dict[tuple[str, str], Funnel]:
    frame = data.assign(_pooled=pooled, _comparator=comparator, _x=np.where(np.isnan(funnel_x),
                                                                          data["denominator"], funnel_x))
    summary = frame.groupby(["indicator_code", "period"], sort=False).agg(
        pooled=("_pooled", "first"), comparator=("_comparator", "first"),
        low=("_x", "min"), high=("_x", "max"), practices=("practice_code", "size"))
    derived = frame[~np.isnan(funnel_x)]
    x_positions: dict[tuple[str, str], dict[str, float]] = {}
    for (code, period), rows in derived.groupby(["indicator_code", "period"], sort=False):
        x_positions[(code, period)] = dict(zip(rows["practice_code"], rows["_x"].astype(float), strict=True))
    return {
        (code, period): Funnel(code, period, float(row.pooled), float(row.comparator),
                               float(row.low), float(row.high), int(row.practices),
                               x_positions.get((code, period), {}), indicators[code].denominator_label)
        for (code, period), row in summary.iterrows()
    }


def funnel_lines(funnel: Funnel, definition: IndicatorDef, points: int = 40) -> pd.DataFrame:
    """The pooled line and the 95% and 99.8% funnel limits across the practices'
    denominator range (a little either side), ready to plot."""
    denominators = funnel_denominators(funnel.min_denominator * 0.8, funnel.max_denominator * 1.1, points)
    frame = {"denominator": denominators,
             "comparator": np.full(len(denominators), funnel.comparator)}
    for level, suffix in ((0.95, "95"), (0.998, "99_8")):
        lower, upper = funnel_limits(definition.type, funnel.pooled, denominators,
                                     definition.multiplier, level)
        frame[f"lower_{suffix}"] = lower
        frame[f"upper_{suffix}"] = upper
    return pd.DataFrame(frame)


def nice_range(low: float, high: float, ticks: int = 5) -> tuple[float, float, float]:
    """Axis bounds on whole multiples of a 1-2-5 step, about ``ticks`` steps apart."""
    span = max(high - low, 1e-9)
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def value_range(definition: IndicatorDef, lines: pd.DataFrame, values: list[float]) -> tuple[float, float, float]:
    """A value axis that shows every point and the funnel without wasting the plot on the
    far-out tip of the 99.8% limits at the smallest denominators."""
    inner = lines.iloc[len(lines) // 6:]
    candidates = [*values, float(inner["lower_99_8"].min()), float(inner["upper_99_8"].max())]
    low, high = min(candidates), max(candidates)
    pad = (high - low) * 0.08 or abs(high) * 0.1 or 1.0
    low, high = low - pad, high + pad
    if definition.type == "proportion":
        low, high = max(low, 0.0), min(high, definition.multiplier)
    low, high, step = nice_range(max(low, 0.0), high)
    if definition.type == "proportion":
        high = min(high, definition.multiplier)
    return low, high, step
