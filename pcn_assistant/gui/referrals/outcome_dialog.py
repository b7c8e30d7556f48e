"""Record a SWEMWBS or ONS4 questionnaire; any answer may be left "Not answered"."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QDateEdit, QGroupBox, QLabel, QLineEdit, QSpinBox, QWidget

from pcn_assistant.core import outcome_scales
from pcn_assistant.core import outcomes as measures
from pcn_assistant.gui import qt_clock
from pcn_assistant.gui.context import AppContext
from pcn_assistant.gui.person_record.dialogs import ServiceDialog
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
    outcome_scales.MYCAW: "Name up to two concerns in the person's words. Each: 0 = not bothering me at all, "
                          "6 = bothers me greatly. Wellbeing: 0 = as good as it could be, 6 = as bad as it "
                          "could be.",
    outcome_scales.UCLA3: "1 = hardly ever, 2 = some of the time, 3 = often. Total 3-9; 6 or more is "
                          "'more lonely' (ONS).",
    outcome_scales.ONS_LONELY: "1 = often/always, 2 = some of the time, 3 = occasionally, 4 = hardly ever, "
                               "5 = never.",
}
QUESTIONS = {
    measures.SWEMWBS: (list(measures.SWEMWBS_ITEMS), measures.SWEMWBS_MIN_ITEM, measures.SWEMWBS_MAX_ITEM),
    measures.ONS4: ([text for _key, text in measures.ONS4_QUESTIONS], measures.ONS4_MIN, measures.ONS4_MAX),
    outcome_scales.MYCAW: (list(outcome_scales.MYCAW_ITEMS), outcome_scales.MYCAW_MIN, outcome_scales.MYCAW_MAX),
    outcome_scales.UCLA3: (list(outcome_scales.UCLA3_ITEMS), 1, 3),
    outcome_scales.ONS_LONELY: ([outcome_scales.ONS_LONELY_QUESTION], 1, 5),
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
        self.concerns_box = self.part(QGroupBox, "concernsBox")
        self.concerns = [self.part(QLineEdit, "concern1Edit"), self.part(QLineEdit, "concern2Edit")]
        for key, label in INSTRUMENT_LABELS.items():
            self.instrument.addItem(label, key)
        for key, label in TIMEPOINTS.items():
            self.timepoint.addItem(label, key)
        self.date.setMaximumDate(qt_clock.today())
        self.date.setDate(qt_clock.today())
        self.instrument.currentIndexChanged.connect(self._instrument_changed)
        self._instrument_changed()
        self.instrument.setFocus()

    def _instrument_changed(self) -> None:
        instrument = self.instrument.currentData()
        questions, low, high = QUESTIONS[instrument]
        self.scale.setText(SCALES[instrument])
        self.concerns_box.setVisible(instrument == outcome_scales.MYCAW)
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
                              on=date(chosen.year(), chosen.month(), chosen.day()), episode_id=self.episode_id,
                              concerns=[edit.text() for edit in self.concerns]
                              if self.instrument.currentData() == outcome_scales.MYCAW else None)
