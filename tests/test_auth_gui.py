"""Sign-in, first user, idle lock, the admin area, the stale-save dialog, and
injection strings typed into every search box of every area."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
)
from sqlalchemy import func, select, text

from pcn_assistant.gui.areas.admin import AdminArea, UserDialog
from pcn_assistant.gui.auth.lock import IdleLockController, LockDialog, _Shade
from pcn_assistant.gui.auth.sign_in import FirstUserDialog, SignInDialog, sign_in
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.main_window import MainWindow
from pcn_assistant.gui.widgets.stale_dialog import StaleChoice, StaleDialog
from pcn_assistant.services import auth, users
from pcn_assistant.services.concurrency import StaleEdit, Version
from pcn_assistant.services.demo.users import demo_password
from pcn_assistant.services.security import ADMIN, LINK_WORKER, LOCAL_ADMIN
from pcn_assistant.store.models import AuditEvent, Patient

INJECTIONS = ("'; DROP TABLE patient; --", "%", "_", "a%b_c", '" OR ""="', "\\", "';")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 9, 0)

    def __call__(self) -> datetime:
        return self.now


def _ok(dialog) -> None:  # noqa: ANN001
    dialog.part(QDialogButtonBox, "buttonBox").button(QDialogButtonBox.StandardButton.Ok).click()


def _users(db):  # noqa: ANN001, ANN202
    users.add_user(db, LOCAL_ADMIN, "boss", role=ADMIN, password="harbour-lights-9", display_name="Bea Boss")
    admin = auth.authenticate(db, "boss", "harbour-lights-9")
    users.add_user(db, admin, "sam", role=LINK_WORKER, password="tide-pool-walker-7", display_name="Sam Okafor")
    return admin


def test_sign_in_dialog(qtbot, sqlite_db):
    _users(sqlite_db)
    dialog = SignInDialog(sqlite_db, login="sam", hint="demo hint")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.part(QLineEdit, "loginEdit").text() == "sam"
    qtbot.keyClicks(dialog.password_edit, "not the password")
    _ok(dialog)
    assert dialog.actor is None and "Wrong user name or password" in dialog.message.text()
    assert dialog.password_edit.text() == ""  # cleared for the next try
    qtbot.keyClicks(dialog.password_edit, "tide-pool-walker-7")
    _ok(dialog)
    assert dialog.result() == SignInDialog.DialogCode.Accepted and dialog.actor.name == "sam"


def test_first_user_offer(qtbot, sqlite_db):
    shown = []

    def run(dialog) -> int:  # noqa: ANN001
        shown.append(dialog)
        assert isinstance(dialog, FirstUserDialog)
        qtbot.keyClicks(dialog.login_edit, "alex")
        qtbot.keyClicks(dialog.display_name_edit, "Alex Morgan")
        qtbot.keyClicks(dialog.password_edit, "beacon-keeper-5")
        qtbot.keyClicks(dialog.repeat_edit, "alex-passwordX")
        _ok(dialog)
        assert "different" in dialog.message.text()
        dialog.repeat_edit.setText("beacon-keeper-5")
        _ok(dialog)
        return dialog.result()

    actor = sign_in(sqlite_db, run=run)
    assert actor.name == "alex" and actor.role == ADMIN and not actor.unrestricted
    assert auth.has_users(sqlite_db)
    # Now there are users: the sign-in dialog is shown, and quitting it means no actor.
    assert sign_in(sqlite_db, run=lambda dialog: 0) is None


def test_first_user_can_be_declined(qtbot, tmp_path):
    from pcn_assistant.services.database import open_database

    db = open_database(tmp_path / "fresh.db")
    try:
        assert sign_in(db, run=lambda dialog: dialog.reject() or 0) is LOCAL_ADMIN
    finally:
        db.dispose()


def test_idle_lock_covers_the_window_and_needs_the_same_password(qtbot, sqlite_db):
    _users(sqlite_db)
    sam = auth.authenticate(sqlite_db, "sam", "tide-pool-walker-7")
    window = MainWindow(AppContext(db=sqlite_db, actor=sam))
    qtbot.addWidget(window)
    window.show()
    clock = Clock()
    controller = IdleLockController(window, sqlite_db, sam, clock=clock, poll_ms=60_000)
    clock.now += timedelta(minutes=14, seconds=59)
    controller.check()
    assert not controller.locked
    # Any input restarts the 15 minutes.
    move = QMouseEvent(QEvent.Type.MouseMove, QPointF(5, 5), QPointF(5, 5), Qt.MouseButton.NoButton,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, move)
    clock.now += timedelta(minutes=14)
    controller.check()
    assert not controller.locked
    clock.now += timedelta(minutes=1)
    controller.check()
    assert controller.locked
    dialog = controller.dialog
    assert isinstance(dialog, LockDialog) and dialog.isVisible()
    shades = window.findChildren(_Shade)
    assert shades and shades[0].isVisible() and shades[0].geometry() == window.rect()
    dialog.reject()  # Escape does not unlock
    assert controller.locked and dialog.isVisible()
    qtbot.keyClicks(dialog.password_edit, "harbour-lights-9")  # someone else's password
    dialog.try_unlock()
    assert controller.locked and "Wrong" in dialog.message.text()
    qtbot.keyClicks(dialog.password_edit, "tide-pool-walker-7")
    dialog.try_unlock()
    assert not controller.locked
    qtbot.waitUntil(lambda: not window.findChildren(_Shade))
    controller.lock_action.trigger()  # Ctrl+L locks at once
    assert controller.locked


def _admin_area(qtbot, db, **kwargs):  # noqa: ANN001, ANN003, ANN202
    admin = _users(db)
    area = AdminArea(AppContext(db=db, actor=admin), **kwargs)
    qtbot.addWidget(area)
    area.show()
    return area, admin


def test_admin_area_manages_users(qtbot, sqlite_db, monkeypatch):
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: warnings.append(a[2]))

    def fill(dialog: UserDialog) -> int:
        qtbot.keyClicks(dialog.login_edit, "pm")
        qtbot.keyClicks(dialog.display_name_edit, "Pat Manager")
        dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("practice_manager"))
        assert dialog.practice_combo.isEnabled()
        dialog.practice_combo.setEditText("Y90001")
        dialog.password_edit.setText("quay-side-ledger-1")
        dialog.repeat_edit.setText("quay-side-ledger-1")
        _ok(dialog)
        return dialog.result()

    area, _admin = _admin_area(qtbot, sqlite_db, run_dialog=fill)
    assert [u.login for u in area.users_model.users] == ["boss", "sam"]
    area.buttons["addUserButton"].click()
    assert [u.login for u in area.users_model.users] == ["boss", "pm", "sam"]
    assert area.selected_user().login == "pm" and area.selected_user().practice_code == "Y90001"
    area.buttons["disableButton"].click()
    assert area.selected_user().disabled and area.buttons["enableButton"].isEnabled()
    area.select_login("boss")
    area.buttons["disableButton"].click()  # the last administrator
    assert warnings and "last active administrator" in warnings[-1]
    assert area.users_model.data(area.users_model.index(0, 4)) == "Active"


def test_audit_tab_filters_verifies_and_exports(qtbot, sqlite_db, tmp_path):
    area, _admin = _admin_area(qtbot, sqlite_db)
    tab = area.audit
    assert tab.model.total >= 3
    tab.user_edit.setText("bo")  # boss signed in and added sam
    assert tab.model.total == 2 and "2 events" in tab.count_label.text()
    tab.text_edit.setText("added user sam")
    assert tab.model.total == 1 and "1 event" in tab.count_label.text()
    for attempt in INJECTIONS:
        tab.user_edit.setText(attempt)
        tab.text_edit.setText(attempt)
        tab.record_edit.setText(attempt)
        assert tab.model.total == 0
    tab.user_edit.clear()
    tab.text_edit.clear()
    tab.record_edit.clear()
    with qtbot.waitSignal(tab.verify().succeeded, timeout=20_000):
        pass
    assert "Chain intact" in tab.verify_label.text()
    out = tmp_path / "trail.xlsx"
    with qtbot.waitSignal(tab.export_to(out).succeeded, timeout=20_000):
        pass
    rows = list(load_workbook(out)["Audit trail"].iter_rows(values_only=True))
    assert len(rows) - 1 == tab.model.total - 1  # the export's own event came after it
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET summary = 'tampered' WHERE id = 2"))
    with qtbot.waitSignal(tab.verify().succeeded, timeout=20_000):
        pass
    assert "broken at event 2" in tab.verify_label.text()


def test_backups_tab(qtbot, sqlite_db, tmp_path):
    restored = []
    area, _admin = _admin_area(qtbot, sqlite_db)
    tab = area.backups
    info = tab.backup_to(tmp_path / "by-hand.db")
    assert info is not None and info.path.exists()
    before = tab.table.rowCount()
    tab.backup_to(None)  # into the backups folder: listed
    assert tab.table.rowCount() == before + 1
    tab.confirm = lambda parent, message: True
    tab.after_restore = restored.append
    result = tab.restore_from(info.path)
    assert result is not None and "Restored from by-hand.db" in restored[0]


def test_stale_dialog_shows_both_versions(qtbot):
    error = StaleEdit("Priya Shah changed this record at 10:42", entity="episode", record_id=7,
                      mine=Version(values={"referral_note": "Sam's note", "status": "active"}, version=3),
                      theirs=Version(values={"referral_note": "Priya's note", "status": "active"}, version=4,
                                     saved_by="priya", saved_by_name="Priya Shah",
                                     saved_at=datetime(2026, 11, 2, 10, 42)))
    dialog = StaleDialog(error, labels={"referral_note": "Referral note"})
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.part(QTableWidget, "table")
    assert table.item(0, 0).text() == "Referral note"
    assert (table.item(0, 1).text(), table.item(0, 2).text()) == ("Sam's note", "Priya's note")
    assert table.item(0, 1).font().bold() and not table.item(1, 1).font().bold()
    assert dialog.differing == ["referral_note"]
    assert "Priya Shah" in table.horizontalHeaderItem(2).text()
    dialog.part(QPushButton, "keepMineButton").click()
    assert dialog.choice is StaleChoice.KEEP_MINE


def test_injection_strings_in_every_search_box(qtbot, demo_db, monkeypatch):
    """Every line edit of every area (as the unrestricted local administrator): the
    strings match literally, nothing raises and nothing is dropped."""
    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    with demo_db.session() as session:
        patients = session.execute(select(func.count()).select_from(Patient)).scalar_one()
    window = MainWindow(AppContext(db=demo_db, actor=LOCAL_ADMIN))
    qtbot.addWidget(window)
    window.show()
    typed = 0
    for area in window.areas:
        widget = window.show_area(area.key)
        for edit in widget.findChildren(QLineEdit):
            if edit.isReadOnly() or not edit.isEnabled() or edit.echoMode() != QLineEdit.EchoMode.Normal:
                continue
            for attempt in INJECTIONS:
                edit.setText(attempt)
                QApplication.processEvents()
                typed += 1
            edit.clear()
    assert typed >= len(INJECTIONS) * 4  # patients search and the audit filters at least
    patients_area = window.show_area("patients")
    patients_area.search_edit.setText("%")
    assert patients_area.model.total == 0
    with demo_db.session() as session:
        assert session.execute(select(func.count()).select_from(Patient)).scalar_one() == patients
        assert session.execute(select(func.count()).select_from(AuditEvent)).scalar_one() > 0


@pytest.mark.parametrize("login", ["sam", "manager", "director", "admin"])
def test_demo_users_sign_in_and_see_their_areas(demo_db, login):
    actor = auth.authenticate(demo_db, login, demo_password(login))
    from pcn_assistant.gui.areas import AREAS

    keys = {a.key for a in AREAS if a.permission is None or actor.can(a.permission)}
    assert ("admin" in keys) == (login == "admin")
    assert ("patients" in keys) == (login in ("sam", "director"))  # admin: no identifiable lists
    assert ("find_people" in keys) == (login in ("sam", "director"))
    assert ("caseload" in keys) == (login in ("sam", "director"))
    if login == "manager":
        assert actor.practice_code == "Y90001" and "variation" in keys
