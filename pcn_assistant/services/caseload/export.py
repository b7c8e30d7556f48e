"""The caseload workbook for MDT meetings: one row per episode, a frozen header, filters,
NHS numbers as 3 3 4, real dates, and a Methods/About sheet saying what it holds, who
made it and when. It is identifiable, so it needs ``export.identifiable`` and is audited.

Written with openpyxl's write-only mode, which streams rows instead of building the
whole sheet in memory (50,000 rows in a few seconds).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from pcn_assistant import __version__
from pcn_assistant.core import caseload as rules
from pcn_assistant.core.nhs_number import format_334
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.caseload.common import today
from pcn_assistant.services.caseload.person import age_on
from pcn_assistant.services.patients import display_name
from pcn_assistant.services.security import (
    CASELOAD_READ,
    EXPORT_IDENTIFIABLE,
    Actor,
    require,
    requires,
)
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import CarePlanGoal, Episode
from pcn_assistant.store.models.organisation import Practice
from pcn_assistant.store.models.patient import Patient

BATCH = 2000
OPEN = "open"
STATUS_CHOICES = (*rules.STATUS_ORDER, OPEN)

# (header, width, number format)
COLUMNS: tuple[tuple[str, int, str | None], ...] = (
    ("NHS number", 14, "@"), ("Name", 26, None), ("Date of birth", 12, "DD-MMM-YYYY"),
    ("Age", 6, None), ("Practice", 10, None), ("Coordinator", 14, None), ("Status", 11, None),
    ("Referral source", 22, None), ("Referral reasons", 34, None), ("Referred", 12, "DD-MMM-YYYY"),
    ("First contact", 12, "DD-MMM-YYYY"), ("Last contact", 12, "DD-MMM-YYYY"),
    ("Contacts", 9, None), ("Next review", 12, "DD-MMM-YYYY"), ("Open goals", 10, None),
    ("Closed", 12, "DD-MMM-YYYY"), ("Close reason", 18, None),
)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def _conditions(coordinator: str | None, status: str | None) -> list:
    conditions = []
    if coordinator:
        conditions.append(Episode.coordinator == coordinator)
    if status == OPEN:
        conditions.append(Episode.status != rules.CLOSED)
    elif status:
        if status not in rules.STATUS_ORDER:
            raise InvalidInput(f"Unknown status {status!r}; choose one of: {', '.join(STATUS_CHOICES)}")
        conditions.append(Episode.status == status)
    return conditions


def export_caseload_steps(
    db: Database, actor: Actor, out: str | Path, *, coordinator: str | None = None,
    status: str | None = None,
) -> Iterator[tuple[int, int, str]]:
    """Write the workbook, yielding (done, total, label); returns an ``ExportResult``.

    The file is written to a temporary name and renamed at the end, so Cancel or a
    failure never leaves half a workbook behind; the audit event commits only on success.
    """
    require(actor, EXPORT_IDENTIFIABLE)
    require(actor, CASELOAD_READ)
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise InvalidInput(f"The export must be an .xlsx file, not {path.name}")
    if not path.parent.is_dir():
        raise InvalidInput(f"The folder {path.parent} does not exist")
    conditions = _conditions(coordinator, status)
    made = datetime.now().replace(microsecond=0)
    on = today()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Caseload")
    sheet.freeze_panes = "A2"
    for index, (_header, width, _fmt) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for title, _width, _fmt in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    formats = [fmt for _h, _w, fmt in COLUMNS]
    goals = (select(CarePlanGoal.episode_id, func.count().label("n"))
             .where(CarePlanGoal.status.in_(rules.GOAL_OPEN_STATUSES))
             .group_by(CarePlanGoal.episode_id).subquery())
    stmt = (
        select(Patient.nhs_number, Patient.given_name, Patient.family_name, Patient.date_of_birth,
               Practice.ods_code, Episode.coordinator, Episode.status, Episode.referral_source,
               Episode.referral_reasons, Episode.referred_on, Episode.contacted_on,
               Episode.last_contact_on, Episode.contact_count, Episode.next_review_on,
               func.coalesce(goals.c.n, 0), Episode.closed_on, Episode.close_reason)
        .join(Patient, Patient.id == Episode.patient_id)
        .join(Practice, Practice.id == Patient.practice_id)
        .outerjoin(goals, goals.c.episode_id == Episode.id)
        .where(*conditions)
        .order_by(Episode.coordinator, Patient.family_name_lc, Patient.given_name_lc, Episode.id)
    )
    written = 0
    # Read outside a write transaction: a long export must not hold the write lock.
    with db.session() as session:
        total = session.execute(select(func.count()).select_from(Episode).where(*conditions)).scalar_one()
        yield 0, total, "Writing the caseload workbook"
        for row in session.execute(stmt.execution_options(yield_per=BATCH)):
            sheet.append(_cells(sheet, row, formats, on))
            written += 1
            if written % BATCH == 0:
                yield written, total, f"Written {written:,} of {total:,} rows"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{written + 1}"
    _methods_sheet(workbook, actor, made, written, coordinator, status)
    temporary = path.with_name(f".{path.name}.partial")
    try:
        workbook.save(temporary)
        with db.transaction() as session:
            audit.record(session, actor, "caseload.export", entity="export", entity_id=path.name,
                         summary=f"caseload export {path.name}: {written} rows "
                                 f"(coordinator={coordinator or 'all'}, status={status or 'all'})")
            temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    yield written, total, "Done"
    return ExportResult(path=path, rows=written)


def _cells(sheet, row, formats: list[str | None], on: date) -> list:  # noqa: ANN001
    (nhs, given, family, born, practice, coord, state, source, reasons, referred, contacted,
     last, contacts, review, open_goals, closed, reason) = row
    values = (
        format_334(nhs), display_name(given, family), born, age_on(born, on), practice, coord,
        rules.label(rules.STATUSES, state), rules.label(rules.REFERRAL_SOURCES, source),
        "; ".join(rules.label(rules.REFERRAL_REASONS, r) for r in (reasons or ())),
        referred, contacted, last, contacts, review, open_goals, closed,
        rules.label(rules.CLOSE_REASONS, reason),
    )
    cells: list = []
    for value, fmt in zip(values, formats, strict=True):
        if fmt and isinstance(value, date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = fmt
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def _methods_sheet(workbook: Workbook, actor: Actor, made: datetime, rows: int,
                   coordinator: str | None, status: str | None) -> None:
    sheet = workbook.create_sheet("Methods")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90
    wrap = Alignment(wrap_text=True, vertical="top")
    lines = (
        ("What this is", "The caseload of social prescribing link workers and care coordinators: "
                         "one row per episode (a period on a caseload, from referral to closure)."),
        ("Made", f"{made:%d-%b-%Y %H:%M} by {actor.name} with PCN Assistant {__version__}"),
        ("Rows", f"{rows:,} episodes"),
        ("Coordinator", coordinator or "All coordinators"),
        ("Status", rules.label(rules.STATUSES, status) if status and status != OPEN
         else ("Open episodes (not closed)" if status == OPEN else "All statuses")),
        ("Statuses", "Identified → contacted → assessed → active → closed. Dates are the day each "
                     "status was reached."),
        ("First contact", "The date of the first successful contact; the target is within 5 working "
                          "days of referral (weekends and England and Wales bank holidays excluded)."),
        ("Contacts", "Successful contacts recorded; unsuccessful attempts are not counted."),
        ("Open goals", "Goals in the care and support plan that are not started or in progress."),
        ("Standard", "Fields follow the PRSB Social Prescribing Information Standard (referral "
                     "details, contacts, care and support plan)."),
        ("Confidential", "This workbook identifies people. Keep it on NHS systems, share it only "
                         "with the multidisciplinary team, and delete it when the meeting is over."),
    )
    title = WriteOnlyCell(sheet, value="Caseload export: about this workbook")
    title.font = Font(bold=True, size=13)
    sheet.append([title])
    sheet.append([])
    for name, text in lines:
        key = WriteOnlyCell(sheet, value=name)
        key.font = Font(bold=True)
        key.alignment = wrap
        value = WriteOnlyCell(sheet, value=text)
        value.alignment = wrap
        sheet.append([key, value])


@requires(EXPORT_IDENTIFIABLE)
def export_caseload(db: Database, actor: Actor, out: str | Path, *, coordinator: str | None = None,
                    status: str | None = None) -> ExportResult:
    """Write the workbook in one go (the CLI); the GUI runs ``export_caseload_steps`` as a task."""
    steps = export_caseload_steps(db, actor, out, coordinator=coordinator, status=status)
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value
