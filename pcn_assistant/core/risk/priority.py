"""The PCN priority score (model ``ppcs-1``): transparent points, summed.

The weights live in ``resources/risk_models/<id>.toml`` so a PCN can read and review
them; every assessment records the model id and version it was made with. The score
ranks people for review. It is not a diagnosis, and the weights are for local
clinical review.

Every component is computed for a whole frame at once with numpy (350,000 people in
a few tens of milliseconds); nothing loops over rows.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from pcn_assistant.assets import resource_path
from pcn_assistant.core.risk.efi import EFI_CATEGORIES, SEVERE

DEFAULT_MODEL = "ppcs-1"

# Components in the order the issue, the reasons and the risk panel list them.
COMPONENTS: dict[str, str] = {
    "frailty": "Frailty",
    "multimorbidity": "Multimorbidity",
    "admissions": "Emergency admissions",
    "ae": "A&E attendances",
    "polypharmacy": "Medicines",
    "age": "Age",
    "deprivation": "Deprivation",
    "social": "Social circumstances",
}
POINT_COLUMNS: tuple[str, ...] = tuple(f"pts_{name}" for name in COMPONENTS)
FRAILTY_LEVEL = {category: level for level, category in enumerate(EFI_CATEGORIES)}

Bands = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class PriorityModel:
    """A priority-score model as read from its TOML file."""

    id: str
    version: str
    title: str
    statement: str
    frailty_min_age: int
    frailty_points: dict[str, int]
    multimorbidity_min_age: int
    multimorbidity_cap: int
    admissions_bands: Bands
    ae_bands: Bands
    polypharmacy_bands: Bands
    age_bands: Bands
    deprivation_deciles: tuple[int, ...]
    deprivation_points: int
    social_flags: tuple[str, ...]
    social_points: int
    always_tier_3: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.id} v{self.version}"

    @property
    def max_points(self) -> int:
        top = [max(bands)[1] if bands else 0 for bands in (
            self.admissions_bands, self.ae_bands, self.polypharmacy_bands, self.age_bands)]
        return (max(self.frailty_points.values()) + self.multimorbidity_cap + sum(top)
                + self.deprivation_points + self.social_points)

    def component_max(self, name: str) -> int:
        return {
            "frailty": max(self.frailty_points.values()),
            "multimorbidity": self.multimorbidity_cap,
            "admissions": _top(self.admissions_bands),
            "ae": _top(self.ae_bands),
            "polypharmacy": _top(self.polypharmacy_bands),
            "age": _top(self.age_bands),
            "deprivation": self.deprivation_points,
            "social": self.social_points,
        }[name]


def _top(bands: Bands) -> int:
    return max((points for _threshold, points in bands), default=0)


def _bands(raw: list) -> Bands:
    bands = tuple(sorted((int(threshold), int(points)) for threshold, points in raw))
    if any(points < 0 for _t, points in bands):
        raise ValueError("Band points must not be negative")
    return bands


def parse_model(data: dict) -> PriorityModel:
    """Build a model from parsed TOML, refusing anything incomplete."""
    try:
        frailty_points = {key: int(value) for key, value in data["frailty"]["points"].items()}
        if set(frailty_points) != set(EFI_CATEGORIES):
            raise ValueError(f"frailty.points must name {', '.join(EFI_CATEGORIES)}")
        return PriorityModel(
            id=str(data["model"]["id"]),
            version=str(data["model"]["version"]),
            title=str(data["model"]["title"]),
            statement=str(data["model"]["statement"]),
            frailty_min_age=int(data["frailty"]["min_age"]),
            frailty_points=frailty_points,
            multimorbidity_min_age=int(data["multimorbidity"]["min_age"]),
            multimorbidity_cap=int(data["multimorbidity"]["cap"]),
            admissions_bands=_bands(data["emergency_admissions"]["bands"]),
            ae_bands=_bands(data["ae_attendances"]["bands"]),
            polypharmacy_bands=_bands(data["polypharmacy"]["bands"]),
            age_bands=_bands(data["age"]["bands"]),
            deprivation_deciles=tuple(int(d) for d in data["deprivation"]["deciles"]),
            deprivation_points=int(data["deprivation"]["points"]),
            social_flags=tuple(str(f) for f in data["social"]["flags"]),
            social_points=int(data["social"]["points"]),
            always_tier_3=tuple(str(g) for g in data["tiers"]["always_tier_3"]),
        )
    except KeyError as missing:
        raise ValueError(f"Risk model is missing {missing}") from missing


def model_path(model_id: str = DEFAULT_MODEL) -> Path:
    return resource_path("risk_models", f"{model_id}.toml")


def load_model_file(path: Path) -> PriorityModel:
    with open(path, "rb") as handle:
        return parse_model(tomllib.load(handle))


@cache
def load_model(model_id: str = DEFAULT_MODEL) -> PriorityModel:
    return load_model_file(model_path(model_id))


def band_points(values: np.ndarray, bands: Bands) -> np.ndarray:
    """Points of the highest band each value reaches; a missing value (NaN) scores 0."""
    values = np.asarray(values, dtype=float)
    out = np.zeros(values.shape, dtype=np.int64)
    for threshold, points in bands:  # ascending, so the highest band reached wins
        out = np.where(values >= threshold, points, out)
    return out


def category_levels(values: np.ndarray, missing: int = 0) -> np.ndarray:
    """fit/mild/moderate/severe (any case, spaces ignored) -> 0-3; anything else -> ``missing``."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    lookup = [FRAILTY_LEVEL.get(str(u).strip().lower(), missing) for u in uniques]
    return np.array(lookup + [missing], dtype=np.int64)[codes]


def frailty_levels(age: np.ndarray, efi_category: np.ndarray, frailty_coded: np.ndarray,
                   min_age: int) -> np.ndarray:
    """Level 0-3 (fit..severe) from the eFI or a higher clinician-coded frailty; -1 under ``min_age``."""
    level = np.maximum(category_levels(efi_category), category_levels(frailty_coded))
    return np.where(np.asarray(age) >= min_age, level, -1)


def score_points(frame: pd.DataFrame, model: PriorityModel) -> pd.DataFrame:
    """Points by component, the total and the frailty level used.

    ``frame`` columns: age, efi_category, frailty_coded, cms_centi,
    emergency_admissions_12m, ae_attendances_12m, medication_count (NaN = not
    supplied), imd_decile, and the social flags named by the model (booleans).
    """
    age = frame["age"].to_numpy()
    level = frailty_levels(age, frame["efi_category"].to_numpy(), frame["frailty_coded"].to_numpy(),
                           model.frailty_min_age)
    level_points = np.array([model.frailty_points[c] for c in EFI_CATEGORIES] + [0], dtype=np.int64)
    adult = age >= model.multimorbidity_min_age
    cms_whole = frame["cms_centi"].to_numpy(dtype=np.int64) // 100
    social_any = np.zeros(len(frame), dtype=bool)
    for flag in model.social_flags:
        social_any |= frame[flag].to_numpy(dtype=bool)
    deciles = frame["imd_decile"].to_numpy(dtype=float)
    points = pd.DataFrame({
        "pts_frailty": level_points[level],  # level -1 (too young) picks the trailing 0
        "pts_multimorbidity": np.where(adult, np.minimum(cms_whole, model.multimorbidity_cap), 0),
        "pts_admissions": band_points(frame["emergency_admissions_12m"], model.admissions_bands),
        "pts_ae": band_points(frame["ae_attendances_12m"], model.ae_bands),
        "pts_polypharmacy": band_points(frame["medication_count"], model.polypharmacy_bands),
        "pts_age": band_points(age, model.age_bands),
        "pts_deprivation": np.where(np.isin(deciles, model.deprivation_deciles), model.deprivation_points, 0),
        "pts_social": np.where(social_any, model.social_points, 0),
    }, index=frame.index).astype(np.int64)
    points["points"] = points[list(POINT_COLUMNS)].sum(axis=1)
    level_names = np.array(list(EFI_CATEGORIES) + [None], dtype=object)
    points["frailty_level"] = level_names[level]
    return points


def is_severe(frailty_level: np.ndarray) -> np.ndarray:
    return np.asarray(frailty_level, dtype=object) == SEVERE
