"""Database counts for ``stats --json``.

Each feature adds its own keys with a function ``(session) -> dict`` listed in ``STAT_SECTIONS``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pcn_assistant.services.dashboard.counts import caseload_counts
from pcn_assistant.services.referrals.stats import directory_and_referral_counts
from pcn_assistant.services.risk.assessments import risk_stats
from pcn_assistant.services.variation.catalogue import variation_stats
from pcn_assistant.store.engine import Database
from pcn_assistant.store.migrate import current_revision
from pcn_assistant.store.models import Patient, Practice


def _core_counts(session: Session) -> dict:
    return {
        "practices": session.execute(select(func.count()).select_from(Practice)).scalar_one(),
        "patients": session.execute(select(func.count()).select_from(Patient)).scalar_one(),
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
