"""Directory search: free text, category, area or town, age, day, cost and "has capacity".

Everything filters, sorts and pages in SQL. Free text matches anywhere in a service's
name, description, eligibility or organisation (``contains`` with autoescape, so ``%``,
``_`` and quotes match literally). A service whose last-verified date is more than six
months old, or never verified, is flagged stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from pcn_assistant.core import clock
from pcn_assistant.core.directory import (
    CATEGORY_BY_KEY,
    DAY_CODES,
    DAY_NAMES,
    byday_codes,
    category_label,
    is_stale,
    stale_before,
)
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services.referrals.capacity import Usage, has_capacity_condition, usage_for
from pcn_assistant.services.security import DIRECTORY_READ, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.directory import (
    DirectoryLocation,
    DirectoryOrganisation,
    DirectorySchedule,
    DirectoryService,
    DirectoryServiceCategory,
    DirectoryServiceLocation,
)

PAGE_SIZE = 200
FREE, PAID = "free", "paid"


@dataclass(frozen=True)
class ServiceFilter:
    text: str = ""
    category: str | None = None
    area: str = ""  # town, area or postcode start
    age: int | None = None
    day: str | None = None  # MO ... SU
    cost: str | None = None  # free or paid
    has_capacity: bool = False
    include_closed: bool = False  # inactive, defunct and temporarily closed too
    stale_only: bool = False
    today: date | None = None

    def on(self) -> date:
        return self.today or clock.today()


@dataclass(frozen=True)
class Column:
    key: str
    header: str


COLUMNS: tuple[Column, ...] = (
    Column("name", "Service"),
    Column("organisation", "Organisation"),
    Column("town", "Town"),
    Column("days", "Days"),
    Column("last_verified", "Last verified"),
    Column("capacity", "Capacity"),
    Column("cost", "Cost"),
    Column("categories", "Categories"),
    Column("status", "Status"),
)


@dataclass(frozen=True)
class ServiceRow:
    id: int
    name: str
    organisation: str
    status: str
    categories: str
    town: str
    days: str
    cost: str
    usage: Usage
    last_verified: date | None
    stale: bool
    referral_method: str
    category_keys: tuple[str, ...] = field(default=())

    @property
    def capacity(self) -> str:
        return self.usage.describe()

    def value(self, key: str) -> object:
        return getattr(self, key)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"\s+", text.strip().lower()) if w]


def _conditions(flt: ServiceFilter) -> list[ColumnElement[bool]]:
    today = flt.on()
    conditions: list[ColumnElement[bool]] = []
    if not flt.include_closed:
        conditions.append(DirectoryService.status == "active")
    for word in _words(flt.text):
        conditions.append(or_(
            func.lower(DirectoryService.name).contains(word, autoescape=True),
            func.lower(DirectoryService.description).contains(word, autoescape=True),
            func.lower(func.coalesce(DirectoryService.eligibility, "")).contains(word, autoescape=True),
            func.lower(DirectoryOrganisation.name).contains(word, autoescape=True),
        ))
    if flt.category:
        if flt.category not in CATEGORY_BY_KEY:
            raise InvalidInput(f"Unknown category {flt.category!r}")
        conditions.append(exists().where(DirectoryServiceCategory.service_id == DirectoryService.id,
                                         DirectoryServiceCategory.category == flt.category))
    area = flt.area.strip().lower()
    if area:
        at_place = (select(DirectoryServiceLocation.id)
                    .join(DirectoryLocation, DirectoryLocation.id == DirectoryServiceLocation.location_id)
                    .where(DirectoryServiceLocation.service_id == DirectoryService.id, or_(
                        func.lower(func.coalesce(DirectoryLocation.city, "")).contains(area, autoescape=True),
                        func.lower(func.coalesce(DirectoryLocation.region, "")).contains(area, autoescape=True),
                        func.lower(func.coalesce(DirectoryLocation.postal_code, "")).startswith(area, autoescape=True),
                    )))
        conditions.append(or_(
            exists(at_place),
            func.lower(func.coalesce(DirectoryService.service_area, "")).contains(area, autoescape=True)))
    if flt.age is not None:
        conditions.append(or_(DirectoryService.minimum_age.is_(None), DirectoryService.minimum_age <= flt.age))
        conditions.append(or_(DirectoryService.maximum_age.is_(None), DirectoryService.maximum_age >= flt.age))
    if flt.day:
        if flt.day not in DAY_CODES:
            raise InvalidInput(f"Unknown day {flt.day!r}: use one of {', '.join(DAY_CODES)}")
        conditions.append(exists().where(
            DirectorySchedule.service_id == DirectoryService.id,
            DirectorySchedule.byday.contains(flt.day),
            or_(DirectorySchedule.valid_to.is_(None), DirectorySchedule.valid_to >= today)))
    if flt.cost == FREE:
        conditions.append(DirectoryService.is_free.is_(True))
    elif flt.cost == PAID:
        conditions.append(DirectoryService.is_free.is_(False))
    elif flt.cost:
        raise InvalidInput(f"Unknown cost filter {flt.cost!r}: use free or paid")
    if flt.has_capacity:
        conditions.append(has_capacity_condition(today))
    if flt.stale_only:
        conditions.append(or_(DirectoryService.last_verified.is_(None),
                              DirectoryService.last_verified < stale_before(today)))
    return conditions


_SORTS = {
    "name": (func.lower(DirectoryService.name),),
    "organisation": (func.lower(DirectoryOrganisation.name), func.lower(DirectoryService.name)),
    "last_verified": (DirectoryService.last_verified,),
    "status": (DirectoryService.status,),
}


def _base(flt: ServiceFilter):  # noqa: ANN202
    return (select(DirectoryService.id)
            .join(DirectoryOrganisation, DirectoryOrganisation.id == DirectoryService.organisation_id)
            .where(*_conditions(flt)))


@requires(DIRECTORY_READ)
def count_services(db: Database, actor: Actor, flt: ServiceFilter) -> int:
    with db.session() as session:
        return session.execute(select(func.count()).select_from(_base(flt).subquery())).scalar_one()


@requires(DIRECTORY_READ)
def search_services(db: Database, actor: Actor, flt: ServiceFilter, *, sort_key: str = "name",
                    descending: bool = False, offset: int = 0, limit: int = PAGE_SIZE) -> list[ServiceRow]:
    """One page of matching services, sorted by the database."""
    order = [c.desc() if descending else c.asc() for c in _SORTS.get(sort_key, _SORTS["name"])]
    order.append(DirectoryService.id.desc() if descending else DirectoryService.id.asc())
    with db.session() as session:
        ids = list(session.execute(_base(flt).order_by(*order).offset(offset).limit(limit)).scalars())
        rows = describe_services(session, ids, flt.on())
    return [rows[i] for i in ids]


def describe_services(session: Session, ids: list[int], today: date) -> dict[int, ServiceRow]:
    """List rows for ``ids``: categories, town, days and capacity in a few grouped queries."""
    if not ids:
        return {}
    base = session.execute(
        select(DirectoryService.id, DirectoryService.name, DirectoryOrganisation.name, DirectoryService.status,
               DirectoryService.is_free, DirectoryService.last_verified, DirectoryService.referral_method)
        .join(DirectoryOrganisation, DirectoryOrganisation.id == DirectoryService.organisation_id)
        .where(DirectoryService.id.in_(ids))
    ).all()
    categories: dict[int, list[str]] = {}
    for service_id, key in session.execute(
            select(DirectoryServiceCategory.service_id, DirectoryServiceCategory.category)
            .where(DirectoryServiceCategory.service_id.in_(ids)).order_by(DirectoryServiceCategory.category)):
        categories.setdefault(service_id, []).append(key)
    towns: dict[int, list[str]] = {}
    for service_id, city in session.execute(
            select(DirectoryServiceLocation.service_id, DirectoryLocation.city)
            .join(DirectoryLocation, DirectoryLocation.id == DirectoryServiceLocation.location_id)
            .where(DirectoryServiceLocation.service_id.in_(ids)).order_by(DirectoryServiceLocation.id)):
        if city and city not in towns.setdefault(service_id, []):
            towns[service_id].append(city)
    days: dict[int, set[str]] = {}
    for service_id, byday, valid_to in session.execute(
            select(DirectorySchedule.service_id, DirectorySchedule.byday, DirectorySchedule.valid_to)
            .where(DirectorySchedule.service_id.in_(ids))):
        if valid_to is None or valid_to >= today:
            days.setdefault(service_id, set()).update(byday_codes(byday))
    usage = usage_for(session, ids, today)
    rows = {}
    for service_id, name, organisation, status, is_free, last_verified, method in base:
        keys = tuple(categories.get(service_id, []))
        rows[service_id] = ServiceRow(
            id=service_id, name=name, organisation=organisation, status=status,
            categories=", ".join(category_label(k) for k in keys), category_keys=keys,
            town=", ".join(towns.get(service_id, [])),
            days=", ".join(DAY_NAMES[c][:3] for c in DAY_CODES if c in days.get(service_id, set())),
            cost={True: "Free", False: "Charge"}.get(is_free, ""), usage=usage[service_id],
            last_verified=last_verified, stale=is_stale(last_verified, today), referral_method=method,
        )
    return rows
