"""The person record window: banner, actions, and the record's sections as tabs.

Keyboard: Ctrl+N new contact, Ctrl+T new task, Ctrl+S save the plan, Ctrl+Down /
Ctrl+Up the next / previous person in the list the record was opened from, Esc
closes (asking first if the plan has unsaved changes); every button also has an Alt
mnemonic. Colours come from the palette (the banner uses the
palette's alternate base), so dark mode and high contrast work.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pcn_assistant.errors import PcnError
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.formatting import format_date, format_nhs_number
from pcn_assistant.gui.forms import child, load_form
from pcn_assistant.gui.person_record import summary
from pcn_assistant.gui.person_record.dialogs import ContactDialog, EnrolDialog, StatusDialog
from pcn_assistant.gui.person_record.plan_dialogs import FlagDialog, ReviewDialog, TaskDialog
from pcn_assistant.gui.person_record.plan_tab import PlanTab
from pcn_assistant.gui.person_record.tables import fill_table
from pcn_assistant.services.caseload import episodes, plans, tasks
from pcn_assistant.services.caseload.coordinators import coordinator_names
from pcn_assistant.services.caseload.person import PersonRecord, open_person
from pcn_assistant.services.person_record import about_me
from pcn_assistant.services.security import CASELOAD_READ, CASELOAD_WRITE


def risk_panel(ctx: AppContext) -> QWidget | None:
    """The risk area's explained-score panel (score history, points, reasons), if installed."""
    try:
        from pcn_assistant.gui.widgets.risk_panel import RiskPanel
    except ImportError:
        return None
    return RiskPanel(ctx)


class _LazyTab(QWidget):
    """A tab whose content is made by its factory the first time it is shown for a person."""

    def __init__(self, make: Callable[[], QWidget]) -> None:
        super().__init__()
        self.make = make
        self.stale = True
        self.content: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def build(self) -> None:
        if self.content is not None:
            self.layout().removeWidget(self.content)
            self.content.deleteLater()
        self.content = self.make()
        self.layout().addWidget(self.content)
        self.setAccessibleName(self.content.accessibleName())
        self.stale = False


Step = Callable[[int], int | None]  # +1 / -1 -> the next person's patient id, or None at the end
TabFactory = Callable[[AppContext, int], QWidget]


class PersonRecordWindow(QWidget):
    """One person's record; ``changed`` fires after any save so lists can refresh."""

    changed = Signal()

    def __init__(self, ctx: AppContext, tab_factories: list[tuple[str, TabFactory]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.tab_factories = tab_factories
        self.form = load_form("person_record.ui", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.form)
        self.resize(self.form.size())
        self.record: PersonRecord | None = None
        self.step: Step | None = None
        self._extra_tabs: list[_LazyTab] = []
        self._risk_stale = False
        self.banner = child(self.form, QFrame, "bannerFrame")
        self.banner.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.name_label = child(self.form, QLabel, "nameLabel")
        big = QFont(self.name_label.font())
        big.setPointSizeF(big.pointSizeF() * 1.5)
        big.setBold(True)
        self.name_label.setFont(big)
        self.details_label = child(self.form, QLabel, "detailsLabel")
        self.tier_label = child(self.form, QLabel, "tierLabel")
        self.flags_label = child(self.form, QLabel, "flagsLabel")
        self.needs_label = QLabel()
        self.needs_label.setWordWrap(True)
        self.banner.layout().addWidget(self.needs_label)
        self.tabs = child(self.form, QTabWidget, "tabs")
        self.plan_tab = PlanTab(ctx, self)
        self.tabs.insertTab(2, self.plan_tab, "Plan")
        self.plan_tab.changed.connect(self.reload)
        self.risk_panel = risk_panel(ctx)
        if self.risk_panel is not None:
            self.tabs.insertTab(3, self.risk_panel, "Risk")
        self.tabs.currentChanged.connect(lambda _index: self._show_current_tab())
        self.buttons = {name: child(self.form, QPushButton, name) for name in (
            "enrolButton", "newContactButton", "newTaskButton", "statusButton", "reviewButton",
            "flagButton", "previousButton", "nextButton", "endFlagButton", "completeTaskButton")}
        actions = {
            "enrolButton": self.enrol, "newContactButton": self.new_contact, "newTaskButton": self.new_task,
            "statusButton": self.change_status, "reviewButton": self.set_review, "flagButton": self.add_flag,
            "previousButton": lambda: self.go(-1), "nextButton": lambda: self.go(1),
            "endFlagButton": self.end_flag, "completeTaskButton": self.complete_task,
        }
        for name, slot in actions.items():
            self.buttons[name].clicked.connect(slot)
        for keys, slot in (("Ctrl+N", self.new_contact), ("Ctrl+T", self.new_task),
                           ("Ctrl+Down", lambda: self.go(1)), ("Ctrl+Up", lambda: self.go(-1)),
                           ("Ctrl+S", self.plan_tab.save_plan)):
            QShortcut(QKeySequence(keys), self, activated=slot)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Close), self, activated=self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.close)

    def plan_handled(self) -> bool:
        """Before leaving this person: never drop typed plan text without asking. False
        means stay (Cancel, or the save was refused)."""
        if not self.plan_tab.unsaved:
            return True
        answer = QMessageBox.question(
            self, "Save the plan?", "The plan has changes that are not saved. Save them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        return answer == QMessageBox.StandardButton.Discard or self.plan_tab.save_plan()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Esc, Ctrl+W or the close button (asks first about unsaved plan text)."""
        if not self.plan_handled():
            event.ignore()
            return
        super().closeEvent(event)

    # Showing a person
    def show_person(self, patient_id: int, step: Step | None = None, *, record_open: bool = True) -> None:
        if self.record is not None and patient_id != self.record.patient_id and not self.plan_handled():
            return
        self.record = open_person(self.ctx.db, self.ctx.actor, patient_id, record_open=record_open)
        if step is not None or record_open:
            self.step = step
        self._fill()
        if not self.isVisible():
            self.show()
        self.raise_()
        self.activateWindow()

    def reload(self) -> None:
        """Re-read after a save on this record (not a new opening, so not audited again)."""
        if self.record is not None:
            self.show_person(self.record.patient_id, record_open=False)
        self.changed.emit()

    def go(self, delta: int) -> None:
        if self.step is None or not self.plan_handled():
            return
        patient_id = self.step(delta)
        if patient_id is not None:
            self.show_person(patient_id, self.step)

    def _fill(self) -> None:
        record = self.record
        self.setWindowTitle(f"{record.name} — person record")
        self.name_label.setText(record.name)
        self.name_label.setAccessibleName(f"Name: {record.name}")
        details = summary.banner_details(record)
        self.details_label.setText(details)
        self.details_label.setAccessibleName(details)
        tier = summary.tier_text(record)
        self.tier_label.setText(tier)
        self.tier_label.setAccessibleName(tier)
        flags_html, flags_plain = summary.flags_text(record)
        self.flags_label.setText(flags_html)
        self.flags_label.setAccessibleName(flags_plain)
        self._show_requirements()
        summary.fill_summary(self, record)
        fill_table(child(self.form, QTableWidget, "contactsTable"),
                   ["When", "Type", "Minutes", "By", "Note"],
                   [[f"{c.contact_at:%d/%m/%Y %H:%M}", c.type_label, c.duration_minutes, record.who(c.recorded_by),
                     c.note]
                    for c in record.contacts])
        fill_table(child(self.form, QTableWidget, "tasksTable"), ["Due", "Task", "For", "Done"],
                   [[format_date(t.due_on), t.title, record.who(t.assignee), format_date(t.done_on)]
                    for t in record.tasks],
                   list(record.tasks))
        fill_table(child(self.form, QTableWidget, "historyTable"), ["When", "Who", "What", "Detail"],
                   [[f"{h.occurred_at:%d/%m/%Y %H:%M}", record.who(h.user_name), h.what.capitalize(), h.detail]
                    for h in record.history])
        self.plan_tab.show_plan(record)
        self._rebuild_extra_tabs()
        self._update_buttons()

    def _show_requirements(self) -> None:
        """Individual requirements on the banner (Accessible Information Standard), so the
        first thing anyone sees is how to communicate with the person."""
        lines = []
        if self.ctx.actor.can(CASELOAD_READ):
            lines = about_me.get_requirements(self.ctx.db, self.ctx.actor, self.record.patient_id).banner_lines()
        text = "; ".join(lines)
        self.needs_label.setText(f"<b>Needs:</b> {html.escape(text)}" if text else "")
        self.needs_label.setAccessibleName(f"Individual requirements: {text}" if text else "")
        self.needs_label.setVisible(bool(text))

    def _rebuild_extra_tabs(self) -> None:
        """Other areas' tabs (and the risk panel) are built for a person only when shown,
        so opening a record reads only what the first screen needs."""
        if not self._extra_tabs:
            for title, factory in self.tab_factories:
                holder = _LazyTab(lambda factory=factory: factory(self.ctx, self.record.patient_id))
                self.tabs.addTab(holder, title)
                self._extra_tabs.append(holder)
        for holder in self._extra_tabs:
            holder.stale = True
        self._risk_stale = True
        self._show_current_tab()

    def _show_current_tab(self) -> None:
        current = self.tabs.currentWidget()
        if isinstance(current, _LazyTab) and current.stale:
            current.build()
        elif current is self.risk_panel and self._risk_stale and self.record is not None:
            self.risk_panel.show_patient(self.record.patient_id)
            self._risk_stale = False

    def _update_buttons(self) -> None:
        can_write = self.ctx.actor.can(CASELOAD_WRITE)
        episode = self.record.open_episode
        registered = self.record.registration_status == "registered"
        self.buttons["enrolButton"].setVisible(episode is None)
        self.buttons["enrolButton"].setEnabled(can_write and registered)
        for name in ("newContactButton", "newTaskButton", "statusButton", "reviewButton", "completeTaskButton"):
            self.buttons[name].setEnabled(can_write and episode is not None)
        self.buttons["flagButton"].setEnabled(can_write)
        self.buttons["endFlagButton"].setEnabled(can_write and bool(self.record.flags))
        self.buttons["previousButton"].setEnabled(self.step is not None)
        self.buttons["nextButton"].setEnabled(self.step is not None)

    def _person(self) -> str:
        return f"{self.record.name} · NHS number {format_nhs_number(self.record.nhs_number)}"

    def _coordinators(self) -> list[tuple[str, str]]:
        if not self.ctx.actor.can(CASELOAD_READ):
            return [(self.ctx.actor.name, self.ctx.actor.name)]
        names = coordinator_names(self.ctx.db, self.ctx.actor)
        if not any(login == self.ctx.actor.name for login, _ in names):
            names.append((self.ctx.actor.name, self.ctx.actor.name))
        return names

    # Actions
    def enrol(self) -> None:
        if self.record.open_episode is None and self.buttons["enrolButton"].isEnabled() and EnrolDialog(
                self.ctx, self.record.patient_id, self._person(), self._coordinators(), self).exec():
            self.reload()

    def new_contact(self) -> None:
        episode = self.record.open_episode if self.record else None
        if episode is None or not self.ctx.actor.can(CASELOAD_WRITE):
            return
        dialog = ContactDialog(self.ctx, episode, self._person(), self,
                               coordinator_name=self.record.who(episode.coordinator))
        if not dialog.exec():
            return
        saved = dialog.result_value
        self.reload()
        if saved.offer_close:
            self.offer_close_could_not_contact(saved.unsuccessful_in_a_row)

    def offer_close_could_not_contact(self, attempts: int) -> None:
        answer = QMessageBox.question(
            self, "Close as could not contact?",
            f"{attempts} unsuccessful attempts in a row. Close this episode as “could not contact”?\n\n"
            "You can open a new episode later if the person gets in touch.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            episode = self.record.open_episode
            try:
                episodes.close_episode(self.ctx.db, self.ctx.actor, episode.id, "could_not_contact",
                                       expected_version=episode.version)
            except PcnError as error:
                QMessageBox.warning(self, "Episode not closed", str(error))
            self.reload()

    def new_task(self) -> None:
        episode = self.record.open_episode if self.record else None
        if episode is None or not self.ctx.actor.can(CASELOAD_WRITE):
            return
        if TaskDialog(self.ctx, episode.id, self._person(), self._coordinators(), episode.coordinator, self).exec():
            self.reload()

    def change_status(self) -> None:
        episode = self.record.open_episode
        if episode is not None and StatusDialog(self.ctx, episode, self).exec():
            self.reload()

    def set_review(self) -> None:
        episode = self.record.open_episode
        if episode is not None and ReviewDialog(self.ctx, episode.id, episode.version,
                                                episode.next_review_on, self).exec():
            self.reload()

    def add_flag(self) -> None:
        if FlagDialog(self.ctx, self.record.patient_id, self).exec():
            self.reload()

    def end_flag(self) -> None:
        table = child(self.form, QTableWidget, "flagsTable")
        item = table.item(table.currentRow(), 0)
        flag = item.data(Qt.ItemDataRole.UserRole) if item else None
        if flag is None:
            return
        try:
            plans.end_flag(self.ctx.db, self.ctx.actor, flag.id, expected_version=flag.version)
        except PcnError as error:
            QMessageBox.warning(self, "Flag not ended", str(error))
            return
        self.reload()

    def complete_task(self) -> None:
        table = child(self.form, QTableWidget, "tasksTable")
        item = table.item(table.currentRow(), 0)
        task = item.data(Qt.ItemDataRole.UserRole) if item else None
        if task is None or task.done_on is not None:
            return
        try:
            tasks.complete_task(self.ctx.db, self.ctx.actor, task.id, expected_version=task.version)
        except PcnError as error:
            QMessageBox.warning(self, "Task not saved", str(error))
            return
        self.reload()
