"""Dashboard area: the clinical director's six questions, each a chart with its table."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pcn_assistant.core import clock
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.forms import child, embed_form
from pcn_assistant.gui.tasks import run_task
from pcn_assistant.gui.widgets.table_chart import make_chart_view, make_table_view
from pcn_assistant.services.dashboard import (
    Dashboard,
    DashSection,
    build_dashboard,
    export_dashboard,
)
from pcn_assistant.services.dashboard.period import period_choices
from pcn_assistant.services.disclosure import can_see_exact
from pcn_assistant.services.practices import list_practices


class DashboardArea(QWidget):
    def __init__(self, ctx: AppContext, today: date | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.today = today or clock.today()
        self.dashboard: Dashboard | None = None
        # identifiable roles see exact counts on screen (audited); everyone else protected ones
        self.exact = can_see_exact(ctx.actor)
        self._task = None
        form = embed_form(self, "dashboard_view.ui")
        self.period_combo = child(form, QComboBox, "periodCombo")
        self.practice_combo = child(form, QComboBox, "practiceCombo")
        self.export_button = child(form, QPushButton, "exportButton")
        self.status_label = child(form, QLabel, "statusLabel")
        self.tabs = child(form, QTabWidget, "sections")

        for code, label in period_choices(self.today):
            self.period_combo.addItem(label, code)
        own = ctx.actor.practice_code  # a practice manager sees their own practice only
        if own is None:
            self.practice_combo.addItem("Whole PCN", None)
        for practice in list_practices(ctx.db):
            if own is None or practice.ods_code == own:
                self.practice_combo.addItem(f"{practice.name} ({practice.ods_code})", practice.ods_code)
        self.export_button.setVisible(ctx.actor.can("export.aggregate"))
        self.period_combo.currentIndexChanged.connect(self.refresh)
        self.practice_combo.currentIndexChanged.connect(self.refresh)
        self.export_button.clicked.connect(self.export)
        self.refresh()

    def refresh(self) -> None:
        """Rebuild off the GUI thread; the tabs fill in when the figures arrive."""
        period, practice = self.period_combo.currentData(), self.practice_combo.currentData()
        self.status_label.setText("Working out the figures…")
        exact = self.exact

        def work() -> Dashboard:
            return build_dashboard(self.ctx.db, self.ctx.actor, period=period, practice_code=practice,
                                   today=self.today, exact=exact)

        self._task = run_task(work, parent=self, title="Building the dashboard",
                              on_success=self.show_dashboard, on_failure=self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status_label.setText(f"The dashboard could not be built: {error}")

    def show_dashboard(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard
        current = self.tabs.currentIndex()
        self.tabs.clear()
        for section in dashboard.sections:
            self.tabs.addTab(section_page(section), section.title)
        self.tabs.setCurrentIndex(max(current, 0))
        counts = ("Exact counts, for you only: exports are always protected." if self.exact else
                  "Counts of 1-7, and any that would give one away, show as *.")
        self.status_label.setText(f"{dashboard.scope_label}, {dashboard.period.label}. {counts} "
                                  "Risk tiers rank people for review; they are not a diagnosis.")

    def export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export dashboard", "dashboard.xlsx",
                                              "Excel workbook (*.xlsx);;PDF board report (*.pdf)")
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        out, payload = export_dashboard(self.ctx.db, self.ctx.actor, path, period=self.period_combo.currentData(),
                                        practice_code=self.practice_combo.currentData(), today=self.today)
        if out.suffix.lower() == ".pdf":
            from pcn_assistant.gui.reports.pdf import write_pdf

            write_pdf(payload, out)
        QMessageBox.information(self, "Export dashboard", f"Saved {out}")


def section_page(section: DashSection) -> QWidget:
    """One tab: the section's question and headlines, then each table with its chart beside it."""
    body = QWidget()
    layout = QVBoxLayout(body)
    question = QLabel(f"<b>{section.question}</b>")
    layout.addWidget(question)
    for headline in section.headlines:
        label = QLabel(f"• {headline}")
        label.setWordWrap(True)
        layout.addWidget(label)
    for table in section.tables:
        box = QGroupBox(table.title)
        box.setAccessibleName(table.title)
        row = QHBoxLayout(box)
        if not table.rows:
            row.addWidget(QLabel("No data for this period."))
            layout.addWidget(box)
            continue
        if table.chart and table.value_columns and table.chart_rows():
            categories = [str(r[0]) for r in table.chart_rows()]
            series = {name: table.column(name)[:len(categories)] for name in table.value_columns}
            wide_table = len(table.columns) > 4  # a narrow table gives the chart more room for its labels
            row.addWidget(make_chart_view(table.title, table.chart, categories, series, show_title=False),
                          3 if wide_table else 4)
        row.addWidget(make_table_view(table.title, table.columns, table.rows), 4 if len(table.columns) > 4 else 3)
        layout.addWidget(box)
        if table.note:
            note = QLabel(f"<i>{table.note}</i>")
            note.setWordWrap(True)
            layout.addWidget(note)
    layout.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(body)
    scroll.setAccessibleName(f"{section.title} section")
    return scroll
