"""The funnel plot on screen (QtCharts): each practice against the pooled PCN value,
with the 95% and 99.8% limits across the denominator range.

Every practice is its own point series, labelled with its code and drawn in its
assessment's colour and shape; hovering over a point shows its figures. The lines come
from the same ``funnel_lines`` the workbook uses, so screen and Excel agree.
"""

from __future__ import annotations

import math

import pandas as pd
from PySide6.QtCharts import QChart, QChartView, QLineSeries, QScatterSeries, QValueAxis
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QCursor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from pcn_assistant.services.variation.catalogue import IndicatorDef
from pcn_assistant.services.variation.compute import (
    SUPPRESSION_MARK,
    Funnel,
    funnel_lines,
    nice_range,
    value_range,
)
from pcn_assistant.services.variation.palette import Look, look_for

MARKERS = {
    "triangle": QScatterSeries.MarkerShape.MarkerShapeTriangle,
    "diamond": QScatterSeries.MarkerShape.MarkerShapeRotatedRectangle,
    "circle": QScatterSeries.MarkerShape.MarkerShapeCircle,
    "square": QScatterSeries.MarkerShape.MarkerShapeRectangle,
}
LABELLED_PRACTICES = 30


def format_number(value: object, definition: IndicatorDef) -> str:
    if value is None or value == SUPPRESSION_MARK or (isinstance(value, float) and math.isnan(value)):
        return str(value or "")
    decimals = 1 if definition.multiplier >= 10 else 3
    return f"{float(value):,.{decimals}f}"


def describe_row(row: pd.Series, definition: IndicatorDef, name: str) -> str:
    """One practice's figures, for tooltips (plain text, so screen readers read it too)."""
    if row["suppressed"]:
        return (f"{row['practice_code']} {name}\n{definition.name}, {row['period']}\n"
                "Suppressed: 1 to 7 events (NHS disclosure control)\n"
                f"PCN value {format_number(row['comparator'], definition)} {definition.unit}")
    count = int(row["numerator"]) if float(row["numerator"]).is_integer() else row["numerator"]
    denominator = int(row["denominator"]) if float(row["denominator"]).is_integer() else row["denominator"]
    return (f"{row['practice_code']} {name}\n{definition.name}, {row['period']}\n"
            f"Value {format_number(row['value'], definition)} {definition.unit} "
            f"({count:,} / {denominator:,})\n"
            f"95% interval {format_number(row['lower_95'], definition)} to "
            f"{format_number(row['upper_95'], definition)}\n"
            f"99.8% interval {format_number(row['lower_99_8'], definition)} to "
            f"{format_number(row['upper_99_8'], definition)}\n"
            f"PCN value {format_number(row['comparator'], definition)}; {row['significance']}: "
            f"{row['assessment']} ({row['method']})")


class FunnelPlot(QChartView):
    """A funnel plot; ``show_funnel`` redraws it for one indicator and period."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self._chart = QChart()
        super().__init__(self._chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAccessibleName("Funnel plot")
        self._chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.tooltips: dict[str, str] = {}  # practice code -> figures
        self.point_series: dict[str, QScatterSeries] = {}
        self._apply_palette()
        self.clear("Choose an indicator to see its funnel plot.")

    def _apply_palette(self) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        self._chart.setBackgroundBrush(palette.brush(QPalette.ColorRole.Base))
        self._chart.setTitleBrush(text)
        self._chart.legend().setLabelColor(text)
        self._text_colour = text

    def clear(self, message: str = "") -> None:
        self._chart.removeAllSeries()
        for axis in self._chart.axes():
            self._chart.removeAxis(axis)
        self._chart.setTitle(message)
        self.tooltips.clear()
        self.point_series.clear()
        self.setAccessibleDescription(message)

    def show_funnel(
        self, definition: IndicatorDef, period: str, funnel: Funnel, rows: pd.DataFrame,
        practices: dict[str, str], highlight: str | None = None,
    ) -> None:
        self.clear()
        self._chart.setTitle(f"{definition.name}, {period}")
        lines = funnel_lines(funnel, definition)
        x_axis, y_axis = QValueAxis(), QValueAxis()
        x_axis.setTitleText(funnel.x_title)
        x_axis.setLabelFormat("%.0f")
        y_axis.setTitleText(definition.unit or "Value")
        for axis in (x_axis, y_axis):
            axis.setLabelsColor(self._text_colour)
            axis.setTitleBrush(self._text_colour)
        self._chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self._chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        grey = QColor(127, 127, 127)
        for key, title, colour, style, width in (
            ("comparator", "PCN value (pooled)", self._text_colour, Qt.PenStyle.SolidLine, 2.5),
            ("lower_95", "95% limits", grey, Qt.PenStyle.DashLine, 1.5),
            ("upper_95", None, grey, Qt.PenStyle.DashLine, 1.5),
            ("lower_99_8", "99.8% limits", self._text_colour, Qt.PenStyle.SolidLine, 1.0),
            ("upper_99_8", None, self._text_colour, Qt.PenStyle.SolidLine, 1.0),
        ):
            series = QLineSeries()
            series.setName(title or "")
            series.setPen(QPen(colour, width, style))
            series.append([QPointF(float(x), float(y)) for x, y in zip(lines["denominator"], lines[key], strict=True)])
            self._add(series, x_axis, y_axis, in_legend=title is not None)
        shown = rows[~rows["suppressed"].astype(bool)]
        values = [float(v) for v in shown["value"]]
        for _index, row in rows.iterrows():
            self.tooltips[row["practice_code"]] = describe_row(
                row, definition, practices.get(row["practice_code"], ""))
        labelled = len(shown) <= LABELLED_PRACTICES
        for _index, row in shown.iterrows():
            code = row["practice_code"]
            series = self._point_series(code, look_for(row["assessment"]), big=code == highlight,
                                        labelled=labelled)
            series.append(QPointF(funnel.x_of(code, row["denominator"]), float(row["value"])))
            self._add(series, x_axis, y_axis, in_legend=False)
            self.point_series[code] = series
        self._set_ranges(definition, lines, values, x_axis, y_axis)
        outliers = [f"{r.practice_code} {r.assessment}" for r in shown.itertuples()
                    if r.assessment not in ("Similar", SUPPRESSION_MARK)]
        self.setAccessibleDescription(
            f"Funnel plot of {definition.name}, {period}: PCN value "
            f"{format_number(funnel.comparator, definition)}. "
            + (f"Outside the limits: {', '.join(outliers)}." if outliers else "No practice outside the limits."))

    def _point_series(self, code: str, look: Look | None, *, big: bool, labelled: bool) -> QScatterSeries:
        series = QScatterSeries()
        series.setName(code)
        series.setMarkerShape(MARKERS.get(look.marker if look else "circle",
                                          QScatterSeries.MarkerShape.MarkerShapeCircle))
        series.setMarkerSize(16 if big else 11)
        series.setColor(QColor(f"#{look.point_colour}") if look else QColor(127, 127, 127))
        series.setBorderColor(QColor(0, 0, 0))
        if labelled:
            series.setPointLabelsFormat(code)
            series.setPointLabelsVisible(True)
            series.setPointLabelsColor(self._text_colour)
        series.hovered.connect(lambda point, state, c=code: self._hovered(c, state))
        return series

    def _add(self, series, x_axis: QValueAxis, y_axis: QValueAxis, *, in_legend: bool) -> None:  # noqa: ANN001
        self._chart.addSeries(series)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)
        for marker in self._chart.legend().markers(series):
            marker.setVisible(in_legend)

    def _hovered(self, code: str, state: bool) -> None:
        if state:
            QToolTip.showText(QCursor.pos(), self.tooltips.get(code, code), self)
        else:
            QToolTip.hideText()

    @staticmethod
    def _set_ranges(definition: IndicatorDef, lines: pd.DataFrame, values: list[float],
                    x_axis: QValueAxis, y_axis: QValueAxis) -> None:
        for axis, (low, high, step) in (
            (x_axis, nice_range(float(lines["denominator"].iloc[0]), float(lines["denominator"].iloc[-1]))),
            (y_axis, value_range(definition, lines, values)),
        ):
            axis.setRange(low, high)
            axis.setTickCount(max(2, round((high - low) / step) + 1))
        y_axis.setLabelFormat("%.1f" if definition.multiplier >= 10 else "%.3f")
