"""Imports area: choose a file, check its mapping, import in the background, see problems.

The flow: read the header and first rows (background), show the mapping dialog, ask
before creating practices the file names, then run the import generator through
``run_task`` (progress bar and Cancel; Cancel rolls the transaction back). The result's
problems fill a table that can be saved as CSV; past imports are listed below, and
choosing one shows its rejected rows.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QWidget,
)

from pcn_assistant.errors import user_error
from pcn_assistant.gui.areas.import_mapping import MappingDialog
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.formatting import format_date, format_value
from pcn_assistant.gui.forms import child, embed_form
from pcn_assistant.gui.paged_model import PagedTableModel
from pcn_assistant.gui.tasks import Cancelled, Task, run_task
from pcn_assistant.gui.user_names import UserNames
from pcn_assistant.services.patient_import import (
    ImportOptions,
    ImportResult,
    RowError,
    StrictRefusal,
    import_patients_steps,
    inspect_file,
    unknown_practices,
)
from pcn_assistant.services.patient_import import history as import_history
from pcn_assistant.services.patient_import.events import import_events_steps
from pcn_assistant.services.practices import list_practices

KINDS = (("patients", "Patient register (list of patients)"), ("events", "Coded events and prescriptions (NHS number, code, date)"))
KIND_LABELS = {"patients": "Patients", "events": "Events", "indicators": "Indicators", "directory": "Directory",
               "returns": "Returns"}
STATUS_LABELS = {"committed": "Imported", "unchanged": "Nothing changed", "refused": "Refused", "failed": "Failed"}
FILE_FILTER = "Extracts (*.csv *.txt *.xlsx *.xlsm *.xls *.ods);;All files (*)"
Index = QModelIndex | QPersistentModelIndex


class ProblemsModel(QAbstractTableModel):
    """Row, column, value, problem: one line per bad cell."""

    HEADERS = ("Row", "Column", "Value", "Problem")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.errors: list[RowError] = []

    def load(self, errors: list[RowError]) -> None:
        self.beginResetModel()
        self.errors = list(errors)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.errors)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802, ANN201
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        error = self.errors[index.row()]
        return (error.row, error.column, error.value, error.message)[index.column()]


def format_batch_cell(row: import_history.BatchRow, key: str, names: UserNames | None = None) -> str:
    if key == "user_name" and names is not None:
        return names.who(row.user_name)
    if key == "started_at":
        return format_date(row.started_at)
    if key == "kind":
        return KIND_LABELS.get(row.kind, row.kind)
    if key == "status":
        return STATUS_LABELS.get(row.status, row.status)
    if key in ("rows_read", "inserted", "updated", "unchanged", "rejected"):
        return f"{row.value(key):,}"
    return format_value(row.value(key))


class ImportsArea(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.form = embed_form(self, "imports_view.ui")
        self.kind_combo = child(self.form, QComboBox, "kindCombo")
        self.file_edit = child(self.form, QLineEdit, "fileEdit")
        self.choose_button = child(self.form, QPushButton, "chooseButton")
        self.practice_combo = child(self.form, QComboBox, "practiceCombo")
        self.full_list_check = child(self.form, QCheckBox, "fullListCheck")
        self.strict_check = child(self.form, QCheckBox, "strictCheck")
        self.import_button = child(self.form, QPushButton, "importButton")
        self.result_label = child(self.form, QLabel, "resultLabel")
        self.problems_table = child(self.form, QTableView, "problemsTable")
        self.problems_count = child(self.form, QLabel, "problemsCountLabel")
        self.save_problems_button = child(self.form, QPushButton, "saveProblemsButton")
        self.save_rejected_button = child(self.form, QPushButton, "saveRejectedButton")
        self.history_table = child(self.form, QTableView, "historyTable")

        for key, label in KINDS:
            self.kind_combo.addItem(label, key)
        self.practice_combo.addItem("Named in the file", None)
        for practice in list_practices(ctx.db):
            self.practice_combo.addItem(f"{practice.name} ({practice.ods_code})", practice.ods_code)

        self.problems = ProblemsModel(self)
        self.problems_table.setModel(self.problems)
        self._setup_table(self.problems_table, (60, 160, 160))
        self.names = UserNames(ctx.db)
        self.history = PagedTableModel(list(import_history.BATCH_COLUMNS), self._fetch_batches, self._count_batches,
                                       lambda row, key: format_batch_cell(row, key, self.names), parent=self)
        self.history.sort_key, self.history.descending = "started_at", True
        self.history_table.setModel(self.history)
        self._setup_table(self.history_table, (130, 80, 220, 100, 110, 70, 70, 70, 80))
        self.history_table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)

        self.task: Task | None = None
        self.last_result: ImportResult | None = None
        self.shown_batch: int | None = None
        self.source_name = ""
        self.choose_button.clicked.connect(self.choose_file)
        self.import_button.clicked.connect(self.start_import)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.save_problems_button.clicked.connect(lambda: self.save_problems())
        self.save_rejected_button.clicked.connect(lambda: self.save_rejected())
        self.history_table.selectionModel().currentRowChanged.connect(self._batch_chosen)
        self._kind_changed()
        self.show_problems([])
        self.history.refresh()

    @staticmethod
    def _setup_table(table: QTableView, widths: tuple[int, ...]) -> None:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate(widths):
            table.setColumnWidth(column, width)

    # --- choosing ---------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self.kind_combo.currentData()

    def _kind_changed(self) -> None:
        patients = self.kind == "patients"
        for widget in (self.practice_combo, self.full_list_check):
            widget.setEnabled(patients)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose the file to import", self.file_edit.text(), FILE_FILTER)
        if path:
            self.file_edit.setText(path)

    def options(self) -> ImportOptions:
        patients = self.kind == "patients"
        return ImportOptions(
            practice=self.practice_combo.currentData() if patients else None,
            full_list=patients and self.full_list_check.isChecked(), strict=self.strict_check.isChecked(),
        )

    # --- the import flow --------------------------------------------------------------------
    def start_import(self) -> None:
        path = self.file_edit.text().strip()
        if not path:
            QMessageBox.information(self, "Import", "Choose a file to import first.")
            self.choose_button.setFocus()
            return
        if not Path(path).is_file():
            QMessageBox.warning(self, "Import", f"There is no file at {path}.")
            return
        kind = self.kind
        self.import_button.setEnabled(False)
        self.task = run_task(lambda: inspect_file(self.ctx.db, self.ctx.actor, path, kind), parent=self,
                             title="Reading the file", on_success=lambda preview: self._mapped(path, kind, preview),
                             on_failure=self._failed)

    def ask_mapping(self, preview, kind: str) -> tuple[dict[str, str], str | None] | None:  # noqa: ANN001
        """Show the mapping dialog; (mapping, name to save it under) or None when cancelled."""
        dialog = MappingDialog(preview, kind, default_practice=self.options().practice, parent=self)
        if dialog.exec() != MappingDialog.DialogCode.Accepted:
            return None
        return dialog.mapping(), dialog.save_name()

    def _mapped(self, path: str, kind: str, preview) -> None:  # noqa: ANN001
        chosen = self.ask_mapping(preview, kind)
        if chosen is None:
            self.import_button.setEnabled(True)
            return
        mapping, save_name = chosen
        options = replace(self.options(), mapping=mapping, save_profile=save_name)
        if kind == "patients" and ("practice_code" in mapping.values() or options.practice):
            self.task = run_task(lambda: unknown_practices(self.ctx.db, self.ctx.actor, path, options), parent=self,
                                 title="Checking practices",
                                 on_success=lambda codes: self._practices_checked(path, kind, options, codes),
                                 on_failure=self._failed)
        else:
            self._run(path, kind, options)

    def ask_create_practices(self, codes: list[str]) -> bool | None:
        """True to create them, False to reject their rows, None to stop."""
        answer = QMessageBox.question(
            self, "Practices not yet in this PCN",
            f"The file names {len(codes)} practice{'s' if len(codes) != 1 else ''} not yet in this PCN: "
            f"{', '.join(codes[:10])}{'…' if len(codes) > 10 else ''}.\n\nCreate them? (No: their rows are "
            "rejected and listed, so you can check them.)",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Cancel:
            return None
        return answer == QMessageBox.StandardButton.Yes

    def _practices_checked(self, path: str, kind: str, options: ImportOptions, codes: list[str]) -> None:
        if codes:
            create = self.ask_create_practices(codes)
            if create is None:
                self.import_button.setEnabled(True)
                return
            options = replace(options, create_practices=create)
        self._run(path, kind, options)

    def _run(self, path: str, kind: str, options: ImportOptions) -> None:
        steps = import_patients_steps if kind == "patients" else import_events_steps
        self.source_name = Path(path).name
        self.task = run_task(lambda: steps(self.ctx.db, self.ctx.actor, path, options), parent=self,
                             title=f"Importing {Path(path).name}", on_success=self._done, on_failure=self._failed)

    def _done(self, result: ImportResult) -> None:
        self.import_button.setEnabled(True)
        self.last_result = result
        self.shown_batch = result.batch_id
        self.result_label.setText(result.message)
        self.show_problems(result.errors)
        if result.errors_not_listed:  # a hostile file's problems are listed up to a limit
            self.problems_count.setText(f"{self.problems_count.text()}; {result.errors_not_listed:,} more problems "
                                        "not listed")
        self.history.refresh()
        if self.history.total:
            self.history_table.selectRow(0)
        if result.practices_created:
            self._refresh_practices()

    def _failed(self, error: BaseException) -> None:
        self.import_button.setEnabled(True)
        if isinstance(error, Cancelled):
            self.result_label.setText("Import cancelled: nothing was changed.")
            return
        if isinstance(error, StrictRefusal):
            self.last_result = error.result
            self.shown_batch = None
            self.result_label.setText(f"{error} Fix the rows listed, or import without Strict to keep the good rows.")
            self.show_problems(error.result.errors)
            return
        translated = user_error(error)  # a raw error a user can act on, in one line
        message = str(translated) if translated is not None else f"The import failed: {error}"
        self.result_label.setText(f"Not imported: {message}")
        QMessageBox.warning(self, "Import", message)

    # --- problems and history ---------------------------------------------------------------
    def show_problems(self, errors: list[RowError]) -> None:
        self.problems.load(errors)
        rows = len({e.row for e in errors})
        self.problems_count.setText(
            f"{len(errors):,} problem{'s' if len(errors) != 1 else ''} in {rows:,} row{'s' if rows != 1 else ''}"
            if errors else "No problems to show.")
        self.save_problems_button.setEnabled(bool(errors))
        self.save_rejected_button.setEnabled(bool(errors) and self.shown_batch is not None)

    def save_problems(self, path: str | None = None) -> None:
        if not path:
            suggested = f"{Path(self.source_name).stem or 'import'}-problems.csv"
            path, _ = QFileDialog.getSaveFileName(self, "Save problems", suggested, "CSV (*.csv)")
        if path:
            count = import_history.save_problems_csv(self.ctx.db, self.ctx.actor, self.problems.errors, path,
                                                     source=self.source_name)
            self.result_label.setText(f"{self.result_label.text()}\nSaved {count:,} problems to {path}.")

    def save_rejected(self, path: str | None = None) -> None:
        if self.shown_batch is None:
            return
        if not path:
            suggested = f"{Path(self.source_name).stem or 'import'}-rejected-rows.csv"
            path, _ = QFileDialog.getSaveFileName(self, "Save rejected rows", suggested, "CSV (*.csv)")
        if path:
            count = import_history.save_rejected_rows_csv(self.ctx.db, self.ctx.actor, self.shown_batch, path)
            self.result_label.setText(f"{self.result_label.text()}\nSaved {count:,} rejected rows to {path}.")

    def _batch_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.history.row_object(current.row()) if current.isValid() else None
        if row is None or row.id == self.shown_batch:
            return
        summary, problems = import_history.batch_problems(self.ctx.db, self.ctx.actor, row.id)
        self.shown_batch = summary.id
        self.source_name = summary.file_name
        self.result_label.setText(
            f"Import #{summary.id}, {format_date(summary.started_at)} by {self.names.who(summary.user_name)}: "
            f"{summary.message or STATUS_LABELS.get(summary.status, summary.status)}")
        self.show_problems(problems)

    def _refresh_practices(self) -> None:
        current = self.practice_combo.currentData()
        self.practice_combo.clear()
        self.practice_combo.addItem("Named in the file", None)
        for practice in list_practices(self.ctx.db):
            self.practice_combo.addItem(f"{practice.name} ({practice.ods_code})", practice.ods_code)
        self.practice_combo.setCurrentIndex(max(self.practice_combo.findData(current), 0))

    def _count_batches(self) -> int:
        return import_history.count_batches(self.ctx.db, self.ctx.actor)

    def _fetch_batches(self, sort_key: str, descending: bool, offset: int, limit: int):  # noqa: ANN202
        return import_history.page_batches(self.ctx.db, self.ctx.actor, sort_key=sort_key, descending=descending,
                                           offset=offset, limit=limit)
