"""Admin area: users and roles, the audit trail, and backups (administrators only).

The audit trail and backups tabs live in ``admin_audit.py`` and ``admin_backups.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QWidget,
)

from pcn_assistant.errors import PcnError
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.formatting import format_date
from pcn_assistant.gui.forms import child, embed_form
from pcn_assistant.gui.widgets.form_dialog import FormDialog
from pcn_assistant.services import auth
from pcn_assistant.services import users as user_service
from pcn_assistant.services.practices import list_practices
from pcn_assistant.services.security import AUDIT_READ, BACKUP_RUN, PRACTICE_MANAGER, ROLES

ROLE_HELP = {
    "link_worker": "Full caseload, directory and referral work, including identifiable exports.",
    "practice_manager": "Variation audits, dashboards and the coding worklist for their own "
                        "practice, and aggregate views. No case notes, plans or identifiable exports.",
    "clinical_director": "Dashboards and the caseload, read only.",
    "admin": "Users, settings, imports, backups and the audit trail. No caseload or case notes.",
}
USER_COLUMNS = (("login", "User name"), ("display_name", "Full name"), ("role", "Role"),
                ("practice_code", "Practice"), ("status", "Status"), ("last_sign_in_at", "Last sign-in"))


def user_status(info: user_service.UserInfo) -> str:
    if info.disabled:
        return "Disabled"
    if info.locked():
        return f"Locked until {auth.local_hhmm(info.locked_until)}"
    return "Active"


class UsersModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.users: list[user_service.UserInfo] = []

    def set_users(self, users: list[user_service.UserInfo]) -> None:
        self.beginResetModel()
        self.users = users
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.users)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(USER_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802, ANN201
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return USER_COLUMNS[section][1]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: ANN201
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        info = self.users[index.row()]
        key = USER_COLUMNS[index.column()][0]
        if key == "status":
            return user_status(info)
        if key == "role":
            return user_service.ROLE_LABELS.get(info.role, info.role)
        if key == "last_sign_in_at":
            return format_date(info.last_sign_in_at) if info.last_sign_in_at else "never"
        return getattr(info, key) or ""


class UserDialog(FormDialog):
    """Add a user, or (with ``existing``) change a user's role."""

    def __init__(self, ctx: AppContext, existing: user_service.UserInfo | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("user_dialog.ui", parent)
        self.ctx, self.existing = ctx, existing
        self.result_info: user_service.UserInfo | None = None
        self.login_edit = self.part(QLineEdit, "loginEdit")
        self.display_name_edit = self.part(QLineEdit, "displayNameEdit")
        self.role_combo = self.part(QComboBox, "roleCombo")
        self.practice_combo = self.part(QComboBox, "practiceCombo")
        self.password_edit = self.part(QLineEdit, "passwordEdit")
        self.repeat_edit = self.part(QLineEdit, "repeatEdit")
        self.message = self.part(QLabel, "messageLabel")
        for role in ROLES:
            self.role_combo.addItem(user_service.ROLE_LABELS[role], role)
        self.practice_combo.setEditable(True)
        self.practice_combo.addItem("", None)
        for practice in list_practices(ctx.db):
            self.practice_combo.addItem(f"{practice.ods_code} {practice.name}", practice.ods_code)
        self.role_combo.currentIndexChanged.connect(self._role_changed)
        buttons = self.part(QDialogButtonBox, "buttonBox")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        if existing is None:
            self.setWindowTitle("Add user")
            self.message.setText(auth.PASSWORD_HINT)
        else:
            self.setWindowTitle(f"Change role of {existing.login}")
            self.login_edit.setText(existing.login)
            self.login_edit.setReadOnly(True)
            self.display_name_edit.setText(existing.display_name)
            self.display_name_edit.setReadOnly(True)
            for name in ("passwordEdit", "repeatEdit", "passwordLabel", "repeatLabel"):
                self.part(QWidget, name).setVisible(False)
            self.role_combo.setCurrentIndex(max(self.role_combo.findData(existing.role), 0))
            if existing.practice_code:
                self.practice_combo.setCurrentIndex(max(self.practice_combo.findData(existing.practice_code), 0))
        self._role_changed()

    def _role_changed(self) -> None:
        role = self.role_combo.currentData()
        self.part(QLabel, "roleHelpLabel").setText(ROLE_HELP.get(role, ""))
        self.practice_combo.setEnabled(role == PRACTICE_MANAGER)

    def practice_code(self) -> str | None:
        if self.role_combo.currentData() != PRACTICE_MANAGER:
            return None
        data = self.practice_combo.currentData()
        text = self.practice_combo.currentText().strip()
        return data if data and text.startswith(data) else (text.split(" ")[0] if text else None)

    def save(self) -> None:
        role = self.role_combo.currentData()
        try:
            if self.existing is None:
                if self.password_edit.text() != self.repeat_edit.text():
                    self.message.setText("The two passwords are different.")
                    return
                self.result_info = user_service.add_user(
                    self.ctx.db, self.ctx.actor, self.login_edit.text(), role=role,
                    password=self.password_edit.text(), display_name=self.display_name_edit.text(),
                    practice_code=self.practice_code())
            else:
                self.result_info = user_service.set_role(
                    self.ctx.db, self.ctx.actor, self.existing.login, role, self.practice_code())
        except PcnError as error:
            self.message.setText(str(error))
            return
        self.accept()


class PasswordDialog(FormDialog):
    """Reset a user's password (reusing the user form with only the password fields)."""

    def __init__(self, ctx: AppContext, info: user_service.UserInfo, parent: QWidget | None = None) -> None:
        super().__init__("user_dialog.ui", parent)
        self.ctx, self.info = ctx, info
        self.setWindowTitle(f"New password for {info.login}")
        for name in ("roleCombo", "roleLabel", "practiceCombo", "practiceLabel", "roleHelpLabel",
                     "displayNameEdit", "displayNameLabel"):
            self.part(QWidget, name).setVisible(False)
        login = self.part(QLineEdit, "loginEdit")
        login.setText(info.login)
        login.setReadOnly(True)
        self.password_edit = self.part(QLineEdit, "passwordEdit")
        self.repeat_edit = self.part(QLineEdit, "repeatEdit")
        self.message = self.part(QLabel, "messageLabel")
        self.message.setText(f"{auth.PASSWORD_HINT} This also lifts any lockout.")
        buttons = self.part(QDialogButtonBox, "buttonBox")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.password_edit.setFocus()

    def save(self) -> None:
        if self.password_edit.text() != self.repeat_edit.text():
            self.message.setText("The two passwords are different.")
            return
        try:
            user_service.reset_password(self.ctx.db, self.ctx.actor, self.info.login, self.password_edit.text())
        except PcnError as error:
            self.message.setText(str(error))
            return
        self.accept()


class AdminArea(QWidget):
    def __init__(self, ctx: AppContext, *, run_dialog: Callable[[FormDialog], int] = lambda d: d.exec()) -> None:
        super().__init__()
        self.ctx = ctx
        self.run_dialog = run_dialog  # tests drive dialogs without a nested event loop
        self.form = embed_form(self, "admin_view.ui")
        self.tabs = child(self.form, QTabWidget, "tabs")
        self.users_table = child(self.form, QTableView, "usersTable")
        self.users_model = UsersModel(self)
        self.users_table.setModel(self.users_model)
        self.users_table.verticalHeader().setVisible(False)
        self.users_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.users_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.users_table.horizontalHeader().setStretchLastSection(True)
        self.users_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.buttons = {name: child(self.form, QPushButton, name) for name in (
            "addUserButton", "changeRoleButton", "resetPasswordButton", "unlockButton",
            "disableButton", "enableButton")}
        self.buttons["addUserButton"].clicked.connect(self.add_user)
        self.buttons["changeRoleButton"].clicked.connect(self.change_role)
        self.buttons["resetPasswordButton"].clicked.connect(self.reset_password)
        self.buttons["unlockButton"].clicked.connect(lambda: self._act(user_service.unlock_user))
        self.buttons["disableButton"].clicked.connect(lambda: self._act(user_service.disable_user))
        self.buttons["enableButton"].clicked.connect(lambda: self._act(user_service.enable_user))
        child(self.form, QLabel, "usersNoteLabel").setText(
            "Disabled users cannot sign in; their name stays on everything they recorded. "
            f"{auth.MAX_FAILED_ATTEMPTS} wrong passwords lock an account for "
            f"{auth.LOCKOUT.seconds // 60} minutes.")
        self.refresh_users()

        from pcn_assistant.gui.areas.admin_audit import AuditTab
        from pcn_assistant.gui.areas.admin_backups import BackupsTab

        self.audit = AuditTab(ctx, self.form) if ctx.actor.can(AUDIT_READ) else None
        self.backups = BackupsTab(ctx, self.form) if ctx.actor.can(BACKUP_RUN) else None
        for name, present in (("auditTab", self.audit), ("backupsTab", self.backups)):
            if present is None:
                self.tabs.removeTab(self.tabs.indexOf(child(self.form, QWidget, name)))

    def refresh_users(self) -> None:
        self.users_model.set_users(user_service.list_users(self.ctx.db, self.ctx.actor))
        self._update_buttons()

    def selected_user(self) -> user_service.UserInfo | None:
        rows = self.users_table.selectionModel().selectedRows()
        return self.users_model.users[rows[0].row()] if rows else None

    def select_login(self, login: str) -> None:
        for row, info in enumerate(self.users_model.users):
            if info.login == login:
                self.users_table.selectRow(row)

    def _update_buttons(self) -> None:
        info = self.selected_user()
        for name in ("changeRoleButton", "resetPasswordButton", "unlockButton"):
            self.buttons[name].setEnabled(info is not None)
        self.buttons["disableButton"].setEnabled(info is not None and not info.disabled)
        self.buttons["enableButton"].setEnabled(info is not None and info.disabled)

    def _after(self, login: str | None) -> None:
        self.refresh_users()
        if login:
            self.select_login(login)
        if self.audit is not None:
            self.audit.refresh()

    def add_user(self) -> None:
        dialog = UserDialog(self.ctx, parent=self)
        self.run_dialog(dialog)
        if dialog.result_info is not None:
            self._after(dialog.result_info.login)

    def change_role(self) -> None:
        info = self.selected_user()
        if info is None:
            return
        dialog = UserDialog(self.ctx, info, parent=self)
        self.run_dialog(dialog)
        self._after(info.login)

    def reset_password(self) -> None:
        info = self.selected_user()
        if info is not None:
            self.run_dialog(PasswordDialog(self.ctx, info, parent=self))
            self._after(info.login)

    def _act(self, action: Callable) -> None:  # type: ignore[type-arg]
        info = self.selected_user()
        if info is None:
            return
        try:
            action(self.ctx.db, self.ctx.actor, info.login)
        except PcnError as error:
            QMessageBox.warning(self, "Users", str(error))
        self._after(info.login)
