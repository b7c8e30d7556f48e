"""The dashboard as an Excel workbook: one sheet per section with native charts, and Methods.

Every figure has been through disclosure control before it gets here (``build_dashboard``).
"""

from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pcn_assistant import __version__
from pcn_assistant.core.disclosure import SMALL_MAX
from pcn_assistant.services.dashboard.disclosure import METHOD_NOTE
from pcn_assistant.services.dashboard.model import LINE, STACKED, Dashboard, DashSection, DashTable
from pcn_assistant.services.safe_cells import save_workbook, xlsx_text
from pcn_assistant.services.variation.workbook_style import page_setup

HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


def write_workbook(dashboard: Dashboard, out: str | Path) -> Path:
    """Write ``dashboard`` (already protected by ``build_dashboard``) to ``out``."""
    out = Path(out)
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    _summary_sheet(summary, dashboard)
    for section in dashboard.sections:
        _section_sheet(workbook.create_sheet(section.title[:31]), section)
    _methods_sheet(workbook.create_sheet("Methods"), dashboard)
    out.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(workbook, out)
    return out


def _summary_sheet(sheet: Worksheet, dashboard: Dashboard) -> None:
    sheet["A1"] = f"PCN Assistant dashboard: {dashboard.scope_label}, {dashboard.period.label}"
    sheet["A1"].font = TITLE
    row = 3
    for section in dashboard.sections:
        sheet.cell(row, 1, section.title).font = BOLD
        sheet.cell(row, 2, section.question)
        row += 1
        for headline in section.headlines:
            sheet.cell(row, 2, headline).alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
        row += 1
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 120
    sheet.freeze_panes = "A2"
    page_setup(sheet)


def _section_sheet(sheet: Worksheet, section: DashSection) -> None:
    sheet["A1"] = section.title
    sheet["A1"].font = TITLE
    sheet["A2"] = section.question
    row = 4
    for headline in section.headlines:
        sheet.cell(row, 1, headline)
        row += 1
    row += 1
    widths: dict[int, int] = {}
    for table in section.tables:
        row = _write_table(sheet, table, row, widths) + 2
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 10), 45)
    sheet.freeze_panes = "A4"
    page_setup(sheet)


def _write_table(sheet: Worksheet, table: DashTable, top: int, widths: dict[int, int]) -> int:
    """Write one table at ``top`` with its chart beside it; returns the last row used."""
    sheet.cell(top, 1, table.title).font = BOLD
    header = top + 1
    lines = 1
    for col, name in enumerate(table.columns, start=1):
        cell = sheet.cell(header, col, name)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        longest_word = max((len(word) for word in str(name).split()), default=0)
        widths[col] = max(widths.get(col, 0), min(len(name), 18), longest_word + 1)
        lines = max(lines, math.ceil(len(name) / max(widths[col], 1)))
    # Wrapped headers need a taller row: not every spreadsheet grows it on opening.
    sheet.row_dimensions[header].height = 15 * lines + 2
    for r, values in enumerate(table.rows, start=header + 1):
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(r, col, xlsx_text(value))
            if isinstance(value, float):
                cell.number_format = "0.0##"
            if col == 1:
                widths[col] = max(widths.get(col, 0), len(str(value)))
    last = header + len(table.rows)
    if not table.rows:
        sheet.cell(header + 1, 1, "No data in this period.")
        last = header + 1
    if table.note:
        last += 1
        sheet.cell(last, 1, table.note).font = Font(italic=True)
    if table.chart and table.rows and table.value_columns:
        _add_chart(sheet, table, header, header + len(table.chart_rows()), len(table.columns) + 2)
        last = max(last, top + 16)
    return last


def _add_chart(sheet: Worksheet, table: DashTable, header: int, last: int, anchor_column: int) -> None:
    chart = LineChart() if table.chart == LINE else BarChart()
    if isinstance(chart, BarChart):
        chart.type = "bar" if len(table.rows) > 8 and table.chart != STACKED else "col"
        if table.chart == STACKED:
            chart.grouping, chart.overlap = "stacked", 100
    chart.title = table.title
    chart.height, chart.width = 7.5, 16
    categories = Reference(sheet, min_col=1, min_row=header + 1, max_row=last)
    for name in table.value_columns:
        col = table.columns.index(name) + 1
        chart.add_data(Reference(sheet, min_col=col, min_row=header, max_row=last), titles_from_data=True)
    chart.set_categories(categories)
    if isinstance(chart, LineChart):
        for series in chart.series:  # straight segments: a smoothed count can dip below zero
            series.smooth = False
    chart.y_axis.scaling.min = 0
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl hides both axes by default
    chart.legend.position = "b"
    sheet.add_chart(chart, f"{get_column_letter(anchor_column)}{header}")


def _methods_sheet(sheet: Worksheet, dashboard: Dashboard) -> None:
    lines = [
        ("About", f"PCN Assistant {__version__} dashboard export"),
        ("Scope", dashboard.scope_label),
        ("Period", f"{dashboard.period.label} ({dashboard.period.start:%d-%b-%Y} to {dashboard.period.end:%d-%b-%Y})"),
        ("Generated", dashboard.generated_at.strftime("%d-%b-%Y %H:%M")),
        ("Small numbers", METHOD_NOTE.format(t=SMALL_MAX)),
        ("Confidence intervals", "Wilson score 95% intervals for proportions (PHE/OHID Fingertips method); "
                                 "t-based 95% intervals for mean paired change."),
    ]
    for section in dashboard.sections:
        for note in section.method_notes:
            lines.append((section.title, note))
    sheet["A1"] = "Methods"
    sheet["A1"].font = TITLE
    for row, (label, text) in enumerate(lines, start=3):
        sheet.cell(row, 1, label).font = BOLD
        sheet.cell(row, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 110
