"""Demo part: dated A&E attendances and emergency admissions around caseload enrolment.

People are often referred at a crisis, so the demo has more urgent care in the six
months before enrolment than after, as real before/after data usually does (and the
dashboard warns that without a control group this proves nothing on its own).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from pcn_assistant.services.dashboard.system import WINDOW_DAYS, utilisation_codes
from pcn_assistant.services.demo import DemoContext
from pcn_assistant.store.models import PatientMeasure
from pcn_assistant.store.models.caseload import Episode

# Mean events per person in the six months before and after enrolment.
RATES = {"ae_attendance": (0.9, 0.6), "emergency_admission": (0.35, 0.25)}


def build(ctx: DemoContext) -> None:
    rng = ctx.rng("utilisation")
    code_for = {kind: code for code, kind in utilisation_codes().items()}
    with ctx.db.transaction() as session:
        episodes = session.execute(select(Episode.patient_id, Episode.referred_on).order_by(Episode.id)).all()
        rows = []
        for patient_id, referred_on in episodes:
            for kind, (before, after) in RATES.items():
                for count, sign in ((rng.poisson(before), -1), (rng.poisson(after), 1)):
                    for _ in range(count):
                        offset = int(rng.integers(0 if sign > 0 else 1, WINDOW_DAYS))
                        day = referred_on + timedelta(days=sign * offset)
                        if day <= ctx.today:
                            rows.append({"patient_id": patient_id, "code": code_for[kind], "recorded_on": day})
        if rows:
            session.execute(insert(PatientMeasure), rows)
