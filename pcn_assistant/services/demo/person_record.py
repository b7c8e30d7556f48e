"""Demo part "person_record": the PRSB parts of each person's record, so every screen of
"About me", "Appointments" and "My day" has something real-looking to show.

Runs after the caseload and referrals parts. For each episode: consent to the service
(and to share with each provider a referral shared details with, a few later withdrawn);
for some people individual requirements, circumstances, signposting, a home-visit risk
assessment, a safeguarding concern, the referrer's details and the plan's agreement; for
open episodes the next appointment (the coming fortnight) and the last one attended;
loneliness measures for people referred for loneliness. Dated relative to the demo day.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import numpy as np
from sqlalchemy import select

from pcn_assistant.core import outcome_scales as scales
from pcn_assistant.services.demo import DemoContext
from pcn_assistant.store.models.caseload import CarePlan, CarePlanGoal, Episode, PersonFlag
from pcn_assistant.store.models.directory import DirectoryService
from pcn_assistant.store.models.patient import Patient
from pcn_assistant.store.models.person_record import (
    Appointment,
    ConsentEvent,
    HomeVisitRisk,
    IndividualRequirements,
    Signposting,
    SocialContext,
)
from pcn_assistant.store.models.referrals import OutcomeMeasure, Referral
from pcn_assistant.store.models.users import User

REQUIREMENTS = (
    {"communication_needs": "Large print (18 point)", "contact_method": "phone"},
    {"communication_needs": "Hard of hearing: face the person, speak clearly", "contact_method": "text",
     "reasonable_adjustments": "Quiet room"},
    {"interpreter_needed": True, "language": "Polish", "contact_method": "phone", "contact_times": "After 2pm"},
    {"interpreter_needed": True, "language": "Urdu", "preferred_name": "Bibi"},
    {"communication_needs": "Easy read", "reasonable_adjustments": "Longer appointment, carer present"},
    {"preferred_name": "Jack", "pronouns": "he/him", "contact_method": "email", "contact_times": "Weekday mornings"},
    {"communication_needs": "Registered blind: phone, not letters", "contact_method": "phone"},
)
SIGNPOSTS = (
    ("money", "Citizens Advice: drop-in times and phone number"),
    ("carers", "Carers' centre leaflet and helpline"),
    ("physical_activity", "Leisure centre over-60s swim times"),
    ("food", "Community pantry opening hours"),
    ("arts", "Library reading group details"),
    ("befriending", "Age UK telephone friendship line"),
    ("housing", "Council housing options phone number"),
)
REFERRERS = {
    "hospital": ("Discharge coordinator", "Discharge team", "Bay General Hospital"),
    "community_health": ("District nurse", "District nursing", "Coastal Community Health"),
    "social_care": ("Social worker", "Adult social care", "Saltmarsh Bay Council"),
    "vcf": ("Volunteer coordinator", "Befriending", "Bay Age Concern"),
    "family_carer": ("Daughter", "Family", "Family"),
    "other": ("Housing officer", "Tenancy support", "Saltmarsh Bay Homes"),
}
FIRST = ("Ann", "Raj", "Megan", "Tom", "Priti", "Gareth", "Helen", "Kwame")
SAFEGUARDING = (("financial", "Grandson may be taking money from her account"),
                ("self_neglect", "Home very cold; not eating well"),
                ("domestic", "Disclosed frightening arguments at home"))


def _when(rng: np.random.Generator, day: date) -> datetime:
    return datetime.combine(day, time(int(rng.integers(9, 16)), int(rng.choice((0, 15, 30, 45)))))


def _next_working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def build(ctx: DemoContext) -> None:
    rng = ctx.rng("person_record")
    today = ctx.today
    with ctx.db.transaction() as session:
        names = dict(session.execute(select(User.login, User.display_name)).all())
        episodes = session.execute(select(Episode, Patient).join(Patient, Patient.id == Episode.patient_id)
                                   .order_by(Episode.id)).all()
        shared = session.execute(select(Referral.patient_id, Referral.episode_id, Referral.created_on,
                                        DirectoryService.organisation_id)
                                 .join(DirectoryService, DirectoryService.id == Referral.service_id)
                                 .where(Referral.share_details.is_(True))).all()
        plans = {plan.episode_id: plan for plan in session.execute(select(CarePlan)).scalars()}
        goals = session.execute(select(CarePlanGoal)).scalars().all()
        rows: list = []
        seen: set[int] = set()
        booked: dict[tuple[str, date], int] = {}
        for episode, patient in episodes:
            first_time = patient.id not in seen
            seen.add(patient.id)
            worker = episode.coordinator
            start = episode.contacted_on or episode.referred_on
            rows.append(ConsentEvent(patient_id=patient.id, episode_id=episode.id, purpose="service",
                                     given_on=start, method="verbal", given_by="person",
                                     scope="Social prescribing support", recorded_by=worker,
                                     withdrawn_on=episode.closed_on if episode.close_reason == "declined" else None))
            if first_time:
                rows += _about(rng, patient, worker, today)
            if episode.referral_source in REFERRERS:
                role, service, organisation = REFERRERS[episode.referral_source]
                episode.referrer_service = service
                episode.referrer_name = episode.referrer_name or f"{rng.choice(FIRST)} {patient.family_name or ''}".strip()
                episode.referrer_role, episode.referrer_organisation = role, organisation
                episode.referrer_contact = "01632 960" + f"{int(rng.integers(100, 999))}"
                episode.return_response_to = "both" if rng.random() < 0.5 else "referrer"
            plan = plans.get(episode.id)
            if plan is not None and plan.agreed_on:
                plan.agreed_by_name = f"{patient.given_name} {patient.family_name}"
                plan.agreed_by_role = "The person"
                plan.reviewer = names.get(worker, worker)
                plan.review_on = plan.agreed_on + timedelta(days=42)
            low = episode.assessed_on or start
            high = episode.closed_on or today
            if rng.random() < 0.4 and high > low:
                for category, text in [SIGNPOSTS[int(i)] for i in rng.choice(len(SIGNPOSTS), 2, replace=False)][
                        : int(rng.integers(1, 3))]:
                    on = low + timedelta(days=int(rng.integers(0, (high - low).days + 1)))
                    rows.append(Signposting(patient_id=patient.id, episode_id=episode.id, description=text,
                                            category=category, signposted_on=on, recorded_by=worker))
            if episode.status != "closed":
                rows += _appointments(rng, patient.id, episode, today, booked)
            if "loneliness" in (episode.referral_reasons or []) and episode.assessed_on:
                rows += _loneliness(rng, patient.id, episode, today)
        for patient_id, episode_id, created_on, organisation_id in shared:
            withdrawn = created_on + timedelta(days=int(rng.integers(5, 40))) if rng.random() < 0.04 else None
            rows.append(ConsentEvent(patient_id=patient_id, episode_id=episode_id, purpose="share",
                                     organisation_id=organisation_id, given_on=created_on,
                                     method=str(rng.choice(("verbal", "written", "digital"), p=(0.7, 0.2, 0.1))),
                                     given_by="person", scope="Name, phone number and the reason for referral",
                                     recorded_by="sam", withdrawn_on=withdrawn if withdrawn and withdrawn <= today
                                     else None))
        for goal in goals:
            goal.confidence = int(rng.integers(3, 10))
            if goal.status in ("achieved", "partly_achieved", "not_achieved"):
                goal.review_outcome = {"achieved": "achieved", "partly_achieved": "partly",
                                       "not_achieved": "not"}[goal.status]
        session.add_all(rows)


def _about(rng: np.random.Generator, patient: Patient, worker: str, today: date) -> list:
    rows: list = []
    if rng.random() < 0.18:
        rows.append(IndividualRequirements(patient_id=patient.id, updated_by=worker,
                                           **REQUIREMENTS[int(rng.integers(0, len(REQUIREMENTS)))]))
    if rng.random() < 0.6:
        age = (today - patient.date_of_birth).days // 365
        employment = ("retired" if age >= 66 else
                      str(rng.choice(("employed", "unemployed", "unable_to_work", "carer"), p=(0.4, 0.2, 0.3, 0.1))))
        rows.append(SocialContext(
            patient_id=patient.id, lives_alone=bool(patient.lives_alone or rng.random() < 0.2),
            is_carer=bool(patient.is_carer), is_cared_for=bool(patient.has_carer),
            accommodation=str(rng.choice(("owner", "social_rent", "private_rent"), p=(0.55, 0.3, 0.15))),
            employment=employment, note="", codes=[], updated_by=worker))
    if rng.random() < 0.2:
        assessed = today - timedelta(days=int(rng.integers(0, 300)))
        risks = [str(r) for r in rng.choice(("animals", "isolated_location", "others_present", "environment"),
                                            size=int(rng.integers(0, 3)), replace=False)]
        rows.append(HomeVisitRisk(patient_id=patient.id, risks=risks, risk_detail="",
                                  lone_working_plan="Text the duty worker on arrival and when leaving; "
                                                    "call if not heard from within 90 minutes.",
                                  visit_in_pairs="others_present" in risks, assessed_on=assessed,
                                  review_by=assessed + timedelta(days=182), assessed_by=worker, updated_by=worker))
    if rng.random() < 0.02:
        category, text = SAFEGUARDING[int(rng.integers(0, len(SAFEGUARDING)))]
        rows.append(PersonFlag(patient_id=patient.id, kind="safeguarding", description=text,
                               raised_on=today - timedelta(days=int(rng.integers(5, 90))), recorded_by=worker,
                               updated_by=worker, category=category, informed="Practice safeguarding lead",
                               source="app"))
    return rows


def _free_slot(rng: np.random.Generator, worker: str, day: date, booked: dict) -> datetime:
    """Appointments on the hour or half hour, one worker never double-booked."""
    day = _next_working_day(day)
    slot = booked.get((worker, day), int(rng.integers(0, 4)))
    booked[(worker, day)] = slot + 1 + int(rng.integers(0, 2))
    return datetime.combine(day, time(9, 30)) + timedelta(minutes=60 * slot)


def _appointments(rng: np.random.Generator, patient_id: int, episode: Episode, today: date, booked: dict) -> list:
    rows = []
    if rng.random() < 0.7:
        kind = str(rng.choice(("phone", "face_to_face", "home_visit"), p=(0.5, 0.35, 0.15)))
        place = {"phone": "", "face_to_face": "Harbour View Surgery, room 4", "home_visit": "Home"}[kind]
        rows.append(Appointment(patient_id=patient_id, episode_id=episode.id, link_worker=episode.coordinator,
                                starts_at=_free_slot(rng, episode.coordinator,
                                                     today + timedelta(days=int(rng.integers(0, 12))), booked),
                                minutes=int(rng.choice((30, 45, 60))), kind=kind, place=place, note="",
                                status="booked", uid=f"{uuid.UUID(int=int(rng.integers(0, 2**62)))}@demo",
                                updated_by=episode.coordinator))
    if episode.last_contact_on and rng.random() < 0.5:
        rows.append(Appointment(patient_id=patient_id, episode_id=episode.id, link_worker=episode.coordinator,
                                starts_at=_when(rng, episode.last_contact_on), minutes=30, kind="phone", place="",
                                note="", status="attended",
                                uid=f"{uuid.UUID(int=int(rng.integers(0, 2**62)))}@demo",
                                updated_by=episode.coordinator))
    return rows


def _loneliness(rng: np.random.Generator, patient_id: int, episode: Episode, today: date) -> list:
    rows = []
    baseline_on = episode.assessed_on
    ucla = [int(v) for v in rng.integers(2, 4, size=3)]
    ons = int(rng.integers(1, 3))
    for scale, items in ((scales.UCLA3, ucla), (scales.ONS_LONELY, [ons])):
        rows.append(OutcomeMeasure(patient_id=patient_id, episode_id=episode.id, instrument=scale,
                                   timepoint="baseline", recorded_on=baseline_on, items=items, complete=True,
                                   score=scales.score(scale, items).score, recorded_by=episode.coordinator,
                                   updated_by=episode.coordinator))
    follow_on = baseline_on + timedelta(days=int(rng.integers(56, 120)))
    if follow_on <= min(today, episode.closed_on or today):
        better = [max(1, v - int(rng.choice((0, 1, 1, 2)))) for v in ucla]
        later = min(5, ons + int(rng.choice((0, 1, 1, 2))))
        for scale, items in ((scales.UCLA3, better), (scales.ONS_LONELY, [later])):
            rows.append(OutcomeMeasure(patient_id=patient_id, episode_id=episode.id, instrument=scale,
                                       timepoint="follow_up", recorded_on=follow_on, items=items, complete=True,
                                       score=scales.score(scale, items).score, recorded_by=episode.coordinator,
                                       updated_by=episode.coordinator))
    return rows
