"""Issue 17, each role's start: the landing page, the admin's lack of patient lists, the
practice manager's scope and coding worklist, the getting-started page of an empty
database, and getting out: the lock screen's "Sign out and quit" and File → Sign out."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QPushButton
from sqlalchemy import select

from pcn_assistant.errors import PermissionDenied
from pcn_assistant.gui.areas.caseload import CaseloadArea
from pcn_assistant.gui.areas.coding import CodingArea
from pcn_assistant.gui.areas.dashboard import DashboardArea
from pcn_assistant.gui.areas.getting_started import GettingStartedArea
from pcn_assistant.gui.areas.imports import ImportsArea
from pcn_assistant.gui.areas.variation import VariationArea
from pcn_assistant.gui.auth.lock import IdleLockController
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.forms import child
from pcn_assistant.gui.main_window import MainWindow
from pcn_assistant.gui.session import DeskSession
from pcn_assistant.services import auth
from pcn_assistant.services.demo.users import demo_password
from pcn_assistant.services.patients import page_patients
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.store.models import AuditEvent

LANDS_ON = {"sam": ("caseload", CaseloadArea), "manager": ("variation", VariationArea),
            "director": ("dashboard", DashboardArea), "admin": ("imports", ImportsArea)}


def _window(qtbot, db, actor) -> MainWindow:
    window = MainWindow(AppContext(db=db, actor=actor))
    qtbot.addWidget(window)
    window.show()
    return window


def _events(db, action: str) -> list[AuditEvent]:
    with db.session() as session:
        return list(session.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars())


@pytest.mark.parametrize("login", sorted(LANDS_ON))
def test_each_demo_role_lands_on_its_work(qtbot, demo_db, login):
    actor = auth.authenticate(demo_db, login, demo_password(login))
    window = _window(qtbot, demo_db, actor)
    key, kind = LANDS_ON[login]
    assert window.landing == key and isinstance(window.stack.currentWidget(), kind)
    keys = [a.key for a in window.areas]
    assert "getting_started" not in keys  # the demo is set up
    if login == "sam":
        area = window.stack.currentWidget()
        assert area.current_filter().coordinator == "sam"
        assert area.worklist_list.currentItem().text().startswith("My caseload")
    if login == "admin":  # no identifiable patient list, no Find people, no caseload
        assert not {"patients", "find_people", "caseload"} & set(keys)
        with pytest.raises(PermissionDenied):
            page_patients(demo_db, actor)


def test_practice_manager_dashboard_and_coding_worklist_are_their_own_practice(qtbot, demo_db, tmp_path):
    manager = auth.authenticate(demo_db, "manager", demo_password("manager"))
    window = _window(qtbot, demo_db, manager)
    dashboard = window.show_area("dashboard")
    combo = dashboard.practice_combo
    assert [combo.itemData(i) for i in range(combo.count())] == ["Y90001"]  # no "Whole PCN"
    qtbot.waitUntil(lambda: dashboard.dashboard is not None, timeout=30_000)
    assert dashboard.dashboard.practice_code == "Y90001"
    coding = window.show_area("coding")
    assert isinstance(coding, CodingArea) and coding.practice_combo.count() == 1
    assert coding.rows and {r.practice for r in coding.rows} == {"Y90001"}
    to_code = len(coding.rows)
    coding.table.selectRow(0)
    qtbot.mouseClick(coding.mark_button, Qt.MouseButton.LeftButton)
    assert len(coding.rows) == to_code - 1
    qtbot.mouseClick(coding.include_coded, Qt.MouseButton.LeftButton)
    assert len(coding.rows) > to_code and to_code - 1 == sum(not r.coded for r in coding.rows)
    out = tmp_path / "y90001.xlsx"
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget() and QApplication.activeModalWidget().close())
    assert coding.export(str(out)) == out and out.exists()


def test_empty_database_opens_on_getting_started_with_working_buttons(qtbot, sqlite_db, monkeypatch):
    window = _window(qtbot, sqlite_db, LOCAL_ADMIN)
    page = window.stack.currentWidget()
    assert window.landing == "getting_started" and isinstance(page, GettingStartedArea)
    assert all(label.text().startswith("To do") for label in page.labels.values())
    asked = []

    def choose(parent, title, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        asked.append((type(parent).__name__, title))
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    qtbot.mouseClick(page.buttons["practiceList"], Qt.MouseButton.LeftButton)
    imports = window.stack.currentWidget()
    assert isinstance(imports, ImportsArea) and imports.kind == "patients"
    assert asked[-1][0] == "ImportsArea"
    window.show_area("getting_started")
    qtbot.mouseClick(page.buttons["directory"], Qt.MouseButton.LeftButton)
    assert asked[-1] == ("DirectoryArea", "Import Open Referral UK")
    shown = []
    window.show_area("getting_started")
    admin = window.area_widget("admin")
    admin.run_dialog = lambda dialog: shown.append(type(dialog).__name__) or 0
    qtbot.mouseClick(page.buttons["users"], Qt.MouseButton.LeftButton)
    assert shown == ["UserDialog"] and window.stack.currentWidget() is admin


def test_getting_started_tells_other_roles_whom_to_ask(qtbot, sqlite_db):
    from caseload_helpers import SAM

    page = GettingStartedArea(AppContext(db=sqlite_db, actor=SAM))
    qtbot.addWidget(page)
    enabled = {key for key, button in page.buttons.items() if button.isEnabled()}
    assert enabled == {"directory"}  # link workers keep the directory; imports and users are the admin's
    assert "Ask your administrator" in page.labels["practiceList"].text()


def _sam_window(qtbot, demo_db, **lock_kwargs):
    sam = auth.authenticate(demo_db, "sam", demo_password("sam"))
    window = _window(qtbot, demo_db, sam)
    controller = IdleLockController(window, demo_db, sam, action=window.lock_action, poll_ms=60_000, **lock_kwargs)
    return window, controller


def test_manual_lock_says_who_locked_it(qtbot, demo_db):
    window, controller = _sam_window(qtbot, demo_db)
    assert window.lock_action.isEnabled()
    window.lock_action.trigger()  # File → Lock now, Ctrl+L
    text = controller.dialog.part(QLabel, "userLabel").text()
    assert "Sam Okafor locked PCN Assistant" in text and "15 minutes" not in text
    controller.dialog.leave()


QUIT_FROM_THE_LOCK_SCREEN = """
import sys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton
from pcn_assistant.gui.session import DeskSession
from pcn_assistant.services import auth
from pcn_assistant.services.database import open_database

db = open_database(sys.argv[1])
app = QApplication([])
window = DeskSession(db, lambda: None).start(auth.authenticate(db, "sam", "tide-pool-walker-7"))
def press_quit():
    window.idle_lock.lock()
    button = window.idle_lock.dialog.form.findChild(QPushButton, "quitButton")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
QTimer.singleShot(200, press_quit)
QTimer.singleShot(8000, lambda: app.exit(99))  # reached only if quitting failed
code = app.exec()
print("exit", code, "visible", window.isVisible())
db.dispose()
sys.exit(code)
"""


def test_sign_out_and_quit_on_the_lock_screen_really_quits(sqlite_db, tmp_path):
    """The real application and event loop, in their own process: the click must end the
    app (before the fix the lock dialog refused to close, which cancelled the quit)."""
    import os
    import subprocess
    import sys

    from pcn_assistant.services import users

    users.add_user(sqlite_db, LOCAL_ADMIN, "boss", role="admin", password="quay-lantern-walk-1")
    users.add_user(sqlite_db, auth.authenticate(sqlite_db, "boss", "quay-lantern-walk-1"), "sam",
                   role="link_worker", password="tide-pool-walker-7", display_name="Sam Okafor")
    script = tmp_path / "quit.py"
    script.write_text(QUIT_FROM_THE_LOCK_SCREEN, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run([sys.executable, str(script), str(sqlite_db.file_path)], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "exit 0 visible False" in done.stdout
    assert [e.user_name for e in _events(sqlite_db, "sign_out")] == ["sam"]


def test_lock_screen_refuses_to_close_until_signed_out(qtbot, demo_db):
    quits = []
    window, controller = _sam_window(qtbot, demo_db, quit_app=lambda: quits.append(True))
    controller.lock()
    dialog = controller.dialog
    assert not dialog.close() and dialog.isVisible()  # Escape, the close button: still locked
    qtbot.mouseClick(child(dialog.form, QPushButton, "quitButton"), Qt.MouseButton.LeftButton)
    assert quits == [True] and not dialog.isVisible() and not window.isVisible()


def test_file_sign_out_lets_the_next_person_sign_in(qtbot, demo_db):
    sam = auth.authenticate(demo_db, "sam", demo_password("sam"))
    quits = []
    nxt = iter([auth.authenticate(demo_db, "director", demo_password("director")), None])
    desk = DeskSession(demo_db, lambda: next(nxt), quit_app=lambda: quits.append(True))
    first = desk.start(sam)  # deleted by the desk at sign-out
    record = first.show_area("caseload")
    assert record is not None
    first.sign_out_action.trigger()
    second = desk.window
    qtbot.addWidget(second)
    assert second is not first and not first.isVisible() and second.isVisible()
    assert second.ctx.actor.name == "director" and second.landing == "dashboard"
    assert [e.user_name for e in _events(demo_db, "sign_out")] == ["sam"]
    second.sign_out_action.trigger()  # and quitting at the sign-in dialog
    assert quits == [True] and desk.window is None
