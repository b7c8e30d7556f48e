"""Variation audit use cases: compute the audit table, export the workbook.

Both run from the database (imported values plus the social prescribing indicator
computed from the caseload) or straight from an indicator file, which needs no
practices in the database. A practice manager (``Actor.practice_code``) sees their
own practice's rows, always compared with the whole PCN.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from pcn_assistant import __version__
from pcn_assistant.core import clock
from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services import audit
from pcn_assistant.services.disclosure import checked_mode, record_exact_view, rule_for
from pcn_assistant.services.security import (
    EXPORT_AGGREGATE,
    VARIATION_READ,
    Actor,
    require,
    requires,
)
from pcn_assistant.services.variation import periods as period_labels
from pcn_assistant.services.variation.age_structure import (
    age_profiles,
    list_structure,
    registered_people,
)
from pcn_assistant.services.variation.catalogue import (
    AGE,
    SOCIAL_PRESCRIBING,
    IndicatorDef,
    catalogue_in,
    shipped_catalogue,
)
from pcn_assistant.services.variation.compute import (
    INPUT_COLUMNS,
    NHS,
    NONE,
    Funnel,
    check_suppression,
    compute_table,
)
from pcn_assistant.services.variation.social_prescribing import SOURCE as SP_SOURCE
from pcn_assistant.services.variation.social_prescribing import social_prescribing_records
from pcn_assistant.services.variation.standardise import standardise
from pcn_assistant.services.variation.tidy_file import read_indicator_file
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import ImportBatch, Practice
from pcn_assistant.store.models.variation import Indicator, IndicatorValue

MAX_PROBLEMS_SHOWN = 5


@dataclass(frozen=True)
class SourceFile:
    name: str
    sha256: str
    imported_at: datetime | None = None


@dataclass
class VariationResult:
    """The audit table (exactly ``compute.COLUMNS``) and what a workbook says around it."""

    frame: pd.DataFrame
    indicators: dict[str, IndicatorDef]  # those in the table, in catalogue order
    practices: dict[str, str]  # code -> name (name may be the code for area files)
    periods: list[str]
    suppression: str
    funnels: dict[tuple[str, str], Funnel]
    sources: list[SourceFile] = field(default_factory=list)
    scope: str | None = None  # the one practice shown against the PCN, if restricted
    generated_at: datetime = field(default_factory=clock.utcnow)
    app_version: str = __version__

    @property
    def empty(self) -> bool:
        return self.frame.empty


@requires(VARIATION_READ)
def compute_variation(
    db: Database | None, actor: Actor, *, indicators_file: str | Path | None = None,
    periods: Sequence[str] | None = None, indicator_codes: Sequence[str] | None = None,
    suppression: str = NHS, practice_code: str | None = None, today: date | None = None,
) -> VariationResult:
    """The audit table for the chosen periods and indicators (all when None).

    With ``indicators_file`` the values come from that file alone and ``db`` is not used
    (it may be None); otherwise from the database, with the social prescribing indicator
    computed from the caseload. ``practice_code`` restricts the rows shown to one
    practice; a practice manager is always restricted to their own. Exact counts
    (``suppression="none"``) are for roles allowed them, and audited.
    """
    check_suppression(suppression)
    checked_mode(actor, suppression, export=False)
    threshold = rule_for(db if indicators_file is None else None, suppression).threshold
    scope = _scope(actor, practice_code)
    wanted_periods = [period_labels.normalise(p) for p in periods or []]
    lists, profiles = None, None
    if indicators_file is not None:
        records, indicators, names, sources = _from_file(Path(indicators_file))
    else:
        if db is None:
            raise InvalidInput("a database or an indicators file is needed")
        with db.session() as session:
            records, indicators, names, sources = _from_database(
                session, wanted_periods, indicator_codes, today or clock.today())
            if any(indicators[code].standardisation == AGE for code in set(records["indicator_code"])):
                people = registered_people(session, today or clock.today())
                lists, profiles = list_structure(people), age_profiles(people)
    if wanted_periods:
        records = records[records["period"].isin(wanted_periods)]
    if indicator_codes:
        unknown = set(indicator_codes) - set(indicators)
        if unknown:
            raise InvalidInput(f"unknown indicator(s): {', '.join(sorted(unknown))}")
        records = records[records["indicator_code"].isin(list(indicator_codes))]
    used = [code for code in indicators if code in set(records["indicator_code"])]
    prepared = standardise(records, {code: indicators[code] for code in used}, lists=lists, profiles=profiles)
    indicators = {code: prepared.definitions[code] for code in used}
    table, funnels = compute_table(prepared.records, indicators, suppression=suppression, dsr=prepared.dsr,
                                   threshold=threshold)
    if suppression == NONE:
        record_exact_view(actor, db if indicators_file is None else None, "variation")
    if scope is not None:
        if scope not in names:
            raise InvalidInput(f"no indicator values for practice {scope}")
        table = table[table["practice_code"] == scope].reset_index(drop=True)
        names = {scope: names[scope]}
    return VariationResult(
        frame=table, indicators=indicators, practices=names,
        periods=sorted(set(table["period"])), suppression=suppression, funnels=funnels,
        sources=sources, scope=scope,
    )


def _scope(actor: Actor, practice_code: str | None) -> str | None:
    if actor.practice_code:
        if practice_code and practice_code.upper() != actor.practice_code.upper():
            raise PermissionDenied(f"{actor.name} can see only practice {actor.practice_code}")
        return actor.practice_code.upper()
    return practice_code.upper() if practice_code else None


def _from_file(path: Path) -> tuple[pd.DataFrame, dict[str, IndicatorDef], dict[str, str], list[SourceFile]]:
    catalogue = dict(shipped_catalogue())
    parsed = read_indicator_file(path, catalogue)
    if parsed.kind != "data":
        raise InvalidInput(f"{path.name} holds indicator definitions, not values to audit")
    if parsed.problems:
        shown = "; ".join(f"row {p.row}, {p.column}: {p.message}" for p in parsed.problems[:MAX_PROBLEMS_SHOWN])
        more = len(parsed.problems) - MAX_PROBLEMS_SHOWN
        raise InvalidInput(f"{path.name}: {shown}" + (f"; and {more} more" if more > 0 else ""))
    catalogue.update(parsed.definitions)
    records = parsed.records
    names = {}
    for code, name in zip(records["practice_code"], records["practice_name"], strict=True):
        if name or code not in names:
            names[code] = name or code
    banded = ["age_band"] if records["age_band"].notna().any() else []
    return (records.loc[:, [*INPUT_COLUMNS, *banded]], catalogue, dict(sorted(names.items())),
            [SourceFile(path.name, parsed.sha256)])


def _from_database(
    session: Session, wanted_periods: list[str], indicator_codes: Sequence[str] | None, today: date,
) -> tuple[pd.DataFrame, dict[str, IndicatorDef], dict[str, str], list[SourceFile]]:
    rows = session.execute(
        select(Practice.ods_code, Indicator.code, IndicatorValue.period, IndicatorValue.numerator,
               IndicatorValue.denominator, IndicatorValue.batch_id)
        .join(Practice, Practice.id == IndicatorValue.practice_id)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
    ).all()
    records = pd.DataFrame(rows, columns=[*INPUT_COLUMNS, "batch_id"])
    batch_ids = {int(b) for b in records["batch_id"].dropna()}
    records = records.drop(columns="batch_id")
    sources = [SourceFile(name, sha, when) for name, sha, when in session.execute(
        select(ImportBatch.file_name, ImportBatch.sha256, ImportBatch.finished_at)
        .where(ImportBatch.id.in_(batch_ids)).order_by(ImportBatch.id))] if batch_ids else []
    if not indicator_codes or SOCIAL_PRESCRIBING in indicator_codes:
        labels = wanted_periods or sorted(set(records["period"]))
        computed = social_prescribing_records(session, labels, today)
        if not computed.empty:
            records = records[records["indicator_code"] != SOCIAL_PRESCRIBING]
            records = pd.concat([records, computed], ignore_index=True) if not records.empty else computed
            sources.append(SourceFile(SP_SOURCE, "computed", clock.utcnow()))
    names = dict(session.execute(select(Practice.ods_code, Practice.name).order_by(Practice.ods_code)).all())
    return records, catalogue_in(session), names, sources


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    sheets: list[str]
    duration_s: float


@requires(VARIATION_READ)
def export_variation(
    db: Database | None, actor: Actor, out: str | Path, *, indicators_file: str | Path | None = None,
    periods: Sequence[str] | None = None, indicator_codes: Sequence[str] | None = None,
    suppression: str = NHS, practice_code: str | None = None, today: date | None = None,
) -> ExportResult:
    """Compute and write the audit workbook, always protected (``nhs`` or ``nhs-round5``);
    recorded in the audit trail whenever a database is open (even when the values came
    from a file)."""
    from pcn_assistant.services.variation.workbook import write_workbook

    require(actor, EXPORT_AGGREGATE)
    checked_mode(actor, suppression, export=True)
    started = time.perf_counter()
    result = compute_variation(db, actor, indicators_file=indicators_file, periods=periods,
                               indicator_codes=indicator_codes, suppression=suppression,
                               practice_code=practice_code, today=today)
    if result.empty:
        raise InvalidInput("no indicator values to export for the chosen periods and indicators")
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InvalidInput(f"{out.name}: the workbook must be an .xlsx file")
    sheets = write_workbook(result, out)
    if db is not None:
        with db.transaction() as session:
            audit.record(session, actor, "variation.export", entity="variation",
                         entity_id=result.scope or "PCN",
                         summary=(f"{len(result.frame)} rows, {len(result.indicators)} indicators, "
                                  f"periods {', '.join(result.periods)}, suppression {suppression}, "
                                  f"file {out.name}"
                                  + (f", values from {Path(indicators_file).name}" if indicators_file else "")))
    return ExportResult(out, len(result.frame), sheets, time.perf_counter() - started)
