"""``stats --json`` keys for the directory and referrals: referrals by status, services, organisations."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pcn_assistant.core.referral_lifecycle import STATUSES
from pcn_assistant.store.models.directory import DirectoryOrganisation, DirectoryService
from pcn_assistant.store.models.referrals import Referral


def directory_and_referral_counts(session: Session) -> dict:
    by_status = dict(session.execute(select(Referral.status, func.count()).group_by(Referral.status)).all())
    return {
        "referrals": {status: int(by_status.get(status, 0)) for status in STATUSES},
        "services": session.execute(select(func.count()).select_from(DirectoryService)).scalar_one(),
        "organisations": session.execute(select(func.count()).select_from(DirectoryOrganisation)).scalar_one(),
    }
