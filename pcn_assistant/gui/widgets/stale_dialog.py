"""Shown when a save is refused because someone else saved the record first.

Both versions are laid out field by field (differences in bold, so it works in any
palette); the user keeps theirs, keeps their own (the caller saves again against the
newer version) or goes back to editing with nothing lost. Any area can use it:

    try:
        save(...)
    except StaleEdit as error:
        choice = resolve_stale(self, error, labels={"note": "Note"})
        if choice is StaleChoice.KEEP_MINE:
            save(..., expected_version=error.current_version)
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from pcn_assistant.gui.widgets.form_dialog import FormDialog
from pcn_assistant.services.auth import local_hhmm
from pcn_assistant.services.concurrency import StaleEdit


class StaleChoice(enum.Enum):
    KEEP_MINE = "mine"
    KEEP_THEIRS = "theirs"
    KEEP_EDITING = "editing"


def _text(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%b-%Y")
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value) or "(empty)"
    return str(value)


class StaleDialog(FormDialog):
    def __init__(self, error: StaleEdit, labels: Mapping[str, str] | None = None,
                 formatter: Callable[[str, Any], str] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("stale_dialog.ui", parent)
        self.error = error
        self.choice = StaleChoice.KEEP_EDITING
        labels = labels or {}
        fmt = formatter or (lambda _field, value: _text(value))
        self.part(QLabel, "messageLabel").setText(f"<b>{error}</b>")
        table = self.part(QTableWidget, "table")
        theirs = error.theirs
        who = theirs.saved_by_name if theirs else None
        when = f" at {local_hhmm(theirs.saved_at)}" if theirs and theirs.saved_at else ""
        headers = ["", "Your version (not saved)", f"Saved by {who}{when}" if who else "Saved version"]
        table.setColumnCount(3)
        table.setHorizontalHeaderLabels(headers)
        fields = list(error.mine.values)
        table.setRowCount(len(fields))
        self.differing: list[str] = []
        for row, field in enumerate(fields):
            mine_value = error.mine.values[field]
            their_value = theirs.values.get(field) if theirs else None
            cells = [labels.get(field, field.replace("_", " ").capitalize()), fmt(field, mine_value),
                     fmt(field, their_value) if theirs else "(deleted)"]
            differs = theirs is None or mine_value != their_value
            if differs:
                self.differing.append(field)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if differs:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, column, item)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.resizeRowsToContents()
        mine_button = self.part(QPushButton, "keepMineButton")
        theirs_button = self.part(QPushButton, "keepTheirsButton")
        if theirs is None:  # deleted: there is nothing to save over
            mine_button.setEnabled(False)
            theirs_button.setText("&Discard mine")
        mine_button.clicked.connect(lambda: self._choose(StaleChoice.KEEP_MINE))
        theirs_button.clicked.connect(lambda: self._choose(StaleChoice.KEEP_THEIRS))
        self.part(QPushButton, "keepEditingButton").clicked.connect(
            lambda: self._choose(StaleChoice.KEEP_EDITING))
        self.part(QPushButton, "keepEditingButton").setFocus()

    def _choose(self, choice: StaleChoice) -> None:
        self.choice = choice
        if choice is StaleChoice.KEEP_EDITING:
            self.reject()
        else:
            self.accept()


def resolve_stale(parent: QWidget | None, error: StaleEdit, labels: Mapping[str, str] | None = None,
                  formatter: Callable[[str, Any], str] | None = None) -> StaleChoice:
    """Show the dialog and return the user's choice (Escape means keep editing)."""
    dialog = StaleDialog(error, labels, formatter, parent)
    dialog.exec()
    return dialog.choice
