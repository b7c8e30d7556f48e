"""The directory and referral screens driven through their real widgets (pytest-qt, offscreen)."""

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QListWidget, QSpinBox, QWidget
from referrals_world import WORKER, build_world

from pcn_assistant.core import clock
from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.forms import load_form
from pcn_assistant.services.referrals.lifecycle import NewReferral, create_referrals, transition
from pcn_assistant.services.referrals.outcomes import list_measures
from pcn_assistant.services.referrals.queries import ReferralFilter, open_episode, page_referrals

MY_FORMS = ("directory_view.ui", "directory_service_dialog.ui", "referral_dialog.ui", "referral_step_dialog.ui",
            "outcome_dialog.ui", "referrals_view.ui", "person_referrals_tab.ui", "person_outcomes_tab.ui")


@pytest.fixture
def world_ctx(sqlite_db):
    world = build_world(sqlite_db)
    return world, AppContext(db=sqlite_db, actor=WORKER)


@pytest.mark.parametrize("name", MY_FORMS)
def test_every_control_is_named_for_screen_readers(qtbot, name):
    form = load_form(name)
    qtbot.addWidget(form)
    controls = (QLineEdit, QComboBox, QSpinBox, QListWidget, QAbstractButton)
    unnamed = []
    for widget in form.findChildren(QWidget):
        if isinstance(widget, controls) and widget.objectName() and not widget.objectName().startswith("qt_"):
            labelled = widget.accessibleName() or (isinstance(widget, QAbstractButton) and widget.text())
            if not labelled:
                unnamed.append(widget.objectName())
    assert unnamed == []


def test_directory_search_and_manual_add(qtbot, world_ctx, monkeypatch):
    from pcn_assistant.gui.areas.directory import DirectoryArea
    from pcn_assistant.gui.referrals.service_dialog import DirectoryServiceDialog

    _world, ctx = world_ctx
    area = DirectoryArea(ctx)
    qtbot.addWidget(area)
    assert area.count_label.text() == "3 services"
    qtbot.keyClicks(area.search_edit, "knit")
    assert area.count_label.text() == "1 service"
    assert "Knit and Natter" in area.details.toPlainText() and "Tuesday, 10:00-12:00" in area.details.toPlainText()
    area.search_edit.clear()
    area.category_combo.setCurrentIndex(area.category_combo.findData("food"))
    assert area.count_label.text() == "1 service"

    created = {}

    def fake_exec(dialog: DirectoryServiceDialog) -> bool:
        qtbot.keyClicks(dialog.name, "Seafront Litter Pickers")
        dialog.organisation.setCurrentText("Bay Volunteers")
        dialog.days["SA"].setChecked(True)
        for row in range(dialog.categories.count()):
            if dialog.categories.item(row).data(Qt.ItemDataRole.UserRole) == "physical_activity":
                dialog.categories.item(row).setCheckState(Qt.CheckState.Checked)
        dialog.accept()
        created["id"] = dialog.result_value
        return dialog.result() == 1

    monkeypatch.setattr(DirectoryServiceDialog, "exec", fake_exec)
    area.category_combo.setCurrentIndex(0)
    area.add_service()
    assert created["id"] and area.count_label.text() == "4 services"
    area.stale_check.setChecked(True)
    assert area.count_label.text() == "1 service"  # the new one has never been verified
    from pcn_assistant.gui.areas.directory import COLUMN_ORDER

    assert area.model.data(area.model.index(0, COLUMN_ORDER.index("last_verified"))) == "never (stale)"
    assert COLUMN_ORDER.index("categories") == 1  # on screen, beside the name
    assert area.model.data(area.model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == "Seafront Litter Pickers"


def test_service_dialog_refusal_keeps_the_dialog_open(qtbot, world_ctx):
    from pcn_assistant.gui.referrals.service_dialog import DirectoryServiceDialog

    _world, ctx = world_ctx
    dialog = DirectoryServiceDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.organisation.setCurrentText("Somebody")
    dialog.accept()  # no name
    assert dialog.result() == 0 and dialog.error_label.isVisibleTo(dialog)
    assert "needs a name" in dialog.error_label.text()


def test_referral_dialog_needs_consent_then_refers_and_queues(qtbot, world_ctx):
    from pcn_assistant.gui.referrals.referral_dialog import ReferralDialog

    world, ctx = world_ctx
    for person in (1, 2, 3):  # fill Knit and Natter's places (and one waiting)
        create_referrals(ctx.db, WORKER, world.episodes[person], NewReferral(
            [world.services["knit"]], "arts", consent_given=True), on=clock.today())
    episode = open_episode(ctx.db, WORKER, world.patients[0])
    dialog = ReferralDialog(ctx, episode, None)
    qtbot.addWidget(dialog)
    assert dialog.need.currentData() == "befriending"  # from the episode's reason, loneliness
    texts = [dialog.services.item(i).text() for i in range(dialog.services.count())]
    assert any("Knit and Natter" in t and "FULL: 2 of 2 places, 1 waiting" in t for t in texts)
    dialog.check_service(world.services["knit"])
    dialog.check_service(world.services["lunch"])
    assert "joins the waiting list: Knit and Natter" in dialog.summary.text()
    dialog.accept()
    assert dialog.result() == 0 and "agrees" in dialog.error_label.text()
    assert page_referrals(ctx.db, WORKER, ReferralFilter(patient_id=world.patients[0])) == []
    qtbot.mouseClick(dialog.consent, Qt.MouseButton.LeftButton)
    dialog.accept()
    assert dialog.result() == 1
    statuses = {r.service: r.status for r in page_referrals(ctx.db, WORKER, ReferralFilter(patient_id=world.patients[0]))}
    assert statuses == {"Knit and Natter": life.WAITING, "Friendship Lunch": life.SENT}


def test_step_dialog_offers_only_allowed_moves(qtbot, world_ctx):
    from pcn_assistant.gui.referrals.step_dialog import ReferralStepDialog

    world, ctx = world_ctx
    (created,) = create_referrals(ctx.db, WORKER, world.episodes[0], NewReferral(
        [world.services["walk"]], "befriending", consent_given=True), on=clock.today() - timedelta(days=3))
    row = page_referrals(ctx.db, WORKER, ReferralFilter())[0]
    dialog = ReferralStepDialog(ctx, row.id, row.reference, row.status, row.version, "test", None)
    qtbot.addWidget(dialog)
    offered = [dialog.status.itemData(i) for i in range(dialog.status.count())]
    assert offered == [life.ACCEPTED, life.DECLINED, life.WITHDRAWN]
    dialog.accept()
    assert dialog.result() == 1
    assert page_referrals(ctx.db, WORKER, ReferralFilter())[0].status == life.ACCEPTED


def test_referrals_area_lists_chase_and_capacity(qtbot, world_ctx):
    from pcn_assistant.gui.areas.referrals import ReferralsArea

    world, ctx = world_ctx
    (created,) = create_referrals(ctx.db, WORKER, world.episodes[0], NewReferral(
        [world.services["knit"]], "arts", consent_given=True, send=False), on=clock.today() - timedelta(days=30))
    transition(ctx.db, WORKER, created.id, life.SENT, clock.today() - timedelta(days=20))
    area = ReferralsArea(ctx)
    qtbot.addWidget(area)
    assert area.count_label.text() == "1 referral"
    assert area.chase_table.rowCount() == 1 and area.chase_table.item(0, 0).text() == created.reference
    assert area.chase_table.item(0, 5).text() == "20"
    area.chase_table.selectRow(0)
    area.chase_selected()
    assert area.chase_table.item(0, 6).text() != ""  # last chased today
    services = [area.capacity_table.item(r, 0).text() for r in range(area.capacity_table.rowCount())]
    assert "Knit and Natter" in services
    row = services.index("Knit and Natter")
    assert area.capacity_table.item(row, 2).text() == "1 of 2 places"


def test_person_record_tabs_and_outcome_dialog(qtbot, world_ctx):
    from pcn_assistant.gui.person_record import PERSON_RECORD_TABS, load_tab_plugins
    from pcn_assistant.gui.referrals.outcome_dialog import OutcomeDialog

    world, ctx = world_ctx
    load_tab_plugins()
    titles = [title for title, _factory in PERSON_RECORD_TABS]
    assert "Referrals" in titles and "Outcomes" in titles
    create_referrals(ctx.db, WORKER, world.episodes[0], NewReferral(
        [world.services["walk"]], "befriending", consent_given=True), on=clock.today())
    factories = dict(PERSON_RECORD_TABS)
    referrals_tab = factories["Referrals"](ctx, world.patients[0])
    qtbot.addWidget(referrals_tab)
    assert referrals_tab.table.rowCount() == 1 and referrals_tab.events.rowCount() == 2  # draft, sent
    assert referrals_tab.buttons["referButton"].isEnabled()

    dialog = OutcomeDialog(ctx, world.patients[0], "Person0", world.episodes[0], None)
    qtbot.addWidget(dialog)
    assert sum(1 for s in dialog.items if s.isVisibleTo(dialog)) == 7
    for spin in dialog.items[:6]:
        spin.setValue(4)
    dialog.accept()  # the seventh left "Not answered": stored, not scored
    assert dialog.result() == 1
    (stored,) = list_measures(ctx.db, WORKER, world.patients[0])
    assert (stored.complete, stored.score, stored.items[-1]) == (False, None, None)
    dialog.instrument.setCurrentIndex(dialog.instrument.findData("ons4"))
    assert sum(1 for s in dialog.items if s.isVisibleTo(dialog)) == 4
    outcomes_tab = factories["Outcomes"](ctx, world.patients[0])
    qtbot.addWidget(outcomes_tab)
    assert outcomes_tab.table.rowCount() == 1 and "not scored" in outcomes_tab.change.text()
