"""Patients area: the whole register, searched, sorted and paged in SQL."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)

from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.formatting import age_on, format_date, format_nhs_number, format_value
from pcn_assistant.gui.forms import child, embed_form
from pcn_assistant.gui.paged_model import PagedTableModel
from pcn_assistant.services import patients as patient_service
from pcn_assistant.services.practices import list_practices

STATUS_LABELS = {"registered": "Registered", "left": "Left practice", "deceased": "Deceased"}


def format_patient_cell(row: patient_service.PatientRow, key: str) -> str:
    if key == "nhs_number":
        return format_nhs_number(row.nhs_number)
    if key == "date_of_birth":
        return f"{format_date(row.date_of_birth)} ({age_on(row.date_of_birth)})"
    if key == "status":
        return STATUS_LABELS.get(row.status, row.status)
    return format_value(row.value(key))


class PatientsArea(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.form = embed_form(self, "patients_view.ui")
        self.search_edit = child(self.form, QLineEdit, "searchEdit")
        self.practice_combo = child(self.form, QComboBox, "practiceCombo")
        self.include_left = child(self.form, QCheckBox, "includeLeftCheck")
        self.table = child(self.form, QTableView, "table")
        self.count_label = child(self.form, QLabel, "countLabel")

        self.practice_combo.addItem("All practices", None)
        for practice in list_practices(ctx.db):
            self.practice_combo.addItem(f"{practice.name} ({practice.ods_code})", practice.ods_code)

        columns = [(c.key, c.header) for c in patient_service.COLUMNS]
        self.model = PagedTableModel(columns, self._fetch_page, self._count, format_patient_cell, parent=self)
        self.model.sort_key = "name"
        self.table.setModel(self.model)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        # The model already sorts by name: show the indicator without a second count (a
        # full scan of 350,000 rows) before the first paint; refresh() below counts once.
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(1, Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)
        # Double-click or Enter opens the person record (caseload feature).
        from pcn_assistant.gui.person_record import attach_person_opener

        attach_person_opener(self.table, ctx, lambda row: row.id)
        for column, width in enumerate((120, 220, 150, 50, 80, 90, 80)):
            self.table.setColumnWidth(column, width)

        self.search_edit.textChanged.connect(self.refresh)
        self.practice_combo.currentIndexChanged.connect(self.refresh)
        self.include_left.toggled.connect(self.refresh)
        self._generation = 0
        self._count_task = None
        self._first_refresh()

    def current_filter(self) -> patient_service.PatientFilter:
        return patient_service.PatientFilter(
            search=self.search_edit.text(),
            practice_code=self.practice_combo.currentData(),
            include_left=self.include_left.isChecked(),
        )

    def refresh(self) -> None:
        self._generation += 1
        self.model.refresh()
        self._show_total()

    def _show_total(self) -> None:
        total = self.model.total
        self.count_label.setText(f"{total:,} patient{'s' if total != 1 else ''}")

    def _first_refresh(self) -> None:
        """The list as the window first opens: the first page at once, the count (a scan
        of every registered person, a few hundred ms at 350,000) after, off the GUI thread."""
        from pcn_assistant.gui.tasks import run_task

        self._generation += 1
        first = self._fetch_page(self.model.sort_key, self.model.descending, 0, self.model.page_size)
        self.model.show_first_page(first)
        if len(first) < self.model.page_size:
            self._show_total()
            return
        self.count_label.setText("Counting patients…")
        generation, flt = self._generation, self.current_filter()
        self._count_task = run_task(
            lambda: patient_service.count_patients(self.ctx.db, self.ctx.actor, flt), parent=None,
            title="Counting patients", on_success=lambda total: self._counted(generation, total),
            on_failure=lambda _error: self._counted(generation, None))

    def _counted(self, generation: int, total: int | None) -> None:
        try:
            if generation != self._generation:
                return  # the filter changed meanwhile: refresh() counted again
            if total is None:
                self.refresh()
                return
            self.model.set_total(total)
            self._show_total()
        except RuntimeError:  # the area was closed before the count came back
            return

    def _count(self) -> int:
        return patient_service.count_patients(self.ctx.db, self.ctx.actor, self.current_filter())

    def _fetch_page(self, sort_key: str, descending: bool, offset: int, limit: int):  # noqa: ANN202
        return patient_service.page_patients(
            self.ctx.db, self.ctx.actor, self.current_filter(), sort_key=sort_key,
            descending=descending, offset=offset, limit=limit,
        )
