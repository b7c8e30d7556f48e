"""The demo caseload is realistic and obeys the same rules the services enforce."""

from datetime import timedelta

from sqlalchemy import func, select

from pcn_assistant.core import caseload as rules
from pcn_assistant.services.caseload import worklists
from pcn_assistant.services.demo import DEMO_TODAY
from pcn_assistant.services.security import LINK_WORKER, Actor
from pcn_assistant.store.models.caseload import (
    CarePlan,
    CarePlanGoal,
    CaseloadTask,
    Episode,
    EpisodeChange,
    EpisodeContact,
    PersonFlag,
)


def test_demo_caseload_shape(demo_db):
    with demo_db.session() as session:
        episodes = session.execute(select(Episode)).scalars().all()
        assert len(episodes) >= 100
        assert {e.coordinator for e in episodes} == {"sam", "priya", "jo"}
        assert {e.status for e in episodes} == set(rules.STATUS_ORDER)
        assert {e.close_reason for e in episodes if e.status == "closed"} == set(rules.keys(rules.CLOSE_REASONS))
        assert all(e.close_reason is None for e in episodes if e.status != "closed")
        assert min(e.referred_on for e in episodes) >= DEMO_TODAY - timedelta(days=365)
        assert max(e.referred_on for e in episodes) <= DEMO_TODAY
        for model in (EpisodeContact, EpisodeChange, CarePlan, CarePlanGoal, CaseloadTask):
            assert session.execute(select(func.count()).select_from(model)).scalar_one() > 0
        assert session.execute(select(func.count()).select_from(PersonFlag)).scalar_one() >= 0
        open_per_person = session.execute(
            select(Episode.patient_id, func.count()).where(Episode.status != "closed")
            .group_by(Episode.patient_id).having(func.count() > 1)).all()
        assert open_per_person == []


def test_demo_dates_never_run_backwards(demo_db):
    with demo_db.session() as session:
        for e in session.execute(select(Episode)).scalars():
            dated = [d for d in (e.referred_on, e.contacted_on, e.assessed_on, e.active_on, e.closed_on) if d]
            assert dated == sorted(dated), e.id
            assert all(d <= DEMO_TODAY for d in dated)
        rows = session.execute(
            select(EpisodeContact.contact_at, Episode.referred_on, Episode.closed_on, EpisodeContact.contact_type,
                   Episode.last_contact_on)
            .join(Episode, Episode.id == EpisodeContact.episode_id)).all()
        for when, referred, closed, kind, last in rows:
            assert referred <= when.date() <= (closed or DEMO_TODAY)
            if kind != rules.UNSUCCESSFUL:
                assert when.date() <= last


def test_demo_worklists_show_real_work_on_its_date(demo_db):
    actor = Actor("sam", LINK_WORKER)
    counts = worklists.count_all(demo_db, actor, today=DEMO_TODAY)
    for key in ("caseload", "due_today", "overdue", "no_contact"):
        assert counts[key] > 0, key
    mine = worklists.count_all(demo_db, actor, worklists.WorklistFilter(coordinator="sam"), today=DEMO_TODAY)
    assert 0 < mine["caseload"] < counts["caseload"]
