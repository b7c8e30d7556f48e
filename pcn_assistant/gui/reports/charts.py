"""Vector charts for printed reports, drawn with QPainter (so a PDF keeps them sharp).

Made to print in black and white: each series has its own fill pattern (solid dark
grey, diagonal hatching, light grey) or line style and marker, every bar carries its
value, and long category names wrap onto two lines beside horizontal bars rather than
being cut off under them.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from pcn_assistant.core.plain_names import short_date_label, wrap_label
from pcn_assistant.services.reports import ReportChart

INK = QColor("#000000")
GRID = QColor("#BBBBBB")
FILLS = ((QColor("#404040"), Qt.BrushStyle.SolidPattern), (QColor("#000000"), Qt.BrushStyle.BDiagPattern),
         (QColor("#A6A6A6"), Qt.BrushStyle.SolidPattern), (QColor("#000000"), Qt.BrushStyle.CrossPattern))
DASHES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine)
LABEL_CHARS = 22  # a category label wraps at about this many characters, on at most two lines


def _values(chart: ReportChart) -> list[float]:
    return [v for _name, values in chart.series for v in values if isinstance(v, (int, float))]


def nice_top(largest: float, whole: bool = False) -> tuple[float, float]:
    """An axis maximum at or above ``largest`` and a tick step giving about five ticks
    (whole-number steps when the values are counts)."""
    if largest <= 0:
        return (1.0, 1.0) if whole else (1.0, 0.25)
    raw = max(largest / 5, 1.0) if whole else largest / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(largest / step), step


def _whole(chart: ReportChart) -> bool:
    return all(float(v).is_integer() for v in _values(chart))


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def chart_height(chart: ReportChart, width: float, line: float) -> float:
    """How tall a chart drawn ``width`` wide needs to be, given the height of a line of text."""
    head = line * (2.6 if len(chart.series) > 1 else 1.6)
    if chart.kind == "line":
        return head + min(width * 0.3, line * 13)
    rows = len(chart.categories)
    per_row = line * (0.85 * len(chart.series) + 0.75) if chart.kind != "stacked" else line * 1.7
    return head + rows * per_row + line * 1.8


def _brush(index: int) -> QBrush:
    colour, style = FILLS[index % len(FILLS)]
    return QBrush(colour, style)


def _legend(painter: QPainter, chart: ReportChart, left: float, top: float, line: float) -> None:
    x = left
    for index, (name, _values) in enumerate(chart.series):
        box = QRectF(x, top + line * 0.2, line * 1.4, line * 0.7)
        if chart.kind == "line":
            painter.setPen(QPen(INK, line * 0.12, DASHES[index % len(DASHES)]))
            painter.drawLine(QPointF(box.left(), box.center().y()), QPointF(box.right(), box.center().y()))
        else:
            painter.setPen(QPen(INK, line * 0.05))
            painter.setBrush(_brush(index))
            painter.drawRect(box)
        painter.setPen(INK)
        text = QRectF(box.right() + line * 0.3, top, line * 14, line)
        painter.drawText(text, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, name)
        x = text.left() + QFontMetricsF(painter.font()).horizontalAdvance(name) + line * 1.2


def draw_chart(painter: QPainter, rect: QRectF, chart: ReportChart) -> None:
    """Draw ``chart`` into ``rect`` (title, legend, axes, bars or lines, value labels)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = painter.font()
    line = QFontMetricsF(font).height()
    title_font = QFont(font)
    title_font.setBold(True)
    painter.setFont(title_font)
    painter.setPen(INK)
    painter.drawText(QRectF(rect.left(), rect.top(), rect.width(), line), Qt.AlignmentFlag.AlignLeft,
                     chart.title + (f" ({chart.unit})" if chart.unit else ""))
    painter.setFont(font)
    top = rect.top() + line * 1.4
    if len(chart.series) > 1:
        _legend(painter, chart, rect.left(), top, line)
        top += line * 1.2
    body = QRectF(rect.left(), top, rect.width(), rect.bottom() - top)
    if chart.kind == "line":
        _draw_lines(painter, body, chart, line)
    else:
        _draw_bars(painter, body, chart, line)
    painter.restore()


def _draw_bars(painter: QPainter, body: QRectF, chart: ReportChart, line: float) -> None:
    metrics = QFontMetricsF(painter.font())
    labels = [wrap_label(c, LABEL_CHARS, 2) for c in chart.categories]
    label_width = min(max((metrics.horizontalAdvance(part) for text in labels for part in text.split("\n")),
                          default=line) + line * 0.6, body.width() * 0.34)
    stacked = chart.kind == "stacked"
    totals = ([sum(v for v in column if isinstance(v, (int, float))) for column in zip(*(values for _n, values in chart.series), strict=True)]
              if stacked else _values(chart))
    top_value, step = nice_top(max(totals, default=0.0), _whole(chart))
    value_room = metrics.horizontalAdvance("00,000.0") + line * 0.3
    plot = QRectF(body.left() + label_width, body.top(), body.width() - label_width - value_room,
                  body.height() - line * 1.6)
    scale = plot.width() / top_value
    ticks = int(round(top_value / step))
    for tick in range(ticks + 1):
        x = plot.left() + tick * step * scale
        painter.setPen(QPen(GRID, line * 0.03))
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        painter.setPen(INK)
        painter.drawText(QRectF(x - line * 2.5, plot.bottom() + line * 0.2, line * 5, line),
                         Qt.AlignmentFlag.AlignHCenter, _number(tick * step))
    rows = max(len(chart.categories), 1)
    row_height = plot.height() / rows
    series_count = 1 if stacked else len(chart.series)
    bar = min(row_height * 0.8 / series_count, line * 1.1)
    for row, label in enumerate(labels):
        row_top = plot.top() + row * row_height
        painter.setPen(INK)
        painter.drawText(QRectF(body.left(), row_top, label_width - line * 0.4, row_height),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
        first = row_top + (row_height - bar * series_count) / 2
        start = plot.left()
        for index, (_name, values) in enumerate(chart.series):
            value = values[row] if row < len(values) else None
            y = first if stacked else first + index * bar
            if not isinstance(value, (int, float)):
                if not stacked:
                    painter.drawText(QRectF(plot.left() + line * 0.2, y, line * 6, bar),
                                     Qt.AlignmentFlag.AlignVCenter, "*" if value == "*" else "-")
                continue
            length = max(float(value), 0.0) * scale
            painter.setPen(QPen(INK, line * 0.04))
            painter.setBrush(_brush(index))
            painter.drawRect(QRectF(start, y, length, bar * 0.92))
            if stacked:
                start += length
            else:
                painter.drawText(QRectF(plot.left() + length + line * 0.25, y, value_room, bar),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, _number(value))
        if stacked:  # the total, unless a part of it is suppressed
            parts = [vals[row] for _n, vals in chart.series if row < len(vals)]
            known = all(isinstance(v, (int, float)) for v in parts)
            painter.drawText(QRectF(start + line * 0.25, first, value_room, bar),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             _number(sum(parts)) if known else "*")
    painter.setPen(QPen(INK, line * 0.06))
    painter.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.left(), plot.bottom()))


def _draw_lines(painter: QPainter, body: QRectF, chart: ReportChart, line: float) -> None:
    metrics = QFontMetricsF(painter.font())
    top_value, step = nice_top(max(_values(chart), default=0.0), _whole(chart))
    axis_width = metrics.horizontalAdvance(_number(top_value)) + line * 0.6
    plot = QRectF(body.left() + axis_width, body.top() + line * 0.5, body.width() - axis_width - line,
                  body.height() - line * 2.2)
    ticks = int(round(top_value / step))
    for tick in range(ticks + 1):
        y = plot.bottom() - tick * step * plot.height() / top_value
        painter.setPen(QPen(GRID, line * 0.03))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(INK)
        painter.drawText(QRectF(body.left(), y - line / 2, axis_width - line * 0.3, line),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, _number(tick * step))
    count = len(chart.categories)
    gap = plot.width() / max(count - 1, 1)
    labels = [short_date_label(c) for c in chart.categories]
    widest = max((metrics.horizontalAdvance(c) for c in labels), default=line) + line * 1.2
    every = max(1, math.ceil(widest / max(gap, 1)))  # label only as many categories as fit whole
    painter.setPen(INK)
    for i, label in enumerate(labels):
        if i % every == 0:
            x = plot.left() + i * gap
            left = min(max(x - widest / 2, body.left()), body.right() - widest)  # never off the page
            if i and left < x - widest / 2:
                continue
            painter.drawText(QRectF(left, plot.bottom() + line * 0.3, widest, line),
                             Qt.AlignmentFlag.AlignHCenter, label)
    for index, (_name, values) in enumerate(chart.series):
        path, started = QPainterPath(), False
        points = []
        for i, value in enumerate(values):
            if not isinstance(value, (int, float)):
                started = False
                continue
            point = QPointF(plot.left() + i * gap, plot.bottom() - max(float(value), 0.0) * plot.height() / top_value)
            points.append(point)
            if started:
                path.lineTo(point)  # straight segments: a count never appears to dip below zero
            else:
                path.moveTo(point)
                started = True
        painter.setPen(QPen(INK, line * 0.12, DASHES[index % len(DASHES)]))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setPen(QPen(INK, line * 0.06))
        painter.setBrush(QBrush(INK if index % 2 == 0 else QColor("#FFFFFF")))
        radius = line * 0.16
        for point in points:
            if index % 2 == 0:
                painter.drawEllipse(point, radius, radius)
            else:
                painter.drawRect(QRectF(point.x() - radius, point.y() - radius, 2 * radius, 2 * radius))
    painter.setPen(QPen(INK, line * 0.06))
    painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
