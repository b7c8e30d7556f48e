"""Referral lifecycle: every transition allowed and refused, dates, consent, capacity and waiting, chase."""

from datetime import date, timedelta

import pytest
from referrals_world import TODAY, WORKER, build_world
from sqlalchemy import select

from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.errors import InvalidInput, PermissionDenied, StaleRecord
from pcn_assistant.services.referrals.capacity import capacity_overview
from pcn_assistant.services.referrals.lifecycle import (
    NewReferral,
    create_referrals,
    record_chase,
    transition,
)
from pcn_assistant.services.referrals.queries import (
    OPEN,
    ReferralFilter,
    chase_list,
    count_referrals,
    page_referrals,
    referral_events,
)
from pcn_assistant.services.security import PRACTICE_MANAGER, Actor
from pcn_assistant.services.stats import database_stats
from pcn_assistant.store.models.referrals import Referral

START = date(2026, 9, 1)
# How to reach each status from a fresh draft (each step one day after the last).
PATHS = {
    life.DRAFT: [],
    life.WAITING: [life.WAITING],
    life.SENT: [life.SENT],
    life.ACCEPTED: [life.SENT, life.ACCEPTED],
    life.DECLINED: [life.SENT, life.DECLINED],
    life.ATTENDED: [life.SENT, life.ACCEPTED, life.ATTENDED],
    life.DID_NOT_ATTEND: [life.SENT, life.ACCEPTED, life.DID_NOT_ATTEND],
    life.COMPLETED: [life.SENT, life.ACCEPTED, life.ATTENDED, life.COMPLETED],
    life.WITHDRAWN: [life.WITHDRAWN],
}
PAIRS = [(a, b) for a in life.STATUSES for b in life.STATUSES if a != b]


@pytest.fixture
def world(db):
    return build_world(db)


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One directory for the 72 transition cases: each makes its own fresh referral."""
    from pcn_assistant.services.database import open_database

    database = open_database(tmp_path_factory.mktemp("transitions") / "t.db")
    yield database, build_world(database)
    database.dispose()


def _draft(db, world, service="walk", person=0, **kwargs) -> int:
    new = NewReferral(service_ids=[world.services[service]], category="befriending", note="Lives alone",
                      consent_given=True, send=False, **kwargs)
    (created,) = create_referrals(db, WORKER, world.episodes[person], new, on=START, today=TODAY)
    return created.id


def _reach(db, referral_id: int, status: str) -> date:
    on = START
    for step in PATHS[status]:
        on += timedelta(days=1)
        transition(db, WORKER, referral_id, step, on, today=TODAY)
    return on


def _referral(db, referral_id: int) -> Referral:
    with db.session() as session:
        return session.get(Referral, referral_id)


def test_the_paths_cover_every_status():
    assert set(PATHS) == set(life.STATUSES)


@pytest.mark.parametrize("current, target", PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_transition_allowed_or_refused(shared, current, target):
    sqlite_db, world = shared
    referral_id = _draft(sqlite_db, world)
    last = _reach(sqlite_db, referral_id, current)
    on = last + timedelta(days=2)
    before = _referral(sqlite_db, referral_id)
    if target in life.TRANSITIONS[current]:
        assert transition(sqlite_db, WORKER, referral_id, target, on, today=TODAY) == target
        after = _referral(sqlite_db, referral_id)
        assert (after.status, after.status_on, after.updated_by) == (target, on, "sam")
        event = referral_events(sqlite_db, WORKER, referral_id)[-1]
        assert (event.from_status, event.to_status, event.event_on, event.recorded_by) == (current, target, on, "sam")
        date_field = {life.SENT: "sent_on", life.ACCEPTED: "accepted_on", life.ATTENDED: "first_attended_on",
                      life.WAITING: "waiting_since", life.COMPLETED: "closed_on", life.DECLINED: "closed_on",
                      life.WITHDRAWN: "closed_on"}.get(target)
        if date_field and not (target == life.ATTENDED and before.first_attended_on):
            assert getattr(after, date_field) == on
    else:
        with pytest.raises(InvalidInput, match="cannot become"):
            transition(sqlite_db, WORKER, referral_id, target, on, today=TODAY)
        after = _referral(sqlite_db, referral_id)
        assert (after.status, after.version) == (before.status, before.version)
        assert len(referral_events(sqlite_db, WORKER, referral_id)) == len(PATHS[current]) + 1


def test_dates_must_not_be_in_the_future_or_run_backwards(db, world):
    referral_id = _draft(db, world)
    with pytest.raises(InvalidInput, match="in the future"):
        transition(db, WORKER, referral_id, life.SENT, TODAY + timedelta(days=1), today=TODAY)
    with pytest.raises(InvalidInput, match="before the last change"):
        transition(db, WORKER, referral_id, life.SENT, START - timedelta(days=1), today=TODAY)
    transition(db, WORKER, referral_id, life.SENT, START, today=TODAY)  # same day is fine
    assert _referral(db, referral_id).sent_on == START


def test_referring_needs_consent_an_open_episode_and_an_active_service(db, world):
    base = {"service_ids": [world.services["walk"]], "category": "befriending"}
    with pytest.raises(InvalidInput, match="agrees"):
        create_referrals(db, WORKER, world.episodes[0], NewReferral(**base), today=TODAY)
    with pytest.raises(InvalidInput, match="Unknown need"):
        create_referrals(db, WORKER, world.episodes[0], NewReferral(**{**base, "category": "fun"},
                                                                    consent_given=True), today=TODAY)
    with pytest.raises(InvalidInput, match="at least one service"):
        create_referrals(db, WORKER, world.episodes[0], NewReferral([], "befriending", consent_given=True), today=TODAY)
    from pcn_assistant.store.models.caseload import Episode
    from pcn_assistant.store.models.directory import DirectoryService

    with db.transaction() as session:
        session.get(Episode, world.episodes[1]).status = "closed"
        session.get(DirectoryService, world.services["knit"]).status = "temporarily closed"
    with pytest.raises(InvalidInput, match="closed"):
        create_referrals(db, WORKER, world.episodes[1], NewReferral(**base, consent_given=True), today=TODAY)
    with pytest.raises(InvalidInput, match="temporarily closed"):
        create_referrals(db, WORKER, world.episodes[0], NewReferral([world.services["knit"]], "arts",
                                                                    consent_given=True), today=TODAY)
    assert count_referrals(db, WORKER, ReferralFilter()) == 0


def test_one_referral_to_several_services(db, world):
    created = create_referrals(db, WORKER, world.episodes[0], NewReferral(
        [world.services["walk"], world.services["lunch"]], "befriending", "Wants company", consent_given=True,
        share_details=True), on=START, today=TODAY)
    assert [c.status for c in created] == [life.SENT, life.SENT]
    assert len({c.reference for c in created}) == 2
    assert all(c.reference.startswith("SP-") and len(c.reference) == 9 for c in created)
    rows = page_referrals(db, WORKER, ReferralFilter(episode_id=world.episodes[0]))
    assert {r.service for r in rows} == {"Health Walks", "Friendship Lunch"}
    assert rows[0].person == "FAMILY0, Person0"


def test_full_service_puts_referrals_on_a_waiting_list(db, world):
    """Knit and Natter has 2 places: the third and fourth wait, in order, until a place frees."""
    def refer(person):
        (created,) = create_referrals(db, WORKER, world.episodes[person], NewReferral(
            [world.services["knit"]], "arts", consent_given=True), on=START, today=TODAY)
        return created

    first, second, third, fourth = (refer(i) for i in range(4))
    assert [first.status, second.status] == [life.SENT, life.SENT]
    assert (third.status, third.waiting_position) == (life.WAITING, 1)
    assert (fourth.status, fourth.waiting_position) == (life.WAITING, 2)
    (knit,) = [c for c in capacity_overview(db, WORKER, today=TODAY) if c.service == "Knit and Natter"]
    assert (knit.usage.used, knit.usage.waiting, knit.usage.full) == (2, 2, True)
    assert knit.usage.describe() == "2 of 2 places - full, 2 waiting"
    with pytest.raises(InvalidInput, match="still full"):
        transition(db, WORKER, third.id, life.SENT, START + timedelta(days=1), today=TODAY)
    transition(db, WORKER, first.id, life.DECLINED, START + timedelta(days=2), today=TODAY)
    with pytest.raises(InvalidInput, match="still full"):  # fourth is behind third in the queue
        transition(db, WORKER, fourth.id, life.SENT, START + timedelta(days=3), today=TODAY)
    assert transition(db, WORKER, third.id, life.SENT, START + timedelta(days=3), today=TODAY) == life.SENT
    assert transition(db, WORKER, fourth.id, life.SENT, START + timedelta(days=3), force=True,
                      today=TODAY) == life.SENT  # the provider agreed to take one more


def test_weekly_capacity_counts_referrals_sent_this_week(db, world):
    """Friendship Lunch takes 3 new referrals a week (calendar week, Monday first)."""
    monday = date(2026, 10, 26)
    statuses = []
    for person in range(4):
        (created,) = create_referrals(db, WORKER, world.episodes[person], NewReferral(
            [world.services["lunch"]], "food", consent_given=True), on=monday, today=monday + timedelta(days=2))
        statuses.append(created.status)
    assert statuses == [life.SENT, life.SENT, life.SENT, life.WAITING]
    next_week = monday + timedelta(days=7)
    waiting = page_referrals(db, WORKER, ReferralFilter(status=life.WAITING))[0]
    assert transition(db, WORKER, waiting.id, life.SENT, next_week, today=next_week) == life.SENT


def test_chase_list_after_fourteen_days(db, world):
    old = _draft(db, world, person=0)
    recent = _draft(db, world, person=1)
    answered = _draft(db, world, person=2)
    transition(db, WORKER, old, life.SENT, TODAY - timedelta(days=14), today=TODAY)
    transition(db, WORKER, recent, life.SENT, TODAY - timedelta(days=13), today=TODAY)
    transition(db, WORKER, answered, life.SENT, TODAY - timedelta(days=30), today=TODAY)
    transition(db, WORKER, answered, life.ACCEPTED, TODAY - timedelta(days=20), today=TODAY)
    rows = chase_list(db, WORKER, today=TODAY)
    assert [(r.id, r.days_waiting) for r in rows] == [(old, 14)]
    assert rows[0].contact == "Pat 01632 960001" and rows[0].service == "Health Walks"
    record_chase(db, WORKER, old, TODAY, "left a message", today=TODAY)
    (row,) = chase_list(db, WORKER, today=TODAY)
    assert row.last_chased_on == TODAY  # still listed until the provider answers
    assert referral_events(db, WORKER, old)[-1].description == "Chased (chased: left a message)"
    with pytest.raises(InvalidInput, match="awaiting a reply"):
        record_chase(db, WORKER, answered, TODAY, today=TODAY)


def test_medians_from_sent_to_accepted_and_to_first_attendance(db, world):
    delays = [(3, 7), (5, 2), (10, None)]  # days to accept, then days to first attendance
    for person, (to_accept, to_attend) in enumerate(delays):
        referral_id = _draft(db, world, person=person)
        transition(db, WORKER, referral_id, life.SENT, START, today=TODAY)
        accepted = START + timedelta(days=to_accept)
        transition(db, WORKER, referral_id, life.ACCEPTED, accepted, today=TODAY)
        if to_attend is not None:
            transition(db, WORKER, referral_id, life.ATTENDED, accepted + timedelta(days=to_attend), today=TODAY)
    (walk,) = [c for c in capacity_overview(db, WORKER, today=TODAY) if c.service == "Health Walks"]
    assert (walk.median_days_to_accept, walk.median_days_to_attend) == (5, 4.5)
    assert (walk.accepted_count, walk.attended_count) == (3, 2)


def test_stale_save_is_refused(db, world):
    referral_id = _draft(db, world)
    version = _referral(db, referral_id).version
    transition(db, WORKER, referral_id, life.SENT, START, today=TODAY, expected_version=version)
    with pytest.raises(StaleRecord, match="changed this record"):
        transition(db, WORKER, referral_id, life.WITHDRAWN, START, today=TODAY, expected_version=version)
    assert _referral(db, referral_id).status == life.SENT


def test_roles_and_counts(db, world):
    manager = Actor(name="pm", role=PRACTICE_MANAGER, practice_code="Y90001")
    with pytest.raises(PermissionDenied):
        create_referrals(db, manager, world.episodes[0], NewReferral([world.services["walk"]], "befriending",
                                                                     consent_given=True), today=TODAY)
    referral_id = _draft(db, world)
    _reach(db, referral_id, life.ACCEPTED)
    _draft(db, world, person=1)
    with db.session() as session:
        stats = database_stats(db)
        assert session.execute(select(Referral.status)).scalars().all()
    assert stats["referrals"][life.ACCEPTED] == 1 and stats["referrals"][life.DRAFT] == 1
    assert stats["services"] == 3 and stats["organisations"] == 2
    assert count_referrals(db, WORKER, ReferralFilter(status=OPEN)) == 2
    assert count_referrals(db, WORKER, ReferralFilter(reference="sp-")) == 2
    assert count_referrals(db, WORKER, ReferralFilter(reference="%")) == 0
