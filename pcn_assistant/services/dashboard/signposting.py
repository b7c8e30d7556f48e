"""Signposting beside referrals, counted as NHS England's social prescribing reporting
counts them: people (not events) signposted in the period, and how many of them were
only signposted (no referral to a provider in the period)."""

from __future__ import annotations

from collections import defaultdict

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
    rows = session.execute(select(Signposting.category, Signposting.patient_id)
                           .join(Patient, Patient.id == Signposting.patient_id)
                           .where(in_period, *scope.patients()).distinct()).all()
    referred = set(session.execute(select(Referral.patient_id).where(
        Referral.created_on.between(scope.period.start, scope.period.end))).scalars())
    people: dict[str, set[int]] = defaultdict(set)
    for category, patient_id in rows:
        people[category].add(patient_id)
    table_rows = [[category_label(category), len(ids), len(ids - referred)]
                  for category, ids in sorted(people.items(), key=lambda item: -len(item[1]))]
    everyone = {patient_id for _category, patient_id in rows}
    people_word = "person" if len(everyone) == 1 else "people"
    note = (f"{len(everyone):,} {people_word} signposted in the period, {len(everyone - referred):,} not "
            f"referred to a provider. A person signposted for two needs counts once in the total, once "
            f"in each need's row.") if everyone else "Nobody was signposted in the period."
    return DashTable("signposting", "Signposting (information given, no referral), by need", COLUMNS,
                     table_rows, chart=BAR, value_columns=["People signposted"], note=note,
                     suppress_columns=COLUMNS[1:] if scope.below_pcn else [])
