"""Read a practice extract (CSV or Excel) into a frame of text, header found, rows numbered.

Clinical systems put title lines above the header, write UTF-8 (with or without a BOM)
or Windows-1252, and Excel turns NHS numbers into numbers. This module:

- detects the format from the file's first bytes, not its name;
- detects the text encoding, and refuses files that mix two encodings;
- finds the header row by recognising known column names, trying comma, tab,
  semicolon and pipe as the delimiter;
- reads every cell as text, so NHS numbers and codes never become numbers;
- numbers each row as a spreadsheet shows it (title lines and the header count).

Anything that makes the file unusable raises ``InvalidInput`` with one plain sentence.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from pcn_assistant.errors import InvalidInput
from pcn_assistant.services.patient_import.fields import normalise_header

HEADER_SEARCH_ROWS = 30
MAX_COLUMNS = 1000
DELIMITERS = (",", "\t", ";", "|")
DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BAD_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_GUARDED: set[str] = set()  # SHA-256 of workbooks that passed the xlsx guard in this process


@dataclass
class SourceTable:
    """A file's table as text: ``frame`` columns are the (de-duplicated) header cells."""

    file_name: str
    sha256: str
    format: str  # csv or xlsx
    header_row: int  # as a spreadsheet numbers it (1 = first row)
    columns: list[str]
    frame: pd.DataFrame
    row_numbers: np.ndarray
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    total_rows: int | None = None  # data rows in the whole file, when only a preview was read
    bad_rows: dict[int, str] = field(default_factory=dict)  # row number -> why the row is malformed

    @property
    def rows_read(self) -> int:
        return len(self.frame)

    def describe(self) -> str:
        if self.format == "csv":
            how = f"{DELIMITER_NAMES.get(self.delimiter or ',', 'comma')}-separated, {self.encoding}"
        else:
            how = f"Excel sheet '{self.sheet}'"
        return f"{how}; header on row {self.header_row}"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_table(
    path: str | Path, known_names: Iterable[str], *, preview_rows: int | None = None,
) -> SourceTable:
    """Read ``path``; ``known_names`` are normalised column names that mark the header row."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path.name}: no such file") from None
    except OSError as error:
        raise InvalidInput(f"{path.name}: cannot be read ({error.strerror or error})") from None
    return read_bytes(data, path.name, known_names, preview_rows=preview_rows)


def read_bytes(
    data: bytes, file_name: str, known_names: Iterable[str], *, preview_rows: int | None = None,
) -> SourceTable:
    known = frozenset(known_names)
    if not data.strip():
        raise InvalidInput(f"{file_name} is empty")
    digest = sha256_of(data)
    if data.startswith(_ZIP) or data.startswith(_OLE):
        return _read_workbook(data, file_name, digest, known, preview_rows)
    if data.startswith(b"%PDF"):
        raise InvalidInput(f"{file_name} is a PDF, not a table: export the report as CSV or Excel")
    return _read_text(data, file_name, digest, known, preview_rows)


# --- text files ------------------------------------------------------------------------------

def detect_encoding(data: bytes, file_name: str) -> tuple[str, str]:
    """(Python codec, decoded text) for UTF-8 (BOM or not), UTF-16 with a BOM, or Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        if b"\x00" in data[:65536]:
            raise InvalidInput(f"{file_name} is not a text table (it looks like a binary file)")
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8":
            raise InvalidInput(f"{file_name} is not valid {encoding} text") from None
        if _UTF8_MULTIBYTE.search(data):
            raise InvalidInput(
                f"{file_name} mixes two text encodings (UTF-8 and Windows-1252), so some names would be "
                "garbled: open it in Excel and save it again as 'CSV UTF-8', then import that"
            ) from None
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InvalidInput(
                f"{file_name} is not a text table (its bytes are neither UTF-8 nor Windows-1252)") from None
        encoding = "cp1252"
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) > max(5, len(sample) // 1000):
        raise InvalidInput(f"{file_name} is not a text table (it looks like a binary file)")
    return encoding, text


def _head_lines(text: str, count: int) -> str:
    end = 0
    for _ in range(count):
        found = text.find("\n", end)
        if found < 0:
            return text
        end = found + 1
    return text[:end]


def _header_score(cells: list[str], known: frozenset[str]) -> int:
    return sum(1 for cell in cells if cell.strip() and normalise_header(cell) in known)


def find_header(rows: list[list[str]], known: frozenset[str]) -> tuple[int, int] | None:
    """(index, score) of the first row naming at least two known columns, else None."""
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = _header_score(cells, known)
        if score >= 2 or (score == 1 and sum(1 for c in cells if c.strip()) == 1 and len(known) == 1):
            return index, score
    return None


def _read_text(
    data: bytes, file_name: str, digest: str, known: frozenset[str], preview_rows: int | None,
) -> SourceTable:
    encoding, text = detect_encoding(data, file_name)
    head = _head_lines(text, HEADER_SEARCH_ROWS)
    best: tuple[int, str, int, int, list[str]] | None = None  # score, delimiter, record, lines, header
    widest = 0
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(head), delimiter=delimiter)
        rows: list[list[str]] = []
        line_ends: list[int] = []
        try:
            for row in reader:
                rows.append(row)
                line_ends.append(reader.line_num)
        except csv.Error:
            pass  # an unfinished quote in the sample; the full read reports it
        widest = max([widest, *(len(r) for r in rows)])
        found = find_header(rows, known)
        if found and (best is None or found[1] > best[0]):
            best = (found[1], delimiter, found[0], line_ends[found[0]], rows[found[0]])
    if widest > MAX_COLUMNS:
        raise InvalidInput(
            f"{file_name} has {widest:,} columns; a practice extract has at most {MAX_COLUMNS:,}, "
            "so this is not a patient list")
    if best is None:
        raise InvalidInput(
            f"No header row found in the first {HEADER_SEARCH_ROWS} lines of {file_name}: expected column "
            "names such as 'NHS Number', 'Date of Birth' and 'Sex', separated by commas, tabs, "
            "semicolons or |")
    _score, delimiter, header_record, header_lines, header = best
    columns = unique_columns(header)
    width = len(columns)
    bad_rows: dict[int, str] = {}
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, header=None, names=list(range(width)),
            skiprows=header_lines, dtype=object, na_filter=False, keep_default_na=False,
            skip_blank_lines=False, index_col=False, nrows=preview_rows, engine="c", quotechar='"',
        )
    except pd.errors.ParserError as error:
        message = str(error)
        if "EOF inside string" in message:
            raise InvalidInput(
                f"{file_name} ends inside a quoted value: it looks truncated, or a quote is missing") from None
        if not _BAD_LINE.search(message):
            raise InvalidInput(f"{file_name} is not a readable table ({message.splitlines()[-1]})") from None
        frame, bad_rows = _read_ragged(text, delimiter, header_lines, width, header_record, preview_rows)
    frame.columns = columns
    row_numbers = np.arange(len(frame), dtype=np.int64) + header_record + 2
    total_rows = None
    if preview_rows is None:
        _check_not_truncated(text, frame, file_name, delimiter)
    else:
        total_rows = max(text.count("\n") - header_lines + (0 if text.endswith("\n") else 1), 0)
    frame, row_numbers = _drop_blank_rows(frame, row_numbers)
    frame, columns = _drop_unnamed_empty_columns(frame, header)
    return SourceTable(
        file_name=file_name, sha256=digest, format="csv", header_row=header_record + 1, columns=columns,
        frame=frame, row_numbers=row_numbers, encoding=_encoding_label(encoding), delimiter=delimiter,
        total_rows=total_rows, bad_rows=bad_rows,
    )


def _read_ragged(
    text: str, delimiter: str, header_lines: int, width: int, header_record: int, limit: int | None,
) -> tuple[pd.DataFrame, dict[int, str]]:
    """Rows with more cells than the header: keep them, mark them, read the rest as usual."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[list[str]] = []
    bad: dict[int, str] = {}
    for row in reader:
        if reader.line_num <= header_lines:
            continue
        number = header_record + 2 + len(rows)
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            bad[number] = (f"This row has {len(row)} values but the header has {width} columns "
                           "(an unquoted comma in a name or address?)")
        rows.append((row + [""] * width)[:width])
        if limit is not None and len(rows) >= limit:
            break
    return pd.DataFrame(rows, columns=list(range(width)), dtype=object), bad


def _check_not_truncated(text: str, frame: pd.DataFrame, file_name: str, delimiter: str) -> None:
    """A last line with no line ending and fewer cells than the header was cut off."""
    if not len(frame) or text.endswith(("\n", "\r")):
        return
    last_line = text[text.rfind("\n") + 1:]
    cells = next(csv.reader([last_line], delimiter=delimiter), [])
    if 0 < len(cells) < frame.shape[1]:
        raise InvalidInput(
            f"{file_name} looks truncated: its last line stops after {len(cells)} of "
            f"{frame.shape[1]} columns. Export the report again")


def _encoding_label(encoding: str) -> str:
    return {"utf-8-sig": "UTF-8 with BOM", "utf-8": "UTF-8", "cp1252": "Windows-1252",
            "utf-16": "UTF-16"}.get(encoding, encoding)


# --- workbooks -------------------------------------------------------------------------------

def _read_workbook(
    data: bytes, file_name: str, digest: str, known: frozenset[str], preview_rows: int | None,
) -> SourceTable:
    from python_calamine import CalamineWorkbook

    from pcn_assistant.services.xlsx_guard import check_workbook

    if digest not in _GUARDED:  # the preview and the import read the same bytes: check once
        check_workbook(data, file_name)  # calamine aborts the process on a sheet too big to allocate
        if len(_GUARDED) > 32:
            _GUARDED.clear()
        _GUARDED.add(digest)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
    except Exception as error:  # noqa: BLE001 - calamine raises several types for bad files
        raise InvalidInput(
            f"{file_name} could not be read as an Excel workbook (it may be damaged or truncated: "
            f"{str(error).splitlines()[0] if str(error) else type(error).__name__})") from None
    for name in names:
        try:
            sheet = workbook.get_sheet_by_name(name)
            if sheet.total_width > MAX_COLUMNS:
                raise InvalidInput(
                    f"Sheet '{name}' of {file_name} has {sheet.total_width:,} columns; a practice "
                    f"extract has at most {MAX_COLUMNS:,}, so this is not a patient list")
            head = [[cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS)]
        except InvalidInput:
            raise
        except Exception as error:  # noqa: BLE001
            raise InvalidInput(f"Sheet '{name}' of {file_name} could not be read: {error}") from None
        found = find_header(head, known)
        if found is None:
            continue
        header_index = found[0]
        limit = None if preview_rows is None else header_index + 1 + preview_rows
        rows = sheet.to_python(skip_empty_area=False, nrows=limit)
        header = head[header_index]
        body = rows[header_index + 1:]
        columns = unique_columns(header)
        frame = _workbook_frame(body, len(columns))
        frame.columns = columns
        row_numbers = np.arange(len(frame), dtype=np.int64) + header_index + 2
        frame, row_numbers = _drop_blank_rows(frame, row_numbers)
        frame, columns = _drop_unnamed_empty_columns(frame, header)
        total = None if preview_rows is None else max(sheet.total_height - header_index - 1, 0)
        return SourceTable(
            file_name=file_name, sha256=digest, format="xlsx", header_row=header_index + 1,
            columns=columns, frame=frame, row_numbers=row_numbers, sheet=name, total_rows=total,
        )
    raise InvalidInput(
        f"No header row found in the first {HEADER_SEARCH_ROWS} rows of any sheet of {file_name}: "
        "expected column names such as 'NHS Number', 'Date of Birth' and 'Sex'")


def cell_text(value: object) -> str:
    """A workbook cell as the text a person sees: 9434765919.0 -> '9434765919', dates ISO."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _workbook_frame(body: list[list[object]], width: int) -> pd.DataFrame:
    columns = []
    for index in range(width):
        values = [row[index] if index < len(row) else "" for row in body]
        if all(type(v) is str for v in values):
            columns.append(np.array(values, dtype=object))
        else:
            columns.append(np.array([cell_text(v) for v in values], dtype=object))
    return pd.DataFrame(dict(enumerate(columns)), dtype=object) if columns else pd.DataFrame()


# --- shared ----------------------------------------------------------------------------------

def unique_columns(header: list[str]) -> list[str]:
    """Header cells made unique and non-blank: a second 'Date' becomes 'Date (2)'."""
    seen: dict[str, int] = {}
    columns = []
    for index, cell in enumerate(header):
        name = " ".join(str(cell).split()) or f"Column {index + 1}"
        count = seen.get(name.lower(), 0) + 1
        seen[name.lower()] = count
        columns.append(name if count == 1 else f"{name} ({count})")
    return columns


def _drop_blank_rows(frame: pd.DataFrame, row_numbers: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    if frame.empty:
        return frame, row_numbers
    blank = np.ones(len(frame), dtype=bool)
    for column in frame.columns:
        values = frame[column].to_numpy(dtype=object)
        codes, uniques = pd.factorize(values)
        empty = np.array([not str(u).strip() for u in uniques] + [True], dtype=bool)
        blank &= empty[codes]
        if not blank.any():
            return frame, row_numbers
    keep = ~blank
    return frame.loc[keep].reset_index(drop=True), row_numbers[keep]


def _drop_unnamed_empty_columns(frame: pd.DataFrame, header: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Trailing separators make nameless, empty columns: drop those, keep everything else."""
    drop = []
    for index, column in enumerate(frame.columns):
        if index < len(header) and str(header[index]).strip():
            continue
        if not frame[column].fillna("").astype(str).str.strip().astype(bool).any():
            drop.append(column)
    if drop:
        frame = frame.drop(columns=drop)
    return frame, list(frame.columns)
