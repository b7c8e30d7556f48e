"""The dashboard as a printable board report (about five pages).

Built as a plain ``ReportDocument``; ``gui/reports/pdf.py`` renders it with Qt's PDF
writer, drawing each chart as vectors (``gui/reports/charts.py``). It opens with a
one-paragraph summary; every chart prints in black and white (patterns and line styles,
values written on the bars) and sits above the table that holds its numbers.
"""

from __future__ import annotations

from pcn_assistant.core.disclosure import SMALL_MAX
from pcn_assistant.services.dashboard.disclosure import METHOD_NOTE
from pcn_assistant.services.dashboard.model import LINE, STACKED, Dashboard, DashTable
from pcn_assistant.services.reports import ReportChart, ReportDocument

LATEST_ROWS = 14  # long series (weeks, months): the chart shows them all, the table the latest 14


def _display(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def summary_paragraph(dashboard: Dashboard) -> str:
    """One paragraph a board member can read first: the lead finding of each section."""
    leads = [section.headlines[0].rstrip(".") + "." for section in dashboard.sections if section.headlines]
    scope = dashboard.practice_name if dashboard.practice_code else "the whole PCN"
    opening = f"This report covers {scope} for the period {dashboard.period.label}."
    return " ".join([opening, *leads])


def report_chart(table: DashTable) -> ReportChart | None:
    """The table's chart as vectors: lines for series over time, horizontal bars otherwise."""
    rows = table.chart_rows()  # never the Total row: a total bar would dwarf the rest
    if not table.chart or not table.value_columns or not rows:
        return None
    kind = "line" if table.chart == LINE else "stacked" if table.chart == STACKED else "bar"
    series = []
    for name in table.value_columns:
        values = tuple(v if isinstance(v, (int, float)) and not isinstance(v, bool) else
                       ("*" if v == "*" else None) for v in table.column(name)[:len(rows)])
        series.append((name, values))
    return ReportChart(table.title, kind, tuple(str(r[0]) for r in rows), tuple(series))


def column_widths(columns: list[str], rows: list[list[str]]) -> tuple[int, ...]:
    """Per-cent widths from the content: no header word is split, no column wastes room."""
    weights = []
    for index, name in enumerate(columns):
        longest_word = max((len(word) for word in name.split()), default=1)
        longest_value = max((len(row[index]) for row in rows), default=1)
        weights.append(min(max(longest_word, longest_value) + 3, 34))  # 3: the cell's padding
    total = sum(weights)
    widths = [max(int(100 * w / total), 7) for w in weights]
    widths[0] += 100 - sum(widths)
    return tuple(widths)


def board_report(dashboard: Dashboard) -> ReportDocument:
    document = ReportDocument(
        title="Social prescribing and proactive care: board report",
        subtitle=f"{dashboard.scope_label} - {dashboard.period.label}",
        made_on=dashboard.generated_at.date(),
        footer="Made with PCN Assistant. Counts of 1-7, and any that would give one away, are shown as *. "
               "Risk tiers rank people for review; they are not a diagnosis.")
    document.section("Summary").paragraph(summary_paragraph(dashboard), "lead")
    for section in dashboard.sections:
        part = document.section(section.title)
        part.paragraph(section.question, "emphasis")
        for headline in section.headlines:
            part.paragraph(f"\u2022 {headline}")
        for table in (t.brief() for t in section.tables):
            chart = report_chart(table)
            if chart is not None:
                part.chart(chart)
            if chart is not None and chart.kind != "line" and len(table.columns) == 1 + len(table.value_columns):
                if table.note:  # every number is written on its bar: the chart is the table
                    part.paragraph(table.note, "small")
                continue
            if chart is not None and chart.kind == "line" and len(table.rows) > LATEST_ROWS:
                part.paragraph(f"{table.title}: every figure is in the dashboard workbook (Excel export).", "small")
                continue
            if len(table.rows) > LATEST_ROWS:
                shown = DashTable(table.key, f"{table.title} (latest {LATEST_ROWS})", table.columns,
                                  table.rows[-LATEST_ROWS:], table.chart, table.value_columns, table.note,
                                  has_total_row=table.has_total_row)
            else:
                shown = table
            rows = [[_display(v) for v in row] for row in shown.rows]
            part.table(shown.columns, rows, caption=shown.title, widths=column_widths(shown.columns, rows))
            if table.note:
                part.paragraph(table.note, "small")
    methods = document.section("Methods")
    methods.paragraph(f"Disclosure control: {METHOD_NOTE.format(t=SMALL_MAX)}", "small")
    for section in dashboard.sections:
        for note in section.method_notes:
            methods.paragraph(f"{section.title}: {note}", "small")
    return document
