"""Directly and indirectly standardised rates (issue 16 item 4), core statistics.

Hand-built cases worked out from the published formulas, each rule at its boundary, and
the DSR funnel inputs of PHEindicatormethods' own test data (../shared/reference/phe/)."""

import math

import numpy as np
import pandas as pd
import pytest

from pcn_assistant.core.stats import funnel_limits, z_value
from pcn_assistant.core.stats import standardised as std

RELATIVE = 1e-6


def test_esp2013_bands_and_weights():
    assert len(std.ESP2013_BANDS) == len(std.ESP2013_WEIGHTS) == 19
    assert sum(std.ESP2013_WEIGHTS) == 100_000
    assert std.ESP2013_BANDS[0] == "0-4" and std.ESP2013_BANDS[-1] == "90+"
    assert dict(zip(std.ESP2013_BANDS, std.ESP2013_WEIGHTS, strict=True))["45-49"] == 7000


@pytest.mark.parametrize(("age", "band"), [(0, 0), (4, 0), (5, 1), (89, 17), (90, 18), (104, 18)])
def test_age_band_boundaries(age, band):
    assert std.age_band([age])[0] == band


@pytest.mark.parametrize(("text", "band"), [
    ("0-4", 0), ("5 - 9", 1), ("85 to 89", 17), ("90+", 18), ("90 and over", 18), ("90 plus", 18),
    ("0-5", None), ("90-94", None), ("85+", None), ("3-7", None), ("", None), ("old", None),
])
def test_parse_age_band(text, band):
    assert std.parse_age_band(text) == band


def test_two_band_dsr_by_hand():
    # Counts 10 and 30 in populations 1,000 and 2,000, weights 1 and 3, per 1,000:
    # DSR = (1 x 10/1000 + 3 x 30/2000) / 4 x 1000 = 13.75.
    # var = (1 x 10/1000² + 9 x 30/2000²) / 4² = 4.84375e-6; O = 40.
    result = std.dsr([10, 30], [1000, 2000], weights=[1, 3], multiplier=1000)
    assert result["value"][0] == pytest.approx(13.75, rel=1e-12)
    z = z_value(0.95)
    byar_low = 40 * (1 - 1 / (9 * 40) - z / (3 * math.sqrt(40))) ** 3
    byar_high = 41 * (1 - 1 / (9 * 41) + z / (3 * math.sqrt(41))) ** 3
    spread = math.sqrt(4.84375e-6 / 40)
    assert result["lower_0.95"][0] == pytest.approx(13.75 + spread * (byar_low - 40) * 1000, rel=1e-12)
    assert result["upper_0.95"][0] == pytest.approx(13.75 + spread * (byar_high - 40) * 1000, rel=1e-12)
    assert result["total_count"][0] == 40 and result["total_population"][0] == 3000


def test_dsr_ignores_age_structure_when_rates_are_equal():
    """Two lists with the same age-specific rates but different ages: the crude rates
    differ, the DSRs are both exactly that rate."""
    rates = np.linspace(0.1, 1.0, 19)  # events per person rise with age
    young = np.array([3000] * 10 + [500] * 9, dtype=float)
    old = np.array([500] * 10 + [3000] * 9, dtype=float)
    counts = np.vstack([young * rates, old * rates])
    result = std.dsr(counts, np.vstack([young, old]), multiplier=1000)
    crude = counts.sum(axis=1) / np.array([young.sum(), old.sum()]) * 1000
    assert crude[1] > crude[0] * 1.5
    expected = np.dot(rates, std.ESP2013_WEIGHTS) / 100_000 * 1000
    np.testing.assert_allclose(result["value"], [expected, expected], rtol=1e-12)


def test_dsr_needs_ten_events():
    nine = std.dsr([[4, 5], [5, 5]], [[100, 100], [100, 100]], weights=[1, 1], multiplier=1000)
    assert math.isnan(nine["value"][0]) and math.isnan(nine["lower_0.998"][0])
    assert nine["value"][1] == pytest.approx(50.0) and not math.isnan(nine["upper_0.998"][1])


def test_dsr_empty_band_adds_nothing_but_events_without_population_are_missing():
    empty = std.dsr([[20, 0]], [[1000, 0]], weights=[1, 1], multiplier=1000)
    assert empty["value"][0] == pytest.approx(10.0)  # (20/1000 x 1 + 0) / 2 x 1000
    broken = std.dsr([[20, 3]], [[1000, 0]], weights=[1, 1], multiplier=1000)
    assert math.isnan(broken["value"][0])


def test_dsr_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="do not match"):
        std.dsr([1, 2], [10, 20])  # two bands, 19 weights


@pytest.mark.parametrize(("observed", "method"), [(9, "exact"), (10, "byars")])
def test_isr_exact_below_ten_byars_from_ten(observed, method):
    from scipy.stats import chi2

    result = std.isr([observed], [8.0])
    assert result["value"][0] == pytest.approx(observed / 8 * 100)
    if method == "exact":
        lower = chi2.ppf(0.025, 2 * observed) / 2
        upper = chi2.ppf(0.975, 2 * observed + 2) / 2
    else:
        z = z_value(0.95)
        lower = observed * (1 - 1 / (9 * observed) - z / (3 * math.sqrt(observed))) ** 3
        upper = (observed + 1) * (1 - 1 / (9 * (observed + 1)) + z / (3 * math.sqrt(observed + 1))) ** 3
    assert result["lower_0.95"][0] == pytest.approx(lower / 8 * 100, rel=1e-12)
    assert result["upper_0.95"][0] == pytest.approx(upper / 8 * 100, rel=1e-12)


def test_isr_of_zero_has_lower_limit_zero():
    assert std.isr([0], [5.0])["lower_0.998"][0] == 0.0


def test_reference_rates_make_expected_equal_observed_overall():
    counts = np.array([[5, 20, 40], [1, 10, 90]], dtype=float)
    populations = np.array([[1000, 800, 300], [400, 500, 900]], dtype=float)
    rates = std.reference_rates(counts, populations)
    np.testing.assert_allclose(rates, [6 / 1400, 30 / 1300, 130 / 1200])
    expected = std.expected_counts(populations, rates)
    assert expected.sum() == pytest.approx(counts.sum(), rel=1e-12)


def _funnel_inputs(shared_reference):
    data = pd.read_csv(shared_reference / "phe" / "testdata_funnel_rate_dsr_inputs.csv")
    assert len(data) == 40 and (data["count"] == 0).sum() == 1
    return data


@pytest.mark.parametrize(("column", "multiplier", "drop_zero"), [
    ("dsr_per_100000_with_0", 100_000, False),
    ("dsr_per_100_with_0", 100, False),
    ("dsr_per_100000_without_0", 100_000, True),
    ("dsr_per_100_without_0", 100, True),
])
def test_dsr_funnel_significance_matches_reference(shared_reference, column, multiplier, drop_zero):
    data = _funnel_inputs(shared_reference)
    if drop_zero:
        data = data[data["count"] != 0]
    rate = data["rate_dsr"] * multiplier / 100_000  # the file's DSRs are per 100,000
    labels = std.dsr_significance(data["count"], rate, multiplier)
    assert list(labels) == list(data[column])
    assert {"High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)", "Not significant"} <= set(labels)


def test_dsr_funnel_limits_agree_with_labels(shared_reference):
    """A DSR plotted at its derived denominator lies outside the 95% / 99.8% funnel exactly
    when its label says so (to 1e-6 of the limit)."""
    data = _funnel_inputs(shared_reference)
    data = data[data["count"] >= 10]
    count, rate = data["count"].to_numpy(float), data["rate_dsr"].to_numpy(float)
    x = std.derived_denominators(count, rate, 100_000)
    np.testing.assert_allclose(count / x * 100_000, rate, rtol=RELATIVE)
    average = std.dsr_weighted_average(count, rate, 100_000)
    labels = std.dsr_significance(count, rate, 100_000, average)
    lower95, upper95 = funnel_limits("rate", average, x, 100_000, 0.95)
    lower998, upper998 = funnel_limits("rate", average, x, 100_000, 0.998)
    margin = RELATIVE * rate
    checked = 0
    for value, label, l95, u95, l998, u998, m in zip(rate, labels, lower95, upper95, lower998, upper998,
                                                     margin, strict=True):
        if abs(value - l95) < m or abs(value - u95) < m or abs(value - l998) < m or abs(value - u998) < m:
            continue  # on a line to within 1e-6: either label is right
        outside = "High (0.001)" if value > u998 else "High (0.025)" if value > u95 else \
            "Low (0.001)" if value < l998 else "Low (0.025)" if value < l95 else "Not significant"
        assert outside == label
        checked += 1
    assert checked >= 35

