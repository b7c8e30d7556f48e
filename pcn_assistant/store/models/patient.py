"""Registered patients, their long-term conditions and coded measures.

Utilisation counts (A&E, admissions, medicines) are nullable on purpose: a missing
value means "not supplied", which the risk model must not treat as zero.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pcn_assistant.store.base import Base, Timestamped

REGISTERED = "registered"
LEFT = "left"
DECEASED = "deceased"


class Patient(Timestamped, Base):
    __tablename__ = "patient"
    __table_args__ = (
        Index("ix_patient_practice_family", "practice_id", "family_name_lc"),
        Index("ix_patient_family_given", "family_name_lc", "given_name_lc"),
        Index("ix_patient_practice_dob", "practice_id", "date_of_birth"),
        Index("ix_patient_given_name_lc", "given_name_lc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nhs_number: Mapped[str] = mapped_column(String(10), unique=True)
    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str | None] = mapped_column(String(100))
    # Lower-cased copies so name search can use an index on every backend.
    given_name_lc: Mapped[str | None] = mapped_column(String(100))
    family_name_lc: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date, index=True)
    sex: Mapped[str] = mapped_column(String(1))  # M, F or U
    postcode: Mapped[str | None] = mapped_column(String(8), index=True)
    lsoa_code: Mapped[str | None] = mapped_column(String(9))
    imd_decile: Mapped[int | None] = mapped_column(Integer)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    ethnicity: Mapped[str | None] = mapped_column(String(100))
    # Not indexed on its own: nearly everyone is "registered", and an index on it lures
    # SQLite's planner away from the selective name, NHS number and postcode indexes.
    registration_status: Mapped[str] = mapped_column(String(12), default=REGISTERED)
    date_of_death: Mapped[date | None] = mapped_column(Date)
    left_practice_date: Mapped[date | None] = mapped_column(Date)

    lives_alone: Mapped[bool | None] = mapped_column(Boolean)
    is_carer: Mapped[bool | None] = mapped_column(Boolean)
    has_carer: Mapped[bool | None] = mapped_column(Boolean)
    housebound: Mapped[bool | None] = mapped_column(Boolean)
    care_home: Mapped[bool | None] = mapped_column(Boolean)
    palliative_care: Mapped[bool | None] = mapped_column(Boolean)
    learning_disability: Mapped[bool | None] = mapped_column(Boolean)

    ae_attendances_12m: Mapped[int | None] = mapped_column(Integer)
    emergency_admissions_12m: Mapped[int | None] = mapped_column(Integer)
    medication_count: Mapped[int | None] = mapped_column(Integer)
    frailty_coded: Mapped[str | None] = mapped_column(String(10))  # mild / moderate / severe
    # The eFI (0-1) the clinical system (EMIS, SystmOne) calculated, when the extract has it:
    # shown beside ours where they differ, never used in place of it.
    efi_reported: Mapped[float | None] = mapped_column(Float)

    conditions: Mapped[list[PatientCondition]] = relationship(
        back_populates="patient", cascade="all, delete-orphan"
    )


class PatientCondition(Base):
    __tablename__ = "patient_condition"
    __table_args__ = (UniqueConstraint("patient_id", "condition_key", name="uq_patient_condition"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    condition_key: Mapped[str] = mapped_column(String(60), index=True)
    source: Mapped[str] = mapped_column(String(10), default="flag")  # flag or event
    recorded_on: Mapped[date | None] = mapped_column(Date)  # the first (earliest) record
    # The latest record: the CMS counts anxiety and depression only when coded in the last year.
    last_recorded_on: Mapped[date | None] = mapped_column(Date)

    patient: Mapped[Patient] = relationship(back_populates="conditions")


class PatientMeasure(Base):
    """A coded event with a value (SNOMED CT code, date, value, unit)."""

    __tablename__ = "patient_measure"
    __table_args__ = (Index("ix_patient_measure_patient_code", "patient_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    recorded_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(20))


class PatientMedication(Base):
    """One dated prescription issue (dm+d and/or BNF code), for the CMS drug rules and the
    eFI polypharmacy count. ``drug_group`` is the CMS group worked out at import from the
    BNF section; ``medicine`` is what counts as one distinct medicine; ``repeat`` is None
    when the extract did not say whether the issue was repeat or acute."""

    __tablename__ = "patient_medication"
    __table_args__ = (
        # Covering indexes: stratification counts each person's issues per drug group (seeking
        # past the many issues with no group) and their different repeat medicines from these
        # alone, already in group order (no sort).
        Index("ix_patient_medication_patient", "patient_id", "medicine", "is_repeat", "issued_on"),
        Index("ix_patient_medication_group", "drug_group", "patient_id", "issued_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id", ondelete="CASCADE"))
    code: Mapped[str | None] = mapped_column(String(20))
    bnf_code: Mapped[str | None] = mapped_column(String(15))
    drug_group: Mapped[str | None] = mapped_column(String(20))
    medicine: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date] = mapped_column(Date)
    is_repeat: Mapped[bool | None] = mapped_column(Boolean)
