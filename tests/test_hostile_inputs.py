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

import pytest
from sqlalchemy import func, select

from pcn_assistant.cli import main
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import backup, health, hooks, input_limits, xlsx_guard
from pcn_assistant.services.database import open_database
from pcn_assistant.services.patient_import import ImportOptions, import_patients
from pcn_assistant.services.patient_import.history import batch_problems
from pcn_assistant.services.patient_import.service import MAX_STORED_REJECTED
from pcn_assistant.services.patient_import.validate import MAX_TEXT
from pcn_assistant.services.risk import stratify
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.store.models import ImportRejectedRow, Patient, PatientCondition
from pcn_assistant.store.models.risk import RiskAssessment
from tests.hostile_samples import dead_pid, flip_a_page, kill_when_paused, run_cli, tiny_workbook
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


def test_mixed_condition_columns_from_a_real_excel_workbook(db, tmp_path):
    """The same extract saved from Excel: the dates in the flag columns are real date cells."""
    from datetime import datetime

    from openpyxl import Workbook

    rows, bad = _mixed_rows()
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    flag_columns = {HEADER.index("Diabetes"), HEADER.index("AF")}
    for row in rows:
        cells: list[object] = list(row)
        for index in flag_columns:
            text = row[index]
            if text.count("/") == 2:
                day, month, year = map(int, text.split("/"))
                cells[index] = datetime(year, month, day)
            elif text.count("-") == 2:
                cells[index] = datetime.fromisoformat(text)
        sheet.append(cells)
    path = tmp_path / "emis.xlsx"
    book.save(path)
    add_practices(db)
    result = import_patients(db, LOCAL_ADMIN, path, OPTIONS)
    assert (result.rows_read, result.inserted, result.rejected) == (31, 20, 11)
    assert {e.row for e in result.errors} == set(bad) - {max(bad)}
    stored = patients(db)
    with db.session() as session:
        dated = dict(session.execute(
            select(PatientCondition.patient_id, PatientCondition.recorded_on)
            .where(PatientCondition.condition_key == "diabetes")).all())
    assert dated[stored[nhs(0)].id] is None and dated[stored[nhs(2)].id] == date(2015, 4, 3)
    again = import_patients(db, LOCAL_ADMIN, path, OPTIONS)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 20)


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
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    book = Workbook()  # what Excel users make: title, merged cells, widths, comments, formulas
    sheet = book.active
    sheet.append(["Over 65s"])
    sheet.merge_cells("A1:D1")
    sheet.append(["NHS Number", "Date of Birth", "Gender"])
    for _ in range(500):
        sheet.append([nhs(0), date(1941, 7, 3), "F"])
    sheet.column_dimensions["A"].width = 20
    sheet["A3"].comment = Comment("checked", "PM")
    sheet["E3"] = "=1+1"
    book.create_sheet("Notes")["A1"] = "x"
    book.save(tmp_path / "rich.xlsx")
    assert read_table(tmp_path / "rich.xlsx", {"nhsnumber", "dateofbirth", "gender"}).rows_read == 500
    too_wide = tiny_workbook(tmp_path / "wide.xlsx", dimension=None, cells='<row r="2"><c r="ALM2"/></row>',
                             sheet="data/hidden.xml")  # wherever the relationships put the sheet
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


# --- 4. other raw exceptions become one-line errors with the right exit code --------------------

def one_line(capsys) -> tuple[str, str]:  # noqa: ANN001
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err, captured.err
    return captured.out, captured.err


@pytest.mark.parametrize("depth", [70, 100_000])
def test_deeply_nested_json_is_refused_in_one_line(db_url, tmp_path, capsys, depth):
    open_database(db_url).dispose()
    deep = tmp_path / "deep.json"
    deep.write_text("[" * depth + "]" * depth, encoding="utf-8")
    assert main(["--database", db_url, "import", "directory", str(deep)]) == 3
    _out, err = one_line(capsys)
    assert "nested" in err and "64 levels" in err


def test_json_depth_limit_is_exact():
    assert input_limits.json_depth(input_limits.load_json("[" * 64 + "]" * 64, "x"), 100) == 64
    with pytest.raises(InvalidInput, match="more than 64 levels"):
        input_limits.load_json('{"a":' * 65 + "1" + "}" * 65, "x")


def test_a_folder_a_csv_or_a_truncated_file_as_database_exit_3(tmp_path, capsys):
    folder = tmp_path / "folder.db"
    folder.mkdir()
    assert main(["--database", str(folder), "stats"]) == 3
    assert "is a folder, not a database file" in one_line(capsys)[1]
    csv_file = tmp_path / "patients.csv"
    csv_file.write_text("NHS Number,Date of Birth\n9990000018,03/07/1941\n", encoding="utf-8")
    assert main(["--database", str(csv_file), "stats"]) == 3
    assert "patients.csv is not a PCN Assistant database (it is not a SQLite file)" in one_line(capsys)[1]
    assert csv_file.read_text(encoding="utf-8").startswith("NHS Number")  # untouched
    real = tmp_path / "real.db"
    db = open_database(real)
    add_practices(db)
    db.dispose()
    truncated = tmp_path / "truncated.db"
    truncated.write_bytes(real.read_bytes()[: real.stat().st_size // 2])
    assert main(["--database", str(truncated), "stats"]) == 3
    err = one_line(capsys)[1]
    assert "truncated.db failed its integrity check" in err and "no good backup" in err


def test_an_output_name_too_long_exits_3(tmp_path, capsys):
    database = tmp_path / "pcn.db"
    open_database(database).dispose()
    out = tmp_path / ("a" * 300 + ".xlsx")
    assert main(["--database", str(database), "audit-trail", "export", "--out", str(out)]) == 3
    err = one_line(capsys)[1]
    assert "the file name is too long" in err and len(err) < 200


def test_a_dropped_audit_table_exits_3_naming_the_cure(db_url, tmp_path, capsys):
    db = open_database(db_url)
    add_practices(db)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE audit_event")
    db.dispose()
    path = write_csv(tmp_path / "list.csv", [person(0)])
    assert main(["--database", db_url, "import", "patients", str(path)]) == 3
    err = one_line(capsys)[1]
    assert "missing a table" in err and "audit_event" in err and "restore" in err
    db = open_database(db_url)
    try:
        assert patients(db) == {}  # the import's transaction rolled back whole
    finally:
        db.dispose()


# --- 6. a kill between an import's commit and its stratification ---------------------------------

def assessed(db) -> set[str]:  # noqa: ANN001
    with db.session() as session:
        return set(session.execute(select(Patient.nhs_number).join(
            RiskAssessment, RiskAssessment.patient_id == Patient.id).where(RiskAssessment.is_latest.is_(True))
        ).scalars())


def test_kill_after_import_commit_is_finished_by_the_next_command_and_by_stratify(db_url, tmp_path, capsys):
    db = open_database(db_url)
    add_practices(db)
    db.dispose()
    first = write_csv(tmp_path / "first.csv", [person(i, diabetes="Y") for i in range(5)])
    kill_when_paused(["--database", db_url, "import", "patients", str(first)], "after-import-commit")
    db = open_database(db_url)
    try:
        assert set(patients(db)) == {nhs(i) for i in range(5)} and assessed(db) == set()
        assert hooks.pending(db) is not None  # the import's own transaction recorded the owed work
        stratify(db, LOCAL_ADMIN)  # stratify alone repairs: nobody is left unassessed
        assert assessed(db) == {nhs(i) for i in range(5)}
    finally:
        db.dispose()

    second = write_csv(tmp_path / "second.csv", [person(i) for i in range(5, 8)])
    kill_when_paused(["--database", db_url, "import", "patients", str(second)], "after-import-commit")
    # Re-running the same import changes nothing, and still leaves nobody unassessed.
    assert main(["--database", db_url, "import", "patients", str(second)]) == 0
    assert "Nothing changed" in capsys.readouterr().out
    db = open_database(db_url)
    try:
        assert assessed(db) == {nhs(i) for i in range(8)} and hooks.pending(db) is None
    finally:
        db.dispose()

    third = write_csv(tmp_path / "third.csv", [person(8)])
    kill_when_paused(["--database", db_url, "import", "patients", str(third)], "after-import-commit")
    assert main(["--database", db_url, "stats"]) == 0  # any command finishes the owed work first
    db = open_database(db_url)
    try:
        assert nhs(8) in assessed(db) and hooks.pending(db) is None
        assert hooks.finish_pending(db) is False  # nothing owed: a no-op
    finally:
        db.dispose()

    fourth = write_csv(tmp_path / "fourth.csv", [person(9)])
    kill_when_paused(["--database", db_url, "import", "patients", str(fourth)], "after-import-commit")
    db = open_database(db_url)
    try:
        assert hooks.finish_pending(db) is True  # what the GUI runs at start
        assert nhs(9) in assessed(db) and hooks.pending(db) is None
    finally:
        db.dispose()


# --- 7. leftovers of interrupted backups and restores ---------------------------------------------

def test_a_killed_backup_leaves_nothing_beside_the_database_and_the_next_start_cleans_up(tmp_path, capsys):
    database = tmp_path / "pcn.db"
    db = open_database(database)
    add_practices(db)
    db.dispose()
    kill_when_paused(["--database", str(database), "backup"], "backup-copied")
    work = backup.in_progress_folder(database)
    left = list(work.glob("*"))
    assert len(left) == 1 and left[0].name.endswith(".partial") and left[0].stat().st_size > 0
    beside = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("pcn.db-"))  # not -wal/-shm
    assert beside == ["pcn-backups", "pcn.db"]  # nothing a user could take for data
    # Names older versions left beside the database, and a partial of a writer still running.
    legacy = [tmp_path / ".pcn.db.partial", tmp_path / "..pcn.db.restoring.partial", tmp_path / ".pcn.db.restoring"]
    for path in legacy:
        path.write_bytes(b"x" * 1000)
    dead = work / f".pcn-daily-2026-11-01.db.{dead_pid()}.partial"
    alive = work / f".pcn-daily-2026-11-01.db.{os.getppid()}.partial"
    dead.write_bytes(b"x")
    alive.write_bytes(b"x")
    assert main(["--database", str(database), "stats"]) == 0
    capsys.readouterr()
    assert not any(p.exists() for p in [*left, *legacy, dead])
    assert alive.exists()  # its writer is still running


def test_a_killed_restore_leaves_the_database_whole_and_is_cleaned_up(tmp_path, capsys):
    database = tmp_path / "pcn.db"
    db = open_database(database)
    add_practices(db)
    db.dispose()
    copy = tmp_path / "copy.db"
    assert main(["--database", str(database), "backup", "--out", str(copy)]) == 0
    before = database.read_bytes()
    kill_when_paused(["--database", str(database), "restore", str(copy)], "backup-copied")
    assert database.read_bytes() == before and backup.integrity_problems(database) == []
    assert list(backup.in_progress_folder(database).glob("*"))
    assert main(["--database", str(database), "stats"]) == 0
    capsys.readouterr()
    assert list(backup.in_progress_folder(database).glob("*")) == []


# --- 8. the CLI refuses a damaged database ------------------------------------------------------

def test_cli_refuses_a_damaged_database_naming_the_latest_good_backup(tmp_path, capsys):
    database = tmp_path / "pcn.db"
    db = open_database(database)
    add_practices(db)
    import_patients(db, LOCAL_ADMIN, write_csv(tmp_path / "list.csv", [person(i) for i in range(30)]), OPTIONS)
    good = backup.daily_backup(db)
    db.dispose()
    assert main(["--database", str(database), "stats"]) == 0
    capsys.readouterr()
    stamp = backup.backup_folder(database) / health.STAMP_NAME
    assert stamp.exists()  # a good check is recorded beside the database
    flip_a_page(database)
    for command in (["stats"], ["caseload", "export", "--out", str(tmp_path / "mdt.xlsx")]):
        assert main(["--database", str(database), *command]) == 3
        err = one_line(capsys)[1]
        assert "pcn.db failed its integrity check" in err and f"restore {good}" in err
    assert not (tmp_path / "mdt.xlsx").exists()
    # The cure still works on the damaged file, and the restored one is used again.
    assert main(["--database", str(database), "restore", str(good)]) == 0
    assert main(["--database", str(database), "stats", "--json"]) == 0
    assert '"patients": 30' in capsys.readouterr().out.replace(" ", "").replace('"patients":30', '"patients": 30')


def test_the_gui_refuses_a_workbook_bomb_and_keeps_running(qtbot, sqlite_db, tmp_path, monkeypatch):
    """In the GUI the reader's abort used to close the app with no message."""
    from pcn_assistant.gui.areas.imports import ImportsArea
    from pcn_assistant.gui.context import AppContext

    add_practices(sqlite_db)
    area = ImportsArea(AppContext(db=sqlite_db, actor=LOCAL_ADMIN))
    qtbot.addWidget(area)
    area.show()
    said = []
    monkeypatch.setattr("pcn_assistant.gui.areas.imports.QMessageBox.warning", lambda *a: said.append(a[2]))
    bomb = tiny_workbook(tmp_path / "bomb.xlsx", dimension="A1:B2",
                         cells='<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    before = table_counts(sqlite_db)
    area.file_edit.setText(str(bomb))
    area.start_import()
    qtbot.waitUntil(lambda: bool(said), timeout=30_000)
    assert "beyond the limits" in said[0] and "\n" not in said[0]
    assert area.isVisible() and area.import_button.isEnabled() and table_counts(sqlite_db) == before
