"""Person record tab "Appointments and signposting": the contacts booked with the person
(book, cancel, mark attended) and the information they were given (signposting, kept
apart from referrals). Registered when the record first opens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from pcn_assistant.core import person_record as vocab
from pcn_assistant.core.directory import category_label
from pcn_assistant.errors import PcnError
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.formatting import format_date
from pcn_assistant.gui.person_record import PERSON_RECORD_TABS, caseload_events
from pcn_assistant.gui.person_record import about_dialogs as dialogs
from pcn_assistant.gui.person_record.tables import fill_table
from pcn_assistant.gui.referrals.common import warn
from pcn_assistant.services.person_record import appointments, signposting
from pcn_assistant.services.security import CASELOAD_WRITE


class AppointmentsTab(QWidget):
    def __init__(self, ctx: AppContext, patient_id: int) -> None:
        super().__init__()
        self.ctx, self.patient_id = ctx, patient_id
        self.setAccessibleName("Appointments and signposting")
        layout = QVBoxLayout(self)
        self.appointments = QTableWidget()
        self.appointments.setAccessibleName("Appointments")
        self.signposts = QTableWidget()
        self.signposts.setAccessibleName("Signposting")
        self.buttons: dict[str, QPushButton] = {}
        layout.addWidget(self._box("Appointments", self.appointments, [
            ("&Book…", "book", self.book), ("Mark &attended", "attended", lambda: self.set_status("attended")),
            ("Did &not attend", "missed", lambda: self.set_status("missed")),
            ("&Cancel appointment", "cancelled", lambda: self.set_status("cancelled"))]), 3)
        layout.addWidget(self._box("Signposting (information given, no referral)", self.signposts, [
            ("Record &signposting…", "signpost", self.signpost)]), 2)
        self.reload()

    def _box(self, title: str, table: QTableWidget, actions: list) -> QGroupBox:
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        inner.addWidget(table)
        row = QHBoxLayout()
        for text, key, slot in actions:
            button = QPushButton(text)
            button.clicked.connect(slot)
            self.buttons[key] = button
            row.addWidget(button)
        row.addStretch(1)
        inner.addLayout(row)
        return box

    def reload(self) -> None:
        rows = appointments.person_appointments(self.ctx.db, self.ctx.actor, self.patient_id)
        fill_table(self.appointments, ["When", "Minutes", "Kind", "Where", "With", "Status", "Note"], [
            [f"{r.starts_at:%a %d-%b-%Y %H:%M}", r.minutes, vocab.APPOINTMENT_KINDS[r.kind], r.place,
             r.link_worker_name, vocab.APPOINTMENT_STATUSES[r.status], r.note]
            for r in rows], list(rows))
        signs = signposting.list_signposting(self.ctx.db, self.ctx.actor, self.patient_id)
        fill_table(self.signposts, ["Date", "Need", "What they were given", "Service"], [
            [format_date(s.signposted_on), category_label(s.category), s.description, s.service or ""]
            for s in signs], list(signs))
        can_write = self.ctx.actor.can(CASELOAD_WRITE)
        for button in self.buttons.values():
            button.setEnabled(can_write)
        for key in ("attended", "missed", "cancelled"):
            self.buttons[key].setEnabled(can_write and bool(rows))

    def _changed(self) -> None:
        self.reload()
        caseload_events().changed.emit()

    def book(self) -> None:
        if dialogs.appointment_dialog(self.ctx, self.patient_id, self).exec():
            self._changed()

    def signpost(self) -> None:
        if dialogs.signposting_dialog(self.ctx, self.patient_id, self).exec():
            self._changed()

    def set_status(self, status: str) -> None:
        item = self.appointments.item(self.appointments.currentRow(), 0)
        row = item.data(Qt.ItemDataRole.UserRole) if item else None
        if row is None:
            return
        try:
            appointments.set_status(self.ctx.db, self.ctx.actor, row.id, status, expected_version=row.version)
        except PcnError as error:
            warn(self, "Appointment not changed", error)
            return
        self._changed()


def appointments_tab(ctx: AppContext, patient_id: int) -> QWidget:
    return AppointmentsTab(ctx, patient_id)


if all(title != "Appointments" for title, _ in PERSON_RECORD_TABS):
    PERSON_RECORD_TABS.append(("Appointments", appointments_tab))
