"""Stratify the registered population: one query in, vectorised scoring, one bulk write.

1. **Read**: a single SELECT returns every registered patient with their conditions
   summed into bit masks by the database, and their current (latest) assessment's
   id, points and fingerprint.
2. **Score**: ``core.risk.assess`` (numpy/pandas, no row loops).
3. **Write**: only people whose assessment changed get a new row (Core executemany);
   the rows they supersede lose ``is_latest``. A ``RiskRun`` records the model,
   settings and tier counts, and the audit trail records the run.

``stratify_steps`` is a generator yielding ``(done, total, label)`` for the GUI's
progress dialog; Cancel closes it inside the transaction, so nothing is written.
"""

from __future__ import annotations

import functools
import operator
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import BigInteger, Date, Integer, String, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement

from pcn_assistant.core import clock
from pcn_assistant.core.conditions import conditions
from pcn_assistant.core.risk import assess, load_model
from pcn_assistant.core.risk.assess import ages_on, condition_bit_groups, decode_condition_bits
from pcn_assistant.core.risk.cms_rules import ConditionEvidence
from pcn_assistant.core.risk.priority import POINT_COLUMNS, PriorityModel
from pcn_assistant.core.risk.tiers import tier_counts
from pcn_assistant.services import audit
from pcn_assistant.services.analyze import analyze_after_load
from pcn_assistant.services.risk.bulk import (
    CHUNK_ROWS,
    fetch_frame,
    indexes_rebuilt_if_worthwhile,
    insert_columns,
    set_column_by_id,
)
from pcn_assistant.services.risk.settings import TierSettings, read_tier_settings
from pcn_assistant.services.risk.windows import (
    evidence_groups,
    evidence_tests,
    read_prescriptions,
    with_prescriptions,
)
from pcn_assistant.services.security import RISK_RUN, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import Patient, PatientCondition
from pcn_assistant.store.models.patient import REGISTERED
from pcn_assistant.store.models.risk import RiskAssessment, RiskRun

STEPS = 4
# Columns whose change means a new assessment row (with the model id and version). Age
# alone is not one: the row keeps the age on its own date, and reasons name ages that score.
FINGERPRINT_COLUMNS = (
    "points", *POINT_COLUMNS, "efi_deficits", "efi_deficit_mask", "frailty_level",
    "cms_condition_mask", "emergency_admissions_12m", "ae_attendances_12m", "medication_count",
    "tier", "pinned_reason", "reasons",
)
# Yes/no flags travel as one integer (a bit each): fewer values to fetch per patient.
PATIENT_FLAGS = ("lives_alone", "is_carer", "has_carer", "housebound", "care_home", "palliative_care",
                 "learning_disability")
PATIENT_VALUES = ("medication_count", "ae_attendances_12m", "emergency_admissions_12m", "frailty_coded",
                  "imd_decile", "efi_reported")


@dataclass(frozen=True)
class StratifyResult:
    run_id: int
    assessed: int
    changed: int
    tiers: dict[str, int]
    model: str
    assessed_on: date
    duration_s: float

    def as_json(self) -> dict:
        return {"assessed": self.assessed, "tiers": self.tiers, "duration_s": round(self.duration_s, 3),
                "changed": self.changed, "model": self.model, "assessed_on": self.assessed_on.isoformat(),
                "run_id": self.run_id}


def _day(session: Session, value: date) -> object:
    """A date to compare with a Date column in ``fetch_frame`` (raw DBAPI parameters):
    ISO text on SQLite, which stores dates as text, a date on PostgreSQL."""
    if session.connection().dialect.name == "sqlite":
        return literal(value.isoformat())
    return literal(value, Date)


def _mask_columns(session: Session, kinds: dict[str, list[list[str]]], as_of: date) -> list:
    """Per-patient bit masks of the conditions held ``ever`` (``mask``), ``undated``,
    first dated in the last 5 years and last dated in the last 12 months (the CMS rules'
    windows): each date test wrapped once round a simple CASE on the condition key."""
    tests = evidence_tests(PatientCondition.recorded_on, PatientCondition.last_recorded_on, as_of,
                           lambda d: _day(session, d))
    masks = []
    for kind, groups in kinds.items():
        for index, keys in enumerate(groups):
            bits = {key: 1 << bit for bit, key in enumerate(keys)}
            by_key = case(bits, value=PatientCondition.condition_key, else_=0) if bits else literal(0)
            value = by_key if tests[kind] is None else case((tests[kind], by_key), else_=0)
            masks.append(cast(func.sum(value), BigInteger).label(f"{kind}{index}"))
    return masks


def read_population(session: Session, as_of: date | None = None) -> pd.DataFrame:
    """Every registered patient with condition masks, prescriptions in the last 12 months
    and their latest assessment: one query for the people, one for the prescriptions."""
    as_of = as_of or clock.today()
    groups = condition_bit_groups([c.key for c in conditions()])
    kinds = evidence_groups(groups)
    ever = {"mask": kinds["mask"]}
    dated = {kind: kind_groups for kind, kind_groups in kinds.items() if kind != "mask"}
    held = (select(PatientCondition.patient_id, *_mask_columns(session, ever, as_of))
            .group_by(PatientCondition.patient_id).subquery())
    # The dated evidence only for the few conditions whose rules read it: a small share of rows.
    dated_keys = sorted({key for kind_groups in dated.values() for group in kind_groups for key in group})
    windows = (select(PatientCondition.patient_id, *_mask_columns(session, dated, as_of))
               .where(PatientCondition.condition_key.in_(dated_keys))
               .group_by(PatientCondition.patient_id).subquery())
    latest = aliased(RiskAssessment)
    stmt = (
        select(
            Patient.id.label("patient_id"), Patient.practice_id, Patient.nhs_number,
            cast(Patient.date_of_birth, String).label("date_of_birth"),
            sum_of(cast(func.coalesce(getattr(Patient, name), False), Integer) * (1 << bit)
                   for bit, name in enumerate(PATIENT_FLAGS)).label("flags"),
            *(getattr(Patient, name) for name in PATIENT_VALUES),
            *(func.coalesce(held.c[f"mask{i}"], 0).label(f"mask{i}") for i in range(len(groups))),
            *(func.coalesce(windows.c[f"{kind}{i}"], 0).label(f"{kind}{i}")
              for kind, kind_groups in dated.items() for i in range(len(kind_groups))),
            func.coalesce(latest.id, 0).label("prev_id"), latest.points.label("prev_points"),
            func.coalesce(latest.fingerprint, 0).label("prev_fingerprint"),
        )
        .outerjoin(held, held.c.patient_id == Patient.id)
        .outerjoin(windows, windows.c.patient_id == Patient.id)
        .outerjoin(latest, and_(latest.patient_id == Patient.id, latest.is_latest.is_(True)))
        .where(Patient.registration_status == REGISTERED)
    )
    frame = with_prescriptions(fetch_frame(session, stmt), read_prescriptions(session, as_of, lambda d: _day(session, d)))
    frame.attrs["condition_groups"] = groups
    frame.attrs["evidence_groups"] = kinds
    return frame


def score_population(frame: pd.DataFrame, model: PriorityModel, settings: TierSettings,
                     as_of: date) -> pd.DataFrame:
    """Assess a frame from ``read_population`` and work out which rows changed."""
    groups = frame.attrs.get("condition_groups") or condition_bit_groups([c.key for c in conditions()])
    kinds = frame.attrs.get("evidence_groups") or evidence_groups(groups)
    decoded = {kind: decode_condition_bits([frame[f"{kind}{i}"] for i in range(len(kind_groups))], kind_groups)
               for kind, kind_groups in kinds.items()}
    flags = decoded["mask"]
    evidence = ConditionEvidence(ever=flags, undated=decoded["undated"], first_5y=decoded["first5y"],
                                 last_12m=decoded["last12m"])
    drugs = {column.removeprefix("rx_"): frame[column].to_numpy() for column in frame.columns
             if column.startswith("rx_")}
    inputs = frame.drop(columns=[f"{kind}{i}" for kind, kind_groups in kinds.items()
                                 for i in range(len(kind_groups))] + ["flags"])
    packed = frame["flags"].to_numpy(dtype=np.int64)
    for bit, name in enumerate(PATIENT_FLAGS):
        inputs[name] = (packed >> bit) & 1 == 1
    inputs["age"] = ages_on(inputs["date_of_birth"], as_of)
    scored = assess(inputs, flags, model, settings.tier3_percent, settings.tier2_percent,
                    evidence=evidence, drugs=drugs)
    scored["fingerprint"] = fingerprint(scored, model)
    had_row = scored["prev_id"].to_numpy(dtype=np.int64) != 0
    same = scored["prev_fingerprint"].to_numpy(dtype=np.int64) == scored["fingerprint"].to_numpy()
    scored["changed"] = ~(had_row & same)
    return scored


def sum_of(terms) -> ColumnElement:  # noqa: ANN001
    """``a + b + c`` from an iterable of SQL expressions."""
    return functools.reduce(operator.add, terms)


def fingerprint(scored: pd.DataFrame, model: PriorityModel) -> np.ndarray:
    """A 64-bit hash of everything an assessment says, to write only what changed."""
    hashed = pd.util.hash_pandas_object(scored.loc[:, list(FINGERPRINT_COLUMNS)], index=False).to_numpy(dtype=np.uint64)
    salt = int(pd.util.hash_array(np.array([model.label], dtype=object))[0])
    return (hashed ^ np.uint64(salt)).view(np.int64)


def _with_nones(values: list, missing: np.ndarray) -> list:
    for index in np.flatnonzero(missing).tolist():
        values[index] = None
    return values


def _nullable_ints(series: pd.Series) -> list:
    """Python ints (what the driver binds), None where missing."""
    values = pd.to_numeric(series, errors="coerce")
    return _with_nones(values.fillna(0).to_numpy(dtype=np.int64).tolist(), values.isna().to_numpy())


def _nullable_floats(series: pd.Series) -> list:
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    return _with_nones(values.tolist(), np.isnan(values))


def _nullable_objects(series: pd.Series) -> list:
    missing = (series.isna() | (series.astype(object) == "")).to_numpy()
    return _with_nones(series.tolist(), missing)


def assessment_columns(changed: pd.DataFrame) -> dict[str, list]:
    """The INSERT values for the changed rows, column by column, as plain Python values."""
    return {
        "patient_id": changed["patient_id"].astype(np.int64).tolist(),
        "practice_id": _nullable_ints(changed["practice_id"]),
        "age": changed["age"].astype(np.int64).tolist(),
        "points": changed["points"].astype(np.int64).tolist(),
        "previous_points": _nullable_ints(changed["prev_points"]),
        **{name: changed[name].astype(np.int64).tolist() for name in POINT_COLUMNS},
        "efi_deficits": _nullable_ints(changed["efi_deficits"]),
        "efi_score": _nullable_floats(changed["efi_score"]),
        "efi_category": _nullable_objects(changed["efi_category"]),
        "efi_deficit_mask": _nullable_ints(changed["efi_deficit_mask"]),
        "frailty_level": _nullable_objects(changed["frailty_level"]),
        "cms_score": _nullable_floats(changed["cms_score"]),
        "cms_condition_mask": _nullable_ints(changed["cms_condition_mask"]),
        "emergency_admissions": _nullable_ints(changed["emergency_admissions_12m"]),
        "ae_attendances": _nullable_ints(changed["ae_attendances_12m"]),
        "medication_count": _nullable_ints(changed["medication_count"]),
        "tier": _nullable_ints(changed["tier"]),
        "pinned_reason": _nullable_objects(changed["pinned_reason"]),
        "reasons": changed["reasons"].tolist(),
        "rank_key": changed["rank_key"].astype(np.int64).tolist(),
        "fingerprint": changed["fingerprint"].astype(np.int64).tolist(),
    }


def write_assessments(session: Session, scored: pd.DataFrame, model: PriorityModel, run: RiskRun) -> int:
    """Supersede and insert the changed rows; returns how many were written."""
    changed = scored.loc[scored["changed"].to_numpy()]
    superseded = [old for old in changed["prev_id"].astype(np.int64).tolist() if old]
    table = RiskAssessment.__table__
    constants = {"run_id": run.id, "assessed_on": run.assessed_on, "model_id": model.id,
                 "model_version": model.version, "is_latest": True}
    written = 0
    with indexes_rebuilt_if_worthwhile(session, table, len(changed) + len(superseded)):
        set_column_by_id(session, table, "is_latest", False, superseded)
        for start in range(0, len(changed), CHUNK_ROWS):
            chunk = changed.iloc[start:start + CHUNK_ROWS]
            written += insert_columns(session, table, assessment_columns(chunk), constants)
    analyze_after_load(session, ("risk_assessment",), written)
    return written


def save_run(session: Session, actor: Actor, scored: pd.DataFrame, model: PriorityModel,
             settings: TierSettings, as_of: date, started: float) -> RiskRun:
    """Record the run, write the changed assessments and audit it, in the caller's transaction."""
    counts = tier_counts(scored["tier"].fillna(0).to_numpy(dtype=np.int64))
    run = RiskRun(assessed_on=as_of, user_name=actor.name, model_id=model.id,
                  model_version=model.version, tier3_percent=settings.tier3_percent,
                  tier2_percent=settings.tier2_percent, assessed=len(scored),
                  adults=int(scored["tier"].notna().sum()), changed=0,
                  tier1=counts["1"], tier2=counts["2"], tier3=counts["3"])
    session.add(run)
    session.flush()
    run.changed = write_assessments(session, scored, model, run)
    run.duration_s = round(time.perf_counter() - started, 3)
    audit.record(session, actor, "risk.stratify", entity="risk_run", entity_id=run.id,
                 summary=f"{len(scored)} assessed with {model.label}, {run.changed} changed; "
                         f"tier 3 {counts['3']}, tier 2 {counts['2']}, tier 1 {counts['1']}")
    return run


@requires(RISK_RUN)
def stratify_steps(db: Database, actor: Actor, *, as_of: date | None = None,
                   model: PriorityModel | None = None) -> Iterator[tuple[int, int, str]]:
    """Stratify everyone registered; yields progress and returns a ``StratifyResult``."""
    started = time.perf_counter()
    as_of = as_of or clock.today()
    model = model or load_model()
    yield 0, STEPS, "Reading patients"
    with db.transaction() as session:
        settings = read_tier_settings(session)
        frame = read_population(session, as_of)
        yield 1, STEPS, f"Scoring {len(frame):,} people"
        scored = score_population(frame, model, settings, as_of)
        del frame  # the scored frame carries what is needed: free the raw read before writing
        yield 2, STEPS, "Saving assessments"
        run = save_run(session, actor, scored, model, settings, as_of, started)
        yield 3, STEPS, "Committing"
    duration = time.perf_counter() - started
    yield STEPS, STEPS, "Done"
    return StratifyResult(run_id=run.id, assessed=run.assessed, changed=run.changed,
                          tiers={"1": run.tier1, "2": run.tier2, "3": run.tier3},
                          model=model.label, assessed_on=as_of, duration_s=duration)


@requires(RISK_RUN)
def stratify_progress(db: Database, actor: Actor, *, as_of: date | None = None) -> Iterator[tuple[int, int, str]]:
    """The GUI's entry point: a generator for ``gui.tasks.run_task``."""
    return stratify_steps(db, actor, as_of=as_of)


@requires(RISK_RUN)
def stratify(db: Database, actor: Actor, *, as_of: date | None = None) -> StratifyResult:
    """Stratify now and return the result (the CLI, hooks and benchmarks call this)."""
    steps = stratify_steps(db, actor, as_of=as_of)
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value
