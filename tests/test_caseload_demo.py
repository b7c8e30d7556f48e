"""The demo caseload is realistic and obeys the same rules the services enforce."""

from datetime import timedelta

from sqlalchemy import func, select

from pcn_assistant.core import caseload as rules
from pcn_assistant.core import clock
from pcn_assistant.services.caseload import worklists
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
        assert min(e.referred_on for e in episodes) >= clock.today() - timedelta(days=365)
        assert max(e.referred_on for e in episodes) <= clock.today()
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
            assert all(d <= clock.today() for d in dated)
        rows = session.execute(
            select(EpisodeContact.contact_at, Episode.referred_on, Episode.closed_on, EpisodeContact.contact_type,
                   Episode.last_contact_on)
            .join(Episode, Episode.id == EpisodeContact.episode_id)).all()
        for when, referred, closed, kind, last in rows:
            assert referred <= when.date() <= (closed or clock.today())
            if kind != rules.UNSUCCESSFUL:
                assert when.date() <= last


def test_demo_worklists_show_real_work_on_its_date(demo_db):
    actor = Actor("sam", LINK_WORKER)
    counts = worklists.count_all(demo_db, actor, today=clock.today())
    for key in ("caseload", "due_today", "overdue", "no_contact"):
        assert counts[key] > 0, key
    mine = worklists.count_all(demo_db, actor, worklists.WorklistFilter(coordinator="sam"), today=clock.today())
    assert 0 < mine["caseload"] < counts["caseload"]


def test_demo_built_later_is_dated_from_its_build_day(tmp_path, monkeypatch):
    """Built on 6 Dec 2027 the demo team is busy that month, not idle since Nov 2026."""
    from datetime import date, datetime

    from pcn_assistant.services.dashboard import build_dashboard
    from pcn_assistant.services.demo import create_demo_database_steps

    monkeypatch.setenv(clock.TODAY_VARIABLE, "2027-12-06")
    later = date(2027, 12, 6)
    steps = create_demo_database_steps(tmp_path / "late.db", patients=2000, seed=7)
    labels = []
    try:
        while True:
            labels.append(next(steps))
    except StopIteration as stop:
        db = stop.value
    assert labels[0][0] == 0 and labels[-1][0] == labels[-1][1] and "patients" in " ".join(x[2] for x in labels)
    try:
        with db.session() as session:
            month_ago = datetime(2027, 11, 6)
            recent = session.execute(select(func.count()).select_from(EpisodeContact)
                                     .where(EpisodeContact.contact_at >= month_ago)).scalar_one()
            assert recent > 20
            assert session.execute(select(func.max(Episode.referred_on))).scalar_one() <= later
            assert session.execute(select(func.min(Episode.referred_on))).scalar_one() >= date(2026, 12, 6)
        actor = Actor("sam", LINK_WORKER)
        counts = worklists.count_all(db, actor, today=later)
        assert 0 < counts["overdue"] < counts["caseload"]
        dashboard = build_dashboard(db, Actor("dana", "clinical_director"), today=later)
        activity = next(s for s in dashboard.sections if s.key == "activity")
        assert not any(" 0 contacts" in line for line in activity.headlines), activity.headlines
    finally:
        db.dispose()


def test_each_demo_run_gets_its_own_fresh_file():
    from pcn_assistant.services.demo import fresh_demo_path

    first, second = fresh_demo_path(), fresh_demo_path()
    try:
        assert first != second and first.exists() and first.stat().st_size == 0
    finally:
        first.unlink(missing_ok=True)
        second.unlink(missing_ok=True)
