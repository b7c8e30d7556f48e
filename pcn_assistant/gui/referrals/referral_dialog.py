"""Refer a person from their open episode to one or more services.

The need picks the category; the list shows that category's open services (or all of
them), each on two whole lines with its capacity, so a full service is visible before
it is chosen. Ticking is the only selection: ticked rows are the highlighted ones, and
a click anywhere on a row (or Space) ticks it. The person's consent to the referral is
required; consent to share their name, phone and the note with the provider is
separate. A summary line says what will happen (sent, or on a waiting list) before
Save, and ``next_steps`` says plainly what happens after it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
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
from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.core.directory import CATEGORIES, SIGNPOST
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.person_record.dialogs import ServiceDialog
from pcn_assistant.gui.user_names import UserNames
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


def capacity_text(row: ServiceRow) -> str:
    if row.usage.full:
        return f"FULL: {row.usage.describe().replace(' - full', '')}; a referral joins the waiting list"
    return f"Capacity: {row.usage.describe()}"


def service_line(row: ServiceRow) -> str:
    """Two whole lines (the list wraps; nothing is cut off): the service and who runs it,
    then capacity, where, when and how to refer."""
    second = [capacity_text(row)]
    if row.town:
        second.append(row.town)
    if row.days:
        second.append(row.days)
    if row.referral_method == SIGNPOST:
        second.append("signpost only")
    return f"{row.name} — {row.organisation}\n" + " · ".join(second)


def next_steps(created: list[CreatedReferral], services: dict[int, ServiceRow]) -> str:
    """What happens now, in plain words, after the referrals are saved."""
    lines = []
    for referral in created:
        service = services.get(referral.service_id)
        name = service.name if service else "the service"
        if referral.status == life.SENT and service is not None and service.referral_method == SIGNPOST:
            lines.append(f"{referral.reference}, {name}: signpost only. Print the slip and give it to the person, "
                         "who contacts the service themselves.")
        elif referral.status == life.SENT:
            lines.append(f"{referral.reference}, {name}: sent. Print the slip for the person now, or the provider "
                         "gets the referral in their next returns workbook (Referrals → Export returns workbooks).")
        elif referral.status == life.WAITING:
            place = f" (number {referral.waiting_position})" if referral.waiting_position else ""
            lines.append(f"{referral.reference}, {name}: full, so on the waiting list{place}. It is sent when a "
                         "place frees up; the person's record and the Referrals area show it meanwhile.")
        else:
            lines.append(f"{referral.reference}, {name}: saved as a draft. Send it from the Referrals tab "
                         "(Next step…) when ready; nothing goes to the provider until then.")
    return "\n\n".join(lines)


class ReferralDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, episode: OpenEpisode, parent: QWidget | None = None) -> None:
        super().__init__("referral_dialog.ui", ctx, parent)
        self.episode = episode
        reasons = ", ".join(rules.label(rules.REFERRAL_REASONS, r) for r in episode.reasons) or "no reason recorded"
        self.part(QLabel, "introLabel").setText(
            f"{episode.person} · episode with {UserNames(ctx.db).who(episode.coordinator)} since "
            f"{episode.referred_on:%d %b %Y} ({reasons})")
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
        self._ticked_by_press = False
        self.services.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)  # the tick is the selection
        self.services.setWordWrap(True)
        self.services.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.services.setUniformItemSizes(False)
        self.services.setSpacing(2)
        self.need.currentIndexChanged.connect(self.reload_services)
        self.search.textChanged.connect(self.reload_services)
        self.all_categories.toggled.connect(self.reload_services)
        self.services.itemChanged.connect(self._item_changed)
        self.services.itemPressed.connect(self._pressed)
        self.services.itemClicked.connect(self._clicked)
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
            item.setToolTip(f"{row.name} — {row.organisation}: {capacity_text(row)}")
            self._paint(item)
            self.services.addItem(item)
        self.services.blockSignals(False)
        if rows:  # the keyboard starts on the first ticked service, else the first one
            ticked = [i for i in range(self.services.count()) if self._is_ticked(self.services.item(i))]
            self.services.setCurrentRow(ticked[0] if ticked else 0)
        self._update_summary()

    @staticmethod
    def _is_ticked(item: QListWidgetItem) -> bool:
        return item.checkState() == Qt.CheckState.Checked

    def _paint(self, item: QListWidgetItem) -> None:
        """Ticked rows carry the palette's highlight (and only they do)."""
        palette = self.services.palette()
        ticked = self._is_ticked(item)
        item.setBackground(palette.brush(QPalette.ColorRole.Highlight) if ticked else palette.brush(QPalette.ColorRole.Base))
        item.setForeground(palette.brush(QPalette.ColorRole.HighlightedText) if ticked
                           else palette.brush(QPalette.ColorRole.Text))
        font = QFont(self.services.font())
        font.setBold(ticked)
        item.setFont(font)

    def _pressed(self, _item: QListWidgetItem) -> None:
        self._ticked_by_press = False

    def _clicked(self, item: QListWidgetItem) -> None:
        """A click on the row's text ticks it too (a click on the box has ticked it already)."""
        if not self._ticked_by_press:
            item.setCheckState(Qt.CheckState.Unchecked if self._is_ticked(item) else Qt.CheckState.Checked)
        self._ticked_by_press = False

    def _item_changed(self, item: QListWidgetItem) -> None:
        row: ServiceRow = item.data(Qt.ItemDataRole.UserRole)
        self._ticked_by_press = True
        if item.checkState() == Qt.CheckState.Checked:
            self._checked[row.id] = row
        else:
            self._checked.pop(row.id, None)
        self.services.blockSignals(True)  # painting is not a change
        self._paint(item)
        self.services.blockSignals(False)
        self.services.setCurrentItem(item)
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
