"""Cell styles, number formats and page setup shared by the workbook's sheets."""

from __future__ import annotations

import math
import re
from copy import copy

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pcn_assistant.services.safe_cells import xlsx_text
from pcn_assistant.services.variation.catalogue import IndicatorDef
from pcn_assistant.services.variation.palette import Look

HEADER_FILL = PatternFill("solid", fgColor="1F3A5F")
HEADER_FONT = Font(bold=True, color="FFFFFF")
PCN_FILL = PatternFill("solid", fgColor="F2F2F2")
TITLE_FONT = Font(bold=True, size=14)
NOTE_FONT = Font(italic=True, color="404040")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTRE = Alignment(horizontal="center", vertical="center")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
COUNT_FORMAT = "#,##0"
ESTIMATE_FORMAT = "#,##0.0"
_STYLE_CACHE = "_pcn_style_cache"
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def value_format(definition: IndicatorDef) -> str:
    """One decimal for percentages and rates per 1,000 or more, three for 0-1 scales."""
    return "0.0" if definition.multiplier >= 10 else "0.000"


def count_format(values) -> str:  # noqa: ANN001
    return COUNT_FORMAT if all(isinstance(v, int) or v == "*" for v in values) else ESTIMATE_FORMAT


def symbol_format(base: str, look: Look | None) -> str:
    """A number format that prints the assessment symbol before the value, so the cell
    stays a number (sortable, filterable) yet reads without colour."""
    if look is None:
        return base
    return f'"{look.symbol} "{base}'


def fill_for(look: Look) -> tuple[PatternFill, Font]:
    return PatternFill("solid", fgColor=look.fill), Font(color=look.text, bold=look.symbol != "●")


def write_header(sheet: Worksheet, row: int, headers: list[str], *, height: float | None = None) -> None:
    for column, text in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=column, value=xlsx_text(text))
        cell.fill, cell.font, cell.alignment, cell.border = HEADER_FILL, HEADER_FONT, HEADER_ALIGN, BOX
    if height:
        sheet.row_dimensions[row].height = height


def set_widths(sheet: Worksheet, widths: list[float]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def fit_height(sheet: Worksheet, row: int) -> None:
    """Set a row tall enough for its wrapped text: spreadsheets do not all grow rows
    for wrapped text on opening (LibreOffice keeps the default height)."""
    lines = 1
    for cell in sheet[row]:
        if cell.value is None:
            continue
        width = sheet.column_dimensions[cell.column_letter].width or 10
        lines = max(lines, math.ceil(len(str(cell.value)) / max(width - 2, 1)))
    sheet.row_dimensions[row].height = 14 * lines + 2


def page_setup(sheet: Worksheet, *, title_rows: str | None = None, print_area: str | None = None) -> None:
    """Landscape A4, fitted to one page wide (as many tall as it needs)."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.oddFooter.center.text = "&A — page &P of &N"
    if title_rows:
        sheet.print_title_rows = title_rows
    if print_area:
        sheet.print_area = print_area


def sheet_name(text: str, taken: set[str]) -> str:
    """A legal, unique sheet name (31 characters, none of []:*?/\\)."""
    base = _SHEET_NAME_BAD.sub("_", text)[:31] or "Sheet"
    name, counter = base, 2
    while name.lower() in taken:
        suffix = f"~{counter}"
        name = base[:31 - len(suffix)] + suffix
        counter += 1
    taken.add(name.lower())
    return name


def set_style(cell: Cell, number_format: str = "General", *, centred: bool = False,
              look: Look | None = None, bold: bool = False, fill: PatternFill | None = None,
              boxed: bool = True) -> None:
    """Style a table cell. The first cell of each kind is styled attribute by attribute and
    the rest copy its style array: far cheaper than setting each attribute on every cell,
    or than named styles (which openpyxl finds by a linear search on each assignment)."""
    cache = cell.parent.parent.__dict__.setdefault(_STYLE_CACHE, {})
    key = (number_format, centred, look, bold, fill.fgColor.rgb if fill is not None else None, boxed)
    cached = cache.get(key)
    if cached is not None:
        cell._style = copy(cached)
        return
    if boxed:
        cell.border = BOX
    cell.number_format = number_format
    if centred:
        cell.alignment = CENTRE
    if look is not None:
        cell.fill, cell.font = fill_for(look)
    elif bold or fill is not None:
        cell.font = Font(bold=bold)
        if fill is not None:
            cell.fill = fill
    cache[key] = copy(cell._style)
