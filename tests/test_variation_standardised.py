"""Age-standardised variation audits (issue 16 item 4), end to end: an indicator file
with age bands gives DSRs, a small count gives ratios to expected, the registered list's
age-sex structure turns practice totals into ratios to expected, and the workbook says
which statistic each indicator is."""

from datetime import date

import numpy as np
import pytest
from caseload_helpers import valid_numbers
from openpyxl import load_workbook

from pcn_assistant.core.stats import standardised as std
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.services.variation import compute_variation, export_variation, import_indicators
from pcn_assistant.store.models import Patient, Practice

PERIOD = "2026-27 Q1"
RATES = np.arange(1, 20) / 100  # emergency admissions per person, rising with age band
YOUNG = np.array([2000] * 10 + [200] * 9)
OLD = np.array([200] * 10 + [2000] * 9)
MIXED = np.array([1000] * 19)


def _banded_file(tmp_path, lists, name="banded.csv"):
    lines = ["practice_code,indicator_code,period,age_band,numerator,denominator"]
    for code, population in lists.items():
        for band, (label, people) in enumerate(zip(std.ESP2013_BANDS, population, strict=True)):
            lines.append(f"{code},emergency_admissions,{PERIOD},{label},{round(RATES[band] * people)},{people}")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _totals_file(tmp_path, lists):
    lines = ["practice_code,indicator_code,period,numerator,denominator"]
    for code, population in lists.items():
        lines.append(f"{code},emergency_admissions,{PERIOD},{round(float(RATES @ population))},{population.sum()}")
    path = tmp_path / "totals.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _by_practice(result):
    return result.frame.set_index("practice_code")


def test_older_list_is_worse_crude_but_similar_standardised(tmp_path):
    lists = {"OLD01": OLD, "YNG01": YOUNG, "MIX01": MIXED}
    crude = _by_practice(compute_variation(None, LOCAL_ADMIN, indicators_file=_totals_file(tmp_path, lists)))
    assert crude.loc["OLD01", "assessment"] == "Worse 99.8%"  # the problem the issue reports
    assert crude.loc["YNG01", "assessment"] == "Better 99.8%"
    assert crude.loc["OLD01", "statistic"] == "crude rate per 1,000 (not age-standardised: no registered list by age and sex)"

    result = compute_variation(None, LOCAL_ADMIN, indicators_file=_banded_file(tmp_path, lists))
    table = _by_practice(result)
    esp_rate = float(RATES @ np.array(std.ESP2013_WEIGHTS)) / 100_000 * 1000
    for code in lists:
        assert table.loc[code, "value"] == pytest.approx(esp_rate, rel=1e-9)
        assert table.loc[code, "assessment"] == "Similar"
        assert table.loc[code, "method"] == "Dobson"
        assert table.loc[code, "statistic"] == "age-standardised rate per 1,000 (ESP 2013)"
    assert table.loc["OLD01", "numerator"] == round(float(RATES @ OLD))
    assert table.loc["OLD01", "denominator"] == OLD.sum()
    definition = result.indicators["emergency_admissions"]
    assert definition.name == "Emergency admissions: age-standardised rate per 1,000 (ESP 2013)"


def test_dsr_limits_and_labels_are_the_core_figures(tmp_path):
    """A practice whose old people are admitted twice as often: its DSR, Dobson limits and
    funnel label in the table are exactly what core.stats.standardised gives."""
    heavy = np.where(np.arange(19) >= 13, 2.0, 1.0) * RATES
    lists = {"OLD01": OLD, "YNG01": YOUNG, "MIX01": MIXED}
    path = _banded_file(tmp_path, lists)
    lines = path.read_text().splitlines()
    body = [line for line in lines[1:] if not line.startswith("MIX01")]
    for band, label in enumerate(std.ESP2013_BANDS):
        body.append(f"MIX01,emergency_admissions,{PERIOD},{label},{round(heavy[band] * 1000)},1000")
    path.write_text("\n".join([lines[0], *body]) + "\n")
    table = _by_practice(compute_variation(None, LOCAL_ADMIN, indicators_file=path, suppression="none"))
    counts = np.array([[round(r * p) for r, p in zip(RATES, OLD, strict=True)],
                       [round(r * p) for r, p in zip(RATES, YOUNG, strict=True)],
                       [round(h * 1000) for h in heavy]])
    expected = std.dsr(counts, np.vstack([OLD, YOUNG, MIXED]), multiplier=1000)
    got = table.loc[["OLD01", "YNG01", "MIX01"]]
    np.testing.assert_allclose(got["value"].astype(float), expected["value"], rtol=1e-9)
    np.testing.assert_allclose(got["lower_99_8"].astype(float), expected["lower_0.998"], rtol=1e-9)
    np.testing.assert_allclose(got["upper_95"].astype(float), expected["upper_0.95"], rtol=1e-9)
    labels = std.dsr_significance(counts.sum(axis=1), expected["value"], 1000)
    assert list(got["significance"]) == list(labels)
    assert got.loc["MIX01", "assessment"].startswith("Worse")


def test_fewer_than_ten_events_switches_to_ratio_to_expected(tmp_path):
    tiny = np.array([5] * 19)  # 95 people: about 1 admission in all
    lists = {"OLD01": OLD, "YNG01": YOUNG, "TINY1": tiny}
    result = compute_variation(None, LOCAL_ADMIN, indicators_file=_banded_file(tmp_path, lists), suppression="none")
    table = _by_practice(result)
    counts = {code: np.array([round(r * p) for r, p in zip(RATES, pop, strict=True)]) for code, pop in lists.items()}
    assert counts["TINY1"].sum() < 10
    rates = std.reference_rates(np.vstack(list(counts.values())), np.vstack(list(lists.values())))
    for code, population in lists.items():
        expected = float(rates @ population)
        assert table.loc[code, "denominator"] == pytest.approx(expected, rel=1e-9)
        assert table.loc[code, "value"] == pytest.approx(counts[code].sum() / expected * 100, rel=1e-9)
        assert table.loc[code, "comparator"] == pytest.approx(100.0)
        assert table.loc[code, "statistic"] == "ratio to expected (indirectly age standardised, 100 = as expected)"
    assert table.loc["TINY1", "method"] == "Exact" and table.loc["OLD01", "method"] == "Byars"
    assert result.indicators["emergency_admissions"].name == "Emergency admissions: ratio to expected"


def test_age_band_must_be_on_every_row_or_none(tmp_path):
    path = _banded_file(tmp_path, {"OLD01": OLD})
    with path.open("a") as handle:
        handle.write(f"YNG01,emergency_admissions,{PERIOD},,100,5000\n")
    with pytest.raises(Exception, match="age band on every row"):
        compute_variation(None, LOCAL_ADMIN, indicators_file=path)


def test_unknown_age_band_is_a_row_problem(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("practice_code,indicator_code,period,age_band,numerator,denominator\n"
                    f"A12345,emergency_admissions,{PERIOD},90-94,3,100\n")
    with pytest.raises(Exception, match="ESP 2013"):
        compute_variation(None, LOCAL_ADMIN, indicators_file=path)


def _seed_lists(db):
    """Practice OLD has 200 people aged 80, YNG 200 aged 30 (half women). The patient
    table records 1 emergency admission a year for each 80-year-old and 1 for every fifth
    30-year-old; nobody has an antibiotic profile."""
    numbers = iter(valid_numbers(400))
    with db.transaction() as session:
        practices = {code: Practice(ods_code=code, name=code) for code in ("A10001", "B20002")}
        session.add_all(practices.values())
        session.flush()
        for code, born, admissions in (("A10001", date(1946, 1, 1), lambda i: 1),
                                       ("B20002", date(1996, 1, 1), lambda i: 1 if i % 5 == 0 else 0)):
            for i in range(200):
                session.add(Patient(nhs_number=next(numbers), date_of_birth=born, sex="F" if i % 2 else "M",
                                    practice_id=practices[code].id, emergency_admissions_12m=admissions(i)))


def test_practice_totals_become_ratios_to_expected_from_the_list(db, tmp_path):
    _seed_lists(db)
    path = tmp_path / "sus.csv"
    # Observed totals in the same proportion as the profile: 300 vs 60 (the PCN's rates x 1.5).
    path.write_text("practice_code,indicator_code,period,numerator,denominator\n"
                    f"A10001,emergency_admissions,{PERIOD},300,200\n"
                    f"B20002,emergency_admissions,{PERIOD},60,200\n"
                    f"A10001,antibiotic_items,{PERIOD},300,200\n"
                    f"B20002,antibiotic_items,{PERIOD},60,200\n")
    assert not import_indicators(db, LOCAL_ADMIN, path).errors
    result = compute_variation(db, LOCAL_ADMIN, suppression="none")
    admissions = result.frame[result.frame["indicator_code"] == "emergency_admissions"].set_index("practice_code")
    # Expected: A 200 x 1 and B 200 x 0.2, scaled by 360 / 240 to the PCN's observed total.
    assert admissions.loc["A10001", "denominator"] == pytest.approx(300.0)
    assert admissions.loc["B20002", "denominator"] == pytest.approx(60.0)
    assert list(admissions["value"]) == [pytest.approx(100.0)] * 2
    assert set(admissions["assessment"]) == {"Similar"}
    antibiotics = result.frame[result.frame["indicator_code"] == "antibiotic_items"].set_index("practice_code")
    assert antibiotics.loc["A10001", "assessment"] == "Worse 99.8%"  # crude, and says so
    assert set(antibiotics["statistic"]) == {
        "crude rate per 1,000 (not age-standardised: no age breakdown of the events)"}


def _sheet_for(book, code: str):
    """An indicator's sheet (sheets carry plain names; row 3 ends with the indicator's code)."""
    return next(sheet for sheet in book.worksheets
                if isinstance(sheet["A3"].value, str) and sheet["A3"].value.endswith(f"Code: {code}"))


def test_workbook_labels_each_statistic(db, tmp_path):
    _seed_lists(db)
    path = tmp_path / "sus.csv"
    path.write_text("practice_code,indicator_code,period,numerator,denominator\n"
                    f"A10001,emergency_admissions,{PERIOD},300,200\nB20002,emergency_admissions,{PERIOD},60,200\n"
                    f"A10001,antibiotic_items,{PERIOD},300,200\nB20002,antibiotic_items,{PERIOD},60,200\n")
    assert not import_indicators(db, LOCAL_ADMIN, path).errors
    out = tmp_path / "audit.xlsx"
    export_variation(db, LOCAL_ADMIN, out)  # exports are always protected; these counts are large
    book = load_workbook(out)
    assert _sheet_for(book, "emergency_admissions")["A1"].value.startswith("Emergency admissions: ratio to expected")
    assert _sheet_for(book, "emergency_admissions")["A3"].value.startswith(
        "Ratio to expected (indirectly age-sex standardised")
    assert "not age-standardised" in _sheet_for(book, "antibiotic_items")["A3"].value
    data = list(book["Data"].iter_rows(values_only=True))
    column = data[0].index("statistic")
    assert {row[column] for row in data[1:] if row[1] == "emergency_admissions"} == {
        "ratio to expected (indirectly age-sex standardised, 100 = as expected)"}
    methods = " ".join(str(c.value) for row in book["Methods"].iter_rows() for c in row if c.value)
    assert "Standardisation" in methods and "Dobson" in methods and "total 100,000" in methods


def test_banded_file_workbook_says_age_standardised(tmp_path):
    out = tmp_path / "banded.xlsx"
    export_variation(None, LOCAL_ADMIN, out, indicators_file=_banded_file(tmp_path, {"OLD01": OLD, "YNG01": YOUNG}))
    book = load_workbook(out)
    sheet = _sheet_for(book, "emergency_admissions")
    assert "age-standardised rate per 1,000 (ESP 2013)" in sheet["A1"].value
    assert sheet["A3"].value.startswith("Age-standardised rate per 1,000 (ESP 2013)")
    summary = " ".join(str(c.value) for row in book["Summary"].iter_rows() for c in row if c.value)
    assert "age-standardised" in summary


def test_age_bands_from_birth_dates_at_their_boundaries(db):
    """On 1 November 2026: born 1 Nov 2021 is 5 today (band 5-9), born 2 Nov 2021 is 4
    (0-4); born 1 Nov 1936 is 90 (90+), born 2 Nov 1936 is 89 (85-89)."""
    from pcn_assistant.core import clock
    from pcn_assistant.services.variation.age_structure import registered_people

    numbers = iter(valid_numbers(4))
    with db.transaction() as session:
        practice = Practice(ods_code="A10001", name="A")
        session.add(practice)
        session.flush()
        for born in (date(2021, 11, 1), date(2021, 11, 2), date(1936, 11, 1), date(1936, 11, 2)):
            session.add(Patient(nhs_number=next(numbers), date_of_birth=born, sex="F", practice_id=practice.id))
    with db.session() as session:
        people = registered_people(session, clock.today())
    assert clock.today() == date(2026, 11, 1)
    assert dict(zip(people["age_band"], people["population"], strict=True)) == {0: 1, 1: 1, 17: 1, 18: 1}


def test_leap_day_cut_off_falls_back_to_28_february():
    from pcn_assistant.services.variation.age_structure import years_before

    assert years_before(date(2028, 2, 29), 5) == date(2023, 2, 28)
    assert years_before(date(2028, 2, 29), 4) == date(2024, 2, 29)


def test_same_practice_with_and_without_bands_is_refused(tmp_path):
    path = _banded_file(tmp_path, {"OLD01": OLD})
    with path.open("a") as handle:
        handle.write(f"OLD01,emergency_admissions,{PERIOD},,100,5000\n")
    with pytest.raises(Exception, match="both with and without an age band"):
        compute_variation(None, LOCAL_ADMIN, indicators_file=path)


def test_database_import_keeps_practice_totals(db, tmp_path):
    from sqlalchemy import select

    from pcn_assistant.store.models.variation import IndicatorValue

    with db.transaction() as session:
        session.add_all([Practice(ods_code="A10001", name="A"), Practice(ods_code="B20002", name="B")])
    path = _banded_file(tmp_path, {"A10001": OLD, "B20002": YOUNG})
    outcome = import_indicators(db, LOCAL_ADMIN, path)
    assert not outcome.errors and outcome.inserted == 2
    with db.session() as session:
        stored = {v.practice_id: (v.numerator, v.denominator) for v in session.execute(select(IndicatorValue)).scalars()}
    expected = sorted((float(sum(round(r * p) for r, p in zip(RATES, pop, strict=True))), float(pop.sum()))
                      for pop in (OLD, YOUNG))
    assert sorted(stored.values()) == expected


def test_dsr_funnel_places_practices_at_their_derived_denominators(tmp_path):
    lists = {"OLD01": OLD, "YNG01": YOUNG, "MIX01": MIXED}
    result = compute_variation(None, LOCAL_ADMIN, indicators_file=_banded_file(tmp_path, lists))
    funnel = result.funnels[("emergency_admissions", PERIOD)]
    table = _by_practice(result)
    for code in lists:
        derived = table.loc[code, "numerator"] / table.loc[code, "value"] * 1000
        assert funnel.x_of(code, table.loc[code, "denominator"]) == pytest.approx(derived, rel=1e-9)
    assert funnel.x_title == "Derived denominator (count / DSR)"
    assert funnel.comparator == pytest.approx(float(table["comparator"].iloc[0]))
    assert funnel.min_denominator == pytest.approx(min(funnel.x.values()))


def test_catalogue_declares_each_indicators_method():
    from pcn_assistant.services.variation.catalogue import definition_problems, shipped_catalogue

    declared = {code: d.standardisation for code, d in shipped_catalogue().items()}
    assert {code for code, method in declared.items() if method == "age"} == {
        "ae_attendances", "emergency_admissions", "antibiotic_items"}
    assert set(declared.values()) == {"age", "crude"}
    row = {"code": "x", "type": "proportion", "multiplier": "100", "polarity": "higher_is_better"}
    assert "standardisation" in definition_problems({**row, "standardisation": "age"})  # rates only
    assert "standardisation" in definition_problems({**row, "standardisation": "direct"})
    assert not definition_problems({**row, "type": "rate", "standardisation": "age"})
