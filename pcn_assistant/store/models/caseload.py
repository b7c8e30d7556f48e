"""Caseload records, shaped by the PRSB Social Prescribing Information Standard.

A person joins a caseload through an ``Episode`` (referral details, coordinator, status
and the date each status was reached). Around it: the contacts with the person, the
personalised care and support plan (what matters to me, strengths, needs, then goals
and their actions), tasks, and risk or safeguarding flags that belong to the person
rather than to one episode. ``EpisodeChange`` is the human-readable change history a
team reads on the record; the hash-chained audit trail is kept separately.

Rules (one open episode per person, closed is final, dates never run backwards) are
enforced in ``services/caseload``; the partial unique index below is the database's
own guard against two coordinators enrolling the same person at the same moment.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from pcn_assistant.store.base import Base, Timestamped, Versioned, utcnow

# Episode statuses, in the order they run.
IDENTIFIED = "identified"
CONTACTED = "contacted"
ASSESSED = "assessed"
ACTIVE = "active"
CLOSED = "closed"
EPISODE_STATUSES = (IDENTIFIED, CONTACTED, ASSESSED, ACTIVE, CLOSED)
OPEN_STATUSES = (IDENTIFIED, CONTACTED, ASSESSED, ACTIVE)

_OPEN_ONLY = text("status != 'closed'")


class Episode(Versioned, Base):
    """One period on a caseload, from referral (or identification) to closure."""

    __tablename__ = "episode"
    __table_args__ = (
        Index("ix_episode_coordinator_status", "coordinator", "status"),
        Index("uq_episode_one_open_per_patient", "patient_id", unique=True,
              sqlite_where=_OPEN_ONLY, postgresql_where=_OPEN_ONLY),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"), index=True)
    coordinator: Mapped[str] = mapped_column(String(100))  # user login name
    referral_source: Mapped[str] = mapped_column(String(40))
    referral_reasons: Mapped[list] = mapped_column(JSON, default=list)
    referrer_name: Mapped[str | None] = mapped_column(String(200))
    # PRSB "referral details": who referred and where the response goes back to.
    referrer_role: Mapped[str | None] = mapped_column(String(100))
    referrer_organisation: Mapped[str | None] = mapped_column(String(200))
    referrer_service: Mapped[str | None] = mapped_column(String(200))  # the team or service within it
    referrer_contact: Mapped[str | None] = mapped_column(String(200))
    return_response_to: Mapped[str | None] = mapped_column(String(10))  # gp, referrer or both
    referral_note: Mapped[str | None] = mapped_column(Text)
    consent_to_share: Mapped[bool | None] = mapped_column(Boolean)
    referred_on: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(12), default=IDENTIFIED, index=True)
    identified_on: Mapped[date] = mapped_column(Date)
    contacted_on: Mapped[date | None] = mapped_column(Date)
    assessed_on: Mapped[date | None] = mapped_column(Date)
    active_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)
    close_reason: Mapped[str | None] = mapped_column(String(30))
    close_note: Mapped[str | None] = mapped_column(Text)
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    # Kept up to date by the contact service so worklists need no aggregate per row.
    last_contact_on: Mapped[date | None] = mapped_column(Date, index=True)
    contact_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(100))


class EpisodeChange(Base):
    """Who changed what on an episode (or its plan, goals, tasks) and when."""

    __tablename__ = "episode_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_name: Mapped[str] = mapped_column(String(100))
    what: Mapped[str] = mapped_column(String(40))  # created, status, coordinator, review, plan, goal...
    detail: Mapped[str] = mapped_column(Text, default="")


class EpisodeContact(Timestamped, Base):
    """A contact or an attempt at one (PRSB "Contacts with professionals")."""

    __tablename__ = "episode_contact"
    __table_args__ = (Index("ix_episode_contact_episode_when", "episode_id", "contact_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"))
    contact_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    contact_type: Mapped[str] = mapped_column(String(20))  # phone, face_to_face, ... unsuccessful
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100), index=True)


class CarePlan(Versioned, Base):
    """The personalised care and support plan's free-text parts, one per episode."""

    __tablename__ = "care_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("episode.id", ondelete="CASCADE"), unique=True)
    what_matters: Mapped[str] = mapped_column(Text, default="")
    strengths: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[str] = mapped_column(Text, default="")
    agreed_with_person: Mapped[bool] = mapped_column(Boolean, default=False)
    agreed_on: Mapped[date | None] = mapped_column(Date)
    agreed_by_name: Mapped[str | None] = mapped_column(String(200))
    agreed_by_role: Mapped[str | None] = mapped_column(String(100))
    reviewer: Mapped[str | None] = mapped_column(String(200))
    review_on: Mapped[date | None] = mapped_column(Date)


class CarePlanGoal(Versioned, Base):
    """A goal the person set, with the need it answers, its status and review date."""

    __tablename__ = "care_plan_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    need: Mapped[str | None] = mapped_column(String(200))
    importance: Mapped[int | None] = mapped_column(Integer)  # 0-10, PRSB goal importance score
    confidence: Mapped[int | None] = mapped_column(Integer)  # 0-10, how confident the person is
    review_outcome: Mapped[str | None] = mapped_column(String(10))  # achieved, partly or not
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    set_on: Mapped[date] = mapped_column(Date)
    review_on: Mapped[date | None] = mapped_column(Date, index=True)
    status_on: Mapped[date | None] = mapped_column(Date)


class CarePlanAction(Versioned, Base):
    """An agreed action towards a goal: what, who, by when, and its status."""

    __tablename__ = "care_plan_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    goal_id: Mapped[int] = mapped_column(ForeignKey("care_plan_goal.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    who: Mapped[str | None] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="planned")


class PersonFlag(Versioned, Base):
    """A risk or safeguarding concern; shown on the person's banner while it is current."""

    __tablename__ = "person_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # risk or safeguarding
    description: Mapped[str] = mapped_column(Text)
    raised_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    # Safeguarding concerns: the category, who was informed, and whether the flag came
    # from a GP code in an extract ("gp_code") or was raised in the app ("app").
    category: Mapped[str | None] = mapped_column(String(30))
    informed: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10), default="app", server_default="app")
    source_code: Mapped[str | None] = mapped_column(String(20))


class CaseloadTask(Versioned, Base):
    """A free task with a due date, for a coordinator, usually about one person."""

    __tablename__ = "caseload_task"
    __table_args__ = (Index("ix_caseload_task_assignee_due", "assignee", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    episode_id: Mapped[int | None] = mapped_column(ForeignKey("episode.id", ondelete="CASCADE"), index=True)
    assignee: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_by: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(100))
