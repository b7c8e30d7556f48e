"""Refer a person from an open episode, and move each referral through its life.

Every transition is checked against ``core.referral_lifecycle`` (allowed moves, dates
not in the future nor before the last step), dated, attributed to who recorded it, kept
as a ``ReferralEvent`` and written to the audit trail, all in one transaction. Sending
to a service that is full puts the referral on that service's waiting list instead.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcn_assistant.core import clock
from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.core.caseload import CLOSED
from pcn_assistant.core.directory import CATEGORY_BY_KEY
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.concurrency import ensure_version, refusing_stale
from pcn_assistant.services.person_record.consent import record_sharing_consent
from pcn_assistant.services.referrals import coding
from pcn_assistant.services.referrals.capacity import usage_for
from pcn_assistant.services.security import REFERRALS_WRITE, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import Episode
from pcn_assistant.store.models.directory import DirectoryService
from pcn_assistant.store.models.referrals import Referral, ReferralEvent

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read over the phone
MAX_NOTE = 2000


def new_reference(session: Session, draw: Callable[[str], str] = secrets.choice) -> str:
    """A short code that names a referral without naming the person (SP-7K3M9Q)."""
    while True:
        reference = "SP-" + "".join(draw(REFERENCE_ALPHABET) for _ in range(6))
        if session.execute(select(Referral.id).where(Referral.reference == reference)).first() is None:
            return reference


@dataclass(frozen=True)
class NewReferral:
    service_ids: list[int]
    category: str
    note: str = ""
    consent_given: bool = False
    share_details: bool = False
    consent_method: str = "verbal"  # how the person agreed to share: verbal, written or digital
    send: bool = True


@dataclass(frozen=True)
class CreatedReferral:
    id: int
    reference: str
    service_id: int
    status: str
    waiting_position: int | None = None


def apply_transition(session: Session, referral: Referral, target: str, on: date, actor: Actor, *,
                     today: date, via: str = "app", note: str = "") -> None:
    """Move ``referral`` to ``target`` on ``on``, or raise ``TransitionError`` (nothing changed)."""
    life.check_transition(referral.status, target)
    life.check_date(on, today=today, last=referral.status_on)
    session.add(ReferralEvent(referral_id=referral.id, from_status=referral.status, to_status=target,
                              event_on=on, recorded_by=actor.name, via=via, note=note[:MAX_NOTE]))
    referral.status, referral.status_on = target, on
    if target == life.WAITING:
        referral.waiting_since = on
    elif target == life.SENT:
        referral.sent_on = on
    elif target in (life.ACCEPTED, life.DECLINED):
        referral.responded_on = on
        if target == life.ACCEPTED:
            referral.accepted_on = on
    elif target == life.ATTENDED and referral.first_attended_on is None:
        referral.first_attended_on = on
    if target in life.FINAL:
        referral.closed_on = on
    if note and target in (life.COMPLETED, life.DID_NOT_ATTEND, life.DECLINED, life.WITHDRAWN):
        referral.outcome_note = note[:MAX_NOTE]
    referral.updated_by = actor.name


def _send_or_wait(session: Session, referral: Referral, on: date, actor: Actor, today: date,
                  *, force: bool = False, via: str = "app") -> int | None:
    """Send if the service has room (or ``force``), else queue; returns the queue position."""
    session.flush()
    usage = usage_for(session, [referral.service_id], today)[referral.service_id]
    room = usage.capacity is None or usage.used + (usage.waiting if referral.status == life.DRAFT else
                                                   _ahead(session, referral)) < usage.capacity
    if room or force:
        apply_transition(session, referral, life.SENT, on, actor, today=today, via=via)
        return None
    if referral.status == life.WAITING:
        raise InvalidInput(f"The service is still full ({usage.describe()}); "
                           "send anyway only if the provider has agreed to take this person")
    apply_transition(session, referral, life.WAITING, on, actor, today=today, via=via,
                     note=f"service full ({usage.describe()})")
    session.flush()
    return usage.waiting + 1


def _ahead(session: Session, referral: Referral) -> int:
    """How many on the same waiting list joined before this referral."""
    rows = session.execute(select(Referral.id, Referral.waiting_since).where(
        Referral.service_id == referral.service_id, Referral.status == life.WAITING)).all()
    mine = (referral.waiting_since, referral.id)
    return sum(1 for rid, since in rows if rid != referral.id and (since, rid) < mine)


@requires(REFERRALS_WRITE)
def create_referrals(db: Database, actor: Actor, episode_id: int, new: NewReferral, *,
                     on: date | None = None, today: date | None = None) -> list[CreatedReferral]:
    """Refer the person on an open episode to one or more services, with consent recorded."""
    today = today or clock.today()
    on = on or today
    if not new.service_ids:
        raise InvalidInput("Choose at least one service")
    if len(set(new.service_ids)) != len(new.service_ids):
        raise InvalidInput("The same service is chosen twice")
    if new.category not in CATEGORY_BY_KEY:
        raise InvalidInput(f"Unknown need {new.category!r}")
    if not new.consent_given:
        raise InvalidInput("Record that the person agrees to this referral before making it")
    if len(new.note) > MAX_NOTE:
        raise InvalidInput(f"The note is too long ({len(new.note)} characters; at most {MAX_NOTE})")
    life.check_date(on, today=today, last=None)
    created: list[CreatedReferral] = []
    with db.transaction() as session:
        episode = session.get(Episode, episode_id)
        if episode is None:
            raise InvalidInput(f"There is no episode {episode_id}")
        if episode.status == CLOSED:
            raise InvalidInput("Referrals are made from an open episode; this one is closed")
        if on < episode.referred_on:
            raise InvalidInput("A referral cannot be dated before the episode began")
        for service_id in new.service_ids:
            service = session.get(DirectoryService, service_id)
            if service is None:
                raise InvalidInput(f"There is no service {service_id}")
            if service.status != "active":
                raise InvalidInput(f"{service.name} is {service.status}: it cannot take referrals")
            referral = Referral(
                reference=new_reference(session), episode_id=episode.id, patient_id=episode.patient_id,
                service_id=service.id, category=new.category, note=new.note.strip(),
                consent_given=True, share_details=new.share_details, status=life.DRAFT, status_on=on,
                created_on=on, created_by=actor.name, updated_by=actor.name,
            )
            session.add(referral)
            session.flush()
            session.add(ReferralEvent(referral_id=referral.id, from_status=None, to_status=life.DRAFT,
                                      event_on=on, recorded_by=actor.name, via="app",
                                      note="consent recorded" + ("; details may be shared" if new.share_details else "")))
            if new.share_details:
                record_sharing_consent(session, actor, referral, service.organisation_id, new.consent_method, on)
            position = _send_or_wait(session, referral, on, actor, today) if new.send else None
            audit.record(session, actor, "referral.create", entity="referral", entity_id=referral.id,
                         summary=f"{referral.reference} to service {service.id}: {referral.status}")
            created.append(CreatedReferral(referral.id, referral.reference, service.id, referral.status, position))
        coding.ensure_entry(session, episode, coding.ACCEPTED, on)
    return created


def _load(session: Session, referral_id: int) -> Referral:
    referral = session.get(Referral, referral_id, with_for_update=True)
    if referral is None:
        raise InvalidInput(f"There is no referral {referral_id}")
    return referral


@requires(REFERRALS_WRITE)
def transition(db: Database, actor: Actor, referral_id: int, target: str, on: date | None = None, *,
               note: str = "", expected_version: int | None = None, force: bool = False,
               today: date | None = None) -> str:
    """Record the next step (sent, accepted, declined, attended...); returns the new status.

    Sending a draft to a full service puts it on the waiting list instead, unless ``force``.
    """
    today = today or clock.today()
    on = on or today
    mine = {"status": target, "status_on": on}
    with refusing_stale(db, Referral, referral_id, mine, expected_version), db.transaction() as session:
        referral = _load(session, referral_id)
        ensure_version(session, referral, expected_version, mine)
        before = referral.status
        try:
            if target == life.SENT:
                life.check_transition(referral.status, life.SENT)
                life.check_date(on, today=today, last=referral.status_on)
                _send_or_wait(session, referral, on, actor, today, force=force)
            else:
                apply_transition(session, referral, target, on, actor, today=today, note=note)
        except life.TransitionError as error:
            raise InvalidInput(str(error)) from error
        audit.record(session, actor, "referral.status", entity="referral", entity_id=referral.id,
                     summary=f"{referral.reference}: {before} -> {referral.status} on {on.isoformat()}")
        return referral.status


@requires(REFERRALS_WRITE)
def record_chase(db: Database, actor: Actor, referral_id: int, on: date | None = None, note: str = "",
                 *, today: date | None = None) -> None:
    """Note that the provider was chased for a reply (the referral stays on the list until they answer)."""
    today = today or clock.today()
    on = on or today
    with db.transaction() as session:
        referral = _load(session, referral_id)
        if referral.status != life.SENT:
            raise InvalidInput("Only a sent referral awaiting a reply can be chased")
        try:
            life.check_date(on, today=today, last=referral.status_on)
        except life.TransitionError as error:
            raise InvalidInput(str(error)) from error
        referral.last_chased_on = on
        referral.updated_by = actor.name
        session.add(ReferralEvent(referral_id=referral.id, from_status=life.SENT, to_status=life.SENT, event_on=on,
                                  recorded_by=actor.name, via="app", note=("chased: " + note).strip(": ")))
        audit.record(session, actor, "referral.chase", entity="referral", entity_id=referral.id,
                     summary=f"{referral.reference} chased on {on.isoformat()}")


@requires(REFERRALS_WRITE)
def set_outcome_note(db: Database, actor: Actor, referral_id: int, note: str, *,
                     expected_version: int | None = None) -> None:
    """What the activity did for the person, in a line or two (for the message to the GP)."""
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"The note is too long (at most {MAX_NOTE} characters)")
    with refusing_stale(db, Referral, referral_id, {"outcome_note": note}, expected_version), \
            db.transaction() as session:
        referral = _load(session, referral_id)
        ensure_version(session, referral, expected_version, {"outcome_note": note})
        referral.outcome_note = note.strip()
        referral.updated_by = actor.name
        audit.record(session, actor, "referral.outcome_note", entity="referral", entity_id=referral.id,
                     summary=f"{referral.reference}: outcome note updated")
