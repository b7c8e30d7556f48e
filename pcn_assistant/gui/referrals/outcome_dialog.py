"""Record a SWEMWBS or ONS4 questionnaire; any answer may be left "Not answered"."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QDateEdit, QLabel, QSpinBox, QWidget

from pcn_assistant.core import clock
from pcn_assistant.core import outcomes as measures
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.person_record.dialogs import ServiceDialog, to_qdate
from pcn_assistant.services.referrals.outcomes import (
    INSTRUMENT_LABELS,
    TIMEPOINTS,
    MeasureRow,
    record_measure,
)

SCALES = {
    measures.SWEMWBS: "Over the last two weeks: 1 none of the time, 2 rarely, 3 some of the time, 4 often, "
                      "5 all of the time. Scored only when all seven are answered.",
    measures.ONS4: "0 = not at all, 10 = completely. For anxiety a lower answer is better. "
                   "The four answers are kept separate, never added up.",
}


class OutcomeDialog(ServiceDialog):
    def __init__(self, ctx: AppContext, patient_id: int, person: str, episode_id: int | None,
                 parent: QWidget | None = None) -> None:
        super().__init__("outcome_dialog.ui", ctx, parent)
        self.patient_id, self.episode_id = patient_id, episode_id
        self.part(QLabel, "introLabel").setText(person)
        self.instrument = self.part(QComboBox, "instrumentCombo")
        self.timepoint = self.part(QComboBox, "timepointCombo")
        self.date = self.part(QDateEdit, "dateEdit")
        self.scale = self.part(QLabel, "scaleLabel")
        self.items = [self.part(QSpinBox, f"item{i}Spin") for i in range(7)]
        self.labels = [self.part(QLabel, f"item{i}Label") for i in range(7)]
        for key, label in INSTRUMENT_LABELS.items():
            self.instrument.addItem(label, key)
        for key, label in TIMEPOINTS.items():
            self.timepoint.addItem(label, key)
        self.date.setMaximumDate(to_qdate(clock.today()))
        self.date.setDate(to_qdate(clock.today()))
        self.instrument.currentIndexChanged.connect(self._instrument_changed)
        self._instrument_changed()
        self.instrument.setFocus()

    def _instrument_changed(self) -> None:
        instrument = self.instrument.currentData()
        questions = (list(measures.SWEMWBS_ITEMS) if instrument == measures.SWEMWBS
                     else [text for _key, text in measures.ONS4_QUESTIONS])
        low, high = ((measures.SWEMWBS_MIN_ITEM, measures.SWEMWBS_MAX_ITEM) if instrument == measures.SWEMWBS
                     else (measures.ONS4_MIN, measures.ONS4_MAX))
        self.scale.setText(SCALES[instrument])
        for index, (spin, label) in enumerate(zip(self.items, self.labels, strict=True)):
            shown = index < len(questions)
            spin.setVisible(shown)
            label.setVisible(shown)
            if shown:
                label.setText(questions[index])
                spin.setAccessibleName(questions[index])
                spin.setRange(low - 1, high)  # the value below the scale reads "Not answered"
                spin.setValue(low - 1)

    def answers(self) -> list[int | None]:
        low = self.items[0].minimum()
        return [None if spin.value() == low else spin.value() for spin in self.items if spin.isVisibleTo(self)]

    def save(self) -> MeasureRow:
        chosen = self.date.date()
        return record_measure(self.ctx.db, self.ctx.actor, self.patient_id, self.instrument.currentData(),
                              self.timepoint.currentData(), self.answers(),
                              on=date(chosen.year(), chosen.month(), chosen.day()), episode_id=self.episode_id)
