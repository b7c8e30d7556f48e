"""Demo part: a year of caseload work by three coordinators (Sam, Priya and Jo).

A few hundred episodes referred over the last 12 months, each run forward through
its statuses on a plausible timetable and cut off at ``ctx.today``: so there are
people just identified, some not reached in 5 working days, active plans with goals
and actions, stalled episodes with no contact for weeks, overdue reviews and tasks,
and closed episodes with every close reason. Everything is inserted in bulk.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
from sqlalchemy import insert, select

from pcn_assistant.core import caseload as rules
from pcn_assistant.services.caseload import risk_link
from pcn_assistant.services.caseload.common import bank_holidays
from pcn_assistant.services.demo import DemoContext
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
from pcn_assistant.store.models.patient import REGISTERED, Patient

# Login names; the users part gives them display names (Sam Okafor, Priya Shah, Jo Whitehead).
COORDINATORS = ("sam", "priya", "jo")
FIRST_NAMES = {"sam": "Sam", "priya": "Priya", "jo": "Jo"}
COORDINATOR_SHARE = (0.45, 0.33, 0.22)  # uneven on purpose: the coordinator view shows it
SOURCES = ("gp", "practice_nurse", "self", "hospital", "vcf", "social_care", "risk_list",
           "family_carer", "community_health")
SOURCE_SHARE = (0.38, 0.12, 0.08, 0.08, 0.07, 0.05, 0.14, 0.05, 0.03)
REASONS = ("loneliness", "debt", "housing", "mental_wellbeing", "physical_activity",
           "carer_support", "long_term_condition", "benefits", "bereavement", "frailty_falls")
REASON_SHARE = (0.2, 0.12, 0.09, 0.17, 0.1, 0.07, 0.08, 0.08, 0.04, 0.05)
CLOSE_REASONS = ("goals_met", "declined", "referred_on", "moved_away", "died")
CLOSE_SHARE = (0.6, 0.15, 0.15, 0.05, 0.05)
CONTACT_TYPES = ("phone", "face_to_face", "home_visit", "video", "text")
CONTACT_SHARE = (0.45, 0.25, 0.15, 0.05, 0.10)

WHAT_MATTERS = {
    "loneliness": "Getting out of the house and having people to talk to; I miss my friends from work.",
    "debt": "Not worrying about the bills every night, and keeping my home warm.",
    "housing": "A home that is dry and that I can manage the stairs in.",
    "mental_wellbeing": "Feeling more like myself again and sleeping better.",
    "physical_activity": "Being able to walk to the shops and the seafront without stopping.",
    "carer_support": "Some time for myself, and knowing Mum is safe when I am at work.",
    "long_term_condition": "Understanding my diabetes and not ending up in hospital again.",
    "benefits": "Getting the money I am entitled to so I can pay for my heating.",
    "bereavement": "Finding a way through since my husband died; keeping up with the garden he loved.",
    "frailty_falls": "Staying in my own home and not falling again.",
}
GOALS = {
    "loneliness": ("Go to the Tuesday lunch club", "Join the community choir"),
    "debt": ("Meet the debt adviser and agree a plan", "Apply for the Warm Home Discount"),
    "housing": ("Apply for a housing transfer", "Get a grab rail fitted by care and repair"),
    "mental_wellbeing": ("Try the talking therapies self-referral", "Walk with the wellbeing group"),
    "physical_activity": ("Walk to the seafront twice a week", "Start the chair-based exercise class"),
    "carer_support": ("Register as a carer with the practice", "Book a carers' break"),
    "long_term_condition": ("Attend the diabetes education course", "Join the breathe-easy group"),
    "benefits": ("Complete the Attendance Allowance claim", "Check Pension Credit eligibility"),
    "bereavement": ("Contact the bereavement support service", "Join the allotment group"),
    "frailty_falls": ("Have a falls assessment at home", "Do the strength and balance class"),
}
STRENGTHS = ("Close to my daughter, who visits at weekends.", "Good sense of humour; likes to chat.",
             "Used to be a keen gardener.", "Determined; manages my own medicines.",
             "Good neighbours who look out for me.")
NOTES = ("Talked through what matters; agreed next steps.", "Checked in; things are going well.",
         "Discussed the group; will try next week.", "Helped with the form over the phone.",
         "Went with them to the first session.", "Low mood this week; agreed a call on Friday.")
TASKS = ("Ring back about the form", "Check the group has a place", "Chase the housing officer",
         "Send the leaflet", "Confirm the lift to the lunch club")
FLAGS = (("risk", "Lives alone with memory problems: key safe, code held by daughter"),
         ("risk", "Dog in the house: ask for it to be shut away before a home visit"),
         ("safeguarding", "Possible financial abuse: raised with adult social care"),
         ("safeguarding", "Self-neglect concern: shared with the district nurses"))


def _at(day: date, rng: np.random.Generator) -> datetime:
    return datetime.combine(day, time(int(rng.integers(9, 17)), int(rng.choice([0, 15, 30, 45]))))


def _pick(rng: np.random.Generator, options: tuple, share: tuple) -> str:
    return str(rng.choice(options, p=np.array(share) / sum(share)))


def _candidates(ctx: DemoContext, rng: np.random.Generator, n: int) -> list[int]:
    """Registered adults, older, poorer and living alone more likely: who gets referred."""
    with ctx.db.session() as session:
        rows = session.execute(
            select(Patient.id, Patient.date_of_birth, Patient.imd_decile, Patient.lives_alone)
            .where(Patient.registration_status == REGISTERED)
            .where(Patient.date_of_birth <= ctx.today.replace(year=ctx.today.year - 18))
        ).all()
    if not rows:
        return []
    ids = np.array([r[0] for r in rows])
    age = np.array([(ctx.today - r[1]).days / 365.25 for r in rows])
    weight = 1 + 2 * (age >= 65) + 2 * (age >= 80) + np.array([(r[2] or 10) <= 2 for r in rows]) \
        + 2 * np.array([bool(r[3]) for r in rows])
    return [int(i) for i in rng.choice(ids, size=min(n, len(ids)), replace=False, p=weight / weight.sum())]


def _tier3_sample(ctx: DemoContext, rng: np.random.Generator, k: int) -> list[int]:
    """Up to ``k`` registered tier 3 people, when the risk part has stratified the demo."""
    if not risk_link.available():
        return []
    assessment = risk_link.risk_models().RiskAssessment
    with ctx.db.session() as session:
        ids = sorted(session.execute(
            select(assessment.patient_id).join(Patient, Patient.id == assessment.patient_id)
            .where(assessment.is_latest.is_(True), assessment.tier == risk_link.TIER3,
                   Patient.registration_status == REGISTERED)).scalars())
    if not ids:
        return []
    return [int(i) for i in rng.choice(ids, size=min(k, len(ids)), replace=False)]


def build(ctx: DemoContext) -> None:
    rng = ctx.rng("caseload")
    n = min(540, max(120, ctx.patients // 70))
    people = _candidates(ctx, rng, n)
    # Some of the caseload came from the risk-stratification list: tier 3 people.
    from_list = _tier3_sample(ctx, rng, n // 5)
    people = from_list + [p for p in people if p not in set(from_list)][: n - len(from_list)]
    holidays = bank_holidays()
    today = ctx.today
    episodes, contacts, changes, plans, goals, actions, tasks, flags = ([] for _ in range(8))
    plan_goals: list[tuple[int, list[dict]]] = []  # episode index -> its goals (ids come later)
    for index, patient_id in enumerate(people):
        # About one person in twelve had an earlier episode that was closed.
        recent = rng.random() < 0.08  # a steady trickle of new referrals in the last 3 weeks
        referrals = [today - timedelta(days=int(rng.integers(0, 21 if recent else 365)))]
        if index % 12 == 0 and referrals[0] > today - timedelta(days=200):
            earlier = referrals[0] - timedelta(days=int(rng.integers(120, 200)))
            referrals.insert(0, max(earlier, today - timedelta(days=364)))
        for number, referred in enumerate(referrals):
            close_by = referrals[number + 1] - timedelta(days=1) if number < len(referrals) - 1 else None
            e = _episode(rng, patient_id, referred, today, holidays, close_by)
            if patient_id in from_list and close_by is None:
                e["referral_source"] = "risk_list"
            episodes.append(e)
            ep = len(episodes) - 1
            contacts += [dict(c, episode_index=ep) for c in e.pop("_contacts")]
            changes += [dict(c, episode_index=ep) for c in e.pop("_changes")]
            if e["assessed_on"] is not None:
                reason = e["referral_reasons"][0]
                plans.append({"episode_index": ep, "what_matters": WHAT_MATTERS[reason],
                              "strengths": str(rng.choice(STRENGTHS)),
                              "needs": rules.label(rules.REFERRAL_REASONS, reason),
                              "agreed_with_person": True, "agreed_on": e["assessed_on"]})
                plan_goals.append((ep, _goals(rng, e, reason, today)))
            if e["status"] != rules.CLOSED and rng.random() < 0.35:
                due = today + timedelta(days=int(rng.integers(-10, 10)))
                tasks.append({"episode_index": ep, "assignee": e["coordinator"],
                              "title": str(rng.choice(TASKS)), "due_on": max(due, referred),
                              "created_by": e["coordinator"]})
        if rng.random() < 0.06:
            kind, text = FLAGS[int(rng.integers(0, len(FLAGS)))]
            flags.append({"patient_id": patient_id, "kind": kind, "description": text,
                          "raised_on": referrals[-1], "recorded_by": "sam", "updated_by": "sam"})
    # Every close reason appears at least once, however small the demo.
    closed = [e for e in episodes if e["status"] == rules.CLOSED and e["close_reason"] != "could_not_contact"]
    for episode, reason in zip(closed[::7], CLOSE_REASONS[1:], strict=False):
        episode["close_reason"] = reason
    _insert(ctx, episodes, contacts, changes, plans, plan_goals, tasks, flags)


def _episode(rng: np.random.Generator, patient_id: int, referred: date, today: date,
             holidays: frozenset[date], close_by: date | None) -> dict:
    coordinator = _pick(rng, COORDINATORS, COORDINATOR_SHARE)
    k = 1 + int(rng.random() < 0.5) + int(rng.random() < 0.2)
    reasons = list(dict.fromkeys(_pick(rng, REASONS, REASON_SHARE) for _ in range(k)))
    e = {"patient_id": patient_id, "coordinator": coordinator, "referral_source": _pick(rng, SOURCES, SOURCE_SHARE),
         "referral_reasons": reasons, "referred_on": referred, "identified_on": referred,
         "status": rules.IDENTIFIED, "contacted_on": None, "assessed_on": None, "active_on": None,
         "closed_on": None, "close_reason": None, "next_review_on": None, "last_contact_on": None,
         "contact_count": 0, "created_by": coordinator, "updated_by": coordinator, "version": 1}
    changes = [{"occurred_at": _at(referred, rng), "user_name": coordinator, "what": "created",
                "detail": f"Referred on {referred:%d-%b-%Y}; assigned to {coordinator}"}]
    contacts: list[dict] = []
    # Most people are reached within 5 working days; some take longer; some never answer.
    unreachable = rng.random() < 0.08
    attempts = int(rng.integers(0, 3)) if not unreachable else 3
    day = referred
    for _ in range(attempts):
        day = rules.add_working_days(day, int(rng.integers(1, 3)), holidays)
        if day > today:
            break
        contacts.append({"contact_at": _at(day, rng), "contact_type": rules.UNSUCCESSFUL,
                         "duration_minutes": 2, "note": "No answer; left a message.", "recorded_by": coordinator})
    timeline: list[tuple[str, date]] = []
    if unreachable:
        timeline.append((rules.CLOSED, rules.add_working_days(day, 2, holidays)))
        e["close_reason"] = "could_not_contact"
    else:
        slow = rng.random() < 0.2
        first = rules.add_working_days(day, int(rng.integers(6, 12) if slow else rng.integers(1, 4)), holidays)
        assessed = first + timedelta(days=int(rng.integers(5, 21)))
        active = assessed + timedelta(days=int(rng.integers(5, 15)))
        closed = active + timedelta(days=int(rng.integers(60, 200)))
        timeline += [(rules.CONTACTED, first), (rules.ASSESSED, assessed), (rules.ACTIVE, active),
                     (rules.CLOSED, closed)]
        e["close_reason"] = _pick(rng, CLOSE_REASONS, CLOSE_SHARE)
    if close_by is not None:  # an earlier episode: closed before the next referral
        kept = [(s, d) for s, d in timeline if s != rules.CLOSED and d < close_by]
        last = kept[-1][1] if kept else referred
        timeline = [*kept, (rules.CLOSED, max(last, min(timeline[-1][1], close_by)))]
    status_key = {rules.CONTACTED: "contacted_on", rules.ASSESSED: "assessed_on",
                  rules.ACTIVE: "active_on", rules.CLOSED: "closed_on"}
    previous = rules.IDENTIFIED
    for status, when in timeline:
        if when > today:
            break
        e["status"] = status
        e[status_key[status]] = when
        changes.append({"occurred_at": _at(when, rng), "user_name": coordinator, "what": "status",
                        "detail": f"{rules.label(rules.STATUSES, previous)} → {rules.label(rules.STATUSES, status)} "
                                  f"on {when:%d-%b-%Y}"})
        previous = status
    if e["status"] != rules.CLOSED:
        e["close_reason"] = None
    contacts += _successful_contacts(rng, e, today, coordinator)
    good = [c["contact_at"].date() for c in contacts if c["contact_type"] != rules.UNSUCCESSFUL]
    e["last_contact_on"] = max(good) if good else None
    e["contact_count"] = len(good)
    if e["status"] != rules.CLOSED and e["status"] != rules.IDENTIFIED:
        e["next_review_on"] = today + timedelta(days=int(rng.choice(
            [-21, -9, -3, 0, 3, 5, 7, 10, 14, 14, 21, 21, 28, 28, 35, 42])))
    e["_contacts"], e["_changes"] = contacts, changes
    return e


def _successful_contacts(rng: np.random.Generator, e: dict, today: date, coordinator: str) -> list[dict]:
    if e["contacted_on"] is None:
        return []
    start = e["contacted_on"]
    end = e["closed_on"] or today
    if e["status"] != rules.CLOSED and rng.random() < 0.15:
        end = max(start, today - timedelta(days=int(rng.integers(30, 60))))  # a stalled episode
    span = max((end - start).days, 0)
    count = 1 + min(int(rng.integers(5, 12)), span // 7)
    days = sorted({start, *(start + timedelta(days=int(d)) for d in rng.integers(0, span + 1, count - 1))})
    return [{"contact_at": _at(day, rng), "contact_type": _pick(rng, CONTACT_TYPES, CONTACT_SHARE),
             "duration_minutes": int(rng.choice([10, 15, 20, 30, 45, 60])), "note": str(rng.choice(NOTES)),
             "recorded_by": coordinator} for day in days if day <= today]


def _goals(rng: np.random.Generator, e: dict, reason: str, today: date) -> list[dict]:
    closed = e["status"] == rules.CLOSED
    result = []
    for text in GOALS[reason][: 1 + int(rng.random() < 0.6)]:
        set_on = e["assessed_on"]
        if closed:
            status = _pick(rng, ("achieved", "partly_achieved", "not_achieved"), (0.6, 0.25, 0.15))
            review = min(set_on + timedelta(days=28), e["closed_on"])
        else:
            status = _pick(rng, ("not_started", "in_progress", "achieved"), (0.3, 0.55, 0.15))
            review = max(set_on, today + timedelta(days=int(rng.choice(
                [-14, -5, 0, 7, 14, 14, 21, 28, 28, 42, 56, 56]))))
        result.append({"description": text, "need": rules.label(rules.REFERRAL_REASONS, reason),
                       "importance": int(rng.integers(5, 11)), "status": status, "set_on": set_on,
                       "review_on": review, "status_on": set_on, "updated_by": e["coordinator"],
                       "_actions": [{"description": "Find the details and call together",
                                     "who": f"{FIRST_NAMES[e['coordinator']]} and the person",
                                     "due_on": set_on + timedelta(days=7),
                                     "status": "done" if status != "not_started" else "planned",
                                     "updated_by": e["coordinator"]}]})
    return result


def _insert(ctx: DemoContext, episodes: list[dict], contacts: list[dict], changes: list[dict],
            plans: list[dict], plan_goals: list[tuple[int, list[dict]]], tasks: list[dict],
            flags: list[dict]) -> None:
    if not episodes:
        return
    with ctx.db.transaction() as session:
        ids = list(session.scalars(insert(Episode).returning(Episode.id, sort_by_parameter_order=True), episodes))

        def resolve(rows: list[dict]) -> list[dict]:
            return [{**{k: v for k, v in r.items() if k != "episode_index"}, "episode_id": ids[r["episode_index"]]}
                    for r in rows]

        session.execute(insert(EpisodeContact), resolve(contacts))
        session.execute(insert(EpisodeChange), resolve(changes))
        if plans:
            session.execute(insert(CarePlan), [dict(r, version=1, updated_by="sam") for r in resolve(plans)])
        goal_rows = [{**{k: v for k, v in g.items() if k != "_actions"}, "episode_id": ids[ep], "version": 1}
                     for ep, goals in plan_goals for g in goals]
        if goal_rows:
            goal_ids = list(session.scalars(
                insert(CarePlanGoal).returning(CarePlanGoal.id, sort_by_parameter_order=True), goal_rows))
            flat = [g for _ep, goals in plan_goals for g in goals]
            session.execute(insert(CarePlanAction), [dict(a, goal_id=gid, version=1)
                                                     for gid, g in zip(goal_ids, flat, strict=True)
                                                     for a in g["_actions"]])
        if tasks:
            session.execute(insert(CaseloadTask), [dict(r, version=1, updated_by=r["assignee"]) for r in resolve(tasks)])
        if flags:
            session.execute(insert(PersonFlag), [dict(f, version=1) for f in flags])
