"""The eFI that EMIS or SystmOne calculated arrives as a register column, is kept, and is
shown beside ours where the two differ by a deficit or more (never used in its place)."""

from datetime import date

from pcn_assistant.services import risk as risk_service
from pcn_assistant.services.patient_import import ImportOptions, import_patients
from pcn_assistant.services.patient_import.events import import_events
from pcn_assistant.services.security import LOCAL_ADMIN
from tests.import_samples import HEADER, add_practices, nhs, patients, person, write_csv

TODAY = date(2026, 11, 1)
OPTIONS = ImportOptions(today=TODAY, notify=False)


def register(tmp_path, efi_values, name="reg.csv"):
    rows = [person(i) + [value] for i, value in enumerate(efi_values)]
    return write_csv(tmp_path / name, rows, header=[*HEADER, "eFI"])


def test_reported_efi_is_kept_and_shown_where_it_differs(db, tmp_path):
    add_practices(db)
    # Person 0: the system says 0.25 (9 deficits); our records give 3 (AF, hypertension, falls).
    # Person 1: the system says 0.08 (3 deficits), the same as ours: nothing extra is said.
    result = import_patients(db, LOCAL_ADMIN, register(tmp_path, ["0.25", "0.08", ""]), OPTIONS)
    assert result.rejected == 0 and result.inserted == 3
    events = [[nhs(i), code, "2020-01-01"] for i in (0, 1) for code in ("49436004", "38341003", "1912002")]
    import_events(db, LOCAL_ADMIN, write_csv(tmp_path / "ev.csv", events, header=["NHS Number", "Code", "Date"]), OPTIONS)
    stored = patients(db)
    assert stored[nhs(0)].efi_reported == 0.25 and stored[nhs(2)].efi_reported is None
    risk_service.stratify(db, LOCAL_ADMIN, as_of=TODAY)
    differs = risk_service.latest_assessment(db, LOCAL_ADMIN, stored[nhs(0)].id)
    same = risk_service.latest_assessment(db, LOCAL_ADMIN, stored[nhs(1)].id)
    assert differs.efi_deficits == 3 == same.efi_deficits  # our score is our own
    assert ("eFI from the clinical system 0.25 (about 9 of 36 deficits) differs from 0.08 here "
            "(3 of 36, from the imported records)") in differs.reasons
    assert not any("clinical system" in line for line in same.reasons)
    again = import_patients(db, LOCAL_ADMIN, register(tmp_path, ["0.25", "0.08", ""], "reg2.csv"), OPTIONS)
    assert again.updated == 0 and again.unchanged == 3


def test_an_efi_outside_0_to_1_is_a_row_error(db, tmp_path):
    add_practices(db)
    result = import_patients(db, LOCAL_ADMIN, register(tmp_path, ["0.2", "13", "high"]), OPTIONS)
    assert result.rejected == 2 and result.inserted == 1
    message = "eFI must be a score from 0 to 1, as EMIS and SystmOne show it (for example 0.19)"
    assert {(e.row, e.column, e.message) for e in result.errors} == {(3, "eFI", message), (4, "eFI", message)}
