"""Small practice extracts built in the tests, and ways to look at what an import wrote."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from pcn_assistant.core.nhs_number import check_digit
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import Patient, PatientCondition, Pcn, Practice

HEADER = ["NHS Number", "Date of Birth", "Gender", "Practice Code", "Forename", "Surname", "Postcode",
          "Diabetes", "AF", "Number of medicines"]


def nhs(index: int) -> str:
    """The ``index``-th valid NHS number in the 999 test range."""
    found = -1
    stem = 999_000_000
    while True:
        digit = check_digit(str(stem))
        if digit is not None:
            found += 1
            if found == index:
                return f"{stem}{digit}"
        stem += 1


def person(i: int, *, practice: str = "Y90001", dob: str = "03/07/1941", sex: str = "F", given: str = "Ada",
           family: str = "Smith", postcode: str = "fy1 1ab", diabetes: str = "N", af: str = "", meds: str = "3") -> list[str]:
    return [nhs(i), dob, sex, practice, given, family, postcode, diabetes, af, meds]


def write_csv(path: Path, rows: list[list[str]], *, header: list[str] = HEADER, title_lines: tuple[str, ...] = (),
              delimiter: str = ",", encoding: str = "utf-8", newline: str = "\n") -> Path:
    lines = list(title_lines) + [delimiter.join(header)] + [delimiter.join(_quote(c, delimiter) for c in r) for r in rows]
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def _quote(cell: str, delimiter: str) -> str:
    return f'"{cell}"' if delimiter in cell or '"' in cell else cell


def add_practices(db: Database, *codes: str) -> None:
    with db.transaction() as session:
        pcn = Pcn(ods_code="U99001", name="Test PCN")
        session.add(pcn)
        for code in codes or ("Y90001", "Y90002"):
            session.add(Practice(ods_code=code, name=f"Practice {code}", pcn=pcn))


def patients(db: Database) -> dict[str, Patient]:
    with db.session() as session:
        return {p.nhs_number: p for p in session.execute(select(Patient)).scalars()}


def conditions(db: Database) -> set[tuple[str, str, str]]:
    """(NHS number, condition key, source) for every condition row."""
    with db.session() as session:
        rows = session.execute(select(Patient.nhs_number, PatientCondition.condition_key, PatientCondition.source)
                               .join(Patient, Patient.id == PatientCondition.patient_id)).all()
    return {tuple(r) for r in rows}


def table_counts(db: Database) -> dict[str, int]:
    """Row counts of every table, to show an import that failed changed nothing."""
    from sqlalchemy import func, inspect

    from pcn_assistant.store.models import Base

    names = set(inspect(db.engine).get_table_names())
    counts = {}
    with db.session() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in names:
                counts[table.name] = session.execute(select(func.count()).select_from(table)).scalar_one()
    return counts
