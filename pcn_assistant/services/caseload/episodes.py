"""Episodes: enrol (one person or a whole Find people list), move through the statuses,
close, set the next review and reassign.

The rules live here so the GUI, the CLI and scripts cannot get round them: a person
has at most one open episode; status runs forward and closed is final (a new episode
can be opened); dates never run backwards and are never in the future.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select, update

from pcn_assistant.core import caseload as rules
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.caseload.common import (
    load_episode,
    load_patient,
    log_change,
    now,
    open_episode_for,
    require_key,
    require_text,
    saving,
    today,
    touch,
)
from pcn_assistant.services.security import CASELOAD_WRITE, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import CaseloadTask, Episode, EpisodeChange
from pcn_assistant.store.models.patient import REGISTERED, Patient

_CHUNK = 500  # keeps IN lists well under every backend's parameter limit
_STATUS_DATE = {
    rules.IDENTIFIED: "identified_on", rules.CONTACTED: "contacted_on",
    rules.ASSESSED: "assessed_on", rules.ACTIVE: "active_on", rules.CLOSED: "closed_on",
}


@dataclass(frozen=True)
class EnrolResult:
    """What a bulk enrolment did: patient ids added, and those skipped with the reason."""

    added: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    skipped_reasons: dict[int, str] = field(default_factory=dict)
    episode_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class EpisodeSaved:
    episode_id: int
    status: str
    version: int


def _saved(episode: Episode) -> EpisodeSaved:
    return EpisodeSaved(episode.id, episode.status, episode.version)


def _status_dates(episode: Episode) -> list[tuple[str, date | None]]:
    named = [("referral date", episode.referred_on)]
    for key in rules.STATUS_ORDER:
        named.append((f"date it was {rules.label(rules.STATUSES, key).lower()}",
                      getattr(episode, _STATUS_DATE[key])))
    return named


def _check_reasons(reasons: Sequence[str]) -> list[str]:
    valid = rules.keys(rules.REFERRAL_REASONS)
    unknown = [r for r in reasons if r not in valid]
    if unknown:
        raise InvalidInput(f"Unknown referral reason {unknown[0]!r}; choose from: {', '.join(valid)}")
    return list(dict.fromkeys(reasons))


@requires(CASELOAD_WRITE)
def enrol_patient(
    db: Database, actor: Actor, patient_id: int, *, coordinator: str, referral_source: str,
    referral_reasons: Sequence[str] = (), referred_on: date | None = None,
    referrer_name: str | None = None, referral_note: str | None = None,
    consent_to_share: bool | None = None,
) -> EpisodeSaved:
    """Open a new episode for one person as "identified"."""
    coordinator = require_text(coordinator, "Coordinator", 100)
    require_key(rules.REFERRAL_SOURCES, referral_source, "referral source")
    reasons = _check_reasons(referral_reasons)
    referred_on = referred_on or today()
    problem = rules.future_error(referred_on, now(), "referral date")
    if problem:
        raise InvalidInput(problem)
    with saving("episode"), db.transaction() as session:
        patient = load_patient(session, patient_id)
        if patient.registration_status != REGISTERED:
            raise InvalidInput(f"This person is no longer registered ({patient.registration_status}): "
                               "they cannot join a caseload")
        if referred_on < patient.date_of_birth:
            raise InvalidInput("The referral date is before the person's date of birth")
        existing = open_episode_for(session, patient_id)
        if existing is not None:
            raise InvalidInput(
                f"This person already has an open episode (coordinator {existing.coordinator}, "
                f"referred {existing.referred_on:%d-%b-%Y}); a person can have only one open episode")
        episode = Episode(
            patient_id=patient_id, coordinator=coordinator, referral_source=referral_source,
            referral_reasons=reasons, referrer_name=(referrer_name or "").strip() or None,
            referral_note=(referral_note or "").strip() or None, consent_to_share=consent_to_share,
            referred_on=referred_on, identified_on=referred_on, status=rules.IDENTIFIED,
            contact_count=0, created_by=actor.name, updated_by=actor.name,
        )
        session.add(episode)
        session.flush()
        log_change(session, actor, episode.id, "created",
                   f"Referred on {referred_on:%d-%b-%Y} by {rules.label(rules.REFERRAL_SOURCES, referral_source)}; "
                   f"assigned to {coordinator}")
        audit.record(session, actor, "caseload.enrol", entity="episode", entity_id=episode.id,
                     summary=f"patient {patient_id} enrolled, coordinator {coordinator}")
        return _saved(episode)


@requires(CASELOAD_WRITE)
def enrol_patients(
    db: Database, actor: Actor, patient_ids: list[int], coordinator: str, *,
    referral_source: str = "risk_list", referral_reasons: Sequence[str] = (),
    referred_on: date | None = None,
) -> EnrolResult:
    """Bulk enrolment from a Find people list: each person joins ``coordinator``'s caseload
    as "identified"; people with an open episode, or no longer registered, are skipped."""
    coordinator = require_text(coordinator, "Coordinator", 100)
    require_key(rules.REFERRAL_SOURCES, referral_source, "referral source")
    reasons = _check_reasons(referral_reasons)
    referred_on = referred_on or today()
    wanted = list(dict.fromkeys(int(p) for p in patient_ids))
    skipped: dict[int, str] = {}
    with saving("episode"), db.transaction() as session:
        status_of: dict[int, str] = {}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            status_of.update(session.execute(
                select(Patient.id, Patient.registration_status).where(Patient.id.in_(chunk))).all())
            for patient_id in session.execute(
                select(Episode.patient_id).where(Episode.patient_id.in_(chunk),
                                                 Episode.status != rules.CLOSED)).scalars():
                skipped[patient_id] = "already has an open episode"
        for patient_id in wanted:
            if patient_id not in status_of:
                skipped[patient_id] = "no such patient"
            elif status_of[patient_id] != REGISTERED and patient_id not in skipped:
                skipped[patient_id] = f"no longer registered ({status_of[patient_id]})"
        to_add = [p for p in wanted if p not in skipped]
        episode_ids: list[int] = []
        if to_add:
            rows = [{
                "patient_id": p, "coordinator": coordinator, "referral_source": referral_source,
                "referral_reasons": reasons, "referred_on": referred_on, "identified_on": referred_on,
                "status": rules.IDENTIFIED, "contact_count": 0, "created_by": actor.name,
                "updated_by": actor.name, "version": 1,
            } for p in to_add]
            episode_ids = list(session.scalars(
                insert(Episode).returning(Episode.id, sort_by_parameter_order=True), rows))
            detail = (f"Added to {coordinator}'s caseload from a list "
                      f"({rules.label(rules.REFERRAL_SOURCES, referral_source)})")
            session.execute(insert(EpisodeChange), [
                {"episode_id": e, "user_name": actor.name, "what": "created", "detail": detail}
                for e in episode_ids])
        audit.record(session, actor, "caseload.enrol_bulk", entity="episode",
                     summary=f"{len(to_add)} enrolled, {len(skipped)} skipped, coordinator {coordinator}")
    return EnrolResult(added=to_add, skipped=[p for p in wanted if p in skipped],
                       skipped_reasons=skipped, episode_ids=episode_ids)


@requires(CASELOAD_WRITE)
def change_status(
    db: Database, actor: Actor, episode_id: int, new_status: str, on: date | None = None, *,
    close_reason: str | None = None, note: str | None = None, expected_version: int | None = None,
) -> EpisodeSaved:
    """Move an episode forward (steps may be skipped); closing needs a reason."""
    on = on or today()
    problem = rules.future_error(on, now(), "status date")
    if problem:
        raise InvalidInput(problem)
    if new_status == rules.CLOSED:
        require_key(rules.CLOSE_REASONS, close_reason, "close reason")
    with saving("episode"), db.transaction() as session:
        episode = load_episode(session, episode_id, expected_version)
        problem = rules.transition_error(episode.status, new_status) or rules.date_order_error(
            on, _status_dates(episode))
        if problem is None and new_status == rules.CLOSED:
            problem = rules.date_order_error(on, [("last contact", episode.last_contact_on)])
        if problem:
            raise InvalidInput(problem)
        old = episode.status
        episode.status = new_status
        setattr(episode, _STATUS_DATE[new_status], on)
        detail = f"{rules.label(rules.STATUSES, old)} → {rules.label(rules.STATUSES, new_status)} on {on:%d-%b-%Y}"
        if new_status == rules.CLOSED:
            episode.close_reason = close_reason
            episode.close_note = (note or "").strip() or None
            episode.next_review_on = None
            detail += f" ({rules.label(rules.CLOSE_REASONS, close_reason)})"
            session.execute(update(CaseloadTask).where(
                CaseloadTask.episode_id == episode_id, CaseloadTask.done_on.is_(None)
            ).values(done_on=on, done_by=actor.name, updated_by=actor.name,
                     version=CaseloadTask.version + 1))
        touch(episode, actor)
        session.flush()
        log_change(session, actor, episode_id, "status", detail)
        audit.record(session, actor, "caseload.status", entity="episode", entity_id=episode_id,
                     summary=f"{old} -> {new_status}" + (f" ({close_reason})" if close_reason else ""))
        return _saved(episode)


@requires(CASELOAD_WRITE)
def close_episode(db: Database, actor: Actor, episode_id: int, reason: str, on: date | None = None,
                  *, note: str | None = None, expected_version: int | None = None) -> EpisodeSaved:
    """Close an episode with a reason (goals met, declined, could not contact...)."""
    return change_status(db, actor, episode_id, rules.CLOSED, on, close_reason=reason, note=note,
                         expected_version=expected_version)


@requires(CASELOAD_WRITE)
def set_next_review(db: Database, actor: Actor, episode_id: int, review_on: date | None, *,
                    expected_version: int | None = None) -> EpisodeSaved:
    """Set (or clear) the next review of an open episode; it cannot be in the past."""
    if review_on is not None and review_on < today():
        raise InvalidInput(f"The review date {review_on:%d-%b-%Y} is in the past")
    with saving("episode"), db.transaction() as session:
        episode = load_episode(session, episode_id, expected_version, must_be_open=True)
        old = episode.next_review_on
        episode.next_review_on = review_on
        touch(episode, actor)
        session.flush()
        shown = f"{review_on:%d-%b-%Y}" if review_on else "none"
        log_change(session, actor, episode_id, "review",
                   f"Next review {old:%d-%b-%Y} → {shown}" if old else f"Next review set to {shown}")
        audit.record(session, actor, "caseload.review", entity="episode", entity_id=episode_id,
                     summary=f"next review {shown}")
        return _saved(episode)


@requires(CASELOAD_WRITE)
def reassign_episodes(db: Database, actor: Actor, episode_ids: Sequence[int], coordinator: str, *,
                      expected_versions: dict[int, int] | None = None) -> list[EpisodeSaved]:
    """Hand open episodes (and their open tasks) to another coordinator in one recorded action."""
    coordinator = require_text(coordinator, "Coordinator", 100)
    expected_versions = expected_versions or {}
    saved: list[EpisodeSaved] = []
    with saving("episode"), db.transaction() as session:
        for episode_id in dict.fromkeys(episode_ids):
            episode = load_episode(session, episode_id, expected_versions.get(episode_id), must_be_open=True)
            old = episode.coordinator
            if old == coordinator:
                continue
            episode.coordinator = coordinator
            touch(episode, actor)
            session.execute(update(CaseloadTask).where(
                CaseloadTask.episode_id == episode_id, CaseloadTask.done_on.is_(None),
                CaseloadTask.assignee == old,
            ).values(assignee=coordinator, updated_by=actor.name, version=CaseloadTask.version + 1))
            session.flush()
            log_change(session, actor, episode_id, "coordinator", f"Reassigned from {old} to {coordinator}")
            audit.record(session, actor, "caseload.reassign", entity="episode", entity_id=episode_id,
                         summary=f"{old} -> {coordinator}")
            saved.append(_saved(episode))
    return saved
