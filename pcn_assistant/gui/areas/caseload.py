"""Caseload area: the worklists (each with its count), and the coordinator view for
supervision. Lists page and sort in SQL; Enter or double-click opens the person
record, and "next person" in the record walks the list on screen."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableView,
    QTableWidget,
    QTabWidget,
    QWidget,
)

from pcn_assistant.core import caseload as rules
from pcn_assistant.core import clock
from pcn_assistant.core.person_record import HOUSEHOLD
from pcn_assistant.core.plain_names import plural
from pcn_assistant.errors import PcnError
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.formatting import format_date, format_nhs_number
from pcn_assistant.gui.forms import child, embed_form
from pcn_assistant.gui.paged_model import PagedTableModel
from pcn_assistant.gui.person_record import attach_person_opener, caseload_events
from pcn_assistant.gui.person_record.plan_dialogs import ReassignDialog
from pcn_assistant.gui.person_record.tables import fill_table
from pcn_assistant.gui.tasks import run_task
from pcn_assistant.services.caseload import coordinators, export, worklists
from pcn_assistant.services.practices import list_practices
from pcn_assistant.services.security import CASELOAD_WRITE, EXPORT_IDENTIFIABLE

ALL = "__all__"
COLUMN_WIDTHS = {"nhs_number": 105, "name": 180, "practice": 65, "coordinator": 115, "status": 85,
                 "referred_on": 95, "last_contact_on": 95, "due_on": 95, "what": 250, "age": 45,
                 "points": 95}


def format_worklist_cell(row: worklists.WorklistRow, key: str, names: dict[str, str] | None = None) -> str:
    if key == "nhs_number":
        return format_nhs_number(row.nhs_number)
    if key == "coordinator" and names:
        return names.get(row.coordinator, row.coordinator)
    value = row.value(key)
    if isinstance(value, date):
        return format_date(value)
    return "" if value is None else str(value)


class CaseloadArea(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.form = embed_form(self, "caseload_view.ui")
        self.tabs = child(self.form, QTabWidget, "caseloadTabs")
        self.worklist_list = child(self.form, QListWidget, "worklistList")
        self.coordinator_combo = child(self.form, QComboBox, "coordinatorCombo")
        self.practice_combo = child(self.form, QComboBox, "practiceCombo")
        self.household_combo = child(self.form, QComboBox, "householdCombo")
        self.search_edit = child(self.form, QLineEdit, "searchEdit")
        self.description = child(self.form, QLabel, "descriptionLabel")
        self.table = child(self.form, QTableView, "table")
        self.count_label = child(self.form, QLabel, "countLabel")
        self.open_button = child(self.form, QPushButton, "openButton")
        self.reassign_button = child(self.form, QPushButton, "reassignButton")
        self.export_button = child(self.form, QPushButton, "exportButton")
        self.coordinator_table = child(self.form, QTableWidget, "coordinatorTable")
        self.guidance_label = child(self.form, QLabel, "guidanceLabel")
        self.show_caseload_button = child(self.form, QPushButton, "showCaseloadButton")
        self.worklist = worklists.worklists()[0]
        self.model: PagedTableModel | None = None
        self._task = None

        self._fill_coordinators()
        self.practice_combo.addItem("All practices", None)
        for practice in list_practices(ctx.db):
            self.practice_combo.addItem(f"{practice.name} ({practice.ods_code})", practice.ods_code)
        self.household_combo.addItem("Any household", None)
        for key, words in HOUSEHOLD.items():
            self.household_combo.addItem(words, key)
        for wl in worklists.worklists():
            item = QListWidgetItem(wl.title, self.worklist_list)
            item.setData(Qt.ItemDataRole.UserRole, wl.key)
            item.setToolTip(wl.description)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        attach_person_opener(self.table, ctx, lambda row: row.patient_id)
        self.reassign_button.setEnabled(ctx.actor.can(CASELOAD_WRITE))
        if not ctx.actor.can(EXPORT_IDENTIFIABLE):
            self.export_button.setEnabled(False)
            self.export_button.setToolTip("Your role cannot export identifiable data")

        self.worklist_list.currentRowChanged.connect(self._worklist_changed)
        self.coordinator_combo.currentIndexChanged.connect(self.refresh)
        self.practice_combo.currentIndexChanged.connect(self.refresh)
        self.household_combo.currentIndexChanged.connect(self.refresh)
        self.search_edit.textChanged.connect(self.refresh)
        self.open_button.clicked.connect(self.open_current)
        self.reassign_button.clicked.connect(self.reassign_selected)
        self.export_button.clicked.connect(self.export)
        self.show_caseload_button.clicked.connect(self.show_coordinator_caseload)
        self.coordinator_table.itemActivated.connect(lambda *_: self.show_coordinator_caseload())
        self.tabs.currentChanged.connect(self._tab_changed)
        caseload_events().changed.connect(self.refresh)
        self.worklist_list.setCurrentRow(0)

    # Filters and lists
    def _fill_coordinators(self) -> None:
        names = coordinators.coordinator_names(self.ctx.db, self.ctx.actor)
        # Everyone's display name (a colleague who has left still holds closed episodes).
        from pcn_assistant.services.users import display_names

        self.names = {**{k: v for k, v in display_names(self.ctx.db).items() if v}, **dict(names)}
        self.coordinator_combo.addItem("All coordinators", ALL)
        for login, name in names:
            self.coordinator_combo.addItem(f"{name} ({login})" if name != login else login, login)
        mine = self.coordinator_combo.findData(self.ctx.actor.name)
        self.coordinator_combo.setCurrentIndex(mine if mine >= 0 else 0)

    def current_filter(self) -> worklists.WorklistFilter:
        coordinator = self.coordinator_combo.currentData()
        return worklists.WorklistFilter(
            coordinator=None if coordinator in (None, ALL) else coordinator,
            practice_code=self.practice_combo.currentData(), search=self.search_edit.text(),
            household=self.household_combo.currentData())

    def _title(self, wl: worklists.Worklist) -> str:
        if wl.key != "caseload":
            return wl.title
        coordinator = self.current_filter().coordinator
        if coordinator == self.ctx.actor.name:
            return "My caseload"
        return "Caseload" if coordinator is None else f"Caseload of {self.coordinator_combo.currentText()}"

    def refresh(self) -> None:
        """Re-count every worklist and reload the rows on show (after a filter or a save)."""
        counts = worklists.count_all(self.ctx.db, self.ctx.actor, self.current_filter())
        for row in range(self.worklist_list.count()):
            item = self.worklist_list.item(row)
            wl = worklists.worklists()[row]
            item.setText(f"{self._title(wl)}  ({counts[wl.key]:,})")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{self._title(wl)}: {plural(counts[wl.key], 'person', 'people')}")
        self._reload_rows()
        if self.tabs.currentIndex() == 1:
            self.refresh_coordinators()

    def _worklist_changed(self, row: int) -> None:
        if row < 0:
            return
        self.worklist = worklists.worklists()[row]
        self.description.setText(self.worklist.description)
        self.model = PagedTableModel(list(self.worklist.columns), self._fetch_page, self._count,
                                     lambda row, key: format_worklist_cell(row, key, self.names), parent=self)
        self.model.sort_key = self.worklist.default_sort
        self.table.setModel(self.model)
        keys = [key for key, _ in self.worklist.columns]
        self.table.horizontalHeader().setSortIndicator(
            keys.index(self.worklist.default_sort) if self.worklist.default_sort in keys else 0,
            Qt.SortOrder.AscendingOrder)
        for column, key in enumerate(keys):
            self.table.setColumnWidth(column, COLUMN_WIDTHS.get(key, 120))
        self.refresh()

    def _reload_rows(self) -> None:
        if self.model is None:
            return
        self.model.refresh()
        total = self.model.total
        self.count_label.setText(f"{total:,} {'row' if total == 1 else 'rows'} · Enter opens the person record")
        if total:
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _count(self) -> int:
        return worklists.count_worklist(self.ctx.db, self.ctx.actor, self.worklist.key, self.current_filter())

    def _fetch_page(self, sort_key: str, descending: bool, offset: int, limit: int):  # noqa: ANN202
        return worklists.page_worklist(self.ctx.db, self.ctx.actor, self.worklist.key, self.current_filter(),
                                       sort_key=sort_key, descending=descending, offset=offset, limit=limit)

    # Actions
    def open_current(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.table.doubleClicked.emit(index)

    def selected_episode_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        ids = [self.model.row_object(r).episode_id for r in rows]
        return list(dict.fromkeys(i for i in ids if i is not None))

    def reassign_selected(self) -> None:
        ids = self.selected_episode_ids() if self.model else []
        if not ids:
            QMessageBox.information(self, "Reassign", "Select one or more people with an open episode first.")
            return
        names = coordinators.coordinator_names(self.ctx.db, self.ctx.actor)
        if ReassignDialog(self.ctx, ids, names, self).exec():
            caseload_events().changed.emit()

    def export(self) -> None:
        coordinator = self.current_filter().coordinator
        suggested = f"caseload-{coordinator or 'all'}-{clock.today():%Y-%m-%d}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "Export caseload", suggested, "Excel workbook (*.xlsx)")
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        self.export_button.setEnabled(False)
        self._task = run_task(
            lambda: export.export_caseload_steps(self.ctx.db, self.ctx.actor, path, coordinator=coordinator,
                                                 status=export.OPEN, everyone=coordinator is None),
            parent=self, title="Exporting the caseload", on_success=self._exported, on_failure=self._export_failed)

    def _exported(self, result: export.ExportResult) -> None:
        self.export_button.setEnabled(True)
        QMessageBox.information(self, "Caseload exported",
                                f"{result.rows:,} open episodes written to {result.path.name}.\n\n"
                                "The workbook identifies people: keep it on NHS systems.")

    def _export_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        message = str(error) if isinstance(error, PcnError) else f"The export failed: {error}"
        QMessageBox.warning(self, "Caseload not exported", message)

    # Coordinator view
    def _tab_changed(self, index: int) -> None:
        if index == 1:
            self.refresh_coordinators()

    def refresh_coordinators(self) -> None:
        low, high = rules.GUIDANCE_PER_YEAR
        self.guidance_label.setText(
            f"People supported in the last 12 months against the guidance of {low}-{high} a year per "
            "link worker, so supervision can rebalance. Contacts a week: successful contacts over the "
            "last 4 weeks. Days to first contact: mean / median from referral, episodes referred in "
            "the last 12 months. To reassign, select people in a worklist and choose Reassign.")
        stats = coordinators.coordinator_view(self.ctx.db, self.ctx.actor)
        band = {"below": f"Below {low}", "within": f"Within {low}-{high}", "above": f"Above {high}"}
        fill_table(self.coordinator_table,
                   ["Coordinator", "Open episodes", "New this month", "Contacts a week",
                    "Days to first contact", "People, 12 months", "Against guidance"],
                   [[s.display_name if s.display_name == s.coordinator else f"{s.display_name} ({s.coordinator})",
                     s.open_episodes, s.new_this_month, f"{s.contacts_per_week:.1f}",
                     "—" if s.mean_days_to_first_contact is None
                     else f"{s.mean_days_to_first_contact:.1f} / {s.median_days_to_first_contact:.0f}",
                     s.people_last_12_months, band[s.guidance]] for s in stats],
                   [s.coordinator for s in stats])

    def show_coordinator_caseload(self) -> None:
        item = self.coordinator_table.item(self.coordinator_table.currentRow(), 0)
        if item is None:
            return
        index = self.coordinator_combo.findData(item.data(Qt.ItemDataRole.UserRole))
        if index >= 0:
            self.coordinator_combo.setCurrentIndex(index)
        self.worklist_list.setCurrentRow(0)
        self.tabs.setCurrentIndex(0)
        self.table.setFocus()
