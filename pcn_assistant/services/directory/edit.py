"""Read one service in full, and add or edit a service by hand.

The form is deliberately simple (one place, one contact, one weekly pattern): that is
what a link worker types after a phone call. Imported services with richer data keep
the extra locations, contacts and schedules unless the form's own values are changed.
Saves check the version read, so two people editing the same service never silently
overwrite each other (``StaleRecord`` says who changed it and when).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, time

from sqlalchemy import func, select

from pcn_assistant.core import clock
from pcn_assistant.core.directory import (
    CAPACITY_UNITS,
    CATEGORY_BY_KEY,
    DAY_CODES,
    REFERRAL_METHODS,
    SERVICE_STATUSES,
    byday_codes,
    category_label,
    infer_is_free,
    is_stale,
    schedule_text,
)
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.concurrency import ensure_version, refusing_stale
from pcn_assistant.services.directory.mapping import SERVICE_LOADS, set_categories
from pcn_assistant.services.directory.oruk_records import address_id_for
from pcn_assistant.services.referrals.capacity import Usage, medians, usage_for
from pcn_assistant.services.security import DIRECTORY_READ, DIRECTORY_WRITE, Actor, requires
from pcn_assistant.store.base import utcnow
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.directory import (
    DirectoryContact,
    DirectoryCostOption,
    DirectoryLocation,
    DirectoryOrganisation,
    DirectorySchedule,
    DirectoryService,
    DirectoryServiceLocation,
)


@dataclass
class ServiceForm:
    """What the add/edit dialog edits. ``id`` None means a new service."""

    name: str
    organisation: str
    id: int | None = None
    version: int | None = None
    description: str = ""
    status: str = "active"
    categories: list[str] = field(default_factory=list)
    url: str = ""
    email: str = ""
    contact_name: str = ""
    phone: str = ""
    address: str = ""
    town: str = ""
    postcode: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    eligibility: str = ""
    days: list[str] = field(default_factory=list)
    opens_at: time | None = None
    closes_at: time | None = None
    free: bool | None = None
    fees: str = ""
    capacity: int | None = None
    capacity_unit: str = "places"
    referral_method: str = "direct"
    last_verified: date | None = None
    private_notes: str = ""


@dataclass(frozen=True)
class ServiceDetail:
    form: ServiceForm
    organisation_id: int
    source: str
    schedules: list[str]
    locations: list[str]
    contacts: list[str]
    costs: list[str]
    category_labels: list[str]
    usage: Usage
    stale: bool
    alert: str | None
    median_days_to_accept: float | None
    median_days_to_attend: float | None
    updated_by: str | None


def _first(items: list) -> object | None:  # noqa: ANN401
    return items[0] if items else None


def _main_pattern(service: DirectoryService) -> tuple[list[str], time | None, time | None]:
    days: list[str] = []
    for schedule in service.schedules:
        days += [c for c in byday_codes(schedule.byday) if c not in days]
    first = _first(service.schedules)
    return ([c for c in DAY_CODES if c in days], first.opens_at if first else None, first.closes_at if first else None)


def _form(service: DirectoryService) -> ServiceForm:
    link = _first(service.locations)
    location = link.location if link else None
    contact = _first(service.contacts)
    days, opens, closes = _main_pattern(service)
    return ServiceForm(
        id=service.id, version=service.version, name=service.name, organisation=service.organisation.name,
        description=service.description or "", status=service.status,
        categories=[c.category for c in service.categories], url=service.url or "", email=service.email or "",
        contact_name=(contact.name or "") if contact else "", phone=(contact.phone or "") if contact else "",
        address=(location.address_1 or "") if location else "", town=(location.city or "") if location else "",
        postcode=(location.postal_code or "") if location else "", minimum_age=service.minimum_age,
        maximum_age=service.maximum_age, eligibility=service.eligibility or "", days=days, opens_at=opens,
        closes_at=closes, free=service.is_free, fees=service.fees or "", capacity=service.capacity,
        capacity_unit=service.capacity_unit, referral_method=service.referral_method,
        last_verified=service.last_verified, private_notes=service.private_notes or "",
    )


def _load(session, service_id: int) -> DirectoryService:  # noqa: ANN001
    service = session.execute(select(DirectoryService).options(*SERVICE_LOADS)
                              .where(DirectoryService.id == service_id)).scalar_one_or_none()
    if service is None:
        raise InvalidInput(f"There is no service {service_id}")
    return service


@requires(DIRECTORY_READ)
def service_detail(db: Database, actor: Actor, service_id: int, *, today: date | None = None) -> ServiceDetail:
    today = today or clock.today()
    with db.session() as session:
        service = _load(session, service_id)
        usage = usage_for(session, [service_id], today)[service_id]
        accept, attend, _n1, _n2 = medians(session, [service_id]).get(service_id, (None, None, 0, 0))
        locations = []
        for link in service.locations:
            loc = link.location
            parts = [loc.name, loc.address_1, loc.city, loc.postal_code]
            locations.append(", ".join(p for p in parts if p) or "(no address)")
        contacts = [" - ".join(p for p in (c.name, c.title, c.phone, c.email) if p) for c in service.contacts]
        costs = []
        for cost in service.cost_options:
            amount = "free" if cost.amount == 0 else (f"£{cost.amount:.2f}" if cost.amount is not None else "")
            costs.append(": ".join(p for p in (cost.option, " ".join(q for q in (amount, cost.amount_description) if q)) if p))
        if service.fees:
            costs.append(service.fees)
        return ServiceDetail(
            form=_form(service), organisation_id=service.organisation_id, source=service.source,
            schedules=[schedule_text(s.freq, s.interval, s.byday, s.bymonthday, s.opens_at, s.closes_at)
                       + (f" ({s.description})" if s.description else "") for s in service.schedules],
            locations=locations, contacts=[c for c in contacts if c], costs=costs,
            category_labels=[category_label(c.category) for c in service.categories], usage=usage,
            stale=is_stale(service.last_verified, today), alert=service.alert,
            median_days_to_accept=accept, median_days_to_attend=attend, updated_by=service.updated_by,
        )


def _validate(form: ServiceForm, today: date) -> None:
    problems = []
    if not form.name.strip():
        problems.append("the service needs a name")
    if not form.organisation.strip():
        problems.append("the service needs an organisation")
    if form.status not in SERVICE_STATUSES:
        problems.append(f"status must be one of {', '.join(SERVICE_STATUSES)}")
    unknown = [c for c in form.categories if c not in CATEGORY_BY_KEY]
    if unknown:
        problems.append(f"unknown categories: {', '.join(unknown)}")
    if form.minimum_age is not None and form.maximum_age is not None and form.minimum_age > form.maximum_age:
        problems.append("the minimum age is above the maximum age")
    if any(d not in DAY_CODES for d in form.days):
        problems.append("days must be MO, TU, WE, TH, FR, SA or SU")
    if form.opens_at and form.closes_at and form.closes_at <= form.opens_at:
        problems.append("closing time must be after opening time")
    if form.capacity is not None and form.capacity < 0:
        problems.append("capacity cannot be negative")
    if form.capacity_unit not in CAPACITY_UNITS:
        problems.append("capacity unit must be places, week or month")
    if form.referral_method not in REFERRAL_METHODS:
        problems.append("referral method must be direct or signpost")
    if form.last_verified and form.last_verified > today:
        problems.append("the last-verified date is in the future")
    if form.email and "@" not in form.email:
        problems.append("the email address is not valid")
    if problems:
        raise InvalidInput("Cannot save the service: " + "; ".join(problems))


def _new_id() -> str:
    return str(uuid.uuid4())


def _organisation(session, name: str) -> DirectoryOrganisation:  # noqa: ANN001
    found = session.execute(select(DirectoryOrganisation).where(
        func.lower(DirectoryOrganisation.name) == name.strip().lower()).limit(1)).scalar_one_or_none()
    if found is None:
        found = DirectoryOrganisation(oruk_id=_new_id(), name=name.strip(), description="", source="manual")
        session.add(found)
    return found


def _apply(session, service: DirectoryService, form: ServiceForm, actor: Actor) -> None:  # noqa: ANN001
    before = _form(service) if service.id else None
    service.name = form.name.strip()
    service.organisation = _organisation(session, form.organisation)
    service.description = form.description.strip()
    service.status = form.status
    service.url = form.url.strip() or None
    service.email = form.email.strip() or None
    service.minimum_age, service.maximum_age = form.minimum_age, form.maximum_age
    service.eligibility = form.eligibility.strip() or None
    service.fees = form.fees.strip() or None
    service.capacity, service.capacity_unit = form.capacity, form.capacity_unit
    service.referral_method = form.referral_method
    service.last_verified = form.last_verified
    service.private_notes = form.private_notes
    service.updated_by = actor.name
    set_categories(service, form.categories)
    place = (form.address.strip(), form.town.strip(), form.postcode.strip().upper())
    if before is None or place != (before.address, before.town, before.postcode.upper()):
        link = _first(service.locations)
        if link is None and any(place):
            location_id = _new_id()
            location = DirectoryLocation(oruk_id=location_id, location_type="physical",
                                         address_oruk_id=address_id_for(location_id), country="GB")
            service.locations.append(DirectoryServiceLocation(oruk_id=_new_id(), location=location))
            link = service.locations[-1]
        if link is not None:
            link.location.address_1, link.location.city = place[0] or None, place[1] or None
            link.location.postal_code = place[2] or None
            link.location.address_oruk_id = link.location.address_oruk_id or address_id_for(link.location.oruk_id)
    who = (form.contact_name.strip(), form.phone.strip())
    if before is None or who != (before.contact_name, before.phone):
        contact = _first(service.contacts)
        if contact is None and any(who):
            contact = DirectoryContact(oruk_id=_new_id())
            service.contacts.append(contact)
        if contact is not None:
            contact.name, contact.phone = who[0] or None, who[1] or None
            if contact.phone and not contact.phone_oruk_id:
                contact.phone_oruk_id = _new_id()
    pattern = ([d for d in DAY_CODES if d in form.days], form.opens_at, form.closes_at)
    if before is None or pattern != (before.days, before.opens_at, before.closes_at):
        keep = _first(service.schedules)
        service.schedules[:] = [keep] if keep else []
        if pattern[0] or pattern[1]:
            schedule = keep or DirectorySchedule(oruk_id=_new_id())
            schedule.freq, schedule.interval = ("WEEKLY", 1) if pattern[0] else (None, None)
            schedule.byday = ",".join(pattern[0]) or None
            schedule.opens_at, schedule.closes_at = pattern[1], pattern[2]
            if keep is None:
                service.schedules.append(schedule)
        else:
            service.schedules.clear()
    if before is None or form.free != before.free:
        amounts = [c.amount for c in service.cost_options]
        if form.free is True and not service.cost_options:
            service.cost_options.append(DirectoryCostOption(oruk_id=_new_id(), option="Everyone", amount=0))
            amounts = [0.0]
        service.is_free = form.free if form.free is not None else infer_is_free(amounts, service.fees)
    service.last_modified = utcnow()


@requires(DIRECTORY_WRITE)
def save_service(db: Database, actor: Actor, form: ServiceForm, *, today: date | None = None) -> int:
    """Create or update a service from the form; returns its id.

    An edit names the version it started from; if someone saved in between, the save is
    refused with both versions (``concurrency.StaleEdit``) and nothing is overwritten.
    """
    _validate(form, today or clock.today())
    columns = DirectoryService.__table__.columns.keys()
    mine = {k: v for k, v in asdict(form).items() if k in columns and k not in ("id", "version")}
    with refusing_stale(db, DirectoryService, form.id, mine, form.version), db.transaction() as session:
        if form.id is None:
            service = DirectoryService(oruk_id=_new_id(), source="manual", name=form.name.strip(), private_notes="")
            session.add(service)
            action = "directory.service.create"
        else:
            service = _load(session, form.id)
            ensure_version(session, service, form.version, mine)
            action = "directory.service.update"
        with session.no_autoflush:  # the organisation lookup must not flush a half-built service
            _apply(session, service, form, actor)
        session.flush()
        audit.record(session, actor, action, entity="directory_service", entity_id=service.id,
                     summary=f"{service.name} ({service.status})")
        return service.id


@requires(DIRECTORY_WRITE)
def mark_verified(db: Database, actor: Actor, service_id: int, on: date | None = None) -> None:
    """Record that the team checked the service still runs as described."""
    on = on or clock.today()
    with db.transaction() as session:
        service = _load(session, service_id)
        service.last_verified = on
        service.updated_by = actor.name
        audit.record(session, actor, "directory.service.verify", entity="directory_service",
                     entity_id=service_id, summary=f"verified on {on.isoformat()}")


@requires(DIRECTORY_READ)
def organisation_names(db: Database, actor: Actor) -> list[str]:
    with db.session() as session:
        return list(session.execute(select(DirectoryOrganisation.name).order_by(
            func.lower(DirectoryOrganisation.name))).scalars())
