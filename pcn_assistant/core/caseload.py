"""Caseload rules and vocabulary, free of Qt and the database.

The vocabularies follow the PRSB Social Prescribing Information Standard's referral,
contact and care-and-support-plan sections. Each is a tuple of (key, label): keys are
stored, labels are shown. The rules here (status order, date order, working days,
"three unsuccessful attempts") are what the caseload services enforce.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

IDENTIFIED, CONTACTED, ASSESSED, ACTIVE, CLOSED = (
    "identified", "contacted", "assessed", "active", "closed")
STATUSES: tuple[tuple[str, str], ...] = (
    (IDENTIFIED, "Identified"),
    (CONTACTED, "Contacted"),
    (ASSESSED, "Assessed"),
    (ACTIVE, "Active"),
    (CLOSED, "Closed"),
)
STATUS_ORDER = tuple(key for key, _ in STATUSES)
OPEN_STATUSES = STATUS_ORDER[:-1]

REFERRAL_SOURCES: tuple[tuple[str, str], ...] = (
    ("gp", "GP"),
    ("practice_nurse", "Practice nurse"),
    ("practice_staff", "Other practice staff"),
    ("self", "Self-referral"),
    ("family_carer", "Family or carer"),
    ("hospital", "Hospital"),
    ("community_health", "Community health team"),
    ("social_care", "Adult social care"),
    ("vcf", "Voluntary, community or faith sector"),
    ("risk_list", "Risk-stratification list"),
    ("other", "Other"),
)

REFERRAL_REASONS: tuple[tuple[str, str], ...] = (
    ("loneliness", "Loneliness or isolation"),
    ("debt", "Debt or money worries"),
    ("housing", "Housing"),
    ("mental_wellbeing", "Mental wellbeing"),
    ("physical_activity", "Physical activity"),
    ("carer_support", "Carer support"),
    ("long_term_condition", "Living with a long-term condition"),
    ("benefits", "Welfare benefits"),
    ("employment", "Employment or education"),
    ("bereavement", "Bereavement"),
    ("frailty_falls", "Frailty or falls"),
    ("other", "Other"),
)

CLOSE_REASONS: tuple[tuple[str, str], ...] = (
    ("goals_met", "Goals met"),
    ("declined", "Declined"),
    ("could_not_contact", "Could not contact"),
    ("moved_away", "Moved away"),
    ("died", "Died"),
    ("referred_on", "Referred on"),
)

UNSUCCESSFUL = "unsuccessful"
CONTACT_TYPES: tuple[tuple[str, str], ...] = (
    ("phone", "Phone"),
    ("face_to_face", "Face to face"),
    ("home_visit", "Home visit"),
    ("video", "Video"),
    ("text", "Text or email"),
    (UNSUCCESSFUL, "Unsuccessful attempt"),
)

GOAL_STATUSES: tuple[tuple[str, str], ...] = (
    ("not_started", "Not started"),
    ("in_progress", "In progress"),
    ("achieved", "Achieved"),
    ("partly_achieved", "Partly achieved"),
    ("not_achieved", "Not achieved"),
    ("no_longer_relevant", "No longer relevant"),
)
GOAL_OPEN_STATUSES = ("not_started", "in_progress")

ACTION_STATUSES: tuple[tuple[str, str], ...] = (
    ("planned", "Planned"),
    ("in_progress", "In progress"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
)

FLAG_KINDS: tuple[tuple[str, str], ...] = (
    ("risk", "Risk"),
    ("safeguarding", "Safeguarding"),
)

# A link worker typically supports 200-250 people a year (GUIDE, social prescribing).
GUIDANCE_PER_YEAR = (200, 250)
FIRST_CONTACT_WORKING_DAYS = 5
NO_CONTACT_DAYS = 28
UNSUCCESSFUL_BEFORE_OFFER_CLOSE = 3


def label(vocabulary: Sequence[tuple[str, str]], key: str | None) -> str:
    """The label for a stored key; an unknown key is shown as it is."""
    if key is None:
        return ""
    return next((text for k, text in vocabulary if k == key), key)


def keys(vocabulary: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    return tuple(k for k, _ in vocabulary)


def transition_error(current: str, new: str) -> str | None:
    """Why an episode cannot move from ``current`` to ``new``, or None if it can.

    Status runs forward only (steps may be skipped); closed is final.
    """
    if new not in STATUS_ORDER:
        return f"Unknown status {new!r}"
    if current == CLOSED:
        return "This episode is closed, and closed is final: open a new episode instead"
    if new == current:
        return f"The episode is already {label(STATUSES, current).lower()}"
    if STATUS_ORDER.index(new) < STATUS_ORDER.index(current):
        return (f"Status runs forward only: cannot go from {label(STATUSES, current).lower()} "
                f"back to {label(STATUSES, new).lower()}")
    return None


def date_order_error(new_date: date, earlier: Iterable[tuple[str, date | None]]) -> str | None:
    """Dates never run backwards: ``new_date`` must be on or after each named earlier date."""
    for name, when in earlier:
        if when is not None and new_date < when:
            return (f"The date {new_date:%d-%b-%Y} is before the {name} ({when:%d-%b-%Y}); "
                    "dates cannot run backwards")
    return None


def future_error(when: date | datetime, now: datetime, what: str = "date") -> str | None:
    """A contact or status date cannot be in the future (a minute's clock drift is allowed)."""
    if isinstance(when, datetime):
        if when > now + timedelta(minutes=1):
            return f"The {what} {when:%d-%b-%Y %H:%M} is in the future"
    elif when > now.date():
        return f"The {what} {when:%d-%b-%Y} is in the future"
    return None


def is_working_day(day: date, holidays: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, days: int, holidays: frozenset[date]) -> date:
    """The date ``days`` working days after ``start`` (weekends and bank holidays skipped)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def latest_overdue_referral(today: date, days: int, holidays: frozenset[date]) -> date:
    """The latest referral date whose ``days``-working-day deadline has passed by ``today``.

    Deadlines only move forward as the referral date does, so a worklist can ask the
    database for ``referred_on <= this`` instead of computing a deadline per row.
    """
    candidate = today - timedelta(days=1)
    while add_working_days(candidate, days, holidays) >= today:
        candidate -= timedelta(days=1)
    return candidate


def unsuccessful_run(contact_types_newest_first: Iterable[str]) -> int:
    """How many unsuccessful attempts in a row since the last contact that got through."""
    run = 0
    for contact_type in contact_types_newest_first:
        if contact_type != UNSUCCESSFUL:
            break
        run += 1
    return run


def guidance_band(people_per_year: float) -> str:
    """Caseload against the 200-250 people a year guidance: below, within or above."""
    low, high = GUIDANCE_PER_YEAR
    if people_per_year < low:
        return "below"
    if people_per_year > high:
        return "above"
    return "within"
