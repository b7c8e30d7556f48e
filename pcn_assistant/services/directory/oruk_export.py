"""``directory export``: the directory as Open Referral UK v3, as JSON or a CSV datapackage.

JSON is an array of compiled services (each with its organisation, locations, schedules,
contacts, costs, areas and attributes), the shape of the profile's
``compiled/service_package.json``. CSV is a v3 tabular datapackage: ``datapackage.json``
plus one file per table. Our categories travel as attributes from a taxonomy of our own
with stable ids, so an export re-imported changes nothing. Empty values are left out
(the profile types them as strings or numbers, never null). Contact phones and e-mail,
which the UK profile leaves out, are written as HSDS 3.0 core has them. Team-only fields
(capacity, private notes, last verified) never leave the building.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from pcn_assistant.core.directory import CATEGORY_BY_KEY, TAXONOMY_ID, TAXONOMY_NAME
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.directory.mapping import load_services, service_to_record
from pcn_assistant.services.directory.oruk_records import ServiceRecord, derived_id
from pcn_assistant.services.safe_cells import SafeDictWriter
from pcn_assistant.services.safe_files import make_private, refuse_overwrite
from pcn_assistant.services.security import DIRECTORY_READ, Actor, requires
from pcn_assistant.store.engine import Database

JSON_FORMAT, CSV_FORMAT = "oruk-json", "oruk-csv"

# Tables and columns of the UK profile's v3 datapackage (plus e-mail on contacts).
CSV_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "organization": ("organizations.csv", ("id", "name", "description", "email", "website", "logo", "uri",
                                           "parent_organization_id")),
    "service": ("services.csv", ("id", "organization_id", "name", "description", "url", "email", "status", "fees",
                                 "accreditations", "minimum_age", "maximum_age", "assured_date", "assurer_email",
                                 "alert", "last_modified")),
    "service_at_location": ("service_at_location.csv", ("id", "service_id", "location_id")),
    "location": ("locations.csv", ("id", "location_type", "name", "description", "latitude", "longitude",
                                   "external_identifier", "external_identifier_type")),
    "address": ("address.csv", ("id", "location_id", "attention", "address_1", "city", "region", "state_province",
                                "postal_code", "country", "address_type")),
    "schedule": ("schedule.csv", ("id", "service_id", "service_at_location_id", "valid_from", "valid_to", "dtstart",
                                  "freq", "interval", "byday", "bymonthday", "description", "opens_at", "closes_at",
                                  "schedule_link", "attending_type", "notes")),
    "contact": ("contacts.csv", ("id", "service_id", "name", "title", "email")),
    "phone": ("phones.csv", ("id", "contact_id", "number", "description")),
    "cost_option": ("cost_options.csv", ("id", "service_id", "valid_from", "valid_to", "option", "amount",
                                         "amount_description")),
    "service_area": ("service_areas.csv", ("id", "service_id", "name", "extent", "extent_type", "uri", "service_area")),
    "taxonomy": ("taxonomies.csv", ("id", "name", "description", "uri", "version")),
    "taxonomy_term": ("taxonomy_terms.csv", ("id", "name", "description", "parent_id", "taxonomy", "taxonomy_id",
                                             "term_uri", "term")),
    "attribute": ("attribute.csv", ("id", "link_id", "taxonomy_term_id", "link_type")),
}
NUMBER_COLUMNS = {"minimum_age", "maximum_age", "latitude", "longitude", "interval", "amount"}


@dataclass
class DirectoryExportResult:
    path: str
    format: str
    services: int
    organisations: int
    files: list[str]


def _value(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _compact(data: dict) -> dict:
    return {k: _value(v) for k, v in data.items() if v is not None}


def _org(record: ServiceRecord) -> dict:
    org = record.organisation
    return _compact({"id": org.oruk_id, "name": org.name, "description": org.description or "",
                     "email": org.email, "website": org.website})


def _location(record: ServiceRecord, link) -> dict:  # noqa: ANN001
    location = _compact({
        "id": link.oruk_id, "location_type": link.location_type, "name": link.name,
        "description": link.description, "latitude": link.latitude, "longitude": link.longitude,
        "external_identifier": link.external_identifier, "external_identifier_type": link.external_identifier_type,
    })
    if link.address_oruk_id:
        location["addresses"] = [_compact({
            "id": link.address_oruk_id, "location_id": link.oruk_id, "address_1": link.address_1 or "",
            "city": link.city or "", "region": link.region, "state_province": link.state_province or "",
            "postal_code": link.postal_code or "", "country": link.country or "", "address_type": "physical",
        })]
    return location


def _terms(record: ServiceRecord) -> Iterator[tuple[str, dict, str | None]]:
    """(attribute id, taxonomy term, link type) for each tag and each of our categories."""
    for tag in record.tags:
        term = tag.term
        yield tag.attribute_oruk_id, _compact({
            "id": term.oruk_id, "name": term.name, "description": term.description or "",
            "parent_id": term.parent_oruk_id, "taxonomy": term.taxonomy, "taxonomy_id": term.taxonomy_oruk_id,
            "term_uri": term.term_uri, "term": term.term}), tag.link_type
    for key in sorted(record.categories or ()):
        category = CATEGORY_BY_KEY.get(key)
        if category is None:
            continue
        yield derived_id(record.oruk_id, "category", key), {
            "id": category.term_id, "name": category.label, "description": category.label,
            "taxonomy": TAXONOMY_NAME, "taxonomy_id": TAXONOMY_ID, "term": category.key}, "service"


def service_json(record: ServiceRecord) -> dict:
    """One compiled ORUK v3 service."""
    service = _compact({
        "id": record.oruk_id, "organization_id": record.organisation.oruk_id, "name": record.name,
        "description": record.description, "url": record.url, "email": record.email, "status": record.status,
        "fees": record.fees, "accreditations": record.accreditations, "minimum_age": record.minimum_age,
        "maximum_age": record.maximum_age, "assured_date": record.assured_date, "alert": record.alert,
        "last_modified": record.last_modified,
    })
    service["organization"] = _org(record)
    service["service_at_locations"] = [
        {"id": link.link_oruk_id, "service_id": record.oruk_id, "location_id": link.oruk_id,
         "location": _location(record, link)} for link in record.locations]
    service["schedules"] = [_compact({"service_id": record.oruk_id, **{
        "id": s.oruk_id, "service_at_location_id": s.service_location_oruk_id, "freq": s.freq,
        "interval": s.interval, "byday": s.byday, "bymonthday": s.bymonthday, "opens_at": s.opens_at,
        "closes_at": s.closes_at, "valid_from": s.valid_from, "valid_to": s.valid_to, "dtstart": s.dtstart,
        "description": s.description, "attending_type": s.attending_type, "notes": s.notes,
        "schedule_link": s.schedule_link}}) for s in record.schedules]
    service["contacts"] = []
    for c in record.contacts:
        contact = _compact({"id": c.oruk_id, "service_id": record.oruk_id, "name": c.name, "title": c.title,
                            "email": c.email})
        if c.phone:
            contact["phones"] = [_compact({"id": c.phone_oruk_id or derived_id(c.oruk_id, "phone"),
                                           "contact_id": c.oruk_id, "number": c.phone,
                                           "description": c.phone_description})]
        service["contacts"].append(contact)
    service["cost_options"] = [_compact({
        "id": c.oruk_id, "service_id": record.oruk_id, "option": c.option, "amount": c.amount,
        "amount_description": c.amount_description, "valid_from": c.valid_from, "valid_to": c.valid_to})
        for c in record.costs]
    service["service_areas"] = ([{"id": derived_id(record.oruk_id, "service_area"), "service_id": record.oruk_id,
                                  "name": record.service_area, "service_area": record.service_area}]
                                if record.service_area else [])
    service["attributes"] = [{"id": attribute_id, "link_id": record.oruk_id, "taxonomy_term_id": term["id"],
                              "link_type": link_type or "service", "taxonomy_term": term}
                             for attribute_id, term, link_type in _terms(record)]
    return service


def _csv_tables(records: list[ServiceRecord]) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {name: [] for name in CSV_TABLES}
    seen: dict[str, set[str]] = {name: set() for name in CSV_TABLES}

    def add(table: str, row: dict) -> None:
        if row["id"] not in seen[table]:
            seen[table].add(row["id"])
            tables[table].append(row)

    for record in records:
        data = service_json(record)
        add("organization", data.pop("organization"))
        for link in data.pop("service_at_locations"):
            location = link.pop("location")
            for address in location.pop("addresses", []):
                add("address", address)
            add("location", location)
            add("service_at_location", link)
        for schedule in data.pop("schedules"):
            add("schedule", schedule)
        for contact in data.pop("contacts"):
            for phone in contact.pop("phones", []):
                add("phone", phone)
            add("contact", contact)
        for cost in data.pop("cost_options"):
            add("cost_option", cost)
        for area in data.pop("service_areas"):
            add("service_area", area)
        for attribute in data.pop("attributes"):
            term = attribute.pop("taxonomy_term")
            add("taxonomy_term", term)
            if term.get("taxonomy_id") == TAXONOMY_ID:
                add("taxonomy", {"id": TAXONOMY_ID, "name": TAXONOMY_NAME, "description": TAXONOMY_NAME,
                                 "version": "1"})
            add("attribute", attribute)
        add("service", data)
    return tables


def _descriptor(files: dict[str, str]) -> dict:
    return {
        "name": "pcn_assistant_directory", "title": "VCF directory exported by PCN Assistant",
        "profile": "tabular-data-package", "version": "3.0.0",
        "resources": [{
            "name": name, "path": path, "format": "csv", "mediatype": "text/csv", "profile": "tabular-data-resource",
            "schema": {"primaryKey": "id", "fields": [
                {"name": column, "type": "number" if column in NUMBER_COLUMNS else "string"}
                for column in CSV_TABLES[name][1]]},
        } for name, path in files.items()],
    }


@requires(DIRECTORY_READ)
def export_directory(db: Database, actor: Actor, out: str | Path, fmt: str = JSON_FORMAT,
                     *, include_closed: bool = True, force: bool = False) -> DirectoryExportResult:
    """Write the directory to ``out`` (a .json file, or a folder for the CSV datapackage)."""
    if fmt not in (JSON_FORMAT, CSV_FORMAT):
        raise InvalidInput(f"Unknown export format {fmt!r}: use {JSON_FORMAT} or {CSV_FORMAT}")
    out = Path(out)
    names = ["datapackage.json", *(name for name, _c in CSV_TABLES.values())]
    for target in [out] if fmt == JSON_FORMAT else [out / name for name in names]:
        refuse_overwrite(target, force)
    with db.transaction() as session:
        services = sorted(load_services(session).values(), key=lambda s: (s.name.lower(), s.oruk_id))
        records = [service_to_record(s) for s in services if include_closed or s.status == "active"]
        files: list[str] = []
        if fmt == JSON_FORMAT:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps([service_json(r) for r in records], indent=2, ensure_ascii=False),
                           encoding="utf-8")
            make_private(out)
            files.append(str(out))
        else:
            out.mkdir(parents=True, exist_ok=True)
            tables = _csv_tables(records)
            written = {}
            for name, (file_name, columns) in CSV_TABLES.items():
                with (out / file_name).open("w", newline="", encoding="utf-8") as handle:
                    writer = SafeDictWriter(handle, fieldnames=list(columns), extrasaction="raise")
                    writer.writeheader()
                    writer.writerows(tables[name])
                written[name] = file_name
                files.append(str(out / file_name))
            (out / "datapackage.json").write_text(json.dumps(_descriptor(written), indent=2), encoding="utf-8")
            files.append(str(out / "datapackage.json"))
        organisations = len({r.organisation.oruk_id for r in records})
        audit.record(session, actor, "export.directory", entity="directory", summary=(
            f"{fmt} to {out.name}: {len(records)} services, {organisations} organisations"))
    return DirectoryExportResult(str(out), fmt, len(records), organisations, files)
