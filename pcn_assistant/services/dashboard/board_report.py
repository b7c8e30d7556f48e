"""The dashboard as a printable board report (about four pages).

Built as a plain ``ReportDocument``; ``gui/reports/pdf.py`` renders it with Qt's PDF
writer. Charts are drawn as bars of text beside their numbers, so they print in black
and white and never depend on colour.
"""

from __future__ import annotations

from pcn_assistant.core.disclosure import SMALL_MAX
from pcn_assistant.services.dashboard.disclosure import METHOD_NOTE
from pcn_assistant.services.dashboard.model import Dashboard, DashTable
from pcn_assistant.services.reports import ReportDocument

BAR_WIDTH = 8
FULL, HALF = "\u2588", "\u258c"


def text_bar(value: object, largest: float) -> str:
    if not isinstance(value, (int, float)) or largest <= 0 or value <= 0:
        return ""
    units = 2 * BAR_WIDTH * float(value) / largest
    return FULL * int(units // 2) + (HALF if int(units) % 2 else "")


def _display(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _report_rows(table: DashTable) -> tuple[list[str], list[list[str]]]:
    """The table's columns plus a text bar for its first charted column."""
    columns = list(table.columns)
    rows = [[_display(v) for v in row] for row in table.rows]
    if table.chart and table.value_columns and table.rows:
        charted = "Total" if "Total" in table.columns else table.value_columns[0]
        index = table.columns.index(charted)
        numbers = [r[index] for r in table.chart_rows() if isinstance(r[index], (int, float))]
        largest = max(numbers, default=0)
        columns.append(f"{table.columns[index]} (bar)")
        for text_row, row in zip(rows, table.rows, strict=True):
            text_row.append("" if table.has_total_row and row is table.rows[-1] else text_bar(row[index], largest))
    return columns, rows


def _widths(columns: list[str]) -> tuple[int, ...]:
    """Room for the label and the bar; the numbers share the rest."""
    has_bar = columns[-1].endswith("(bar)")
    first, bar = 26, (22 if has_bar else 0)
    middle = len(columns) - 1 - (1 if has_bar else 0)
    each = (100 - first - bar) // max(middle, 1)
    return (first, *([each] * middle), *((bar,) if has_bar else ()))


def board_report(dashboard: Dashboard) -> ReportDocument:
    document = ReportDocument(
        title="Social prescribing and proactive care: board report",
        subtitle=f"{dashboard.scope_label} - {dashboard.period.label}",
        made_on=dashboard.generated_at.date(),
        footer="Made with PCN Assistant. Counts of 1-7, and any that would give one away, are shown as *. "
               "Risk tiers rank people for review; they are not a diagnosis.")
    summary = document.section("At a glance")
    for section in dashboard.sections:
        summary.paragraph(f"{section.title}: {section.question}", "emphasis")
        for headline in section.headlines:
            summary.paragraph(headline)
    for section in dashboard.sections:
        part = document.section(section.title)
        part.paragraph(section.question, "lead")
        for table in (t.brief() for t in section.tables):
            if len(table.rows) > 14:  # long series (weeks, months) print as their last 14 rows
                shown = DashTable(table.key, f"{table.title} (latest 14)", table.columns, table.rows[-14:],
                                  table.chart, table.value_columns, table.note,
                                  has_total_row=table.has_total_row)
            else:
                shown = table
            columns, rows = _report_rows(shown)
            part.table(columns, rows, caption=shown.title, widths=_widths(columns))
            if table.note:
                part.paragraph(table.note, "small")
    methods = document.section("Methods")
    methods.paragraph(f"Disclosure control: {METHOD_NOTE.format(t=SMALL_MAX)}", "small")
    for section in dashboard.sections:
        for note in section.method_notes:
            methods.paragraph(f"{section.title}: {note}", "small")
    return document
