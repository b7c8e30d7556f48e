"""Choose and apply the standardisation of each age-standardised indicator, before
``compute_table`` compares practices.

Why: a crude rate per 1,000 mostly measures how old a practice's list is, so practices
with older lists were labelled "Worse" for A&E attendances, emergency admissions and
antibiotic items. For each indicator the catalogue declares ``age``, the audit uses the
best method its data allows, the same method for every period of that indicator:

1. Events by age band for every row (an indicator file with an ``age_band`` column):
   directly standardised rates (ESP 2013, Dobson limits, PHE funnel significance). If any
   practice has fewer than 10 events in a period, PHE publishes no DSR, so the indicator
   uses indirectly standardised ratios instead, with the PCN's own age-specific rates.
2. A practice-level count only, but the registered list's age-sex structure (the patient
   table) and an age-sex profile of the events (the patients' recorded A&E attendances or
   emergency admissions in the last 12 months): indirectly standardised ratios. The
   profile's age-sex rates are scaled so the PCN as a whole is exactly as expected (100).
3. Otherwise the crude rate, labelled "crude (not age-standardised: ...)" with the reason.

Pure pandas/numpy: the database reads are in ``age_structure.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Final

import numpy as np
import pandas as pd

from pcn_assistant.core.stats import standardised as std
from pcn_assistant.core.stats.intervals import CONFIDENCE_LEVELS
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services.variation.catalogue import AGE, IndicatorDef

DSR: Final = "dsr"
ISR: Final = "isr"
CRUDE: Final = "crude"
ISR_REFERENCE: Final = 100.0
KEYS: Final = ["indicator_code", "period", "practice_code"]


@dataclass(frozen=True)
class ListStructure:
    """Registered patients by practice, ESP 2013 age band and sex: columns
    ``practice_code, age_band, sex, population``."""

    frame: pd.DataFrame


@dataclass(frozen=True)
class AgeProfile:
    """PCN-wide events by age band and sex for one indicator, from patient-level data:
    columns ``age_band, sex, events, population``; ``source`` says where they came from."""

    frame: pd.DataFrame
    source: str


@dataclass
class Standardised:
    """What ``compute_table`` needs: practice-level records (observed/expected for ISRs),
    the definitions it should use, and the DSR figures it takes as given."""

    records: pd.DataFrame
    definitions: dict[str, IndicatorDef]
    methods: dict[str, str] = field(default_factory=dict)  # indicator -> dsr / isr / crude
    dsr: pd.DataFrame | None = None  # KEYS + value, method, limits, pooled, significance, x


def rate_unit(definition: IndicatorDef) -> str:
    return f"per {definition.multiplier:,g}"


def standardise(
    records: pd.DataFrame, indicators: dict[str, IndicatorDef], *,
    lists: ListStructure | None = None, profiles: dict[str, AgeProfile] | None = None,
) -> Standardised:
    """Apply each indicator's method; rows of crude indicators pass through (age-banded
    rows summed to practice totals)."""
    banded = "age_band" in records.columns
    out: list[pd.DataFrame] = []
    definitions = dict(indicators)
    methods: dict[str, str] = {}
    dsr_parts: list[pd.DataFrame] = []
    for code, rows in records.groupby("indicator_code", sort=False):
        definition = indicators[code]
        has_band = rows["age_band"].notna() if banded else pd.Series(False, index=rows.index)
        if definition.standardisation != AGE:
            out.append(_totals(rows))
            continue
        if has_band.any() and not has_band.all():
            raise InvalidInput(f"{code}: give an age band on every row of this indicator or on none")
        if has_band.all():
            method, frame, dsr_rows = _from_bands(rows, definition)
            if dsr_rows is not None:
                dsr_parts.append(dsr_rows)
            detail = "age"  # the bands are age bands only
        else:
            method, frame, detail = _from_list(rows, definition, lists, (profiles or {}).get(code))
        out.append(frame)
        methods[code] = method
        definitions[code] = _labelled(definition, method, detail)
    columns = ["practice_code", "indicator_code", "period", "numerator", "denominator"]
    combined = pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=columns)
    return Standardised(combined.loc[:, columns], definitions, methods,
                        pd.concat(dsr_parts, ignore_index=True) if dsr_parts else None)


def _totals(rows: pd.DataFrame) -> pd.DataFrame:
    """Practice-level rows: age-banded rows summed (numerators and denominators)."""
    if "age_band" not in rows.columns:
        return rows
    return rows.groupby(KEYS, sort=False, as_index=False)[["numerator", "denominator"]].sum()


def _labelled(definition: IndicatorDef, method: str, detail: str) -> IndicatorDef:
    """The definition as the audit shows it: the statistic in the unit and heading.
    ``detail`` is the strata of a ratio (age or age-sex) or why a rate stayed crude."""
    per = rate_unit(definition)
    base = definition.name.split(" per ")[0]
    if method == DSR:
        statistic = f"age-standardised rate {per} (ESP 2013)"
        return replace(definition, name=f"{base}: {statistic}", unit=f"{per}, age-standardised",
                       statistic=statistic, denominator_label="Derived denominator (count / DSR)")
    if method == ISR:
        statistic = f"ratio to expected (indirectly {detail} standardised, 100 = as expected)"
        return replace(definition, name=f"{base}: ratio to expected", multiplier=ISR_REFERENCE,
                       unit="ratio to expected (100 = as expected)", statistic=statistic,
                       denominator_label="Expected events")
    return replace(definition, statistic=f"crude rate {per} (not age-standardised: {detail})")


def _matrix(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    table = rows.pivot_table(index=KEYS, columns="age_band", values=column, aggfunc="sum", fill_value=0)
    return table.reindex(columns=range(len(std.ESP2013_BANDS)), fill_value=0)


def _from_bands(rows: pd.DataFrame, definition: IndicatorDef) -> tuple[str, pd.DataFrame, pd.DataFrame | None]:
    """DSR from age-banded counts and populations, or ISR when any practice-period has
    fewer than 10 events (PHE publishes no DSR below 10)."""
    rows = rows.assign(age_band=rows["age_band"].astype(int))
    counts, populations = _matrix(rows, "numerator"), _matrix(rows, "denominator")
    keys = counts.index.to_frame(index=False)
    totals = counts.sum(axis=1).to_numpy()
    if (totals >= std.DSR_MINIMUM_COUNT).all():
        result = std.dsr(counts.to_numpy(), populations.to_numpy(), multiplier=definition.multiplier)
        frame = keys.assign(numerator=totals, denominator=populations.sum(axis=1).to_numpy())
        dsr_rows = keys.assign(value=result["value"], method=std.DOBSON)
        for level in CONFIDENCE_LEVELS:
            dsr_rows[f"lower_{level}"] = result[f"lower_{level}"]
            dsr_rows[f"upper_{level}"] = result[f"upper_{level}"]
        for _period, index in dsr_rows.groupby("period", sort=False).groups.items():
            x, value = totals[index], result["value"][index]
            average = std.dsr_weighted_average(x, value, definition.multiplier)
            dsr_rows.loc[index, "pooled"] = average
            dsr_rows.loc[index, "significance"] = std.dsr_significance(x, value, definition.multiplier, average)
            dsr_rows.loc[index, "x"] = std.derived_denominators(x, value, definition.multiplier)
        return DSR, frame, dsr_rows
    expected = np.zeros(len(keys))
    for _period, index in keys.groupby("period", sort=False).groups.items():
        rates = std.reference_rates(counts.to_numpy()[index], populations.to_numpy()[index])
        expected[index] = std.expected_counts(populations.to_numpy()[index], rates)
    return ISR, keys.assign(numerator=totals, denominator=expected), None


def _from_list(
    rows: pd.DataFrame, definition: IndicatorDef, lists: ListStructure | None, profile: AgeProfile | None,
) -> tuple[str, pd.DataFrame, str]:
    """ISR from practice-level counts, the registered list's age-sex structure and the
    events' age-sex profile; crude (with the reason) when either is missing."""
    if lists is None or lists.frame.empty:
        return CRUDE, rows, "no registered list by age and sex"
    if profile is None:
        return CRUDE, rows, "no age breakdown of the events"
    strata = lists.frame.pivot_table(index="practice_code", columns=["age_band", "sex"],
                                     values="population", aggfunc="sum", fill_value=0)
    pcn = profile.frame.groupby(["age_band", "sex"])[["events", "population"]].sum()
    pcn = pcn.reindex(strata.columns, fill_value=0)
    if pcn["events"].sum() <= 0:
        return CRUDE, rows, f"no events recorded in {profile.source}"
    missing = sorted(set(rows["practice_code"]) - set(strata.index[strata.sum(axis=1) > 0]))
    if missing:
        return CRUDE, rows, f"no registered list by age for {', '.join(missing[:3])}"
    rates = std.reference_rates(pcn["events"].to_numpy(), pcn["population"].to_numpy())
    raw = pd.Series(std.expected_counts(strata.to_numpy(dtype=float), rates), index=strata.index)
    frame = rows.loc[:, ["practice_code", "indicator_code", "period", "numerator"]].copy()
    frame["denominator"] = frame["practice_code"].map(raw).to_numpy(dtype=float)
    # Scale the profile's rates so the PCN's expected total equals its observed total.
    observed = frame.groupby("period")["numerator"].transform("sum")
    expected = frame.groupby("period")["denominator"].transform("sum")
    frame["denominator"] = frame["denominator"] * np.where(observed > 0, observed / expected, 1.0)
    return ISR, frame, "age-sex"
