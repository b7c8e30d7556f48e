"""Referral into the service (PRSB "referral details"): who referred, their role,
organisation and contact, why, and where the response goes back to; and the message
back to a referrer who is not the GP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from pcn_assistant.core import caseload as rules
from pcn_assistant.core import clock
from pcn_assistant.core import person_record as vocab
from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.caseload.common import (
    check_version,
    load_episode,
    log_change,
    saving,
    touch,
)
from pcn_assistant.services.caseload.plans import editable_goal
from pcn_assistant.services.patients import display_name
from pcn_assistant.services.person_record._common import key, score, short
from pcn_assistant.services.reports import ReportDocument
from pcn_assistant.services.security import (
    CASE_NOTES_READ,
    CASELOAD_READ,
    CASELOAD_WRITE,
    Actor,
    requires,
)
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import CarePlan, CarePlanGoal
from pcn_assistant.store.models.organisation import Pcn
from pcn_assistant.store.models.patient import Patient
from pcn_assistant.store.models.referrals import Referral


@dataclass(frozen=True)
class Referrer:
    """PRSB "referrer details": name, service, organisation and contact are mandatory."""

    name: str
    role: str
    organisation: str
    contact: str
    return_response_to: str = "gp"  # gp, referrer or both
    service: str = ""  # the team or service within the organisation


@requires(CASELOAD_WRITE)
def set_referrer(db: Database, actor: Actor, episode_id: int, referrer: Referrer, *,
                 expected_version: int | None = None) -> int:
    """Record who referred the person in and where the response goes; returns the new version.

    The PRSB standard makes the referrer's name, service, organisation and contact details
    mandatory; the role is asked for but optional.
    """
    name = short(referrer.name, "The referrer's name", 200)
    role = short(referrer.role, "The referrer's role", 100)
    organisation = short(referrer.organisation, "The referrer's organisation", 200)
    service = short(referrer.service, "The referrer's service or team", 200)
    contact = short(referrer.contact, "The referrer's contact", 200)
    response = key(vocab.RETURN_RESPONSE_TO, referrer.return_response_to, "Return response to", optional=False)
    for value, what in ((name, "name"), (organisation, "organisation"), (service, "service or team"),
                        (contact, "phone or email")):
        if not value:
            raise InvalidInput(f"The referrer's {what} is required")
    with saving("episode"), db.transaction() as session:
        episode = load_episode(session, episode_id, expected_version)
        episode.referrer_name, episode.referrer_role = name, role
        episode.referrer_organisation, episode.referrer_contact = organisation, contact
        episode.referrer_service = service
        episode.return_response_to = response
        touch(episode, actor)
        session.flush()
        log_change(session, actor, episode_id, "referrer",
                   f"Referrer: {', '.join(p for p in (role, service, organisation) if p)}")
        audit.record(session, actor, "episode.referrer", entity="episode", entity_id=episode_id,
                     summary="referrer details recorded")
        return episode.version


@requires(CASE_NOTES_READ)
def referrer_message(db: Database, actor: Actor, episode_id: int, *, today: date | None = None) -> ReportDocument:
    """A short letter back to the person who referred them (not the GP): what happened.

    It carries less than the GP message: no NHS number, no measures, no codes; goals and
    activities only by their plain description and status.
    """
    today = today or clock.today()
    with db.transaction() as session:
        episode = load_episode(session, episode_id)
        if episode.return_response_to not in ("referrer", "both"):
            raise InvalidInput("This referral's response goes to the GP only; record the referrer's details "
                               "and choose 'the referrer' first")
        patient = session.get(Patient, episode.patient_id)
        plan = session.execute(select(CarePlan).where(CarePlan.episode_id == episode_id)).scalar_one_or_none()
        goals = session.execute(select(CarePlanGoal).where(CarePlanGoal.episode_id == episode_id)
                                .order_by(CarePlanGoal.set_on)).scalars().all()
        referrals = session.execute(select(Referral).where(Referral.episode_id == episode_id)
                                    .order_by(Referral.created_on)).scalars().all()
        pcn = session.execute(select(Pcn.name).limit(1)).scalar() or "Social prescribing team"
        doc = ReportDocument(title="Social prescribing: response to your referral",
                             subtitle="To " + ", ".join(p for p in (
                                 episode.referrer_name, episode.referrer_role, episode.referrer_service,
                                 episode.referrer_organisation) if p), made_on=today)
        doc.section("About").pairs(
            ("Person", display_name(patient.given_name, patient.family_name)),
            ("Referred on", f"{episode.referred_on:%d %b %Y}"),
            ("Where things are", rules.label(rules.STATUSES, episode.status)
             + (f" ({rules.label(rules.CLOSE_REASONS, episode.close_reason)})" if episode.close_reason else "")),
        )
        doc.section("What matters to them").paragraph(
            plan.what_matters if plan and plan.what_matters else "Not recorded yet.")
        doc.section("Goals").table(["Goal", "Status"], [
            (g.description, rules.label(rules.GOAL_STATUSES, g.status)) for g in goals], widths=(75, 25))
        doc.section("Activities").table(["Need", "Status"], [
            (r.category.replace("_", " ").capitalize(), life.label(r.status)) for r in referrals], widths=(60, 40))
        doc.footer = f"From {pcn} social prescribing. Please keep this with the person's record."
        audit.record(session, actor, "episode.referrer_message", entity="episode", entity_id=episode_id,
                     summary="message to referrer produced")
    return doc


@dataclass(frozen=True)
class PlanAgreement:
    agreed_by_name: str
    agreed_by_role: str
    agreed_on: date
    reviewer: str
    review_on: date


@requires(CASELOAD_WRITE)
def agree_plan(db: Database, actor: Actor, episode_id: int, agreement: PlanAgreement, *,
               expected_version: int | None = None) -> int:
    """Record who agreed the care and support plan, when, who reviews it and when (PRSB)."""
    name = short(agreement.agreed_by_name, "Who agreed the plan", 200)
    role = short(agreement.agreed_by_role, "Their role", 100)
    reviewer = short(agreement.reviewer, "Who reviews the plan", 200)
    if not (name and role and reviewer):
        raise InvalidInput("Say who agreed the plan (name and role) and who will review it")
    if agreement.agreed_on > clock.today():
        raise InvalidInput("The plan cannot be agreed in the future")
    if agreement.review_on <= agreement.agreed_on:
        raise InvalidInput("The review date must be after the date the plan was agreed")
    with saving("plan"), db.transaction() as session:
        load_episode(session, episode_id, must_be_open=True)
        plan = session.execute(select(CarePlan).where(CarePlan.episode_id == episode_id)).scalar_one_or_none()
        if plan is None:
            raise InvalidInput("Write the plan (what matters, strengths, needs) before recording its agreement")
        check_version(session, plan, expected_version)
        plan.agreed_with_person = True
        plan.agreed_by_name, plan.agreed_by_role = name, role
        plan.agreed_on, plan.reviewer, plan.review_on = agreement.agreed_on, reviewer, agreement.review_on
        touch(plan, actor)
        session.flush()
        log_change(session, actor, episode_id, "plan",
                   f"Plan agreed by {name} ({role}) on {agreement.agreed_on:%d-%b-%Y}; review "
                   f"{agreement.review_on:%d-%b-%Y} by {reviewer}")
        audit.record(session, actor, "caseload.plan_agreed", entity="care_plan", entity_id=plan.id,
                     summary=f"plan agreed for episode {episode_id}")
        return plan.version


@requires(CASELOAD_WRITE)
def review_goal(db: Database, actor: Actor, goal_id: int, *, confidence: int | None, outcome: str | None,
                expected_version: int | None = None) -> int:
    """Record the person's confidence (0-10) in a goal and, at review, its outcome."""
    score(confidence, "Confidence")
    key(vocab.REVIEW_OUTCOMES, outcome, "The outcome at review")
    with saving("goal"), db.transaction() as session:
        goal = editable_goal(session, goal_id, expected_version)
        goal.confidence = confidence
        if outcome and outcome != goal.review_outcome:
            goal.review_outcome = outcome
            goal.status = {"achieved": "achieved", "partly": "partly_achieved", "not": "not_achieved"}.get(
                outcome, goal.status)
            goal.status_on = clock.today()
        touch(goal, actor)
        session.flush()
        detail = f"confidence {confidence}/10" if confidence is not None else "confidence cleared"
        if outcome:
            detail += f"; {vocab.REVIEW_OUTCOMES[outcome].lower()} at review"
        log_change(session, actor, goal.episode_id, "goal", f"Goal {goal.description[:50]!r}: {detail}")
        audit.record(session, actor, "caseload.goal_review", entity="care_plan_goal", entity_id=goal.id,
                     summary=detail)
        return goal.version


@dataclass(frozen=True)
class ReferralInView:
    referrer: Referrer | None
    agreement: PlanAgreement | None
    plan_version: int | None
    episode_version: int


@requires(CASELOAD_READ)
def referral_in_view(db: Database, actor: Actor, episode_id: int) -> ReferralInView:
    """The referrer and the plan's agreement, for the person record's "About me" tab."""
    with db.session() as session:
        episode = load_episode(session, episode_id)
        referrer = None
        if episode.referrer_role or episode.referrer_organisation:
            referrer = Referrer(episode.referrer_name or "", episode.referrer_role or "",
                                episode.referrer_organisation or "", episode.referrer_contact or "",
                                episode.return_response_to or "gp", episode.referrer_service or "")
        plan = session.execute(select(CarePlan).where(CarePlan.episode_id == episode_id)).scalar_one_or_none()
        agreement = None
        if plan is not None and plan.agreed_by_name and plan.agreed_on and plan.review_on:
            agreement = PlanAgreement(plan.agreed_by_name, plan.agreed_by_role or "", plan.agreed_on,
                                      plan.reviewer or "", plan.review_on)
        return ReferralInView(referrer, agreement, plan.version if plan else None, episode.version)
