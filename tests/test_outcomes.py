"""SWEMWBS and ONS4 scored as published, at every boundary; incomplete stored but not scored."""

from datetime import date

import pytest
from referrals_world import TODAY, WORKER, build_world

from pcn_assistant.core import outcomes as m
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services.referrals.outcomes import list_measures, person_changes, record_measure

# The published raw -> metric conversion (GUIDE.md, Stewart-Brown et al. 2009), all 29 rows.
PUBLISHED = {
    7: 7.00, 8: 9.51, 9: 11.25, 10: 12.40, 11: 13.33, 12: 14.08, 13: 14.75, 14: 15.32, 15: 15.84,
    16: 16.36, 17: 16.88, 18: 17.43, 19: 17.98, 20: 18.59, 21: 19.25, 22: 19.98, 23: 20.73, 24: 21.54,
    25: 22.35, 26: 23.21, 27: 24.11, 28: 25.03, 29: 26.02, 30: 27.03, 31: 28.13, 32: 29.31, 33: 30.70,
    34: 32.55, 35: 35.00,
}


def _items_for(raw: int) -> list[int]:
    """Seven answers of 1-5 adding up to ``raw``."""
    items = [1] * 7
    left = raw - 7
    for i in range(7):
        step = min(4, left)
        items[i] += step
        left -= step
    assert sum(items) == raw
    return items


@pytest.mark.parametrize("raw", sorted(PUBLISHED))
def test_swemwbs_every_raw_total(raw):
    score = m.score_swemwbs(_items_for(raw))
    assert (score.raw, score.metric) == (raw, PUBLISHED[raw])


def test_swemwbs_table_is_exactly_the_published_one():
    assert m.SWEMWBS_METRIC == PUBLISHED
    values = [PUBLISHED[r] for r in sorted(PUBLISHED)]
    assert values == sorted(values) and len(set(values)) == 29  # monotonic, no duplicates


@pytest.mark.parametrize("raw", [6, 36, 0])
def test_swemwbs_raw_outside_the_table(raw):
    with pytest.raises(ValueError, match="7-35"):
        m.swemwbs_metric(raw)


@pytest.mark.parametrize("items, message", [
    ([0, 3, 3, 3, 3, 3, 3], "must be 1-5, got 0"),
    ([6, 3, 3, 3, 3, 3, 3], "must be 1-5, got 6"),
    ([3, 3, 3, 3, 3, 3], "has 7 items, got 6"),
    ([3, 3, 3, 3, 3, 3, 3, 3], "has 7 items, got 8"),
    ([3, 3, 3.5, 3, 3, 3, 3], "whole number"),
    ([3, 3, True, 3, 3, 3, 3], "whole number"),
])
def test_swemwbs_invalid_answers(items, message):
    with pytest.raises(ValueError, match=message):
        m.score_swemwbs(items)


def test_swemwbs_incomplete_is_not_scored():
    assert m.score_swemwbs([5, 5, 5, 5, 5, 5, None]) is None
    assert m.score_swemwbs([None] * 7) is None
    assert m.is_complete(m.SWEMWBS, [1] * 7) and not m.is_complete(m.SWEMWBS, [1] * 6 + [None])


# ONS4: every value 0-10 against the published bands.
POSITIVE = {**dict.fromkeys(range(0, 5), "Low"), **dict.fromkeys((5, 6), "Medium"),
            **dict.fromkeys((7, 8), "High"), **dict.fromkeys((9, 10), "Very high")}
ANXIETY = {**dict.fromkeys((0, 1), "Very low"), **dict.fromkeys((2, 3), "Low"),
           **dict.fromkeys((4, 5), "Medium"), **dict.fromkeys(range(6, 11), "High")}


@pytest.mark.parametrize("value", range(0, 11))
@pytest.mark.parametrize("question", [m.LIFE_SATISFACTION, m.WORTHWHILE, m.HAPPINESS])
def test_ons4_positive_bands(question, value):
    assert m.ons4_band(question, value) == POSITIVE[value]


@pytest.mark.parametrize("value", range(0, 11))
def test_ons4_anxiety_bands(value):
    assert m.ons4_band(m.ANXIETY, value) == ANXIETY[value]


@pytest.mark.parametrize("question, low, high", [
    (m.HAPPINESS, 4, 5), (m.HAPPINESS, 6, 7), (m.HAPPINESS, 8, 9),
    (m.ANXIETY, 1, 2), (m.ANXIETY, 3, 4), (m.ANXIETY, 5, 6),
])
def test_ons4_each_boundary_changes_band(question, low, high):
    assert m.ons4_band(question, low) != m.ons4_band(question, high)


@pytest.mark.parametrize("value", [-1, 11, 5.5, None, True, "7"])
def test_ons4_invalid_answers(value):
    with pytest.raises(ValueError):
        m.ons4_band(m.LIFE_SATISFACTION, value)
    with pytest.raises(ValueError):
        m.ons4_band("happiness_tomorrow", 5)


def test_ons4_is_scored_question_by_question_never_summed():
    scored = m.score_ons4([7, 8, 4, 6])
    assert scored == {m.LIFE_SATISFACTION: (7, "High"), m.WORTHWHILE: (8, "High"),
                      m.HAPPINESS: (4, "Low"), m.ANXIETY: (6, "High")}
    assert m.score_ons4([7, 8, None, 6]) is None


def test_anxiety_direction_is_reversed():
    assert m.direction(m.ANXIETY, 7, 3) == m.IMPROVED
    assert m.direction(m.ANXIETY, 3, 7) == m.WORSENED
    assert m.direction(m.HAPPINESS, 3, 7) == m.IMPROVED
    assert m.direction(m.HAPPINESS, 7, 3) == m.WORSENED
    assert m.direction(m.ANXIETY, 5, 5) == m.NO_CHANGE
    changes = m.ons4_changes([4, 5, 3, 8], [6, 5, 6, 2])
    assert [(c.key, c.change, c.direction) for c in changes] == [
        (m.LIFE_SATISFACTION, 2, m.IMPROVED), (m.WORTHWHILE, 0, m.NO_CHANGE),
        (m.HAPPINESS, 3, m.IMPROVED), (m.ANXIETY, -6, m.IMPROVED)]


def test_swemwbs_change_uses_metric_scores():
    change = m.swemwbs_change(_items_for(14), _items_for(21))
    assert (change.baseline, change.follow_up, change.change, change.direction) == (15.32, 19.25, 3.93, m.IMPROVED)
    assert m.swemwbs_change(_items_for(14), [3] * 6 + [None]) is None


def test_measures_are_stored_even_when_incomplete_and_paired_for_change(db):
    world = build_world(db, people=1)
    patient, episode = world.patients[0], world.episodes[0]
    record_measure(db, WORKER, patient, m.SWEMWBS, "baseline", _items_for(14), on=date(2026, 8, 10),
                   episode_id=episode, today=TODAY)
    partial = record_measure(db, WORKER, patient, m.SWEMWBS, "follow_up", [4, 4, None, 4, 4, 4, 4],
                             on=date(2026, 10, 1), episode_id=episode, today=TODAY)
    assert (partial.complete, partial.raw_score, partial.score) == (False, None, None)
    assert partial.summary == "Incomplete (6 of 7 answered): not scored"
    record_measure(db, WORKER, patient, m.SWEMWBS, "follow_up", _items_for(21), on=date(2026, 10, 20),
                   episode_id=episode, today=TODAY)
    record_measure(db, WORKER, patient, m.ONS4, "baseline", [3, 4, 3, 8], on=date(2026, 8, 10), today=TODAY)
    record_measure(db, WORKER, patient, m.ONS4, "follow_up", [6, 6, 7, 3], on=date(2026, 10, 20), today=TODAY)
    assert len(list_measures(db, WORKER, patient)) == 5
    swemwbs, ons4 = person_changes(db, WORKER, patient)
    assert swemwbs.changes[0].change == 3.93 and swemwbs.incomplete == 1
    anxiety = ons4.changes[-1]
    assert (anxiety.baseline, anxiety.follow_up, anxiety.direction) == (8, 3, m.IMPROVED)


def test_invalid_measures_are_refused(db):
    world = build_world(db, people=1)
    patient = world.patients[0]
    with pytest.raises(InvalidInput, match="1-5"):
        record_measure(db, WORKER, patient, m.SWEMWBS, "baseline", [9] * 7, today=TODAY)
    with pytest.raises(InvalidInput, match="future"):
        record_measure(db, WORKER, patient, m.ONS4, "baseline", [5] * 4, on=date(2026, 12, 1), today=TODAY)
    with pytest.raises(InvalidInput, match="Timepoint"):
        record_measure(db, WORKER, patient, m.ONS4, "midway", [5] * 4, today=TODAY)
    with pytest.raises(InvalidInput, match="Unknown outcome measure"):
        record_measure(db, WORKER, patient, "phq9", "baseline", [1] * 9, today=TODAY)
    assert list_measures(db, WORKER, patient) == []
