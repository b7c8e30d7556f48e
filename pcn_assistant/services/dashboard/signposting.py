"""Signposting beside referrals, counted as NHS England's social prescribing reporting
counts them: people, not events. Each person signposted in the period is counted once,
under the need of their first signposting, so the rows add up to the Total row and the
disclosure layer can protect the table like every other (no raw total is quoted)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from pcn_assistant.core.directory import category_label
from pcn_assistant.services.dashboard.model import BAR, DashTable
from pcn_assistant.services.dashboard.scope import Scope
from pcn_assistant.store.models import Patient
from pcn_assistant.store.models.person_record import Signposting
from pcn_assistant.store.models.referrals import Referral

COLUMNS = ["Need", "People signposted", "Signposted only (not referred)"]


def signposting_table(session: Session, scope: Scope) -> DashTable:
    in_period = Signposting.signposted_on.between(scope.period.start, scope.period.end)
    rows = session.execute(select(Signposting.patient_id, Signposting.category)
                           .join(Patient, Patient.id == Signposting.patient_id)
                           .where(in_period, *scope.patients())
                           .order_by(Signposting.signposted_on, Signposting.id)).all()
    referred = set(session.execute(select(Referral.patient_id).where(
        Referral.created_on.between(scope.period.start, scope.period.end))).scalars())
    first_need: dict[int, str] = {}
    for patient_id, category in rows:
        first_need.setdefault(patient_id, category)
    counts: dict[str, list[int]] = {}
    for patient_id, category in first_need.items():
        row = counts.setdefault(category, [0, 0])
        row[0] += 1
        row[1] += patient_id not in referred
    table_rows = [[category_label(category), people, only]
                  for category, (people, only) in sorted(counts.items(), key=lambda item: -item[1][0])]
    table = DashTable(
        "signposting", "People signposted (information given, no referral), by need", COLUMNS, table_rows,
        chart=BAR, value_columns=["People signposted"], suppress_columns=COLUMNS[1:], column_total="signposting",
        note="Each person is counted once, under the need they were first signposted for in the period; "
             "'signposted only' were not referred to a provider in the period.")
    table.add_total_row()
    return table
