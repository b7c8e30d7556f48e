"""Dialogs that save through a caseload service: the contact, status and enrol dialogs.

Every one follows the same rule: Save calls the service; if the service refuses (a
future date, an end before the start, a second open episode...), its message shows
in the dialog, the dialog stays open with everything typed, and nothing is saved.
Ctrl+Enter saves from any field, so a contact can be recorded without the mouse.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from pcn_assistant.core import caseload as rules
from pcn_assistant.errors import PcnError
from pcn_assistant.gui import qt_clock
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.user_names import UserNames
from pcn_assistant.gui.widgets.form_dialog import FormDialog
from pcn_assistant.gui.widgets.refused_input import RefusedInputGuard
from pcn_assistant.services.caseload import contacts, episodes
from pcn_assistant.services.caseload.person import EpisodeView

# Typical length of each kind of contact, filled in until the user changes it.
DEFAULT_MINUTES = {"phone": 15, "face_to_face": 45, "home_visit": 60, "video": 30, "text": 5,
                   rules.UNSUCCESSFUL: 2}


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def from_qdatetime(value: QDateTime) -> datetime:
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


def fill_combo(combo: QComboBox, vocabulary: Sequence[tuple[str, str]], current: str | None = None) -> None:
    combo.clear()
    for key, text in vocabulary:
        combo.addItem(text, key)
    if current is not None:
        combo.setCurrentIndex(max(combo.findData(current), 0))


def coordinator_items(combo: QComboBox, coordinators: list[tuple[str, str]], current: str | None) -> None:
    for login, name in coordinators:
        combo.addItem(f"{name} ({login})" if name != login else login, login)
    if current is not None and combo.findData(current) < 0:
        combo.addItem(current, current)
    combo.setCurrentIndex(max(combo.findData(current), 0) if current is not None else 0)


def chosen_login(combo: QComboBox) -> str:
    """The login picked from the list, or what was typed into the editable combo."""
    index = combo.findText(combo.currentText())
    return combo.itemData(index) if index >= 0 else combo.currentText().strip()


def refusal_label(label: QLabel) -> QLabel:
    """The label a dialog explains a refused save in: bold, hidden until needed."""
    bold = QFont(label.font())
    bold.setBold(True)
    label.setFont(bold)
    label.setVisible(False)
    return label


def show_refusal(label: QLabel, message: str) -> None:
    label.setText(f"Not saved: {message}")
    label.setAccessibleDescription(message)
    label.setVisible(True)


class ServiceDialog(FormDialog):
    """A Designer form whose Save runs the subclass's ``save()``; a refusal is shown, not raised."""

    def __init__(self, form_name: str, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(form_name, parent)
        self.ctx = ctx
        self.result_value: Any = None
        self.error_label = refusal_label(self.part(QLabel, "errorLabel"))
        self.button_box = self.part(QDialogButtonBox, "buttonBox")
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.accept)
        # Letters typed into a number or date field are dropped by the field: say so, and
        # refuse to save until it is put right, so nothing typed is lost without a word.
        self.refused_input = RefusedInputGuard(self.form, self._refused_changed)

    def _refused_changed(self) -> None:
        if self.refused_input.refused:
            self.show_error(self.refused_input.message())
        else:
            self.error_label.setVisible(False)

    def accept(self) -> None:
        if self.refused_input.blocked:
            self.show_error(self.refused_input.message())
            return
        try:
            self.result_value = self.save()
        except PcnError as error:
            self.show_error(str(error))
            return
        super().accept()

    def show_error(self, message: str) -> None:
        show_refusal(self.error_label, message)


class ContactDialog(ServiceDialog):
    """Record a contact: type, when (now by default), duration and a note."""

    def __init__(self, ctx: AppContext, episode: EpisodeView, person: str, parent: QWidget | None = None,
                 *, coordinator_name: str | None = None) -> None:
        super().__init__("contact_dialog.ui", ctx, parent)
        self.episode = episode
        self.part(QLabel, "introLabel").setText(
            f"{person}\nEpisode with {coordinator_name or UserNames(ctx.db).who(episode.coordinator)}, "
            f"{rules.label(rules.STATUSES, episode.status).lower()}")
        self.type_combo = self.part(QComboBox, "typeCombo")
        self.when_edit = self.part(QDateTimeEdit, "whenEdit")
        self.duration = self.part(QSpinBox, "durationSpin")
        self.note = self.part(QPlainTextEdit, "noteEdit")
        fill_combo(self.type_combo, rules.CONTACT_TYPES, "phone")
        now = qt_clock.now()
        self.when_edit.setDateTime(QDateTime(now.date(), QTime(now.time().hour(), now.time().minute())))
        self._duration_touched = False
        self.duration.setValue(DEFAULT_MINUTES["phone"])
        self.duration.valueChanged.connect(self._duration_edited)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.type_combo.setFocus()

    def _duration_edited(self) -> None:
        if self.duration.hasFocus():
            self._duration_touched = True

    def _type_changed(self) -> None:
        if not self._duration_touched:
            self.duration.setValue(DEFAULT_MINUTES.get(self.type_combo.currentData(), 15))

    def save(self) -> contacts.ContactSaved:
        return contacts.record_contact(
            self.ctx.db, self.ctx.actor, self.episode.id,
            contact_at=from_qdatetime(self.when_edit.dateTime()),
            contact_type=self.type_combo.currentData(), duration_minutes=self.duration.value(),
            note=self.note.toPlainText(),
        )


class StatusDialog(ServiceDialog):
    """Move the episode forward or close it (with a reason)."""

    def __init__(self, ctx: AppContext, episode: EpisodeView, parent: QWidget | None = None,
                 *, close: bool = False, reason: str | None = None) -> None:
        super().__init__("status_dialog.ui", ctx, parent)
        self.episode = episode
        self.part(QLabel, "introLabel").setText(
            f"Now {rules.label(rules.STATUSES, episode.status).lower()}; status runs forward only "
            "and closed is final.")
        self.status_combo = self.part(QComboBox, "statusCombo")
        self.date_edit = self.part(QDateEdit, "dateEdit")
        self.reason_combo = self.part(QComboBox, "reasonCombo")
        self.note = self.part(QPlainTextEdit, "noteEdit")
        later = rules.STATUS_ORDER[rules.STATUS_ORDER.index(episode.status) + 1:]
        fill_combo(self.status_combo, [(k, t) for k, t in rules.STATUSES if k in later],
                   rules.CLOSED if close else None)
        fill_combo(self.reason_combo, rules.CLOSE_REASONS, reason)
        self.date_edit.setDate(qt_clock.today())
        self.status_combo.currentIndexChanged.connect(self._status_changed)
        self._status_changed()

    def _status_changed(self) -> None:
        self.reason_combo.setEnabled(self.status_combo.currentData() == rules.CLOSED)

    def save(self) -> episodes.EpisodeSaved:
        new = self.status_combo.currentData()
        return episodes.change_status(
            self.ctx.db, self.ctx.actor, self.episode.id, new, from_qdate(self.date_edit.date()),
            close_reason=self.reason_combo.currentData() if new == rules.CLOSED else None,
            note=self.note.toPlainText(), expected_version=self.episode.version,
        )


class EnrolDialog(ServiceDialog):
    """Open an episode: coordinator, referral source and reasons, date, referrer, consent."""

    def __init__(self, ctx: AppContext, patient_id: int, person: str, coordinators: list[tuple[str, str]],
                 parent: QWidget | None = None) -> None:
        super().__init__("enrol_dialog.ui", ctx, parent)
        self.patient_id = patient_id
        self.part(QLabel, "introLabel").setText(person)
        self.coordinator = self.part(QComboBox, "coordinatorCombo")
        mine = ctx.actor.name if any(login == ctx.actor.name for login, _ in coordinators) else None
        coordinator_items(self.coordinator, coordinators, mine)
        self.source = self.part(QComboBox, "sourceCombo")
        fill_combo(self.source, rules.REFERRAL_SOURCES, "gp")
        self.reasons = self.part(QListWidget, "reasonsList")
        for key, text in rules.REFERRAL_REASONS:
            item = QListWidgetItem(text, self.reasons)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.reasons.setCurrentRow(0)
        self.referred = self.part(QDateEdit, "referredEdit")
        self.referred.setDate(qt_clock.today())
        self.referrer = self.part(QLineEdit, "referrerEdit")
        self.note = self.part(QPlainTextEdit, "noteEdit")
        self.consent = self.part(QCheckBox, "consentCheck")

    def chosen_reasons(self) -> list[str]:
        return [self.reasons.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.reasons.count())
                if self.reasons.item(i).checkState() == Qt.CheckState.Checked]

    def save(self) -> episodes.EpisodeSaved:
        return episodes.enrol_patient(
            self.ctx.db, self.ctx.actor, self.patient_id, coordinator=chosen_login(self.coordinator),
            referral_source=self.source.currentData(), referral_reasons=self.chosen_reasons(),
            referred_on=from_qdate(self.referred.date()), referrer_name=self.referrer.text(),
            referral_note=self.note.toPlainText(), consent_to_share=self.consent.isChecked(),
        )
