"""The coordinator view, for supervision: each coordinator's open episodes, new episodes
this month, contacts per week, days from referral to first contact, and the people
supported over the last 12 months against the 200-250 a year guidance."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, inspect, or_, select

from pcn_assistant.core import caseload as rules
from pcn_assistant.services.caseload.common import today as clock_today
from pcn_assistant.services.security import CASELOAD_READ, LINK_WORKER, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import Episode, EpisodeContact

CONTACT_WEEKS = 4


@dataclass(frozen=True)
class CoordinatorStats:
    coordinator: str
    display_name: str
    open_episodes: int
    new_this_month: int
    contacts_per_week: float
    mean_days_to_first_contact: float | None
    median_days_to_first_contact: float | None
    people_last_12_months: int
    guidance: str  # below, within or above 200-250 a year

    def value(self, key: str) -> object:
        return getattr(self, key)


def _users(session) -> dict[str, tuple[str, str]]:  # noqa: ANN001
    """login -> (display name, role), when the users feature is installed."""
    try:
        from pcn_assistant.store.models.users import User
    except ImportError:
        return {}
    if not inspect(session.connection()).has_table(User.__tablename__):
        return {}
    rows = session.execute(select(User.login, User.display_name, User.role, User.disabled)).all()
    return {login: (name, role) for login, name, role, disabled in rows if not disabled}


def display_names(session, logins) -> dict[str, str]:  # noqa: ANN001
    """login -> display name for the given logins (the login itself when there is no user).
    Disabled users keep their names: a history still shows who did what."""
    try:
        from pcn_assistant.store.models.users import User
    except ImportError:
        return {login: login for login in logins if login}
    wanted = [login for login in logins if login]
    if not wanted or not inspect(session.connection()).has_table(User.__tablename__):
        return {login: login for login in wanted}
    found = dict(session.execute(select(User.login, User.display_name).where(User.login.in_(wanted))).all())
    return {login: found.get(login) or login for login in wanted}


@requires(CASELOAD_READ)
def coordinator_names(db: Database, actor: Actor) -> list[tuple[str, str]]:
    """(login, display name) of everyone who can hold a caseload or holds one now."""
    with db.session() as session:
        users = _users(session)
        holding = set(session.execute(
            select(Episode.coordinator).where(Episode.status != rules.CLOSED).distinct()).scalars())
    logins = holding | {login for login, (_name, role) in users.items() if role == LINK_WORKER}
    return sorted(((login, users.get(login, (login, ""))[0]) for login in logins),
                  key=lambda pair: pair[1].lower())


@requires(CASELOAD_READ)
def coordinator_view(db: Database, actor: Actor, *, today: date | None = None) -> list[CoordinatorStats]:
    today = today or clock_today()
    month_start = today.replace(day=1)
    year_ago = today - timedelta(days=365)
    weeks_ago = datetime.combine(today - timedelta(weeks=CONTACT_WEEKS), time())
    tomorrow = datetime.combine(today + timedelta(days=1), time())
    with db.session() as session:
        users = _users(session)
        open_counts = dict(session.execute(
            select(Episode.coordinator, func.count()).where(Episode.status != rules.CLOSED)
            .group_by(Episode.coordinator)).all())
        new_counts = dict(session.execute(
            select(Episode.coordinator, func.count()).where(Episode.referred_on >= month_start)
            .group_by(Episode.coordinator)).all())
        people = dict(session.execute(
            select(Episode.coordinator, func.count(func.distinct(Episode.patient_id)))
            .where(Episode.referred_on <= today,
                   or_(Episode.closed_on.is_(None), Episode.closed_on >= year_ago))
            .group_by(Episode.coordinator)).all())
        contacts = dict(session.execute(
            select(EpisodeContact.recorded_by, func.count())
            .where(EpisodeContact.contact_at >= weeks_ago,
                   EpisodeContact.contact_at < tomorrow,
                   EpisodeContact.contact_type != rules.UNSUCCESSFUL)
            .group_by(EpisodeContact.recorded_by)).all())
        waits: dict[str, list[int]] = {}
        for coordinator, referred, contacted in session.execute(
            select(Episode.coordinator, Episode.referred_on, Episode.contacted_on)
            .where(Episode.contacted_on.is_not(None), Episode.referred_on >= year_ago)
        ):
            waits.setdefault(coordinator, []).append((contacted - referred).days)
    logins = set(open_counts) | set(new_counts) | set(people) | {
        login for login, (_name, role) in users.items() if role == LINK_WORKER}
    result = []
    for login in logins:
        days = waits.get(login, [])
        supported = people.get(login, 0)
        result.append(CoordinatorStats(
            coordinator=login, display_name=users.get(login, (login, ""))[0],
            open_episodes=open_counts.get(login, 0), new_this_month=new_counts.get(login, 0),
            contacts_per_week=round(contacts.get(login, 0) / CONTACT_WEEKS, 1),
            mean_days_to_first_contact=round(statistics.fmean(days), 1) if days else None,
            median_days_to_first_contact=float(statistics.median(days)) if days else None,
            people_last_12_months=supported, guidance=rules.guidance_band(supported),
        ))
    return sorted(result, key=lambda s: s.display_name.lower())
