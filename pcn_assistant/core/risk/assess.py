"""The whole assessment for a population frame: eFI, CMS, points, reasons, rank and tier.

Pure and vectorised: the service reads patients into a frame with one query, calls
``assess`` and writes the result. Tests and the benchmark call it directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from pcn_assistant.core.risk.cms import CMS_MIN_AGE, cms_centi, cms_mask
from pcn_assistant.core.risk.cms_rules import ConditionEvidence, cms_evidence_matrix, why_lines
from pcn_assistant.core.risk.efi import deficit_matrix, efi_frame
from pcn_assistant.core.risk.priority import PriorityModel, score_points
from pcn_assistant.core.risk.reasons import build_reasons
from pcn_assistant.core.risk.tiers import ADULT_AGE, assign_tiers, pinned_reasons, rank_key

BOOLEAN_INPUTS = ("lives_alone", "is_carer", "has_carer", "housebound", "care_home", "palliative_care",
                  "learning_disability")
COUNT_INPUTS = ("medication_count", "ae_attendances_12m", "emergency_admissions_12m", "imd_decile")
BITS_PER_MASK = 62  # condition bits per signed 64-bit integer the database sums for us


def ages_on(date_of_birth: pd.Series, as_of: date) -> np.ndarray:
    """Whole years of age on ``as_of`` for a column of dates (or ISO date strings)."""
    dob = pd.to_datetime(date_of_birth, errors="coerce")
    years = as_of.year - dob.dt.year.to_numpy()
    before_birthday = (dob.dt.month.to_numpy() * 100 + dob.dt.day.to_numpy()) > as_of.month * 100 + as_of.day
    return (years - before_birthday).astype(np.int64)


def condition_bit_groups(keys: Sequence[str]) -> list[list[str]]:
    """Condition keys split into groups of ``BITS_PER_MASK``; key i of a group is bit i."""
    return [list(keys[i:i + BITS_PER_MASK]) for i in range(0, len(keys), BITS_PER_MASK)] or [[]]


def decode_condition_bits(masks: Sequence[np.ndarray], groups: list[list[str]]) -> dict[str, np.ndarray]:
    """Condition key -> boolean array, from the per-patient bit masks the database summed."""
    flags: dict[str, np.ndarray] = {}
    for mask, keys in zip(masks, groups, strict=True):
        values = pd.Series(mask).fillna(0).to_numpy(dtype=np.int64)
        for bit, key in enumerate(keys):
            flags[key] = (values >> bit) & 1 == 1
    return flags


def clean_inputs(frame: pd.DataFrame) -> pd.DataFrame:
    """Booleans as bool (missing = False), counts as float with NaN for *not supplied*."""
    out = frame.copy(deep=False)
    for column in BOOLEAN_INPUTS:
        out[column] = out[column].fillna(False).astype(bool) if column in out else False
    for column in COUNT_INPUTS:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float) if column in out else np.nan
    if "frailty_coded" not in out:
        out["frailty_coded"] = None
    out["efi_reported"] = (pd.to_numeric(out["efi_reported"], errors="coerce").astype(float)
                           if "efi_reported" in out else np.nan)
    return out


def assess(inputs: pd.DataFrame, condition_flags: Mapping[str, np.ndarray], model: PriorityModel,
           tier3_percent: object, tier2_percent: object, *, evidence: ConditionEvidence | None = None,
           drugs: Mapping[str, np.ndarray] | None = None) -> pd.DataFrame:
    """Score everyone in ``inputs`` (columns: nhs_number, age, the booleans and counts above,
    frailty_coded). Returns a new frame with one row per person, same index.

    ``condition_flags`` says who has each condition at all; ``evidence`` adds the dates
    the CMS rules need and ``drugs`` the prescriptions per drug group in the last 12
    months (see ``cms_rules``). Without ``evidence`` every condition is taken as an
    undated register flag, which counts as the register says.
    """
    frame = clean_inputs(inputs)
    size = len(frame)
    age = frame["age"].to_numpy(dtype=np.int64)
    flags = {key: np.asarray(value, dtype=bool) for key, value in condition_flags.items()}
    if "housebound" in flags:  # the patient flag or a coded 'housebound' condition
        frame["housebound"] = frame["housebound"].to_numpy() | flags["housebound"]
    # The published eFI lists hold "lives alone" (social vulnerability) and "lives in a care
    # home" and "has a caregiver" (requirement for care), which arrive here as patient flags.
    none = np.zeros(size, dtype=bool)
    efi_flags = {
        **flags,
        "social_vulnerability": flags.get("social_vulnerability", none) | frame["lives_alone"].to_numpy(dtype=bool),
        "requires_care": (flags.get("requires_care", none) | frame["care_home"].to_numpy(dtype=bool)
                          | frame["has_carer"].to_numpy(dtype=bool)),
    }

    deficits = deficit_matrix(efi_flags, frame["housebound"].to_numpy(), frame["medication_count"].to_numpy())
    efi = efi_frame(deficits, age).set_index(frame.index)
    cms, why = cms_evidence_matrix(evidence or ConditionEvidence(ever=flags), drugs or {}, size)
    adult_cms = age >= CMS_MIN_AGE
    centi = np.where(adult_cms, cms_centi(cms), 0)

    scored = pd.concat([frame, efi], axis=1)
    scored["cms_centi"] = centi
    scored["cms_score"] = np.where(adult_cms, centi / 100, np.nan)
    scored["cms_condition_mask"] = pd.Series(cms_mask(cms), index=frame.index, dtype="Int64").where(adult_cms, pd.NA)

    points = score_points(scored, model)
    scored = pd.concat([scored, points], axis=1)
    pinned = pinned_reasons(scored, scored["frailty_level"].to_numpy(), model.always_tier_3)
    scored["rank_key"] = rank_key(scored["points"], scored["emergency_admissions_12m"],
                                  scored["efi_deficits"], centi, scored["nhs_number"])
    tier, pinned_reason = assign_tiers(age, scored["rank_key"].to_numpy(), pinned, tier3_percent, tier2_percent)
    scored["tier"] = pd.Series(tier, index=frame.index, dtype="Int64").where(age >= ADULT_AGE, pd.NA)
    scored["pinned_reason"] = pinned_reason
    why_text = np.full(size, "", dtype=object)
    with_cms = np.flatnonzero(adult_cms & (centi > 0))
    why_text[with_cms] = why_lines(why[with_cms])
    scored["reasons"] = build_reasons(scored, points, model, pinned_reason, why_text)
    return scored
