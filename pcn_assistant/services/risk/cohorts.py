"""Find people: cohorts and built-in worklists over the latest assessments, paged in SQL.

Every filter is a SQL condition on the latest assessment (``is_latest``) joined to
the patient, so a page of 200 out of 350,000 comes back in milliseconds; the
default order is the ranked list itself, read backwards along the
(is_latest, rank_key) index. The caseload filters ("not on a caseload", "tier 3 not
yet contacted") read the caseload's ``episode`` table, imported lazily.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.sql import ColumnElement, Select

from pcn_assistant.core import clock
from pcn_assistant.core.risk.efi import EFI_CATEGORIES
from pcn_assistant.core.risk.reasons import split_reasons
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services.patients import display_name, search_condition
from pcn_assistant.services.risk.assessments import RISING_POINTS
from pcn_assistant.services.security import PATIENTS_READ, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import Patient, PatientCondition, Practice
from pcn_assistant.store.models.patient import REGISTERED
from pcn_assistant.store.models.risk import RiskAssessment

PAGE_SIZE = 200
NOT_APPLICABLE = "not_applicable"  # eFI filter value for people under 65
SMR_MEDICINES = 10


@dataclass(frozen=True)
class Worklist:
    key: str
    title: str
    description: str
    needs_caseload: bool = False


WORKLISTS: dict[str, Worklist] = {w.key: w for w in (
    Worklist("care_home", "Care home residents", "Everyone recorded as living in a care home."),
    Worklist("palliative", "Palliative care", "Everyone on the palliative care register."),
    Worklist("severe_frailty", "Severe frailty",
             "Severe frailty by the eFI (13 or more of 36 deficits) or coded by a clinician."),
    Worklist("smr", "Structured medication review candidates",
             "10 or more medicines, a care home resident, a learning disability, or severe frailty."),
    Worklist("rising_risk", "Rising risk",
             f"Points up by {RISING_POINTS} or more since the previous assessment."),
    Worklist("tier3_not_contacted", "Tier 3 not yet contacted",
             "Tier 3 people nobody has yet contacted on any caseload episode.", needs_caseload=True),
)}

AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "0-17": (0, 17), "18-64": (18, 64), "65-74": (65, 74), "75-84": (75, 84), "85+": (85, None),
}


@dataclass(frozen=True)
class CohortFilter:
    """What Find people is showing; empty fields do not filter."""

    worklist: str | None = None
    tiers: tuple[int, ...] = ()
    practice_code: str | None = None
    min_points: int | None = None
    efi_categories: tuple[str, ...] = ()  # fit/mild/moderate/severe or "not_applicable"
    condition_key: str | None = None
    age_band: str | None = None
    imd_deciles: tuple[int, ...] = ()
    not_on_caseload: bool = False
    search: str = ""

    def describe(self) -> str:
        """A readable summary for export metadata (no identifiers)."""
        parts = []
        if self.worklist:
            parts.append(f"worklist: {WORKLISTS[self.worklist].title}")
        if self.tiers:
            parts.append("tier " + "/".join(str(t) for t in self.tiers))
        if self.practice_code:
            parts.append(f"practice {self.practice_code}")
        if self.min_points is not None:
            parts.append(f"{self.min_points}+ points")
        if self.efi_categories:
            parts.append("eFI " + "/".join(c.replace("_", " ") for c in self.efi_categories))
        if self.condition_key:
            parts.append(f"condition {self.condition_key}")
        if self.age_band:
            parts.append(f"age {self.age_band}")
        if self.imd_deciles:
            parts.append("IMD decile " + "/".join(str(d) for d in self.imd_deciles))
        if self.not_on_caseload:
            parts.append("not on a caseload")
        if self.search:
            parts.append("name/NHS number search")
        return "; ".join(parts) or "everyone registered"


@dataclass(frozen=True)
class CohortRow:
    patient_id: int
    nhs_number: str
    name: str
    age: int
    sex: str
    practice: str
    tier: int | None
    points: int
    previous_points: int | None
    efi_deficits: int | None
    efi_score: float | None
    efi_category: str | None
    cms_score: float | None
    pinned_reason: str | None
    reasons: tuple[str, ...]
    assessed_on: date

    @property
    def change(self) -> int | None:
        return None if self.previous_points is None else self.points - self.previous_points

    def value(self, key: str) -> object:
        return getattr(self, key)


def caseload_episode():  # noqa: ANN201 - the caseload Episode model, or None if absent
    try:
        return importlib.import_module("pcn_assistant.store.models.caseload").Episode
    except (ImportError, AttributeError):
        return None


def caseload_available() -> bool:
    return caseload_episode() is not None


def _episode_or_refuse():  # noqa: ANN202
    episode = caseload_episode()
    if episode is None:
        raise InvalidInput("This filter needs the caseload feature, which is not installed")
    return episode


def _on_caseload() -> ColumnElement[bool]:
    episode = _episode_or_refuse()
    return exists().where(episode.patient_id == RiskAssessment.patient_id, episode.status != "closed")


def _contacted() -> ColumnElement[bool]:
    episode = _episode_or_refuse()
    reached = or_(episode.contacted_on.isnot(None), episode.status.in_(("contacted", "assessed", "active")))
    return exists().where(episode.patient_id == RiskAssessment.patient_id, reached)


def _severe() -> ColumnElement[bool]:
    return RiskAssessment.frailty_level == "severe"


def _worklist_condition(key: str) -> ColumnElement[bool]:
    if key == "care_home":
        return Patient.care_home.is_(True)
    if key == "palliative":
        return Patient.palliative_care.is_(True)
    if key == "severe_frailty":
        return _severe()
    if key == "smr":
        return or_(RiskAssessment.medication_count >= SMR_MEDICINES, Patient.care_home.is_(True),
                   Patient.learning_disability.is_(True), _severe())
    if key == "rising_risk":
        return RiskAssessment.points - RiskAssessment.previous_points >= RISING_POINTS
    if key == "tier3_not_contacted":
        return (RiskAssessment.tier == 3) & ~_contacted()
    raise InvalidInput(f"Unknown worklist {key!r}")


def _birth_range(band: str, today: date) -> list[ColumnElement[bool]]:
    """Age band as a range of dates of birth, so the patient index can answer it."""
    if band not in AGE_BANDS:
        raise InvalidInput(f"Unknown age band {band!r}")
    low, high = AGE_BANDS[band]
    conditions = [Patient.date_of_birth <= _years_before(today, low)]
    if high is not None:  # born after the day they would have turned high + 1
        conditions.append(Patient.date_of_birth > _years_before(today, high + 1))
    return conditions


def age_on(date_of_birth: date, today: date) -> int:
    return today.year - date_of_birth.year - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def cohort_conditions(flt: CohortFilter, actor: Actor, today: date | None = None) -> list[ColumnElement[bool]]:
    today = today or clock.today()
    conditions: list[ColumnElement[bool]] = [
        RiskAssessment.is_latest.is_(True), Patient.registration_status == REGISTERED,
    ]
    if flt.worklist:
        conditions.append(_worklist_condition(flt.worklist))
    if flt.tiers:
        conditions.append(RiskAssessment.tier.in_([int(t) for t in flt.tiers]))
    practice_code = flt.practice_code or actor.practice_code
    if practice_code:
        conditions.append(Practice.ods_code == practice_code)
    if flt.min_points is not None:
        conditions.append(RiskAssessment.points >= int(flt.min_points))
    if flt.efi_categories:
        named = [c for c in flt.efi_categories if c in EFI_CATEGORIES]
        unknown = set(flt.efi_categories) - set(EFI_CATEGORIES) - {NOT_APPLICABLE}
        if unknown:
            raise InvalidInput(f"Unknown eFI category {sorted(unknown)[0]!r}")
        options = [RiskAssessment.efi_category.in_(named)] if named else []
        if NOT_APPLICABLE in flt.efi_categories:
            options.append(RiskAssessment.efi_category.is_(None))
        conditions.append(or_(*options))
    if flt.condition_key:
        conditions.append(exists().where(PatientCondition.patient_id == RiskAssessment.patient_id,
                                         PatientCondition.condition_key == flt.condition_key))
    if flt.age_band:
        conditions.extend(_birth_range(flt.age_band, today))
    if flt.imd_deciles:
        conditions.append(Patient.imd_decile.in_([int(d) for d in flt.imd_deciles]))
    if flt.not_on_caseload:
        conditions.append(~_on_caseload())
    searched = search_condition(flt.search)
    if searched is not None:
        conditions.append(searched)
    return conditions


def cohort_select(flt: CohortFilter, actor: Actor, *columns) -> Select:  # noqa: ANN002
    """Assessment-driven: the right shape for the ranked order, which pages backwards
    along the (is_latest, rank_key) index and stops after one page."""
    return (
        select(*columns)
        .select_from(RiskAssessment)
        .join(Patient, Patient.id == RiskAssessment.patient_id)
        .join(Practice, Practice.id == Patient.practice_id)
        .where(*cohort_conditions(flt, actor))
    )


def patient_select(flt: CohortFilter, actor: Actor, *columns) -> Select:  # noqa: ANN002
    """Patient-driven: every condition sits in one EXISTS on the person's latest assessment,
    so counting and patient-ordered pages walk the patient table in order and probe the
    (patient_id, is_latest) index, instead of visiting 350,000 assessments in rank order."""
    latest = exists().where(RiskAssessment.patient_id == Patient.id, *cohort_conditions(flt, actor))
    return (
        select(*columns)
        .select_from(Patient)
        .join(Practice, Practice.id == Patient.practice_id)
        .where(Patient.registration_status == REGISTERED, latest)
    )


# Sorts answered from the patient side (an index or a cheap sort on the patient table);
# every other column header sorts by the ranked order.
PATIENT_SORTS: dict[str, tuple] = {
    "nhs_number": (Patient.nhs_number,),
    "name": (Patient.family_name_lc, Patient.given_name_lc),
    "age": (Patient.date_of_birth,),  # ascending age is descending date of birth
    "sex": (Patient.sex,),
    "practice": (Practice.ods_code,),
}


def ranked_order(descending: bool = False) -> list:
    """The ranked list: highest priority first ("ascending" by rank)."""
    return [RiskAssessment.rank_key.asc() if descending else RiskAssessment.rank_key.desc()]


def _patient_order(sort_key: str, descending: bool) -> list:
    columns = PATIENT_SORTS[sort_key]
    if sort_key == "age":
        descending = not descending
    return [c.desc() if descending else c.asc() for c in columns] + [
        Patient.id.desc() if descending else Patient.id.asc()]


ROW_COLUMNS = (
    RiskAssessment.patient_id, Patient.nhs_number, Patient.given_name, Patient.family_name,
    Patient.date_of_birth, Patient.sex, Practice.ods_code, RiskAssessment.tier, RiskAssessment.points,
    RiskAssessment.previous_points, RiskAssessment.efi_deficits, RiskAssessment.efi_score,
    RiskAssessment.efi_category, RiskAssessment.cms_score, RiskAssessment.pinned_reason,
    RiskAssessment.reasons, RiskAssessment.assessed_on,
)


def _row(r, today: date) -> CohortRow:  # noqa: ANN001
    return CohortRow(
        patient_id=r[0], nhs_number=r[1], name=display_name(r[2], r[3]), age=age_on(r[4], today),
        sex=r[5],
        practice=r[6], tier=r[7], points=r[8], previous_points=r[9], efi_deficits=r[10],
        efi_score=r[11], efi_category=r[12], cms_score=r[13], pinned_reason=r[14],
        reasons=tuple(split_reasons(r[15])), assessed_on=r[16],
    )


@requires(PATIENTS_READ)
def count_cohort(db: Database, actor: Actor, flt: CohortFilter) -> int:
    stmt = patient_select(flt, actor, func.count())
    with db.session() as session:
        return session.execute(stmt).scalar_one()


@requires(PATIENTS_READ)
def page_cohort(
    db: Database, actor: Actor, flt: CohortFilter, *, sort_key: str = "rank",
    descending: bool = False, offset: int = 0, limit: int = PAGE_SIZE,
) -> list[CohortRow]:
    """One page of the cohort, filtered, sorted and paged by the database.

    ``sort_key`` is a ``PATIENT_SORTS`` key or anything else for the ranked order.
    """
    with db.session() as session:
        if sort_key in PATIENT_SORTS:
            ids = list(session.execute(
                patient_select(flt, actor, Patient.id).order_by(*_patient_order(sort_key, descending))
                .offset(offset).limit(limit)).scalars())
            found = {r[0]: r for r in session.execute(
                cohort_select(CohortFilter(), actor, *ROW_COLUMNS).where(RiskAssessment.patient_id.in_(ids)))}
            rows = [found[i] for i in ids if i in found]
        else:
            stmt = cohort_select(flt, actor, *ROW_COLUMNS).order_by(*ranked_order(descending))
            rows = session.execute(stmt.offset(offset).limit(limit)).all()
    today = clock.today()
    return [_row(r, today) for r in rows]


@requires(PATIENTS_READ)
def cohort_patient_ids(db: Database, actor: Actor, flt: CohortFilter, *, limit: int | None = None) -> list[int]:
    """Patient ids of the whole cohort in ranked order (for bulk actions on a list)."""
    in_cohort = patient_select(flt, actor, Patient.id)
    stmt = (select(RiskAssessment.patient_id)
            .where(RiskAssessment.is_latest.is_(True), RiskAssessment.patient_id.in_(in_cohort))
            .order_by(*ranked_order()))
    if limit is not None:
        stmt = stmt.limit(limit)
    with db.session() as session:
        return list(session.execute(stmt).scalars())
