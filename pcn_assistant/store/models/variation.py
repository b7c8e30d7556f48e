"""Variation audits: indicator definitions and the values imported for each practice.

Definitions shipped in ``resources/indicators.csv`` are copied in (origin ``catalogue``)
when data for them is first imported; a file can also define its own indicators
(origin ``user``), so any published dataset can be audited. Each value remembers the
import batch it came from, whose file name and sha256 go on the workbook's Methods sheet.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pcn_assistant.store.base import Base, Timestamped

CATALOGUE = "catalogue"
USER = "user"


class Indicator(Timestamped, Base):
    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(12))  # proportion or rate
    multiplier: Mapped[float] = mapped_column(Float)
    polarity: Mapped[str] = mapped_column(String(20))  # higher_is_better, lower_is_better, no_judgement
    unit: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    origin: Mapped[str] = mapped_column(String(12), default=USER)  # catalogue or user


class IndicatorValue(Timestamped, Base):
    """One practice's numerator and denominator for one indicator and period.

    Counts are floats because some sources publish estimated (non-whole) counts.
    """

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("indicator_id", "practice_id", "period", name="uq_indicator_value_key"),
        Index("ix_indicator_value_period", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(20))
    numerator: Mapped[float] = mapped_column(Float)
    denominator: Mapped[float] = mapped_column(Float)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="SET NULL"), index=True)
