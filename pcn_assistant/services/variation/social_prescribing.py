"""The one indicator computed from this app's own data: social prescribing referrals
per 1,000 registered patients, per practice and period.

Numerator: caseload episodes whose ``referred_on`` date falls in the period, by the
patient's practice. Denominator: the practice's patients registered at some point in
the period (still registered, or left or died on or after its first day). Periods
without dates (labels we cannot read) are skipped, and so is the whole indicator
while the caseload holds no episodes.
"""

from __future__ import annotations

import importlib
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pcn_assistant.services.variation import periods as period_labels
from pcn_assistant.services.variation.catalogue import SOCIAL_PRESCRIBING
from pcn_assistant.store.models import Patient, Practice
from pcn_assistant.store.models.patient import REGISTERED

SOURCE = "PCN Assistant caseload: episodes by referral date"


def _episode_model():  # noqa: ANN202
    """The caseload's Episode model, imported lazily so variation audits work without it."""
    try:
        return importlib.import_module("pcn_assistant.store.models.caseload").Episode
    except (ImportError, AttributeError):
        return None


def social_prescribing_records(session: Session, labels: list[str], today: date) -> pd.DataFrame:
    """Rows (practice_code, indicator_code, period, numerator, denominator) for each
    period in ``labels`` that has dates; the last four complete quarters when none do."""
    columns = ["practice_code", "indicator_code", "period", "numerator", "denominator"]
    episode = _episode_model()
    if episode is None or not session.execute(select(func.count()).select_from(episode)).scalar_one():
        return pd.DataFrame(columns=columns)
    ranges = {label: period_labels.date_range(label) for label in labels}
    ranges = {label: r for label, r in ranges.items() if r is not None}
    if not ranges:
        ranges = {label: period_labels.date_range(label)
                  for label in period_labels.last_complete_quarters(today)}
    # Three queries in all, binned here: per-period SQL would rescan the register each time.
    registered = dict(session.execute(
        select(Practice.ods_code, func.count(Patient.id))
        .join(Patient, Patient.practice_id == Practice.id)
        .where(Patient.registration_status == REGISTERED)
        .group_by(Practice.ods_code)).all())
    departed = pd.DataFrame(session.execute(
        select(Practice.ods_code, Patient.left_practice_date, Patient.date_of_death)
        .join(Patient, Patient.practice_id == Practice.id)
        .where(Patient.registration_status != REGISTERED)).all(),
        columns=["practice_code", "left", "died"])
    departed["gone"] = pd.to_datetime(departed["left"].combine_first(departed["died"]))
    referrals = pd.DataFrame(session.execute(
        select(Practice.ods_code, episode.referred_on)
        .join(Patient, Patient.id == episode.patient_id)
        .join(Practice, Practice.id == Patient.practice_id)).all(),
        columns=["practice_code", "referred_on"])
    referrals["referred_on"] = pd.to_datetime(referrals["referred_on"])
    rows: list[dict] = []
    for label, (start, end) in ranges.items():
        if start > today:
            continue
        first, last = pd.Timestamp(start), pd.Timestamp(end)
        still_there = departed[departed["gone"] >= first].groupby("practice_code").size()
        referred = referrals[referrals["referred_on"].between(first, last)].groupby("practice_code").size()
        for code in sorted(set(registered) | set(still_there.index)):
            denominator = registered.get(code, 0) + int(still_there.get(code, 0))
            if denominator > 0:
                rows.append({"practice_code": code, "indicator_code": SOCIAL_PRESCRIBING, "period": label,
                             "numerator": float(referred.get(code, 0)), "denominator": float(denominator)})
    return pd.DataFrame(rows, columns=columns)
