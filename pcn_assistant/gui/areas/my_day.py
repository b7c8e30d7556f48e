"""My day: a link worker's appointments for one day, in time order, with the person's
record a double-click away, and an export of the next two weeks to Outlook (.ics)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from pcn_assistant.core import person_record as vocab
from pcn_assistant.errors import PcnError
from pcn_assistant.gui import qt_clock
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.person_record import attach_person_opener, caseload_events
from pcn_assistant.gui.person_record.tables import fill_table
from pcn_assistant.gui.referrals.common import documents_folder, warn
from pcn_assistant.services.person_record import appointments

EXPORT_DAYS = 14


class MyDayArea(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setAccessibleName("My day")
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.previous = QPushButton("◀ &Previous day")
        self.previous.setAccessibleName("Previous day")
        self.day = QDateEdit(qt_clock.today())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dddd d MMMM yyyy")
        self.day.setAccessibleName("Day shown")
        self.next = QPushButton("&Next day ▶")
        self.next.setAccessibleName("Next day")
        self.today_button = QPushButton("&Today")
        self.export = QPushButton("&Export to Outlook (.ics)…")
        self.export.setToolTip(f"Your appointments for {EXPORT_DAYS} days from the day shown, as a calendar "
                               "file Outlook opens. It holds initials only, no NHS numbers.")
        for widget in (self.previous, self.day, self.next, self.today_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.export)
        layout.addLayout(bar)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        self.table = QTableWidget()
        self.table.setAccessibleName("Appointments for the day")
        layout.addWidget(self.table)
        self.previous.clicked.connect(lambda: self.day.setDate(self.day.date().addDays(-1)))
        self.next.clicked.connect(lambda: self.day.setDate(self.day.date().addDays(1)))
        self.today_button.clicked.connect(lambda: self.day.setDate(qt_clock.today()))
        self.day.dateChanged.connect(lambda _d: self.reload())
        self.export.clicked.connect(self.export_ics)
        attach_person_opener(self.table, ctx, lambda row: row.patient_id)
        caseload_events().changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        try:
            rows = appointments.day_list(self.ctx.db, self.ctx.actor, self.day.date().toPython())
        except PcnError as error:
            warn(self, "Cannot show the day", error)
            return
        booked = [r for r in rows if r.status == "booked"]
        self.summary.setText(f"{len(booked)} booked" + (f", {len(rows) - len(booked)} other"
                                                        if len(rows) > len(booked) else "")
                             + ". Double-click a row to open the person's record.")
        fill_table(self.table, ["Time", "Until", "Person", "Kind", "Where", "Status", "Note"], [
            [f"{r.starts_at:%H:%M}", f"{r.ends_at:%H:%M}", r.person, vocab.APPOINTMENT_KINDS[r.kind], r.place,
             vocab.APPOINTMENT_STATUSES[r.status], r.note] for r in rows], list(rows))

    def export_ics(self) -> None:
        start = self.day.date().toPython()
        suggested = Path(documents_folder()) / f"appointments-{start:%Y-%m-%d}.ics"
        path, _ = QFileDialog.getSaveFileName(self, "Export appointments", str(suggested), "Calendar (*.ics)")
        if not path:
            return
        try:
            count = appointments.export_ics(self.ctx.db, self.ctx.actor, path, start=start, days=EXPORT_DAYS)
        except PcnError as error:
            warn(self, "Not exported", error)
            return
        end = start + timedelta(days=EXPORT_DAYS - 1)
        QMessageBox.information(self, "Exported", f"{count} appointment{'s' if count != 1 else ''} from "
                                f"{start:%d %b} to {end:%d %b} saved. Open the file to add them to Outlook.")
