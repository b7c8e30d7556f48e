"""A small hand-built PCN whose dashboard answers are worked out by hand in test_dashboard.py."""

from __future__ import annotations

from datetime import date, datetime

from pcn_assistant.store.models import Patient, PatientMeasure, Practice
from pcn_assistant.store.models.caseload import Episode, EpisodeContact
from pcn_assistant.store.models.directory import DirectoryOrganisation, DirectoryService
from pcn_assistant.store.models.referrals import OutcomeMeasure, Referral, ReferralEvent
from pcn_assistant.store.models.risk import RiskAssessment, RiskRun

TODAY = date(2026, 11, 1)
NHS = iter(f"999{n:06d}" for n in range(100000, 999999))


def _nhs() -> str:
    from pcn_assistant.core.nhs_number import check_digit

    while True:
        stem = next(NHS)
        digit = check_digit(stem)
        if digit is not None:
            return stem + str(digit)


def build(session) -> dict[str, Patient]:  # noqa: ANN001
    a = Practice(ods_code="P00001", name="Alpha Surgery", list_size=10)
    b = Practice(ods_code="P00002", name="Beta Surgery", list_size=10)
    session.add_all([a, b])
    session.flush()
    people: dict[str, Patient] = {}
    for i in range(10):
        for prefix, practice, old, young, decile in (("a", a, 1950, 1990, 1), ("b", b, 1940, 1980, 9)):
            born = date(old if i < 5 else young, 3, 1)
            person = Patient(nhs_number=_nhs(), given_name=f"{prefix}{i}", family_name="Test",
                             given_name_lc=f"{prefix}{i}", family_name_lc="test", date_of_birth=born,
                             sex="F" if i % 2 == 0 else "M", practice_id=practice.id, imd_decile=decile,
                             ethnicity="White - British")
            people[f"{prefix}{i}"] = person
    session.add_all(people.values())
    session.flush()

    run = RiskRun(assessed_on=TODAY, user_name="t", model_id="ppcs-1", model_version="1",
                  tier3_percent="2", tier2_percent="13")
    session.add(run)
    session.flush()
    tiers = {"a0": 3, "a1": 3, "a2": 2, "b0": 3, "b1": 2, "b2": 2}
    for key, person in people.items():
        session.add(_assessment(run, person, tiers.get(key, 1), latest=True))
    session.add(_assessment(run, people["a3"], 3, latest=False))  # superseded: must not count

    e1 = _episode(people["a0"], "sam", "gp", date(2026, 7, 10), contacted=date(2026, 7, 13),
                  assessed=date(2026, 7, 20), status="active", review=date(2026, 10, 1))
    e2 = _episode(people["a5"], "sam", "self", date(2026, 8, 1), contacted=date(2026, 8, 11),
                  status="closed", closed=date(2026, 8, 20), reason="declined")
    e3 = _episode(people["b0"], "priya", "gp", date(2026, 4, 1), contacted=date(2026, 4, 2),
                  assessed=date(2026, 4, 5), status="active", review=date(2026, 12, 1))
    e4 = _episode(people["b5"], "priya", "hospital", date(2026, 9, 15))
    e5 = _episode(people["a1"], "jo", "gp", date(2026, 1, 1), contacted=date(2026, 1, 2),
                  status="closed", closed=date(2026, 3, 1), reason="goals_met")
    session.add_all([e1, e2, e3, e4, e5])
    session.flush()

    for episode, when, kind, by in ((e1, datetime(2026, 7, 13, 10), "phone", "sam"),
                                    (e1, datetime(2026, 7, 20, 14), "face_to_face", "sam"),
                                    (e1, datetime(2026, 7, 21, 9), "unsuccessful", "sam"),
                                    (e2, datetime(2026, 8, 11, 11), "phone", "sam"),
                                    (e3, datetime(2026, 7, 1, 16), "phone", "priya")):
        session.add(EpisodeContact(episode_id=episode.id, contact_at=when, contact_type=kind, recorded_by=by))

    walkers = DirectoryOrganisation(oruk_id="org-walk", name="Bay Walkers")
    money = DirectoryOrganisation(oruk_id="org-money", name="Money Help")
    session.add_all([walkers, money])
    session.flush()
    walking = DirectoryService(oruk_id="svc-walk", organisation_id=walkers.id, name="Walking group",
                               capacity=1, capacity_unit="places")
    debt = DirectoryService(oruk_id="svc-debt", organisation_id=money.id, name="Debt advice")
    session.add_all([walking, debt])
    session.flush()
    _referral(session, "SP-000001", e1, walking, "physical_activity", date(2026, 7, 21), "accepted",
              [("sent", date(2026, 7, 21)), ("accepted", date(2026, 7, 25))])
    _referral(session, "SP-000002", e1, debt, "money", date(2026, 7, 22), "sent", [("sent", date(2026, 7, 22))])
    _referral(session, "SP-000003", e3, walking, "physical_activity", date(2026, 5, 1), "completed",
              [("sent", date(2026, 5, 1)), ("accepted", date(2026, 5, 3)), ("attended", date(2026, 5, 10)),
               ("completed", date(2026, 8, 1))])

    _measure(session, e1, "swemwbs", "baseline", date(2026, 7, 20), [3] * 7)
    _measure(session, e1, "swemwbs", "follow_up", date(2026, 9, 20), [4] * 7)
    _measure(session, e3, "swemwbs", "baseline", date(2026, 4, 5), [2] * 7)
    _measure(session, e3, "swemwbs", "follow_up", date(2026, 8, 15), [3] * 7)
    _measure(session, e2, "swemwbs", "baseline", date(2026, 8, 11), [3] * 7)
    _measure(session, e2, "swemwbs", "follow_up", date(2026, 9, 1), [3, 3, None, 3, 3, 3, 3])  # incomplete
    _measure(session, e1, "ons4", "baseline", date(2026, 7, 20), [5, 5, 5, 8])
    _measure(session, e1, "ons4", "follow_up", date(2026, 9, 20), [7, 6, 5, 4])

    for person, code, day in (("a1", "4525004", date(2025, 12, 1)), ("a1", "4525004", date(2025, 11, 15)),
                              ("a1", "4525004", date(2026, 2, 1)), ("a1", "183452005", date(2025, 12, 20)),
                              ("b0", "4525004", date(2026, 6, 1)), ("b0", "4525004", date(2025, 8, 1)),
                              ("b0", "999999999", date(2026, 6, 2))):
        session.add(PatientMeasure(patient_id=people[person].id, code=code, recorded_on=day))
    session.flush()
    return people


def _assessment(run: RiskRun, person: Patient, tier: int, latest: bool) -> RiskAssessment:
    return RiskAssessment(
        patient_id=person.id, run_id=run.id, assessed_on=TODAY, model_id="ppcs-1", model_version="1", age=50,
        points=tier * 3, pts_frailty=0, pts_multimorbidity=0, pts_admissions=0, pts_ae=0, pts_polypharmacy=0,
        pts_age=0, pts_deprivation=0, pts_social=0, tier=tier, reasons="", rank_key=person.id,
        fingerprint=person.id, is_latest=latest)


def _episode(person: Patient, coordinator: str, source: str, referred: date, *, contacted=None, assessed=None,
             status="identified", review=None, closed=None, reason=None) -> Episode:  # noqa: ANN001
    return Episode(patient_id=person.id, coordinator=coordinator, referral_source=source, referral_reasons=[],
                   referred_on=referred, identified_on=referred, contacted_on=contacted, assessed_on=assessed,
                   status=status, next_review_on=review, closed_on=closed, close_reason=reason, created_by="t")


def _referral(session, reference, episode, service, category, created, status, events) -> None:  # noqa: ANN001
    referral = Referral(reference=reference, episode_id=episode.id, patient_id=episode.patient_id,
                        service_id=service.id, category=category, status=status, status_on=events[-1][1],
                        created_on=created, sent_on=events[0][1], created_by="t",
                        accepted_on=next((d for s, d in events if s == "accepted"), None))
    session.add(referral)
    session.flush()
    previous = "draft"
    for to_status, day in events:
        session.add(ReferralEvent(referral_id=referral.id, from_status=previous, to_status=to_status, event_on=day,
                                  recorded_by="t"))
        previous = to_status


def _measure(session, episode, instrument, timepoint, day, items) -> None:  # noqa: ANN001
    session.add(OutcomeMeasure(patient_id=episode.patient_id, episode_id=episode.id, instrument=instrument,
                               timepoint=timepoint, recorded_on=day, items=items,
                               complete=all(v is not None for v in items), recorded_by="t"))
