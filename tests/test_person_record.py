"""The social prescribing record to the PRSB standard: consent, individual requirements,
referrer, signposting, social context, safety, plan agreement, more outcome measures and
appointments, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from referrals_world import TODAY, WORKER, build_world
from sqlalchemy import select

from pcn_assistant.core import person_record as vocab
from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services.caseload import plans
from pcn_assistant.services.person_record import (
    about_me,
    appointments,
    consent,
    referral_in,
    safety,
    signposting,
)
from pcn_assistant.services.referrals.documents import referral_slip
from pcn_assistant.services.referrals.lifecycle import NewReferral, create_referrals
from pcn_assistant.services.referrals.outcomes import list_measures, person_changes, record_measure
from pcn_assistant.services.referrals.returns import export_returns
from pcn_assistant.services.referrals.workbooks import NAME, NEEDS, NOT_SHARED, SHEET
from pcn_assistant.services.security import CLINICAL_DIRECTOR, PRACTICE_MANAGER, Actor
from pcn_assistant.store.models.audit import AuditEvent
from pcn_assistant.store.models.caseload import PersonFlag
from pcn_assistant.store.models.directory import DirectoryService
from pcn_assistant.store.models.person_record import ConsentEvent

DIRECTOR = Actor("dee", CLINICAL_DIRECTOR)
MANAGER = Actor("max", PRACTICE_MANAGER, practice_code="Y90001")


@pytest.fixture
def world(db):
    return build_world(db)


def _organisation_of(db, service_id: int) -> int:
    with db.session() as session:
        return session.get(DirectoryService, service_id).organisation_id


def _returns_rows(db, tmp_path, name="out"):
    written = export_returns(db, WORKER, tmp_path / name, today=TODAY)
    rows = {}
    for w in written:
        sheet = load_workbook(w.path)[SHEET]
        header = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2, values_only=True):
            rows[row[0]] = dict(zip(header, row, strict=True))
    return rows


# --- 1. Consent ---------------------------------------------------------------------

def test_consent_rule_newest_event_decides_and_withdrawal_wins():
    events = [vocab.Consent(1, vocab.SHARE, None, date(2026, 1, 1), None),
              vocab.Consent(2, vocab.SHARE, 7, date(2026, 3, 1), date(2026, 5, 1))]
    assert vocab.sharing_decision(events, 7, "Walkers", on=date(2026, 4, 1)).allowed
    refused = vocab.sharing_decision(events, 7, "Walkers", on=date(2026, 5, 1))
    assert not refused.allowed and "withdrawn on 01-May-2026" in refused.reason
    # Another provider is still covered by the "every provider" consent.
    assert vocab.sharing_decision(events, 8, "Crafters", on=date(2026, 5, 1)).allowed
    assert not vocab.sharing_decision([], 7, "Walkers", on=date(2026, 5, 1)).allowed
    # Not yet given on that date.
    assert not vocab.sharing_decision(events[1:], 7, "Walkers", on=date(2026, 2, 1)).allowed


def test_referral_tick_is_a_consent_event_and_withdrawal_stops_the_next_workbook(db, world, tmp_path):
    (ref,) = create_referrals(db, WORKER, world.episodes[0], NewReferral(
        [world.services["walk"]], "befriending", consent_given=True, share_details=True,
        consent_method="written"), on=TODAY, today=TODAY)
    [row] = consent.list_consents(db, WORKER, world.patients[0])
    assert (row.purpose, row.method, row.organisation, row.is_current) == ("share", "written", "Bay Walkers", True)
    assert _returns_rows(db, tmp_path, "first")[ref.reference][NAME] == "FAMILY0, Person0"

    consent.withdraw_consent(db, WORKER, row.id, on=TODAY, reason="Changed their mind")
    after = _returns_rows(db, tmp_path, "second")[ref.reference]
    assert after[NAME] == NOT_SHARED and after["Phone"] in ("", None)
    slip = referral_slip(db, WORKER, ref.id, today=TODAY)
    from pcn_assistant.services.reports import to_text

    text = to_text(slip)
    assert "Person0" not in text
    with db.session() as session:  # the event is kept, only marked withdrawn
        event = session.get(ConsentEvent, row.id)
        assert event.withdrawn_on == TODAY and event.withdrawn_reason == "Changed their mind"


def test_consent_by_a_representative_needs_name_and_relationship(db, world):
    base = dict(purpose="service", method="verbal", given_on=TODAY, given_by="representative")
    with pytest.raises(InvalidInput, match="representative's name"):
        consent.record_consent(db, WORKER, world.patients[0], consent.NewConsent(**base))
    with pytest.raises(InvalidInput, match="relationship"):
        consent.record_consent(db, WORKER, world.patients[0], consent.NewConsent(
            **base, representative_name="Jo Family0"))
    consent_id = consent.record_consent(db, WORKER, world.patients[0], consent.NewConsent(
        **base, representative_name="Jo Family0", representative_relationship="Daughter (LPA)"))
    [row] = consent.list_consents(db, WORKER, world.patients[0])
    assert row.id == consent_id and "by Jo Family0 (Daughter (LPA))" in row.reads_as
    with pytest.raises(InvalidInput, match="future"):
        consent.record_consent(db, WORKER, world.patients[0], consent.NewConsent(
            purpose="service", method="verbal", given_on=TODAY + timedelta(days=400)))
    with pytest.raises(InvalidInput, match="must be one of"):
        consent.record_consent(db, WORKER, world.patients[0], consent.NewConsent(
            purpose="service", method="telepathy", given_on=TODAY))
    with pytest.raises(InvalidInput, match="before it was given"):
        consent.withdraw_consent(db, WORKER, consent_id, on=TODAY - timedelta(days=1))


def test_no_share_tick_means_no_consent_event_and_no_name(db, world, tmp_path):
    (ref,) = create_referrals(db, WORKER, world.episodes[1], NewReferral(
        [world.services["knit"]], "arts", consent_given=True, share_details=False), on=TODAY, today=TODAY)
    assert consent.list_consents(db, WORKER, world.patients[1]) == []
    # Even a general consent to share does not override the person's "no" for this referral.
    consent.record_consent(db, WORKER, world.patients[1], consent.NewConsent(
        purpose="share", method="verbal", given_on=TODAY))
    assert _returns_rows(db, tmp_path)[ref.reference][NAME] == NOT_SHARED


# --- 2. Individual requirements ----------------------------------------------------------

def test_requirements_reach_the_slip_and_the_workbook_only_with_consent(db, world, tmp_path):
    saved = about_me.save_requirements(db, WORKER, world.patients[0], about_me.Requirements(
        communication_needs="Large print", reasonable_adjustments="Ground-floor room", interpreter_needed=True,
        language="Polish", preferred_name="Basia", pronouns="she/her", contact_method="phone",
        contact_times="Mornings"))
    lines = saved.banner_lines()
    assert lines[0] == "Needs an interpreter (Polish)" and "Communication: Large print" in lines
    (shared,) = create_referrals(db, WORKER, world.episodes[0], NewReferral(
        [world.services["walk"]], "befriending", consent_given=True, share_details=True), on=TODAY, today=TODAY)
    about_me.save_requirements(db, WORKER, world.patients[2], about_me.Requirements(
        communication_needs="Deaf: BSL"))
    (private,) = create_referrals(db, WORKER, world.episodes[2], NewReferral(
        [world.services["walk"]], "befriending", consent_given=True, share_details=False), on=TODAY, today=TODAY)
    rows = _returns_rows(db, tmp_path)
    assert "Large print" in rows[shared.reference][NEEDS]
    assert rows[private.reference][NEEDS] in ("", None)
    with pytest.raises(InvalidInput, match="Preferred contact method"):
        about_me.save_requirements(db, WORKER, world.patients[0], about_me.Requirements(
            contact_method="pigeon", version=saved.version))


def test_requirements_edit_clash_is_refused(db, world):
    first = about_me.save_requirements(db, WORKER, world.patients[0], about_me.Requirements(language="Urdu"))
    about_me.save_requirements(db, WORKER, world.patients[0], about_me.Requirements(
        language="Punjabi", version=first.version))
    from pcn_assistant.errors import StaleRecord

    with pytest.raises(StaleRecord):
        about_me.save_requirements(db, WORKER, world.patients[0], about_me.Requirements(
            language="English", version=first.version))


# --- 3. Referrer -------------------------------------------------------------------------

def test_referrer_details_and_the_message_back(db, world):
    with pytest.raises(InvalidInput, match="service or team is required"):
        referral_in.set_referrer(db, WORKER, world.episodes[0], referral_in.Referrer(
            "Ann Lee", "", "Bay Housing", "01632 960999"))
    with pytest.raises(InvalidInput, match="phone or email is required"):
        referral_in.set_referrer(db, WORKER, world.episodes[0], referral_in.Referrer(
            "Ann Lee", "Housing officer", "Bay Housing", "", "referrer", service="Tenancy support"))
    referral_in.set_referrer(db, WORKER, world.episodes[0], referral_in.Referrer(
        "Ann Lee", "", "Bay Housing", "01632 960999", "gp", service="Tenancy support"))
    with pytest.raises(InvalidInput, match="GP only"):
        referral_in.referrer_message(db, WORKER, world.episodes[0], today=TODAY)
    view = referral_in.referral_in_view(db, WORKER, world.episodes[0])
    referral_in.set_referrer(db, WORKER, world.episodes[0], referral_in.Referrer(
        "Ann Lee", "Housing officer", "Bay Housing", "ann@bayhousing.example", "both", service="Tenancy support"),
        expected_version=view.episode_version)
    doc = referral_in.referrer_message(db, WORKER, world.episodes[0], today=TODAY)
    assert "Ann Lee, Housing officer, Tenancy support, Bay Housing" in doc.subtitle
    from pcn_assistant.services.reports import to_text

    assert "999" not in to_text(doc) and "Bay Housing" in to_text(doc)  # no NHS number to a non-GP referrer
    with pytest.raises(PermissionDenied):
        referral_in.referrer_message(db, MANAGER, world.episodes[0], today=TODAY)


# --- 4. Signposting ------------------------------------------------------------------------

def test_signposting_is_kept_apart_from_referrals_and_counted_by_person(db, world):
    signposting.record_signposting(db, WORKER, world.patients[0], description="Citizens Advice leaflet",
                                   category="money", on=TODAY)
    signposting.record_signposting(db, WORKER, world.patients[0], description="Carers' helpline",
                                   category="carers", on=TODAY, service_id=world.services["walk"])
    signposting.record_signposting(db, WORKER, world.patients[1], description="Library", category="arts",
                                   on=TODAY)
    create_referrals(db, WORKER, world.episodes[1], NewReferral(
        [world.services["knit"]], "arts", consent_given=True), on=TODAY, today=TODAY)
    counts = signposting.signposting_counts(db, DIRECTOR, TODAY - timedelta(days=30), TODAY)
    assert (counts.people_signposted, counts.signposting_events, counts.people_signposted_only) == (2, 3, 1)
    rows = signposting.list_signposting(db, WORKER, world.patients[0])
    assert [r.service for r in rows] == [None, "Health Walks"] or [r.service for r in rows] == ["Health Walks", None]
    with pytest.raises(InvalidInput, match="required"):
        signposting.record_signposting(db, WORKER, world.patients[0], description=" ", category="money")


# --- 5. Social context ---------------------------------------------------------------------

def test_social_context_starts_from_gp_codes_then_the_link_workers_record(db, world):
    from pcn_assistant.store.models.patient import Patient

    with db.transaction() as session:
        patient = session.get(Patient, world.patients[0])
        patient.lives_alone, patient.is_carer = True, False
    coded = about_me.get_context(db, WORKER, world.patients[0])
    assert coded.lives_alone is True and coded.version is None and coded.summary() == "Lives alone"
    saved = about_me.save_context(db, WORKER, world.patients[0], about_me.Context(
        lives_alone=True, is_carer=True, accommodation="social_rent", employment="retired",
        occupation="Former docker"))
    assert saved.summary() == "Lives alone; Carer; Social housing; Retired"
    with pytest.raises(InvalidInput, match="Accommodation must be one of"):
        about_me.save_context(db, WORKER, world.patients[0], about_me.Context(accommodation="castle",
                                                                              version=saved.version))


# --- 6. Risk and safeguarding ----------------------------------------------------------------

def test_home_visit_risk_assessment_and_review_date(db, world):
    with pytest.raises(InvalidInput, match="lone-working plan"):
        safety.assess_home_visit(db, WORKER, world.patients[0], risks=["animals"], lone_working_plan="")
    with pytest.raises(InvalidInput, match="must be one of"):
        safety.assess_home_visit(db, WORKER, world.patients[0], risks=["ghosts"], lone_working_plan="Buddy call")
    done = safety.assess_home_visit(db, WORKER, world.patients[0], risks=["animals", "isolated_location"],
                                    lone_working_plan="Text buddy on arrival and leaving", visit_in_pairs=True,
                                    assessed_on=TODAY - timedelta(days=200))
    assert done.review_by == TODAY - timedelta(days=200) + safety.REVIEW_AFTER
    latest = safety.latest_home_visit_assessment(db, WORKER, world.patients[0])
    assert latest.is_due(TODAY) and "review overdue" in latest.reads_as(TODAY)
    assert "Animals in the home" in latest.reads_as(TODAY)


def test_safeguarding_concern_needs_category_and_who_was_informed(db, world):
    with pytest.raises(InvalidInput, match="Who was informed"):
        safety.raise_safeguarding(db, WORKER, world.patients[0], category="financial",
                                  description="Son takes pension", informed="")
    safety.raise_safeguarding(db, WORKER, world.patients[0], category="financial",
                              description="Son takes pension", informed="Practice safeguarding lead, Dr Shah")
    [concern] = safety.safeguarding_concerns(db, WORKER, world.patients[0])
    assert (concern.category, concern.source) == ("financial", "app")
    with db.session() as session:
        actions = session.execute(select(AuditEvent.action, AuditEvent.summary)).all()
    assert any(a == "caseload.safeguarding" and "Son" not in s for a, s in actions)


def test_safeguarding_codes_in_gp_events_become_flags_once(db, world, tmp_path):
    from pcn_assistant.services.patient_import.events import import_events
    from pcn_assistant.services.security import SYSTEM

    path = tmp_path / "events.csv"
    path.write_text("NHS Number,Code,Date,Value,Unit\n"
                    "999 000 0018,761571000000106,15/10/2026,,\n"
                    "999 000 0018,160689007,15/10/2026,,\n"
                    "999 000 0026,417430008,01/09/2026,,\n", encoding="utf-8")
    import_events(db, SYSTEM, path)
    concerns = safety.safeguarding_concerns(db, WORKER, world.patients[0])
    assert [(c.category, c.source, c.raised_on) for c in concerns] == [("financial", "gp_code", date(2026, 10, 15))]
    assert safety.flags_from_gp_codes(db, SYSTEM) == 0  # re-running adds nothing
    assert len(safety.safeguarding_concerns(db, WORKER, world.patients[1])) == 1


# --- 7. Plan ---------------------------------------------------------------------------------

def test_plan_agreement_and_goal_confidence_and_outcome(db, world):
    with pytest.raises(InvalidInput, match="Write the plan"):
        referral_in.agree_plan(db, WORKER, world.episodes[0], referral_in.PlanAgreement(
            "Person0 Family0", "The person", TODAY, "Sam Okafor", TODAY + timedelta(days=42)))
    plans.save_plan(db, WORKER, world.episodes[0], what_matters="Get out more", strengths="Chatty", needs="Company")
    with pytest.raises(InvalidInput, match="after the date"):
        referral_in.agree_plan(db, WORKER, world.episodes[0], referral_in.PlanAgreement(
            "Person0 Family0", "The person", TODAY, "Sam Okafor", TODAY))
    referral_in.agree_plan(db, WORKER, world.episodes[0], referral_in.PlanAgreement(
        "Person0 Family0", "The person", TODAY, "Sam Okafor", TODAY + timedelta(days=42)))
    goal = plans.add_goal(db, WORKER, world.episodes[0], description="Join a walking group", importance=8)
    with pytest.raises(InvalidInput, match="0 to 10"):
        referral_in.review_goal(db, WORKER, goal.id, confidence=11, outcome=None)
    version = referral_in.review_goal(db, WORKER, goal.id, confidence=6, outcome=None)
    referral_in.review_goal(db, WORKER, goal.id, confidence=9, outcome="partly", expected_version=version)
    from pcn_assistant.store.models.caseload import CarePlan, CarePlanGoal

    with db.session() as session:
        plan = session.execute(select(CarePlan)).scalar_one()
        stored = session.get(CarePlanGoal, goal.id)
    assert (plan.agreed_by_name, plan.reviewer, plan.review_on) == (
        "Person0 Family0", "Sam Okafor", TODAY + timedelta(days=42))
    assert (stored.confidence, stored.review_outcome, stored.status) == (9, "partly", "partly_achieved")


# --- 8. Outcome measures -----------------------------------------------------------------------

def test_new_measures_scored_and_paired(db, world):
    pid, eid = world.patients[0], world.episodes[0]
    record_measure(db, WORKER, pid, "ucla3", "baseline", [3, 3, 2], on=TODAY - timedelta(days=60), episode_id=eid)
    record_measure(db, WORKER, pid, "ucla3", "follow_up", [2, 2, 1], on=TODAY, episode_id=eid)
    record_measure(db, WORKER, pid, "ons_lonely", "baseline", [1], on=TODAY - timedelta(days=60), episode_id=eid)
    record_measure(db, WORKER, pid, "ons_lonely", "follow_up", [3], on=TODAY, episode_id=eid)
    with pytest.raises(InvalidInput, match="first concern"):
        record_measure(db, WORKER, pid, "mycaw", "baseline", [5, None, 4], on=TODAY, episode_id=eid)
    record_measure(db, WORKER, pid, "mycaw", "baseline", [5, 4, 4], on=TODAY - timedelta(days=60),
                   episode_id=eid, concerns=["Lonely since wife died", "Money"])
    record_measure(db, WORKER, pid, "mycaw", "follow_up", [4, 4, 4], on=TODAY, episode_id=eid,
                   concerns=["Lonely since wife died", "Money"])
    rows = {(r.instrument, r.timepoint): r for r in list_measures(db, WORKER, pid)}
    assert rows[("ucla3", "baseline")].summary == "8 of 9: more lonely"
    assert rows[("mycaw", "baseline")].score == 4.33
    changes = {c.instrument: c.changes[0] for c in person_changes(db, WORKER, pid) if c.changes}
    assert (changes["ucla3"].change, changes["ucla3"].direction) == (-3, "improved")
    assert changes["ons_lonely"].direction == "improved"
    # MYCaW 4.33 -> 4.00 is a fall of 0.33: below the 1-point meaningful change.
    assert (changes["mycaw"].change, changes["mycaw"].direction) == (-0.33, "no change")


def test_new_measures_on_the_dashboard(db, world):
    from pcn_assistant.services.dashboard import build_dashboard

    for index, pid in enumerate(world.patients):
        eid = world.episodes[index]
        record_measure(db, WORKER, pid, "ucla3", "baseline", [3, 3, 3], on=date(2026, 9, 1), episode_id=eid)
        record_measure(db, WORKER, pid, "ucla3", "follow_up", [2, 2, 3 - index % 2], on=date(2026, 10, 20),
                       episode_id=eid)
    dashboard = build_dashboard(db, DIRECTOR, today=TODAY, exact=True)
    outcomes = next(s for s in dashboard.sections if s.key == "outcomes")
    table = next(t for t in outcomes.tables if t.key == "paired_change")
    row = dict(zip(table.columns, next(r for r in table.rows if str(r[0]).startswith("Loneliness, UCLA")),
                   strict=True))
    assert (row["Pairs"], row["Improved"], row["% improved"]) == (4, 4, 100.0)
    published = build_dashboard(db, DIRECTOR, today=TODAY)  # 4 people: a small count, hidden with its share
    table = next(t for t in next(s for s in published.sections if s.key == "outcomes").tables
                 if t.key == "paired_change")
    row = dict(zip(table.columns, next(r for r in table.rows if str(r[0]).startswith("Loneliness, UCLA")),
                   strict=True))
    assert row["Pairs"] == "*" and row["% improved"] == "*"
    assert any("UCLA 3-item" in note for note in outcomes.method_notes)


# --- 9. Appointments ---------------------------------------------------------------------------

def test_book_refuses_the_past_and_clashes(db, world):
    from pcn_assistant.core import clock

    soon = datetime.combine(clock.today() + timedelta(days=1), datetime.min.time()).replace(hour=10)
    with pytest.raises(InvalidInput, match="in the past"):
        appointments.book(db, WORKER, world.patients[0], starts_at=soon - timedelta(days=3), kind="phone")
    with pytest.raises(InvalidInput, match="Say where"):
        appointments.book(db, WORKER, world.patients[0], starts_at=soon, kind="home_visit")
    first = appointments.book(db, WORKER, world.patients[0], starts_at=soon, kind="home_visit", minutes=60,
                              place="Home, 1 Sea Road")
    with pytest.raises(InvalidInput, match="overlaps"):
        appointments.book(db, WORKER, world.patients[1], starts_at=soon + timedelta(minutes=30), kind="phone")
    second = appointments.book(db, WORKER, world.patients[1], starts_at=soon + timedelta(minutes=60), kind="phone")
    day = appointments.day_list(db, WORKER, soon.date())
    assert [a.id for a in day] == [first.id, second.id] and day[0].person == "FAMILY0, Person0"
    assert appointments.day_list(db, Actor("priya", WORKER.role), soon.date()) == []
    with pytest.raises(InvalidInput, match="still to come"):
        appointments.set_status(db, WORKER, first.id, "attended")
    cancelled = appointments.set_status(db, WORKER, first.id, "cancelled")
    assert cancelled.status == "cancelled"


def _unfold(text: str) -> list[str]:
    assert "\n" not in text.replace("\r\n", "")  # every line ends CRLF
    return text.replace("\r\n ", "").split("\r\n")


def test_ics_export_is_valid_icalendar_without_identifiers(db, world, tmp_path):
    from pcn_assistant.core import clock

    start = clock.today() + timedelta(days=2)
    at = datetime.combine(start, datetime.min.time()).replace(hour=14, minute=30)
    appointments.book(db, WORKER, world.patients[0], starts_at=at, kind="face_to_face", minutes=45,
                      place="Library, Sea Road; room 2, upstairs", note="Bring the leaflet")
    path = tmp_path / "diary.ics"
    assert appointments.export_ics(db, WORKER, path, start=start, days=1) == 1
    raw = path.read_bytes().decode("utf-8")
    lines = _unfold(raw)
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    assert lines[0] == "BEGIN:VCALENDAR" and "END:VCALENDAR" in lines
    assert f"DTSTART;TZID=Europe/London:{at:%Y%m%dT%H%M%S}" in lines
    assert f"DTEND;TZID=Europe/London:{at + timedelta(minutes=45):%Y%m%dT%H%M%S}" in lines
    assert "LOCATION:Library\\, Sea Road\\; room 2\\, upstairs" in lines
    assert "SUMMARY:Social prescribing: face to face with PF" in lines
    assert "Person0" not in raw and "9990000018" not in raw and "Family0" not in raw


def test_ics_folding_keeps_multibyte_characters_whole():
    from pcn_assistant.core import ics

    line = "DESCRIPTION:" + "café ☕ " * 30
    folded = ics.fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_permissions(db, world):
    with pytest.raises(PermissionDenied):
        consent.record_consent(db, DIRECTOR, world.patients[0], consent.NewConsent(
            purpose="service", method="verbal", given_on=TODAY))
    with pytest.raises(PermissionDenied):
        appointments.day_list(db, MANAGER, TODAY)
    with pytest.raises(PermissionDenied):
        about_me.get_requirements(db, MANAGER, world.patients[0])


# --- 5. Social context in worklists and equity; 4. signposting on the dashboard ------------

def test_worklists_filter_by_household_recorded_or_coded(db, world):
    from pcn_assistant.services.caseload.worklists import WorklistFilter, page_worklist
    from pcn_assistant.store.models.patient import Patient

    with db.transaction() as session:
        session.get(Patient, world.patients[1]).lives_alone = True  # coded in the GP record
        session.get(Patient, world.patients[2]).lives_alone = True  # coded, but the link worker knows better
    about_me.save_context(db, WORKER, world.patients[0], about_me.Context(lives_alone=True))
    about_me.save_context(db, WORKER, world.patients[2], about_me.Context(lives_alone=False))
    rows = page_worklist(db, WORKER, "caseload", WorklistFilter(household="lives_alone"))
    assert sorted(r.patient_id for r in rows) == sorted([world.patients[0], world.patients[1]])
    with pytest.raises(InvalidInput, match="Household must be one of"):
        page_worklist(db, WORKER, "caseload", WorklistFilter(household="owns_a_boat"))


def test_equity_has_a_lives_alone_dimension_and_signposting_is_on_the_dashboard(db, world):
    from pcn_assistant.services.dashboard import build_dashboard

    about_me.save_context(db, WORKER, world.patients[0], about_me.Context(lives_alone=True))
    signposting.record_signposting(db, WORKER, world.patients[0], description="Leaflet", category="money",
                                   on=date(2026, 10, 20))
    dashboard = build_dashboard(db, DIRECTOR, today=TODAY)
    equity = next(s for s in dashboard.sections if s.key == "equity")
    household = next(t for t in equity.tables if "Lives alone" in t.title)
    assert {row[0] for row in household.rows} >= {"Lives alone"}
    referrals = next(s for s in dashboard.sections if s.key == "referrals")
    table = next(t for t in referrals.tables if t.key == "signposting")
    assert [row[0] for row in table.rows] == ["Money and debt", "Total"]
    assert table.rows[0][1] == "*"  # one person: a small count, protected like every other


def test_signposting_counts_each_person_once_under_their_first_need(db, world):
    from pcn_assistant.services.dashboard import build_dashboard

    for pid in world.patients[:4]:
        signposting.record_signposting(db, WORKER, pid, description="Leaflet", category="money",
                                       on=date(2026, 10, 1))
    signposting.record_signposting(db, WORKER, world.patients[0], description="Helpline", category="carers",
                                   on=date(2026, 10, 9))
    dashboard = build_dashboard(db, DIRECTOR, today=TODAY, exact=True)
    referrals = next(s for s in dashboard.sections if s.key == "referrals")
    table = next(t for t in referrals.tables if t.key == "signposting")
    assert table.rows == [["Money and debt", 4, 4], ["Total", 4, 4]]


def test_demo_fills_the_person_record(demo_db):
    from sqlalchemy import func

    from pcn_assistant.core import clock
    from pcn_assistant.store.models.caseload import Episode
    from pcn_assistant.store.models.person_record import Appointment, ConsentEvent, Signposting

    with demo_db.session() as session:
        episodes = session.execute(select(func.count()).select_from(Episode)).scalar_one()
        service_consents = session.execute(select(func.count()).select_from(ConsentEvent).where(
            ConsentEvent.purpose == "service")).scalar_one()
        upcoming = session.execute(select(Appointment.link_worker, Appointment.starts_at).where(
            Appointment.status == "booked")).all()
        signposted = session.execute(select(func.count()).select_from(Signposting)).scalar_one()
    assert service_consents == episodes  # every episode began with consent to the service
    assert upcoming and all(at.date() >= clock.today() for _w, at in upcoming)
    assert len({(w, at) for w, at in upcoming}) == len(upcoming)  # nobody double-booked
    assert signposted > 0


def test_appointments_commands(db, world, tmp_path, capsys, monkeypatch):
    import json

    from pcn_assistant.cli import main
    from pcn_assistant.commands import context
    from pcn_assistant.core import clock

    if db.file_path is None:
        pytest.skip("CLI test runs on the SQLite file")
    day = clock.today() + timedelta(days=1)
    appointments.book(db, WORKER, world.patients[0], starts_at=datetime.combine(day, datetime.min.time())
                      .replace(hour=11), kind="phone")
    db.dispose()
    monkeypatch.setattr(context, "resolve_actor", lambda ctx: WORKER)
    assert main(["--database", str(db.file_path), "appointments", "day", "--date", day.isoformat(), "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["starts_at"].endswith("T11:00") and row["person"] == "FAMILY0, Person0"
    out = tmp_path / "mine.ics"
    assert main(["--database", str(db.file_path), "appointments", "ics", "--out", str(out)]) == 0
    assert "Wrote 1 appointment to" in capsys.readouterr().out and "BEGIN:VEVENT" in out.read_text()
    with pytest.raises(SystemExit) as refused:
        main(["--database", str(db.file_path), "appointments", "day", "--date", "tomorrow"])
    assert refused.value.code == 2


def test_gp_code_scan_reads_only_new_events_until_the_code_list_changes(db, world):
    from pcn_assistant.services.security import SYSTEM
    from pcn_assistant.store.models.patient import PatientMeasure
    from pcn_assistant.store.models.settings import Setting

    with db.transaction() as session:
        session.add(PatientMeasure(patient_id=world.patients[0], code="417430008", recorded_on=date(2026, 9, 1)))
    assert safety.flags_from_gp_codes(db, SYSTEM) == 1
    with db.transaction() as session:  # an event stored later is still found; the old one is not re-read
        session.add(PatientMeasure(patient_id=world.patients[1], code="401233007", recorded_on=date(2026, 9, 2)))
        session.query(PersonFlag).delete()
    assert safety.flags_from_gp_codes(db, SYSTEM) == 1
    assert [c.category for c in safety.safeguarding_concerns(db, WORKER, world.patients[1])] == ["self_neglect"]
    with db.transaction() as session:  # a changed code list (another digest) rescans everything
        session.get(Setting, safety.SCANNED_KEY).value = "999999:another-list"
    assert safety.flags_from_gp_codes(db, SYSTEM) == 1  # the first person's flag again; the second exists
