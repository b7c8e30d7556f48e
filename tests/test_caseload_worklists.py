"""Worklists (each one's inclusion rule, paging and sorting in SQL) and the coordinator view."""

from datetime import timedelta

import pytest
from caseload_helpers import PRIYA, SAM, add_people, at, days_ago
from sqlalchemy import insert

from pcn_assistant.core import caseload as rules
from pcn_assistant.core import clock
from pcn_assistant.services.caseload import (
    contacts,
    coordinators,
    episodes,
    plans,
    risk_link,
    tasks,
    worklists,
)
from pcn_assistant.services.caseload.common import bank_holidays

TODAY = clock.today()


def _keys(db, key, actor=SAM, **flt):
    rows = worklists.page_worklist(db, actor, key, worklists.WorklistFilter(**flt))
    assert worklists.count_worklist(db, actor, key, worklists.WorklistFilter(**flt)) == len(rows)
    return rows


def _enrol(db, pid, days, coordinator="sam"):
    return episodes.enrol_patient(db, SAM, pid, coordinator=coordinator, referral_source="gp",
                                  referred_on=days_ago(days)).episode_id


def test_each_worklist_holds_the_right_people(db):
    ids = add_people(db, 6)
    fresh = _enrol(db, ids[0], 1)  # referred yesterday: not overdue for first contact
    stale = _enrol(db, ids[1], 30)  # never contacted after 30 days
    quiet = _enrol(db, ids[2], 60)  # contacted 40 days ago, nothing since
    contacts.record_contact(db, SAM, quiet, contact_at=at(40), contact_type="phone")
    busy = _enrol(db, ids[3], 20, coordinator="priya")
    contacts.record_contact(db, SAM, busy, contact_at=at(2), contact_type="phone")
    episodes.set_next_review(db, SAM, busy, TODAY)
    goal = plans.add_goal(db, SAM, busy, description="Join the choir", review_on=TODAY)
    tasks.add_task(db, SAM, title="Ring back", due_on=TODAY, episode_id=quiet)
    closed = _enrol(db, ids[4], 50)
    episodes.close_episode(db, SAM, closed, "declined", days_ago(45))

    assert {r.episode_id for r in _keys(db, "caseload")} == {fresh, stale, quiet, busy}
    assert {r.episode_id for r in _keys(db, "caseload", coordinator="sam")} == {fresh, stale, quiet}
    due = _keys(db, "due_today")
    assert sorted(r.what for r in due) == ["Goal review: Join the choir", "Review", "Task: Ring back"]
    assert {r.coordinator for r in _keys(db, "due_today", coordinator="priya")} == {"priya"}
    assert _keys(db, "overdue") == []
    assert [r.episode_id for r in _keys(db, "not_contacted")] == [stale]
    due_by = _keys(db, "not_contacted")[0].due_on
    assert due_by == rules.add_working_days(days_ago(30), 5, bank_holidays())
    no_contact = _keys(db, "no_contact")
    assert [r.episode_id for r in no_contact] == [quiet] and no_contact[0].due_on == days_ago(12)

    # Tomorrow the same items are overdue; once the goal is achieved it drops off.
    tomorrow = TODAY + timedelta(days=1)
    overdue = worklists.page_worklist(db, SAM, "overdue", today=tomorrow)
    assert len(overdue) == 3
    plans.update_goal(db, SAM, goal.id, status="achieved", review_on=TODAY)
    assert worklists.count_worklist(db, SAM, "overdue", today=tomorrow) == 2


def test_contact_and_closure_update_the_worklists(db):
    (pid,) = add_people(db, 1)
    episode_id = _enrol(db, pid, 30)
    assert worklists.count_worklist(db, SAM, "not_contacted") == 1
    contacts.record_contact(db, SAM, episode_id, contact_at=at(0, hour=0), contact_type="phone")
    assert worklists.count_worklist(db, SAM, "not_contacted") == 0
    episodes.close_episode(db, SAM, episode_id, "goals_met")
    assert worklists.count_all(db, SAM)["caseload"] == 0


def test_worklists_page_and_sort_in_sql(db):
    ids = add_people(db, 25)
    for i, pid in enumerate(ids):
        _enrol(db, pid, 10 + i)
    first = worklists.page_worklist(db, SAM, "caseload", sort_key="name", limit=10)
    second = worklists.page_worklist(db, SAM, "caseload", sort_key="name", offset=10, limit=10)
    names = [r.name for r in first + second]
    assert names == sorted(names) and len(set(names)) == 20
    newest = worklists.page_worklist(db, SAM, "caseload", sort_key="referred_on", descending=True, limit=3)
    assert [r.referred_on for r in newest] == [days_ago(10), days_ago(11), days_ago(12)]
    found = worklists.page_worklist(db, SAM, "caseload", worklists.WorklistFilter(search="person003"))
    assert [r.name for r in found] == ["PERSON003, Alex"]
    literal = worklists.WorklistFilter(search="person%")
    assert worklists.count_worklist(db, SAM, "caseload", literal) == 0  # wildcards match literally


def test_coordinator_view(db):
    ids = add_people(db, 4)
    a = _enrol(db, ids[0], 10)
    b = _enrol(db, ids[1], 9)
    c = _enrol(db, ids[2], 8, coordinator="priya")
    contacts.record_contact(db, SAM, a, contact_at=at(6), contact_type="phone")
    contacts.record_contact(db, SAM, b, contact_at=at(7), contact_type="video")
    contacts.record_contact(db, SAM, b, contact_at=at(5), contact_type="unsuccessful")
    episodes.close_episode(db, SAM, b, "goals_met")
    episodes.reassign_episodes(db, SAM, [c], "sam")
    stats = {s.coordinator: s for s in coordinators.coordinator_view(db, SAM)}
    sam = stats["sam"]
    assert sam.open_episodes == 2 and sam.people_last_12_months == 3
    assert sam.contacts_per_week == 0.5  # 2 contacts over 4 weeks; attempts do not count
    assert sam.mean_days_to_first_contact == 3.0  # (10-6) and (9-7)
    assert sam.guidance == "below"
    assert "priya" not in stats or stats["priya"].open_episodes == 0
    assert ("sam", "sam") in coordinators.coordinator_names(db, PRIYA)


def test_tier3_worklist_lists_unenrolled_tier3_people(db):
    if not risk_link.available():
        pytest.skip("risk stratification is not installed")
    from pcn_assistant.store.models.risk import RiskAssessment, RiskRun

    ids = add_people(db, 3)
    with db.transaction() as session:
        run = session.execute(insert(RiskRun).returning(RiskRun.id), [{
            "assessed_on": TODAY, "user_name": "t", "model_id": "ppcs-1", "model_version": "1",
            "tier3_percent": "2", "tier2_percent": "13"}]).scalar_one()
        components = {k: 0 for k in ("pts_frailty", "pts_multimorbidity", "pts_admissions", "pts_ae",
                                     "pts_polypharmacy", "pts_age", "pts_deprivation", "pts_social")}
        session.execute(insert(RiskAssessment), [
            {"patient_id": pid, "run_id": run, "assessed_on": TODAY, "model_id": "ppcs-1", "model_version": "1",
             "age": 80, "points": points, "tier": tier, "reasons": f"Reason for {points}\nSecond",
             "rank_key": points, "fingerprint": points, "is_latest": True, **components}
            for pid, points, tier in ((ids[0], 15, 3), (ids[1], 12, 3), (ids[2], 4, 1))])
    rows = worklists.page_worklist(db, SAM, "tier3")
    assert [(r.patient_id, r.points) for r in rows] == [(ids[0], 15), (ids[1], 12)]
    assert rows[0].reasons.startswith("Reason for 15")
    episodes.enrol_patients(db, SAM, [ids[0]], "sam")
    assert [r.patient_id for r in worklists.page_worklist(db, SAM, "tier3")] == [ids[1]]
    from pcn_assistant.services.caseload.person import open_person

    assert open_person(db, SAM, ids[1]).risk.tier == 3
