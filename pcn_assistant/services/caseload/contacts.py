"""Contacts: record one in a few seconds, and notice three unsuccessful attempts in a row.

A successful contact on an "identified" episode moves it to "contacted" on the contact's
date, and keeps the episode's last-contact date and contact count current, so the
worklists need no per-row aggregate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from pcn_assistant.core import caseload as rules
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.caseload.common import (
    load_episode,
    log_change,
    now,
    require_key,
    saving,
    touch,
)
from pcn_assistant.services.security import (
    CASE_NOTES_READ,
    CASELOAD_READ,
    CASELOAD_WRITE,
    Actor,
    requires,
)
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import Episode, EpisodeContact

MAX_DURATION_MINUTES = 8 * 60
NOTE_HIDDEN = "(case notes are not available to your role)"


@dataclass(frozen=True)
class ContactSaved:
    contact_id: int
    episode_id: int
    episode_status: str
    episode_version: int
    unsuccessful_in_a_row: int
    offer_close: bool  # three or more unsuccessful attempts: offer "close as could not contact?"


@dataclass(frozen=True)
class ContactRow:
    id: int
    episode_id: int
    contact_at: datetime
    contact_type: str
    type_label: str
    duration_minutes: int | None
    note: str
    recorded_by: str


@requires(CASELOAD_WRITE)
def record_contact(
    db: Database, actor: Actor, episode_id: int, *, contact_at: datetime, contact_type: str,
    duration_minutes: int | None = None, note: str = "", as_of: datetime | None = None,
) -> ContactSaved:
    """Save a contact (or an unsuccessful attempt) on an open episode."""
    require_key(rules.CONTACT_TYPES, contact_type, "contact type")
    problem = rules.future_error(contact_at, as_of or now(), "contact date")
    if problem:
        raise InvalidInput(problem)
    if duration_minutes is not None and not 0 <= duration_minutes <= MAX_DURATION_MINUTES:
        raise InvalidInput(f"Duration must be between 0 and {MAX_DURATION_MINUTES} minutes")
    successful = contact_type != rules.UNSUCCESSFUL
    with saving("episode"), db.transaction() as session:
        episode = load_episode(session, episode_id, must_be_open=True, lock=True)
        problem = rules.date_order_error(contact_at.date(), [("referral date", episode.referred_on)])
        if problem:
            raise InvalidInput(problem)
        contact = EpisodeContact(
            episode_id=episode_id, contact_at=contact_at, contact_type=contact_type,
            duration_minutes=duration_minutes, note=(note or "").strip(), recorded_by=actor.name,
        )
        session.add(contact)
        if successful:
            day = contact_at.date()
            if episode.last_contact_on is None or day > episode.last_contact_on:
                episode.last_contact_on = day
            episode.contact_count = (episode.contact_count or 0) + 1
            if episode.status == rules.IDENTIFIED:
                episode.status = rules.CONTACTED
                episode.contacted_on = day
                log_change(session, actor, episode_id, "status",
                           f"Identified → Contacted on {day:%d-%b-%Y} (first contact)")
            touch(episode, actor)
        session.flush()
        recent = session.execute(
            select(EpisodeContact.contact_type).where(EpisodeContact.episode_id == episode_id)
            .order_by(EpisodeContact.contact_at.desc(), EpisodeContact.id.desc())
            .limit(rules.UNSUCCESSFUL_BEFORE_OFFER_CLOSE * 4)
        ).scalars().all()
        run = rules.unsuccessful_run(recent)
        audit.record(session, actor, "caseload.contact", entity="episode", entity_id=episode_id,
                     summary=f"contact {contact.id} ({contact_type})")
        return ContactSaved(
            contact_id=contact.id, episode_id=episode_id, episode_status=episode.status,
            episode_version=episode.version, unsuccessful_in_a_row=run,
            offer_close=run >= rules.UNSUCCESSFUL_BEFORE_OFFER_CLOSE,
        )


@requires(CASELOAD_READ)
def list_contacts(db: Database, actor: Actor, patient_id: int, *, limit: int = 500) -> list[ContactRow]:
    """The person's contacts across all their episodes, newest first."""
    stmt = (
        select(EpisodeContact).join(Episode, Episode.id == EpisodeContact.episode_id)
        .where(Episode.patient_id == patient_id)
        .order_by(EpisodeContact.contact_at.desc(), EpisodeContact.id.desc()).limit(limit)
    )
    with db.session() as session:
        return contact_rows(actor, session.execute(stmt).scalars())


def contact_rows(actor: Actor, contacts) -> list[ContactRow]:  # noqa: ANN001
    show_notes = actor.can(CASE_NOTES_READ)
    return [
        ContactRow(
            id=c.id, episode_id=c.episode_id, contact_at=c.contact_at, contact_type=c.contact_type,
            type_label=rules.label(rules.CONTACT_TYPES, c.contact_type),
            duration_minutes=c.duration_minutes, note=c.note if show_notes else NOTE_HIDDEN,
            recorded_by=c.recorded_by,
        )
        for c in contacts
    ]
