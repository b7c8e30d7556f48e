"""Prescription records inside an events extract: dated issues of dm+d-coded medicines.

EMIS and SystmOne medication searches export one row per issue with the dm+d code,
the issue date, often a BNF code or section and sometimes whether the issue was
repeat or acute. ``import events`` takes them in the same file as clinical codes:
a row is a **prescription** when its code is in the shipped dm+d table
(``resources/medicines/dmd_medicines.csv``), or it carries a BNF code, or it says
repeat or acute. Each is stored once in ``patient_medication`` with its drug group
(from the BNF section, ``core.medicines``) and the medicine it counts as, for the
Cambridge Multimorbidity Score drug rules and the eFI polypharmacy count.

A bad BNF code or issue type is a row error naming the column, and the row is not
imported.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from pcn_assistant.core import extract_values as ev
from pcn_assistant.core.medicines import dmd_medicines, drug_group, medicine_key, normalise_bnf
from pcn_assistant.services.patient_import import bulk
from pcn_assistant.services.patient_import.readers import SourceTable
from pcn_assistant.services.patient_import.validate import Checked

REPEAT_WORDS = {"repeat", "r", "repeat dispensing", "rd", "repeat prescription", "batch", "y", "yes"}
ACUTE_WORDS = {"acute", "a", "one-off", "one off", "oneoff", "n", "no"}
COLUMNS = ["patient_id", "code", "bnf_code", "drug_group", "medicine", "issued_on", "is_repeat"]


def _column(table: SourceTable, mapping: dict[str, str], key: str) -> np.ndarray | None:
    column = next((c for c, k in mapping.items() if k == key), None)
    return None if column is None else ev.as_text(table.frame[column])


def check_prescription_columns(checked: Checked, table: SourceTable, mapping: dict[str, str]) -> None:
    """Parse the BNF code and issue type columns (when mapped) into ``checked.values``,
    with a row error for each cell that is neither blank nor valid."""
    n = checked.rows
    for key, parse in (("bnf_code", _parse_bnf), ("issue_type", _parse_issue_type)):
        raw = _column(table, mapping, key)
        if raw is None:
            checked.values[key] = np.full(n, None, dtype=object)
            continue
        codes, uniques = pd.factorize(pd.Series(raw, dtype=object).fillna(""))
        parsed = [parse(value) for value in uniques]
        values = np.array([value for value, _error in parsed] + [None], dtype=object)[codes]
        errors = np.array([error for _value, error in parsed] + [None], dtype=object)[codes]
        checked.values[key] = values
        checked.add_errors(key, np.not_equal(errors, None), raw, errors)


def _parse_bnf(cell: object) -> tuple[str | None, str | None]:
    try:
        return normalise_bnf(cell), None
    except ValueError as error:
        return None, str(error)


def _parse_issue_type(cell: object) -> tuple[bool | None, str | None]:
    word = " ".join(str(cell or "").lower().split())
    if not word:
        return None, None
    if word in REPEAT_WORDS:
        return True, None
    if word in ACUTE_WORDS:
        return False, None
    return None, "Issue type must be repeat or acute (or blank)"


def prescription_rows(codes: np.ndarray, bnf: np.ndarray, issue: np.ndarray) -> np.ndarray:
    """Which rows are prescriptions rather than clinical events."""
    known = dmd_medicines()
    in_table = np.array([code in known for code in codes.tolist()], dtype=bool)
    return in_table | np.not_equal(bnf, None) | np.not_equal(issue, None)


def _none(value: object) -> object:
    """None for a missing cell (pandas 3 reads missing text as NaN)."""
    return None if value is None or (isinstance(value, float) and value != value) else value


def prescriptions_frame(patient_ids: np.ndarray, codes: np.ndarray, dates: np.ndarray, bnf: np.ndarray,
                        issue: np.ndarray, terms: np.ndarray) -> pd.DataFrame:
    """Rows ready to store: the BNF code from the extract or the dm+d table, its drug
    group and the medicine it counts as. Worked out once per distinct (code, BNF, term)."""
    known = dmd_medicines()
    keys = [tuple(_none(v) for v in key) for key in zip(codes.tolist(), bnf.tolist(), terms.tolist(), strict=True)]
    resolved = {}
    for code, given, term in set(keys):
        prefix = given or (known[code].bnf_code if code in known else None)
        resolved[(code, given, term)] = (prefix, drug_group(prefix), medicine_key(code, prefix, term))
    looked_up = [resolved[key] for key in keys]
    rows = [(int(pid), key[0], *found, _none(day), _none(kind)) for pid, key, found, day, kind
            in zip(patient_ids.tolist(), keys, looked_up, dates.tolist(), issue.tolist(), strict=True)]
    return pd.DataFrame.from_records(rows, columns=COLUMNS, coerce_float=False).astype(object)


def new_prescriptions(session: Session, rows: pd.DataFrame) -> pd.DataFrame:
    """Issues not already stored (importing the same file twice adds nothing)."""
    unique = rows.drop_duplicates(COLUMNS)
    if unique.empty:
        return unique
    records = [tuple(_none(v) for v in row) for row in unique.itertuples(index=False, name=None)]
    stored = bulk.select_in(
        session, "SELECT patient_id, code, bnf_code, drug_group, medicine, issued_on, is_repeat "
                 "FROM patient_medication WHERE patient_id IN ({in})", sorted(set(unique["patient_id"].tolist())))
    seen = {(int(p), c, b, g, m, d if isinstance(d, str) else d.isoformat(), None if r is None else bool(r))
            for p, c, b, g, m, d, r in stored}
    fresh = [(int(p), c, b, g, m, d, r) not in seen for p, c, b, g, m, d, r in records]
    return unique[np.array(fresh, dtype=bool)]


def store_prescriptions(session: Session, rows: pd.DataFrame) -> None:
    values = [(int(p), _none(c), _none(b), _none(g), m, bulk.stored_date(session, d), _none(r))
              for p, c, b, g, m, d, r in rows.itertuples(index=False, name=None)]
    bulk.execute_many(session, bulk.insert_sql("patient_medication", COLUMNS), values)
