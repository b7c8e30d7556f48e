"""Read an Open Referral CSV datapackage: ORUK/HSDS v3 tables or the older ORUK 1.x tables.

A package is a folder or a zip holding ``datapackage.json`` and one CSV per table. The
descriptor names each table's file; without one we look for the usual file names. Which
standard it is comes from the descriptor's version and its table names (v3 has
``schedule`` and ``attribute``; v1 has ``regular_schedule``, ``service_taxonomy`` and
``eligibility``). Rows are joined into ``ServiceRecord``s; a bad row is reported with
its file and row number, and the others carry on.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from pcn_assistant.core.directory import CATEGORY_BY_TERM_ID, day_code
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
from pcn_assistant.services.input_limits import check_zip, load_json
from pcn_assistant.services.safe_cells import csv_unescape

# Table name -> file names to try when the descriptor does not say.
DEFAULT_FILES = {
    "organization": ("organizations.csv", "organization.csv"),
    "service": ("services.csv", "service.csv"),
    "service_at_location": ("service_at_location.csv", "services_at_location.csv", "service_at_locations.csv"),
    "location": ("locations.csv", "location.csv"),
    "address": ("address.csv", "addresses.csv"),
    "physical_address": ("physical_addresses.csv", "physical_address.csv"),
    "postal_address": ("postal_addresses.csv", "postal_address.csv"),
    "schedule": ("schedule.csv", "schedules.csv"),
    "regular_schedule": ("regular_schedules.csv", "regular_schedule.csv"),
    "contact": ("contacts.csv", "contact.csv"),
    "phone": ("phones.csv", "phone.csv"),
    "cost_option": ("cost_options.csv", "cost_option.csv"),
    "attribute": ("attribute.csv", "attributes.csv"),
    "taxonomy_term": ("taxonomy_terms.csv", "taxonomy_term.csv"),
    "taxonomy": ("taxonomy.csv", "taxonomies.csv"),
    "service_taxonomy": ("services_taxonomy.csv", "service_taxonomy.csv"),
    "eligibility": ("eligibility.csv", "eligibilities.csv"),
    "service_area": ("service_areas.csv", "service_area.csv"),
}
V3_MARKERS = {"schedule", "attribute", "taxonomy_term", "address"}
V1_MARKERS = {"regular_schedule", "service_taxonomy", "eligibility", "physical_address", "link_taxonomy"}

Row = dict[str, str]


class Package:
    """The files of a datapackage, from a folder or a zip, by lower-case base name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._files: dict[str, Callable[[], bytes]] = {}
        if path.is_dir():
            for file in path.iterdir():
                if file.is_file():
                    self._files[file.name.lower()] = file.read_bytes
        elif zipfile.is_zipfile(path):
            archive = zipfile.ZipFile(path)
            check_zip(archive, path.name)
            names = [n for n in archive.namelist() if not n.endswith("/")]
            descriptor = next((n for n in names if n.lower().endswith("datapackage.json")), None)
            folder = descriptor.rsplit("/", 1)[0] + "/" if descriptor and "/" in descriptor else ""
            for name in names:
                if name.startswith(folder) and "/" not in name[len(folder):]:
                    self._files[name[len(folder):].lower()] = (lambda n=name: archive.read(n))
        else:
            raise InvalidInput(f"{path.name} is neither a folder nor a zip file")
        self.descriptor = self._descriptor()
        self.paths = self._resource_paths()

    def _descriptor(self) -> dict | None:
        if "datapackage.json" not in self._files:
            return None
        try:
            descriptor = load_json(self._files["datapackage.json"]().decode("utf-8-sig"), "datapackage.json")
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InvalidInput(f"datapackage.json is not valid JSON: {error}") from error
        if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
            raise InvalidInput("datapackage.json has no list of resources")
        return descriptor

    def _resource_paths(self) -> dict[str, str]:
        paths: dict[str, str] = {}
        for resource in (self.descriptor or {}).get("resources", []):
            if isinstance(resource, dict) and isinstance(resource.get("path"), str):
                name = str(resource.get("name", "")).lower()
                file = resource["path"].rsplit("/", 1)[-1].lower()
                if file in self._files:
                    paths[name] = file
        for table, candidates in DEFAULT_FILES.items():
            if table not in paths:
                found = next((c for c in candidates if c in self._files), None)
                if found:
                    paths[table] = found
        return paths

    def has(self, table: str) -> bool:
        return table in self.paths

    def rows(self, table: str, warnings: list[str]) -> list[tuple[str, Row]]:
        """(path, row) for each data row; the path names the file and its row number."""
        if table not in self.paths:
            return []
        name = self.paths[table]
        data = self._files[name]()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            warnings.append(f"{name} is not UTF-8; read as Windows-1252")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if reader.fieldnames is None:
            return []
        reader.fieldnames = [f.strip().lower() for f in reader.fieldnames]
        return [(f"{name} row {index}", {k: csv_unescape(v) for k, v in row.items() if k is not None})
                for index, row in enumerate(reader, start=2)]

    def columns(self, table: str) -> set[str]:
        rows = self.rows(table, [])
        if rows:
            return set(rows[0][1])
        if table not in self.paths:
            return set()
        header = self._files[self.paths[table]]().decode("utf-8-sig", errors="replace").splitlines()[:1]
        return {c.strip().lower() for c in header[0].split(",")} if header else set()


def detect_version(package: Package) -> str:
    version = str((package.descriptor or {}).get("version", ""))
    names = set(package.paths)
    if version.startswith("3") or (names & V3_MARKERS and not names & V1_MARKERS):
        return "v3"
    if names & V1_MARKERS or version.startswith("1") or "taxonomy_ids" in package.columns("service"):
        return "v1"
    return "v3" if "last_modified" in package.columns("service") else "v1"


def read_package(path: Path) -> ParsedDirectory:
    package = Package(path)
    if not package.has("service") and not package.has("organization"):
        raise InvalidInput(f"{path.name} has no services.csv or organizations.csv: not an Open Referral datapackage")
    version = detect_version(package)
    parsed = ParsedDirectory(format=f"oruk-{version}-csv")
    _Joiner(package, parsed, version).run()
    return parsed


class _Joiner:
    """Index every table by the key it joins on, then build one record per service row."""

    def __init__(self, package: Package, parsed: ParsedDirectory, version: str) -> None:
        self.p, self.parsed, self.v1 = package, parsed, version == "v1"
        self.w = parsed.warnings

    def _table(self, table: str) -> list[tuple[str, Row]]:
        return self.p.rows(table, self.w)

    def _by(self, table: str, key: str) -> dict[str, list[tuple[str, Row]]]:
        grouped: dict[str, list[tuple[str, Row]]] = defaultdict(list)
        for path, row in self._table(table):
            value = optional_id(row.get(key))
            if value:
                grouped[value].append((path, row))
        return grouped

    def _safe(self, path: str, build: Callable[[], object]) -> object | None:
        try:
            return build()
        except RecordError as error:
            self.parsed.problems.append(Problem(path, str(error)))
            return None

    def run(self) -> None:
        self.orgs: dict[str, OrgRecord] = {}
        org_phones = self._by("phone", "organization_id") if self.v1 else {}
        for path, row in self._table("organization"):
            self.parsed.records_read += 1
            org = self._safe(path, lambda row=row, path=path: self._org(row, path, org_phones))
            if isinstance(org, OrgRecord):
                self.orgs[org.oruk_id] = org
        self.locations = {}
        for path, row in self._table("location"):
            location = self._safe(path, lambda row=row, path=path: self._location(row, path))
            if location:
                self.locations[location[0]] = location[1]
        self.terms = {}
        for path, row in self._table("taxonomy" if self.v1 else "taxonomy_term"):
            term = self._safe(path, lambda row=row: self._term(row))
            if isinstance(term, TermRecord):
                self.terms[term.oruk_id] = term
        self.links = self._by("service_at_location", "service_id")
        self.schedules = self._by("regular_schedule" if self.v1 else "schedule", "service_id")
        self.schedules_by_link = self._by("regular_schedule" if self.v1 else "schedule", "service_at_location_id")
        self.contacts = self._by("contact", "service_id")
        self.phones_by_contact = self._by("phone", "contact_id")
        self.service_phones = self._by("phone", "service_id") if self.v1 else {}
        self.costs = self._by("cost_option", "service_id")
        self.tags = self._by("service_taxonomy", "service_id") if self.v1 else self._by("attribute", "link_id")
        self.eligibility = self._by("eligibility", "service_id")
        self.areas = self._by("service_area", "service_id")
        self.carried = self._carried()
        used_orgs: set[str] = set()
        seen: set[str] = set()
        for path, row in self._table("service"):
            self.parsed.records_read += 1
            record = self._safe(path, lambda row=row, path=path: self._service(row, path))
            if isinstance(record, ServiceRecord):
                if record.oruk_id in seen:
                    self.parsed.problems.append(Problem(path, f"service id {record.oruk_id} appears twice"))
                    continue
                seen.add(record.oruk_id)
                used_orgs.add(record.organisation.oruk_id)
                self.parsed.services.append(record)
        self.parsed.organisations.extend(o for k, o in self.orgs.items() if k not in used_orgs)
        if not self.parsed.services:
            self.parsed.terms.extend(self.terms.values())

    def _carried(self) -> frozenset[str]:
        columns = self.p.columns("service")
        carried = {f for f in ("description", "url", "email", "fees", "accreditations", "minimum_age",
                               "maximum_age", "alert", "assured_date", "last_modified") if f in columns}
        table_fields = {"service_at_location": "locations", "service_area": "service_area",
                        "contact": "contacts", "cost_option": "costs",
                        "regular_schedule" if self.v1 else "schedule": "schedules",
                        "service_taxonomy" if self.v1 else "attribute": "tags"}
        carried |= {f for table, f in table_fields.items() if self.p.has(table)}
        if self.v1 and self.p.has("phone"):
            carried.add("contacts")
        if self.v1 and "taxonomy_ids" in columns:
            carried.add("tags")
        if self.p.has("eligibility"):
            carried |= {"eligibility", "minimum_age", "maximum_age"}
        return frozenset(carried)

    def _org(self, row: Row, path: str, phones: dict) -> OrgRecord:
        oruk_id = normalise_id(row.get("id"), "organization id")
        phone = next((clean(r.get("number")) for _p, r in phones.get(oruk_id, []) if clean(r.get("number"))), None)
        return OrgRecord(oruk_id=oruk_id, name=require_name(row.get("name"), "organization"),
                         description=clean(row.get("description")),
                         email=parse_email(row.get("email"), self.w, path),
                         website=parse_url(row.get("website") or row.get("url")), phone=phone)

    def _location(self, row: Row, path: str) -> tuple[str, dict]:
        oruk_id = normalise_id(row.get("id"), "location id")
        location_type = clean(row.get("location_type")) or "physical"
        if location_type not in ("physical", "postal", "virtual"):
            raise RecordError(f"location_type {location_type!r} is not physical, postal or virtual")
        return oruk_id, {
            "oruk_id": oruk_id, "name": clean(row.get("name")), "description": clean(row.get("description")),
            "location_type": location_type,
            "latitude": parse_number(row.get("latitude"), "latitude"),
            "longitude": parse_number(row.get("longitude"), "longitude"),
            "external_identifier": clean(row.get("external_identifier")),
            "external_identifier_type": clean(row.get("external_identifier_type")),
            **self._address(oruk_id),
        }

    def _address(self, location_id: str) -> dict:
        if not hasattr(self, "_addresses"):
            self._addresses: dict[str, list[tuple[str, Row]]] = defaultdict(list)
            for table in (("physical_address", "postal_address") if self.v1 else ("address",)):
                for path, row in self._table(table):
                    key = optional_id(row.get("location_id"))
                    if key:
                        self._addresses[key].append((path, row))
        rows = self._addresses.get(location_id, [])
        if not rows:
            return {}
        row = next((r for _p, r in rows if clean(r.get("address_type")) != "postal"), rows[0][1])
        lines = [clean(row.get(k)) for k in ("address_1", "address_2", "address_3", "address_4")]
        return {"address_oruk_id": optional_id(row.get("id")) or address_id_for(location_id),
                "address_1": ", ".join(line for line in lines if line) or None,
                "city": clean(row.get("city")), "region": clean(row.get("region")),
                "state_province": clean(row.get("state_province")),
                "postal_code": clean(row.get("postal_code")), "country": clean(row.get("country"))}

    def _term(self, row: Row) -> TermRecord:
        return TermRecord(
            oruk_id=normalise_id(row.get("id"), "taxonomy id"), name=require_name(row.get("name"), "taxonomy term"),
            description=clean(row.get("description")), term=clean(row.get("term")),
            taxonomy=clean(row.get("vocabulary") if self.v1 else row.get("taxonomy")),
            taxonomy_oruk_id=optional_id(row.get("taxonomy_id")),
            parent_oruk_id=optional_id(row.get("parent_id")), term_uri=clean(row.get("term_uri")),
        )

    def _service(self, row: Row, path: str) -> ServiceRecord:
        oruk_id = normalise_id(row.get("id"), "service id")
        name = require_name(row.get("name"), "service")
        status = parse_status(row.get("status"), required=not self.v1)
        org_id = normalise_id(row.get("organization_id"), "organization_id")
        organisation = self.orgs.get(org_id) or OrgRecord(oruk_id=org_id, name="")
        minimum, maximum = parse_age(row.get("minimum_age"), "minimum_age"), parse_age(row.get("maximum_age"), "maximum_age")
        criteria = []
        for epath, erow in self.eligibility.get(oruk_id, []):
            criteria.append(clean(erow.get("eligibility")))
            low, high = parse_age(erow.get("minimum_age"), f"{epath} minimum_age"), parse_age(erow.get("maximum_age"), f"{epath} maximum_age")
            minimum = low if minimum is None or (low is not None and low < minimum) else minimum
            maximum = high if maximum is None or (high is not None and high > maximum) else maximum
        check_ages(minimum, maximum)
        tags = self._tags(oruk_id, row)
        categories = categories_from_tags(tags)
        areas = [clean(r.get("service_area")) or clean(r.get("name")) for _p, r in self.areas.get(oruk_id, [])]
        return ServiceRecord(
            oruk_id=oruk_id, organisation=organisation, name=name, status=status,
            description=clean(row.get("description")), url=parse_url(row.get("url")),
            email=parse_email(row.get("email"), self.w, path), fees=clean(row.get("fees")),
            accreditations=clean(row.get("accreditations")), minimum_age=minimum, maximum_age=maximum,
            eligibility="; ".join(c for c in criteria if c) or None,
            service_area="; ".join(a for a in areas if a) or None, alert=clean(row.get("alert")),
            assured_date=parse_date(row.get("assured_date"), "assured_date"),
            last_modified=parse_datetime(row.get("last_modified"), "last_modified"),
            locations=self._locations(oruk_id), schedules=self._schedules(oruk_id),
            contacts=self._contacts(oruk_id), costs=self._costs(oruk_id),
            tags=tuple(t for t in tags if t.term.oruk_id not in CATEGORY_BY_TERM_ID),
            categories=categories, carried=self.carried,
        )

    def _locations(self, service_id: str) -> tuple[LocationRecord, ...]:
        found = []
        for path, row in self.links.get(service_id, []):
            location_id = optional_id(row.get("location_id"))
            if location_id not in self.locations:
                self.w.append(f"{path}: location {row.get('location_id')!r} not found; link ignored")
                continue
            found.append(LocationRecord(link_oruk_id=normalise_id(row.get("id"), "service_at_location id"),
                                        **self.locations[location_id]))
        return tuple(found)

    def _schedules(self, service_id: str) -> tuple[ScheduleRecord, ...]:
        rows = list(self.schedules.get(service_id, []))
        for _link_path, link in self.links.get(service_id, []):
            link_id = optional_id(link.get("id"))
            rows += [r for r in self.schedules_by_link.get(link_id, []) if not clean(r[1].get("service_id"))]
        built = (self._safe(path, lambda row=row, path=path: self._schedule(row, path)) for path, row in rows)
        return tuple(s for s in built if isinstance(s, ScheduleRecord))

    def _schedule(self, row: Row, path: str) -> ScheduleRecord:
        byday = clean(row.get("byday"))
        if self.v1 and not byday and clean(row.get("weekday")):
            byday = day_code(row.get("weekday"))
            if byday is None:
                raise RecordError(f"weekday {row.get('weekday')!r} is not a day (1 = Monday ... 7 = Sunday)")
        freq = clean(row.get("freq")) or ("WEEKLY" if byday else None)
        if freq is not None and freq.upper() not in ("WEEKLY", "MONTHLY"):
            raise RecordError(f"freq {freq!r} is not WEEKLY or MONTHLY")
        interval = parse_number(row.get("interval"), "interval")
        return ScheduleRecord(
            oruk_id=normalise_id(row.get("id"), "schedule id"),
            service_location_oruk_id=optional_id(row.get("service_at_location_id")),
            freq=freq.upper() if freq else None, interval=int(interval) if interval is not None else None,
            byday=byday, bymonthday=clean(row.get("bymonthday")),
            opens_at=parse_time(row.get("opens_at"), "opens_at"), closes_at=parse_time(row.get("closes_at"), "closes_at"),
            valid_from=parse_date(row.get("valid_from"), "valid_from"), valid_to=parse_date(row.get("valid_to"), "valid_to"),
            dtstart=parse_date(row.get("dtstart"), "dtstart"), description=clean(row.get("description")),
            attending_type=clean(row.get("attending_type")), notes=clean(row.get("notes")),
            schedule_link=parse_url(row.get("schedule_link")),
        )

    def _contacts(self, service_id: str) -> tuple[ContactRecord, ...]:
        contacts = []
        for path, row in self.contacts.get(service_id, []):
            def build(row: Row = row, path: str = path) -> ContactRecord:
                oruk_id = normalise_id(row.get("id"), "contact id")
                phones = [r for _p, r in self.phones_by_contact.get(oruk_id, []) if clean(r.get("number"))]
                phone = phones[0] if phones else {}
                return ContactRecord(oruk_id=oruk_id, name=clean(row.get("name")), title=clean(row.get("title")),
                                     email=parse_email(row.get("email"), self.w, path),
                                     phone_oruk_id=optional_id(phone.get("id")), phone=clean(phone.get("number")),
                                     phone_description=clean(phone.get("description")))
            contact = self._safe(path, build)
            if isinstance(contact, ContactRecord):
                contacts.append(contact)
        for _path, row in self.service_phones.get(service_id, []):  # v1: a phone on the service itself
            if clean(row.get("number")) and not clean(row.get("contact_id")):
                phone_id = normalise_id(row.get("id"), "phone id")
                contacts.append(ContactRecord(oruk_id=derived_id("phone-contact", phone_id), phone_oruk_id=phone_id,
                                              phone=clean(row.get("number")), phone_description=clean(row.get("description"))))
        return tuple(contacts)

    def _costs(self, service_id: str) -> tuple[CostRecord, ...]:
        built = (self._safe(path, lambda row=row: CostRecord(
            oruk_id=normalise_id(row.get("id"), "cost_option id"), option=clean(row.get("option")),
            amount=parse_number(row.get("amount"), "amount"), amount_description=clean(row.get("amount_description")),
            valid_from=parse_date(row.get("valid_from"), "valid_from"), valid_to=parse_date(row.get("valid_to"), "valid_to"),
        )) for path, row in self.costs.get(service_id, []))
        return tuple(c for c in built if isinstance(c, CostRecord))

    def _tags(self, service_id: str, service_row: Row) -> list[TagRecord]:
        tags: list[TagRecord] = []
        for path, row in self.tags.get(service_id, []):
            term_id = optional_id(row.get("taxonomy_id" if self.v1 else "taxonomy_term_id"))
            if term_id not in self.terms:
                self.w.append(f"{path}: taxonomy term {term_id} not found; tag ignored")
                continue
            tags.append(TagRecord(attribute_oruk_id=normalise_id(row.get("id"), "attribute id"),
                                  term=self.terms[term_id], link_type=clean(row.get("link_type"))))
        for raw in (clean(service_row.get("taxonomy_ids")) or "").split(","):
            term_id = optional_id(raw)
            if term_id in self.terms and all(t.term.oruk_id != term_id for t in tags):
                tags.append(TagRecord(attribute_oruk_id=derived_id("tag", service_id, term_id), term=self.terms[term_id]))
        return tags
