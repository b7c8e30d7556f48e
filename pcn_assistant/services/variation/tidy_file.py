"""Read and check an indicator file: tidy data rows, or catalogue-format definitions.

Data files have ``practice_code, indicator_code, period, numerator, denominator`` and
optionally ``practice_name``, ``indicator_name``, ``age_band`` (an ESP 2013 five-year band
such as ``0-4`` or ``90+``, so an age-standardised indicator can be given as events and
population by band) and, to define an indicator the catalogue lacks, ``type``,
``multiplier`` and ``polarity``. Every problem is reported
with the row number a spreadsheet shows (the header is row 1) and the column.
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pandas as pd

from pcn_assistant.core import ods
from pcn_assistant.core.stats.standardised import parse_age_band
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services.variation import periods
from pcn_assistant.services.variation.catalogue import (
    CATALOGUE_COLUMNS,
    IndicatorDef,
    definition_from_row,
    definition_problems,
)

REQUIRED = ("practice_code", "indicator_code", "period", "numerator", "denominator")
OPTIONAL = ("practice_name", "indicator_name", "type", "multiplier", "polarity", "unit", "age_band")
DEFINING = ("type", "multiplier", "polarity")
SYNONYMS = {
    "practice": "practice_code", "ods_code": "practice_code", "org_code": "practice_code",
    "area_code": "practice_code", "indicator": "indicator_code", "time_period": "period",
    "count": "numerator", "population": "denominator", "area_name": "practice_name",
    "ageband": "age_band", "age_group": "age_band",
}
MAX_AREA_CODE = 20
EXTRA = "_cells_without_header"
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass
class IndicatorFile:
    """What a file holds once read and checked; ``records`` has only the valid rows."""

    path: Path
    sha256: str
    kind: str  # "data" or "catalogue"
    rows_read: int
    records: pd.DataFrame
    definitions: dict[str, IndicatorDef]
    problems: list[Problem] = field(default_factory=list)
    raw_rows: dict[int, dict[str, str]] = field(default_factory=dict)

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _column_key(name: object) -> str:
    key = "_".join(str(name).strip().lower().replace("-", " ").split())
    return SYNONYMS.get(key, key)


def read_table(path: Path) -> tuple[pd.DataFrame, int]:
    """Every cell as text, columns named by their normalised header; also the sheet row
    number of the header, so data rows can be numbered as a spreadsheet shows them."""
    if not path.is_file():
        raise InvalidInput(f"{path.name}: no such file")
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls") or _is_zip_or_ole(path):
            from pcn_assistant.services.xlsx_guard import check_workbook

            check_workbook(path, path.name)  # the xlsx reader aborts the process on a huge sheet
            grid = pd.read_excel(path, header=None, dtype=str, engine="calamine").fillna("")
        else:
            grid = _read_csv(path)
    except InvalidInput:
        raise
    except Exception as error:  # noqa: BLE001 - any reader failure means "not a table"
        raise InvalidInput(f"{path.name}: not a readable CSV or Excel table ({type(error).__name__})") from error
    if grid.empty:
        raise InvalidInput(f"{path.name}: the file is empty")
    for index in range(min(HEADER_SEARCH_ROWS, len(grid))):
        keys = [_column_key(v) for v in grid.iloc[index]]
        if {"practice_code", "indicator_code"} <= set(keys) or {"code", "type"} <= set(keys):
            body = grid.iloc[index + 1:].reset_index(drop=True).astype(str)
            unnamed = body.loc[:, [not k for k in keys]]
            body.columns = keys
            body = body.loc[:, [k for k in dict.fromkeys(keys) if k]]
            body = body.apply(lambda col: col.str.strip())
            # Cells beyond the header usually mean an unquoted comma inside a value.
            body[EXTRA] = unnamed.apply(lambda row: " | ".join(v.strip() for v in row if v.strip()), axis=1) \
                if not unnamed.empty else ""
            return body, index + 1
    raise InvalidInput(
        f"{path.name}: no header row found; expected columns {', '.join(REQUIRED)} "
        f"(or the catalogue columns {', '.join(CATALOGUE_COLUMNS[:5])})")


def _is_zip_or_ole(path: Path) -> bool:
    """A workbook under another name is still a workbook (and is checked as one)."""
    with path.open("rb") as handle:
        head = handle.read(8)
    return head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))


def _read_csv(path: Path) -> pd.DataFrame:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise InvalidInput(f"{path.name}: this is a binary file, not a CSV table")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput(f"{path.name}: the text is neither UTF-8 nor Windows-1252")
    head = text.splitlines()[:HEADER_SEARCH_ROWS]
    delimiter = max((",", ";", "\t", "|"), key=lambda d: max((line.count(d) for line in head), default=0))
    rows = list(csv.reader(StringIO(text), delimiter=delimiter))
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)


def parse_number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_indicator_file(
    path: str | Path, catalogue: dict[str, IndicatorDef], *,
    known_practices: set[str] | None = None,
) -> IndicatorFile:
    """Read and check a file. ``known_practices`` (database mode) requires each practice
    code to be an ODS code the database knows; without it any area code is accepted."""
    path = Path(path)
    table, header_row = read_table(path)
    sha = file_sha256(path)
    raw_rows = {header_row + 1 + i: row for i, row in enumerate(table.to_dict("records"))}
    if "indicator_code" not in table.columns:
        return _read_definitions(path, sha, table, raw_rows, catalogue)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise InvalidInput(f"{path.name}: required column(s) missing: {', '.join(missing)}")
    problems: list[Problem] = []
    definitions = _file_definitions(raw_rows, catalogue, problems)
    records: list[dict] = []
    seen: dict[tuple, list[int]] = defaultdict(list)
    for number, row in raw_rows.items():
        if not any(row.values()):
            continue
        row_problems = _check_row(number, row, catalogue, definitions, known_practices)
        problems.extend(row_problems)
        band = parse_age_band(row["age_band"]) if row.get("age_band") else None
        key = (ods.normalise(row["practice_code"]) if known_practices is not None else row["practice_code"],
               row["indicator_code"], periods.normalise(row["period"]), band)
        seen[key].append(number)
        if not row_problems:
            records.append({
                "row": number, "practice_code": key[0], "practice_name": row.get("practice_name", ""),
                "indicator_code": key[1], "period": key[2],
                "numerator": parse_number(row["numerator"]), "denominator": parse_number(row["denominator"]),
                "age_band": band,
            })
    _check_bands(seen, raw_rows, problems)
    duplicates = {n for numbers in seen.values() if len(numbers) > 1 for n in numbers}
    duplicates |= {p.row for p in problems}  # definition problems found before the row checks
    for numbers in seen.values():
        if len(numbers) > 1:
            listed = ", ".join(map(str, numbers))
            problems.extend(
                Problem(n, "period", raw_rows[n]["period"],
                        f"the same practice, indicator, period and age band appear on rows {listed}")
                for n in numbers)
    frame = pd.DataFrame(records, columns=["row", "practice_code", "practice_name", "indicator_code",
                                           "period", "numerator", "denominator", "age_band"])
    frame["age_band"] = frame["age_band"].astype("Int64")
    frame = frame[~frame["row"].isin(duplicates)].reset_index(drop=True)
    problems.sort(key=lambda p: (p.row, p.column))
    rows_read = sum(1 for row in raw_rows.values() if any(row.values()))
    used = set(frame["indicator_code"])
    return IndicatorFile(path, sha, "data", rows_read, frame,
                         {c: d for c, d in definitions.items() if c in used}, problems, raw_rows)


def _check_bands(seen: dict[tuple, list[int]], raw_rows: dict[int, dict[str, str]],
                 problems: list[Problem]) -> None:
    """A practice's indicator and period is either one all-ages row or rows by age band:
    both would count the same events twice."""
    banded: dict[tuple, set[bool]] = defaultdict(set)
    for key in seen:
        banded[key[:3]].add(key[3] is not None)
    for key, numbers in seen.items():
        if banded[key[:3]] == {True, False}:
            problems.extend(Problem(n, "age_band", raw_rows[n].get("age_band", ""),
                                    "this practice, indicator and period has rows both with and "
                                    "without an age band") for n in numbers)


def _file_definitions(
    raw_rows: dict[int, dict[str, str]], catalogue: dict[str, IndicatorDef], problems: list[Problem],
) -> dict[str, IndicatorDef]:
    """Indicators the file defines (first complete definition of each code wins);
    a row whose definition contradicts an earlier one or the catalogue is an error."""
    definitions: dict[str, IndicatorDef] = {}
    for number, row in raw_rows.items():
        if not any(row.get(c) for c in DEFINING):
            continue
        code = row.get("indicator_code", "")
        spec = {"code": code, "name": row.get("indicator_name", ""), "unit": row.get("unit", ""),
                **{c: row.get(c, "") for c in DEFINING}}
        column_problems = definition_problems(spec)
        column_problems.pop("code", None)  # reported against indicator_code by the row check
        if column_problems:
            problems.extend(Problem(number, c, row.get(c, ""), m) for c, m in column_problems.items())
            continue
        if not code:
            continue
        definition = definition_from_row(spec)
        known = catalogue.get(code) or definitions.get(code)
        if known is None:
            definitions[code] = definition
        elif not known.same_method(definition):
            where = "the catalogue" if code in catalogue else "an earlier row"
            problems.append(Problem(
                number, "type", row.get("type", ""),
                f"{code} is defined in {where} as {known.type} x{known.multiplier:g} {known.polarity}; "
                "leave type, multiplier and polarity blank or make them match"))
    return definitions


def _check_row(
    number: int, row: dict[str, str], catalogue: dict[str, IndicatorDef],
    definitions: dict[str, IndicatorDef], known_practices: set[str] | None,
) -> list[Problem]:
    problems: list[Problem] = []

    def bad(column: str, message: str) -> None:
        problems.append(Problem(number, column, row.get(column, ""), message))

    if row.get(EXTRA):
        bad(EXTRA, "this row has more cells than the header has columns: quote values that contain "
                   "commas")
    practice = row["practice_code"]
    if not practice:
        bad("practice_code", "a practice code is required")
    elif known_practices is not None:
        if not ods.is_practice_code(practice):
            bad("practice_code", "not an ODS practice code (a letter and five digits, like N84001; "
                                 "U and five digits is a PCN)")
        elif ods.normalise(practice) not in known_practices:
            bad("practice_code", "this practice is not in the database; add it first")
    elif len(practice) > MAX_AREA_CODE:
        bad("practice_code", f"area codes are up to {MAX_AREA_CODE} characters")
    code = row["indicator_code"]
    definition = catalogue.get(code) or definitions.get(code)
    if not code:
        bad("indicator_code", "an indicator code is required")
    elif definition is None and not any(row.get(c) for c in DEFINING):
        bad("indicator_code", "unknown indicator: add it to the catalogue, or give type, "
                              "multiplier and polarity columns to define it in this file")
    elif definition is None:
        bad("indicator_code", "this new indicator's type, multiplier or polarity is not valid")
    period = periods.normalise(row["period"])
    if not period:
        bad("period", "a period is required")
    elif len(period) > periods.MAX_LENGTH:
        bad("period", f"periods are up to {periods.MAX_LENGTH} characters")
    if row.get("age_band") and parse_age_band(row["age_band"]) is None:
        bad("age_band", "not an ESP 2013 five-year age band (0-4, 5-9 ... 85-89, 90+)")
    numerator = parse_number(row["numerator"])
    denominator = parse_number(row["denominator"])
    if numerator is None:
        bad("numerator", "the numerator must be a number")
    elif numerator < 0:
        bad("numerator", "the numerator cannot be negative")
    if denominator is None:
        bad("denominator", "the denominator must be a number")
    elif denominator <= 0:
        bad("denominator", "the denominator must be greater than 0")
    if (definition is not None and definition.type == "proportion" and numerator is not None
            and denominator is not None and 0 < denominator < numerator):
        bad("numerator", "for a proportion the numerator cannot be above the denominator")
    return problems


def _read_definitions(
    path: Path, sha: str, table: pd.DataFrame, raw_rows: dict[int, dict[str, str]],
    catalogue: dict[str, IndicatorDef],
) -> IndicatorFile:
    """A catalogue-format file: one indicator definition per row."""
    missing = [c for c in CATALOGUE_COLUMNS[:5] if c not in table.columns]
    if missing:
        raise InvalidInput(f"{path.name}: catalogue column(s) missing: {', '.join(missing)}")
    problems: list[Problem] = []
    definitions: dict[str, IndicatorDef] = {}
    rows_read = 0
    for number, row in raw_rows.items():
        if not any(row.values()):
            continue
        rows_read += 1
        found = definition_problems(row)
        code = row.get("code", "")
        if not found and code in catalogue and catalogue[code].origin == "catalogue":
            found["code"] = "this code belongs to a shipped indicator; choose another code"
        if not found and code in definitions:
            found["code"] = "this code is defined twice in the file"
        if found:
            problems.extend(Problem(number, c, row.get(c, ""), m) for c, m in found.items())
        else:
            definitions[code] = definition_from_row(row)
    return IndicatorFile(path, sha, "catalogue", rows_read, pd.DataFrame(), definitions, problems, raw_rows)
