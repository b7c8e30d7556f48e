"""Referrals area: every referral (paged in SQL), the chase worklist, capacity and waiting
lists, and the returns workbooks that close the loop with providers who have no login."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTableWidget,
    QTabWidget,
    QWidget,
)

from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.core.plain_names import plural
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.formatting import format_date
from pcn_assistant.gui.forms import child, embed_form
from pcn_assistant.gui.paged_model import PagedTableModel
from pcn_assistant.gui.person_record.tables import fill_table
from pcn_assistant.gui.referrals.common import documents_folder, save_pdf, warn
from pcn_assistant.gui.referrals.step_dialog import ReferralStepDialog
from pcn_assistant.gui.tasks import run_task
from pcn_assistant.gui.user_names import UserNames
from pcn_assistant.gui.widgets.overwrite import on_failure_ask
from pcn_assistant.services.referrals import queries
from pcn_assistant.services.referrals.capacity import capacity_overview
from pcn_assistant.services.referrals.documents import referral_slip
from pcn_assistant.services.referrals.lifecycle import record_chase
from pcn_assistant.services.referrals.returns import export_returns
from pcn_assistant.services.referrals.returns_import import import_returns
from pcn_assistant.services.security import EXPORT_IDENTIFIABLE, REFERRALS_WRITE

CHASE_HEADERS = ["Reference", "Person", "Service", "Provider", "Sent", "Days waiting", "Last chased", "Contact"]
CAPACITY_HEADERS = ["Service", "Provider", "Capacity", "Waiting", "Open referrals",
                    "Median days to accept", "Median days to first attendance"]


def format_referral_cell(row: queries.ReferralRow, key: str, names: UserNames | None = None) -> str:
    value = row.value(key)
    if key == "created_by" and names is not None:
        return names.who(value)
    if key in ("status_on", "sent_on"):
        return format_date(value)
    return "" if value is None else str(value)


def _median(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class ReferralsArea(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.form = embed_form(self, "referrals_view.ui")
        self.tabs = child(self.form, QTabWidget, "tabs")
        self.status_combo = child(self.form, QComboBox, "statusCombo")
        self.reference_edit = child(self.form, QLineEdit, "referenceEdit")
        self.table = child(self.form, QTableView, "referralsTable")
        self.count_label = child(self.form, QLabel, "countLabel")
        self.chase_table = child(self.form, QTableWidget, "chaseTable")
        self.chase_count = child(self.form, QLabel, "chaseCountLabel")
        self.capacity_table = child(self.form, QTableWidget, "capacityTable")
        self.buttons = {name: child(self.form, QPushButton, name) for name in (
            "stepButton", "slipButton", "personButton", "chaseButton", "replyButton", "returnsExportButton",
            "returnsImportButton")}
        self.status_combo.addItem("Open (not closed)", queries.OPEN)
        self.status_combo.addItem("All", None)
        for status in life.STATUSES:
            self.status_combo.addItem(life.label(status), status)

        columns = [(c.key, c.header) for c in queries.COLUMNS]
        self.names = UserNames(ctx.db)
        self.model = PagedTableModel(columns, self._fetch_page, self._count,
                                     lambda row, key: format_referral_cell(row, key, self.names), parent=self)
        self.model.sort_key, self.model.descending = "status_on", True
        self.table.setModel(self.model)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicator(6, Qt.SortOrder.DescendingOrder)
        for column, width in enumerate((95, 170, 190, 170, 170, 110, 95, 95)):
            self.table.setColumnWidth(column, width)
        try:
            from pcn_assistant.gui.person_record import attach_person_opener

            attach_person_opener(self.table, ctx, lambda row: getattr(row, "patient_id", None))
        except ImportError:  # the caseload's person record is optional
            pass

        self.status_combo.currentIndexChanged.connect(self.refresh)
        self.reference_edit.textChanged.connect(self.refresh)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.buttons["stepButton"].clicked.connect(self.record_step)
        self.buttons["slipButton"].clicked.connect(self.print_slip)
        self.buttons["personButton"].clicked.connect(self.open_person)
        self.buttons["chaseButton"].clicked.connect(self.chase_selected)
        self.buttons["replyButton"].clicked.connect(self.reply_selected)
        self.buttons["returnsExportButton"].clicked.connect(self.export_returns)
        self.buttons["returnsImportButton"].clicked.connect(self.import_returns)
        can_write = ctx.actor.can(REFERRALS_WRITE)
        for name in ("stepButton", "slipButton", "chaseButton", "replyButton", "returnsImportButton"):
            self.buttons[name].setEnabled(can_write)
        self.buttons["returnsExportButton"].setEnabled(ctx.actor.can(EXPORT_IDENTIFIABLE))
        self._task = None
        self.refresh()
        self.refresh_chase()
        self.refresh_capacity()

    # The paged list
    def _filter(self) -> queries.ReferralFilter:
        return queries.ReferralFilter(status=self.status_combo.currentData(), reference=self.reference_edit.text())

    def _count(self) -> int:
        return queries.count_referrals(self.ctx.db, self.ctx.actor, self._filter())

    def _fetch_page(self, sort_key: str, descending: bool, offset: int, limit: int):  # noqa: ANN202
        return queries.page_referrals(self.ctx.db, self.ctx.actor, self._filter(), sort_key=sort_key,
                                      descending=descending, offset=offset, limit=limit)

    def refresh(self) -> None:
        self.model.refresh()
        total = self.model.total
        self.count_label.setText(f"{total:,} referral{'s' if total != 1 else ''}")
        if total:
            self.table.selectRow(0)

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index).objectName() == "chaseTab":
            self.refresh_chase()
        elif self.tabs.widget(index).objectName() == "capacityTab":
            self.refresh_capacity()

    def refresh_chase(self) -> None:
        if not self.ctx.actor.can(REFERRALS_WRITE):  # chasing providers is the link workers' job
            self.chase_rows = []
            return
        self.chase_rows = queries.chase_list(self.ctx.db, self.ctx.actor)
        fill_table(self.chase_table, CHASE_HEADERS, [
            [r.reference, r.person, r.service, r.organisation, format_date(r.sent_on), r.days_waiting,
             format_date(r.last_chased_on), r.contact] for r in self.chase_rows], list(self.chase_rows))
        self.chase_count.setText(f"{len(self.chase_rows)} to chase")
        self.tabs.setTabText(self.tabs.indexOf(child(self.form, QWidget, "chaseTab")),
                             f"C&hase list ({len(self.chase_rows)})")

    def refresh_capacity(self) -> None:
        rows = capacity_overview(self.ctx.db, self.ctx.actor)
        fill_table(self.capacity_table, CAPACITY_HEADERS, [
            [c.service, c.organisation, c.usage.describe(), c.usage.waiting or "", c.active,
             _median(c.median_days_to_accept), _median(c.median_days_to_attend)] for c in rows], list(rows))

    def refresh_all(self) -> None:
        self.refresh()
        self.refresh_chase()
        self.refresh_capacity()

    # Actions on one referral
    def selected(self) -> queries.ReferralRow | None:
        index = self.table.currentIndex()
        return self.model.row_object(index.row()) if index.isValid() else None

    def _chase_selected_row(self) -> queries.ChaseRow | None:
        row = self.chase_table.currentRow()
        if row < 0:
            return None
        return self.chase_table.item(row, 0).data(Qt.ItemDataRole.UserRole)

    def record_step(self) -> None:
        row = self.selected()
        if row is not None and ReferralStepDialog(self.ctx, row.id, row.reference, row.status, row.version,
                                                  f"{row.person} to {row.service}", self).exec():
            self.refresh_all()

    def print_slip(self) -> None:
        row = self.selected()
        if row is not None:
            save_pdf(self, lambda: referral_slip(self.ctx.db, self.ctx.actor, row.id),
                     f"referral-slip-{row.reference}.pdf")

    def open_person(self) -> None:
        row = self.selected()
        if row is None:
            return
        from pcn_assistant.gui.person_record import open_person_record

        open_person_record(self.ctx, row.patient_id, self)

    def chase_selected(self) -> None:
        row = self._chase_selected_row()
        if row is None:
            return
        try:
            record_chase(self.ctx.db, self.ctx.actor, row.id)
        except Exception as error:  # noqa: BLE001 - shown to the user
            warn(self, "Chase not recorded", error)
        self.refresh_chase()

    def reply_selected(self) -> None:
        row = self._chase_selected_row()
        if row is not None and ReferralStepDialog(
                self.ctx, row.id, row.reference, life.SENT, row.version, f"{row.person} to {row.service}", self,
                only=(life.ACCEPTED, life.DECLINED, life.WITHDRAWN)).exec():
            self.refresh_all()

    # Returns workbooks
    def export_returns(self, *, folder: str | None = None, force: bool = False) -> None:
        folder = folder or QFileDialog.getExistingDirectory(self, "Folder for the returns workbooks",
                                                            documents_folder())
        if not folder:
            return

        def done(written: list) -> None:
            if not written:
                QMessageBox.information(self, "Returns", "No referrals are open with any provider.")
                return
            lines = [f"{w.organisation}: {plural(w.referrals, 'referral')}" for w in written]
            QMessageBox.information(self, "Returns workbooks written",
                                    f"{len(written)} workbooks in {folder}:\n" + "\n".join(lines[:20]))

        self._task = run_task(lambda: export_returns(self.ctx.db, self.ctx.actor, folder, force=force), parent=self,
                              title="Writing returns workbooks", on_success=done,
                              on_failure=on_failure_ask(self, lambda: self.export_returns(folder=folder, force=True),
                                                        lambda error: warn(self, "Returns not written", error)))

    def import_returns(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "A completed returns workbook", documents_folder(),
                                              "Excel workbook (*.xlsx)")
        if path:
            self._task = run_task(lambda: import_returns(self.ctx.db, self.ctx.actor, path), parent=self,
                                  title="Reading the returns workbook", on_success=self._returns_read,
                                  on_failure=lambda error: warn(self, "Returns not imported", error))

    def _returns_read(self, result) -> None:  # noqa: ANN001 - ReturnsImportResult
        if result.refused:
            QMessageBox.warning(self, "Returns workbook refused", "Nothing was changed. Please correct:\n\n"
                                + "\n".join(f"• {e}" for e in result.errors[:20]))
            return
        lines = [f"{c.reference}: {c.description}" for c in result.applied[:20]]
        QMessageBox.information(self, "Returns imported", f"{result.summary()}.\n\n" + "\n".join(lines))
        self.refresh_all()
