"""The voluntary, community and faith sector directory, shaped by Open Referral UK (HSDS 3).

Every record keeps its ORUK identifier (``oruk_id``) so a re-import updates it in place
and our export gives it back. Fields the team owns and no feed may overwrite are on
``DirectoryService``: capacity, referral method, last-verified date and private notes.
One address per location is enough for a link worker; address lines 2-4 are folded
into ``address_1`` as the UK profile (which drops ``address_2``) expects.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pcn_assistant.store.base import Base, Versioned

ORUK_ID = 64  # UUIDs in practice; some feeds use longer keys


class DirectoryOrganisation(Versioned, Base):
    __tablename__ = "directory_organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    oruk_id: Mapped[str] = mapped_column(String(ORUK_ID), unique=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(60))
    source: Mapped[str] = mapped_column(String(10), default="manual")  # manual or oruk

    services: Mapped[list[DirectoryService]] = relationship(back_populates="organisation")


class DirectoryService(Versioned, Base):
    __tablename__ = "directory_service"

    id: Mapped[int] = mapped_column(primary_key=True)
    oruk_id: Mapped[str] = mapped_column(String(ORUK_ID), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("directory_organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    fees: Mapped[str | None] = mapped_column(Text)
    accreditations: Mapped[str | None] = mapped_column(Text)
    minimum_age: Mapped[int | None] = mapped_column(Integer)
    maximum_age: Mapped[int | None] = mapped_column(Integer)
    eligibility: Mapped[str | None] = mapped_column(Text)  # criteria in words
    service_area: Mapped[str | None] = mapped_column(Text)
    alert: Mapped[str | None] = mapped_column(Text)
    assured_date: Mapped[date | None] = mapped_column(Date)
    last_modified: Mapped[datetime | None] = mapped_column(DateTime)
    is_free: Mapped[bool | None] = mapped_column(Boolean, index=True)  # None: not known
    source: Mapped[str] = mapped_column(String(10), default="manual")

    # Local fields: kept across re-imports, never exported.
    capacity: Mapped[int | None] = mapped_column(Integer)  # None: no limit recorded
    capacity_unit: Mapped[str] = mapped_column(String(10), default="places")  # places, week, month
    referral_method: Mapped[str] = mapped_column(String(10), default="direct")  # direct, signpost
    last_verified: Mapped[date | None] = mapped_column(Date, index=True)
    private_notes: Mapped[str] = mapped_column(Text, default="")

    organisation: Mapped[DirectoryOrganisation] = relationship(back_populates="services")
    locations: Mapped[list[DirectoryServiceLocation]] = relationship(
        back_populates="service", cascade="all, delete-orphan")
    schedules: Mapped[list[DirectorySchedule]] = relationship(cascade="all, delete-orphan")
    contacts: Mapped[list[DirectoryContact]] = relationship(cascade="all, delete-orphan")
    cost_options: Mapped[list[DirectoryCostOption]] = relationship(cascade="all, delete-orphan")
    terms: Mapped[list[DirectoryServiceTerm]] = relationship(cascade="all, delete-orphan")
    categories: Mapped[list[DirectoryServiceCategory]] = relationship(cascade="all, delete-orphan")


class DirectoryLocation(Versioned, Base):
    __tablename__ = "directory_location"

    id: Mapped[int] = mapped_column(primary_key=True)
    oruk_id: Mapped[str] = mapped_column(String(ORUK_ID), unique=True)
    name: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    location_type: Mapped[str] = mapped_column(String(10), default="physical")
    address_oruk_id: Mapped[str | None] = mapped_column(String(ORUK_ID))
    address_1: Mapped[str | None] = mapped_column(String(500))
    city: Mapped[str | None] = mapped_column(String(100), index=True)  # town
    region: Mapped[str | None] = mapped_column(String(100))
    state_province: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(60))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    external_identifier: Mapped[str | None] = mapped_column(String(100))  # UPRN
    external_identifier_type: Mapped[str | None] = mapped_column(String(50))


class DirectoryServiceLocation(Base):
    """ORUK ``service_at_location``: where a service runs."""

    __tablename__ = "directory_service_location"
    __table_args__ = (UniqueConstraint("service_id", "location_id", name="uq_directory_service_location_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    oruk_id: Mapped[str] = mapped_column(String(ORUK_ID), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("directory_service.id", ondelete="CASCADE"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("directory_location.id"), index=True)

    service: Mapped[DirectoryService] = relationship(back_populates="locations")
    location: Mapped[DirectoryLocation] = relationship()


class DirectorySchedule(Base):
    """When a service runs, in ORUK v3's iCalendar terms (freq, interval, byday...)."""

    __tablename__ = "directory_schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    oruk_id: Mapped[str] = mapped_column(String(ORUK_ID), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("directory_service.id", ondelete="CASCADE"), index=True)
    service_location_oruk_id: Mapped[str | None] = mapped_column(String(ORUK_ID))
    freq: Mapped[str | None] = mapped_column(String(10))  # WEEKLY or MONTHLY
    interval: Mapped[int | None] = mapped_column(Integer)
    byday: Mapped[str | None] = mapped_column(String(60))  # e.g. "MO,WE" or "1TU"
    bymonthday: Mapped[str | None] = mapped_column(String(60))
    opens_at: Mapped[time | None] = mapped_column(Time)
    closes_at: Mapped[time | None] = mapped_column(Time)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    dtstart: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    attending_type: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    schedule_link: Mapped[str | None] = mapped_column(String(500))


class DirectoryContact(Base):
    __tablename__ = "directory_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    oruk_id: Mapped[str] = mapped_column(String(ORUK_ID), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("directory_service.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    phone_oruk_id: Mapped[str | None] = mapped_column(String(ORUK_ID))
    phone: Mapped[str | None] = mapped_column(String(60))
    phone_description: Mapped[str | None] = mapped_column(Text)


class DirectoryCostOption(Base):
    __tablename__ = "directory_cost_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    oruk_id: Mapped[str] = mapped_column(String(ORUK_ID), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("directory_service.id", ondelete="CASCADE"), index=True)
    option: Mapped[str | None] = mapped_column(String(300))
    amount: Mapped[float | None] = mapped_column(Float)
    amount_description: Mapped[str | None] = mapped_column(String(300))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class DirectoryTaxonomyTerm(Base):
    """A term from an imported taxonomy (kept so a re-export gives it back)."""

    __tablename__ = "directory_taxonomy_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    oruk_id: Mapped[str] = mapped_column(String(ORUK_ID), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    term: Mapped[str | None] = mapped_column(String(300))
    taxonomy: Mapped[str | None] = mapped_column(String(200))
    taxonomy_oruk_id: Mapped[str | None] = mapped_column(String(ORUK_ID))
    parent_oruk_id: Mapped[str | None] = mapped_column(String(ORUK_ID))
    term_uri: Mapped[str | None] = mapped_column(String(500))


class DirectoryServiceTerm(Base):
    """ORUK ``attribute``: a taxonomy term tagged on a service."""

    __tablename__ = "directory_service_term"
    __table_args__ = (UniqueConstraint("service_id", "term_id", name="uq_directory_service_term_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attribute_oruk_id: Mapped[str] = mapped_column(String(ORUK_ID), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("directory_service.id", ondelete="CASCADE"), index=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("directory_taxonomy_term.id", ondelete="CASCADE"), index=True)
    link_type: Mapped[str | None] = mapped_column(String(60))

    term: Mapped[DirectoryTaxonomyTerm] = relationship()


class DirectoryServiceCategory(Base):
    """A service's place in our social prescribing category taxonomy (core.directory)."""

    __tablename__ = "directory_service_category"
    __table_args__ = (Index("ix_directory_service_category_category", "category"),)

    service_id: Mapped[int] = mapped_column(
        ForeignKey("directory_service.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
