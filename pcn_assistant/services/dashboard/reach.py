"""Reach: are we reaching the people who need us most?"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import exists, extract, func, select
from sqlalchemy.orm import Session

from pcn_assistant.core.caseload import REFERRAL_SOURCES
from pcn_assistant.core.disclosure import SUPPRESSED
from pcn_assistant.services.dashboard.model import LINE, STACKED, DashSection, DashTable
from pcn_assistant.services.dashboard.scope import Scope
from pcn_assistant.store.models import Patient, Practice
from pcn_assistant.store.models.caseload import Episode
from pcn_assistant.store.models.risk import RiskAssessment

SOURCE_LABELS = dict(REFERRAL_SOURCES)


def build(session: Session, scope: Scope) -> DashSection:
    section = DashSection("reach", "Reach", "Are we reaching the people who need us most?")
    tiers = _tiers_by_practice(session, scope)
    tier3 = _tier3_on_caseload(session, scope)
    section.tables += [tiers, tier3, _new_episodes_by_month(session, scope)]
    for table in section.tables:
        table.add_total_row()
    section.headlines = headlines(section)
    section.method_notes.append(
        "Tiers come from each patient's latest risk assessment (PCN priority score ppcs-1). "
        "'On a caseload' means an episode open at any time in the period.")
    return section


def headlines(section: DashSection) -> list[str]:
    """Sentences quoting the (protected) Total row of the tier 3 table, never raw counts."""
    tier3 = section.table("tier3_on_caseload")
    if not tier3.rows:
        return []
    _label, on, off, _share = tier3.rows[-1]
    if SUPPRESSED in (on, off):
        return ["How many tier 3 (case management) patients were on a caseload is withheld: "
                "the numbers are too small to publish."]
    if not on + off:
        return []
    return [f"{on:,} of {on + off:,} tier 3 (case management) patients ({on / (on + off):.0%}) "
            f"were on a caseload during the period."]


def _tiers_by_practice(session: Session, scope: Scope) -> DashTable:
    stmt = (
        select(Practice.ods_code, RiskAssessment.tier, func.count())
        .select_from(RiskAssessment)
        .join(Patient, Patient.id == RiskAssessment.patient_id)
        .join(Practice, Practice.id == Patient.practice_id)
        .where(RiskAssessment.is_latest.is_(True), RiskAssessment.tier.is_not(None), *scope.registered())
        .group_by(Practice.ods_code, RiskAssessment.tier)
    )
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for practice, tier, count in session.execute(stmt):
        counts[practice][int(tier)] = count
    rows = [[practice, c.get(1, 0), c.get(2, 0), c.get(3, 0), sum(c.values())]
            for practice, c in sorted(counts.items())]
    return DashTable("tiers_by_practice", "Adults by risk tier and practice",
                     ["Practice", "Tier 1", "Tier 2", "Tier 3", "Adults assessed"], rows, chart=STACKED,
                     value_columns=["Tier 1", "Tier 2", "Tier 3"],
                     suppress_columns=["Tier 1", "Tier 2", "Tier 3", "Adults assessed"],
                     row_totals={"Adults assessed": ["Tier 1", "Tier 2", "Tier 3"]},
                     column_total="tiers", by_practice=True)


def _tier3_on_caseload(session: Session, scope: Scope) -> DashTable:
    on_caseload = exists().where(Episode.patient_id == Patient.id, scope.episodes_open_during())
    stmt = (
        select(Practice.ods_code, on_caseload, func.count())
        .select_from(RiskAssessment)
        .join(Patient, Patient.id == RiskAssessment.patient_id)
        .join(Practice, Practice.id == Patient.practice_id)
        .where(RiskAssessment.is_latest.is_(True), RiskAssessment.tier == 3, *scope.registered())
        .group_by(Practice.ods_code, on_caseload)
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for practice, is_on, count in session.execute(stmt):
        counts[practice][0 if is_on else 1] += count
    rows = []
    for practice, (on, off) in sorted(counts.items()):
        rows.append([practice, on, off, round(100 * on / (on + off), 1) if on + off else None])
    return DashTable("tier3_on_caseload", "Tier 3 patients on a caseload, by practice",
                     ["Practice", "On a caseload", "Not on a caseload", "% reached"], rows, chart=STACKED,
                     value_columns=["On a caseload", "Not on a caseload"],
                     suppress_columns=["On a caseload", "Not on a caseload"],
                     derived={"% reached": ["On a caseload", "Not on a caseload"]},
                     row_totals={"tiers_by_practice/Tier 3": ["On a caseload", "Not on a caseload"]},
                     column_total="tier3", by_practice=True)


def _new_episodes_by_month(session: Session, scope: Scope) -> DashTable:
    year, month = extract("year", Episode.referred_on), extract("month", Episode.referred_on)
    stmt = (
        select(year, month, Episode.referral_source, func.count())
        .join(Patient, Patient.id == Episode.patient_id)
        .where(scope.episodes_started(), *scope.patients())
        .group_by(year, month, Episode.referral_source)
    )
    by_month: dict[str, dict[str, int]] = defaultdict(dict)
    sources: set[str] = set()
    for y, m, source, count in session.execute(stmt):
        label = SOURCE_LABELS.get(source, source)
        sources.add(label)
        by_month[f"{int(y)}-{int(m):02d}"][label] = count
    ordered_sources = sorted(sources)
    months = _months(scope)
    rows = [[m, *[by_month.get(m, {}).get(s, 0) for s in ordered_sources], sum(by_month.get(m, {}).values())]
            for m in months]
    return DashTable("new_episodes_by_source", "New episodes per month by referral source",
                     ["Month", *ordered_sources, "Total"], rows, chart=STACKED if len(months) <= 4 else LINE,
                     value_columns=ordered_sources if len(months) <= 4 else ["Total"],
                     suppress_columns=[*ordered_sources, "Total"],
                     row_totals={"Total": ordered_sources}, column_total="new_episodes",
                     brief_columns=["Month", "Total"])


def _months(scope: Scope) -> list[str]:
    months, y, m = [], scope.period.start.year, scope.period.start.month
    while (y, m) <= (scope.period.end.year, scope.period.end.month):
        months.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


