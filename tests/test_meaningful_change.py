"""Meaningful change (issue 16 item 5): '% improved' counts changes that reach the published
threshold, not any rise. Each rule is tested either side of its boundary."""

from datetime import date

import pytest
from dashboard_fixture import TODAY, _episode, _measure, build

from pcn_assistant.core import outcomes as m
from pcn_assistant.services.dashboard import build_dashboard
from pcn_assistant.services.security import LOCAL_ADMIN


@pytest.mark.parametrize(("baseline", "follow_up", "expected"), [
    (20.0, 23.0, m.IMPROVED),  # exactly 3: meaningful
    (20.0, 22.99, m.NO_CHANGE),  # just under
    (15.32, 18.32, m.IMPROVED),  # 3 in metric-table decimals, 2.99999... in floating point
    (20.0, 17.0, m.WORSENED),  # a fall of exactly 3
    (20.0, 17.01, m.NO_CHANGE),
    (20.0, 20.0, m.NO_CHANGE),
])
def test_swemwbs_threshold_is_three_metric_points(baseline, follow_up, expected):
    assert m.meaningful_direction(m.SWEMWBS, baseline, follow_up) == expected


def test_swemwbs_real_responses_either_side_of_the_threshold():
    # Raw 20 -> 24 is 18.59 -> 21.54 (+2.95): a rise, not a meaningful one.
    small = m.swemwbs_change([3, 3, 3, 3, 3, 3, 2], [4, 4, 4, 3, 3, 3, 3])
    assert (small.change, small.direction, small.meaningful) == (2.95, m.IMPROVED, m.NO_CHANGE)
    # Raw 11 -> 16 is 13.33 -> 16.36 (+3.03): meaningful.
    big = m.swemwbs_change([2, 2, 2, 2, 1, 1, 1], [3, 3, 2, 2, 2, 2, 2])
    assert (big.change, big.meaningful) == (3.03, m.IMPROVED)
    fall = m.swemwbs_change([3, 3, 2, 2, 2, 2, 2], [2, 2, 2, 2, 1, 1, 1])
    assert (fall.change, fall.meaningful) == (-3.03, m.WORSENED)


@pytest.mark.parametrize(("question", "baseline", "follow_up", "expected"), [
    (m.LIFE_SATISFACTION, 5, 6, m.IMPROVED),  # one point is the threshold
    (m.LIFE_SATISFACTION, 5, 5, m.NO_CHANGE),
    (m.LIFE_SATISFACTION, 5, 5.5, m.NO_CHANGE),  # a mean-like half point does not count
    (m.LIFE_SATISFACTION, 6, 5, m.WORSENED),
    (m.ANXIETY, 6, 5, m.IMPROVED),  # a fall in anxiety is the improvement
    (m.ANXIETY, 5, 6, m.WORSENED),
    (m.ANXIETY, 5, 4.5, m.NO_CHANGE),
])
def test_ons4_threshold_is_one_point(question, baseline, follow_up, expected):
    assert m.meaningful_direction(question, baseline, follow_up) == expected


def test_rules_are_stated_with_their_source():
    text = " ".join(m.MEANINGFUL_RULES)
    assert "3 or more metric points" in text and "Shah" in text and "2018" in text
    assert "at least 1 point" in text


def test_dashboard_counts_only_meaningful_improvement(db):
    with db.transaction() as session:
        people = build(session)
        # A third SWEMWBS pair that rises by 2.95 points: a rise, but not a meaningful one.
        extra = _episode(people["b1"], "priya", "gp", date(2026, 7, 1), contacted=date(2026, 7, 2),
                         assessed=date(2026, 7, 3), status="active", review=date(2026, 12, 1))
        session.add(extra)
        session.flush()
        _measure(session, extra, "swemwbs", "baseline", date(2026, 7, 3), [3, 3, 3, 3, 3, 3, 2])
        _measure(session, extra, "swemwbs", "follow_up", date(2026, 9, 3), [4, 4, 4, 3, 3, 3, 3])
    d = build_dashboard(db, LOCAL_ADMIN, period="2026-Q3", today=TODAY, exact=True)
    table = d.section("outcomes").table("paired_change")
    row = dict(zip(table.columns, table.rows[0], strict=True))
    assert row["Pairs"] == 3 and row["Mean change"] > 0  # every pair rose...
    assert row["% improved"] == pytest.approx(66.7)  # ...but only two by 3 or more points
    assert "meaningful" in table.title
    assert any("3 or more points" in h for h in d.section("outcomes").headlines)
    assert any("Shah" in note for note in d.section("outcomes").method_notes)


def test_methods_sheet_states_the_rule(sqlite_db, tmp_path):
    import openpyxl

    from pcn_assistant.services.dashboard import export_dashboard

    with sqlite_db.transaction() as session:
        build(session)
    out, _ = export_dashboard(sqlite_db, LOCAL_ADMIN, tmp_path / "dash.xlsx", period="2026-Q3", today=TODAY)
    workbook = openpyxl.load_workbook(out, read_only=True)
    methods = " ".join(str(c.value) for row in workbook["Methods"].iter_rows() for c in row if c.value)
    assert "3 or more metric points" in methods and "Shah N" in methods
    assert "at least 1 point" in methods
