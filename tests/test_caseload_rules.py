"""Pure caseload rules: status order, date order, working days, unsuccessful attempts."""

from datetime import date, datetime

import pytest

from pcn_assistant.core import caseload as rules
from pcn_assistant.services.caseload.common import bank_holidays

NO_HOLIDAYS: frozenset[date] = frozenset()


@pytest.mark.parametrize(("current", "new", "ok"), [
    ("identified", "contacted", True),
    ("identified", "active", True),  # steps may be skipped
    ("active", "closed", True),
    ("assessed", "contacted", False),  # never backwards
    ("active", "active", False),
    ("closed", "active", False),  # closed is final
    ("closed", "closed", False),
    ("identified", "paused", False),
])
def test_transitions(current, new, ok):
    assert (rules.transition_error(current, new) is None) is ok


def test_closed_message_says_open_a_new_episode():
    assert "open a new episode" in rules.transition_error("closed", "active")


def test_date_order_names_the_earlier_date():
    message = rules.date_order_error(date(2026, 3, 1), [("referral date", date(2026, 3, 2))])
    assert "before the referral date" in message and "02-Mar-2026" in message
    assert rules.date_order_error(date(2026, 3, 2), [("referral date", date(2026, 3, 2)), ("x", None)]) is None


def test_future_dates_refused_with_a_minute_of_clock_drift():
    now = datetime(2026, 11, 1, 12, 0)
    assert rules.future_error(datetime(2026, 11, 1, 12, 0, 59), now) is None
    assert "in the future" in rules.future_error(datetime(2026, 11, 1, 12, 5), now, "contact date")
    assert rules.future_error(date(2026, 11, 1), now) is None
    assert rules.future_error(date(2026, 11, 2), now) is not None


def test_working_days_skip_weekends_and_bank_holidays():
    friday = date(2026, 10, 30)
    assert rules.add_working_days(friday, 1, NO_HOLIDAYS) == date(2026, 11, 2)  # Monday
    assert rules.add_working_days(friday, 5, NO_HOLIDAYS) == date(2026, 11, 6)
    # Christmas 2026: Fri 25th and the substitute Boxing Day Mon 28th are bank holidays.
    holidays = bank_holidays()
    assert date(2026, 12, 28) in holidays and date(2026, 12, 26) not in holidays
    assert rules.add_working_days(date(2026, 12, 23), 5, holidays) == date(2027, 1, 4)


def test_latest_overdue_referral_matches_the_deadline_rule():
    holidays = bank_holidays()
    today = date(2026, 11, 9)  # Monday
    cutoff = rules.latest_overdue_referral(today, 5, holidays)
    assert rules.add_working_days(cutoff, 5, holidays) < today
    assert rules.add_working_days(cutoff + (date(2026, 1, 2) - date(2026, 1, 1)), 5, holidays) >= today
    # Brute force over a year of days: the cutoff splits overdue from not-yet-due exactly.
    for offset in range(1, 40):
        referred = date.fromordinal(today.toordinal() - offset)
        overdue = rules.add_working_days(referred, 5, holidays) < today
        assert overdue is (referred <= cutoff)


def test_unsuccessful_run_counts_since_the_last_contact_that_got_through():
    assert rules.unsuccessful_run(["unsuccessful", "unsuccessful", "phone", "unsuccessful"]) == 2
    assert rules.unsuccessful_run(["phone", "unsuccessful"]) == 0
    assert rules.unsuccessful_run([]) == 0


@pytest.mark.parametrize(("people", "band"), [(199, "below"), (200, "within"), (250, "within"), (251, "above")])
def test_guidance_band(people, band):
    assert rules.guidance_band(people) == band


def test_labels_and_vocabularies():
    assert rules.label(rules.CLOSE_REASONS, "could_not_contact") == "Could not contact"
    assert rules.label(rules.CLOSE_REASONS, "unknown") == "unknown"
    assert set(rules.keys(rules.CLOSE_REASONS)) == {
        "goals_met", "declined", "could_not_contact", "moved_away", "died", "referred_on"}
    assert rules.STATUS_ORDER == ("identified", "contacted", "assessed", "active", "closed")
