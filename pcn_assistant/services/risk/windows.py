"""The time windows of the risk rules, worked out by the database for everyone at once.

The Cambridge Multimorbidity Score rules (``core.risk.cms_rules``) need, per person
and condition, whether it was ever recorded, recorded without a date, first dated in
the last 5 years or last dated in the last 12 months; and per drug group, how many
prescriptions were issued in the last 12 months. The eFI polypharmacy deficit needs
the number of different repeat medicines in the last 12 months. Each is a
conditional aggregate in one grouped query (no per-person Python), and the results
join the population frame by patient id.

A window runs from the same calendar day ``years`` earlier to the assessment date,
both included (29 February falls back to 28 February).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from pcn_assistant.core.medicines import DRUG_GROUPS
from pcn_assistant.core.risk.assess import condition_bit_groups
from pcn_assistant.core.risk.cms import cms_sources
from pcn_assistant.services.risk.bulk import fetch_frame
from pcn_assistant.store.models import PatientMedication

# Condition mask kinds besides ``mask`` (ever recorded): the dated evidence the CMS needs,
# and the CMS conditions whose rules read each kind (the rest need only "ever").
EVIDENCE_USERS = {
    "undated": ("anxiety_depression", "asthma", "epilepsy", "cancer_5y"),
    "first5y": ("cancer_5y",),
    "last12m": ("anxiety_depression",),
}
# Issues per drug group in the last 12 months, and lithium ever (the CMS counts any lithium).
PRESCRIPTION_COLUMNS = (*(f"rx_{group}" for group in DRUG_GROUPS), "rx_lithium_ever")

DayLiteral = Callable[[date], ColumnElement]


def evidence_groups(groups: list[list[str]]) -> dict[str, list[list[str]]]:
    """The condition keys each mask kind holds, as bit groups: every key for ``mask``, and
    for the dated kinds only the keys of the CMS rules that read them (a handful), so the
    database evaluates each date test once per row, not once per condition."""
    sources = cms_sources()
    out = {"mask": groups}
    for kind, users in EVIDENCE_USERS.items():
        keys = sorted({key for cms_key in users for key in sources[cms_key]})
        out[kind] = condition_bit_groups(keys)
    return out


def window_start(as_of: date, years: int) -> date:
    """The first day of a ``years``-long window ending on ``as_of``."""
    try:
        return as_of.replace(year=as_of.year - years)
    except ValueError:  # 29 February in a year without one
        return as_of.replace(year=as_of.year - years, day=28)


def evidence_tests(first: ColumnElement, last: ColumnElement, as_of: date,
                   day: DayLiteral) -> dict[str, ColumnElement | None]:
    """SQL tests, per mask kind, on a condition row's first and last dates."""
    end, start5, start12 = day(as_of), day(window_start(as_of, 5)), day(window_start(as_of, 1))
    latest = func.coalesce(last, first)
    return {
        "mask": None,
        "undated": first.is_(None),
        "first5y": and_(first >= start5, first <= end),
        "last12m": and_(latest >= start12, latest <= end),
    }


def read_prescriptions(session: Session, as_of: date, day: DayLiteral) -> pd.DataFrame:
    """Per patient with any prescription: issues per drug group in the last 12 months
    (``rx_<group>``), whether lithium was ever issued, different repeat medicines in the last 12 months (an issue the
    extract did not mark repeat or acute counts), and ``rx_any``. Three grouped queries
    the covering ``ix_patient_medication_*`` indexes answer in patient order; numpy spreads them."""
    rx = PatientMedication
    in_window = and_(rx.issued_on >= day(window_start(as_of, 1)), rx.issued_on <= day(as_of))
    by_group = fetch_frame(session, select(rx.patient_id, rx.drug_group, func.count().label("issues"))
                           .where(in_window, rx.drug_group.is_not(None)).group_by(rx.drug_group, rx.patient_id))
    repeats = fetch_frame(session, select(rx.patient_id, func.count(func.distinct(rx.medicine)).label("medicines_12m"))
                          .where(in_window, or_(rx.is_repeat.is_(None), rx.is_repeat.is_(True)))
                          .group_by(rx.patient_id))
    lithium = fetch_frame(session, select(rx.patient_id).where(rx.drug_group == "lithium").distinct())
    anyone = fetch_frame(session, select(rx.patient_id).distinct())
    ids = np.sort(pd.to_numeric(anyone["patient_id"]).to_numpy(dtype=np.int64))
    columns = {column: np.zeros(len(ids), dtype=np.int64) for column in (*PRESCRIPTION_COLUMNS, "medicines_12m")}
    if len(by_group):
        rows = np.searchsorted(ids, pd.to_numeric(by_group["patient_id"]).to_numpy(dtype=np.int64))
        groups = by_group["drug_group"].to_numpy(dtype=object)
        issues = pd.to_numeric(by_group["issues"]).to_numpy(dtype=np.int64)
        for group in DRUG_GROUPS:
            hit = groups == group
            columns[f"rx_{group}"][rows[hit]] = issues[hit]
    if len(lithium):
        columns["rx_lithium_ever"][np.searchsorted(ids, pd.to_numeric(lithium["patient_id"]).to_numpy(dtype=np.int64))] = 1
    if len(repeats):
        rows = np.searchsorted(ids, pd.to_numeric(repeats["patient_id"]).to_numpy(dtype=np.int64))
        columns["medicines_12m"][rows] = pd.to_numeric(repeats["medicines_12m"]).to_numpy(dtype=np.int64)
    return pd.DataFrame({"patient_id": ids, **columns, "rx_any": np.ones(len(ids), dtype=np.int64)})


def with_prescriptions(frame: pd.DataFrame, prescriptions: pd.DataFrame) -> pd.DataFrame:
    """The population frame with the prescription counts joined on (0 for people with
    none). Where a person has prescription records, their medicines count comes from
    them (different repeat medicines in the last 12 months) instead of the register's
    number, which is kept for everyone else."""
    attrs = dict(frame.attrs)
    if prescriptions.empty:
        for column in PRESCRIPTION_COLUMNS:
            frame[column] = np.zeros(len(frame), dtype=np.int64)
        return frame
    indexed = prescriptions.set_index("patient_id")
    position = indexed.index.get_indexer(frame["patient_id"].to_numpy())
    found = position >= 0
    for column in PRESCRIPTION_COLUMNS:
        values = pd.to_numeric(indexed[column]).to_numpy(dtype=np.int64)
        frame[column] = np.where(found, values[np.where(found, position, 0)], 0)
    derived = pd.to_numeric(indexed["medicines_12m"]).to_numpy(dtype=np.int64)[np.where(found, position, 0)]
    register = pd.to_numeric(frame["medication_count"], errors="coerce").to_numpy(dtype=float)
    frame["medication_count"] = np.where(found, derived, register)
    frame.attrs.update(attrs)
    return frame
