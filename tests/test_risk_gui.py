"""Find people and the risk panel, driven through real widgets on the small demo database."""

from __future__ import annotations

import openpyxl
from PySide6.QtCore import QItemSelectionModel
from sqlalchemy import func, select

from pcn_assistant.core import clock
from pcn_assistant.gui.areas import find_people as area_module
from pcn_assistant.gui.areas.find_people import FindPeopleArea, format_cohort_cell
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.widgets.risk_panel import RiskPanel
from pcn_assistant.services import risk as risk_service
from pcn_assistant.services.risk import CohortFilter
from pcn_assistant.services.security import LINK_WORKER, LOCAL_ADMIN, Actor
from pcn_assistant.store.models.caseload import Episode
from pcn_assistant.store.models.risk import RiskAssessment


def make_area(qtbot, db, actor=LOCAL_ADMIN) -> FindPeopleArea:
    area = FindPeopleArea(AppContext(db=db, actor=actor))
    qtbot.addWidget(area)
    area.resize(1280, 800)
    return area


class Messages:
    """Stands in for QMessageBox so tests see what the user would have been told."""

    def __init__(self, monkeypatch) -> None:
        self.shown: list[str] = []
        for name in ("information", "warning"):
            monkeypatch.setattr(area_module.QMessageBox, name, self._record)

    def _record(self, _parent, _title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        self.shown.append(text)


def test_find_people_lists_the_ranked_population_and_says_what_the_score_is(qtbot, demo_db):
    area = make_area(qtbot, demo_db)
    statement = area.statement.text()
    assert "ranks people for review" in statement and "not a diagnosis" in statement
    assert "local clinical review" in statement and "not applicable" in statement
    total = risk_service.count_cohort(demo_db, LOCAL_ADMIN, CohortFilter())
    assert area.model.rowCount() == total > 1000 and area.count_label.text() == f"{total:,} people"
    first = area.model.row_object(0)
    top = risk_service.page_cohort(demo_db, LOCAL_ADMIN, CohortFilter(), limit=1)[0]
    assert first.patient_id == top.patient_id
    assert area.panel.patient_id == top.patient_id  # the first person is shown beside the list
    assert "Assessed" in area.run_label.text()


def test_filters_and_worklists_change_the_list(qtbot, demo_db):
    area = make_area(qtbot, demo_db)
    everyone = area.model.rowCount()
    area.worklist.setCurrentIndex(area.worklist.findData("care_home"))
    care_home = risk_service.count_cohort(demo_db, LOCAL_ADMIN, CohortFilter(worklist="care_home"))
    assert area.model.rowCount() == care_home < everyone
    assert "care home" in area.worklist_label.text()
    area.worklist.setCurrentIndex(0)
    area.tier.setCurrentIndex(area.tier.findText("Tier 3: case management"))
    assert all(area.model.row_object(r).tier == 3 for r in range(area.model.rowCount()))
    area.tier.setCurrentIndex(0)
    area.efi.setCurrentIndex(area.efi.findText("Frailty not applicable (under 65)"))
    assert area.model.rowCount() > 0
    assert format_cohort_cell(area.model.row_object(0), "efi_score") == "not applicable"
    area.min_points.setValue(18)
    assert area.count_label.text().endswith(("people", "person"))


def test_panel_shows_points_reasons_and_history(qtbot, demo_db):
    with demo_db.session() as session:
        patient_id = session.execute(
            select(RiskAssessment.patient_id).group_by(RiskAssessment.patient_id)
            .having(func.count() >= 2).limit(1)).scalar_one()
    panel = RiskPanel(AppContext(db=demo_db, actor=LOCAL_ADMIN))
    qtbot.addWidget(panel)
    panel.show_patient(patient_id)
    latest = risk_service.latest_assessment(demo_db, LOCAL_ADMIN, patient_id)
    history = risk_service.assessment_history(demo_db, LOCAL_ADMIN, patient_id)
    assert f"{latest.points} of 18 points" in panel.headline.text()
    assert panel.points_table.rowCount() == 9  # 8 components and the total
    assert panel.points_table.item(8, 1).text() == str(latest.points)
    shown = panel.reasons.text().split("<br>")
    assert len(shown) == max(len(latest.reasons), 1)
    assert all(reason.replace("&", "&amp;") in panel.reasons.text() for reason in latest.reasons)
    assert panel.dots.count() == len(history) >= 2
    assert "Points over time" in panel.history_label.text()
    assert "not a diagnosis" in panel.statement.text()
    panel.show_patient(None)
    assert panel.points_table.rowCount() == 0 and panel.dots.count() == 0


def test_panel_says_not_applicable_under_65(qtbot, demo_db):
    young = risk_service.page_cohort(demo_db, LOCAL_ADMIN, CohortFilter(age_band="18-64"), limit=1)[0]
    panel = RiskPanel(AppContext(db=demo_db, actor=LOCAL_ADMIN))
    qtbot.addWidget(panel)
    panel.show_patient(young.patient_id)
    assert panel.efi.text().startswith("not applicable (under 65)")


def test_add_selected_people_to_a_caseload(qtbot, demo_db, monkeypatch):
    worker = Actor(name="sam", role=LINK_WORKER)
    area = make_area(qtbot, demo_db, worker)
    assert area.enrol_button.isVisibleTo(area)
    area.not_on_caseload.setChecked(True)
    before = area.model.rowCount()
    selection = area.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.clearSelection()
    for row in (0, 1):
        selection.select(area.model.index(row, 0), flags)
    chosen = [area.model.row_object(r).patient_id for r in (0, 1)]
    monkeypatch.setattr(area_module.QInputDialog, "getItem",
                        lambda _parent, _title, _label, items, current, editable: (items[current], True))
    messages = Messages(monkeypatch)
    area.enrol_button.click()
    assert messages.shown and messages.shown[-1].startswith("Added 2 to Sam Okafor's caseload")
    with demo_db.session() as session:
        enrolled = session.execute(select(Episode.patient_id).where(
            Episode.patient_id.in_(chosen), Episode.status == "identified", Episode.coordinator == "sam")).scalars()
        assert sorted(enrolled) == sorted(chosen)
    qtbot.waitUntil(lambda: area.model.rowCount() == before - 2)


def test_export_and_stratify_run_in_the_background(qtbot, demo_db, monkeypatch, tmp_path):
    area = make_area(qtbot, demo_db)
    area.tier.setCurrentIndex(area.tier.findText("Tier 3: case management"))
    target = tmp_path / "tier3.xlsx"
    monkeypatch.setattr(area_module.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    messages = Messages(monkeypatch)
    area.export_button.click()
    qtbot.waitUntil(lambda: any("Wrote" in m for m in messages.shown), timeout=20000)
    sheet = openpyxl.load_workbook(target)["Risk list"]
    assert sheet.max_row - 1 == area.model.rowCount()
    assert {sheet.cell(row=r, column=9).value for r in range(2, sheet.max_row + 1)} == {3}
    runs_before = risk_service.last_run(demo_db, LOCAL_ADMIN).id
    area.stratify_button.click()
    qtbot.waitUntil(lambda: any("Assessed" in m for m in messages.shown), timeout=30000)
    assert risk_service.last_run(demo_db, LOCAL_ADMIN).id == runs_before + 1
    assert risk_service.last_run(demo_db, LOCAL_ADMIN).assessed_on == clock.today()
