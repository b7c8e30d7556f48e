"""The referral slip and the message back to the GP, as documents and as PDFs read back."""

import subprocess
from datetime import date, timedelta

import pytest
from referrals_world import TODAY, WORKER, build_world

from pcn_assistant.core import outcomes as m
from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.services.referrals.documents import gp_message, referral_slip
from pcn_assistant.services.referrals.lifecycle import (
    NewReferral,
    create_referrals,
    set_outcome_note,
    transition,
)
from pcn_assistant.services.referrals.outcomes import record_measure
from pcn_assistant.services.reports import to_html, to_text
from pcn_assistant.store.models.caseload import CarePlan, CarePlanGoal

SENT = date(2026, 9, 1)


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture
def world(db):
    return build_world(db)


def _refer(db, world, person, service, share):
    (created,) = create_referrals(db, WORKER, world.episodes[person], NewReferral(
        [world.services[service]], "befriending", "Widowed in spring; likes music", consent_given=True,
        share_details=share), on=SENT, today=TODAY)
    return created


def test_slip_gives_person_and_provider_what_they_need(db, world):
    created = _refer(db, world, 0, "knit", share=True)
    text = to_text(referral_slip(db, WORKER, created.id, today=TODAY))
    assert f"Reference: {created.reference}" in text
    assert "When: Tuesday, 10:00-12:00" in text and "Where: Saltmarsh Bay" in text
    assert "Contact: 01632 960002" in text
    assert "Name: FAMILY0, Person0" in text and "Widowed in spring" in text
    assert "Need: Befriending and loneliness" in text


def test_slip_without_consent_to_share_has_no_name_or_note(db, world):
    created = _refer(db, world, 1, "walk", share=False)
    document = referral_slip(db, WORKER, created.id, today=TODAY)
    for rendered in (to_text(document), to_html(document)):
        assert "Family1" not in rendered and "FAMILY1" not in rendered and "Widowed" not in rendered
    assert "Not shared: the person will quote the reference" in to_text(document)


def test_slip_pdf(db, world, qapp, tmp_path):
    from pcn_assistant.gui.reports.pdf import write_pdf

    created = _refer(db, world, 0, "walk", share=True)
    out = tmp_path / "slip.pdf"
    assert write_pdf(referral_slip(db, WORKER, created.id, today=TODAY), out) == 1
    text = _pdf_text(out)
    assert created.reference in text and "Health Walks" in text and "For the provider" in text
    assert _pages(out) == 1


def test_gp_message_is_one_page_with_the_prsb_sections(db, world, qapp, tmp_path):
    from pcn_assistant.gui.reports.pdf import write_pdf

    episode = world.episodes[0]
    with db.transaction() as session:
        session.add(CarePlan(episode_id=episode, what_matters="Getting out of the house and seeing people",
                             strengths="Good with her hands", needs="Company"))
        session.add(CarePlanGoal(episode_id=episode, description="Join a weekly group", status="in_progress",
                                 set_on=date(2026, 8, 20), review_on=date(2026, 11, 20)))
    created = _refer(db, world, 0, "knit", share=True)
    transition(db, WORKER, created.id, life.ACCEPTED, SENT + timedelta(days=4), today=TODAY)
    transition(db, WORKER, created.id, life.ATTENDED, SENT + timedelta(days=11), today=TODAY)
    set_outcome_note(db, WORKER, created.id, "Goes every week; has made two friends")
    patient = world.patients[0]
    record_measure(db, WORKER, patient, m.SWEMWBS, "baseline", [2, 2, 2, 2, 2, 2, 2], on=date(2026, 8, 20),
                   episode_id=episode, today=TODAY)
    record_measure(db, WORKER, patient, m.SWEMWBS, "follow_up", [3, 3, 3, 3, 3, 3, 3], on=date(2026, 10, 30),
                   episode_id=episode, today=TODAY)
    record_measure(db, WORKER, patient, m.ONS4, "baseline", [3, 4, 3, 8], on=date(2026, 8, 20), today=TODAY)
    record_measure(db, WORKER, patient, m.ONS4, "follow_up", [6, 6, 7, 3], on=date(2026, 10, 30), today=TODAY)
    document = gp_message(db, WORKER, episode, today=TODAY)
    headings = [s.heading for s in document.sections]
    assert headings == ["Person", "Reason for referral", "What matters to me", "Plan", "Activities and outcome",
                        "Measures", "For the GP record"]
    text = to_text(document)
    assert "NHS number: 999 000 0018" in text and "Reasons: Loneliness or isolation" in text
    # Raw 14 -> 21 is metric 15.32 -> 19.25; anxiety falling from 8 to 3 is an improvement.
    assert "SWEMWBS metric score | 15.32 | 19.25 | +3.93 (improved)" in text
    assert "ONS4: Anxiety yesterday | 8 | 3 | -5 (improved)" in text
    assert "871731000000106" in text and "Goes every week" in text
    out = tmp_path / "gp.pdf"
    assert write_pdf(document, out) == 1
    assert _pages(out) == 1
    pdf = _pdf_text(out)
    assert "What matters to me" in pdf and "Getting out of the house" in pdf and "Join a weekly group" in pdf


def test_pdf_commands(db, world, tmp_path, capsys, monkeypatch):
    from pcn_assistant.cli import main
    from pcn_assistant.commands import context

    if db.file_path is None:
        pytest.skip("CLI test runs on the SQLite file")
    created = _refer(db, world, 0, "walk", share=False)
    db.dispose()
    monkeypatch.setattr(context, "resolve_actor", lambda ctx: WORKER)
    assert main(["--database", str(db.file_path), "referrals", "slip", created.reference.lower(),
                 "--out", str(tmp_path / "s.pdf")]) == 0
    assert main(["--database", str(db.file_path), "referrals", "gp-message", str(world.episodes[0]),
                 "--out", str(tmp_path / "g.pdf")]) == 0
    assert "(1 page)" in capsys.readouterr().out
    assert created.reference in _pdf_text(tmp_path / "s.pdf")
    assert main(["--database", str(db.file_path), "referrals", "slip", "SP-NOPE00", "--out", str(tmp_path / "x.pdf")]) == 3
