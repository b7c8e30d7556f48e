"""Episode and contact rules, enforced by the services on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from caseload_helpers import ADMIN_ACTOR, MANAGER, PRIYA, SAM, add_people, at, days_ago
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from pcn_assistant.core import clock
from pcn_assistant.errors import InvalidInput, PermissionDenied, StaleRecord
from pcn_assistant.services.caseload import contacts, episodes
from pcn_assistant.store.models import AuditEvent
from pcn_assistant.store.models.caseload import Episode, EpisodeChange, EpisodeContact


def _count(db, model, *where):
    with db.session() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _enrol(db, patient_id, days=10, **kw):
    kw.setdefault("coordinator", "sam")
    kw.setdefault("referral_source", "gp")
    return episodes.enrol_patient(db, SAM, patient_id, referred_on=days_ago(days), **kw)


def test_enrol_records_who_and_when_and_audits(db):
    (pid,) = add_people(db, 1)
    saved = _enrol(db, pid, referral_reasons=["loneliness", "debt"], referrer_name="Dr Patel")
    assert saved.status == "identified"
    with db.session() as session:
        episode = session.get(Episode, saved.episode_id)
        assert episode.referral_reasons == ["loneliness", "debt"]
        assert episode.identified_on == days_ago(10) and episode.created_by == "sam"
        change = session.execute(select(EpisodeChange)).scalar_one()
        assert change.user_name == "sam" and change.what == "created"
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "caseload.enrol")).scalar_one()
        assert event.entity_id == str(saved.episode_id) and "Person" not in event.summary


def test_second_open_episode_refused_and_nothing_saved(db):
    (pid,) = add_people(db, 1)
    _enrol(db, pid)
    with pytest.raises(InvalidInput, match="already has an open episode"):
        _enrol(db, pid, coordinator="priya")
    assert _count(db, Episode) == 1


def test_database_also_refuses_two_open_episodes(db):
    """The partial unique index guards against two desks enrolling at the same moment."""
    (pid,) = add_people(db, 1)
    _enrol(db, pid)
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(Episode(patient_id=pid, coordinator="jo", referral_source="gp", referral_reasons=[],
                            referred_on=clock.today(), identified_on=clock.today(), status="identified",
                            contact_count=0, created_by="jo"))
    assert _count(db, Episode) == 1


def test_closed_is_final_but_a_new_episode_can_open(db):
    (pid,) = add_people(db, 1)
    first = _enrol(db, pid, days=30)
    episodes.close_episode(db, SAM, first.episode_id, "declined", days_ago(20))
    with pytest.raises(InvalidInput, match="closed is final"):
        episodes.change_status(db, SAM, first.episode_id, "active", days_ago(1))
    with pytest.raises(InvalidInput, match="closed"):
        contacts.record_contact(db, SAM, first.episode_id, contact_at=at(1), contact_type="phone")
    second = _enrol(db, pid, days=5)
    assert second.episode_id != first.episode_id
    assert _count(db, Episode, Episode.status != "closed") == 1


def test_status_runs_forward_and_dates_never_backwards(db):
    (pid,) = add_people(db, 1)
    saved = _enrol(db, pid, days=20)
    episodes.change_status(db, SAM, saved.episode_id, "assessed", days_ago(10))
    with pytest.raises(InvalidInput, match="forward only"):
        episodes.change_status(db, SAM, saved.episode_id, "contacted", days_ago(5))
    with pytest.raises(InvalidInput, match="before the date it was assessed"):
        episodes.change_status(db, SAM, saved.episode_id, "active", days_ago(12))
    with pytest.raises(InvalidInput, match="in the future"):
        episodes.change_status(db, SAM, saved.episode_id, "active", days_ago(-1))
    with db.session() as session:
        episode = session.get(Episode, saved.episode_id)
        assert (episode.status, episode.active_on) == ("assessed", None)


def test_closing_before_the_referral_is_an_end_before_the_start(db):
    (pid,) = add_people(db, 1)
    saved = _enrol(db, pid, days=5)
    with pytest.raises(InvalidInput, match="before the referral date"):
        episodes.close_episode(db, SAM, saved.episode_id, "goals_met", days_ago(6))
    with pytest.raises(InvalidInput, match="close reason"):
        episodes.change_status(db, SAM, saved.episode_id, "closed", days_ago(1))
    assert _count(db, Episode, Episode.status == "closed") == 0


def test_closing_before_the_last_contact_refused(db):
    (pid,) = add_people(db, 1)
    saved = _enrol(db, pid, days=10)
    contacts.record_contact(db, SAM, saved.episode_id, contact_at=at(6), contact_type="phone")
    contacts.record_contact(db, SAM, saved.episode_id, contact_at=at(2), contact_type="phone")
    with pytest.raises(InvalidInput, match="last contact"):
        episodes.close_episode(db, SAM, saved.episode_id, "goals_met", days_ago(3))


def test_future_contact_refused_and_nothing_saved(db):
    (pid,) = add_people(db, 1)
    saved = _enrol(db, pid)
    with pytest.raises(InvalidInput, match="in the future"):
        contacts.record_contact(db, SAM, saved.episode_id, contact_at=clock.now() + timedelta(hours=2),
                                contact_type="phone", note="should not be kept")
    with pytest.raises(InvalidInput, match="before the referral date"):
        contacts.record_contact(db, SAM, saved.episode_id, contact_at=at(11), contact_type="phone")
    with pytest.raises(InvalidInput, match="Duration"):
        contacts.record_contact(db, SAM, saved.episode_id, contact_at=at(1), contact_type="phone",
                                duration_minutes=-5)
    with pytest.raises(InvalidInput, match="contact type"):
        contacts.record_contact(db, SAM, saved.episode_id, contact_at=at(1), contact_type="pigeon")
    assert _count(db, EpisodeContact) == 0
    assert _count(db, AuditEvent, AuditEvent.action == "caseload.contact") == 0


def test_first_contact_moves_identified_to_contacted_and_keeps_counts(db):
    (pid,) = add_people(db, 1)
    saved = _enrol(db, pid, days=10)
    contacts.record_contact(db, SAM, saved.episode_id, contact_at=at(8), contact_type="unsuccessful")
    result = contacts.record_contact(db, SAM, saved.episode_id, contact_at=at(6), contact_type="phone",
                                     duration_minutes=20, note="Talked about the lunch club")
    assert result.episode_status == "contacted" and not result.offer_close
    contacts.record_contact(db, SAM, saved.episode_id, contact_at=at(3), contact_type="home_visit")
    with db.session() as session:
        episode = session.get(Episode, saved.episode_id)
        assert episode.contacted_on == days_ago(6)
        assert episode.last_contact_on == days_ago(3)
        assert episode.contact_count == 2  # the unsuccessful attempt is not a contact


def test_three_unsuccessful_attempts_offer_close_as_could_not_contact(db):
    (pid,) = add_people(db, 1)
    saved = _enrol(db, pid, days=10)
    offers = [contacts.record_contact(db, SAM, saved.episode_id, contact_at=at(9 - i),
                                      contact_type="unsuccessful").offer_close for i in range(3)]
    assert offers == [False, False, True]
    back = contacts.record_contact(db, SAM, saved.episode_id, contact_at=at(5), contact_type="phone")
    assert back.unsuccessful_in_a_row == 0 and not back.offer_close
    closed = episodes.close_episode(db, SAM, saved.episode_id, "could_not_contact")
    assert closed.status == "closed"


def test_reassign_is_one_recorded_action_and_moves_open_tasks(db):
    from pcn_assistant.services.caseload import tasks

    ids = add_people(db, 2)
    first, second = (_enrol(db, pid) for pid in ids)
    tasks.add_task(db, SAM, title="Ring back", due_on=clock.today(), episode_id=first.episode_id)
    saved = episodes.reassign_episodes(db, SAM, [first.episode_id, second.episode_id], "priya")
    assert [s.episode_id for s in saved] == [first.episode_id, second.episode_id]
    with db.session() as session:
        assert set(session.execute(select(Episode.coordinator)).scalars()) == {"priya"}
        from pcn_assistant.store.models.caseload import CaseloadTask

        assert session.execute(select(CaseloadTask.assignee)).scalar_one() == "priya"
        changes = session.execute(select(EpisodeChange.detail).where(EpisodeChange.what == "coordinator")).all()
        assert len(changes) == 2 and "from sam to priya" in changes[0][0]
    assert _count(db, AuditEvent, AuditEvent.action == "caseload.reassign") == 2


def test_stale_save_names_who_changed_the_episode(db):
    (pid,) = add_people(db, 1)
    saved = _enrol(db, pid, days=10)
    episodes.set_next_review(db, PRIYA, saved.episode_id, clock.today() + timedelta(days=7),
                             expected_version=saved.version)
    with pytest.raises(StaleRecord, match="priya changed this record"):
        episodes.change_status(db, SAM, saved.episode_id, "contacted", days_ago(1),
                               expected_version=saved.version)


def test_bulk_enrol_skips_open_and_unregistered_people(db):
    ids = add_people(db, 4)
    (gone,) = add_people(db, 1, status="deceased")
    _enrol(db, ids[0])
    result = episodes.enrol_patients(db, SAM, [*ids, gone, ids[1], 999_999], "priya")
    assert result.added == ids[1:]
    assert set(result.skipped) == {ids[0], gone, 999_999}
    assert result.skipped_reasons[ids[0]] == "already has an open episode"
    assert "deceased" in result.skipped_reasons[gone]
    assert len(result.episode_ids) == 3
    with db.session() as session:
        rows = session.execute(select(Episode.coordinator, Episode.status, Episode.referral_source)
                               .where(Episode.id.in_(result.episode_ids))).all()
    assert set(rows) == {("priya", "identified", "risk_list")}
    assert _count(db, EpisodeChange, EpisodeChange.what == "created") == 4


def test_deceased_person_cannot_join_a_caseload(db):
    (pid,) = add_people(db, 1, status="deceased")
    with pytest.raises(InvalidInput, match="no longer registered"):
        _enrol(db, pid)


def test_permissions(db):
    (pid,) = add_people(db, 1)
    with pytest.raises(PermissionDenied):
        episodes.enrol_patient(db, ADMIN_ACTOR, pid, coordinator="sam", referral_source="gp")
    with pytest.raises(PermissionDenied):
        episodes.enrol_patients(db, MANAGER, [pid], "sam")
    assert _count(db, Episode) == 0
