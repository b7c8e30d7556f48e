"""The person at this desk and the window they work in.

On a shared practice PC the next person must be able to take over: File → Sign out /
Switch user records the sign-out, closes everything the last person had open (their
person records and dialogs too), and shows the sign-in dialog again. Quitting from
there ends the application.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from pcn_assistant.services import auth
from pcn_assistant.services.security import Actor
from pcn_assistant.store.engine import Database

SignIn = Callable[[], Actor | None]


class DeskSession(QObject):
    def __init__(self, db: Database, sign_in: SignIn, *, quit_app: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.db = db
        self.sign_in = sign_in
        self.quit_app = quit_app or QApplication.quit
        self.window = None

    def start(self, actor: Actor):  # noqa: ANN201 - MainWindow (imported late: start-up time)
        from pcn_assistant.gui.auth.lock import IdleLockController
        from pcn_assistant.gui.context import AppContext
        from pcn_assistant.gui.main_window import MainWindow

        window = MainWindow(AppContext(db=self.db, actor=actor))
        window.sign_out_requested.connect(self.switch_user)
        if not actor.unrestricted:  # the user-less local administrator has no password to ask for
            window.idle_lock = IdleLockController(window, self.db, actor, action=window.lock_action,
                                                  quit_app=self.quit_app)
        window.show()
        self.window = window
        return window

    def switch_user(self) -> None:
        """Sign the current person out and let the next one sign in (or quit)."""
        window = self.window
        if window is None:
            return
        app = QApplication.instance()
        keep = app.quitOnLastWindowClosed()
        app.setQuitOnLastWindowClosed(False)  # closing the window is not quitting
        try:
            auth.sign_out(self.db, window.ctx.actor)
            lock = getattr(window, "idle_lock", None)
            if lock is not None:
                lock.timer.stop()
                app.removeEventFilter(lock)
            for top in QApplication.topLevelWidgets():
                if top.isVisible() and top is not window:
                    top.close()
            window.close()
            window.deleteLater()
            self.window = None
            actor = self.sign_in()
            if actor is None:
                self.quit_app()
                return
            self.start(actor)
        finally:
            app.setQuitOnLastWindowClosed(keep)
