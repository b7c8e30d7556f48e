"""Demo part: referrals from the caseload's episodes, in every state, with outcomes and coding.

Runs after the caseload and directory parts. Each assessed episode refers the person to
one to three services for its main need; each referral is run forward on a plausible
timetable (a reply in days, sometimes weeks; a first session; completion) and cut off
at ``ctx.today``, so there are drafts, sent referrals waiting for a reply (some past the
14-day chase point), accepted, declined, attended, missed, completed and withdrawn
ones. Four small services are filled to capacity with a waiting list behind them.
Baseline and follow-up SWEMWBS and ONS4 are recorded (a few incomplete), and the GP
coding worklist is built, with about half of the older entries already coded.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sqlalchemy import func, select

from pcn_assistant.core import outcomes as scoring
from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.services.demo import DemoContext
from pcn_assistant.services.referrals import coding
from pcn_assistant.services.referrals.lifecycle import REFERENCE_ALPHABET
from pcn_assistant.store.models.caseload import Episode
from pcn_assistant.store.models.directory import DirectoryService, DirectoryServiceCategory
from pcn_assistant.store.models.patient import PatientMeasure
from pcn_assistant.store.models.referrals import OutcomeMeasure, Referral, ReferralEvent

NEED_FOR_REASON = {
    "loneliness": "befriending", "debt": "money", "housing": "housing", "mental_wellbeing": "mental_wellbeing",
    "physical_activity": "physical_activity", "carer_support": "carers", "long_term_condition": "ltc_support",
    "benefits": "money", "bereavement": "mental_wellbeing", "frailty_falls": "physical_activity",
    "employment": "employment",
}
NOTES = ("Lives alone since her husband died; would like company.", "Keen but nervous about going on his own.",
         "Prefers mornings; no transport.", "Hard of hearing: please speak clearly or text.",
         "Has been before and enjoyed it.", "")
OUTCOMES = ("Goes every week and has made friends.", "Enjoyed it; now goes with a neighbour.",
            "Found it helpful; finished the course.", "Did not feel it was for her.", "")


class _Refs:
    def __init__(self, rng: np.random.Generator) -> None:
        self.rng, self.used = rng, set()

    def next(self) -> str:
        while True:
            code = "SP-" + "".join(REFERENCE_ALPHABET[i] for i in self.rng.integers(0, len(REFERENCE_ALPHABET), 6))
            if code not in self.used:
                self.used.add(code)
                return code


def _days(rng: np.random.Generator, low: int, high: int) -> timedelta:
    return timedelta(days=int(rng.integers(low, high + 1)))


def _run(rng: np.random.Generator, start: date, horizon: date) -> list[tuple[str, date]]:
    """The steps a referral takes from ``start``, stopping at ``horizon``."""
    steps = [(life.DRAFT, start)]

    def step(status: str, when: date) -> bool:
        if when > horizon:
            return False
        steps.append((status, when))
        return True

    if start >= horizon - timedelta(days=3) and rng.random() < 0.4:
        return steps  # still a draft
    if rng.random() < 0.03:
        step(life.WITHDRAWN, start + _days(rng, 0, 2))
        return steps
    sent = start + _days(rng, 0, 1)
    if not step(life.SENT, sent):
        return steps
    slow = rng.random() < 0.18
    reply = sent + (_days(rng, 16, 45) if slow else _days(rng, 1, 12))
    if rng.random() < 0.12:
        step(life.DECLINED, reply)
        return steps
    if not step(life.ACCEPTED, reply):
        return steps
    first = reply + _days(rng, 2, 14)
    if rng.random() < 0.14:
        if not step(life.DID_NOT_ATTEND, first):
            return steps
        if rng.random() < 0.35:
            first = first + _days(rng, 5, 14)
            if not step(life.ATTENDED, first):
                return steps
        else:
            step(life.COMPLETED, first + _days(rng, 7, 21))
            return steps
    elif not step(life.ATTENDED, first):
        return steps
    step(life.COMPLETED, first + _days(rng, 28, 100))
    return steps


def _referral(episode: tuple, service_id: int, need: str, steps: list[tuple[str, date]], refs: _Refs,
              rng: np.random.Generator) -> Referral:
    episode_id, patient_id, coordinator = episode[0], episode[1], episode[9]
    status, status_on = steps[-1]
    referral = Referral(
        reference=refs.next(), episode_id=episode_id, patient_id=patient_id, service_id=service_id, category=need,
        note=str(rng.choice(NOTES)), consent_given=True, share_details=bool(rng.random() < 0.7), status=status,
        status_on=status_on, created_on=steps[0][1], created_by=coordinator, updated_by=coordinator)
    previous = None
    for to_status, when in steps:
        via = "returns" if to_status in (life.ACCEPTED, life.ATTENDED, life.DID_NOT_ATTEND) and rng.random() < 0.5 \
            else "app"
        referral.events.append(ReferralEvent(from_status=previous, to_status=to_status, event_on=when,
                                             recorded_by=coordinator, via=via,
                                             note="consent recorded" if previous is None else ""))
        previous = to_status
        if to_status == life.WAITING:
            referral.waiting_since = when
        elif to_status == life.SENT:
            referral.sent_on = when
        elif to_status in (life.ACCEPTED, life.DECLINED):
            referral.responded_on = when
            referral.accepted_on = when if to_status == life.ACCEPTED else None
        elif to_status == life.ATTENDED and referral.first_attended_on is None:
            referral.first_attended_on = when
        if to_status in life.FINAL:
            referral.closed_on = when
    if status in (life.COMPLETED, life.ATTENDED):
        referral.outcome_note = str(rng.choice(OUTCOMES))
    return referral


def _close_with_episode(steps: list[tuple[str, date]], closed_on: date | None) -> list[tuple[str, date]]:
    """An episode that closed takes its open referrals with it."""
    status, when = steps[-1]
    if closed_on is None or status in life.FINAL:
        return steps
    last = max(when, closed_on)
    return steps + [(life.COMPLETED if status in (life.ATTENDED, life.DID_NOT_ATTEND) else life.WITHDRAWN, last)]


def _answers(rng: np.random.Generator, centre: float, count: int, low: int, high: int) -> list[int]:
    return [int(v) for v in np.clip(np.rint(rng.normal(centre, 0.9, count)), low, high)]


def _measures(rng: np.random.Generator, episode: tuple, today: date, coordinator: str) -> list[OutcomeMeasure]:
    episode_id, patient_id, status, _reasons, _referred, assessed_on, active_on, closed_on, _reason, _c = episode
    if assessed_on is None or rng.random() > 0.9:
        return []
    rows: list[tuple[date, str, str, list]] = []
    base_swemwbs: list[int | None] = _answers(rng, 2.6, 7, 1, 5)
    base_ons4 = [*_answers(rng, 4.3, 3, 0, 10), *_answers(rng, 6.2, 1, 0, 10)]
    if rng.random() < 0.08:
        base_swemwbs[int(rng.integers(0, 7))] = None  # left a question blank
    rows += [(assessed_on, "baseline", "swemwbs", base_swemwbs), (assessed_on, "baseline", "ons4", base_ons4)]
    follow_on = closed_on or ((active_on or assessed_on) + timedelta(days=int(rng.integers(60, 120))))
    if follow_on <= today and (closed_on is None or follow_on - assessed_on > timedelta(days=30)):
        gain = rng.normal(0.45, 0.4)
        rows.append((follow_on, "follow_up", "swemwbs", _answers(rng, 2.6 + gain, 7, 1, 5)))
        rows.append((follow_on, "follow_up", "ons4", [*_answers(rng, 4.3 + 3 * gain, 3, 0, 10),
                                                      *_answers(rng, 6.2 - 3 * gain, 1, 0, 10)]))
    result = []
    for when, timepoint, instrument, items in rows:
        score = scoring.score_swemwbs(items) if instrument == scoring.SWEMWBS else None
        result.append(OutcomeMeasure(
            patient_id=patient_id, episode_id=episode_id, instrument=instrument, timepoint=timepoint,
            recorded_on=when, items=items, complete=all(v is not None for v in items),
            raw_score=score.raw if score else None, score=score.metric if score else None,
            recorded_by=coordinator, updated_by=coordinator))
    return result


def build(ctx: DemoContext) -> None:
    rng = ctx.rng("referrals")
    refs = _Refs(rng)
    today = ctx.today
    small = ctx.shared.get("directory_capacity", {})
    with ctx.db.transaction() as session:
        services = session.execute(select(DirectoryService.id, DirectoryService.name, DirectoryServiceCategory.category)
                                   .join(DirectoryServiceCategory)
                                   .where(DirectoryService.status == "active")).all()
        by_need: dict[str, list[int]] = {}
        names = {}
        for service_id, name, category in services:
            names[service_id] = name
            if name not in small:
                by_need.setdefault(category, []).append(service_id)
        episodes = session.execute(select(
            Episode.id, Episode.patient_id, Episode.status, Episode.referral_reasons, Episode.referred_on,
            Episode.assessed_on, Episode.active_on, Episode.closed_on, Episode.close_reason, Episode.coordinator,
        ).where(Episode.assessed_on.is_not(None)).order_by(Episode.id)).all()
        places = dict(session.execute(select(DirectoryService.id, DirectoryService.capacity).where(
            DirectoryService.capacity.is_not(None), DirectoryService.capacity_unit == "places")).all())
        holding: dict[int, int] = {}
        referrals: list[Referral] = []
        measures: list[OutcomeMeasure] = []
        for episode in episodes:
            _id, _patient, status, reasons, _referred, assessed_on, active_on, closed_on, _reason, coordinator = episode
            measures.extend(_measures(rng, episode, today, coordinator))
            need = NEED_FOR_REASON.get((reasons or ["loneliness"])[0], "befriending")
            options = by_need.get(need) or by_need["befriending"]
            count = int(rng.choice((1, 2, 3), p=(0.5, 0.35, 0.15)))
            chosen = rng.choice(options, size=min(count, len(options)), replace=False)
            for number, service_id in enumerate(chosen):
                start = (active_on or assessed_on) + _days(rng, 0, 10) + timedelta(days=14 * number)
                horizon = min(today, closed_on) if closed_on else today
                if start > horizon:
                    continue
                steps = _close_with_episode(_run(rng, start, horizon), closed_on)
                if steps[-1][0] in life.HOLDING_A_PLACE:
                    if holding.get(int(service_id), 0) >= places.get(int(service_id), 10**6):
                        continue  # the provider would have said it was full
                    holding[int(service_id)] = holding.get(int(service_id), 0) + 1
                referrals.append(_referral(episode, int(service_id), need, steps, refs, rng))
        # Fill the small services to capacity, with a waiting list behind each of four.
        open_episodes = [e for e in episodes if e[2] != "closed"]
        by_name = {name: sid for sid, name in names.items()}
        order = rng.permutation(len(open_episodes))
        cursor = 0
        for index, (name, places) in enumerate(sorted(small.items())):
            waiting = int(rng.integers(1, 4)) if index < 4 else 0
            holders = places if index < 4 else int(rng.integers(0, places))
            for slot in range(holders + waiting):
                episode = open_episodes[order[cursor % len(order)]]
                cursor += 1
                start = max(episode[5], today - timedelta(days=int(rng.integers(20, 60))))
                if slot < holders:
                    steps = [(life.DRAFT, start), (life.SENT, start), (life.ACCEPTED, start + _days(rng, 2, 6))]
                    if start + timedelta(days=14) <= today:
                        steps.append((life.ATTENDED, start + _days(rng, 8, 14)))
                else:
                    joined = today - _days(rng, 1, 20)
                    steps = [(life.DRAFT, joined), (life.WAITING, joined)]
                referrals.append(_referral(episode, by_name[name], "befriending", steps, refs, rng))
        session.add_all(referrals)
        session.add_all(measures)
        session.flush()
        coding.refresh(session)
        # About half of the entries more than a month old have reached the GP record.
        entries = session.execute(select(coding.CodingEntry.patient_id, coding.CodingEntry.code,
                                         coding.CodingEntry.event_on)
                                  .where(coding.CodingEntry.event_on < today - timedelta(days=30))).all()
        extract = [PatientMeasure(patient_id=p, code=code, recorded_on=min(on + _days(rng, 1, 20), today))
                   for p, code, on in entries if rng.random() < 0.55]
        session.add_all(extract)
        session.flush()
        coding.tick_from_records(session)
        ctx.shared["referrals"] = session.execute(select(func.count()).select_from(Referral)).scalar_one()
