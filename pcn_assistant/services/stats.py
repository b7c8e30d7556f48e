"""Database counts for ``stats --json``.

Each feature adds its own keys with a function ``(session) -> dict`` listed in
``STAT_SECTIONS``. The sections live here, on the models alone, so ``stats`` starts in
a fraction of a second: the feature packages they describe import pandas, scipy and
openpyxl, which counting rows does not need. The feature modules re-export their
section under its old name.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from pcn_assistant.core.referral_lifecycle import STATUSES as REFERRAL_STATUSES
from pcn_assistant.store.engine import Database
from pcn_assistant.store.migrate import current_revision
from pcn_assistant.store.models import Patient, Practice
from pcn_assistant.store.models.caseload import CLOSED, Episode
from pcn_assistant.store.models.directory import DirectoryOrganisation, DirectoryService
from pcn_assistant.store.models.patient import REGISTERED
from pcn_assistant.store.models.referrals import Referral
from pcn_assistant.store.models.risk import RiskAssessment, RiskRun
from pcn_assistant.store.models.variation import Indicator, IndicatorValue


def _core_counts(session: Session) -> dict:
    return {
        "practices": session.execute(select(func.count()).select_from(Practice)).scalar_one(),
        "patients": session.execute(select(func.count()).select_from(Patient)).scalar_one(),
    }


def directory_and_referral_counts(session: Session) -> dict:
    """Referrals by status, directory services and organisations."""
    by_status = dict(session.execute(select(Referral.status, func.count()).group_by(Referral.status)).all())
    return {
        "referrals": {status: int(by_status.get(status, 0)) for status in REFERRAL_STATUSES},
        "services": session.execute(select(func.count()).select_from(DirectoryService)).scalar_one(),
        "organisations": session.execute(select(func.count()).select_from(DirectoryOrganisation)).scalar_one(),
    }


def risk_stats(session: Session) -> dict:
    """The ``risk`` section: registered people by current tier and the last run."""
    rows = session.execute(
        select(RiskAssessment.tier, func.count())
        .join(Patient, Patient.id == RiskAssessment.patient_id)
        .where(RiskAssessment.is_latest.is_(True), Patient.registration_status == REGISTERED)
        .group_by(RiskAssessment.tier)
    ).all()
    tiers = {"1": 0, "2": 0, "3": 0}
    for tier, count in rows:
        if tier is not None:
            tiers[str(tier)] = count
    run = session.execute(
        select(RiskRun.assessed_on, RiskRun.model_id, RiskRun.model_version).order_by(RiskRun.id.desc()).limit(1)
    ).first()
    return {"risk": {
        "assessed": sum(count for _tier, count in rows), "tiers": tiers,
        "last_run": run.assessed_on.isoformat() if run else None,
        "model": f"{run.model_id} v{run.model_version}" if run else None,
    }}


def caseload_counts(session: Session) -> dict:
    """Open and closed caseload episodes."""
    closed = func.sum(case((Episode.status == CLOSED, 1), else_=0))
    total, closed_count = session.execute(select(func.count(), closed).select_from(Episode)).one()
    closed_count = int(closed_count or 0)
    return {"caseload": {"open": int(total) - closed_count, "closed": closed_count}}


def variation_stats(session: Session) -> dict:
    """Indicators defined in the database and values imported."""
    return {
        "indicators": session.execute(select(func.count()).select_from(Indicator)).scalar_one(),
        "indicator_values": session.execute(select(func.count()).select_from(IndicatorValue)).scalar_one(),
        "indicator_periods": session.execute(
            select(func.count(func.distinct(IndicatorValue.period)))).scalar_one(),
    }


STAT_SECTIONS: list[Callable[[Session], dict]] = [
    _core_counts, directory_and_referral_counts, risk_stats, caseload_counts, variation_stats,
]


def database_stats(db: Database) -> dict:
    stats: dict = {}
    with db.session() as session:
        for section in STAT_SECTIONS:
            stats.update(section(session))
    stats["schema_revision"] = current_revision(db)
    return stats
