"""Hostile and broken inputs (issue 14): each must end in a clean one-line refusal or a
clean import, never a crash, an exhausted machine or a half-written database.

Items: 1 condition columns mixing Y, blanks and dates; 2 duplicate NHS numbers at scale
and capped report/stored sizes; 3 xlsx files that declare huge sheets; 4 other raw
exceptions a user can cause; 6 a kill between an import and its stratification;
7 leftover backup/restore partial files; 8 the CLI on a damaged database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import input_limits, xlsx_guard
from pcn_assistant.services.database import open_database
from pcn_assistant.services.patient_import import ImportOptions, import_patients
from pcn_assistant.services.patient_import.history import batch_problems
from pcn_assistant.services.patient_import.service import MAX_STORED_REJECTED
from pcn_assistant.services.patient_import.validate import MAX_TEXT
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.store.models import ImportRejectedRow, PatientCondition
from tests.import_samples import (
    HEADER,
    add_practices,
    nhs,
    patients,
    person,
    table_counts,
    write_csv,
)

TODAY = date(2026, 11, 1)
OPTIONS = ImportOptions(today=TODAY, notify=False)


# --- 1. condition columns that mix Y, blanks and dates ----------------------------------------

def _mixed_rows() -> tuple[list[list[str]], dict[int, str]]:
    """20 good rows whose Diabetes/AF columns mix Y, blank, N and dates, and 11 bad rows
    (spreadsheet row -> the column the problem is in)."""
    flags = ["Y", "", "03/04/2015", "N", "y", "2019-12-01"]
    good = [person(i, diabetes=flags[i % 6], af=flags[(i + 2) % 6]) for i in range(20)]
    bad = [
        person(20, dob="31/02/1950"),  # not a real date
        person(21, sex="Q"),
        person(22, postcode="nowhere"),
        person(23, diabetes="maybe"),
        person(24, af="03/04/2031"),  # a future date in a yes/no column
        person(25, meds="-2"),
        person(26, practice="Y99999"),  # not one of this PCN's practices
        [nhs(27)[:9] + str((int(nhs(27)[9]) + 1) % 10), "03/07/1941", "F", "Y90001", "", "", "", "Y", "", "1"],
        person(28, dob="01/01/1890"),  # older than 120
        person(29, diabetes="Y"), person(29, diabetes="03/04/2015"),  # the same NHS number twice
    ]
    first_bad = 2 + len(good)
    columns = ["Date of Birth", "Gender", "Postcode", "Diabetes", "AF", "Number of medicines", "Practice Code",
               "NHS Number", "Date of Birth", "NHS Number", "NHS Number"]
    return good + bad, {first_bad + i: column for i, column in enumerate(columns)}


def test_mixed_flag_and_date_condition_columns_import_and_reimport_is_a_no_op(db, tmp_path):
    add_practices(db)
    rows, bad = _mixed_rows()
    path = write_csv(tmp_path / "emis-conditions.csv", rows)
    result = import_patients(db, LOCAL_ADMIN, path, OPTIONS)
    assert (result.rows_read, result.inserted, result.rejected) == (31, 20, 11)
    stored = patients(db)
    assert set(stored) == {nhs(i) for i in range(20)}
    with db.session() as session:
        kept = {r.row_number for r in session.execute(select(ImportRejectedRow)).scalars()}
        dated = dict(session.execute(
            select(PatientCondition.patient_id, PatientCondition.recorded_on)
            .where(PatientCondition.condition_key == "diabetes")).all())
    assert kept == set(bad)
    reported = {e.row for e in result.errors}
    assert reported == set(bad) - {max(bad)}  # the duplicate pair is reported once, on its first row
    for error in result.errors:
        assert error.column == bad[error.row], error
    # A flag with no date is present with an unknown date; a dated one keeps its date.
    assert dated[stored[nhs(0)].id] is None and dated[stored[nhs(2)].id] == date(2015, 4, 3)
    assert dated[stored[nhs(5)].id] == date(2019, 12, 1) and stored[nhs(1)].id not in dated

    before = table_counts(db)
    again = import_patients(db, LOCAL_ADMIN, path, OPTIONS)
    assert (again.inserted, again.updated, again.unchanged, again.rejected) == (0, 0, 20, 11)
    assert "Nothing changed" in again.message
    after = table_counts(db)
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {
        "import_batch": 1, "audit_event": 1, "import_rejected_row": 11}


# --- 2. duplicate NHS numbers at scale; capped sizes --------------------------------------------

def test_200k_copies_of_one_nhs_number_are_one_problem_and_capped_storage(db, tmp_path):
    add_practices(db)
    line = ",".join(person(0, diabetes="Y"))
    path = tmp_path / "one-number.csv"
    path.write_text(",".join(HEADER) + "\n" + "\n".join([line] * 200_000) + "\n", encoding="utf-8")
    result = import_patients(db, LOCAL_ADMIN, path, OPTIONS)
    assert (result.rows_read, result.inserted, result.rejected) == (200_000, 0, 200_000)
    assert len(result.errors) == 1
    [error] = result.errors
    assert error.row == 2 and error.column == "NHS Number" and len(error.message) <= MAX_TEXT
    assert error.message == ("The same NHS number is on 200,000 rows of this file "
                             "(rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 199,990 more); none of them is imported")
    assert result.rejected_not_kept == 200_000 - MAX_STORED_REJECTED and "190,000 more" in result.message
    with db.session() as session:
        count, longest = session.execute(
            select(func.count(), func.max(func.length(ImportRejectedRow.reasons)))).one()
    assert count == MAX_STORED_REJECTED and longest <= 2 * MAX_TEXT
    assert patients(db) == {}


def test_huge_cells_are_clipped_in_reports_and_stored_rows(db, tmp_path):
    add_practices(db)
    huge = "x" * 1_000_000
    path = write_csv(tmp_path / "huge.csv", [person(0), person(1, dob=huge, given=huge)])
    result = import_patients(db, LOCAL_ADMIN, path, OPTIONS)
    assert (result.inserted, result.rejected) == (1, 1)
    assert all(len(e.value) <= MAX_TEXT and len(e.message) <= MAX_TEXT for e in result.errors)
    assert result.errors[0].value.startswith("xxx") and result.errors[0].value.endswith("\u2026")
    with db.session() as session:
        kept = session.execute(select(ImportRejectedRow)).scalars().one()
    assert max(len(v) for v in kept.raw.values()) <= MAX_TEXT
    _summary, problems = batch_problems(db, LOCAL_ADMIN, result.batch_id)
    assert problems and all(len(p.value) <= MAX_TEXT for p in problems)


# --- 3. workbooks that declare or hold a sheet too big to allocate ------------------------------

def tiny_workbook(path: Path, *, dimension: str | None = "A1:XFD1048576", cells: str = "") -> Path:
    """A hand-built xlsx zip of a few KB: one sheet with a header row and ``cells``."""
    header = ('<row r="1"><c r="A1" t="inlineStr"><is><t>NHS Number</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>Date of Birth</t></is></c></row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    main = "http://schemas.openxmlformats.org"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            f'<Types xmlns="{main}/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            f'<Relationships xmlns="{main}/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{main}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{main}/spreadsheetml/2006/main" xmlns:r="{main}/officeDocument/2006/relationships">'
            '<sheets><sheet name="Referrals" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'<Relationships xmlns="{main}/package/2006/relationships"><Relationship Id="rId1" '
            f'Type="{main}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '</Relationships>'))
        archive.writestr("xl/worksheets/sheet1.xml", (
            f'<worksheet xmlns="{main}/spreadsheetml/2006/main">{dim}<sheetData>{header}{cells}'
            '</sheetData></worksheet>'))
    return path


def run_cli(database: Path, *args: str) -> subprocess.CompletedProcess:
    """The real command in its own process: an abort there shows as exit 134, not a crash here."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "pcn_assistant", "--database", str(database), *args],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.parametrize("kind", ["patients", "events", "indicators", "returns"])
def test_workbook_declaring_the_whole_grid_is_refused_in_one_line(tmp_path, kind):
    bomb = tiny_workbook(tmp_path / "claims-everything.xlsx")
    assert bomb.stat().st_size < 5_000
    database = tmp_path / "pcn.db"
    open_database(database).dispose()
    run = run_cli(database, "import", kind, str(bomb))
    assert run.returncode == 3, run.stderr[-2000:]
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "1,048,576 rows x 16,384 columns" in run.stderr and "not opened" in run.stderr


def test_cells_far_apart_or_without_references_are_refused_before_reading(tmp_path):
    """Cells at A1 and XFD1048576 (the dimension says A1:B2) ask the reader for 512 GB."""
    files = {
        "far-apart.xlsx": tiny_workbook(tmp_path / "far-apart.xlsx", dimension="A1:B2",
                                        cells='<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
        "lower-case.xlsx": tiny_workbook(tmp_path / "lower-case.xlsx", dimension=None,
                                         cells='<row r="9"><c r="xfd9"><v>1</v></c></row>'),
        "unreferenced.xlsx": tiny_workbook(tmp_path / "unreferenced.xlsx", dimension=None,
                                           cells="<row>" + "<c/>" * 1500 + "</row>"),
        "rows-unreferenced.xlsx": tiny_workbook(tmp_path / "rows-unreferenced.xlsx", dimension="A1:B2",
                                                cells='<row r="999999"><c r="A999999"/></row><row><c r="ZZ1"/></row>'),
    }
    script = textwrap.dedent("""
        import sys
        from pcn_assistant.errors import InvalidInput
        from pcn_assistant.services.patient_import.readers import read_table
        for path in sys.argv[1:]:
            try:
                read_table(path, {"nhsnumber", "dateofbirth"})
                print("READ", path)
            except InvalidInput as error:
                print("REFUSED", error)
    """)
    run = subprocess.run([sys.executable, "-c", script, *map(str, files.values())], capture_output=True, text=True,
                         timeout=300, env={**os.environ})
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert len(lines) == len(files) and all(line.startswith("REFUSED") for line in lines), lines
    assert "far-apart.xlsx: sheet sheet1.xml has cells over 1,048,576 rows x 16,384 columns" in lines[0]


def test_a_sound_workbook_still_reads_and_the_guard_is_exact_at_the_limits(tmp_path):
    from pcn_assistant.services.patient_import.readers import read_table

    ok = tiny_workbook(tmp_path / "ok.xlsx", dimension="A1:ALL3",
                       cells=f'<row r="2"><c r="A2" t="inlineStr"><is><t>{nhs(0)}</t></is></c>'
                             '<c r="ALL2" t="inlineStr"><is><t>x</t></is></c></row>')
    table = read_table(ok, {"nhsnumber", "dateofbirth"})
    assert table.rows_read == 1 and table.frame.iloc[0, 0] == nhs(0) and table.columns[-1] == "Column 1000"
    too_wide = tiny_workbook(tmp_path / "wide.xlsx", dimension=None, cells='<row r="2"><c r="ALM2"/></row>')
    with pytest.raises(InvalidInput, match="2 rows x 1,001 columns"):
        xlsx_guard.check_workbook(too_wide, "wide.xlsx")
    many = tiny_workbook(tmp_path / "many.xlsx", dimension=None,
                         cells=f'<row r="{xlsx_guard.MAX_CELLS // 40 + 1}"><c r="AN{xlsx_guard.MAX_CELLS // 40 + 1}"/></row>')
    with pytest.raises(InvalidInput, match="beyond the limits"):
        xlsx_guard.check_workbook(many, "many.xlsx")


def test_zip_bombs_and_unsupported_workbooks_are_refused(tmp_path, monkeypatch):
    bomb = tiny_workbook(tmp_path / "bomb.xlsx", dimension="A1:B2")
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"\0" * 20_000_000)  # 20 MB of zeros, 20 KB packed
    assert bomb.stat().st_size < 100_000
    monkeypatch.setattr(input_limits, "MAX_UNCOMPRESSED", 10_000_000)
    with pytest.raises(InvalidInput, match="would unpack to 19 MB"):
        xlsx_guard.check_workbook(bomb, "bomb.xlsx")
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000)
    with pytest.raises(InvalidInput, match=r"Excel 97-2003 \(.xls\).*save it as .xlsx or CSV"):
        xlsx_guard.check_workbook(old, "old.xls")
    ods = tmp_path / "sheet.ods"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(InvalidInput, match="not an Excel .xlsx workbook"):
        xlsx_guard.check_workbook(ods, "sheet.ods")
