"""Find people: the ranked list with its reasons, filters, built-in worklists, and the
selected person's assessment beside it. Lists page in SQL; stratification and
exports run in the background with progress; Enter or double-click opens the
person record. The screen says plainly what the score is and is not."""

from __future__ import annotations

import importlib
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pcn_assistant.core.conditions import conditions
from pcn_assistant.core.plain_names import counts_text, plural, term_note
from pcn_assistant.core.risk import load_model
from pcn_assistant.errors import PcnError
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.formatting import format_date, format_nhs_number
from pcn_assistant.gui.forms import child, embed_form
from pcn_assistant.gui.paged_model import PagedTableModel
from pcn_assistant.gui.tasks import Cancelled, run_task
from pcn_assistant.gui.user_names import UserNames
from pcn_assistant.gui.widgets.risk_panel import RiskPanel
from pcn_assistant.services import risk as risk_service
from pcn_assistant.services.practices import list_practices
from pcn_assistant.services.risk.cohorts import (
    AGE_BANDS,
    NOT_APPLICABLE,
    WORKLISTS,
    caseload_available,
)
from pcn_assistant.services.security import CASELOAD_WRITE, EXPORT_IDENTIFIABLE, RISK_RUN

COLUMNS = (
    ("nhs_number", "NHS number"), ("name", "Name"), ("age", "Age"), ("tier", "Tier"), ("points", "Points"),
    ("reasons", "Why"), ("practice", "Practice"), ("change", "Change"), ("efi_score", "Frailty\n(eFI)"),
    ("cms_score", "Multi-\nmorbidity"),
)
WHY_COLUMN = 5
WHY_WIDTH = 300  # about two lines of reasons; the full list is the row's tooltip and in the panel
# The technical term behind each plain column name, shown as the header's tooltip.
COLUMN_TIPS = {"efi_score": term_note("eFI"), "cms_score": term_note("CMS"), "tier": term_note("tier"),
               "points": term_note("ppcs-1"), "reasons": "Why the person scored as they did (full list on hover)"}
COLUMN_MAX_WIDTH = 200  # other columns fit their content up to this
TIERS = (("All tiers", ()), ("Tier 3: case management", (3,)), ("Tier 2: care coordination", (2,)),
         ("Tiers 2 and 3", (2, 3)), ("Tier 1: supported self-care", (1,)))
EFI_OPTIONS = (("Any frailty", ()), ("Frailty: fit", ("fit",)), ("Frailty: mild", ("mild",)),
               ("Frailty: moderate", ("moderate",)), ("Frailty: severe", ("severe",)),
               ("Frailty: moderate or severe", ("moderate", "severe")),
               ("Frailty not applicable (under 65)", (NOT_APPLICABLE,)))
DEPRIVATION = (("Any deprivation", ()), ("IMD deciles 1-2 (most deprived)", (1, 2)),
               ("IMD deciles 3-4", (3, 4)), ("IMD deciles 5-6", (5, 6)), ("IMD deciles 7-8", (7, 8)),
               ("IMD deciles 9-10 (least deprived)", (9, 10)))


def format_cohort_cell(row: risk_service.CohortRow, key: str) -> str:
    if key == "nhs_number":
        return format_nhs_number(row.nhs_number)
    if key == "tier":
        if row.tier is None:
            return "no tier"
        return f"{row.tier} (always)" if row.pinned_reason else str(row.tier)
    if key == "change":
        return "" if not row.change else f"{row.change:+d}"
    if key == "efi_score":
        if row.efi_score is None:
            return "not applicable"
        return f"{row.efi_score:.2f} {row.efi_category}"
    if key == "cms_score":
        return "" if row.cms_score is None else f"{row.cms_score:.2f}"
    if key == "reasons":  # the pinned reason shows in the tier column and the panel
        return "; ".join(r for r in row.reasons if not r.startswith("Always tier 3"))
    value = row.value(key)
    return "" if value is None else str(value)


class CohortTableModel(PagedTableModel):
    """The paged list, with each person's full reasons as the row's tooltip."""

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN001, ANN201
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            row = self.row_object(index.row())
            return "\n".join(row.reasons) if row is not None and row.reasons else None
        return super().data(index, role)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return COLUMN_TIPS.get(COLUMNS[section][0])
        return super().headerData(section, orientation, role)


def enrol_function():  # noqa: ANN201 - caseload's enrol_patients, or None when absent
    try:
        return importlib.import_module("pcn_assistant.services.caseload").enrol_patients
    except (ImportError, AttributeError):
        return None


class FindPeopleArea(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.form = embed_form(self, "find_people.ui")
        self._task = None
        self._find_widgets()
        self._fill_filters()
        self._build_table()
        self._build_panel()
        self._connect()
        self.refresh()

    # Construction
    def _find_widgets(self) -> None:
        part = lambda kind, name: child(self.form, kind, name)  # noqa: E731
        self.statement = part(QLabel, "statementLabel")
        self.worklist = part(QComboBox, "worklistCombo")
        self.tier = part(QComboBox, "tierCombo")
        self.practice = part(QComboBox, "practiceCombo")
        self.search = part(QLineEdit, "searchEdit")
        self.min_points = part(QSpinBox, "minPointsSpin")
        self.efi = part(QComboBox, "efiCombo")
        self.condition = part(QComboBox, "conditionCombo")
        self.age = part(QComboBox, "ageCombo")
        self.deprivation = part(QComboBox, "deprivationCombo")
        self.not_on_caseload = part(QCheckBox, "notOnCaseloadCheck")
        self.worklist_label = part(QLabel, "worklistLabel")
        self.table = part(QTableView, "table")
        self.count_label = part(QLabel, "countLabel")
        self.run_label = part(QLabel, "runLabel")
        self.stratify_button = part(QPushButton, "stratifyButton")
        self.enrol_button = part(QPushButton, "enrolButton")
        self.export_button = part(QPushButton, "exportButton")
        self.panel_scroll = part(QScrollArea, "panelScroll")

    def _fill_filters(self) -> None:
        model = load_model()
        self.statement.setText(
            f"The priority score (0-{model.max_points} points) <b>ranks people for review</b>. "
            "It is not a diagnosis, and the weights are for local clinical review. The frailty score (eFI) "
            "applies from age 65: under 65 it is \"not applicable\", never 0. Select a person to see why.")
        self.statement.setToolTip(f"Scoring model {model.label}. {term_note('eFI')} {term_note('CMS')}")
        self.efi.setToolTip(term_note("eFI"))
        with_caseload = caseload_available()
        self.worklist.addItem("Everyone registered (ranked)", None)
        for worklist in WORKLISTS.values():
            if with_caseload or not worklist.needs_caseload:
                self.worklist.addItem(worklist.title, worklist.key)
        for label, value in TIERS:
            self.tier.addItem(label, value)
        self.practice.addItem("All practices", None)
        for practice in list_practices(self.ctx.db):
            self.practice.addItem(f"{practice.name} ({practice.ods_code})", practice.ods_code)
        self.min_points.setSpecialValueText("any")
        self.min_points.setMaximum(model.max_points)
        for label, value in EFI_OPTIONS:
            self.efi.addItem(label, value)
        self.condition.addItem("Any condition", None)
        for condition in sorted(conditions(), key=lambda c: c.label.lower()):
            self.condition.addItem(condition.label, condition.key)
        self.age.addItem("Any age", None)
        for band in AGE_BANDS:
            self.age.addItem(f"Aged {band}", band)
        for label, value in DEPRIVATION:
            self.deprivation.addItem(label, value)
        self.not_on_caseload.setEnabled(with_caseload)
        self.stratify_button.setVisible(self.ctx.actor.can(RISK_RUN))
        self.export_button.setVisible(self.ctx.actor.can(EXPORT_IDENTIFIABLE))
        self.enrol_button.setVisible(enrol_function() is not None and self.ctx.actor.can(CASELOAD_WRITE))

    def _build_table(self) -> None:
        self.model = CohortTableModel(COLUMNS, self._fetch_page, self._count, format_cohort_cell, parent=self)
        self.model.sort_key = "points"
        self.table.setModel(self.model)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicator(COLUMNS.index(("points", "Points")), Qt.SortOrder.AscendingOrder)
        # Two lines a row, so "Why" wraps instead of ending in "…"; the full list is its tooltip.
        self.table.setWordWrap(True)
        self.table.verticalHeader().setDefaultSectionSize(2 * self.fontMetrics().lineSpacing() + 8)
        try:
            from pcn_assistant.gui.person_record import attach_person_opener

            attach_person_opener(self.table, self.ctx, lambda row: row.patient_id)
        except ImportError:  # a build without the caseload's person record
            pass

    def _build_panel(self) -> None:
        holder = self.panel_scroll.widget()
        self.panel = RiskPanel(self.ctx, holder, show_statement=False)
        box = QVBoxLayout(holder)
        box.setContentsMargins(6, 0, 6, 0)
        box.addWidget(self.panel)
        splitter = child(self.form, QSplitter, "splitter")
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([880, 300])

    def _connect(self) -> None:
        for combo in (self.worklist, self.tier, self.practice, self.efi, self.condition, self.age, self.deprivation):
            combo.currentIndexChanged.connect(self.refresh)
        self.search.textChanged.connect(self.refresh)
        self.min_points.valueChanged.connect(self.refresh)
        self.not_on_caseload.toggled.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.stratify_button.clicked.connect(self.run_stratification)
        self.enrol_button.clicked.connect(self.add_to_caseload)
        self.export_button.clicked.connect(self.export)
        try:
            from pcn_assistant.gui.person_record import caseload_events

            caseload_events().changed.connect(self.refresh)
        except ImportError:
            pass

    # Filtering and paging
    def current_filter(self) -> risk_service.CohortFilter:
        return risk_service.CohortFilter(
            worklist=self.worklist.currentData(), tiers=tuple(self.tier.currentData() or ()),
            practice_code=self.practice.currentData(),
            min_points=self.min_points.value() or None,
            efi_categories=tuple(self.efi.currentData() or ()), condition_key=self.condition.currentData(),
            age_band=self.age.currentData(), imd_deciles=tuple(self.deprivation.currentData() or ()),
            not_on_caseload=self.not_on_caseload.isChecked(), search=self.search.text(),
        )

    def refresh(self) -> None:
        key = self.worklist.currentData()
        self.worklist_label.setText(WORKLISTS[key].description if key else
                                    "Everyone registered, highest priority first.")
        try:
            self.model.refresh()
        except PcnError as error:
            QMessageBox.warning(self, "Find people", str(error))
            return
        total = self.model.total
        self.count_label.setText(f"{total:,} {'person' if total == 1 else 'people'}")
        run = risk_service.last_run(self.ctx.db, self.ctx.actor)
        if run is None:
            self.run_label.setText("Not yet stratified: press Run stratification.")
        else:
            tiers = run.tiers
            self.run_label.setText(f"Assessed {format_date(run.assessed_on)}.  " + counts_text(
                [("Tier 3", tiers["3"]), ("Tier 2", tiers["2"]), ("Tier 1", tiers["1"])]))
            self.run_label.setToolTip(f"Scoring model {run.model}. {term_note('tier')}")
        self.fit_columns()
        if total:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        else:
            self.panel.show_patient(None)

    def fit_columns(self) -> None:
        """Size each column to its content (up to a maximum); "Why" is wide and wraps onto two lines."""
        for column in range(len(COLUMNS)):
            if column == WHY_COLUMN:
                self.table.setColumnWidth(column, WHY_WIDTH)
                continue
            self.table.resizeColumnToContents(column)
            if self.table.columnWidth(column) > COLUMN_MAX_WIDTH:
                self.table.setColumnWidth(column, COLUMN_MAX_WIDTH)

    def _count(self) -> int:
        return risk_service.count_cohort(self.ctx.db, self.ctx.actor, self.current_filter())

    def _fetch_page(self, sort_key: str, descending: bool, offset: int, limit: int):  # noqa: ANN202
        return risk_service.page_cohort(self.ctx.db, self.ctx.actor, self.current_filter(),
                                        sort_key=sort_key, descending=descending, offset=offset, limit=limit)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_object(current.row()) if current.isValid() else None
        self.panel.show_patient(row.patient_id if row else None)

    def selected_patient_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        found = (self.model.row_object(r) for r in rows)
        return [row.patient_id for row in found if row is not None]

    # Actions
    def run_stratification(self) -> None:
        self.stratify_button.setEnabled(False)
        self._task = run_task(
            lambda: risk_service.stratify_progress(self.ctx.db, self.ctx.actor),
            parent=self, title="Risk stratification", on_success=self._stratified, on_failure=self._failed)

    def _stratified(self, result: risk_service.StratifyResult) -> None:
        self.stratify_button.setEnabled(True)
        self.refresh()
        tiers = result.tiers
        QMessageBox.information(
            self, "Risk stratification",
            f"Assessed {plural(result.assessed, 'person', 'people')} ({result.changed:,} changed) in {result.duration_s:.1f} s.\n"
            f"Tier 3: {tiers['3']:,}   Tier 2: {tiers['2']:,}   Tier 1: {tiers['1']:,}")

    def _failed(self, error: BaseException) -> None:
        self.stratify_button.setEnabled(True)
        self.export_button.setEnabled(True)
        if not isinstance(error, Cancelled):
            QMessageBox.warning(self, "Find people", str(error))

    def add_to_caseload(self) -> None:
        enrol = enrol_function()
        ids = self.selected_patient_ids()
        if enrol is None or not ids:
            QMessageBox.information(self, "Add to caseload", "Select one or more people first.")
            return
        coordinator = self._choose_coordinator(len(ids))
        if not coordinator:
            return
        try:
            result = enrol(self.ctx.db, self.ctx.actor, ids, coordinator)
        except PcnError as error:
            QMessageBox.warning(self, "Add to caseload", str(error))
            return
        added, skipped = len(result.added), len(result.skipped)
        QMessageBox.information(self, "Add to caseload",
                                f"Added {added} to {UserNames(self.ctx.db).who(coordinator)}'s caseload as identified."
                                + (f"\nSkipped {skipped} (already on a caseload or no longer registered)."
                                   if skipped else ""))
        try:
            from pcn_assistant.gui.person_record import caseload_events

            caseload_events().changed.emit()
        except ImportError:
            self.refresh()

    def _choose_coordinator(self, count: int) -> str | None:
        names: list[tuple[str, str]] = []
        try:
            from pcn_assistant.services.caseload.coordinators import coordinator_names

            names = coordinator_names(self.ctx.db, self.ctx.actor)
        except (ImportError, PcnError):
            names = []
        logins = [login for login, _name in names] or [self.ctx.actor.name]
        labels = [f"{name} ({login})" if name and name != login else login for login, name in names] or logins
        start = logins.index(self.ctx.actor.name) if self.ctx.actor.name in logins else 0
        label, ok = QInputDialog.getItem(self, "Add to caseload",
                                         f"Add {count} {'person' if count == 1 else 'people'} to whose caseload?",
                                         labels, start, False)
        return logins[labels.index(label)] if ok and label in labels else None

    def export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export list", "risk-list.xlsx",
                                              "Excel workbook (*.xlsx);;CSV (*.csv)")
        if not path:
            return
        if Path(path).suffix.lower() not in (".xlsx", ".csv"):
            path += ".xlsx"
        flt = self.current_filter()
        self.export_button.setEnabled(False)
        self._task = run_task(
            lambda: risk_service.export_steps(self.ctx.db, self.ctx.actor, path, flt),
            parent=self, title="Export list", on_success=self._exported, on_failure=self._failed)

    def _exported(self, result: risk_service.ExportResult) -> None:
        self.export_button.setEnabled(True)
        QMessageBox.information(
            self, "Export list",
            f"Wrote {plural(result.rows, 'person', 'people')} to {result.path}.\n\nThe file holds NHS numbers: store it "
            "securely. The score ranks people for review; it is not a diagnosis, and the weights are "
            "for local clinical review.")
