"""Outcomes: is it making a difference to the person? Paired measures only."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcn_assistant.core import outcomes as measures
from pcn_assistant.core.disclosure import SUPPRESSED, in_words
from pcn_assistant.core.outcome_scales import SCALES
from pcn_assistant.core.paired import mean_change
from pcn_assistant.core.plain_names import plural
from pcn_assistant.services.dashboard.model import BAR, DashSection, DashTable
from pcn_assistant.services.dashboard.outcome_scales import METHOD_NOTES, scale_rows
from pcn_assistant.services.dashboard.scope import Scope
from pcn_assistant.store.models import Patient
from pcn_assistant.store.models.referrals import OutcomeMeasure

BASELINE, FOLLOW_UP = "baseline", "follow_up"
MEASURES_NOTE = ("SWEMWBS: the Short Warwick-Edinburgh Mental Wellbeing Scale, seven questions scored 7-35 "
                 "and converted to a metric score; higher is better. ONS4: the Office for National Statistics' "
                 "four personal wellbeing questions, each scored 0-10 and never added together.")


def _rnd(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def build(session: Session, scope: Scope) -> DashSection:
    section = DashSection("outcomes", "Outcomes", "Is it making a difference to people's wellbeing?")
    pairs, excluded = _pairs(session, scope)
    swemwbs = [c for c in (measures.swemwbs_change(b, f) for b, f in pairs[measures.SWEMWBS]) if c]
    ons4 = [c for c in (measures.ons4_changes(b, f) for b, f in pairs[measures.ONS4]) if c]

    change = mean_change([c.change for c in swemwbs])
    improved = sum(c.meaningful == measures.IMPROVED for c in swemwbs)
    rows = [["Mental wellbeing (SWEMWBS)", change.n, _rnd(_mean([c.baseline for c in swemwbs])),
             _rnd(_mean([c.follow_up for c in swemwbs])), _rnd(change.mean), _rnd(change.lower), _rnd(change.upper),
             improved, _share(improved, change.n), excluded[measures.SWEMWBS]]]
    for index, (key, _question) in enumerate(measures.ONS4_QUESTIONS):
        per_question = [c[index] for c in ons4]
        q_change = mean_change([c.change for c in per_question])
        q_improved = sum(c.meaningful == measures.IMPROVED for c in per_question)
        label = per_question[0].label if per_question else key.replace("_", " ").capitalize()
        if key == measures.ANXIETY:
            label += ", a fall is an improvement"
        # ONS4's exclusions are one number: shown once, so it cannot be hidden in one row and not another
        rows.append([f"{label} (ONS4)", q_change.n, _rnd(_mean([c.baseline for c in per_question])),
                     _rnd(_mean([c.follow_up for c in per_question])), _rnd(q_change.mean), _rnd(q_change.lower),
                     _rnd(q_change.upper), q_improved, _share(q_improved, q_change.n),
                     excluded[measures.ONS4] if index == 0 else None])
    first_ons4 = rows[1][0]
    same_pairs = {(r[0], "Pairs"): (first_ons4, "Pairs") for r in rows[2:5] if r[1] == rows[1][1]}
    rows += scale_rows(pairs, excluded)
    section.tables.append(DashTable(
        "paired_change", ("Wellbeing: % of people who improved between baseline and follow-up "
                          f"(a meaningful change: SWEMWBS {measures.SWEMWBS_MEANINGFUL:g}+ metric points, "
                          f"ONS4 {measures.ONS4_MEANINGFUL}+ point)"),
        ["Measure", "Pairs", "Baseline mean", "Follow-up mean", "Mean change", "Lower 95%", "Upper 95%",
         "Improved", "% improved", "Excluded (no complete pair)"], rows, chart=BAR, value_columns=["% improved"],
        suppress_columns=["Pairs", "Improved", "Excluded (no complete pair)"],
        derived={name: ["Pairs"] for name in ("Baseline mean", "Follow-up mean", "Mean change", "Lower 95%",
                                               "Upper 95%")} | {"% improved": ["Pairs", "Improved"]},
        same_cells=same_pairs,
        brief_columns=["Measure", "Pairs", "Mean change", "Lower 95%", "Upper 95%", "% improved",
                       "Excluded (no complete pair)"],
        note="The chart shows the % of people whose score improved (paired measures only). " + MEASURES_NOTE))
    section.headlines = headlines(section)
    section.method_notes += [
        "Only paired measures count: a person's complete baseline and complete follow-up for the same "
        "episode, with the follow-up recorded in the period. SWEMWBS raw totals are converted to metric "
        "scores before comparison; intervals are t-based 95% confidence intervals of the mean change.",
        "ONS4 questions are compared one by one and never summed; for anxiety a fall is an improvement, "
        "so '% improved' counts falls for anxiety and rises for the other three.",
        "'% improved' counts only meaningful changes, not any rise:",
        *measures.MEANINGFUL_RULES,
    ]
    section.method_notes += METHOD_NOTES
    return section


def headlines(section: DashSection) -> list[str]:
    """Sentences quoting the (protected) table, never raw counts."""
    table = section.table("paired_change")
    swemwbs = dict(zip(table.columns, table.rows[0], strict=True))
    ons4 = dict(zip(table.columns, table.rows[1], strict=True))
    n = swemwbs["Pairs"]
    if n == SUPPRESSED:
        lines = ["Mental wellbeing (SWEMWBS) change is withheld: too few complete baseline and follow-up "
                 "pairs to publish."]
    elif n:
        interval = (f" (95% CI {swemwbs['Lower 95%']:+.2f} to {swemwbs['Upper 95%']:+.2f})"
                    if swemwbs["Lower 95%"] is not None else "")
        share = swemwbs["% improved"]
        improved = (f"; {share / 100:.0%} improved by {measures.SWEMWBS_MEANINGFUL:g} or more points "
                    "(a meaningful change)" if isinstance(share, (int, float)) else "")
        lines = [f"Mental wellbeing (SWEMWBS) rose by {swemwbs['Mean change']:+.2f} metric points on average"
                 f"{interval} across {plural(n, 'person', 'people')} with a complete baseline and "
                 f"follow-up{improved}."]
    else:
        lines = ["No complete mental wellbeing (SWEMWBS) baseline and follow-up pairs in the period."]
    column = "Excluded (no complete pair)"
    lines.append(f"{in_words(swemwbs[column])} SWEMWBS and {in_words(ons4[column])} ONS4 baselines have no "
                 "complete follow-up yet and are excluded.")
    return lines


def _pairs(session: Session, scope: Scope) -> tuple[dict[str, list], dict[str, int]]:
    rows = session.execute(
        select(OutcomeMeasure.episode_id, OutcomeMeasure.patient_id, OutcomeMeasure.instrument,
               OutcomeMeasure.timepoint, OutcomeMeasure.recorded_on, OutcomeMeasure.items, OutcomeMeasure.complete)
        .join(Patient, Patient.id == OutcomeMeasure.patient_id)
        .where(OutcomeMeasure.recorded_on <= scope.period.end, *scope.patients())
        .order_by(OutcomeMeasure.recorded_on, OutcomeMeasure.id)).all()
    latest: dict[tuple, dict[str, tuple]] = defaultdict(dict)
    for episode_id, patient_id, instrument, timepoint, recorded_on, items, complete in rows:
        key = (instrument, episode_id or f"p{patient_id}")
        slot = latest[key]
        if timepoint == BASELINE and BASELINE not in slot and complete:
            slot[BASELINE] = (recorded_on, items)  # the first complete baseline
        elif timepoint == FOLLOW_UP and complete:
            slot[FOLLOW_UP] = (recorded_on, items)  # the latest complete follow-up
        slot.setdefault("seen", (recorded_on, items))
    instruments = (measures.SWEMWBS, measures.ONS4, *SCALES)
    pairs: dict[str, list] = {instrument: [] for instrument in instruments}
    excluded = dict.fromkeys(instruments, 0)
    for (instrument, _episode), slot in latest.items():
        if instrument not in pairs:
            continue
        follow = slot.get(FOLLOW_UP)
        if BASELINE in slot and follow and scope.period.start <= follow[0] <= scope.period.end:
            pairs[instrument].append((slot[BASELINE][1], follow[1]))
        elif follow is None or BASELINE not in slot:
            excluded[instrument] += 1
    return pairs, excluded


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _share(count: int, total: int) -> float | None:
    return round(100 * count / total, 1) if total else None
