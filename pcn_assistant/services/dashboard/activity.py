"""Activity: contacts, caseload sizes against the guidance, time to first contact, overdue reviews."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pcn_assistant.core.caseload import GUIDANCE_PER_YEAR, UNSUCCESSFUL
from pcn_assistant.core.plain_names import plural
from pcn_assistant.services.caseload.coordinators import display_names
from pcn_assistant.services.dashboard.model import BAR, LINE, DashSection, DashTable
from pcn_assistant.services.dashboard.scope import Scope
from pcn_assistant.services.dashboard.sql import date_of
from pcn_assistant.store.models import Patient
from pcn_assistant.store.models.caseload import CLOSED, Episode, EpisodeContact


def build(session: Session, scope: Scope) -> DashSection:
    section = DashSection("activity", "Activity", "What is the team doing, and is the load fair?")
    weekly = _contacts_per_week(session, scope)
    coordinators = _coordinators(session, scope)
    section.tables += [weekly, coordinators]
    days = _days_to_first_contact(session, scope)
    overdue = sum(int(r[coordinators.columns.index("Overdue reviews")]) for r in coordinators.rows)
    total_contacts = sum(int(r[1]) for r in weekly.rows)
    section.headlines += [
        f"{plural(total_contacts, 'contact')} in the period ({total_contacts / max(len(weekly.rows), 1):.1f} a week).",
        (f"Median {days[0]:g} days from referral to first contact ({plural(days[1], 'episode')})."
         if days[0] is not None else "No episodes with a first contact in the period."),
        f"{plural(overdue, 'open episode')} {'is' if overdue == 1 else 'are'} past "
        f"{'its' if overdue == 1 else 'their'} review date.",
    ]
    low, high = GUIDANCE_PER_YEAR
    section.method_notes += [
        f"People supported per year: distinct people with an episode open during the period, scaled "
        f"to 12 months, against the guidance of {low}-{high} people a year per link worker.",
        "Contacts exclude unsuccessful attempts. Days to first contact run from the referral date to "
        "the date the episode was first marked contacted, for episodes referred in the period.",
    ]
    return section


def _contacts_per_week(session: Session, scope: Scope) -> DashTable:
    day = date_of(EpisodeContact.contact_at)
    stmt = (
        select(day, func.count())
        .join(Episode, Episode.id == EpisodeContact.episode_id)
        .join(Patient, Patient.id == Episode.patient_id)
        .where(EpisodeContact.contact_type != UNSUCCESSFUL, day.between(scope.period.start, scope.period.end),
               *scope.patients())
        .group_by(day)
    )
    by_week: dict[date, int] = defaultdict(int)
    for contact_day, count in session.execute(stmt):
        contact_day = contact_day if isinstance(contact_day, date) else date.fromisoformat(str(contact_day))
        by_week[contact_day - timedelta(days=contact_day.weekday())] += count
    first = scope.period.start - timedelta(days=scope.period.start.weekday())
    rows, week = [], first
    while week <= scope.period.end:
        rows.append([week.isoformat(), by_week.get(week, 0)])
        week += timedelta(days=7)
    return DashTable("contacts_per_week", "Contacts per week (week starting Monday)", ["Week", "Contacts"],
                     rows, chart=LINE, value_columns=["Contacts"],
                     suppress_columns=["Contacts"] if scope.below_pcn else [])


def _coordinators(session: Session, scope: Scope) -> DashTable:
    in_scope = [*scope.patients()]
    people = dict(session.execute(
        select(Episode.coordinator, func.count(func.distinct(Episode.patient_id)))
        .join(Patient, Patient.id == Episode.patient_id)
        .where(scope.episodes_open_during(), *in_scope).group_by(Episode.coordinator)).all())
    open_now = dict(session.execute(
        select(Episode.coordinator, func.count()).join(Patient, Patient.id == Episode.patient_id)
        .where(Episode.status != CLOSED, *in_scope).group_by(Episode.coordinator)).all())
    overdue = dict(session.execute(
        select(Episode.coordinator, func.count()).join(Patient, Patient.id == Episode.patient_id)
        .where(Episode.status != CLOSED, Episode.next_review_on < scope.today, *in_scope)
        .group_by(Episode.coordinator)).all())
    contacts = dict(session.execute(
        select(EpisodeContact.recorded_by, func.count())
        .join(Episode, Episode.id == EpisodeContact.episode_id).join(Patient, Patient.id == Episode.patient_id)
        .where(EpisodeContact.contact_type != UNSUCCESSFUL,
               date_of(EpisodeContact.contact_at).between(scope.period.start, scope.period.end), *in_scope)
        .group_by(EpisodeContact.recorded_by)).all())
    low, high = GUIDANCE_PER_YEAR
    scale = 365.0 / scope.period.days
    rows = []
    logins = set(people) | set(open_now) | set(contacts)
    names = display_names(session, logins)  # "Sam Okafor" in the table and chart, not "sam"
    for name in sorted(logins, key=lambda login: names[login].lower()):
        per_year = round(people.get(name, 0) * scale)
        verdict = "below guidance" if per_year < low else "above guidance" if per_year > high else "within guidance"
        rows.append([names[name], people.get(name, 0), per_year, verdict, open_now.get(name, 0),
                     contacts.get(name, 0), overdue.get(name, 0)])
    return DashTable("coordinators", "Caseload and contacts per coordinator",
                     ["Coordinator", "People supported", "People per year", f"Against {low}-{high} a year",
                      "Open episodes", "Contacts", "Overdue reviews"], rows, chart=BAR,
                     value_columns=["People per year", "Open episodes", "Overdue reviews"],
                     brief_columns=["Coordinator", "People per year", f"Against {low}-{high} a year",
                                    "Open episodes", "Contacts", "Overdue reviews"])


def _days_to_first_contact(session: Session, scope: Scope) -> tuple[float | None, int]:
    pairs = session.execute(
        select(Episode.referred_on, Episode.contacted_on).join(Patient, Patient.id == Episode.patient_id)
        .where(scope.episodes_started(), Episode.contacted_on.is_not(None), *scope.patients())).all()
    days = [(contacted - referred).days for referred, contacted in pairs]
    return (median(days) if days else None), len(days)
