"""Record the next step of a referral: only the moves the lifecycle allows are offered."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QLabel, QPlainTextEdit, QWidget

from pcn_assistant.core import clock
from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.person_record.dialogs import ServiceDialog, to_qdate
from pcn_assistant.services.referrals.lifecycle import transition

# The order steps are offered in (the likeliest first).
OFFER = (life.SENT, life.ACCEPTED, life.ATTENDED, life.COMPLETED, life.DID_NOT_ATTEND, life.DECLINED,
         life.WAITING, life.WITHDRAWN)


class ReferralStepDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, referral_id: int, reference: str, status: str, version: int,
                 description: str, parent: QWidget | None = None, *, only: tuple[str, ...] | None = None) -> None:
        super().__init__("referral_step_dialog.ui", ctx, parent)
        self.referral_id, self.version = referral_id, version
        self.part(QLabel, "introLabel").setText(f"{reference} · {description} · now {life.label(status).lower()}")
        self.status = self.part(QComboBox, "statusCombo")
        self.date = self.part(QDateEdit, "dateEdit")
        self.note = self.part(QPlainTextEdit, "noteEdit")
        self.force = self.part(QCheckBox, "forceCheck")
        allowed = [s for s in OFFER if s in life.TRANSITIONS[status] and (only is None or s in only)]
        for step in allowed:
            self.status.addItem(life.label(step), step)
        self.date.setMaximumDate(to_qdate(clock.today()))
        self.date.setDate(to_qdate(clock.today()))
        self.force.setVisible(status == life.WAITING)
        if not allowed:
            self.show_error("this referral is closed: nothing more can be recorded")
        self.status.setFocus()

    def save(self) -> str:
        chosen = self.date.date()
        return transition(self.ctx.db, self.ctx.actor, self.referral_id, self.status.currentData(),
                          date(chosen.year(), chosen.month(), chosen.day()), note=self.note.toPlainText(),
                          expected_version=self.version, force=self.force.isChecked())
