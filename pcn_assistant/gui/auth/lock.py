"""Idle lock: after 15 minutes without keyboard or mouse input the window's contents
are covered and only the signed-in user's password brings them back.

Open dialogs are covered too rather than closed, so nothing half-typed is lost.
Timing lives in ``services.auth.IdleTimer`` (injectable clock); this module only
feeds it activity, polls it, and draws the lock.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from pcn_assistant.errors import PcnError
from pcn_assistant.gui.widgets.form_dialog import FormDialog
from pcn_assistant.services import auth
from pcn_assistant.services.auth import Clock, IdleTimer
from pcn_assistant.services.security import Actor
from pcn_assistant.store.base import utcnow
from pcn_assistant.store.engine import Database

POLL_MS = 10_000
_ACTIVITY = {
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin,
}


def lock_message(actor: Actor, *, manual: bool) -> str:
    """What the lock screen says: who locked it, and why."""
    if manual:
        why = f"{actor.label} locked PCN Assistant."
    else:
        why = f"PCN Assistant locked itself after {auth.IDLE_LOCK_AFTER.seconds // 60} minutes without use."
    return (f"{why} {actor.label} ({actor.name}): enter your password to carry on where you left off. "
            "Someone else? Sign out and quit: anything unsaved is lost.")


class LockDialog(FormDialog):
    """Asks the signed-in user for their password. Escape does not unlock; "Sign out and
    quit" closes it for good."""

    unlocked = Signal()
    quit_requested = Signal()

    def __init__(self, db: Database, actor: Actor, clock: Clock, parent: QWidget | None = None, *,
                 manual: bool = False) -> None:
        super().__init__("lock_dialog.ui", parent)
        self.db, self.actor, self.clock = db, actor, clock
        self.leaving = False
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.password_edit = self.part(QLineEdit, "passwordEdit")
        self.message = self.part(QLabel, "messageLabel")
        self.part(QLabel, "userLabel").setText(lock_message(actor, manual=manual))
        self.part(QPushButton, "unlockButton").clicked.connect(self.try_unlock)
        self.part(QPushButton, "quitButton").clicked.connect(self.leave)
        self.password_edit.returnPressed.connect(self.try_unlock)
        self.password_edit.setFocus()

    def try_unlock(self) -> None:
        try:
            auth.unlock_session(self.db, self.actor, self.password_edit.text(), clock=self.clock)
        except PcnError as error:
            self.message.setText(str(error))
            self.password_edit.clear()
            return
        self.password_edit.clear()
        self.message.clear()
        self.unlocked.emit()
        self.accept()

    def leave(self) -> None:
        """Sign out and quit: the one way out of the lock screen besides the password."""
        self.leaving = True
        self.password_edit.clear()
        super().reject()
        self.quit_requested.emit()

    def reject(self) -> None:  # Escape or the close button: stay locked
        if self.leaving:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.leaving:  # the application is closing its windows to quit
            event.accept()
        else:
            event.ignore()


class _Shade(QWidget):
    """An opaque cover over one window's contents while locked."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(self.palette().ColorRole.Window)
        label = QLabel("<h2>Locked</h2><p>Enter your password to carry on.</p>", self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setAccessibleName("Locked: enter your password to carry on")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
        return False


class IdleLockController(QObject):
    """Watches the whole application for input and locks it when idle."""

    locked_changed = Signal(bool)

    def __init__(self, window: QWidget, db: Database, actor: Actor, *, clock: Clock = utcnow,
                 poll_ms: int = POLL_MS, action: QAction | None = None,
                 quit_app: Callable[[], None] | None = None) -> None:
        super().__init__(window)
        self.window, self.db, self.actor, self.clock = window, db, actor, clock
        self.quit_app = quit_app or QApplication.quit
        self.idle = IdleTimer(clock=clock)
        self.dialog: LockDialog | None = None
        self._shades: list[_Shade] = []
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        if action is None:  # the window's File → Lock now, else an action of our own
            action = QAction("&Lock now", window)
            action.setShortcut(QKeySequence("Ctrl+L"))
            window.addAction(action)
        action.setEnabled(True)
        action.triggered.connect(self.lock_now)
        self.lock_action = action

    @property
    def locked(self) -> bool:
        return self.dialog is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if not self.locked and event.type() in _ACTIVITY:
            self.idle.touch()
        return False

    def check(self) -> None:
        if not self.locked and self.idle.expired():
            self.lock()

    def lock_now(self) -> None:
        """Ctrl+L: lock at once (the lock screen says it was the user, not the idle timer)."""
        self.lock(manual=True)

    def lock(self, *, manual: bool = False) -> None:
        if self.locked:
            return
        for top in QApplication.topLevelWidgets():
            if top.isVisible() and not isinstance(top, LockDialog):
                self._shades.append(_Shade(top))
        self.dialog = LockDialog(self.db, self.actor, self.clock, self.window, manual=manual)
        self.dialog.unlocked.connect(self._unlocked)
        self.dialog.quit_requested.connect(self._quit)
        self.dialog.open()
        self.locked_changed.emit(True)

    def _unlocked(self) -> None:
        for shade in self._shades:
            shade.parentWidget().removeEventFilter(shade)
            shade.deleteLater()
        self._shades.clear()
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None
        self.idle.touch()
        self.locked_changed.emit(False)

    def _quit(self) -> None:
        """Sign out and quit: record it, close every window (nothing refuses now), end the app."""
        self.timer.stop()
        auth.sign_out(self.db, self.actor)
        for top in QApplication.topLevelWidgets():
            if top.isVisible():
                top.close()
        self.quit_app()
