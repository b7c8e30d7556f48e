"""The audit trail tab: filter and page the trail in SQL, check the chain, export."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from pcn_assistant.core import clock
from pcn_assistant.gui import qt_clock
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.forms import child
from pcn_assistant.gui.paged_model import PagedTableModel
from pcn_assistant.gui.tasks import Task, run_task
from pcn_assistant.gui.user_names import UserNames
from pcn_assistant.services import audit, audit_trail


def format_audit_cell(row: audit_trail.AuditRow, key: str, names: UserNames | None = None) -> str:
    value = row.value(key)
    if key == "user_name" and names is not None and names.who(value) != value:
        return f"{names.who(value)} ({value})"  # the user name too: the filter searches by it
    if key == "occurred_at":
        return value.replace(tzinfo=UTC).astimezone().strftime("%d/%m/%Y %H:%M:%S")
    return "" if value is None else str(value)


class AuditTab:
    """Wires the audit trail widgets of the admin form (not a widget itself)."""

    def __init__(self, ctx: AppContext, form: QWidget) -> None:
        self.ctx = ctx
        self.form = form
        self.user_edit = child(form, QLineEdit, "userFilterEdit")
        self.action_combo = child(form, QComboBox, "actionCombo")
        self.text_edit = child(form, QLineEdit, "textFilterEdit")
        self.record_edit = child(form, QLineEdit, "recordFilterEdit")
        self.since_check = child(form, QCheckBox, "sinceCheck")
        self.since_date = child(form, QDateEdit, "sinceDate")
        self.until_check = child(form, QCheckBox, "untilCheck")
        self.until_date = child(form, QDateEdit, "untilDate")
        self.table = child(form, QTableView, "auditTable")
        self.count_label = child(form, QLabel, "auditCountLabel")
        self.verify_label = child(form, QLabel, "verifyLabel")
        self.task: Task | None = None
        today = qt_clock.today()
        self.since_date.setDate(today.addDays(-30))
        self.until_date.setDate(today)
        self.since_date.setEnabled(False)
        self.until_date.setEnabled(False)
        columns = [(key, "When" if key == "occurred_at" else header) for key, header in audit_trail.COLUMNS]
        names = UserNames(ctx.db)
        self.model = PagedTableModel(columns, self._fetch_page, self._count,
                                     lambda row, key: format_audit_cell(row, key, names), parent=form)
        self.model.sort_key = "id"
        self.model.descending = True
        self.table.setModel(self.model)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        for column, width in enumerate((70, 150, 110, 150, 100, 80)):
            self.table.setColumnWidth(column, width)
        self._fill_actions()
        for edit in (self.user_edit, self.text_edit, self.record_edit):
            edit.textChanged.connect(self.refresh)
        self.action_combo.currentIndexChanged.connect(self.refresh)
        for check, date_edit in ((self.since_check, self.since_date), (self.until_check, self.until_date)):
            check.toggled.connect(date_edit.setEnabled)
            check.toggled.connect(self.refresh)
            date_edit.dateChanged.connect(self.refresh)
        child(form, QPushButton, "verifyButton").clicked.connect(self.verify)
        child(form, QPushButton, "exportButton").clicked.connect(self.choose_export)
        self.refresh()

    def _fill_actions(self) -> None:
        current = self.action_combo.currentData()
        self.action_combo.blockSignals(True)
        self.action_combo.clear()
        self.action_combo.addItem("All actions", None)
        actions = audit_trail.list_actions(self.ctx.db, self.ctx.actor)
        families = {a.split(".")[0] for a in actions}
        for action in sorted(set(families) | set(actions)):
            label = f"{action} (all)" if action in families and any(
                a.startswith(f"{action}.") for a in actions) else action
            self.action_combo.addItem(label, action)
        self.action_combo.setCurrentIndex(max(self.action_combo.findData(current), 0))
        self.action_combo.blockSignals(False)

    def current_filter(self) -> audit_trail.AuditFilter:
        return audit_trail.AuditFilter(
            user=self.user_edit.text(), action=self.action_combo.currentData(),
            text=self.text_edit.text(), entity_id=self.record_edit.text().strip() or None,
            since=self.since_date.date().toPython() if self.since_check.isChecked() else None,
            until=self.until_date.date().toPython() if self.until_check.isChecked() else None,
        )

    def refresh(self) -> None:
        self.model.refresh()
        total = self.model.total
        self.count_label.setText(f"{total:,} event{'s' if total != 1 else ''}")

    def _count(self) -> int:
        return audit_trail.count_events(self.ctx.db, self.ctx.actor, self.current_filter())

    def _fetch_page(self, sort_key: str, descending: bool, offset: int, limit: int):  # noqa: ANN202
        return audit_trail.page_events(self.ctx.db, self.ctx.actor, self.current_filter(),
                                       sort_key=sort_key, descending=descending, offset=offset, limit=limit)

    def verify(self) -> Task:
        self.verify_label.setText("Checking the chain…")
        db, actor = self.ctx.db, self.ctx.actor
        self.task = run_task(lambda: audit.verify_chain_steps(db, actor), parent=self.form,
                             title="Checking the audit trail", on_success=self._verified,
                             on_failure=lambda error: self.verify_label.setText(f"Check failed: {error}"))
        return self.task

    def _verified(self, report: audit.ChainReport) -> None:
        if report.ok:
            self.verify_label.setText(f"Chain intact: {report.events:,} events. Newest hash {report.head}")
        else:
            self.verify_label.setText(f"<b>Chain broken at event {report.broken_id}</b>: {report.problem}")

    def choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.form, "Export the audit trail", "audit-trail.xlsx",
                                              "Excel workbook (*.xlsx);;CSV (*.csv)")
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> Task:
        db, actor, flt = self.ctx.db, self.ctx.actor, self.current_filter()
        self.verify_label.setText("Exporting…")
        self.task = run_task(lambda: audit_trail.export_events(db, actor, flt, path), parent=self.form,
                             title="Exporting the audit trail", on_success=self._exported,
                             on_failure=lambda error: self.verify_label.setText(f"Export failed: {error}"))
        return self.task

    def _exported(self, result: audit_trail.ExportResult) -> None:
        stamp = clock.now().strftime("%H:%M")
        self.verify_label.setText(f"Exported {result.rows:,} events to {result.path} at {stamp}")
        self._fill_actions()
        self.refresh()
