"""The registered list's age-sex structure and the events' age-sex profile, read from the
patient table for age-standardised comparisons (``standardise.py``).

Why here: the indicator values a PCN imports are practice totals, but whether a total is
high depends on how old the list is. The patient table knows every registered person's
age and sex, and for A&E attendances and emergency admissions how many each person had
in the last 12 months, which is enough to tell how many events each list would be
expected to have at the PCN's age-sex-specific rates.
"""

from __future__ import annotations

from datetime import date
from typing import Final

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from pcn_assistant.core.stats.standardised import BAND_WIDTH, OLDEST_BAND
from pcn_assistant.services.variation.standardise import AgeProfile, ListStructure
from pcn_assistant.store.models import Patient, Practice
from pcn_assistant.store.models.patient import REGISTERED

# Indicator code -> the patient-level count in the last 12 months that profiles it.
PROFILE_COLUMNS: Final = {
    "ae_attendances": ("ae_attendances_12m", "patients' recorded A&E attendances in the last 12 months"),
    "emergency_admissions": ("emergency_admissions_12m",
                             "patients' recorded emergency admissions in the last 12 months"),
}


def years_before(today: date, years: int) -> date:
    """The same day ``years`` earlier (28 February for 29 February in a common year)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def band_of_birth(today: date) -> ColumnElement[int]:
    """The ESP 2013 band of each patient's age on ``today``, as literal date comparisons
    so it runs in SQL on SQLite and PostgreSQL alike: aged 5b or more means born on or
    before the day 5b years ago (a birthday today counts)."""
    whens = [(Patient.date_of_birth <= years_before(today, BAND_WIDTH * band), band)
             for band in range(OLDEST_BAND, 0, -1)]
    return case(*whens, else_=0)


def registered_people(session: Session, today: date) -> pd.DataFrame:
    """Registered patients counted by practice, age band and sex, with the totals of each
    profiled 12-month count and how many people have it recorded. Grouped in SQL, so a
    list of any size comes back as a few hundred rows."""
    band = band_of_birth(today).label("age_band")
    measures = []
    for name, _source in PROFILE_COLUMNS.values():
        column = getattr(Patient, name)
        measures += [func.sum(column).label(name), func.count(column).label(f"{name}_known")]
    rows = session.execute(
        select(Practice.ods_code, band, Patient.sex, func.count().label("population"), *measures)
        .join(Practice, Practice.id == Patient.practice_id)
        .where(Patient.registration_status == REGISTERED)
        .group_by(Practice.ods_code, band, Patient.sex)).all()
    names = ["practice_code", "age_band", "sex", "population"]
    for name, _source in PROFILE_COLUMNS.values():
        names += [name, f"{name}_known"]
    people = pd.DataFrame(rows, columns=names)
    for name in names[3:]:
        people[name] = pd.to_numeric(people[name]).fillna(0)
    return people


def list_structure(people: pd.DataFrame) -> ListStructure:
    """Registered patients by practice, age band and sex."""
    return ListStructure(people.loc[:, ["practice_code", "age_band", "sex", "population"]].copy())


def age_profiles(people: pd.DataFrame) -> dict[str, AgeProfile]:
    """For each profiled indicator, PCN-wide events and people by age band and sex, from
    the patients with a recorded count (a blank count is unknown, not zero)."""
    profiles: dict[str, AgeProfile] = {}
    for code, (column, source) in PROFILE_COLUMNS.items():
        known = people[people[f"{column}_known"] > 0] if not people.empty else people
        if known.empty:
            continue
        frame = known.groupby(["age_band", "sex"]).agg(
            events=(column, "sum"), population=(f"{column}_known", "sum")).reset_index()
        profiles[code] = AgeProfile(frame, source)
    return profiles
