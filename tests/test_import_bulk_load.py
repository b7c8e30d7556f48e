"""A first load large enough to drop and rebuild the secondary indexes (both backends):
every index comes back, uniqueness still holds, and a second import updates in place."""

from __future__ import annotations

from import_samples import HEADER, add_practices, write_csv
from sqlalchemy import func, inspect, select

from pcn_assistant.core.nhs_number import check_digit
from pcn_assistant.services.patient_import import ImportOptions, import_patients
from pcn_assistant.services.patient_import.bulk import REBUILD_INDEXES_FROM
from pcn_assistant.services.security import LOCAL_ADMIN
from pcn_assistant.store.models import Patient, PatientCondition


def _numbers(count: int) -> list[str]:
    found, stem = [], 999_100_000
    while len(found) < count:
        digit = check_digit(str(stem))
        if digit is not None:
            found.append(f"{stem}{digit}")
        stem += 1
    return found


def _indexes(db) -> dict[str, set[str]]:  # noqa: ANN001
    with db.session() as session:
        inspector = inspect(session.connection())
        return {t: {i["name"] for i in inspector.get_indexes(t)} for t in ("patient", "patient_condition")}


def test_a_large_first_load_rebuilds_every_index(db, tmp_path):
    add_practices(db, "Y90001")
    before = _indexes(db)
    count = REBUILD_INDEXES_FROM + 200
    rows = [[n, "03/07/1941", "F", "Y90001", "Ada", f"Name{i}", "fy1 1ab", "Y" if i % 3 == 0 else "N", "", "2"]
            for i, n in enumerate(_numbers(count))]
    path = write_csv(tmp_path / "big.csv", rows, header=HEADER)
    result = import_patients(db, LOCAL_ADMIN, path, ImportOptions(notify=False))
    assert result.inserted == count and result.rejected == 0
    assert _indexes(db) == before
    with db.session() as session:
        assert session.execute(select(func.count()).select_from(Patient)).scalar_one() == count
        assert session.execute(select(func.count()).select_from(PatientCondition)).scalar_one() == (count + 2) // 3
    rows[0][5] = "Renamed"
    write_csv(path, rows, header=HEADER)
    again = import_patients(db, LOCAL_ADMIN, path, ImportOptions(notify=False))
    assert (again.inserted, again.updated) == (0, 1)
