"""Person record tab "Outcomes": SWEMWBS and ONS4 questionnaires and the change from
baseline to follow-up (ONS4 question by question, a fall in anxiety counting as better)."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel, QPushButton, QTableWidget, QWidget

from pcn_assistant.core.plain_names import plural
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.formatting import format_date
from pcn_assistant.gui.forms import child, embed_form
from pcn_assistant.gui.person_record import PERSON_RECORD_TABS, caseload_events
from pcn_assistant.gui.person_record.tables import fill_table
from pcn_assistant.gui.referrals.outcome_dialog import OutcomeDialog
from pcn_assistant.services.referrals import queries
from pcn_assistant.services.referrals.outcomes import (
    INSTRUMENT_LABELS,
    TIMEPOINTS,
    list_measures,
    pair_changes,
)
from pcn_assistant.services.security import CASELOAD_WRITE


def change_html(changes: list) -> str:
    if not changes:
        return "No questionnaires yet. Record a baseline at assessment and a follow-up at review."
    lines = []
    for change in changes:
        label = INSTRUMENT_LABELS[change.instrument]
        if change.changes:
            parts = [f"{html.escape(c.label)} {c.baseline:g} → {c.follow_up:g} (<b>{c.direction}</b>)"
                     for c in change.changes]
            lines.append(f"<b>{label}</b>: " + "; ".join(parts))
        elif change.baseline:
            lines.append(f"<b>{label}</b>: baseline only ({html.escape(change.baseline.summary)})")
        else:
            lines.append(f"<b>{label}</b>: no complete baseline yet")
        if change.incomplete:
            lines.append(f"{plural(change.incomplete, f'incomplete {label} questionnaire')} kept but not scored")
    return "<br>".join(lines)


class OutcomesTab(QWidget):
    def __init__(self, ctx: AppContext, patient_id: int) -> None:
        super().__init__()
        self.ctx, self.patient_id = ctx, patient_id
        self.form = embed_form(self, "person_outcomes_tab.ui")
        self.change = child(self.form, QLabel, "changeLabel")
        self.table = child(self.form, QTableWidget, "measuresTable")
        self.record_button = child(self.form, QPushButton, "recordButton")
        self.record_button.clicked.connect(self.record)
        self.record_button.setEnabled(ctx.actor.can(CASELOAD_WRITE))
        self.reload()

    def reload(self) -> None:
        rows = list_measures(self.ctx.db, self.ctx.actor, self.patient_id)
        fill_table(self.table, ["Date", "Questionnaire", "Timepoint", "Answers", "Score"], [
            [format_date(r.recorded_on), INSTRUMENT_LABELS[r.instrument], TIMEPOINTS.get(r.timepoint, r.timepoint),
             " ".join("-" if v is None else str(v) for v in r.items), r.summary] for r in reversed(rows)])
        text = change_html(pair_changes(rows))
        self.change.setText(text)
        self.change.setAccessibleDescription(html.unescape(text.replace("<br>", ". ").replace("<b>", "")
                                                           .replace("</b>", "")))

    def record(self) -> None:
        episode = queries.open_episode(self.ctx.db, self.ctx.actor, self.patient_id)
        person = episode.person if episode else "This person"
        if OutcomeDialog(self.ctx, self.patient_id, person, episode.id if episode else None, self).exec():
            self.reload()
            caseload_events().changed.emit()


def outcomes_tab(ctx: AppContext, patient_id: int) -> QWidget:
    return OutcomesTab(ctx, patient_id)


if all(title != "Outcomes" for title, _ in PERSON_RECORD_TABS):
    PERSON_RECORD_TABS.append(("Outcomes", outcomes_tab))
