"""The parts of the social prescribing record that belong to the person, not to one
referral (PRSB Social Prescribing Information Standard; Accessible Information Standard).

- ``ConsentEvent``: consent to the service or to sharing with a named provider, as an
  event (when, how, what scope, given by whom) that can later be withdrawn. The current
  consent is worked out from the events (``core/consent.py``), never stored as a flag.
- ``IndividualRequirements``: communication needs and preferences, one row per person.
- ``SocialContext``: household, accommodation and employment, one row per person.
- ``Signposting``: information given, with no provider action (not a referral).
- ``HomeVisitRisk``: the structured risk assessment a link worker completes before a
  home visit, with the lone-working plan.
- ``Appointment``: the next contact booked with the person (a day list and .ics export).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from pcn_assistant.store.base import Base, Timestamped, Versioned


class ConsentEvent(Timestamped, Base):
    """Consent given (and perhaps later withdrawn) to the service or to share with a provider."""

    __tablename__ = "consent_event"
    __table_args__ = (Index("ix_consent_event_patient_purpose", "patient_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id", ondelete="SET NULL"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))  # service or share
    # For sharing: the provider organisation (None = every provider the person is referred to).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("directory_organisation.id", ondelete="SET NULL"), index=True)
    scope: Mapped[str] = mapped_column(Text, default="")  # what information, in the person's words
    given_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(10))  # verbal, written or digital
    given_by: Mapped[str] = mapped_column(String(14))  # person or representative
    representative_name: Mapped[str | None] = mapped_column(String(200))
    representative_relationship: Mapped[str | None] = mapped_column(String(100))
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))


class IndividualRequirements(Versioned, Base):
    """How to communicate with the person (Accessible Information Standard) and their preferences."""

    __tablename__ = "individual_requirements"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"), unique=True)
    communication_needs: Mapped[str] = mapped_column(Text, default="")
    reasonable_adjustments: Mapped[str] = mapped_column(Text, default="")
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(60))
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    pronouns: Mapped[str | None] = mapped_column(String(40))
    contact_method: Mapped[str | None] = mapped_column(String(20))  # phone, text, email, letter, visit
    contact_times: Mapped[str | None] = mapped_column(String(200))


class SocialContext(Versioned, Base):
    """Household, accommodation and work: coded where the GP record has a code, else free text."""

    __tablename__ = "social_context"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"), unique=True)
    lives_alone: Mapped[bool | None] = mapped_column(Boolean, index=True)
    is_carer: Mapped[bool | None] = mapped_column(Boolean, index=True)
    is_cared_for: Mapped[bool | None] = mapped_column(Boolean)
    accommodation: Mapped[str | None] = mapped_column(String(30))
    employment: Mapped[str | None] = mapped_column(String(30))
    occupation: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    codes: Mapped[list] = mapped_column(JSON, default=list)  # SNOMED CT codes it was derived from


class Signposting(Timestamped, Base):
    """The person was given information about a service or source of help; no provider action."""

    __tablename__ = "signposting"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id", ondelete="SET NULL"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("directory_service.id", ondelete="SET NULL"))
    description: Mapped[str] = mapped_column(Text)  # what, or where to, in plain words
    category: Mapped[str] = mapped_column(String(40))  # the need, as a directory category
    signposted_on: Mapped[date] = mapped_column(Date, index=True)
    recorded_by: Mapped[str] = mapped_column(String(100))


class HomeVisitRisk(Versioned, Base):
    """A structured risk assessment before a home visit, with the lone-working plan."""

    __tablename__ = "home_visit_risk"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"), index=True)
    risks: Mapped[list] = mapped_column(JSON, default=list)  # keys from core.person_record.HOME_RISKS
    risk_detail: Mapped[str] = mapped_column(Text, default="")
    lone_working_plan: Mapped[str] = mapped_column(Text)
    visit_in_pairs: Mapped[bool] = mapped_column(Boolean, default=False)
    assessed_on: Mapped[date] = mapped_column(Date)
    review_by: Mapped[date] = mapped_column(Date)
    assessed_by: Mapped[str] = mapped_column(String(100))


class Appointment(Versioned, Base):
    """The next contact booked with a person: when, where (or by phone), with whom."""

    __tablename__ = "appointment"
    __table_args__ = (Index("ix_appointment_worker_start", "link_worker", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"), index=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id", ondelete="SET NULL"), index=True)
    link_worker: Mapped[str] = mapped_column(String(100))
    starts_at: Mapped[datetime] = mapped_column(DateTime)  # local wall-clock time
    minutes: Mapped[int] = mapped_column(Integer, default=30)
    kind: Mapped[str] = mapped_column(String(20))  # phone, face_to_face, home_visit, video
    place: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="booked")  # booked, attended, cancelled, missed
    uid: Mapped[str] = mapped_column(String(64), unique=True)  # stable iCalendar UID
