"""Signposting: the person was given information about a service or source of help.

Kept apart from referrals because nothing is asked of a provider: NHS England's social
prescribing reporting counts people signposted separately from people referred.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from pcn_assistant.core import caseload as rules
from pcn_assistant.core import clock
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.caseload.common import load_patient, log_change, require_text
from pcn_assistant.services.security import (
    CASELOAD_READ,
    CASELOAD_WRITE,
    DASHBOARD_READ,
    Actor,
    requires,
)
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import Episode
from pcn_assistant.store.models.directory import DirectoryService
from pcn_assistant.store.models.person_record import Signposting


@dataclass(frozen=True)
class SignpostRow:
    id: int
    signposted_on: date
    description: str
    category: str
    service: str | None
    recorded_by: str


@requires(CASELOAD_WRITE)
def record_signposting(db: Database, actor: Actor, patient_id: int, *, description: str, category: str,
                       on: date | None = None, service_id: int | None = None,
                       episode_id: int | None = None) -> int:
    description = require_text(description, "What the person was given", 2000)
    category = require_text(category, "The need", 40)
    on = on or clock.today()
    if on > clock.today():
        raise InvalidInput("Signposting cannot be dated in the future")
    with db.transaction() as session:
        load_patient(session, patient_id)
        if service_id is not None and session.get(DirectoryService, service_id) is None:
            raise InvalidInput(f"There is no directory service {service_id}")
        if episode_id is None:
            episode_id = session.execute(select(Episode.id).where(
                Episode.patient_id == patient_id, Episode.status != rules.CLOSED)).scalar_one_or_none()
        elif (episode := session.get(Episode, episode_id)) is None or episode.patient_id != patient_id:
            raise InvalidInput("That episode is not this person's")
        row = Signposting(patient_id=patient_id, episode_id=episode_id, service_id=service_id,
                          description=description, category=category, signposted_on=on,
                          recorded_by=actor.name)
        session.add(row)
        session.flush()
        if episode_id is not None:
            log_change(session, actor, episode_id, "signposting", f"Signposted: {description[:80]}")
        audit.record(session, actor, "signposting.record", entity="signposting", entity_id=row.id,
                     summary=f"signposting for patient {patient_id} ({category})")
        return row.id


@requires(CASELOAD_READ)
def list_signposting(db: Database, actor: Actor, patient_id: int) -> list[SignpostRow]:
    with db.session() as session:
        rows = session.execute(
            select(Signposting, DirectoryService.name).outerjoin(
                DirectoryService, DirectoryService.id == Signposting.service_id)
            .where(Signposting.patient_id == patient_id)
            .order_by(Signposting.signposted_on.desc(), Signposting.id.desc())).all()
        return [SignpostRow(s.id, s.signposted_on, s.description, s.category, name, s.recorded_by)
                for s, name in rows]


@dataclass(frozen=True)
class SignpostingCounts:
    """As NHS England's social prescribing reporting counts them: people, not events."""

    people_signposted: int
    signposting_events: int
    people_signposted_only: int  # signposted, never referred to a provider in the period


@requires(DASHBOARD_READ)
def signposting_counts(db: Database, actor: Actor, start: date, end: date) -> SignpostingCounts:
    from pcn_assistant.store.models.referrals import Referral

    with db.session() as session:
        in_period = (Signposting.signposted_on >= start) & (Signposting.signposted_on <= end)
        events = session.execute(select(func.count()).select_from(Signposting).where(in_period)).scalar_one()
        people = select(Signposting.patient_id).where(in_period).distinct().subquery()
        total = session.execute(select(func.count()).select_from(people)).scalar_one()
        referred = select(Referral.patient_id).where(Referral.created_on >= start, Referral.created_on <= end)
        only = session.execute(select(func.count()).select_from(people).where(
            people.c.patient_id.not_in(referred))).scalar_one()
        return SignpostingCounts(total, events, only)
