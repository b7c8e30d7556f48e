"""The sign-in dialog, and the offer to create the first user of a new database."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QWidget

from pcn_assistant.errors import PcnError
from pcn_assistant.gui.widgets.form_dialog import FormDialog
from pcn_assistant.services import auth
from pcn_assistant.services.auth import Clock
from pcn_assistant.services.security import ADMIN, LOCAL_ADMIN, Actor
from pcn_assistant.services.users import add_user
from pcn_assistant.store.base import utcnow
from pcn_assistant.store.engine import Database


class SignInDialog(FormDialog):
    """Asks for a user name and password until one works (or the user cancels).
    ``actor`` holds the signed-in user after ``Accepted``."""

    def __init__(self, db: Database, *, login: str = "", hint: str = "",
                 clock: Clock = utcnow, parent: QWidget | None = None) -> None:
        super().__init__("sign_in_dialog.ui", parent)
        self.db = db
        self.clock = clock
        self.actor: Actor | None = None
        self.login_edit = self.part(QLineEdit, "loginEdit")
        self.password_edit = self.part(QLineEdit, "passwordEdit")
        self.message = self.part(QLabel, "messageLabel")
        buttons = self.part(QDialogButtonBox, "buttonBox")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Quit")
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        self.part(QLabel, "databaseLabel").setText(f"Database: {db.file_path or db.describe()}")
        hint_label = self.part(QLabel, "hintLabel")
        hint_label.setText(hint)
        hint_label.setVisible(bool(hint))
        self.login_edit.setText(login)
        (self.password_edit if login else self.login_edit).setFocus()

    def try_sign_in(self) -> None:
        try:
            self.actor = auth.authenticate(self.db, self.login_edit.text(), self.password_edit.text(),
                                           clock=self.clock)
        except PcnError as error:
            self.message.setText(str(error))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        self.accept()


class FirstUserDialog(FormDialog):
    """Offered when a database has no users: create its first administrator and sign
    in as them. Cancel carries on as the single local administrator."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("first_user_dialog.ui", parent)
        self.db = db
        self.actor: Actor | None = None
        self.login_edit = self.part(QLineEdit, "loginEdit")
        self.display_name_edit = self.part(QLineEdit, "displayNameEdit")
        self.password_edit = self.part(QLineEdit, "passwordEdit")
        self.repeat_edit = self.part(QLineEdit, "repeatEdit")
        self.message = self.part(QLabel, "messageLabel")
        self.message.setText(auth.PASSWORD_HINT)
        buttons = self.part(QDialogButtonBox, "buttonBox")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create administrator")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Not now")
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        self.login_edit.setFocus()

    def create(self) -> None:
        password = self.password_edit.text()
        if password != self.repeat_edit.text():
            self.message.setText("The two passwords are different.")
            return
        try:
            add_user(self.db, LOCAL_ADMIN, self.login_edit.text(), role=ADMIN, password=password,
                     display_name=self.display_name_edit.text())
            self.actor = auth.authenticate(self.db, self.login_edit.text(), password)
        except PcnError as error:
            self.message.setText(str(error))
            return
        self.accept()


def sign_in(db: Database, *, login: str = "", hint: str = "",
            run: Callable[[FormDialog], int] = lambda d: d.exec()) -> Actor | None:
    """Who is using the app: a signed-in user, the local administrator of a database
    with no users, or None if the user quit. ``run`` shows a dialog (tests replace it)."""
    if not auth.has_users(db):
        offer = FirstUserDialog(db)
        run(offer)
        return offer.actor or LOCAL_ADMIN
    dialog = SignInDialog(db, login=login, hint=hint)
    run(dialog)
    return dialog.actor
