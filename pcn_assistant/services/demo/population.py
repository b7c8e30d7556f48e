"""A synthetic practice population, shaped like a coastal northern English town.

Returns a frame in the canonical import fields (the same columns a practice extract
maps to), so the demo, the benchmarks and the import tests share one generator.
Everything is vectorised: 350,000 people take well under a second.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

# 5-year age bands 0-4 ... 100-104, per cent of the list (older than England overall).
AGE_BAND_WEIGHTS = np.array([
    5.0, 5.5, 5.8, 5.5, 5.5, 6.0, 6.0, 6.0, 5.8, 6.0, 6.8, 7.0, 6.5, 5.8, 5.5, 4.5, 3.0,
    1.8, 0.8, 0.25, 0.03,
])
# IMD deciles 1 (most deprived) to 10 for the town as a whole.
IMD_WEIGHTS = np.array([0.24, 0.16, 0.12, 0.10, 0.09, 0.08, 0.07, 0.06, 0.05, 0.03])

# Prevalence by age group: under 18, 18-39, 40-64, 65-74, 75-84, 85+.
PREVALENCE: dict[str, tuple[float, ...]] = {
    "hypertension": (0.002, 0.02, 0.15, 0.38, 0.50, 0.55),
    "diabetes": (0.002, 0.015, 0.08, 0.16, 0.19, 0.17),
    "coronary_heart_disease": (0, 0.002, 0.03, 0.09, 0.15, 0.20),
    "atrial_fibrillation": (0, 0.001, 0.01, 0.05, 0.11, 0.17),
    "heart_failure": (0, 0.0005, 0.005, 0.02, 0.05, 0.10),
    "stroke_tia": (0, 0.002, 0.01, 0.04, 0.08, 0.12),
    "ckd": (0, 0.002, 0.02, 0.08, 0.18, 0.30),
    "copd": (0, 0.002, 0.02, 0.06, 0.08, 0.08),
    "asthma": (0.09, 0.07, 0.065, 0.07, 0.07, 0.06),
    "dementia": (0, 0, 0.001, 0.01, 0.05, 0.18),
    "memory_problems": (0, 0, 0.005, 0.02, 0.06, 0.12),
    "depression": (0.01, 0.12, 0.14, 0.12, 0.11, 0.12),
    "anxiety": (0.02, 0.10, 0.10, 0.08, 0.07, 0.07),
    "arthritis": (0.001, 0.02, 0.12, 0.30, 0.38, 0.45),
    "osteoporosis": (0, 0.001, 0.02, 0.07, 0.13, 0.20),
    "falls": (0.01, 0.01, 0.02, 0.06, 0.14, 0.28),
    "fragility_fracture": (0, 0.001, 0.01, 0.03, 0.06, 0.12),
    "hearing_loss": (0.005, 0.01, 0.04, 0.12, 0.22, 0.35),
    "visual_impairment": (0.005, 0.01, 0.03, 0.08, 0.14, 0.25),
    "urinary_incontinence": (0.005, 0.01, 0.03, 0.07, 0.12, 0.20),
    "urinary_system_disease": (0.005, 0.01, 0.03, 0.06, 0.10, 0.14),
    "thyroid_disease": (0.002, 0.02, 0.05, 0.08, 0.10, 0.10),
    "cancer": (0.001, 0.003, 0.02, 0.05, 0.07, 0.07),
    "painful_condition": (0.01, 0.05, 0.12, 0.18, 0.20, 0.22),
    "treated_constipation": (0.01, 0.02, 0.03, 0.06, 0.10, 0.15),
    "ibs": (0.01, 0.05, 0.05, 0.04, 0.03, 0.03),
    "alcohol_problems": (0, 0.02, 0.03, 0.02, 0.01, 0.005),
    "epilepsy": (0.005, 0.008, 0.008, 0.008, 0.008, 0.008),
    "schizophrenia_bipolar": (0, 0.008, 0.01, 0.008, 0.006, 0.005),
    "connective_tissue_disorder": (0.001, 0.005, 0.015, 0.02, 0.025, 0.03),
    "peripheral_vascular_disease": (0, 0, 0.01, 0.03, 0.05, 0.07),
    "heart_valve_disease": (0, 0.002, 0.005, 0.02, 0.04, 0.07),
    "parkinsonism": (0, 0, 0.002, 0.01, 0.02, 0.03),
    "dizziness": (0.005, 0.01, 0.03, 0.06, 0.10, 0.15),
    "dyspnoea": (0.005, 0.01, 0.04, 0.08, 0.12, 0.18),
    "foot_problems": (0.005, 0.01, 0.04, 0.10, 0.15, 0.22),
    "hypotension_syncope": (0.002, 0.005, 0.01, 0.03, 0.06, 0.10),
    "mobility_problems": (0, 0.005, 0.02, 0.06, 0.15, 0.35),
    "activity_limitation": (0.005, 0.01, 0.03, 0.06, 0.12, 0.25),
    "anaemia": (0.01, 0.02, 0.04, 0.08, 0.12, 0.18),
    "peptic_ulcer": (0, 0.005, 0.02, 0.04, 0.05, 0.06),
    "skin_ulcer": (0, 0.001, 0.005, 0.02, 0.04, 0.08),
    "sleep_disturbance": (0.01, 0.04, 0.08, 0.10, 0.12, 0.14),
    "weight_loss": (0.002, 0.005, 0.01, 0.02, 0.04, 0.08),
    "requires_care": (0.005, 0.005, 0.01, 0.03, 0.08, 0.25),
    "social_vulnerability": (0.01, 0.02, 0.03, 0.05, 0.08, 0.12),
    "respiratory_disease": (0.005, 0.005, 0.01, 0.02, 0.03, 0.04),
}
CONDITION_COLUMNS = tuple(PREVALENCE)

GIVEN_F = (
    "Olivia Amelia Isla Ava Mia Grace Sophie Emily Lily Freya Ella Ruby Chloe Evie Jessica Poppy "
    "Margaret Patricia Susan Linda Elizabeth Barbara Jean Joan Dorothy Irene Brenda Sheila Pauline "
    "Christine Janet Carol Helen Sarah Rachel Claire Emma Laura Hannah Amy Gemma Kelly Joanne"
).split()
GIVEN_M = (
    "Oliver George Harry Noah Jack Leo Arthur Oscar Charlie Jacob Thomas Alfie Freddie James "
    "John David Michael Peter Robert William Brian Kenneth Alan Keith Derek Colin Barry Graham "
    "Paul Mark Andrew Stephen Richard Gary Daniel Matthew Christopher Lee Craig Ryan Adam Liam"
).split()
FAMILY = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
    "Walker White Roberts Green Hall Wood Jackson Clarke Harrison Lewis Cooper Ward Hughes "
    "Turner Hill Moore Clark Parker Lee Edwards Baker Martin Atkinson Kelly Hargreaves Ashworth "
    "Whittaker Holt Crossley Pickup Rawcliffe Ormerod Singleton Bamber Cardwell Heywood Nuttall "
    "Fairclough Bradshaw Entwistle Greenhalgh Ainsworth Sutcliffe Dewhurst Kenyon Livesey Aspinall "
    "Khan Patel Begum Ali Hussain Nowak Kowalski O'Brien Murphy McDonald Campbell Stewart"
).split()
ETHNICITY = (
    ("White - British", 0.90), ("White - Other", 0.03), ("Asian or Asian British", 0.025),
    ("Black or Black British", 0.005), ("Mixed", 0.01), ("Other ethnic group", 0.005),
    ("Not stated", 0.025),
)
OUTWARD_CODES = ("FY1", "FY2", "FY3", "FY4", "FY5", "FY6", "FY7", "FY8")
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def valid_test_nhs_numbers(count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` distinct valid NHS numbers in the 999 test range, in random order."""
    chosen = rng.choice(test_range_candidates(), size=count, replace=False)
    return chosen.astype(str)


def test_range_candidates() -> np.ndarray:
    """Every valid NHS number in the 999 test range, as integers."""
    stems = np.arange(999_000_000, 999_999_999 + 1, dtype=np.int64)
    digits = (stems[:, None] // (10 ** np.arange(8, -1, -1))) % 10
    total = (digits * np.arange(10, 1, -1)).sum(axis=1)
    check = 11 - total % 11
    check[check == 11] = 0
    numbers = stems * 10 + check
    # Modulus 11 alone lets 9999999999 through; NHS Digital never issues same-digit numbers.
    valid = (check != 10) & (numbers != 9_999_999_999)
    return numbers[valid]


def _age_group(age: np.ndarray) -> np.ndarray:
    return np.digitize(age, [18, 40, 65, 75, 85])


def generate_population(
    rng: np.random.Generator, practices: list[tuple[str, float, int]], total: int, today: date,
) -> pd.DataFrame:
    """People for ``practices`` given as (ODS code, share, IMD shift), in import columns."""
    codes = np.array([p[0] for p in practices])
    shares = np.array([p[1] for p in practices], dtype=float)
    shifts = np.array([p[2] for p in practices])
    practice_index = rng.choice(len(codes), size=total, p=shares / shares.sum())

    band = rng.choice(len(AGE_BAND_WEIGHTS), size=total, p=AGE_BAND_WEIGHTS / AGE_BAND_WEIGHTS.sum())
    age_days = (band * 5 * 365.25 + rng.uniform(0, 5 * 365.25, size=total)).astype(int)
    age_days = np.maximum(age_days, 30)
    dob = pd.to_datetime(today) - pd.to_timedelta(age_days, unit="D")
    age = age_days / 365.25

    female_p = np.clip(0.49 + np.maximum(age - 60, 0) * 0.006, 0.49, 0.72)
    sex = np.where(rng.random(total) < female_p, "F", "M")
    sex[rng.random(total) < 0.001] = "U"

    imd = rng.choice(10, size=total, p=IMD_WEIGHTS) + 1
    imd = np.clip(imd + shifts[practice_index] + rng.integers(-1, 2, size=total), 1, 10)

    frame = pd.DataFrame({
        "nhs_number": valid_test_nhs_numbers(total, rng),
        "given_name": np.where(sex == "F", rng.choice(GIVEN_F, total), rng.choice(GIVEN_M, total)),
        "family_name": rng.choice(FAMILY, total),
        "date_of_birth": dob.date,
        "sex": sex,
        "practice_code": codes[practice_index],
        "imd_decile": imd,
    })
    frame["lsoa_code"] = [f"E01{900000 + (d * 37 + k) % 99999:06d}" for d, k in zip(imd, rng.integers(0, 12, total), strict=True)]
    outward = rng.choice(OUTWARD_CODES, total)
    sector = rng.integers(1, 10, total)
    unit = rng.choice(list(POSTCODE_LETTERS), (total, 2))
    frame["postcode"] = [f"{o} {s}{u[0]}{u[1]}" for o, s, u in zip(outward, sector, unit, strict=True)]
    frame["phone"] = [f"07700 900{n:03d}" for n in rng.integers(0, 1000, total)]
    labels, weights = zip(*ETHNICITY, strict=True)
    frame["ethnicity"] = rng.choice(labels, total, p=np.array(weights) / sum(weights))

    _add_conditions(frame, rng, age, imd)
    _add_social_and_use(frame, rng, age, practice_index)
    return frame


def _add_conditions(frame: pd.DataFrame, rng: np.random.Generator, age: np.ndarray, imd: np.ndarray) -> None:
    """Conditions cluster in the same people (a latent health factor), more so where poorer."""
    total = len(frame)
    group = _age_group(age)
    latent = rng.normal(size=total)
    multiplier = np.exp(0.8 * latent - 0.32) * (1 + 0.05 * (5.5 - imd))
    for key, by_group in PREVALENCE.items():
        p = np.minimum(np.asarray(by_group)[group] * multiplier, 0.95)
        frame[key] = rng.random(total) < p
    frame["_burden"] = frame[list(CONDITION_COLUMNS)].sum(axis=1)


def _add_social_and_use(frame: pd.DataFrame, rng: np.random.Generator, age: np.ndarray, practice_index: np.ndarray) -> None:
    total = len(frame)
    burden = frame.pop("_burden").to_numpy()
    adult = age >= 18
    old = age >= 65
    frame["lives_alone"] = adult & (rng.random(total) < np.select([age >= 85, age >= 65], [0.5, 0.3], 0.12))
    frame["is_carer"] = adult & (rng.random(total) < 0.07)
    frame["has_carer"] = rng.random(total) < np.minimum(0.01 + 0.02 * burden * old, 0.6)
    frame["housebound"] = rng.random(total) < np.select([age >= 85, age >= 65], [0.15, 0.03], 0.003) * (1 + 0.1 * burden)
    frame["care_home"] = rng.random(total) < np.select([age >= 85, age >= 75, age >= 65], [0.07, 0.015, 0.003], 0.0)
    frame["palliative_care"] = rng.random(total) < np.select([age >= 85, age >= 65], [0.015, 0.005], 0.0005)
    frame["learning_disability"] = rng.random(total) < 0.005

    medicines = rng.poisson(0.2 + 1.15 * burden + 0.02 * np.maximum(age - 50, 0))
    frame["medication_count"] = medicines
    frame["ae_attendances_12m"] = rng.poisson(0.22 + 0.07 * burden)
    frame["emergency_admissions_12m"] = rng.poisson(0.03 + 0.035 * burden + 0.004 * np.maximum(age - 60, 0))

    coded = np.full(total, "", dtype=object)
    coded_draw = rng.random(total)
    coded[old & (coded_draw < 0.04)] = "mild"
    coded[old & (coded_draw < 0.02)] = "moderate"
    coded[old & (coded_draw < 0.008) & (burden >= 8)] = "severe"
    frame["frailty_coded"] = coded

    # The last practice sends no utilisation data: it must read "not supplied", not zero.
    no_use = practice_index == practice_index.max()
    for column in ("ae_attendances_12m", "emergency_admissions_12m"):
        frame[column] = frame[column].astype("Int64")
        frame.loc[no_use, column] = pd.NA


