"""Import the patient register: read, map, check, write, all in one transaction.

``import_patients_steps`` is a generator yielding ``(done, total, label)`` and returning
an ``ImportResult``; the GUI runs it with a progress bar and Cancel, and
``import_patients`` runs it to the end for the CLI and benchmarks. The demo goes
through ``import_patient_frame``: the same checks and writer, from a frame.

Exit codes follow ``errors``: ``InvalidInput`` (3) when the file is unusable,
``StrictRefusal`` (4) when ``strict`` meets an invalid row; either way nothing changes.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from pcn_assistant.core import clock, ods
from pcn_assistant.core.extract_values import cell_text
from pcn_assistant.errors import ImportRefused, InvalidInput
from pcn_assistant.services import audit, hooks
from pcn_assistant.services.patient_import import mapping as maps
from pcn_assistant.services.patient_import.fields import CONDITION, field_index
from pcn_assistant.services.patient_import.readers import SourceTable, read_table
from pcn_assistant.services.patient_import.validate import (
    Checked,
    RowError,
    all_nhs_numbers,
    check_table,
    clip,
)
from pcn_assistant.services.patient_import.writer import PatientRows, write_patients
from pcn_assistant.services.security import IMPORTS_RUN, Actor, requires
from pcn_assistant.store.base import utcnow
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import ImportBatch, ImportRejectedRow, Pcn, Practice

Progress = tuple[int, int, str]
TOTAL = 100
MAX_STORED_REJECTED = 10_000  # rejected rows kept whole per import; the rest are counted
MAX_LISTED_ERRORS = 10_000  # problems listed in a report (CLI --json, the GUI's table)


@dataclass(frozen=True)
class ImportOptions:
    practice: str | None = None  # ODS code for a file without a practice column
    create_practices: bool = False
    mapping: Mapping[str, str] | None = None  # source column -> field key ("" = ignore)
    profile: str | None = None  # a saved mapping's name
    save_profile: str | None = None  # save the mapping used under this name
    full_list: bool = False
    strict: bool = False
    today: date | None = None
    notify: bool = True  # run the after-import hooks (risk stratification)


DEFAULT_OPTIONS = ImportOptions()


@dataclass
class ImportResult:
    kind: str
    file: str
    sha256: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    left: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_not_listed: int = 0  # problems beyond MAX_LISTED_ERRORS
    rejected_not_kept: int = 0  # rejected rows beyond MAX_STORED_REJECTED (counted, not stored)
    duration_s: float = 0.0
    batch_id: int | None = None
    status: str = "committed"
    message: str = ""
    practices_created: list[str] = field(default_factory=list)
    unknown_codes: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.left)

    def to_json(self) -> dict:
        payload = {
            "file": self.file, "sha256": self.sha256, "rows_read": self.rows_read, "inserted": self.inserted,
            "updated": self.updated, "unchanged": self.unchanged, "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors], "duration_s": round(self.duration_s, 3),
        }
        if self.errors_not_listed:
            payload["errors_not_listed"] = self.errors_not_listed
        if self.kind == "patients":
            payload["left"] = self.left
        else:
            payload["unknown_codes"] = dict(self.unknown_codes)
        return payload

    def summary(self) -> str:
        parts = [f"{self.rows_read:,} rows read", f"{self.inserted:,} added", f"{self.updated:,} updated",
                 f"{self.unchanged:,} unchanged", f"{self.rejected:,} rejected"]
        if self.left:
            parts.append(f"{self.left:,} marked as left")
        return ", ".join(parts)


class StrictRefusal(ImportRefused):
    """``strict`` met invalid rows: nothing was written; ``result`` lists the problems."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__(
            f"Strict import refused {result.file}: {result.rejected:,} of {result.rows_read:,} rows are "
            f"invalid (first: row {result.errors[0].row}, {result.errors[0].message}); nothing was imported")
        self.result = result


@dataclass
class FilePreview:
    """What the mapping dialog shows before anything is written."""

    table: SourceTable
    mapping: dict[str, str]
    profiles: list[maps.ProfileInfo]  # saved mappings that fit this file, best first
    profile: str | None  # the one applied to ``mapping``, if any


# --- entry points ----------------------------------------------------------------------------

@requires(IMPORTS_RUN)
def inspect_file(db: Database, actor: Actor, path: str | Path, kind: str = "patients") -> FilePreview:
    """Read the header and first rows, and suggest a mapping (a fitting saved one first)."""
    profiles = maps.list_profiles(db, actor, kind)
    table = read_table(path, maps.known_header_names(kind, profiles), preview_rows=20)
    fitting = maps.profiles_for_columns(profiles, table.columns)
    if fitting:
        return FilePreview(table, maps.apply_profile(kind, table.columns, fitting[0].mapping), fitting, fitting[0].name)
    return FilePreview(table, maps.suggest_mapping(kind, table.columns), [], None)


@requires(IMPORTS_RUN)
def unknown_practices(db: Database, actor: Actor, path: str | Path, options: ImportOptions = ImportOptions()) -> list[str]:
    """ODS codes the file names that are not yet practices here (the GUI asks before importing)."""
    table, mapping = _read_and_map(db, actor, "patients", path, options)
    column = next((c for c, k in mapping.items() if k == "practice_code"), None)
    codes = set() if column is None else {cell_text(v).strip().upper() for v in table.frame[column].tolist()}
    if options.practice:
        codes.add(ods.normalise(options.practice))
    codes = {c for c in codes if ods.is_practice_code(c)}
    with db.session() as session:
        known = set(session.execute(select(Practice.ods_code)).scalars())
    return sorted(codes - known)


@requires(IMPORTS_RUN)
def import_patients_steps(
    db: Database, actor: Actor, path: str | Path, options: ImportOptions = ImportOptions(),
) -> Generator[Progress, None, ImportResult]:
    """Import a patient extract, yielding progress; Cancel (``close()``) changes nothing."""
    return _run_patients(db, actor, lambda: _read_and_map(db, actor, "patients", path, options), options)


@requires(IMPORTS_RUN)
def import_patients(db: Database, actor: Actor, path: str | Path, options: ImportOptions = ImportOptions()) -> ImportResult:
    return run_to_end(_run_patients(db, actor, lambda: _read_and_map(db, actor, "patients", path, options), options))


@requires(IMPORTS_RUN)
def import_patient_frame(
    db: Database, actor: Actor, frame: pd.DataFrame, options: ImportOptions = ImportOptions(), *,
    source_name: str = "frame",
) -> ImportResult:
    """Import a frame whose columns are canonical field keys (the demo population):
    the same checks and writer as a file, so both store patients the same way."""
    table = frame_table(frame, source_name)
    mapping = options.mapping or maps.suggest_mapping("patients", table.columns)
    return run_to_end(_run_patients(db, actor, lambda: (table, dict(mapping)), options))


def run_to_end(steps: Generator[Progress, None, ImportResult]) -> ImportResult:
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value


# --- reading ---------------------------------------------------------------------------------

def _read_and_map(
    db: Database, actor: Actor, kind: str, path: str | Path, options: ImportOptions,
) -> tuple[SourceTable, dict[str, str]]:
    profiles = maps.list_profiles(db, actor, kind)
    chosen = next((p for p in profiles if p.name == options.profile), None) if options.profile else None
    if options.profile and chosen is None:
        with db.session() as session:
            maps.load_profile(session, options.profile, kind)  # raises, naming the saved ones
    table = read_table(path, maps.known_header_names(kind, profiles))
    if options.mapping is not None:
        unknown = [c for c in options.mapping if c not in table.columns]
        if unknown:
            raise InvalidInput(f"The mapping names column(s) not in the file: {', '.join(unknown)}")
        mapping = {c: options.mapping.get(c, maps.IGNORE) for c in table.columns}
    elif chosen is not None:
        mapping = maps.apply_profile(kind, table.columns, chosen.mapping)
    else:
        mapping = maps.suggest_mapping(kind, table.columns)
        try:
            maps.check_mapping(kind, mapping, default_practice=options.practice)
        except InvalidInput as error:
            fitting = maps.profiles_for_columns(profiles, table.columns)
            if fitting:
                raise InvalidInput(f"{error}; a saved mapping fits this file: use --mapping "
                                   f"'{fitting[0].name}'") from None
            raise
    return table, mapping


def frame_table(frame: pd.DataFrame, source_name: str) -> SourceTable:
    """A typed frame as the text a file would hold: Y/N flags, ISO dates, blank for missing."""
    text: dict[str, np.ndarray] = {}
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_bool_dtype(series):
            text[column] = np.where(series.to_numpy(dtype=bool), "Y", "N").astype(object)
        elif pd.api.types.is_numeric_dtype(series):
            try:
                values = series.astype("Int64").astype(str).to_numpy(dtype=object)
            except (TypeError, ValueError):  # fractions: keep them, the checks will say what is wrong
                values = series.astype(str).to_numpy(dtype=object)
            text[column] = np.where(series.isna().to_numpy(), "", values).astype(object)
        else:
            codes, uniques = pd.factorize(series.to_numpy(dtype=object))
            rendered = np.array([u.isoformat() if isinstance(u, (date, datetime)) else str(u) for u in uniques] + [""],
                                dtype=object)
            text[column] = rendered[codes]
    table_frame = pd.DataFrame(text, dtype=object)
    digest = hashlib.sha256(pd.util.hash_pandas_object(table_frame, index=False).to_numpy().tobytes()).hexdigest()
    return SourceTable(
        file_name=source_name, sha256=digest, format="frame", header_row=1, columns=list(table_frame.columns),
        frame=table_frame, row_numbers=np.arange(len(table_frame), dtype=np.int64) + 2,
    )


# --- the import ------------------------------------------------------------------------------

def _run_patients(db, actor, read, options: ImportOptions) -> Generator[Progress, None, ImportResult]:  # noqa: ANN001
    started = time.perf_counter()
    started_at = utcnow()
    today = options.today or clock.today()
    if options.practice and not ods.is_practice_code(options.practice):
        raise InvalidInput(f"--practice {options.practice!r} is not an ODS practice code (one letter, five digits)")
    default_practice = ods.normalise(options.practice) if options.practice else None
    yield 0, TOTAL, "Reading the file"
    table, mapping = read()
    maps.check_mapping("patients", mapping, default_practice=default_practice)
    if table.rows_read == 0:
        raise InvalidInput(f"{table.file_name} has a header row but no patient rows")
    result = ImportResult("patients", table.file_name, table.sha256, rows_read=table.rows_read)
    yield 10, TOTAL, f"Checking {table.rows_read:,} rows"
    checked = check_table("patients", table, mapping, today, default_practice=default_practice)

    with db.transaction() as session:
        practice_ids = _resolve_practices(session, actor, checked, options, result)
        invalid = checked.invalid
        result.errors, result.errors_not_listed = listed_errors(checked, table.columns)
        result.rejected = int(invalid.sum())
        if options.strict and result.rejected:
            raise StrictRefusal(result)
        batch = _open_batch(session, actor, "patients", table, started_at, mapping, options)
        rows = _patient_rows(checked, mapping, practice_ids, options)
        if options.full_list:
            rows.file_nhs = all_nhs_numbers(table, mapping)
        writer = write_patients(session, rows, batch.id, today)
        while True:
            try:
                done, total, label = next(writer)
            except StopIteration as stop:
                stats = stop.value
                break
            yield 20 + int(70 * done / max(total, 1)), TOTAL, label
        result.inserted, result.updated, result.unchanged, result.left = (
            stats.inserted, stats.updated, stats.unchanged, stats.left)
        yield 92, TOTAL, "Keeping rejected rows"
        _finish_batch(session, actor, batch, table, checked, result, started, mapping, options)
    if options.notify:
        # Stratify etc. The import marked this work owed, so a process killed here is finished later.
        hooks.patient_data_changed(db, actor, only_if_owed=True)
    result.duration_s = time.perf_counter() - started
    return result


def _resolve_practices(
    session: Session, actor: Actor, checked: Checked, options: ImportOptions, result: ImportResult,
) -> np.ndarray:
    """Practice id per row (0 where invalid); unknown practices are created or are row errors."""
    codes = checked.values.get("practice_code")
    known = dict(session.execute(select(Practice.ods_code, Practice.id)).all())
    present = {c for c in codes.tolist() if c} if codes is not None else set()
    unknown = sorted(present - set(known))
    if unknown and options.create_practices:
        pcns = session.execute(select(Pcn.id)).scalars().all()
        for code in unknown:
            practice = Practice(ods_code=code, name=f"Practice {code}", pcn_id=pcns[0] if len(pcns) == 1 else None)
            session.add(practice)
            session.flush()
            known[code] = practice.id
            audit.record(session, actor, "practice.create", entity="practice", entity_id=practice.id,
                         summary=f"Created practice {code} named in an import")
        result.practices_created = unknown
    elif unknown:
        missing = np.isin(codes, unknown)
        checked.add_errors("practice_code", missing, codes, np.array(
            [f"Practice {c} is not one of this PCN's practices: add it, or allow new practices (--create-practices)"
             if c in unknown else None for c in codes.tolist()], dtype=object))
    ids = np.zeros(checked.rows, dtype=np.int64)
    if codes is not None:
        ids[:] = [known.get(c, 0) if c else 0 for c in codes.tolist()]
    return ids


def _patient_rows(checked: Checked, mapping: Mapping[str, str], practice_ids: np.ndarray,
                  options: ImportOptions) -> PatientRows:
    valid = np.flatnonzero(~checked.invalid)
    specs = field_index("patients")
    columns: dict[str, np.ndarray] = {}
    conditions: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for key in (k for k in mapping.values() if k):
        if key in ("nhs_number", "practice_code"):
            continue
        values = checked.values[key][valid]
        if specs[key].kind == CONDITION:
            conditions[key] = (values.astype(bool), checked.flag_dates[key][valid])
            continue
        columns[key] = values.astype(object)
        if key in ("given_name", "family_name"):
            codes, uniques = pd.factorize(values)  # a list has few distinct names: lower each once
            lowered = np.array([u.lower() for u in uniques] + [None], dtype=object)
            columns[f"{key}_lc"] = lowered[codes]
    full = set(np.unique(practice_ids[valid]).tolist()) - {0} if options.full_list else set()
    return PatientRows(nhs=checked.values["nhs_number"][valid], practice_ids=practice_ids[valid],
                       columns=columns, conditions=conditions, full_list_practices=full)


def _open_batch(session: Session, actor: Actor, kind: str, table: SourceTable, started_at: datetime,
                mapping: Mapping[str, str], options: ImportOptions) -> ImportBatch:
    batch = ImportBatch(kind=kind, file_name=table.file_name[:500], sha256=table.sha256, user_name=actor.name,
                        started_at=started_at, status="committed", rows_read=table.rows_read)
    session.add(batch)
    session.flush()
    return batch


def _finish_batch(
    session: Session, actor: Actor, batch: ImportBatch, table: SourceTable, checked: Checked,
    result: ImportResult, started: float, mapping: Mapping[str, str], options: ImportOptions,
) -> None:
    """Keep rejected rows whole, close the batch, save the profile, audit: same transaction."""
    kept = _store_rejected(session, batch.id, table, checked)
    result.rejected_not_kept = result.rejected - kept
    previous = session.execute(
        select(ImportBatch.id, ImportBatch.started_at)
        .where(ImportBatch.sha256 == table.sha256, ImportBatch.kind == batch.kind, ImportBatch.id != batch.id)
        .order_by(ImportBatch.id.desc()).limit(1)).first()
    if result.changed:
        result.message = f"Imported {table.file_name}: {result.summary()}."
    elif result.rejected == result.rows_read:
        result.status = "unchanged"
        result.message = (f"Nothing imported: all {result.rows_read:,} rows of {table.file_name} were rejected; "
                          "see the problems listed.")
    else:
        result.status = "unchanged"
        result.message = f"Nothing changed: every valid row already matches the database ({result.summary()})."
    if previous is not None:
        result.message += f" This file was imported before, on {previous[1]:%d-%b-%Y %H:%M} (import #{previous[0]})."
    if result.rejected_not_kept:
        result.message += (f" The first {kept:,} rejected rows are kept with their reasons; "
                           f"{result.rejected_not_kept:,} more were counted but not kept.")
    if result.practices_created:
        result.message += f" New practices created: {', '.join(result.practices_created)}."
    batch.status = result.status
    batch.finished_at = utcnow()
    batch.inserted, batch.updated, batch.unchanged, batch.rejected = (
        result.inserted, result.updated, result.unchanged, result.rejected)
    batch.details = {
        "format": table.format, "encoding": table.encoding, "delimiter": table.delimiter, "sheet": table.sheet,
        "header_row": table.header_row, "mapping": {c: k for c, k in mapping.items() if k},
        "profile": options.profile, "practice": options.practice, "full_list": options.full_list,
        "strict": options.strict, "left": result.left, "practices_created": result.practices_created,
        "unknown_codes": result.unknown_codes, "message": result.message,
        "rejected_not_kept": result.rejected_not_kept, "errors_not_listed": result.errors_not_listed,
        "duration_s": round(time.perf_counter() - started, 3),
    }
    result.batch_id = batch.id
    if options.profile:
        maps.mark_profile_used(session, options.profile)
    if options.save_profile:
        maps.store_profile(session, actor, options.save_profile, batch.kind, mapping, practice_code=options.practice)
    audit.record(session, actor, f"import.{batch.kind}", entity="import_batch", entity_id=batch.id,
                 summary=f"{table.file_name}: {result.summary()}")
    if options.notify and result.changed:
        hooks.mark_pending(session, batch.id)  # cleared once the after-import work has run


def _store_rejected(session: Session, batch_id: int, table: SourceTable, checked: Checked) -> int:
    """Keep the first ``MAX_STORED_REJECTED`` rejected rows whole (cells clipped to
    ``MAX_TEXT``), with their reasons; returns how many were kept. A file of 200,000 bad
    rows must not grow the database by gigabytes: the rest are counted, not kept."""
    bad = np.flatnonzero(checked.invalid)[:MAX_STORED_REJECTED]
    if not len(bad):
        return 0
    keep = {int(checked.row_numbers[i]) for i in bad.tolist()}
    reasons: dict[int, list[str]] = {}
    for error in checked.errors:
        if error.row in keep:
            reasons.setdefault(error.row, []).append(
                f"{error.column}: {error.message}" if error.column else error.message)
    if checked.duplicate_of is not None:
        column = checked.source_columns.get("nhs_number", "nhs_number")
        for i in bad.tolist():
            first = int(checked.duplicate_of[i])
            if first:
                reasons.setdefault(int(checked.row_numbers[i]), []).append(
                    f"{column}: The same NHS number as row {first} "
                    f"({checked.duplicate_count[first]:,} rows in all); none of them is imported")
    records = [{clip(str(column)): clip(cell_text(value)) for column, value in record.items()}
               for record in table.frame.iloc[bad].to_dict("records")]
    rows = [{"batch_id": batch_id, "row_number": int(checked.row_numbers[i]), "raw": raw,
             "reasons": "\n".join(reasons.get(int(checked.row_numbers[i]), []))}
            for i, raw in zip(bad.tolist(), records, strict=True)]
    session.execute(insert(ImportRejectedRow), rows)
    return len(rows)


def listed_errors(checked: Checked, column_order: list[str]) -> tuple[list[RowError], int]:
    """The problems a report lists (the first ``MAX_LISTED_ERRORS`` by row), and how many more."""
    errors = checked.sorted_errors(column_order)
    return errors[:MAX_LISTED_ERRORS], max(len(errors) - MAX_LISTED_ERRORS, 0)
