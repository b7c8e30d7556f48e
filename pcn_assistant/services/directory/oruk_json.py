"""Read an ORUK / HSDS v3 API-shaped JSON document.

Accepts what an ORUK API returns: one service (compiled, with its organisation,
locations, schedules...), an array of them, a paged list (``{"contents": [...]}``) of
services, organisations, services-at-location, taxonomies or taxonomy terms, or an
organisation with its ``services``. Each record that cannot be used becomes a
``Problem`` with its JSON path; the others carry on.
"""

from __future__ import annotations

import json
from dataclasses import replace

from pcn_assistant.core.directory import CATEGORY_BY_TERM_ID
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services.directory.oruk_records import (
    ContactRecord,
    CostRecord,
    LocationRecord,
    OrgRecord,
    ParsedDirectory,
    Problem,
    RecordError,
    ScheduleRecord,
    ServiceRecord,
    TagRecord,
    TermRecord,
    address_id_for,
    categories_from_tags,
    check_ages,
    clean,
    derived_id,
    normalise_id,
    optional_id,
    parse_age,
    parse_date,
    parse_datetime,
    parse_email,
    parse_number,
    parse_status,
    parse_time,
    parse_url,
    require_name,
)
from pcn_assistant.services.input_limits import load_json

# JSON key -> the ServiceRecord field it carries.
_CARRIES = {
    "description": "description", "url": "url", "email": "email", "fees": "fees",
    "accreditations": "accreditations", "minimum_age": "minimum_age", "maximum_age": "maximum_age",
    "alert": "alert", "assured_date": "assured_date", "last_modified": "last_modified",
    "eligibility_description": "eligibility", "service_areas": "service_area",
    "service_at_locations": "locations", "schedules": "schedules", "contacts": "contacts",
    "cost_options": "costs", "attributes": "tags",
}


def read_json(data: bytes) -> ParsedDirectory:
    try:
        document = load_json(data.decode("utf-8-sig"), "The file")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"The file is not UTF-8 text: {error.reason}") from error
    except json.JSONDecodeError as error:
        raise InvalidInput(f"Not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from error
    parsed = ParsedDirectory(format="oruk-v3-json")
    if isinstance(document, list):
        items = [(f"[{i}]", item) for i, item in enumerate(document)]
    elif isinstance(document, dict) and isinstance(document.get("contents"), list):
        items = [(f"contents[{i}]", item) for i, item in enumerate(document["contents"])]
        pages = document.get("total_pages")
        if isinstance(pages, int) and pages > 1:
            parsed.warnings.append(
                f"This is page {document.get('page_number', '?')} of {pages}: records on other pages "
                "are not in this file and are left as they are")
    elif isinstance(document, dict):
        items = [("$", document)]
    else:
        raise InvalidInput("Not an Open Referral document: expected a JSON object or array")
    if not items:
        parsed.warnings.append("The document holds no records")
    reader = _Reader(parsed)
    for path, item in items:
        reader.item(path, item)
    reader.finish()
    if parsed.records_read and reader.unrecognised == parsed.records_read:
        raise InvalidInput("Not an Open Referral document: no services, organisations or taxonomy terms found")
    return parsed


class _Reader:
    def __init__(self, parsed: ParsedDirectory) -> None:
        self.parsed = parsed
        self.services: dict[str, ServiceRecord] = {}
        self.paths: dict[str, str] = {}
        self.unrecognised = 0

    def item(self, path: str, item: object, organisation: OrgRecord | None = None) -> None:
        self.parsed.records_read += 1
        if not isinstance(item, dict):
            self.parsed.problems.append(Problem(path, "not a JSON object"))
            return
        try:
            kind = _kind(item)
            if kind == "service":
                self._service(path, item, organisation)
            elif kind == "service_at_location":
                self._service_at_location(path, item)
            elif kind == "organization":
                self._organisation(path, item)
            elif kind == "taxonomy":
                if not item.get("taxonomy_terms"):
                    self.parsed.warnings.append(f"{path}: taxonomy {clean(item.get('name'))!r} lists no terms")
                for index, term in enumerate(item.get("taxonomy_terms") or []):
                    self.parsed.terms.append(_term(term, f"{path}.taxonomy_terms[{index}]"))
            elif kind == "taxonomy_term":
                self.parsed.terms.append(_term(item, path))
            else:
                self.unrecognised += 1
                raise RecordError("not a recognised Open Referral record (service, organization, "
                                  "service_at_location, taxonomy or taxonomy_term)")
        except RecordError as error:
            self.parsed.problems.append(Problem(path, str(error)))

    def _organisation(self, path: str, item: dict) -> None:
        organisation = _org(item, path)
        services = item.get("services")
        if isinstance(services, list) and services:
            for index, service in enumerate(services):
                self.item(f"{path}.services[{index}]", service, organisation)
        else:
            self.parsed.organisations.append(organisation)

    def _service(self, path: str, item: dict, organisation: OrgRecord | None) -> ServiceRecord | None:
        record = _service(item, path, organisation, self.parsed.warnings)
        if record.oruk_id in self.services:
            raise RecordError(f"service id {record.oruk_id} appears twice (first at {self.paths[record.oruk_id]})")
        self.services[record.oruk_id] = record
        self.paths[record.oruk_id] = path
        return record

    def _service_at_location(self, path: str, item: dict) -> None:
        service_item = item.get("service")
        if not isinstance(service_item, dict):
            raise RecordError("service_at_location has no service")
        location = item.get("location")
        if not isinstance(location, dict):
            raise RecordError("service_at_location has no location")
        link = _location(location, normalise_id(item.get("id"), "service_at_location id"), f"{path}.location")
        service_id = normalise_id(service_item.get("id"), "service id")
        if service_id in self.services:  # the same service at another location
            held = self.services[service_id]
            self.services[service_id] = replace(held, locations=held.locations + (link,))
            return
        record = _service(service_item, f"{path}.service", None, self.parsed.warnings)
        record = replace(record, locations=record.locations + (link,),
                         carried=record.carried | {"locations"})
        self.services[record.oruk_id] = record
        self.paths[record.oruk_id] = path

    def finish(self) -> None:
        self.parsed.services.extend(self.services.values())


def _kind(item: dict) -> str:
    if "service" in item and "location" in item:
        return "service_at_location"
    if "taxonomy_terms" in item:
        return "taxonomy"
    if "status" in item or "organization" in item or "organization_id" in item or "service_at_locations" in item:
        return "service"
    if {"services", "website", "logo", "organization_identifiers", "parent_organization_id"} & item.keys():
        return "organization"
    if {"term", "term_uri", "parent_id", "taxonomy", "taxonomy_id"} & item.keys():
        return "taxonomy_term"
    if "version" in item and "uri" in item:
        return "taxonomy"
    return "unknown"


def _org(item: object, path: str) -> OrgRecord:
    if not isinstance(item, dict):
        raise RecordError("organization is not an object")
    warnings: list[str] = []
    return OrgRecord(
        oruk_id=normalise_id(item.get("id"), "organization id"),
        name=require_name(item.get("name"), "organization"),
        description=clean(item.get("description")),
        email=parse_email(item.get("email"), warnings, path),
        website=parse_url(item.get("website")),
    )


def _service(item: dict, path: str, organisation: OrgRecord | None, warnings: list[str]) -> ServiceRecord:
    oruk_id = normalise_id(item.get("id"), "service id")
    name = require_name(item.get("name"), "service")
    status = parse_status(item.get("status"), required=True)
    if isinstance(item.get("organization"), dict):
        organisation = _org(item["organization"], f"{path}.organization")
    elif organisation is None:
        organisation_id = optional_id(item.get("organization_id"))
        if organisation_id is None:
            raise RecordError("service has no organization")
        organisation = OrgRecord(oruk_id=organisation_id, name="")  # resolved by the importer
    minimum, maximum = parse_age(item.get("minimum_age"), "minimum_age"), parse_age(item.get("maximum_age"), "maximum_age")
    check_ages(minimum, maximum)
    locations = tuple(
        _location(link.get("location"), normalise_id(link.get("id"), "service_at_location id"),
                  f"{path}.service_at_locations[{i}].location")
        for i, link in enumerate(_objects(item, "service_at_locations", path))
    )
    tags = tuple(t for t in (_tag(a, f"{path}.attributes[{i}]", warnings)
                             for i, a in enumerate(_objects(item, "attributes", path))) if t)
    categories = categories_from_tags(tags)
    areas = [clean(a.get("service_area")) or clean(a.get("name")) for a in _objects(item, "service_areas", path)]
    return ServiceRecord(
        oruk_id=oruk_id, organisation=organisation, name=name, status=status,
        description=clean(item.get("description")), url=parse_url(item.get("url")),
        email=parse_email(item.get("email"), warnings, path), fees=clean(item.get("fees")),
        accreditations=clean(item.get("accreditations")), minimum_age=minimum, maximum_age=maximum,
        eligibility=clean(item.get("eligibility_description")),
        service_area="; ".join(a for a in areas if a) or None, alert=clean(item.get("alert")),
        assured_date=parse_date(item.get("assured_date"), "assured_date"),
        last_modified=parse_datetime(item.get("last_modified"), "last_modified"),
        locations=locations,
        schedules=tuple(_schedule(s, f"{path}.schedules[{i}]") for i, s in enumerate(_objects(item, "schedules", path))),
        contacts=tuple(_contact(c, f"{path}.contacts[{i}]", warnings) for i, c in enumerate(_objects(item, "contacts", path))),
        costs=tuple(_cost(c, f"{path}.cost_options[{i}]") for i, c in enumerate(_objects(item, "cost_options", path))),
        tags=tuple(t for t in tags if t.term.oruk_id not in CATEGORY_BY_TERM_ID),  # ours -> categories
        categories=categories,
        carried=frozenset(field for key, field in _CARRIES.items() if key in item),
    )


def _objects(item: dict, key: str, path: str) -> list[dict]:
    value = item.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise RecordError(f"{key} must be a list of objects")
    return value


def _location(item: object, link_id: str, path: str) -> LocationRecord:
    if not isinstance(item, dict):
        raise RecordError(f"{path} is not an object")
    location_type = clean(item.get("location_type")) or "physical"
    if location_type not in ("physical", "postal", "virtual"):
        raise RecordError(f"{path}.location_type {location_type!r} is not physical, postal or virtual")
    addresses = item.get("addresses") or []
    address = next((a for a in addresses if isinstance(a, dict) and a.get("address_type") != "postal"),
                   addresses[0] if addresses and isinstance(addresses[0], dict) else {})
    lines = [clean(address.get(k)) for k in ("address_1", "address_2", "address_3", "address_4")]
    location_id = normalise_id(item.get("id"), "location id")
    address_id = optional_id(address.get("id")) or (address_id_for(location_id) if address else None)
    return LocationRecord(
        oruk_id=location_id, link_oruk_id=link_id,
        name=clean(item.get("name")), description=clean(item.get("description")),
        location_type=location_type, address_oruk_id=address_id,
        address_1=", ".join(line for line in lines if line) or None, city=clean(address.get("city")),
        region=clean(address.get("region")), state_province=clean(address.get("state_province")),
        postal_code=clean(address.get("postal_code")), country=clean(address.get("country")),
        latitude=parse_number(item.get("latitude"), f"{path}.latitude"),
        longitude=parse_number(item.get("longitude"), f"{path}.longitude"),
        external_identifier=clean(item.get("external_identifier")),
        external_identifier_type=clean(item.get("external_identifier_type")),
    )


def _schedule(item: dict, path: str) -> ScheduleRecord:
    freq = clean(item.get("freq"))
    if freq is not None and freq.upper() not in ("WEEKLY", "MONTHLY"):
        raise RecordError(f"{path}.freq {freq!r} is not WEEKLY or MONTHLY")
    interval = parse_number(item.get("interval"), f"{path}.interval")
    return ScheduleRecord(
        oruk_id=normalise_id(item.get("id"), "schedule id"),
        service_location_oruk_id=optional_id(item.get("service_at_location_id")),
        freq=freq.upper() if freq else None, interval=int(interval) if interval is not None else None,
        byday=clean(item.get("byday")), bymonthday=clean(item.get("bymonthday")),
        opens_at=parse_time(item.get("opens_at"), f"{path}.opens_at"),
        closes_at=parse_time(item.get("closes_at"), f"{path}.closes_at"),
        valid_from=parse_date(item.get("valid_from"), f"{path}.valid_from"),
        valid_to=parse_date(item.get("valid_to"), f"{path}.valid_to"),
        dtstart=parse_date(item.get("dtstart"), f"{path}.dtstart"),
        description=clean(item.get("description")), attending_type=clean(item.get("attending_type")),
        notes=clean(item.get("notes")), schedule_link=parse_url(item.get("schedule_link")),
    )


def _contact(item: dict, path: str, warnings: list[str]) -> ContactRecord:
    phones = [p for p in item.get("phones") or [] if isinstance(p, dict) and clean(p.get("number"))]
    phone = phones[0] if phones else {}
    return ContactRecord(
        oruk_id=normalise_id(item.get("id"), "contact id"), name=clean(item.get("name")),
        title=clean(item.get("title")), email=parse_email(item.get("email"), warnings, path),
        phone_oruk_id=optional_id(phone.get("id")), phone=clean(phone.get("number")),
        phone_description=clean(phone.get("description")),
    )


def _cost(item: dict, path: str) -> CostRecord:
    return CostRecord(
        oruk_id=normalise_id(item.get("id"), "cost_option id"), option=clean(item.get("option")),
        amount=parse_number(item.get("amount"), f"{path}.amount"),
        amount_description=clean(item.get("amount_description")),
        valid_from=parse_date(item.get("valid_from"), f"{path}.valid_from"),
        valid_to=parse_date(item.get("valid_to"), f"{path}.valid_to"),
    )


def _term(item: object, path: str) -> TermRecord:
    if not isinstance(item, dict):
        raise RecordError(f"{path} is not an object")
    taxonomy = item.get("taxonomy")
    return TermRecord(
        oruk_id=normalise_id(item.get("id"), "taxonomy_term id"),
        name=require_name(item.get("name"), "taxonomy_term"), description=clean(item.get("description")),
        term=clean(item.get("term")), taxonomy=clean(taxonomy) if not isinstance(taxonomy, dict) else None,
        taxonomy_oruk_id=optional_id(item.get("taxonomy_id")),
        parent_oruk_id=optional_id(item.get("parent_id")), term_uri=clean(item.get("term_uri")),
    )


def _tag(item: dict, path: str, warnings: list[str]) -> TagRecord | None:
    term = item.get("taxonomy_term")
    if not isinstance(term, dict):
        warnings.append(f"{path}: attribute without its taxonomy_term ignored")
        return None
    attribute_id = clean(item.get("id"))
    term_record = _term(term, f"{path}.taxonomy_term")
    return TagRecord(
        attribute_oruk_id=normalise_id(attribute_id) if attribute_id else derived_id(term_record.oruk_id, path),
        term=term_record, link_type=clean(item.get("link_type")),
    )
