"""The person record: everything a coordinator needs about one person on one screen.

``open_person`` reads it in one session and records the opening in the audit trail
(who looked at whose record is part of information governance). Case notes and the
plan are withheld from roles without ``case_notes.read``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select

from pcn_assistant.core import caseload as rules
from pcn_assistant.errors import PermissionDenied
from pcn_assistant.services import audit
from pcn_assistant.services.caseload import risk_link
from pcn_assistant.services.caseload.common import load_patient, today
from pcn_assistant.services.caseload.contacts import ContactRow, contact_rows
from pcn_assistant.services.caseload.coordinators import display_names
from pcn_assistant.services.caseload.tasks import TaskRow
from pcn_assistant.services.patients import display_name
from pcn_assistant.services.security import CASE_NOTES_READ, PATIENTS_READ, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import (
    CarePlan,
    CarePlanAction,
    CarePlanGoal,
    CaseloadTask,
    Episode,
    EpisodeChange,
    EpisodeContact,
    PersonFlag,
)
from pcn_assistant.store.models.organisation import Practice

CONTACT_LIMIT = 300
HISTORY_LIMIT = 200


@dataclass(frozen=True)
class FlagView:
    id: int
    kind: str
    description: str
    raised_on: date
    version: int


@dataclass(frozen=True)
class EpisodeView:
    id: int
    coordinator: str
    status: str
    referral_source: str
    referral_reasons: tuple[str, ...]
    referrer_name: str | None
    referral_note: str | None
    referred_on: date
    contacted_on: date | None
    assessed_on: date | None
    active_on: date | None
    closed_on: date | None
    close_reason: str | None
    next_review_on: date | None
    last_contact_on: date | None
    contact_count: int
    version: int

    @property
    def is_open(self) -> bool:
        return self.status != rules.CLOSED


@dataclass(frozen=True)
class ActionView:
    id: int
    description: str
    who: str | None
    due_on: date | None
    status: str
    version: int


@dataclass(frozen=True)
class GoalView:
    id: int
    description: str
    need: str | None
    importance: int | None
    status: str
    set_on: date
    review_on: date | None
    version: int
    actions: tuple[ActionView, ...] = ()
    confidence: int | None = None  # 0-10, the person's confidence in reaching it
    review_outcome: str | None = None  # achieved, partly or not, at review


@dataclass(frozen=True)
class PlanView:
    episode_id: int
    plan_id: int | None
    what_matters: str
    strengths: str
    needs: str
    agreed_with_person: bool
    agreed_on: date | None
    version: int | None
    goals: tuple[GoalView, ...] = ()


@dataclass(frozen=True)
class ChangeView:
    occurred_at: datetime
    user_name: str
    what: str
    detail: str


@dataclass(frozen=True)
class PersonRecord:
    patient_id: int
    nhs_number: str
    name: str
    given_name: str | None
    family_name: str | None
    date_of_birth: date
    age: int
    sex: str
    practice_code: str
    practice_name: str
    phone: str | None
    postcode: str | None
    registration_status: str
    risk: risk_link.RiskSummary | None
    flags: tuple[FlagView, ...]
    episodes: tuple[EpisodeView, ...]  # newest first
    plan: PlanView | None  # of the open episode, else the latest one
    contacts: tuple[ContactRow, ...]
    tasks: tuple[TaskRow, ...]
    history: tuple[ChangeView, ...]
    can_read_notes: bool
    names: dict[str, str] = field(default_factory=dict)  # login -> display name

    def who(self, login: str | None) -> str:
        """A user's display name, for coordinators and who recorded what."""
        return self.names.get(login, login) if login else ""

    @property
    def open_episode(self) -> EpisodeView | None:
        return next((e for e in self.episodes if e.is_open), None)


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@requires(PATIENTS_READ)
def open_person(db: Database, actor: Actor, patient_id: int, *, record_open: bool = True) -> PersonRecord:
    """Read one person's record, and record in the audit trail that it was opened.

    ``record_open=False`` re-reads a record already open on screen after its own save,
    which is not a new look at the record.
    """
    notes = actor.can(CASE_NOTES_READ)
    with db.transaction() if record_open else db.session() as session:
        patient = load_patient(session, patient_id)
        practice = session.get(Practice, patient.practice_id)
        if actor.practice_code and practice.ods_code != actor.practice_code:
            raise PermissionDenied(f"{actor.name} can open only records of practice {actor.practice_code}")
        episodes = session.execute(
            select(Episode).where(Episode.patient_id == patient_id)
            .order_by(Episode.referred_on.desc(), Episode.id.desc())
        ).scalars().all()
        flags = session.execute(
            select(PersonFlag).where(PersonFlag.patient_id == patient_id,
                                     or_(PersonFlag.ended_on.is_(None), PersonFlag.ended_on > today()))
            .order_by(PersonFlag.kind.desc(), PersonFlag.raised_on)
        ).scalars().all()
        episode_ids = [e.id for e in episodes]
        contacts = tasks = history = ()
        plan = None
        if episode_ids:
            contacts = tuple(contact_rows(actor, session.execute(
                select(EpisodeContact).where(EpisodeContact.episode_id.in_(episode_ids))
                .order_by(EpisodeContact.contact_at.desc(), EpisodeContact.id.desc()).limit(CONTACT_LIMIT)
            ).scalars()))
            tasks = tuple(TaskRow(t.id, t.episode_id, t.title, t.assignee, t.due_on, t.done_on, t.version)
                          for t in session.execute(
                              select(CaseloadTask).where(CaseloadTask.episode_id.in_(episode_ids))
                              .order_by(CaseloadTask.done_on.is_not(None), CaseloadTask.due_on.desc())
                              .limit(CONTACT_LIMIT)).scalars())
            history = tuple(ChangeView(c.occurred_at, c.user_name, c.what, c.detail)
                            for c in session.execute(
                                select(EpisodeChange).where(EpisodeChange.episode_id.in_(episode_ids))
                                .order_by(EpisodeChange.occurred_at.desc(), EpisodeChange.id.desc())
                                .limit(HISTORY_LIMIT)).scalars())
            current = next((e for e in episodes if e.status != rules.CLOSED), episodes[0])
            plan = _plan(session, current.id, notes)
        risk = risk_link.risk_summary(session, patient_id)
        logins = ({e.coordinator for e in episodes} | {c.recorded_by for c in contacts}
                  | {t.assignee for t in tasks} | {h.user_name for h in history})
        names = display_names(session, logins)
        if record_open:
            audit.record(session, actor, "person.open", entity="patient", entity_id=patient_id,
                         summary="person record opened")
        return PersonRecord(
            patient_id=patient.id, nhs_number=patient.nhs_number,
            name=display_name(patient.given_name, patient.family_name),
            given_name=patient.given_name, family_name=patient.family_name,
            date_of_birth=patient.date_of_birth, age=age_on(patient.date_of_birth, today()),
            sex=patient.sex, practice_code=practice.ods_code, practice_name=practice.name,
            phone=patient.phone, postcode=patient.postcode,
            registration_status=patient.registration_status, risk=risk,
            flags=tuple(FlagView(f.id, f.kind, f.description, f.raised_on, f.version) for f in flags),
            episodes=tuple(_episode_view(e) for e in episodes), plan=plan, contacts=contacts,
            tasks=tasks, history=history, can_read_notes=notes, names=names,
        )


def _episode_view(e: Episode) -> EpisodeView:
    return EpisodeView(
        id=e.id, coordinator=e.coordinator, status=e.status, referral_source=e.referral_source,
        referral_reasons=tuple(e.referral_reasons or ()), referrer_name=e.referrer_name,
        referral_note=e.referral_note, referred_on=e.referred_on, contacted_on=e.contacted_on,
        assessed_on=e.assessed_on, active_on=e.active_on, closed_on=e.closed_on,
        close_reason=e.close_reason, next_review_on=e.next_review_on,
        last_contact_on=e.last_contact_on, contact_count=e.contact_count or 0, version=e.version,
    )


def _plan(session, episode_id: int, notes: bool) -> PlanView:  # noqa: ANN001
    plan = session.execute(select(CarePlan).where(CarePlan.episode_id == episode_id)).scalar_one_or_none()
    goals = session.execute(
        select(CarePlanGoal).where(CarePlanGoal.episode_id == episode_id).order_by(CarePlanGoal.id)
    ).scalars().all()
    actions: dict[int, list[ActionView]] = {}
    if goals:
        for a in session.execute(
            select(CarePlanAction).where(CarePlanAction.goal_id.in_([g.id for g in goals]))
            .order_by(CarePlanAction.id)
        ).scalars():
            actions.setdefault(a.goal_id, []).append(
                ActionView(a.id, a.description, a.who, a.due_on, a.status, a.version))
    hidden = "(not available to your role)"
    return PlanView(
        episode_id=episode_id, plan_id=plan.id if plan else None,
        what_matters=(plan.what_matters if notes else hidden) if plan else "",
        strengths=(plan.strengths if notes else hidden) if plan else "",
        needs=(plan.needs if notes else hidden) if plan else "",
        agreed_with_person=bool(plan and plan.agreed_with_person),
        agreed_on=plan.agreed_on if plan else None, version=plan.version if plan else None,
        goals=tuple(GoalView(g.id, g.description, g.need, g.importance, g.status,
                             g.set_on, g.review_on, g.version, tuple(actions.get(g.id, ())),
                             g.confidence, g.review_outcome)
                    for g in goals) if notes else (),
    )
