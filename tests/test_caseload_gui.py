"""Caseload flows through the real widgets: enrol, record a contact from the keyboard,
set a goal, close the episode, and watch each worklist update; refusals stay in the
dialog with nothing saved."""


import pytest
from caseload_helpers import SAM, add_people, days_ago
from PySide6.QtCore import QDateTime, Qt, QTime, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCalendarWidget,
    QComboBox,
    QDialog,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTabBar,
    QWidget,
)
from sqlalchemy import func, select

from pcn_assistant.core import clock
from pcn_assistant.gui.areas.caseload import CaseloadArea
from pcn_assistant.gui.areas.patients import PatientsArea
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.person_record.dialogs import to_qdate
from pcn_assistant.services.caseload import episodes, worklists
from pcn_assistant.store.models.caseload import CarePlanGoal, Episode, EpisodeContact


def when_dialog_opens(handler, tries: int = 300):
    """Run ``handler(dialog)`` on the next modal dialog (waiting up to 3 s for it)."""

    def poll() -> None:
        nonlocal tries
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible() or not dialog.isActiveWindow():
            if dialog is not None and dialog.isVisible():
                dialog.activateWindow()
            tries -= 1
            if tries > 0:
                QTimer.singleShot(10, poll)
            return
        try:
            handler(dialog)
        finally:
            if dialog.isVisible() and isinstance(dialog, QDialog) and handler.__name__ != "keep_open":
                dialog.reject()

    QTimer.singleShot(0, poll)


def _count(db, model, *where):
    with db.session() as session:
        return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


@pytest.fixture
def ctx(sqlite_db):
    add_people(sqlite_db, 4)
    return AppContext(db=sqlite_db, actor=SAM)


def _activate(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def _area(qtbot, ctx) -> CaseloadArea:
    area = CaseloadArea(ctx)
    qtbot.addWidget(area)
    area.show()
    return area


def _counts(area):
    return worklists.count_all(area.ctx.db, area.ctx.actor, area.current_filter())


def _open_from_patients(qtbot, ctx, row=0):
    patients = PatientsArea(ctx)
    qtbot.addWidget(patients)
    patients.show()
    patients.table.setCurrentIndex(patients.model.index(row, 0))
    patients.table.setFocus()
    qtbot.keyClick(patients.table, Qt.Key.Key_Return)
    window = patients.window()._person_record_window
    qtbot.addWidget(window)
    return patients, window


def test_enrol_contact_goal_close_and_the_worklists_follow(qtbot, ctx, monkeypatch):
    area = _area(qtbot, ctx)
    assert _counts(area)["caseload"] == 0
    _patients, window = _open_from_patients(qtbot, ctx)
    assert window.isVisible() and window.buttons["enrolButton"].isVisible()
    patient_id = window.record.patient_id

    # Enrol through the dialog, referred 20 days ago.
    def enrol(dialog):
        dialog.referred.setDate(to_qdate(clock.today()).addDays(-20))
        dialog.reasons.item(0).setCheckState(Qt.CheckState.Checked)
        qtbot.keyClicks(dialog.referrer, "Dr Patel (GP)")
        dialog.button_box.button(dialog.button_box.StandardButton.Save).click()

    when_dialog_opens(enrol)
    window.buttons["enrolButton"].click()
    assert window.record.open_episode is not None
    area.refresh()
    assert _counts(area)["caseload"] == 1 and _counts(area)["not_contacted"] == 1

    # Record a contact from the keyboard: Ctrl+N, type F(ace to face), Tab, note, Ctrl+Enter.
    def contact(dialog):
        assert dialog.type_combo.hasFocus()
        qtbot.keyClicks(dialog.type_combo, "f")  # face to face
        assert dialog.type_combo.currentData() == "face_to_face"
        assert dialog.duration.value() == 45
        qtbot.keyClick(dialog.type_combo, Qt.Key.Key_Tab)
        assert dialog.note.hasFocus()
        qtbot.keyClicks(dialog.note, "Talked about the lunch club")
        qtbot.keyClick(dialog.note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    when_dialog_opens(contact)
    _activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert _count(ctx.db, EpisodeContact) == 1
    assert window.record.contacts[0].note == "Talked about the lunch club"
    assert window.record.open_episode.status == "contacted"
    assert window.form.findChild(QWidget, "contactsTable").rowCount() == 1
    qtbot.waitUntil(lambda: _counts(area)["not_contacted"] == 0)

    # Set a goal due for review today: it appears on Due today.
    window.tabs.setCurrentWidget(window.plan_tab)

    def goal(dialog):
        dialog.description.setPlainText("Go to the lunch club every Tuesday")
        dialog.review.setDate(to_qdate(clock.today()))
        dialog.button_box.button(dialog.button_box.StandardButton.Save).click()

    when_dialog_opens(goal)
    window.plan_tab.add_goal_button.click()
    assert window.plan_tab.goals.topLevelItemCount() == 1
    assert _count(ctx.db, CarePlanGoal) == 1
    assert _counts(area)["due_today"] == 1

    # Close the episode with a reason: off the caseload and off every worklist.
    def close(dialog):
        dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("closed"))
        dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("goals_met"))
        dialog.button_box.button(dialog.button_box.StandardButton.Save).click()

    when_dialog_opens(close)
    window.buttons["statusButton"].click()
    assert window.record.open_episode is None and window.buttons["enrolButton"].isVisible()
    assert all(value == 0 for key, value in _counts(area).items() if key != "tier3")
    assert "Caseload" in area.worklist_list.item(0).text() and "(0)" in area.worklist_list.item(0).text()
    with ctx.db.session() as session:
        assert session.execute(select(Episode.close_reason).where(Episode.patient_id == patient_id)).scalar() \
            == "goals_met"


def test_future_contact_is_refused_in_the_dialog_and_nothing_saved(qtbot, ctx):
    _patients, window = _open_from_patients(qtbot, ctx)
    episodes.enrol_patient(ctx.db, SAM, window.record.patient_id, coordinator="sam", referral_source="gp",
                           referred_on=days_ago(5))
    window.reload()
    seen = {}

    def future(dialog):
        dialog.when_edit.setDateTime(QDateTime(to_qdate(clock.today()), QTime(9, 0)).addDays(2))
        qtbot.keyClicks(dialog.note, "Not yet")
        dialog.accept()
        seen["open"] = dialog.isVisible()
        seen["error"] = dialog.error_label.text() if dialog.error_label.isVisible() else ""
        seen["kept"] = dialog.note.toPlainText()

    when_dialog_opens(future)
    window.new_contact()
    assert seen["open"] and "in the future" in seen["error"] and seen["kept"] == "Not yet"
    assert _count(ctx.db, EpisodeContact) == 0


def test_end_before_start_and_second_open_episode_are_refused_in_the_dialog(qtbot, ctx):
    _patients, window = _open_from_patients(qtbot, ctx)
    patient_id = window.record.patient_id
    seen = {}

    def enrol_twice(dialog):
        # Someone else enrols the person while this dialog is open.
        episodes.enrol_patient(ctx.db, SAM, patient_id, coordinator="priya", referral_source="self",
                               referred_on=days_ago(3))
        dialog.accept()
        seen["enrol"] = (dialog.isVisible(), dialog.error_label.text())

    when_dialog_opens(enrol_twice)
    window.enrol()
    assert seen["enrol"][0] and "already has an open episode" in seen["enrol"][1]
    assert _count(ctx.db, Episode) == 1
    window.reload()

    def close_early(dialog):
        dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("closed"))
        dialog.date_edit.setDate(to_qdate(clock.today()).addDays(-10))
        dialog.accept()
        seen["close"] = (dialog.isVisible(), dialog.error_label.text())

    when_dialog_opens(close_early)
    window.change_status()
    assert seen["close"][0] and "before the referral date" in seen["close"][1]
    assert _count(ctx.db, Episode, Episode.status == "closed") == 0


def test_three_unsuccessful_attempts_offer_to_close(qtbot, ctx, monkeypatch):
    _patients, window = _open_from_patients(qtbot, ctx)
    episodes.enrol_patient(ctx.db, SAM, window.record.patient_id, coordinator="sam", referral_source="gp",
                           referred_on=days_ago(5))
    window.reload()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Yes)

    def attempt(dialog):
        dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("unsuccessful"))
        dialog.accept()

    for _ in range(3):
        when_dialog_opens(attempt)
        window.new_contact()
    assert len(asked) == 1 and "3 unsuccessful attempts" in asked[0]
    with ctx.db.session() as session:
        assert session.execute(select(Episode.close_reason)).scalar_one() == "could_not_contact"


def test_worklist_opens_records_and_next_person_walks_the_list(qtbot, ctx):
    people = add_people(ctx.db, 3)
    for pid in people:
        episodes.enrol_patient(ctx.db, SAM, pid, coordinator="sam", referral_source="gp", referred_on=days_ago(2))
    area = _area(qtbot, ctx)
    assert area.model.total == 3
    area.table.setCurrentIndex(area.model.index(0, 0))
    area.table.setFocus()
    qtbot.keyClick(area.table, Qt.Key.Key_Return)
    window = area.window()._person_record_window
    qtbot.addWidget(window)
    first = window.record.patient_id
    assert first == area.model.row_object(0).patient_id
    _activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert window.record.patient_id == area.model.row_object(1).patient_id
    assert area.table.currentIndex().row() == 1
    qtbot.keyClick(window, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert window.record.patient_id == first

    # Reassign the selected rows to another coordinator in one action.
    area.table.selectAll()

    def reassign(dialog):
        dialog.coordinator.setEditText("priya")
        dialog.accept()

    when_dialog_opens(reassign)
    area.reassign_button.click()
    with ctx.db.session() as session:
        assert set(session.execute(select(Episode.coordinator)).scalars()) == {"priya"}
    assert area.model.total == 0  # "my caseload" (sam) is empty now
    area.tabs.setCurrentIndex(1)
    texts = [area.coordinator_table.item(r, 0).text() for r in range(area.coordinator_table.rowCount())]
    assert any("priya" in t for t in texts)


def _inside(widget, kinds) -> bool:
    parent = widget.parent()
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent()
    return False


def test_every_control_has_an_accessible_name(qtbot, ctx):
    from pcn_assistant.gui.person_record.dialogs import ContactDialog, EnrolDialog, StatusDialog
    from pcn_assistant.gui.person_record.plan_dialogs import (
        ActionDialog,
        FlagDialog,
        GoalDialog,
        ReassignDialog,
        ReviewDialog,
        TaskDialog,
    )
    from pcn_assistant.services.caseload.person import open_person

    area = _area(qtbot, ctx)
    _patients, window = _open_from_patients(qtbot, ctx)
    pid = window.record.patient_id
    from pcn_assistant.services.caseload import plans

    saved = episodes.enrol_patient(ctx.db, SAM, pid, coordinator="sam", referral_source="gp",
                                   referred_on=days_ago(5))
    plans.add_goal(ctx.db, SAM, saved.episode_id, description="Walk")
    record = open_person(ctx.db, SAM, pid)
    episode = record.open_episode
    goal = record.plan.goals[0]
    widgets = [area, window,
               ContactDialog(ctx, episode, "x"), StatusDialog(ctx, episode), EnrolDialog(ctx, pid, "x", [("sam", "Sam")]),
               GoalDialog(ctx, episode.id), ActionDialog(ctx, goal), FlagDialog(ctx, pid),
               TaskDialog(ctx, episode.id, "x", [("sam", "Sam")], "sam"), ReviewDialog(ctx, episode.id, 1, None),
               ReassignDialog(ctx, [episode.id], [("sam", "Sam")])]
    kinds = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QAbstractItemView)
    for top in widgets:
        qtbot.addWidget(top)
        for control in top.findChildren(QWidget):
            if not isinstance(control, kinds) or control.parent() is None:
                continue
            if _inside(control, (QComboBox, QAbstractSpinBox, QCalendarWidget, QLineEdit, QTabBar)):
                continue  # the editor or popup inside a combo box or spin box: its owner carries the name
            if isinstance(control, QHeaderView) or control.objectName().startswith("qt_"):
                continue
            name = control.accessibleName() or (control.text() if isinstance(control, QAbstractButton) else "")
            assert name.strip(), f"{type(top).__name__}: {type(control).__name__} {control.objectName()!r} in {type(control.parent()).__name__}"


def test_contact_dialog_tab_order_follows_reading_order(qtbot, ctx):
    from pcn_assistant.gui.person_record.dialogs import ContactDialog
    from pcn_assistant.services.caseload.person import open_person

    (pid,) = add_people(ctx.db, 1)
    episodes.enrol_patient(ctx.db, SAM, pid, coordinator="sam", referral_source="gp", referred_on=clock.today())
    dialog = ContactDialog(ctx, open_person(ctx.db, SAM, pid).open_episode, "x")
    qtbot.addWidget(dialog)
    order, widget = [], dialog.type_combo
    for _ in range(4):
        order.append(widget.objectName())
        widget = widget.nextInFocusChain()
        while not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or widget.objectName() in ("", "qt_spinbox_lineedit"):
            widget = widget.nextInFocusChain()
    assert order == ["typeCombo", "noteEdit", "durationSpin", "whenEdit"]
    assert dialog.when_edit.dateTime().date() == to_qdate(clock.today())


def test_export_from_the_worklists_runs_in_the_background(qtbot, ctx, tmp_path, monkeypatch):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    for pid in add_people(ctx.db, 2):
        episodes.enrol_patient(ctx.db, SAM, pid, coordinator="sam", referral_source="gp", referred_on=days_ago(2))
    area = _area(qtbot, ctx)
    out = tmp_path / "mdt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    area.export_button.click()
    qtbot.waitUntil(lambda: bool(told), timeout=10_000)
    assert "2 open episodes" in told[0]
    assert load_workbook(tmp_path / "mdt.xlsx")["Caseload"].max_row == 3
    assert area.export_button.isEnabled()
