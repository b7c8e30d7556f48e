"""Past imports: the list, one import's rejected rows, saving problems to fix as CSV,
and what each import changed for one patient."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.patient_import.validate import RowError
from pcn_assistant.services.safe_cells import csv_writer
from pcn_assistant.services.security import IMPORTS_RUN, PATIENTS_READ, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import ImportBatch, ImportChange, ImportRejectedRow

BATCH_COLUMNS: tuple[tuple[str, str], ...] = (
    ("started_at", "When"), ("kind", "Kind"), ("file_name", "File"), ("user_name", "By"), ("status", "Result"),
    ("rows_read", "Rows"), ("inserted", "Added"), ("updated", "Updated"), ("unchanged", "Unchanged"),
    ("rejected", "Rejected"),
)
_SORT = {key: getattr(ImportBatch, key) for key, _ in BATCH_COLUMNS}


@dataclass(frozen=True)
class BatchRow:
    id: int
    started_at: datetime
    kind: str
    file_name: str
    user_name: str
    status: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int
    message: str

    def value(self, key: str) -> object:
        return getattr(self, key)


@dataclass(frozen=True)
class ChangeRow:
    batch_id: int
    file_name: str
    when: datetime
    action: str
    changes: dict | None


def _row(batch: ImportBatch) -> BatchRow:
    return BatchRow(batch.id, batch.started_at, batch.kind, batch.file_name, batch.user_name, batch.status,
                    batch.rows_read, batch.inserted, batch.updated, batch.unchanged, batch.rejected,
                    str((batch.details or {}).get("message", "")))


@requires(IMPORTS_RUN)
def count_batches(db: Database, actor: Actor) -> int:
    with db.session() as session:
        return session.execute(select(func.count()).select_from(ImportBatch)).scalar_one()


@requires(IMPORTS_RUN)
def page_batches(db: Database, actor: Actor, *, sort_key: str = "started_at", descending: bool = True,
                 offset: int = 0, limit: int = 200) -> list[BatchRow]:
    """Past imports of every kind, newest first by default, paged in SQL."""
    column = _SORT.get(sort_key, ImportBatch.started_at)
    order = [column.desc() if descending else column.asc(), ImportBatch.id.desc() if descending else ImportBatch.id]
    with db.session() as session:
        batches = session.execute(select(ImportBatch).order_by(*order).offset(offset).limit(limit)).scalars().all()
        return [_row(b) for b in batches]


@requires(IMPORTS_RUN)
def batch_problems(db: Database, actor: Actor, batch_id: int) -> tuple[BatchRow, list[RowError]]:
    """An import's summary and its rejected rows' problems (row, column, value, message)."""
    with db.session() as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise InvalidInput(f"There is no import #{batch_id}")
        rejected = session.execute(select(ImportRejectedRow).where(ImportRejectedRow.batch_id == batch_id)
                                   .order_by(ImportRejectedRow.row_number)).scalars().all()
        errors: list[RowError] = []
        for row in rejected:
            raw = row.raw or {}
            for line in (row.reasons or "").splitlines() or [""]:
                column, _, message = line.partition(": ")
                if not message or column not in raw:
                    column, message = "", line
                errors.append(RowError(row.row_number, column, str(raw.get(column, "")) if column else "", message))
        return _row(batch), errors


@requires(IMPORTS_RUN)
def save_problems_csv(db: Database, actor: Actor, errors: Sequence[RowError], path: str | Path, *,
                      source: str = "") -> int:
    """Write problems as CSV (UTF-8 with BOM so Excel opens it); audited, as it holds patient data."""
    path = Path(path)
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv_writer(handle)
        writer.writerow(["Row", "Column", "Value", "Problem"])
        for error in errors:
            writer.writerow([error.row, error.column, error.value, error.message])
    with db.transaction() as session:
        audit.record(session, actor, "export.import_problems", entity="import",
                     summary=f"Saved {len(errors):,} import problems{f' from {source}' if source else ''} to {path.name}")
    return len(errors)


@requires(IMPORTS_RUN)
def save_rejected_rows_csv(db: Database, actor: Actor, batch_id: int, path: str | Path) -> int:
    """An import's rejected rows as they were in the file, plus a Problems column, to fix and re-import."""
    path = Path(path)
    with db.session() as session:
        rows = session.execute(select(ImportRejectedRow).where(ImportRejectedRow.batch_id == batch_id)
                               .order_by(ImportRejectedRow.row_number)).scalars().all()
        columns: list[str] = []
        for row in rows:
            columns.extend(c for c in (row.raw or {}) if c not in columns)
        with open(path, "w", newline="", encoding="utf-8-sig") as handle:
            writer = csv_writer(handle)
            writer.writerow([*columns, "Row in file", "Problems"])
            for row in rows:
                raw = row.raw or {}
                writer.writerow([*(raw.get(c, "") for c in columns), row.row_number, "; ".join((row.reasons or "").splitlines())])
    with db.transaction() as session:
        audit.record(session, actor, "export.rejected_rows", entity="import_batch", entity_id=batch_id,
                     summary=f"Saved {len(rows):,} rejected rows of import #{batch_id} to {path.name}")
    return len(rows)


@requires(PATIENTS_READ)
def patient_changes(db: Database, actor: Actor, patient_id: int) -> list[ChangeRow]:
    """What each import changed for one patient, newest first."""
    with db.session() as session:
        rows = session.execute(
            select(ImportChange.batch_id, ImportBatch.file_name, ImportBatch.started_at, ImportChange.action,
                   ImportChange.changes)
            .join(ImportBatch, ImportBatch.id == ImportChange.batch_id)
            .where(ImportChange.patient_id == patient_id)
            .order_by(ImportChange.id.desc())).all()
    return [ChangeRow(*row) for row in rows]
