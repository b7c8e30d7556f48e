"""The demo writes its patients through the import, and a CSV of the same people
imported from a file gives exactly the same register."""

from datetime import date

from sqlalchemy import select

from pcn_assistant.services.demo import DemoContext, practices
from pcn_assistant.services.demo.patients import SOURCE_NAME, demo_population
from pcn_assistant.services.demo.prescriptions import PRESCRIPTION_DEFINED
from pcn_assistant.services.patient_import import ImportOptions, import_patients
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.store.models import ImportBatch, Patient, PatientCondition, Practice

COMPARED = ("nhs_number", "given_name", "family_name", "date_of_birth", "sex", "postcode", "lsoa_code", "imd_decile",
            "phone", "ethnicity", "lives_alone", "is_carer", "has_carer", "housebound", "care_home", "palliative_care",
            "learning_disability", "ae_attendances_12m", "emergency_admissions_12m", "medication_count",
            "frailty_coded", "registration_status", "family_name_lc")


def register(db) -> tuple[set, set]:
    with db.session() as session:
        columns = [getattr(Patient, c) for c in COMPARED]
        people = {tuple(r) for r in session.execute(
            select(*columns, Practice.ods_code).join(Practice, Practice.id == Patient.practice_id)).all()}
        flags = {tuple(r) for r in session.execute(
            select(Patient.nhs_number, PatientCondition.condition_key, PatientCondition.source)
            .join(Patient, Patient.id == PatientCondition.patient_id)).all()}
    return people, flags


def test_demo_population_went_through_the_import(demo_db):
    with demo_db.session() as session:
        batch = session.execute(select(ImportBatch).where(ImportBatch.file_name == SOURCE_NAME)).scalar_one()
    assert (batch.kind, batch.status, batch.inserted, batch.rejected) == ("patients", "committed", 2000, 0)


def test_the_same_people_from_a_csv_file_give_the_same_register(demo_db, sqlite_db, tmp_path):
    frame = demo_population(DemoContext(db=None, seed=7, patients=2000))  # the demo_db fixture's people
    path = tmp_path / "population.csv"
    frame.to_csv(path, index=False)
    practices.build(DemoContext(db=sqlite_db, seed=7, patients=2000))
    result = import_patients(sqlite_db, LOCAL_ADMIN, path, ImportOptions(today=date(2026, 11, 1), notify=False))
    assert (result.inserted, result.rejected) == (2000, 0)
    from_demo, from_file = register(demo_db), register(sqlite_db)
    assert from_demo[0] == from_file[0]
    # The demo's prescriptions part replaces the flags the CMS defines by prescriptions alone.
    assert {f for f in from_demo[1] if f[2] == "flag"} == {f for f in from_file[1] if f[1] not in PRESCRIPTION_DEFINED}
