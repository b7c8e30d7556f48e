"""Write checked patient rows: insert or update by NHS number, and keep the history.

Works set-at-a-time inside the caller's transaction: load the existing records for
the file's NHS numbers, compare column by column with numpy, then insert the new
ones, update only the changed ones and leave the unchanged alone, so importing the
same file twice writes no patient row at all. Each change is kept in
``import_change`` with the old and new value of every field that changed.

A generator: it yields ``(done, total, label)`` between chunks, so the GUI shows
progress and Cancel (which closes the generator) rolls the whole transaction back.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from pcn_assistant.services.analyze import analyze_after_load
from pcn_assistant.services.patient_import import bulk
from pcn_assistant.store.base import utcnow

Progress = tuple[int, int, str]
CHUNK = 10_000

DATE_COLUMNS = frozenset({"date_of_birth"})
BOOL_COLUMNS = frozenset({
    "lives_alone", "is_carer", "has_carer", "housebound", "care_home", "palliative_care", "learning_disability",
})
INT_COLUMNS = frozenset({"imd_decile", "ae_attendances_12m", "emergency_admissions_12m", "medication_count"})


@dataclass
class PatientRows:
    """Valid rows, ready to store: values in storage form (ISO dates, bools, ints, text)."""

    nhs: np.ndarray
    practice_ids: np.ndarray
    columns: dict[str, np.ndarray]  # patient column -> values
    conditions: dict[str, tuple[np.ndarray, np.ndarray]]  # key -> (present, ISO date or None)
    file_nhs: set[str] = field(default_factory=set)  # every NHS number in the file, valid or not
    full_list_practices: set[int] = field(default_factory=set)


@dataclass
class WriteStats:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    left: int = 0
    returned: int = 0


def _normalise_stored(column: str, values: list) -> np.ndarray:
    """Existing values as the import holds them, whichever backend returned them."""
    array = np.empty(len(values), dtype=object)
    if column in DATE_COLUMNS:
        array[:] = [None if bulk.is_missing(v) else v if isinstance(v, str) else v.isoformat() for v in values]
    elif column in BOOL_COLUMNS:
        array[:] = [None if v is None else bool(v) for v in values]
    elif column in INT_COLUMNS:
        array[:] = [None if v is None else int(v) for v in values]
    else:
        array[:] = values
    return array


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


def write_patients(
    session: Session, rows: PatientRows, batch_id: int, today: date,
) -> Generator[Progress, None, WriteStats]:
    stats = WriteStats()
    now = bulk.stored_timestamp(session, utcnow())
    columns = list(rows.columns)
    n = len(rows.nhs)
    total_steps = 6
    yield 0, total_steps, "Comparing with the register"

    select_columns = ", ".join(["id", "nhs_number", "practice_id", "registration_status", *columns])
    existing = bulk.select_in(
        session, f"SELECT {select_columns} FROM patient WHERE nhs_number IN ({{in}})", rows.nhs.tolist())
    old_ids = np.array([r[0] for r in existing], dtype=np.int64)
    position = pd.Index(rows.nhs).get_indexer([r[1] for r in existing])
    is_new = np.ones(n, dtype=bool)
    is_new[position] = False

    # Which fields changed, for each existing patient (row i of `existing`).
    diffs: dict[str, np.ndarray] = {}
    old_values: dict[str, np.ndarray] = {}
    for offset, column in enumerate(["practice_id", *columns]):
        if column == "practice_id":
            old = np.array([r[2] for r in existing], dtype=object)
            new = rows.practice_ids[position].astype(object)
        else:
            old = _normalise_stored(column, [r[3 + offset] for r in existing])
            new = rows.columns[column][position]
        differs = ~np.asarray(old == new, dtype=bool) if len(old) else np.zeros(0, dtype=bool)
        if differs.any():
            diffs[column] = differs
            old_values[column] = old
    returning = np.array([r[3] == "left" for r in existing], dtype=bool)

    yield 1, total_steps, "Comparing conditions"
    cond_changes, cond_plan = _plan_conditions(session, rows, position, old_ids, is_new)
    changed = returning.copy()
    for differs in diffs.values():
        changed |= differs
    changed_ids = set(old_ids[changed].tolist()) | set(cond_changes)
    changed = np.isin(old_ids, list(changed_ids)) if changed_ids else np.zeros(len(old_ids), dtype=bool)

    # Insert the new patients, a chunk at a time.
    new_index = np.flatnonzero(is_new)
    new_index = new_index[np.argsort(rows.nhs[new_index].astype(str), kind="stable")]  # unique index fills in order
    if len(new_index):
        insert_columns = ["nhs_number", "practice_id", "registration_status", *columns, "created_at", "updated_at"]
        stored = [_for_storage(session, c, rows.columns[c][new_index]) for c in columns]
        tuples = list(zip(rows.nhs[new_index].tolist(), rows.practice_ids[new_index].tolist(),
                          ["registered"] * len(new_index), *stored, [now] * len(new_index),
                          [now] * len(new_index), strict=True))
        max_before = int(bulk.scalar(session, "SELECT max(id) FROM patient") or 0)
        with bulk.bulk_load(session, "patient", len(tuples)):
            for start in range(0, len(tuples), CHUNK):
                yield 2, total_steps, f"Adding patients {start + 1:,}-{min(start + CHUNK, len(tuples)):,} of {len(tuples):,}"
                bulk.insert_rows(session, "patient", insert_columns, tuples[start:start + CHUNK])
        added = dict(bulk.fetch_all(session, f"SELECT nhs_number, id FROM patient WHERE id > {int(max_before)}"))
        new_ids = np.array([added[nhs] for nhs in rows.nhs[new_index].tolist()], dtype=np.int64)
        stats.inserted = len(new_index)
    else:
        new_ids = np.zeros(0, dtype=np.int64)
        max_before = None

    yield 3, total_steps, "Updating changed patients"
    changed_rows = np.flatnonzero(changed)
    if len(changed_rows):
        set_columns = ["practice_id", *columns, "updated_at"]
        sql = f"UPDATE patient SET {', '.join(c + ' = {}' for c in set_columns)} WHERE id = {{}}"
        positions = position[changed_rows]
        stored = [_for_storage(session, c, rows.columns[c][positions]) for c in columns]
        tuples = list(zip(rows.practice_ids[positions].tolist(), *stored, [now] * len(positions),
                          old_ids[changed_rows].tolist(), strict=True))
        bulk.execute_many(session, sql, tuples)
        _move_assessments(session, rows, position, old_ids, diffs.get("practice_id"))
        returned_ids = old_ids[returning].tolist()
        if returned_ids:
            bulk.execute_many(
                session, "UPDATE patient SET registration_status = 'registered', left_practice_date = NULL WHERE id = {}",
                [(i,) for i in returned_ids])
    stats.updated = int(changed.sum())
    stats.unchanged = len(old_ids) - stats.updated
    stats.returned = int(returning.sum())

    yield 4, total_steps, "Recording conditions"
    _write_conditions(session, rows, cond_plan, new_index, new_ids)

    left_ids = _mark_left(session, rows, today) if rows.full_list_practices else []
    stats.left = len(left_ids)

    yield 5, total_steps, "Keeping the history of changes"
    if max_before is not None:  # one INSERT ... SELECT, in id order (the order they were added)
        bulk.execute_many(session, "INSERT INTO import_change (batch_id, patient_id, action, changes) "
                          "SELECT {}, id, 'added', NULL FROM patient WHERE id > {} ORDER BY id",
                          [(int(batch_id), max_before)])
    history: list[tuple] = []
    for i in changed_rows.tolist():
        pid = int(old_ids[i])
        record = {c: [old_values[c][i], rows.practice_ids[position[i]].item() if c == "practice_id"
                      else rows.columns[c][position[i]]] for c in diffs if diffs[c][i]}
        if returning[i]:
            record["registration_status"] = ["left", "registered"]
        if pid in cond_changes:
            record["conditions"] = cond_changes[pid]
        history.append((batch_id, pid, "returned" if returning[i] else "updated", _json(record)))
    history.extend((batch_id, pid, "left", None) for pid in left_ids)
    bulk.insert_rows(session, "import_change", ["batch_id", "patient_id", "action", "changes"], history)
    analyze_after_load(session, ("patient",), stats.inserted + stats.updated)
    return stats


def _move_assessments(session: Session, rows: PatientRows, position: np.ndarray, old_ids: np.ndarray,
                      moved: np.ndarray | None) -> None:
    """People who changed practice: their latest risk assessment's copy of the practice
    follows them (the tier 3 worklist reads it; see migration 0014)."""
    if moved is None or not moved.any():
        return
    at = np.flatnonzero(moved)
    bulk.execute_many(session, "UPDATE risk_assessment SET practice_id = {} WHERE patient_id = {}",
                      list(zip(rows.practice_ids[position[at]].tolist(), old_ids[at].tolist(), strict=True)))


def _for_storage(session: Session, column: str, values: np.ndarray) -> list:
    if column in DATE_COLUMNS and not bulk.is_sqlite(session):
        return [bulk.stored_date(session, v) for v in values.tolist()]
    return values.tolist()


@dataclass
class _ConditionPlan:
    insert_existing: pd.DataFrame
    delete_ids: list[int]
    redate: list[tuple[object, int]]


def _desired_conditions(rows: PatientRows, index: np.ndarray, patient_ids: np.ndarray) -> pd.DataFrame:
    """(patient_id, condition_key, recorded_on) for every flag present in rows ``index``."""
    parts = []
    for key, (present, dates) in rows.conditions.items():
        hit = np.flatnonzero(present[index])
        if len(hit):
            parts.append(pd.DataFrame({
                "patient_id": patient_ids[hit], "condition_key": key,
                "recorded_on": dates[index[hit]] if dates is not None else None,
            }))
    if not parts:
        return pd.DataFrame({"patient_id": pd.Series(dtype=np.int64), "condition_key": pd.Series(dtype=object),
                             "recorded_on": pd.Series(dtype=object)})
    return pd.concat(parts, ignore_index=True)


def _plan_conditions(
    session: Session, rows: PatientRows, position: np.ndarray, old_ids: np.ndarray, is_new: np.ndarray,
) -> tuple[dict[int, dict[str, list[str]]], _ConditionPlan]:
    """What to add, remove or re-date for existing patients, and each patient's change."""
    empty = _ConditionPlan(_desired_conditions(rows, np.zeros(0, dtype=np.int64), old_ids), [], [])
    if not rows.conditions or not len(old_ids):
        return {}, empty
    desired = _desired_conditions(rows, position, old_ids)
    keys = list(rows.conditions)
    found = bulk.select_in(
        session, "SELECT id, patient_id, condition_key, source, recorded_on FROM patient_condition "
        "WHERE patient_id IN ({in})", old_ids.tolist())
    current = pd.DataFrame(found, columns=["id", "patient_id", "condition_key", "source", "recorded_on"])
    current = current[current["condition_key"].isin(keys)]
    current["recorded_on"] = _normalise_stored("date_of_birth", current["recorded_on"].tolist())
    merged = desired.merge(current, on=["patient_id", "condition_key"], how="outer",
                           suffixes=("_new", "_old"), indicator=True)
    to_add = merged[merged["_merge"] == "left_only"]
    to_remove = merged[(merged["_merge"] == "right_only") & (merged["source"] == "flag")]
    both = merged[merged["_merge"] == "both"]
    redate = both[(both["source"] == "flag") & both["recorded_on_new"].notna()
                  & (both["recorded_on_new"] != both["recorded_on_old"])]
    changes: dict[int, dict[str, list[str]]] = {}
    for pid, key in zip(to_add["patient_id"].tolist(), to_add["condition_key"].tolist(), strict=True):
        changes.setdefault(int(pid), {}).setdefault("added", []).append(key)
    for pid, key in zip(to_remove["patient_id"].tolist(), to_remove["condition_key"].tolist(), strict=True):
        changes.setdefault(int(pid), {}).setdefault("removed", []).append(key)
    for pid, key in zip(redate["patient_id"].tolist(), redate["condition_key"].tolist(), strict=True):
        changes.setdefault(int(pid), {}).setdefault("redated", []).append(key)
    plan = _ConditionPlan(
        insert_existing=to_add[["patient_id", "condition_key", "recorded_on_new"]].rename(
            columns={"recorded_on_new": "recorded_on"}),
        delete_ids=[int(i) for i in to_remove["id"].tolist()],
        redate=[(d, int(i)) for d, i in zip(redate["recorded_on_new"].tolist(), redate["id"].tolist(), strict=True)],
    )
    return changes, plan


def _write_conditions(
    session: Session, rows: PatientRows, plan: _ConditionPlan, new_index: np.ndarray, new_ids: np.ndarray,
) -> None:
    if not rows.conditions:
        return
    fresh = _desired_conditions(rows, new_index, new_ids)
    adding = pd.concat([fresh, plan.insert_existing], ignore_index=True) if len(plan.insert_existing) else fresh
    if len(adding):
        adding = adding.sort_values(["patient_id", "condition_key"], kind="stable")  # index order: appends
        dates = [bulk.stored_date(session, d) for d in adding["recorded_on"].tolist()]
        tuples = list(zip(adding["patient_id"].astype(int).tolist(), adding["condition_key"].tolist(),
                          ["flag"] * len(adding), dates, strict=True))
        with bulk.bulk_load(session, "patient_condition", len(tuples)):
            bulk.insert_rows(session, "patient_condition", ["patient_id", "condition_key", "source", "recorded_on"],
                             tuples)
    bulk.execute_many(session, "DELETE FROM patient_condition WHERE id = {}", [(i,) for i in plan.delete_ids])
    bulk.execute_many(session, "UPDATE patient_condition SET recorded_on = {} WHERE id = {}",
                      [(bulk.stored_date(session, d), i) for d, i in plan.redate])


def _mark_left(session: Session, rows: PatientRows, today: date) -> list[int]:
    """Registered patients of the full-list practices who are not in the file: left, never deleted."""
    practices = sorted(rows.full_list_practices)
    registered = bulk.select_in(
        session, "SELECT id, nhs_number FROM patient WHERE registration_status = 'registered' "
        "AND practice_id IN ({in})", practices)
    leaving = [pid for pid, nhs in registered if nhs not in rows.file_nhs]
    if leaving:
        now = bulk.stored_timestamp(session, utcnow())
        bulk.execute_many(
            session, "UPDATE patient SET registration_status = 'left', left_practice_date = {}, updated_at = {} "
            "WHERE id = {}", [(bulk.stored_date(session, today), now, pid) for pid in leaving])
    return leaving
