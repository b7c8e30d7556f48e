"""Staying safe: the risk assessment before a home visit (with the lone-working plan)
and safeguarding concerns (category, who was informed), including concerns the GP
record already carries as codes.

Safeguarding concerns are ``PersonFlag`` rows of kind "safeguarding", so they show on
the banner with every other current flag.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import func, select

from pcn_assistant.assets import resource_path
from pcn_assistant.core import clock
from pcn_assistant.core import person_record as vocab
from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import audit
from pcn_assistant.services.caseload.common import load_patient, require_text, saving, touch
from pcn_assistant.services.person_record._common import key, short
from pcn_assistant.services.security import (
    CASELOAD_READ,
    CASELOAD_WRITE,
    IMPORTS_RUN,
    Actor,
    requires,
)
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models.caseload import PersonFlag
from pcn_assistant.store.models.patient import PatientMeasure
from pcn_assistant.store.models.person_record import HomeVisitRisk
from pcn_assistant.store.models.settings import Setting

REVIEW_AFTER = timedelta(days=182)  # a home-visit risk assessment is reviewed at least every 6 months


@dataclass(frozen=True)
class HomeVisitAssessment:
    id: int
    risks: tuple[str, ...]
    risk_detail: str
    lone_working_plan: str
    visit_in_pairs: bool
    assessed_on: date
    review_by: date
    assessed_by: str
    version: int

    def is_due(self, today: date) -> bool:
        return self.review_by <= today

    def reads_as(self, today: date) -> str:
        risks = ", ".join(vocab.HOME_RISKS[r] for r in self.risks) or "no known risks"
        due = " (review overdue)" if self.is_due(today) else ""
        pairs = "; visit in pairs" if self.visit_in_pairs else ""
        return f"Home visit risk assessed {self.assessed_on:%d-%b-%Y}{due}: {risks}{pairs}"


@requires(CASELOAD_WRITE)
def assess_home_visit(db: Database, actor: Actor, patient_id: int, *, risks: list[str], lone_working_plan: str,
                      risk_detail: str = "", visit_in_pairs: bool = False, assessed_on: date | None = None,
                      review_by: date | None = None) -> HomeVisitAssessment:
    """Record a new assessment (earlier ones are kept as history)."""
    for risk in risks:
        key(vocab.HOME_RISKS, risk, "A home-visit risk", optional=False)
    plan = require_text(lone_working_plan, "The lone-working plan", 2000)
    assessed_on = assessed_on or clock.today()
    if assessed_on > clock.today():
        raise InvalidInput("The assessment cannot be dated in the future")
    review_by = review_by or assessed_on + REVIEW_AFTER
    if review_by <= assessed_on:
        raise InvalidInput("The review date must be after the assessment date")
    with saving("risk assessment"), db.transaction() as session:
        load_patient(session, patient_id)
        row = HomeVisitRisk(patient_id=patient_id, risks=sorted(set(risks)),
                            risk_detail=short(risk_detail, "The detail", 2000) or "", lone_working_plan=plan,
                            visit_in_pairs=visit_in_pairs, assessed_on=assessed_on, review_by=review_by,
                            assessed_by=actor.name)
        touch(row, actor)
        session.add(row)
        session.flush()
        audit.record(session, actor, "person.home_visit_risk", entity="home_visit_risk", entity_id=row.id,
                     summary=f"home visit risk assessed for patient {patient_id}")
        return _assessment(row)


def _assessment(row: HomeVisitRisk) -> HomeVisitAssessment:
    return HomeVisitAssessment(row.id, tuple(row.risks or ()), row.risk_detail, row.lone_working_plan,
                               row.visit_in_pairs, row.assessed_on, row.review_by, row.assessed_by, row.version)


@requires(CASELOAD_READ)
def latest_home_visit_assessment(db: Database, actor: Actor, patient_id: int) -> HomeVisitAssessment | None:
    with db.session() as session:
        row = session.execute(select(HomeVisitRisk).where(HomeVisitRisk.patient_id == patient_id)
                              .order_by(HomeVisitRisk.assessed_on.desc(), HomeVisitRisk.id.desc())
                              .limit(1)).scalar_one_or_none()
        return _assessment(row) if row else None


@dataclass(frozen=True)
class SafeguardingConcern:
    id: int
    category: str | None
    description: str
    raised_on: date
    informed: str | None
    source: str  # app or gp_code
    ended_on: date | None


@requires(CASELOAD_WRITE)
def raise_safeguarding(db: Database, actor: Actor, patient_id: int, *, category: str, description: str,
                       informed: str, raised_on: date | None = None) -> int:
    """A safeguarding concern: what, which category, and who was informed (required)."""
    key(vocab.SAFEGUARDING_CATEGORIES, category, "The safeguarding category", optional=False)
    description = require_text(description, "The concern", 500)
    informed = require_text(informed, "Who was informed", 500)
    raised_on = raised_on or clock.today()
    if raised_on > clock.today():
        raise InvalidInput("The concern cannot be dated in the future")
    with saving("flag"), db.transaction() as session:
        load_patient(session, patient_id)
        flag = PersonFlag(patient_id=patient_id, kind="safeguarding", description=description,
                          raised_on=raised_on, recorded_by=actor.name, updated_by=actor.name,
                          category=category, informed=informed, source="app")
        session.add(flag)
        session.flush()
        audit.record(session, actor, "caseload.safeguarding", entity="person_flag", entity_id=flag.id,
                     summary=f"safeguarding concern ({category}) raised for patient {patient_id}")
        return flag.id


@requires(CASELOAD_READ)
def safeguarding_concerns(db: Database, actor: Actor, patient_id: int) -> list[SafeguardingConcern]:
    with db.session() as session:
        flags = session.execute(select(PersonFlag).where(
            PersonFlag.patient_id == patient_id, PersonFlag.kind == "safeguarding")
            .order_by(PersonFlag.raised_on.desc(), PersonFlag.id.desc())).scalars()
        return [SafeguardingConcern(f.id, f.category, f.description, f.raised_on, f.informed, f.source,
                                    f.ended_on) for f in flags]


@cache
def safeguarding_codes() -> dict[str, tuple[str, str]]:
    """SNOMED CT code -> (term, category), from resources/person_record/safeguarding_codes.csv."""
    with resource_path("person_record", "safeguarding_codes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    codes = {}
    for line, row in enumerate(rows, start=2):
        if row["category"] not in vocab.SAFEGUARDING_CATEGORIES:
            raise ValueError(f"safeguarding_codes.csv line {line}: unknown category {row['category']!r}")
        codes[row["code"]] = (row["term"], row["category"])
    return codes


SCANNED_KEY = "safeguarding.gp_codes_scanned"  # "<last patient_measure id>:<code list digest>"


def _scan_start(session, codes: dict[str, tuple[str, str]]) -> tuple[int, str]:  # noqa: ANN001 - a Session
    """Where the last scan stopped, unless the code list changed since (then from the start)."""
    digest = hashlib.sha256(",".join(sorted(codes)).encode()).hexdigest()[:16]
    stored = session.get(Setting, SCANNED_KEY)
    last, _, seen_digest = (stored.value if stored else "0:").partition(":")
    return (int(last) if seen_digest == digest and last.isdigit() else 0), digest


@requires(IMPORTS_RUN)
def flags_from_gp_codes(db: Database, actor: Actor) -> int:
    """Raise a safeguarding flag for each safeguarding code in the imported GP events not
    yet flagged (same person, code and date); returns how many were added.

    Runs after every events import (``services/hooks``) and reads only the events stored
    since its last run (events are only ever appended), so it stays cheap however many
    millions of events a PCN holds; re-running adds nothing.
    """
    codes = safeguarding_codes()
    with db.transaction() as session:
        start, digest = _scan_start(session, codes)
        newest = session.execute(select(func.max(PatientMeasure.id))).scalar() or 0
        found = session.execute(select(PatientMeasure.patient_id, PatientMeasure.code, PatientMeasure.recorded_on)
                                .where(PatientMeasure.id > start, PatientMeasure.id <= newest,
                                       PatientMeasure.code.in_(list(codes))).distinct()).all()
        session.merge(Setting(key=SCANNED_KEY, value=f"{newest}:{digest}"))
        if not found:
            return 0
        existing = set(session.execute(select(PersonFlag.patient_id, PersonFlag.source_code, PersonFlag.raised_on)
                                       .where(PersonFlag.source == "gp_code")))
        added = 0
        for patient_id, code, recorded_on in found:
            if (patient_id, code, recorded_on) in existing:
                continue
            term, category = codes[code]
            session.add(PersonFlag(patient_id=patient_id, kind="safeguarding", description=f"GP record: {term}",
                                   raised_on=recorded_on, recorded_by=actor.name, updated_by=actor.name,
                                   category=category, informed=None, source="gp_code", source_code=code))
            added += 1
        if added:
            audit.record(session, actor, "caseload.safeguarding_import", entity="person_flag",
                         summary=f"{added} safeguarding flag(s) raised from GP codes")
        return added
