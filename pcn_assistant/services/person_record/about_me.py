"""Individual requirements (Accessible Information Standard) and social context.

One row each per person, edited as a whole with optimistic concurrency (two link
workers editing the same person get a clear clash, not a silent overwrite).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select
from sqlalchemy.sql import ColumnElement

from pcn_assistant.core import person_record as vocab
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.caseload.common import check_version, load_patient, saving, touch
from pcn_assistant.services.person_record._common import key, short
from pcn_assistant.services.security import CASELOAD_READ, CASELOAD_WRITE, Actor, requires
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.patient import Patient
from pcn_assistant.store.models.person_record import IndividualRequirements, SocialContext


@dataclass(frozen=True)
class Requirements:
    communication_needs: str = ""
    reasonable_adjustments: str = ""
    interpreter_needed: bool = False
    language: str | None = None
    preferred_name: str | None = None
    pronouns: str | None = None
    contact_method: str | None = None
    contact_times: str | None = None
    version: int | None = None  # None until first saved

    @property
    def is_empty(self) -> bool:
        return not any((self.communication_needs, self.reasonable_adjustments, self.interpreter_needed,
                        self.language, self.preferred_name, self.pronouns, self.contact_method,
                        self.contact_times))

    def banner_lines(self) -> list[str]:
        """Short lines for the person banner and the referral slip, most important first."""
        lines = []
        if self.interpreter_needed:
            lines.append(f"Needs an interpreter ({self.language or 'language not recorded'})")
        elif self.language:
            lines.append(f"Language: {self.language}")
        if self.communication_needs:
            lines.append(f"Communication: {self.communication_needs}")
        if self.reasonable_adjustments:
            lines.append(f"Adjustments: {self.reasonable_adjustments}")
        names = [part for part in (f"prefers '{self.preferred_name}'" if self.preferred_name else "",
                                   self.pronouns or "") if part]
        if names:
            lines.append("Name: " + ", ".join(names))
        if self.contact_method or self.contact_times:
            method = vocab.CONTACT_METHODS.get(self.contact_method or "", "")
            lines.append("Contact: " + ", ".join(p for p in (method, self.contact_times or "") if p))
        return lines


@dataclass(frozen=True)
class Context:
    lives_alone: bool | None = None
    is_carer: bool | None = None
    is_cared_for: bool | None = None
    accommodation: str | None = None
    employment: str | None = None
    occupation: str | None = None
    note: str = ""
    codes: tuple[str, ...] = field(default_factory=tuple)
    version: int | None = None

    def summary(self) -> str:
        parts = [label for flag, label in (("lives_alone", "Lives alone"), ("is_carer", "Carer"),
                                           ("is_cared_for", "Cared for")) if getattr(self, flag)]
        if self.accommodation:
            parts.append(vocab.ACCOMMODATION[self.accommodation])
        if self.employment:
            parts.append(vocab.EMPLOYMENT[self.employment])
        return "; ".join(parts)


def _requirements(row: IndividualRequirements | None) -> Requirements:
    if row is None:
        return Requirements()
    return Requirements(row.communication_needs, row.reasonable_adjustments, row.interpreter_needed,
                        row.language, row.preferred_name, row.pronouns, row.contact_method,
                        row.contact_times, row.version)


def _context(row: SocialContext | None) -> Context:
    if row is None:
        return Context()
    return Context(row.lives_alone, row.is_carer, row.is_cared_for, row.accommodation, row.employment,
                   row.occupation, row.note, tuple(row.codes or ()), row.version)


@requires(CASELOAD_READ)
def get_requirements(db: Database, actor: Actor, patient_id: int) -> Requirements:
    with db.session() as session:
        return requirements_in(session, patient_id)


def requirements_in(session, patient_id: int) -> Requirements:  # noqa: ANN001 - a Session
    return _requirements(session.execute(select(IndividualRequirements).where(
        IndividualRequirements.patient_id == patient_id)).scalar_one_or_none())


@requires(CASELOAD_WRITE)
def save_requirements(db: Database, actor: Actor, patient_id: int, wanted: Requirements) -> Requirements:
    values = {
        "communication_needs": short(wanted.communication_needs, "Communication needs", 2000) or "",
        "reasonable_adjustments": short(wanted.reasonable_adjustments, "Reasonable adjustments", 2000) or "",
        "interpreter_needed": bool(wanted.interpreter_needed),
        "language": short(wanted.language, "The language", 60),
        "preferred_name": short(wanted.preferred_name, "The preferred name", 100),
        "pronouns": short(wanted.pronouns, "The pronouns", 40),
        "contact_method": key(vocab.CONTACT_METHODS, wanted.contact_method, "Preferred contact method"),
        "contact_times": short(wanted.contact_times, "Preferred contact times", 200),
    }
    return _requirements(_save_for_person(db, actor, patient_id, IndividualRequirements, values, wanted.version,
                                          "individual requirements", "person.requirements"))


@requires(CASELOAD_READ)
def get_context(db: Database, actor: Actor, patient_id: int) -> Context:
    """The link worker's record of the person's circumstances or, until there is one,
    what the GP extract coded (lives alone, carer, has a carer, care home)."""
    with db.session() as session:
        row = session.execute(select(SocialContext).where(
            SocialContext.patient_id == patient_id)).scalar_one_or_none()
        if row is not None:
            return _context(row)
        patient = load_patient(session, patient_id)
        return Context(lives_alone=patient.lives_alone, is_carer=patient.is_carer,
                       is_cared_for=patient.has_carer,
                       accommodation="care_home" if patient.care_home else None, note="")


@requires(CASELOAD_WRITE)
def save_context(db: Database, actor: Actor, patient_id: int, wanted: Context) -> Context:
    values = asdict(wanted)
    values.pop("version")
    values["accommodation"] = key(vocab.ACCOMMODATION, wanted.accommodation, "Accommodation")
    values["employment"] = key(vocab.EMPLOYMENT, wanted.employment, "Employment")
    values["occupation"] = short(wanted.occupation, "The occupation", 200)
    values["note"] = short(wanted.note, "The note", 2000) or ""
    values["codes"] = list(wanted.codes)
    return _context(_save_for_person(db, actor, patient_id, SocialContext, values, wanted.version,
                                     "social context", "person.context"))


def _save_for_person(db: Database, actor: Actor, patient_id: int, model: type, values: dict,
                     expected_version: int | None, what: str, action: str):  # noqa: ANN202 - the saved row
    """Create or update a person's one row of ``model`` with ``values``, refusing a save based
    on a stale read, and record it in the audit trail (no personal details in the summary)."""
    with saving(what), db.transaction() as session:
        load_patient(session, patient_id)
        row = session.execute(select(model).where(model.patient_id == patient_id)).scalar_one_or_none()
        if row is None:
            row = model(patient_id=patient_id)
            session.add(row)
        else:
            check_version(session, row, expected_version, values)
        for name, value in values.items():
            setattr(row, name, value)
        touch(row, actor)
        session.flush()
        audit.record(session, actor, action, entity=model.__tablename__, entity_id=row.id,
                     summary=f"{what} saved for patient {patient_id}")
        return row


_CODED = {"lives_alone": Patient.lives_alone, "is_carer": Patient.is_carer, "is_cared_for": Patient.has_carer}


def household_flag(key: str) -> ColumnElement:
    """SQL for one household fact about ``Patient``: the link worker's record where there is
    one, else what the GP extract coded. For worklist filters and the equity panel."""
    if key not in _CODED:
        raise InvalidInput(f"Household must be one of: {', '.join(_CODED)} (not {key!r})")
    recorded = (select(getattr(SocialContext, key)).where(SocialContext.patient_id == Patient.id)
                .correlate(Patient).scalar_subquery())
    return func.coalesce(recorded, _CODED[key])


def household_condition(key: str) -> ColumnElement[bool]:
    return household_flag(key).is_(True)
