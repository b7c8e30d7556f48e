"""A chart drawn from a plain table (QtCharts), readable without colour.

Each series gets its own fill pattern as well as a palette colour, and bars carry
their value labels, so the chart reads in greyscale and for colour-blind users; the
table beside it gives screen-reader users the same numbers.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QPainter,
    QPalette,
    QPen,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView

PATTERNS = (Qt.BrushStyle.SolidPattern, Qt.BrushStyle.BDiagPattern, Qt.BrushStyle.Dense4Pattern,
            Qt.BrushStyle.CrossPattern, Qt.BrushStyle.FDiagPattern, Qt.BrushStyle.Dense6Pattern,
            Qt.BrushStyle.HorPattern, Qt.BrushStyle.VerPattern)
# Okabe-Ito colour-blind-safe palette, used with the patterns above.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
LINE_STYLES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine)


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
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(260)
    view.setAccessibleName(f"Chart: {title}")
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return view


def _add_bars(chart: QChart, kind: str, categories: list[str], series: dict[str, list[object]], largest: float) -> None:

    horizontal = kind != "stacked" and len(categories) > 6
    bar_series = (QStackedBarSeries() if kind == "stacked" else
                  QHorizontalBarSeries() if horizontal else QBarSeries())
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
    category_axis = QBarCategoryAxis()
    category_axis.append([c[:28] for c in categories])
    value_axis = QValueAxis()
    value_axis.setLabelFormat("%.0f")
    total = max((sum(number(v[i]) for v in series.values()) for i in range(len(categories))), default=0.0)
    value_axis.setRange(0, max(1.0, (total if kind == "stacked" else largest) * 1.15))
    if horizontal:
        chart.addAxis(category_axis, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(value_axis, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(category_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(value_axis, Qt.AlignmentFlag.AlignLeft)
    bar_series.attachAxis(category_axis)
    bar_series.attachAxis(value_axis)


def _add_lines(chart: QChart, categories: list[str], series: dict[str, list[object]]) -> None:
    category_axis = QBarCategoryAxis()
    step = max(1, -(-len(categories) // 6))  # at most six labels, so none is elided
    category_axis.append([c if i % step == 0 else "" for i, c in enumerate(categories)])
    value_axis = QValueAxis()
    value_axis.setLabelFormat("%.0f")
    largest = max((number(v) for values in series.values() for v in values), default=0.0)
    value_axis.setRange(0, max(1.0, largest * 1.15))
    chart.addAxis(category_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(value_axis, Qt.AlignmentFlag.AlignLeft)
    for index, (name, values) in enumerate(series.items()):
        line = QLineSeries()
        line.setName(name)
        pen = QPen(QColor(COLOURS[index % len(COLOURS)]), 2, LINE_STYLES[index % len(LINE_STYLES)])
        line.setPen(pen)
        line.setPointsVisible(True)
        for i, value in enumerate(values):
            line.append(QPointF(i, number(value)))
        chart.addSeries(line)
        line.attachAxis(category_axis)
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
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.setMinimumHeight(min(60 + 26 * len(rows), 260))
    return view
