"""The personalised care and support plan (PRSB): what matters to me, strengths and
needs, then goals with a status and review date, and actions towards each goal.
Risk and safeguarding flags belong to the person and show on their banner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcn_assistant.core import caseload as rules
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.caseload.common import (
    check_version,
    load_episode,
    load_patient,
    log_change,
    require_key,
    require_text,
    saving,
    today,
    touch,
)
from pcn_assistant.services.security import CASELOAD_WRITE, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import CarePlan, CarePlanAction, CarePlanGoal, PersonFlag

MAX_TEXT = 4000


@dataclass(frozen=True)
class Saved:
    id: int
    version: int


def _importance(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= 10:
        raise InvalidInput("Importance is scored 0 to 10")
    return value


@requires(CASELOAD_WRITE)
def save_plan(
    db: Database, actor: Actor, episode_id: int, *, what_matters: str, strengths: str, needs: str,
    agreed_with_person: bool = False, expected_version: int | None = None,
) -> Saved:
    """Create or update the plan's text; ``expected_version`` is the plan version read (None for new)."""
    fields = {"what matters to the person": what_matters, "strengths": strengths, "needs": needs}
    for name, value in fields.items():
        if len(value or "") > MAX_TEXT:
            raise InvalidInput(f"The {name} text is too long (at most {MAX_TEXT} characters)")
    with saving("plan"), db.transaction() as session:
        load_episode(session, episode_id, must_be_open=True)
        plan = session.execute(select(CarePlan).where(CarePlan.episode_id == episode_id)).scalar_one_or_none()
        if plan is None:
            plan = CarePlan(episode_id=episode_id)
            session.add(plan)
            action = "created"
        else:
            check_version(session, plan, expected_version, {
                "what_matters": what_matters, "strengths": strengths, "needs": needs})
            action = "updated"
        plan.what_matters = (what_matters or "").strip()
        plan.strengths = (strengths or "").strip()
        plan.needs = (needs or "").strip()
        if agreed_with_person and not plan.agreed_with_person:
            plan.agreed_on = today()
        plan.agreed_with_person = agreed_with_person
        touch(plan, actor)
        session.flush()
        log_change(session, actor, episode_id, "plan", f"Care and support plan {action}")
        audit.record(session, actor, "caseload.plan", entity="care_plan", entity_id=plan.id,
                     summary=f"plan {action} for episode {episode_id}")
        return Saved(plan.id, plan.version)


def _goal_dates(set_on: date, review_on: date | None) -> None:
    if review_on is not None and review_on < set_on:
        raise InvalidInput(f"The review date {review_on:%d-%b-%Y} is before the goal was set "
                           f"({set_on:%d-%b-%Y}); dates cannot run backwards")


@requires(CASELOAD_WRITE)
def add_goal(
    db: Database, actor: Actor, episode_id: int, *, description: str, need: str | None = None,
    importance: int | None = None, review_on: date | None = None, status: str = "not_started",
) -> Saved:
    description = require_text(description, "The goal", MAX_TEXT)
    require_key(rules.GOAL_STATUSES, status, "goal status")
    _importance(importance)
    set_on = today()
    _goal_dates(set_on, review_on)
    with saving("goal"), db.transaction() as session:
        load_episode(session, episode_id, must_be_open=True)
        goal = CarePlanGoal(
            episode_id=episode_id, description=description, need=(need or "").strip()[:200] or None,
            importance=importance, status=status, set_on=set_on, review_on=review_on,
            status_on=set_on, updated_by=actor.name,
        )
        session.add(goal)
        session.flush()
        log_change(session, actor, episode_id, "goal", f"Goal added: {description[:80]}")
        audit.record(session, actor, "caseload.goal", entity="care_plan_goal", entity_id=goal.id,
                     summary=f"goal added to episode {episode_id}")
        return Saved(goal.id, goal.version)


def editable_goal(session: Session, goal_id: int, expected_version: int | None) -> CarePlanGoal:
    """The goal, checked against the version the user read, on an episode still open."""
    goal = session.get(CarePlanGoal, goal_id)
    if goal is None:
        raise InvalidInput(f"There is no goal {goal_id}")
    check_version(session, goal, expected_version)
    load_episode(session, goal.episode_id, must_be_open=True)
    return goal


@requires(CASELOAD_WRITE)
def update_goal(
    db: Database, actor: Actor, goal_id: int, *, status: str, review_on: date | None,
    description: str | None = None, importance: int | None = None,
    expected_version: int | None = None,
) -> Saved:
    require_key(rules.GOAL_STATUSES, status, "goal status")
    _importance(importance)
    with saving("goal"), db.transaction() as session:
        goal = editable_goal(session, goal_id, expected_version)
        _goal_dates(goal.set_on, review_on)
        changes = []
        if status != goal.status:
            changes.append(f"{rules.label(rules.GOAL_STATUSES, goal.status)} → "
                           f"{rules.label(rules.GOAL_STATUSES, status)}")
            goal.status = status
            goal.status_on = today()
        if review_on != goal.review_on:
            changes.append(f"review {review_on:%d-%b-%Y}" if review_on else "review cleared")
            goal.review_on = review_on
        if description is not None:
            goal.description = require_text(description, "The goal", MAX_TEXT)
        goal.importance = importance if importance is not None else goal.importance
        touch(goal, actor)
        session.flush()
        log_change(session, actor, goal.episode_id, "goal",
                   f"Goal {goal.description[:60]!r}: {', '.join(changes) or 'edited'}")
        audit.record(session, actor, "caseload.goal", entity="care_plan_goal", entity_id=goal.id,
                     summary=f"goal updated ({status})")
        return Saved(goal.id, goal.version)


@requires(CASELOAD_WRITE)
def add_action(db: Database, actor: Actor, goal_id: int, *, description: str, who: str | None = None,
               due_on: date | None = None) -> Saved:
    description = require_text(description, "The action", MAX_TEXT)
    with saving("action"), db.transaction() as session:
        goal = session.get(CarePlanGoal, goal_id)
        if goal is None:
            raise InvalidInput(f"There is no goal {goal_id}")
        load_episode(session, goal.episode_id, must_be_open=True)
        if due_on is not None and due_on < goal.set_on:
            raise InvalidInput("The action is due before its goal was set; dates cannot run backwards")
        action = CarePlanAction(goal_id=goal_id, description=description,
                                who=(who or "").strip()[:200] or None, due_on=due_on,
                                status="planned", updated_by=actor.name)
        session.add(action)
        session.flush()
        log_change(session, actor, goal.episode_id, "action", f"Action added: {description[:80]}")
        audit.record(session, actor, "caseload.action", entity="care_plan_action", entity_id=action.id,
                     summary=f"action added to goal {goal_id}")
        return Saved(action.id, action.version)


@requires(CASELOAD_WRITE)
def set_action_status(db: Database, actor: Actor, action_id: int, status: str, *,
                      expected_version: int | None = None) -> Saved:
    require_key(rules.ACTION_STATUSES, status, "action status")
    with saving("action"), db.transaction() as session:
        action = session.get(CarePlanAction, action_id)
        if action is None:
            raise InvalidInput(f"There is no action {action_id}")
        check_version(session, action, expected_version)
        goal = session.get(CarePlanGoal, action.goal_id)
        load_episode(session, goal.episode_id, must_be_open=True)
        action.status = status
        touch(action, actor)
        session.flush()
        log_change(session, actor, goal.episode_id, "action",
                   f"Action {action.description[:60]!r}: {rules.label(rules.ACTION_STATUSES, status)}")
        audit.record(session, actor, "caseload.action", entity="care_plan_action", entity_id=action.id,
                     summary=f"action {status}")
        return Saved(action.id, action.version)


@requires(CASELOAD_WRITE)
def add_flag(db: Database, actor: Actor, patient_id: int, *, kind: str, description: str,
             raised_on: date | None = None) -> Saved:
    """Record a risk or safeguarding concern; it shows on the banner until it is ended."""
    require_key(rules.FLAG_KINDS, kind, "flag kind")
    description = require_text(description, "The concern", 500)
    raised_on = raised_on or today()
    if raised_on > today():
        raise InvalidInput(f"The date {raised_on:%d-%b-%Y} is in the future")
    with saving("flag"), db.transaction() as session:
        load_patient(session, patient_id)
        flag = PersonFlag(patient_id=patient_id, kind=kind, description=description,
                          raised_on=raised_on, recorded_by=actor.name, updated_by=actor.name)
        session.add(flag)
        session.flush()
        audit.record(session, actor, "caseload.flag", entity="person_flag", entity_id=flag.id,
                     summary=f"{kind} flag raised for patient {patient_id}")
        return Saved(flag.id, flag.version)


@requires(CASELOAD_WRITE)
def end_flag(db: Database, actor: Actor, flag_id: int, ended_on: date | None = None, *,
             expected_version: int | None = None) -> Saved:
    ended_on = ended_on or today()
    with saving("flag"), db.transaction() as session:
        flag = session.get(PersonFlag, flag_id)
        if flag is None:
            raise InvalidInput(f"There is no flag {flag_id}")
        check_version(session, flag, expected_version)
        if ended_on < flag.raised_on:
            raise InvalidInput(f"The end date {ended_on:%d-%b-%Y} is before the flag was raised "
                               f"({flag.raised_on:%d-%b-%Y}); dates cannot run backwards")
        if ended_on > today():
            raise InvalidInput(f"The end date {ended_on:%d-%b-%Y} is in the future")
        flag.ended_on = ended_on
        touch(flag, actor)
        session.flush()
        audit.record(session, actor, "caseload.flag", entity="person_flag", entity_id=flag.id,
                     summary="flag ended")
        return Saved(flag.id, flag.version)
