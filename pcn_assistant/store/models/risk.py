"""Risk stratification runs and the assessments they produced, kept over time.

Each run of stratification is a ``RiskRun``. An assessment row is written only when
something about a person's assessment changed (points, any component, tier, reasons,
eFI or CMS); otherwise their current row stands, and the latest run's date says when
it was last confirmed. So history stays small enough
for a desktop file (weekly runs on 350,000 people would otherwise add tens of
millions of rows a year), and every row is a real change a chart can show.

"Latest per patient" is one flag, ``is_latest``, kept true on exactly one row per
patient, with an index on (is_latest, rank_key): the ranked list pages straight
from that index. ``rank_key`` packs the whole tie-break order into one integer
(see ``core/risk/tiers.py``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from pcn_assistant.store.base import Base, utcnow


class RiskRun(Base):
    """One stratification: when, by whom, with which model and tier settings, and its result."""

    __tablename__ = "risk_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    assessed_on: Mapped[date] = mapped_column(Date)
    user_name: Mapped[str] = mapped_column(String(100))
    model_id: Mapped[str] = mapped_column(String(40))
    model_version: Mapped[str] = mapped_column(String(20))
    tier3_percent: Mapped[str] = mapped_column(String(10))
    tier2_percent: Mapped[str] = mapped_column(String(10))
    assessed: Mapped[int] = mapped_column(Integer, default=0)
    adults: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    tier1: Mapped[int] = mapped_column(Integer, default=0)
    tier2: Mapped[int] = mapped_column(Integer, default=0)
    tier3: Mapped[int] = mapped_column(Integer, default=0)
    duration_s: Mapped[float | None] = mapped_column(Float)


class RiskAssessment(Base):
    """One person's assessment as it stood from ``assessed_on`` until superseded."""

    __tablename__ = "risk_assessment"
    __table_args__ = (
        Index("ix_risk_assessment_latest_rank", "is_latest", "rank_key"),
        Index("ix_risk_assessment_patient_latest", "patient_id", "is_latest"),
        Index("ix_risk_assessment_latest_tier", "is_latest", "tier"),
        Index("ix_risk_assessment_latest_tier_practice", "is_latest", "tier", "practice_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    run_id: Mapped[int] = mapped_column(ForeignKey("risk_run.id", ondelete="CASCADE"), index=True)
    # A copy of the person's practice (kept by stratification and the patient import), so the
    # tier 3 worklist of one practice reads only that practice's rows. No foreign key: see 0014.
    practice_id: Mapped[int | None] = mapped_column(Integer)
    assessed_on: Mapped[date] = mapped_column(Date)
    model_id: Mapped[str] = mapped_column(String(40))
    model_version: Mapped[str] = mapped_column(String(20))
    age: Mapped[int] = mapped_column(Integer)  # on ``assessed_on``; current age comes from the patient

    points: Mapped[int] = mapped_column(Integer)
    previous_points: Mapped[int | None] = mapped_column(Integer)  # of the row this one superseded
    pts_frailty: Mapped[int] = mapped_column(Integer)
    pts_multimorbidity: Mapped[int] = mapped_column(Integer)
    pts_admissions: Mapped[int] = mapped_column(Integer)
    pts_ae: Mapped[int] = mapped_column(Integer)
    pts_polypharmacy: Mapped[int] = mapped_column(Integer)
    pts_age: Mapped[int] = mapped_column(Integer)
    pts_deprivation: Mapped[int] = mapped_column(Integer)
    pts_social: Mapped[int] = mapped_column(Integer)

    # eFI: all NULL under 65 ("not applicable", never 0).
    efi_deficits: Mapped[int | None] = mapped_column(Integer)
    efi_score: Mapped[float | None] = mapped_column(Float)
    efi_category: Mapped[str | None] = mapped_column(String(10))
    efi_deficit_mask: Mapped[int | None] = mapped_column(BigInteger)
    frailty_level: Mapped[str | None] = mapped_column(String(10))  # eFI or coded, whichever higher
    # Cambridge Multimorbidity Score: NULL for children.
    cms_score: Mapped[float | None] = mapped_column(Float)
    cms_condition_mask: Mapped[int | None] = mapped_column(Integer)

    # Utilisation as assessed; NULL means "not supplied", never zero.
    emergency_admissions: Mapped[int | None] = mapped_column(Integer)
    ae_attendances: Mapped[int | None] = mapped_column(Integer)
    medication_count: Mapped[int | None] = mapped_column(Integer)

    tier: Mapped[int | None] = mapped_column(Integer)  # 1-3; NULL for children
    pinned_reason: Mapped[str | None] = mapped_column(String(200))
    reasons: Mapped[str] = mapped_column(Text, default="")  # one reason per line
    rank_key: Mapped[int] = mapped_column(BigInteger)
    fingerprint: Mapped[int] = mapped_column(BigInteger)  # hash of the content, to spot change
    is_latest: Mapped[bool] = mapped_column(Boolean, default=True)
