"""The assessment's copy of the person's practice (migration 0014), which the tier 3
worklist of one practice reads: stratification writes it, a practice move in an import
carries it along, and the filtered worklist lists exactly that practice's people."""

from __future__ import annotations

from datetime import date

from import_samples import add_practices, person, write_csv
from sqlalchemy import insert, select

from pcn_assistant.services.caseload import worklists
from pcn_assistant.services.patient_import import ImportOptions, import_patients
from pcn_assistant.services.risk import stratify
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.store.models import Patient, Practice
from pcn_assistant.store.models.risk import RiskAssessment, RiskRun


def _latest_practices(db) -> dict[int, tuple[int | None, int]]:  # noqa: ANN001
    """patient id -> (assessment's practice copy, patient's practice)."""
    with db.session() as session:
        rows = session.execute(
            select(Patient.id, RiskAssessment.practice_id, Patient.practice_id)
            .join(RiskAssessment, RiskAssessment.patient_id == Patient.id)
            .where(RiskAssessment.is_latest.is_(True))).all()
    return {pid: (copy, truth) for pid, copy, truth in rows}


def test_stratify_writes_the_practice_and_an_import_move_carries_it(db, tmp_path):
    add_practices(db, "Y90001", "Y90002")
    rows = [person(i, practice="Y90001" if i % 2 else "Y90002", family=f"Name{i}") for i in range(12)]
    path = write_csv(tmp_path / "list.csv", rows)
    import_patients(db, LOCAL_ADMIN, path, ImportOptions(notify=False))
    stratify(db, LOCAL_ADMIN)
    latest = _latest_practices(db)
    assert len(latest) == 12 and all(copy == truth for copy, truth in latest.values())

    rows[3] = person(3, practice="Y90002", family="Name3")  # moves practice, nothing else changes
    write_csv(path, rows)
    import_patients(db, LOCAL_ADMIN, path, ImportOptions(notify=False))
    latest = _latest_practices(db)
    assert all(copy == truth for copy, truth in latest.values())
    with db.session() as session:
        y2 = session.execute(select(Practice.id).where(Practice.ods_code == "Y90002")).scalar_one()
    assert sum(1 for copy, _truth in latest.values() if copy == y2) == 7


def test_tier3_worklist_for_one_practice(db):
    add_practices(db, "Y90001", "Y90002")
    with db.transaction() as session:
        practices = dict(session.execute(select(Practice.ods_code, Practice.id)).all())
        people = [Patient(nhs_number=person(i)[0], given_name="Alex", family_name=f"P{i:02d}",
                          given_name_lc="alex", family_name_lc=f"p{i:02d}", sex="F", date_of_birth=date(1940, 1, 1),
                          practice_id=practices["Y90001" if i % 3 else "Y90002"],
                          registration_status="registered") for i in range(9)]
        session.add_all(people)
        session.flush()
        run = session.execute(insert(RiskRun).returning(RiskRun.id), [{
            "assessed_on": date(2026, 11, 1), "user_name": "t", "model_id": "m", "model_version": "1",
            "tier3_percent": "2", "tier2_percent": "13"}]).scalar_one()
        zero = {k: 0 for k in ("pts_frailty", "pts_multimorbidity", "pts_admissions", "pts_ae",
                               "pts_polypharmacy", "pts_age", "pts_deprivation", "pts_social")}
        session.execute(insert(RiskAssessment), [
            {"patient_id": p.id, "practice_id": p.practice_id, "run_id": run, "assessed_on": date(2026, 11, 1),
             "model_id": "m", "model_version": "1", "age": 80, "points": 20 - i, "tier": 3 if i < 7 else 2,
             "reasons": "r", "rank_key": 20 - i, "fingerprint": i, "is_latest": True, **zero}
            for i, p in enumerate(people)])
        expected = {code: [p.id for i, p in enumerate(people) if i < 7 and p.practice_id == pid]
                    for code, pid in practices.items()}
    everyone = worklists.page_worklist(db, LOCAL_ADMIN, "tier3", sort_key="name")
    assert len(everyone) == 7
    for code, ids in expected.items():
        flt = worklists.WorklistFilter(practice_code=code)
        rows = worklists.page_worklist(db, LOCAL_ADMIN, "tier3", flt, sort_key="name")
        assert [r.patient_id for r in rows] == ids
        assert {r.practice for r in rows} == {code}
        assert worklists.count_worklist(db, LOCAL_ADMIN, "tier3", flt) == len(ids)
