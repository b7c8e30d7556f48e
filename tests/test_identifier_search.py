"""Identifier rules in search and forms (issue 16 item 3): they refuse what import refuses."""

from caseload_helpers import add_people

from pcn_assistant.services.patients import PatientFilter, count_patients, page_patients
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.store.models import Patient


def _number_of(db, patient_id):
    with db.session() as session:
        return session.get(Patient, patient_id).nhs_number


def _stored_same_digit_record(db):
    """A legacy row holding 1111111111 (written before the rule existed), so the test can
    show the search refuses to find it rather than merely finding nothing."""
    with db.transaction() as session:
        patient = session.query(Patient).first()
        clone = Patient(nhs_number="1111111111", given_name="Legacy", family_name="Row",
                        given_name_lc="legacy", family_name_lc="row", date_of_birth=patient.date_of_birth,
                        sex="F", practice_id=patient.practice_id, registration_status="registered")
        session.add(clone)


def test_valid_number_is_found_in_ascii_digits(db):
    ids = add_people(db, 2)
    number = _number_of(db, ids[0])
    rows = page_patients(db, LOCAL_ADMIN, PatientFilter(search=f"{number[:3]} {number[3:6]} {number[6:]}"))
    assert [r.id for r in rows] == [ids[0]]
    assert count_patients(db, LOCAL_ADMIN, PatientFilter(search=number[:4])) == 2  # prefix still works


def test_full_width_digits_do_not_search(db):
    ids = add_people(db, 2)
    number = _number_of(db, ids[0])
    full_width = number.translate({ord(str(d)): chr(0xFF10 + d) for d in range(10)})
    assert count_patients(db, LOCAL_ADMIN, PatientFilter(search=full_width)) == 0
    assert count_patients(db, LOCAL_ADMIN, PatientFilter(search=full_width[:4])) == 0


def test_same_digit_number_is_refused_even_if_stored(db):
    add_people(db, 1)
    _stored_same_digit_record(db)
    assert count_patients(db, LOCAL_ADMIN, PatientFilter(search="Legacy")) == 1  # the row is there
    assert count_patients(db, LOCAL_ADMIN, PatientFilter(search="1111111111")) == 0
    assert count_patients(db, LOCAL_ADMIN, PatientFilter(search="111 111 1111")) == 0
    # Fewer than ten digits is a prefix being typed, not a number to judge yet.
    assert count_patients(db, LOCAL_ADMIN, PatientFilter(search="111111111")) == 1


def test_user_form_refuses_a_pcn_code_for_a_practice_manager(db):
    import pytest

    from pcn_assistant.errors import InvalidInput
    from pcn_assistant.services import auth, users
    from pcn_assistant.services.security import ADMIN, PRACTICE_MANAGER

    password = "correct horse battery"
    users.add_user(db, LOCAL_ADMIN, "boss", role=ADMIN, password=password)
    admin = auth.authenticate(db, "boss", password)
    with pytest.raises(InvalidInput, match="practice's ODS code"):
        users.add_user(db, admin, "pm", role=PRACTICE_MANAGER, password=password, practice_code="U12345")
    assert users.add_user(db, admin, "pm", role=PRACTICE_MANAGER, password=password,
                          practice_code="T12345").practice_code == "T12345"
