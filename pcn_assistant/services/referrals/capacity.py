"""Capacity and waiting: active referrals against each service's capacity, and the medians.

Capacity is either places held at once (sent, accepted, attended or did-not-attend
referrals hold one) or new referrals per calendar week or month (counted by the day
they were sent). People on a waiting list are ahead of anyone new, so a service "has
capacity" only while used + waiting < capacity. No capacity recorded means no limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from statistics import median

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from pcn_assistant.core import clock
from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.core.directory import PER_MONTH, PER_WEEK, PLACES, period_start
from pcn_assistant.services.security import DIRECTORY_READ, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.directory import DirectoryOrganisation, DirectoryService
from pcn_assistant.store.models.referrals import Referral


def used_expression(today: date) -> ColumnElement[int]:
    """Correlated count of what uses a service's capacity today, for filters and sorts."""
    holding = (select(func.count()).select_from(Referral)
               .where(Referral.service_id == DirectoryService.id, Referral.status.in_(life.HOLDING_A_PLACE))
               .scalar_subquery())
    since = case((DirectoryService.capacity_unit == PER_WEEK, period_start(PER_WEEK, today)),
                 else_=period_start(PER_MONTH, today))
    sent_in_period = (select(func.count()).select_from(Referral)
                      .where(Referral.service_id == DirectoryService.id, Referral.sent_on >= since)
                      .scalar_subquery())
    return case((DirectoryService.capacity_unit == PLACES, holding), else_=sent_in_period)


def waiting_expression() -> ColumnElement[int]:
    return (select(func.count()).select_from(Referral)
            .where(Referral.service_id == DirectoryService.id, Referral.status == life.WAITING)
            .scalar_subquery())


def has_capacity_condition(today: date) -> ColumnElement[bool]:
    return or_(DirectoryService.capacity.is_(None),
               used_expression(today) + waiting_expression() < DirectoryService.capacity)


@dataclass(frozen=True)
class Usage:
    capacity: int | None
    unit: str
    used: int
    waiting: int

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.used + self.waiting >= self.capacity

    @property
    def free(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.used - self.waiting, 0)

    def describe(self) -> str:
        if self.capacity is None:
            return f"{self.used} active, no limit set" if self.used else "No limit set"
        unit = {PLACES: "places", PER_WEEK: "this week", PER_MONTH: "this month"}.get(self.unit, self.unit)
        text = f"{self.used} of {self.capacity} {unit}"
        if self.full:
            text += f" - full, {self.waiting} waiting" if self.waiting else " - full"
        return text


def usage_for(session: Session, service_ids: list[int], today: date) -> dict[int, Usage]:
    """Capacity use for a handful of services (a page of search results, one service)."""
    if not service_ids:
        return {}
    rows = session.execute(
        select(DirectoryService.id, DirectoryService.capacity, DirectoryService.capacity_unit,
               used_expression(today), waiting_expression())
        .where(DirectoryService.id.in_(service_ids))
    ).all()
    return {r[0]: Usage(capacity=r[1], unit=r[2], used=int(r[3] or 0), waiting=int(r[4] or 0)) for r in rows}


def is_full(session: Session, service_id: int, today: date) -> bool:
    return usage_for(session, [service_id], today)[service_id].full


@dataclass(frozen=True)
class ServiceCapacity:
    service_id: int
    service: str
    organisation: str
    usage: Usage
    active: int
    median_days_to_accept: float | None
    median_days_to_attend: float | None
    accepted_count: int
    attended_count: int


def medians(session: Session, service_ids: list[int] | None = None) -> dict[int | None, tuple[float | None, float | None, int, int]]:
    """Per service (and None for all): median days sent->accepted, accepted->first attendance."""
    stmt = select(Referral.service_id, Referral.sent_on, Referral.accepted_on, Referral.first_attended_on).where(
        Referral.accepted_on.is_not(None))
    if service_ids is not None:
        stmt = stmt.where(Referral.service_id.in_(service_ids))
    to_accept: dict[int | None, list[int]] = {None: []}
    to_attend: dict[int | None, list[int]] = {None: []}
    for service_id, sent_on, accepted_on, attended_on in session.execute(stmt):
        if sent_on is not None:
            days = (accepted_on - sent_on).days
            to_accept.setdefault(service_id, []).append(days)
            to_accept[None].append(days)
        if attended_on is not None:
            days = (attended_on - accepted_on).days
            to_attend.setdefault(service_id, []).append(days)
            to_attend[None].append(days)
    keys = set(to_accept) | set(to_attend)
    return {k: (median(to_accept[k]) if to_accept.get(k) else None,
                median(to_attend[k]) if to_attend.get(k) else None,
                len(to_accept.get(k, [])), len(to_attend.get(k, []))) for k in keys}


@requires(DIRECTORY_READ)
def capacity_overview(db: Database, actor: Actor, *, today: date | None = None,
                      only_with_referrals: bool = False) -> list[ServiceCapacity]:
    """Every open service's capacity, use, waiting list and response medians (fullest first)."""
    today = today or clock.today()
    with db.session() as session:
        active_count = (select(func.count()).select_from(Referral)
                        .where(Referral.service_id == DirectoryService.id, Referral.status.in_(life.OPEN))
                        .scalar_subquery())
        stmt = (select(DirectoryService.id, DirectoryService.name, DirectoryOrganisation.name, active_count)
                .join(DirectoryOrganisation, DirectoryOrganisation.id == DirectoryService.organisation_id)
                .where(DirectoryService.status == "active"))
        if only_with_referrals:
            stmt = stmt.where(and_(active_count > 0))
        rows = session.execute(stmt).all()
        ids = [r[0] for r in rows]
        usage = usage_for(session, ids, today)
        stats = medians(session, ids)
    result = [
        ServiceCapacity(service_id=r[0], service=r[1], organisation=r[2], usage=usage[r[0]], active=int(r[3] or 0),
                        median_days_to_accept=stats.get(r[0], (None, None, 0, 0))[0],
                        median_days_to_attend=stats.get(r[0], (None, None, 0, 0))[1],
                        accepted_count=stats.get(r[0], (None, None, 0, 0))[2],
                        attended_count=stats.get(r[0], (None, None, 0, 0))[3])
        for r in rows
    ]
    result.sort(key=lambda c: (not c.usage.full, -(c.usage.waiting), -c.active, c.service.lower()))
    return result
