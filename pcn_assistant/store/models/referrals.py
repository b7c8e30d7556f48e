"""Social prescribing referrals, their lifecycle events, outcome measures and GP coding.

A ``Referral`` hangs off a caseload ``Episode`` and points at a directory service. Its
status and the date each step was reached live on the row (so worklists and medians
need no aggregation per row); ``ReferralEvent`` keeps every transition with its date,
who recorded it and how (in the app, from a provider's returns workbook...).
``CodingEntry`` is what a practice should enter in the GP record; one per episode and
code, enforced by a unique constraint as well as by the service.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pcn_assistant.store.base import Base, Versioned, utcnow


class Referral(Versioned, Base):
    __tablename__ = "referral"
    __table_args__ = (
        Index("ix_referral_service_status", "service_id", "status"),
        Index("ix_referral_status_sent", "status", "sent_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)  # "SP-" and six characters, no personal data
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("directory_service.id"), index=True)
    category: Mapped[str] = mapped_column(String(40), index=True)  # the need, as a directory category
    note: Mapped[str] = mapped_column(Text, default="")
    consent_given: Mapped[bool] = mapped_column(Boolean, default=False)  # to be referred
    share_details: Mapped[bool] = mapped_column(Boolean, default=False)  # name to the provider
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    status_on: Mapped[date] = mapped_column(Date)
    created_on: Mapped[date] = mapped_column(Date)
    waiting_since: Mapped[date | None] = mapped_column(Date)
    sent_on: Mapped[date | None] = mapped_column(Date)
    responded_on: Mapped[date | None] = mapped_column(Date)  # accepted or declined
    accepted_on: Mapped[date | None] = mapped_column(Date)
    first_attended_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)  # declined, completed or withdrawn
    last_chased_on: Mapped[date | None] = mapped_column(Date)
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100))

    events: Mapped[list[ReferralEvent]] = relationship(
        back_populates="referral", cascade="all, delete-orphan", order_by="ReferralEvent.id")


class ReferralEvent(Base):
    """One step in a referral's life: from, to, the date it happened, who recorded it."""

    __tablename__ = "referral_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    event_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(100))
    via: Mapped[str] = mapped_column(String(12), default="app")  # app, returns, demo
    note: Mapped[str] = mapped_column(Text, default="")

    referral: Mapped[Referral] = relationship(back_populates="events")


class OutcomeMeasure(Versioned, Base):
    """A SWEMWBS or ONS4 questionnaire; answers kept even when incomplete, scored only when whole."""

    __tablename__ = "outcome_measure"
    __table_args__ = (Index("ix_outcome_measure_patient_instrument", "patient_id", "instrument"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"), index=True)
    instrument: Mapped[str] = mapped_column(String(10))  # swemwbs, ons4, mycaw, ucla3 or ons_lonely
    timepoint: Mapped[str] = mapped_column(String(12))  # baseline or follow_up
    recorded_on: Mapped[date] = mapped_column(Date)
    items: Mapped[list] = mapped_column(JSON)  # answers in item order, null = not answered
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    raw_score: Mapped[int | None] = mapped_column(Integer)  # SWEMWBS raw total
    score: Mapped[float | None] = mapped_column(Float)  # SWEMWBS metric score; MYCaW profile; UCLA total
    concerns: Mapped[list | None] = mapped_column(JSON)  # MYCaW: the person's own words for each concern
    recorded_by: Mapped[str] = mapped_column(String(100))


class CodingEntry(Versioned, Base):
    """A SNOMED CT code the practice should enter for a person, and whether it has been."""

    __tablename__ = "coding_entry"
    __table_args__ = (
        UniqueConstraint("episode_id", "code", name="uq_coding_entry_episode_code"),
        Index("ix_coding_entry_practice_status", "practice_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"), index=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    term: Mapped[str] = mapped_column(String(200))
    event_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="to_code")  # to_code or coded
    coded_on: Mapped[date | None] = mapped_column(Date)
    coded_by: Mapped[str | None] = mapped_column(String(100))
    coded_via: Mapped[str | None] = mapped_column(String(10))  # manual or extract
