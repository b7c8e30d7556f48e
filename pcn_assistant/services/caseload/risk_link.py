"""The caseload's view of risk stratification (issue 4), imported lazily so the caseload
works on a database or build without it: the person's tier, points and reasons for
the banner, and the "tier 3 not on any caseload" worklist.

The ranked list reads the latest assessment per person (``is_latest``) and pages by
``rank_key`` (larger = higher priority), which the risk area indexes for this.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import exists, func, inspect, select

from pcn_assistant.core import caseload as rules
from pcn_assistant.services.patients import display_name
from pcn_assistant.store.models.caseload import Episode
from pcn_assistant.store.models.organisation import Practice
from pcn_assistant.store.models.patient import REGISTERED, Patient

if TYPE_CHECKING:
    from pcn_assistant.services.caseload.worklists import WorklistRow
    from pcn_assistant.store.engine import Database

TIER3 = 3


@dataclass(frozen=True)
class RiskSummary:
    tier: int | None
    points: int | None
    reasons: tuple[str, ...]
    assessed_on: date | None  # the latest stratification that assessed the person
    pinned_reason: str | None = None
    efi_category: str | None = None
    cms_score: float | None = None
    tier_since: date | None = None  # first assessment of the current run of the same tier


def risk_models():  # noqa: ANN202 - the risk models module, or None
    try:
        return importlib.import_module("pcn_assistant.store.models.risk")
    except ImportError:
        return None


def available() -> bool:
    return risk_models() is not None and hasattr(risk_models(), "RiskAssessment")


_TABLES_SEEN: set[tuple[str, str]] = set()


def _has_table(session, model) -> bool:  # noqa: ANN001
    """Whether the table exists; remembered once seen (a catalogue query on PostgreSQL
    costs more than the worklist page itself, and tables are never dropped)."""
    key = (str(session.get_bind().url), model.__tablename__)
    if key in _TABLES_SEEN:
        return True
    found = inspect(session.connection()).has_table(model.__tablename__)
    if found:
        _TABLES_SEEN.add(key)
    return found


def risk_summary(session, patient_id: int) -> RiskSummary | None:  # noqa: ANN001
    """The person's latest assessment, or None when there is none (or no risk feature)."""
    if not available() or not _has_table(session, risk_models().RiskAssessment):
        return None
    assessment = risk_models().RiskAssessment
    row = session.execute(
        select(assessment).where(assessment.patient_id == patient_id, assessment.is_latest.is_(True))
        .order_by(assessment.id.desc()).limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    return RiskSummary(
        tier=row.tier, points=row.points,
        reasons=tuple(line for line in (row.reasons or "").splitlines() if line.strip()),
        assessed_on=_latest_assessed_on(session, patient_id, row), pinned_reason=row.pinned_reason,
        efi_category=row.efi_category, cms_score=row.cms_score, tier_since=_tier_since(session, patient_id, row),
    )


def _latest_assessed_on(session, patient_id: int, row) -> date:  # noqa: ANN001
    """A new assessment row is stored only when something changed, so the stored row can
    be a year old although last night's run looked at the person again. Every run
    assesses everyone registered: for a registered person the latest run since their
    row is the date of their latest assessment."""
    models = risk_models()
    registered = session.execute(
        select(Patient.registration_status).where(Patient.id == patient_id)).scalar_one_or_none() == REGISTERED
    if not registered or not hasattr(models, "RiskRun"):
        return row.assessed_on
    latest_run = session.execute(select(models.RiskRun.assessed_on).where(models.RiskRun.id >= row.run_id)
                                 .order_by(models.RiskRun.id.desc()).limit(1)).scalar_one_or_none()
    return max(latest_run, row.assessed_on) if latest_run else row.assessed_on


def _tier_since(session, patient_id: int, row) -> date:  # noqa: ANN001
    """When the person's tier last changed: the oldest of their newest assessments that
    all have the current tier."""
    assessment = risk_models().RiskAssessment
    since = row.assessed_on
    for tier, on in session.execute(select(assessment.tier, assessment.assessed_on)
                                    .where(assessment.patient_id == patient_id, assessment.id <= row.id)
                                    .order_by(assessment.id.desc())):
        if tier != row.tier:
            break
        since = on
    return since


def _tier3_query(conditions: list, practice_code: str | None = None):  # noqa: ANN202
    """Tier 3 people not on a caseload. With ``practice_code`` the assessment's own copy of
    the practice narrows the index scan to that practice, and the person's practice must
    equal it (so a copy not yet updated can hide a row but never show a wrong one), which
    lets both SQLite and PostgreSQL start from that index instead of the practice's list."""
    assessment = risk_models().RiskAssessment
    on_caseload = exists().where(Episode.patient_id == assessment.patient_id, Episode.status != rules.CLOSED)
    if practice_code:
        practice_id = select(Practice.id).where(Practice.ods_code == practice_code).scalar_subquery()
        # IS NOT DISTINCT FROM, not =: PostgreSQL would carry an equality over to the
        # patient table and hash-join the practice's whole list instead.
        conditions = [*conditions, assessment.practice_id == practice_id,
                      Patient.practice_id.is_not_distinct_from(assessment.practice_id)]
    return (
        select(assessment.patient_id, assessment.points, assessment.age, assessment.reasons,
               assessment.pinned_reason, assessment.rank_key, Patient.nhs_number, Patient.given_name,
               Patient.family_name, Practice.ods_code)
        .join(Patient, Patient.id == assessment.patient_id)
        .join(Practice, Practice.id == Patient.practice_id)
        .where(assessment.is_latest.is_(True), assessment.tier == TIER3,
               Patient.registration_status == REGISTERED, ~on_caseload, *conditions)
    )


def count_tier3_not_on_caseload(db: Database, conditions: list, practice_code: str | None = None) -> int:
    """Tier 3 people with no open episode (the coordinator filter does not apply: nobody holds
    them). Called by the worklist entry points, which check the permission."""
    with db.session() as session:
        if not _has_table(session, risk_models().RiskAssessment):
            return 0
        return session.execute(select(func.count()).select_from(_tier3_query(conditions, practice_code).subquery())).scalar_one()


def page_tier3_not_on_caseload(
    db: Database, conditions: list, *, sort_key: str, descending: bool, offset: int, limit: int,
    practice_code: str | None = None,
) -> list[WorklistRow]:
    from pcn_assistant.services.caseload.worklists import WorklistRow

    assessment = risk_models().RiskAssessment
    sorts = {
        # Highest priority first when sorted "ascending" by points, as the ranked list reads.
        "points": (assessment.rank_key.asc() if descending else assessment.rank_key.desc(),),
        "age": (assessment.age.desc() if descending else assessment.age.asc(),),
        "nhs_number": (Patient.nhs_number.desc() if descending else Patient.nhs_number.asc(),),
        "practice": (Practice.ods_code.desc() if descending else Practice.ods_code.asc(),),
    }
    name_order = (Patient.family_name_lc, Patient.given_name_lc)
    order = sorts.get(sort_key) or tuple(c.desc() if descending else c.asc() for c in name_order)
    with db.session() as session:
        if not _has_table(session, assessment):
            return []
        rows = session.execute(_tier3_query(conditions, practice_code).order_by(*order, assessment.patient_id)
                               .offset(offset).limit(limit)).all()
    result = []
    for (patient_id, points, age, reasons, pinned, _rank, nhs, given, family, practice) in rows:
        lines = [line for line in (reasons or "").splitlines() if line.strip()]
        why = "; ".join(([pinned] if pinned else []) + lines[:3])
        result.append(WorklistRow(patient_id=patient_id, episode_id=None, nhs_number=nhs,
                                  name=display_name(given, family), practice=practice, age=age,
                                  points=points, reasons=why))
    return result
