"""A person's assessment and its history, as plain dataclasses for any area to show.

``latest_assessment`` and ``assessment_history`` are what the person record, the
risk panel and the caseload banner call; ``last_run`` and ``tier_counts`` serve the
Find people status line, ``stats --json`` and the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pcn_assistant.core.risk.cms import conditions_in_mask
from pcn_assistant.core.risk.efi import (
    EFI_DEFICIT_COUNT,
    EFI_MIN_AGE,
    NOT_APPLICABLE,
    deficits_in_mask,
)
from pcn_assistant.core.risk.priority import COMPONENTS, load_model
from pcn_assistant.core.risk.reasons import split_reasons
from pcn_assistant.core.risk.tiers import TIER_NAMES
from pcn_assistant.services.security import PATIENTS_READ, Actor, requires
from pcn_assistant.services.stats import risk_stats as risk_stats  # noqa: F401 (stats --json)
from pcn_assistant.store.engine import Database
from pcn_assistant.store.models import Patient, Practice
from pcn_assistant.store.models.patient import REGISTERED
from pcn_assistant.store.models.risk import RiskAssessment, RiskRun

RISING_POINTS = 3  # "rising risk": up this many points or more since the previous assessment


@dataclass(frozen=True)
class ComponentPoints:
    key: str
    label: str
    points: int
    maximum: int


@dataclass(frozen=True)
class Assessment:
    """One assessment, with everything needed to explain it."""

    id: int
    patient_id: int
    assessed_on: date
    model_id: str
    model_version: str
    age: int
    points: int
    max_points: int
    previous_points: int | None
    components: tuple[ComponentPoints, ...]
    efi_deficits: int | None
    efi_score: float | None
    efi_category: str | None
    efi_deficit_names: tuple[str, ...]
    frailty_level: str | None
    cms_score: float | None
    cms_conditions: tuple[str, ...]
    emergency_admissions: int | None
    ae_attendances: int | None
    medication_count: int | None
    tier: int | None
    pinned_reason: str | None
    reasons: tuple[str, ...]
    is_latest: bool
    statement: str = field(default="")

    @property
    def model_label(self) -> str:
        return f"{self.model_id} v{self.model_version}"

    @property
    def tier_label(self) -> str:
        if self.tier is None:
            return "No tier (under 18)"
        return TIER_NAMES.get(self.tier, f"Tier {self.tier}")

    @property
    def efi_label(self) -> str:
        """'0.39: severe frailty (14 of 36 deficits)', or 'not applicable (under 65)', never 0."""
        if self.efi_deficits is None or self.efi_score is None:
            return f"{NOT_APPLICABLE} (under {EFI_MIN_AGE})"
        category = "fit" if self.efi_category == "fit" else f"{self.efi_category} frailty"
        return f"{self.efi_score:.2f}: {category} ({self.efi_deficits} of {EFI_DEFICIT_COUNT} deficits)"

    @property
    def cms_label(self) -> str:
        return "not applicable (under 18)" if self.cms_score is None else f"{self.cms_score:.2f}"

    @property
    def change(self) -> int | None:
        return None if self.previous_points is None else self.points - self.previous_points

    @property
    def rising(self) -> bool:
        return self.change is not None and self.change >= RISING_POINTS


@dataclass(frozen=True)
class RunInfo:
    id: int
    started_at: datetime
    assessed_on: date
    user_name: str
    model: str
    assessed: int
    changed: int
    tiers: dict[str, int]
    tier3_percent: str
    tier2_percent: str
    duration_s: float | None


def to_assessment(row: RiskAssessment) -> Assessment:
    try:
        model = load_model(row.model_id)
        maxima = {name: model.component_max(name) for name in COMPONENTS}
        max_points, statement = model.max_points, model.statement
    except (FileNotFoundError, ValueError):  # an assessment made with a model since removed
        maxima, max_points, statement = {}, 0, ""
    components = tuple(
        ComponentPoints(key=name, label=label, points=int(getattr(row, f"pts_{name}")),
                        maximum=maxima.get(name, 0))
        for name, label in COMPONENTS.items()
    )
    return Assessment(
        id=row.id, patient_id=row.patient_id, assessed_on=row.assessed_on, model_id=row.model_id,
        model_version=row.model_version, age=row.age, points=row.points, max_points=max_points,
        previous_points=row.previous_points, components=components,
        efi_deficits=row.efi_deficits, efi_score=row.efi_score, efi_category=row.efi_category,
        efi_deficit_names=tuple(deficits_in_mask(row.efi_deficit_mask)),
        frailty_level=row.frailty_level, cms_score=row.cms_score,
        cms_conditions=tuple(conditions_in_mask(row.cms_condition_mask)),
        emergency_admissions=row.emergency_admissions, ae_attendances=row.ae_attendances,
        medication_count=row.medication_count, tier=row.tier, pinned_reason=row.pinned_reason,
        reasons=tuple(split_reasons(row.reasons)), is_latest=bool(row.is_latest), statement=statement,
    )


@requires(PATIENTS_READ)
def latest_assessment(db: Database, actor: Actor, patient_id: int) -> Assessment | None:
    """The person's current assessment, or None if they have never been stratified."""
    with db.session() as session:
        row = session.execute(
            select(RiskAssessment)
            .where(RiskAssessment.patient_id == patient_id, RiskAssessment.is_latest.is_(True))
            .order_by(RiskAssessment.id.desc()).limit(1)
        ).scalar_one_or_none()
        return None if row is None else to_assessment(row)


@requires(PATIENTS_READ)
def assessment_history(db: Database, actor: Actor, patient_id: int) -> list[Assessment]:
    """Every assessment the person has had, oldest first (a new row is kept only on change)."""
    with db.session() as session:
        rows = session.execute(
            select(RiskAssessment).where(RiskAssessment.patient_id == patient_id)
            .order_by(RiskAssessment.assessed_on, RiskAssessment.id)
        ).scalars().all()
        return [to_assessment(row) for row in rows]


def read_last_run(session: Session) -> RunInfo | None:
    run = session.execute(select(RiskRun).order_by(RiskRun.id.desc()).limit(1)).scalar_one_or_none()
    if run is None:
        return None
    return RunInfo(
        id=run.id, started_at=run.started_at, assessed_on=run.assessed_on, user_name=run.user_name,
        model=f"{run.model_id} v{run.model_version}", assessed=run.assessed, changed=run.changed,
        tiers={"1": run.tier1, "2": run.tier2, "3": run.tier3}, tier3_percent=run.tier3_percent,
        tier2_percent=run.tier2_percent, duration_s=run.duration_s,
    )


@requires(PATIENTS_READ)
def last_run(db: Database, actor: Actor) -> RunInfo | None:
    """The most recent stratification, or None if there has been none."""
    with db.session() as session:
        return read_last_run(session)


@requires(PATIENTS_READ)
def tier_counts(db: Database, actor: Actor, *, by_practice: bool = False) -> dict:
    """Registered people by current tier: ``{"1": n, ...}`` or ``{ods: {"1": n, ...}}``.

    Children (no tier) are counted under ``"none"``.
    """
    practice_code = actor.practice_code
    stmt = (
        select(Practice.ods_code, RiskAssessment.tier, func.count())
        .join(Patient, Patient.id == RiskAssessment.patient_id)
        .join(Practice, Practice.id == Patient.practice_id)
        .where(RiskAssessment.is_latest.is_(True), Patient.registration_status == REGISTERED)
        .group_by(Practice.ods_code, RiskAssessment.tier)
    )
    if practice_code:
        stmt = stmt.where(Practice.ods_code == practice_code)
    with db.session() as session:
        rows = session.execute(stmt).all()
    out: dict = {}
    for ods, tier, count in rows:
        key = "none" if tier is None else str(tier)
        bucket = out.setdefault(ods, {"1": 0, "2": 0, "3": 0, "none": 0}) if by_practice else out
        bucket[key] = bucket.get(key, 0) + count
    if not by_practice:
        for key in ("1", "2", "3", "none"):
            out.setdefault(key, 0)
    return out
