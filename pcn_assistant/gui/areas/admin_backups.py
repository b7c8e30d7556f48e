"""The backups tab: list backups, back up now, restore one (SQLite files only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from pcn_assistant.core import clock
from pcn_assistant.errors import PcnError
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.forms import child
from pcn_assistant.services import backup

KIND_LABELS = {"daily": "Daily (automatic)", "manual": "Made by hand",
               "pre-migration": "Before an upgrade", "replaced": "Replaced by a restore"}


def _confirm(parent: QWidget, text: str) -> bool:
    return QMessageBox.question(parent, "Restore a backup", text) == QMessageBox.StandardButton.Yes


class BackupsTab:
    """Wires the backup widgets of the admin form. ``confirm`` and ``after_restore`` are
    injectable so tests need no message boxes; by default a restore quits the app,
    since every open connection points at the replaced file."""

    def __init__(self, ctx: AppContext, form: QWidget, *,
                 confirm: Callable[[QWidget, str], bool] = _confirm,
                 after_restore: Callable[[str], None] | None = None) -> None:
        self.ctx, self.form = ctx, form
        self.confirm = confirm
        self.after_restore = after_restore or self._quit_after_restore
        self.table = child(form, QTableWidget, "backupsTable")
        self.note = child(form, QLabel, "backupNoteLabel")
        self.path = ctx.db.file_path
        self.backups: list[backup.BackupInfo] = []
        buttons = {name: child(form, QPushButton, name) for name in (
            "backupNowButton", "restoreButton", "restoreFileButton", "openFolderButton")}
        if self.path is None:
            self.note.setText(backup.POSTGRES_ADVICE + ". Restoring is also done on the server.")
            for button in buttons.values():
                button.setEnabled(False)
            self.table.setVisible(False)
            return
        self.note.setText(
            f"Backups of {self.path.name} are kept in {backup.backup_folder(self.path)}: one a day on "
            f"the first start of the day and one before every upgrade, the last {backup.KEEP} of each. "
            "Each is checked with SQLite's integrity check. Keep copies only where patient data is "
            "allowed to be.")
        buttons["backupNowButton"].clicked.connect(self.choose_backup)
        buttons["restoreButton"].clicked.connect(self.restore_selected)
        buttons["restoreFileButton"].clicked.connect(self.choose_restore)
        buttons["openFolderButton"].clicked.connect(self.open_folder)
        self.table.setColumnCount(4)
        self.table.setHorizontalHeaderLabels(["When", "Kind", "Size", "File"])
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.refresh()

    def refresh(self) -> None:
        if self.path is None:
            return
        self.backups = backup.list_backups(self.path)
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            cells = (info.modified.strftime("%d/%m/%Y %H:%M"), KIND_LABELS.get(info.kind, info.kind),
                     f"{info.size / 1_048_576:,.1f} MB", str(info.path))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))

    def choose_backup(self) -> None:
        suggested = backup.backup_folder(self.path) / f"{self.path.stem}-manual-{clock.now():%Y%m%d-%H%M%S}.db"
        path, _ = QFileDialog.getSaveFileName(self.form, "Back up the database", str(suggested),
                                              "Database backup (*.db)")
        if path:
            self.backup_to(Path(path))

    def backup_to(self, path: Path | None) -> backup.BackupInfo | None:
        try:
            info = backup.backup_database(self.ctx.db, self.ctx.actor, path)
        except PcnError as error:
            QMessageBox.warning(self.form, "Back up", str(error))
            return None
        self.refresh()
        return info

    def restore_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.restore_from(self.backups[rows[0].row()].path)

    def choose_restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.form, "Restore a backup", str(backup.backup_folder(self.path)),
                                              "Database backup (*.db)")
        if path:
            self.restore_from(Path(path))

    def restore_from(self, source: Path) -> backup.RestoreResult | None:
        try:
            backup.check_backup_file(source)
        except PcnError as error:
            QMessageBox.warning(self.form, "Restore", str(error))
            return None
        if not self.confirm(self.form, f"Replace the database with {source.name}?\n\nEverything saved "
                            "since that backup is replaced (a copy of the current database is kept). "
                            "Ask colleagues using this file to close PCN Assistant first. "
                            "PCN Assistant closes when the restore is done."):
            return None
        try:
            result = backup.restore_database(self.ctx.db, self.ctx.actor, source)
        except PcnError as error:
            QMessageBox.warning(self.form, "Restore", str(error))
            return None
        self.after_restore(f"Restored from {source.name}. The replaced database was kept as "
                           f"{result.replaced_copy}. Start PCN Assistant again to carry on.")
        return result

    def _quit_after_restore(self, message: str) -> None:
        QMessageBox.information(self.form, "Restore", message)
        QApplication.quit()

    def open_folder(self) -> None:
        folder = backup.backup_folder(self.path)
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
