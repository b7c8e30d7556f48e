"""Reading referrals: the paged list, the chase worklist, one person's referrals, one referral.

All filtering, sorting and paging happen in SQL. The chase list is every referral sent
14 or more days ago that the provider has not answered, oldest first, with the
service's phone and e-mail so the chase is one call away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.sql import ColumnElement

from pcn_assistant.core import clock
from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.core.directory import category_label
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services.patients import display_name
from pcn_assistant.services.query import prefix_match
from pcn_assistant.services.security import CASELOAD_READ, REFERRALS_WRITE, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.directory import (
    DirectoryContact,
    DirectoryOrganisation,
    DirectoryService,
)
from pcn_assistant.store.models.patient import Patient
from pcn_assistant.store.models.referrals import Referral, ReferralEvent

PAGE_SIZE = 200
OPEN = "open"  # filter value: every status that is not final


@dataclass(frozen=True)
class Column:
    key: str
    header: str


COLUMNS = (
    Column("reference", "Reference"), Column("person", "Person"), Column("service", "Service"),
    Column("organisation", "Provider"), Column("category", "Need"), Column("status", "Status"),
    Column("status_on", "Since"), Column("sent_on", "Sent"), Column("created_by", "Referred by"),
)


@dataclass(frozen=True)
class ReferralFilter:
    status: str | None = None  # a lifecycle status, "open", or None for all
    reference: str = ""
    service_id: int | None = None
    patient_id: int | None = None
    episode_id: int | None = None


@dataclass(frozen=True)
class ReferralRow:
    id: int
    reference: str
    patient_id: int
    episode_id: int
    person: str
    service_id: int
    service: str
    organisation: str
    category: str
    status: str
    status_on: date
    sent_on: date | None
    created_by: str
    share_details: bool
    outcome_note: str
    version: int

    @property
    def status_label(self) -> str:
        return life.label(self.status)

    def value(self, key: str) -> object:
        if key == "category":
            return category_label(self.category)
        if key == "status":
            return self.status_label
        return getattr(self, key)


def _conditions(flt: ReferralFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if flt.status == OPEN:
        conditions.append(Referral.status.in_(life.OPEN))
    elif flt.status:
        if flt.status not in life.STATUSES:
            raise InvalidInput(f"Unknown referral status {flt.status!r}")
        conditions.append(Referral.status == flt.status)
    reference = flt.reference.strip().upper()
    if reference:
        conditions.append(prefix_match(Referral.reference, reference if reference.startswith("SP-")
                                       else f"SP-{reference}"))
    for column, value in ((Referral.service_id, flt.service_id), (Referral.patient_id, flt.patient_id),
                          (Referral.episode_id, flt.episode_id)):
        if value is not None:
            conditions.append(column == value)
    return conditions


_SORTS = {
    "reference": Referral.reference, "person": Patient.family_name_lc, "service": func.lower(DirectoryService.name),
    "organisation": func.lower(DirectoryOrganisation.name), "category": Referral.category,
    "status": Referral.status, "status_on": Referral.status_on, "sent_on": Referral.sent_on,
    "created_by": Referral.created_by,
}


def _select():  # noqa: ANN202
    return (select(Referral, Patient.given_name, Patient.family_name, DirectoryService.name,
                   DirectoryOrganisation.name)
            .join(Patient, Patient.id == Referral.patient_id)
            .join(DirectoryService, DirectoryService.id == Referral.service_id)
            .join(DirectoryOrganisation, DirectoryOrganisation.id == DirectoryService.organisation_id))


def _row(referral: Referral, given: str | None, family: str | None, service: str, organisation: str) -> ReferralRow:
    return ReferralRow(referral.id, referral.reference, referral.patient_id, referral.episode_id,
                       display_name(given, family), referral.service_id, service, organisation, referral.category,
                       referral.status, referral.status_on, referral.sent_on, referral.created_by,
                       referral.share_details, referral.outcome_note, referral.version)


@requires(CASELOAD_READ)
def count_referrals(db: Database, actor: Actor, flt: ReferralFilter) -> int:
    with db.session() as session:
        return session.execute(select(func.count()).select_from(Referral).where(*_conditions(flt))).scalar_one()


@requires(CASELOAD_READ)
def page_referrals(db: Database, actor: Actor, flt: ReferralFilter, *, sort_key: str = "status_on",
                   descending: bool = True, offset: int = 0, limit: int = PAGE_SIZE) -> list[ReferralRow]:
    column = _SORTS.get(sort_key, Referral.status_on)
    order = [column.desc() if descending else column.asc(),
             Referral.id.desc() if descending else Referral.id.asc()]
    with db.session() as session:
        rows = session.execute(_select().where(*_conditions(flt)).order_by(*order).offset(offset).limit(limit)).all()
        return [_row(*r) for r in rows]


@requires(CASELOAD_READ)
def referrals_for_patient(db: Database, actor: Actor, patient_id: int) -> list[ReferralRow]:
    return page_referrals(db, actor, ReferralFilter(patient_id=patient_id), sort_key="status_on", limit=1000)


@requires(CASELOAD_READ)
def referral_id_for(db: Database, actor: Actor, reference: str) -> int:
    with db.session() as session:
        found = session.execute(select(Referral.id).where(Referral.reference == reference.strip().upper())).scalar()
    if found is None:
        raise InvalidInput(f"There is no referral {reference}")
    return found


@dataclass(frozen=True)
class EventRow:
    from_status: str | None
    to_status: str
    event_on: date
    recorded_by: str
    via: str
    note: str

    @property
    def description(self) -> str:
        if self.from_status == self.to_status:
            return f"Chased ({self.note})" if self.note and self.note != "chased" else "Chased"
        return life.label(self.to_status)


@requires(CASELOAD_READ)
def referral_events(db: Database, actor: Actor, referral_id: int) -> list[EventRow]:
    with db.session() as session:
        events = session.execute(select(ReferralEvent).where(ReferralEvent.referral_id == referral_id)
                                 .order_by(ReferralEvent.id)).scalars()
        return [EventRow(e.from_status, e.to_status, e.event_on, e.recorded_by, e.via, e.note) for e in events]


@dataclass(frozen=True)
class ChaseRow:
    id: int
    reference: str
    person: str
    service: str
    organisation: str
    sent_on: date
    days_waiting: int
    last_chased_on: date | None
    contact: str
    version: int

    def value(self, key: str) -> object:
        return getattr(self, key)


@requires(REFERRALS_WRITE)  # chasing is referral work: not for read-only roles
def chase_list(db: Database, actor: Actor, *, today: date | None = None) -> list[ChaseRow]:
    """Sent referrals with no response after 14 days, longest waiting first."""
    today = today or clock.today()
    cutoff = today - timedelta(days=life.CHASE_AFTER_DAYS)
    with db.session() as session:
        rows = session.execute(_select().where(Referral.status == life.SENT, Referral.sent_on <= cutoff)
                               .order_by(Referral.sent_on, Referral.id)).all()
        service_ids = sorted({r[0].service_id for r in rows})
        contacts: dict[int, str] = {}
        for service_id, name, phone in session.execute(
                select(DirectoryContact.service_id, DirectoryContact.name, DirectoryContact.phone)
                .where(DirectoryContact.service_id.in_(service_ids), or_(DirectoryContact.phone.is_not(None)))
                .order_by(DirectoryContact.id)):
            contacts.setdefault(service_id, " ".join(p for p in (name, phone) if p))
        emails = dict(session.execute(select(DirectoryService.id, DirectoryService.email)
                                      .where(DirectoryService.id.in_(service_ids))).all())
    return [
        ChaseRow(referral.id, referral.reference, display_name(given, family), service, organisation,
                 referral.sent_on, (today - referral.sent_on).days, referral.last_chased_on,
                 contacts.get(referral.service_id) or emails.get(referral.service_id) or "", referral.version)
        for referral, given, family, service, organisation in rows
    ]


@dataclass(frozen=True)
class OpenEpisode:
    id: int
    patient_id: int
    person: str
    coordinator: str
    status: str
    referred_on: date
    reasons: tuple[str, ...]


@requires(CASELOAD_READ)
def open_episode(db: Database, actor: Actor, patient_id: int) -> OpenEpisode | None:
    """The person's open episode (referrals are made from one), or None."""
    from pcn_assistant.store.models.caseload import Episode

    with db.session() as session:
        row = session.execute(
            select(Episode, Patient.given_name, Patient.family_name)
            .join(Patient, Patient.id == Episode.patient_id)
            .where(Episode.patient_id == patient_id, Episode.status != "closed")).first()
    if row is None:
        return None
    episode, given, family = row
    return OpenEpisode(episode.id, patient_id, display_name(given, family), episode.coordinator, episode.status,
                       episode.referred_on, tuple(episode.referral_reasons or ()))
