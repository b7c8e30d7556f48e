"""``import indicators``: indicator values (or definitions) into the database.

One transaction per file: it commits whole or not at all. Values are keyed by
practice, indicator and period, so importing the same file again inserts nothing,
updates nothing and says so. Rows with problems are kept whole, with their reasons,
in the import batch; ``strict`` refuses the whole file instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from pcn_assistant.core.plain_names import plural
from pcn_assistant.errors import ImportRefused
from pcn_assistant.services import audit
from pcn_assistant.services.security import IMPORTS_RUN, Actor, requires
from pcn_assistant.services.variation.catalogue import catalogue_in, ensure_indicator
from pcn_assistant.services.variation.tidy_file import IndicatorFile, Problem, read_indicator_file
from pcn_assistant.store.base import utcnow
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import ImportBatch, ImportRejectedRow, Practice
from pcn_assistant.store.models.variation import IndicatorValue

KIND = "indicators"


@dataclass
class ImportOutcome:
    file: str
    sha256: str
    content: str  # "data" (indicator values) or "catalogue" (indicator definitions)
    status: str  # committed, unchanged or refused
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[Problem] = field(default_factory=list)
    duration_s: float = 0.0
    batch_id: int | None = None

    def as_json(self) -> dict:
        return {
            "file": self.file, "sha256": self.sha256, "content": self.content, "status": self.status,
            "rows_read": self.rows_read, "inserted": self.inserted, "updated": self.updated,
            "unchanged": self.unchanged, "rejected": self.rejected,
            "errors": [p.as_dict() for p in self.errors], "duration_s": round(self.duration_s, 3),
        }

    def summary(self) -> str:
        return (f"{self.file}: {self.rows_read} rows read, {self.inserted} inserted, "
                f"{self.updated} updated, {self.unchanged} unchanged, {self.rejected} rejected")


class IndicatorImportRefused(ImportRefused):
    """``strict`` found invalid rows; ``outcome`` carries them for ``--json``."""

    def __init__(self, message: str, outcome: ImportOutcome) -> None:
        super().__init__(message)
        self.outcome = outcome


@requires(IMPORTS_RUN)
def import_indicators(db: Database, actor: Actor, path: str | Path, *, strict: bool = False) -> ImportOutcome:
    """Import a tidy indicator file (CSV or XLSX) or a catalogue-format definitions file."""
    started = time.perf_counter()
    path = Path(path)
    with db.transaction() as session:
        known = set(session.execute(select(Practice.ods_code)).scalars())
        parsed = read_indicator_file(path, catalogue_in(session), known_practices=known)
        outcome = ImportOutcome(file=path.name, sha256=parsed.sha256, content=parsed.kind,
                                status="committed", rows_read=parsed.rows_read,
                                rejected=len(parsed.rejected_rows), errors=parsed.problems)
        if strict and parsed.problems:
            outcome.status = "refused"
            outcome.duration_s = time.perf_counter() - started
            first = parsed.problems[0]
            raise IndicatorImportRefused(
                f"{path.name}: {plural(outcome.rejected, 'row')} invalid, nothing imported "
                f"(first: row {first.row}, {first.column}: {first.message})", outcome)
        batch = ImportBatch(kind=KIND, file_name=path.name, sha256=parsed.sha256, user_name=actor.name,
                            status="committed", rows_read=parsed.rows_read, rejected=outcome.rejected,
                            details={"content": parsed.kind})
        session.add(batch)
        session.flush()
        if parsed.kind == "data":
            _write_values(session, parsed, batch.id, outcome)
        else:
            _write_definitions(session, parsed, outcome)
        for row in parsed.rejected_rows:
            reasons = "; ".join(f"{p.column}: {p.message}" for p in parsed.problems if p.row == row)
            session.add(ImportRejectedRow(batch_id=batch.id, row_number=row,
                                          raw=parsed.raw_rows.get(row, {}), reasons=reasons))
        if not outcome.inserted and not outcome.updated:
            outcome.status = "unchanged"
        batch.status = outcome.status
        batch.inserted, batch.updated, batch.unchanged = outcome.inserted, outcome.updated, outcome.unchanged
        batch.finished_at = utcnow()
        outcome.batch_id = batch.id
        audit.record(session, actor, "import.indicators", entity="import_batch", entity_id=batch.id,
                     summary=outcome.summary())
    outcome.duration_s = time.perf_counter() - started
    return outcome


def _write_values(session: Session, parsed: IndicatorFile, batch_id: int, outcome: ImportOutcome) -> None:
    records = parsed.records
    if records.empty:
        return
    if records["age_band"].notna().any():  # the database keeps practice totals
        records = records.groupby(["practice_code", "indicator_code", "period"], sort=False,
                                  as_index=False)[["numerator", "denominator"]].sum()
    catalogue = catalogue_in(session)
    indicator_ids = {code: ensure_indicator(session, parsed.definitions.get(code) or catalogue[code])
                     for code in dict.fromkeys(records["indicator_code"])}
    practice_ids = dict(session.execute(select(Practice.ods_code, Practice.id)).all())
    keys = [(indicator_ids[r.indicator_code], practice_ids[r.practice_code], r.period)
            for r in records.itertuples()]
    existing: dict[tuple[int, int, str], IndicatorValue] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        for value in session.execute(select(IndicatorValue).where(
                tuple_(IndicatorValue.indicator_id, IndicatorValue.practice_id,
                       IndicatorValue.period).in_(chunk))).scalars():
            existing[(value.indicator_id, value.practice_id, value.period)] = value
    new_rows = []
    for key, record in zip(keys, records.itertuples(), strict=True):
        current = existing.get(key)
        if current is None:
            new_rows.append(IndicatorValue(indicator_id=key[0], practice_id=key[1], period=key[2],
                                           numerator=record.numerator, denominator=record.denominator,
                                           batch_id=batch_id))
        elif (current.numerator, current.denominator) != (record.numerator, record.denominator):
            current.numerator, current.denominator, current.batch_id = (
                record.numerator, record.denominator, batch_id)
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    session.add_all(new_rows)
    outcome.inserted += len(new_rows)
    session.flush()


def _write_definitions(session: Session, parsed: IndicatorFile, outcome: ImportOutcome) -> None:
    current = catalogue_in(session)
    for code, definition in parsed.definitions.items():
        before = current.get(code)
        if before is None:
            outcome.inserted += 1
        elif before == definition:
            outcome.unchanged += 1
            continue
        else:
            outcome.updated += 1
        ensure_indicator(session, definition)
