"""The GP coding worklist: SNOMED CT codes each practice should enter, and whether they have.

``871731000000106`` (referral to social prescribing service) once per episode, when the
person accepts working with the link worker (they are assessed, become active, or are
referred on to a service); ``871711000000103`` (social prescribing declined) when an
episode closes as declined without that. Codes and terms come from
``resources/snomed_social_prescribing.csv``. An entry is ticked off by hand, or by
itself when a later extract shows the code in the person's record on or after the
episode began.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pcn_assistant.assets import resource_path
from pcn_assistant.core import clock
from pcn_assistant.core.caseload import CLOSED
from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services import audit
from pcn_assistant.services.security import CODING_WORKLIST, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import Episode
from pcn_assistant.store.models.organisation import Practice
from pcn_assistant.store.models.patient import Patient, PatientMeasure
from pcn_assistant.store.models.referrals import CodingEntry, Referral

ACCEPTED, DECLINED = "accepted", "declined"
TO_CODE, CODED = "to_code", "coded"
DECLINED_REASON = "declined"


@dataclass(frozen=True)
class Code:
    key: str
    code: str
    term: str


@cache
def codes() -> dict[str, Code]:
    with resource_path("snomed_social_prescribing.csv").open(encoding="utf-8") as handle:
        return {row["key"]: Code(row["key"], row["code"], row["term"]) for row in csv.DictReader(handle)}


def ensure_entry(session: Session, episode: Episode, kind: str, on: date) -> CodingEntry | None:
    """Add the episode's entry for ``kind`` unless it has one (once per episode and code)."""
    code = codes()[kind]
    held = session.execute(select(CodingEntry).where(
        CodingEntry.episode_id == episode.id, CodingEntry.code == code.code)).scalar_one_or_none()
    if held is not None:
        return None
    practice_id = session.execute(select(Patient.practice_id).where(Patient.id == episode.patient_id)).scalar_one()
    entry = CodingEntry(practice_id=practice_id, patient_id=episode.patient_id, episode_id=episode.id,
                        code=code.code, term=code.term, event_on=on, status=TO_CODE, updated_by="system")
    session.add(entry)
    session.flush()
    return entry


def refresh(session: Session) -> int:
    """Add the entries the episodes now call for; returns how many were added."""
    accepted, declined = codes()[ACCEPTED].code, codes()[DECLINED].code
    held = {(e, c) for e, c in session.execute(select(CodingEntry.episode_id, CodingEntry.code))}
    first_referral = dict(session.execute(
        select(Referral.episode_id, func.min(Referral.created_on)).group_by(Referral.episode_id)).all())
    rows = session.execute(select(
        Episode.id, Episode.patient_id, Episode.status, Episode.close_reason, Episode.assessed_on,
        Episode.active_on, Episode.closed_on, Patient.practice_id,
    ).join(Patient, Patient.id == Episode.patient_id)).all()
    added = 0
    for episode_id, patient_id, status, reason, assessed_on, active_on, closed_on, practice_id in rows:
        dates = [d for d in (assessed_on, active_on, first_referral.get(episode_id)) if d is not None]
        if dates and (episode_id, accepted) not in held:
            session.add(CodingEntry(practice_id=practice_id, patient_id=patient_id, episode_id=episode_id,
                                    code=accepted, term=codes()[ACCEPTED].term, event_on=min(dates),
                                    status=TO_CODE, updated_by="system"))
            added += 1
        elif (not dates and status == CLOSED and reason == DECLINED_REASON and closed_on is not None
              and (episode_id, declined) not in held):
            session.add(CodingEntry(practice_id=practice_id, patient_id=patient_id, episode_id=episode_id,
                                    code=declined, term=codes()[DECLINED].term, event_on=closed_on,
                                    status=TO_CODE, updated_by="system"))
            added += 1
    session.flush()
    return added


def tick_from_records(session: Session) -> int:
    """Tick entries whose code now appears in the person's record (on or after the episode began)."""
    pending = session.execute(
        select(CodingEntry, Episode.referred_on)
        .join(Episode, Episode.id == CodingEntry.episode_id)
        .where(CodingEntry.status == TO_CODE)
    ).all()
    if not pending:
        return 0
    seen: dict[tuple[int, str], list[date]] = {}
    patient_ids = sorted({entry.patient_id for entry, _ in pending})
    for start in range(0, len(patient_ids), 500):
        for patient_id, code, recorded_on in session.execute(
                select(PatientMeasure.patient_id, PatientMeasure.code, PatientMeasure.recorded_on).where(
                    PatientMeasure.patient_id.in_(patient_ids[start:start + 500]),
                    PatientMeasure.code.in_([c.code for c in codes().values()]))):
            seen.setdefault((patient_id, code), []).append(recorded_on)
    ticked = 0
    for entry, referred_on in pending:
        dates = sorted(d for d in seen.get((entry.patient_id, entry.code), []) if d >= referred_on)
        if dates:
            entry.status, entry.coded_on, entry.coded_by, entry.coded_via = CODED, dates[0], "extract", "extract"
            entry.updated_by = "system"
            ticked += 1
    session.flush()
    return ticked


def tick_after_import(db: Database, actor: Actor) -> None:
    """Hook run after a patient or events import commits (``services.hooks``)."""
    with db.transaction() as session:
        added, ticked = refresh(session), tick_from_records(session)
        if added or ticked:
            audit.record(session, actor, "coding.refresh", entity="coding_entry",
                         summary=f"{added} entries added, {ticked} ticked off from the extract")


@dataclass(frozen=True)
class CodingRow:
    id: int
    practice: str
    nhs_number: str
    date_of_birth: date
    code: str
    term: str
    event_on: date
    status: str
    coded_on: date | None
    coded_via: str | None
    version: int

    @property
    def coded(self) -> bool:
        return self.status == CODED

    def value(self, key: str) -> object:
        return getattr(self, key)


def _practice(session: Session, actor: Actor, practice_code: str | None) -> Practice | None:
    if actor.practice_code and practice_code and practice_code != actor.practice_code:
        raise PermissionDenied(f"{actor.name} sees the coding worklist of {actor.practice_code} only")
    code = practice_code or actor.practice_code
    if code is None:
        return None
    practice = session.execute(select(Practice).where(Practice.ods_code == code.upper())).scalar_one_or_none()
    if practice is None:
        raise InvalidInput(f"There is no practice {code}")
    return practice


@requires(CODING_WORKLIST)
def worklist(db: Database, actor: Actor, practice_code: str | None = None, *,
             include_coded: bool = False) -> list[CodingRow]:
    """The practice's entries, oldest first, brought up to date with episodes and extracts."""
    with db.transaction() as session:
        practice = _practice(session, actor, practice_code)
        refresh(session)
        tick_from_records(session)
        stmt = (select(CodingEntry, Patient.nhs_number, Patient.date_of_birth, Practice.ods_code)
                .join(Patient, Patient.id == CodingEntry.patient_id)
                .join(Practice, Practice.id == CodingEntry.practice_id)
                .order_by(CodingEntry.status.desc(), CodingEntry.event_on, CodingEntry.id))
        if practice is not None:
            stmt = stmt.where(CodingEntry.practice_id == practice.id)
        if not include_coded:
            stmt = stmt.where(CodingEntry.status == TO_CODE)
        rows = [CodingRow(e.id, ods, nhs, dob, e.code, e.term, e.event_on, e.status, e.coded_on, e.coded_via, e.version)
                for e, nhs, dob, ods in session.execute(stmt)]
        audit.record(session, actor, "coding.worklist", entity="practice",
                     entity_id=practice.ods_code if practice else "all", summary=f"{len(rows)} entries listed")
    return rows


@requires(CODING_WORKLIST)
def mark_coded(db: Database, actor: Actor, entry_ids: list[int], on: date | None = None, *,
               coded: bool = True) -> int:
    """Tick (or untick) entries by hand; returns how many changed."""
    on = on or clock.today()
    changed = 0
    with db.transaction() as session:
        for entry in session.execute(select(CodingEntry).where(CodingEntry.id.in_(entry_ids))).scalars():
            if actor.practice_code:
                ods = session.execute(select(Practice.ods_code).where(Practice.id == entry.practice_id)).scalar_one()
                if ods != actor.practice_code:
                    raise PermissionDenied(f"Entry {entry.id} belongs to another practice")
            if (entry.status == CODED) == coded:
                continue
            entry.status = CODED if coded else TO_CODE
            entry.coded_on, entry.coded_by, entry.coded_via = (on, actor.name, "manual") if coded else (None, None, None)
            entry.updated_by = actor.name
            changed += 1
        audit.record(session, actor, "coding.mark", entity="coding_entry",
                     summary=f"{changed} entries marked {'coded' if coded else 'not coded'}")
    return changed


@requires(CODING_WORKLIST)
def export_worklist(db: Database, actor: Actor, practice_code: str, out: str | Path, *,
                    include_coded: bool = False) -> int:
    """Write the practice's worklist to an .xlsx the practice can work through; returns rows."""
    from pcn_assistant.services.referrals.workbooks import write_coding_workbook

    rows = worklist(db, actor, practice_code, include_coded=include_coded)
    with db.transaction() as session:
        practice = _practice(session, actor, practice_code)
        name = practice.name if practice else practice_code
        write_coding_workbook(Path(out), rows, practice_code.upper(), name)
        audit.record(session, actor, "export.coding_worklist", entity="practice", entity_id=practice_code.upper(),
                     summary=f"{Path(out).name}: {len(rows)} entries")
    return len(rows)
