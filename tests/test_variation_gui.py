"""The Variation audits area with real widgets: overview, funnel plot, export."""

import pytest
from openpyxl import load_workbook
from PySide6.QtCharts import QLineSeries, QScatterSeries
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from pcn_assistant.gui.areas.variation import VariationArea
from pcn_assistant.gui.context import AppContext
from pcn_assistant.services.security import LOCAL_ADMIN, PRACTICE_MANAGER, Actor
from pcn_assistant.services.variation.palette import LOOKS


def make_area(qtbot, db, actor=LOCAL_ADMIN) -> VariationArea:
    area = VariationArea(AppContext(db=db, actor=actor))
    qtbot.addWidget(area)
    qtbot.waitUntil(lambda: area.result is not None, timeout=20_000)
    return area


@pytest.fixture
def quiet_boxes(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(("info", a[1:])))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(("warning", a[1:])))
    return shown


def test_overview_and_funnel_for_the_latest_period(qtbot, demo_db):
    area = make_area(qtbot, demo_db)
    assert area.period_combo.currentText() == "2026-27 Q2"
    model = area.model
    assert model.rows[0] == "PCN" and model.rows[1:] == [f"Y9000{i}" for i in range(1, 7)]
    assert model.codes[0] == "flu_65_plus" and model.columnCount() == area.indicator_list.count()
    harbour = model.index(1, 0)
    assert model.data(harbour).startswith("▼▼ ")
    assert model.data(harbour, Qt.ItemDataRole.BackgroundRole).name().upper() == f"#{LOOKS['Worse 99.8%'].fill}"
    tooltip = model.data(harbour, Qt.ItemDataRole.ToolTipRole)
    assert "Y90001" in tooltip and "99.8% interval" in tooltip and "Worse 99.8%" in tooltip
    assert model.headerData(1, Qt.Orientation.Vertical) == "Harbour View Surgery (Y90001)"
    assert model.headerData(0, Qt.Orientation.Horizontal).replace("\n", " ") == "Flu vaccination 65+"
    assert "flu_65_plus" in model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    names = [area.indicator_list.item(i).text() for i in range(area.indicator_list.count())]
    assert names[0] == "Flu vaccination 65+" and all(len(line) <= 31 for n in names for line in n.split("\n"))
    assert "aged 65 and over" in area.indicator_list.item(0).toolTip()

    chart = area.funnel.chart()
    lines = [s for s in chart.series() if isinstance(s, QLineSeries) and not isinstance(s, QScatterSeries)]
    points = [s for s in chart.series() if isinstance(s, QScatterSeries)]
    assert len(lines) == 5 and len(points) == 6
    assert "Flu vaccination" in chart.title() and "2026-27 Q2" in chart.title()
    assert "Y90001 Worse 99.8%" in area.funnel.accessibleDescription()
    assert "Y90001" in area.funnel.tooltips["Y90001"] and "PCN value" in area.funnel.tooltips["Y90001"]
    area.funnel._hovered("Y90001", True)  # hovering shows the practice's figures without error


def test_choosers_filter_the_view(qtbot, demo_db):
    area = make_area(qtbot, demo_db)
    area.period_combo.setCurrentIndex(area.period_combo.findData("2025-26 Q3"))
    assert area.model.period == "2025-26 Q3"
    area._check_all(False)
    assert area.model.columnCount() == 0 and area.funnel_combo.count() == 0
    area.indicator_list.item(8).setCheckState(Qt.CheckState.Checked)  # bowel screening
    assert area.model.codes == ["bowel_60_74"] and area.funnel_combo.currentData() == "bowel_60_74"
    area.practice_combo.setCurrentIndex(area.practice_combo.findData("Y90006"))
    assert area.model.rows == ["PCN", "Y90006"]
    assert [s.name() for s in area.funnel.chart().series() if isinstance(s, QScatterSeries)] == ["Y90006"]
    area.table.clicked.emit(area.model.index(1, 0))
    assert area.funnel_combo.currentData() == "bowel_60_74"


def test_export_chosen_indicators(qtbot, demo_db, tmp_path, monkeypatch, quiet_boxes):
    area = make_area(qtbot, demo_db)
    area._check_all(False)
    area.indicator_list.item(0).setCheckState(Qt.CheckState.Checked)
    target = tmp_path / "gui-audit"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    qtbot.mouseClick(area.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(quiet_boxes), timeout=30_000)
    assert quiet_boxes[0][0] == "info"
    book = load_workbook(tmp_path / "gui-audit.xlsx")
    assert book.sheetnames == ["Summary", "Flu vaccination 65+", "Data", "Methods", "Chart data"]


def test_practice_manager_sees_and_exports_own_practice(qtbot, demo_db, tmp_path, monkeypatch, quiet_boxes):
    manager = Actor("manager", PRACTICE_MANAGER, practice_code="Y90001")
    area = make_area(qtbot, demo_db, manager)
    assert area.model.rows == ["PCN", "Y90001"]
    assert not area.practice_combo.isEnabled() and area.import_button.isHidden()
    assert not area.export_button.isHidden()
    # no exact counts for an aggregate-only role: only the protected rules are offered
    rules = [area.suppression_combo.itemData(i) for i in range(area.suppression_combo.count())]
    assert rules == ["nhs", "nhs-round5"]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "mine.xlsx"), ""))
    area.export()
    qtbot.waitUntil(lambda: bool(quiet_boxes), timeout=30_000)
    data = load_workbook(tmp_path / "mine.xlsx")["Data"]
    assert {row[0] for row in data.iter_rows(min_row=2, values_only=True)} == {"Y90001"}


def test_import_button_reloads(qtbot, sqlite_db, tmp_path, monkeypatch, quiet_boxes):
    from pcn_assistant.store.models import Practice

    with sqlite_db.transaction() as session:
        session.add(Practice(ods_code="A12345", name="Only Practice"))
    area = make_area(qtbot, sqlite_db)
    assert not area.import_button.isHidden()  # the local administrator may import
    assert area.result.empty and "No indicator data" in area.status.text()
    assert not area.export_button.isEnabled()
    path = tmp_path / "values.csv"
    path.write_text("practice_code,indicator_code,period,numerator,denominator\n"
                    "A12345,flu_65_plus,2026-27 Q1,700,1000\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    area.result = None
    area.import_file()
    qtbot.waitUntil(lambda: area.result is not None and not area.result.empty, timeout=20_000)
    assert area.model.rows == ["PCN", "A12345"] and area.export_button.isEnabled()
    assert "1 inserted" in quiet_boxes[0][1][1]


def test_standardised_indicators_are_labelled_on_screen(qtbot, demo_db):
    """The demo's patients carry 12-month A&E and admission counts, so those indicators
    show as ratios to expected; antibiotic items stay crude and say why."""
    area = make_area(qtbot, demo_db)
    names = [area.indicator_list.item(i).text().replace("\n", ": ") for i in range(area.indicator_list.count())]
    assert "A&E attendances: ratio to expected" in names
    assert "Emergency admissions: ratio to expected" in names
    assert "not age-standardised" in area.result.indicators["antibiotic_items"].statistic
    area.funnel_combo.setCurrentIndex(area.funnel_combo.findData("emergency_admissions"))
    chart = area.funnel.chart()
    assert "ratio to expected" in chart.title()
    assert any("ratio to expected" in axis.titleText() for axis in chart.axes())
    assert any(axis.titleText() == "Expected events" for axis in chart.axes())  # x: observed vs expected
