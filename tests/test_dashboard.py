"""Every dashboard figure on a hand-built PCN whose answers are worked out by hand."""

import pytest
from dashboard_fixture import TODAY, build
from scipy import stats

from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services.dashboard import build_dashboard
from pcn_assistant.services.dashboard.period import parse_period
from pcn_assistant.services.security import LOCAL_ADMIN, PRACTICE_MANAGER, Actor


@pytest.fixture
def small_pcn(db):
    with db.transaction() as session:
        build(session)
    return db


def _rows(dashboard, section, table):
    t = dashboard.section(section).table(table)
    return {row[0]: dict(zip(t.columns, row, strict=True)) for row in t.chart_rows()}


def test_reach(small_pcn):
    d = build_dashboard(small_pcn, LOCAL_ADMIN, period="2026-Q3", today=TODAY, exact=True)
    tiers = _rows(d, "reach", "tiers_by_practice")
    assert tiers["P00001"] == {"Practice": "P00001", "Tier 1": 7, "Tier 2": 1, "Tier 3": 2, "Adults assessed": 10}
    assert tiers["P00002"]["Tier 3"] == 1 and tiers["P00002"]["Tier 2"] == 2
    tier3 = _rows(d, "reach", "tier3_on_caseload")
    assert (tier3["P00001"]["On a caseload"], tier3["P00001"]["Not on a caseload"]) == (1, 1)
    assert tier3["P00001"]["% reached"] == 50.0
    assert (tier3["P00002"]["On a caseload"], tier3["P00002"]["Not on a caseload"]) == (1, 0)
    months = _rows(d, "reach", "new_episodes_by_source")
    assert list(months) == ["2026-07", "2026-08", "2026-09"]
    assert months["2026-07"]["GP"] == 1 and months["2026-08"]["Self-referral"] == 1
    assert months["2026-09"]["Hospital"] == 1 and months["2026-09"]["Total"] == 1


def test_activity(small_pcn):
    d = build_dashboard(small_pcn, LOCAL_ADMIN, period="2026-Q3", today=TODAY, exact=True)
    weeks = _rows(d, "activity", "contacts_per_week")
    assert sum(r["Contacts"] for r in weeks.values()) == 4  # the unsuccessful attempt is not a contact
    assert weeks["2026-07-13"]["Contacts"] == 1 and weeks["2026-06-29"]["Contacts"] == 1
    people = _rows(d, "activity", "coordinators")
    assert set(people) == {"sam", "priya"}
    assert people["sam"]["People supported"] == 2 and people["sam"]["People per year"] == round(2 * 365 / 92)
    assert people["sam"]["Open episodes"] == 1 and people["priya"]["Open episodes"] == 2
    assert people["sam"]["Contacts"] == 3 and people["priya"]["Contacts"] == 1
    assert people["sam"]["Overdue reviews"] == 1 and people["priya"]["Overdue reviews"] == 0
    headlines = " ".join(d.section("activity").headlines)
    assert "Median 6.5 days from referral to first contact" in headlines
    assert "2 episodes" in headlines and "1 open episode is past its review date" in headlines


def test_referrals(small_pcn):
    d = build_dashboard(small_pcn, LOCAL_ADMIN, period="2026-Q3", today=TODAY, exact=True)
    assert _rows(d, "referrals", "by_category") == {
        "Physical activity": {"Category": "Physical activity", "Referrals": 1},
        "Money and debt": {"Category": "Money and debt", "Referrals": 1}}
    assert {k: v["Referrals"] for k, v in _rows(d, "referrals", "by_provider").items()} == {
        "Bay Walkers": 1, "Money Help": 1}
    outcomes = {k: v["Referrals"] for k, v in _rows(d, "referrals", "by_outcome").items()}
    assert outcomes == {"Accepted": 1, "Declined": 0, "Attended": 0, "Did not attend": 0, "Completed": 1}
    full = _rows(d, "referrals", "full_services")
    assert list(full) == ["Walking group"] and full["Walking group"]["In use"] == 1
    assert any("1 sent referral has had no reply" in h for h in d.section("referrals").headlines)


def test_outcomes_use_only_complete_pairs(small_pcn):
    d = build_dashboard(small_pcn, LOCAL_ADMIN, period="2026-Q3", today=TODAY, exact=True)
    rows = _rows(d, "outcomes", "paired_change")
    sw = rows["Mental wellbeing (SWEMWBS)"]
    assert sw["Pairs"] == 2
    assert sw["Mean change"] == pytest.approx((25.03 - 19.25 + 19.25 - 15.32) / 2, abs=0.01)
    reference = stats.ttest_rel([25.03, 19.25], [19.25, 15.32]).confidence_interval(0.95)
    assert sw["Lower 95%"] == pytest.approx(reference.low, abs=0.01)
    assert sw["Upper 95%"] == pytest.approx(reference.high, abs=0.01)
    assert sw["% improved"] == 100.0
    assert sw["Excluded (no complete pair)"] == 1  # a5: follow-up incomplete
    anxiety = next(v for k, v in rows.items() if k.startswith("Anxiety") and k.endswith("(ONS4)"))
    assert anxiety["Mean change"] == -4 and anxiety["% improved"] == 100.0  # a fall is an improvement
    happiness = next(v for k, v in rows.items() if k.startswith("Happiness") and k.endswith("(ONS4)"))
    assert happiness["Mean change"] == 0 and happiness["% improved"] == 0.0


def test_equity_against_the_registered_list(small_pcn):
    d = build_dashboard(small_pcn, LOCAL_ADMIN, period="2026-Q3", today=TODAY, exact=True)
    age = _rows(d, "equity", "equity_age")
    assert age["75-84"]["Registered"] == 5 and age["75-84"]["Offered"] == 1 and age["75-84"]["Accepted"] == 1
    assert age["18-39"]["Declined"] == 1
    assert age["85+"]["Offered"] == 0 and age["85+"]["Reach per 1,000"] == 200.0
    imd = _rows(d, "equity", "equity_imd")
    assert imd["Quintile 1"]["Offered"] == 2 and imd["Quintile 5"]["Offered"] == 1
    from pcn_assistant.core.stats.intervals import wilson_lower, wilson_upper

    assert imd["Quintile 1"]["Lower 95%"] == round(100 * float(wilson_lower(2, 3)), 1)
    assert imd["Quintile 1"]["Upper 95%"] == round(100 * float(wilson_upper(2, 3)), 1)
    assert imd["Quintile 1"]["Gap"] == "No clear gap"  # 50% of the list lies inside 21%-94%


def test_system_before_and_after(small_pcn):
    d = build_dashboard(small_pcn, LOCAL_ADMIN, period="2026", today=TODAY, exact=True)
    rows = _rows(d, "system", "before_after")
    assert rows["A&E attendances"]["People"] == 2
    assert (rows["A&E attendances"]["Before"], rows["A&E attendances"]["After"]) == (2, 2)
    assert rows["A&E attendances"]["Mean change per person"] == 0
    assert (rows["Emergency admissions"]["Before"], rows["Emergency admissions"]["After"]) == (1, 0)
    assert any("without a control group" in h for h in d.section("system").headlines)


def test_small_numbers_suppressed_below_pcn_level(small_pcn):
    d = build_dashboard(small_pcn, LOCAL_ADMIN, period="2026-Q3", today=TODAY, practice_code="P00001")
    age = _rows(d, "equity", "equity_age")
    assert age["75-84"]["Offered"] == "*" and age["75-84"]["% of offered"] == "*"
    assert age["75-84"]["Registered"] == "*" and age["75-84"]["% of list"] == "*"  # 5 registered: small too
    assert age["0-17"]["Offered"] == 0 if "0-17" in age else True
    tiers = _rows(d, "reach", "tiers_by_practice")
    assert tiers["P00001"]["Tier 3"] == "*"


def test_practice_manager_sees_only_own_practice(small_pcn):
    manager = Actor("pm", PRACTICE_MANAGER, practice_code="P00001")
    assert build_dashboard(small_pcn, manager, period="2026-Q3", today=TODAY, practice_code="P00001")
    with pytest.raises(PermissionDenied):
        build_dashboard(small_pcn, manager, period="2026-Q3", today=TODAY, practice_code="P00002")
    # Asking for the whole PCN gives their own practice, as the variation audit does:
    # no other practice's tier counts or reach.
    whole = build_dashboard(small_pcn, manager, period="2026-Q3", today=TODAY)
    assert whole.practice_code == "P00001"
    for key in ("tiers_by_practice", "tier3_on_caseload"):
        assert {row[0] for row in whole.section("reach").table(key).rows} <= {"P00001", "Total"}


@pytest.mark.parametrize("text, start, end", [
    ("2026-Q3", "2026-07-01", "2026-09-30"), ("2026", "2026-01-01", "2026-12-31"),
    ("2026-02", "2026-02-01", "2026-02-28"), ("last-12-months", "2025-11-02", "2026-11-01"),
    ("2026-01-05:2026-03-01", "2026-01-05", "2026-03-01"),
])
def test_periods(text, start, end):
    period = parse_period(text, TODAY)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


@pytest.mark.parametrize("text", ["2026-Q5", "yesterday", "2026-13", "2026-03-01:2026-01-01"])
def test_bad_periods(text):
    with pytest.raises(InvalidInput):
        parse_period(text, TODAY)


def test_stats_json_counts_open_and_closed_episodes(small_pcn):
    from pcn_assistant.services.stats import database_stats

    assert database_stats(small_pcn)["caseload"] == {"open": 3, "closed": 2}


def test_equity_compares_with_the_eligible_adults_not_children(small_pcn):
    with small_pcn.transaction() as session:
        from datetime import date

        from pcn_assistant.store.models import Patient

        practice_id = session.query(Patient.practice_id).first()[0]
        for i in range(40):  # a big registered child population the adult service never sees
            session.add(Patient(nhs_number=f"99912{i:05d}", practice_id=practice_id, given_name="Child",
                                family_name="Test", given_name_lc="child", family_name_lc="test",
                                date_of_birth=date(2015, 1, 1), sex="F", registration_status="registered"))
    d = build_dashboard(small_pcn, LOCAL_ADMIN, period="2026-Q3", today=TODAY, exact=True)
    age = _rows(d, "equity", "equity_age")
    age.pop("Total", None)
    assert "0-17" not in age
    assert not any("0-17" in h for h in d.section("equity").headlines)
    assert sum(row["% of list"] for row in age.values()) == pytest.approx(100, abs=0.5)
    assert any("aged 18 and over" in note for note in d.section("equity").method_notes)


def test_outcomes_chart_says_what_it_plots_and_explains_the_measures(small_pcn):
    d = build_dashboard(small_pcn, LOCAL_ADMIN, period="2026-Q3", today=TODAY)
    table = d.section("outcomes").table("paired_change")
    assert table.value_columns == ["% improved"] and "% of people who improved" in table.title
    assert "SWEMWBS: the Short Warwick-Edinburgh Mental Wellbeing Scale" in table.note
    assert "ONS4: the Office for National Statistics' four personal wellbeing questions" in table.note


def test_headlines_use_correct_plurals(small_pcn):
    d = build_dashboard(small_pcn, LOCAL_ADMIN, period="2026-Q3", today=TODAY)
    text = " ".join(h for s in d.sections for h in s.headlines)
    for wrong in ("1 open episodes", "1 sent referrals", "1 services", "1 providers", "1 people", "(s)"):
        assert wrong not in text, wrong
