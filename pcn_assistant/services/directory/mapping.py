"""Between the database's directory rows and ``ServiceRecord``s, both ways.

``service_to_record`` is what the exporter writes and what an import compares against;
``apply_service`` writes a record onto a service, updating child rows in place by their
ORUK id (deleting and re-inserting would trip the unique ids inside one flush).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pcn_assistant.core.directory import infer_is_free
from pcn_assistant.services.directory.oruk_records import (
    ContactRecord,
    CostRecord,
    LocationRecord,
    OrgRecord,
    ScheduleRecord,
    ServiceRecord,
    TagRecord,
    TermRecord,
    clean,
)
from pcn_assistant.store.models.directory import (
    DirectoryContact,
    DirectoryCostOption,
    DirectoryLocation,
    DirectoryOrganisation,
    DirectorySchedule,
    DirectoryService,
    DirectoryServiceCategory,
    DirectoryServiceLocation,
    DirectoryServiceTerm,
    DirectoryTaxonomyTerm,
)

SERVICE_LOADS = (
    selectinload(DirectoryService.organisation),
    selectinload(DirectoryService.locations).selectinload(DirectoryServiceLocation.location),
    selectinload(DirectoryService.schedules),
    selectinload(DirectoryService.contacts),
    selectinload(DirectoryService.cost_options),
    selectinload(DirectoryService.terms).selectinload(DirectoryServiceTerm.term),
    selectinload(DirectoryService.categories),
)

_LOCATION_FIELDS = tuple(f for f in LocationRecord.__dataclass_fields__ if f not in ("oruk_id", "link_oruk_id"))
_SCHEDULE_FIELDS = tuple(f for f in ScheduleRecord.__dataclass_fields__ if f != "oruk_id")
_CONTACT_FIELDS = tuple(f for f in ContactRecord.__dataclass_fields__ if f != "oruk_id")
_COST_FIELDS = ("option", "amount", "amount_description", "valid_from", "valid_to")
_TERM_FIELDS = tuple(f for f in TermRecord.__dataclass_fields__ if f != "oruk_id")
_ORG_FIELDS = ("name", "description", "email", "website", "phone")
SCALAR_FIELDS = ("name", "status", "description", "url", "email", "fees", "accreditations", "minimum_age",
                 "maximum_age", "eligibility", "service_area", "alert", "assured_date", "last_modified")


def _text_or_value(value: Any) -> Any:
    return clean(value) if isinstance(value, str) else value


def _fields(row: object, names: Iterable[str]) -> dict[str, Any]:
    return {name: _text_or_value(getattr(row, name)) for name in names}


def org_to_record(org: DirectoryOrganisation) -> OrgRecord:
    return OrgRecord(oruk_id=org.oruk_id, **_fields(org, _ORG_FIELDS))


def term_to_record(term: DirectoryTaxonomyTerm) -> TermRecord:
    return TermRecord(oruk_id=term.oruk_id, **_fields(term, _TERM_FIELDS))


def service_to_record(service: DirectoryService) -> ServiceRecord:
    """The service as ORUK sees it (local fields such as capacity are not part of it)."""
    return ServiceRecord(
        oruk_id=service.oruk_id, organisation=org_to_record(service.organisation),
        **_fields(service, SCALAR_FIELDS),
        locations=tuple(
            LocationRecord(oruk_id=link.location.oruk_id, link_oruk_id=link.oruk_id,
                           **_fields(link.location, _LOCATION_FIELDS))
            for link in service.locations
        ),
        schedules=tuple(ScheduleRecord(oruk_id=s.oruk_id, **_fields(s, _SCHEDULE_FIELDS)) for s in service.schedules),
        contacts=tuple(ContactRecord(oruk_id=c.oruk_id, **_fields(c, _CONTACT_FIELDS)) for c in service.contacts),
        costs=tuple(CostRecord(oruk_id=c.oruk_id, **_fields(c, _COST_FIELDS)) for c in service.cost_options),
        tags=tuple(TagRecord(attribute_oruk_id=t.attribute_oruk_id, term=term_to_record(t.term), link_type=t.link_type)
                   for t in service.terms),
        categories=frozenset(c.category for c in service.categories),
    )


def load_services(session: Session, oruk_ids: Sequence[str] | None = None) -> dict[str, DirectoryService]:
    stmt = select(DirectoryService).options(*SERVICE_LOADS)
    if oruk_ids is not None:
        stmt = stmt.where(DirectoryService.oruk_id.in_(list(oruk_ids)))
    return {s.oruk_id: s for s in session.execute(stmt).scalars()}


def _sync(collection: list, records: Sequence, key: Callable[[Any], str], record_key: Callable[[Any], str],
          make: Callable[[Any], Any], update: Callable[[Any, Any], None]) -> None:
    """Make ``collection`` match ``records``: update matches, add the new, drop the gone."""
    held = {key(row): row for row in collection}
    wanted = {record_key(r) for r in records}
    for row in list(collection):
        if key(row) not in wanted:
            collection.remove(row)
    for record in records:
        row = held.get(record_key(record))
        if row is None:
            collection.append(make(record))
        else:
            update(row, record)


def _assign(row: object, record: object, names: Iterable[str]) -> None:
    for name in names:
        value = getattr(record, name)
        if getattr(row, name) != value:
            setattr(row, name, value)


class Upserter:
    """Writes records into one session, sharing locations, terms and organisations by id."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._locations: dict[str, DirectoryLocation] = {}
        self._terms: dict[str, DirectoryTaxonomyTerm] = {}

    def organisation(self, record: OrgRecord, *, source: str, keep_phone: bool) -> tuple[DirectoryOrganisation, str]:
        """(row, "new" | "updated" | "unchanged")."""
        org = self.session.execute(
            select(DirectoryOrganisation).where(DirectoryOrganisation.oruk_id == record.oruk_id)).scalar_one_or_none()
        if keep_phone and org is not None and record.phone is None:
            record = OrgRecord(**{**record.__dict__, "phone": org.phone})
        if org is None:
            org = DirectoryOrganisation(oruk_id=record.oruk_id, source=source, **{
                f: (getattr(record, f) or "") if f == "description" else getattr(record, f) for f in _ORG_FIELDS})
            self.session.add(org)
            return org, "new"
        if org_to_record(org) == record:
            return org, "unchanged"
        _assign(org, record, ("name", "email", "website", "phone"))
        org.description = record.description or ""
        return org, "updated"

    def term(self, record: TermRecord) -> DirectoryTaxonomyTerm:
        term = self._terms.get(record.oruk_id) or self.session.execute(
            select(DirectoryTaxonomyTerm).where(DirectoryTaxonomyTerm.oruk_id == record.oruk_id)).scalar_one_or_none()
        if term is None:
            term = DirectoryTaxonomyTerm(oruk_id=record.oruk_id)
            self.session.add(term)
        _assign(term, record, _TERM_FIELDS)
        term.description = record.description or ""
        self._terms[record.oruk_id] = term
        return term

    def location(self, record: LocationRecord) -> DirectoryLocation:
        location = self._locations.get(record.oruk_id) or self.session.execute(
            select(DirectoryLocation).where(DirectoryLocation.oruk_id == record.oruk_id)).scalar_one_or_none()
        if location is None:
            location = DirectoryLocation(oruk_id=record.oruk_id)
            self.session.add(location)
        _assign(location, record, _LOCATION_FIELDS)
        self._locations[record.oruk_id] = location
        return location

    def service(self, service: DirectoryService, record: ServiceRecord) -> None:
        """Write every ORUK field of ``record`` onto ``service`` (local fields untouched)."""
        for name in SCALAR_FIELDS:
            value = getattr(record, name)
            if name == "description":
                value = value or ""
            if getattr(service, name) != value:
                setattr(service, name, value)
        _sync(service.locations, record.locations, lambda r: r.oruk_id, lambda r: r.link_oruk_id,
              lambda r: DirectoryServiceLocation(oruk_id=r.link_oruk_id, location=self.location(r)),
              lambda row, r: setattr(row, "location", self.location(r)))
        _sync(service.schedules, record.schedules, lambda r: r.oruk_id, lambda r: r.oruk_id,
              lambda r: DirectorySchedule(oruk_id=r.oruk_id, **_fields(r, _SCHEDULE_FIELDS)),
              lambda row, r: _assign(row, r, _SCHEDULE_FIELDS))
        _sync(service.contacts, record.contacts, lambda r: r.oruk_id, lambda r: r.oruk_id,
              lambda r: DirectoryContact(oruk_id=r.oruk_id, **_fields(r, _CONTACT_FIELDS)),
              lambda row, r: _assign(row, r, _CONTACT_FIELDS))
        _sync(service.cost_options, record.costs, lambda r: r.oruk_id, lambda r: r.oruk_id,
              lambda r: DirectoryCostOption(oruk_id=r.oruk_id, **_fields(r, _COST_FIELDS)),
              lambda row, r: _assign(row, r, _COST_FIELDS))
        _sync(service.terms, record.tags, lambda r: r.attribute_oruk_id, lambda r: r.attribute_oruk_id,
              lambda r: DirectoryServiceTerm(attribute_oruk_id=r.attribute_oruk_id, term=self.term(r.term),
                                             link_type=r.link_type),
              lambda row, r: (setattr(row, "term", self.term(r.term)), setattr(row, "link_type", r.link_type)))
        if record.categories is not None:
            set_categories(service, record.categories)
        service.is_free = infer_is_free([c.amount for c in record.costs], record.fees)


def set_categories(service: DirectoryService, keys: Iterable[str]) -> None:
    wanted = set(keys)
    for row in list(service.categories):
        if row.category not in wanted:
            service.categories.remove(row)
    held = {row.category for row in service.categories}
    for key in sorted(wanted - held):
        service.categories.append(DirectoryServiceCategory(category=key))
