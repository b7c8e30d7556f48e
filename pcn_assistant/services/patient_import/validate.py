"""Check every mapped cell of a patient extract, a column at a time.

The result holds clean values for all rows (``None`` where a cell was blank or bad),
one ``RowError`` per bad cell (row as a spreadsheet numbers it, source column, value,
plain-English message) and a mask of rows that cannot be imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from pcn_assistant.core import extract_values as ev
from pcn_assistant.services.patient_import import fields as F
from pcn_assistant.services.patient_import.readers import SourceTable

PRACTICE_OPTION = "(practice for the file)"
# A hostile file can hold a megabyte in one cell: values and messages are cut to this
# length wherever they are reported or stored, so one cell cannot swamp a report.
MAX_TEXT = 200
# A duplicate group is reported once, naming its first rows: listing every other row in
# every row's message made 10,000 copies of one NHS number cost 1.4 GB.
LISTED_DUPLICATE_ROWS = 10


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` cut to ``limit`` characters, marked with an ellipsis when it was cut."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "column", clip(self.column))
        object.__setattr__(self, "value", clip(self.value))
        object.__setattr__(self, "message", clip(self.message))

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class Checked:
    """Clean columns for every row of a table, and what was wrong with which cells."""

    row_numbers: np.ndarray
    values: dict[str, np.ndarray]
    source_columns: dict[str, str]  # field key -> the file's column (or PRACTICE_OPTION)
    flag_dates: dict[str, np.ndarray] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    invalid: np.ndarray | None = None
    # Rows rejected as a later copy of an NHS number: the first row's spreadsheet number
    # (0 = not such a row), and the size of that group. Their one reported problem is on
    # the group's first row; these give each stored rejected row its own reason.
    duplicate_of: np.ndarray | None = None
    duplicate_count: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.invalid is None:
            self.invalid = np.zeros(len(self.row_numbers), dtype=bool)

    @property
    def rows(self) -> int:
        return len(self.row_numbers)

    def add_errors(self, key: str, mask: np.ndarray, raw: np.ndarray, messages: np.ndarray | str) -> None:
        """Record an error on each row in ``mask``; ``messages`` per row or one for all."""
        index = np.flatnonzero(mask)
        if not len(index):
            return
        column = self.source_columns.get(key, key)
        per_row = not isinstance(messages, str)
        for i in index:
            message = messages[i] if per_row else messages
            self.errors.append(RowError(int(self.row_numbers[i]), column, ev.cell_text(raw[i]), str(message)))
        self.invalid[index] = True

    def add_parsed(self, key: str, raw: np.ndarray, parsed: ev.Parsed) -> None:
        self.values[key] = parsed.values
        bad = np.not_equal(parsed.errors, None)
        self.add_errors(key, bad, raw, parsed.errors)

    def sorted_errors(self, column_order: list[str]) -> list[RowError]:
        order = {name: i for i, name in enumerate(column_order)}
        return sorted(self.errors, key=lambda e: (e.row, order.get(e.column, len(order))))


def _parse_field(spec: F.Field, raw: np.ndarray, today: date) -> ev.Parsed:
    if spec.kind == F.NHS:
        return ev.parse_nhs_numbers(raw)
    if spec.kind == F.DATE:
        if spec.key == "date_of_birth":
            return ev.parse_dates(raw, today, required=True, what="Date of birth", max_age_years=ev.MAX_AGE_YEARS)
        return ev.parse_dates(raw, today, required=spec.required, what=spec.label)
    if spec.kind == F.SEX:
        return ev.parse_sex(raw)
    if spec.kind == F.PRACTICE:
        return ev.parse_practice_codes(raw)
    if spec.kind == F.POSTCODE:
        return ev.parse_postcodes(raw)
    if spec.kind == F.LSOA:
        return ev.parse_lsoa_codes(raw)
    if spec.kind == F.DECILE:
        return ev.parse_counts(raw, low=1, high=10, what=spec.label)
    if spec.kind == F.COUNT:
        return ev.parse_counts(raw, what=spec.label)
    if spec.kind == F.FRAILTY:
        return ev.parse_frailty(raw)
    if spec.kind == F.CODE:
        return ev.parse_snomed_codes(raw)
    if spec.kind == F.NUMBER:
        return ev.parse_decimals(raw, what=spec.label)
    if spec.kind == F.EFI_SCORE:
        return ev.parse_efi_scores(raw)
    return ev.parse_text(raw, spec.max_length or 500, what=spec.label)


def check_table(
    kind: str, table: SourceTable, mapping: Mapping[str, str], today: date, *,
    default_practice: str | None = None,
) -> Checked:
    """Parse every mapped column; flags keep the date when a cell held one."""
    specs = F.field_index(kind)
    by_field = {key: column for column, key in mapping.items() if key}
    n = table.rows_read
    checked = Checked(row_numbers=table.row_numbers, values={}, source_columns=dict(by_field))
    for number, message in table.bad_rows.items():
        where = np.flatnonzero(table.row_numbers == number)
        if len(where):
            checked.errors.append(RowError(number, "", "", message))
            checked.invalid[where] = True
    for key, column in by_field.items():
        spec = specs[key]
        raw = ev.as_text(table.frame[column])
        if spec.kind in (F.FLAG, F.CONDITION):
            parsed = ev.parse_flags(raw, today)
            checked.add_parsed(key, raw, parsed)
            checked.values[key] = parsed.values.astype(bool)
            if spec.kind == F.CONDITION:
                checked.flag_dates[key] = parsed.dates
            continue
        if spec.key == "practice_code" and default_practice:
            blank = np.array([not ev.cell_text(v).strip() for v in raw], dtype=bool)
            raw = np.where(blank, default_practice, raw).astype(object)
        checked.add_parsed(key, raw, _parse_field(spec, raw, today))
    if "practice_code" not in by_field and default_practice:
        checked.source_columns["practice_code"] = PRACTICE_OPTION
        checked.values["practice_code"] = np.full(n, ev.as_text([default_practice])[0].upper(), dtype=object)
    if kind == "patients" and "nhs_number" in checked.values:
        _reject_duplicates(checked, ev.as_text(table.frame[by_field["nhs_number"]]))
    return checked


def _reject_duplicates(checked: Checked, raw: np.ndarray) -> None:
    """Reject every row of an NHS number that is on more than one row, reporting each
    group once on its first row (with its size and first few rows): linear in the file."""
    numbers = checked.values["nhs_number"]
    duplicated = np.flatnonzero(ev.duplicate_rows(numbers))
    if not len(duplicated):
        return
    codes, _uniques = pd.factorize(numbers[duplicated])
    order = np.argsort(codes, kind="stable")
    index = duplicated[order]  # rows grouped by number, each group in file order
    starts = np.flatnonzero(np.r_[True, codes[order][1:] != codes[order][:-1]])
    ends = np.r_[starts[1:], len(index)]
    checked.duplicate_of = np.zeros(checked.rows, dtype=np.int64)
    column = checked.source_columns.get("nhs_number", "nhs_number")
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        group = index[start:end]
        rows = checked.row_numbers[group]
        first, count = int(rows[0]), end - start
        listed = ", ".join(str(r) for r in rows[:LISTED_DUPLICATE_ROWS].tolist())
        if count > LISTED_DUPLICATE_ROWS:
            listed += f" and {count - LISTED_DUPLICATE_ROWS:,} more"
        checked.errors.append(RowError(first, column, ev.cell_text(raw[group[0]]),
                                       f"The same NHS number is on {count:,} rows of this file "
                                       f"(rows {listed}); none of them is imported"))
        checked.duplicate_of[group[1:]] = first
        checked.duplicate_count[first] = count
    checked.invalid[duplicated] = True


def all_nhs_numbers(table: SourceTable, mapping: Mapping[str, str]) -> set[str]:
    """Every NHS number in the file, valid or not, spaces removed: a full-list import
    never marks someone as left whose row is merely rejected."""
    column = next((c for c, k in mapping.items() if k == "nhs_number"), None)
    if column is None:
        return set()
    compact = pd.Series([ev.cell_text(v) for v in ev.as_text(table.frame[column])], dtype=object)
    compact = compact.str.replace(r"[\s\-]", "", regex=True)
    return set(compact[compact != ""])
