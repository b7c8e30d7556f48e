"""Hostile and broken inputs (issue 14): each must end in a clean one-line refusal or a
clean import, never a crash, an exhausted machine or a half-written database.

Items: 1 condition columns mixing Y, blanks and dates; 2 duplicate NHS numbers at scale
and capped report/stored sizes; 3 xlsx files that declare huge sheets; 4 other raw
exceptions a user can cause; 6 a kill between an import and its stratification;
7 leftover backup/restore partial files; 8 the CLI on a damaged database.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

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
