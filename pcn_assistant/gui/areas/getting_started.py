"""Getting started: what a new, empty database needs, with a button for each step.

Shown first while the database has no patients (and listed until the three steps are
done), so nobody meets a window of blank tables. Each button takes the user to the
area that does the step and starts it there. Roles that cannot do a step are told
who can.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.forms import child, embed_form
from pcn_assistant.services.getting_started import SetupProgress, setup_progress
from pcn_assistant.services.security import DIRECTORY_WRITE, IMPORTS_RUN, USERS_ADMIN

DONE, TO_DO = "✔ Done: ", "To do: "


def step_texts(progress: SetupProgress) -> dict[str, str]:
    """The status line of each step, in plain words."""
    practices = f"{progress.practices} practice{'s' if progress.practices != 1 else ''}"
    return {
        "practiceList": (f"{DONE}{progress.patients:,} people registered at {practices}."
                         if progress.practice_list_done else
                         f"{TO_DO}import each practice's patient list (an EMIS Web or SystmOne search saved "
                         "as CSV or Excel). The columns are checked with you first; risk tiers follow."),
        "directory": (f"{DONE}{progress.services:,} services in the directory."
                      if progress.directory_done else
                      f"{TO_DO}import the local directory of community services (Open Referral UK JSON, "
                      "zip or datapackage folder), so link workers can refer people."),
        "users": (f"{DONE}{progress.users:,} people can sign in."
                  if progress.users_done else
                  f"{TO_DO}add each link worker, practice manager and clinical director with their own "
                  "user name and password."),
    }


class GettingStartedArea(QWidget):
    STEPS = (("practiceList", IMPORTS_RUN), ("directory", DIRECTORY_WRITE), ("users", USERS_ADMIN))

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.form = embed_form(self, "getting_started.ui")
        self.labels = {key: child(self.form, QLabel, f"{key}Label") for key, _ in self.STEPS}
        self.buttons = {key: child(self.form, QPushButton, f"{key}Button") for key, _ in self.STEPS}
        self.buttons["practiceList"].clicked.connect(self.import_practice_list)
        self.buttons["directory"].clicked.connect(self.import_directory)
        self.buttons["users"].clicked.connect(self.add_user)
        for key, permission in self.STEPS:
            if not ctx.actor.can(permission):
                self.buttons[key].setEnabled(False)
                self.buttons[key].setToolTip("Your administrator does this step")
        self.refresh()

    def refresh(self) -> None:
        self.progress = setup_progress(self.ctx.db)
        for key, text in step_texts(self.progress).items():
            allowed = self.buttons[key].isEnabled() or text.startswith(DONE)
            self.labels[key].setText(text if allowed else f"{text} Ask your administrator.")

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        self.refresh()  # after a step done elsewhere
        super().showEvent(event)

    def _area(self, key: str) -> QWidget | None:
        window = self.window()
        return window.show_area(key) if hasattr(window, "show_area") else None

    def import_practice_list(self) -> None:
        imports = self._area("imports")
        if imports is None:
            return
        imports.kind_combo.setCurrentIndex(imports.kind_combo.findData("patients"))
        imports.choose_file()
        if imports.file_edit.text().strip():
            imports.start_import()

    def import_directory(self) -> None:
        directory = self._area("directory")
        if directory is not None:
            directory.import_file()

    def add_user(self) -> None:
        admin = self._area("admin")
        if admin is not None:
            admin.add_user()
