"""The Patients list: search, sort and page in SQL so it stays instant at 350,000 rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.sql import ColumnElement

from pcn_assistant.core import nhs_number
from pcn_assistant.services.query import prefix_match
from pcn_assistant.services.security import PATIENTS_READ, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import Patient, Practice

PAGE_SIZE = 200


@dataclass(frozen=True)
class Column:
    key: str
    header: str


COLUMNS: tuple[Column, ...] = (
    Column("nhs_number", "NHS number"),
    Column("name", "Name"),
    Column("date_of_birth", "Date of birth"),
    Column("sex", "Sex"),
    Column("practice", "Practice"),
    Column("postcode", "Postcode"),
    Column("imd_decile", "IMD decile"),
    Column("status", "Status"),
)

_SORT_COLUMNS = {
    "nhs_number": (Patient.nhs_number,),
    "name": (Patient.family_name_lc, Patient.given_name_lc),
    "date_of_birth": (Patient.date_of_birth,),
    "sex": (Patient.sex,),
    "practice": (Practice.ods_code,),
    "postcode": (Patient.postcode,),
    "imd_decile": (Patient.imd_decile,),
    "status": (Patient.registration_status,),
}

_POSTCODE_START = re.compile(r"^[A-Z]{1,2}[0-9]")


@dataclass(frozen=True)
class PatientFilter:
    search: str = ""
    practice_code: str | None = None
    include_left: bool = False


@dataclass(frozen=True)
class PatientRow:
    id: int
    nhs_number: str
    name: str
    date_of_birth: date
    sex: str
    practice: str
    postcode: str | None
    imd_decile: int | None
    status: str

    def value(self, key: str) -> object:
        return getattr(self, key)


def search_condition(text: str) -> ColumnElement[bool] | None:
    """Turn what a user typed into a condition: NHS number, postcode or name prefix."""
    text = text.strip()
    if not text:
        return None
    digits = nhs_number.normalise(text)
    if nhs_number.is_ascii_digits(digits):
        if len(digits) >= 10 and not nhs_number.is_valid(digits):
            return false()  # a whole number that no one can hold, e.g. 0000000000
        return prefix_match(Patient.nhs_number, digits)
    if digits and all(ch.isdigit() for ch in digits):
        return false()  # full-width or other non-ASCII digits are never an NHS number
    upper = text.upper()
    if _POSTCODE_START.match(upper):
        compact = re.sub(r"\s+", "", upper)
        if len(compact) >= 5:  # whole postcode: put the space back where it belongs
            return Patient.postcode == f"{compact[:-3]} {compact[-3:]}"
        return prefix_match(Patient.postcode, upper)
    words = [w for w in re.split(r"[\s,]+", text.lower()) if w]
    if len(words) == 1:
        return or_(
            prefix_match(Patient.family_name_lc, words[0]),
            prefix_match(Patient.given_name_lc, words[0]),
        )
    first, last = words[0], words[-1]
    return or_(
        and_(prefix_match(Patient.given_name_lc, first), prefix_match(Patient.family_name_lc, last)),
        and_(prefix_match(Patient.family_name_lc, first), prefix_match(Patient.given_name_lc, last)),
    )


def _conditions(flt: PatientFilter, actor: Actor) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if not flt.include_left:
        conditions.append(Patient.registration_status == "registered")
    condition = search_condition(flt.search)
    if condition is not None:
        conditions.append(condition)
    practice_code = flt.practice_code or actor.practice_code
    if practice_code:
        conditions.append(Practice.ods_code == practice_code)
    return conditions


@requires(PATIENTS_READ)
def count_patients(db: Database, actor: Actor, flt: PatientFilter) -> int:
    stmt = select(func.count()).select_from(Patient)
    conditions = _conditions(flt, actor)
    if flt.practice_code or actor.practice_code:
        stmt = stmt.join(Practice, Practice.id == Patient.practice_id)
    with db.session() as session:
        return session.execute(stmt.where(*conditions)).scalar_one()


@requires(PATIENTS_READ)
def page_patients(
    db: Database, actor: Actor, flt: PatientFilter, *, sort_key: str = "name",
    descending: bool = False, offset: int = 0, limit: int = PAGE_SIZE,
) -> list[PatientRow]:
    """One page of patients, filtered and sorted by the database."""
    order = []
    for column in _SORT_COLUMNS.get(sort_key, _SORT_COLUMNS["name"]):
        order.append(column.desc() if descending else column.asc())
    order.append(Patient.id.desc() if descending else Patient.id.asc())
    stmt = (
        select(
            Patient.id, Patient.nhs_number, Patient.given_name, Patient.family_name,
            Patient.date_of_birth, Patient.sex, Practice.ods_code, Patient.postcode,
            Patient.imd_decile, Patient.registration_status,
        )
        .join(Practice, Practice.id == Patient.practice_id)
        .where(*_conditions(flt, actor))
        .order_by(*order)
        .offset(offset)
        .limit(limit)
    )
    with db.session() as session:
        rows = session.execute(stmt).all()
    return [
        PatientRow(
            id=r[0], nhs_number=r[1], name=display_name(r[2], r[3]), date_of_birth=r[4],
            sex=r[5], practice=r[6], postcode=r[7], imd_decile=r[8], status=r[9],
        )
        for r in rows
    ]


def display_name(given: str | None, family: str | None) -> str:
    """``SMITH, Jane`` as clinical systems show it."""
    if family and given:
        return f"{family.upper()}, {given}"
    return (family or "").upper() or given or ""
