"""A neutral, comparable form of one directory service, between ORUK files and the database.

Each reader (v3 JSON, v3 CSV, v1 CSV) produces ``ServiceRecord``s; the database gives
them back through ``mapping.service_to_record``; the exporter writes them. Because all
three meet here, "did this import change anything?" is a plain equality test, and an
export re-imported compares equal by construction.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from pcn_assistant.core.directory import (
    CATEGORY_BY_TERM_ID,
    NAMESPACE,
    SERVICE_STATUSES,
    categories_for_term,
)


@dataclass(frozen=True)
class Problem:
    """A record that could not be used: where it is in the file, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class RecordError(ValueError):
    """Raised inside a reader for one record; becomes a Problem and the rest carry on."""


@dataclass(frozen=True)
class OrgRecord:
    oruk_id: str
    name: str
    description: str | None = None
    email: str | None = None
    website: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class LocationRecord:
    oruk_id: str
    link_oruk_id: str  # the service_at_location id
    name: str | None = None
    description: str | None = None
    location_type: str = "physical"
    address_oruk_id: str | None = None
    address_1: str | None = None
    city: str | None = None
    region: str | None = None
    state_province: str | None = None
    postal_code: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    external_identifier: str | None = None
    external_identifier_type: str | None = None


@dataclass(frozen=True)
class ScheduleRecord:
    oruk_id: str
    service_location_oruk_id: str | None = None
    freq: str | None = None
    interval: int | None = None
    byday: str | None = None
    bymonthday: str | None = None
    opens_at: time | None = None
    closes_at: time | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    dtstart: date | None = None
    description: str | None = None
    attending_type: str | None = None
    notes: str | None = None
    schedule_link: str | None = None


@dataclass(frozen=True)
class ContactRecord:
    oruk_id: str
    name: str | None = None
    title: str | None = None
    email: str | None = None
    phone_oruk_id: str | None = None
    phone: str | None = None
    phone_description: str | None = None


@dataclass(frozen=True)
class CostRecord:
    oruk_id: str
    option: str | None = None
    amount: float | None = None
    amount_description: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class TermRecord:
    oruk_id: str
    name: str
    description: str | None = None
    term: str | None = None
    taxonomy: str | None = None
    taxonomy_oruk_id: str | None = None
    parent_oruk_id: str | None = None
    term_uri: str | None = None


@dataclass(frozen=True)
class TagRecord:
    """A term tagged on a service (ORUK ``attribute``)."""

    attribute_oruk_id: str
    term: TermRecord
    link_type: str | None = None


@dataclass(frozen=True)
class ServiceRecord:
    oruk_id: str
    organisation: OrgRecord
    name: str
    status: str = "active"
    description: str | None = None
    url: str | None = None
    email: str | None = None
    fees: str | None = None
    accreditations: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None
    eligibility: str | None = None
    service_area: str | None = None
    alert: str | None = None
    assured_date: date | None = None
    last_modified: datetime | None = None
    locations: tuple[LocationRecord, ...] = ()
    schedules: tuple[ScheduleRecord, ...] = ()
    contacts: tuple[ContactRecord, ...] = ()
    costs: tuple[CostRecord, ...] = ()
    tags: tuple[TagRecord, ...] = ()
    # Our own categories when the file carries any we recognise; None keeps the ones held.
    categories: frozenset[str] | None = None
    # Which fields this file actually carries; the others keep what the directory holds
    # (a v3 summary list has no schedules, the UK profile has no eligibility text...).
    carried: frozenset[str] = field(default=frozenset(), compare=False)

    def canonical(self) -> ServiceRecord:
        """The same record with every list in a fixed order, for comparison."""
        def by_id(items, key="oruk_id"):  # noqa: ANN001, ANN202
            return tuple(sorted(items, key=lambda item: getattr(item, key)))

        return ServiceRecord(
            **{**{k: getattr(self, k) for k in self.__dataclass_fields__},
               "locations": by_id(self.locations, "link_oruk_id"), "schedules": by_id(self.schedules),
               "contacts": by_id(self.contacts), "costs": by_id(self.costs),
               "tags": by_id(self.tags, "attribute_oruk_id")},
        )

    def changed_fields(self, other: ServiceRecord) -> list[str]:
        """Names of the top-level fields that differ (for the import report)."""
        mine, theirs = self.canonical(), other.canonical()
        changed = []
        for name in self.__dataclass_fields__:
            if name == "carried":
                continue
            if name == "categories" and (mine.categories is None or theirs.categories is None):
                continue
            if getattr(mine, name) != getattr(theirs, name):
                changed.append(name)
        return changed


def categories_from_tags(tags: tuple[TagRecord, ...] | list[TagRecord]) -> frozenset[str] | None:
    """Our categories for a service's tags: our own taxonomy's terms if it carries any
    (an export of ours coming back), else keyword matches on the others; None if nothing."""
    own = {CATEGORY_BY_TERM_ID[t.term.oruk_id].key for t in tags if t.term.oruk_id in CATEGORY_BY_TERM_ID}
    if own:
        return frozenset(own)
    mapped: set[str] = set()
    for tag in tags:
        mapped |= categories_for_term(None, tag.term.name, tag.term.term)
    return frozenset(mapped) or None


# Fields a file may or may not carry; id, organisation, name and status always come.
OPTIONAL_FIELDS = tuple(
    name for name in ServiceRecord.__dataclass_fields__
    if name not in ("oruk_id", "organisation", "name", "status", "categories", "carried")
)


@dataclass
class ParsedDirectory:
    """What a reader found: services, stand-alone organisations and terms, and problems."""

    format: str
    services: list[ServiceRecord] = field(default_factory=list)
    organisations: list[OrgRecord] = field(default_factory=list)
    terms: list[TermRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    records_read: int = 0


# ---- value normalisers shared by every reader --------------------------------------

def clean(value: object) -> str | None:
    """Trimmed text, or None for missing/blank (so "" and null compare equal)."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from a spreadsheet
        return None
    text = str(value).strip()
    return text or None


def normalise_id(value: object, what: str = "id") -> str:
    """ORUK v3 ids are UUIDs; a feed's other keys map to a stable UUID of their own."""
    text = clean(value)
    if text is None:
        raise RecordError(f"{what} is missing")
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return str(uuid.uuid5(NAMESPACE, f"oruk/{text}"))


def optional_id(value: object) -> str | None:
    return normalise_id(value) if clean(value) is not None else None


def derived_id(*parts: str) -> str:
    """A stable id for something a file gives no id of its own (e.g. a v1 address line)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def address_id_for(location_id: str) -> str:
    """The id an address gets when its file gives it none (stable across imports)."""
    return derived_id(location_id, "address")


def parse_date(value: object, what: str) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean(value)
    if text is None:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text[:10] if pattern == "%Y-%m-%d" else text, pattern).date()
        except ValueError:
            continue
    raise RecordError(f"{what} {text!r} is not a date (use YYYY-MM-DD)")


def parse_datetime(value: object, what: str) -> datetime | None:
    text = clean(value)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise RecordError(f"{what} {text!r} is not a date and time") from error
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def parse_time(value: object, what: str) -> time | None:
    text = clean(value)
    if text is None:
        return None
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?::(\d{2}))?(?:\s*([ap]m))?", text.lower())
    if not match:
        raise RecordError(f"{what} {text!r} is not a time (use HH:MM)")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4] == "pm" and hour < 12:
        hour += 12
    if match[4] == "am" and hour == 12:
        hour = 0
    try:
        return time(hour, minute, second)
    except ValueError as error:
        raise RecordError(f"{what} {text!r} is not a time") from error


def parse_number(value: object, what: str) -> float | None:
    if isinstance(value, bool):
        raise RecordError(f"{what} must be a number, got {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    text = clean(value)
    if text is None:
        return None
    try:
        return float(text.replace(",", "").lstrip("£"))
    except ValueError as error:
        raise RecordError(f"{what} {text!r} is not a number") from error


def parse_age(value: object, what: str) -> int | None:
    number = parse_number(value, what)
    if number is None:
        return None
    if not 0 <= number <= 130:
        raise RecordError(f"{what} {number:g} is not an age")
    return int(round(number))


def parse_status(value: object, *, required: bool) -> str:
    text = clean(value)
    if text is None:
        if required:
            raise RecordError("status is missing")
        return "active"
    status = text.lower().replace("_", " ")
    if status not in SERVICE_STATUSES:
        raise RecordError(f"status {text!r} is not one of {', '.join(SERVICE_STATUSES)}")
    return status


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_email(value: object, warnings: list[str], where: str) -> str | None:
    text = clean(value)
    if text is None:
        return None
    if not _EMAIL.match(text):
        warnings.append(f"{where}: email {text!r} ignored (not an email address)")
        return None
    return text


def parse_url(value: object) -> str | None:
    text = clean(value)
    if text is None:
        return None
    if not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        text = f"https://{text}" if "." in text and " " not in text else None
    return text


def check_ages(minimum: int | None, maximum: int | None) -> None:
    if minimum is not None and maximum is not None and minimum > maximum:
        raise RecordError(f"minimum_age {minimum} is above maximum_age {maximum}")


def require_name(value: object, what: str) -> str:
    text = clean(value)
    if text is None:
        raise RecordError(f"{what} name is missing")
    return text
