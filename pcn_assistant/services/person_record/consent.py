"""Consent as events: to the service, and to share details with a named provider.

Recording consent never overwrites: a change of mind is a withdrawal (with its date) on
the event, or a new event. Referral slips and returns workbooks ask ``sharing_decision``
before they carry a name, so withdrawing consent stops the next workbook at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcn_assistant.core import clock
from pcn_assistant.core import person_record as vocab
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.caseload.common import load_patient
from pcn_assistant.services.person_record._common import key, short
from pcn_assistant.services.security import CASELOAD_READ, CASELOAD_WRITE, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import Episode
from pcn_assistant.store.models.directory import DirectoryOrganisation
from pcn_assistant.store.models.person_record import ConsentEvent
from pcn_assistant.store.models.referrals import Referral


@dataclass(frozen=True)
class NewConsent:
    purpose: str  # service or share
    method: str  # verbal, written or digital
    given_on: date
    organisation_id: int | None = None  # share: None means every provider
    scope: str = ""
    given_by: str = "person"
    representative_name: str | None = None
    representative_relationship: str | None = None
    episode_id: int | None = None


@dataclass(frozen=True)
class ConsentRow:
    id: int
    purpose: str
    organisation: str  # provider name, "every provider", or "" for the service
    scope: str
    given_on: date
    method: str
    given_by: str
    representative: str  # "Name (relationship)" or ""
    withdrawn_on: date | None
    withdrawn_reason: str | None
    recorded_by: str

    @property
    def is_current(self) -> bool:
        return self.withdrawn_on is None

    @property
    def reads_as(self) -> str:
        what = "the service" if self.purpose == vocab.SERVICE else f"sharing with {self.organisation}"
        how = vocab.CONSENT_METHODS.get(self.method, self.method).lower()
        by = f" by {self.representative}" if self.representative else ""
        text = f"Consent to {what}, {how}{by}, {self.given_on:%d-%b-%Y}"
        if self.withdrawn_on:
            text += f"; withdrawn {self.withdrawn_on:%d-%b-%Y}"
        return text


def _validate(new: NewConsent, today: date) -> None:
    key(vocab.CONSENT_PURPOSES, new.purpose, "Consent purpose", optional=False)
    key(vocab.CONSENT_METHODS, new.method, "How consent was given", optional=False)
    key(vocab.GIVEN_BY, new.given_by, "Who gave consent", optional=False)
    if new.given_on > today:
        raise InvalidInput(f"Consent cannot be dated in the future ({new.given_on:%d-%b-%Y})")
    if new.given_by == "representative" and not (new.representative_name or "").strip():
        raise InvalidInput("Consent given by a representative needs the representative's name")
    if new.given_by == "representative" and not (new.representative_relationship or "").strip():
        raise InvalidInput("Consent given by a representative needs their relationship to the person")
    if new.purpose == vocab.SERVICE and new.organisation_id is not None:
        raise InvalidInput("Consent to the service is not given to a provider; record sharing separately")


def add_consent_in(session: Session, actor: Actor, patient_id: int, new: NewConsent) -> ConsentEvent:
    """Record a consent event inside the caller's transaction (used by referrals too)."""
    _validate(new, clock.today())
    load_patient(session, patient_id)
    if new.organisation_id is not None and session.get(DirectoryOrganisation, new.organisation_id) is None:
        raise InvalidInput(f"There is no provider organisation {new.organisation_id}")
    if new.episode_id is not None:
        episode = session.get(Episode, new.episode_id)
        if episode is None or episode.patient_id != patient_id:
            raise InvalidInput("That episode is not this person's")
    event = ConsentEvent(
        patient_id=patient_id, episode_id=new.episode_id, purpose=new.purpose,
        organisation_id=new.organisation_id, scope=short(new.scope, "The scope", 2000) or "",
        given_on=new.given_on, method=new.method, given_by=new.given_by,
        representative_name=short(new.representative_name, "The representative's name", 200),
        representative_relationship=short(new.representative_relationship, "The relationship", 100),
        recorded_by=actor.name,
    )
    session.add(event)
    session.flush()
    audit.record(session, actor, "consent.record", entity="consent_event", entity_id=event.id,
                 summary=f"{new.purpose} consent for patient {patient_id} ({new.method})")
    return event


@requires(CASELOAD_WRITE)
def record_consent(db: Database, actor: Actor, patient_id: int, new: NewConsent) -> int:
    with db.transaction() as session:
        return add_consent_in(session, actor, patient_id, new).id


@requires(CASELOAD_WRITE)
def withdraw_consent(db: Database, actor: Actor, consent_id: int, *, on: date, reason: str = "") -> None:
    """Mark a consent withdrawn from a date; the event itself is kept."""
    if on > clock.today():
        raise InvalidInput("A withdrawal cannot be dated in the future")
    with db.transaction() as session:
        event = session.get(ConsentEvent, consent_id)
        if event is None:
            raise InvalidInput(f"There is no consent record {consent_id}")
        if event.withdrawn_on is not None:
            raise InvalidInput(f"This consent was already withdrawn on {event.withdrawn_on:%d-%b-%Y}")
        if on < event.given_on:
            raise InvalidInput("Consent cannot be withdrawn before it was given")
        event.withdrawn_on = on
        event.withdrawn_reason = short(reason, "The reason", 2000)
        audit.record(session, actor, "consent.withdraw", entity="consent_event", entity_id=event.id,
                     summary=f"{event.purpose} consent withdrawn for patient {event.patient_id}")


def _organisation_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(DirectoryOrganisation.id, DirectoryOrganisation.name)
                           .where(DirectoryOrganisation.id.in_(ids)))
    return {row_id: name for row_id, name in rows}


@requires(CASELOAD_READ)
def list_consents(db: Database, actor: Actor, patient_id: int) -> list[ConsentRow]:
    with db.session() as session:
        events = session.execute(select(ConsentEvent).where(ConsentEvent.patient_id == patient_id)
                                 .order_by(ConsentEvent.given_on.desc(), ConsentEvent.id.desc())).scalars().all()
        names = _organisation_names(session, {e.organisation_id for e in events if e.organisation_id})
        return [ConsentRow(
            e.id, e.purpose,
            "" if e.purpose == vocab.SERVICE else names.get(e.organisation_id or 0, "every provider"),
            e.scope, e.given_on, e.method, e.given_by,
            f"{e.representative_name} ({e.representative_relationship})" if e.representative_name else "",
            e.withdrawn_on, e.withdrawn_reason, e.recorded_by) for e in events]


def consents_for(session: Session, patient_id: int) -> list[vocab.Consent]:
    events = session.execute(select(ConsentEvent).where(ConsentEvent.patient_id == patient_id)).scalars()
    return [vocab.Consent(e.id, e.purpose, e.organisation_id, e.given_on, e.withdrawn_on) for e in events]


def sharing_decision(session: Session, patient_id: int, organisation_id: int, organisation_name: str,
                     *, on: date) -> vocab.ConsentDecision:
    """May this person's details go to this provider on this date (inside a session)?"""
    return vocab.sharing_decision(consents_for(session, patient_id), organisation_id, organisation_name, on=on)


def record_sharing_consent(session: Session, actor: Actor, referral: Referral, organisation_id: int,
                           method: str, on: date) -> None:
    """The referral dialog's "share my details" tick, kept as a consent event for that
    provider (unless a current one already covers it), so it can later be withdrawn."""
    decision = vocab.sharing_decision(consents_for(session, referral.patient_id), organisation_id, "", on=on)
    if decision.allowed:
        return
    add_consent_in(session, actor, referral.patient_id, NewConsent(
        purpose=vocab.SHARE, method=method, given_on=on, organisation_id=organisation_id,
        scope="Name, phone number and the link worker's note, for this referral",
        episode_id=referral.episode_id))


def referral_sharing(session: Session, referral: Referral, organisation_id: int, organisation_name: str,
                     *, on: date) -> vocab.ConsentDecision:
    """May this referral carry the person's details to its provider today?

    Both must hold: the referral was made with details to be shared, and the consent to
    share with that provider is current (not withdrawn).
    """
    if not referral.share_details:
        return vocab.ConsentDecision(False, "The person chose not to share their details with this provider")
    return sharing_decision(session, referral.patient_id, organisation_id, organisation_name, on=on)


@requires(CASELOAD_READ)
def provider_choices(db: Database, actor: Actor) -> list[tuple[int, str]]:
    """Provider organisations in the directory, by name, for "consent to share with"."""
    with db.session() as session:
        rows = session.execute(select(DirectoryOrganisation.id, DirectoryOrganisation.name)
                               .order_by(DirectoryOrganisation.name)).all()
        return [(org_id, name) for org_id, name in rows]


@requires(CASELOAD_READ)
def sharing_for_referrals(db: Database, actor: Actor, patient_id: int) -> dict[int, vocab.ConsentDecision]:
    """Referral id -> whether its provider gets the person's details today, and why not."""
    from pcn_assistant.store.models.directory import DirectoryService

    today = clock.today()
    with db.session() as session:
        rows = session.execute(select(Referral, DirectoryOrganisation.id, DirectoryOrganisation.name)
                               .join(DirectoryService, DirectoryService.id == Referral.service_id)
                               .join(DirectoryOrganisation,
                                     DirectoryOrganisation.id == DirectoryService.organisation_id)
                               .where(Referral.patient_id == patient_id)).all()
        return {referral.id: referral_sharing(session, referral, org_id, org_name, on=today)
                for referral, org_id, org_name in rows}
