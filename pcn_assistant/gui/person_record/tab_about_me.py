"""Person record tab "About me" (PRSB): how to communicate with the person, their
circumstances, consent given and withdrawn, staying safe (home-visit risk, safeguarding),
who referred them in, and who agreed the plan. Registered when the record first opens."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from pcn_assistant.core import clock
from pcn_assistant.core import person_record as vocab
from pcn_assistant.errors import PcnError
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.formatting import format_date
from pcn_assistant.gui.person_record import PERSON_RECORD_TABS, caseload_events
from pcn_assistant.gui.person_record import about_dialogs as dialogs
from pcn_assistant.gui.person_record.tables import fill_table
from pcn_assistant.gui.referrals.common import save_pdf, warn
from pcn_assistant.services.person_record import about_me, consent, referral_in, safety
from pcn_assistant.services.referrals import queries
from pcn_assistant.services.security import CASE_NOTES_READ, CASELOAD_WRITE


def _label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class AboutMeTab(QWidget):
    def __init__(self, ctx: AppContext, patient_id: int) -> None:
        super().__init__()
        self.ctx, self.patient_id = ctx, patient_id
        self.setAccessibleName("About me")
        self.can_write = ctx.actor.can(CASELOAD_WRITE)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        grid = QGridLayout(body)
        self.requirements = _label()
        self.context = _label()
        self.referrer = _label()
        self.safety = _label()
        self.consents = QTableWidget()
        self.consents.setAccessibleName("Consent records")
        self.consents.setMinimumHeight(90)
        self.consents.setMaximumHeight(170)
        self.buttons: dict[str, QPushButton] = {}
        grid.addWidget(self._box("How to communicate (individual requirements)", self.requirements,
                                 [("&Edit requirements…", "requirements", self.edit_requirements)]), 0, 0)
        grid.addWidget(self._box("Circumstances (household, home, work)", self.context,
                                 [("Edit &circumstances…", "context", self.edit_context)]), 0, 1)
        grid.addWidget(self._box("Consent", self.consents, [
            ("Record &consent…", "consent", self.record_consent),
            ("&Withdraw selected…", "withdraw", self.withdraw_consent)]), 1, 0, 1, 2)
        grid.addWidget(self._box("Staying safe", self.safety, [
            ("Home &visit risk…", "home_visit", self.assess_home_visit),
            ("Raise &safeguarding concern…", "safeguarding", self.raise_safeguarding)]), 2, 0)
        grid.addWidget(self._box("Referral in and the plan", self.referrer, [
            ("&Referrer…", "referrer", self.edit_referrer),
            ("&Agree plan…", "agree", self.agree_plan),
            ("&Message to referrer (PDF)…", "message", self.message_to_referrer)]), 2, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(3, 1)  # spare height goes below the boxes, not into them
        self.reload()

    def _box(self, title: str, content: QWidget, actions: list[tuple[str, str, object]]) -> QGroupBox:
        box = QGroupBox(title)
        box.setAccessibleName(title)
        layout = QVBoxLayout(box)
        layout.addWidget(content)
        row = QHBoxLayout()
        for text, key, slot in actions:
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[key] = button
        row.addStretch(1)
        layout.addLayout(row)
        return box

    # Reading
    def reload(self) -> None:
        db, actor, pid = self.ctx.db, self.ctx.actor, self.patient_id
        self.wanted = about_me.get_requirements(db, actor, pid)
        lines = self.wanted.banner_lines()
        self.requirements.setText("<br>".join(html.escape(line) for line in lines) if lines
                                  else "None recorded. Ask how the person would like to be contacted.")
        self.circumstances = about_me.get_context(db, actor, pid)
        source = "" if self.circumstances.version else " (from the GP record)"
        summary = self.circumstances.summary()
        self.context.setText(html.escape(summary + source) if summary else "Not recorded.")
        self.consent_rows = consent.list_consents(db, actor, pid)
        fill_table(self.consents, ["Consent to", "Given", "How", "By", "Withdrawn"], [
            ["the service" if c.purpose == vocab.SERVICE else f"share with {c.organisation}",
             format_date(c.given_on), vocab.CONSENT_METHODS.get(c.method, c.method),
             c.representative or "the person", format_date(c.withdrawn_on)] for c in self.consent_rows],
            list(self.consent_rows))
        self._fill_safety()
        self._fill_referral_in()
        self._enable()

    def _fill_safety(self) -> None:
        today = clock.today()
        latest = safety.latest_home_visit_assessment(self.ctx.db, self.ctx.actor, self.patient_id)
        concerns = [c for c in safety.safeguarding_concerns(self.ctx.db, self.ctx.actor, self.patient_id)
                    if c.ended_on is None]
        lines = [latest.reads_as(today) if latest else "No home-visit risk assessment: complete one before "
                 "visiting at home."]
        if latest:
            lines.append(f"Lone working: {latest.lone_working_plan}")
        for concern in concerns:
            category = vocab.SAFEGUARDING_CATEGORIES.get(concern.category or "", "Safeguarding")
            informed = f"; informed {concern.informed}" if concern.informed else ""
            lines.append(f"<b>Safeguarding</b> ({html.escape(category)}, {format_date(concern.raised_on)}): "
                         f"{html.escape(concern.description)}{html.escape(informed)}")
        self.safety.setText("<br>".join(line if line.startswith("<b>") else html.escape(line) for line in lines))

    def _fill_referral_in(self) -> None:
        self.episode = queries.open_episode(self.ctx.db, self.ctx.actor, self.patient_id)
        self.view = (referral_in.referral_in_view(self.ctx.db, self.ctx.actor, self.episode.id)
                     if self.episode else None)
        if self.view is None:
            self.referrer.setText("No open episode: enrol the person to record the referral in and the plan.")
            return
        parts = []
        ref = self.view.referrer
        parts.append("Referred by " + ", ".join(p for p in (ref.name, ref.role, ref.service, ref.organisation) if p)
                     + (f" ({ref.contact})" if ref.contact else "")
                     + f". Response to: {vocab.RETURN_RESPONSE_TO[ref.return_response_to].lower()}."
                     if ref else "Referrer not recorded.")
        agreed = self.view.agreement
        parts.append(f"Plan agreed by {agreed.agreed_by_name} ({agreed.agreed_by_role}) on "
                     f"{format_date(agreed.agreed_on)}; {agreed.reviewer} reviews it by {format_date(agreed.review_on)}."
                     if agreed else "Plan agreement not recorded.")
        self.referrer.setText("<br>".join(html.escape(p) for p in parts))

    def _enable(self) -> None:
        for key in ("requirements", "context", "consent", "home_visit", "safeguarding"):
            self.buttons[key].setEnabled(self.can_write)
        self.buttons["withdraw"].setEnabled(self.can_write and any(c.is_current for c in self.consent_rows))
        has_episode = self.view is not None
        self.buttons["referrer"].setEnabled(self.can_write and has_episode)
        self.buttons["agree"].setEnabled(self.can_write and has_episode)
        self.buttons["message"].setEnabled(
            self.ctx.actor.can(CASE_NOTES_READ) and has_episode and self.view.referrer is not None
            and self.view.referrer.return_response_to in ("referrer", "both"))

    def _done(self, dialog) -> None:  # noqa: ANN001 - a FieldDialog
        if dialog.exec():
            self.reload()
            caseload_events().changed.emit()

    # Actions
    def edit_requirements(self) -> None:
        self._done(dialogs.requirements_dialog(self.ctx, self.patient_id, self.wanted, self))

    def edit_context(self) -> None:
        self._done(dialogs.context_dialog(self.ctx, self.patient_id, self.circumstances, self))

    def record_consent(self) -> None:
        self._done(dialogs.consent_dialog(self.ctx, self.patient_id, self.episode.id if self.episode else None, self))

    def withdraw_consent(self) -> None:
        row = self.consents.item(self.consents.currentRow(), 0)
        chosen = row.data(Qt.ItemDataRole.UserRole) if row else None
        if chosen is None or not chosen.is_current:
            warn(self, "Choose a consent", PcnError("Select a current consent in the table first"))
            return
        reason, ok = QInputDialog.getText(self, "Withdraw consent",
                                          f"{chosen.reads_as}\n\nWhy is it withdrawn? (optional)")
        if not ok:
            return
        try:
            consent.withdraw_consent(self.ctx.db, self.ctx.actor, chosen.id, on=clock.today(), reason=reason)
        except PcnError as error:
            warn(self, "Not withdrawn", error)
            return
        self.reload()
        caseload_events().changed.emit()

    def assess_home_visit(self) -> None:
        self._done(dialogs.home_visit_dialog(self.ctx, self.patient_id, self))

    def raise_safeguarding(self) -> None:
        self._done(dialogs.safeguarding_dialog(self.ctx, self.patient_id, self))

    def edit_referrer(self) -> None:
        if self.view is not None:
            self._done(dialogs.referrer_dialog(self.ctx, self.episode.id, self.view, self))

    def agree_plan(self) -> None:
        if self.view is not None:
            self._done(dialogs.agreement_dialog(self.ctx, self.episode.id, self.view, self))

    def message_to_referrer(self) -> None:
        if self.view is not None:
            save_pdf(self, lambda: referral_in.referrer_message(self.ctx.db, self.ctx.actor, self.episode.id),
                     "message-to-referrer.pdf")


def about_me_tab(ctx: AppContext, patient_id: int) -> QWidget:
    return AboutMeTab(ctx, patient_id)


if all(title != "About me" for title, _ in PERSON_RECORD_TABS):
    PERSON_RECORD_TABS.insert(0, ("About me", about_me_tab))
