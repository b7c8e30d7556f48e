"""Care plans, goals, actions, flags, tasks and the person record."""

from datetime import timedelta

import pytest
from caseload_helpers import ADMIN_ACTOR, DIRECTOR, MANAGER, PRIYA, SAM, add_people, at, days_ago
from sqlalchemy import func, select

from pcn_assistant.core import clock
from pcn_assistant.errors import InvalidInput, PermissionDenied, StaleRecord
from pcn_assistant.services import security
from pcn_assistant.services.caseload import contacts, episodes, plans, tasks
from pcn_assistant.services.caseload.person import open_person
from pcn_assistant.services.security import Actor
from pcn_assistant.store.models import AuditEvent
from pcn_assistant.store.models.caseload import CarePlanGoal, PersonFlag


@pytest.fixture
def episode(db):
    (pid,) = add_people(db, 1)
    saved = episodes.enrol_patient(db, SAM, pid, coordinator="sam", referral_source="gp",
                                   referral_reasons=["loneliness"], referred_on=days_ago(20),
                                   referral_note="Recently widowed")
    return pid, saved.episode_id


def test_plan_goals_and_actions_show_on_the_record(db, episode):
    pid, episode_id = episode
    plans.save_plan(db, SAM, episode_id, what_matters="Seeing my grandchildren", strengths="Good neighbours",
                    needs="Isolation", agreed_with_person=True)
    goal = plans.add_goal(db, SAM, episode_id, description="Go to the lunch club", need="Isolation",
                          importance=8, review_on=clock.today() + timedelta(days=14))
    plans.add_action(db, SAM, goal.id, description="Find the bus times", who="sam",
                     due_on=clock.today() + timedelta(days=3))
    record = open_person(db, SAM, pid)
    plan = record.plan
    assert plan.what_matters == "Seeing my grandchildren" and plan.agreed_on == clock.today()
    assert [g.description for g in plan.goals] == ["Go to the lunch club"]
    assert plan.goals[0].actions[0].description == "Find the bus times"
    assert [h.what for h in record.history][:3] == ["action", "goal", "plan"]


def test_goal_status_and_review_rules(db, episode):
    _pid, episode_id = episode
    with pytest.raises(InvalidInput, match="before the goal was set"):
        plans.add_goal(db, SAM, episode_id, description="Walk daily", review_on=days_ago(1))
    with pytest.raises(InvalidInput, match="required"):
        plans.add_goal(db, SAM, episode_id, description="   ")
    with pytest.raises(InvalidInput, match="0 to 10"):
        plans.add_goal(db, SAM, episode_id, description="Walk", importance=11)
    goal = plans.add_goal(db, SAM, episode_id, description="Walk daily", review_on=clock.today())
    updated = plans.update_goal(db, SAM, goal.id, status="achieved", review_on=None, expected_version=goal.version)
    assert updated.version == goal.version + 1
    with pytest.raises(StaleRecord):
        plans.update_goal(db, SAM, goal.id, status="in_progress", review_on=None, expected_version=goal.version)
    with db.session() as session:
        assert session.get(CarePlanGoal, goal.id).status == "achieved"


def test_stale_plan_save_carries_both_versions(db, episode):
    from pcn_assistant.services.concurrency import StaleEdit

    _pid, episode_id = episode
    first = plans.save_plan(db, SAM, episode_id, what_matters="A", strengths="", needs="")
    plans.save_plan(db, PRIYA, episode_id, what_matters="B", strengths="", needs="", expected_version=first.version)
    with pytest.raises(StaleEdit) as raised:
        plans.save_plan(db, SAM, episode_id, what_matters="C", strengths="", needs="", expected_version=first.version)
    assert raised.value.theirs.values["what_matters"] == "B"
    assert raised.value.mine.values["what_matters"] == "C"
    kept = plans.save_plan(db, SAM, episode_id, what_matters="C", strengths="", needs="",
                           expected_version=raised.value.current_version)
    assert kept.version == 3


def test_flags_show_on_the_banner_until_ended(db, episode):
    pid, _ = episode
    flag = plans.add_flag(db, SAM, pid, kind="safeguarding", description="Financial abuse concern",
                          raised_on=days_ago(3))
    assert [f.kind for f in open_person(db, SAM, pid).flags] == ["safeguarding"]
    with pytest.raises(InvalidInput, match="before the flag was raised"):
        plans.end_flag(db, SAM, flag.id, days_ago(4))
    with pytest.raises(InvalidInput, match="in the future"):
        plans.add_flag(db, SAM, pid, kind="risk", description="Dog", raised_on=clock.today() + timedelta(days=1))
    plans.end_flag(db, SAM, flag.id, clock.today(), expected_version=flag.version)
    assert open_person(db, SAM, pid).flags == ()
    with db.session() as session:
        assert session.execute(select(func.count()).select_from(PersonFlag)).scalar_one() == 1


def test_tasks(db, episode):
    pid, episode_id = episode
    with pytest.raises(InvalidInput, match="in the past"):
        tasks.add_task(db, SAM, title="Ring", due_on=days_ago(1), episode_id=episode_id)
    task = tasks.add_task(db, SAM, title="Ring back", due_on=clock.today(), episode_id=episode_id)
    assert task.assignee == "sam"
    done = tasks.complete_task(db, SAM, task.id, expected_version=task.version)
    assert done.done_on == clock.today()
    with pytest.raises(InvalidInput, match="already done"):
        tasks.complete_task(db, SAM, task.id)
    assert tasks.tasks_for_patient(db, SAM, pid) == []
    assert len(tasks.tasks_for_patient(db, SAM, pid, include_done=True)) == 1


def test_closing_an_episode_closes_its_open_tasks(db, episode):
    _pid, episode_id = episode
    tasks.add_task(db, SAM, title="Ring back", due_on=clock.today(), episode_id=episode_id)
    episodes.close_episode(db, SAM, episode_id, "declined")
    with pytest.raises(InvalidInput, match="closed"):
        tasks.add_task(db, SAM, title="Another", due_on=clock.today(), episode_id=episode_id)


def test_open_person_is_audited_and_reload_is_not(db, episode):
    pid, episode_id = episode
    contacts.record_contact(db, SAM, episode_id, contact_at=at(2), contact_type="phone", note="Private note")
    record = open_person(db, SAM, pid)
    assert record.open_episode.id == episode_id and record.age >= 80
    assert record.contacts[0].note == "Private note"
    open_person(db, SAM, pid, record_open=False)
    with db.session() as session:
        events = session.execute(select(AuditEvent).where(AuditEvent.action == "person.open")).scalars().all()
    assert len(events) == 1 and events[0].entity_id == str(pid) and events[0].user_name == "sam"


def test_case_notes_are_withheld_from_roles_without_them(db, episode, monkeypatch):
    pid, episode_id = episode
    contacts.record_contact(db, SAM, episode_id, contact_at=at(2), contact_type="phone", note="Private note")
    plans.save_plan(db, SAM, episode_id, what_matters="Private", strengths="", needs="")
    # An administrator (no caseload, no identifiable lists) cannot open the record at all.
    with pytest.raises(PermissionDenied):
        open_person(db, ADMIN_ACTOR, pid)
    # A role that may open records but not read case notes gets them withheld.
    records_only = Actor("reader", "records_only")
    monkeypatch.setitem(security.ROLE_PERMISSIONS, "records_only", frozenset({security.PATIENTS_READ}))
    view = open_person(db, records_only, pid)
    assert view.contacts[0].note != "Private note" and not view.can_read_notes
    assert view.plan.what_matters != "Private"
    assert open_person(db, DIRECTOR, pid).contacts[0].note == "Private note"
    with pytest.raises(PermissionDenied):
        open_person(db, MANAGER, pid)
