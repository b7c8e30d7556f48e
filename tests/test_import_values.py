"""Cell rules for practice extracts (core.extract_values): each rule the issue names."""

from datetime import date

import numpy as np
import pytest

from pcn_assistant.core import extract_values as ev

TODAY = date(2026, 11, 1)


def cells(*values):
    return np.array(values, dtype=object)


def test_nhs_numbers_modulus_11_with_spaces_and_dashes():
    parsed = ev.parse_nhs_numbers(cells("943 476 5919", "943-476-5919", "9434765919", "9434765918", "9434765820"))
    assert parsed.values.tolist()[:3] == ["9434765919"] * 3
    assert parsed.errors[3] == "NHS number fails the Modulus 11 check (a digit is probably mistyped)"
    # 943476582 has check digit 10: no valid number can end it.
    assert parsed.values[4] is None and "Modulus 11" in parsed.errors[4]


@pytest.mark.parametrize(("raw", "message"), [
    ("", "NHS number is missing"),
    ("94347659", "NHS number must have 10 digits, this has 8"),
    ("94347659190", "NHS number must have 10 digits, this has 11"),
    ("943476591X", "NHS number must contain only digits (spaces and dashes are allowed)"),
    ("９４３４７６５９１９", "NHS number must contain only digits (spaces and dashes are allowed)"),
])
def test_nhs_number_messages(raw, message):
    assert ev.parse_nhs_numbers(cells(raw)).errors[0] == message


def test_same_digit_nhs_numbers_are_rejected_on_import():
    """All ten pass Modulus 11 (so the check alone would let them in); none is issued."""
    same = [str(d) * 10 for d in range(10)]
    parsed = ev.parse_nhs_numbers(cells(*same, "999 000 0018", "9990000018"))
    assert parsed.values.tolist()[:10] == [None] * 10
    assert set(parsed.errors[:10]) == {"NHS number cannot be ten of the same digit (such numbers are never issued)"}
    # One digit different is an ordinary number again: the rule is exactly "all ten the same".
    assert parsed.values.tolist()[10:] == ["9990000018", "9990000018"]
    assert parsed.errors[10] is None


def test_dates_in_each_extract_format():
    parsed = ev.parse_dates(cells("03/07/1941", "03-Jul-1941", "1941-07-03", "3/7/1941", "03-JUL-1941",
                                  "03/07/1941 00:00", "1941-07-03 00:00:00", "3 July 1941"), TODAY)
    assert set(parsed.values.tolist()) == {"1941-07-03"}
    assert not any(parsed.errors)


@pytest.mark.parametrize(("raw", "message"), [
    ("31/02/1950", "Not a real date"),
    ("2026-13-01", "Not a real date"),
    ("03/07/41", "Two-digit years are ambiguous: use a four-digit year, e.g. 03/07/1941"),
    ("yesterday", "Not a date in a recognised format (use 03/07/1941, 03-Jul-1941 or 1941-07-03)"),
    ("02/11/2026", "Date of birth is in the future"),
    ("31/10/1906", "Date of birth is more than 120 years ago"),
    ("", "Date of birth is missing"),
])
def test_date_of_birth_rules(raw, message):
    parsed = ev.parse_dates(cells(raw), TODAY, required=True, what="Date of birth", max_age_years=120)
    assert parsed.values[0] is None
    assert parsed.errors[0] == message


def test_age_120_exactly_is_allowed_and_today_is_not_future():
    parsed = ev.parse_dates(cells("01/11/1906", "01/11/2026"), TODAY, required=True, max_age_years=120)
    assert parsed.values.tolist() == ["1906-11-01", "2026-11-01"]


@pytest.mark.parametrize(("raw", "expected"), [
    ("M", "M"), ("m", "M"), ("Male", "M"), ("F", "F"), ("female", "F"), ("U", "U"), ("Unknown", "U"),
    ("Indeterminate", "U"), (" I ", "U"),
])
def test_sex_letters_and_words(raw, expected):
    assert ev.parse_sex(cells(raw)).values[0] == expected


def test_sex_errors():
    parsed = ev.parse_sex(cells("X", ""))
    assert parsed.errors.tolist() == ["Sex must be M, F or U (or Male, Female, Unknown, Indeterminate)",
                                      "Sex is missing"]


def test_flags_yes_no_words_numbers_and_dates():
    parsed = ev.parse_flags(cells("Y", "Yes", "1", "True", "TRUE", "12/03/2019", "N", "No", "0", "False", "", None,
                                  "maybe", "01/01/2030"), TODAY)
    assert parsed.values.tolist() == [True] * 6 + [False] * 6 + [False, False]
    assert parsed.dates[5] == "2019-03-12" and parsed.dates[0] is None
    assert parsed.errors[12] == "Expected Y/N, Yes/No, 1/0, True/False or a date"
    assert parsed.errors[13] == "A date in a yes/no column must be a real past date"
    assert not any(parsed.errors[:12])


def test_counts_are_non_negative_integers_and_blank_is_not_supplied():
    parsed = ev.parse_counts(cells("0", "7", "3.0", "", "-1", "2.5", "many"), what="A&E attendances")
    assert parsed.values.tolist() == [0, 7, 3, None, None, None, None]
    assert parsed.errors.tolist()[4:] == ["A&E attendances must not be negative",
                                          "A&E attendances must be a whole number",
                                          "A&E attendances must be a whole number"]


def test_decile_range():
    parsed = ev.parse_counts(cells("1", "10", "0", "11"), low=1, high=10, what="IMD decile")
    assert parsed.values.tolist() == [1, 10, None, None]
    assert parsed.errors[2] == "IMD decile must be between 1 and 10"


def test_postcodes_normalised():
    parsed = ev.parse_postcodes(cells("fy11ab", " FY1  1AB ", "SW1A 1AA", "ec1a1bb", "", "QQ1 1AA", "FY1"))
    assert parsed.values.tolist() == ["FY1 1AB", "FY1 1AB", "SW1A 1AA", "EC1A 1BB", None, None, None]
    assert parsed.errors.tolist()[4:] == [None, "Not a UK postcode", "Not a UK postcode"]


def test_practice_codes_are_ods_format():
    parsed = ev.parse_practice_codes(cells("n84001", "U12345", "1234", "", "T12345", "V12345"))
    assert parsed.values.tolist() == ["N84001", None, None, None, "T12345", "V12345"]
    assert "PCN" in parsed.errors[1]  # U + five digits is a PCN code, never a practice
    assert parsed.errors[2].startswith("Practice code must be an ODS code")
    assert parsed.errors[3] == "Practice code is missing"


def test_frailty_categories():
    parsed = ev.parse_frailty(cells("Mild", "moderate frailty", "SEVERE", "", "very"))
    assert parsed.values.tolist() == ["mild", "moderate", "severe", None, None]
    assert parsed.errors[4] == "Frailty must be mild, moderate or severe"


def test_snomed_codes():
    parsed = ev.parse_snomed_codes(cells("49436004", "925791000000100", "1234", "12a456", ""))
    assert parsed.values.tolist()[:2] == ["49436004", "925791000000100"]
    assert parsed.errors.tolist()[2:] == ["SNOMED CT code must be 6 to 18 digits"] * 2 + ["Code is missing"]


def test_duplicates_flag_every_copy():
    assert ev.duplicate_rows(cells("a", "b", "a", None, None)).tolist() == [True, False, True, False, False]


def test_missing_cells_read_as_blank():
    parsed = ev.parse_sex(cells(float("nan"), None, "M"))
    assert parsed.errors.tolist()[:2] == ["Sex is missing", "Sex is missing"]
    assert ev.cell_text(float("nan")) == "" and ev.cell_text("x") == "x"
