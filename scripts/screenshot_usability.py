"""Screenshots of the issue 17 screens (each role's landing page, getting started, GP
coding, the contact, lock and referral dialogs, the person banner and the help) at the
size of the screen it runs on.

Usage: python scripts/screenshot_usability.py DEMO.db OUT_DIR SUFFIX
Run on an X display of the size wanted (``Xvfb :96 -screen 0 1366x768x24``); files are
named ``NAME-SUFFIX.png``. Opening records is audited like any other.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from pcn_assistant.gui.app import build_main_window
from pcn_assistant.services import auth
from pcn_assistant.services.database import open_database
from pcn_assistant.services.demo.users import demo_password
from pcn_assistant.services.security import LOCAL_ADMIN


def settle(ms: int = 300) -> None:
    QTest.qWait(ms)


def fill_screen(window: QWidget) -> None:
    window.setGeometry(QApplication.primaryScreen().availableGeometry())
    window.show()
    settle(400)


def shot(widget: QWidget, out: Path, name: str, suffix: str) -> None:
    settle(200)
    widget.grab().save(str(out / f"{name}-{suffix}.png"))


def main() -> int:
    db = open_database(sys.argv[1])
    out, suffix = Path(sys.argv[2]), sys.argv[3]
    out.mkdir(parents=True, exist_ok=True)
    actor = {login: auth.authenticate(db, login, demo_password(login)) for login in ("sam", "manager", "director")}

    # Each role's landing page.
    app, window = build_main_window(db, actor["sam"])
    fill_screen(window)
    shot(window, out, "landing-link-worker", suffix)

    # The person record's banner and the contact dialog, after words went into Duration.
    caseload = window.stack.currentWidget()
    caseload.table.setCurrentIndex(caseload.model.index(0, 0))
    caseload.open_current()
    record = window._person_record_window  # noqa: SLF001 - the record this screenshot needs
    record.resize(min(1180, window.width() - 40), min(820, window.height() - 40))
    shot(record, out, "person-banner", suffix)
    from pcn_assistant.gui.person_record.dialogs import ContactDialog

    dialog = ContactDialog(window.ctx, record.record.open_episode, record._person(), record)  # noqa: SLF001
    dialog.show()
    dialog.activateWindow()
    settle()
    QTest.keyClicks(dialog.type_combo, "f")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    QTest.keyClicks(QApplication.focusWidget(), "Met at the lunch club; wants to try the walking group")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    QTest.keyClicks(QApplication.focusWidget(), "half an hour")
    shot(dialog, out, "contact-dialog-refused", suffix)
    dialog.reject()

    # The referral dialog with one service ticked, and what it says after saving.
    from pcn_assistant.gui.referrals.referral_dialog import ReferralDialog, next_steps
    from pcn_assistant.services.referrals.lifecycle import CreatedReferral
    from pcn_assistant.services.referrals.queries import open_episode

    episode = open_episode(db, actor["sam"], record.record.patient_id)
    referral = ReferralDialog(window.ctx, episode, record)
    referral.all_categories.setChecked(True)
    referral.show()
    settle()
    services = referral.services
    full = next((i for i in range(services.count()) if "FULL" in services.item(i).text()), 1)
    for row in (1, full):
        QTest.mouseClick(services.viewport(), Qt.MouseButton.LeftButton,
                         pos=services.visualItemRect(services.item(row)).center())
    services.scrollToTop()
    shot(referral, out, "referral-dialog", suffix)
    rows = dict(referral._checked)  # noqa: SLF001
    ids = list(rows)
    created = [CreatedReferral(1, "SP-7K3M9Q", ids[0], "sent"),
               CreatedReferral(2, "SP-4H8W2C", ids[-1], "waiting", 2)]
    referral.reject()
    box = QMessageBox(QMessageBox.Icon.Information, "Referral saved", next_steps(created, rows),
                      QMessageBox.StandardButton.Close, record)
    box.addButton("Print the &slip…", QMessageBox.ButtonRole.ActionRole)
    box.show()
    shot(box, out, "referral-next-steps", suffix)
    box.close()
    record.close()

    # Help: the link worker's guide and the shortcuts.
    window.show_user_guide()
    shot(window.help_window, out, "help-user-guide", suffix)
    window.help_window.close()
    window.show_shortcuts()
    shot(window.help_window, out, "help-shortcuts", suffix)
    window.help_window.close()

    # Manual lock (Ctrl+L).
    from pcn_assistant.gui.auth.lock import IdleLockController

    lock = IdleLockController(window, db, actor["sam"], action=window.lock_action, poll_ms=600_000)
    lock.lock_now()
    settle()
    shot(lock.dialog, out, "lock-manual", suffix)
    lock.dialog.leaving = True
    lock.dialog.close()
    window.close()

    # The practice manager: variation audits on landing, the GP coding worklist, own-practice dashboard.
    _app, manager = build_main_window(db, actor["manager"])
    fill_screen(manager)
    variation = manager.stack.currentWidget()
    for _ in range(100):
        if "Computing" not in variation.status.text():
            break
        settle(100)
    shot(manager, out, "landing-practice-manager", suffix)
    manager.show_area("coding")
    shot(manager, out, "gp-coding", suffix)
    dashboard = manager.show_area("dashboard")
    for _ in range(100):
        if dashboard.dashboard is not None:
            break
        settle(100)
    shot(manager, out, "dashboard-practice-manager", suffix)
    manager.close()

    # The clinical director lands on the dashboard.
    _app, director = build_main_window(db, actor["director"])
    fill_screen(director)
    dashboard = director.stack.currentWidget()
    for _ in range(100):
        if getattr(dashboard, "dashboard", None) is not None:
            break
        settle(100)
    shot(director, out, "landing-clinical-director", suffix)
    director.close()

    # An empty database opens on Getting started.
    with tempfile.TemporaryDirectory() as folder:
        empty = open_database(Path(folder) / "new.db")
        _app, fresh = build_main_window(empty, LOCAL_ADMIN)
        fill_screen(fresh)
        shot(fresh, out, "getting-started", suffix)
        fresh.close()
        empty.dispose()
    db.dispose()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
