"""Directory area: search the VCF directory, see a service in full, add and edit by hand,
and import or export Open Referral UK.

The list pages in SQL; stale services say "(stale)" beside their last-verified date and
full services say so in the capacity column, so nothing depends on colour alone.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTextBrowser,
    QWidget,
)

from pcn_assistant.core.directory import CATEGORIES, DAYS, REFERRAL_METHODS
from pcn_assistant.core.plain_names import plural
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.formatting import format_date
from pcn_assistant.gui.forms import child, embed_form
from pcn_assistant.gui.paged_model import PagedTableModel
from pcn_assistant.gui.referrals.common import documents_folder, warn
from pcn_assistant.gui.referrals.service_dialog import DirectoryServiceDialog
from pcn_assistant.gui.tasks import run_task
from pcn_assistant.gui.widgets.overwrite import on_failure_ask
from pcn_assistant.services.directory import edit, search
from pcn_assistant.services.directory.oruk_export import CSV_FORMAT, JSON_FORMAT, export_directory
from pcn_assistant.services.directory.oruk_import import DirectoryImportResult, import_directory
from pcn_assistant.services.security import DIRECTORY_WRITE


def format_service_cell(row: search.ServiceRow, key: str) -> str:
    if key == "last_verified":
        text = format_date(row.last_verified) or "never"
        return f"{text} (stale)" if row.stale else text
    if key == "status":
        return row.status.capitalize()
    if key == "capacity":
        return row.capacity
    return str(row.value(key) or "")


def detail_html(detail: edit.ServiceDetail) -> str:
    form = detail.form
    e = html.escape
    parts = [f"<h3>{e(form.name)}</h3><p><b>{e(form.organisation)}</b> · {e(form.status.capitalize())}"
             f" · {e(REFERRAL_METHODS.get(form.referral_method, form.referral_method))}</p>"]
    if detail.stale:
        parts.append("<p><b>Stale:</b> not verified in the last six months"
                     f" ({e(format_date(form.last_verified) or 'never verified')}). Check it still runs.</p>")
    if detail.alert:
        parts.append(f"<p><b>Note from the provider:</b> {e(detail.alert)}</p>")
    if detail.category_labels:
        parts.append(f"<p><i>{e(', '.join(detail.category_labels))}</i></p>")
    if form.description:
        parts.append(f"<p>{e(form.description)}</p>")

    def listing(title: str, lines: list[str]) -> None:
        if lines:
            parts.append(f"<p><b>{title}</b><br>{'<br>'.join(e(x) for x in lines)}</p>")

    listing("When", detail.schedules)
    listing("Where", detail.locations)
    listing("Contact", detail.contacts + [x for x in (form.email, form.url) if x])
    listing("Cost", detail.costs)
    ages = ("from " + str(form.minimum_age) if form.minimum_age is not None else "") + \
        (" up to " + str(form.maximum_age) if form.maximum_age is not None else "")
    listing("Who it is for", [x for x in (f"Ages {ages.strip()}" if ages.strip() else "", form.eligibility) if x])
    usage = detail.usage
    capacity = [usage.describe()]
    if detail.median_days_to_accept is not None:
        capacity.append(f"Median {detail.median_days_to_accept:g} days from sent to accepted")
    if detail.median_days_to_attend is not None:
        capacity.append(f"Median {detail.median_days_to_attend:g} days from accepted to first attendance")
    listing("Capacity", capacity)
    listing("Last verified", [format_date(form.last_verified) or "Never"])
    if form.private_notes:
        listing("Team notes (private)", form.private_notes.splitlines())
    return "".join(parts)


# Category next to the service name, so it is on screen without scrolling.
COLUMN_ORDER = ("name", "categories", "organisation", "town", "days", "capacity", "last_verified", "cost",
                "status")
COLUMN_WIDTHS = (180, 170, 150, 100, 90, 150, 110, 60)


class DirectoryTableModel(PagedTableModel):
    """The paged service list, with each cell's full text as its tooltip."""

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN001, ANN201
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            text = super().data(index, Qt.ItemDataRole.DisplayRole)
            return text or None
        return super().data(index, role)


class DirectoryArea(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.form = embed_form(self, "directory_view.ui")
        self.search_edit = child(self.form, QLineEdit, "searchEdit")
        self.category_combo = child(self.form, QComboBox, "categoryCombo")
        self.area_edit = child(self.form, QLineEdit, "areaEdit")
        self.age_spin = child(self.form, QSpinBox, "ageSpin")
        self.day_combo = child(self.form, QComboBox, "dayCombo")
        self.cost_combo = child(self.form, QComboBox, "costCombo")
        self.capacity_check = child(self.form, QCheckBox, "capacityCheck")
        self.stale_check = child(self.form, QCheckBox, "staleCheck")
        self.closed_check = child(self.form, QCheckBox, "closedCheck")
        self.table = child(self.form, QTableView, "table")
        self.details = child(self.form, QTextBrowser, "detailsBrowser")
        self.count_label = child(self.form, QLabel, "countLabel")
        self.buttons = {name: child(self.form, QPushButton, name) for name in
                        ("addButton", "editButton", "verifyButton", "importButton", "exportButton")}
        self.category_combo.addItem("All categories", None)
        for category in CATEGORIES:
            self.category_combo.addItem(category.label, category.key)
        self.day_combo.addItem("Any day", None)
        for code, name in DAYS:
            self.day_combo.addItem(name, code)
        for label, key in (("Any cost", None), ("Free", search.FREE), ("There is a charge", search.PAID)):
            self.cost_combo.addItem(label, key)

        headers = {c.key: c.header for c in search.COLUMNS}
        columns = [(key, headers[key]) for key in COLUMN_ORDER]
        self.model = DirectoryTableModel(columns, self._fetch_page, self._count, format_service_cell, parent=self)
        self.model.sort_key = "name"
        self.table.setModel(self.model)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        # Two lines a row so long names wrap rather than end in "…"; every cell's full text is its tooltip.
        self.table.setWordWrap(True)
        self.table.verticalHeader().setDefaultSectionSize(2 * self.fontMetrics().lineSpacing() + 8)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)
        child(self.form, QSplitter, "splitter").setSizes([740, 320])

        for widget in (self.search_edit, self.area_edit):
            widget.textChanged.connect(self.refresh)
        for combo in (self.category_combo, self.day_combo, self.cost_combo):
            combo.currentIndexChanged.connect(self.refresh)
        self.age_spin.valueChanged.connect(self.refresh)
        for box in (self.capacity_check, self.stale_check, self.closed_check):
            box.toggled.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(self.show_current)
        self.table.doubleClicked.connect(self.edit_current)
        self.buttons["addButton"].clicked.connect(self.add_service)
        self.buttons["editButton"].clicked.connect(self.edit_current)
        self.buttons["verifyButton"].clicked.connect(self.verify_current)
        self._menus()
        can_write = ctx.actor.can(DIRECTORY_WRITE)
        for name in ("addButton", "editButton", "verifyButton", "importButton"):
            self.buttons[name].setEnabled(can_write)
        self._task = None
        self.refresh()

    def _menus(self) -> None:
        importing = QMenu(self)
        importing.addAction("A JSON file or a zipped datapackage…", self.import_file)
        importing.addAction("A datapackage folder…", self.import_folder)
        self.buttons["importButton"].setMenu(importing)
        exporting = QMenu(self)
        exporting.addAction("As Open Referral UK JSON…", lambda: self.export(JSON_FORMAT))
        exporting.addAction("As an Open Referral UK CSV datapackage…", lambda: self.export(CSV_FORMAT))
        self.buttons["exportButton"].setMenu(exporting)

    def current_filter(self) -> search.ServiceFilter:
        age = self.age_spin.value()
        return search.ServiceFilter(
            text=self.search_edit.text(), category=self.category_combo.currentData(), area=self.area_edit.text(),
            age=None if age < 0 else age, day=self.day_combo.currentData(), cost=self.cost_combo.currentData(),
            has_capacity=self.capacity_check.isChecked(), stale_only=self.stale_check.isChecked(),
            include_closed=self.closed_check.isChecked())

    def refresh(self) -> None:
        self.model.refresh()
        total = self.model.total
        self.count_label.setText(f"{total:,} service{'s' if total != 1 else ''}")
        if total:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        else:
            self.details.setHtml("<p>No services match. Try fewer filters.</p>")
        self._update_buttons()

    def _count(self) -> int:
        return search.count_services(self.ctx.db, self.ctx.actor, self.current_filter())

    def _fetch_page(self, sort_key: str, descending: bool, offset: int, limit: int):  # noqa: ANN202
        return search.search_services(self.ctx.db, self.ctx.actor, self.current_filter(), sort_key=sort_key,
                                      descending=descending, offset=offset, limit=limit)

    def current_row(self) -> search.ServiceRow | None:
        index = self.table.currentIndex()
        return self.model.row_object(index.row()) if index.isValid() else None

    def show_current(self) -> None:
        row = self.current_row()
        if row is None:
            return
        try:
            self.details.setHtml(detail_html(edit.service_detail(self.ctx.db, self.ctx.actor, row.id)))
        except Exception as error:  # noqa: BLE001 - shown, not raised, in a selection handler
            self.details.setPlainText(str(error))
        self._update_buttons()

    def _update_buttons(self) -> None:
        selected = self.current_row() is not None and self.ctx.actor.can(DIRECTORY_WRITE)
        self.buttons["editButton"].setEnabled(selected)
        self.buttons["verifyButton"].setEnabled(selected)

    def add_service(self) -> None:
        dialog = DirectoryServiceDialog(self.ctx, parent=self)
        if dialog.exec():
            self.refresh()

    def edit_current(self) -> None:
        row = self.current_row()
        if row is None or not self.ctx.actor.can(DIRECTORY_WRITE):
            return
        detail = edit.service_detail(self.ctx.db, self.ctx.actor, row.id)
        if DirectoryServiceDialog(self.ctx, detail.form, self).exec():
            self.model.refresh()
            self.show_current()

    def verify_current(self) -> None:
        row = self.current_row()
        if row is not None:
            edit.mark_verified(self.ctx.db, self.ctx.actor, row.id)
            current = self.table.currentIndex()
            self.model.refresh()
            self.table.setCurrentIndex(current)
            self.show_current()

    # Open Referral
    def import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import Open Referral UK", documents_folder(),
                                              "Open Referral (*.json *.zip);;All files (*)")
        if path:
            self._import(path)

    def import_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Datapackage folder (with datapackage.json)", documents_folder())
        if path:
            self._import(path)

    def _import(self, path: str) -> None:
        self._task = run_task(lambda: import_directory(self.ctx.db, self.ctx.actor, path), parent=self,
                              title="Importing the directory", on_success=self._imported,
                              on_failure=lambda error: warn(self, "Import not done", error))

    def _imported(self, result: DirectoryImportResult) -> None:
        self.refresh()
        lines = [f"{result.file_name} ({result.format}): {result.summary()}."]
        lines += [f"Closed: {c.name}" for c in result.closed[:10]]
        if result.problems:
            lines.append(f"\n{plural(len(result.problems), 'record')} refused:")
            lines += [f"• {p}" for p in result.problems[:15]]
        lines += [f"Note: {w}" for w in result.warnings[:5]]
        QMessageBox.information(self, "Directory imported", "\n".join(lines))

    def export(self, fmt: str, *, path: str | None = None, force: bool = False) -> None:
        """``force`` once the user agreed to replace: the save dialog asks for a JSON file,
        and a refused CSV folder export asks through ``on_failure_ask``."""
        if path is None and fmt == JSON_FORMAT:
            path, _ = QFileDialog.getSaveFileName(self, "Export Open Referral UK JSON",
                                                  str(Path(documents_folder()) / "directory.json"), "JSON (*.json)")
            force = True
        elif path is None:
            path = QFileDialog.getExistingDirectory(self, "Folder for the CSV datapackage", documents_folder())
        if not path:
            return
        self._task = run_task(lambda: export_directory(self.ctx.db, self.ctx.actor, path, fmt, force=force),
                              parent=self,
                              title="Exporting the directory",
                              on_success=lambda r: QMessageBox.information(
                                  self, "Directory exported", f"{plural(r.services, 'service')} written to {r.path}"),
                              on_failure=on_failure_ask(self, lambda: self.export(fmt, path=path, force=True),
                                                        lambda error: warn(self, "Export not done", error)))
