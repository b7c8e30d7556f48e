"""Person record tab "Referrals": this person's referrals and their history, with the
actions that go with them (refer from the open episode, next step, slip, GP message).
Registered in ``PERSON_RECORD_TABS`` when the record first opens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLabel, QMessageBox, QPushButton, QTableWidget, QWidget

from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.core.directory import category_label
from pcn_assistant.core.plain_names import plural
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.formatting import format_date
from pcn_assistant.gui.forms import child, embed_form
from pcn_assistant.gui.person_record import PERSON_RECORD_TABS, caseload_events
from pcn_assistant.gui.person_record.tables import fill_table
from pcn_assistant.gui.referrals.common import save_pdf, warn
from pcn_assistant.gui.referrals.referral_dialog import ReferralDialog, next_steps
from pcn_assistant.gui.referrals.step_dialog import ReferralStepDialog
from pcn_assistant.gui.user_names import UserNames
from pcn_assistant.services.person_record import consent
from pcn_assistant.services.referrals import queries
from pcn_assistant.services.referrals.documents import gp_message, referral_slip
from pcn_assistant.services.referrals.lifecycle import set_outcome_note
from pcn_assistant.services.security import EXPORT_IDENTIFIABLE, REFERRALS_WRITE


class ReferralsTab(QWidget):
    def __init__(self, ctx: AppContext, patient_id: int) -> None:
        super().__init__()
        self.ctx, self.patient_id = ctx, patient_id
        self.names = UserNames(ctx.db)
        self.form = embed_form(self, "person_referrals_tab.ui")
        self.summary = child(self.form, QLabel, "summaryLabel")
        self.table = child(self.form, QTableWidget, "referralsTable")
        self.events = child(self.form, QTableWidget, "eventsTable")
        self.buttons = {name: child(self.form, QPushButton, name) for name in
                        ("referButton", "stepButton", "slipButton", "outcomeButton", "gpMessageButton")}
        self.buttons["referButton"].clicked.connect(self.refer)
        self.buttons["stepButton"].clicked.connect(self.record_step)
        self.buttons["slipButton"].clicked.connect(self.print_slip)
        self.buttons["outcomeButton"].clicked.connect(self.outcome_note)
        self.buttons["gpMessageButton"].clicked.connect(self.message_to_gp)
        self.table.currentCellChanged.connect(lambda *_: self.show_events())
        self.reload()

    def reload(self) -> None:
        self.episode = queries.open_episode(self.ctx.db, self.ctx.actor, self.patient_id)
        self.rows = queries.referrals_for_patient(self.ctx.db, self.ctx.actor, self.patient_id)
        sharing = consent.sharing_for_referrals(self.ctx.db, self.ctx.actor, self.patient_id)
        fill_table(self.table, ["Reference", "Service", "Provider", "Need", "Status", "Since", "Details to provider",
                                "Outcome"], [
            [r.reference, r.service, r.organisation, category_label(r.category), r.status_label,
             format_date(r.status_on), "Shared" if sharing[r.id].allowed else f"Withheld: {sharing[r.id].reason}",
             r.outcome_note] for r in self.rows], list(self.rows))
        open_count = sum(1 for r in self.rows if r.status in life.OPEN)
        where = ("Referrals are made from the open episode." if self.episode else
                 "No open episode: enrol the person to refer them.")
        self.summary.setText(f"{plural(len(self.rows), 'referral')}, {open_count} open. {where}")
        can_write = self.ctx.actor.can(REFERRALS_WRITE)
        self.buttons["referButton"].setEnabled(can_write and self.episode is not None)
        for name in ("stepButton", "slipButton", "outcomeButton"):
            self.buttons[name].setEnabled(can_write and bool(self.rows))
        self.buttons["gpMessageButton"].setEnabled(self.ctx.actor.can(EXPORT_IDENTIFIABLE) and bool(self.rows))
        self.show_events()

    def current(self) -> queries.ReferralRow | None:
        row = self.table.currentRow()
        return self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) if row >= 0 else None

    def show_events(self) -> None:
        row = self.current()
        events = queries.referral_events(self.ctx.db, self.ctx.actor, row.id) if row else []
        fill_table(self.events, ["Date", "Step", "Recorded by", "How", "Note"], [
            [format_date(e.event_on), e.description, self.names.who(e.recorded_by), e.via, e.note] for e in events])

    def _saved(self) -> None:
        self.reload()
        caseload_events().changed.emit()

    def refer(self) -> None:
        if self.episode is None:
            return
        dialog = ReferralDialog(self.ctx, self.episode, self)
        if not dialog.exec():
            return
        self._saved()
        self.tell_next_steps(dialog.result_value or [], dict(dialog._checked))

    def tell_next_steps(self, created: list, services: dict) -> None:
        """Say plainly what happens now; offer the slip of a referral that was sent."""
        box = QMessageBox(QMessageBox.Icon.Information, "Referral saved", next_steps(created, services),
                          QMessageBox.StandardButton.Close, self)
        sent = [r for r in created if r.status == life.SENT]
        slip = box.addButton("Print the &slip…", QMessageBox.ButtonRole.ActionRole) if sent else None
        box.exec()
        if slip is not None and box.clickedButton() is slip:
            first = sent[0]
            save_pdf(self, lambda: referral_slip(self.ctx.db, self.ctx.actor, first.id),
                     f"referral-slip-{first.reference}.pdf")

    def record_step(self) -> None:
        row = self.current()
        if row is not None and ReferralStepDialog(self.ctx, row.id, row.reference, row.status, row.version,
                                                  row.service, self).exec():
            self._saved()

    def print_slip(self) -> None:
        row = self.current()
        if row is not None:
            save_pdf(self, lambda: referral_slip(self.ctx.db, self.ctx.actor, row.id),
                     f"referral-slip-{row.reference}.pdf")

    def outcome_note(self) -> None:
        row = self.current()
        if row is None:
            return
        text, ok = QInputDialog.getMultiLineText(self, "Outcome", f"What did {row.service} do for them?",
                                                 row.outcome_note)
        if ok:
            try:
                set_outcome_note(self.ctx.db, self.ctx.actor, row.id, text, expected_version=row.version)
            except Exception as error:  # noqa: BLE001 - shown to the user
                warn(self, "Outcome not saved", error)
            self._saved()

    def message_to_gp(self) -> None:
        row = self.current()
        if row is not None:
            save_pdf(self, lambda: gp_message(self.ctx.db, self.ctx.actor, row.episode_id),
                     f"message-to-gp-episode-{row.episode_id}.pdf")


def referrals_tab(ctx: AppContext, patient_id: int) -> QWidget:
    return ReferralsTab(ctx, patient_id)


if all(title != "Referrals" for title, _ in PERSON_RECORD_TABS):
    PERSON_RECORD_TABS.append(("Referrals", referrals_tab))
