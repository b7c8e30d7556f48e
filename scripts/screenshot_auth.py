"""Screenshots of the sign-in, lock and stale-save dialogs and the admin tabs.

Usage: python scripts/screenshot_auth.py DEMO_DB OUT_DIR
(run under xvfb-run for a real X display; the demo database has the demo users).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from pcn_assistant.gui.app import build_main_window, demo_hint
from pcn_assistant.gui.auth.lock import IdleLockController
from pcn_assistant.gui.auth.sign_in import SignInDialog
from pcn_assistant.gui.widgets.stale_dialog import StaleDialog
from pcn_assistant.services import auth
from pcn_assistant.services.concurrency import StaleEdit, Version
from pcn_assistant.services.database import open_database


def main() -> int:
    db_path, out = sys.argv[1], Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    db = open_database(db_path)
    admin = auth.authenticate(db, "admin", "lighthouse-demo-2026")
    app, window = build_main_window(db, admin)
    window.resize(1280, 800)
    window.show()
    area = window.show_area("admin")

    def shoot(name: str, widget: QWidget) -> None:
        widget.grab().save(str(out / name))

    def step_audit() -> None:
        area.tabs.setCurrentIndex(1)

    def step_dialogs() -> None:
        sign_in = SignInDialog(db, login="sam", hint=demo_hint())
        sign_in.message.setText("Wrong user name or password")
        sign_in.show()
        shoot("sign-in.png", sign_in)
        error = StaleEdit("Priya Shah changed this record at 10:42", entity="episode", record_id=7,
                          mine=Version({"referral_note": "Lives alone; wants a walking group", "next_review_on": "12-Nov-2026"}, 3),
                          theirs=Version({"referral_note": "Lives alone; referred to Saltmarsh Walkers", "next_review_on": "12-Nov-2026"}, 4,
                                         "priya", "Priya Shah", datetime(2026, 11, 2, 10, 42)))
        stale = StaleDialog(error, labels={"referral_note": "Referral note", "next_review_on": "Next review"})
        stale.show()
        QTimer.singleShot(200, lambda: shoot("stale-save.png", stale))
        QTimer.singleShot(300, step_lock)

    def step_lock() -> None:
        lock = IdleLockController(window, db, admin)
        lock.lock()
        QTimer.singleShot(200, lambda: (shoot("locked.png", window), shoot("lock-dialog.png", lock.dialog),
                                        app.quit()))

    window.grab().save(str(out / "admin-users.png"))
    QTimer.singleShot(300, step_audit)
    QTimer.singleShot(600, lambda: window.grab().save(str(out / "admin-audit-trail.png")))
    QTimer.singleShot(700, step_dialogs)
    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
