"""Outcome measures for a person: record SWEMWBS and ONS4, and show the change.

Answers are stored as given, even when some are missing; only complete questionnaires
are scored (``core.outcomes``), and only complete baseline/follow-up pairs give a
change. The ONS4 questions are compared one by one, with a fall in anxiety counted as
an improvement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from pcn_assistant.core import clock
from pcn_assistant.core import outcome_scales as scales
from pcn_assistant.core import outcomes as measures
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.security import CASELOAD_READ, CASELOAD_WRITE, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import Episode
from pcn_assistant.store.models.patient import Patient
from pcn_assistant.store.models.referrals import OutcomeMeasure

BASELINE, FOLLOW_UP = "baseline", "follow_up"
TIMEPOINTS = {BASELINE: "Baseline", FOLLOW_UP: "Follow-up"}
INSTRUMENT_LABELS = {measures.SWEMWBS: "SWEMWBS", measures.ONS4: "ONS4 personal wellbeing", **scales.LABELS}


@dataclass(frozen=True)
class MeasureRow:
    id: int
    episode_id: int | None
    instrument: str
    timepoint: str
    recorded_on: date
    items: tuple[int | None, ...]
    complete: bool
    raw_score: int | None
    score: float | None
    recorded_by: str

    @property
    def summary(self) -> str:
        if not self.complete:
            answered = sum(1 for v in self.items if v is not None)
            return f"Incomplete ({answered} of {len(self.items)} answered): not scored"
        if self.instrument == measures.SWEMWBS:
            return f"Raw {self.raw_score}, metric {self.score:.2f}"
        if self.instrument in scales.SCALES:
            scored = scales.score(self.instrument, list(self.items))
            return scored.label if scored else "Not scored"
        scored = measures.score_ons4(list(self.items)) or {}
        return "; ".join(f"{key.replace('_', ' ')} {value} ({band})" for key, (value, band) in scored.items())


@dataclass(frozen=True)
class InstrumentChange:
    instrument: str
    baseline: MeasureRow | None
    follow_up: MeasureRow | None
    changes: list[measures.Change]
    incomplete: int  # questionnaires held but not scored


@requires(CASELOAD_WRITE)
def record_measure(db: Database, actor: Actor, patient_id: int, instrument: str, timepoint: str,
                   items: list[int | None], *, on: date | None = None, episode_id: int | None = None,
                   today: date | None = None, concerns: list[str] | None = None) -> MeasureRow:
    """Store one questionnaire; scores are worked out only when every item is answered."""
    today = today or clock.today()
    on = on or today
    if timepoint not in TIMEPOINTS:
        raise InvalidInput(f"Timepoint must be baseline or follow_up, not {timepoint!r}")
    if on > today:
        raise InvalidInput("The questionnaire cannot be dated in the future")
    try:
        measures.validate(instrument, items)
    except ValueError as error:
        raise InvalidInput(str(error)) from error
    complete = measures.is_complete(instrument, items)
    swemwbs = measures.score_swemwbs(items) if instrument == measures.SWEMWBS else None
    scale = scales.score(instrument, items) if instrument in scales.SCALES else None
    if instrument == scales.MYCAW:
        concerns = [(text or "").strip()[:500] for text in concerns or []][:2]
        if complete and not (concerns and concerns[0]):
            raise InvalidInput("MYCaW needs the person's first concern in their own words")
    with db.transaction() as session:
        if session.get(Patient, patient_id) is None:
            raise InvalidInput(f"There is no patient {patient_id}")
        if episode_id is not None:
            episode = session.get(Episode, episode_id)
            if episode is None or episode.patient_id != patient_id:
                raise InvalidInput("That episode is not this person's")
        row = OutcomeMeasure(patient_id=patient_id, episode_id=episode_id, instrument=instrument,
                             timepoint=timepoint, recorded_on=on, items=list(items), complete=complete,
                             raw_score=swemwbs.raw if swemwbs else None,
                             score=swemwbs.metric if swemwbs else (scale.score if scale else None),
                             concerns=concerns if instrument == scales.MYCAW else None,
                             recorded_by=actor.name, updated_by=actor.name)
        session.add(row)
        session.flush()
        audit.record(session, actor, "outcome.record", entity="outcome_measure", entity_id=row.id,
                     summary=f"{instrument} {timepoint} for patient {patient_id}: "
                             f"{'complete' if complete else 'incomplete'}")
        return _row(row)


def _row(m: OutcomeMeasure) -> MeasureRow:
    return MeasureRow(m.id, m.episode_id, m.instrument, m.timepoint, m.recorded_on, tuple(m.items), m.complete,
                      m.raw_score, m.score, m.recorded_by)


@requires(CASELOAD_READ)
def list_measures(db: Database, actor: Actor, patient_id: int) -> list[MeasureRow]:
    with db.session() as session:
        rows = session.execute(select(OutcomeMeasure).where(OutcomeMeasure.patient_id == patient_id)
                               .order_by(OutcomeMeasure.recorded_on, OutcomeMeasure.id)).scalars()
        return [_row(m) for m in rows]


def pair_changes(rows: list[MeasureRow], episode_id: int | None = None) -> list[InstrumentChange]:
    """Per instrument: the first complete baseline against the latest complete follow-up."""
    result = []
    for instrument in (*measures.INSTRUMENTS, *scales.SCALES):
        mine = [r for r in rows if r.instrument == instrument and (episode_id is None or r.episode_id == episode_id)]
        if not mine:
            continue
        baselines = [r for r in mine if r.timepoint == BASELINE and r.complete]
        follow_ups = [r for r in mine if r.timepoint == FOLLOW_UP and r.complete]
        baseline = baselines[0] if baselines else None
        follow_up = next((r for r in reversed(follow_ups) if baseline is None or r.recorded_on >= baseline.recorded_on),
                         None)
        changes: list[measures.Change] = []
        if baseline and follow_up:
            if instrument == measures.SWEMWBS:
                change = measures.swemwbs_change(list(baseline.items), list(follow_up.items))
                changes = [change] if change else []
            elif instrument in scales.SCALES:
                changes = _scale_change(instrument, baseline, follow_up)
            else:
                changes = measures.ons4_changes(list(baseline.items), list(follow_up.items)) or []
        result.append(InstrumentChange(instrument, baseline, follow_up, changes,
                                       incomplete=sum(1 for r in mine if not r.complete)))
    return result


def _scale_change(scale: str, baseline: MeasureRow, follow_up: MeasureRow) -> list[measures.Change]:
    first, second = scales.score(scale, list(baseline.items)), scales.score(scale, list(follow_up.items))
    if first is None or second is None:
        return []
    return [measures.Change(scale, scales.LABELS[scale], first.score, second.score,
                            round(second.score - first.score, 2),
                            scales.improvement(scale, first.score, second.score))]


@requires(CASELOAD_READ)
def person_changes(db: Database, actor: Actor, patient_id: int, episode_id: int | None = None) -> list[InstrumentChange]:
    return pair_changes(list_measures(db, actor, patient_id), episode_id)
