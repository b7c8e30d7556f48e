"""Tiers (the Kaiser pyramid) over a ranked adult population.

Adults (18+) are ranked by points, ties broken by emergency admissions, then eFI
score, then Cambridge Multimorbidity Score, then NHS number, so the order is always
the same. The top ``tier3_percent`` (rounded up) are tier 3, case management; the
next ``tier2_percent`` (rounded up) are tier 2, care coordination; the rest tier 1.
Care-home residents, the palliative care register and severe frailty always go to
tier 3, with the reason recorded. Children get a score and reasons but no tier.

The whole ordering is packed into one 63-bit integer, ``rank_key``: sorting by it
descending gives exactly the order above, so the database can page the ranked list
straight from an index.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import numpy as np
import pandas as pd

from pcn_assistant.core.risk.efi import SEVERE

ADULT_AGE = 18
TIER_NAMES = {3: "Tier 3: case management", 2: "Tier 2: care coordination", 1: "Tier 1: supported self-care"}

# Bit widths of the packed rank key, most significant first (5+7+6+11+34 = 63 bits).
_POINT_BITS, _ADMISSION_BITS, _EFI_BITS, _CMS_BITS, _NHS_BITS = 5, 7, 6, 11, 34
MAX_RANKABLE_POINTS = (1 << _POINT_BITS) - 1

PINNED_LABELS = {
    "care_home": "Care home resident",
    "palliative_care": "On the palliative care register",
    "severe_frailty": "Severe frailty",
}


def parse_percent(value: object) -> Fraction:
    """A percentage as an exact fraction of 1 (``"13"`` -> 13/100), so 13% of 100 is 13, not 14."""
    try:
        percent = Decimal(str(value).strip().rstrip("%"))
    except InvalidOperation as error:
        raise ValueError(f"Not a percentage: {value!r}") from error
    if not percent.is_finite() or percent < 0 or percent > 100:
        raise ValueError(f"A percentage must be between 0 and 100, got {value!r}")
    return Fraction(percent) / 100


def tier_sizes(adults: int, tier3_percent: object, tier2_percent: object) -> tuple[int, int]:
    """How many ranked adults fill tier 3 and tier 2, each rounded up, never more than all."""
    share3, share2 = parse_percent(tier3_percent), parse_percent(tier2_percent)
    if share3 + share2 > 1:
        raise ValueError("Tier 3 and tier 2 together cannot exceed 100%")
    n3 = min(math.ceil(adults * share3), adults)
    n2 = min(math.ceil(adults * share2), adults - n3)
    return n3, n2


def rank_key(points: np.ndarray, admissions: np.ndarray, efi_deficits: np.ndarray,
             cms_centi: np.ndarray, nhs_number: np.ndarray) -> np.ndarray:
    """One int64 per person; larger means earlier in the ranked list.

    Missing admissions (not supplied) and missing eFI (under 65) sort below any known
    value, including 0. The NHS number is stored inverted so that, descending, the
    lower number comes first.
    """
    points = np.asarray(points, dtype=np.int64)
    if len(points) and (points.max() > MAX_RANKABLE_POINTS or points.min() < 0):
        raise ValueError(f"Points must be 0-{MAX_RANKABLE_POINTS} to rank")
    adm = np.asarray(admissions, dtype=float)
    adm_key = np.where(np.isnan(adm), 0, np.minimum(np.nan_to_num(adm, nan=0), 126) + 1).astype(np.int64)
    efi = pd.Series(efi_deficits, dtype="Int64").fillna(-1).to_numpy(dtype=np.int64) + 1
    cms = np.clip(np.asarray(cms_centi, dtype=np.int64), 0, (1 << _CMS_BITS) - 1)
    nhs = _nhs_integers(nhs_number)
    nhs_key = (1 << _NHS_BITS) - 1 - np.clip(nhs, 0, (1 << _NHS_BITS) - 1)
    key = points
    for value, bits in ((adm_key, _ADMISSION_BITS), (efi, _EFI_BITS), (cms, _CMS_BITS),
                        (nhs_key, _NHS_BITS)):
        key = (key << bits) | value
    return key


def _nhs_integers(values: object) -> np.ndarray:
    """NHS numbers as integers (anything not all digits ranks as 0)."""
    items = np.asarray(values, dtype=object)
    try:
        return np.fromiter(map(int, items), dtype=np.int64, count=len(items))
    except (TypeError, ValueError):
        return pd.to_numeric(pd.Series(items), errors="coerce").fillna(0).to_numpy(dtype=np.int64)


def pinned_reasons(frame: pd.DataFrame, frailty_level: np.ndarray, groups: tuple[str, ...]) -> np.ndarray:
    """The always-tier-3 reason for each person ('' if none), several joined with '; '."""
    flags = []
    for group in groups:
        if group == "severe_frailty":
            flags.append((np.asarray(frailty_level, dtype=object) == SEVERE, PINNED_LABELS[group]))
        elif group in PINNED_LABELS:
            flags.append((frame[group].to_numpy(dtype=bool), PINNED_LABELS[group]))
        else:
            raise ValueError(f"Unknown always-tier-3 group {group!r}")
    reasons = np.full(len(frame), "", dtype=object)
    for present, label in flags:
        rows = np.flatnonzero(present)
        current = reasons[rows]
        reasons[rows] = np.where(current == "", label, current + "; " + label)
    return reasons


def assign_tiers(age: np.ndarray, keys: np.ndarray, pinned: np.ndarray,
                 tier3_percent: object, tier2_percent: object) -> tuple[np.ndarray, np.ndarray]:
    """(tier, pinned reason) per person: tier 1-3 for adults, 0 for children (no tier).

    ``pinned`` holds each person's always-tier-3 reason or ''. Ranked positions are
    fixed first; pinned adults outside the top positions then move up to tier 3, so
    tier 3 can hold more than its percentage but never fewer.
    """
    age = np.asarray(age)
    adult = age >= ADULT_AGE
    adult_index = np.flatnonzero(adult)
    order = adult_index[np.argsort(-np.asarray(keys)[adult_index], kind="stable")]
    n3, n2 = tier_sizes(len(order), tier3_percent, tier2_percent)
    tier = np.zeros(len(age), dtype=np.int64)
    tier[order] = 1
    tier[order[n3:n3 + n2]] = 2
    tier[order[:n3]] = 3
    pinned = np.asarray(pinned, dtype=object)
    is_pinned = adult & (pinned != "")
    tier[is_pinned] = 3
    return tier, np.where(is_pinned, pinned, None)


def tier_counts(tier: np.ndarray) -> dict[str, int]:
    tier = np.asarray(tier)
    return {str(t): int((tier == t).sum()) for t in (1, 2, 3)}
