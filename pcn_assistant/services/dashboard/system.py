"""System: A&E attendances and emergency admissions in the 6 months before and after enrolment.

Dated events come from coded extracts (``patient_measure``) matched through
``resources/utilisation_codes.csv``. This is a before/after comparison with no control
group: people are often referred at a crisis, so some fall is expected anyway
(regression to the mean). The dashboard says so wherever it shows the figures.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from functools import cache

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from pcn_assistant.assets import resource_path
from pcn_assistant.core.disclosure import in_words
from pcn_assistant.core.paired import mean_change
from pcn_assistant.services.dashboard.model import BAR, DashSection, DashTable
from pcn_assistant.services.dashboard.scope import Scope
from pcn_assistant.services.dashboard.sql import shift_days
from pcn_assistant.store.models import Patient, PatientMeasure
from pcn_assistant.store.models.caseload import Episode

WINDOW_DAYS = 182
KIND_LABELS = {"ae_attendance": "A&E attendances", "emergency_admission": "Emergency admissions"}
CAVEAT = ("Before/after comparison without a control group: it cannot show that social prescribing "
          "caused any change.")


@cache
def utilisation_codes() -> dict[str, str]:
    with open(resource_path("utilisation_codes.csv"), newline="", encoding="utf-8") as handle:
        return {row["code"].strip(): row["kind"].strip() for row in csv.DictReader(handle)}


def build(session: Session, scope: Scope) -> DashSection:
    section = DashSection("system", "System", "Do people use urgent care less after enrolment?")
    latest_start = min(scope.period.end, scope.today - timedelta(days=WINDOW_DAYS))
    codes = utilisation_codes()
    rows = []
    people = 0
    for kind, label in KIND_LABELS.items():
        kind_codes = [c for c, k in codes.items() if k == kind]
        per_person = _per_episode(session, scope, latest_start, kind_codes)
        people = len(per_person)
        before = sum(b for b, _ in per_person)
        after = sum(a for _, a in per_person)
        change = mean_change([a - b for b, a in per_person])
        rows.append([label, people, before, after, _rate(before, people), _rate(after, people),
                     *[None if v is None else round(float(v), 3) for v in (change.mean, change.lower, change.upper)]])
    section.tables.append(DashTable(
        "before_after", "Urgent care use in the 6 months before and after enrolment",
        ["Measure", "People", "Before", "After", "Before per person", "After per person",
         "Mean change per person", "Lower 95%", "Upper 95%"], rows, chart=BAR,
        value_columns=["Before", "After"], note=CAVEAT,
        suppress_columns=["People", "Before", "After"],
        # "per person" x people, and the mean change x people, give the counts back
        derived={"Before per person": ["Before", "People"], "After per person": ["After", "People"],
                 **{name: ["Before", "After", "People"] for name in ("Mean change per person", "Lower 95%",
                                                                     "Upper 95%")}},
        same_cells={(rows[1][0], "People"): (rows[0][0], "People")},
        brief_columns=["Measure", "People", "Before", "After", "Mean change per person", "Lower 95%",
                       "Upper 95%"]))
    section.headlines = headlines(section)
    section.method_notes.append(
        f"People whose episode started in the period and at least {WINDOW_DAYS} days before today. Events "
        f"are counted in the {WINDOW_DAYS} days before the referral date and the {WINDOW_DAYS} days from it, "
        "from dated SNOMED CT codes in the practice extracts (resources/utilisation_codes.csv).")
    return section


def headlines(section: DashSection) -> list[str]:
    """Sentences quoting the (protected) table, never raw counts: a withheld count reads as
    withheld, so "before" and "after" cannot be set against each other."""
    lines = [f"{label}: {in_words(before)} in the 6 months before enrolment, {in_words(after)} after "
             f"({in_words(people)} people with 6 months' follow-up)."
             for label, people, before, after, *_ in section.table("before_after").rows]
    return [*lines, CAVEAT]


def _per_episode(session: Session, scope: Scope, latest_start, kind_codes: list[str]) -> list[tuple[int, int]]:  # noqa: ANN001
    window_start = shift_days(Episode.referred_on, -WINDOW_DAYS)
    window_end = shift_days(Episode.referred_on, WINDOW_DAYS)
    before = func.sum(case((and_(PatientMeasure.recorded_on >= window_start,
                                 PatientMeasure.recorded_on < Episode.referred_on), 1), else_=0))
    after = func.sum(case((and_(PatientMeasure.recorded_on >= Episode.referred_on,
                                PatientMeasure.recorded_on < window_end), 1), else_=0))
    stmt = (
        select(Episode.id, func.coalesce(before, 0), func.coalesce(after, 0))
        .join(Patient, Patient.id == Episode.patient_id)
        .outerjoin(PatientMeasure, and_(PatientMeasure.patient_id == Episode.patient_id,
                                        PatientMeasure.code.in_(kind_codes or ["-"])))
        .where(Episode.referred_on.between(scope.period.start, latest_start), *scope.patients())
        .group_by(Episode.id)
    )
    return [(int(b), int(a)) for _id, b, a in session.execute(stmt)]


def _rate(count: int, people: int) -> float | None:
    return round(count / people, 3) if people else None
