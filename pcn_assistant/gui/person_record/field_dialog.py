"""One small dialog for the person record's simple forms (requirements, social context,
consent, home-visit risk, safeguarding, referrer, plan agreement, signposting,
appointments): a list of fields becomes a labelled form with Save and Cancel.

Save calls the caller's ``save(values)``; a refusal (``PcnError``) is shown in place and
nothing closes, so typed text is never lost. Mandatory fields (PRSB) are marked with *
and are refused empty before the service is asked. Escape cancels, Ctrl+Enter saves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pcn_assistant.errors import PcnError
from pcn_assistant.gui import qt_clock
from pcn_assistant.gui.person_record.dialogs import refusal_label, show_refusal

TEXT, LONG, CHOICE, CHECK, DAY, MOMENT, NUMBER, CHECKS = (
    "text", "long", "choice", "check", "day", "moment", "number", "checks")


@dataclass
class Field:
    """One input: ``kind`` decides the widget; ``choices`` maps stored key -> words shown."""

    key: str
    label: str
    kind: str = TEXT
    value: Any = None
    choices: dict[str, str] = field(default_factory=dict)
    required: bool = False
    limit: int = 200
    low: int = 0
    high: int = 10
    tip: str = ""


def _to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class FieldDialog(QDialog):
    def __init__(self, title: str, intro: str, fields: list[Field], save: Callable[[dict], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.fields, self._save = fields, save
        self.result_value: Any = None
        self.widgets: dict[str, QWidget | dict[str, QCheckBox]] = {}
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            layout.addWidget(label)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(form)
        for spec in fields:
            widget = self._make(spec)
            caption = QLabel(("* " if spec.required else "") + spec.label + ":")
            caption.setWordWrap(True)
            if not isinstance(widget, QGroupBox):
                caption.setBuddy(widget)
            form.addRow(caption, widget)
        self.error_label = refusal_label(QLabel())
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName("Problem with what was entered")
        layout.addWidget(self.error_label)
        if any(spec.required for spec in fields):
            layout.addWidget(QLabel("* must be filled in"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.setAccessibleName("Save or cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.accept)
        self.resize(max(self.sizeHint().width(), 520), self.sizeHint().height())

    def _make(self, spec: Field) -> QWidget:
        if spec.kind == CHECKS:
            box = QGroupBox()
            box.setAccessibleName(spec.label)
            inner = QVBoxLayout(box)
            ticks = {}
            for key, words in spec.choices.items():
                tick = QCheckBox(words)
                tick.setChecked(key in (spec.value or ()))
                inner.addWidget(tick)
                ticks[key] = tick
            self.widgets[spec.key] = ticks
            return box
        widget: QWidget
        if spec.kind == LONG:
            widget = QPlainTextEdit(spec.value or "")
            widget.setTabChangesFocus(True)
            widget.setMaximumHeight(80)
        elif spec.kind == CHOICE:
            widget = QComboBox()
            if not spec.required:
                widget.addItem("Not recorded", None)
            for key, words in spec.choices.items():
                widget.addItem(words, key)
            index = widget.findData(spec.value)
            widget.setCurrentIndex(max(index, 0))
        elif spec.kind == CHECK:
            widget = QCheckBox()
            widget.setChecked(bool(spec.value))
        elif spec.kind == DAY:
            widget = QDateEdit(_to_qdate(spec.value) if spec.value else qt_clock.today())
            widget.setCalendarPopup(True)
            widget.setDisplayFormat("dd-MMM-yyyy")
        elif spec.kind == MOMENT:
            moment = spec.value or qt_clock.now()
            if isinstance(moment, datetime):
                moment = QDateTime(_to_qdate(moment.date()), QTime(moment.hour, moment.minute))
            widget = QDateTimeEdit(moment)
            widget.setCalendarPopup(True)
            widget.setDisplayFormat("dd-MMM-yyyy HH:mm")
        elif spec.kind == NUMBER:
            widget = QSpinBox()
            widget.setRange(spec.low - 1, spec.high)
            widget.setSpecialValueText("Not recorded")
            widget.setValue(spec.value if spec.value is not None else spec.low - 1)
        else:
            widget = QLineEdit(spec.value or "")
            widget.setMaxLength(spec.limit)
        widget.setAccessibleName(spec.label)
        if spec.tip:
            widget.setToolTip(spec.tip)
        self.widgets[spec.key] = widget
        return widget

    def values(self) -> dict[str, Any]:
        """What was entered, as plain Python values keyed by field."""
        out: dict[str, Any] = {}
        for spec in self.fields:
            widget = self.widgets[spec.key]
            if spec.kind == CHECKS:
                out[spec.key] = [key for key, tick in widget.items() if tick.isChecked()]
            elif spec.kind == LONG:
                out[spec.key] = widget.toPlainText().strip()
            elif spec.kind == CHOICE:
                out[spec.key] = widget.currentData()
            elif spec.kind == CHECK:
                out[spec.key] = widget.isChecked()
            elif spec.kind == DAY:
                out[spec.key] = widget.date().toPython()
            elif spec.kind == MOMENT:
                out[spec.key] = widget.dateTime().toPython().replace(second=0, microsecond=0)
            elif spec.kind == NUMBER:
                out[spec.key] = None if widget.value() < spec.low else widget.value()
            else:
                out[spec.key] = widget.text().strip()
        return out

    def missing(self, values: dict[str, Any]) -> list[str]:
        return [spec.label for spec in self.fields
                if spec.required and spec.kind in (TEXT, LONG) and not values[spec.key]]

    def accept(self) -> None:
        values = self.values()
        if missing := self.missing(values):
            self.show_error(f"{', '.join(missing)} must be filled in")
            return
        try:
            self.result_value = self._save(values)
        except PcnError as error:
            self.show_error(str(error))
            return
        super().accept()

    def show_error(self, message: str) -> None:
        show_refusal(self.error_label, message)
