"""Start the GUI: QApplication, crash handler, database, sign-in, main window."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QThreadPool
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


def find_damage(target: str | None) -> tuple[Path, list[str]] | None:
    """The SQLite file and its quick-check findings, or None when there is nothing to fear
    (not a file database, a new file, or a sound one). Safe to run on a worker thread."""
    from pcn_assistant.services import backup
    from pcn_assistant.store.engine import resolve_url

    url = resolve_url(target)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    path = Path(url.database)
    if not path.exists():
        return None
    backup.clean_partials(path)  # leftovers of a backup or restore that was killed
    problems = backup.integrity_problems(path, quick=True)
    return (path, problems) if problems else None


def offer_recovery(path: Path, problems: list[str], confirm: Callable[[str], bool],
                   tell: Callable[[str], None]) -> bool:
    """Offer the latest good backup of a damaged file (a copy of the damaged file is kept).
    False means do not open: the user declined, or there was nothing good to restore."""
    from pcn_assistant.services import backup

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


def recover_if_damaged(target: str | None, confirm: Callable[[str], bool],
                       tell: Callable[[str], None]) -> bool:
    """Check a SQLite file before opening it (SQLite's quick check; the full check runs
    with the daily backup, on the copy) and offer the latest good backup if it fails."""
    damage = find_damage(target)
    return True if damage is None else offer_recovery(*damage, confirm, tell)


class _IntegrityCheck(threading.Thread):
    """The start-up check on a worker thread: SQLite releases the GIL while it reads, so
    the check overlaps Qt's start-up and the schema check instead of adding to them."""

    def __init__(self, target: str | None) -> None:
        super().__init__(name="integrity-check", daemon=True)
        self.target = target
        self.damage: tuple[Path, list[str]] | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.damage = find_damage(self.target)
        except BaseException as error:  # noqa: BLE001 - reported on the GUI thread
            self.error = error


def demo_hint() -> str:
    """The demo users and passwords, shown on the sign-in dialog of ``--demo``."""
    from pcn_assistant.services.demo.users import DEMO_USERS

    lines = [f"{login} / {password} ({name}, {role.replace('_', ' ')})"
             for login, name, role, _practice, password in DEMO_USERS]
    return "<b>Demo users</b> (user name / password):<br>" + "<br>".join(lines)


def run_gui(database: str | None = None, demo: bool = False, user: str | None = None) -> int:
    from PySide6.QtWidgets import QMessageBox

    from pcn_assistant.gui.auth.sign_in import sign_in
    from pcn_assistant.gui.crash import install_crash_handler
    from pcn_assistant.gui.session import DeskSession
    from pcn_assistant.gui.tasks import run_task
    from pcn_assistant.services import backup, hooks
    from pcn_assistant.services.database import open_database

    app = ensure_application()
    install_crash_handler()
    if demo:
        from pcn_assistant.gui.demo_build import build_demo_with_progress

        database = build_demo_with_progress(database)

    def confirm(text: str) -> bool:
        return QMessageBox.question(None, "PCN Assistant: damaged database", text) == \
            QMessageBox.StandardButton.Yes

    def tell(text: str) -> None:
        QMessageBox.information(None, "PCN Assistant", text)

    check = _IntegrityCheck(database)
    check.start()
    try:
        db = open_database(database)
    except Exception:  # a damaged file may not even open: let the check say why
        db = None
    check.join()
    if check.error is not None:
        raise check.error
    if check.damage is not None or db is None:
        if db is not None:
            db.dispose()
        if check.damage is not None and not offer_recovery(*check.damage, confirm, tell):
            return 1
        db = open_database(database)
    # The day's backup runs in the background (seconds on a big file) while people sign in;
    # a failure is logged and must not stop anyone working.
    daily = None if demo else run_task(lambda: backup.daily_backup(db), parent=None, title="Daily backup",
                                       on_failure=lambda error: log.error("Daily backup failed: %s", error))
    # An import killed before its stratification left that work owed: finish it now.
    finishing = run_task(lambda: hooks.finish_pending(db), parent=None, title="Finishing an interrupted import",
                         on_failure=lambda error: log.error("Finishing an interrupted import failed: %s", error))
    hint = demo_hint() if demo else ""
    actor = sign_in(db, login=user or "", hint=hint)
    if actor is None:
        QThreadPool.globalInstance().waitForDone()  # let the backup finish first
        db.dispose()
        return 0
    # The desk's session: its window, idle lock, and File → Sign out / Switch user.
    desk = DeskSession(db, lambda: sign_in(db, hint=hint))
    window = desk.start(actor)
    window.daily_backup = daily
    window.finishing_import = finishing  # tasks are kept referenced while they run
    code = app.exec()
    QThreadPool.globalInstance().waitForDone()
    return code
