"""``import directory``: read an Open Referral file and bring the directory up to date.

Reads ORUK/HSDS v3 JSON (one record, an array or a paged API list), a v3 CSV
datapackage, or an ORUK 1.x CSV datapackage (folder or zip). Re-importing updates
records by their ORUK id and keeps what the team owns (capacity, referral method,
last-verified date, private notes), and the fields the file does not carry. The report
says what is new, updated, unchanged and closed, and which records were refused, with
their path and reason. Everything lands in one transaction, with its import batch and
audit event.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from sqlalchemy import select

from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.directory.mapping import Upserter, load_services, service_to_record
from pcn_assistant.services.directory.oruk_csv import read_package
from pcn_assistant.services.directory.oruk_json import read_json
from pcn_assistant.services.directory.oruk_records import (
    OPTIONAL_FIELDS,
    ParsedDirectory,
    Problem,
    ServiceRecord,
)
from pcn_assistant.services.security import DIRECTORY_WRITE, Actor, requires
from pcn_assistant.store.base import utcnow
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import ImportBatch, ImportRejectedRow
from pcn_assistant.store.models.directory import DirectoryOrganisation, DirectoryService

OPEN_STATUS = "active"


@dataclass
class ServiceChange:
    oruk_id: str
    name: str
    fields: list[str] = field(default_factory=list)


@dataclass
class DirectoryImportResult:
    file_name: str
    format: str
    records_read: int = 0
    new: list[ServiceChange] = field(default_factory=list)
    updated: list[ServiceChange] = field(default_factory=list)
    closed: list[ServiceChange] = field(default_factory=list)
    unchanged: int = 0
    organisations_new: int = 0
    organisations_updated: int = 0
    terms: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    batch_id: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated or self.closed or self.organisations_new or self.organisations_updated)

    def summary(self) -> str:
        return (f"{len(self.new)} new, {len(self.updated)} updated, {len(self.closed)} closed, "
                f"{self.unchanged} unchanged, {len(self.problems)} refused")

    def to_json(self) -> dict:
        data = asdict(self)
        data["problems"] = [{"path": p.path, "reason": p.reason} for p in self.problems]
        return data


def read_directory_file(path: Path) -> ParsedDirectory:
    """Parse any supported ORUK file without touching the database."""
    if not path.exists():
        raise InvalidInput(f"{path} does not exist")
    if path.is_dir():
        return read_package(path)
    head = path.read_bytes()[:4]
    if head.startswith(b"PK"):
        return read_package(path)
    if path.suffix.lower() == ".csv":
        raise InvalidInput("A single CSV is not an Open Referral datapackage: give the folder or zip "
                           "that holds datapackage.json and the table files")
    return read_json(path.read_bytes())


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        sha.update(file.read_bytes())
    return sha.hexdigest()


def _dedupe(record: ServiceRecord) -> ServiceRecord:
    """One link per location and one tag per term (the tables are unique on them)."""
    seen_locations: set[str] = set()
    locations = []
    for location in record.locations:
        if location.oruk_id not in seen_locations:
            seen_locations.add(location.oruk_id)
            locations.append(location)
    seen_terms: set[str] = set()
    tags = []
    for tag in record.tags:
        if tag.term.oruk_id not in seen_terms:
            seen_terms.add(tag.term.oruk_id)
            tags.append(tag)
    return replace(record, locations=tuple(locations), tags=tuple(tags))


def merge(incoming: ServiceRecord, held: ServiceRecord) -> ServiceRecord:
    """The incoming record, with what the file does not carry taken from what is held."""
    kept = {name: getattr(held, name) for name in OPTIONAL_FIELDS if name not in incoming.carried}
    if incoming.categories is None:
        kept["categories"] = held.categories
    return replace(incoming, **kept)


@requires(DIRECTORY_WRITE)
def import_directory(db: Database, actor: Actor, path: str | Path) -> DirectoryImportResult:
    """Import one ORUK file or datapackage; invalid records are reported, the rest import."""
    path = Path(path)
    parsed = read_directory_file(path)
    result = DirectoryImportResult(file_name=path.name, format=parsed.format, records_read=parsed.records_read,
                                   problems=list(parsed.problems), warnings=list(parsed.warnings))
    keep_phone = parsed.format != "oruk-v1-csv"  # only ORUK 1.x carries organisation phones
    with db.transaction() as session:
        upsert = Upserter(session)
        held = load_services(session, [s.oruk_id for s in parsed.services])
        organisations: dict[str, DirectoryOrganisation | None] = {}
        outcomes: dict[str, str] = {}

        def organisation_for(record: ServiceRecord) -> DirectoryOrganisation | None:
            key = record.organisation.oruk_id
            if key not in organisations:
                if not record.organisation.name:  # referenced by id only: must be held already
                    organisations[key] = session.execute(select(DirectoryOrganisation).where(
                        DirectoryOrganisation.oruk_id == key)).scalar_one_or_none()
                else:
                    organisations[key], outcomes[key] = upsert.organisation(
                        record.organisation, source="oruk", keep_phone=keep_phone)
            return organisations[key]

        for org_record in parsed.organisations:
            organisations[org_record.oruk_id], outcomes[org_record.oruk_id] = upsert.organisation(
                org_record, source="oruk", keep_phone=keep_phone)
        for term in parsed.terms:
            upsert.term(term)
        result.terms = len(parsed.terms)

        for incoming in parsed.services:
            incoming = _dedupe(incoming)
            organisation = organisation_for(incoming)
            if organisation is None:
                result.problems.append(Problem(
                    f"service {incoming.oruk_id}",
                    f"organization {incoming.organisation.oruk_id} is neither in this file nor in the directory"))
                continue
            service = held.get(incoming.oruk_id)
            if service is None:
                service = DirectoryService(oruk_id=incoming.oruk_id, organisation=organisation, name=incoming.name,
                                           source="oruk", last_verified=incoming.assured_date,
                                           updated_by=actor.name, private_notes="")
                session.add(service)
                upsert.service(service, merge(incoming, ServiceRecord(oruk_id="", organisation=incoming.organisation, name="")))
                result.new.append(ServiceChange(incoming.oruk_id, incoming.name))
                continue
            before = service_to_record(service)
            if incoming.organisation.name == "":
                incoming = replace(incoming, organisation=before.organisation)
            elif keep_phone and incoming.organisation.phone is None:
                incoming = replace(incoming, organisation=replace(incoming.organisation,
                                                                  phone=before.organisation.phone))
            merged = merge(incoming, before)
            changed = merged.changed_fields(before)
            if service.organisation_id != organisation.id:
                service.organisation = organisation
                changed = sorted(set(changed) | {"organisation"})
            if not changed:
                result.unchanged += 1
                continue
            upsert.service(service, merged)
            service.updated_by = actor.name
            if merged.assured_date and (service.last_verified is None or merged.assured_date > service.last_verified):
                service.last_verified = merged.assured_date
            change = ServiceChange(incoming.oruk_id, incoming.name, changed)
            if before.status == OPEN_STATUS and merged.status != OPEN_STATUS:
                result.closed.append(change)
            else:
                result.updated.append(change)

        result.organisations_new = sum(1 for v in outcomes.values() if v == "new")
        result.organisations_updated = sum(1 for v in outcomes.values() if v == "updated")
        batch = ImportBatch(
            kind="directory", file_name=path.name[:500], sha256=_digest(path), user_name=actor.name,
            finished_at=utcnow(), status="committed" if result.changed else "unchanged",
            rows_read=parsed.records_read, inserted=len(result.new),
            updated=len(result.updated) + len(result.closed), unchanged=result.unchanged,
            rejected=len(result.problems),
            details={"format": parsed.format, "closed": [c.oruk_id for c in result.closed],
                     "organisations_new": result.organisations_new,
                     "organisations_updated": result.organisations_updated,
                     "warnings": result.warnings[:100]},
        )
        batch.rejected_rows = [ImportRejectedRow(row_number=index, raw={"path": p.path}, reasons=p.reason)
                               for index, p in enumerate(result.problems, start=1)]
        session.add(batch)
        session.flush()
        result.batch_id = batch.id
        audit.record(session, actor, "import.directory", entity="import_batch", entity_id=batch.id,
                     summary=f"{path.name} ({parsed.format}): {result.summary()}")
    return result
