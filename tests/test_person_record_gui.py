"""The PRSB record screens driven through real widgets: About me, appointments and
signposting, My day, and MYCaW in the outcome dialog (pytest-qt, offscreen)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit
from referrals_world import WORKER, build_world

from pcn_assistant.core import clock
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.person_record import about_dialogs as dialogs
from pcn_assistant.gui.person_record.field_dialog import FieldDialog
from pcn_assistant.services.person_record import about_me, appointments, consent, signposting
from pcn_assistant.services.security import ADMIN, Actor


@pytest.fixture
def world_ctx(sqlite_db):
    from pcn_assistant.store.models.users import User

    world = build_world(sqlite_db)
    with sqlite_db.transaction() as session:  # so screens can show "Sam Okafor", never the login
        session.add(User(login="sam", display_name="Sam Okafor", role=WORKER.role, password_hash="x"))
    return world, AppContext(db=sqlite_db, actor=WORKER)


def _choose(combo: QComboBox, key: str) -> None:
    combo.setCurrentIndex(combo.findData(key))


def test_requirements_dialog_saves_and_the_banner_shows_them(qtbot, world_ctx):
    from pcn_assistant.gui.person_record.window import PersonRecordWindow

    world, ctx = world_ctx
    dialog = dialogs.requirements_dialog(ctx, world.patients[0], about_me.Requirements(), None)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.widgets["communication_needs"], "Large print")
    dialog.widgets["interpreter_needed"].setChecked(True)
    qtbot.keyClicks(dialog.widgets["language"], "Polish")
    _choose(dialog.widgets["contact_method"], "phone")
    dialog.accept()
    assert dialog.result() == 1
    window = PersonRecordWindow(ctx, [])
    qtbot.addWidget(window)
    window.show_person(world.patients[0])
    assert window.needs_label.isVisibleTo(window)
    assert "Needs an interpreter (Polish)" in window.needs_label.text()
    assert "Large print" in window.needs_label.accessibleName()


def test_a_refused_save_keeps_the_dialog_and_what_was_typed(qtbot, world_ctx):
    world, ctx = world_ctx
    dialog = dialogs.safeguarding_dialog(ctx, world.patients[0], None)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.widgets["description"], "Son takes pension")
    dialog.accept()  # "who was informed" is mandatory
    assert dialog.result() == 0 and dialog.error_label.isVisibleTo(dialog)
    assert "Who was informed must be filled in" in dialog.error_label.text()
    assert dialog.widgets["description"].toPlainText() == "Son takes pension"
    qtbot.keyClicks(dialog.widgets["informed"], "Practice safeguarding lead")
    _choose(dialog.widgets["category"], "financial")
    dialog.accept()
    assert dialog.result() == 1


def test_escape_closes_a_form_without_saving(qtbot, world_ctx):
    world, ctx = world_ctx
    dialog = dialogs.signposting_dialog(ctx, world.patients[0], None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.widgets["description"], "Library")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == 0 and not dialog.isVisible()
    assert signposting.list_signposting(ctx.db, WORKER, world.patients[0]) == []


def test_about_me_tab_consent_record_and_withdraw(qtbot, world_ctx, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from pcn_assistant.gui.person_record.tab_about_me import AboutMeTab

    world, ctx = world_ctx
    tab = AboutMeTab(ctx, world.patients[0])
    qtbot.addWidget(tab)
    assert not tab.buttons["withdraw"].isEnabled()

    def fill_consent(dialog: FieldDialog) -> int:
        _choose(dialog.widgets["purpose"], "service")
        _choose(dialog.widgets["method"], "written")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(FieldDialog, "exec", fill_consent)
    tab.record_consent()
    assert tab.consents.rowCount() == 1 and tab.consents.item(0, 0).text() == "the service"
    assert tab.buttons["withdraw"].isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: ("Moved away", True))
    tab.consents.setCurrentCell(0, 0)
    tab.withdraw_consent()
    [row] = consent.list_consents(ctx.db, WORKER, world.patients[0])
    assert row.withdrawn_on == clock.today() and tab.consents.item(0, 4).text() != ""


def test_appointments_tab_books_and_my_day_lists_it(qtbot, world_ctx, monkeypatch):
    from pcn_assistant.gui.areas.my_day import MyDayArea
    from pcn_assistant.gui.person_record.tab_appointments import AppointmentsTab

    world, ctx = world_ctx
    tab = AppointmentsTab(ctx, world.patients[0])
    qtbot.addWidget(tab)

    def fill(dialog: FieldDialog) -> int:
        _choose(dialog.widgets["kind"], "face_to_face")
        dialog.accept()  # no place: refused, dialog stays open
        assert dialog.result() == 0 and "Say where" in dialog.error_label.text()
        qtbot.keyClicks(dialog.widgets["place"], "Library")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(FieldDialog, "exec", fill)
    tab.book()
    assert tab.appointments.rowCount() == 1 and tab.appointments.item(0, 4).text() == "Sam Okafor"
    area = MyDayArea(ctx)
    qtbot.addWidget(area)
    area.day.setDate(area.day.date().addDays(1))
    assert area.table.rowCount() == 1 and area.table.item(0, 2).text() == "FAMILY0, Person0"
    assert area.summary.text().startswith("1 booked")


def test_outcome_dialog_takes_mycaw_concerns(qtbot, world_ctx):
    from pcn_assistant.gui.referrals.outcome_dialog import OutcomeDialog

    world, ctx = world_ctx
    dialog = OutcomeDialog(ctx, world.patients[0], "Person0", world.episodes[0])
    qtbot.addWidget(dialog)
    assert not dialog.concerns_box.isVisibleTo(dialog)
    _choose(dialog.instrument, "mycaw")
    assert dialog.concerns_box.isVisibleTo(dialog)
    assert sum(1 for spin in dialog.items if spin.isVisibleTo(dialog)) == 3
    for spin, value in zip(dialog.items, (5, 3, 4), strict=False):
        spin.setValue(value)
    dialog.accept()
    assert "first concern" in dialog.error_label.text()
    qtbot.keyClicks(dialog.findChild(QLineEdit, "concern1Edit"), "Lonely since my wife died")
    dialog.accept()
    assert dialog.result() == 1 and dialog.result_value.score == 4.0


def test_admin_sees_no_appointments_area(qtbot, sqlite_db):
    from pcn_assistant.gui.areas import visible_areas

    keys = [a.key for a in visible_areas(AppContext(db=sqlite_db, actor=Actor("root", ADMIN)))]
    assert "my_day" not in keys
    assert "my_day" in [a.key for a in visible_areas(AppContext(db=sqlite_db, actor=WORKER))]


def test_appointment_service_round_trip_through_my_day_export(qtbot, world_ctx, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from pcn_assistant.gui.areas.my_day import MyDayArea

    world, ctx = world_ctx
    start = clock.now().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=3)
    appointments.book(ctx.db, WORKER, world.patients[1], starts_at=start, kind="phone")
    area = MyDayArea(ctx)
    qtbot.addWidget(area)
    target = tmp_path / "mine.ics"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    shown = {}
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: shown.setdefault("text", text))
    area.export_ics()
    assert target.exists() and "BEGIN:VEVENT" in target.read_text(encoding="utf-8")
    assert shown["text"].startswith("1 appointment from")


def test_review_goal_from_the_plan_tab(qtbot, world_ctx, monkeypatch):
    from pcn_assistant.gui.person_record.window import PersonRecordWindow
    from pcn_assistant.services.caseload import plans

    world, ctx = world_ctx
    plans.save_plan(ctx.db, WORKER, world.episodes[0], what_matters="Company", strengths="", needs="")
    plans.add_goal(ctx.db, WORKER, world.episodes[0], description="Join the walking group", importance=7)
    window = PersonRecordWindow(ctx, [])
    qtbot.addWidget(window)
    window.show_person(world.patients[0])
    plan_tab = window.plan_tab
    assert plan_tab.review_goal_button.isEnabled()

    def fill(dialog: FieldDialog) -> int:
        dialog.widgets["confidence"].setValue(8)
        _choose(dialog.widgets["outcome"], "achieved")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(FieldDialog, "exec", fill)
    plan_tab.review_goal()
    item = plan_tab.goals.topLevelItem(0)
    assert item.text(1) == "Achieved" and item.text(3) == "importance 7/10, confidence 8/10, achieved"


def test_caseload_area_filters_by_household(qtbot, world_ctx):
    from pcn_assistant.gui.areas.caseload import CaseloadArea

    world, ctx = world_ctx
    about_me.save_context(ctx.db, WORKER, world.patients[2], about_me.Context(lives_alone=True))
    area = CaseloadArea(ctx)
    qtbot.addWidget(area)
    qtbot.waitUntil(lambda: area.model is not None and area.model.rowCount() == 4, timeout=5000)
    _choose(area.household_combo, "lives_alone")
    qtbot.waitUntil(lambda: area.model.rowCount() == 1, timeout=5000)
    row = area.model.data(area.model.index(0, 0), Qt.ItemDataRole.UserRole)
    assert row.patient_id == world.patients[2]
