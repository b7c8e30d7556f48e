"""The patients import service on SQLite and PostgreSQL: mapping, checks, writing,
re-import, full lists, strict mode, practices, history and audit."""

from datetime import date

import pytest
from sqlalchemy import select

from pcn_assistant.errors import InvalidInput, PermissionDenied
from pcn_assistant.services import hooks
from pcn_assistant.services.patient_import import (
    ImportOptions,
    StrictRefusal,
    import_patients,
    inspect_file,
)
from pcn_assistant.services.patient_import.history import batch_problems, patient_changes
from pcn_assistant.services.patient_import.mapping import list_profiles, save_profile
from pcn_assistant.services.security import LINK_WORKER, LOCAL_ADMIN, Actor
from pcn_assistant.store.models import (
    AuditEvent,
    ImportBatch,
    ImportChange,
    ImportRejectedRow,
    Practice,
)
from tests.import_samples import (
    HEADER,
    add_practices,
    conditions,
    nhs,
    patients,
    person,
    table_counts,
    write_csv,
)

TODAY = date(2026, 11, 1)
OPTIONS = ImportOptions(today=TODAY, notify=False)


def run(db, path, **changes):
    from dataclasses import replace

    return import_patients(db, LOCAL_ADMIN, path, replace(OPTIONS, **changes))


def test_import_inserts_maps_synonyms_and_normalises(db, tmp_path):
    add_practices(db)
    path = write_csv(tmp_path / "emis.csv", [person(0, diabetes="Y", af="12/03/2019"), person(1, sex="Male", meds="")],
                     title_lines=("Patients over 65",))
    result = run(db, path)
    assert (result.rows_read, result.inserted, result.updated, result.unchanged, result.rejected) == (2, 2, 0, 0, 0)
    stored = patients(db)
    first = stored[nhs(0)]
    assert first.date_of_birth == date(1941, 7, 3) and first.sex == "F" and first.postcode == "FY1 1AB"
    assert first.family_name_lc == "smith" and first.medication_count == 3 and first.registration_status == "registered"
    assert stored[nhs(1)].sex == "M" and stored[nhs(1)].medication_count is None  # blank: not supplied
    assert conditions(db) == {(nhs(0), "diabetes", "flag"), (nhs(0), "atrial_fibrillation", "flag")}


def test_second_import_of_the_same_file_changes_nothing_and_says_so(db, tmp_path):
    add_practices(db)
    path = write_csv(tmp_path / "list.csv", [person(i, diabetes="Y" if i % 2 else "N") for i in range(5)])
    first = run(db, path)
    before = table_counts(db)
    second = run(db, path)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 5)
    assert second.status == "unchanged" and not second.changed
    assert "Nothing changed" in second.message and f"import #{first.batch_id}" in second.message
    after = table_counts(db)
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {"import_batch": 1, "audit_event": 1}


def test_update_by_nhs_number_records_what_changed(db, tmp_path):
    add_practices(db)
    run(db, write_csv(tmp_path / "a.csv", [person(0, diabetes="Y"), person(1)]))
    result = run(db, write_csv(tmp_path / "b.csv", [person(0, practice="Y90002", postcode="FY2 9ZZ", diabetes="N", af="Y"),
                                                   person(1), person(2)]))
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 1)
    moved = patients(db)[nhs(0)]
    with db.session() as session:
        y90002 = session.execute(select(Practice.id).where(Practice.ods_code == "Y90002")).scalar_one()
    assert moved.practice_id == y90002 and moved.postcode == "FY2 9ZZ"
    assert (nhs(0), "diabetes", "flag") not in conditions(db) and (nhs(0), "atrial_fibrillation", "flag") in conditions(db)
    history = patient_changes(db, LOCAL_ADMIN, moved.id)
    assert [h.action for h in history] == ["updated", "added"]
    assert history[0].changes["postcode"] == ["FY1 1AB", "FY2 9ZZ"]
    assert history[0].changes["practice_id"][1] == y90002
    assert history[0].changes["conditions"] == {"added": ["atrial_fibrillation"], "removed": ["diabetes"]}


def test_columns_not_in_the_file_are_left_alone(db, tmp_path):
    add_practices(db)
    run(db, write_csv(tmp_path / "full.csv", [person(0, diabetes="Y")]))
    short = write_csv(tmp_path / "short.csv", [[nhs(0), "03/07/1941", "F", "Y90001"]], header=HEADER[:4])
    assert run(db, short).unchanged == 1
    stored = patients(db)[nhs(0)]
    assert stored.medication_count == 3 and stored.given_name == "Ada"
    assert (nhs(0), "diabetes", "flag") in conditions(db)


def test_every_problem_reported_with_row_column_value_and_message(db, tmp_path):
    add_practices(db)
    rows = [person(0), person(1, dob="31/02/1950"), person(2, sex="Q", postcode="nowhere"),
            [nhs(3)[:9] + "0", "03/07/1941", "F", "Y90001", "", "", "", "maybe", "", "-2"], person(0, given="Twin")]
    result = run(db, write_csv(tmp_path / "bad.csv", rows, title_lines=("Title",)))
    assert (result.inserted, result.rejected) == (0, 5)
    problems = {(e.row, e.column, e.value, e.message) for e in result.errors}
    assert (4, "Date of Birth", "31/02/1950", "Not a real date") in problems
    assert (5, "Gender", "Q", "Sex must be M, F or U (or Male, Female, Unknown, Indeterminate)") in problems
    assert (5, "Postcode", "nowhere", "Not a UK postcode") in problems
    assert (6, "Diabetes", "maybe", "Expected Y/N, Yes/No, 1/0, True/False or a date") in problems
    assert (6, "Number of medicines", "-2", "Number of medicines must not be negative") in problems
    assert any(e.row == 6 and e.column == "NHS Number" and "Modulus 11" in e.message for e in result.errors)
    duplicate = "The same NHS number is on 2 rows of this file (rows 3, 7); none of them is imported"
    assert (3, "NHS Number", nhs(0), duplicate) in problems  # a duplicate group is reported once
    assert not any(e.row == 7 for e in result.errors)
    _summary, kept = batch_problems(db, LOCAL_ADMIN, result.batch_id)  # each kept row has its reason
    assert (7, "NHS Number", nhs(0), "The same NHS number as row 3 (2 rows in all); none of them is imported") in {
        (e.row, e.column, e.value, e.message) for e in kept}


def test_rejected_rows_kept_whole_with_reasons(db, tmp_path):
    add_practices(db)
    result = run(db, write_csv(tmp_path / "x.csv", [person(0), person(1, dob="yesterday")]))
    with db.session() as session:
        kept = session.execute(select(ImportRejectedRow)).scalars().one()
    assert kept.batch_id == result.batch_id and kept.row_number == 3
    assert kept.raw["NHS Number"] == nhs(1) and kept.raw["Forename"] == "Ada" and len(kept.raw) == len(HEADER)
    assert kept.reasons.startswith("Date of Birth: Not a date in a recognised format")
    summary, problems = batch_problems(db, LOCAL_ADMIN, result.batch_id)
    assert summary.rejected == 1 and problems[0].column == "Date of Birth" and problems[0].value == "yesterday"


def test_strict_refuses_the_whole_file_and_changes_nothing(db, tmp_path):
    add_practices(db)
    before = table_counts(db)
    with pytest.raises(StrictRefusal) as refused:
        run(db, write_csv(tmp_path / "x.csv", [person(0), person(1, sex="")]), strict=True)
    assert refused.value.exit_code == 4
    assert refused.value.result.rejected == 1 and refused.value.result.errors[0].row == 3
    assert table_counts(db) == before


def test_unknown_practice_is_a_row_error_unless_creating(db, tmp_path):
    add_practices(db)
    path = write_csv(tmp_path / "x.csv", [person(0), person(1, practice="Y99999"), person(2, practice="X1")])
    result = run(db, path)
    assert result.inserted == 1
    messages = {e.row: e.message for e in result.errors}
    assert messages[3].startswith("Practice Y99999 is not one of this PCN's practices")
    assert messages[4].startswith("Practice code must be an ODS code")
    created = run(db, path, create_practices=True)
    assert created.inserted == 1 and created.practices_created == ["Y99999"]
    with db.session() as session:
        practice = session.execute(select(Practice).where(Practice.ods_code == "Y99999")).scalar_one()
        assert practice.pcn_id is not None


def test_practice_option_for_a_file_without_a_practice_column(db, tmp_path):
    add_practices(db)
    header = ["NHS Number", "DOB", "Sex"]
    path = write_csv(tmp_path / "single.csv", [[nhs(0), "1941-07-03", "F"]], header=header)
    with pytest.raises(InvalidInput, match="Required column missing: Practice code.*--practice"):
        run(db, path)
    with pytest.raises(InvalidInput, match="not an ODS practice code"):
        run(db, path, practice="nope")
    assert run(db, path, practice="y90002").inserted == 1


def test_required_columns_missing_is_unusable(db, tmp_path):
    add_practices(db)
    path = write_csv(tmp_path / "x.csv", [[nhs(0), "Smith", "F"]], header=["NHS Number", "Surname", "Sex"])
    with pytest.raises(InvalidInput, match="Required columns missing: Date of birth, Practice code"):
        run(db, path)


def test_full_list_marks_missing_patients_left_never_deletes(db, tmp_path):
    add_practices(db)
    run(db, write_csv(tmp_path / "a.csv", [person(0), person(1), person(2), person(3, practice="Y90002")]))
    result = run(db, write_csv(tmp_path / "b.csv", [person(0), person(2, dob="bad date")]), full_list=True)
    assert result.left == 1 and result.rejected == 1
    stored = patients(db)
    assert len(stored) == 4
    assert stored[nhs(1)].registration_status == "left" and stored[nhs(1)].left_practice_date == TODAY
    assert stored[nhs(2)].registration_status == "registered"  # rejected, not missing
    assert stored[nhs(3)].registration_status == "registered"  # another practice's list
    back = run(db, write_csv(tmp_path / "c.csv", [person(0), person(1), person(2)]), full_list=True)
    assert back.updated == 1 and back.left == 0
    assert patients(db)[nhs(1)].registration_status == "registered" and patients(db)[nhs(1)].left_practice_date is None
    with db.session() as session:
        actions = session.execute(select(ImportChange.action).where(ImportChange.patient_id == stored[nhs(1)].id)
                                  .order_by(ImportChange.id)).scalars().all()
    assert actions == ["added", "left", "returned"]


def test_audit_records_the_import_without_identifiers(db, tmp_path):
    add_practices(db)
    result = run(db, write_csv(tmp_path / "register.csv", [person(0, given="Zebedee")]))
    with db.session() as session:
        event = session.execute(select(AuditEvent).where(AuditEvent.action == "import.patients")).scalar_one()
        batch = session.get(ImportBatch, result.batch_id)
    assert event.entity_id == str(result.batch_id) and "register.csv" in event.summary and "1 rows read" in event.summary
    assert nhs(0) not in event.summary and "Zebedee" not in event.summary
    assert batch.file_name == "register.csv" and batch.status == "committed" and batch.inserted == 1
    assert batch.details["mapping"]["Gender"] == "sex"


def test_saved_mapping_is_offered_and_used(db, tmp_path):
    add_practices(db)
    header = ["Pt Ident", "Born", "M/F", "Surgery"]
    path = write_csv(tmp_path / "odd.csv", [[nhs(0), "03/07/1941", "F", "Y90001"]], header=header)
    with pytest.raises(InvalidInput, match="No header row found"):
        run(db, path)
    save_profile(db, LOCAL_ADMIN, "Odd surgery", "patients",
                 {"Pt Ident": "nhs_number", "Born": "date_of_birth", "M/F": "sex", "Surgery": "practice_code"})
    preview = inspect_file(db, LOCAL_ADMIN, path)
    assert preview.profile == "Odd surgery" and preview.mapping["Born"] == "date_of_birth"
    assert run(db, path, profile="Odd surgery").inserted == 1
    assert list_profiles(db, LOCAL_ADMIN, "patients")[0].last_used_at is not None
    with pytest.raises(InvalidInput, match="No saved mapping named 'Nope'; saved patients mappings: Odd surgery"):
        run(db, path, profile="Nope")


def test_explicit_mapping_and_saving_it(db, tmp_path):
    add_practices(db)
    path = write_csv(tmp_path / "x.csv", [person(0)])
    mapping = {column: "" for column in HEADER}
    mapping.update({"NHS Number": "nhs_number", "Date of Birth": "date_of_birth", "Gender": "sex",
                    "Practice Code": "practice_code"})
    result = run(db, path, mapping=mapping, save_profile="Minimal")
    assert result.inserted == 1 and patients(db)[nhs(0)].given_name is None
    assert [p.name for p in list_profiles(db, LOCAL_ADMIN)] == ["Minimal"]
    with pytest.raises(InvalidInput, match="Two columns map to Sex"):
        run(db, path, mapping={**mapping, "Forename": "sex"})


def test_hooks_run_after_a_change_only(db, tmp_path, monkeypatch):
    add_practices(db)
    calls = []
    monkeypatch.setattr(hooks, "AFTER_PATIENT_DATA_CHANGE", [lambda d, a: calls.append(a.name)])
    path = write_csv(tmp_path / "x.csv", [person(0)])
    import_patients(db, LOCAL_ADMIN, path, ImportOptions(today=TODAY))
    import_patients(db, LOCAL_ADMIN, path, ImportOptions(today=TODAY))
    assert calls == [LOCAL_ADMIN.name]


def test_only_roles_allowed_to_import_can(db, tmp_path):
    add_practices(db)
    with pytest.raises(PermissionDenied):
        import_patients(db, Actor("lw", LINK_WORKER), write_csv(tmp_path / "x.csv", [person(0)]))


def test_cancel_rolls_back(db, tmp_path):
    from pcn_assistant.services.patient_import import import_patients_steps

    add_practices(db)
    before = table_counts(db)
    steps = import_patients_steps(db, LOCAL_ADMIN, write_csv(tmp_path / "x.csv", [person(i) for i in range(30)]), OPTIONS)
    labels = []
    for _done, _total, label in steps:
        labels.append(label)
        if label.startswith("Adding patients"):
            steps.close()  # what Cancel does
            break
    assert any(label.startswith("Adding patients") for label in labels)
    assert table_counts(db) == before
