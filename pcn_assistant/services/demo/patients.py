"""Demo part: the registered population of the demo practices."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import insert, select

from pcn_assistant.services.demo import DemoContext
from pcn_assistant.services.demo.population import CONDITION_COLUMNS, generate_population
from pcn_assistant.services.demo.practices import PRACTICES
from pcn_assistant.store.models import Patient, PatientCondition, Practice

PATIENT_FIELDS = (
    "nhs_number", "given_name", "family_name", "date_of_birth", "sex", "postcode", "lsoa_code",
    "imd_decile", "phone", "ethnicity", "lives_alone", "is_carer", "has_carer", "housebound",
    "care_home", "palliative_care", "learning_disability", "ae_attendances_12m",
    "emergency_admissions_12m", "medication_count", "frailty_coded",
)


def demo_population(ctx: DemoContext) -> pd.DataFrame:
    practices = [(code, share, shift) for code, _name, share, shift in PRACTICES]
    return generate_population(ctx.rng("patients"), practices, ctx.patients, ctx.today)


def build(ctx: DemoContext) -> None:
    frame = demo_population(ctx)
    with ctx.db.transaction() as session:
        practice_ids = dict(session.execute(select(Practice.ods_code, Practice.id)).all())
        records = frame.loc[:, list(PATIENT_FIELDS)].astype(object).where(frame.notna(), None)
        rows = records.to_dict("records")
        for row, code in zip(rows, frame["practice_code"], strict=True):
            row["practice_id"] = practice_ids[code]
            row["given_name_lc"] = row["given_name"].lower()
            row["family_name_lc"] = row["family_name"].lower()
            row["frailty_coded"] = row["frailty_coded"] or None
            for key in ("imd_decile", "medication_count", "ae_attendances_12m", "emergency_admissions_12m"):
                if row[key] is not None:
                    row[key] = int(row[key])
            for key in ("lives_alone", "is_carer", "has_carer", "housebound", "care_home",
                        "palliative_care", "learning_disability"):
                row[key] = bool(row[key])
        session.execute(insert(Patient), rows)
        ids = dict(session.execute(select(Patient.nhs_number, Patient.id)).all())
        conditions = [
            {"patient_id": ids[nhs], "condition_key": key, "source": "flag"}
            for key in CONDITION_COLUMNS
            for nhs in frame.loc[frame[key], "nhs_number"]
        ]
        if conditions:
            session.execute(insert(PatientCondition), conditions)
