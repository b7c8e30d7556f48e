"""The GP coding worklist: codes from the resource file, once per episode, ticked off by extracts."""

import csv
from datetime import date

import pytest
from openpyxl import load_workbook
from referrals_world import TODAY, WORKER, build_world

from pcn_assistant.assets import resource_path
from pcn_assistant.errors import PermissionDenied
from pcn_assistant.services import hooks
from pcn_assistant.services.referrals import coding
from pcn_assistant.services.referrals.lifecycle import NewReferral, create_referrals
from pcn_assistant.services.security import PRACTICE_MANAGER, Actor
from pcn_assistant.store.models.caseload import Episode
from pcn_assistant.store.models.patient import PatientMeasure

ACCEPTED, DECLINED = "871731000000106", "871711000000103"
MANAGER = Actor(name="pm1", role=PRACTICE_MANAGER, practice_code="Y90001")


def test_codes_come_from_the_resource_file():
    with resource_path("snomed_social_prescribing.csv").open(encoding="utf-8") as handle:
        rows = {r["key"]: r for r in csv.DictReader(handle)}
    assert rows["accepted"]["code"] == ACCEPTED and rows["declined"]["code"] == DECLINED
    assert coding.codes()["accepted"].term == "Referral to social prescribing service (procedure)"
    assert coding.codes()["declined"].term == "Social prescribing declined (situation)"


def _refer(db, world, person, service="walk", on=date(2026, 9, 1)):
    return create_referrals(db, WORKER, world.episodes[person], NewReferral(
        [world.services[service]], "befriending", consent_given=True), on=on, today=TODAY)


def test_accepted_is_listed_once_per_episode(db):
    world = build_world(db)
    _refer(db, world, 0)
    _refer(db, world, 0, "lunch", date(2026, 9, 8))  # a second referral in the same episode
    with db.transaction() as session:
        episode = session.get(Episode, world.episodes[2])  # assessed, no referral yet
        episode.status, episode.assessed_on = "assessed", date(2026, 8, 20)
    rows = coding.worklist(db, WORKER, "Y90001")
    assert sorted((r.nhs_number, r.code, r.event_on) for r in rows) == [
        ("9990000018", ACCEPTED, date(2026, 9, 1)), ("9990000034", ACCEPTED, date(2026, 8, 20))]
    # Later the person is active too, and refreshing again adds nothing.
    with db.transaction() as session:
        session.get(Episode, world.episodes[2]).active_on = date(2026, 9, 15)
    assert len(coding.worklist(db, WORKER, "Y90001")) == 2
    with db.transaction() as session:
        assert coding.refresh(session) == 0


def test_declined_when_the_person_says_no(db):
    world = build_world(db)
    with db.transaction() as session:
        episode = session.get(Episode, world.episodes[1])
        episode.status, episode.close_reason, episode.closed_on = "closed", "declined", date(2026, 8, 9)
    rows = coding.worklist(db, WORKER, "Y90002")
    assert [(r.code, r.term, r.event_on) for r in rows] == [
        (DECLINED, "Social prescribing declined (situation)", date(2026, 8, 9))]


def test_a_later_extract_ticks_the_entry_off(db):
    world = build_world(db)
    _refer(db, world, 0)
    (entry,) = coding.worklist(db, WORKER, "Y90001")
    with db.transaction() as session:
        # A code from before this episode began does not count; one after it does.
        session.add(PatientMeasure(patient_id=world.patients[0], code=ACCEPTED, recorded_on=date(2025, 1, 5)))
    hooks.patient_data_changed(db, WORKER)
    assert [r.id for r in coding.worklist(db, WORKER, "Y90001")] == [entry.id]
    with db.transaction() as session:
        session.add(PatientMeasure(patient_id=world.patients[0], code=ACCEPTED, recorded_on=date(2026, 9, 4)))
    assert coding.tick_after_import in hooks.AFTER_PATIENT_DATA_CHANGE
    hooks.patient_data_changed(db, WORKER)
    assert coding.worklist(db, WORKER, "Y90001") == []
    (done,) = coding.worklist(db, WORKER, "Y90001", include_coded=True)
    assert (done.status, done.coded_on, done.coded_via) == ("coded", date(2026, 9, 4), "extract")


def test_marking_by_hand_and_the_practice_managers_own_practice(db):
    world = build_world(db)
    _refer(db, world, 0)
    _refer(db, world, 1)
    (mine,) = coding.worklist(db, MANAGER, "Y90001")
    with pytest.raises(PermissionDenied):
        coding.worklist(db, MANAGER, "Y90002")
    (theirs,) = coding.worklist(db, WORKER, "Y90002")
    with pytest.raises(PermissionDenied):
        coding.mark_coded(db, MANAGER, [theirs.id])
    assert coding.mark_coded(db, MANAGER, [mine.id], date(2026, 10, 2)) == 1
    assert coding.mark_coded(db, MANAGER, [mine.id], date(2026, 10, 2)) == 0
    assert coding.worklist(db, MANAGER) == []
    assert coding.mark_coded(db, MANAGER, [mine.id], coded=False) == 1
    assert [r.id for r in coding.worklist(db, MANAGER)] == [mine.id]


def test_worklist_workbook_and_command(db, tmp_path, capsys):
    from pcn_assistant.cli import main

    world = build_world(db)
    _refer(db, world, 0)
    _refer(db, world, 2, on=date(2026, 9, 3))
    out = tmp_path / "y90001.xlsx"
    assert coding.export_worklist(db, MANAGER, "Y90001", out) == 2
    sheet = load_workbook(out)["To code"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("NHS number", "Date of birth", "SNOMED CT code", "Term", "Date", "Coded", "Coded on")
    assert [(r[0], r[2], r[4].date(), r[5]) for r in rows[1:]] == [
        ("999 000 0018", ACCEPTED, date(2026, 9, 1), "No"), ("999 000 0034", ACCEPTED, date(2026, 9, 3), "No")]
    if db.file_path is None:
        return
    db.dispose()
    cli_out = tmp_path / "cli.xlsx"
    assert main(["--database", str(db.file_path), "coding", "worklist", "--practice", "y90001",
                 "--out", str(cli_out)]) == 0
    assert "Wrote 2 entries for Y90001" in capsys.readouterr().out
    assert main(["--database", str(db.file_path), "coding", "worklist", "--practice", "Y99999",
                 "--out", str(cli_out)]) == 3
