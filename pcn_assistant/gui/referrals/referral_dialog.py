"""Refer a person from their open episode to one or more services.

The need picks the category; the list shows that category's open services (or all of
them), each with its capacity, so a full service is visible before it is chosen. The
person's consent to the referral is required; consent to share their name, phone and
the note with the provider is separate. A summary line says what will happen (sent,
or on a waiting list) before Save.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from pcn_assistant.core import caseload as rules
from pcn_assistant.core.directory import CATEGORIES, SIGNPOST
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.person_record.dialogs import ServiceDialog
from pcn_assistant.services.directory.search import ServiceFilter, ServiceRow, search_services
from pcn_assistant.services.referrals.lifecycle import (
    CreatedReferral,
    NewReferral,
    create_referrals,
)
from pcn_assistant.services.referrals.queries import OpenEpisode

# The episode's referral reason suggests the need.
NEED_FOR_REASON = {
    "loneliness": "befriending", "debt": "money", "benefits": "money", "housing": "housing",
    "mental_wellbeing": "mental_wellbeing", "bereavement": "mental_wellbeing",
    "physical_activity": "physical_activity", "frailty_falls": "physical_activity", "carer_support": "carers",
    "long_term_condition": "ltc_support", "employment": "employment",
}
MAX_LISTED = 150


def service_line(row: ServiceRow) -> str:
    parts = [row.name, row.organisation]
    if row.town:
        parts.append(row.town)
    if row.days:
        parts.append(row.days)
    line = " · ".join(parts)
    if row.usage.full:
        line += f"  [FULL: {row.usage.waiting} waiting]"
    elif row.usage.capacity is not None:
        line += f"  [{row.usage.describe()}]"
    if row.referral_method == SIGNPOST:
        line += "  [signpost only]"
    return line


class ReferralDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, episode: OpenEpisode, parent: QWidget | None = None) -> None:
        super().__init__("referral_dialog.ui", ctx, parent)
        self.episode = episode
        reasons = ", ".join(rules.label(rules.REFERRAL_REASONS, r) for r in episode.reasons) or "no reason recorded"
        self.part(QLabel, "introLabel").setText(
            f"{episode.person} · episode with {episode.coordinator} since {episode.referred_on:%d %b %Y} "
            f"({reasons})")
        self.need = self.part(QComboBox, "needCombo")
        self.search = self.part(QLineEdit, "serviceSearchEdit")
        self.all_categories = self.part(QCheckBox, "allCategoriesCheck")
        self.services = self.part(QListWidget, "servicesList")
        self.note = self.part(QPlainTextEdit, "noteEdit")
        self.consent = self.part(QCheckBox, "consentCheck")
        self.share = self.part(QCheckBox, "shareCheck")
        self.send = self.part(QCheckBox, "sendCheck")
        self.summary = self.part(QLabel, "summaryLabel")
        for category in CATEGORIES:
            self.need.addItem(category.label, category.key)
        suggested = next((NEED_FOR_REASON[r] for r in episode.reasons if r in NEED_FOR_REASON), "befriending")
        self.need.setCurrentIndex(max(self.need.findData(suggested), 0))
        self._checked: dict[int, ServiceRow] = {}
        self.need.currentIndexChanged.connect(self.reload_services)
        self.search.textChanged.connect(self.reload_services)
        self.all_categories.toggled.connect(self.reload_services)
        self.services.itemChanged.connect(self._item_changed)
        for box in (self.consent, self.send):
            box.toggled.connect(self._update_summary)
        self.reload_services()
        self.need.setFocus()

    def reload_services(self) -> None:
        flt = ServiceFilter(text=self.search.text(),
                            category=None if self.all_categories.isChecked() else self.need.currentData())
        rows = search_services(self.ctx.db, self.ctx.actor, flt, limit=MAX_LISTED)
        self.services.blockSignals(True)
        self.services.clear()
        for row in rows:
            item = QListWidgetItem(service_line(row))
            item.setData(Qt.ItemDataRole.UserRole, row)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if row.id in self._checked else Qt.CheckState.Unchecked)
            item.setToolTip(row.capacity)
            self.services.addItem(item)
        self.services.blockSignals(False)
        if rows:
            self.services.setCurrentRow(0)
        self._update_summary()

    def _item_changed(self, item: QListWidgetItem) -> None:
        row: ServiceRow = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self._checked[row.id] = row
        else:
            self._checked.pop(row.id, None)
        self._update_summary()

    def check_service(self, service_id: int) -> None:
        """Tick a service by id (for keyboard users' scripts and tests)."""
        for index in range(self.services.count()):
            item = self.services.item(index)
            if item.data(Qt.ItemDataRole.UserRole).id == service_id:
                item.setCheckState(Qt.CheckState.Checked)

    def _update_summary(self) -> None:
        chosen = list(self._checked.values())
        if not chosen:
            text = "Tick one or more services."
        else:
            names = ", ".join(r.name for r in chosen)
            text = f"{len(chosen)} service{'s' if len(chosen) != 1 else ''}: {names}."
            full = [r.name for r in chosen if r.usage.full]
            if self.send.isChecked() and full:
                text += f" Full now, so the referral joins the waiting list: {', '.join(full)}."
            elif not self.send.isChecked():
                text += " Saved as a draft to send later."
        if not self.consent.isChecked():
            text += " Record the person's consent before saving."
        self.summary.setText(text)

    def save(self) -> list[CreatedReferral]:
        return create_referrals(self.ctx.db, self.ctx.actor, self.episode.id, NewReferral(
            service_ids=list(self._checked), category=self.need.currentData(), note=self.note.toPlainText(),
            consent_given=self.consent.isChecked(), share_details=self.share.isChecked(),
            send=self.send.isChecked()))
