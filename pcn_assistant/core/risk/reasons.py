"""Plain-English reasons for each assessment, built for a whole frame at once.

Each reason comes from a small lookup table indexed by the value behind it (a
deficit count, a CMS total in hundredths, an admissions count...), so 350,000
people get their reasons by array indexing rather than by formatting strings row
by row. A reason is given for every component that scored, and for every piece of
utilisation data that was *not supplied* (which scores nothing but must be said).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pcn_assistant.core.risk.efi import EFI_CATEGORIES, EFI_DEFICIT_COUNT, efi_category
from pcn_assistant.core.risk.priority import FRAILTY_LEVEL, PriorityModel, category_levels

SEPARATOR = "\n"
NOT_SUPPLIED_ADMISSIONS = "Emergency admissions in the last 12 months: not supplied"
NOT_SUPPLIED_AE = "A&E attendances in the last 12 months: not supplied"
NOT_SUPPLIED_MEDICINES = "Number of medicines: not supplied"
SOCIAL_LABELS = {
    "lives_alone": "lives alone", "housebound": "housebound",
    "is_carer": "is a carer", "has_carer": "has a carer",
}


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def efi_text(count: int) -> str:
    category = _efi_category_label(count)
    return f"{category}: {count} of {EFI_DEFICIT_COUNT} eFI deficits ({count / EFI_DEFICIT_COUNT:.2f})"


def _efi_category_label(count: int) -> str:
    category = efi_category(count)
    return "Fit" if category == "fit" else f"{category.capitalize()} frailty"


def _frailty_table() -> np.ndarray:
    """Text for (eFI count, coded level): the eFI reason, or the coded frailty that beat it."""
    table = np.empty((EFI_DEFICIT_COUNT + 1, len(EFI_CATEGORIES) + 1), dtype=object)
    for count in range(EFI_DEFICIT_COUNT + 1):
        efi_level = FRAILTY_LEVEL[efi_category(count)]
        for coded_level in range(-1, len(EFI_CATEGORIES)):
            if coded_level > efi_level:
                text = (f"Clinician-coded {EFI_CATEGORIES[coded_level]} frailty (higher than the eFI: "
                        f"{count} of {EFI_DEFICIT_COUNT} deficits, {count / EFI_DEFICIT_COUNT:.2f})")
            else:
                text = efi_text(count)
            table[count, coded_level + 1] = text
    return table


FRAILTY_TABLE = _frailty_table()


def _counted_table(values: np.ndarray, one: str, many: str, suffix: str = "") -> np.ndarray:
    """Text for every whole count up to the largest in ``values``."""
    top = int(np.nan_to_num(np.asarray(values, dtype=float), nan=0).max(initial=0))
    return np.array([_plural(n, one, many) + suffix for n in range(top + 1)], dtype=object)


class _ReasonList:
    """Accumulates newline-separated reasons, touching only the rows a reason applies to."""

    def __init__(self, size: int) -> None:
        self.text = np.full(size, "", dtype=object)
        self.started = np.zeros(size, dtype=bool)

    def add(self, present: np.ndarray, text: str | np.ndarray, index: np.ndarray | None = None) -> None:
        """Append ``text`` (a constant, or a table looked up at ``index``) where ``present``."""
        rows = np.flatnonzero(present)
        if not rows.size:
            return
        values = text if isinstance(text, str) else text[index[rows]]
        separator = np.where(self.started[rows], SEPARATOR, "").astype(object)
        self.text[rows] = self.text[rows] + separator + values
        self.started[rows] = True


def _reported_efi(frame: pd.DataFrame, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where the extract carried the clinical system's eFI and it differs from ours by a
    deficit or more, both, so someone can look for the records one side is missing."""
    reported = (frame["efi_reported"].to_numpy(dtype=float) if "efi_reported" in frame
                else np.full(len(frame), np.nan))
    ours = frame["efi_deficits"].notna().to_numpy()
    reported_count = np.rint(np.nan_to_num(reported, nan=-1) * EFI_DEFICIT_COUNT).astype(np.int64)
    differs = ours & ~np.isnan(reported) & (reported_count != counts)
    text = np.full(len(frame), "", dtype=object)
    rows = np.flatnonzero(differs)
    if rows.size:
        shown = pd.Series(reported[rows]).map("{:.2f}".format).to_numpy(dtype=object)
        text[rows] = ("eFI from the clinical system " + shown + " (about "
                      + reported_count[rows].astype(str).astype(object) + " of 36 deficits) differs from "
                      + pd.Series(counts[rows] / EFI_DEFICIT_COUNT).map("{:.2f}".format).to_numpy(dtype=object)
                      + " here (" + counts[rows].astype(str).astype(object) + " of 36, from the imported records)")
    return differs, text, np.arange(len(frame))


def build_reasons(frame: pd.DataFrame, points: pd.DataFrame, model: PriorityModel,
                  pinned: np.ndarray, cms_why: np.ndarray | None = None) -> np.ndarray:
    """One newline-separated reason list per person (object array of str).

    ``frame`` holds the inputs (as for ``score_points``) plus ``efi_deficits`` and
    ``cms_centi``; ``points`` is the output of ``score_points``; ``pinned`` the
    always-tier-3 reason for each adult, or None; ``cms_why`` the line saying why each
    counted CMS condition counted ('' for none): said for every adult with one.
    """
    size = len(frame)
    reasons = _ReasonList(size)
    pinned_text = pd.Series(pinned, dtype=object).fillna("").to_numpy()
    has_pin = pinned_text != ""
    if has_pin.any():
        reasons.add(has_pin, "Always tier 3: " + pinned_text, np.arange(size))

    # Frailty: the eFI reason, or the clinician-coded frailty when that scored higher.
    counts = pd.Series(frame["efi_deficits"], dtype="Int64").fillna(0).to_numpy(dtype=np.int64)
    coded_level = category_levels(frame["frailty_coded"].to_numpy(), missing=-1)
    reasons.add(points["pts_frailty"].to_numpy() > 0, FRAILTY_TABLE.ravel(),
                counts * FRAILTY_TABLE.shape[1] + coded_level + 1)

    reasons.add(*_reported_efi(frame, counts))

    cms_centi = frame["cms_centi"].to_numpy(dtype=np.int64)
    cms_table = np.array([f"Cambridge Multimorbidity Score {c / 100:.2f}"
                          for c in range(int(cms_centi.max(initial=0)) + 1)], dtype=object)
    reasons.add(points["pts_multimorbidity"].to_numpy() > 0, cms_table, cms_centi)
    if cms_why is not None:
        why = np.asarray(cms_why, dtype=object)
        reasons.add(why != "", why, np.arange(size))

    for column, component, one, many, not_supplied in (
        ("emergency_admissions_12m", "pts_admissions", "emergency admission", "emergency admissions",
         NOT_SUPPLIED_ADMISSIONS),
        ("ae_attendances_12m", "pts_ae", "A&E attendance", "A&E attendances", NOT_SUPPLIED_AE),
        ("medication_count", "pts_polypharmacy", "medicine", "different medicines", NOT_SUPPLIED_MEDICINES),
    ):
        values = frame[column].to_numpy(dtype=float)
        missing = np.isnan(values)
        reasons.add(missing, not_supplied)
        table = _counted_table(values, one, many, " in the last 12 months")
        reasons.add(points[component].to_numpy() > 0, table, np.where(missing, 0, values).astype(np.int64))

    age = np.maximum(frame["age"].to_numpy(dtype=np.int64), 0)
    age_table = np.array([f"Aged {a}" for a in range(int(age.max(initial=0)) + 1)], dtype=object)
    reasons.add(points["pts_age"].to_numpy() > 0, age_table, age)

    deciles = np.nan_to_num(frame["imd_decile"].to_numpy(dtype=float), nan=0).astype(np.int64)
    decile_table = np.array([f"Lives in a deprived area (IMD decile {d})" for d in range(11)], dtype=object)
    reasons.add(points["pts_deprivation"].to_numpy() > 0, decile_table, np.clip(deciles, 0, 10))

    flags = model.social_flags
    bits = np.zeros(size, dtype=np.int64)
    for index, flag in enumerate(flags):
        bits |= frame[flag].to_numpy(dtype=bool).astype(np.int64) << index
    social_table = np.array([
        "Social: " + ", ".join(SOCIAL_LABELS.get(f, f.replace("_", " ")) for i, f in enumerate(flags) if n >> i & 1)
        for n in range(1 << len(flags))
    ], dtype=object)
    reasons.add(points["pts_social"].to_numpy() > 0, social_table, bits)
    return reasons.text


def split_reasons(text: str | None) -> list[str]:
    return [line for line in (text or "").split(SEPARATOR) if line]
