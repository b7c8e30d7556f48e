"""Variation audits area: practices × indicators for a period, a funnel plot, export.

The audit is computed once in the background (it is small: practices × indicators ×
periods) and the choosers filter it on screen. A practice manager sees and exports
only their own practice, always against the whole PCN.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pcn_assistant.core import clock
from pcn_assistant.core.plain_names import plural, wrap_label
from pcn_assistant.gui.areas.variation_funnel import FunnelPlot, describe_row, format_number
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.forms import child, embed_form
from pcn_assistant.gui.tasks import run_task
from pcn_assistant.services.disclosure import can_see_exact
from pcn_assistant.services.security import EXPORT_AGGREGATE, IMPORTS_RUN
from pcn_assistant.services.variation import compute_variation, export_variation, import_indicators
from pcn_assistant.services.variation.compute import NHS, NHS_ROUND5, NONE, SUPPRESSION_MARK
from pcn_assistant.services.variation.palette import LOOKS, SUPPRESSED_LOOK, look_for
from pcn_assistant.services.variation.service import VariationResult

PCN_ROW = "PCN"
Index = QModelIndex | QPersistentModelIndex


class OverviewModel(QAbstractTableModel):
    """Rows: the PCN then each practice; columns: the chosen indicators; one period."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: VariationResult | None = None
        self.period = ""
        self.codes: list[str] = []
        self.rows: list[str] = []
        self._cells: dict[tuple[str, str], pd.Series] = {}

    def load(self, result: VariationResult | None, period: str, codes: list[str]) -> None:
        self.beginResetModel()
        self.result, self.period = result, period
        self._cells = {}
        if result is None or result.empty:
            self.codes, self.rows = [], []
        else:
            frame = result.frame[result.frame["period"] == period]
            self.codes = [c for c in codes if c in set(frame["indicator_code"])]
            self._cells = {(r["practice_code"], r["indicator_code"]): r for _i, r in frame.iterrows()}
            self.rows = [PCN_ROW, *sorted(set(frame["practice_code"]))]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.codes)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802, ANN201
        if self.result is None:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.codes):
            definition = self.result.indicators[self.codes[section]]
            if role == Qt.ItemDataRole.DisplayRole:
                return wrap_label(definition.short_name, 16)
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{definition.label}\n{definition.description}\nCode: {definition.code}"
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.rows):
            code = self.rows[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return "PCN (pooled)" if code == PCN_ROW else f"{self.result.practices.get(code, code)} ({code})"
            if role == Qt.ItemDataRole.ToolTipRole:
                return "All practices pooled" if code == PCN_ROW else self.result.practices.get(code, code)
        return None

    def cell(self, index: Index) -> pd.Series | None:
        if not index.isValid():
            return None
        return self._cells.get((self.rows[index.row()], self.codes[index.column()]))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid() or self.result is None:
            return None
        code = self.codes[index.column()]
        definition = self.result.indicators[code]
        if self.rows[index.row()] == PCN_ROW:
            funnel = self.result.funnels.get((code, self.period))
            if funnel is None:
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return format_number(funnel.comparator, definition)
            if role == Qt.ItemDataRole.ToolTipRole:
                return (f"PCN value (pooled over {plural(funnel.practices, 'practice')}), {definition.name}, "
                        f"{self.period}: {format_number(funnel.comparator, definition)} {definition.unit}")
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignCenter
            return None
        row = self.cell(index)
        if row is None:
            return None
        look = look_for(row["assessment"])
        if role == Qt.ItemDataRole.DisplayRole:
            if row["suppressed"]:
                return SUPPRESSION_MARK
            return f"{look.symbol} {format_number(row['value'], definition)}" if look else \
                format_number(row["value"], definition)
        if role == Qt.ItemDataRole.ToolTipRole:
            return describe_row(row, definition, self.result.practices.get(row["practice_code"], ""))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{row['practice_code']} {definition.name}: {row['value']} {row['assessment']}"
        if role == Qt.ItemDataRole.BackgroundRole and look is not None and not row["suppressed"]:
            return QColor(f"#{look.fill}")
        if role == Qt.ItemDataRole.ForegroundRole and look is not None and not row["suppressed"]:
            return QColor(f"#{look.text}")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        return None


class VariationArea(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.result: VariationResult | None = None
        self._task = None
        self.form = embed_form(self, "variation_view.ui")
        self.period_combo = child(self.form, QComboBox, "periodCombo")
        self.practice_combo = child(self.form, QComboBox, "practiceCombo")
        self.suppression_combo = child(self.form, QComboBox, "suppressionCombo")
        self.import_button = child(self.form, QPushButton, "importButton")
        self.export_button = child(self.form, QPushButton, "exportButton")
        self.indicator_list = child(self.form, QListWidget, "indicatorList")
        self.table = child(self.form, QTableView, "overviewTable")
        self.funnel_combo = child(self.form, QComboBox, "funnelIndicatorCombo")
        self.status = child(self.form, QLabel, "statusLabel")
        self.legend = child(self.form, QLabel, "legendLabel")
        host = child(self.form, QWidget, "funnelHost")
        host_layout = QVBoxLayout(host)
        host_layout.setContentsMargins(0, 0, 0, 0)
        self.funnel = FunnelPlot(host)
        host_layout.addWidget(self.funnel)

        main_splitter = child(self.form, QSplitter, "mainSplitter")
        main_splitter.setStretchFactor(0, 0)
        main_splitter.setStretchFactor(1, 1)
        main_splitter.setSizes([280, 900])
        right_splitter = child(self.form, QSplitter, "rightSplitter")
        right_splitter.setSizes([300, 400])

        self.model = OverviewModel(self)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(120)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.suppression_combo.addItem("NHS rule: 1-7 shown as *", NHS)
        self.suppression_combo.addItem("NHS rule, counts rounded to 5", NHS_ROUND5)
        if can_see_exact(ctx.actor):  # exact counts on screen only, and audited
            self.suppression_combo.addItem("Exact counts (on screen only; audited)", NONE)
        self.legend.setText("   ".join(f"{look.symbol} {name}" for name, look in LOOKS.items())
                            + f"   {SUPPRESSED_LOOK.symbol} suppressed (1-7)")
        self.import_button.setVisible(ctx.actor.can(IMPORTS_RUN))
        self.export_button.setEnabled(False)
        self.export_button.setVisible(ctx.actor.can(EXPORT_AGGREGATE))

        self.period_combo.currentIndexChanged.connect(self.refresh_view)
        self.practice_combo.currentIndexChanged.connect(self.refresh_view)
        self.suppression_combo.currentIndexChanged.connect(self.reload)
        self.indicator_list.itemChanged.connect(self._indicators_changed)
        self.funnel_combo.currentIndexChanged.connect(self.refresh_funnel)
        self.table.clicked.connect(self._cell_clicked)
        child(self.form, QPushButton, "selectAllButton").clicked.connect(lambda: self._check_all(True))
        child(self.form, QPushButton, "selectNoneButton").clicked.connect(lambda: self._check_all(False))
        self.export_button.clicked.connect(self.export)
        self.import_button.clicked.connect(self.import_file)
        self.reload()

    # loading -------------------------------------------------------------------------
    def reload(self) -> None:
        self.status.setText("Computing the audit…")
        suppression = self.suppression_combo.currentData() or NHS
        self._task = run_task(
            lambda: compute_variation(self.ctx.db, self.ctx.actor, suppression=suppression),
            parent=self, title="Computing the variation audit",
            on_success=self._loaded, on_failure=self._failed)

    def _loaded(self, result: VariationResult) -> None:
        self.result = result
        self._fill_choosers(result)
        self.export_button.setEnabled(not result.empty)
        if result.empty:
            self.status.setText("No indicator data yet: import a file of indicator values "
                                "(practice_code, indicator_code, period, numerator, denominator).")
        self.refresh_view()

    def _failed(self, error: BaseException) -> None:
        self.status.setText(f"Could not compute the audit: {error}")

    def _fill_choosers(self, result: VariationResult) -> None:
        for combo in (self.period_combo, self.practice_combo, self.funnel_combo):
            combo.blockSignals(True)
        previous_period = self.period_combo.currentData()
        self.period_combo.clear()
        for period in sorted(result.periods, reverse=True):
            self.period_combo.addItem(period, period)
        if previous_period in result.periods:
            self.period_combo.setCurrentIndex(self.period_combo.findData(previous_period))
        previous_practice = self.practice_combo.currentData()
        self.practice_combo.clear()
        if result.scope:
            self.practice_combo.addItem(f"{result.practices.get(result.scope, '')} ({result.scope})", result.scope)
            self.practice_combo.setEnabled(False)
        else:
            self.practice_combo.addItem("All practices", None)
            for code in sorted(set(result.frame["practice_code"])):
                self.practice_combo.addItem(f"{result.practices.get(code, code)} ({code})", code)
            index = self.practice_combo.findData(previous_practice)
            self.practice_combo.setCurrentIndex(max(index, 0))
        checked = set(self.checked_codes()) if self.indicator_list.count() else set(result.indicators)
        self.indicator_list.blockSignals(True)
        self.indicator_list.clear()
        for code, definition in result.indicators.items():
            # Short enough to read whole (full name on hover); a standardised one says so on a second line.
            statistic = definition.statistic.lower()
            kind = ("ratio to expected" if statistic.startswith("ratio to expected") else
                    "age-standardised rate" if statistic.startswith("age-standardised") else "")
            item = QListWidgetItem(f"{definition.short_name}\n{kind}" if kind else definition.short_name)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setToolTip(f"{definition.label}\n{definition.description}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in checked else Qt.CheckState.Unchecked)
            self.indicator_list.addItem(item)
        self.indicator_list.blockSignals(False)
        self._fill_funnel_combo()
        for combo in (self.period_combo, self.practice_combo, self.funnel_combo):
            combo.blockSignals(False)

    def _fill_funnel_combo(self) -> None:
        current = self.funnel_combo.currentData()
        self.funnel_combo.blockSignals(True)
        self.funnel_combo.clear()
        if self.result is not None:
            for code in self.checked_codes():
                self.funnel_combo.addItem(self.result.indicators[code].name, code)
                self.funnel_combo.setItemData(self.funnel_combo.count() - 1, self.result.indicators[code].label,
                                              Qt.ItemDataRole.ToolTipRole)
        index = self.funnel_combo.findData(current)
        self.funnel_combo.setCurrentIndex(max(index, 0))
        self.funnel_combo.blockSignals(False)

    # choosers ------------------------------------------------------------------------
    def checked_codes(self) -> list[str]:
        return [self.indicator_list.item(i).data(Qt.ItemDataRole.UserRole)
                for i in range(self.indicator_list.count())
                if self.indicator_list.item(i).checkState() == Qt.CheckState.Checked]

    def _check_all(self, checked: bool) -> None:
        self.indicator_list.blockSignals(True)
        for i in range(self.indicator_list.count()):
            self.indicator_list.item(i).setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.indicator_list.blockSignals(False)
        self._indicators_changed()

    def _indicators_changed(self, _item: QListWidgetItem | None = None) -> None:
        self._fill_funnel_combo()
        self.refresh_view()

    def _cell_clicked(self, index: QModelIndex) -> None:
        if 0 <= index.column() < len(self.model.codes):
            self.funnel_combo.setCurrentIndex(self.funnel_combo.findData(self.model.codes[index.column()]))

    def refresh_view(self) -> None:
        if self.result is None:
            return
        period = self.period_combo.currentData() or ""
        self.model.load(self._visible_result(), period, self.checked_codes())
        self.table.resizeColumnsToContents()
        self.refresh_funnel()
        if not self.result.empty:
            suppressed = int(self.result.frame["suppressed"].sum())
            scope = (f"Practice {self.result.scope} against the PCN. " if self.result.scope else "")
            self.status.setText(f"{scope}{plural(len(self.model.rows) - 1, 'practice')}, "
                                f"{plural(len(self.model.codes), 'indicator')}, period {period}. "
                                f"{plural(suppressed, 'value')} suppressed in all periods.")

    def _visible_result(self) -> VariationResult | None:
        """The result with only the chosen practice's rows (the PCN values stay pooled)."""
        practice = self.practice_combo.currentData()
        if self.result is None or not practice:
            return self.result
        frame = self.result.frame[self.result.frame["practice_code"] == practice]
        return VariationResult(frame=frame, indicators=self.result.indicators,
                               practices=self.result.practices, periods=self.result.periods,
                               suppression=self.result.suppression, funnels=self.result.funnels,
                               scope=practice)

    def refresh_funnel(self) -> None:
        result = self._visible_result()
        code, period = self.funnel_combo.currentData(), self.period_combo.currentData()
        if result is None or not code or not period or (code, period) not in result.funnels:
            self.funnel.clear("Choose an indicator to see its funnel plot.")
            return
        rows = result.frame[(result.frame["indicator_code"] == code) & (result.frame["period"] == period)]
        self.funnel.show_funnel(result.indicators[code], period, result.funnels[(code, period)], rows,
                                result.practices, highlight=result.scope)

    # export and import -----------------------------------------------------------------
    def export(self) -> None:
        if self.result is None or self.result.empty:
            return
        practice = self.result.scope or self.practice_combo.currentData()
        suggested = f"variation-audit-{practice or 'pcn'}-{clock.today():%Y-%m-%d}.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "Export variation audit", suggested, "Excel workbook (*.xlsx)")
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        codes = self.checked_codes() or None
        suppression = self.suppression_combo.currentData() or NHS
        if suppression == NONE:  # exact counts are for the screen: every export is protected
            suppression = NHS
        self.export_button.setEnabled(False)
        self._task = run_task(
            lambda: export_variation(self.ctx.db, self.ctx.actor, path, indicator_codes=codes,
                                     suppression=suppression, practice_code=practice),
            parent=self, title="Exporting the variation audit",
            on_success=self._exported, on_failure=self._export_failed)

    def _exported(self, result) -> None:  # noqa: ANN001
        self.export_button.setEnabled(True)
        self.status.setText(f"Workbook written to {result.path} ({plural(result.rows, 'row')}).")
        QMessageBox.information(self, "Variation audit exported",
                                f"Saved {result.path.name}: {plural(len(result.sheets), 'sheet')}, {plural(result.rows, 'row')}.")

    def _export_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        QMessageBox.warning(self, "Variation audit not exported", str(error))

    def import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import indicator data", "",
                                              "Indicator data (*.csv *.xlsx);;All files (*)")
        if not path:
            return
        self._task = run_task(lambda: import_indicators(self.ctx.db, self.ctx.actor, path),
                              parent=self, title="Importing indicator data",
                              on_success=self._imported, on_failure=self._import_failed)

    def _imported(self, outcome) -> None:  # noqa: ANN001
        lines = [outcome.summary()]
        lines += [f"Row {p.row}, {p.column}: {p.message}" for p in outcome.errors[:10]]
        if len(outcome.errors) > 10:
            lines.append(f"… and {len(outcome.errors) - 10} more")
        QMessageBox.information(self, "Indicator data imported", "\n".join(lines))
        self.reload()

    def _import_failed(self, error: BaseException) -> None:
        QMessageBox.warning(self, "Indicator data not imported", str(error))
