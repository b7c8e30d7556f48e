"""GP coding: the SNOMED CT codes a practice should enter for social prescribing, and
whether it has. A practice manager sees their own practice only (the service enforces
it); a link worker can choose any practice to hand each its list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QWidget,
)

from pcn_assistant.core import clock
from pcn_assistant.errors import PcnError
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.formatting import format_date, format_nhs_number
from pcn_assistant.gui.forms import child, embed_form
from pcn_assistant.gui.person_record.tables import fill_table
from pcn_assistant.services.practices import list_practices
from pcn_assistant.services.referrals import coding

HEADERS = ["Practice", "NHS number", "Date of birth", "SNOMED CT code", "Term", "Date", "Coded on", "How"]


class CodingArea(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.form = embed_form(self, "coding_view.ui")
        self.practice_combo = child(self.form, QComboBox, "practiceCombo")
        self.include_coded = child(self.form, QCheckBox, "includeCodedCheck")
        self.table = child(self.form, QTableWidget, "table")
        self.count_label = child(self.form, QLabel, "countLabel")
        self.mark_button = child(self.form, QPushButton, "markButton")
        self.export_button = child(self.form, QPushButton, "exportButton")
        own = ctx.actor.practice_code
        for practice in list_practices(ctx.db):
            if own is None or practice.ods_code == own:
                self.practice_combo.addItem(f"{practice.name} ({practice.ods_code})", practice.ods_code)
        self.practice_combo.setEnabled(self.practice_combo.count() > 1)
        self.rows: list[coding.CodingRow] = []
        self.practice_combo.currentIndexChanged.connect(self.refresh)
        self.include_coded.toggled.connect(self.refresh)
        self.mark_button.clicked.connect(self.mark_selected)
        self.export_button.clicked.connect(self.export)
        self.refresh()

    def refresh(self) -> None:
        practice = self.practice_combo.currentData()
        if practice is None:
            self.rows = []
        else:
            self.rows = coding.worklist(self.ctx.db, self.ctx.actor, practice,
                                        include_coded=self.include_coded.isChecked())
        fill_table(self.table, HEADERS, [
            [r.practice, format_nhs_number(r.nhs_number), format_date(r.date_of_birth), r.code, r.term,
             format_date(r.event_on), format_date(r.coded_on), r.coded_via or ""] for r in self.rows], self.rows)
        to_code = sum(1 for r in self.rows if not r.coded)
        self.count_label.setText(f"{to_code:,} to code" + (f", {len(self.rows) - to_code:,} coded"
                                                           if self.include_coded.isChecked() else ""))
        self.mark_button.setEnabled(bool(self.rows))
        self.export_button.setEnabled(practice is not None)

    def selected_rows(self) -> list[coding.CodingRow]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]

    def mark_selected(self) -> None:
        chosen = [r.id for r in self.selected_rows() if not r.coded]
        if not chosen:
            QMessageBox.information(self, "Mark as coded", "Select the entries the practice has coded first.")
            return
        try:
            coding.mark_coded(self.ctx.db, self.ctx.actor, chosen)
        except PcnError as error:
            QMessageBox.warning(self, "Not marked", str(error))
        self.refresh()

    def export(self, path: str | None = None) -> Path | None:
        practice = self.practice_combo.currentData()
        if practice is None:
            return None
        if not path:
            suggested = f"coding-{practice.lower()}-{clock.today():%Y-%m-%d}.xlsx"
            path, _ = QFileDialog.getSaveFileName(self, "Export the coding worklist", suggested,
                                                  "Excel workbook (*.xlsx)")
        if not path:
            return None
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        try:
            count = coding.export_worklist(self.ctx.db, self.ctx.actor, practice, path,
                                           include_coded=self.include_coded.isChecked())
        except PcnError as error:
            QMessageBox.warning(self, "Not exported", str(error))
            return None
        QMessageBox.information(self, "Coding worklist exported",
                                f"{count:,} entries written to {Path(path).name}. It lists NHS numbers: "
                                "keep it on NHS systems.")
        return Path(path)
