"""Electronic Frailty Index (Clegg et al., Age and Ageing 2016), vectorised.

36 equally weighted deficits; the score is deficits present / 36, each deficit counted
once however many coded conditions point to it. It applies from age 65: below that the
eFI is *not applicable* (stored as NULL, shown as "not applicable"), never 0.

Categories are decided on the exact fraction (fit <= 0.12, mild <= 0.24, moderate <=
0.36, severe > 0.36), so counts 0-4 fit, 5-8 mild, 9-12 moderate and 13+ severe:
13/36 = 0.3611 is severe even though it displays as "0.36". We compare integers
(``count * 100 <= 12 * 36``) so no floating-point rounding can move a boundary.

It is a population tool that ranks and groups people; it is not a diagnosis.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

import numpy as np
import pandas as pd

from pcn_assistant.core.conditions import Condition, conditions

EFI_MIN_AGE = 65
EFI_DEFICIT_COUNT = 36

FIT = "fit"
MILD = "mild"
MODERATE = "moderate"
SEVERE = "severe"
EFI_CATEGORIES = (FIT, MILD, MODERATE, SEVERE)
# Upper bounds of fit, mild and moderate as exact fractions of 36 deficits.
EFI_CUT_OFFS = (Fraction(12, 100), Fraction(24, 100), Fraction(36, 100))
NOT_APPLICABLE = "not applicable"

# The 36 deficits in Clegg's order, with their readable labels.
EFI_DEFICITS: dict[str, str] = {
    "activity_limitation": "Activity limitation",
    "anaemia_haematinic_deficiency": "Anaemia and haematinic deficiency",
    "arthritis": "Arthritis",
    "atrial_fibrillation": "Atrial fibrillation",
    "cerebrovascular_disease": "Cerebrovascular disease",
    "chronic_kidney_disease": "Chronic kidney disease",
    "diabetes": "Diabetes",
    "dizziness": "Dizziness",
    "dyspnoea": "Dyspnoea",
    "falls": "Falls",
    "foot_problems": "Foot problems",
    "fragility_fracture": "Fragility fracture",
    "hearing_impairment": "Hearing impairment",
    "heart_failure": "Heart failure",
    "heart_valve_disease": "Heart valve disease",
    "housebound": "Housebound",
    "hypertension": "Hypertension",
    "hypotension_syncope": "Hypotension or syncope",
    "ischaemic_heart_disease": "Ischaemic heart disease",
    "memory_cognitive_problems": "Memory and cognitive problems",
    "mobility_transfer_problems": "Mobility and transfer problems",
    "osteoporosis": "Osteoporosis",
    "parkinsonism_tremor": "Parkinsonism and tremor",
    "peptic_ulcer": "Peptic ulcer",
    "peripheral_vascular_disease": "Peripheral vascular disease",
    "polypharmacy": "Polypharmacy (5 or more medicines)",
    "requirement_for_care": "Requirement for care",
    "respiratory_disease": "Respiratory disease",
    "skin_ulcer": "Skin ulcer",
    "sleep_disturbance": "Sleep disturbance",
    "social_vulnerability": "Social vulnerability",
    "thyroid_disease": "Thyroid disease",
    "urinary_incontinence": "Urinary incontinence",
    "urinary_system_disease": "Urinary system disease",
    "visual_impairment": "Visual impairment",
    "weight_loss_anorexia": "Weight loss and anorexia",
}
DEFICIT_KEYS: tuple[str, ...] = tuple(EFI_DEFICITS)
POLYPHARMACY_MEDICINES = 5  # 5 or more different medicines in 12 months

assert len(EFI_DEFICITS) == EFI_DEFICIT_COUNT


def efi_category(count: int) -> str:
    """The category for a deficit count, on the exact fraction count/36."""
    if not 0 <= count <= EFI_DEFICIT_COUNT:
        raise ValueError(f"eFI deficit count must be 0-36, got {count}")
    fraction = Fraction(count, EFI_DEFICIT_COUNT)
    for category, upper in zip(EFI_CATEGORIES, EFI_CUT_OFFS, strict=False):
        if fraction <= upper:
            return category
    return SEVERE


# Category of every possible count, so a whole column is categorised by one lookup.
CATEGORY_BY_COUNT = np.array([efi_category(n) for n in range(EFI_DEFICIT_COUNT + 1)], dtype=object)


def efi_categories(counts: np.ndarray) -> np.ndarray:
    """Vectorised ``efi_category``; a negative count (not applicable) gives None."""
    counts = np.asarray(counts, dtype=np.int64)
    out = np.full(counts.shape, None, dtype=object)
    valid = counts >= 0
    out[valid] = CATEGORY_BY_COUNT[counts[valid]]
    return out


def deficit_sources(catalogue: Iterable[Condition] | None = None) -> dict[str, list[str]]:
    """For each deficit, the condition keys in the catalogue that count as it."""
    sources: dict[str, list[str]] = {key: [] for key in DEFICIT_KEYS}
    for condition in catalogue or conditions():
        if condition.efi_deficit:
            if condition.efi_deficit not in sources:
                raise ValueError(f"{condition.key}: unknown eFI deficit {condition.efi_deficit!r}")
            sources[condition.efi_deficit].append(condition.key)
    return sources


def deficit_matrix(
    condition_flags: Mapping[str, np.ndarray], housebound: np.ndarray, medication_count: np.ndarray,
    catalogue: Iterable[Condition] | None = None,
) -> np.ndarray:
    """Boolean matrix (people x 36 deficits), columns in ``DEFICIT_KEYS`` order.

    ``condition_flags`` maps condition key -> boolean array. Housebound counts from the
    patient flag or a ``housebound`` condition; polypharmacy from 5+ medicines or a
    ``polypharmacy`` condition. A medicines count that was not supplied (NaN) adds nothing.
    """
    housebound = np.asarray(housebound, dtype=bool)
    size = len(housebound)
    medicines = np.asarray(medication_count, dtype=float)
    matrix = np.zeros((size, EFI_DEFICIT_COUNT), dtype=bool)
    for column, (deficit, keys) in enumerate(deficit_sources(catalogue).items()):
        present = np.zeros(size, dtype=bool)
        for key in keys:
            flags = condition_flags.get(key)
            if flags is not None:
                present |= np.asarray(flags, dtype=bool)
        if deficit == "housebound":
            present |= housebound
        elif deficit == "polypharmacy":
            present |= np.nan_to_num(medicines, nan=-1) >= POLYPHARMACY_MEDICINES
        matrix[:, column] = present
    return matrix


def bit_mask(matrix: np.ndarray) -> np.ndarray:
    """Bit j set where column j is true (at most 63 columns)."""
    masks = np.zeros(matrix.shape[0], dtype=np.int64)
    for bit in range(matrix.shape[1]):
        masks |= matrix[:, bit].astype(np.int64) << bit
    return masks


def efi_frame(matrix: np.ndarray, age: np.ndarray) -> pd.DataFrame:
    """Count, score, category and a bit mask of the deficits present, for people aged 65+.

    Under 65 every column is missing (not applicable), never 0.
    """
    age = np.asarray(age)
    eligible = age >= EFI_MIN_AGE
    counts = matrix.sum(axis=1).astype(np.int64)
    masks = bit_mask(matrix)
    return pd.DataFrame({
        "efi_deficits": pd.Series(counts, dtype="Int64").where(eligible, pd.NA),
        "efi_score": np.where(eligible, counts / EFI_DEFICIT_COUNT, np.nan),
        "efi_category": efi_categories(np.where(eligible, counts, -1)),
        "efi_deficit_mask": pd.Series(masks, dtype="Int64").where(eligible, pd.NA),
    })


def deficits_in_mask(mask: int | None) -> list[str]:
    """Readable labels of the deficits recorded in an assessment's bit mask."""
    if mask is None:
        return []
    return [label for bit, label in enumerate(EFI_DEFICITS.values()) if int(mask) >> bit & 1]


def efi_for(condition_keys: Iterable[str], *, age: int, housebound: bool = False,
            medication_count: int | None = None) -> tuple[int, float, str] | None:
    """One person's (count, score, category), or None under 65: for checks and examples."""
    keys = set(condition_keys)
    flags = {key: np.array([True]) for key in keys}
    matrix = deficit_matrix(flags, np.array([housebound]),
                            np.array([np.nan if medication_count is None else medication_count]))
    if age < EFI_MIN_AGE:
        return None
    count = int(matrix.sum())
    return count, count / EFI_DEFICIT_COUNT, efi_category(count)
