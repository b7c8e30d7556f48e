"""Start the GUI: QApplication, crash handler, database, sign-in, main window."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.identity import apply_identity
from pcn_assistant.services.security import LOCAL_ADMIN, Actor
from pcn_assistant.store.engine import Database

log = logging.getLogger(__name__)

CHECK_AT_THE_LATEST_MS = 3000  # the start-up integrity check starts after first paint, or by then


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
    """The start-up check, on a worker thread started once the main window has painted:
    a 350,000-person file takes about a second to check, which would otherwise delay
    the window (or, beside it, compete for the CPU). A file that will not open at all is
    checked first, on the spot."""

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
    try:
        db = open_database(database)
    except Exception:  # a damaged file may not even open: let the check say why
        db = None
    if db is None:
        check.run()
        if check.error is not None:
            raise check.error
        if check.damage is not None and not offer_recovery(*check.damage, confirm, tell):
            return 1
        db = open_database(database)
        check = None
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
    outcome: dict[str, int] = {}
    if check is not None:
        def start_check() -> None:
            if check.ident is not None:
                return  # already started (first paint, or the fallback timer)
            check.start()
            watch_integrity_check(check, lambda damage: outcome.update(
                code=_damaged_after_start(app, window, db, damage, confirm, tell)))

        after_first_paint(window, start_check)
        QTimer.singleShot(CHECK_AT_THE_LATEST_MS, start_check)  # a window that never paints (minimised)
    code = app.exec()
    QThreadPool.globalInstance().waitForDone()
    return outcome.get("code", code)


def after_first_paint(widget, then: Callable[[], None]) -> None:  # noqa: ANN001
    """Call ``then`` once ``widget`` has painted for the first time (from the event loop)."""
    from PySide6.QtCore import QEvent, QObject

    class _FirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:  # noqa: ANN001, N802
            if event.type() == QEvent.Type.Paint:
                widget.removeEventFilter(self)
                QTimer.singleShot(0, then)
            return False

    widget.installEventFilter(_FirstPaint(widget))


def watch_integrity_check(check: _IntegrityCheck, on_damage: Callable[[tuple[Path, list[str]]], None],
                          interval_ms: int = 100) -> None:
    """Poll the start-up check from the GUI thread; call ``on_damage`` if it found any.
    A check that could not run is logged (the daily backup's full check still runs)."""
    timer = QTimer(QApplication.instance())
    timer.setInterval(interval_ms)

    def poll() -> None:
        if check.is_alive():
            return
        timer.stop()
        timer.deleteLater()
        if check.error is not None:
            log.error("The start-up integrity check could not run: %s", check.error)
        elif check.damage is not None:
            on_damage(check.damage)

    timer.timeout.connect(poll)
    timer.start()
    poll()


def _damaged_after_start(app: QApplication, window, db: Database, damage: tuple[Path, list[str]],  # noqa: ANN001
                         confirm: Callable[[str], bool], tell: Callable[[str], None]) -> int:
    """The check finished after the window opened and found damage: close the window and
    the database, offer the latest good backup, and end (start again to open the file)."""
    window.hide()
    QThreadPool.globalInstance().waitForDone()
    db.dispose()
    restored = offer_recovery(*damage, confirm, tell)
    if restored:
        tell("Start PCN Assistant again to open the restored database.")
    window.close()
    app.exit(1)
    return 1
