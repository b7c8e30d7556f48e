"""Import coded events: ``nhs_number, code, date[, value, unit]``, one SNOMED CT event a row,
and prescriptions: ``nhs_number, dm+d code, issue date[, BNF code, issue type, drug]``.

Every valid event is kept in ``patient_measure`` (importing the same file again adds
nothing). Codes in ``resources/codelists/`` then set the patient's conditions (source
``event``, with the first and the latest event's dates), patient flags such as
housebound, and the clinician-coded frailty category (the latest event wins). Codes in
no list are counted and reported, not errors: a search report carries many codes we do
not use. Prescription rows (see ``medications``) go to ``patient_medication`` instead.

Counts: ``inserted`` = new events stored, ``unchanged`` = events already stored,
``updated`` = patients whose conditions or flags the events changed.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Generator
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from pcn_assistant.core import clock
from pcn_assistant.core.codelists import FRAILTY_KEYS, codelists
from pcn_assistant.core.plain_names import plural
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import hooks
from pcn_assistant.services.patient_import import bulk, medications
from pcn_assistant.services.patient_import import mapping as maps
from pcn_assistant.services.patient_import.service import (
    DEFAULT_OPTIONS,
    TOTAL,
    ImportOptions,
    ImportResult,
    Progress,
    StrictRefusal,
    _finish_batch,
    _open_batch,
    _read_and_map,
    listed_errors,
    run_to_end,
)
from pcn_assistant.services.patient_import.validate import Checked, check_table
from pcn_assistant.services.security import IMPORTS_RUN, Actor, requires
from pcn_assistant.store.base import utcnow
from pcn_assistant.store.engine import Database

CHUNK = 20_000


@requires(IMPORTS_RUN)
def import_events_steps(
    db: Database, actor: Actor, path: str | Path, options: ImportOptions = DEFAULT_OPTIONS,
) -> Generator[Progress, None, ImportResult]:
    return _run_events(db, actor, path, options)


@requires(IMPORTS_RUN)
def import_events(db: Database, actor: Actor, path: str | Path, options: ImportOptions = DEFAULT_OPTIONS) -> ImportResult:
    return run_to_end(_run_events(db, actor, path, options))


def _run_events(db: Database, actor: Actor, path: str | Path, options: ImportOptions) -> Generator[Progress, None, ImportResult]:
    started = time.perf_counter()
    started_at = utcnow()
    today = options.today or clock.today()
    yield 0, TOTAL, "Reading the file"
    table, mapping = _read_and_map(db, actor, "events", path, options)
    maps.check_mapping("events", mapping)
    if table.rows_read == 0:
        raise InvalidInput(f"{table.file_name} has a header row but no event rows")
    result = ImportResult("events", table.file_name, table.sha256, rows_read=table.rows_read)
    yield 10, TOTAL, f"Checking {table.rows_read:,} events"
    checked = check_table("events", table, mapping, today)
    medications.check_prescription_columns(checked, table, mapping)
    entries = codelists()

    with db.transaction() as session:
        patient_ids = _known_patients(session, checked)
        result.errors, result.errors_not_listed = listed_errors(checked, table.columns)
        result.rejected = int(checked.invalid.sum())
        if options.strict and result.rejected:
            raise StrictRefusal(result)
        batch = _open_batch(session, actor, "events", table, started_at, mapping, options)
        valid = np.flatnonzero(~checked.invalid)
        codes_all = checked.values["code"]
        is_rx = medications.prescription_rows(codes_all[valid], checked.values["bnf_code"][valid],
                                              checked.values["issue_type"][valid])
        rx_rows, valid = valid[is_rx], valid[~is_rx]
        terms = checked.values["term"] if "term" in checked.values else np.full(checked.rows, None, dtype=object)
        prescriptions = medications.prescriptions_frame(
            patient_ids[rx_rows], codes_all[rx_rows], checked.values["date"][rx_rows],
            checked.values["bnf_code"][rx_rows], checked.values["issue_type"][rx_rows], terms[rx_rows])
        events = pd.DataFrame({
            "patient_id": patient_ids[valid],
            "code": checked.values["code"][valid],
            "recorded_on": checked.values["date"][valid],
            "value": checked.values["value"][valid] if "value" in checked.values else None,
            "unit": checked.values["unit"][valid] if "unit" in checked.values else None,
        })
        codes = Counter(events["code"].tolist())
        result.unknown_codes = {code: n for code, n in sorted(codes.items()) if code not in entries}
        yield 30, TOTAL, "Comparing with events already stored"
        fresh = _new_events(session, events)
        fresh_rx = medications.new_prescriptions(session, prescriptions)
        result.inserted = len(fresh) + len(fresh_rx)
        result.unchanged = len(events) - len(fresh) + len(prescriptions) - len(fresh_rx)
        medications.store_prescriptions(session, fresh_rx)
        rows = [(int(p), c, bulk.stored_date(session, d), v, u) for p, c, d, v, u in fresh.itertuples(index=False)]
        for start in range(0, len(rows), CHUNK):
            yield 40 + int(40 * start / max(len(rows), 1)), TOTAL, f"Storing events {start + 1:,}-{min(start + CHUNK, len(rows)):,}"
            bulk.execute_many(session, bulk.insert_sql(
                "patient_measure", ["patient_id", "code", "recorded_on", "value", "unit"]), rows[start:start + CHUNK])
        yield 85, TOTAL, "Updating conditions"
        changes = _apply_codes(session, events, entries)
        for pid, issued in fresh_rx["patient_id"].astype(np.int64).value_counts().sort_index().items():
            changes.setdefault(int(pid), {})["prescriptions"] = int(issued)
        result.updated = len(changes)
        bulk.execute_many(session, bulk.insert_sql("import_change", ["batch_id", "patient_id", "action", "changes"]),
                          [(batch.id, pid, "updated", json.dumps(c, default=str)) for pid, c in changes.items()])
        yield 92, TOTAL, "Keeping rejected rows"
        _finish_batch(session, actor, batch, table, checked, result, started, mapping, options)
        if len(prescriptions):
            result.message += (f" {len(prescriptions):,} row(s) were prescriptions "
                               f"({len(fresh_rx):,} new), kept for the medicine rules.")
            batch.details = {**(batch.details or {}), "message": result.message}
        if result.unknown_codes:
            count = sum(result.unknown_codes.values())
            result.message += (f" {plural(count, 'event')} had {plural(len(result.unknown_codes), 'code')} in no code list; "
                               "they are stored but set no condition.")
            batch.details = {**(batch.details or {}), "message": result.message}
    if options.notify:
        # Stratify etc. The import marked this work owed, so a process killed here is finished later.
        hooks.patient_data_changed(db, actor, only_if_owed=True)
    result.duration_s = time.perf_counter() - started
    return result


def _known_patients(session: Session, checked: Checked) -> np.ndarray:
    """Patient id per row; an NHS number not on the register is a row error."""
    numbers = checked.values["nhs_number"]
    wanted = sorted({n for n in numbers.tolist() if n})
    known = dict(bulk.select_in(session, "SELECT nhs_number, id FROM patient WHERE nhs_number IN ({in})", wanted))
    ids = np.array([known.get(n, 0) if n else 0 for n in numbers.tolist()], dtype=np.int64)
    missing = np.array([bool(n) and n not in known for n in numbers.tolist()], dtype=bool)
    checked.add_errors("nhs_number", missing, numbers, "No patient with this NHS number is on the register: "
                       "import the patient register first")
    return ids


def _new_events(session: Session, events: pd.DataFrame) -> pd.DataFrame:
    """Events not already stored (and each only once, however often the file repeats it)."""
    key = ["patient_id", "code", "recorded_on", "value", "unit"]
    unique = events.drop_duplicates(key)
    if unique.empty:
        return unique
    stored = bulk.select_in(
        session, "SELECT patient_id, code, recorded_on, value, unit FROM patient_measure WHERE patient_id IN ({in})",
        sorted(set(unique["patient_id"].tolist())))
    seen = {(int(p), str(c), d if d is None or isinstance(d, str) else d.isoformat(),
             None if v is None else float(v), u) for p, c, d, v, u in stored}
    fresh = [(int(p), c, d, v, u) not in seen for p, c, d, v, u in unique.itertuples(index=False)]
    return unique[np.array(fresh, dtype=bool)]


def _apply_codes(session: Session, events: pd.DataFrame, entries: dict) -> dict[int, dict]:
    """Conditions, flags and frailty from coded events; returns each changed patient's changes."""
    changes: dict[int, dict] = {}
    coded = events[events["code"].isin(list(entries))].copy()
    if coded.empty:
        return changes
    coded["key"] = [entries[c].key for c in coded["code"].tolist()]
    coded["kind"] = ["condition" if entries[c].is_condition else "flag" if entries[c].patient_flag
                     else "frailty" for c in coded["code"].tolist()]
    pids = sorted(set(coded["patient_id"].tolist()))

    conditions = (coded[coded["kind"] == "condition"].groupby(["patient_id", "key"], as_index=False)["recorded_on"]
                  .agg(first="min", last="max"))
    if len(conditions):
        def iso(d: object) -> str | None:
            return d if d is None or isinstance(d, str) else d.isoformat()

        existing = {(p, k): (i, iso(d), iso(latest))
                    for i, p, k, d, latest in bulk.select_in(
                        session, "SELECT id, patient_id, condition_key, recorded_on, last_recorded_on "
                        "FROM patient_condition WHERE patient_id IN ({in})", pids)}
        inserts, redates = [], []
        for pid, key, first, last in conditions.itertuples(index=False):
            found = existing.get((pid, key))
            if found is None:
                inserts.append((int(pid), key, "event", bulk.stored_date(session, first),
                                bulk.stored_date(session, last)))
                changes.setdefault(int(pid), {}).setdefault("conditions", {}).setdefault("added", []).append(key)
                continue
            _id, stored_first, stored_last = found
            new_first = first if stored_first is None or stored_first > first else stored_first
            new_last = max(d for d in (last, stored_last, stored_first) if d is not None)
            if (new_first, new_last) != (stored_first, stored_last):
                redates.append((bulk.stored_date(session, new_first), bulk.stored_date(session, new_last), found[0]))
                if new_first != stored_first:
                    changes.setdefault(int(pid), {}).setdefault("conditions", {}).setdefault("dated", []).append(key)
        bulk.execute_many(session, bulk.insert_sql(
            "patient_condition", ["patient_id", "condition_key", "source", "recorded_on", "last_recorded_on"]), inserts)
        bulk.execute_many(session, "UPDATE patient_condition SET recorded_on = {}, last_recorded_on = {} "
                          "WHERE id = {}", redates)

    now = bulk.stored_timestamp(session, utcnow())
    flags = coded[coded["kind"] == "flag"].drop_duplicates(["patient_id", "key"])
    for key, group in flags.groupby("key"):
        ids = sorted(set(group["patient_id"].tolist()))
        current = dict(bulk.select_in(session, f"SELECT id, {key} FROM patient WHERE id IN ({{in}})", ids))
        to_set = [pid for pid in ids if not current.get(pid)]
        bulk.execute_many(session, f"UPDATE patient SET {key} = {{}}, updated_at = {{}} WHERE id = {{}}",
                          [(True, now, pid) for pid in to_set])
        for pid in to_set:
            changes.setdefault(int(pid), {})[key] = [None if current.get(pid) is None else bool(current[pid]), True]

    frailty = coded[coded["kind"] == "frailty"].sort_values(["patient_id", "recorded_on"])
    if len(frailty):
        latest = frailty.drop_duplicates("patient_id", keep="last")
        ids = latest["patient_id"].tolist()
        current = dict(bulk.select_in(session, "SELECT id, frailty_coded FROM patient WHERE id IN ({in})", ids))
        updates = []
        for pid, key in zip(ids, latest["key"].tolist(), strict=True):
            category = FRAILTY_KEYS[key]
            if current.get(pid) != category:
                updates.append((category, now, int(pid)))
                changes.setdefault(int(pid), {})["frailty_coded"] = [current.get(pid), category]
        bulk.execute_many(session, "UPDATE patient SET frailty_coded = {}, updated_at = {} WHERE id = {}", updates)
    return changes

