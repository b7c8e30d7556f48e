"""``stats --json`` key for the caseload: open and closed episodes."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from pcn_assistant.store.models.caseload import CLOSED, Episode


def caseload_counts(session: Session) -> dict:
    closed = func.sum(case((Episode.status == CLOSED, 1), else_=0))
    total, closed_count = session.execute(select(func.count(), closed).select_from(Episode)).one()
    closed_count = int(closed_count or 0)
    return {"caseload": {"open": int(total) - closed_count, "closed": closed_count}}
