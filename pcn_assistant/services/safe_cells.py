"""The one safe way to put values into spreadsheets and CSV files.

Text in our exports comes from outside (practice names in an indicators file, service
names in a directory feed, free-text notes), so it must never become a live formula in
whoever opens the file. Two rules, applied in one place so every exporter gets both:

* **xlsx**: a string is always stored as a string. openpyxl reads any str starting with
  ``=`` as a formula unless the cell's type is forced to text, and XlsxWriter's
  ``write()`` does the same unless ``strings_to_formulas`` is off. The text itself is
  not changed, so the workbook shows exactly what was recorded.
* **CSV**: a CSV cell has no type, so a spreadsheet decides for itself. As OWASP's CSV
  injection advice recommends, a text field starting with ``= + - @``, tab or carriage
  return gets a leading apostrophe, which spreadsheets read as "this is text". Numbers
  are left alone, so ``-3`` stays a number.

``tests/test_hostile_outputs.py`` writes a hostile string into every text field that
reaches an export and checks that no cell anywhere is a formula.
"""

from __future__ import annotations

import csv
import os
import re
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pcn_assistant.services.safe_files import PRIVATE_FILE, make_private

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_ESCAPE = "'"
# XlsxWriter options for every workbook it writes: text never turns into a formula or link.
XLSXWRITER_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}
# Characters XML 1.0 cannot hold; openpyxl refuses them, so they are dropped from text.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_field(value: Any) -> Any:
    """A CSV field a spreadsheet will read as text, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return CSV_ESCAPE + value
    return value


def csv_unescape(value: Any) -> Any:
    """Undo ``csv_field`` when reading our own interchange CSV back (the ORUK datapackage),
    so an export re-imported changes nothing."""
    if isinstance(value, str) and value.startswith(CSV_ESCAPE) and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_field(value) for value in values]


def _private_handle(handle: Any) -> None:
    """Owner-only permissions on the regular file behind ``handle`` (POSIX), so a file
    that existed (and is being replaced) ends up as private as a new one."""
    if os.name != "posix":
        return
    try:
        descriptor = handle.fileno()
        if stat.S_ISREG(os.fstat(descriptor).st_mode):
            os.fchmod(descriptor, PRIVATE_FILE)
    except (AttributeError, OSError, ValueError):
        return  # not a real file (a StringIO, a pipe): nothing to protect


class SafeCsvWriter:
    """``csv.writer`` with every field passed through ``csv_field``."""

    def __init__(self, handle: Any, **options: Any) -> None:
        _private_handle(handle)
        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(csv_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` with every field passed through ``csv_field``."""

    def __init__(self, handle: Any, *args: Any, **options: Any) -> None:
        _private_handle(handle)
        super().__init__(handle, *args, **options)

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({key: csv_field(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


def csv_writer(handle: Any, **options: Any) -> SafeCsvWriter:
    return SafeCsvWriter(handle, **options)


def csv_frame(frame: Any) -> Any:
    """A copy of a pandas frame whose text cells are safe to write with ``to_csv``."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or str(safe[column].dtype) in ("string", "str"):
            safe[column] = safe[column].map(csv_field)
    return safe


def xlsx_text(value: Any) -> Any:
    """Text an xlsx file can hold: characters XML cannot carry are dropped."""
    if isinstance(value, str):
        return _ILLEGAL_XML.sub("", value)
    return value


def clean_row(values: Iterable[Any]) -> list[Any]:
    """A row for ``Worksheet.append``: text an xlsx can hold (``seal`` types it at save)."""
    return [xlsx_text(value) for value in values]


def put(sheet: Any, row: int, column: int, value: Any = None) -> Any:
    """Write one openpyxl cell; a string is stored as text even if it starts with ``=``."""
    cell = sheet.cell(row=row, column=column, value=xlsx_text(value))
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def text_cells(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """Cells for ``append`` on a write-only openpyxl sheet, strings forced to text."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=xlsx_text(value))
        if isinstance(cell.value, str):
            cell.data_type = "s"
        cells.append(cell)
    return cells


def seal(workbook: Any) -> int:
    """Force every string cell of an (ordinary) openpyxl workbook to text; returns how
    many cells would otherwise have been formulas. Called at save, so a cell added by
    any code path, now or later, is covered."""
    caught = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.data_type != "s":
                    caught += cell.data_type == "f"
                    cell.data_type = "s"
    return caught


def save_workbook(workbook: Any, path: str | Path) -> None:
    """Seal and save an openpyxl workbook, readable by its owner only."""
    if not getattr(workbook, "write_only", False):
        seal(workbook)
    workbook.save(path)
    make_private(Path(path))

