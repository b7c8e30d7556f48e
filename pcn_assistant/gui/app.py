"""Start the GUI: QApplication, crash handler, database, sign-in, main window."""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from pcn_assistant.gui.context import AppContext
from pcn_assistant.services.security import LOCAL_ADMIN, Actor
from pcn_assistant.store.engine import Database

log = logging.getLogger(__name__)


def ensure_application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setOrganizationName("PCN Assistant")
    app.setApplicationName("PCN Assistant")
    return app  # type: ignore[return-value]


def build_main_window(db: Database, actor: Actor = LOCAL_ADMIN):  # noqa: ANN201
    from pcn_assistant.gui.main_window import MainWindow

    app = ensure_application()
    return app, MainWindow(AppContext(db=db, actor=actor))


def run_gui(database: str | None = None, demo: bool = False, user: str | None = None) -> int:
    from pcn_assistant.gui.crash import install_crash_handler
    from pcn_assistant.services.database import open_database

    app = ensure_application()
    install_crash_handler()
    if demo:
        from pcn_assistant.services.demo import create_demo_database

        target = database or str(Path(tempfile.gettempdir()) / "pcn-assistant-demo.db")
        log.info("Building a demo database at %s", target)
        create_demo_database(target).dispose()
        database = target
    db = open_database(database)
    _app, window = build_main_window(db)
    window.show()
    return app.exec()
