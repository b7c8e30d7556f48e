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

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pcn_assistant.core.stats.standardised import age_band
from pcn_assistant.services.variation.standardise import AgeProfile, ListStructure
from pcn_assistant.store.models import Patient, Practice
from pcn_assistant.store.models.patient import REGISTERED

# Indicator code -> the patient-level count in the last 12 months that profiles it.
PROFILE_COLUMNS: Final = {
    "ae_attendances": ("ae_attendances_12m", "patients' recorded A&E attendances in the last 12 months"),
    "emergency_admissions": ("emergency_admissions_12m",
                             "patients' recorded emergency admissions in the last 12 months"),
}


def ages_on(births: pd.Series, today: date) -> np.ndarray:
    """Whole years of age on ``today`` (a birthday today counts)."""
    born = pd.to_datetime(births)
    before_birthday = (born.dt.month > today.month) | ((born.dt.month == today.month) & (born.dt.day > today.day))
    return (today.year - born.dt.year - before_birthday.astype(int)).to_numpy()


def registered_people(session: Session, today: date) -> pd.DataFrame:
    """Registered patients' practice, ESP 2013 age band, sex and 12-month counts."""
    columns = [getattr(Patient, name) for name, _source in PROFILE_COLUMNS.values()]
    rows = session.execute(
        select(Practice.ods_code, Patient.date_of_birth, Patient.sex, *columns)
        .join(Practice, Practice.id == Patient.practice_id)
        .where(Patient.registration_status == REGISTERED)).all()
    names = ["practice_code", "date_of_birth", "sex", *[name for name, _source in PROFILE_COLUMNS.values()]]
    people = pd.DataFrame(rows, columns=names)
    if people.empty:
        return people.assign(age_band=pd.Series(dtype=int))
    ages = np.maximum(ages_on(people["date_of_birth"], today), 0)  # a future birth date reads as 0
    return people.assign(age_band=age_band(ages))


def list_structure(people: pd.DataFrame) -> ListStructure:
    """Registered patients by practice, age band and sex."""
    frame = (people.groupby(["practice_code", "age_band", "sex"]).size().rename("population").reset_index()
             if not people.empty else pd.DataFrame(columns=["practice_code", "age_band", "sex", "population"]))
    return ListStructure(frame)


def age_profiles(people: pd.DataFrame) -> dict[str, AgeProfile]:
    """For each profiled indicator, PCN-wide events and people by age band and sex, from
    the patients with a recorded count (a blank count is unknown, not zero)."""
    profiles: dict[str, AgeProfile] = {}
    for code, (column, source) in PROFILE_COLUMNS.items():
        if people.empty or column not in people.columns:
            continue
        known = people[people[column].notna()]
        if known.empty:
            continue
        frame = known.groupby(["age_band", "sex"]).agg(
            events=(column, "sum"), population=(column, "size")).reset_index()
        profiles[code] = AgeProfile(frame, source)
    return profiles
