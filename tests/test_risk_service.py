"""Stratification against a real database (SQLite, and PostgreSQL when configured):
what is stored, what changes between runs, history, settings, permissions, audit, hooks."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services import hooks
from pcn_assistant.services import risk as risk_service
from pcn_assistant.services.risk.assessments import risk_stats
from pcn_assistant.services.security import LINK_WORKER, LOCAL_ADMIN, PRACTICE_MANAGER, Actor
from pcn_assistant.store.models import AuditEvent, Patient, PatientCondition, Practice
from pcn_assistant.store.models.risk import RiskAssessment, RiskRun

AS_OF = date(2026, 11, 1)
WORKER = Actor(name="sam", role=LINK_WORKER)
MANAGER = Actor(name="morgan", role=PRACTICE_MANAGER, practice_code="Y90001")

FRAIL = ("dementia", "heart_failure", "atrial_fibrillation", "copd", "falls", "arthritis",
         "visual_impairment", "urinary_incontinence", "mobility_problems", "osteoporosis",
         "dizziness", "anaemia", "skin_ulcer")


def born(age: int) -> date:
    return date(AS_OF.year - age, 6, 1) if AS_OF.month >= 6 else date(AS_OF.year - age - 1, 6, 1)


def add_people(db, people: list[dict]) -> dict[str, int]:
    """Insert practices and patients; returns NHS number -> patient id."""
    with db.transaction() as session:
        practices = {}
        for code in ("Y90001", "Y90002"):
            practice = Practice(ods_code=code, name=f"Practice {code}")
            session.add(practice)
            session.flush()
            practices[code] = practice.id
        ids = {}
        for p in people:
            conditions = p.pop("conditions", ())
            code = p.pop("practice", "Y90001")
            age = p.pop("age")
            given, family = p.pop("given", "Ann"), p.pop("family", "Test")
            patient = Patient(date_of_birth=born(age), sex=p.pop("sex", "F"), practice_id=practices[code],
                              given_name=given, family_name=family, given_name_lc=given.lower(),
                              family_name_lc=family.lower(), **p)
            session.add(patient)
            session.flush()
            for key in conditions:
                session.add(PatientCondition(patient_id=patient.id, condition_key=key))
            ids[patient.nhs_number] = patient.id
    return ids


POPULATION = [
    dict(nhs_number="9990000018", age=88, conditions=FRAIL, emergency_admissions_12m=2, ae_attendances_12m=1,
         medication_count=12, imd_decile=2, lives_alone=True),                        # 16 points
    dict(nhs_number="9990000026", age=72, conditions=("hypertension", "diabetes", "coronary_heart_disease",
                                                      "falls", "arthritis"),
         emergency_admissions_12m=0, ae_attendances_12m=0, medication_count=7, imd_decile=7),  # 3
    dict(nhs_number="9990000034", age=45, care_home=True, imd_decile=5, practice="Y90002",
         emergency_admissions_12m=None, ae_attendances_12m=None, medication_count=None),  # pinned, 0
    dict(nhs_number="9990000042", age=8, conditions=("asthma",), emergency_admissions_12m=3,
         medication_count=2, imd_decile=1),                                          # child
    dict(nhs_number="9990000050", age=30, imd_decile=9, emergency_admissions_12m=0, medication_count=0),
]


@pytest.fixture
def people(db):
    return add_people(db, [dict(p) for p in POPULATION])


def latest_rows(db) -> dict[int, RiskAssessment]:
    with db.session() as session:
        rows = session.execute(select(RiskAssessment).where(RiskAssessment.is_latest.is_(True))).scalars().all()
    return {row.patient_id: row for row in rows}


def test_stratify_stores_scores_reasons_tiers_and_model(db, people):
    result = risk_service.stratify(db, LOCAL_ADMIN, as_of=AS_OF)
    assert result.assessed == 5 and result.changed == 5
    assert result.tiers == {"1": 1, "2": 1, "3": 2}
    rows = latest_rows(db)
    frail = rows[people["9990000018"]]
    assert (frail.points, frail.efi_deficits, frail.efi_category, frail.tier) == (16, 15, "severe", 3)  # lives alone: social vulnerability
    assert frail.cms_score == pytest.approx(6.48) and frail.efi_score == pytest.approx(15 / 36)
    assert frail.pinned_reason == "Severe frailty"
    assert (frail.model_id, frail.model_version) == ("ppcs-1", "1.0") and frail.assessed_on == AS_OF
    assert "Severe frailty: 15 of 36 eFI deficits (0.42)" in frail.reasons.splitlines()
    care_home = rows[people["9990000034"]]
    assert (care_home.tier, care_home.pinned_reason, care_home.points) == (3, "Care home resident", 0)
    assert care_home.efi_deficits is None and care_home.efi_score is None and care_home.efi_category is None
    assert care_home.emergency_admissions is None and care_home.medication_count is None
    assert "not supplied" in care_home.reasons
    child = rows[people["9990000042"]]
    assert child.tier is None and child.points == 4 + 1 and child.cms_score is None
    assert rows[people["9990000026"]].points == 3


def test_rerun_writes_only_changes_and_keeps_history(db, people):
    risk_service.stratify(db, LOCAL_ADMIN, as_of=AS_OF)
    again = risk_service.stratify(db, LOCAL_ADMIN, as_of=AS_OF)
    assert again.changed == 0 and again.assessed == 5
    with db.transaction() as session:
        patient = session.get(Patient, people["9990000026"])
        patient.emergency_admissions_12m = 2  # +3 points: 3 -> 6
    third = risk_service.stratify(db, LOCAL_ADMIN, as_of=AS_OF)
    assert third.changed == 1
    with db.session() as session:
        per_patient = dict(session.execute(
            select(RiskAssessment.patient_id, func.count()).where(RiskAssessment.is_latest.is_(True))
            .group_by(RiskAssessment.patient_id)).all())
        assert set(per_patient.values()) == {1} and len(per_patient) == 5
        assert session.execute(select(func.count()).select_from(RiskRun)).scalar_one() == 3
    history = risk_service.assessment_history(db, WORKER, people["9990000026"])
    assert [a.points for a in history] == [3, 6] and [a.is_latest for a in history] == [False, True]
    latest = risk_service.latest_assessment(db, WORKER, people["9990000026"])
    assert latest.previous_points == 3 and latest.change == 3 and latest.rising
    assert "2 emergency admissions in the last 12 months" in latest.reasons
    rising = risk_service.page_cohort(db, WORKER, risk_service.CohortFilter(worklist="rising_risk"))
    assert [r.patient_id for r in rising] == [people["9990000026"]]


def test_latest_assessment_dataclass_explains_itself(db, people):
    assert risk_service.latest_assessment(db, WORKER, people["9990000018"]) is None
    risk_service.stratify(db, LOCAL_ADMIN, as_of=AS_OF)
    frail = risk_service.latest_assessment(db, WORKER, people["9990000018"])
    assert frail.max_points == 18 and sum(c.points for c in frail.components) == frail.points == 16
    assert [c.points for c in frail.components] == [3, 4, 3, 0, 2, 2, 1, 1]
    assert frail.efi_label == "0.42: severe frailty (15 of 36 deficits)"  # lives alone counts
    assert "Memory and cognitive problems" in frail.efi_deficit_names and len(frail.efi_deficit_names) == 15
    assert "Social vulnerability" in frail.efi_deficit_names
    assert set(frail.cms_conditions) == {"dementia", "heart failure", "atrial fibrillation", "COPD"}
    assert "not a diagnosis" in frail.statement and frail.tier_label.startswith("Tier 3")
    young = risk_service.latest_assessment(db, WORKER, people["9990000050"])
    assert young.efi_label == "not applicable (under 65)" and young.efi_score is None
    child = risk_service.latest_assessment(db, WORKER, people["9990000042"])
    assert child.tier is None and child.tier_label == "No tier (under 18)"


def test_tier_settings_are_stored_and_used(db, people):
    assert risk_service.tier_settings(db) == risk_service.TierSettings("2", "13")
    risk_service.set_tier_settings(db, LOCAL_ADMIN, "25", "50%")
    assert risk_service.tier_settings(db) == risk_service.TierSettings("25", "50")
    result = risk_service.stratify(db, LOCAL_ADMIN, as_of=AS_OF)
    # 4 adults: top 25% = 1 ranked + 1 pinned care home in tier 3, next 50% = 2 in tier 2.
    assert result.tiers == {"3": 2, "2": 2, "1": 0}
    with pytest.raises(InvalidInput):
        risk_service.set_tier_settings(db, LOCAL_ADMIN, "60", "50")
    with pytest.raises(InvalidInput):
        risk_service.set_tier_settings(db, LOCAL_ADMIN, "two", "13")
    with pytest.raises(PermissionDenied):
        risk_service.set_tier_settings(db, WORKER, "3", "12")


def test_permissions_and_audit(db, people):
    with pytest.raises(PermissionDenied):
        risk_service.stratify(db, MANAGER)
    with pytest.raises(PermissionDenied):
        risk_service.latest_assessment(db, MANAGER, people["9990000018"])
    result = risk_service.stratify(db, WORKER, as_of=AS_OF)
    with db.session() as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.action == "risk.stratify")).scalars().all()
    assert len(events) == 1 and events[0].user_name == "sam" and events[0].entity_id == str(result.run_id)
    assert "9990000018" not in events[0].summary


def test_hook_stratifies_after_patient_data_changes(db, people):
    hooks.patient_data_changed(db, LOCAL_ADMIN)
    assert len(latest_rows(db)) == 5
    assert risk_service.last_run(db, WORKER).assessed == 5


def test_stats_section(db, people):
    risk_service.stratify(db, LOCAL_ADMIN, as_of=AS_OF)
    with db.session() as session:
        stats = risk_stats(session)["risk"]
    assert stats["assessed"] == 5 and stats["tiers"] == {"1": 1, "2": 1, "3": 2}
    assert stats["last_run"] == AS_OF.isoformat() and stats["model"] == "ppcs-1 v1.0"
    assert risk_service.tier_counts(db, WORKER) == {"1": 1, "2": 1, "3": 2, "none": 1}
    by_practice = risk_service.tier_counts(db, WORKER, by_practice=True)
    assert by_practice["Y90002"] == {"1": 0, "2": 0, "3": 1, "none": 0}


def test_deregistered_people_leave_the_lists(db, people):
    risk_service.stratify(db, LOCAL_ADMIN, as_of=AS_OF)
    with db.transaction() as session:
        session.get(Patient, people["9990000018"]).registration_status = "deceased"
    again = risk_service.stratify(db, LOCAL_ADMIN, as_of=AS_OF)
    assert again.assessed == 4
    ids = risk_service.cohort_patient_ids(db, WORKER, risk_service.CohortFilter())
    assert people["9990000018"] not in ids and len(ids) == 4


def test_empty_register_stratifies_to_nothing(db):
    result = risk_service.stratify(db, LOCAL_ADMIN, as_of=AS_OF)
    assert result.assessed == 0 and result.tiers == {"1": 0, "2": 0, "3": 0}


def test_bulk_write_rebuilding_indexes_gives_the_same_result(db, people, monkeypatch):
    from sqlalchemy import inspect

    from pcn_assistant.services.risk import bulk

    monkeypatch.setattr(bulk, "REBUILD_MIN_ROWS", 1)
    risk_service.stratify(db, LOCAL_ADMIN, as_of=AS_OF)
    with db.transaction() as session:
        session.get(Patient, people["9990000050"]).emergency_admissions_12m = 3
    # Their points change, and with them their tier and that of the person they overtake.
    assert risk_service.stratify(db, LOCAL_ADMIN, as_of=AS_OF).changed == 2
    names = {index["name"] for index in inspect(db.engine).get_indexes("risk_assessment")}
    assert {"ix_risk_assessment_latest_rank", "ix_risk_assessment_patient_latest"} <= names
    rows = latest_rows(db)
    assert len(rows) == 5 and rows[people["9990000050"]].points == 4
    assert rows[people["9990000050"]].previous_points == 0 and rows[people["9990000050"]].tier == 2
    assert rows[people["9990000026"]].tier == 1 and rows[people["9990000026"]].previous_points == 3
