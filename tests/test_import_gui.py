"""The Imports area and the mapping dialog, driven as a user would (pytest-qt)."""

import csv

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from pcn_assistant.gui.areas.import_mapping import MappingDialog
from pcn_assistant.gui.areas.imports import ImportsArea
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.main_window import MainWindow
from pcn_assistant.services.patient_import import inspect_file
from pcn_assistant.services.patient_import.mapping import save_profile
from pcn_assistant.services.security import LOCAL_ADMIN
from tests.import_samples import add_practices, nhs, patients, person, table_counts, write_csv


@pytest.fixture
def area(qtbot, sqlite_db):
    add_practices(sqlite_db)
    widget = ImportsArea(AppContext(db=sqlite_db, actor=LOCAL_ADMIN))
    qtbot.addWidget(widget)
    widget.show()
    return widget


def accept_dialog(monkeypatch, adjust=None):
    """Make the mapping dialog accept at once (after ``adjust(dialog)``), and keep it for checks."""
    seen = {}

    def exec_(dialog):
        seen["dialog"] = dialog
        if adjust:
            adjust(dialog)
        return MappingDialog.DialogCode.Accepted if dialog.ok_button.isEnabled() else MappingDialog.DialogCode.Rejected

    monkeypatch.setattr(MappingDialog, "exec", exec_)
    return seen


def test_imports_area_is_in_the_window_for_admins(qtbot, demo_db):
    window = MainWindow(AppContext(db=demo_db, actor=LOCAL_ADMIN))
    qtbot.addWidget(window)
    area = window.show_area("imports")
    assert isinstance(area, ImportsArea)
    assert area.history.total >= 1  # the demo population went in through the import
    for widget in area.findChildren(QWidget):
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(area) and widget.objectName():
            assert widget.accessibleName() or getattr(widget, "text", lambda: "")(), widget.objectName()


def test_import_flow_with_problems_saved_as_csv(qtbot, area, tmp_path, monkeypatch):
    seen = accept_dialog(monkeypatch)
    monkeypatch.setattr(ImportsArea, "ask_create_practices", lambda self, codes: False)
    path = write_csv(tmp_path / "emis.csv", [person(0), person(1, dob="31/02/1950"), person(2, practice="Y12345")],
                     title_lines=("Over 65s search",))
    area.file_edit.setText(str(path))
    qtbot.mouseClick(area.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: area.last_result is not None, timeout=30_000)
    result = area.last_result
    assert (result.inserted, result.rejected) == (1, 2)
    dialog = seen["dialog"]
    assert dialog.mapping()["Gender"] == "sex" and "Ready" in dialog.status.text()
    assert "Imported emis.csv" in area.result_label.text()
    assert area.problems.rowCount() == 2
    assert area.problems.data(area.problems.index(0, 0)) == 4
    assert area.problems.data(area.problems.index(0, 3)) == "Not a real date"
    assert area.history.total == 1 and area.save_rejected_button.isEnabled()

    out = tmp_path / "problems.csv"
    area.save_problems(str(out))
    with open(out, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Row", "Column", "Value", "Problem"] and rows[1][:3] == ["4", "Date of Birth", "31/02/1950"]
    rejected = tmp_path / "rejected.csv"
    area.save_rejected(str(rejected))
    with open(rejected, newline="", encoding="utf-8-sig") as handle:
        fixed = list(csv.DictReader(handle))
    assert [r["NHS Number"] for r in fixed] == [nhs(1), nhs(2)] and "Practice Y12345" in fixed[1]["Problems"]


def test_past_import_shows_its_rejected_rows(qtbot, area, tmp_path, monkeypatch):
    accept_dialog(monkeypatch)
    area.file_edit.setText(str(write_csv(tmp_path / "a.csv", [person(0), person(1, sex="?")])))
    area.start_import()
    qtbot.waitUntil(lambda: area.last_result is not None, timeout=30_000)
    area.last_result = None
    area.file_edit.setText(str(write_csv(tmp_path / "b.csv", [person(2)])))
    area.start_import()
    qtbot.waitUntil(lambda: area.last_result is not None, timeout=30_000)
    assert area.problems.rowCount() == 0 and area.history.total == 2
    area.history_table.selectRow(1)  # the older import, with its problem
    qtbot.waitUntil(lambda: area.problems.rowCount() == 1)
    assert area.problems.data(area.problems.index(0, 1)) == "Gender"
    assert area.problems.data(area.problems.index(0, 2)) == "?"
    assert "Import #" in area.result_label.text()


def test_unknown_practices_created_when_the_user_says_yes(qtbot, area, tmp_path, monkeypatch):
    accept_dialog(monkeypatch)
    asked = []
    monkeypatch.setattr(ImportsArea, "ask_create_practices", lambda self, codes: asked.append(codes) or True)
    area.file_edit.setText(str(write_csv(tmp_path / "x.csv", [person(0, practice="Y55555")])))
    area.start_import()
    qtbot.waitUntil(lambda: area.last_result is not None, timeout=30_000)
    assert asked == [["Y55555"]] and area.last_result.inserted == 1
    assert area.practice_combo.findData("Y55555") > 0


def test_strict_refusal_lists_problems_and_changes_nothing(qtbot, area, tmp_path, monkeypatch):
    accept_dialog(monkeypatch)
    before = table_counts(area.ctx.db)
    area.strict_check.setChecked(True)
    area.file_edit.setText(str(write_csv(tmp_path / "x.csv", [person(0), person(1, sex="")])))
    area.start_import()
    qtbot.waitUntil(lambda: area.last_result is not None, timeout=30_000)
    assert "Strict import refused" in area.result_label.text()
    assert area.problems.rowCount() == 1 and not area.save_rejected_button.isEnabled()
    assert table_counts(area.ctx.db) == before


def test_cancel_changes_nothing(qtbot, area, tmp_path, monkeypatch):
    before = table_counts(area.ctx.db)
    path = write_csv(tmp_path / "x.csv", [person(i) for i in range(200)])
    from pcn_assistant.services.patient_import import ImportOptions

    area._run(str(path), "patients", ImportOptions())
    area.task.cancel()
    qtbot.waitUntil(lambda: area.import_button.isEnabled() and area.task.done, timeout=30_000)
    assert area.result_label.text() == "Import cancelled: nothing was changed."
    assert table_counts(area.ctx.db) == before


def test_a_missing_file_is_explained(qtbot, area, monkeypatch):
    said = []
    monkeypatch.setattr("pcn_assistant.gui.areas.imports.QMessageBox.warning", lambda *a: said.append(a[2]))
    area.file_edit.setText("/nowhere/at/all.csv")
    area.start_import()
    assert said and "There is no file" in said[0]


def test_mapping_dialog_checks_required_fields_and_saves(qtbot, sqlite_db, tmp_path):
    add_practices(sqlite_db)
    header = ["Pt Ident", "Born", "M/F", "Practice", "Notes"]
    path = write_csv(tmp_path / "odd.csv", [[nhs(0), "03/07/1941", "F", "Y90001", "x"]], header=header)
    save_profile(sqlite_db, LOCAL_ADMIN, "Odd", "patients", {"Pt Ident": "nhs_number", "Born": "date_of_birth"})
    preview = inspect_file(sqlite_db, LOCAL_ADMIN, path)
    dialog = MappingDialog(preview, "patients")
    qtbot.addWidget(dialog)
    assert preview.profile == "Odd" and dialog.profile_combo.currentData() == "Odd"
    assert not dialog.ok_button.isEnabled() and "Still needed: Sex" in dialog.status.text()
    sex = dialog.combos["M/F"]
    sex.setCurrentIndex(sex.findData("sex"))
    assert dialog.ok_button.isEnabled() and dialog.mapping()["Born"] == "date_of_birth"
    assert dialog.combos["Notes"].currentData() == ""
    assert dialog.preview_table.horizontalHeaderItem(2).text() == "M/F\n→ Sex"
    assert dialog.preview_table.rowCount() == 1 and dialog.preview_table.item(0, 0).text() == nhs(0)
    dialog.combos["Notes"].setCurrentIndex(dialog.combos["Notes"].findData("sex"))
    assert not dialog.ok_button.isEnabled() and "comes from two columns" in dialog.status.text()
    dialog.combos["Notes"].setCurrentIndex(0)
    dialog.save_check.setChecked(True)
    dialog.name_edit.clear()
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "Odd v2")
    assert dialog.save_name() == "Odd v2" and dialog.ok_button.isEnabled()
    dialog.profile_combo.setCurrentIndex(0)  # back to suggestions: "Pt Ident" is no known name
    assert dialog.mapping()["Practice"] == "practice_code" and dialog.mapping()["Pt Ident"] == ""
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "&Import"


def test_dialog_import_with_a_saved_mapping_end_to_end(qtbot, area, tmp_path, monkeypatch):
    header = ["Pt Ident", "Born", "M/F", "Surgery"]
    path = write_csv(tmp_path / "odd.csv", [[nhs(0), "03/07/1941", "F", "Y90001"]], header=header)

    def choose(dialog):
        for source, key in (("Pt Ident", "nhs_number"), ("Born", "date_of_birth"), ("M/F", "sex"),
                            ("Surgery", "practice_code")):
            dialog.combos[source].setCurrentIndex(dialog.combos[source].findData(key))
        dialog.save_check.setChecked(True)
        dialog.name_edit.setText("Surgery report")

    accept_dialog(monkeypatch, choose)
    # An unknown header needs a saved mapping before the header row can be found at all.
    save_profile(area.ctx.db, LOCAL_ADMIN, "Seed", "patients", {"Pt Ident": "nhs_number", "Born": "date_of_birth"})
    area.file_edit.setText(str(path))
    area.start_import()
    qtbot.waitUntil(lambda: area.last_result is not None, timeout=30_000)
    assert area.last_result.inserted == 1 and nhs(0) in patients(area.ctx.db)
    from pcn_assistant.services.patient_import.mapping import list_profiles

    assert "Surgery report" in [p.name for p in list_profiles(area.ctx.db, LOCAL_ADMIN)]
