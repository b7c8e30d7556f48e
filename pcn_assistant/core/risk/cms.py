"""Cambridge Multimorbidity Score (Payne et al., CMAJ 2020), general-outcome weights.

The score is the sum of the weights of the 20 conditions present (maximum 16.33);
anxiety and depression count once between them. It is computed for adults. The
literature defines no bands, so we show the number itself.

Weights are held in hundredths (integers), so a sum is exact: floor(CMS) in the
priority score can never be pulled below a whole number by floating-point error.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from pcn_assistant.core.conditions import Condition, conditions
from pcn_assistant.core.risk.efi import bit_mask

CMS_MIN_AGE = 18

# Condition -> (label, weight in hundredths).
CMS_CONDITIONS: dict[str, tuple[str, int]] = {
    "alcohol_problems": ("alcohol problems", 65),
    "anxiety_depression": ("anxiety or depression", 50),
    "asthma": ("asthma", 19),
    "atrial_fibrillation": ("atrial fibrillation", 134),
    "cancer_5y": ("cancer (last 5 years)", 153),
    "chronic_kidney_disease": ("chronic kidney disease", 53),
    "connective_tissue_disorder": ("connective tissue disorder", 43),
    "copd": ("COPD", 146),
    "coronary_heart_disease": ("coronary heart disease", 49),
    "dementia": ("dementia", 250),
    "diabetes": ("diabetes", 75),
    "epilepsy": ("epilepsy", 92),
    "hearing_loss": ("hearing loss", 9),
    "heart_failure": ("heart failure", 118),
    "hypertension": ("hypertension", 8),
    "irritable_bowel_syndrome": ("irritable bowel syndrome", 21),
    "painful_condition": ("painful condition", 92),
    "schizophrenia_bipolar": ("schizophrenia or bipolar disorder", 64),
    "stroke_tia": ("stroke or TIA", 80),
    "treated_constipation": ("treated constipation", 112),
}
CMS_KEYS: tuple[str, ...] = tuple(CMS_CONDITIONS)
CMS_WEIGHTS: dict[str, float] = {key: centi / 100 for key, (_label, centi) in CMS_CONDITIONS.items()}
CMS_MAX_CENTI = sum(centi for _label, centi in CMS_CONDITIONS.values())
CMS_MAX = CMS_MAX_CENTI / 100

assert len(CMS_CONDITIONS) == 20 and CMS_MAX_CENTI == 1633


def cms_sources(catalogue: Iterable[Condition] | None = None) -> dict[str, list[str]]:
    """For each CMS condition, the catalogue condition keys that count as it."""
    sources: dict[str, list[str]] = {key: [] for key in CMS_KEYS}
    for condition in catalogue or conditions():
        if condition.cms_condition:
            if condition.cms_condition not in sources:
                raise ValueError(f"{condition.key}: unknown CMS condition {condition.cms_condition!r}")
            sources[condition.cms_condition].append(condition.key)
    return sources


def cms_matrix(condition_flags: Mapping[str, np.ndarray], size: int,
               catalogue: Iterable[Condition] | None = None) -> np.ndarray:
    """Boolean matrix (people x 20 CMS conditions), each counted once."""
    matrix = np.zeros((size, len(CMS_KEYS)), dtype=bool)
    for column, keys in enumerate(cms_sources(catalogue).values()):
        for key in keys:
            flags = condition_flags.get(key)
            if flags is not None:
                matrix[:, column] |= np.asarray(flags, dtype=bool)
    return matrix


def cms_centi(matrix: np.ndarray) -> np.ndarray:
    """The score in hundredths (int64), exact."""
    total = np.zeros(matrix.shape[0], dtype=np.int64)
    for column, (_label, centi) in enumerate(CMS_CONDITIONS.values()):
        total += matrix[:, column] * np.int64(centi)
    return total


def cms_mask(matrix: np.ndarray) -> np.ndarray:
    """A bit per CMS condition present, so an assessment can name them later."""
    return bit_mask(matrix)


def conditions_in_mask(mask: int | None) -> list[str]:
    if mask is None:
        return []
    return [label for bit, (label, _c) in enumerate(CMS_CONDITIONS.values()) if int(mask) >> bit & 1]


def cms_score(cms_condition_keys: Iterable[str]) -> float:
    """One person's score from CMS condition keys (e.g. ``{"dementia", "copd"}``)."""
    keys = set(cms_condition_keys)
    unknown = keys - set(CMS_CONDITIONS)
    if unknown:
        raise ValueError(f"Not CMS conditions: {sorted(unknown)}")
    return sum(CMS_CONDITIONS[key][1] for key in keys) / 100
