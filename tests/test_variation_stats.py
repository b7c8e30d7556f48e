"""Core statistics beyond the reference rows: edge cases, polarity, funnel limits."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from pcn_assistant.core import stats
from pcn_assistant.core.stats.funnel import (
    BETTER_95,
    BETTER_998,
    HIGHER,
    LOWER,
    SIMILAR,
    WORSE_95,
    WORSE_998,
)
from pcn_assistant.services.variation.catalogue import IndicatorDef
from pcn_assistant.services.variation.compute import COLUMNS, compute_table, funnel_lines


def test_z_values():
    assert stats.z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert stats.z_value(0.998) == pytest.approx(3.090232, abs=1e-6)
    with pytest.raises(ValueError):
        stats.z_value(1.0)


def test_zero_count_has_lower_limit_zero_and_exact_upper():
    result = stats.rate_intervals([0], [1000], 1000)
    assert result["lower_0.95"][0] == 0.0 and result["lower_0.998"][0] == 0.0
    assert result["upper_0.95"][0] == pytest.approx(chi2.ppf(0.975, 2) / 2)  # 3.689 events per 1,000
    assert stats.rate_method([0, 9, 9.99, 10, 11]).tolist() == ["Exact", "Exact", "Exact", "Byars", "Byars"]


def test_exact_limits_follow_the_guide_formula():
    x = np.array([1.0, 4.0, 9.0])
    np.testing.assert_allclose(stats.exact_lower(x, 0.95), chi2.ppf(0.025, 2 * x) / 2)
    np.testing.assert_allclose(stats.exact_upper(x, 0.998), chi2.ppf(0.999, 2 * x + 2) / 2)


def test_wilson_zero_and_all():
    assert stats.wilson_lower(0, 50)[()] == 0.0
    assert stats.wilson_upper(50, 50)[()] == pytest.approx(1.0)
    assert 0 < stats.wilson_upper(0, 50)[()] < 0.1


def test_pooled_comparator_is_not_the_mean_of_percentages():
    numerators, denominators = [90, 10], [100, 1000]
    assert stats.pooled(numerators, denominators) == pytest.approx(100 / 1100)
    assert stats.pooled(numerators, denominators) != pytest.approx((0.9 + 0.01) / 2)


@pytest.mark.parametrize("polarity,expected", [
    ("higher_is_better", [BETTER_998, BETTER_95, WORSE_998, WORSE_95, SIMILAR]),
    ("lower_is_better", [WORSE_998, WORSE_95, BETTER_998, BETTER_95, SIMILAR]),
    ("no_judgement", [HIGHER, HIGHER, LOWER, LOWER, SIMILAR]),
])
def test_assessment_by_polarity(polarity, expected):
    labels = ["High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)", "Not significant"]
    assert stats.assess(labels, polarity).tolist() == expected


def test_assessment_passes_suppression_through_and_rejects_unknown_polarity():
    assert stats.assess(["*"], "higher_is_better").tolist() == ["*"]
    with pytest.raises(ValueError):
        stats.assess(["Not significant"], "sideways")


def test_significance_labels_from_intervals():
    labels = stats.significance(50, [55, 52, 40, 40, 40], [60, 60, 45, 48, 60],
                                [51, 49, 35, 35, 35], [65, 65, 49, 52, 65])
    assert labels.tolist() == ["High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)", "Not significant"]
    assert stats.significance(50, [np.nan], [np.nan], [np.nan], [np.nan]).tolist() == ["Not significant"]


@pytest.mark.parametrize("kind,pooled,multiplier", [("proportion", 0.7, 100), ("rate", 0.025, 1000),
                                                    ("rate", 0.002, 1000)])
@pytest.mark.parametrize("level", [0.95, 0.998])
def test_funnel_limits_are_where_significance_starts(kind, pooled, multiplier, level):
    """Just inside a funnel line a practice is not significant at that level; just outside it is."""
    denominators = np.array([200.0, 1_000.0, 5_000.0, 20_000.0])
    lower, upper = stats.funnel_limits(kind, pooled, denominators, multiplier, level)
    interval = stats.proportion_intervals if kind == "proportion" else stats.rate_intervals
    comparator = pooled * multiplier
    for n, low, high in zip(denominators, lower, upper, strict=True):
        for value, inside in ((high * 0.999, True), (high * 1.001, False), (low * 1.001, True), (low * 0.999, False)):
            if value <= 0:
                continue
            limits = interval([value / multiplier * n], [n], multiplier, levels=(level,))
            touches = limits[f"lower_{level}"][0] <= comparator <= limits[f"upper_{level}"][0]
            assert touches == inside, (kind, n, value)


def test_funnel_lower_rate_limit_is_zero_where_no_count_could_be_low():
    lower, _upper = stats.funnel_limits("rate", 0.001, [100.0], 1000, 0.95)  # 0.1 events expected
    assert lower[0] == 0.0


def _definitions():
    return {
        "uptake": IndicatorDef("uptake", "Uptake", "proportion", 100, "higher_is_better", "%"),
        "admissions": IndicatorDef("admissions", "Admissions", "rate", 1000, "lower_is_better", "per 1,000"),
    }


def test_compute_table_vectorised_columns_suppression_and_comparator_on_true_counts():
    records = pd.DataFrame({
        "practice_code": ["A", "B", "C", "A", "B", "C"],
        "indicator_code": ["uptake"] * 3 + ["admissions"] * 3,
        "period": ["Q1"] * 6,
        "numerator": [5, 700, 0, 30, 12.5, 300],
        "denominator": [10, 1000, 50, 1000, 1000, 10000],
    })
    table, funnels = compute_table(records, _definitions())
    assert tuple(table.columns) == COLUMNS
    assert table["indicator_code"].tolist()[:3] == ["uptake"] * 3  # catalogue order
    suppressed = table[table["suppressed"]]
    # A's 5 is hidden, and so is B (the smallest next count: C's 0 would give A away), since
    # the PCN value and the denominators would otherwise give 5 by subtraction
    assert suppressed["practice_code"].tolist() == ["A", "B"]
    assert (suppressed.loc[:, ["numerator", "value", "lower_95", "significance", "assessment"]] == "*").all(axis=None)
    uptake = table[table["indicator_code"] == "uptake"]
    # computed on the true counts (including the hidden 5), shown to 1 decimal place
    assert uptake["comparator"].iloc[0] == round(705 / 1060 * 100, 1)
    assert funnels[("uptake", "Q1")].comparator == round(705 / 1060 * 100, 1)
    zero = uptake[uptake["practice_code"] == "C"].iloc[0]
    assert zero["numerator"] == 0 and zero["value"] == 0 and not zero["suppressed"]  # 0 stays 0
    admissions = table[table["indicator_code"] == "admissions"].set_index("practice_code")
    assert admissions.loc["B", "numerator"] == 12.5  # an estimated count keeps its decimals
    assert admissions.loc["A", "method"] == "Byars"
    # Pooled 342.5 / 12,000 = 28.5 per 1,000. B's 12.5 has a 99.8% upper limit of 27.8:
    # low at 99.8%, and lower is better. A's 30 per 1,000 from 1,000 people is within noise.
    assert admissions.loc["B", "significance"] == "Low (0.001)"
    assert admissions.loc["B", "assessment"] == BETTER_998
    assert admissions.loc["A", "assessment"] == SIMILAR


def test_compute_table_without_suppression_shows_small_numbers():
    records = pd.DataFrame({"practice_code": ["A", "B"], "indicator_code": ["uptake"] * 2,
                            "period": ["Q1"] * 2, "numerator": [3, 80], "denominator": [10, 100]})
    table, _ = compute_table(records, _definitions(), suppression="none")
    assert not table["suppressed"].any()
    assert table.loc[0, "numerator"] == 3 and table.loc[0, "value"] == pytest.approx(30.0)


def test_300_areas_in_one_call():
    rng = np.random.default_rng(5)
    n = rng.integers(1_000, 30_000, 300)
    records = pd.DataFrame({"practice_code": [f"E{i:05d}" for i in range(300)],
                            "indicator_code": "admissions", "period": "2026-27",
                            "numerator": rng.poisson(n * 0.02), "denominator": n})
    table, funnels = compute_table(records, _definitions())
    assert len(table) == 300 and funnels[("admissions", "2026-27")].practices == 300
    lines = funnel_lines(funnels[("admissions", "2026-27")], _definitions()["admissions"])
    assert (lines["lower_99_8"] <= lines["lower_95"]).all() and (lines["upper_95"] <= lines["upper_99_8"]).all()
    assert lines["denominator"].is_monotonic_increasing
