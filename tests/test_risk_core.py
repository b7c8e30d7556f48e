"""eFI, Cambridge Multimorbidity Score, priority points, reasons, ranking and tiers (core, no database)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from pcn_assistant.core.conditions import conditions
from pcn_assistant.core.risk import assess, load_model
from pcn_assistant.core.risk.assess import ages_on
from pcn_assistant.core.risk.cms import CMS_CONDITIONS, CMS_MAX, cms_score, cms_sources
from pcn_assistant.core.risk.efi import (
    DEFICIT_KEYS,
    EFI_DEFICITS,
    deficit_sources,
    deficits_in_mask,
    efi_categories,
    efi_category,
    efi_for,
)
from pcn_assistant.core.risk.priority import parse_model
from pcn_assistant.core.risk.tiers import parse_percent, tier_sizes

MODEL = load_model()


def person(**overrides) -> dict:
    """An adult with nothing recorded; override what a test needs."""
    base = {
        "nhs_number": "9990000018", "age": 50, "lives_alone": False, "is_carer": False,
        "has_carer": False, "housebound": False, "care_home": False, "palliative_care": False,
        "learning_disability": False, "medication_count": 0, "ae_attendances_12m": 0,
        "emergency_admissions_12m": 0, "frailty_coded": None, "imd_decile": 6, "conditions": (),
    }
    base.update(overrides)
    return base


def run(people: list[dict], tier3: str = "2", tier2: str = "13") -> pd.DataFrame:
    frame = pd.DataFrame([{k: v for k, v in p.items() if k != "conditions"} for p in people])
    flags: dict[str, np.ndarray] = {}
    for index, p in enumerate(people):
        for key in p["conditions"]:
            flags.setdefault(key, np.zeros(len(people), dtype=bool))[index] = True
    return assess(frame, flags, MODEL, tier3, tier2)


def one(**overrides) -> pd.Series:
    return run([person(**overrides)]).iloc[0]


# Conditions that are eFI deficits but not CMS conditions, to build exact deficit counts.
EFI_ONLY = [c.key for c in conditions() if c.efi_deficit and not c.cms_condition
            and c.key not in ("polypharmacy", "housebound", "memory_problems", "respiratory_disease")]


def with_deficits(n: int) -> tuple[str, ...]:
    assert n <= len(EFI_ONLY)
    return tuple(EFI_ONLY[:n])


# ---- eFI -------------------------------------------------------------------------------

def test_thirty_six_deficits_all_reachable_from_the_catalogue():
    assert len(EFI_DEFICITS) == 36
    sources = deficit_sources()
    missing = [d for d, keys in sources.items() if not keys and d not in ("housebound", "polypharmacy")]
    assert missing == []


@pytest.mark.parametrize(("count", "expected"), [
    (0, "fit"), (4, "fit"), (5, "mild"), (8, "mild"), (9, "moderate"), (12, "moderate"),
    (13, "severe"), (36, "severe"),
])
def test_efi_cut_offs_on_the_exact_fraction(count, expected):
    assert efi_category(count) == expected


def test_every_count_categorised_by_fraction():
    for count in range(37):
        fraction = count / 36
        expected = "fit" if fraction <= 0.12 else "mild" if fraction <= 0.24 else (
            "moderate" if fraction <= 0.36 else "severe")
        assert efi_category(count) == expected, count
    assert list(efi_categories(np.array([4, 5, 12, 13, -1]))) == ["fit", "mild", "moderate", "severe", None]


def test_twelve_deficits_moderate_thirteen_severe_though_both_show_036():
    twelve, thirteen = run([person(age=80, conditions=with_deficits(12)),
                            person(age=80, conditions=with_deficits(13))]).itertuples()
    assert (twelve.efi_deficits, twelve.efi_category) == (12, "moderate")
    assert (thirteen.efi_deficits, thirteen.efi_category) == (13, "severe")
    assert f"{thirteen.efi_score:.2f}" == "0.36" and thirteen.efi_score > 0.36


def test_efi_not_applicable_under_65_never_zero():
    young, old = run([person(age=64, conditions=with_deficits(6)), person(age=65)]).itertuples()
    assert pd.isna(young.efi_deficits) and np.isnan(young.efi_score) and pd.isna(young.efi_category)
    assert old.efi_deficits == 0 and old.efi_score == 0.0 and old.efi_category == "fit"
    assert efi_for(["falls"], age=60) is None


def test_each_deficit_counted_once():
    # dementia and memory problems are one deficit; COPD, asthma and other respiratory disease one.
    row = one(age=70, conditions=("dementia", "memory_problems", "copd", "asthma", "respiratory_disease"))
    assert row.efi_deficits == 2
    assert sorted(deficits_in_mask(row.efi_deficit_mask)) == ["Memory and cognitive problems", "Respiratory disease"]


def test_housebound_from_flag_or_condition_and_care_need_from_requires_care():
    flag, coded, care = run([person(age=70, housebound=True), person(age=70, conditions=("housebound",)),
                             person(age=70, conditions=("requires_care",))]).itertuples()
    assert flag.efi_deficits == coded.efi_deficits == care.efi_deficits == 1
    assert deficits_in_mask(care.efi_deficit_mask) == ["Requirement for care"]
    both = one(age=70, housebound=True, conditions=("housebound",))
    assert both.efi_deficits == 1


@pytest.mark.parametrize(("medicines", "deficits"), [(4, 0), (5, 1), (12, 1), (None, 0)])
def test_polypharmacy_deficit_from_five_medicines(medicines, deficits):
    assert one(age=70, medication_count=medicines).efi_deficits == deficits


def test_deficit_keys_are_clegg_order():
    assert DEFICIT_KEYS[0] == "activity_limitation" and DEFICIT_KEYS[-1] == "weight_loss_anorexia"


# ---- CMS -------------------------------------------------------------------------------

EXPECTED_CMS = {
    "alcohol_problems": 0.65, "anxiety_depression": 0.50, "asthma": 0.19, "atrial_fibrillation": 1.34,
    "cancer_5y": 1.53, "chronic_kidney_disease": 0.53, "connective_tissue_disorder": 0.43, "copd": 1.46,
    "coronary_heart_disease": 0.49, "dementia": 2.50, "diabetes": 0.75, "epilepsy": 0.92,
    "hearing_loss": 0.09, "heart_failure": 1.18, "hypertension": 0.08, "irritable_bowel_syndrome": 0.21,
    "painful_condition": 0.92, "schizophrenia_bipolar": 0.64, "stroke_tia": 0.80, "treated_constipation": 1.12,
}


@pytest.mark.parametrize(("cms_key", "weight"), sorted(EXPECTED_CMS.items()))
def test_every_cms_weight_through_its_catalogue_condition(cms_key, weight):
    assert cms_score([cms_key]) == pytest.approx(weight)
    catalogue_key = cms_sources()[cms_key][0]
    assert one(conditions=(catalogue_key,)).cms_score == pytest.approx(weight)


def test_cms_has_twenty_conditions_max_1633_and_anxiety_depression_once():
    assert len(CMS_CONDITIONS) == 20 and CMS_MAX == pytest.approx(16.33)
    assert one(conditions=("anxiety", "depression")).cms_score == pytest.approx(0.50)
    everything = [keys[0] for keys in cms_sources().values()]
    assert one(conditions=tuple(everything)).cms_score == pytest.approx(16.33)


def test_cms_for_adults_only():
    child, adult = run([person(age=17, conditions=("asthma",)), person(age=18, conditions=("asthma",))]).itertuples()
    assert np.isnan(child.cms_score) and adult.cms_score == pytest.approx(0.19)


# ---- priority points -------------------------------------------------------------------

def test_model_file_maximum_is_18_and_recorded_version():
    assert MODEL.id == "ppcs-1" and MODEL.version and MODEL.max_points == 18
    assert "not a diagnosis" in MODEL.statement and "local clinical review" in MODEL.statement


def test_model_file_missing_section_is_refused():
    with pytest.raises(ValueError, match="missing"):
        parse_model({"model": {"id": "x", "version": "1", "title": "t", "statement": "s"}})


@pytest.mark.parametrize(("deficits", "coded", "points"), [
    (0, None, 0), (4, None, 0), (5, None, 1), (9, None, 2), (13, None, 3),
    (2, "moderate", 2), (2, "Severe", 3), (13, "mild", 3), (6, "mild", 1),
])
def test_frailty_points_from_efi_or_higher_coded_frailty(deficits, coded, points):
    assert one(age=70, conditions=with_deficits(deficits), frailty_coded=coded).pts_frailty == points


def test_frailty_points_only_from_65():
    assert one(age=64, conditions=with_deficits(13), frailty_coded="severe").pts_frailty == 0


@pytest.mark.parametrize(("cms_keys", "points"), [
    ((), 0), (("copd",), 1), (("dementia",), 2), (("dementia", "copd"), 3),
    (("dementia", "copd", "heart_failure", "atrial_fibrillation"), 4),
    (("dementia", "copd", "heart_failure", "atrial_fibrillation", "cancer", "stroke_tia"), 4),
    (("hypertension", "diabetes", "coronary_heart_disease", "asthma"), 1),  # 1.51
    (("ibs", "hypertension", "hearing_loss"), 0),  # 0.38
])
def test_multimorbidity_points_floor_of_cms_capped_at_4(cms_keys, points):
    assert one(conditions=cms_keys).pts_multimorbidity == points


def test_multimorbidity_floor_is_exact_at_whole_numbers():
    # 0.92 + 0.08 = 1.00 exactly (painful condition + hypertension): 1 point, not 0.
    row = one(conditions=("painful_condition", "hypertension"))
    assert row.cms_score == pytest.approx(1.0) and row.pts_multimorbidity == 1
    assert one(age=17, conditions=("dementia", "copd")).pts_multimorbidity == 0


@pytest.mark.parametrize(("admissions", "points"), [(0, 0), (1, 2), (2, 3), (3, 4), (7, 4), (None, 0)])
def test_emergency_admission_points(admissions, points):
    assert one(emergency_admissions_12m=admissions).pts_admissions == points


@pytest.mark.parametrize(("attendances", "points"), [(0, 0), (1, 0), (2, 1), (9, 1), (None, 0)])
def test_ae_points(attendances, points):
    assert one(ae_attendances_12m=attendances).pts_ae == points


@pytest.mark.parametrize(("medicines", "points"), [(0, 0), (4, 0), (5, 1), (9, 1), (10, 2), (25, 2), (None, 0)])
def test_polypharmacy_points(medicines, points):
    assert one(medication_count=medicines).pts_polypharmacy == points


@pytest.mark.parametrize(("age", "points"), [(74, 0), (75, 1), (84, 1), (85, 2), (101, 2)])
def test_age_points(age, points):
    assert one(age=age).pts_age == points


@pytest.mark.parametrize(("decile", "points"), [(1, 1), (2, 1), (3, 0), (10, 0), (None, 0)])
def test_deprivation_points(decile, points):
    assert one(imd_decile=decile).pts_deprivation == points


@pytest.mark.parametrize("flags", [{"lives_alone": True}, {"housebound": True}, {"is_carer": True},
                                   {"has_carer": True}, {"lives_alone": True, "is_carer": True, "has_carer": True}])
def test_social_point_scores_once(flags):
    assert one(**flags).pts_social == 1
    assert one().pts_social == 0


def test_worked_example_sixteen_points():
    deficits = ("dementia", "heart_failure", "atrial_fibrillation", "copd", "falls", "arthritis",
                "visual_impairment", "urinary_incontinence", "mobility_problems", "osteoporosis",
                "dizziness", "anaemia", "skin_ulcer")  # 13 deficits + polypharmacy + lives alone = 15
    row = one(age=88, conditions=deficits, emergency_admissions_12m=2, ae_attendances_12m=1,
              medication_count=12, imd_decile=2, lives_alone=True)
    # Living alone is on the published eFI social vulnerability list (Clegg et al. 2016).
    assert row.efi_deficits == 15 and row.cms_score == pytest.approx(6.48)
    parts = [row[f"pts_{c}"] for c in ("frailty", "multimorbidity", "admissions", "ae", "polypharmacy",
                                       "age", "deprivation", "social")]
    assert parts == [3, 4, 3, 0, 2, 2, 1, 1] and row.points == 16
    reasons = row.reasons.split("\n")
    assert "Severe frailty: 15 of 36 eFI deficits (0.42)" in reasons
    assert "2 emergency admissions in the last 12 months" in reasons
    assert "Cambridge Multimorbidity Score 6.48" in reasons


def test_worked_example_three_points():
    row = one(age=72, conditions=("hypertension", "diabetes", "coronary_heart_disease", "falls", "arthritis"),
              emergency_admissions_12m=0, medication_count=7, imd_decile=7)
    assert row.efi_deficits == 6 and row.cms_score == pytest.approx(1.32)
    parts = [row[f"pts_{c}"] for c in ("frailty", "multimorbidity", "admissions", "ae", "polypharmacy",
                                       "age", "deprivation", "social")]
    assert parts == [1, 1, 0, 0, 1, 0, 0, 0] and row.points == 3
    assert row.reasons.split("\n") == ["Mild frailty: 6 of 36 eFI deficits (0.17)",
                                       "Cambridge Multimorbidity Score 1.32",
                                       "CMS conditions: coronary heart disease; diabetes; hypertension",
                                       "7 different medicines in the last 12 months"]


def test_missing_utilisation_is_not_supplied_not_zero():
    row = one(emergency_admissions_12m=None, ae_attendances_12m=None, medication_count=None)
    assert row.points == 0
    assert row.reasons.split("\n") == [
        "Emergency admissions in the last 12 months: not supplied",
        "A&E attendances in the last 12 months: not supplied",
        "Number of medicines: not supplied",
    ]
    assert "not supplied" not in one().reasons


def test_coded_frailty_reason_names_both():
    row = one(age=80, frailty_coded="severe", conditions=with_deficits(6))
    assert row.reasons.split("\n")[1].startswith("Clinician-coded severe frailty (higher than the eFI")


# ---- ranking and tiers -------------------------------------------------------------------

def ranked(people: list[dict]) -> list[str]:
    out = run(people)
    return list(out.sort_values("rank_key", ascending=False)["nhs_number"])


def test_tie_break_by_admissions_then_efi_then_cms_then_nhs_number():
    # Everyone on 4 points.
    a = person(nhs_number="9990000026", emergency_admissions_12m=1, medication_count=5, imd_decile=1)  # 2+1+1
    b = person(nhs_number="9990000034", emergency_admissions_12m=2, lives_alone=True)  # 3+1
    assert ranked([a, b]) == ["9990000034", "9990000026"]
    c = person(nhs_number="9990000042", age=70, conditions=with_deficits(9))  # moderate 2 ... +2 below
    c.update(medication_count=10)  # polypharmacy 2 and a 10th deficit
    d = person(nhs_number="9990000050", age=70, conditions=with_deficits(10), medication_count=10)
    rows = run([c, d])
    assert rows.points.tolist() == [4, 4] and rows.efi_deficits.tolist() == [10, 11]
    assert ranked([c, d]) == ["9990000050", "9990000042"]
    e = person(nhs_number="9990000069", conditions=("copd", "painful_condition"))  # CMS 2.38 -> 2
    f = person(nhs_number="9990000077", conditions=("dementia",))  # CMS 2.50 -> 2
    assert ranked([e, f]) == ["9990000077", "9990000069"]
    g = person(nhs_number="9990000085", imd_decile=1)
    h = person(nhs_number="9990000093", imd_decile=2)
    assert ranked([h, g]) == ["9990000085", "9990000093"]


def test_not_supplied_admissions_rank_below_zero():
    known = person(nhs_number="9990000093", emergency_admissions_12m=0)
    unknown = person(nhs_number="9990000018", emergency_admissions_12m=None)
    assert ranked([unknown, known]) == ["9990000093", "9990000018"]


def test_tier_sizes_round_up_exactly():
    assert tier_sizes(100, "2", "13") == (2, 13)  # 13% of 100 is 13, not 14
    assert tier_sizes(50, "2", "13") == (1, 7)
    assert tier_sizes(51, "2", "13") == (2, 7)
    assert tier_sizes(0, "2", "13") == (0, 0)
    assert tier_sizes(10, "50", "50") == (5, 5)
    with pytest.raises(ValueError):
        tier_sizes(10, "60", "50")
    with pytest.raises(ValueError):
        parse_percent("lots")


def test_tiers_follow_rank_over_adults_and_children_have_none():
    people = [person(nhs_number=f"99900{i:05d}", emergency_admissions_12m=i % 4, medication_count=i % 12)
              for i in range(100)]
    people += [person(nhs_number=f"99901{i:05d}", age=10, emergency_admissions_12m=3) for i in range(5)]
    out = run(people)
    adults = out[out.age >= 18].sort_values("rank_key", ascending=False)
    assert adults.tier.tolist() == [3] * 2 + [2] * 13 + [1] * 85
    assert out[out.age < 18].tier.isna().all() and out[out.age < 18].points.gt(0).all()


@pytest.mark.parametrize(("flags", "reason"), [
    ({"care_home": True}, "Care home resident"),
    ({"palliative_care": True}, "On the palliative care register"),
    ({"age": 80, "frailty_coded": "severe"}, "Severe frailty"),
    ({"age": 80, "conditions": tuple(EFI_ONLY[:13])}, "Severe frailty"),
])
def test_pinned_cohorts_always_tier_3_with_reason(flags, reason):
    crowd = [person(nhs_number=f"99900{i:05d}", emergency_admissions_12m=3, medication_count=12)
             for i in range(200)]
    out = run(crowd + [person(nhs_number="9990900000", **flags)])
    pinned = out.iloc[-1]
    assert pinned.tier == 3 and pinned.pinned_reason == reason
    assert pinned.reasons.split("\n")[0] == f"Always tier 3: {reason}"


def test_pinned_reasons_combine_and_children_are_never_pinned():
    out = run([person(care_home=True, palliative_care=True), person(age=9, palliative_care=True)])
    assert out.iloc[0].pinned_reason == "Care home resident; On the palliative care register"
    assert pd.isna(out.iloc[1].tier) and pd.isna(out.iloc[1].pinned_reason)


def test_ages_on_counts_birthdays():
    dob = pd.Series(["1950-11-01", "1950-11-02", "2000-02-29"])
    assert ages_on(dob, date(2026, 11, 1)).tolist() == [76, 75, 26]


def test_vectorised_matches_one_by_one():
    rng = np.random.default_rng(3)
    keys = [c.key for c in conditions()]
    people = [person(nhs_number=f"99900{i:05d}", age=int(rng.integers(0, 100)),
                     medication_count=None if i % 7 == 0 else int(rng.integers(0, 15)),
                     emergency_admissions_12m=int(rng.integers(0, 4)), imd_decile=int(rng.integers(1, 11)),
                     lives_alone=bool(rng.random() < 0.3), frailty_coded=rng.choice([None, "mild", "severe"]),
                     conditions=tuple(rng.choice(keys, int(rng.integers(0, 12)), replace=False)))
              for i in range(60)]
    together = run(people)
    for index, p in enumerate(people):
        alone = run([p]).iloc[0]
        for column in ("points", "efi_deficits", "cms_score", "reasons", "rank_key"):
            a, b = together.iloc[index][column], alone[column]
            assert (pd.isna(a) and pd.isna(b)) or a == b, (index, column)
