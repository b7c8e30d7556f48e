"""The life of a social prescribing referral, as pure rules.

draft -> sent -> accepted or declined (by the provider) -> attended or did not attend
-> completed; or withdrawn at any open step. A referral to a service that is full
waits on its waiting list ("waiting") until a place frees and it is sent. Every
transition carries a date that may not be in the future nor before the last one.
"""

from __future__ import annotations

from datetime import date

DRAFT = "draft"
WAITING = "waiting"
SENT = "sent"
ACCEPTED = "accepted"
DECLINED = "declined"
ATTENDED = "attended"
DID_NOT_ATTEND = "did_not_attend"
COMPLETED = "completed"
WITHDRAWN = "withdrawn"

STATUSES = (DRAFT, WAITING, SENT, ACCEPTED, DECLINED, ATTENDED, DID_NOT_ATTEND, COMPLETED, WITHDRAWN)
LABELS = {
    DRAFT: "Draft", WAITING: "Waiting list", SENT: "Sent", ACCEPTED: "Accepted",
    DECLINED: "Declined", ATTENDED: "Attended", DID_NOT_ATTEND: "Did not attend",
    COMPLETED: "Completed", WITHDRAWN: "Withdrawn",
}

TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({SENT, WAITING, WITHDRAWN}),
    WAITING: frozenset({SENT, WITHDRAWN}),
    SENT: frozenset({ACCEPTED, DECLINED, WITHDRAWN}),
    ACCEPTED: frozenset({ATTENDED, DID_NOT_ATTEND, WITHDRAWN}),
    DID_NOT_ATTEND: frozenset({ATTENDED, COMPLETED, WITHDRAWN}),
    ATTENDED: frozenset({COMPLETED, WITHDRAWN}),
    DECLINED: frozenset(),
    COMPLETED: frozenset(),
    WITHDRAWN: frozenset(),
}

FINAL = frozenset(s for s, nexts in TRANSITIONS.items() if not nexts)
OPEN = tuple(s for s in STATUSES if s not in FINAL)
# Referrals that hold a place at the provider (count against "places" capacity).
HOLDING_A_PLACE = (SENT, ACCEPTED, ATTENDED, DID_NOT_ATTEND)
# What a provider can see and update on a returns workbook.
WITH_PROVIDER = HOLDING_A_PLACE

CHASE_AFTER_DAYS = 14


class TransitionError(ValueError):
    """A move the lifecycle does not allow, or a date that cannot be right."""


def label(status: str) -> str:
    return LABELS.get(status, status)


def check_transition(current: str, target: str) -> None:
    if current not in TRANSITIONS:
        raise TransitionError(f"Unknown referral status {current!r}")
    if target not in TRANSITIONS:
        raise TransitionError(f"Unknown referral status {target!r}")
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(label(s) for s in STATUSES if s in TRANSITIONS[current]) or "nothing (it is closed)"
        raise TransitionError(f"A referral that is {label(current).lower()} cannot become "
                              f"{label(target).lower()}; it can become: {allowed}")


def check_date(when: date, *, today: date, last: date | None) -> None:
    if when > today:
        raise TransitionError(f"The date {when:%d-%b-%Y} is in the future")
    if last is not None and when < last:
        raise TransitionError(f"The date {when:%d-%b-%Y} is before the last change ({last:%d-%b-%Y})")


def is_due_a_chase(status: str, sent_on: date | None, today: date) -> bool:
    return status == SENT and sent_on is not None and (today - sent_on).days >= CHASE_AFTER_DAYS
