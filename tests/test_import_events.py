"""Coded events: stored once, mapped through the code lists to conditions and flags,
unknown codes counted and reported, not errors."""

import csv
from datetime import date

import pytest
from sqlalchemy import func, select

from pcn_assistant.core.codelists import (
    FRAILTY_KEYS,
    PATIENT_FLAG_KEYS,
    codelist_provenance,
    codelists,
    load_codelists,
)
from pcn_assistant.core.conditions import conditions as condition_catalogue
from pcn_assistant.services.patient_import import ImportOptions, import_patients
from pcn_assistant.services.patient_import.events import import_events
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.store.models import ImportChange, PatientCondition, PatientMeasure
from tests.import_samples import add_practices, conditions, nhs, patients, person, write_csv

TODAY = date(2026, 11, 1)
OPTIONS = ImportOptions(today=TODAY, notify=False)
EVENT_HEADER = ["NHS Number", "SNOMED Code", "Event Date", "Value", "Unit"]


@pytest.fixture
def register(db, tmp_path):
    add_practices(db)
    import_patients(db, LOCAL_ADMIN, write_csv(tmp_path / "reg.csv", [person(0, diabetes="Y"), person(1), person(2)]),
                    OPTIONS)
    return db


def events_file(tmp_path, rows, name="events.csv"):
    return write_csv(tmp_path / name, rows, header=EVENT_HEADER)


def test_events_set_conditions_flags_and_frailty(register, tmp_path):
    db = register
    rows = [
        [nhs(0), "49436004", "12/03/2019", "", ""],  # atrial fibrillation
        [nhs(0), "49436004", "01/01/2018", "", ""],  # earlier: the condition is dated by it
        [nhs(1), "160689007", "2024-01-02", "", ""],  # housebound: a patient column
        [nhs(1), "925791000000100", "2023-01-01", "", ""],  # mild frailty, then
        [nhs(1), "925831000000107", "2024-06-01", "", ""],  # moderate: the latest wins
        [nhs(2), "271649006", "2024-05-05", "142", "mmHg"],  # a code in no list
        [nhs(2), "271649006", "2024-05-06", "138", "mmHg"],
    ]
    result = import_events(db, LOCAL_ADMIN, events_file(tmp_path, rows), OPTIONS)
    assert (result.rows_read, result.inserted, result.unchanged, result.rejected) == (7, 7, 0, 0)
    assert result.updated == 2 and result.unknown_codes == {"271649006": 2}
    assert "set no condition" in result.message
    found = conditions(db)
    assert (nhs(0), "atrial_fibrillation", "event") in found and (nhs(0), "diabetes", "flag") in found
    with db.session() as session:
        dated = session.execute(select(PatientCondition.recorded_on)
                                .where(PatientCondition.condition_key == "atrial_fibrillation")).scalar_one()
        values = session.execute(select(PatientMeasure.value).where(PatientMeasure.code == "271649006")
                                 .order_by(PatientMeasure.recorded_on)).scalars().all()
        history = session.execute(select(ImportChange.changes).where(ImportChange.batch_id == result.batch_id)).scalars().all()
    assert dated == date(2018, 1, 1) and values == [142.0, 138.0]
    stored = patients(db)
    assert stored[nhs(1)].housebound is True and stored[nhs(1)].frailty_coded == "moderate"
    assert {"housebound": [None, True], "frailty_coded": [None, "moderate"]} in history  # not in the register file


def test_same_events_twice_add_nothing(register, tmp_path):
    path = events_file(tmp_path, [[nhs(0), "38341003", "2021-03-04", "", ""], [nhs(0), "38341003", "2021-03-04", "", ""]])
    first = import_events(register, LOCAL_ADMIN, path, OPTIONS)
    second = import_events(register, LOCAL_ADMIN, path, OPTIONS)
    assert (first.inserted, first.unchanged, first.updated) == (1, 1, 1)
    assert (second.inserted, second.unchanged, second.updated) == (0, 2, 0)
    assert second.status == "unchanged" and "Nothing changed" in second.message
    with register.session() as session:
        assert session.execute(select(func.count()).select_from(PatientMeasure)).scalar_one() == 1


def test_event_row_errors(register, tmp_path):
    rows = [[nhs(5), "38341003", "2021-03-04", "", ""],  # valid number, not on the register
            [nhs(0), "12", "2021-03-04", "", ""],
            [nhs(0), "38341003", "2031-03-04", "", ""],
            [nhs(0), "38341003", "", "", ""],
            [nhs(0), "38341003", "2021-03-04", "high", ""]]
    result = import_events(register, LOCAL_ADMIN, events_file(tmp_path, rows), OPTIONS)
    assert result.rejected == 5 and result.inserted == 0
    messages = [(e.row, e.column, e.message) for e in result.errors]
    assert (2, "NHS Number", "No patient with this NHS number is on the register: import the patient register first") in messages
    assert (3, "SNOMED Code", "SNOMED CT code must be 6 to 18 digits") in messages
    assert (4, "Event Date", "Date is in the future") in messages
    assert (5, "Event Date", "Date is missing") in messages
    assert (6, "Value", "Value must be a number") in messages


def test_a_register_reimport_keeps_event_conditions(register, tmp_path):
    import_events(register, LOCAL_ADMIN, events_file(tmp_path, [[nhs(1), "44054006", "2015-01-01", "", ""]]), OPTIONS)
    # The register says Diabetes = N for nhs(1): that removes flag conditions only, never coded evidence.
    again = import_patients(register, LOCAL_ADMIN, write_csv(tmp_path / "reg2.csv", [person(1)]), OPTIONS)
    assert again.unchanged == 1
    assert (nhs(1), "diabetes", "event") in conditions(register)


def test_codelists_are_valid_and_cover_the_conditions():
    entries = codelists()
    assert len(entries) >= 800
    keys = {e.key for e in entries.values()}
    catalogue = {c.key for c in condition_catalogue()}
    assert keys <= catalogue | PATIENT_FLAG_KEYS | set(FRAILTY_KEYS)
    # Every condition has codes except those defined by prescriptions (and polypharmacy).
    gaps = catalogue - keys
    assert gaps == {"polypharmacy", "painful_condition", "treated_constipation"}
    # Every code names its provenance, and every deficit of the eFI has published codes.
    provenance = codelist_provenance()
    assert {e.source for e in entries.values()} == set(provenance) == {"efi", "gmsde", "local"}
    assert all(provenance[s]["reference"] and provenance[s]["checked_on"] for s in provenance)
    efi_keys = {e.key for e in entries.values() if e.source == "efi"}
    for key in ("activity_limitation", "foot_problems", "requires_care", "social_vulnerability", "home_visits"):
        assert key in efi_keys
    # Questionable mappings fixed: one UTI is not urinary system disease; unstaged CKD is not CMS CKD.
    assert "68566005" not in entries and "719232003" not in entries
    assert entries["197927001"].key == "urinary_system_disease"
    assert entries["709044004"].key == "ckd_unstaged" and entries["433144002"].key == "ckd"
    assert entries["105529008"].patient_flag == "lives_alone"
    assert entries["49436004"].key == "atrial_fibrillation" and entries["49436004"].is_condition
    assert entries["160689007"].patient_flag == "housebound" and entries["925861000000102"].frailty == "severe"


PROVENANCE = """[sources.ours]
title = "Our list"
publisher = "Our PCN"
reference = "minutes of the clinical meeting"
version = "1"
checked_on = "2026-10-01"
"""


def write_list(folder, rows, provenance=PROVENANCE):
    if provenance is not None:
        (folder / "provenance.toml").write_text(provenance)
    with open(folder / "local.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "term", "condition_key", "source"])
        writer.writerows(rows)


def test_a_bad_codelist_row_is_named(tmp_path):
    write_list(tmp_path, [["49436004", "AF", "atrial_fibrillation", "ours"], ["123456", "Thing", "not_a_condition", "ours"]])
    with pytest.raises(ValueError, match="local.csv line 3: 'not_a_condition' is not a condition key"):
        load_codelists(tmp_path)


def test_every_code_needs_a_described_source(tmp_path):
    write_list(tmp_path, [["49436004", "AF", "atrial_fibrillation", "ours"], ["5370000", "Flutter", "atrial_fibrillation", "web"]])
    with pytest.raises(ValueError, match="local.csv line 3: source 'web' is not described in provenance.toml"):
        load_codelists(tmp_path)
    write_list(tmp_path, [["49436004", "AF", "atrial_fibrillation", "ours"]], provenance=PROVENANCE.replace('version = "1"\n', ""))
    with pytest.raises(ValueError, match="source 'ours' lacks version"):
        load_codelists(tmp_path)
    (tmp_path / "provenance.toml").unlink()
    with pytest.raises(ValueError, match="provenance.toml is missing"):
        load_codelists(tmp_path)
    write_list(tmp_path, [["49436004", "AF", "atrial_fibrillation", "ours"]])
    assert load_codelists(tmp_path)["49436004"].source == "ours"
