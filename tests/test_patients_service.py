import pytest
from sqlalchemy import func, select

from pcn_assistant.errors import PermissionDenied
from pcn_assistant.services.patients import PatientFilter, count_patients, page_patients
from pcn_assistant.services.security import LOCAL_ADMIN, PRACTICE_MANAGER, Actor
from pcn_assistant.store.models import Patient


def _some_patient(db):
    with db.session() as session:
        return session.execute(select(Patient).order_by(Patient.id).limit(1)).scalar_one()


def test_search_by_nhs_number_with_spaces(demo_db):
    patient = _some_patient(demo_db)
    spaced = f"{patient.nhs_number[:3]} {patient.nhs_number[3:6]} {patient.nhs_number[6:]}"
    rows = page_patients(demo_db, LOCAL_ADMIN, PatientFilter(search=spaced))
    assert [r.id for r in rows] == [patient.id]


def test_search_by_family_and_given_name_either_order(demo_db):
    patient = _some_patient(demo_db)
    for text in (patient.family_name, f"{patient.given_name} {patient.family_name}",
                 f"{patient.family_name}, {patient.given_name}", patient.family_name.upper()[:3]):
        rows = page_patients(demo_db, LOCAL_ADMIN, PatientFilter(search=text), limit=5000)
        assert patient.id in [r.id for r in rows], text


def test_search_by_postcode_with_or_without_space(demo_db):
    patient = _some_patient(demo_db)
    for text in (patient.postcode, patient.postcode.replace(" ", "").lower(), patient.postcode.split()[0]):
        rows = page_patients(demo_db, LOCAL_ADMIN, PatientFilter(search=text), limit=5000)
        assert patient.id in [r.id for r in rows], text


def test_count_matches_pages_and_sort(demo_db):
    flt = PatientFilter(practice_code="Y90001")
    total = count_patients(demo_db, LOCAL_ADMIN, flt)
    rows = page_patients(demo_db, LOCAL_ADMIN, flt, sort_key="date_of_birth", limit=10_000)
    assert len(rows) == total > 0
    dobs = [r.date_of_birth for r in rows]
    assert dobs == sorted(dobs)
    assert {r.practice for r in rows} == {"Y90001"}
    descending = page_patients(demo_db, LOCAL_ADMIN, flt, sort_key="date_of_birth", descending=True, limit=1)
    assert descending[0].date_of_birth == max(dobs)


def test_paging_has_no_gaps_or_repeats(demo_db):
    seen = []
    for offset in range(0, 2000, 200):
        seen += [r.id for r in page_patients(demo_db, LOCAL_ADMIN, PatientFilter(), offset=offset, limit=200)]
    assert len(seen) == len(set(seen)) == 2000


@pytest.mark.parametrize("text", ["'; DROP TABLE patient; --", "%", "_", "a%", "\\", '"', "Ø", "%%__"])
def test_injection_and_wildcards_match_literally(demo_db, text):
    assert count_patients(demo_db, LOCAL_ADMIN, PatientFilter(search=text)) == 0
    with demo_db.session() as session:
        assert session.execute(select(func.count()).select_from(Patient)).scalar_one() == 2000


def test_practice_manager_cannot_list_identifiable_patients(demo_db):
    manager = Actor(name="pm", role=PRACTICE_MANAGER, practice_code="Y90001")
    with pytest.raises(PermissionDenied):
        page_patients(demo_db, manager, PatientFilter())
