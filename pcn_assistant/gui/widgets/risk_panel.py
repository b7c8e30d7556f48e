"""A person's risk assessment, explained: score and tier, eFI and CMS, points by
component, the reasons, and a chart of the score over time.

Reusable: Find people shows it beside the list, and the person record embeds it
(``RiskPanel(ctx)`` then ``show_patient(patient_id)``). It says what every score
screen must say: the score ranks people for review, it is not a diagnosis, and
the weights are for local clinical review; under 65 the eFI is "not applicable".
"""

from __future__ import annotations

import html
from datetime import date, datetime, time

from PySide6.QtCharts import (
    QChart,
    QChartView,
    QDateTimeAxis,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QDateTime, QMargins, Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pcn_assistant.core.plain_names import term_note
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.formatting import format_date
from pcn_assistant.gui.forms import child, embed_form
from pcn_assistant.services import risk as risk_service
from pcn_assistant.services.risk import Assessment

STATEMENT = ("The priority score ranks people for review. It is not a diagnosis, and the weights "
             "are for local clinical review.")


def headline_text(assessment: Assessment) -> str:
    change = ""
    if assessment.change:
        change = f" ({assessment.change:+d} since the previous assessment)"
    text = (f"<b>{assessment.points} of {assessment.max_points or '?'} points</b>{change}"
            f" &middot; <b>{assessment.tier_label}</b>")
    if assessment.pinned_reason:
        text += f"<br>Always tier 3: {assessment.pinned_reason}"
    return text


def cms_text(assessment: Assessment) -> str:
    if assessment.cms_score is None:
        return assessment.cms_label
    count = len(assessment.cms_conditions)
    return f"{assessment.cms_score:.2f} ({count} of 20 conditions)"


def efi_text(assessment: Assessment) -> str:
    return assessment.efi_label + ". A population measure, not a diagnosis."


def conditions_text(assessment: Assessment) -> str:
    """The conditions behind the CMS and the deficits behind the eFI, as assessed."""
    parts = []
    if assessment.cms_conditions:
        parts.append("<b>CMS conditions:</b> " + ", ".join(assessment.cms_conditions) + ".")
    if assessment.efi_deficit_names:
        names = ", ".join(name.lower() for name in assessment.efi_deficit_names)
        parts.append(f"<b>eFI deficits ({len(assessment.efi_deficit_names)} of 36):</b> {names}.")
    return "<br>".join(parts)


def reasons_html(reasons: tuple[str, ...] | list[str]) -> str:
    """One reason per line, each marked, so a wrapped reason still reads as one."""
    if not reasons:
        return "No points scored."
    return "<br>".join(f"&bull; {html.escape(reason)}" for reason in reasons)


def history_text(history: list[Assessment], last_run_on: date | None) -> str:
    if not history:
        return "No assessments yet."
    steps = [f"{format_date(a.assessed_on)}: {a.points}" + (f" (tier {a.tier})" if a.tier else "")
             for a in history]
    text = "Points over time: " + "; ".join(steps)
    if last_run_on and last_run_on > history[-1].assessed_on:
        text += f"; unchanged at the run on {format_date(last_run_on)}"
    return text + "."


def _when(day: date) -> QDateTime:
    return QDateTime(datetime.combine(day, time(12)))


class RiskPanel(QWidget):
    """Shows one person's latest assessment and its history; empty until ``show_patient``."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, show_statement: bool = True) -> None:
        """``show_statement=False`` where the screen around says it already (Find people)."""
        super().__init__(parent)
        self.ctx = ctx
        self.form = embed_form(self, "risk_panel.ui")
        self.headline = child(self.form, QLabel, "headlineLabel")
        self.statement = child(self.form, QLabel, "statementLabel")
        self.efi = child(self.form, QLabel, "efiLabel")
        self.cms = child(self.form, QLabel, "cmsLabel")
        self.assessed = child(self.form, QLabel, "assessedLabel")
        self.points_table = child(self.form, QTableWidget, "pointsTable")
        self.reasons = child(self.form, QLabel, "reasonsLabel")
        self.history_label = child(self.form, QLabel, "historyLabel")
        self.deficits = child(self.form, QLabel, "deficitsLabel")
        self.statement.setText(f"<small>{STATEMENT} The frailty score (eFI) applies from age 65; under 65 "
                               "it is \"not applicable\", never 0.</small>")
        for caption, term in (("efiCaption", "eFI"), ("cmsCaption", "CMS")):
            tip = term_note(term)
            child(self.form, QLabel, caption).setToolTip(tip)
        self.efi.setToolTip(term_note("eFI"))
        self.cms.setToolTip(term_note("CMS"))
        self.statement.setVisible(show_statement)
        self.points_table.setColumnCount(3)
        self.points_table.setHorizontalHeaderLabels(["Component", "Points", "Of"])
        self.points_table.verticalHeader().setVisible(False)
        self.points_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.points_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self._build_chart(child(self.form, QWidget, "chartHolder"))
        self.patient_id: int | None = None
        self.latest: Assessment | None = None
        self.history: list[Assessment] = []
        self.clear()

    def _build_chart(self, holder: QWidget) -> None:
        self.chart = QChart()
        self.chart.legend().hide()
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.setBackgroundRoundness(0)
        self.line = QLineSeries()
        self.line.setName("Priority points")
        self.dots = QScatterSeries()
        self.dots.setMarkerSize(8)
        self.chart.addSeries(self.line)
        self.chart.addSeries(self.dots)
        self.x_axis = QDateTimeAxis()
        self.x_axis.setFormat("MMM yy")
        self.x_axis.setTickCount(4)
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%d")
        self.y_axis.setTitleText("Points")
        for axis, side in ((self.x_axis, Qt.AlignmentFlag.AlignBottom), (self.y_axis, Qt.AlignmentFlag.AlignLeft)):
            self.chart.addAxis(axis, side)
            self.line.attachAxis(axis)
            self.dots.attachAxis(axis)
        self._apply_palette()
        self.chart_view = QChartView(self.chart, holder)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setAccessibleName("Score history chart")
        self.chart_view.setMinimumHeight(150)
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.chart_view)

    def _apply_palette(self) -> None:
        """Chart colours from the palette, so dark mode and high contrast work."""
        palette = self.palette()
        self.chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        self.line.setPen(QPen(highlight, 2))
        self.dots.setColor(highlight)
        self.dots.setBorderColor(text)
        for axis in (self.x_axis, self.y_axis):
            axis.setLabelsColor(text)
            axis.setTitleBrush(text)
            axis.setLinePenColor(palette.color(QPalette.ColorRole.Mid))
            axis.setGridLineColor(palette.color(QPalette.ColorRole.Midlight))

    # Public API
    def show_patient(self, patient_id: int | None) -> None:
        """Load and show a person's latest assessment and history (None clears)."""
        self.patient_id = patient_id
        if patient_id is None:
            self.clear()
            return
        latest = risk_service.latest_assessment(self.ctx.db, self.ctx.actor, patient_id)
        history = risk_service.assessment_history(self.ctx.db, self.ctx.actor, patient_id) if latest else []
        run = risk_service.last_run(self.ctx.db, self.ctx.actor) if latest else None
        self.set_assessments(latest, history, run.assessed_on if run else None)

    def set_assessments(self, latest: Assessment | None, history: list[Assessment],
                        last_run_on: date | None = None) -> None:
        self.latest, self.history = latest, list(history)
        if latest is None:
            self.clear("Not yet assessed: run stratification to score this person.")
            return
        self.headline.setText(headline_text(latest))
        self.efi.setText(efi_text(latest))
        self.cms.setText(cms_text(latest))
        confirmed = ""
        if last_run_on and last_run_on > latest.assessed_on:
            confirmed = f", unchanged at the run on {format_date(last_run_on)}"
        self.assessed.setText(f"{format_date(latest.assessed_on)}{confirmed}")
        self.assessed.setToolTip(f"Scoring model {latest.model_label}")
        self._fill_points(latest)
        self.reasons.setText(reasons_html(latest.reasons))
        self.reasons.setAccessibleDescription("; ".join(latest.reasons) or "No points scored")
        self._fill_chart(self.history, last_run_on, latest.max_points)
        self.history_label.setText(history_text(self.history, last_run_on))
        self.deficits.setText(conditions_text(latest))

    def clear(self, message: str = "Choose a person to see their assessment.") -> None:
        self.headline.setText(message)
        for label in (self.efi, self.cms, self.assessed, self.history_label, self.deficits):
            label.setText("")
        self.points_table.setRowCount(0)
        self.reasons.setText("")
        self.line.clear()
        self.dots.clear()

    def _fill_points(self, assessment: Assessment) -> None:
        self.points_table.setRowCount(len(assessment.components) + 1)
        rows = [(c.label, c.points, c.maximum) for c in assessment.components]
        rows.append(("Total", assessment.points, assessment.max_points))
        for row, (label, points, maximum) in enumerate(rows):
            for column, value in enumerate((label, str(points), str(maximum))):
                item = QTableWidgetItem(value)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if row == len(rows) - 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.points_table.setItem(row, column, item)
        height = self.points_table.verticalHeader().defaultSectionSize()
        header = self.points_table.horizontalHeader().sizeHint().height()
        self.points_table.setFixedHeight(height * len(rows) + header + 4)

    def _fill_chart(self, history: list[Assessment], last_run_on: date | None, max_points: int) -> None:
        self.line.clear()
        self.dots.clear()
        if not history:
            return
        points: list[tuple[date, int]] = []
        for assessment in history:  # a step chart: each score holds until the next change
            if points:
                points.append((assessment.assessed_on, points[-1][1]))
            points.append((assessment.assessed_on, assessment.points))
        end = last_run_on if last_run_on and last_run_on > history[-1].assessed_on else None
        if end:
            points.append((end, history[-1].points))
        for day, value in points:
            self.line.append(_when(day).toMSecsSinceEpoch(), value)
        for assessment in history:
            self.dots.append(_when(assessment.assessed_on).toMSecsSinceEpoch(), assessment.points)
        first, last = points[0][0], points[-1][0]
        if first == last:  # one assessment: give the axis some width
            self.x_axis.setRange(_when(first).addDays(-30), _when(last).addDays(30))
        else:
            span = max((last - first).days // 20, 5)
            self.x_axis.setRange(_when(first).addDays(-span), _when(last).addDays(span))
        self.y_axis.setRange(0, max(max_points, max(v for _d, v in points), 1))
        self.y_axis.setTickCount(4)
