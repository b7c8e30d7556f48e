"""Activity: contacts, caseload sizes against the guidance, time to first contact, overdue reviews."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pcn_assistant.core.caseload import GUIDANCE_PER_YEAR, UNSUCCESSFUL
from pcn_assistant.core.disclosure import SUPPRESSED
from pcn_assistant.core.plain_names import plural_published
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
    median_days, episodes = _days_to_first_contact(session, scope)
    first = DashTable("first_contact", "Time from referral to first contact", ["Measure", "Episodes", "Median days"],
                      [["Referral to first contact", episodes, median_days]], chart=None,
                      suppress_columns=["Episodes"], derived={"Median days": "Episodes"})
    section.tables += [weekly, coordinators, first]
    weekly.add_total_row()
    coordinators.add_total_row()
    section.headlines = headlines(section)
    low, high = GUIDANCE_PER_YEAR
    section.method_notes += [
        f"People supported per year: distinct people with an episode open during the period, scaled "
        f"to 12 months, against the guidance of {low}-{high} people a year per link worker.",
        "Contacts exclude unsuccessful attempts. Days to first contact run from the referral date to "
        "the date the episode was first marked contacted, for episodes referred in the period.",
    ]
    return section


def headlines(section: DashSection) -> list[str]:
    """Sentences quoting the (protected) Total rows, never raw counts."""
    weekly, coordinators = section.table("contacts_per_week"), section.table("coordinators")
    contacts = weekly.rows[-1][1] if weekly.has_total_row else SUPPRESSED
    weeks = max(len(weekly.chart_rows()), 1)
    per_week = f" ({contacts / weeks:.1f} a week)" if isinstance(contacts, (int, float)) else ""
    overdue = coordinators.rows[-1][coordinators.columns.index("Overdue reviews")] if coordinators.rows else 0
    _label, episodes, median_days = section.table("first_contact").rows[0]
    if episodes == SUPPRESSED:
        first = "The time from referral to first contact is withheld: too few episodes to publish."
    elif median_days is None:
        first = "No episodes with a first contact in the period."
    else:
        first = (f"Median {median_days:g} days from referral to first contact "
                 f"({plural_published(episodes, 'episode')}).")
    verb = "is past its" if overdue == 1 else "are past their"
    return [f"{plural_published(contacts, 'contact')} in the period{per_week}.", first,
            f"{plural_published(overdue, 'open episode')} {verb} review date."]


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
                     suppress_columns=["Contacts"], column_total="contacts")


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
                     suppress_columns=["People supported", "Open episodes", "Contacts", "Overdue reviews"],
                     derived={"People per year": "People supported", f"Against {low}-{high} a year": "People supported"},
                     column_total="contacts",
                     brief_columns=["Coordinator", "People per year", f"Against {low}-{high} a year",
                                    "Open episodes", "Contacts", "Overdue reviews"])


def _days_to_first_contact(session: Session, scope: Scope) -> tuple[float | None, int]:
    pairs = session.execute(
        select(Episode.referred_on, Episode.contacted_on).join(Patient, Patient.id == Episode.patient_id)
        .where(scope.episodes_started(), Episode.contacted_on.is_not(None), *scope.patients())).all()
    days = [(contacted - referred).days for referred, contacted in pairs]
    return (median(days) if days else None), len(days)
