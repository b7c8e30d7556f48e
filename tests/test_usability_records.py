"""Issue 17, the link worker's screens: the contact dialog keeps the note, the referral
dialog shows whole lines and says what happens next, names are display names, the
banner's dates are right, and Escape closes the record and its dialogs."""

from __future__ import annotations

import pytest
from caseload_helpers import SAM, add_people, days_ago
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.person_record.dialogs import ContactDialog
from pcn_assistant.services.caseload import episodes
from pcn_assistant.services.caseload.person import open_person
from pcn_assistant.store.models.caseload import EpisodeContact


@pytest.fixture
def ctx(sqlite_db):
    return AppContext(db=sqlite_db, actor=SAM)


def _contacts(db) -> list[EpisodeContact]:
    with db.session() as session:
        return list(session.execute(select(EpisodeContact)).scalars())


def _enrolled(ctx) -> int:
    (pid,) = add_people(ctx.db, 1)
    episodes.enrol_patient(ctx.db, SAM, pid, coordinator="sam", referral_source="gp", referred_on=days_ago(3))
    return pid


def _contact_dialog(qtbot, ctx) -> ContactDialog:
    pid = _enrolled(ctx)
    dialog = ContactDialog(ctx, open_person(ctx.db, SAM, pid).open_episode, "Alex Person")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _key(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press delivered where the user's focus is, as a keyboard would."""
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def test_readme_contact_recipe_saves_the_note(qtbot, ctx):
    """README: type a letter for the type, Tab, a note, Ctrl+Enter."""
    dialog = _contact_dialog(qtbot, ctx)
    assert dialog.type_combo.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "p")
    _key(qtbot, Qt.Key.Key_Tab)
    assert dialog.note.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "Went well, going to the lunch club")
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    saved = _contacts(ctx.db)
    assert not dialog.error_label.isVisible(), dialog.error_label.text()
    assert len(saved) == 1 and saved[0].note == "Went well, going to the lunch club"
    assert saved[0].contact_type == "phone" and not dialog.isVisible()


def test_words_typed_into_duration_are_not_lost_silently(qtbot, ctx):
    dialog = _contact_dialog(qtbot, ctx)
    _key(qtbot, Qt.Key.Key_Tab)
    _key(qtbot, Qt.Key.Key_Tab)
    assert dialog.duration.hasFocus()
    qtbot.keyClicks(QApplication.focusWidget(), "Went well")
    assert dialog.error_label.isVisible() and "Duration" in dialog.error_label.text()
    _key(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert _contacts(ctx.db) == [] and dialog.isVisible()
    assert "Went well".replace(" ", "") in dialog.error_label.text().replace(" ", "")
    # Putting it right (Backspace in the field, the words in the note) lets it save.
    _key(qtbot, Qt.Key.Key_Backspace)
    assert not dialog.error_label.isVisible()
    qtbot.keyClicks(QApplication.focusWidget(), "30")
    qtbot.keyClicks(dialog.note, "Went well")
    dialog.accept()
    assert [c.note for c in _contacts(ctx.db)] == ["Went well"]


def test_contact_tab_order_is_type_note_duration(qtbot, ctx):
    _contact_dialog(qtbot, ctx)
    seen = []
    for _ in range(3):
        seen.append(QApplication.focusWidget())
        _key(qtbot, Qt.Key.Key_Tab)
    names = [w.objectName() if w.objectName() != "qt_spinbox_lineedit" else w.parent().objectName()
             for w in seen]
    assert names == ["typeCombo", "noteEdit", "durationSpin"]



def _record(qtbot, ctx, pid: int):
    from pcn_assistant.gui.person_record import PERSON_RECORD_TABS, load_tab_plugins
    from pcn_assistant.gui.person_record.window import PersonRecordWindow

    load_tab_plugins()
    window = PersonRecordWindow(ctx, PERSON_RECORD_TABS)
    qtbot.addWidget(window)
    window.show_person(pid)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_escape_closes_the_person_record(qtbot, ctx):
    window = _record(qtbot, ctx, _enrolled(ctx))
    assert window.isVisible()
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    assert not window.isVisible()


def test_escape_asks_before_dropping_typed_plan_text(qtbot, ctx, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window = _record(qtbot, ctx, _enrolled(ctx))
    window.tabs.setCurrentWidget(window.plan_tab)
    qtbot.keyClicks(window.plan_tab.what_matters, "Getting back to the allotment")
    answers = iter([QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: next(answers))
    qtbot.keyClick(window.plan_tab.what_matters, Qt.Key.Key_Escape)
    assert window.isVisible()  # Cancel: still open, text still there
    assert window.plan_tab.what_matters.toPlainText() == "Getting back to the allotment"
    qtbot.keyClick(window.plan_tab.what_matters, Qt.Key.Key_Escape)
    assert not window.isVisible()
    assert open_person(ctx.db, SAM, window.record.patient_id).plan.what_matters == "Getting back to the allotment"


def test_escape_closes_every_dialog(qtbot, ctx):
    from pcn_assistant.gui.help import HelpWindow
    from pcn_assistant.gui.person_record.dialogs import EnrolDialog, StatusDialog
    from pcn_assistant.gui.person_record.plan_dialogs import FlagDialog, GoalDialog, TaskDialog

    pid = _enrolled(ctx)
    episode = open_person(ctx.db, SAM, pid).open_episode
    dialogs = [ContactDialog(ctx, episode, "x"), StatusDialog(ctx, episode),
               EnrolDialog(ctx, pid, "x", [("sam", "Sam Okafor")]), GoalDialog(ctx, episode.id),
               TaskDialog(ctx, episode.id, "x", [("sam", "Sam Okafor")], "sam"), FlagDialog(ctx, pid),
               HelpWindow("index.html", "Guide")]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        qtbot.keyClick(QApplication.focusWidget() or dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible(), type(dialog).__name__


@pytest.mark.parametrize("role, heading", [("link_worker", "Link worker"), ("practice_manager", "Practice manager"),
                                           ("clinical_director", "Clinical director"), ("admin", "Administrator")])
def test_help_opens_the_guide_for_the_role_and_the_shortcuts(qtbot, sqlite_db, role, heading):
    from pcn_assistant.gui.main_window import MainWindow
    from pcn_assistant.services.security import Actor

    actor = Actor(name="someone", role=role, practice_code="A12345" if role == "practice_manager" else None)
    add_people(sqlite_db, 1)
    window = MainWindow(AppContext(db=sqlite_db, actor=actor))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=15_000)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(window, "help_window", None) is not None, timeout=15_000)
    guide = window.help_window
    assert guide.isVisible() and heading in guide.browser.toPlainText()
    qtbot.keyClick(guide.browser, Qt.Key.Key_Escape)
    assert not guide.isVisible()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=15_000)
    qtbot.keyClick(window, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)
    text = window.help_window.browser.toPlainText()
    assert "Keyboard shortcuts" in text and "Ctrl+N" in text and "Ctrl+Shift+L" in text


@pytest.fixture
def referral_world(sqlite_db):
    from referrals_world import WORKER, build_world

    from pcn_assistant.core import clock
    from pcn_assistant.services.referrals.lifecycle import NewReferral, create_referrals

    world = build_world(sqlite_db)
    for person in (1, 2, 3):  # Knit and Natter: both places taken, one waiting
        create_referrals(sqlite_db, WORKER, world.episodes[person], NewReferral(
            [world.services["knit"]], "arts", consent_given=True), on=clock.today())
    return world, AppContext(db=sqlite_db, actor=WORKER)


def _referral_dialog(qtbot, referral_world):
    from pcn_assistant.gui.referrals.referral_dialog import ReferralDialog
    from pcn_assistant.services.referrals.queries import open_episode

    world, ctx = referral_world
    dialog = ReferralDialog(ctx, open_episode(ctx.db, ctx.actor, world.patients[0]), None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_referral_list_shows_whole_names_and_capacity(qtbot, referral_world):
    dialog = _referral_dialog(qtbot, referral_world)
    services = dialog.services
    metrics = services.fontMetrics()
    bold = services.font()
    bold.setBold(True)
    texts = []
    for index in range(services.count()):
        item = services.item(index)
        rect = services.visualItemRect(item)
        lines = item.text().split("\n")
        texts.append(item.text())
        assert rect.height() >= len(lines) * metrics.height()
        assert all(metrics.horizontalAdvance(line) + 30 <= rect.width() for line in lines), (lines, rect.width())
    knit = next(t for t in texts if t.startswith("Knit and Natter"))
    assert "FULL: 2 of 2 places, 1 waiting; a referral joins the waiting list" in knit


def test_referral_ticked_rows_are_the_highlighted_rows(qtbot, referral_world):
    from PySide6.QtGui import QPalette

    world, _ctx = referral_world
    dialog = _referral_dialog(qtbot, referral_world)
    services = dialog.services
    second = services.item(1)
    qtbot.mouseClick(services.viewport(), Qt.MouseButton.LeftButton, pos=services.visualItemRect(second).center())
    highlight = services.palette().color(QPalette.ColorRole.Highlight)

    def highlighted() -> list[str]:
        return [services.item(i).text() for i in range(services.count())
                if services.item(i).background().color() == highlight]

    def ticked() -> list[str]:
        return [services.item(i).text() for i in range(services.count())
                if services.item(i).checkState() == Qt.CheckState.Checked]

    assert ticked() == [second.text()] and highlighted() == ticked()
    assert services.selectedItems() == [] and services.currentItem() is second
    qtbot.keyClick(services, Qt.Key.Key_Up)  # moving the keyboard focus highlights nothing new
    assert highlighted() == ticked() == [second.text()]
    qtbot.keyClick(services, Qt.Key.Key_Space)  # Space ticks the focused row
    assert len(ticked()) == 2 and highlighted() == ticked()
    qtbot.keyClicks(dialog.search, "Knit")  # reload: still only the ticked rows highlighted
    assert highlighted() == ticked()


def test_after_saving_a_referral_it_says_what_happens_next(qtbot, referral_world, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from pcn_assistant.gui.person_record.tab_referrals import ReferralsTab
    from pcn_assistant.gui.referrals.referral_dialog import ReferralDialog

    world, ctx = referral_world
    tab = ReferralsTab(ctx, world.patients[0])
    qtbot.addWidget(tab)

    def fill(dialog) -> int:  # noqa: ANN001
        dialog.check_service(world.services["knit"])
        dialog.check_service(world.services["lunch"])
        dialog.consent.setChecked(True)
        dialog.accept()
        return dialog.result()

    told = []
    monkeypatch.setattr(ReferralDialog, "exec", fill)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: told.append(
        (box.text(), [b.text() for b in box.buttons()])) or 0)
    tab.refer()
    text, buttons = told[0]
    assert "Friendship Lunch: sent. Print the slip" in text and "returns workbook" in text
    assert "Knit and Natter: full, so on the waiting list" in text
    assert "Print the &slip…" in buttons


def test_banner_shows_latest_assessment_and_when_the_tier_changed(qtbot, ctx):
    from datetime import date

    from sqlalchemy import update

    from pcn_assistant.services.risk.stratification import stratify
    from pcn_assistant.store.models.risk import RiskAssessment

    pid = add_people(ctx.db, 3)[0]  # the oldest: tier 3 each time
    for on in (date(2024, 11, 1), date(2025, 11, 1), date(2025, 12, 1)):  # the last run changes nothing
        stratify(ctx.db, SAM, as_of=on)
    window = _record(qtbot, ctx, pid)
    assert "assessed 01-Dec-2025, tier 3 since 01-Nov-2024" in window.tier_label.text()
    with ctx.db.transaction() as session:  # as if the person had been tier 2 in 2024
        session.execute(update(RiskAssessment).where(RiskAssessment.patient_id == pid,
                                                     RiskAssessment.assessed_on == date(2024, 11, 1)).values(tier=2))
    window.show_person(pid)
    assert "assessed 01-Dec-2025, tier 3 since 01-Nov-2025" in window.tier_label.text()


def test_colleagues_appear_by_display_name_in_histories_tables_and_charts(qtbot, referral_world, demo_db):
    from pcn_assistant.gui.person_record.tab_referrals import ReferralsTab
    from pcn_assistant.services import auth, users
    from pcn_assistant.services.caseload import contacts
    from pcn_assistant.services.dashboard import build_dashboard
    from pcn_assistant.services.demo.users import demo_password
    from pcn_assistant.services.security import LINK_WORKER, LOCAL_ADMIN

    # The demo dashboard's coordinator table (and so its chart) names people.
    director = auth.authenticate(demo_db, "director", demo_password("director"))
    table = build_dashboard(demo_db, director).section("activity").table("coordinators")
    names = {row[0] for row in table.rows}
    assert "Sam Okafor" in names and not {"sam", "priya", "jo"} & names

    world, ctx = referral_world
    users.add_user(ctx.db, LOCAL_ADMIN, "boss", role="admin", password="quay-lantern-walk-1")
    boss = auth.authenticate(ctx.db, "boss", "quay-lantern-walk-1")
    users.add_user(ctx.db, boss, "sam", role=LINK_WORKER, password="tide-pool-walker-7", display_name="Sam Okafor")
    tab = ReferralsTab(ctx, world.patients[1])  # has a referral recorded by sam
    qtbot.addWidget(tab)
    tab.table.setCurrentCell(0, 0)
    assert tab.events.item(0, 2).text() == "Sam Okafor"

    # A colleague who has left (disabled) is still named in the record's history.
    users.add_user(ctx.db, boss, "priya", role=LINK_WORKER, password="harbour-gull-song-2", display_name="Priya Shah")
    from referrals_world import WORKER

    priya = WORKER.__class__(name="priya", role=LINK_WORKER, display_name="Priya Shah")
    contacts.record_contact(ctx.db, priya, world.episodes[1], contact_at=clock_now(), contact_type="phone", note="x")
    users.disable_user(ctx.db, boss, "priya")
    record = open_person(ctx.db, WORKER, world.patients[1])
    assert record.who("priya") == "Priya Shah"
    assert record.contacts[0].recorded_by == "priya" and record.who(record.contacts[0].recorded_by) == "Priya Shah"


def clock_now():
    from pcn_assistant.core import clock

    return clock.now().replace(second=0, microsecond=0)


def test_typed_plan_text_survives_a_contact_and_is_asked_about_before_the_next_person(qtbot, ctx, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from pcn_assistant.services.caseload import contacts

    first = _enrolled(ctx)
    second = _enrolled(ctx)
    window = _record(qtbot, ctx, first)
    window.tabs.setCurrentWidget(window.plan_tab)
    qtbot.keyClicks(window.plan_tab.needs, "Company on weekday afternoons")
    contacts.record_contact(ctx.db, SAM, window.record.open_episode.id, contact_at=clock_now(),
                            contact_type="phone", note="rang")
    window.reload()  # as after Ctrl+N: the typed plan text is kept
    assert window.plan_tab.needs.toPlainText() == "Company on weekday afternoons"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    window.show_person(second)  # Cancel: stays on the first person, text intact
    assert window.record.patient_id == first and window.plan_tab.unsaved


def test_an_emptied_number_field_blocks_saving(qtbot, ctx):
    dialog = _contact_dialog(qtbot, ctx)
    qtbot.keyClicks(dialog.note, "Phoned")
    dialog.duration.setFocus()
    dialog.duration.selectAll()
    qtbot.keyClick(dialog.duration, Qt.Key.Key_Backspace)  # the field is now empty
    dialog.accept()
    assert _contacts(ctx.db) == [] and "empty or incomplete" in dialog.error_label.text()
    qtbot.keyClicks(dialog.duration, "20")
    dialog.accept()
    assert [(c.note, c.duration_minutes) for c in _contacts(ctx.db)] == [("Phoned", 20)]
