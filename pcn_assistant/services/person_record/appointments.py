"""Appointments: book the next contact, see a link worker's day, export to Outlook (.ics).

Times are local wall-clock times (what the person was told). Booking refuses the past
and a clash with the same link worker's other booked appointment. The .ics export holds
no NHS number and only the person's initials plus the appointment kind, because
calendars are often shared or synced to phones.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from pcn_assistant.core import caseload as rules
from pcn_assistant.core import clock, ics
from pcn_assistant.core import person_record as vocab
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.caseload.common import (
    check_version,
    load_patient,
    log_change,
    saving,
    touch,
)
from pcn_assistant.services.caseload.coordinators import display_names
from pcn_assistant.services.person_record._common import key, short
from pcn_assistant.services.safe_files import make_private
from pcn_assistant.services.security import CASELOAD_READ, CASELOAD_WRITE, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import Episode
from pcn_assistant.store.models.patient import Patient
from pcn_assistant.store.models.person_record import Appointment

MAX_MINUTES = 8 * 60


@dataclass(frozen=True)
class AppointmentRow:
    id: int
    patient_id: int
    person: str  # "Okafor, Sam" for the day list (identifiable: needs caseload.read)
    starts_at: datetime
    minutes: int
    kind: str
    place: str
    note: str
    status: str
    link_worker: str
    version: int
    link_worker_name: str = ""  # display name ("Sam Okafor"), never shown as the login

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.minutes)

    @property
    def reads_as(self) -> str:
        where = f", {self.place}" if self.place else ""
        return (f"{self.starts_at:%a %d-%b-%Y %H:%M} {vocab.APPOINTMENT_KINDS[self.kind].lower()}{where} "
                f"({vocab.APPOINTMENT_STATUSES[self.status].lower()})")


def _overlaps(session, link_worker: str, starts_at: datetime, minutes: int, skip_id: int | None) -> Appointment | None:  # noqa: ANN001
    ends_at = starts_at + timedelta(minutes=minutes)
    day_start = datetime.combine(starts_at.date(), time.min) - timedelta(hours=MAX_MINUTES // 60)
    candidates = session.execute(select(Appointment).where(
        Appointment.link_worker == link_worker, Appointment.status == "booked",
        Appointment.starts_at >= day_start, Appointment.starts_at < ends_at)).scalars()
    for other in candidates:
        if other.id != skip_id and other.starts_at + timedelta(minutes=other.minutes) > starts_at:
            return other
    return None


@requires(CASELOAD_WRITE)
def book(db: Database, actor: Actor, patient_id: int, *, starts_at: datetime, kind: str, minutes: int = 30,
         place: str = "", note: str = "", link_worker: str | None = None) -> AppointmentRow:
    key(vocab.APPOINTMENT_KINDS, kind, "The kind of appointment", optional=False)
    if not 5 <= minutes <= MAX_MINUTES:
        raise InvalidInput(f"An appointment lasts 5 to {MAX_MINUTES} minutes, not {minutes}")
    starts_at = starts_at.replace(second=0, microsecond=0)
    if starts_at < clock.now().replace(second=0, microsecond=0):
        raise InvalidInput(f"{starts_at:%d-%b-%Y %H:%M} is in the past; book a time to come")
    if kind in ("face_to_face", "home_visit") and not place.strip():
        raise InvalidInput("Say where the appointment is (a place or the person's home)")
    worker = link_worker or actor.name
    with saving("appointment"), db.transaction() as session:
        load_patient(session, patient_id)
        clash = _overlaps(session, worker, starts_at, minutes, None)
        if clash is not None:
            raise InvalidInput(f"{worker} already has an appointment at {clash.starts_at:%H:%M} "
                               f"on {clash.starts_at:%d-%b-%Y} that overlaps this time")
        episode_id = session.execute(select(Episode.id).where(
            Episode.patient_id == patient_id, Episode.status != rules.CLOSED)).scalar_one_or_none()
        row = Appointment(patient_id=patient_id, episode_id=episode_id, link_worker=worker, starts_at=starts_at,
                          minutes=minutes, kind=kind, place=short(place, "The place", 300) or "",
                          note=short(note, "The note", 2000) or "", status="booked",
                          uid=f"{uuid.uuid4()}@pcn-assistant")
        touch(row, actor)
        session.add(row)
        session.flush()
        if episode_id is not None:
            log_change(session, actor, episode_id, "appointment",
                       f"Appointment booked {starts_at:%d-%b-%Y %H:%M} ({vocab.APPOINTMENT_KINDS[kind].lower()})")
        audit.record(session, actor, "appointment.book", entity="appointment", entity_id=row.id,
                     summary=f"appointment booked for patient {patient_id}")
        return _row(row, session.get(Patient, patient_id))


@requires(CASELOAD_WRITE)
def set_status(db: Database, actor: Actor, appointment_id: int, status: str, *,
               expected_version: int | None = None) -> AppointmentRow:
    key(vocab.APPOINTMENT_STATUSES, status, "The appointment status", optional=False)
    with saving("appointment"), db.transaction() as session:
        row = session.get(Appointment, appointment_id)
        if row is None:
            raise InvalidInput(f"There is no appointment {appointment_id}")
        check_version(session, row, expected_version)
        if status in ("attended", "missed") and row.starts_at > clock.now():
            raise InvalidInput("An appointment still to come cannot be marked attended or missed")
        row.status = status
        touch(row, actor)
        session.flush()
        audit.record(session, actor, "appointment.status", entity="appointment", entity_id=row.id,
                     summary=f"appointment {status}")
        return _row(row, session.get(Patient, row.patient_id))


def _row(row: Appointment, patient: Patient | None, names: dict[str, str] | None = None) -> AppointmentRow:
    person = f"{(patient.family_name or '').upper()}, {patient.given_name or ''}".strip(", ") if patient else ""
    return AppointmentRow(row.id, row.patient_id, person, row.starts_at, row.minutes, row.kind, row.place,
                          row.note, row.status, row.link_worker, row.version,
                          (names or {}).get(row.link_worker, row.link_worker))


@requires(CASELOAD_READ)
def day_list(db: Database, actor: Actor, on: date, link_worker: str | None = None) -> list[AppointmentRow]:
    """One day's appointments for a link worker (yourself by default), in time order."""
    worker = link_worker or actor.name
    start = datetime.combine(on, time.min)
    with db.session() as session:
        rows = session.execute(select(Appointment, Patient).join(Patient, Patient.id == Appointment.patient_id)
                               .where(Appointment.link_worker == worker, Appointment.starts_at >= start,
                                      Appointment.starts_at < start + timedelta(days=1))
                               .order_by(Appointment.starts_at, Appointment.id)).all()
        names = display_names(session, {worker})
        return [_row(a, p, names) for a, p in rows]


@requires(CASELOAD_READ)
def person_appointments(db: Database, actor: Actor, patient_id: int) -> list[AppointmentRow]:
    with db.session() as session:
        patient = session.get(Patient, patient_id)
        rows = session.execute(select(Appointment).where(Appointment.patient_id == patient_id)
                               .order_by(Appointment.starts_at.desc())).scalars().all()
        names = display_names(session, {a.link_worker for a in rows})
        return [_row(a, patient, names) for a in rows]


def _initials(row: AppointmentRow) -> str:
    family, _, given = row.person.partition(", ")
    return "".join(part[:1].upper() for part in (given, family) if part) or "?"


@requires(CASELOAD_READ)
def export_ics(db: Database, actor: Actor, path: str | Path, *, start: date, days: int = 14,
               link_worker: str | None = None) -> int:
    """Write the link worker's booked (and cancelled) appointments for ``days`` days to .ics."""
    if not 1 <= days <= 366:
        raise InvalidInput("Export between 1 and 366 days of appointments")
    rows = [row for offset in range(days) for row in day_list(db, actor, start + timedelta(days=offset),
                                                                  link_worker)]
    events = [ics.CalendarEvent(
        uid=f"appointment-{row.id}@pcn-assistant", starts_at=row.starts_at, minutes=row.minutes,
        summary=f"Social prescribing: {vocab.APPOINTMENT_KINDS[row.kind].lower()} with {_initials(row)}",
        location=row.place, description="Details are in PCN Assistant.",
        cancelled=row.status == "cancelled") for row in rows if row.status in ("booked", "cancelled")]
    target = Path(path)
    target.write_text(ics.calendar(events, made_at=clock.utcnow()), encoding="utf-8", newline="")
    make_private(target)  # a calendar of who is seen when: owner-only, like every export
    with db.transaction() as session:
        audit.record(session, actor, "export.appointments", entity="appointment",
                     summary=f"{len(events)} appointment(s) to {target.name}")
    return len(events)
