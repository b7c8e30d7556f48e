"""The two spreadsheets that close the loop without logins: provider returns, and GP coding.

A returns workbook lists one provider's open referrals by reference code. The provider
fills in the status and attendance cells (each a drop-down list) and their dates, and
sends it back; ``returns_import`` reads it. The reference, service and current status
are locked so a stray keystroke cannot break the match. A hidden ``_pcn`` sheet says
which provider and which export it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pcn_assistant.core import clock, nhs_number
from pcn_assistant.core import referral_lifecycle as life
from pcn_assistant.services.safe_cells import clean_row, save_workbook

FORMAT_ID = "pcn-assistant-returns/1"
SHEET = "Referrals"
META_SHEET = "_pcn"

REFERENCE, SERVICE, REFERRED_ON, CURRENT, NAME, PHONE, NEEDS = (
    "Reference", "Service", "Referred on", "Current status", "Name", "Phone", "Individual requirements")
STATUS, STATUS_DATE, ATTENDANCE, ATTENDANCE_DATE, NOTES = (
    "Status", "Status date", "Attendance", "Attendance date", "Notes")
COLUMNS = (REFERENCE, SERVICE, REFERRED_ON, CURRENT, NAME, PHONE, STATUS, STATUS_DATE, ATTENDANCE,
           ATTENDANCE_DATE, NOTES, NEEDS)
EDITABLE = (STATUS, STATUS_DATE, ATTENDANCE, ATTENDANCE_DATE, NOTES)
WIDTHS = {REFERENCE: 13, SERVICE: 30, REFERRED_ON: 12, CURRENT: 15, NAME: 24, PHONE: 15, NEEDS: 30, STATUS: 13,
          STATUS_DATE: 13, ATTENDANCE: 15, ATTENDANCE_DATE: 15, NOTES: 40}
STATUS_CHOICES = {"Accepted": life.ACCEPTED, "Declined": life.DECLINED, "Completed": life.COMPLETED}
ATTENDANCE_CHOICES = {"Attended": life.ATTENDED, "Did not attend": life.DID_NOT_ATTEND}
NOT_SHARED = "Not shared"
DATE_FORMAT = "dd/mm/yyyy"

_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_EDIT_FILL = PatternFill("solid", fgColor="FFF8DC")


@dataclass(frozen=True)
class ReturnsLine:
    reference: str
    service: str
    sent_on: date | None
    status: str
    name: str | None  # only when the person agreed to share it
    phone: str | None
    requirements: str | None = None  # communication needs etc., only with the name


def write_returns_workbook(path: Path, organisation: str, organisation_id: str, lines: list[ReturnsLine], *,
                           exported_on: date, exported_by: str, pcn_name: str) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for column, title in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=column)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[title]
    for line in lines:
        sheet.append(clean_row([line.reference, line.service, line.sent_on, life.label(line.status),
                                line.name or NOT_SHARED, line.phone or "", None, None, None, None, None,
                                line.requirements or ""]))
    last = max(sheet.max_row, 2)
    editable = {COLUMNS.index(c) + 1 for c in EDITABLE}
    for row in range(2, last + 1):
        for column in range(1, len(COLUMNS) + 1):
            cell = sheet.cell(row=row, column=column)
            if COLUMNS[column - 1] in (REFERRED_ON, STATUS_DATE, ATTENDANCE_DATE):
                cell.number_format = DATE_FORMAT
            if column in editable:
                cell.protection = Protection(locked=False)
                cell.fill = _EDIT_FILL
    letter = {c: get_column_letter(COLUMNS.index(c) + 1) for c in COLUMNS}
    status_list = DataValidation(type="list", formula1='"' + ",".join(STATUS_CHOICES) + '"', allow_blank=True,
                                 showErrorMessage=True, errorTitle="Status",
                                 error="Choose Accepted, Declined or Completed from the list")
    attendance_list = DataValidation(type="list", formula1='"' + ",".join(ATTENDANCE_CHOICES) + '"',
                                     allow_blank=True, showErrorMessage=True, errorTitle="Attendance",
                                     error="Choose Attended or Did not attend from the list")
    dates = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)", formula2="TODAY()",
                           allow_blank=True, showErrorMessage=True, errorTitle="Date",
                           error="Enter the date it happened (not a future date), e.g. 14/11/2026")
    for validation in (status_list, attendance_list, dates):
        sheet.add_data_validation(validation)
    status_list.add(f"{letter[STATUS]}2:{letter[STATUS]}{last}")
    attendance_list.add(f"{letter[ATTENDANCE]}2:{letter[ATTENDANCE]}{last}")
    dates.add(f"{letter[STATUS_DATE]}2:{letter[STATUS_DATE]}{last}")
    dates.add(f"{letter[ATTENDANCE_DATE]}2:{letter[ATTENDANCE_DATE]}{last}")
    sheet.freeze_panes = "B2"
    sheet.protection.sheet = True  # no password: it guards against slips, not people
    sheet.protection.formatColumns = False
    sheet.protection.sort = False
    sheet.protection.autoFilter = False

    guide = workbook.create_sheet("How to fill this in")
    guide.column_dimensions["A"].width = 100
    for text in (
        f"Referral returns for {organisation}",
        f"From {pcn_name}, made on {exported_on:%d %B %Y}.",
        "",
        "Each row is one person we referred to you, named by a reference code. Their name is shown only "
        "if they agreed to share it with you.",
        "1. Status: choose Accepted or Declined when you have replied, and Completed when they have "
        "finished. Put the date in Status date.",
        "2. Attendance: once accepted, choose Attended (first session they came to) or Did not attend, "
        "with the date.",
        "3. Notes: anything we should know (optional). Please do not add health details.",
        "Leave a row blank if nothing has changed. Please send the workbook back to us by secure email.",
    ):
        guide.append(clean_row([text]))
    guide["A1"].font = Font(bold=True, size=14)
    for row in guide.iter_rows(min_row=2):
        row[0].alignment = Alignment(wrap_text=True)

    meta = workbook.create_sheet(META_SHEET)
    for key, value in (("format", FORMAT_ID), ("organisation_id", organisation_id),
                       ("organisation", organisation), ("exported_on", exported_on.isoformat()),
                       ("exported_by", exported_by), ("references", len(lines))):
        meta.append(clean_row([key, value]))
    meta.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(workbook, path)


def parse_cell_date(value: object) -> date | None:
    """A date typed or picked in a spreadsheet: a real date, or text dd/mm/yyyy or yyyy-mm-dd."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (use dd/mm/yyyy)")


def write_coding_workbook(path: Path, rows: list, practice_code: str, practice_name: str) -> None:
    """The practice's coding worklist: NHS number, code, term and date, one row per entry."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "To code"
    header = ["NHS number", "Date of birth", "SNOMED CT code", "Term", "Date", "Coded", "Coded on"]
    sheet.append(header)
    for column, width in enumerate((14, 13, 18, 52, 12, 8, 12), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.cell(row=1, column=column).font = Font(bold=True)
        sheet.cell(row=1, column=column).fill = _HEADER_FILL
    for row in rows:
        sheet.append(clean_row([nhs_number.format_334(row.nhs_number), row.date_of_birth, row.code, row.term,
                                row.event_on, "Yes" if row.coded else "No", row.coded_on]))
    for row_cells in sheet.iter_rows(min_row=2):
        for index in (1, 4, 6):
            row_cells[index].number_format = DATE_FORMAT
        row_cells[2].number_format = "@"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:G{max(sheet.max_row, 1)}"
    about = workbook.create_sheet("About")
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 90
    for key, value in (
        ("Practice", f"{practice_name} ({practice_code})"),
        ("Made on", clock.today().strftime("%d %B %Y")),
        ("What to do", "Enter each SNOMED CT code in the person's GP record, dated as shown. Entries "
                       "tick themselves off when a later extract shows the code."),
        ("871731000000106", "Referral to social prescribing service: once per episode, when the person "
                            "accepts a referral to the link worker."),
        ("871711000000103", "Social prescribing declined: when the person declines."),
    ):
        about.append(clean_row([key, value]))
        about.cell(row=about.max_row, column=1).font = Font(bold=True)
        about.cell(row=about.max_row, column=2).alignment = Alignment(wrap_text=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_workbook(workbook, path)
