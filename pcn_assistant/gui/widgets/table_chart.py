"""A chart drawn from a plain table (QtCharts), readable without colour.

Each series gets its own fill pattern as well as a palette colour, and bars carry
their value labels, so the chart reads in greyscale and for colour-blind users; the
table beside it gives screen-reader users the same numbers.
"""

from __future__ import annotations

import html
import re
from datetime import date

from PySide6.QtCharts import (
    QAbstractAxis,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, QPointF, Qt, QTime
from PySide6.QtGui import (
    QBrush,
    QColor,
    QCursor,
    QPainter,
    QPalette,
    QPen,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView, QToolTip

from pcn_assistant.core.plain_names import short_date_label, wrap_label

PATTERNS = (Qt.BrushStyle.SolidPattern, Qt.BrushStyle.BDiagPattern, Qt.BrushStyle.Dense4Pattern,
            Qt.BrushStyle.CrossPattern, Qt.BrushStyle.FDiagPattern, Qt.BrushStyle.Dense6Pattern,
            Qt.BrushStyle.HorPattern, Qt.BrushStyle.VerPattern)
# Okabe-Ito colour-blind-safe palette, used with the patterns above.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
LINE_STYLES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine)
LABEL_CHARS = 18  # category names wrap at about this, on up to two lines; the full name is the bar's tooltip
LABEL_LINES = 2
ROW_PIXELS = 40  # height per category of a horizontal bar chart, so no axis label is elided
LINE_LABELS = 4  # at most this many category labels under a line chart
COLUMN_MAX = 280  # table columns fit their content up to this, then wrap


def number(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _series_brush(index: int) -> QBrush:
    brush = QBrush(QColor(COLOURS[index % len(COLOURS)]), PATTERNS[index % len(PATTERNS)])
    return brush


def make_chart_view(title: str, kind: str, categories: list[str], series: dict[str, list[object]],
                    show_title: bool = True) -> QChartView:
    chart = QChart()
    if show_title:
        chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    palette = QApplication.palette()
    chart.setBackgroundBrush(palette.brush(QPalette.ColorRole.Base))
    chart.setTitleBrush(palette.brush(QPalette.ColorRole.Text))
    chart.legend().setLabelColor(palette.color(QPalette.ColorRole.Text))
    chart.legend().setVisible(len(series) > 1)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    largest = max((number(v) for values in series.values() for v in values), default=0.0)
    if kind == "line":
        _add_lines(chart, categories, series)
    else:
        _add_bars(chart, kind, categories, series, largest)
    small = QApplication.font()
    small.setPointSizeF(max(small.pointSizeF() - 1.5, 6.5))
    for axis in chart.axes():
        axis.setLabelsColor(palette.color(QPalette.ColorRole.Text))
        axis.setLabelsFont(small)
        if isinstance(axis, QValueAxis):
            axis.applyNiceNumbers()
    if len(series) == 1:  # no legend for one series: the value axis says what is plotted
        value_axes = [a for a in chart.axes() if isinstance(a, QValueAxis)]
        for axis in value_axes:
            axis.setTitleText(next(iter(series)))
            axis.setTitleBrush(palette.brush(QPalette.ColorRole.Text))
            axis.setTitleFont(small)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    rows = len(categories) * (1 if kind in ("stacked", "line") else max(len(series), 1))
    view.setMinimumHeight(max(260, 90 + ROW_PIXELS * rows) if kind != "line" and horizontal(kind, categories, series)
                          else 260)
    view.setAccessibleName(f"Chart: {title}")
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return view


def horizontal(kind: str, categories: list[str], series: dict[str, list[object]]) -> bool:
    """Bars lie down when names are long, categories many or series grouped: labels then sit
    beside their bars (never elided under them) and value labels never collide."""
    if kind == "line":
        return False
    return len(categories) > 6 or len(series) > 1 or max((len(c) for c in categories), default=0) > 10


def _add_bars(chart: QChart, kind: str, categories: list[str], series: dict[str, list[object]], largest: float) -> None:
    lying = horizontal(kind, categories, series)
    if kind == "stacked":
        bar_series = QHorizontalStackedBarSeries()
        lying = True
    else:
        bar_series = QHorizontalBarSeries() if lying else QBarSeries()
    for index, (name, values) in enumerate(series.items()):
        bar_set = QBarSet(name)
        bar_set.setBrush(_series_brush(index))
        bar_set.setPen(QPen(QApplication.palette().color(QPalette.ColorRole.Text), 0.5))
        bar_set.setLabelColor(QApplication.palette().color(QPalette.ColorRole.Text))
        for value in values:
            bar_set.append(number(value))
        bar_series.append(bar_set)
    # Stacked segments are often too thin for a label; the table beside the chart has every number.
    bar_series.setLabelsVisible(kind != "stacked" and len(categories) * len(series) <= 40)
    bar_series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd if kind != "stacked"
                                 else QBarSeries.LabelsPosition.LabelsCenter)
    chart.addSeries(bar_series)

    def tip(status: bool, index: int, bar_set: QBarSet) -> None:  # the full name, on hover
        if status and 0 <= index < len(categories):
            QToolTip.showText(QCursor.pos(), f"{categories[index]}\n{bar_set.label()}: {bar_set.at(index):g}")
        else:
            QToolTip.hideText()

    bar_series.hovered.connect(tip)
    category_axis = QBarCategoryAxis()
    category_axis.append(_unique([axis_label(c) for c in categories]))
    value_axis = QValueAxis()
    value_axis.setLabelFormat("%.0f")
    total = max((sum(number(v[i]) for v in series.values()) for i in range(len(categories))), default=0.0)
    value_axis.setRange(0, max(1.0, (total if kind == "stacked" else largest) * 1.15))
    if lying:
        chart.addAxis(category_axis, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(value_axis, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(category_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(value_axis, Qt.AlignmentFlag.AlignLeft)
    bar_series.attachAxis(category_axis)
    bar_series.attachAxis(value_axis)


def axis_label(category: str) -> str:
    """A bar's category on at most two lines (axis labels are rich text), shortened past that."""
    return html.escape(wrap_label(category, LABEL_CHARS, LABEL_LINES)).replace("\n", "<br>")


def _unique(labels: list[str]) -> list[str]:
    """Category axes merge equal labels, so shortened names that collide get a number."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _x_axis(categories: list[str]) -> tuple[QAbstractAxis, list[float]]:
    """A time axis when the categories are dates or months (a few short labels, none cut off),
    else a category axis labelled at a few evenly spaced points; and each point's x."""
    days = [_parse_day(c) for c in categories]
    if categories and all(d is not None for d in days):
        axis = QDateTimeAxis()
        weekly = all(len(c) == 10 for c in categories)
        axis.setFormat("d MMM yy" if weekly else "MMM yyyy")
        axis.setTickCount(min(LINE_LABELS + 1, max(len(categories), 2)))
        xs = [float(QDateTime(QDate(d.year, d.month, d.day), QTime(12, 0)).toMSecsSinceEpoch()) for d in days]
        axis.setRange(QDateTime.fromMSecsSinceEpoch(int(xs[0])), QDateTime.fromMSecsSinceEpoch(int(xs[-1])))
        return axis, xs
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    step = max(1, -(-len(categories) // LINE_LABELS))
    for i in range(0, len(categories), step):
        axis.append(short_date_label(categories[i]), i)
    axis.setRange(0, max(len(categories) - 1, 1))
    return axis, [float(i) for i in range(len(categories))]


def _parse_day(category: str) -> date | None:
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", category)
    if not match:
        return None
    year, month, day = match.groups()
    try:
        return date(int(year), int(month), int(day or 1))
    except ValueError:
        return None


def _add_lines(chart: QChart, categories: list[str], series: dict[str, list[object]]) -> None:
    x_axis, xs = _x_axis(categories)
    x_axis.setGridLineVisible(False)
    value_axis = QValueAxis()
    value_axis.setLabelFormat("%.0f")
    largest = max((number(v) for values in series.values() for v in values), default=0.0)
    value_axis.setRange(0, max(1.0, largest * 1.15))
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(value_axis, Qt.AlignmentFlag.AlignLeft)
    for index, (name, values) in enumerate(series.items()):
        line = QLineSeries()  # straight segments from zero: a count never appears to dip below it
        line.setName(name)
        pen = QPen(QColor(COLOURS[index % len(COLOURS)]), 2, LINE_STYLES[index % len(LINE_STYLES)])
        line.setPen(pen)
        line.setPointsVisible(True)
        for x, value in zip(xs, values, strict=False):
            line.append(QPointF(x, number(value)))
        chart.addSeries(line)
        line.attachAxis(x_axis)
        line.attachAxis(value_axis)


def make_table_view(title: str, columns: list[str], rows: list[list[object]]) -> QTableView:
    model = QStandardItemModel(len(rows), len(columns))
    model.setHorizontalHeaderLabels(columns)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = "" if value is None else f"{value:,}" if isinstance(value, int) else (
                f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value))
            item = QStandardItem(text)
            item.setEditable(False)
            if isinstance(value, (int, float)):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            model.setItem(r, c, item)
    view = QTableView()
    view.setModel(model)
    model.setParent(view)
    view.setAccessibleName(f"Table: {title}")
    view.verticalHeader().setVisible(False)
    view.setAlternatingRowColors(True)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.setWordWrap(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.resizeColumnsToContents()
    for column in range(len(columns)):  # fit the content, up to a maximum; longer text wraps
        if view.columnWidth(column) > COLUMN_MAX:
            view.setColumnWidth(column, COLUMN_MAX)
    view.resizeRowsToContents()
    for column, name in enumerate(columns):
        model.setHeaderData(column, Qt.Orientation.Horizontal, name, Qt.ItemDataRole.ToolTipRole)
    view.setMinimumHeight(min(60 + 26 * len(rows), 260))
    return view
