"""One sheet per indicator: the practice table and a native Excel funnel plot per period.

The plot's numbers live on a hidden "Chart data" sheet: the funnel lines (pooled
value, 95% and 99.8% limits at 20 denominators across the practices' range) and one
point per practice. Charts are openpyxl scatter charts, so Excel and LibreOffice draw
them natively and a reader can click into the data.
"""

from __future__ import annotations

import math
from functools import lru_cache

import pandas as pd
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.legend import Legend, LegendEntry
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.line import LineProperties
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pcn_assistant.services.safe_cells import xlsx_text
from pcn_assistant.services.variation.catalogue import IndicatorDef
from pcn_assistant.services.variation.compute import (
    SUPPRESSION_MARK,
    Funnel,
    funnel_lines,
    nice_range,
    value_range,
)
from pcn_assistant.services.variation.palette import LOOKS, look_for
from pcn_assistant.services.variation.workbook_style import (
    NOTE_FONT,
    TITLE_FONT,
    count_format,
    page_setup,
    set_style,
    set_widths,
    value_format,
    write_header,
)

TABLE_HEADERS = ["Period", "Practice code", "Practice name", "Numerator", "Denominator", "Value",
                 "Lower 95%", "Upper 95%", "Lower 99.8%", "Upper 99.8%", "Method", "PCN value",
                 "Significance", "Assessment"]
TABLE_COLUMNS = ["period", "practice_code", "practice_name", "numerator", "denominator", "value",
                 "lower_95", "upper_95", "lower_99_8", "upper_99_8", "method", "comparator",
                 "significance", "assessment"]
HEADER_ROW = 5
CHART_COLUMNS = ("A", "G")  # two charts a row, under the table, within its width
CHART_ROWS = 20  # rows each chart occupies, with a gap
LABELLED_PRACTICES = 30  # above this, points are grouped by assessment without labels
CHART_POINTS = 20  # per funnel line: smooth on a geometric spacing, and light to write
# column, series title, colour, dash, width (pt), shown in the legend
LINES = (("comparator", "PCN value (pooled)", "000000", "solid", 2.0, True),
         ("lower_95", "95% limits", "7F7F7F", "dash", 1.25, True),
         ("upper_95", "95% limits (upper)", "7F7F7F", "dash", 1.25, False),
         ("lower_99_8", "99.8% limits", "404040", "solid", 1.25, True),
         ("upper_99_8", "99.8% limits (upper)", "404040", "solid", 1.25, False))
POLARITY_TEXT = {"higher_is_better": "higher is better", "lower_is_better": "lower is better",
                 "no_judgement": "no judgement of better or worse"}


class ChartData:
    """The hidden sheet that holds every chart's numbers, block after block."""

    def __init__(self, workbook: Workbook) -> None:
        self.sheet = workbook.create_sheet("Chart data")
        self.sheet.sheet_state = "hidden"
        self.next_row = 1

    def add_lines(self, lines: pd.DataFrame, title: str) -> tuple[int, int]:
        """Write the funnel limits (columns A-F) and the pooled line's two end points
        (columns L-M: a flat line needs no more); returns the first and last data rows."""
        self.sheet.cell(row=self.next_row, column=1, value=title)
        for column, header in ((1, "denominator"), (3, "lower_95"), (4, "upper_95"), (5, "lower_99_8"),
                               (6, "upper_99_8"), (8, "practice"), (9, "denominator"), (10, "value"),
                               (12, "denominator"), (13, "pooled")):
            self.sheet.cell(row=self.next_row + 1, column=column, value=header)
        first = self.next_row + 2
        columns = {name: lines[name].to_numpy(dtype=float).tolist() for name in lines.columns}
        cell = self.sheet.cell
        for offset, x in enumerate(columns["denominator"]):
            row = first + offset
            cell(row=row, column=1, value=x)
            for column, name in ((3, "lower_95"), (4, "upper_95"), (5, "lower_99_8"), (6, "upper_99_8")):
                cell(row=row, column=column, value=columns[name][offset])
        for offset, index in enumerate((0, len(lines) - 1)):
            cell(row=first + offset, column=12, value=columns["denominator"][index])
            cell(row=first + offset, column=13, value=columns["comparator"][index])
        last = first + len(lines) - 1
        self.next_row = last + 2
        return first, last

    def add_points(self, points: list[tuple[str, float, float]]) -> tuple[int, int]:
        """Write (label, denominator, value) rows in columns H-J; returns first and last rows."""
        first = self.next_row
        for offset, (label, x, y) in enumerate(points):
            self.sheet.cell(row=first + offset, column=8, value=xlsx_text(label))
            self.sheet.cell(row=first + offset, column=9, value=x)
            self.sheet.cell(row=first + offset, column=10, value=y)
        self.next_row = first + max(len(points), 1) + 1
        return first, first + len(points) - 1


def add_indicator_sheet(
    sheet: Worksheet, definition: IndicatorDef, rows: pd.DataFrame, practices: dict[str, str],
    funnels: dict[tuple[str, str], Funnel], chart_data: ChartData, highlight: str | None,
) -> None:
    """The practice table (latest period first) and a funnel plot for each period."""
    sheet["A1"] = xlsx_text(definition.label)
    sheet["A1"].font = TITLE_FONT
    sheet["A2"] = xlsx_text(definition.description)
    what = (definition.statistic[:1].upper() + definition.statistic[1:] if definition.statistic
            else f"{definition.type.capitalize()} x{definition.multiplier:,g} ({definition.unit})")
    sheet["A3"] = (f"{what}; "
                   f"{POLARITY_TEXT.get(definition.polarity, definition.polarity)}. "
                   f"Source: {definition.source or 'not stated'}. Code: {definition.code}")
    for cell in ("A2", "A3"):
        sheet[cell].font = NOTE_FONT
    write_header(sheet, HEADER_ROW, TABLE_HEADERS, height=32)
    # Plain records from here on: per-row pandas indexing costs more than the whole sheet.
    records = rows.to_dict("records")
    for record in records:
        record["practice_name"] = practices.get(record["practice_code"], "")
    records.sort(key=lambda r: r["practice_code"])
    records.sort(key=lambda r: r["period"], reverse=True)
    number = value_format(definition)
    formats = {key: number for key in ("value", "lower_95", "upper_95", "lower_99_8", "upper_99_8", "comparator")}
    formats["numerator"] = count_format([r["numerator"] for r in records])
    formats["denominator"] = count_format([r["denominator"] for r in records])
    for r, record in enumerate(records, start=HEADER_ROW + 1):
        for c, key in enumerate(TABLE_COLUMNS[:-1], start=1):
            value = record[key]
            cell = sheet.cell(row=r, column=c, value=_cell_value(value))
            if value == SUPPRESSION_MARK or key in ("method", "significance"):
                set_style(cell, centred=True)
            else:
                set_style(cell, formats.get(key, "General"))
        assessment = record["assessment"]
        look = look_for(assessment)
        cell = sheet.cell(row=r, column=len(TABLE_COLUMNS))
        cell.value = assessment if look is None or assessment == SUPPRESSION_MARK else f"{look.symbol} {assessment}"
        set_style(cell, centred=look is not None and assessment == SUPPRESSION_MARK, look=look)
    last_row = HEADER_ROW + max(len(records), 1)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(TABLE_HEADERS))}{last_row}"
    set_widths(sheet, [11, 10, 30, 11, 12, 9, 9, 9, 9, 9, 8, 9, 15, 17])

    periods = [p for p in sorted({r["period"] for r in records}, reverse=True) if (definition.code, p) in funnels]
    top = last_row + 2
    sheet.cell(row=top, column=1, value="Funnel plots: each practice against the pooled PCN value, "
                                         "with 95% and 99.8% limits").font = TITLE_FONT
    for index, period in enumerate(periods):
        chart = funnel_chart(definition, period, funnels[(definition.code, period)],
                             [r for r in records if r["period"] == period], chart_data, highlight)
        anchor_row = top + 2 + (index // 2) * CHART_ROWS
        sheet.add_chart(chart, f"{CHART_COLUMNS[index % 2]}{anchor_row}")
    bottom = top + 1 + ((len(periods) + 1) // 2) * CHART_ROWS
    page_setup(sheet, title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
               print_area=f"A1:{get_column_letter(len(TABLE_HEADERS))}{bottom}")


def _cell_value(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    return xlsx_text(value)


def funnel_chart(
    definition: IndicatorDef, period: str, funnel: Funnel, records: list[dict],
    chart_data: ChartData, highlight: str | None,
) -> ScatterChart:
    lines = funnel_lines(funnel, definition, points=CHART_POINTS)
    data = chart_data.sheet
    first, last = chart_data.add_lines(lines, f"{definition.code} {period}")
    chart = ScatterChart(scatterStyle="lineMarker")
    chart.title = _title(xlsx_text(f"{definition.name}, {period}"), 1100)
    chart.style = 2
    chart.height, chart.width = 9.5, 15.5
    chart.x_axis.title = funnel.x_title
    chart.y_axis.title = definition.unit or "Value"
    chart.x_axis.number_format = "#,##0"
    chart.y_axis.number_format = value_format(definition).replace("0.000", "0.00")
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    x_ref = Reference(data, min_col=1, min_row=first, max_row=last)
    legend_hidden: list[int] = []
    pooled_x = Reference(data, min_col=12, min_row=first, max_row=first + 1)
    for name, title, colour, dash, width, in_legend in LINES:
        if name == "comparator":
            series = Series(Reference(data, min_col=13, min_row=first, max_row=first + 1), pooled_x, title=title)
        else:
            column = list(lines.columns).index(name) + 1
            series = Series(Reference(data, min_col=column, min_row=first, max_row=last), x_ref, title=title)
        series.marker.symbol = "none"
        series.smooth = False
        series.graphicalProperties = GraphicalProperties(
            ln=LineProperties(solidFill=colour, prstDash=dash, w=int(width * 12700)))
        if not in_legend:
            legend_hidden.append(len(chart.series))
        chart.series.append(series)

    shown = [r for r in records if r["value"] != SUPPRESSION_MARK]
    points = [(r["practice_code"], funnel.x_of(r["practice_code"], r["denominator"]), float(r["value"]))
              for r in shown]
    assessments = [r["assessment"] for r in shown]
    p_first, _p_last = chart_data.add_points(points)
    if len(points) <= LABELLED_PRACTICES:
        for offset, ((code, _x, _y), assessment) in enumerate(zip(points, assessments, strict=True)):
            row = p_first + offset
            series = _point_series(data, row, row, code, LOOKS.get(assessment), big=code == highlight)
            series.dLbls = _SERIES_NAME_LABEL
            legend_hidden.append(len(chart.series))
            chart.series.append(series)
    else:
        for assessment, look in LOOKS.items():
            chosen = [i for i, a in enumerate(assessments) if a == assessment]
            for start, end in _runs(chosen):
                series = _point_series(data, p_first + start, p_first + end, assessment, look)
                chart.series.append(series)
    chart.legend = Legend()
    chart.legend.position = "b"
    chart.legend.legendEntry = [LegendEntry(idx=i, delete=True) for i in legend_hidden]
    low, high, step = value_range(definition, lines, [y for _c, _x, y in points])
    chart.y_axis.scaling.min, chart.y_axis.scaling.max, chart.y_axis.majorUnit = low, high, step
    low, high, step = nice_range(float(lines["denominator"].iloc[0]), float(lines["denominator"].iloc[-1]))
    chart.x_axis.scaling.min, chart.x_axis.scaling.max, chart.x_axis.majorUnit = low, high, step
    return chart


def _title(text: str, size: int) -> Title:
    """A chart title in a set size (hundredths of a point); Excel's default is 18 pt."""
    properties = CharacterProperties(sz=size, b=True)
    paragraph = Paragraph(pPr=ParagraphProperties(defRPr=properties),
                          r=[RegularTextRun(rPr=properties, t=text)])
    return Title(tx=Text(rich=RichText(p=[paragraph])), overlay=False)


def _point_series(data: Worksheet, first: int, last: int, title: str, look, big: bool = False) -> Series:  # noqa: ANN001
    series = Series(Reference(data, min_col=10, min_row=first, max_row=last),
                    Reference(data, min_col=9, min_row=first, max_row=last), title=title)
    series.marker.symbol = look.marker if look else "circle"
    series.marker.size = 11 if big else 8
    series.marker.graphicalProperties = _marker_properties(look.point_colour if look else "7F7F7F")
    series.smooth = False
    series.graphicalProperties = _NO_LINE
    return series


@lru_cache(maxsize=16)
def _marker_properties(fill: str) -> GraphicalProperties:
    """Shared between series (only read when the chart is written): building these
    objects for every point is a good part of the workbook's cost."""
    return GraphicalProperties(solidFill=fill, ln=LineProperties(solidFill="000000", w=9525))


_NO_LINE = GraphicalProperties(ln=LineProperties(noFill=True))
_SERIES_NAME_LABEL = DataLabelList(showSerName=True, showVal=False, showLegendKey=False,
                                   showCatName=False, showPercent=False, dLblPos="r")


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Consecutive runs in sorted indices, as (first, last) pairs."""
    runs: list[tuple[int, int]] = []
    for i in indices:
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs
