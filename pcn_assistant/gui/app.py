"""Start the GUI: QApplication, crash handler, database, sign-in, main window."""

from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication

from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.identity import apply_identity
from pcn_assistant.services.security import LOCAL_ADMIN, Actor
from pcn_assistant.store.engine import Database

log = logging.getLogger(__name__)


def ensure_application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setOrganizationName("PCN Assistant")
    app.setApplicationName("PCN Assistant")
    apply_identity(app)  # window icon from resources/icons via assets.resource_path
    return app  # type: ignore[return-value]


def build_main_window(db: Database, actor: Actor = LOCAL_ADMIN):  # noqa: ANN201
    from pcn_assistant.gui.main_window import MainWindow

    app = ensure_application()
    return app, MainWindow(AppContext(db=db, actor=actor))


def recover_if_damaged(target: str | None, confirm: Callable[[str], bool],
                       tell: Callable[[str], None]) -> bool:
    """Run ``PRAGMA integrity_check`` on a SQLite file before opening it. If it fails,
    offer the latest good backup (a copy of the damaged file is kept). False means
    do not open: the user declined, or there was nothing good to restore."""
    from pcn_assistant.services import backup
    from pcn_assistant.store.engine import resolve_url

    url = resolve_url(target)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return True
    path = Path(url.database)
    if not path.exists():
        return True
    problems = backup.integrity_problems(path)
    if not problems:
        return True
    log.error("Integrity check failed for %s: %s", path, problems[:5])
    latest = backup.latest_good_backup(path)
    if latest is None:
        tell(f"The database {path.name} failed its integrity check ({problems[0]}) and there is "
             f"no good backup of it, so it was not opened. Keep the file for whoever investigates.")
        return False
    if not confirm(f"The database {path.name} failed its integrity check:\n{problems[0]}\n\n"
                   f"Restore the latest good backup, from {latest.modified:%d %b %Y %H:%M}? "
                   f"A copy of the damaged file is kept. Changes made since that backup are lost."):
        return False
    result = backup.recover(path, latest.path)
    tell(f"Restored {path.name} from {result.restored_from.name}. "
         f"The damaged file was kept as {result.replaced_copy}.")
    return True


DEMO_HINT = ("Demo users (user name / password): admin / admin-demo-2026, sam / sam-demo-2026, "
             "priya / priya-demo-2026, jo / jo-demo-2026, manager / manager-demo-2026, "
             "director / director-demo-2026")


def run_gui(database: str | None = None, demo: bool = False, user: str | None = None) -> int:
    from PySide6.QtWidgets import QMessageBox

    from pcn_assistant.gui.auth.lock import IdleLockController
    from pcn_assistant.gui.auth.sign_in import sign_in
    from pcn_assistant.gui.crash import install_crash_handler
    from pcn_assistant.services import backup
    from pcn_assistant.services.database import open_database

    app = ensure_application()
    install_crash_handler()
    if demo:
        from pcn_assistant.services.demo import create_demo_database

        target = database or str(Path(tempfile.gettempdir()) / "pcn-assistant-demo.db")
        log.info("Building a demo database at %s", target)
        create_demo_database(target).dispose()
        database = target

    def confirm(text: str) -> bool:
        return QMessageBox.question(None, "PCN Assistant: damaged database", text) == \
            QMessageBox.StandardButton.Yes

    def tell(text: str) -> None:
        QMessageBox.information(None, "PCN Assistant", text)

    if not recover_if_damaged(database, confirm, tell):
        return 1
    db = open_database(database)
    try:
        if not demo:
            backup.daily_backup(db)
    except Exception:  # noqa: BLE001 - a failed backup must not stop people working
        log.exception("Daily backup failed")
    actor = sign_in(db, login=user or "", hint=DEMO_HINT if demo else "")
    if actor is None:
        db.dispose()
        return 0
    _app, window = build_main_window(db, actor)
    if not actor.unrestricted:  # the user-less local administrator has no password to ask for
        window.idle_lock = IdleLockController(window, db, actor)
    window.show()
    return app.exec()
