"""Cell values from GP practice extracts, parsed a whole column at a time.

Extracts carry dates as ``03/07/1941``, ``03-Jul-1941`` or ``1941-07-03``, flags as
Y/N, Yes/No, 1/0, True/False or a date, sex as letters or words, and counts that may
be blank ("not supplied"). Each parser takes a column of raw text and returns a
``Parsed``: the clean values and, per cell, ``None`` or a plain-English message.

Columns are parsed per *distinct* value (``pandas.factorize``) and mapped back, so a
50,000-row column of Y/N costs a few milliseconds; nothing here loops over rows in
Python. The rules follow the NHS data standards named in each docstring.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from pcn_assistant.core import nhs_number, ods

MAX_AGE_YEARS = 120
EARLIEST_DATE = date(1900, 1, 1)

# Tried in order on whatever is still unparsed: ISO, then UK day-first forms.
DATE_FORMATS = (
    "%Y-%m-%d", "%d/%m/%Y", "%d-%b-%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y",
    "%d-%B-%Y", "%Y/%m/%d",
)
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}[/\-. ](?:\d{1,2}|[A-Za-z]{3,9})[/\-. ]\d{2}$")
_DATE_SHAPE = re.compile(r"^(\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{1,2}[/\-. ](\d{1,2}|[A-Za-z]{3,9})[/\-. ]\d{4})$")

TRUE_WORDS = frozenset({"y", "yes", "1", "true", "t", "1.0"})
FALSE_WORDS = frozenset({"n", "no", "0", "false", "f", "0.0", ""})

SEX_WORDS = {
    "m": "M", "male": "M", "man": "M",
    "f": "F", "female": "F", "woman": "F",
    "u": "U", "unknown": "U", "i": "U", "indeterminate": "U", "not known": "U",
    "not specified": "U", "not stated": "U", "unspecified": "U",
}
FRAILTY_WORDS = {
    "mild": "mild", "mild frailty": "mild", "moderate": "moderate", "moderate frailty": "moderate",
    "severe": "severe", "severe frailty": "severe", "": None, "none": None, "fit": None,
}

_POSTCODE = re.compile(
    r"^(GIR0AA|(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?)"
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)
_ODS_PRACTICE = ods.PRACTICE_PATTERN  # U + five digits is a PCN, never a practice
_LSOA = re.compile(r"^[EW]0[01][0-9]{6}$")
_SNOMED = re.compile(r"^[1-9][0-9]{5,17}$")
_INTEGER = re.compile(r"^[+-]?[0-9]+(?:\.0+)?$")
_NHS_SEPARATORS = re.compile(r"[\s\-]")
_SPACES = re.compile(r"\s+")


@dataclass
class Parsed:
    """Clean values (object array, ``None`` = blank) and per-cell messages (``None`` = fine)."""

    values: np.ndarray
    errors: np.ndarray

    def __len__(self) -> int:
        return len(self.values)


def as_text(column: object) -> np.ndarray:
    """An object array of the cells; missing cells (``NaN``, ``None``) are read as blank
    by every parser below, so they need no separate pass here."""
    if isinstance(column, pd.Series):
        return column.to_numpy(dtype=object)
    if isinstance(column, np.ndarray):
        return column.astype(object, copy=False)
    return np.array(list(column), dtype=object)


def _blank_for_missing(codes: np.ndarray, uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``factorize`` gives missing cells code -1: make them one more distinct value, ``""``."""
    uniques = np.asarray(uniques, dtype=object)
    missing = codes < 0
    if missing.any():
        codes = codes.copy()
        codes[missing] = len(uniques)
        uniques = np.append(uniques, "")
    return codes, uniques


def by_distinct(column: np.ndarray, parse: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]) -> Parsed:
    """Run ``parse`` once per distinct value and spread the answers back over the rows."""
    codes, uniques = _blank_for_missing(*pd.factorize(column))
    values, errors = parse(uniques)
    return Parsed(np.asarray(values, dtype=object)[codes], np.asarray(errors, dtype=object)[codes])


def _empty_results(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full(n, None, dtype=object), np.full(n, None, dtype=object)


# --- NHS number ------------------------------------------------------------------------------

def parse_nhs_numbers(column: np.ndarray) -> Parsed:
    """NHS numbers with spaces or dashes removed, checked with Modulus 11 (weights 10..2)."""

    def parse(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values, errors = _empty_results(len(uniques))
        compact = np.array([_NHS_SEPARATORS.sub("", str(u)) for u in uniques], dtype=object)
        lengths = np.fromiter((len(v) for v in compact), dtype=np.int64, count=len(compact))
        ten = lengths == 10
        if ten.any():
            digits = np.frombuffer("".join(compact[ten]).encode("ascii", errors="replace"),
                                   dtype=np.uint8).reshape(-1, 10).astype(np.int64) - 48
            numeric = ((digits >= 0) & (digits <= 9)).all(axis=1)
            index = np.flatnonzero(ten)
            ten[index[~numeric]] = False
            digits, index = digits[numeric], index[numeric]
            check = 11 - (digits[:, :9] * np.arange(10, 1, -1)).sum(axis=1) % 11
            check[check == 11] = 0
            same = (digits == digits[:, :1]).all(axis=1)  # 0000000000 ... 9999999999
            good = (check == digits[:, 9]) & ~same
            values[index[good]] = compact[index[good]]
            errors[index[~good]] = "NHS number fails the Modulus 11 check (a digit is probably mistyped)"
            errors[index[same]] = nhs_number.SAME_DIGIT_MESSAGE
        for i in np.flatnonzero(~ten):
            number = compact[i]
            if not number:
                errors[i] = "NHS number is missing"
            elif not number.isdigit() or not number.isascii():
                errors[i] = "NHS number must contain only digits (spaces and dashes are allowed)"
            else:
                errors[i] = f"NHS number must have 10 digits, this has {len(number)}"
        return values, errors

    return by_distinct(column, parse)


# --- dates -----------------------------------------------------------------------------------

# Each shape of date text, the format that reads it.
_DATE_SHAPES = (
    (re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"), ("%Y-%m-%d",)),
    (re.compile(r"^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$"), ("%d/%m/%Y",)),
    (re.compile(r"^[0-9]{1,2}-[A-Za-z]{3}-[0-9]{4}$"), ("%d-%b-%Y",)),
)


def _parse_date_uniques(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ISO date strings for what parses; a reason for what does not (blank stays blank).

    The common shapes are sorted out by pattern first, so each value meets only the
    format that fits it; anything else tries every format in ``DATE_FORMATS``."""
    values, errors = _empty_results(len(uniques))
    text = np.array([_TIME_SUFFIX.sub("", str(u).strip()) for u in uniques], dtype=object)
    found = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[D]")
    pending = text != ""
    shaped = np.zeros(len(text), dtype=bool)
    for shape, formats in _DATE_SHAPES:
        fits = pending & np.array([shape.match(t) is not None for t in text], dtype=bool)
        shaped |= fits
        for fmt in formats:
            _try_format(text, fits, found, pending, fmt)
    for fmt in DATE_FORMATS:
        if not (pending & ~shaped).any():
            break
        _try_format(text, pending & ~shaped, found, pending, fmt)
    parsed = ~np.isnat(found)
    values[parsed] = np.datetime_as_string(found[parsed], unit="D").astype(object)
    for i in np.flatnonzero(pending):
        raw = text[i]
        if _TWO_DIGIT_YEAR.match(raw):
            errors[i] = "Two-digit years are ambiguous: use a four-digit year, e.g. 03/07/1941"
        elif _DATE_SHAPE.match(raw):
            errors[i] = "Not a real date"
        else:
            errors[i] = "Not a date in a recognised format (use 03/07/1941, 03-Jul-1941 or 1941-07-03)"
    return values, errors


def _try_format(text: np.ndarray, mask: np.ndarray, found: np.ndarray, pending: np.ndarray, fmt: str) -> None:
    """Parse ``text[mask]`` with ``fmt``; fill ``found`` and clear ``pending`` where it worked."""
    index = np.flatnonzero(mask & pending)
    if not len(index):
        return
    attempt = pd.to_datetime(pd.Series(text[index], dtype=object), format=fmt, errors="coerce").to_numpy()
    ok = ~np.isnat(attempt)
    found[index[ok]] = attempt[ok].astype("datetime64[D]")
    pending[index[ok]] = False


def parse_dates(
    column: np.ndarray, today: date, *, required: bool = False, what: str = "Date",
    max_age_years: int | None = None,
) -> Parsed:
    """Dates as ISO text: real, not in the future, not before 1900 (or, for a date of
    birth, not more than ``max_age_years`` ago)."""
    today_iso = today.isoformat()
    earliest = EARLIEST_DATE
    if max_age_years is not None:
        earliest = _years_before(today, max_age_years)
    earliest_iso = earliest.isoformat()

    def parse(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values, errors = _parse_date_uniques(uniques)
        for i, value in enumerate(values):
            if value is None:
                if errors[i] is None and required:
                    errors[i] = f"{what} is missing"
            elif value > today_iso:
                values[i], errors[i] = None, f"{what} is in the future"
            elif value < earliest_iso:
                values[i] = None
                errors[i] = (f"{what} is more than {max_age_years} years ago" if max_age_years
                             else f"{what} is before {earliest:%Y}")
        return values, errors

    return by_distinct(column, parse)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- flags, sex, counts, codes ---------------------------------------------------------------

@dataclass
class ParsedFlags(Parsed):
    """Flag cells: ``values`` are booleans; ``dates`` holds the ISO date when the cell was one."""

    dates: np.ndarray | None = None


def parse_flags(column: np.ndarray, today: date) -> ParsedFlags:
    """Y/Yes/1/True or a date means present; N/No/0/False/blank means absent; else an error."""
    codes, uniques = _blank_for_missing(*pd.factorize(column))
    n = len(uniques)
    present = np.zeros(n, dtype=bool)
    dates = np.full(n, None, dtype=object)
    errors = np.full(n, None, dtype=object)
    lowered = [str(u).strip().lower() for u in uniques]
    other = []
    for i, word in enumerate(lowered):
        if word in TRUE_WORDS:
            present[i] = True
        elif word not in FALSE_WORDS:
            other.append(i)
    if other:
        date_values, _date_errors = _parse_date_uniques(uniques[other])
        today_iso = today.isoformat()
        for i, value in zip(other, date_values, strict=True):
            if value is not None and EARLIEST_DATE.isoformat() <= value <= today_iso:
                present[i], dates[i] = True, value
            elif value is not None:
                errors[i] = "A date in a yes/no column must be a real past date"
            else:
                errors[i] = "Expected Y/N, Yes/No, 1/0, True/False or a date"
    return ParsedFlags(present[codes], errors[codes], dates[codes])


def parse_sex(column: np.ndarray) -> Parsed:
    """M, F or U (indeterminate/unknown), from letters or words."""

    def parse(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values, errors = _empty_results(len(uniques))
        for i, raw in enumerate(uniques):
            word = str(raw).strip().lower()
            if not word:
                errors[i] = "Sex is missing"
            elif word in SEX_WORDS:
                values[i] = SEX_WORDS[word]
            else:
                errors[i] = "Sex must be M, F or U (or Male, Female, Unknown, Indeterminate)"
        return values, errors

    return by_distinct(column, parse)


def parse_counts(column: np.ndarray, *, low: int = 0, high: int | None = None, what: str = "Count") -> Parsed:
    """Whole numbers in a range; blank means "not supplied" (``None``), never zero."""

    def parse(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values, errors = _empty_results(len(uniques))
        for i, raw in enumerate(uniques):
            text = str(raw).strip().replace(",", "")
            if not text:
                continue
            if not _INTEGER.match(text):
                errors[i] = f"{what} must be a whole number"
                continue
            number = int(float(text)) if "." in text else int(text)
            if number < low or (high is not None and number > high):
                errors[i] = (f"{what} must be between {low} and {high}" if high is not None
                             else f"{what} must not be negative" if low == 0
                             else f"{what} must be at least {low}")
            else:
                values[i] = number
        return values, errors

    return by_distinct(column, parse)


def parse_decimals(column: np.ndarray, what: str = "Value") -> Parsed:
    """Numbers such as a measured value; blank is ``None``."""

    def parse(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values, errors = _empty_results(len(uniques))
        for i, raw in enumerate(uniques):
            text = str(raw).strip()
            if not text:
                continue
            try:
                number = float(text)
            except ValueError:
                errors[i] = f"{what} must be a number"
                continue
            if np.isfinite(number):
                values[i] = number
            else:
                errors[i] = f"{what} must be a finite number"
        return values, errors

    return by_distinct(column, parse)


def _pattern_parser(
    pattern: re.Pattern[str], message: str, *, compact: bool, required_message: str | None = None,
    spaced: bool = False,
) -> Callable[[np.ndarray], Parsed]:
    """A parser for codes with a fixed shape: upper-cased, optionally without spaces;
    ``spaced`` puts one space before the last three characters (postcodes)."""

    def run(column: np.ndarray) -> Parsed:
        def parse(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            values, errors = _empty_results(len(uniques))
            match = pattern.match
            for i, raw in enumerate(uniques):
                text = str(raw).strip().upper()
                if compact:
                    text = _SPACES.sub("", text)
                if not text:
                    errors[i] = required_message
                elif match(text):
                    values[i] = f"{text[:-3]} {text[-3:]}" if spaced else text
                else:
                    errors[i] = message
            return values, errors

        return by_distinct(column, parse)

    return run


parse_postcodes = _pattern_parser(_POSTCODE, "Not a UK postcode", compact=True, spaced=True)
parse_practice_codes = _pattern_parser(
    _ODS_PRACTICE, ("Practice code must be an ODS code: one letter and five digits, e.g. N84001 "
     "(U and five digits is a PCN, not a practice)"),
    compact=True, required_message="Practice code is missing")
parse_lsoa_codes = _pattern_parser(_LSOA, "LSOA code must look like E01012345", compact=True)
parse_snomed_codes = _pattern_parser(
    _SNOMED, "SNOMED CT code must be 6 to 18 digits", compact=True, required_message="Code is missing")


def parse_frailty(column: np.ndarray) -> Parsed:
    """A clinician-coded frailty category: mild, moderate or severe (blank = none coded)."""

    def parse(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values, errors = _empty_results(len(uniques))
        for i, raw in enumerate(uniques):
            word = " ".join(str(raw).strip().lower().split())
            if word in FRAILTY_WORDS:
                values[i] = FRAILTY_WORDS[word]
            else:
                errors[i] = "Frailty must be mild, moderate or severe"
        return values, errors

    return by_distinct(column, parse)


def parse_text(column: np.ndarray, max_length: int, what: str = "Text") -> Parsed:
    """Free text, trimmed; blank is ``None``; longer than the column holds is an error."""

    def parse(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        values, errors = _empty_results(len(uniques))
        for i, raw in enumerate(uniques):
            text = " ".join(str(raw).split())
            if len(text) > max_length:
                errors[i] = f"{what} is longer than {max_length} characters"
            elif text:
                values[i] = text
        return values, errors

    return by_distinct(column, parse)


def cell_text(value: object) -> str:
    """How a raw cell reads in an error report (a missing cell reads as blank)."""
    return value if isinstance(value, str) else ("" if value is None or value != value else str(value))


def duplicate_rows(keys: np.ndarray) -> np.ndarray:
    """Boolean mask of rows whose (non-blank) key appears more than once."""
    series = pd.Series(keys, dtype=object)
    return (series.notna() & series.duplicated(keep=False)).to_numpy()


EFI_MESSAGE = "eFI must be a score from 0 to 1, as EMIS and SystmOne show it (for example 0.19)"


def parse_efi_scores(column: np.ndarray) -> Parsed:
    """An eFI as EMIS and SystmOne show it: a score from 0 to 1 (``0.19``); blank is ``None``."""
    numbers = parse_decimals(column, "eFI")
    values, errors = numbers.values.copy(), numbers.errors.copy()
    wrong = np.fromiter((e is not None or (v is not None and not 0 <= v <= 1)
                         for v, e in zip(values, errors, strict=True)), dtype=bool, count=len(values))
    values[wrong], errors[wrong] = None, EFI_MESSAGE
    return Parsed(values, errors)
