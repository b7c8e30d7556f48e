"""Disclosure control for the variation audit table, before anything is written.

The audit is computed on the true counts (so the PHE reference matches hold), then
protected as one problem: each practice's numerator is a cell; the PCN total numerator
of an indicator and period is a cell too, since the comparator and the denominators
give it away; practices and that total form a relation, and so do quarters and the
year they make up when the numbers add up. A denominator of 1-7 hides its row.
Proportions count people out of people, so a complement of 1-7 is hidden as well.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pcn_assistant.core.disclosure import Protection, Rule, protect
from pcn_assistant.services.variation.periods import date_range


@dataclass
class VariationProtection:
    protection: Protection
    hidden: np.ndarray  # per row: numerator and everything derived from it withheld
    denominator_hidden: np.ndarray  # per row: the denominator is itself 1-7
    total_hidden: set[tuple[str, str]]  # (indicator, period) whose PCN value is withheld
    partly_hidden: set[tuple[str, str]]  # (indicator, period) with a hidden practice


def protect_table(data: pd.DataFrame, proportion: np.ndarray, rule: Rule) -> VariationProtection:
    """``data``: practice_code, indicator_code, period, numerator, denominator (true counts)."""
    x = data["numerator"].to_numpy(dtype=float)
    n = data["denominator"].to_numpy(dtype=float)
    codes = data["indicator_code"].to_numpy()
    periods = data["period"].to_numpy()
    practices = data["practice_code"].to_numpy()
    rows = range(len(data))
    counts: dict = {("x", i): x[i] for i in rows}
    denominators: dict = {("x", i): n[i] for i in rows if proportion[i]}
    small_denominator = np.array([rule.small(v) for v in n], dtype=bool)
    members: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in rows:
        members[(codes[i], periods[i])].append(i)
    relations: list[list] = []
    for (code, period), indices in members.items():
        total = ("X", code, period)
        counts[total] = float(x[indices].sum())
        if proportion[indices[0]]:
            denominators[total] = float(n[indices].sum())
        relations.append([*[("x", i) for i in indices], total])
    relations += _period_relations(codes, periods, practices, x, counts)
    protection = protect(counts, relations, rule=rule, denominators=denominators,
                         hidden=[("x", i) for i in rows if small_denominator[i]])
    hidden = np.array([protection.hidden(("x", i)) for i in rows], dtype=bool)
    total_hidden = {(c, p) for (c, p) in members if protection.hidden(("X", c, p))}
    partly = {(c, p) for (c, p), indices in members.items() if hidden[indices].any()}
    return VariationProtection(protection, hidden, small_denominator, total_hidden, partly)


def _period_relations(codes: np.ndarray, periods: np.ndarray, practices: np.ndarray, x: np.ndarray,
                      counts: dict) -> list[list]:
    """A year and the quarters (or months) that make it up, for each practice and for the
    PCN total, when the numerators really add up (a cumulative uptake does not)."""
    spans = {p: date_range(p) for p in set(periods)}
    covers: dict[str, list[str]] = {}
    for whole, span in spans.items():
        if span is None:
            continue
        parts = [p for p, s in spans.items() if p != whole and s and span[0] <= s[0] and s[1] <= span[1]]
        if parts and sum((spans[p][1] - spans[p][0]).days + 1 for p in parts) == (span[1] - span[0]).days + 1:
            covers[whole] = parts
    if not covers:
        return []
    cell = {(codes[i], periods[i], practices[i]): ("x", i) for i in range(len(codes))}
    relations = []
    for code in set(codes):
        for whole, parts in covers.items():
            owners = [*sorted({p for (c, _per, p) in cell if c == code}), None]
            for practice in owners:
                if practice is None:
                    keys = [("X", code, p) for p in [*parts, whole]]
                else:
                    keys = [cell.get((code, p, practice)) for p in [*parts, whole]]
                if any(k is None or k not in counts for k in keys):
                    continue
                if sum(counts[k] for k in keys[:-1]) == counts[keys[-1]]:
                    relations.append(keys)
    return relations
