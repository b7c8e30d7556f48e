"""``import returns``: read a provider's completed returns workbook, all or nothing.

Every filled-in row is checked first: a known reference belonging to this provider, a
status and attendance from the lists, a date for each, no date in the future or before
the referral's last step, and a move the lifecycle allows (a referral must be accepted
before it is attended, and attended or missed before it is completed). If any row is
wrong nothing is applied and every problem is reported with its row; otherwise every
change is applied in one transaction, recorded "via returns" with who imported it.
Reading the same workbook twice changes nothing the second time.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from pcn_assistant.core import clock
from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.core.plain_names import plural
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.referrals.lifecycle import apply_transition
from pcn_assistant.services.referrals.workbooks import (
    ATTENDANCE,
    ATTENDANCE_CHOICES,
    ATTENDANCE_DATE,
    META_SHEET,
    NOTES,
    REFERENCE,
    SHEET,
    STATUS,
    STATUS_CHOICES,
    STATUS_DATE,
    parse_cell_date,
)
from pcn_assistant.services.security import REFERRALS_WRITE, Actor, requires
from pcn_assistant.store.base import utcnow
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import ImportBatch, ImportRejectedRow
from pcn_assistant.store.models.directory import DirectoryOrganisation, DirectoryService
from pcn_assistant.store.models.referrals import Referral


@dataclass(frozen=True)
class AppliedChange:
    reference: str
    row: int
    steps: tuple[tuple[str, str], ...]  # (status, ISO date)

    @property
    def description(self) -> str:
        return ", then ".join(f"{life.label(s).lower()} on {d}" for s, d in self.steps)


@dataclass
class ReturnsImportResult:
    file_name: str
    rows_read: int = 0
    applied: list[AppliedChange] = field(default_factory=list)
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    refused: bool = False
    batch_id: int | None = None

    def summary(self) -> str:
        if self.refused:
            return f"refused: {plural(len(self.errors), 'problem')}; nothing was changed"
        steps = sum(len(c.steps) for c in self.applied)
        return f"{plural(len(self.applied), 'referral')} updated ({plural(steps, 'change')}), {self.unchanged} unchanged"

    def to_json(self) -> dict:
        data = asdict(self)
        data["applied"] = [{"reference": c.reference, "row": c.row, "changes": c.description} for c in self.applied]
        return data


@dataclass
class _Row:
    number: int
    reference: str
    status: str | None = None
    status_on: date | None = None
    attendance: str | None = None
    attendance_on: date | None = None
    note: str = ""


def _choice(value: object, choices: dict[str, str], column: str) -> str | None:
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    for label, key in choices.items():
        if text.lower() == label.lower():
            return key
    raise ValueError(f"{column} {text!r} is not one of {', '.join(choices)}")


def read_rows(path: Path) -> tuple[dict[str, str], list[_Row], list[str]]:
    """(workbook metadata, filled-in rows, problems found while reading)."""
    from pcn_assistant.services.xlsx_guard import check_workbook

    check_workbook(path, path.name)  # a sheet claiming a million rows would stall the reader
    try:
        workbook = load_workbook(path, data_only=True, read_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise InvalidInput(f"{path.name} is not an Excel workbook (.xlsx): {error}") from error
    if SHEET not in workbook.sheetnames:
        raise InvalidInput(f"{path.name} has no '{SHEET}' sheet: is it a returns workbook from PCN Assistant?")
    meta: dict[str, str] = {}
    if META_SHEET in workbook.sheetnames:
        for key, value, *_ in workbook[META_SHEET].iter_rows(values_only=True):
            if key:
                meta[str(key)] = "" if value is None else str(value)
    rows_iter = workbook[SHEET].iter_rows(values_only=True)
    header = [str(h).strip().lower() if h is not None else "" for h in next(rows_iter, ())]
    missing = [c for c in (REFERENCE, STATUS, STATUS_DATE, ATTENDANCE, ATTENDANCE_DATE) if c.lower() not in header]
    if missing:
        raise InvalidInput(f"The '{SHEET}' sheet has no {', '.join(missing)} column")
    at = {name: header.index(name.lower()) for name in (REFERENCE, STATUS, STATUS_DATE, ATTENDANCE,
                                                         ATTENDANCE_DATE, NOTES) if name.lower() in header}
    rows: list[_Row] = []
    problems: list[str] = []
    for number, values in enumerate(rows_iter, start=2):
        def cell(name: str, values: tuple = values) -> object:
            return values[at[name]] if name in at and at[name] < len(values) else None

        reference = str(cell(REFERENCE) or "").strip().upper()
        if not reference:
            if any(cell(c) not in (None, "") for c in (STATUS, ATTENDANCE)):
                problems.append(f"row {number}: a status is filled in but the reference is empty")
            continue
        row = _Row(number, reference, note=str(cell(NOTES) or "").strip())
        try:
            row.status = _choice(cell(STATUS), STATUS_CHOICES, STATUS)
            row.attendance = _choice(cell(ATTENDANCE), ATTENDANCE_CHOICES, ATTENDANCE)
            row.status_on = parse_cell_date(cell(STATUS_DATE))
            row.attendance_on = parse_cell_date(cell(ATTENDANCE_DATE))
        except ValueError as error:
            problems.append(f"row {number} ({reference}): {error}")
            continue
        if row.status and row.status_on is None:
            problems.append(f"row {number} ({reference}): give the {STATUS_DATE.lower()}")
        elif row.attendance and row.attendance_on is None:
            problems.append(f"row {number} ({reference}): give the {ATTENDANCE_DATE.lower()}")
        elif row.status or row.attendance:
            rows.append(row)
    workbook.close()
    return meta, rows, problems


def _steps(row: _Row, referral: Referral) -> list[tuple[str, date]]:
    """The transitions a row asks for, leaving out steps the referral has already taken."""
    reached = {event.to_status for event in referral.events}
    wanted: list[tuple[str | None, date | None]] = []
    if row.status in (life.ACCEPTED, life.DECLINED):
        wanted.append((row.status, row.status_on))
    wanted.append((row.attendance, row.attendance_on))
    if row.status == life.COMPLETED:
        wanted.append((row.status, row.status_on))
    return [(status, on) for status, on in wanted if status and status not in reached and on is not None]


def _check(steps: list[tuple[str, date]], referral: Referral, today: date) -> str | None:
    status, last = referral.status, referral.status_on
    for target, on in steps:
        try:
            life.check_transition(status, target)
            life.check_date(on, today=today, last=last)
        except life.TransitionError as error:
            return str(error)
        status, last = target, on
    return None


@requires(REFERRALS_WRITE)
def import_returns(db: Database, actor: Actor, path: str | Path, *, today: date | None = None) -> ReturnsImportResult:
    """Validate every row, then apply all changes in one transaction, or none."""
    today = today or clock.today()
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"{path} does not exist")
    meta, rows, problems = read_rows(path)
    result = ReturnsImportResult(file_name=path.name, rows_read=len(rows), errors=problems)
    with db.transaction() as session:
        references = [r.reference for r in rows]
        found = {ref: (referral, org_oruk) for referral, org_oruk, ref in session.execute(
            select(Referral, DirectoryOrganisation.oruk_id, Referral.reference)
            .join(DirectoryService, DirectoryService.id == Referral.service_id)
            .join(DirectoryOrganisation, DirectoryOrganisation.id == DirectoryService.organisation_id)
            .where(Referral.reference.in_(references)))} if references else {}
        plan: list[tuple[_Row, Referral, list[tuple[str, date]]]] = []
        seen: dict[str, int] = {}
        for row in rows:
            if row.reference in seen:
                result.errors.append(f"row {row.number} ({row.reference}): the reference is also on row {seen[row.reference]}")
                continue
            seen[row.reference] = row.number
            if row.reference not in found:
                result.errors.append(f"row {row.number}: unknown reference {row.reference}")
                continue
            referral, org_oruk = found[row.reference]
            if meta.get("organisation_id") and org_oruk != meta["organisation_id"]:
                result.errors.append(f"row {row.number} ({row.reference}): this referral is not to "
                                     f"{meta.get('organisation') or 'this provider'}")
                continue
            steps = _steps(row, referral)
            problem = _check(steps, referral, today)
            if problem:
                result.errors.append(f"row {row.number} ({row.reference}): {problem}")
            elif steps:
                plan.append((row, referral, steps))
            else:
                result.unchanged += 1
        result.refused = bool(result.errors)
        if not result.refused:
            for row, referral, steps in plan:
                for target, on in steps:
                    apply_transition(session, referral, target, on, actor, today=today, via="returns",
                                     note=row.note)
                result.applied.append(AppliedChange(row.reference, row.number,
                                                    tuple((t, d.isoformat()) for t, d in steps)))
        batch = ImportBatch(
            kind="returns", file_name=path.name[:500], sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            user_name=actor.name, finished_at=utcnow(),
            status="refused" if result.refused else ("committed" if result.applied else "unchanged"),
            rows_read=len(rows), updated=len(result.applied), unchanged=result.unchanged,
            rejected=len(result.errors), details={"organisation_id": meta.get("organisation_id")},
        )
        batch.rejected_rows = [ImportRejectedRow(row_number=i, raw={"problem": e}, reasons=e)
                               for i, e in enumerate(result.errors, start=1)]
        session.add(batch)
        session.flush()
        result.batch_id = batch.id
        audit.record(session, actor, "import.returns", entity="import_batch", entity_id=batch.id,
                     summary=f"{path.name}: {result.summary()}")
    return result
