"""Reading the audit trail: filter, page and export it (admins only).

Filters are bound parameters, never SQL text: the user filter is a prefix range
(``services.query.prefix_match``) and the text filter a LIKE with ``%`` and ``_``
escaped, so whatever is typed matches literally.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.sql import ColumnElement

from pcn_assistant.core import clock
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.query import prefix_match
from pcn_assistant.services.safe_cells import csv_writer, save_workbook, text_cells
from pcn_assistant.services.security import AUDIT_READ, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import AuditEvent

PAGE_SIZE = 200
EXPORT_BATCH = 5000


@dataclass(frozen=True)
class AuditFilter:
    user: str = ""  # login prefix
    action: str | None = None  # exact, or a family such as "sign_in" for "sign_in.*"
    entity: str | None = None
    entity_id: str | None = None
    text: str = ""  # anywhere in the summary
    since: date | None = None  # inclusive, local calendar days as stored (UTC)
    until: date | None = None  # inclusive


@dataclass(frozen=True)
class AuditRow:
    id: int
    occurred_at: datetime  # naive UTC
    user_name: str
    action: str
    entity: str | None
    entity_id: str | None
    summary: str

    def value(self, key: str) -> object:
        return getattr(self, key)


COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "Event"),
    ("occurred_at", "When (UTC)"),
    ("user_name", "User"),
    ("action", "Action"),
    ("entity", "Record type"),
    ("entity_id", "Record id"),
    ("summary", "Summary"),
)
_SORT = {
    "id": AuditEvent.id, "occurred_at": AuditEvent.occurred_at, "user_name": AuditEvent.user_name,
    "action": AuditEvent.action, "entity": AuditEvent.entity, "entity_id": AuditEvent.entity_id,
    "summary": AuditEvent.summary,
}
_ROW_COLUMNS = (AuditEvent.id, AuditEvent.occurred_at, AuditEvent.user_name, AuditEvent.action,
                AuditEvent.entity, AuditEvent.entity_id, AuditEvent.summary)


def conditions(flt: AuditFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    user = flt.user.strip().lower()
    if user:
        found.append(prefix_match(AuditEvent.user_name, user))
    if flt.action:
        found.append((AuditEvent.action == flt.action) | prefix_match(AuditEvent.action, f"{flt.action}."))
    if flt.entity:
        found.append(AuditEvent.entity == flt.entity)
    if flt.entity_id:
        found.append(AuditEvent.entity_id == flt.entity_id.strip())
    if flt.text.strip():
        found.append(AuditEvent.summary.contains(flt.text.strip(), autoescape=True))
    if flt.since:
        found.append(AuditEvent.occurred_at >= datetime.combine(flt.since, time.min))
    if flt.until:
        found.append(AuditEvent.occurred_at < datetime.combine(flt.until + timedelta(days=1), time.min))
    return found


@requires(AUDIT_READ)
def count_events(db: Database, actor: Actor, flt: AuditFilter) -> int:
    stmt = select(func.count()).select_from(AuditEvent).where(*conditions(flt or AuditFilter()))
    with db.session() as session:
        return session.execute(stmt).scalar_one()


@requires(AUDIT_READ)
def page_events(
    db: Database, actor: Actor, flt: AuditFilter, *, sort_key: str = "id", descending: bool = True,
    offset: int = 0, limit: int = PAGE_SIZE,
) -> list[AuditRow]:
    """One page of events, newest first by default."""
    column = _SORT.get(sort_key, AuditEvent.id)
    order = [column.desc() if descending else column.asc(),
             AuditEvent.id.desc() if descending else AuditEvent.id.asc()]
    stmt = (select(*_ROW_COLUMNS).where(*conditions(flt or AuditFilter()))
            .order_by(*order).offset(offset or 0).limit(limit or PAGE_SIZE))
    with db.session() as session:
        return [AuditRow(*row) for row in session.execute(stmt).all()]


@requires(AUDIT_READ)
def list_actions(db: Database, actor: Actor) -> list[str]:
    """The actions that occur in the trail, for the filter's drop-down."""
    with db.session() as session:
        return list(session.execute(
            select(AuditEvent.action).distinct().order_by(AuditEvent.action)).scalars())


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def _iter_rows(db: Database, flt: AuditFilter) -> Iterator[AuditRow]:
    stmt = (select(*_ROW_COLUMNS).where(*conditions(flt)).order_by(AuditEvent.id)
            .execution_options(yield_per=EXPORT_BATCH))
    with db.session() as session:
        for row in session.execute(stmt):
            yield AuditRow(*row)


def _write_csv(path: Path, rows: Iterator[AuditRow]) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv_writer(handle)
        writer.writerow([header for _key, header in COLUMNS])
        for row in rows:
            writer.writerow([_cell(row, key) for key, _header in COLUMNS])
            count += 1
    return count


def _cell(row: AuditRow, key: str) -> object:
    value = row.value(key)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return value


def _write_xlsx(path: Path, rows: Iterator[AuditRow], flt: AuditFilter) -> int:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Audit trail")
    sheet.append([header for _key, header in COLUMNS])
    count = 0
    for row in rows:
        sheet.append(text_cells(sheet, [_cell(row, key) for key, _header in COLUMNS]))
        count += 1
    about = book.create_sheet("About")
    about.append(["Exported", clock.now().isoformat(sep=" ", timespec="seconds")])
    about.append(["Rows", count])
    for item in fields(flt):
        value = getattr(flt, item.name)
        if value not in (None, ""):
            about.append(text_cells(about, [f"Filter: {item.name}", str(value)]))
    about.append(["Times", "UTC, as recorded"])
    save_workbook(book, path)
    return count


@requires(AUDIT_READ)
def export_events(db: Database, actor: Actor, flt: AuditFilter, out: str | Path) -> ExportResult:
    """Write the filtered trail to ``.xlsx`` or ``.csv``; the export is itself audited."""
    if out is None:
        raise InvalidInput("Choose a file to export the audit trail to")
    path = Path(out)
    flt = flt or AuditFilter()
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InvalidInput("The audit trail exports to .xlsx or .csv")
    rows = _write_csv(path, _iter_rows(db, flt)) if suffix == ".csv" else _write_xlsx(
        path, _iter_rows(db, flt), flt)
    with db.transaction() as session:
        audit.record(session, actor, "export.audit_trail", entity="audit_event",
                     summary=f"exported {rows} audit events to {path.name}")
    return ExportResult(path=path, rows=rows)
