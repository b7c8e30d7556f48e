"""The statistics match PHEindicatormethods' own test data (../shared/reference/phe/) to
1e-6 relative, with every label identical. The files are read in place, never copied."""

import numpy as np
import pandas as pd
import pytest

from pcn_assistant.core import stats

RELATIVE = 1e-6


def _read(shared_reference, name, sheet):
    return pd.read_excel(shared_reference / "phe" / name, sheet_name=sheet, engine="openpyxl")


def _level(text: str) -> float:
    return {"95%": 0.95, "99.8%": 0.998}[text]


def assert_close(got, expected):
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    assert np.array_equal(np.isnan(got), np.isnan(expected)), (got, expected)
    mask = ~np.isnan(expected)
    np.testing.assert_allclose(got[mask], expected[mask], rtol=RELATIVE, atol=0)


def test_byars_and_wilson_unit_rows(shared_reference):
    data = _read(shared_reference, "testdata_Byars_Wilson.xlsx", "testdata_B_W")
    assert set(data["method"]) == {"Byars", "Wilson"}
    for row in data.itertuples():
        level = _level(row.confidence)
        if row.method == "Byars":
            lower, upper = stats.byars_lower(row.x, level), stats.byars_upper(row.x, level)
        else:
            lower, upper = stats.wilson_lower(row.x, row.n, level), stats.wilson_upper(row.x, row.n, level)
        assert_close([lower, upper], [row.lowercl, row.uppercl])
    # Byar's lower limit for one event at 99.8% is negative: reported as missing.
    assert np.isnan(stats.byars_lower(1, 0.998))


def test_proportions_at_95_and_99_8(shared_reference):
    data = _read(shared_reference, "testdata_Proportion.xlsx", "testdata_Prop")
    assert len(data) == 19
    for multiplier, rows in data.groupby("multiplier"):
        result = stats.proportion_intervals(rows["Numerator"], rows["Denominator"], multiplier)
        assert_close(result["value"], rows["value"])
        assert_close(result["lower_0.95"], rows["lower95_0cl"])
        assert_close(result["upper_0.95"], rows["upper95_0cl"])
        assert_close(result["lower_0.998"], rows["lower99_8cl"])
        assert_close(result["upper_0.998"], rows["upper99_8cl"])


def test_grouped_proportions(shared_reference):
    data = _read(shared_reference, "testdata_Proportion.xlsx", "testdata_Prop_g")
    single = _read(shared_reference, "testdata_Proportion.xlsx", "testdata_Prop").iloc[:16]
    summed = single.groupby("Area", sort=False)[["Numerator", "Denominator"]].sum()
    grouped = data.set_index("Area").loc[summed.index]
    assert_close(summed["Numerator"], grouped["Numerator"])  # the two rows of each area, summed
    result = stats.proportion_intervals(data["Numerator"], data["Denominator"], 1, levels=(0.95,))
    assert_close(result["value"], data["value"])
    assert_close(result["lower_0.95"], data["lowercl"])
    assert_close(result["upper_0.95"], data["uppercl"])


def test_rates_exact_below_10_and_byars_from_10(shared_reference):
    data = _read(shared_reference, "testdata_Rate.xlsx", "testdata_Rate")
    methods = stats.rate_method(data["Numerator"])
    expected = [m if isinstance(m, str) else None for m in data["method"]]
    assert list(methods) == expected
    assert (data["Numerator"] > data["Denominator"]).any()  # allowed for rates
    for multiplier, rows in data.groupby("multiplier"):
        result = stats.rate_intervals(rows["Numerator"], rows["Denominator"], multiplier)
        assert_close(result["value"], rows["value"])
        assert_close(result["lower_0.95"], rows["lower95_0cl"])
        assert_close(result["upper_0.95"], rows["upper95_0cl"])
        assert_close(result["lower_0.998"], rows["lower99_8cl"])
        assert_close(result["upper_0.998"], rows["upper99_8cl"])


def test_grouped_rates(shared_reference):
    data = _read(shared_reference, "testdata_Rate.xlsx", "testdata_Rate_g")
    result = stats.rate_intervals(data["Numerator"], data["Denominator"], 100_000, levels=(0.95,))
    assert_close(result["value"], data["value"])
    assert_close(result["lower_0.95"], data["lowercl"])
    assert_close(result["upper_0.95"], data["uppercl"])


@pytest.mark.parametrize("column,multiplier,drop_zero", [
    ("crude_per_100000_with_0", 100_000, False),
    ("crude_per_100_with_0", 100, False),
    ("crude_per_100000_without_0", 100_000, True),
    ("crude_per_100_without_0", 100, True),
])
def test_crude_rate_funnel_significance(shared_reference, column, multiplier, drop_zero):
    data = pd.read_csv(shared_reference / "phe" / "testdata_funnel_rate_dsr_inputs.csv")
    assert len(data) == 40 and (data["count"] == 0).sum() == 1
    if drop_zero:  # as the reference test does: the zero row leaves before pooling
        data = data[data["count"] != 0]
    comparator = stats.pooled(data["count"], data["pop"]) * multiplier
    limits = stats.rate_intervals(data["count"], data["pop"], multiplier)
    labels = stats.significance(comparator, limits["lower_0.95"], limits["upper_0.95"],
                                limits["lower_0.998"], limits["upper_0.998"])
    assert list(labels) == list(data[column])
    assert set(labels) == set(stats.SIGNIFICANCE_LABELS)  # every label is exercised


def test_whole_audit_table_matches_reference_rates(shared_reference):
    """The service's table gives the same numbers as the reference, through the same path
    the CLI takes (multiplier 100,000 defined in the file itself)."""
    from pcn_assistant.services.variation.catalogue import IndicatorDef
    from pcn_assistant.services.variation.compute import compute_table

    data = _read(shared_reference, "testdata_Rate.xlsx", "testdata_Rate").iloc[8:16]
    records = pd.DataFrame({"practice_code": data["Area"], "indicator_code": "ref", "period": "p",
                            "numerator": data["Numerator"], "denominator": data["Denominator"]})
    definition = IndicatorDef("ref", "Reference rate", "rate", 100_000, "no_judgement")
    table, _funnels = compute_table(records, {"ref": definition}, suppression="none")
    table = table.set_index("practice_code").loc[data["Area"]]
    assert_close(table["lower_95"].astype(float), data["lower95_0cl"])
    assert_close(table["upper_99_8"].astype(float), data["upper99_8cl"])
    assert list(table["method"]) == list(data["method"])
