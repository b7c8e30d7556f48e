"""Shared set-up for the caseload tests: a practice, a few people, and the actors."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pcn_assistant.core import clock, nhs_number
from pcn_assistant.services.security import (
    ADMIN,
    CLINICAL_DIRECTOR,
    LINK_WORKER,
    PRACTICE_MANAGER,
    Actor,
)
from pcn_assistant.store.models import Patient, Practice

SAM = Actor("sam", LINK_WORKER)
PRIYA = Actor("priya", LINK_WORKER)
ADMIN_ACTOR = Actor("admin", ADMIN)
DIRECTOR = Actor("director", CLINICAL_DIRECTOR)
MANAGER = Actor("manager", PRACTICE_MANAGER, practice_code="A12345")


def valid_numbers(count: int) -> list[str]:
    """Valid Modulus 11 numbers in the 999 test range."""
    found, stem = [], 999000000
    while len(found) < count:
        stem += 1
        digit = nhs_number.check_digit(str(stem))
        if digit is not None:
            found.append(f"{stem}{digit}")
    return found


def add_people(db, count: int = 5, *, status: str = "registered") -> list[int]:  # noqa: ANN001
    with db.transaction() as session:
        practice = session.query(Practice).filter_by(ods_code="A12345").one_or_none()
        if practice is None:
            practice = Practice(ods_code="A12345", name="Test Surgery")
            session.add(practice)
            session.flush()
        start = session.query(Patient).count()
        people = []
        for i, number in enumerate(valid_numbers(start + count)[start:]):
            family = f"Person{start + i:03d}"
            people.append(Patient(
                nhs_number=number, given_name="Alex", family_name=family, given_name_lc="alex",
                family_name_lc=family.lower(), date_of_birth=date(1940 + i, 1, 1), sex="F",
                practice_id=practice.id, registration_status=status))
        session.add_all(people)
        session.flush()
        return [p.id for p in people]


def days_ago(n: int) -> date:
    return clock.today() - timedelta(days=n)


def at(days: int, hour: int = 10) -> datetime:
    """A contact time ``days`` ago at ``hour``:00."""
    return datetime.combine(days_ago(days), datetime.min.time()).replace(hour=hour)
